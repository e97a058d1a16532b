"""Pareto/NBD purchase model: Schmittlein, Morrison & Colombo (1987), "Counting Your
Customers: Who Are They and What Will They Do Next?", Management Science 33(1);
likelihood as in Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model
and Related Expressions" (Hardie note 009).

While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha) and dies at
exponential rate mu ~ Gamma(s, beta). Note 009 eq. (18)-(20):

    L = G(r+x) alpha^r beta^s / G(r) * [ 1 / ((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A0 ]

    if alpha >= beta:
        A0 = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t_x)) / (alpha+t_x)^(r+s+x)
           - 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+T))   / (alpha+T)^(r+s+x)
    else (alpha < beta):
        A0 = 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t_x)) / (beta+t_x)^(r+s+x)
           - 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+T))   / (beta+T)^(r+s+x)

The case split keeps |z| < 1. Everything is evaluated in log-space; the
difference inside A0 as l1 + log(-expm1(l2 - l1)). The parameter-derivatives of
2F1 have no closed form in scipy, so the optimiser gets a central-difference
gradient on the log-parameters; 2F1 is evaluated once per distinct (x, t) pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, gammaln, hyp2f1

from skill.clv.fitting import (
    ModelFit,
    at_no_dropout_limit,
    build_fit,
    central_gradient,
    dot,
    minimize_log_params,
    numerical_hessian,
    pair_index,
    prepare_fit_data,
    time_scaling,
)

NAME = "pareto_nbd"
PARAM_NAMES = ("r", "alpha", "s", "beta")
DROPOUT_PARAMS = ("s", "beta")
TIME_SCALED_PARAMS = ("alpha", "beta")  # fitted on time rescaled to max(T) = 1


@dataclass(frozen=True)
class _Rows:
    """Customer rows plus the distinct (x, t) pairs at which 2F1 is needed."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    pair_x: np.ndarray
    pair_t: np.ndarray
    at_t_x: np.ndarray  # row -> pair index for (x, t_x)
    at_T: np.ndarray  # row -> pair index for (x, T)
    x_values: np.ndarray  # distinct frequencies: lnG(r+x) is evaluated once per value
    at_x: np.ndarray


def _prepare(x, t_x, T) -> _Rows:
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    n = len(x)
    pair_x, pair_t, inverse = pair_index(np.concatenate([x, x]), np.concatenate([t_x, T]))
    x_values, at_x = np.unique(x, return_inverse=True)
    return _Rows(x, t_x, T, pair_x, pair_t, inverse[:n], inverse[n:], x_values, at_x.ravel())


def _log_hyp2f1_c_is_a_plus_1(a_, b_, z):
    """log 2F1(a, b; a+1; z) for 0 <= z < 1; Euler's transform
    2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) where the direct value overflows."""
    a_, b_, z = np.broadcast_arrays(a_, b_, z)
    with np.errstate(all="ignore"):
        out = np.log(hyp2f1(a_, b_, a_ + 1, z))
        overflow = ~np.isfinite(out)
        if overflow.any():
            a_o, b_o, z_o = a_[overflow], b_[overflow], z[overflow]
            out[overflow] = (1 - b_o) * np.log1p(-z_o) + np.log(hyp2f1(1.0, a_o + 1 - b_o, a_o + 1, z_o))
    return out


def _log_A0(params, rows: _Rows) -> np.ndarray:
    """log A0 (note 009 eqs. 19-20); -inf where t_x == T (the integral is empty)."""
    r, alpha, s, beta = params
    if alpha >= beta:
        larger, smaller, second_arg = alpha, beta, s + 1
    else:
        larger, smaller, second_arg = beta, alpha, r + rows.pair_x
    rsx = r + s + rows.pair_x
    z = (larger - smaller) / (larger + rows.pair_t)
    log_term = _log_hyp2f1_c_is_a_plus_1(rsx, second_arg, z) - rsx * np.log(larger + rows.pair_t)
    l1, l2 = log_term[rows.at_t_x], log_term[rows.at_T]
    with np.errstate(divide="ignore"):
        return l1 + np.log(np.maximum(-np.expm1(l2 - l1), 0.0))


