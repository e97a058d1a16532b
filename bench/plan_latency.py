"""Latency of the notes path: in-process, over stdio MCP, and the server's cold start.

Run: .venv/bin/python bench/plan_latency.py [--iterations N] [--stdio-calls N] [--cold-starts N]

Machine speed varies, so next to each figure it prints a reference measured in the same run
(json.dumps of the same result): the ratio says more across machines than milliseconds do.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters

from skill import api

ROOT = Path(__file__).resolve().parents[1]

NOTES = sorted((ROOT / "fixtures" / "notes").glob("*.*"))
SERVER = ROOT / "server.py"
TARGET_IN_PROCESS_MS = 20.0
TARGET_STDIO_MS = 50.0
TARGET_COLD_START_S = 1.5
TARGET_LONG_NOTES_MS = 1000.0


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    """p50 and p95 (inclusive method, so small samples stay within the observed range)."""
    cuts = statistics.quantiles(samples_ms, n=20, method="inclusive")
    return statistics.median(samples_ms), cuts[18]


def timed_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench_in_process(texts: list[str], iterations: int) -> tuple[list[float], list[float]]:
    """Per-call times of plan_from_notes and, as the reference, json.dumps of its result."""
    for text in texts:  # warm imports, template compilation and caches
        api.plan_from_notes(text)
    plan_ms, dumps_ms = [], []
    for _ in range(iterations):
        for text in texts:
            plan_ms.append(timed_ms(lambda: api.plan_from_notes(text)))
            result = api.plan_from_notes(text).model_dump(mode="json")
            dumps_ms.append(timed_ms(lambda: json.dumps(result)))
    return plan_ms, dumps_ms


def reader_caches() -> list[Callable[[], None]]:
    """cache_clear of every memoised lookup in the reader: a 'first sight' call clears them all."""
    import skill.normalize as reader_package

    modules = [module for name, module in sys.modules.items() if name.startswith(reader_package.__name__)]
    return [value.cache_clear for module in modules for value in vars(module).values() if hasattr(value, "cache_clear")]


def bench_first_sight(texts: list[str], iterations: int) -> list[float]:
    """plan_from_notes on notes the reader has not seen: its sentence and label caches cleared before each call."""
    clears = reader_caches()
    samples = []
    for _ in range(iterations):
        for text in texts:
            for clear in clears:
                clear()
            samples.append(timed_ms(lambda: api.plan_from_notes(text)))
    return samples


# Long notes the reader must stay near-linear on: 50,000 characters each.
LONG_NOTES = {
    "repeated 'VIP 5% '": ("VIP 5% " * 7200)[:50_000],
    "repeated segment bullets": ("- VIPs: 180 custs, 31% of rev, AOV $92, ~4 orders/yr\n" * 1000)[:50_000],
    "one line of prose": ("Lapsed members, 1,900, most cancelled within 2 years, AOV $40 and they buy 3 times a year " * 600)[:50_000],
}


def bench_long_notes() -> list[tuple[str, float, float]]:
    """(label, ms to normalize 50k characters, ms for the reference json round trip of the same text)."""
    from skill.normalize import normalize_notes

    out = []
    for label, text in LONG_NOTES.items():
        for clear in reader_caches():
            clear()
        reference = timed_ms(lambda: json.loads(json.dumps({"notes": text})))
        out.append((label, timed_ms(lambda: normalize_notes(text)), reference))
    return out


def bench_stdio(texts: list[str], calls: int) -> list[float]:
    """Round trips of build_ltv_plan through one spawned server, via the SDK's stdio client."""
    params = StdioServerParameters(command=sys.executable, args=[str(SERVER)], cwd=str(ROOT))

    async def go() -> list[float]:
        samples = []
        async with Client(params, read_timeout_seconds=60) as client:
            await client.call_tool("build_ltv_plan", {"notes": texts[0]})
            for i in range(calls):
                start = time.perf_counter()
                result = await client.call_tool("build_ltv_plan", {"notes": texts[i % len(texts)]})
                samples.append((time.perf_counter() - start) * 1000)
                if result.is_error:
                    raise RuntimeError(result.content[0].text)
        return samples

    return anyio.run(go)


