"""Numerical robustness of the CLV predictions: extreme-but-valid BG/NBD parameters,
degenerate "nobody churns" data, and the committed fixture exports end to end."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skill import api
from skill.clv import bgnbd
from skill.clv.predict import score_customers

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


@pytest.mark.parametrize("model", ["bgnbd", "pareto_nbd"])
def test_no_churn_data_gives_finite_predictions_and_says_so(model, caplog):
    caplog.set_level(logging.ERROR)
    prediction = score_customers(_no_churn_summary(), model=model, time_unit_days=7, n_bootstrap=100).prediction
    assert prediction.purchase_fit.converged
    assert np.isfinite(prediction.predicted_clv_total) and prediction.predicted_clv_total > 0
    if model == "pareto_nbd":
        assert any("almost no dropout" in w for w in prediction.warnings)
        assert prediction.mean_p_alive > 0.99
    if prediction.bootstrap_draws:
        assert prediction.predicted_clv_total_low <= prediction.predicted_clv_total <= prediction.predicted_clv_total_high
    else:
        assert any("intervals omitted" in w for w in prediction.warnings)


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