def _log_likelihood(params, rows: _Rows) -> np.ndarray:
    r, alpha, s, beta = params
    x, T, xs = rows.x, rows.T, rows.x_values
    alive_term = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    died_term = (np.log(s) - np.log(r + s + xs))[rows.at_x] + _log_A0(params, rows)
    head = (gammaln(r + xs) - gammaln(r))[rows.at_x] + r * np.log(alpha) + s * np.log(beta)
    return head + np.logaddexp(alive_term, died_term)


def log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood (note 009 eq. 18)."""
    return _log_likelihood(params, _prepare(x, t_x, T))


def fit_pareto_nbd(frequency, recency, T, weights=None, penalizer: float = 0.0) -> ModelFit:
    """Maximum-likelihood Pareto/NBD fit; params in the time unit of recency/T."""
    fit_data = prepare_fit_data(frequency, recency, T, weights, NAME)
    cx, ct_x, cT = fit_data.rows.columns
    cw, scale = fit_data.rows.weights, fit_data.scale
    _, st_x, sT = fit_data.scaled

    def make_objective(rows: _Rows, row_weights: np.ndarray):
        row_total = row_weights.sum()

        def objective(log_params):
            params = np.exp(log_params)
            with np.errstate(all="ignore"):
                value = -dot(row_weights, _log_likelihood(params, rows)) / row_total + penalizer * np.sum(params**2)
            return value if np.isfinite(value) else 1e300

        return objective

    def with_gradient(objective):
        return lambda log_params: (objective(log_params), central_gradient(objective, log_params))

    start = np.log([1.0, 1.0 / fit_data.mean_rate, 1.0, 1.0])
    total = cw.sum()
    objective = make_objective(_prepare(cx, st_x, sT), cw)
    result = minimize_log_params(with_gradient(objective), start, has_gradient=True)
    hessian = numerical_hessian(lambda v: objective(v) * total, result.x)
    natural = np.exp(result.x) / time_scaling(PARAM_NAMES, TIME_SCALED_PARAMS, scale)
    ll_total = float(dot(cw, _log_likelihood(natural, _prepare(cx, ct_x, cT))))
    no_dropout = at_no_dropout_limit(natural, ll_total, fit_data.rows, dropout_share(natural, float(cT.max())))
    return build_fit(
        NAME, PARAM_NAMES, result, natural, ll_total, hessian, total, len(cw), penalizer,
        unidentified_dropout=DROPOUT_PARAMS if no_dropout else (),
    )


def _log_alive_odds_inverse(params, rows: _Rows) -> np.ndarray:
    """log of (P(dead) / P(alive)) given the history (note 009 eq. 36-37)."""
    r, alpha, s, beta = params
    x, T = rows.x, rows.T
    return np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T) + _log_A0(params, rows)


def probability_alive(params, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T)."""
    return expit(-_log_alive_odds_inverse(params, _prepare(x, t_x, T)))


def expected_purchases(params, x, t_x, T, t) -> np.ndarray:
    """E[purchases in (T, T+t] | x, t_x, T] (note 009 eq. 41):
    P(alive) * (r+x)(beta+T) / ((alpha+T)(s-1)) * [1 - ((beta+T)/(beta+T+t))^(s-1)],
    with the s -> 1 limit (beta+T) ln((beta+T+t)/(beta+T)) handled by expm1.
    `t` may be a 1-D array of horizons: the result then has shape (len(t), n)."""
    r, alpha, s, beta = params
    x, T = np.asarray(x, dtype=float), np.asarray(T, dtype=float)
    alive = probability_alive(params, x, t_x, T)
    horizons = np.atleast_1d(np.asarray(t, dtype=float))[:, None]
    log_ratio = np.log(beta + T) - np.log(beta + T + horizons)  # <= 0
    if abs(s - 1.0) > 1e-9:
        integral = -np.expm1((s - 1) * log_ratio) / (s - 1)
    else:
        integral = -log_ratio
    out = alive * (r + x) / (alpha + T) * (beta + T) * integral
    return out[0] if np.ndim(t) == 0 else out


def dropout_share(params, t) -> float:
    """Share of newly acquired customers expected to have stopped buying within t:
    1 - (beta / (beta + t))^s, the Pareto (Lomax) lifetime distribution's CDF."""
    _, _, s, beta = params
    return float(-np.expm1(-s * np.log1p(t / beta)))
