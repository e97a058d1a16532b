"""predict_clv / score_customers: DCF against an independent recomputation,
segments and intervals, the at-risk list, and edge cases."""

import warnings

import numpy as np
import pandas as pd
import pytest

lifetimes = pytest.importorskip("lifetimes")
from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value  # noqa: E402

from skill.clv.fitting import CLVModelError  # noqa: E402
from skill.clv.predict import (  # noqa: E402
    DAYS_PER_MONTH,
    at_risk_page,
    churn_band,
    score_customers,
)
from skill.schema import SegmentCLV  # noqa: E402


def predict_clv(summary, **options):
    """The summary half of score_customers, as the MCP tool returns it."""
    return score_customers(summary, **options).prediction


@pytest.fixture(scope="module")
def summary():
    return load_cdnow_summary_data_with_monetary_value().reset_index()


@pytest.fixture(scope="module")
def scored(summary):
    segments = {cid: ("odd" if cid % 2 else "even") for cid in summary["customer_id"]}
    return score_customers(summary, time_unit_days=7, segment_of=segments, margin_pct=40, n_bootstrap=100, seed=3)


def test_clv_equals_independent_dcf_with_lifetimes(summary, scored):
    customers = scored.customers
    x, t_x, T, m = (summary[c].to_numpy(float) for c in ("frequency", "recency", "T", "monetary_value"))
    params = scored.prediction.purchase_fit.params
    spend_params = scored.prediction.spend_fit.params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bg = lifetimes.BetaGeoFitter()
        bg.params_ = pd.Series(params)
        gg = lifetimes.GammaGammaFitter()
        gg.params_ = pd.Series(spend_params)
    spend = gg.conditional_expected_average_profit(x, m)
    month_weeks = DAYS_PER_MONTH / 7
    expected = np.zeros(len(x))
    for k in range(1, 13):  # 365 days = 12 months minus a quarter day: last month is partial
        end = min(k * month_weeks, 365 / 7)
        start = (k - 1) * month_weeks
        bought = bg.conditional_expected_number_of_purchases_up_to_time(end, x, t_x, T) - (
            bg.conditional_expected_number_of_purchases_up_to_time(start, x, t_x, T) if k > 1 else 0
        )
        expected += bought * spend / 1.01 ** (end / month_weeks)
    np.testing.assert_allclose(customers["predicted_clv"], expected * 0.40, rtol=1e-6)
    assert scored.prediction.value_basis == "gross_margin"


def test_segments_add_up_and_intervals_bracket_the_estimate(scored):
    prediction = scored.prediction
    assert [s.segment for s in prediction.segments] == ["even", "odd"]
    assert sum(s.customer_count for s in prediction.segments) == prediction.n_customers
    assert sum(s.predicted_clv_total for s in prediction.segments) == pytest.approx(prediction.predicted_clv_total)
    assert sum(s.value_at_risk for s in prediction.segments) == pytest.approx(prediction.value_at_risk_total)
    for s in [*prediction.segments]:
        assert s.predicted_clv_total_low < s.predicted_clv_total < s.predicted_clv_total_high
    assert prediction.predicted_clv_total_low < prediction.predicted_clv_total < prediction.predicted_clv_total_high
    assert prediction.bootstrap_draws == 100
    view = prediction.segments[0].to_segment_clv(horizon_days=365, model="bgnbd")
    assert isinstance(view, SegmentCLV)
    assert view.predicted_clv == pytest.approx(prediction.segments[0].predicted_clv_total / prediction.segments[0].customer_count)


def test_bootstrap_is_seeded(summary):
    a = predict_clv(summary, time_unit_days=7, n_bootstrap=30, seed=5)
    b = predict_clv(summary, time_unit_days=7, n_bootstrap=30, seed=5)
    c = predict_clv(summary, time_unit_days=7, n_bootstrap=30, seed=6)
    assert a.predicted_clv_total_low == b.predicted_clv_total_low
    assert a.predicted_clv_total_low != c.predicted_clv_total_low


