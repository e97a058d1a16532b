"""Holdout validation: fit on a calibration window, predict the next window, and
compare with what customers actually did, next to a naive run-rate baseline.

* Purchases are counted as purchase days (several orders on one day are one
  purchase, their amounts summed), the convention the models are fitted on.
* Only customers whose first purchase falls in the calibration window are scored;
  customers first seen in the holdout are counted and left out (no model can
  predict a customer it has never seen).
* Baseline: the customer's calibration repeat rate (frequency / T) times the
  holdout length; its revenue is that times the customer's mean purchase-day
  amount in calibration.
* Normalised Gini: Gini of actual holdout values ordered by the prediction,
  divided by the Gini of the perfect ordering; tied predictions share their
  average position, so the result does not depend on row order.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import rankdata, spearmanr

from skill.clv.predict import PURCHASE_MODELS, fit_spend, purchase_fit_warnings
from skill.clv.results import (
    AccuracyMetrics,
    CLVModelError,
    Comparison,
    HoldoutReport,
    ModelName,
)

TRANSACTION_COLUMNS = ("customer_id", "order_date", "amount")


def _read_transactions(transactions: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in TRANSACTION_COLUMNS if c not in transactions.columns]
    if missing:
        raise CLVModelError(f"transactions lack columns: {', '.join(missing)}")
    with warnings.catch_warnings():  # unparseable dates are counted below, not warned about
        warnings.simplefilter("ignore", UserWarning)
        order_dates = pd.to_datetime(transactions["order_date"], errors="coerce")
    frame = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"].to_numpy(),
            "order_date": order_dates.to_numpy(),
            "amount": pd.to_numeric(transactions["amount"], errors="coerce").to_numpy(),
        }
    )
    bad = {
        "without customer_id": int(frame["customer_id"].isna().sum()),
        "with a missing or unreadable order_date": int(frame["order_date"].isna().sum()),
        "with a missing or non-numeric amount": int(frame["amount"].isna().sum()),
    }
    found = [f"{n} rows {k}" for k, n in bad.items() if n]
    if found:
        raise CLVModelError("invalid transactions: " + ", ".join(found))
    frame["order_date"] = frame["order_date"].dt.normalize()
    return frame.groupby(["customer_id", "order_date"], as_index=False, sort=True)["amount"].sum()


def summary_from_transactions(purchase_days: pd.DataFrame, as_of: pd.Timestamp, time_unit_days: float) -> pd.DataFrame:
    """lifetimes-convention summary (frequency, recency, T, monetary_value = mean
    repeat purchase-day amount, 0 for one-time buyers) of purchase days up to as_of."""
    window = purchase_days[purchase_days["order_date"] <= as_of]
    grouped = window.groupby("customer_id", sort=True)
    first, last, count = grouped["order_date"].min(), grouped["order_date"].max(), grouped["order_date"].count()
    total, first_amount = grouped["amount"].sum(), grouped["amount"].first()
    unit = pd.Timedelta(days=time_unit_days)
    frequency = count - 1
    repeat_mean = ((total - first_amount) / frequency.where(frequency > 0)).fillna(0.0)
    return pd.DataFrame(
        {
            "customer_id": first.index,
            "frequency": frequency.to_numpy(dtype=float),
            "recency": ((last - first) / unit).to_numpy(dtype=float),
            "T": ((as_of - first) / unit).to_numpy(dtype=float),
            "monetary_value": repeat_mean.to_numpy(dtype=float),
            "calibration_mean_amount": (total / count).to_numpy(dtype=float),
        }
    )


def normalized_gini(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Gini(actual ordered by predicted) / Gini(actual ordered by itself), tie-safe."""

    def gini(score):
        # Lorenz-curve area with tied scores sharing their average position
        position = rankdata(-score, method="average")
        n = len(actual)
        return (np.sum(actual * (n - position + 1)) / actual.sum() - (n + 1) / 2) / n

    if len(actual) < 2 or actual.sum() <= 0 or np.ptp(actual) == 0:
        return None
    return float(gini(predicted) / gini(actual))


def accuracy(actual: np.ndarray, predicted: np.ndarray) -> AccuracyMetrics:
    error = predicted - actual
    actual_total, predicted_total = float(actual.sum()), float(predicted.sum())
    rho = None
    if np.ptp(actual) > 0 and np.ptp(predicted) > 0:
        rho = float(spearmanr(actual, predicted).statistic)
    return AccuracyMetrics(
        mae=float(np.abs(error).mean()),
        rmse=float(np.sqrt((error**2).mean())),
        predicted_total=predicted_total,
        actual_total=actual_total,
        total_error_pct=None if actual_total == 0 else (predicted_total - actual_total) / actual_total * 100,
        spearman=rho,
        normalized_gini=normalized_gini(actual, predicted),
    )


