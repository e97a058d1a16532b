"""Shared machinery for the CLV model fits: input checks, row compression, the
bounded optimiser run and the numerical Hessian behind the standard errors.

Conventions every model follows (so fits are comparable with `lifetimes`):

* The optimiser works on log-parameters, in time rescaled so the oldest customer
  has age 1 (``scale = 1 / max(T)``), exactly as lifetimes does. That keeps the
  problem well conditioned whatever the caller's time unit.
* The objective is ``-sum(w * LL) / sum(w) + penalizer * sum(theta_scaled**2)``:
  lifetimes' BetaGeoFitter / GammaGammaFitter ``penalizer_coef`` definition.
  (lifetimes' ParetoNBDFitter divides by ``mean(w)`` instead of ``sum(w)``, so its
  ``penalizer_coef`` equals ours times the number of rows it was given.)
* Reported parameters and log-likelihoods are in the caller's time unit.
* Standard errors come from a central finite-difference Hessian of the total
  penalised negative log-likelihood with respect to the log-parameters, mapped
  to the natural parameters by the delta method (SE(theta) = theta * SE(log theta)).
* Both purchase models contain the NBD (nobody ever drops out) as a limit. When the
  data show no dropout the maximum lies at that limit, the likelihood is flat in the
  dropout parameters there and they are reported as unidentified (see at_no_dropout_limit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln

from skill.clv.results import CLVModelError, ModelFit

LOG_PARAM_BOUND = 18.0  # |log theta| <= 18, i.e. theta within [1.5e-8, 6.6e7] on scaled time
_AT_BOUND_MARGIN = 1e-3
MIN_CUSTOMERS = 20
MIN_REPEAT_CUSTOMERS = 5
# At the no-dropout limit: dropout over the observed span below this share of new customers ...
NO_DROPOUT_SPAN_SHARE = 1e-3
# ... and a total log-likelihood at most this far above the NBD's (a likelihood-ratio statistic of 0.002)
NO_DROPOUT_LL_GAIN = 1e-3


@dataclass(frozen=True)
class CompressedRows:
    """Distinct rows of the input columns with their total weights."""

    columns: tuple[np.ndarray, ...]
    weights: np.ndarray
    inverse: np.ndarray  # original row -> distinct row


def dot(weights: np.ndarray, values: np.ndarray):
    """Inner product over rows (or rows of a matrix) without BLAS: OpenBLAS hands long
    dot products to worker threads, and on a busy machine that hand-off costs
    milliseconds per call, more than the whole likelihood evaluation."""
    return np.einsum("...i,i->...", values, weights)


def compress_rows(*columns: np.ndarray, weights: np.ndarray | None = None) -> CompressedRows:
    """Collapse identical rows, summing weights: the likelihood is a weighted sum,
    so this is exact, and it is where most of the speed comes from."""
    base = np.ones(len(columns[0])) if weights is None else np.asarray(weights, dtype=float)
    unique_columns, inverse = _unique_rows([np.asarray(c, dtype=float) for c in columns])
    summed = np.bincount(inverse, weights=base, minlength=len(unique_columns[0]))
    return CompressedRows(unique_columns, summed, inverse)


def _unique_rows(columns: list[np.ndarray]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Distinct rows (in first-seen order) and the inverse map. Each column is
    hash-factorised and the codes packed into one int64 key: several times faster
    than np.unique(axis=0), which sorts a structured view."""
    codes, levels = [], []
    for column in columns:
        code, values = pd.factorize(column, sort=False)
        codes.append(code.astype(np.int64))
        levels.append(np.asarray(values, dtype=float))
    sizes = [len(v) for v in levels]
    if float(np.prod(sizes, dtype=float)) >= 2**62:
        unique, inverse = np.unique(np.column_stack(columns), axis=0, return_inverse=True)
        return tuple(unique[:, i].copy() for i in range(unique.shape[1])), inverse.ravel()
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for code, size in zip(codes, sizes):
        key = key * size + code
    inverse, unique_keys = pd.factorize(key, sort=False)
    unique_keys = np.asarray(unique_keys, dtype=np.int64)
    unique_codes = []
    for size in reversed(sizes):
        unique_codes.append(unique_keys % size)
        unique_keys = unique_keys // size
    return tuple(v[c] for v, c in zip(levels, reversed(unique_codes))), inverse.astype(np.intp)


