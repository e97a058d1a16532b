"""BG/NBD purchase model: Fader, Hardie & Lee (2005), "Counting Your Customers the
Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science 24(2).

While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each
purchase they drop out with probability p ~ Beta(a, b). Per customer with x repeat
purchases, last at t_x, observed for T (paper eq. 6, Hardie note 004):

    LL = lnG(r+x) - lnG(r) + r ln(alpha)
       + lnB(a, b+x) - lnB(a, b)
       + ln[ (alpha+T)^-(r+x) + 1{x>0} a/(b+x-1) (alpha+t_x)^-(r+x) ]

The gradient below is the analytic derivative of that expression.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from skill.clv.fitting import (
    ModelFit,
    build_fit,
    check_rfm,
    compress_rows,
    dot,
    minimize_log_params,
    numerical_hessian,
    pair_index,
    require_fit_support,
)

NAME = "bgnbd"
PARAM_NAMES = ("r", "alpha", "a", "b")
_EXP_FLOOR = -700.0  # exp(-700) ~ 1e-304: still a normal double


def _terms(params, x, t_x, T):
    """The two log-terms inside the last bracket and the log-weight of the second."""
    r, alpha, a, b = params
    repeat = x > 0
    first = -(r + x) * np.log(alpha + T)
    second = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x)
    second = np.where(repeat, second, -np.inf)
    bracket = np.logaddexp(first, second)
    return first, second, bracket


def log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Per-customer log-likelihood (eq. 6)."""
    r, alpha, a, b = params
    _, _, bracket = _terms(params, x, t_x, T)
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b) + bracket


def _gradient(params, x, t_x, T) -> np.ndarray:
    """d LL / d (r, alpha, a, b) per customer, shape (4, n)."""
    r, alpha, a, b = params
    first, second, bracket = _terms(params, x, t_x, T)
    w2 = np.exp(second - bracket)  # share of the dropout-at-t_x term
    w1 = 1.0 - w2
    log_aT, log_atx = np.log(alpha + T), np.log(alpha + t_x)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha) - w1 * log_aT - w2 * log_atx
    d_alpha = r / alpha - (r + x) * (w1 / (alpha + T) + w2 / (alpha + t_x))
    d_a = digamma(a + b) - digamma(a + b + x) + w2 / a
    d_b = digamma(b + x) - digamma(a + b + x) - digamma(b) + digamma(a + b) - w2 / (b + np.maximum(x, 1) - 1)
    return np.vstack([d_r, d_alpha, d_a, d_b])


class _Aggregated:
    """Compressed rows with every term that depends on one column only evaluated
    once per distinct value (the lnG/psi terms per x, the logs per T and per t_x):
    the same sums as log_likelihood / _gradient, several times faster.

    Per-row work writes into buffers allocated once: fresh ~MB temporaries on every
    optimiser step cost more in page faults than the arithmetic itself."""

    def __init__(self, x, t_x, T, w):
        self.xs, self.at_x = np.unique(x, return_inverse=True)
        self.Ts, self.at_T = np.unique(T, return_inverse=True)
        self.txs, self.at_tx = np.unique(t_x, return_inverse=True)
        self.w = w
        self.total = w.sum()
        self.w_per_x = np.bincount(self.at_x, weights=w)
        self.one_time = x == 0
        self.buffers = np.empty((6, len(x)))

    def loglik_and_gradient(self, params):
        r, alpha, a, b = params
        xs, W, w = self.xs, self.w_per_x, self.w
        log_aT, log_atx, rx, first, second, w2 = self.buffers
        b_term = b + np.maximum(xs, 1) - 1
        per_x = gammaln(r + xs) - gammaln(r) + betaln(a, b + xs) - betaln(a, b)
        np.take(np.log(alpha + self.Ts), self.at_T, out=log_aT)
        np.take(np.log(alpha + self.txs), self.at_tx, out=log_atx)
        np.take(r + xs, self.at_x, out=rx)
        np.multiply(rx, log_aT, out=first)
        np.negative(first, out=first)  # -(r+x) ln(alpha+T)
        np.take(np.log(a) - np.log(b_term), self.at_x, out=second)
        second -= rx * log_atx  # ln a - ln(b+x-1) - (r+x) ln(alpha+t_x)
        second[self.one_time] = -np.inf
        # bracket = log(e^first + e^second), spelled out (np.logaddexp is ~3x slower
        # here); exponents floored at -700 because exp() into subnormals is ~20x slower
        bracket = np.maximum(first, second)
        np.subtract(first, second, out=w2)
        np.abs(w2, out=w2)
        np.negative(w2, out=w2)
        np.maximum(w2, _EXP_FLOOR, out=w2)
        np.exp(w2, out=w2)
        np.log1p(w2, out=w2)
        bracket += w2
        np.subtract(second, bracket, out=w2)
        np.maximum(w2, _EXP_FLOOR, out=w2)
        np.exp(w2, out=w2)  # share of the dropped-out-after-t_x term
        ll = W @ per_x + self.total * r * np.log(alpha) + dot(w, bracket)
        # terms weighted by w1 = 1 - w2 are split as (all) - (w2 part)
        w_w2 = w * w2
        psi_ab, psi_abx = digamma(a + b), digamma(a + b + xs)
        inv_aT = np.take(1 / (alpha + self.Ts), self.at_T)
        inv_atx = np.take(1 / (alpha + self.txs), self.at_tx)
        grad = np.array(
            [
                W @ (digamma(r + xs) - digamma(r))
                + self.total * np.log(alpha)
                - dot(w, log_aT)
                - dot(w_w2, log_atx - log_aT),
                self.total * r / alpha - dot(w, rx * inv_aT) - dot(w_w2, rx * (inv_atx - inv_aT)),
                W @ (psi_ab - psi_abx) + w_w2.sum() / a,
                W @ (digamma(b + xs) - psi_abx - digamma(b) + psi_ab) - dot(w_w2, (1 / b_term)[self.at_x]),
            ]
        )
        return ll, grad


