"""Benchmark: load + clean + analyse generated Shopify exports, against a plain pandas baseline.

    .venv/bin/python bench/orders.py                 # 100k and 1M order lines
    .venv/bin/python bench/orders.py --sizes 10000000

Each measurement runs in its own process (a worker started by a fresh measuring
process), so peak RSS is that run's alone: the measurer reads
resource.getrusage(RUSAGE_CHILDREN).ru_maxrss after the worker exits. The
baseline is pandas.read_csv + one groupby per customer, the least anyone would run.
Exports are written to bench/out/ (ignored by git) and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
LINES_PER_ORDER = 2.5  # the generator draws 1-4 line items per order


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
    parser.add_argument("--work", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.work:
        print(json.dumps(work(*args.work)))
        return
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return
    print(f"{'lines':>10} {'ours s':>8} {'ours MB':>8} {'pandas s':>9} {'pandas MB':>10} {'time x':>7}  customers  orders")
    for lines in args.sizes:
        path = export_path(lines)
        ours, base = run("ours", path), run("baseline", path)
        ratio = ours["seconds"] / base["seconds"]
        print(
            f"{lines:>10,} {ours['seconds']:>8.2f} {ours['peak_rss_mb']:>8.0f} {base['seconds']:>9.2f} "
            f"{base['peak_rss_mb']:>10.0f} {ratio:>7.2f}  {ours['customers']:>9,} {ours['orders']:>7,}"
        )


if __name__ == "__main__":
    main()
