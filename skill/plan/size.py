"""Step 5: revenue and margin effects, each a range with its basis, each traceable to input numbers.

Orders a year come from the input when given, else 365 / the stated repurchase cycle (see
facts), else one order a year (stated as an assumption). Revenue and margin effects are written
to separate lists on purpose: a revenue lift bought with a discount can still lose money. A
discount change earns margin credit only where the input says there is discounting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from heuristics import Catalogue
from heuristics.formatting import fmt_count, fmt_money, fmt_number, fmt_pct
from skill.plan.facts import Facts, SegmentFacts
from skill.schema import SegmentPackage


@dataclass
class Impact:
    segment: str
    lever: str
    revenue_line: str
    revenue_low: float
    revenue_high: float
    margin_line: str | None
    orders_basis: str | None


def orders_text(sf: SegmentFacts) -> str:
    n = sf.orders_per_year
    unit = "order" if round(n, 1) == 1 else "orders"
    if sf.orders_basis == "cycle":
        return f"{fmt_number(n)} {unit}/year (365 / {fmt_number(sf.cycle_days or 0)}-day cycle)"
    if sf.orders_basis == "default":
        return f"{fmt_number(n)} {unit}/year (assumed)"
    return f"{fmt_number(n)} {unit}/year"


def _money(value: float, sf: SegmentFacts) -> str:
    return fmt_money(value, sf.currency)


def revenue_estimate(lever_id: str, sf: SegmentFacts, catalogue: Catalogue) -> tuple[str, float, float] | None:
    """The lever's 12-month revenue effect on the segment as (line, low, high); None when it cannot be sized."""
    if not sf.sized:
        return None
    model = catalogue.levers[lever_id].impact
    lo, hi = model.low, model.high
    name, cust, aov = f"'{sf.name}'", fmt_count(sf.customers or 0), _money(sf.aov or 0, sf)
    title = catalogue.levers[lever_id].title
    customers, avg = sf.customers or 0, sf.aov or 0
    aov_from = "" if sf.aov_basis == "segment" else " (business AOV)"
    if model.model == "repeat_rate_points":
        low, high = customers * lo / 100 * avg, customers * hi / 100 * avg
        r = sf.seg.metrics.repeat_rate_pct
        lift = (f"repeat rate {fmt_pct(r)} → {fmt_number(r + lo)}-{fmt_pct(r + hi)}" if r is not None
                else f"+{fmt_number(lo)}-{fmt_number(hi)} points of repeat rate")
        text = f"{lift} on {cust} customers x {aov} AOV{aov_from}"
    elif model.model in ("reactivation_pct", "referral_pct"):
        low, high = customers * lo / 100 * avg, customers * hi / 100 * avg
        verb = "back for one order" if model.model == "reactivation_pct" else "each bringing one new customer"
        text = f"{fmt_number(lo)}-{fmt_pct(hi)} of {cust} customers {verb} at {aov} AOV{aov_from}"
    elif model.model == "return_rate_points":
        low, high = sf.annual_revenue * lo / 100, sf.annual_revenue * hi / 100
        r = sf.seg.metrics.return_rate_pct
        cut = (f"returns {fmt_pct(r)} → {fmt_number(max(0, r - hi))}-{fmt_pct(max(0, r - lo))}" if r is not None
               else f"returns down {fmt_number(lo)}-{fmt_number(hi)} points")
        text = f"{cut} on ≈ {_money(sf.annual_revenue, sf)} a year ({cust} x {orders_text(sf)} x {aov}) kept"
    elif model.model == "discount_share_points":
        return (f"{name} ({title}): flat to slightly lower revenue while {fmt_number(lo)}-{fmt_pct(hi)} of orders move off "
                "discount", 0.0, 0.0)
    else:
        low, high = sf.annual_revenue * lo / 100, sf.annual_revenue * hi / 100
        text = (f"+{fmt_number(lo)}-{fmt_pct(hi)} on ≈ {_money(sf.annual_revenue, sf)} a year "
                f"({cust} x {orders_text(sf)} x {aov}{aov_from})")
    return f"{name} ({title}): {text} = +{_money(low, sf)} to +{_money(high, sf)} revenue over 12 months", low, high