def fit_bgnbd(frequency, recency, T, weights=None, penalizer: float = 0.0) -> ModelFit:
    """Maximum-likelihood BG/NBD fit; params in the time unit of recency/T."""
    x, t_x, age, w = check_rfm(frequency, recency, T, weights)
    require_fit_support(x, age, w, NAME)
    rows = compress_rows(x, t_x, age, weights=w)
    cx, ct_x, cT = rows.columns
    cw = rows.weights
    scale = 1.0 / float(age.max())
    st_x, sT = ct_x * scale, cT * scale

    def make_objective(data: _Aggregated):
        def objective(log_params):
            params = np.exp(log_params)
            ll, grad = data.loglik_and_gradient(params)
            value = -ll / data.total + penalizer * np.sum(params**2)
            grad_log = (-grad / data.total + 2 * penalizer * params) * params
            return value, grad_log

        return objective

    mean_rate = max(float((w * x).sum() / (w * age * scale).sum()), 1e-3)
    start = np.log([1.0, 1.0 / mean_rate, 1.0, 3.0])
    data = _Aggregated(cx, st_x, sT, cw)
    total = data.total
    objective = make_objective(data)
    result = minimize_log_params(objective, start, has_gradient=True)
    hessian = numerical_hessian(lambda v: objective(v)[0] * total, result.x, lambda v: objective(v)[1] * total)
    natural = np.exp(result.x) / np.array([1.0, scale, 1.0, 1.0])
    ll_total = float(dot(cw, log_likelihood(natural, cx, ct_x, cT)))
    return build_fit(NAME, PARAM_NAMES, result, natural, ll_total, hessian, total, len(cw), penalizer)


def probability_alive(params, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T) (Hardie note 021): 1 for customers with no repeat purchase."""
    r, alpha, a, b = params
    log_odds_dead = (r + x) * np.log((alpha + T) / (alpha + t_x)) + np.log(a / (b + np.maximum(x, 1) - 1))
    return np.where(x == 0, 1.0, expit(-log_odds_dead))


def _log_hyp2f1(a_, b_, c_, z):
    """log 2F1, falling back to Euler's transform where the direct series overflows."""
    with np.errstate(all="ignore"):
        direct = np.log(hyp2f1(a_, b_, c_, z))
        euler = np.log(hyp2f1(c_ - a_, c_ - b_, c_, z)) + (c_ - a_ - b_) * np.log1p(-z)
    return np.where(np.isfinite(direct), direct, euler)


def expected_purchases(params, x, t_x, T, t) -> np.ndarray:
    """E[purchases in (T, T+t] | x, t_x, T] (eq. 10). `t` may be a 1-D array of
    horizons: the result then has shape (len(t), n). The hyp2f1 term depends on
    (x, T) only, so it is evaluated once per distinct pair."""
    r, alpha, a, b = params
    if abs(a - 1.0) < 1e-7:  # removable singularity of (a+b+x-1)/(a-1) at a = 1
        a = 1.0 + 1e-7
    horizons = np.atleast_1d(np.asarray(t, dtype=float))
    px, pT, inverse = pair_index(np.asarray(x, float), np.asarray(T, float))
    z = horizons[:, None] / (alpha + pT[None, :] + horizons[:, None])
    log_hyp = _log_hyp2f1(r + px, b + px, a + b + px - 1, z)
    survival = np.exp(log_hyp + (r + px) * np.log((alpha + pT) / (alpha + pT + horizons[:, None])))
    numerator = ((a + b + px - 1) / (a - 1) * (1 - survival))[:, inverse]
    # eq. 10's denominator 1 + 1{x>0} a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) is 1 / P(alive)
    alive = probability_alive(params, np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float))
    out = np.where(horizons[:, None] > 0, numerator * alive, 0.0)
    return out[0] if np.ndim(t) == 0 else out
