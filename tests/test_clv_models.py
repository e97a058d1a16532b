"""Model fits against the published CDNOW figures, lifetimes as an oracle, and
parameter recovery on simulated customers."""

import warnings

import numpy as np
import pytest

lifetimes = pytest.importorskip("lifetimes")
from lifetimes.datasets import (  # noqa: E402
    load_cdnow_summary,
    load_cdnow_summary_data_with_monetary_value,
)

from skill.clv import bgnbd, gamma_gamma, pareto_nbd  # noqa: E402
from skill.clv.fitting import compress_rows  # noqa: E402
from skill.clv.simulate import simulate_bgnbd, simulate_pareto_nbd  # noqa: E402


def _arrays(frame):
    return frame["frequency"].to_numpy(float), frame["recency"].to_numpy(float), frame["T"].to_numpy(float)


@pytest.fixture(scope="module")
def cdnow():
    return _arrays(load_cdnow_summary(index_col=[0]))


@pytest.fixture(scope="module")
def cdnow_spend():
    frame = load_cdnow_summary_data_with_monetary_value()
    return frame["frequency"].to_numpy(float), frame["monetary_value"].to_numpy(float)


@pytest.fixture(scope="module")
def oracle(cdnow, cdnow_spend):
    """lifetimes fits on the same data, computed once."""
    x, t_x, T = cdnow
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bg = lifetimes.BetaGeoFitter().fit(x, t_x, T)
        bg_pen = lifetimes.BetaGeoFitter(penalizer_coef=0.1).fit(x, t_x, T)
        pnbd = lifetimes.ParetoNBDFitter().fit(x, t_x, T)
        fx, m = cdnow_spend
        gg = lifetimes.GammaGammaFitter().fit(fx[fx > 0], m[fx > 0])
    return {"bg": bg, "bg_pen": bg_pen, "pnbd": pnbd, "gg": gg}


def _rel(ours: dict, theirs) -> float:
    return max(abs(ours[k] / theirs[k] - 1) for k in ours)


def test_bgnbd_reproduces_published_cdnow_fit(cdnow):
    fit = bgnbd.fit_bgnbd(*cdnow)
    assert fit.converged
    assert {k: round(v, 3) for k, v in fit.params.items()} == {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert round(fit.log_likelihood, 2) == -9582.43


def test_bgnbd_matches_lifetimes_params_and_standard_errors(cdnow, oracle):
    fit = bgnbd.fit_bgnbd(*cdnow)
    assert _rel(fit.params, oracle["bg"].params_) < 1e-3
    assert _rel(fit.std_errors, oracle["bg"].standard_errors_) < 1e-3


def test_bgnbd_penalizer_has_lifetimes_definition(cdnow, oracle):
    fit = bgnbd.fit_bgnbd(*cdnow, penalizer=0.1)
    assert _rel(fit.params, oracle["bg_pen"].params_) < 1e-3
    assert _rel(fit.params, bgnbd.fit_bgnbd(*cdnow).params) > 1e-2  # the penalty does something


def test_bgnbd_analytic_gradient_matches_finite_differences(cdnow):
    x, t_x, T = cdnow
    params = np.array([0.3, 5.0, 0.9, 2.0])
    analytic = bgnbd._gradient(params, x, t_x, T).sum(axis=1)
    numeric = np.empty(4)
    for i in range(4):
        step = np.zeros(4)
        step[i] = 1e-6 * params[i]
        numeric[i] = (
            bgnbd.log_likelihood(params + step, x, t_x, T).sum() - bgnbd.log_likelihood(params - step, x, t_x, T).sum()
        ) / (2 * step[i])
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5)


