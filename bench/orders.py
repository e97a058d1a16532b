"""Benchmark: load + clean + analyse generated Shopify exports, against a plain pandas baseline.

    .venv/bin/python bench/orders.py                 # 100k and 1M order lines
    .venv/bin/python bench/orders.py --sizes 10000000

Each measurement runs in its own process (a worker started by a fresh measuring
process), so peak RSS is that run's alone: the measurer reads
resource.getrusage(RUSAGE_CHILDREN).ru_maxrss after the worker exits. The
baseline is pandas.read_csv + one groupby per customer, the least anyone would run.
Ours and the baseline run --repeats times each (default 3), in ABBA order (ours
first in even repeats, the baseline first in odd ones), and the table shows the
median wall time and the largest peak RSS of each; every run is printed too. On a
virtual machine a fresh process's first touch of memory can cost whole tenths of a
second unless another process has just freed it, so each side follows the other as
often as it follows itself (see docs/benchmarks.md). Ours starts as the CLI and the
MCP server do, with numpy's huge-page advice off (skill.process); the baseline runs
with numpy's defaults, as a plain script would.
Exports are written to bench/out/ (ignored by git) and reused.

A second table times the per-customer summary step alone against lifetimes'
summary_data_from_transaction_data (freq="D") on the same cleaned transactions
(analyze_orders_full(path).transactions), best of SUMMARY_REPEATS runs each, and
checks the two summaries agree. lifetimes is a test-only dependency: it is
imported only in that worker, and the table is skipped when it is not installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
LINES_PER_ORDER = 2.5  # the generator draws 1-4 line items per order
SUMMARY_REPEATS = 3  # the summary steps take well under a second at 1M lines: best of a few runs steadies them


def export_path(lines: int) -> Path:
    path = OUT / f"shopify_{lines}.csv"
    if not path.exists():
        sys.path.insert(0, str(ROOT))
        from skill.orders.synth import generate_export

        OUT.mkdir(parents=True, exist_ok=True)
        frame, _ = generate_export("shopify", int(lines / LINES_PER_ORDER), seed=1)
        frame.to_csv(path, index=False)
    return path


def work(mode: str, path: str) -> dict:
    """Runs inside the worker process."""
    start = time.perf_counter()
    if mode == "ours":
        sys.path.insert(0, str(ROOT))
        from skill.process import use_small_pages_for_arrays

        use_small_pages_for_arrays()  # as the CLI and the MCP server do at start-up
        from skill.orders import analyze_orders_full

        result = analyze_orders_full(path)
        detail = {"customers": result.analysis.summary.customers, "orders": result.analysis.summary.orders}
    else:
        import pandas as pd

        frame = pd.read_csv(path)
        per_customer = frame.groupby("Email").agg(
            orders=("Name", "nunique"), revenue=("Total", "sum"), first=("Created at", "min"), last=("Created at", "max")
        )
        detail = {"customers": len(per_customer), "orders": int(per_customer["orders"].sum())}
    return {"seconds": time.perf_counter() - start, **detail}


def summaries(path: str) -> dict:
    """Runs inside a worker: our per-customer summary step vs lifetimes' on the same cleaned transactions.

    Ours is customer_table (the step analyze_loaded runs; it also builds the other
    per-customer columns) + lifetimes_summary, on the cleaned orders the transactions
    come from, as of the end of the last order day as analyze_loaded defaults to.
    """
    import numpy as np
    import pandas as pd
    from lifetimes.utils import summary_data_from_transaction_data

    sys.path.insert(0, str(ROOT))
    from skill.orders import analyze_orders_full
    from skill.orders.customers import customer_table, lifetimes_summary

    result = analyze_orders_full(path)
    orders, transactions = result.orders, result.transactions
    as_of = orders["order_date"].max().normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)

    def ours_step() -> pd.DataFrame:
        return lifetimes_summary(customer_table(orders, as_of))

    def lifetimes_step() -> pd.DataFrame:
        return summary_data_from_transaction_data(
            transactions, "customer_id", "order_date", monetary_value_col="amount",
            observation_period_end=transactions["order_date"].max(), freq="D",
        )

    ours_seconds = min(timeit.repeat(ours_step, number=1, repeat=SUMMARY_REPEATS))
    lifetimes_seconds = min(timeit.repeat(lifetimes_step, number=1, repeat=SUMMARY_REPEATS))
    ours, theirs = ours_step().set_index("customer_id").sort_index(), lifetimes_step().sort_index()
    agree = (
        ours.index.equals(theirs.index)
        and all(np.array_equal(ours[c].to_numpy(), theirs[c].to_numpy()) for c in ("frequency", "recency", "T"))
        and np.allclose(ours["monetary_value"], theirs["monetary_value"], rtol=0, atol=1e-9)
    )
    return {
        "transactions": len(transactions), "customers": len(theirs),
        "ours_seconds": ours_seconds, "lifetimes_seconds": lifetimes_seconds, "agree": bool(agree),
    }


def measure(mode: str, path: str) -> dict:
    """Runs inside the measuring process: start the worker, then read its peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--work", mode, path], check=True, capture_output=True, text=True)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {**json.loads(out.stdout), "peak_rss_mb": peak_kib / 1024}