def test_churn_bands_and_at_risk_ranking(scored):
    customers = scored.customers
    p = customers["p_alive"].to_numpy()
    bands = scored.prediction.churn_bands
    assert (bands.low, bands.medium, bands.high) == ((p >= 0.7).sum(), ((p >= 0.3) & (p < 0.7)).sum(), (p < 0.3).sum())
    assert list(churn_band(np.array([0.7, 0.69, 0.3, 0.29]))) == ["low", "medium", "medium", "high"]
    np.testing.assert_allclose(customers["value_at_risk"], customers["predicted_clv"] * (1 - customers["p_alive"]))

    first, second = at_risk_page(customers, 0, 5), at_risk_page(customers, 5, 5)
    whole = at_risk_page(customers, 0, 10)
    assert [c.customer_id for c in first.customers + second.customers] == [c.customer_id for c in whole.customers]
    top = customers.nlargest(10, "value_at_risk")["value_at_risk"].to_numpy()
    np.testing.assert_allclose([c.value_at_risk for c in whole.customers], top)
    assert whole.total == len(customers) and scored.prediction.at_risk.limit == 20
    assert at_risk_page(customers, len(customers), 5).customers == []


def test_pareto_model_runs_through_the_same_api(summary):
    prediction = predict_clv(summary, model="pareto_nbd", time_unit_days=7, n_bootstrap=20)
    assert prediction.purchase_fit.name == "pareto_nbd" and prediction.predicted_clv_total > 0


def _frame(x, t_x, T, m):
    return pd.DataFrame(
        {"customer_id": [f"c{i}" for i in range(len(x))], "frequency": x, "recency": t_x, "T": T, "monetary_value": m}
    )


def _finite(scores):
    numbers = scores.customers.select_dtypes("number").to_numpy()
    assert np.all(np.isfinite(numbers))


def test_all_one_time_buyers_is_a_clear_error():
    n = 200
    with pytest.raises(CLVModelError, match="repeat customers"):
        predict_clv(_frame(np.zeros(n), np.zeros(n), np.full(n, 50.0), np.zeros(n)))


def test_single_customer_is_a_clear_error():
    with pytest.raises(CLVModelError, match="at least"):
        predict_clv(_frame([3], [20.0], [40.0], [25.0]))


def test_zero_and_negative_spend_are_excluded_and_counted(summary):
    frame = summary.copy()
    repeaters = frame.index[frame["frequency"] > 0][:7]
    frame.loc[repeaters[:4], "monetary_value"] = 0.0
    frame.loc[repeaters[4:], "monetary_value"] = -12.5
    scores = score_customers(frame, time_unit_days=7, n_bootstrap=0)
    assert scores.prediction.spend_fit.n_excluded_nonpositive == 7
    assert any("7 repeat customers" in w for w in scores.prediction.warnings)
    spend_params = scores.prediction.spend_fit.params
    population_mean = spend_params["p"] * spend_params["v"] / (spend_params["q"] - 1)
    np.testing.assert_allclose(scores.customers.loc[repeaters, "expected_spend"], population_mean)
    _finite(scores)
    assert scores.prediction.predicted_clv_total_low is None and scores.prediction.bootstrap_draws == 0


def test_t_zero_and_huge_frequencies_stay_finite(summary):
    frame = summary.copy()
    frame.loc[0, ["frequency", "recency", "T"]] = [0, 0.0, 0.0]
    frame.loc[1, ["frequency", "recency", "T", "monetary_value"]] = [5000, 38.0, 38.86, 20.0]
    frame.loc[2, ["frequency", "recency", "T", "monetary_value"]] = [900, 10.0, 38.86, 20.0]
    for model in ("bgnbd", "pareto_nbd"):
        scores = score_customers(frame, model=model, time_unit_days=7, n_bootstrap=10)
        _finite(scores)
        assert scores.customers.loc[0, "p_alive"] == pytest.approx(1.0)
        assert scores.customers.loc[2, "p_alive"] < 1e-6  # 900 purchases, then silence for 28 weeks