def _compare(actual, model_prediction, baseline_prediction) -> Comparison:
    model, baseline = accuracy(actual, model_prediction), accuracy(actual, baseline_prediction)
    wins = {"mae": model.mae < baseline.mae, "rmse": model.rmse < baseline.rmse}
    if model.total_error_pct is not None and baseline.total_error_pct is not None:
        wins["total_error"] = abs(model.total_error_pct) < abs(baseline.total_error_pct)
    if model.spearman is not None and baseline.spearman is not None:
        wins["spearman"] = model.spearman > baseline.spearman
    if model.normalized_gini is not None and baseline.normalized_gini is not None:
        wins["normalized_gini"] = model.normalized_gini > baseline.normalized_gini
    return Comparison(model=model, baseline=baseline, model_beats_baseline=wins)


def validate_clv(
    transactions_df: pd.DataFrame,
    calibration_end,
    holdout_end=None,
    model: ModelName = "bgnbd",
    time_unit_days: float = 1,
    penalizer: float = 0.0,
) -> HoldoutReport:
    """Fit on purchases up to calibration_end, predict (calibration_end, holdout_end]
    (default: the last order date), and score against actuals and the baseline."""
    if model not in PURCHASE_MODELS:
        raise CLVModelError(f"unknown model {model!r}; choose one of {sorted(PURCHASE_MODELS)}")
    purchase_days = _read_transactions(transactions_df)
    calibration_end = pd.Timestamp(calibration_end).normalize()
    holdout_end = purchase_days["order_date"].max() if holdout_end is None else pd.Timestamp(holdout_end).normalize()
    if holdout_end <= calibration_end:
        raise CLVModelError(f"holdout_end {holdout_end.date()} must be after calibration_end {calibration_end.date()}")
    holdout_days = int((holdout_end - calibration_end).days)
    holdout_length = holdout_days / time_unit_days

    summary = summary_from_transactions(purchase_days, calibration_end, time_unit_days)
    if summary.empty:
        raise CLVModelError(f"no purchases on or before calibration_end {calibration_end.date()}")
    in_holdout = purchase_days[(purchase_days["order_date"] > calibration_end) & (purchase_days["order_date"] <= holdout_end)]
    known = in_holdout["customer_id"].isin(summary["customer_id"])
    newcomers = int(in_holdout.loc[~known, "customer_id"].nunique())
    actual = in_holdout[known].groupby("customer_id")["amount"].agg(["count", "sum"])
    actual = actual.reindex(summary["customer_id"], fill_value=0)
    actual_purchases = actual["count"].to_numpy(dtype=float)
    actual_revenue = actual["sum"].to_numpy(dtype=float)

    x, t_x, T = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    m = summary["monetary_value"].to_numpy()
    fit, module = PURCHASE_MODELS[model]
    purchase_fit = fit(x, t_x, T, penalizer=penalizer)
    if not purchase_fit.converged:
        raise CLVModelError(f"{model} fit did not converge on the calibration window: {purchase_fit.message}")
    predicted_purchases = module.expected_purchases(list(purchase_fit.params.values()), x, t_x, T, holdout_length)

    spend_fit, spend, _, spend_warnings = fit_spend(x, m, penalizer)
    warnings = purchase_fit_warnings(module, purchase_fit, time_unit_days, intervals=False) + spend_warnings

    baseline_purchases = np.divide(x, T, out=np.zeros_like(x), where=T > 0) * holdout_length
    baseline_revenue = baseline_purchases * summary["calibration_mean_amount"].to_numpy()
    return HoldoutReport(
        model=model,
        calibration_end=str(calibration_end.date()),
        holdout_end=str(holdout_end.date()),
        holdout_days=holdout_days,
        time_unit_days=float(time_unit_days),
        n_customers=len(summary),
        n_customers_first_seen_in_holdout=newcomers,
        n_purchase_days_after_holdout_end=int((purchase_days["order_date"] > holdout_end).sum()),
        purchase_fit=purchase_fit,
        spend_fit=spend_fit,
        purchases=_compare(actual_purchases, predicted_purchases, baseline_purchases),
        revenue=_compare(actual_revenue, predicted_purchases * spend, baseline_revenue),
        warnings=warnings,
    )
