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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from skill import api
from skill.process import use_small_pages_for_arrays
from skill.schema import CHANNELS, Constraints, NormalizedInput

if TYPE_CHECKING:
    from skill.orders import OrdersResult

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
    if args.notes is not None and not args.normalized:
        raise api.InputError("--notes goes with --normalized: it is the text a NormalizedInput FILE was read from")
    if args.notes == "-" and args.source == "-":
        raise api.InputError("only one of FILE and --notes can be '-' (stdin)")
    if args.normalized:
        notes = read_source(args.notes) if args.notes is not None else None
        result = api.plan_from_input(_load_normalized(args.source), notes=notes)
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
    parser.add_argument(
        "--notes",
        metavar="NOTES",
        help="with --normalized: the notes FILE was read from; each number in FILE that they do not "
        "contain is flagged in the warnings and assumptions",
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


def _pairs(kind: str) -> Callable[[str], tuple[str, float]]:
    """argparse type for NAME=NUMBER options such as `--cac meta=45`."""

    def parse(value: str) -> tuple[str, float]:
        name, sep, number = value.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            return name.strip(), float(number)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}=NUMBER, got {value!r}") from None

    return parse


def _mapping(value: str) -> dict[str, str]:
    """`--mapping` takes inline JSON or a JSON file: {canonical_field: export column}."""
    text = Path(value).read_text(encoding="utf-8") if Path(value).is_file() else value
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"--mapping is not JSON or a JSON file ({exc.msg})") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise argparse.ArgumentTypeError('--mapping must be an object such as {"customer_id": "Client", "amount": "Paid"}')
    return mapping


def _progress_bar(enabled: bool) -> Callable[[float, str], None] | None:
    """A one-line progress bar on stderr (stdout stays clean for the report)."""
    if not enabled:
        return None

    def show(fraction: float, message: str) -> None:
        filled = int(30 * fraction)
        end = "\n" if fraction >= 1 else ""
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {100 * fraction:5.1f}% {message[:40]:<40}", end=end, file=sys.stderr, flush=True)

    return show


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="FILE", help="order export: CSV (any delimiter), Parquet, XLSX or a transaction log")
    parser.add_argument("--mapping", type=_mapping, help="JSON (or a JSON file) {canonical_field: column} overriding the guess")
    parser.add_argument("--as-of", type=_date, help="analysis date YYYY-MM-DD (default: the last order date)")
    parser.add_argument("--currency", help="analysis currency (ISO 4217; default: the export's main currency)")
    parser.add_argument("--fx", type=_pairs("CUR"), action="append", default=[], metavar="CUR=RATE",
                        help="convert CUR into the analysis currency at RATE; repeatable (rates are never fetched)")
    parser.add_argument("--cac", type=_pairs("CHANNEL"), action="append", default=[], metavar="CHANNEL=CAC",
                        help="acquisition cost per customer for a channel, for LTV:CAC and payback; repeatable")
    parser.add_argument("--customer-summary", action="store_true",
                        help="FILE is one row per customer (skill/sql/customer_summary.sql output), not order lines")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _analyse(args: argparse.Namespace) -> OrdersResult:
    return api.analyze_export(
        args.source,
        mapping=args.mapping,
        as_of=args.as_of,
        currency=args.currency,
        fx_rates=dict(args.fx) or None,
        cac_by_channel=dict(args.cac) or None,
        customer_summary=args.customer_summary,
        progress=_progress_bar(not args.no_progress and sys.stderr.isatty()),
    )


def _run_analyze(args: argparse.Namespace) -> str:
    from skill.render import render_analysis

    result = _analyse(args)
    if args.customers_out:
        written = api.export_customer_table(result, args.customers_out)
        print(f"wrote {written.rows:,} customers to {written.path}", file=sys.stderr)
    if args.plan:
        inp = api.export_input(result, constraints=_constraints(args))
        if not args.no_predict:
            inp = api.with_predicted_clv_or_warning(inp, result)
        planned = api.plan_from_input(inp)
        return planned.model_dump_json(indent=2) if args.json else planned.markdown
    return result.analysis.model_dump_json(indent=2) if args.json else render_analysis(result.analysis)


