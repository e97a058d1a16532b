"""Report models of the orders path: what was mapped, cleaned, measured and grouped.

Everything here is JSON-able and small (tables are capped), so an MCP client can
show it as is; per-customer data stays in DataFrames (see `OrdersResult`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from skill.schema import BusinessMetrics, Confidence, Lane, Segment, Tension


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MappedColumn(_Model):
    column: str = Field(description="Column of the export (or 'position N' in a headerless log)")
    reason: str


class ExclusionLine(_Model):
    reason: str
    rows: int = Field(description="Export rows behind the excluded orders")
    orders: int
    amount: float = Field(description="Order amount excluded, in `currency`")
    currency: str | None = None


class CurrencyReconciliation(_Model):
    """Revenue in = kept + every excluded order, summed in integer cents."""

    currency: str | None
    revenue_in: float
    kept: float
    excluded: float
    difference: float
    reconciles: bool


class CleaningReport(_Model):
    rows_in: int
    orders_in: int = Field(description="Distinct orders after folding line items")
    line_items_folded: int = Field(description="Rows merged into the order they belong to")
    rows_without_amount: int = Field(description="Rows whose amount was empty (line items of order-level exports)")
    unparseable_amount_rows: int
    excluded: list[ExclusionLine] = Field(default_factory=list)
    orders_kept: int
    guest_orders: int = Field(description="Kept orders with no customer key: in revenue totals, not in customer metrics")
    guest_revenue: float
    refunds_netted: float = Field(description="Refunded amounts subtracted from kept orders")
    returns_netted: float = Field(description="Negative-amount records (credit notes) netted against customers")
    return_records: int
    customers_with_only_returns: int
    currencies: dict[str, int] = Field(default_factory=dict, description="Orders per currency before the currency filter")
    fx_rates_applied: dict[str, float] = Field(default_factory=dict)
    amounts_in_minor_units: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    reconciliation: list[CurrencyReconciliation] = Field(default_factory=list)
    reconciles: bool


class OrdersSummary(_Model):
    source_format: str
    customers: int
    orders: int = Field(description="Kept orders, guest orders included")
    customer_orders: int
    net_revenue: float = Field(description="Order amounts minus refunds and returns, guests included")
    customer_net_revenue: float
    gross_revenue: float
    repeat_rate_pct: float | None
    aov: float | None = Field(description="Mean order amount (after discounts, before refunds)")
    historical_clv: float | None = Field(description="Net revenue per customer to date")
    gross_margin_pct: float | None
    margin_basis: str
    currency: str | None
    as_of: str
    date_range: tuple[str, str]
    span_days: int
    cohort_period: str


class RfmRule(_Model):
    group: str
    r_scores: list[int]
    fm_scores: list[int]
    lane: Lane
    description: str


class RfmGroupStat(_Model):
    group: str
    lane: Lane
    customers: int
    customer_share_pct: float
    revenue_share_pct: float
    mean_net_revenue: float


class RfmReport(_Model):
    method: str
    rules: list[RfmRule]
    overrides: list[str]
    groups: list[RfmGroupStat]


class CohortRow(_Model):
    cohort: str
    customers: int
    values: list[float | None] = Field(description="Index k = k periods after acquisition; null = not yet observed")


class GroupCLV(_Model):
    group: str
    customers: int
    historical_clv: float
    repeat_rate_pct: float
    aov: float | None


class ChannelEconomics(_Model):
    channel: str
    customers: int
    cac: float
    historical_clv: float
    gross_margin_clv: float
    ltv_to_cac: float | None
    payback_months: int | None = Field(description="First month whose cumulative gross margin per customer covers CAC")
    months_observed: int


class CohortReport(_Model):
    period: str
    retention_pct: list[CohortRow] = Field(description="Share of each cohort ordering in period k")
    cumulative_net_revenue_per_customer: list[CohortRow]
    clv_by_cohort: list[GroupCLV]
    clv_by_channel: list[GroupCLV]
    clv_by_first_product: list[GroupCLV]
    truncated: list[str] = Field(default_factory=list)


class OrdersAnalysis(_Model):
    summary: OrdersSummary
    business: BusinessMetrics
    business_evidence: dict[str, str] = Field(default_factory=dict)
    confidence: Confidence
    confidence_reason: str
    main_tension: Tension | None = None
    main_tension_reason: str | None = None
    cleaning: CleaningReport | None = Field(description="None when the input was a per-customer summary")
    mapping: dict[str, MappedColumn]
    unmapped_columns: list[str] = Field(default_factory=list)
    segments: list[Segment]
    rfm: RfmReport
    cohorts: CohortReport | None
    channel_economics: list[ChannelEconomics] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
