"""Numerical robustness of the CLV predictions: extreme-but-valid BG/NBD parameters,
degenerate "nobody churns" data (fits at the no-dropout limit), and the committed
fixture exports end to end."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from skill import api
from skill.clv import bgnbd, pareto_nbd, predict
from skill.clv.fitting import LOG_PARAM_BOUND, at_no_dropout_limit, build_fit, compress_rows, nbd_log_likelihood
from skill.clv.predict import PURCHASE_MODELS, score_customers
from skill.clv.validation import validate_clv

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
FIXTURES = ("shopify_orders.csv", "stripe_payments.csv", "woocommerce_orders.csv")
HORIZONS = np.array([0.0, 1.0, 13.0, 52.0, 1000.0])


def _extreme_parameter_grid():
    small_to_huge = (1e-9, 1e-3, 0.5, 1 - 1e-9, 1.0, 1 + 1e-9, 50.0, 1e6)
    for r, alpha in [(1e-3, 1.0), (1.0, 1e-6), (1.0, 30.0), (100.0, 1e4)]:
        for a, b in itertools.product(small_to_huge, repeat=2):
            yield r, alpha, a, b
    # c = a + b + x - 1 within a hair of 0 and of the pole at -1 for x = 0
    yield 1.3, 36.0, 0.5, 0.5 - 1e-12
    yield 1.3, 36.0, 1e-12, 1e-12
    yield 1.35, 36.1, 0.00095, 0.008


def _customers():
    x = np.array([0, 0, 1, 1, 2, 50, 1e5])
    T = np.array([0.0, 40.0, 3.0, 40.0, 40.0, 40.0, 40.0])
    t_x = np.array([0.0, 0.0, 0.0, 39.0, 20.0, 39.5, 40.0])
    return x, t_x, T


@pytest.mark.parametrize("params", list(_extreme_parameter_grid()))
def test_bgnbd_predictions_finite_bounded_and_monotone(params):
    x, t_x, T = _customers()
    expected = bgnbd.expected_purchases(params, x, t_x, T, HORIZONS)
    alive = bgnbd.probability_alive(params, x, t_x, T)
    r, alpha = params[0], params[1]
    assert np.all(np.isfinite(expected)) and np.all(np.isfinite(alive))
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(expected[0] == 0)
    # 1e-7: the quadrature fallback's accuracy when t / (alpha + T) reaches 1e9
    assert np.all(np.diff(expected, axis=0) >= -1e-7 * (1 + expected[1:]))
    # an alive customer with rate lambda ~ Gamma(r+x, alpha+T) buys at most lambda t in expectation
    ceiling = alive * (r + x) * HORIZONS[:, None] / (alpha + T)
    assert np.all(expected <= ceiling * (1 + 1e-9) + 1e-12)


def test_quadrature_matches_closed_form_where_both_are_valid():
    """The Beta-mixing quadrature agrees with eq. 10 on CDNOW-like parameters."""
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    x = np.array([0.0, 1, 2, 7, 30])
    u = np.array([52.0, 10.0, 1.3, 0.4, 0.05])
    closed = bgnbd._conditional_purchases_if_alive([r, alpha, a, b], x, u * 0 + 1.0, u * (alpha + 1.0))
    quadrature = bgnbd._mixture_expectation(r, a, b, x, u)
    np.testing.assert_allclose(quadrature, np.diag(closed), rtol=1e-9)


def test_bgnbd_continuous_through_a_equal_one():
    """a = 1 is a removable singularity of eq. 10's prefactor; values around it agree."""
    x, t_x, T = _customers()
    at_one = bgnbd.expected_purchases((0.8, 10.0, 1.0, 3.0), x, t_x, T, 52.0)
    for a in (1 - 1e-6, 1 + 1e-6, 1 + 1e-3):
        nearby = bgnbd.expected_purchases((0.8, 10.0, a, 3.0), x, t_x, T, 52.0)
        np.testing.assert_allclose(nearby, at_one, rtol=3 * abs(a - 1) + 1e-9)


