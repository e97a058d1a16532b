"""Hand-built NormalizedInput objects for the heuristics, plan and render tests (no normalizer needed)."""

from __future__ import annotations

from typing import Any

from skill.schema import (
    BusinessMetrics,
    Constraints,
    Metrics,
    NormalizedInput,
    OperatingContext,
    Reading,
    Segment,
    SegmentCLV,
)


def segment(name: str, lane: str, clv: dict[str, Any] | None = None, **metrics: float) -> Segment:
    return Segment(
        name=name,
        lane=lane,
        metrics=Metrics(**metrics),
        clv=SegmentCLV(**clv) if clv is not None else None,
    )


def make_input(
    segments: list[Segment],
    constraints: Constraints | None = None,
    confidence: str = "high",
    main_tension: str | None = None,
    operating: dict[str, Any] | None = None,
    reading: Reading | None = None,
    **business: Any,
) -> NormalizedInput:
    business.setdefault("currency", "USD")
    return NormalizedInput(
        segments=segments,
        business=BusinessMetrics(**business),
        constraints=constraints or Constraints(),
        confidence=confidence,
        main_tension=main_tension,
        operating=OperatingContext(**(operating or {})),
        reading=reading,
    )


def dtc_apparel() -> NormalizedInput:
    """A 50-person apparel brand: weak second purchase, discount-heavy deal hunters, a VIP core."""
    return make_input(
        [
            segment("New", "new", customer_count=2100, customer_share_pct=35, revenue_share_pct=18,
                    aov=64, repeat_rate_pct=18, gross_margin_pct=58, return_rate_pct=24),
            segment("One-time buyers", "one_time", customer_count=2600, customer_share_pct=43,
                    revenue_share_pct=21, aov=58, repeat_rate_pct=12, return_rate_pct=22),
            segment("Deal hunters", "price_sensitive", customer_count=700, customer_share_pct=12,
                    revenue_share_pct=11, aov=49, discount_order_share_pct=68, gross_margin_pct=38),
            segment("VIP", "vip", customer_count=480, customer_share_pct=8, revenue_share_pct=34,
                    aov=121, repeat_rate_pct=72, orders_per_year=4.2, return_rate_pct=14),
            segment("Lapsed 180d+", "dormant", customer_count=1900, customer_share_pct=24,
                    revenue_share_pct=9, aov=70, days_since_last_order=240, repurchase_cycle_days=95),
        ],
        confidence="medium",
        main_tension="repeat_rate",
        category="apparel",
        aov=72,
        repeat_rate_pct=24,
        gross_margin_pct=56,
        return_rate_pct=26,
        discount_order_share_pct=31,
        customer_count=6000,
        cac=48,
    )