def effect_unit(lever_id: str, catalogue: Catalogue) -> str:
    """The lever's benchmark effect in its own unit: '+3-5 points of 12-month repeat rate'."""
    model = catalogue.levers[lever_id].impact
    unit = {
        "repeat_rate_points": "points of 12-month repeat rate",
        "reactivation_pct": "% of the segment back for an order",
        "referral_pct": "% of the segment bringing a new customer",
        "return_rate_points": "points off the return rate",
        "discount_share_points": "% of orders moved off discount",
        "revenue_pct": "% on the segment's revenue",
    }[model.model]
    return f"+{fmt_number(model.low)}-{fmt_number(model.high)}{'' if unit.startswith('%') else ' '}{unit}"


def effect_range(lever_id: str, sf: SegmentFacts | None, catalogue: Catalogue, facts: Facts | None = None) -> str:
    """The expected effect for 'This week': money when the segment is sized, else the lever's benchmark range."""
    if sf is not None and (estimate := revenue_estimate(lever_id, sf, catalogue)) is not None and estimate[2] > 0:
        return f"+{_money(estimate[1], sf)} to +{_money(estimate[2], sf)} revenue in 12 months"
    if sf is not None and facts is not None and (margin := discount_margin(lever_id, sf, facts, catalogue)) is not None:
        return f"{_money(margin[0], sf)} to {_money(margin[1], sf)} margin recovered a year"
    return f"{effect_unit(lever_id, catalogue)} (benchmark; not sized)"


def discount_margin(lever_id: str, sf: SegmentFacts, facts: Facts, catalogue: Catalogue) -> tuple[float, float, float, float, float] | None:
    """(low, high, points low, points high, depth) of margin recovered by moving orders off discount, or None."""
    model = catalogue.levers[lever_id].impact
    share = _discount_share(sf, facts)
    if model.model != "discount_share_points" or facts.discounting is False or not share or not sf.sized:
        return None
    cap = facts.inp.constraints.max_discount_pct
    depth = min(model.assumed_depth_pct or 0, cap) if cap else (model.assumed_depth_pct or 0)
    pts_lo, pts_hi = min(model.low, share), min(model.high, share)
    return (sf.annual_revenue * pts_lo / 100 * depth / 100, sf.annual_revenue * pts_hi / 100 * depth / 100,
            pts_lo, pts_hi, depth)


def _discount_share(sf: SegmentFacts, facts: Facts) -> float | None:
    own = sf.seg.metrics.discount_order_share_pct
    return own if own is not None else facts.inp.business.discount_order_share_pct


def margin_estimate(lever_id: str, pkg: SegmentPackage, sf: SegmentFacts, low: float, high: float,
                    facts: Facts, catalogue: Catalogue, bench: dict[str, Any], short: Callable[[str], str] = str) -> str:
    name = f"'{sf.name}'"
    model = catalogue.levers[lever_id].impact
    if model.model == "discount_share_points":
        share = _discount_share(sf, facts)
        recovered = discount_margin(lever_id, sf, facts, catalogue)
        if recovered is None:
            why = ("prices are contracted or never discounted" if facts.inp.operating.pricing else
                   "no discounting is stated" if not share else "discounts are not allowed")
            return f"{name}: no margin credited from discounts — {why}; margin here moves only with mix and price"
        gain_lo, gain_hi, pts_lo, pts_hi, depth = recovered
        return (f"{name}: {fmt_number(pts_lo)}-{fmt_pct(pts_hi)} of orders (of the {fmt_pct(share)} discounted) off a "
                f"~{fmt_pct(depth)} discount on ≈ {_money(sf.annual_revenue, sf)} a year "
                f"({fmt_count(sf.customers or 0)} x {orders_text(sf)} x {_money(sf.aov or 0, sf)}) = "
                f"{_money(gain_lo, sf)} to {_money(gain_hi, sf)} margin recovered a year")
    margin = sf.margin_pct
    if margin is None:
        return f"{name}: margin effect not sized — gross margin not given; count incentive cost against the revenue lift before scaling"
    gp_lo, gp_hi = low * margin / 100, high * margin / 100
    parts = [f"{name}: {fmt_pct(margin)} gross margin → {_money(gp_lo, sf)} to {_money(gp_hi, sf)} "
             "gross profit before incentives"]
    incremental = bench["defaults"]["incremental_redemption_share_pct"] / 100
    discounts = [p for p in pkg.plays if p.incentive.kind == "percent_discount" and p.incentive.depth_pct]
    for play in discounts:
        if play.lever != lever_id:
            parts.append(f"judge the {fmt_pct(play.incentive.depth_pct)} offer in '{short(play.title)}' on its own holdout")
            continue
        depth = play.incentive.depth_pct / 100
        cost_lo, cost_hi = low / incremental * depth, high / incremental * depth
        parts.append(
            f"the {fmt_pct(play.incentive.depth_pct)} offer costs ≈ {_money(cost_lo, sf)} to {_money(cost_hi, sf)} "
            f"(if {fmt_pct(incremental * 100)} of redemptions are incremental), net ≈ {_money(gp_lo - cost_lo, sf)} to "
            f"{_money(gp_hi - cost_hi, sf)}"
        )
    other_costs = sorted({p.incentive.kind.replace("_", " ") for p in pkg.plays
                          if p.incentive.kind in ("free_shipping", "free_product", "store_credit", "points")})
    if other_costs:
        parts.append(f"subtract the {', '.join(other_costs)} cost per redemption (not in the input)")
    return "; ".join(parts)