def _no_churn_summary():
    """Weekly summary of customers who keep buying at random times over 540 days
    and never stop (the data on which fits degenerate to "nobody churns")."""
    rng = np.random.default_rng(11)
    n_orders, n_customers = 1500, 500
    customer = np.floor(n_customers * rng.random(n_orders) ** 2).astype(int)
    day = rng.integers(0, 540, n_orders)
    amount = rng.gamma(4.0, 35.0, n_orders)
    frame = pd.DataFrame({"customer_id": customer, "day": day, "amount": amount}).sort_values(["customer_id", "day"])
    per = frame.groupby("customer_id")
    first, last = per["day"].min(), per["day"].max()
    frequency = per["day"].nunique() - 1
    repeat_spend = (per["amount"].sum() - per["amount"].first()) / frequency.where(frequency > 0)
    return pd.DataFrame({
        "customer_id": first.index,
        "frequency": frequency.to_numpy(float),
        "recency": ((last - first) / 7).to_numpy(float),
        "T": ((540 - first) / 7).to_numpy(float),
        "monetary_value": repeat_spend.fillna(0.0).to_numpy(float),
    })


def _no_churn_arrays(stretch: float):
    """(frequency, recency, T) of the weekly summary in a time unit 1 / stretch weeks long."""
    summary = _no_churn_summary()
    return summary["frequency"].to_numpy(), summary["recency"].to_numpy() * stretch, summary["T"].to_numpy() * stretch


@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd"])
def test_no_churn_data_gives_finite_predictions_and_says_so(model, caplog):
    caplog.set_level(logging.ERROR)
    prediction = score_customers(_no_churn_summary(), model=model, time_unit_days=7, n_bootstrap=100).prediction
    fit, dropout = prediction.purchase_fit, list(PURCHASE_MODELS[model][1].DROPOUT_PARAMS)
    assert fit.converged and "no-dropout limit" in fit.message
    assert fit.unidentified == dropout
    assert set(fit.std_errors) == {"r", "alpha"} and fit.covariance is None
    assert np.isfinite(prediction.predicted_clv_total) and prediction.predicted_clv_total > 0
    assert any(f"dropout parameters ({', '.join(dropout)}) are not pinned down" in w for w in prediction.warnings)
    assert any("almost no dropout" in w for w in prediction.warnings)
    assert prediction.mean_p_alive > 0.99
    assert prediction.bootstrap_draws == 0 and prediction.predicted_clv_total_low is None
    assert any("intervals omitted" in w for w in prediction.warnings)


def test_no_purchase_covariance_draws_no_spend_parameters(monkeypatch):
    """Without a purchase covariance there are no intervals, so the spend model's
    parameters are not drawn either."""
    drawn = []
    real = predict._draw_log_params
    monkeypatch.setattr(predict, "_draw_log_params", lambda fit, *args, **kw: drawn.append(fit.name) or real(fit, *args, **kw))
    prediction = score_customers(_no_churn_summary(), model="bgnbd", time_unit_days=7, n_bootstrap=100).prediction
    assert prediction.purchase_fit.covariance is None and prediction.spend_fit is not None
    assert prediction.bootstrap_draws == 0
    assert drawn == ["bgnbd"]


def test_holdout_report_repeats_the_purchase_fit_caveats_without_interval_talk():
    """A calibration window with no churn in it: the holdout report says the fit found no
    dropout, as the prediction does, but says nothing of intervals it does not report."""
    rng = np.random.default_rng(11)
    n_orders, n_customers = 6000, 500
    transactions = pd.DataFrame({
        "customer_id": np.floor(n_customers * rng.random(n_orders) ** 2).astype(int).astype(str),
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 540, n_orders), unit="D"),
        "amount": rng.gamma(4.0, 35.0, n_orders),
    })
    report = validate_clv(transactions, "2025-05-01", model="bgnbd", time_unit_days=7)
    assert report.purchase_fit.unidentified == ["a", "b"]
    assert any("found no dropout" in w for w in report.warnings)
    assert any("almost no dropout" in w for w in report.warnings)
    assert not any("interval" in w for w in report.warnings)


@pytest.mark.parametrize("stretch", [1.0, 7.0, 1 / 24])
def test_no_dropout_limit_does_not_depend_on_the_optimiser_path(stretch):
    """Time units change the optimiser's path and where it stops on the flat dropout
    directions; both models still land on the same NBD limit, flagged the same way."""
    fits = [bgnbd.fit_bgnbd(*_no_churn_arrays(stretch)), pareto_nbd.fit_pareto_nbd(*_no_churn_arrays(stretch))]
    assert [f.unidentified for f in fits] == [["a", "b"], ["s", "beta"]]
    assert all(f.converged for f in fits)
    bg, pnbd = (f.params for f in fits)
    assert bg["r"] == pytest.approx(pnbd["r"], rel=1e-5)
    assert bg["alpha"] == pytest.approx(pnbd["alpha"], rel=1e-5)
    assert bg["alpha"] / stretch == pytest.approx(34.79, rel=1e-3)  # per week, as the summary