def run(mode: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", mode, str(path)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="order lines per export")
    parser.add_argument("--repeats", type=int, default=3, help="fresh-process runs of each side per size (median reported)")
    parser.add_argument("--work", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        mode, path = args.work
        print(json.dumps(summaries(path) if mode == "summaries" else work(mode, path)))
        return
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    print(f"{'lines':>10} {'ours s':>8} {'ours MB':>8} {'pandas s':>9} {'pandas MB':>10} {'time x':>7}  customers  orders")
    for lines in args.sizes:
        path = export_path(lines)
        runs = [_pair(path, ours_first=repeat % 2 == 0) for repeat in range(args.repeats)]
        ours = _median_run([o for o, _ in runs])
        base = _median_run([b for _, b in runs])
        ratio = ours["seconds"] / base["seconds"]
        print(
            f"{lines:>10,} {ours['seconds']:>8.2f} {ours['peak_rss_mb']:>8.0f} {base['seconds']:>9.2f} "
            f"{base['peak_rss_mb']:>10.0f} {ratio:>7.2f}  {ours['customers']:>9,} {ours['orders']:>7,}"
        )
        print(f"{'':>10} runs: ours {_seconds(o for o, _ in runs)}; pandas {_seconds(b for _, b in runs)}")
    print_summary_comparison(args.sizes)


def _pair(path: Path, *, ours_first: bool) -> tuple[dict, dict]:
    if ours_first:
        ours = run("ours", path)
        return ours, run("baseline", path)
    baseline = run("baseline", path)
    return run("ours", path), baseline


def _median_run(runs: list[dict]) -> dict:
    """The median wall time and the largest peak RSS over fresh-process runs of one side."""
    return {**runs[0], "seconds": statistics.median(r["seconds"] for r in runs), "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def _seconds(runs) -> str:
    return " ".join(f"{r['seconds']:.2f}" for r in runs)


def print_summary_comparison(sizes: list[int]) -> None:
    print()
    if importlib.util.find_spec("lifetimes") is None:
        print("lifetimes is not installed: per-customer summary comparison skipped")
        return
    print(f"per-customer summary on the cleaned transactions, best of {SUMMARY_REPEATS} (freq='D'); time x = ours / lifetimes")
    print("ours = customer_table + lifetimes_summary (all per-customer columns); lifetimes = summary_data_from_transaction_data")
    print(f"{'lines':>10} {'transactions':>12} {'customers':>9} {'ours s':>8} {'lifetimes s':>11} {'time x':>7}  agree")
    for lines in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--work", "summaries", str(export_path(lines))], check=True, capture_output=True, text=True
        )
        row = json.loads(out.stdout)
        ratio = row["ours_seconds"] / row["lifetimes_seconds"]
        print(
            f"{lines:>10,} {row['transactions']:>12,} {row['customers']:>9,} {row['ours_seconds']:>8.3f} "
            f"{row['lifetimes_seconds']:>11.3f} {ratio:>7.2f}  {'yes' if row['agree'] else 'no'}"
        )


if __name__ == "__main__":
    main()
