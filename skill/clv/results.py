"""Result models of the CLV package: fits, predictions, at-risk pages and holdout reports.

They import neither numpy, scipy nor pandas, so the MCP server can declare its tools'
output schemas from them without loading the numeric stack at start-up.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from skill.schema import SegmentCLV

ModelName = Literal["bgnbd", "pareto_nbd"]
# Churn-risk bands on P(alive): low at or above the first, high below the second.
LOW_RISK_MIN_P_ALIVE = 0.7
HIGH_RISK_BELOW_P_ALIVE = 0.3


class CLVModelError(ValueError):
    """The data cannot support the requested CLV model (or is malformed)."""


class ModelFit(BaseModel):
    """One fitted model: natural parameters in the caller's time unit."""

    model_config = ConfigDict(extra="forbid")

    name: str
    params: dict[str, float]
    std_errors: dict[str, float] | None = Field(
        default=None,
        description="Delta-method SEs from a numerical Hessian; null when it is not positive definite, "
        "and without the `unidentified` parameters",
    )
    covariance: list[list[float]] | None = Field(
        default=None,
        description="Covariance of the log-parameters (row/column order = params); null when any is unidentified",
    )
    unidentified: list[str] = Field(
        default_factory=list,
        description="Dropout parameters the data do not pin down: the fit sits at the model's no-dropout limit, "
        "where any values implying negligible dropout fit equally well",
    )
    log_likelihood: float
    converged: bool
    iterations: int
    message: str
    n_customers: int = Field(description="Customers (sum of weights) used in the fit")
    n_rows: int = Field(description="Distinct rows after compression")
    penalizer: float = 0.0


class GammaGammaFit(ModelFit):
    """A Gamma-Gamma fit plus what was left out and the independence check."""

    n_excluded_one_time: int = Field(description="Customers with frequency 0 (no repeat spend to model)")
    n_excluded_nonpositive: int = Field(description="Repeat customers with zero/negative/non-finite monetary value")
    frequency_spend_correlation: float | None = Field(
        default=None, description="Pearson r between frequency and monetary value over the customers used"
    )
    warnings: list[str] = Field(default_factory=list)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SegmentPrediction(_Model):
    segment: str
    customer_count: int
    predicted_clv_total: float
    predicted_clv_total_low: float | None = None
    predicted_clv_total_high: float | None = None
    predicted_clv_per_customer: float
    expected_purchases_total: float
    mean_p_alive: float = Field(ge=0, le=1)
    value_at_risk: float
    high_churn_risk_share_pct: float = Field(ge=0, le=100)

    def to_segment_clv(self, horizon_days: int, model: str) -> SegmentCLV:
        """The schema's per-segment view: CLV figures per customer, value at risk summed."""
        per = 1.0 / self.customer_count
        return SegmentCLV(
            predicted_clv=self.predicted_clv_per_customer,
            predicted_clv_low=None if self.predicted_clv_total_low is None else self.predicted_clv_total_low * per,
            predicted_clv_high=None if self.predicted_clv_total_high is None else self.predicted_clv_total_high * per,
            value_at_risk=self.value_at_risk,
            mean_p_alive=self.mean_p_alive,
            high_churn_risk_share_pct=self.high_churn_risk_share_pct,
            horizon_days=horizon_days,
            model=model,
        )


class AtRiskCustomer(_Model):
    customer_id: str
    segment: str
    p_alive: float = Field(ge=0, le=1)
    churn_risk: Literal["low", "medium", "high"]
    predicted_clv: float
    value_at_risk: float


class AtRiskPage(_Model):
    total: int = Field(description="Customers in the full ranking")
    offset: int
    limit: int
    customers: list[AtRiskCustomer]


class ChurnBands(_Model):
    low_min_p_alive: float = LOW_RISK_MIN_P_ALIVE
    high_below_p_alive: float = HIGH_RISK_BELOW_P_ALIVE
    low: int
    medium: int
    high: int


class CLVPrediction(_Model):
    model: ModelName
    time_unit_days: float
    horizon_days: int
    discount_rate_monthly: float
    margin_pct: float | None
    value_basis: Literal["revenue", "gross_margin"]
    n_customers: int
    n_repeat_customers: int
    purchase_fit: ModelFit
    spend_fit: GammaGammaFit | None
    spend_source: Literal["gamma_gamma", "observed_average"]
    predicted_clv_total: float
    predicted_clv_total_low: float | None = None
    predicted_clv_total_high: float | None = None
    expected_purchases_total: float
    value_at_risk_total: float
    mean_p_alive: float = Field(ge=0, le=1)
    churn_bands: ChurnBands
    segments: list[SegmentPrediction]
    at_risk: AtRiskPage
    bootstrap_draws: int = Field(description="Bootstrap draws used for the intervals (0 = no intervals)")
    bootstrap_seed: int
    warnings: list[str] = Field(default_factory=list)


class AccuracyMetrics(_Model):
    mae: float
    rmse: float
    predicted_total: float
    actual_total: float
    total_error_pct: float | None = Field(description="(predicted - actual) / actual x 100; null when actual is 0")
    spearman: float | None = Field(description="Rank correlation; null when either side is constant")
    normalized_gini: float | None = Field(description="null when every actual value is equal")


class Comparison(_Model):
    model: AccuracyMetrics
    baseline: AccuracyMetrics
    model_beats_baseline: dict[str, bool] = Field(description="Per metric: is the model strictly better?")


class HoldoutReport(_Model):
    model: ModelName
    calibration_end: str
    holdout_end: str
    holdout_days: int
    time_unit_days: float
    n_customers: int = Field(description="Customers first seen by calibration_end (the scored ones)")
    n_customers_first_seen_in_holdout: int
    n_purchase_days_after_holdout_end: int
    purchase_fit: ModelFit
    spend_fit: GammaGammaFit | None
    purchases: Comparison
    revenue: Comparison
    warnings: list[str] = Field(default_factory=list)