# The same handshake against an empty MCPServer: the SDK's own floor, for the reference ratio.
EMPTY_SERVER = "from mcp.server.mcpserver import MCPServer; MCPServer('empty').run('stdio')"


def cold_start_s(command: list[str]) -> float:
    """Seconds from spawning `command` (an MCP stdio server) to its initialize response."""
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "0"},
        },
    }
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    proc.stdin.write(json.dumps(initialize) + "\n")
    proc.stdin.flush()
    reply = json.loads(proc.stdout.readline())
    elapsed = time.perf_counter() - start
    proc.stdin.close()
    proc.wait(timeout=30)
    if "result" not in reply:
        raise RuntimeError(f"initialize failed: {reply}")
    return elapsed


def verdict(value: float, target: float) -> str:
    return "OK" if value < target else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=50, help="passes over every fixture in-process")
    parser.add_argument("--stdio-calls", type=int, default=200)
    parser.add_argument("--cold-starts", type=int, default=5)
    args = parser.parse_args(argv)
    texts = [path.read_text(encoding="utf-8") for path in NOTES]
    if not texts:
        print("no fixtures under fixtures/notes", file=sys.stderr)
        return 1

    plan_ms, dumps_ms = bench_in_process(texts, args.iterations)
    p50, p95 = percentiles(plan_ms)
    ref50, _ = percentiles(dumps_ms)
    print(f"fixtures: {len(texts)}; in-process calls: {len(plan_ms)}")
    print(f"in-process normalize+plan+render  p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  "
          f"target p95 < {TARGET_IN_PROCESS_MS:.0f} ms  {verdict(p95, TARGET_IN_PROCESS_MS)}")
    print(f"  reference json.dumps(result)    p50 {ref50:7.3f} ms  -> plan is {p50 / ref50:,.0f}x a JSON dump")
    first = bench_first_sight(texts, max(1, args.iterations // 5))
    f50, f95 = percentiles(first)
    print(f"same, notes never seen (caches cleared) p50 {f50:7.2f} ms  p95 {f95:7.2f} ms  "
          f"target p95 < {TARGET_IN_PROCESS_MS:.0f} ms  {verdict(f95, TARGET_IN_PROCESS_MS)}")
    for label, ms, reference in bench_long_notes():
        print(f"50,000 characters, {label:28s} {ms:8.1f} ms  target < {TARGET_LONG_NOTES_MS:.0f} ms  "
              f"{verdict(ms, TARGET_LONG_NOTES_MS)}  (reference json round trip {reference:.2f} ms)")

    stdio_ms = bench_stdio(texts, args.stdio_calls)
    s50, s95 = percentiles(stdio_ms)
    print(f"stdio build_ltv_plan round trip   p50 {s50:7.2f} ms  p95 {s95:7.2f} ms  "
          f"target p95 < {TARGET_STDIO_MS:.0f} ms  {verdict(s95, TARGET_STDIO_MS)}  ({len(stdio_ms)} round trips)")
    print(f"  transport overhead over in-process p50: {s50 - p50:6.2f} ms")

    starts, floors = [], []
    for _ in range(args.cold_starts):  # interleaved so both see the same machine load
        starts.append(cold_start_s([sys.executable, str(SERVER)]))
        floors.append(cold_start_s([sys.executable, "-c", EMPTY_SERVER]))
    median, worst, floor = statistics.median(starts), max(starts), statistics.median(floors)
    print(f"server cold start to initialize   median {median:5.2f} s  max {worst:5.2f} s  "
          f"target < {TARGET_COLD_START_S} s  {verdict(median, TARGET_COLD_START_S)}  ({len(starts)} runs)")
    print(f"  reference empty MCPServer       median {floor:5.2f} s  -> this server adds {median - floor:5.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