def test_spend_model_fallback_when_too_few_spenders(summary):
    frame = summary.copy()
    repeaters = frame.index[frame["frequency"] > 0]
    frame.loc[repeaters[6:], "monetary_value"] = 0.0  # only 6 usable spenders: too few for Gamma-Gamma
    scores = score_customers(frame, time_unit_days=7, n_bootstrap=10)
    assert scores.prediction.spend_source == "observed_average" and scores.prediction.spend_fit is None
    kept = frame.loc[repeaters[:6], "monetary_value"]
    np.testing.assert_allclose(scores.customers.loc[repeaters[:6], "expected_spend"], kept)
    np.testing.assert_allclose(scores.customers.loc[repeaters[6:], "expected_spend"], kept.mean())
    assert scores.prediction.predicted_clv_total_low is not None  # purchase-model uncertainty still shown
    _finite(scores)


def test_correlated_frequency_and_spend_earns_a_warning():
    rng = np.random.default_rng(1)
    n = 2000
    x = rng.integers(1, 10, n).astype(float)
    m = 10 * x * rng.gamma(20, 1 / 20, n)
    from skill.clv.gamma_gamma import fit_gamma_gamma

    fit = fit_gamma_gamma(x, m)
    assert fit.frequency_spend_correlation > 0.3
    assert any("correlated" in w for w in fit.warnings)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"recency": 99.0}, "recency greater than T"),
        ({"frequency": -1}, "negative or non-integer frequency"),
        ({"T": np.nan}, "non-finite"),
    ],
)
def test_invalid_rows_are_rejected_with_counts(summary, change, message):
    frame = summary.copy()
    column, value = next(iter(change.items()))
    frame.loc[frame.index[frame["frequency"] > 0][:3], column] = value
    with pytest.raises(CLVModelError, match=f"3 rows with {message}"):
        predict_clv(frame, time_unit_days=7)


def test_structural_problems_are_rejected(summary):
    with pytest.raises(CLVModelError, match="lacks columns: monetary_value"):
        predict_clv(summary.drop(columns="monetary_value"))
    with pytest.raises(CLVModelError, match="duplicate customer_id"):
        predict_clv(pd.concat([summary, summary.head(2)]))
    with pytest.raises(CLVModelError, match="unknown model"):
        predict_clv(summary, model="nope")


def test_unmapped_customers_are_grouped_and_counted(summary):
    prediction = predict_clv(summary, time_unit_days=7, segment_of={1: "vip", 2: "vip"}, n_bootstrap=0)
    counts = {s.segment: s.customer_count for s in prediction.segments}
    assert counts == {"unassigned": len(summary) - 2, "vip": 2}
    assert any(f"{len(summary) - 2} customers had no segment" in w for w in prediction.warnings)


def test_unidentified_fit_is_flagged_and_refused():
    n = 40  # every customer bought exactly once more, on the as-of date: no dropout signal at all
    frame = _frame(np.ones(n), np.full(n, 10.0), np.full(n, 10.0), np.full(n, 20.0))
    from skill.clv.bgnbd import fit_bgnbd

    fit = fit_bgnbd(frame["frequency"], frame["recency"], frame["T"])
    assert not fit.converged and "not identified" in fit.message and fit.std_errors is None
    with pytest.raises(CLVModelError, match="did not converge"):
        predict_clv(frame)


def test_all_customers_with_t_zero_is_a_clear_error():
    n = 50
    frame = _frame(np.r_[np.zeros(n - 10), np.ones(10)], np.zeros(n), np.zeros(n), np.full(n, 5.0))
    with pytest.raises(CLVModelError, match="T = 0"):
        predict_clv(frame)
