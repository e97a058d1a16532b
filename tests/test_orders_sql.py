"""skill/sql/customer_summary.sql on DuckDB gives the pandas per-customer table, and analyses alone."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from skill.orders import analyze_customer_summary, analyze_orders_full, load_orders
from skill.orders.customers import customer_table
from skill.orders.synth import generate_export

duckdb = pytest.importorskip("duckdb")
SQL = (files("skill") / "sql" / "customer_summary.sql").read_text()
COMPARED = ("orders", "order_days", "gross_revenue", "refunds", "net_revenue", "discount_orders", "frequency",
            "recency", "T", "monetary_value", "median_days_between_orders")  # fmt: skip


@pytest.fixture(scope="module")
def shop():
    frame, _ = generate_export("shopify", 3000, seed=21)
    return frame.to_csv(index=False)


def _sql_summary(orders, as_of=None):
    con = duckdb.connect()
    con.register("orders", orders)
    return con.execute(SQL, [as_of]).df()


@pytest.mark.parametrize("as_of", [None, "2024-01-31"])
def test_sql_matches_pandas(shop, as_of):
    orders = load_orders(csv_text=shop).orders
    cutoff = orders["order_date"].max().normalize() if as_of is None else pd.Timestamp(as_of)
    ours = customer_table(orders, cutoff + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)).set_index("customer_id").sort_index()
    sql = _sql_summary(orders, as_of).set_index("customer_id").sort_index()
    assert list(ours.index) == list(sql.index)
    for column in COMPARED:
        np.testing.assert_allclose(ours[column].astype(float), sql[column].astype(float), atol=1e-6, err_msg=column)
    assert (ours["channel"].fillna("") == sql["channel"].fillna("")).all()
    assert (ours["first_product"].fillna("") == sql["first_product"].fillna("")).all()


def test_summary_alone_gives_the_same_segments(shop, tmp_path):
    full = analyze_orders_full(csv_text=shop)
    path = tmp_path / "summary.parquet"
    _sql_summary(full.orders).to_parquet(path)
    alone = analyze_customer_summary(path, currency="USD", discounts_known=True)
    assert alone.analysis.cohorts is None
    got = {s.name: s.metrics for s in alone.analysis.segments}
    want = {s.name: s.metrics for s in full.analysis.segments}
    assert got.keys() == want.keys()
    for name, metrics in want.items():
        for field in ("customer_count", "revenue_share_pct", "aov", "repeat_rate_pct", "discount_order_share_pct", "days_since_last_order"):
            assert getattr(got[name], field) == pytest.approx(getattr(metrics, field)), (name, field)
    np.testing.assert_allclose(
        alone.lifetimes.sort_values("customer_id")[["frequency", "recency", "T", "monetary_value"]],
        full.lifetimes.sort_values("customer_id")[["frequency", "recency", "T", "monetary_value"]],
        atol=1e-9,
    )
