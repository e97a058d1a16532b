"""Step 1: each segment's facts, derived once from the input, read by the lever scorer and every plan step.

A segment's size, its customers, AOV, repurchase cycle, orders a year, margin and the derived
ratios (recency vs cycle, revenue vs customer share, AOV vs the business) are worked out here
and nowhere else, each with the basis it came from, so a figure quoted anywhere in the plan
traces back to one input number. Imports the schema only: the scorer in `heuristics` reads
this view too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from skill.schema import NormalizedInput, Segment

# Lanes that buy on a steady rhythm, so a business-wide repurchase cycle is a fair stand-in for
# their order frequency; other lanes take frequency only from a cycle stated for the segment itself.
RHYTHMIC_LANES = frozenset({"subscriber", "loyal", "vip"})
# Lanes that by definition placed one order (or lapsed after their last): a cycle does not make them frequent.
SINGLE_ORDER_LANES = frozenset({"one_time", "new", "dormant"})
# Channels a business reaches customers through (the notes' "email only" limits these); owned
# surfaces (the store itself, the parcel, support replies) exist wherever there is a store.
OUTREACH_CHANNELS = ("email", "sms", "push", "direct_mail", "paid_media", "account_manager", "community")

SEGMENT_DERIVED = (
    "recency_cycle_ratio",
    "revenue_concentration_x",
    "aov_vs_business_pct",
    "value_at_risk_share_pct",
    "high_churn_risk_share_pct",
)
BUSINESS_DERIVED = ("cac_to_aov_x", "consumable_category", "durable_category", "cac_rising", "no_referral_program",
                    "order_gap_growth_x")


@dataclass(frozen=True)
class CategoryBand:
    """The return-rate band for the business's category (or the general one when unknown)."""

    key: str
    label: str
    low_pct: float
    high_pct: float
    known: bool


def category_band(benchmarks: dict[str, Any], category: str | None) -> CategoryBand:
    """Match the stated category to a return-rate band by alias (substring either way)."""
    bands = benchmarks["return_rate"]
    text = (category or "").strip().lower()
    if text:
        for key, band in bands.items():
            if any(alias in text or (len(text) > 3 and text in alias) for alias in band["aliases"]):
                return CategoryBand(key, key, band["low_pct"], band["high_pct"], True)
    general = bands["general"]
    return CategoryBand("general", "general ecommerce", general["low_pct"], general["high_pct"], False)


def is_consumable(benchmarks: dict[str, Any], category: str | None) -> bool:
    text = (category or "").strip().lower()
    return bool(text) and any(c in text for c in benchmarks["replenishment"]["consumable_categories"])


@dataclass(frozen=True)
class SegmentFacts:
    """One segment as every step sees it: stated numbers, stand-ins with their basis, derived ratios."""

    seg: Segment
    currency: str | None
    share_pct: float | None  # the larger of revenue and customer share (or count over a total)
    share_basis: str  # "given", "business total", "listed segments" or "unknown"
    customers: float | None
    customers_basis: str  # "given", "share of the business total" or "unknown"
    aov: float | None
    aov_basis: str  # "segment", "business" or "unknown"
    cycle_days: float | None
    cycle_basis: str  # "segment", "business" or "unknown"
    orders_per_year: float
    orders_basis: str  # "given", "cycle" (365 / cycle) or "default"
    margin_pct: float | None
    margin_basis: str  # "segment", "business" or "unknown"
    derived: dict[str, float | None] = field(default_factory=dict)
    gaps: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.seg.name

    @property
    def lane(self) -> str:
        return self.seg.lane

    @property
    def sized(self) -> bool:
        return bool(self.customers) and bool(self.aov)

    @property
    def annual_revenue(self) -> float:
        """Customers x orders a year x AOV (0 when the segment cannot be sized)."""
        return (self.customers or 0) * self.orders_per_year * (self.aov or 0)

    def metric(self, name: str) -> float | None:
        """A stored or derived per-segment metric; None when the data does not allow it."""
        if name in self.derived:
            return self.derived[name]
        return getattr(self.seg.metrics, name, None)  # a business-only figure has no segment value


@dataclass(frozen=True)
class Facts:
    """The input plus every segment's facts and the business-level derived signals."""

    inp: NormalizedInput
    segments: tuple[SegmentFacts, ...]
    band: CategoryBand
    business_derived: dict[str, Any]
    listed_total: float | None

    def segment(self, name: str) -> SegmentFacts | None:
        return next((f for f in self.segments if f.name == name), None)

    def business_metric(self, name: str) -> Any:
        if name in self.business_derived:
            return self.business_derived[name]
        if name in SEGMENT_DERIVED:
            return None
        return getattr(self.inp.business, name)

    @property
    def discounting(self) -> bool | None:
        """Whether the business discounts at all: False for contracted or never-discounted prices or a 0% cap."""
        inp = self.inp
        if inp.operating.pricing is not None or inp.constraints.max_discount_pct == 0:
            return False
        shares = [s.metrics.discount_order_share_pct for s in inp.segments] + [inp.business.discount_order_share_pct]
        stated = [v for v in shares if v is not None]
        if stated:
            return any(v > 0 for v in stated)
        return None

    @property
    def unreachable_channels(self) -> list[str]:
        """Outreach channels the operating context says do not exist (beyond banned ones)."""
        op = self.inp.operating
        out = []
        if op.channels_available:
            out = [c for c in OUTREACH_CHANNELS if c not in op.channels_available]
        if op.has_app is False and "push" not in out:
            out.append("push")
        return out