def _add_analyze(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="measure customer history from an order export (cleaning, RFM, cohorts)",
        description="Map, clean and analyse an order export; --plan builds the LTV plan from the measured segments.",
    )
    _add_export_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the structured analysis (or plan) as JSON")
    parser.add_argument("--plan", action="store_true", help="print the LTV action plan built from the export")
    parser.add_argument("--no-predict", action="store_true", help="with --plan: skip the predictive CLV models")
    parser.add_argument("--customers-out", metavar="PATH", help="also write the per-customer table (.csv or .parquet)")
    _add_constraint_arguments(parser)
    parser.set_defaults(handler=_run_analyze)


def _add_constraint_arguments(parser: argparse.ArgumentParser) -> None:
    """An export carries no rules, so the operator states them here for the plan."""
    group = parser.add_argument_group("constraints for the plan")
    group.add_argument("--max-discount", type=float, metavar="PCT", help="deepest percent discount any play may use (0 = none)")
    group.add_argument("--ban-channel", action="append", default=[], choices=CHANNELS, metavar="CHANNEL",
                       help=f"a channel no play may use; repeatable ({', '.join(CHANNELS)})")
    group.add_argument("--no-free-product", action="store_true", help="no free-product or gift plays")


def _constraints(args: argparse.Namespace) -> Constraints | None:
    if args.max_discount is None and not args.ban_channel and not args.no_free_product:
        return None
    return Constraints(max_discount_pct=args.max_discount, banned_channels=args.ban_channel, no_free_product=args.no_free_product)


def _run_predict(args: argparse.Namespace) -> str:
    from skill.render import render_prediction

    options = api.predict_options(
        model=args.model, horizon_days=args.horizon_days, discount_rate_monthly=args.discount_rate,
        margin_pct=args.margin, at_risk_limit=args.at_risk,
    )
    result = _analyse(args)
    scores = api.score_export(result, options)
    if args.json:
        return scores.prediction.model_dump_json(indent=2)
    return render_prediction(scores.prediction, result.analysis.summary.currency)


def _add_predict(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "predict",
        help="predicted CLV, P(alive) and churn risk from an order export",
        description="Fit BG/NBD or Pareto/NBD with Gamma-Gamma spend; print predicted CLV per segment and the customers with most value at risk.",
    )
    _add_export_arguments(parser)
    _add_model_argument(parser)
    parser.add_argument("--horizon-days", type=int, default=365, help="prediction horizon (default: %(default)s)")
    parser.add_argument("--discount-rate", type=float, default=0.01, metavar="RATE",
                        help="monthly discount rate for CLV (default: %(default)s)")
    parser.add_argument("--margin", type=float, metavar="PCT", help="gross margin %% (default: measured, else revenue)")
    parser.add_argument("--at-risk", type=int, default=20, metavar="N", help="customers in the at-risk list (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the structured prediction as JSON")
    parser.set_defaults(handler=_run_predict)


def _run_validate(args: argparse.Namespace) -> str:
    from skill.render import render_holdout

    report = api.validate_export(_analyse(args), args.calibration_end, args.holdout_end, model=args.model)
    return report.model_dump_json(indent=2) if args.json else render_holdout(report)


def _add_validate(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="holdout check of the CLV model against a run-rate baseline",
        description="Fit on orders up to --calibration-end, predict the rest, and compare with a naive run-rate baseline.",
    )
    _add_export_arguments(parser)
    _add_model_argument(parser)
    parser.add_argument("--calibration-end", type=_date, required=True, metavar="DATE", help="last day of the fitting period")
    parser.add_argument("--holdout-end", type=_date, metavar="DATE", help="last day of the holdout (default: last order)")
    parser.add_argument("--json", action="store_true", help="print the structured report as JSON")
    parser.set_defaults(handler=_run_validate)


def _add_model_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", choices=("bgnbd", "pareto_nbd"), default="bgnbd",
                        help="repeat-purchase model (default: %(default)s)")


SUBCOMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_plan, _add_normalize, _add_analyze, _add_predict, _add_validate,
)


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
    use_small_pages_for_arrays()
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
