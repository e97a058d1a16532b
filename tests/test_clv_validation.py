"""Holdout validation on the CDNOW sample, checked against an independent
recomputation from lifetimes' calibration/holdout split."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

lifetimes = pytest.importorskip("lifetimes")
from lifetimes.utils import summary_data_from_transaction_data  # noqa: E402
from scipy.stats import spearmanr  # noqa: E402

from skill.clv import bgnbd  # noqa: E402
from skill.clv.fitting import CLVModelError  # noqa: E402
from skill.clv.validation import normalized_gini, validate_clv  # noqa: E402


@pytest.fixture(scope="module")
def transactions():
    path = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"
    raw = pd.read_csv(path, sep=r"\s+", header=None, names=["master_id", "customer_id", "date", "cds", "amount"])
    return pd.DataFrame(
        {"customer_id": raw["customer_id"], "order_date": pd.to_datetime(raw["date"].astype(str)), "amount": raw["amount"]}
    )


@pytest.fixture(scope="module")
def report(transactions):
    return validate_clv(transactions, "1997-09-30", "1998-06-30", model="bgnbd", time_unit_days=7)


def test_report_matches_independent_recomputation(transactions, report):
    # lifetimes' calibration_and_holdout_data fails on pandas 3, so: its summary for the
    # calibration window, and plain pandas for holdout purchase days
    calibration = transactions[transactions["order_date"] <= "1997-09-30"]
    split = summary_data_from_transaction_data(
        calibration, "customer_id", "order_date", observation_period_end="1997-09-30", freq="D"
    ).sort_index()
    x, t_x, T = (split[c].to_numpy() / d for c, d in (("frequency", 1), ("recency", 7), ("T", 7)))
    holdout = transactions[(transactions["order_date"] > "1997-09-30") & (transactions["order_date"] <= "1998-06-30")]
    actual = holdout.groupby("customer_id")["order_date"].nunique().reindex(split.index, fill_value=0).to_numpy()
    holdout_weeks = (pd.Timestamp("1998-06-30") - pd.Timestamp("1997-09-30")).days / 7
    params = list(report.purchase_fit.params.values())
    assert report.purchase_fit.log_likelihood == pytest.approx(bgnbd.log_likelihood(params, x, t_x, T).sum(), rel=1e-9)
    predicted = bgnbd.expected_purchases(params, x, t_x, T, holdout_weeks)
    baseline = x / T * holdout_weeks

    assert report.n_customers == len(split) == 2357
    assert report.purchases.model.actual_total == actual.sum() == 1882
    assert report.purchases.model.predicted_total == pytest.approx(predicted.sum())
    assert report.purchases.model.mae == pytest.approx(np.abs(predicted - actual).mean())
    assert report.purchases.model.rmse == pytest.approx(np.sqrt(((predicted - actual) ** 2).mean()))
    assert report.purchases.model.spearman == pytest.approx(spearmanr(actual, predicted).statistic)
    assert report.purchases.baseline.predicted_total == pytest.approx(baseline.sum())
    assert report.purchases.baseline.mae == pytest.approx(np.abs(baseline - actual).mean())
    wins = report.purchases.model_beats_baseline
    assert wins["total_error"] == (
        abs(predicted.sum() - actual.sum()) < abs(baseline.sum() - actual.sum())
    )
    assert wins["total_error"] and wins["mae"]  # on CDNOW the model earns its keep on totals and MAE


def test_report_counts_what_it_leaves_out(transactions):
    late = pd.DataFrame(
        {
            "customer_id": [90001, 90001, 4],
            "order_date": pd.to_datetime(["1997-12-01", "1998-01-05", "1998-09-01"]),
            "amount": [10.0, 12.0, 30.0],
        }
    )
    report = validate_clv(pd.concat([transactions, late]), "1997-09-30", "1998-06-30", time_unit_days=7)
    assert report.n_customers_first_seen_in_holdout == 1
    assert report.n_purchase_days_after_holdout_end == 1
    assert report.purchases.model.actual_total == 1882


def test_pareto_holdout_runs(transactions):
    report = validate_clv(transactions, "1997-09-30", "1998-06-30", model="pareto_nbd", time_unit_days=7)
    assert report.purchases.model.actual_total == 1882
    assert abs(report.purchases.model.total_error_pct) < abs(report.purchases.baseline.total_error_pct)
    assert report.revenue.model.actual_total == pytest.approx(
        transactions.loc[transactions["order_date"] > "1997-09-30", "amount"].sum()
    )


def test_normalized_gini_properties():
    rng = np.random.default_rng(0)
    actual = rng.gamma(0.5, 10, 500)
    assert normalized_gini(actual, actual) == pytest.approx(1.0)
    assert normalized_gini(actual, -actual) < 0
    tied = np.round(actual / 10)
    order = rng.permutation(500)
    assert normalized_gini(actual[order], tied[order]) == pytest.approx(normalized_gini(actual, tied))
    assert normalized_gini(np.ones(5), np.arange(5.0)) is None


def test_bad_transactions_are_rejected(transactions):
    broken = transactions.head(50).astype({"order_date": object})
    broken.loc[broken.index[:2], "order_date"] = "not a date"
    broken["order_date"] = broken["order_date"].astype(str)
    with pytest.raises(CLVModelError, match="2 rows with a missing or unreadable order_date"):
        validate_clv(broken, "1997-09-30")
    with pytest.raises(CLVModelError, match="must be after"):
        validate_clv(transactions, "1997-09-30", "1997-09-01")
