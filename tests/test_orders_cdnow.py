"""The real CDNOW transaction log shipped inside lifetimes, against independent computations."""

from __future__ import annotations

import importlib.resources

import numpy as np
import pandas as pd
import pytest

from skill.orders import analyze_orders_full

lifetimes_utils = pytest.importorskip("lifetimes.utils")
CDNOW = importlib.resources.files("lifetimes") / "datasets" / "CDNOW_master.txt"


@pytest.fixture(scope="module")
def result():
    return analyze_orders_full(str(CDNOW))


@pytest.fixture(scope="module")
def transactions():
    raw = pd.read_csv(str(CDNOW), sep=r"\s+", dtype={"customer_id": "str"})
    raw["date"] = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d")
    return raw


def test_totals_match_pandas(result, transactions):
    paid = transactions[transactions["dollar_value"] != 0]  # zero-value rows are set aside as zero_amount
    summary = result.analysis.summary
    assert summary.customers == paid["customer_id"].nunique()
    assert summary.orders == len(paid)
    assert summary.net_revenue == pytest.approx(paid["dollar_value"].sum(), abs=0.005)
    orders_per_customer = paid.groupby("customer_id").size()
    assert summary.repeat_rate_pct == pytest.approx(100 * (orders_per_customer > 1).mean(), abs=0.005)
    zero = [line for line in result.analysis.cleaning.excluded if line.reason == "zero_amount"]
    assert zero[0].orders == (transactions["dollar_value"] == 0).sum()
    assert result.analysis.cleaning.reconciles


def test_lifetimes_summary_matches_lifetimes(result, transactions):
    paid = transactions[transactions["dollar_value"] != 0]
    expected = lifetimes_utils.summary_data_from_transaction_data(
        paid, "customer_id", "date", monetary_value_col="dollar_value",
        observation_period_end=paid["date"].max(),
    ).sort_index()
    ours = result.lifetimes.set_index("customer_id").sort_index()
    assert list(ours.index) == list(expected.index)
    for column in ("frequency", "recency", "T"):
        np.testing.assert_array_equal(ours[column].to_numpy(), expected[column].to_numpy())
    np.testing.assert_allclose(ours["monetary_value"], expected["monetary_value"], atol=1e-9)


def test_cohort_and_segments_are_consistent(result):
    analysis = result.analysis
    assert sum(s.metrics.customer_count for s in analysis.segments) == analysis.summary.customers
    assert sum(s.metrics.customer_share_pct for s in analysis.segments) == pytest.approx(100, abs=0.1)
    first_cohort = analysis.cohorts.retention_pct[0]
    assert first_cohort.values[0] == 100.0
    assert sum(row.customers for row in analysis.cohorts.retention_pct) == analysis.summary.customers
    assert analysis.confidence == "high"
