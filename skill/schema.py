"""Typed models every module speaks: input facts, constraints, and the plan.

No logic beyond validation lives here, so the notes path, the orders path, the
heuristics and the adapters all agree on one shape (and MCP tool schemas come
straight from these models).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lane = Literal[
    "vip",
    "loyal",
    "new",
    "one_time",
    "price_sensitive",
    "at_risk",
    "dormant",
    "return_risk",
    "subscriber",
    "other",
]
LANES: tuple[str, ...] = Lane.__args__  # type: ignore[attr-defined]

LeverId = Literal[
    "second_purchase",
    "replenishment_subscription",
    "aov_expansion",
    "premium_ascension",
    "margin_protection",
    "churn_prevention",
    "winback",
    "return_reduction",
    "vip_loyalty",
    "referral",
]
LEVER_IDS: tuple[str, ...] = LeverId.__args__  # type: ignore[attr-defined]

Channel = Literal[
    "email",
    "sms",
    "push",
    "onsite",
    "direct_mail",
    "paid_media",
    "account_manager",
    "community",
    "support",
    "packaging",
]
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]

IncentiveKind = Literal[
    "none",
    "percent_discount",
    "fixed_discount",
    "free_shipping",
    "free_product",
    "store_credit",
    "points",
    "early_access",
    "service",
]
Horizon = Literal["short", "medium", "long"]
Confidence = Literal["high", "medium", "low"]
Tension = Literal["repeat_rate", "aov", "churn", "margin_quality", "returns"]
Source = Literal["notes", "orders"]
Trend = Literal["rising", "falling", "flat"]
CustomerOwner = Literal["account_manager", "founder", "crm_team", "support", "marketplace"]
Pricing = Literal["contracted", "never_discount"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Metrics(_Model):
    """Per-segment (or whole-business) numbers. Percentages are 0-100; money is in `currency`."""

    customer_count: float | None = Field(default=None, ge=0)
    customer_share_pct: float | None = Field(default=None, ge=0, le=100)
    revenue_share_pct: float | None = Field(default=None, ge=0, le=100)
    aov: float | None = Field(default=None, ge=0)
    orders_per_year: float | None = Field(default=None, ge=0)
    repeat_rate_pct: float | None = Field(default=None, ge=0, le=100)
    repurchase_cycle_days: float | None = Field(default=None, ge=0)
    gross_margin_pct: float | None = Field(default=None, ge=-100, le=100)
    return_rate_pct: float | None = Field(default=None, ge=0, le=100)
    discount_order_share_pct: float | None = Field(default=None, ge=0, le=100)
    days_since_last_order: float | None = Field(default=None, ge=0)
    monthly_churn_pct: float | None = Field(default=None, ge=0, le=100)


METRIC_FIELDS: tuple[str, ...] = tuple(Metrics.model_fields)


class BusinessMetrics(Metrics):
    """Whole-business numbers plus the context the levers need."""

    cac: float | None = Field(default=None, ge=0)
    cac_trend: Trend | None = Field(default=None, description="How CAC is moving, as the notes say")
    nps: float | None = Field(default=None, ge=-100, le=100)
    upgrade_rate_pct: float | None = Field(default=None, ge=0, le=100, description="Share who move up to the premium tier or product")
    attach_rate_pct: float | None = Field(default=None, ge=0, le=100, description="Share of orders with an add-on or bundle")
    unsubscribe_rate_pct: float | None = Field(default=None, ge=0, le=100, description="Unsubscribes per send")
    peak_season_share_pct: float | None = Field(default=None, ge=0, le=100, description="Share of annual revenue in the peak season")
    peak_months: list[str] = Field(default_factory=list, description="Peak-season months or occasions as written")
    cancel_month: float | None = Field(default=None, ge=0, description="Subscription month (or shipment) by which most cancels happen")
    order_gap_from_days: float | None = Field(default=None, ge=0, description="Order gap before it grew (gap trend)")
    order_gap_to_days: float | None = Field(default=None, ge=0, description="Order gap now (gap trend)")
    category: str | None = None
    currency: str | None = Field(default=None, description="ISO 4217 code")


class SegmentCLV(_Model):
    """Measured and predicted value for a segment (orders path only)."""

    historical_clv: float | None = None
    predicted_clv: float | None = None
    predicted_clv_low: float | None = None
    predicted_clv_high: float | None = None
    value_at_risk: float | None = Field(
        default=None, description="Predicted value x (1 - P(alive)) summed over the segment"
    )
    mean_p_alive: float | None = Field(default=None, ge=0, le=1)
    high_churn_risk_share_pct: float | None = Field(default=None, ge=0, le=100)
    horizon_days: int | None = None
    model: str | None = None


class Segment(_Model):
    name: str = Field(description="The segment name as the operator wrote it")
    lane: Lane = "other"
    currency: str | None = Field(default=None, description="ISO 4217 code, or null if unknown")
    metrics: Metrics = Field(default_factory=Metrics)
    evidence: dict[str, str] = Field(
        default_factory=dict,
        description="Metric field (or 'lane') -> the source snippet its value came from",
    )
    measured: list[str] = Field(
        default_factory=list,
        description="Metric fields computed from order data rather than read from notes",
    )
    clv: SegmentCLV | None = None


class Constraints(_Model):
    max_discount_pct: float | None = Field(default=None, ge=0, le=100)
    banned_channels: list[Channel] = Field(default_factory=list)
    no_free_product: bool = False
    other: list[str] = Field(default_factory=list, description="Constraints read but not machine-enforced")


class OperatingContext(_Model):
    """How the business runs, as the notes say: what a plan may ask of this team."""

    team_size: int | None = Field(default=None, ge=0, description="People running CRM/retention work")
    channels_available: list[Channel] = Field(
        default_factory=list, description="The only channels that exist, when the notes say so ('email only'); empty = not stated"
    )
    customer_owner: CustomerOwner | None = Field(default=None, description="Who owns the customer relationship")
    pricing: Pricing | None = Field(default=None, description="'contracted' prices or 'never_discount': no discount or promo plays")
    has_referral_program: bool | None = None
    has_loyalty_program: bool | None = None
    has_app: bool | None = None
    evidence: dict[str, str] = Field(default_factory=dict, description="Field -> the source snippet it was read from")


class ReadingItem(_Model):
    """One number or constraint-like phrase in the notes, and where the reader put it."""

    snippet: str = Field(description="The source text around it")
    text: str = Field(description="The number or phrase as written")
    value: float | None = None
    placed_in: str | None = Field(
        default=None, description="e.g. \"segment 'VIP'.aov\", 'business.cac', 'constraints.max_discount_pct'; null = not placed"
    )
    reason: str | None = Field(default=None, description="Why it was not placed, or how it was converted")


class Reading(_Model):
    """What the reader placed and what it could not: the operator or assistant corrects from this."""

    placed: list[ReadingItem] = Field(default_factory=list)
    not_placed: list[ReadingItem] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list, description="A field given two different values")
    coverage_pct: float | None = Field(default=None, ge=0, le=100, description="Share of numbers in the notes that were placed")


class NormalizedInput(_Model):
    segments: list[Segment] = Field(default_factory=list)
    business: BusinessMetrics = Field(default_factory=BusinessMetrics)
    business_evidence: dict[str, str] = Field(
        default_factory=dict, description="Business metric field -> the source snippet (or computation) behind it"
    )
    constraints: Constraints = Field(default_factory=Constraints)
    main_tension: Tension | None = None
    operating: OperatingContext = Field(default_factory=OperatingContext)
    reading: Reading | None = Field(default=None, description="Notes only: what was placed where, and what was not")
    confidence: Confidence = "low"
    warnings: list[str] = Field(default_factory=list)
    source: Source = "notes"


class Incentive(_Model):
    kind: IncentiveKind = "none"
    depth_pct: float | None = Field(default=None, ge=0, le=100, description="Only for percent_discount")


class Play(_Model):
    title: str
    lever: LeverId
    owner: str
    channel: Channel
    incentive: Incentive = Field(default_factory=Incentive)
    success_metric: str
    horizon: Horizon
    readout_days: int | None = Field(default=None, ge=1, description="Day the success metric is read, matching its window")
    also_for: list[str] = Field(
        default_factory=list, description="Other segments this same play row also targets (listed once, in this package)"
    )


class SegmentPackage(_Model):
    segment: str
    lane: Lane
    plays: list[Play] = Field(default_factory=list)
    shared: list[str] = Field(
        default_factory=list, description="Plays that also run for this segment, listed once under another segment"
    )
    notes: list[str] = Field(default_factory=list, description="Constraint substitutions and drops")


class LeverScore(_Model):
    id: LeverId
    rank: int = Field(ge=1)
    score: float = Field(ge=0, le=100)
    rationale: list[str] = Field(description="One line per rule that fired")
    segments: list[str] = Field(default_factory=list, description="Segments this lever targets")
    reason: str = Field(default="", description="The one rule line that matters most, for the ranked list")


class HorizonMove(_Model):
    title: str
    segment: str
    lever: LeverId


class Horizons(_Model):
    short: list[HorizonMove] = Field(default_factory=list, description="0-30 days")
    medium: list[HorizonMove] = Field(default_factory=list, description="30-90 days")
    long: list[HorizonMove] = Field(default_factory=list, description="90 days and beyond")


class WeekMove(_Model):
    """One of the three moves to start this week."""

    title: str
    lever: LeverId
    segments: list[str]
    owner: str
    because: str = Field(description="The input number that justifies the move")
    expected: str = Field(description="Expected effect as a range, with its basis")


class ReadingCheck(_Model):
    """What the reader placed and could not place, shown first when coverage is low or values conflict."""

    coverage_pct: float | None = None
    placed: list[str] = Field(default_factory=list)
    not_placed: list[str] = Field(default_factory=list)
    conflicts: list[str] = Field(default_factory=list)


class SegmentDiagnosis(_Model):
    segment: str
    lane: Lane
    findings: list[str] = Field(default_factory=list)


class Plan(_Model):
    reading_check: ReadingCheck | None = Field(default=None, description="Set when the notes were read with gaps or conflicts")
    this_week: list[WeekMove] = Field(default_factory=list, description="The three moves to start now")
    diagnosis: list[SegmentDiagnosis] = Field(default_factory=list)
    business_findings: list[str] = Field(default_factory=list, description="Business-wide signals the input gave (NPS, CAC trend, ...)")
    levers: list[LeverScore] = Field(default_factory=list)
    goal_note: str | None = Field(default=None, description="How the stated main worry shaped the ranking")
    packages: list[SegmentPackage] = Field(default_factory=list)
    horizons: Horizons = Field(default_factory=Horizons)
    revenue_impact: list[str] = Field(default_factory=list)
    margin_impact: list[str] = Field(default_factory=list)
    measurement: list[str] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    limits: list[str] = Field(default_factory=list)
    constraint_notes: list[str] = Field(default_factory=list)
    confidence: Confidence = "low"
    confidence_reason: str = Field(default="", description="Why the plan has this confidence, and what would raise it")


class PlanResult(_Model):
    """What build_ltv_plan returns: the Markdown, the structured plan and the input it used."""

    markdown: str
    plan: Plan
    input: NormalizedInput
