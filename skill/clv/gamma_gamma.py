"""Gamma-Gamma spend model: Fader, Hardie & Lee (2005), "RFM and CLV: Using
Iso-Value Curves for Customer Base Analysis", JMR 42(4); Hardie note 025.

Each transaction value ~ Gamma(p, nu) with nu ~ Gamma(q, v) across customers. For a
customer with x repeat transactions of mean value m (note 025 eq. 1a, up to the
constant that depends on the data only):

    LL = lnG(px+q) - lnG(px) - lnG(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(xm+v)

and the conditional expected spend per transaction (eq. 5):

    E[M | x, m] = (p v + p x m) / (p x + q - 1)

The model assumes spend is independent of purchase frequency, and needs x > 0 and
m > 0; rows outside that are left out of the fit and counted.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from skill.clv.fitting import (
    build_fit,
    compress_rows,
    dot,
    minimize_log_params,
    numerical_hessian,
)
from skill.clv.results import CLVModelError, GammaGammaFit

NAME = "gamma_gamma"
PARAM_NAMES = ("p", "q", "v")
CORRELATION_WARNING_THRESHOLD = 0.3
MIN_SPEND_CUSTOMERS = 10


def log_likelihood(params, x, m) -> np.ndarray:
    """Per-customer log-likelihood (eq. 1a)."""
    p, q, v = params
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )


def _gradient(params, x, m) -> np.ndarray:
    """d LL / d (p, q, v) per customer, shape (3, n)."""
    p, q, v = params
    log_xm_v = np.log(x * m + v)
    d_p = x * (digamma(p * x + q) - digamma(p * x) + np.log(m) + np.log(x) - log_xm_v)
    d_q = digamma(p * x + q) - digamma(q) + np.log(v) - log_xm_v
    d_v = q / v - (p * x + q) / (x * m + v)
    return np.vstack([d_p, d_q, d_v])


def usable_spend_rows(frequency, monetary_value) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, m, mask) where mask marks repeat customers with a finite positive mean spend."""
    x = np.asarray(frequency, dtype=float).ravel()
    m = np.asarray(monetary_value, dtype=float).ravel()
    if len(x) != len(m):
        raise CLVModelError("frequency and monetary_value must have the same length")
    mask = (x > 0) & np.isfinite(m) & (m > 0)
    return x, m, mask


def fit_gamma_gamma(frequency, monetary_value, weights=None, penalizer: float = 0.0) -> GammaGammaFit:
    """Fit on repeat customers with positive spend; report exclusions and the
    frequency/spend correlation (|r| > 0.3 earns a warning: the model assumes none)."""
    x, m, mask = usable_spend_rows(frequency, monetary_value)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    n_one_time = int(round(w[x == 0].sum()))
    n_nonpositive = int(round(w[(x > 0) & ~mask].sum()))
    x, m, w = x[mask], m[mask], w[mask]
    if w.sum() < MIN_SPEND_CUSTOMERS:
        raise CLVModelError(
            f"Gamma-Gamma needs at least {MIN_SPEND_CUSTOMERS} repeat customers with positive spend; "
            f"got {w.sum():g} ({n_one_time} one-time buyers and {n_nonpositive} with zero/negative spend left out)"
        )
    warnings: list[str] = []
    correlation = None
    if np.ptp(x) > 0 and np.ptp(m) > 0:
        correlation = _weighted_correlation(x, m, w)
        if abs(correlation) > CORRELATION_WARNING_THRESHOLD:
            warnings.append(
                f"frequency and spend are correlated (Pearson r = {correlation:.2f}); Gamma-Gamma assumes "
                "independence, so predicted spend is biased for heavy or light buyers"
            )
    if n_nonpositive:
        warnings.append(f"{n_nonpositive} repeat customers with zero or negative spend left out of the spend fit")

    rows = compress_rows(x, m, weights=w)
    cx, cm = rows.columns
    cw = rows.weights
    total = cw.sum()

    def objective(log_params):
        params = np.exp(log_params)
        value = -dot(cw, log_likelihood(params, cx, cm)) / total + penalizer * np.sum(params**2)
        grad = (-dot(cw, _gradient(params, cx, cm)) / total + 2 * penalizer * params) * params
        return value, grad

    mean_spend = float(np.average(m, weights=w))
    start = np.log([1.0, 2.0, mean_spend])
    result = minimize_log_params(objective, start, has_gradient=True)
    hessian = numerical_hessian(lambda v: objective(v)[0] * total, result.x, lambda v: objective(v)[1] * total)
    natural = np.exp(result.x)
    ll_total = float(dot(cw, log_likelihood(natural, cx, cm)))
    fit = build_fit(NAME, PARAM_NAMES, result, natural, ll_total, hessian, total, len(cw), penalizer)
    if natural[1] <= 1:
        warnings.append("q <= 1: the population mean spend is undefined; spend falls back to observed averages")
    return GammaGammaFit(
        **fit.model_dump(),
        n_excluded_one_time=n_one_time,
        n_excluded_nonpositive=n_nonpositive,
        frequency_spend_correlation=correlation,
        warnings=warnings,
    )


def _weighted_correlation(x, m, w) -> float:
    """Pearson r with frequency weights (np.corrcoef has no weights argument)."""
    cov = np.cov(x, m, aweights=w)
    return float(cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]))


def expected_spend(params, frequency, monetary_value) -> np.ndarray:
    """E[spend per transaction | x, m] (eq. 5). Customers without usable spend
    (x = 0, or m <= 0 / non-finite) get the population mean p v / (q - 1)."""
    p, q, v = params
    x, m, mask = usable_spend_rows(frequency, monetary_value)
    population_mean = p * v / (q - 1)
    shrunk = (p * v + p * x * np.where(mask, m, 0.0)) / (p * x + q - 1)
    return np.where(mask, shrunk, population_mean)