def test_no_dropout_limit_needs_negligible_fitted_dropout():
    """With one repeat purchase each, made on the as-of date, the BG/NBD likelihood ignores
    (a, b) altogether, yet a = 1, b = 3 still implies plenty of dropout: no limit there."""
    x, T = np.ones(30), np.linspace(10.0, 50.0, 30)
    rows = compress_rows(x, T, T)
    for params, at_limit in (([0.8, 12.0, 1.0, 3.0], False), ([0.8, 12.0, 1e-9, 3.0], True)):
        ll = float(bgnbd.log_likelihood(params, x, T, T).sum())
        assert ll == pytest.approx(float(nbd_log_likelihood(0.8, 12.0, x, T).sum()), abs=1e-9)
        assert at_no_dropout_limit(params, ll, rows, bgnbd.dropout_share(params, T.max())) is at_limit


def test_build_fit_ignores_the_hessian_sign_only_along_unidentified_dropout():
    """At the no-dropout limit the dropout block of the Hessian is rounding noise of either
    sign and a dropout parameter may sit at the search bound; the other parameters still
    need a positive definite block."""
    result = SimpleNamespace(success=True, message="", x=np.array([0.4, -0.8, -LOG_PARAM_BOUND, 8.5]), nit=40)
    params = np.exp(result.x)

    def fit_with(hessian, unidentified=()):
        return build_fit("bgnbd", bgnbd.PARAM_NAMES, result, params, -4091.5, hessian, 438, 400, 0.0, unidentified)

    noisy = np.diag([450.0, 390.0, 2e-9, -5e-6])
    fit = fit_with(noisy, bgnbd.DROPOUT_PARAMS)
    assert fit.converged and set(fit.std_errors) == {"r", "alpha"} and fit.covariance is None
    assert fit.std_errors["r"] == pytest.approx(params[0] / np.sqrt(450.0))
    strict = fit_with(noisy)
    assert not strict.converged and strict.std_errors is None
    assert "search bound (a)" in strict.message and "not identified" in strict.message
    broken = fit_with(np.diag([450.0, -1e-6, 2e-9, -5e-6]), bgnbd.DROPOUT_PARAMS)
    assert not broken.converged and "not identified" in broken.message


@pytest.mark.parametrize(
    "params", [(0.243, 4.414, 0.793, 2.426), (0.5, 10.0, 50.0, 1e-3), (100.0, 1e4, 0.5, 0.5), (1.0, 30.0, 1e-3, 1e-9)]
)
def test_bgnbd_dropout_share_matches_the_closed_form(params):
    r, alpha, a, b = params
    for t in (1.0, 52.0, 261.0):
        closed = 1 - hyp2f1(r, a, a + b, -t / alpha)  # E_p[(1 + p t / alpha)^-r], p ~ Beta(a, b)
        assert bgnbd.dropout_share(params, t) == pytest.approx(closed, rel=1e-9)


def test_bgnbd_dropout_share_at_the_no_dropout_limit():
    """scipy's hyp2f1 is nan here; for tiny p the share is r t / alpha * E[p]."""
    r, alpha, a, b = 1.5, 34.8, 1e-7, 4925.0
    assert bgnbd.dropout_share((r, alpha, a, b), 77.0) == pytest.approx(r * 77.0 / alpha * a / (a + b), rel=1e-3)


@pytest.fixture(scope="module")
def fixture_predictions():
    logging.disable(logging.WARNING)
    try:
        return {
            (name, model): api.predict_from_export(str(EXPORTS / name), options=api.PredictOptions(model=model))
            for name in FIXTURES
            for model in ("bgnbd", "pareto_nbd")
        }
    finally:
        logging.disable(logging.NOTSET)


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd"])
def test_fixture_exports_fit_and_predict(fixture_predictions, name, model):
    prediction = fixture_predictions[(name, model)]
    assert prediction.purchase_fit.converged, prediction.purchase_fit.message
    assert np.isfinite(prediction.predicted_clv_total) and prediction.predicted_clv_total > 0
    bands = prediction.churn_bands
    assert bands.low > 0 and bands.high > 0, bands  # the synthetic customers do drop out
    assert not any("almost no dropout" in w for w in prediction.warnings)
    assert prediction.bootstrap_draws >= 0.9 * 200
    assert prediction.predicted_clv_total_low < prediction.predicted_clv_total < prediction.predicted_clv_total_high
