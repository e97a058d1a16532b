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
from scipy.linalg import eigh_tridiagonal
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from skill.clv.fitting import (
    ModelFit,
    at_no_dropout_limit,
    build_fit,
    dot,
    minimize_log_params,
    numerical_hessian,
    pair_index,
    prepare_fit_data,
    time_scaling,
)

NAME = "bgnbd"
PARAM_NAMES = ("r", "alpha", "a", "b")
DROPOUT_PARAMS = ("a", "b")
TIME_SCALED_PARAMS = ("alpha",)  # rates per time unit: fitted on time rescaled to max(T) = 1
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
    fit_data = prepare_fit_data(frequency, recency, T, weights, NAME)
    cx, ct_x, cT = fit_data.rows.columns
    cw, scale = fit_data.rows.weights, fit_data.scale
    _, st_x, sT = fit_data.scaled

    def make_objective(data: _Aggregated):
        def objective(log_params):
            params = np.exp(log_params)
            ll, grad = data.loglik_and_gradient(params)
            value = -ll / data.total + penalizer * np.sum(params**2)
            grad_log = (-grad / data.total + 2 * penalizer * params) * params
            return value, grad_log

        return objective

    start = np.log([1.0, 1.0 / fit_data.mean_rate, 1.0, 3.0])
    data = _Aggregated(cx, st_x, sT, cw)
    total = data.total
    objective = make_objective(data)
    result = minimize_log_params(objective, start, has_gradient=True)
    hessian = numerical_hessian(lambda v: objective(v)[0] * total, result.x, lambda v: objective(v)[1] * total)
    natural = np.exp(result.x) / time_scaling(PARAM_NAMES, TIME_SCALED_PARAMS, scale)
    ll_total = float(dot(cw, log_likelihood(natural, cx, ct_x, cT)))
    no_dropout = at_no_dropout_limit(natural, ll_total, fit_data.rows, dropout_share(natural, float(cT.max())))
    return build_fit(
        NAME, PARAM_NAMES, result, natural, ll_total, hessian, total, len(cw), penalizer,
        unidentified_dropout=DROPOUT_PARAMS if no_dropout else (),
    )


def probability_alive(params, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T) (Hardie note 021): 1 for customers with no repeat purchase."""
    r, alpha, a, b = params
    log_odds_dead = (r + x) * np.log((alpha + T) / (alpha + t_x)) + np.log(a / (b + np.maximum(x, 1) - 1))
    return np.where(x == 0, 1.0, expit(-log_odds_dead))


_QUADRATURE_NODES = 96
# Relative rounding of scipy's hyp2f1 assumed when judging the closed form's cancellation.
_HYP2F1_REL_ERROR = 1e-14
_MAX_CLOSED_FORM_REL_ERROR = 1e-9


def _log_hyp2f1(a_, b_, c_, z):
    """log 2F1, falling back to Euler's transform where the direct series overflows."""
    with np.errstate(all="ignore"):
        direct = np.log(hyp2f1(a_, b_, c_, z))
        euler = np.log(hyp2f1(c_ - a_, c_ - b_, c_, z)) + (c_ - a_ - b_) * np.log1p(-z)
    return np.where(np.isfinite(direct), direct, euler)