def test_pareto_nbd_reproduces_published_fit_and_lifetimes(cdnow, oracle):
    fit = pareto_nbd.fit_pareto_nbd(*cdnow)
    assert fit.converged
    assert {k: round(v, 2) for k, v in fit.params.items()} == {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
    assert _rel(fit.params, oracle["pnbd"].params_) < 1e-3
    theirs = pareto_nbd.log_likelihood(list(oracle["pnbd"].params_), *cdnow).sum()
    assert fit.log_likelihood >= theirs - 1e-6 * abs(theirs)  # at least as good an optimum
    assert fit.std_errors is not None and all(v > 0 for v in fit.std_errors.values())


def test_pareto_nbd_log_likelihood_matches_lifetimes_on_both_branches(cdnow):
    x, t_x, T = cdnow
    for params in ([0.55, 10.58, 0.61, 11.67], [0.55, 12.0, 0.61, 3.0]):  # alpha < beta, alpha >= beta
        ours = pareto_nbd.log_likelihood(params, x, t_x, T)
        theirs = lifetimes.ParetoNBDFitter._conditional_log_likelihood(params, x, t_x, T)
        np.testing.assert_allclose(ours, theirs, rtol=1e-9)


def test_gamma_gamma_reproduces_published_fit_and_lifetimes(cdnow_spend, oracle):
    fit = gamma_gamma.fit_gamma_gamma(*cdnow_spend)
    assert fit.converged
    assert {k: round(v, 2) for k, v in fit.params.items()} == {"p": 6.25, "q": 3.74, "v": 15.45}
    assert _rel(fit.params, oracle["gg"].params_) < 1e-3
    assert _rel(fit.std_errors, oracle["gg"].standard_errors_) < 1e-3
    assert fit.n_excluded_one_time == int((cdnow_spend[0] == 0).sum())
    assert fit.frequency_spend_correlation == pytest.approx(np.corrcoef(*[a[cdnow_spend[0] > 0] for a in cdnow_spend])[0, 1])
    assert fit.warnings == []  # CDNOW's r is about 0.11


@pytest.mark.parametrize("name", ["bg", "pnbd"])
def test_predictions_match_lifetimes(cdnow, oracle, name):
    x, t_x, T = cdnow
    fitter = oracle[name]
    module = bgnbd if name == "bg" else pareto_nbd
    params = list(fitter.params_)
    np.testing.assert_allclose(
        module.probability_alive(params, x, t_x, T), fitter.conditional_probability_alive(x, t_x, T), rtol=1e-6
    )
    for horizon in (1.0, 10.0, 39.0):
        np.testing.assert_allclose(
            module.expected_purchases(params, x, t_x, T, horizon),
            fitter.conditional_expected_number_of_purchases_up_to_time(horizon, x, t_x, T),
            rtol=1e-6,
        )


def test_gamma_gamma_expected_spend_matches_lifetimes(cdnow_spend, oracle):
    fitter = oracle["gg"]
    ours = gamma_gamma.expected_spend(list(fitter.params_), *cdnow_spend)
    np.testing.assert_allclose(ours, fitter.conditional_expected_average_profit(*cdnow_spend), rtol=1e-9)


def test_compressed_weights_give_the_same_fit(cdnow):
    rows = compress_rows(*cdnow)
    weighted = bgnbd.fit_bgnbd(*rows.columns, weights=rows.weights)
    assert _rel(weighted.params, bgnbd.fit_bgnbd(*cdnow).params) < 1e-6
    assert len(rows.weights) < len(cdnow[0]) and rows.weights.sum() == len(cdnow[0])


def _within_four_standard_errors(fit, truth):
    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.std_errors[name], (name, fit.params[name], value)


def test_bgnbd_recovers_simulated_parameters():
    truth = {"r": 0.3, "alpha": 5.0, "a": 0.8, "b": 2.5}
    T = np.random.default_rng(7).uniform(30, 78, 8000)
    data = simulate_bgnbd(list(truth.values()), T, seed=11)
    fit = bgnbd.fit_bgnbd(*_arrays(data))
    assert fit.converged
    _within_four_standard_errors(fit, truth)
    assert max(abs(fit.params[k] / v - 1) for k, v in truth.items()) < 0.25


def test_pareto_nbd_recovers_simulated_parameters():
    truth = {"r": 0.55, "alpha": 10.0, "s": 0.6, "beta": 12.0}
    T = np.random.default_rng(8).integers(30, 78, 6000).astype(float)
    data = simulate_pareto_nbd(list(truth.values()), T, seed=12, resolution=1 / 7)
    fit = pareto_nbd.fit_pareto_nbd(*_arrays(data))
    assert fit.converged
    _within_four_standard_errors(fit, truth)
    # the dropout parameters (s, beta) are weakly identified over ~1 year; the purchase rate is not
    assert max(abs(fit.params[k] / truth[k] - 1) for k in ("r", "alpha")) < 0.15


def test_bgnbd_aggregated_objective_equals_per_row_sums(cdnow):
    x, t_x, T = cdnow
    params = np.array([0.3, 5.0, 0.9, 2.0])
    ll, grad = bgnbd._Aggregated(x, t_x, T, np.ones_like(x)).loglik_and_gradient(params)
    assert ll == pytest.approx(bgnbd.log_likelihood(params, x, t_x, T).sum(), rel=1e-12)
    np.testing.assert_allclose(grad, bgnbd._gradient(params, x, t_x, T).sum(axis=1), rtol=1e-10)