def listed_customer_total(inp: NormalizedInput) -> float | None:
    """Customers across the listed segments, as the base for shares when no business total is given.

    Needs two or more counted segments; segments can overlap, so a share on this base is
    an estimate and the size line says which base it used.
    """
    counts = [s.metrics.customer_count for s in inp.segments if s.metrics.customer_count is not None]
    return sum(counts) if len(counts) >= 2 else None


def segment_share(seg: Segment, inp: NormalizedInput, listed: float | None) -> tuple[float | None, str]:
    shares = [v for v in (seg.metrics.revenue_share_pct, seg.metrics.customer_share_pct) if v is not None]
    if shares:
        return max(shares), "given"
    total = inp.business.customer_count or listed
    if seg.metrics.customer_count is not None and total:
        basis = "business total" if inp.business.customer_count else "listed segments"
        return min(100.0, 100.0 * seg.metrics.customer_count / total), basis
    return None, "unknown"


def _key_gaps(seg: Segment, inp: NormalizedInput, share: float | None) -> tuple[str, ...]:
    """Key metrics the segment lacks (margin counts as present when the business gives it)."""
    m, b = seg.metrics, inp.business
    gaps = []
    if share is None and m.customer_count is None:
        gaps.append("size (customers or revenue share)")
    if m.aov is None:
        gaps.append("AOV")
    if m.repeat_rate_pct is None and m.orders_per_year is None:
        gaps.append("repeat rate")
    if m.gross_margin_pct is None and b.gross_margin_pct is None:
        gaps.append("gross margin")
    return tuple(gaps)


def _segment_facts(seg: Segment, inp: NormalizedInput, listed: float | None, var_total: float,
                   default_orders: float) -> SegmentFacts:
    m, b = seg.metrics, inp.business
    share, share_basis = segment_share(seg, inp, listed)
    customers, customers_basis = m.customer_count, "given" if m.customer_count is not None else "unknown"
    if customers is None and m.customer_share_pct is not None and b.customer_count:
        customers, customers_basis = b.customer_count * m.customer_share_pct / 100, "share of the business total"
    aov, aov_basis = (m.aov, "segment") if m.aov is not None else ((b.aov, "business") if b.aov else (None, "unknown"))
    if m.repurchase_cycle_days:
        cycle, cycle_basis = m.repurchase_cycle_days, "segment"
    elif b.repurchase_cycle_days:
        cycle, cycle_basis = b.repurchase_cycle_days, "business"
    else:
        cycle, cycle_basis = None, "unknown"
    if m.orders_per_year is not None:
        orders, orders_basis = m.orders_per_year, "given"
    elif cycle and seg.lane not in SINGLE_ORDER_LANES and (cycle_basis == "segment" or seg.lane in RHYTHMIC_LANES):
        orders, orders_basis = min(52.0, 365 / cycle), "cycle"
    else:
        orders, orders_basis = default_orders, "default"
    if m.gross_margin_pct is not None:
        margin, margin_basis = m.gross_margin_pct, "segment"
    elif b.gross_margin_pct is not None:
        margin, margin_basis = b.gross_margin_pct, "business"
    else:
        margin, margin_basis = None, "unknown"
    derived: dict[str, float | None] = {
        "recency_cycle_ratio": m.days_since_last_order / cycle if m.days_since_last_order is not None and cycle else None,
        "revenue_concentration_x": (m.revenue_share_pct / m.customer_share_pct
                                    if m.revenue_share_pct is not None and m.customer_share_pct else None),
        "aov_vs_business_pct": 100.0 * m.aov / b.aov if m.aov is not None and b.aov else None,
        "value_at_risk_share_pct": (100.0 * seg.clv.value_at_risk / var_total
                                    if seg.clv and seg.clv.value_at_risk and var_total else None),
        "high_churn_risk_share_pct": seg.clv.high_churn_risk_share_pct if seg.clv else None,
    }
    return SegmentFacts(
        seg=seg, currency=seg.currency or b.currency, share_pct=share, share_basis=share_basis,
        customers=customers, customers_basis=customers_basis, aov=aov, aov_basis=aov_basis,
        cycle_days=cycle, cycle_basis=cycle_basis, orders_per_year=orders, orders_basis=orders_basis,
        margin_pct=margin, margin_basis=margin_basis, derived=derived, gaps=_key_gaps(seg, inp, share),
    )


def build_facts(inp: NormalizedInput, benchmarks: dict[str, Any]) -> Facts:
    """Every segment's facts and the business-level derived signals, computed once per input."""
    listed = listed_customer_total(inp)
    var_total = sum(s.clv.value_at_risk for s in inp.segments if s.clv and s.clv.value_at_risk)
    default_orders = benchmarks["defaults"]["orders_per_year_when_missing"]
    segments = tuple(_segment_facts(s, inp, listed, var_total, default_orders) for s in inp.segments)
    b, op = inp.business, inp.operating
    gap_growth = (b.order_gap_to_days / b.order_gap_from_days
                  if b.order_gap_to_days is not None and b.order_gap_from_days else None)
    business_derived: dict[str, Any] = {
        "cac_to_aov_x": b.cac / b.aov if b.cac is not None and b.aov else None,
        "consumable_category": is_consumable(benchmarks, b.category) or None,
        # A stated category that is not used up (furniture, watches, software): reorders do not follow a usage cycle.
        "durable_category": (bool(b.category) and not is_consumable(benchmarks, b.category)) or None,
        "cac_rising": True if b.cac_trend == "rising" else None,
        "no_referral_program": True if op.has_referral_program is False else None,
        "order_gap_growth_x": gap_growth,
    }
    return Facts(inp, segments, category_band(benchmarks, b.category), business_derived, listed)