def _beta_gauss_nodes(a, b, n: int = _QUADRATURE_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Gauss nodes and weights (summing to 1) for E[f(p)], p ~ Beta(a, b), by
    Golub-Welsch on the Jacobi recurrence (weight (1-y)^(b-1) (1+y)^(a-1), y = 2p - 1;
    Golub & Welsch 1969, recurrence as in Abramowitz & Stegun 22.7). Written in a
    and b rather than the Jacobi exponents a-1, b-1 so that a + b far below machine
    epsilon keeps its digits. Hand-written because scipy's roots_jacobi normalises
    by 2^(a+b-1) B(a, b), which overflows for the large b (= b + x) of heavy buyers."""
    k = np.arange(2, n)
    s = 2 * (k - 1) + a + b  # 2k + (a-1) + (b-1)
    diagonal = np.empty(n)
    diagonal[0] = (a - b) / (a + b)
    s_all = np.r_[a + b, s]
    diagonal[1:] = (a - b) * (a + b - 2) / (s_all * (s_all + 2))
    off2 = np.empty(n - 1)
    off2[0] = 4 * a * b / ((a + b) ** 2 * (a + b + 1))  # k = 1, with the common factor a + b - 1 cancelled
    off2[1:] = 4 * k * (k + b - 1) * (k + a - 1) * (k + a + b - 2) / (s**2 * (s + 1) * (s - 1))
    nodes, vectors = eigh_tridiagonal(diagonal, np.sqrt(off2))
    return np.clip((1 + nodes) / 2, 0.0, 1.0), vectors[0] ** 2


def _mixture_expectation(r, a, b, x, u) -> np.ndarray:
    """E_p[(1 - (1 + p u)^-(r+x)) / p] for p ~ Beta(a, b + x), by quadrature.

    This is the Beta mixing written out: a customer alive at T with purchase rate
    lambda ~ Gamma(r+x, alpha+T) and dropout p buys (1 - exp(-lambda p t)) / p times
    in expectation over (T, T+t]; averaging over lambda gives (1 - (1+p u)^-(r+x)) / p
    with u = t / (alpha+T). The integrand is smooth and bounded by (r+x) u on [0, 1];
    x and u are matching 1-D arrays."""
    out = np.empty(len(x))
    for value in np.unique(x):
        rows = x == value
        p, weights = _beta_gauss_nodes(a, b + value)
        k, pu = r + value, p[None, :] * u[rows, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            integrand = np.where(pu > 0, -np.expm1(-k * np.log1p(pu)) / p[None, :], k * u[rows, None])
        out[rows] = integrand @ weights
    return out


def _conditional_purchases_if_alive(params, px, pT, horizons) -> np.ndarray:
    """E[purchases in (T, T+t] | alive at T, x, T], shape (len(horizons), len(px)).

    Closed form (eq. 10 without its P(alive) denominator):
        (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
    It is what lifetimes evaluates, but c = a+b+x-1 lies in (-1, inf) and 2F1 has a
    pole at c = -1 (reached when x = 0 and a, b -> 0), and for a near 1 the
    prefactor is huge and the bracket cancels. Per (x, T) pair the closed form is
    kept when it is finite, inside the bounds 1 - (1+u)^-(r+x) <= value <= (r+x) u
    (the integrand of _mixture_expectation is decreasing in p), c >= 0 and its
    estimated cancellation error is below 1e-9; otherwise the Beta mixing integral
    is evaluated by Gauss-Jacobi quadrature."""
    r, alpha, a, b = params
    c = a + b + px - 1
    u = horizons[:, None] / (alpha + pT[None, :])
    z = u / (1 + u)
    with np.errstate(all="ignore"):
        log_hyp = _log_hyp2f1(r + px, b + px, c, z)
        survival = np.exp(log_hyp - (r + px) * np.log1p(u))
        prefactor = c / (a - 1)
        closed = prefactor * (1 - survival)
        lower = -np.expm1(-(r + px) * np.log1p(u))
        upper = (r + px) * u
        cancellation = np.abs(prefactor) * np.maximum(survival, 1.0) * _HYP2F1_REL_ERROR / np.abs(closed)
        usable = (
            np.isfinite(closed)
            & (closed >= lower * (1 - 1e-9))
            & (closed <= upper * (1 + 1e-9))
            & (cancellation < _MAX_CLOSED_FORM_REL_ERROR)
            & (c >= 0)
        )
    usable = np.all(usable | (horizons[:, None] == 0), axis=0)  # one method per pair keeps E[X(t)] monotone in t
    out = np.where(usable, closed, 0.0)
    if not usable.all():
        fallback = np.flatnonzero(~usable)
        for i, _ in enumerate(horizons):
            out[i, fallback] = _mixture_expectation(r, a, b, px[fallback], u[i, fallback])
    return out


def expected_purchases(params, x, t_x, T, t) -> np.ndarray:
    """E[purchases in (T, T+t] | x, t_x, T] (eq. 10): P(alive) times the expectation
    for a customer alive at T. `t` may be a 1-D array of horizons: the result then has
    shape (len(t), n). The 2F1 term depends on (x, T) only, so it is evaluated once
    per distinct pair."""
    horizons = np.atleast_1d(np.asarray(t, dtype=float))
    px, pT, inverse = pair_index(np.asarray(x, float), np.asarray(T, float))
    if_alive = _conditional_purchases_if_alive(params, px, pT, horizons)[:, inverse]
    # eq. 10's denominator 1 + 1{x>0} a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) is 1 / P(alive)
    alive = probability_alive(params, np.asarray(x, float), np.asarray(t_x, float), np.asarray(T, float))
    out = np.where(horizons[:, None] > 0, if_alive * alive, 0.0)
    return out[0] if np.ndim(t) == 0 else out


def dropout_share(params, t) -> float:
    """Share of newly acquired customers expected to have dropped out within t. Given
    lambda and p, dropouts follow the purchases at rate lambda p, so this is
    1 - E_p[(alpha / (alpha + p t))^r] for p ~ Beta(a, b), i.e. 1 - 2F1(r, a; a+b; -t/alpha).
    By quadrature because scipy's hyp2f1 returns nan for the tiny a of no-dropout fits."""
    r, alpha, a, b = params
    p, weights = _beta_gauss_nodes(a, b)
    return float(-np.expm1(-r * np.log1p(p * t / alpha)) @ weights)