def impact_for(pkg: SegmentPackage, sf: SegmentFacts, facts: Facts, catalogue: Catalogue,
               bench: dict[str, Any], short: Callable[[str], str] = str) -> Impact | None:
    """The package's lead lever sized on its segment (the lever of its first play)."""
    if not pkg.plays:
        return None
    lever_id = pkg.plays[0].lever
    title = catalogue.levers[lever_id].title
    estimate = revenue_estimate(lever_id, sf, catalogue)
    if estimate is None:
        need = " and ".join(x for x, ok in (("customer count", bool(sf.customers)), ("AOV", bool(sf.aov))) if not ok)
        return Impact(sf.name, lever_id, f"'{sf.name}' ({title}): not sized — {need} not given", 0, 0, None, None)
    text, low, high = estimate
    margin = margin_estimate(lever_id, pkg, sf, low, high, facts, catalogue, bench, short)
    return Impact(sf.name, lever_id, text, low, high, margin, sf.orders_basis)


def merge_by_segment(lines: list[tuple[str, str]]) -> list[str]:
    """Lines that differ only by the segment they open with become one line naming every segment."""
    groups: dict[str, list[str]] = {}
    for segment, line in lines:
        prefix = f"'{segment}'"
        tail = line[len(prefix):] if line.startswith(prefix) else line
        groups.setdefault(tail if line.startswith(prefix) else f"\0{line}", []).append(prefix)
    out = []
    for tail, names in groups.items():
        out.append(tail[1:] if tail.startswith("\0") else ", ".join(names) + tail)
    return out


def size_plan(packages: list[SegmentPackage], facts: Facts, catalogue: Catalogue,
              short: Callable[[str], str] = str) -> tuple[list[Impact], list[str], list[str]]:
    """Impacts per package and the revenue and margin sections (kept apart)."""
    bench = catalogue.benchmarks
    impacts = [i for sf, pkg in zip(facts.segments, packages, strict=True)
               if (i := impact_for(pkg, sf, facts, catalogue, bench, short))]
    revenue = merge_by_segment([(i.segment, i.revenue_line) for i in impacts])
    margin = merge_by_segment([(i.segment, i.margin_line) for i in impacts if i.margin_line])
    total_low, total_high = sum(i.revenue_low for i in impacts), sum(i.revenue_high for i in impacts)
    currency = facts.inp.business.currency
    if total_high > 0 and sum(1 for i in impacts if i.revenue_high > 0) > 1:
        revenue.append(
            f"Sum: ≈ +{fmt_money(total_low, currency)} to +{fmt_money(total_high, currency)} over 12 months, "
            "if the segments do not overlap.")
    if not revenue:
        revenue.append("Not sized: no segment gives a customer count (or share plus business total) and an AOV.")
    if not margin:
        margin.append("Not sized: margin effects need segment size, AOV and a gross margin.")
    return impacts, revenue, margin