def pair_index(x: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (x, t) pairs and the map back: hyp2f1 terms depend on these pairs only."""
    (pair_x, pair_t), inverse = _unique_rows([np.asarray(x, dtype=float), np.asarray(t, dtype=float)])
    return pair_x, pair_t, inverse


def time_scaling(names: tuple[str, ...], time_scaled: tuple[str, ...], scale: float) -> np.ndarray:
    """Factor per parameter from the caller's time unit to rescaled time (1 where unitless)."""
    return np.array([scale if n in time_scaled else 1.0 for n in names])


def log_search_box(names: tuple[str, ...], time_scaled: tuple[str, ...], max_T: float) -> tuple[np.ndarray, np.ndarray]:
    """The optimiser's bounds on the log-parameters, in the caller's time unit."""
    shift = -np.log(time_scaling(names, time_scaled, 1.0 / max_T))
    return shift - LOG_PARAM_BOUND, shift + LOG_PARAM_BOUND


def check_rfm(frequency, recency, T, weights=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate frequency/recency/T (+ weights) and return float arrays; reject rather than drop."""
    x = np.asarray(frequency, dtype=float).ravel()
    t_x = np.asarray(recency, dtype=float).ravel()
    age = np.asarray(T, dtype=float).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    if not (len(x) == len(t_x) == len(age) == len(w)):
        raise CLVModelError("frequency, recency, T (and weights) must have the same length")
    if len(x) == 0:
        raise CLVModelError("no customers to fit")
    problems = {
        "non-finite values": int((~np.isfinite(x) | ~np.isfinite(t_x) | ~np.isfinite(age) | ~np.isfinite(w)).sum()),
        "negative or non-integer frequency": int(((x < 0) | (x != np.round(x))).sum()),
        "negative recency or T": int(((t_x < 0) | (age < 0)).sum()),
        "recency greater than T": int((t_x > age * (1 + 1e-9) + 1e-12).sum()),
        "non-zero recency with zero frequency": int(((x == 0) & (t_x != 0)).sum()),
        "non-positive weights": int((w <= 0).sum()),
    }
    found = {k: v for k, v in problems.items() if v}
    if found:
        detail = ", ".join(f"{n} rows with {k}" for k, v in found.items() for n in [v])
        raise CLVModelError(f"invalid customer summary: {detail}")
    return x, np.minimum(t_x, age), age, w


@dataclass(frozen=True)
class FitData:
    """Checked RFM rows for a purchase-model fit: compressed, with time rescaled so max T = 1.

    Both purchase models fit on scaled time (well-conditioned log-parameters) and report
    natural parameters in the caller's unit; `scale` converts between the two.
    """

    x: np.ndarray
    age: np.ndarray
    w: np.ndarray
    rows: CompressedRows
    scale: float

    @property
    def scaled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, t_x, T) of the compressed rows with t_x and T in scaled time."""
        cx, ct_x, cT = self.rows.columns
        return cx, ct_x * self.scale, cT * self.scale

    @property
    def mean_rate(self) -> float:
        """Repeat purchases per unit of scaled time: the starting value for the purchase rate."""
        return max(float((self.w * self.x).sum() / (self.w * self.age * self.scale).sum()), 1e-3)


def prepare_fit_data(frequency, recency, T, weights, model: str) -> FitData:
    """check_rfm + require_fit_support + compression + time scaling, shared by BG/NBD and Pareto/NBD."""
    x, t_x, age, w = check_rfm(frequency, recency, T, weights)
    require_fit_support(x, age, w, model)
    return FitData(x, age, w, compress_rows(x, t_x, age, weights=w), 1.0 / float(age.max()))


def require_fit_support(x: np.ndarray, age: np.ndarray, w: np.ndarray, model: str) -> None:
    """Refuse data on which a 4-parameter purchase model is not identified."""
    n = float(w.sum())
    if n < MIN_CUSTOMERS:
        raise CLVModelError(f"{model} needs at least {MIN_CUSTOMERS} customers to fit; got {n:g}")
    repeaters = float(w[x > 0].sum())
    if repeaters < MIN_REPEAT_CUSTOMERS:
        raise CLVModelError(
            f"{model} needs at least {MIN_REPEAT_CUSTOMERS} repeat customers (frequency > 0); got {repeaters:g}. "
            "With (almost) only one-time buyers the purchase rate and dropout cannot be told apart."
        )
    if float(age.max()) <= 0:
        raise CLVModelError(f"{model}: every customer has T = 0 (first purchase on the as-of date)")


def minimize_log_params(
    objective: Callable[[np.ndarray], float | tuple[float, np.ndarray]],
    start: np.ndarray,
    has_gradient: bool,
    max_iterations: int = 500,
):
    """L-BFGS-B on log-parameters with symmetric box bounds; returns scipy's result."""
    bounds = [(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * len(start)
    options = {"maxiter": max_iterations, "ftol": 1e-12, "gtol": 1e-8, "maxls": 50}
    with np.errstate(all="ignore"):
        return minimize(objective, start, jac=has_gradient, method="L-BFGS-B", bounds=bounds, options=options)


def central_gradient(fun: Callable[[np.ndarray], float], theta: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central differences on log-parameters: error O(step^2), no parameter-derivatives of hyp2f1 needed."""
    grad = np.empty_like(theta)
    for i in range(len(theta)):
        e = np.zeros_like(theta)
        e[i] = step
        grad[i] = (fun(theta + e) - fun(theta - e)) / (2 * step)
    return grad


def numerical_hessian(
    fun: Callable[[np.ndarray], float],
    theta: np.ndarray,
    gradient: Callable[[np.ndarray], np.ndarray] | None = None,
    step: float = 1e-4,
) -> np.ndarray:
    """Hessian by central differences: of the analytic gradient when there is one,
    else second differences of the function."""
    k = len(theta)
    hess = np.empty((k, k))
    eye = np.eye(k) * step
    if gradient is not None:
        for i in range(k):
            hess[i] = (gradient(theta + eye[i]) - gradient(theta - eye[i])) / (2 * step)
        return (hess + hess.T) / 2
    f0 = fun(theta)
    for i in range(k):
        for j in range(i, k):
            if i == j:
                hess[i, i] = (fun(theta + eye[i]) - 2 * f0 + fun(theta - eye[i])) / step**2
            else:
                hess[i, j] = hess[j, i] = (
                    fun(theta + eye[i] + eye[j])
                    - fun(theta + eye[i] - eye[j])
                    - fun(theta - eye[i] + eye[j])
                    + fun(theta - eye[i] - eye[j])
                ) / (4 * step**2)
    return hess


def nbd_log_likelihood(r, alpha, x, T) -> np.ndarray:
    """Per-customer log-likelihood of the NBD, the no-dropout limit of both purchase
    models (BG/NBD as a -> 0, Pareto/NBD as s -> 0): it depends on r and alpha only."""
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T)


def at_no_dropout_limit(natural_params, log_likelihood: float, rows: CompressedRows, span_dropout_share: float) -> bool:
    """Does the fit sit at the NBD limit: negligible implied dropout over the observed span
    and a likelihood no better than nobody dropping out? There the likelihood is flat (to
    rounding) in the dropout parameters, so where the optimiser stops along them and the
    sign of the Hessian there are platform noise, while predictions do not depend on them.
    Both tests are needed: if each customer's one repeat purchase is on the as-of date, the
    BG/NBD likelihood ignores (a, b) and the fit keeps the dropout it started from."""
    x, _, T = rows.columns
    limit = float(dot(rows.weights, nbd_log_likelihood(natural_params[0], natural_params[1], x, T)))
    return span_dropout_share < NO_DROPOUT_SPAN_SHARE and log_likelihood - limit <= NO_DROPOUT_LL_GAIN


def build_fit(
    name: str,
    names: tuple[str, ...],
    result,
    natural_params: np.ndarray,
    log_likelihood: float,
    hessian: np.ndarray,
    n_customers: float,
    n_rows: int,
    penalizer: float,
    unidentified_dropout: tuple[str, ...] = (),
) -> ModelFit:
    """Assemble a ModelFit, downgrading `converged` when the optimum is not trustworthy.

    `unidentified_dropout` names the dropout parameters of a fit at the no-dropout limit
    (at_no_dropout_limit): they may sit at the search bound, and the Hessian must be
    positive definite for the other parameters only, which get standard errors from
    that block; there is no covariance, since the full one is undefined."""
    problems: list[str] = []
    if not result.success:
        problems.append(f"optimiser did not converge: {result.message}")
    at_bound = [
        n
        for n, v in zip(names, result.x)
        if n not in unidentified_dropout and abs(v) >= LOG_PARAM_BOUND - _AT_BOUND_MARGIN
    ]
    if at_bound:
        problems.append(f"parameters at the search bound ({', '.join(at_bound)}): the data do not pin them down")
    if not (np.all(np.isfinite(natural_params)) and np.isfinite(log_likelihood)):
        problems.append("non-finite parameters or log-likelihood")
    identified = [i for i, n in enumerate(names) if n not in unidentified_dropout]
    block = hessian[np.ix_(identified, identified)]
    std_errors = covariance = None
    if np.all(np.isfinite(block)) and np.linalg.eigvalsh(block).min() > 0:
        cov = np.linalg.inv(block)
        std_errors = {names[i]: float(natural_params[i] * np.sqrt(cov[k, k])) for k, i in enumerate(identified)}
        covariance = None if unidentified_dropout else cov.tolist()
    if std_errors is None:
        problems.append("Hessian not positive definite: the parameters are not identified by these data")
    converged = not problems
    if problems:
        message = "; ".join(problems)
    elif unidentified_dropout:
        message = (
            f"converged to the no-dropout limit: the data show no dropout, so {', '.join(unidentified_dropout)} "
            "are not pinned down by them (any values implying negligible dropout fit equally well); "
            "their standard errors are omitted"
        )
    else:
        message = "converged"
    params = {n: float(v) for n, v in zip(names, natural_params)}
    return ModelFit(
        name=name,
        params=params,
        std_errors=std_errors,
        covariance=covariance,
        log_likelihood=float(log_likelihood) if np.isfinite(log_likelihood) else -1e308,
        converged=converged,
        iterations=int(result.nit),
        message=message,
        n_customers=int(round(n_customers)),
        n_rows=n_rows,
        penalizer=penalizer,
        unidentified=list(unidentified_dropout),
    )
