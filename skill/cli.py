"""Command-line adapter: `ltv-optimizer plan FILE|-` and friends, over skill.api.

Each subcommand is an `_add_<name>` function that registers its arguments and a
handler; a handler takes the parsed arguments and returns the text to print.
Caller mistakes end with a short message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from skill import api
from skill.schema import NormalizedInput

PROG = "ltv-optimizer"
USAGE_ERROR = 2


def read_source(source: str) -> str:
    """The UTF-8 text of FILE, or of stdin for '-' (bytes, so the locale cannot garble it)."""
    if source == "-":
        raw = sys.stdin.buffer.read()
    else:
        path = Path(source)
        if not path.exists():
            raise api.InputError(f"{source}: no such file")
        if path.is_dir():
            raise api.InputError(f"{source}: is a directory, expected a notes file")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise api.InputError(f"{source}: cannot read ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise api.InputError(f"{source}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and retry") from exc


def _load_normalized(source: str) -> NormalizedInput:
    text = read_source(source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise api.InputError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    return api.validate_input(data)


def _run_plan(args: argparse.Namespace) -> str:
    if args.normalized:
        result = api.plan_from_input(_load_normalized(args.source))
    else:
        result = api.plan_from_notes(read_source(args.source))
    return result.model_dump_json(indent=2) if args.json else result.markdown


def _add_plan(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="build an LTV action plan from segment notes",
        description="Build a ranked, constraint-aware LTV action plan from pasted segment notes.",
    )
    parser.add_argument("source", metavar="FILE", help="notes file, or '-' to read stdin")
    parser.add_argument(
        "--json", action="store_true", help="print the structured result (markdown, plan, input) as JSON"
    )
    parser.add_argument(
        "--normalized",
        action="store_true",
        help="FILE is a NormalizedInput JSON (e.g. the edited output of `normalize`), not notes",
    )
    parser.set_defaults(handler=_run_plan)


def _run_normalize(args: argparse.Namespace) -> str:
    return api.normalize(read_source(args.source)).model_dump_json(indent=2)


def _add_normalize(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "normalize",
        help="show how the notes are read, as JSON",
        description="Print the NormalizedInput read from the notes; edit it and run `plan --normalized`.",
    )
    parser.add_argument("source", metavar="FILE", help="notes file, or '-' to read stdin")
    parser.set_defaults(handler=_run_normalize)


SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (_add_plan, _add_normalize)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Customer-lifetime-value action plans, offline: nothing is sent anywhere.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        output = args.handler(args)
    except api.InputError as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    try:
        print(output, flush=True)
    except BrokenPipeError:
        # The reader stopped early (`| head`); end quietly as other CLI tools do (Python docs' recipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
