"""Segment facts from the customer table: one skill.schema.Segment per RFM group, with the
numbers, how each was computed, and which fields were measured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skill.orders.rfm import GROUP_LANE, GROUP_ORDER, GROUP_TITLE
from skill.schema import METRIC_FIELDS, BusinessMetrics, Metrics, Segment, SegmentCLV

MIN_TENURE_DAYS_FOR_RATE = 30
DAYS_PER_YEAR = 365.25


def _money(value: float, currency: str | None) -> str:
    return f"{value:,.2f}{' ' + currency if currency else ''}"


def _clip(value: float, low: float, high: float) -> float | None:
    return None if pd.isna(value) else round(float(min(max(value, low), high)), 2)


def group_metrics(
    customers: pd.DataFrame,
    gaps: pd.DataFrame | None,
    *,
    currency: str | None,
    margin_measured: bool,
    discounts_known: bool,
    total_customers: int,
    total_net: float,
) -> tuple[Metrics, dict[str, str]]:
    """Metrics and evidence for one group of customers (all customers for business metrics)."""
    n = len(customers)
    orders = int(customers["orders"].sum())
    gross = float(customers["gross_revenue"].sum())
    net = float(customers["net_revenue"].sum())
    returned = float(customers["refunds"].sum() + customers["returns"].sum())
    years = float(np.maximum(customers["tenure_days"], MIN_TENURE_DAYS_FOR_RATE).sum() / DAYS_PER_YEAR)
    repeaters = int((customers["orders"] > 1).sum())
    values: dict[str, float | None] = {
        "customer_count": float(n),
        "customer_share_pct": _clip(100 * n / total_customers, 0, 100) if total_customers else None,
        "revenue_share_pct": _clip(100 * net / total_net, 0, 100) if total_net > 0 else None,
        "aov": _clip(gross / orders, 0, float("inf")) if orders else None,
        "orders_per_year": _clip(orders / years, 0, float("inf")) if years else None,
        "repeat_rate_pct": _clip(100 * repeaters / n, 0, 100) if n else None,
        "return_rate_pct": _clip(100 * returned / gross, 0, 100) if gross > 0 else None,
        "days_since_last_order": _clip(customers["days_since_last_order"].median(), 0, float("inf")),
    }
    evidence = {
        "customer_count": f"{n:,} customers with a purchase",
        "customer_share_pct": f"{n:,} of {total_customers:,} customers",
        "revenue_share_pct": f"net revenue {_money(net, currency)} of {_money(total_net, currency)} from identified customers",
        "aov": f"order amounts (after discounts, before refunds) {_money(gross, currency)} / {orders:,} orders",
        "orders_per_year": f"{orders:,} orders / {years:,.1f} customer-years since first order (each at least {MIN_TENURE_DAYS_FOR_RATE} days)",
        "repeat_rate_pct": f"{repeaters:,} of {n:,} customers ordered more than once",
        "return_rate_pct": f"refunds and returns {_money(returned, currency)} / order amounts {_money(gross, currency)}",
        "days_since_last_order": "median days from each customer's last order to the as-of date",
    }
    if gaps is not None and len(gaps):
        values["repurchase_cycle_days"] = _clip(gaps["gap_days"].median(), 0, float("inf"))
        evidence["repurchase_cycle_days"] = f"median of {len(gaps):,} gaps between consecutive purchase days"
    elif repeaters:
        values["repurchase_cycle_days"] = _clip(customers["mean_days_between_orders"].median(), 0, float("inf"))
        evidence["repurchase_cycle_days"] = f"median over {repeaters:,} repeat customers of their mean days between purchase days"
    if margin_measured:
        margin = float(customers["gross_margin"].sum())
        values["gross_margin_pct"] = _clip(100 * margin / net, -100, 100) if net > 0 else None
        evidence["gross_margin_pct"] = f"gross margin {_money(margin, currency)} / net revenue {_money(net, currency)} (cost or margin column)"
    if discounts_known:
        discounted = int(customers["discount_orders"].sum())
        values["discount_order_share_pct"] = _clip(100 * discounted / orders, 0, 100) if orders else None
        evidence["discount_order_share_pct"] = f"{discounted:,} of {orders:,} orders carried a discount or code"
    measured = {k: v for k, v in values.items() if v is not None}
    return Metrics(**measured), {k: evidence[k] for k in measured}


def build_segments(
    customers: pd.DataFrame,
    gaps: pd.DataFrame | None,
    *,
    currency: str | None,
    margin_measured: bool,
    discounts_known: bool,
) -> list[Segment]:
    """One Segment per non-empty RFM group, in GROUP_ORDER; `customers` carries rfm_group.

    `gaps` (CustomerHistory.gaps) names customers by their row in `customers`.
    """
    total_customers = len(customers)
    total_net = float(customers["net_revenue"].sum())
    # Split the gaps by their customer's group once, rather than comparing every gap's group per segment.
    gaps_of = dict(iter(gaps.groupby(customers["rfm_group"].to_numpy()[gaps["row"].to_numpy()], sort=False))) if gaps is not None else {}
    segments = []
    for group, members in customers.groupby("rfm_group", sort=False):
        metrics, evidence = group_metrics(
            members,
            gaps_of.get(group, gaps.iloc[:0]) if gaps is not None else None,
            currency=currency, margin_measured=margin_measured, discounts_known=discounts_known,
            total_customers=total_customers, total_net=total_net,
        )
        evidence["lane"] = f"RFM group '{group}' maps to lane '{GROUP_LANE[group]}' (see the RFM rule table)"
        segments.append(
            Segment(
                name=GROUP_TITLE[group], lane=GROUP_LANE[group], currency=currency, metrics=metrics, evidence=evidence,
                measured=[k for k in METRIC_FIELDS if k in metrics.model_fields_set],
                clv=SegmentCLV(historical_clv=round(float(members["net_revenue"].mean()), 2)),
            )
        )
    rank = {group: i for i, group in enumerate(GROUP_ORDER)}
    return sorted(segments, key=lambda s: rank[s.name.lower().replace(" ", "_")])


def business_metrics(
    customers: pd.DataFrame, gaps: pd.DataFrame | None, *, currency: str | None, margin_measured: bool, discounts_known: bool, cac: float | None
) -> tuple[BusinessMetrics, dict[str, str]]:
    metrics, evidence = group_metrics(
        customers, gaps, currency=currency, margin_measured=margin_measured, discounts_known=discounts_known,
        total_customers=len(customers), total_net=float(customers["net_revenue"].sum()),
    )
    return BusinessMetrics(**metrics.model_dump(exclude_none=True), currency=currency, cac=cac), evidence
