"""Per-customer and per-segment CLV predictions from a customer summary.

Input: a frame in the lifetimes convention (customer_id, frequency, recency, T,
monetary_value) in one time unit (`time_unit_days`: 1 = days, 7 = weeks).

Definitions used throughout:

* Predicted CLV: discounted cash flow over `horizon_days`, lifetimes-style. The
  horizon is cut into months of 365.25/12 days (the last one possibly partial);
  expected purchases in month k are E[X(t_k)] - E[X(t_{k-1})] from the purchase
  model, valued at the Gamma-Gamma expected spend and discounted by
  (1 + discount_rate_monthly) ** (t_k in months). Multiplied by margin_pct / 100
  when a margin is given (otherwise it is revenue).
* Churn-risk band from P(alive): low >= 0.7, high < 0.3, medium in between.
* Value at risk: predicted CLV x (1 - P(alive)), as in skill.schema.SegmentCLV.
* Intervals on segment CLV: parametric bootstrap. Log-parameters are drawn from
  the asymptotic normal (numerical-Hessian covariance) of the purchase and the
  spend model independently, and segment totals recomputed; 2.5/97.5 percentiles.
  Omitted when a fit has no covariance, e.g. a purchase fit at the no-dropout limit
  (its dropout parameters are unidentified, so dropout uncertainty has no normal).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import chi2

from skill.clv import bgnbd, gamma_gamma, pareto_nbd
from skill.clv.fitting import check_rfm, compress_rows, dot, log_search_box
from skill.clv.results import (
    HIGH_RISK_BELOW_P_ALIVE,
    LOW_RISK_MIN_P_ALIVE,
    AtRiskCustomer,
    AtRiskPage,
    ChurnBands,
    CLVModelError,
    CLVPrediction,
    GammaGammaFit,
    ModelFit,
    ModelName,
    SegmentPrediction,
)

logger = logging.getLogger(__name__)

PURCHASE_MODELS = {"bgnbd": (bgnbd.fit_bgnbd, bgnbd), "pareto_nbd": (pareto_nbd.fit_pareto_nbd, pareto_nbd)}
DAYS_PER_MONTH = 365.25 / 12
UNASSIGNED_SEGMENT = "unassigned"
ALL_CUSTOMERS_SEGMENT = "all customers"
REQUIRED_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")
_MAX_DRAW_BATCHES = 10
LR_REGION_LEVEL = 0.999
MIN_KEPT_SHARE = 0.5  # fewer kept bootstrap draws than this share: no intervals
LOOSE_LOG_SE = 1.0  # a parameter known only to within a factor of e either way
NO_DROPOUT_YEARS = 5
NO_DROPOUT_SHARE = 0.01


@dataclass(frozen=True)
class CLVScores:
    """The summary and the per-customer frame it came from."""

    prediction: CLVPrediction
    customers: pd.DataFrame


def _check_options(model, horizon_days, discount_rate_monthly, margin_pct, time_unit_days, n_bootstrap) -> None:
    if model not in PURCHASE_MODELS:
        raise CLVModelError(f"unknown model {model!r}; choose one of {sorted(PURCHASE_MODELS)}")
    if not (isinstance(horizon_days, (int, np.integer)) and horizon_days > 0):
        raise CLVModelError("horizon_days must be a positive whole number of days")
    if not (math.isfinite(discount_rate_monthly) and 0 <= discount_rate_monthly < 1):
        raise CLVModelError("discount_rate_monthly must be in [0, 1)")
    if margin_pct is not None and not (0 < margin_pct <= 100):
        raise CLVModelError("margin_pct must be in (0, 100]")
    if not (math.isfinite(time_unit_days) and time_unit_days > 0):
        raise CLVModelError("time_unit_days must be positive (1 = days, 7 = weeks)")
    if n_bootstrap < 0:
        raise CLVModelError("n_bootstrap must be >= 0")


def _read_summary(summary: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in REQUIRED_COLUMNS if c not in summary.columns]
    if missing:
        raise CLVModelError(f"customer summary lacks columns: {', '.join(missing)}")
    frame = summary.loc[:, list(REQUIRED_COLUMNS)].reset_index(drop=True)
    if frame["customer_id"].isna().any():
        raise CLVModelError(f"{int(frame['customer_id'].isna().sum())} rows without a customer_id")
    duplicated = int(frame["customer_id"].duplicated().sum())
    if duplicated:
        raise CLVModelError(f"{duplicated} duplicate customer_id rows in the customer summary")
    return frame


def _month_steps(horizon_days: int, time_unit_days: float, discount_rate_monthly: float):
    """Step ends (in model time units) and their discount factors."""
    months = math.ceil(horizon_days / DAYS_PER_MONTH - 1e-9)
    ends_days = np.minimum(np.arange(1, months + 1) * DAYS_PER_MONTH, horizon_days)
    discounts = (1 + discount_rate_monthly) ** -(ends_days / DAYS_PER_MONTH)
    return ends_days / time_unit_days, discounts


def _discounted_purchases(module, params, x, t_x, T, step_ends, discounts) -> tuple[np.ndarray, np.ndarray]:
    """(discounted expected purchases over the horizon, undiscounted expected purchases)."""
    cumulative = module.expected_purchases(params, x, t_x, T, step_ends)
    increments = np.diff(cumulative, axis=0, prepend=0.0)
    return dot(discounts, increments.T), cumulative[-1]


def observed_spend(x, m) -> np.ndarray:
    """Fallback spend: own mean repeat spend where usable, else the mean over those."""
    _, _, mask = gamma_gamma.usable_spend_rows(x, m)
    if not mask.any():
        raise CLVModelError("no customer has a positive repeat spend: cannot value predicted purchases")
    return np.where(mask, m, m[mask].mean())


def fit_spend(x, m, penalizer: float) -> tuple[GammaGammaFit | None, np.ndarray, bool, list[str]]:
    """Gamma-Gamma expected spend per customer: (fit or None, spend, modelled, warnings).

    The observed average spend stands in when the model cannot be fitted, does not
    converge, or has q <= 1 (no finite mean spend); the warnings say which.
    """
    warnings: list[str] = []
    try:
        spend_fit = gamma_gamma.fit_gamma_gamma(x, m, penalizer=penalizer)
    except CLVModelError as error:
        return None, observed_spend(x, m), False, [f"spend model not fitted ({error}); using observed average spend"]
    warnings.extend(spend_fit.warnings)
    if spend_fit.converged and spend_fit.params["q"] > 1:
        return spend_fit, gamma_gamma.expected_spend(list(spend_fit.params.values()), x, m), True, warnings
    warnings.append(f"spend model unusable ({spend_fit.message}, q = {spend_fit.params['q']:.3g}); using observed average spend")
    return spend_fit, observed_spend(x, m), False, warnings


def churn_band(p_alive: np.ndarray) -> np.ndarray:
    """'low' / 'medium' / 'high' churn risk from P(alive) (thresholds in the module docstring)."""
    return np.where(p_alive >= LOW_RISK_MIN_P_ALIVE, "low", np.where(p_alive < HIGH_RISK_BELOW_P_ALIVE, "high", "medium"))


def _segment_labels(customer_ids: pd.Series, segment_of) -> tuple[pd.Series, int]:
    if segment_of is None:
        return pd.Series(ALL_CUSTOMERS_SEGMENT, index=customer_ids.index), 0
    mapping = segment_of if isinstance(segment_of, pd.Series) else pd.Series(dict(segment_of), dtype=object)
    labels = customer_ids.map(mapping)
    unassigned = int(labels.isna().sum())
    return labels.fillna(UNASSIGNED_SEGMENT).astype(str), unassigned


def _draw_log_params(fit: ModelFit, draws: int, rng: np.random.Generator, box, log_likelihood=None) -> np.ndarray | None:
    """Up to `draws` log-parameter vectors from the fit's asymptotic normal, kept (by
    rejection) inside the box the optimiser searched and, given `log_likelihood`
    (total log-likelihood of natural parameters), inside the likelihood-ratio
    confidence region 2 (LL_max - LL) <= chi2_k(LR_REGION_LEVEL). For a well
    identified fit that removes about 1 - LR_REGION_LEVEL of the draws; for a barely
    identified one the Hessian's normal reaches e^300 and beyond along a flat ridge
    and off it into parameters the data rule out, and those draws say nothing."""
    if fit.covariance is None:
        return None
    centre = np.log(np.array(list(fit.params.values())))
    low, high = box
    threshold = chi2.ppf(LR_REGION_LEVEL, len(centre)) / 2
    kept: list[np.ndarray] = []
    for _ in range(_MAX_DRAW_BATCHES):
        batch = rng.multivariate_normal(centre, np.array(fit.covariance), size=draws, method="eigh")
        for candidate in batch[np.all((batch >= low) & (batch <= high), axis=1)]:
            if len(kept) == draws:
                break
            with np.errstate(all="ignore"):
                if log_likelihood is None or fit.log_likelihood - log_likelihood(np.exp(candidate)) <= threshold:
                    kept.append(candidate)
        if len(kept) == draws:
            break
    return np.array(kept).reshape(-1, len(centre))


def _loosely_identified(fit: ModelFit) -> list[str]:
    """Parameters whose log has a standard error above LOOSE_LOG_SE."""
    if fit.covariance is None:
        return []
    return [n for n, var in zip(fit.params, np.diag(fit.covariance)) if math.sqrt(max(var, 0.0)) > LOOSE_LOG_SE]


def _bootstrap_segment_totals(
    module, purchase_fit, spend_fit, rows, x, m, fixed_spend, margin, segment_codes, n_segments, step_ends,
    discounts, draws, seed,
) -> tuple[np.ndarray | None, int, int]:
    """(segment CLV totals per kept draw, shape (kept, n_segments + 1) with the total
    last; draws kept; parameter draws accepted by _draw_log_params)."""
    rng = np.random.default_rng(seed)
    cx, ct_x, cT = rows.columns
    purchase_box = log_search_box(module.PARAM_NAMES, module.TIME_SCALED_PARAMS, float(cT.max()))
    purchase_draws = _draw_log_params(
        purchase_fit, draws, rng, purchase_box,
        lambda params: dot(rows.weights, module.log_likelihood(params, cx, ct_x, cT)),
    )
    if purchase_draws is None:  # no covariance (e.g. the no-dropout limit): no intervals, so no spend draws either
        return None, 0, 0
    spend_box = log_search_box(gamma_gamma.PARAM_NAMES, (), 1.0)
    spend_draws = None
    if spend_fit is not None:
        _, _, has_spend = gamma_gamma.usable_spend_rows(x, m)
        spend_draws = _draw_log_params(
            spend_fit, draws, rng, spend_box,
            lambda params: gamma_gamma.log_likelihood(params, x[has_spend], m[has_spend]).sum(),
        )
    if fixed_spend is None and spend_draws is None:
        return None, 0, 0
    usable = len(purchase_draws) if spend_draws is None else min(len(purchase_draws), len(spend_draws))
    kept = []
    for i in range(usable):
        with np.errstate(all="ignore"):
            discounted, _ = _discounted_purchases(module, np.exp(purchase_draws[i]), cx, ct_x, cT, step_ends, discounts)
            if fixed_spend is None:
                spend_params = np.exp(spend_draws[i])
                if spend_params[1] <= 1:
                    continue
                spend = gamma_gamma.expected_spend(spend_params, x, m)
            else:
                spend = fixed_spend
            clv = discounted[rows.inverse] * spend * margin
        totals = np.bincount(segment_codes, weights=clv, minlength=n_segments)
        if np.all(np.isfinite(totals)):
            kept.append(np.append(totals, totals.sum()))
    return (np.array(kept) if kept else None), len(kept), usable


def purchase_fit_warnings(module, fit: ModelFit, time_unit_days: float, *, intervals: bool) -> list[str]:
    """Plain-language caveats about a converged purchase fit; `intervals` says whether the
    caller reports CLV intervals, which the loose or missing standard errors affect."""
    warnings = []
    loose = _loosely_identified(fit)
    if loose:
        warnings.append(
            f"{fit.name} parameters {', '.join(loose)} are loosely pinned down by these data (standard error of "
            f"the log above {LOOSE_LOG_SE:g})" + (": CLV intervals are correspondingly wide" if intervals else "")
        )
    if fit.unidentified:
        warnings.append(
            f"{fit.name} found no dropout in these data: its dropout parameters ({', '.join(fit.unidentified)}) "
            "are not pinned down by them (any values implying negligible dropout fit equally well), so they have "
            "no standard errors" + (": CLV intervals omitted" if intervals else "")
        )
    share = module.dropout_share(list(fit.params.values()), NO_DROPOUT_YEARS * 365.25 / time_unit_days)
    if share < NO_DROPOUT_SHARE:
        warnings.append(
            f"{fit.name} fit implies almost no dropout ({share * 100:.2g}% of new customers would stop buying within "
            f"{NO_DROPOUT_YEARS} years): P(alive) is about 1 for everyone, so churn-risk bands carry no signal"
        )
    return warnings


def at_risk_page(customers: pd.DataFrame, offset: int = 0, limit: int = 20) -> AtRiskPage:
    """Customers ranked by value at risk (descending; ties by customer_id), one page."""
    if offset < 0 or limit < 0:
        raise CLVModelError("offset and limit must be >= 0")
    ranked = customers.assign(id_text=customers["customer_id"].astype(str)).sort_values(
        ["value_at_risk", "id_text"], ascending=[False, True], kind="mergesort"
    )
    page = ranked.iloc[offset : offset + limit]
    return AtRiskPage(
        total=len(ranked),
        offset=offset,
        limit=limit,
        customers=[
            AtRiskCustomer(
                customer_id=row.id_text,
                segment=row.segment,
                p_alive=float(row.p_alive),
                churn_risk=row.churn_risk,
                predicted_clv=float(row.predicted_clv),
                value_at_risk=float(row.value_at_risk),
            )
            for row in page.itertuples(index=False)
        ],
    )


def score_customers(
    summary_df: pd.DataFrame,
    model: ModelName = "bgnbd",
    horizon_days: int = 365,
    discount_rate_monthly: float = 0.01,
    margin_pct: float | None = None,
    time_unit_days: float = 1,
    segment_of: Mapping | pd.Series | None = None,
    at_risk_limit: int = 20,
    at_risk_offset: int = 0,
    penalizer: float = 0.0,
    n_bootstrap: int = 200,
    seed: int = 0,
) -> CLVScores:
    """Fit the purchase and spend models and score every customer; see the module docstring."""
    _check_options(model, horizon_days, discount_rate_monthly, margin_pct, time_unit_days, n_bootstrap)
    horizon_days = int(horizon_days)
    frame = _read_summary(summary_df)
    x, t_x, T, _ = check_rfm(frame["frequency"], frame["recency"], frame["T"])
    m = frame["monetary_value"].to_numpy(dtype=float)
    warnings: list[str] = []

    fit_purchases, module = PURCHASE_MODELS[model]
    purchase_fit = fit_purchases(x, t_x, T, penalizer=penalizer)
    if not purchase_fit.converged:
        raise CLVModelError(f"{model} fit did not converge: {purchase_fit.message}")
    warnings.extend(purchase_fit_warnings(module, purchase_fit, time_unit_days, intervals=True))

    spend_fit, spend, spend_modelled, spend_warnings = fit_spend(x, m, penalizer)
    warnings.extend(spend_warnings)
    fixed_spend = None if spend_modelled else spend

    rows = compress_rows(x, t_x, T)
    cx, ct_x, cT = rows.columns
    params = list(purchase_fit.params.values())
    step_ends, discounts = _month_steps(horizon_days, time_unit_days, discount_rate_monthly)
    discounted, purchases = _discounted_purchases(module, params, cx, ct_x, cT, step_ends, discounts)
    p_alive = module.probability_alive(params, cx, ct_x, cT)[rows.inverse]
    margin = 1.0 if margin_pct is None else margin_pct / 100
    clv = discounted[rows.inverse] * spend * margin

    segments, unassigned = _segment_labels(frame["customer_id"], segment_of)
    if unassigned:
        warnings.append(f"{unassigned} customers had no segment in the mapping and are grouped as '{UNASSIGNED_SEGMENT}'")
    customers = pd.DataFrame(
        {
            "customer_id": frame["customer_id"],
            "segment": segments,
            "frequency": x,
            "recency": t_x,
            "T": T,
            "monetary_value": m,
            "p_alive": p_alive,
            "churn_risk": churn_band(p_alive),
            "expected_purchases": purchases[rows.inverse],
            "expected_spend": spend,
            "predicted_clv": clv,
            "value_at_risk": clv * (1 - p_alive),
        }
    )
    if not np.all(np.isfinite(customers[["p_alive", "expected_purchases", "expected_spend", "predicted_clv"]].to_numpy())):
        raise CLVModelError("non-finite predictions: the fitted parameters are numerically unusable for this data")

    segment_names, segment_codes = np.unique(customers["segment"].to_numpy(dtype=str), return_inverse=True)
    totals_draws, kept = (None, 0)
    if n_bootstrap:
        totals_draws, kept, accepted = _bootstrap_segment_totals(
            module, purchase_fit, spend_fit if fixed_spend is None else None, rows, x, m, fixed_spend, margin,
            segment_codes, len(segment_names), step_ends, discounts, n_bootstrap, seed,
        )
        if totals_draws is None and accepted == 0:
            if not purchase_fit.unidentified:  # else its own warning says why
                warnings.append("no standard errors for a fitted model: CLV intervals omitted")
        elif accepted < MIN_KEPT_SHARE * n_bootstrap:
            warnings.append(
                f"CLV intervals omitted: the normal approximation to the fit is poor for these data (only {accepted} "
                f"of {n_bootstrap * _MAX_DRAW_BATCHES} parameter draws fell inside the search range and the "
                f"{LR_REGION_LEVEL:.1%} likelihood-ratio region)"
            )
        elif kept < MIN_KEPT_SHARE * n_bootstrap:
            warnings.append(f"CLV intervals omitted: only {kept} of {n_bootstrap} bootstrap draws gave finite CLV")
        elif kept < 0.9 * n_bootstrap:
            warnings.append(f"only {kept} of {n_bootstrap} bootstrap draws gave finite CLV")
        if kept < MIN_KEPT_SHARE * n_bootstrap:
            totals_draws, kept = None, 0
    low, high = (None, None) if totals_draws is None else np.percentile(totals_draws, [2.5, 97.5], axis=0)

    grouped = customers.groupby("segment", sort=True)
    segment_rows = []
    for i, (name, group) in enumerate(grouped):
        segment_rows.append(
            SegmentPrediction(
                segment=str(name),
                customer_count=len(group),
                predicted_clv_total=float(group["predicted_clv"].sum()),
                predicted_clv_total_low=None if low is None else float(low[i]),
                predicted_clv_total_high=None if high is None else float(high[i]),
                predicted_clv_per_customer=float(group["predicted_clv"].mean()),
                expected_purchases_total=float(group["expected_purchases"].sum()),
                mean_p_alive=float(group["p_alive"].mean()),
                value_at_risk=float(group["value_at_risk"].sum()),
                high_churn_risk_share_pct=float((group["churn_risk"] == "high").mean() * 100),
            )
        )
    band_counts = customers["churn_risk"].value_counts()
    prediction = CLVPrediction(
        model=model,
        time_unit_days=float(time_unit_days),
        horizon_days=horizon_days,
        discount_rate_monthly=discount_rate_monthly,
        margin_pct=margin_pct,
        value_basis="revenue" if margin_pct is None else "gross_margin",
        n_customers=len(customers),
        n_repeat_customers=int((x > 0).sum()),
        purchase_fit=purchase_fit,
        spend_fit=spend_fit,
        spend_source="gamma_gamma" if fixed_spend is None else "observed_average",
        predicted_clv_total=float(clv.sum()),
        predicted_clv_total_low=None if low is None else float(low[-1]),
        predicted_clv_total_high=None if high is None else float(high[-1]),
        expected_purchases_total=float(customers["expected_purchases"].sum()),
        value_at_risk_total=float(customers["value_at_risk"].sum()),
        mean_p_alive=float(p_alive.mean()),
        churn_bands=ChurnBands(
            low=int(band_counts.get("low", 0)), medium=int(band_counts.get("medium", 0)), high=int(band_counts.get("high", 0))
        ),
        segments=segment_rows,
        at_risk=at_risk_page(customers, at_risk_offset, at_risk_limit),
        bootstrap_draws=kept,
        bootstrap_seed=seed,
        warnings=warnings,
    )
    for warning in warnings:
        logger.warning("clv: %s", warning)
    return CLVScores(prediction=prediction, customers=customers)
