"""Step 6: how to tell whether the plays worked.

Each play is read on the day its own success metric names (the lever tables carry it, and the
catalogue refuses a read-out that does not match). Each segment's holdout is sized for the
effect its lead lever is expected to have (two-sided, 95% confidence, 80% power); a segment too
small to see that effect even at a 50/50 split is told so, with the smallest change it could
see. The base tracking is the same for every plan: the share of each monthly cohort returning
within 30, 60 and 90 days, plus upgrades and referred orders.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

from heuristics import Catalogue
from heuristics.formatting import fmt_count, fmt_number, fmt_pct
from skill.plan.facts import Facts, SegmentFacts
from skill.plan.plays import PlaySelection
from skill.schema import Play

Z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.80)

CONTROL_BY_CHANNEL = {
    "onsite": "a 50/50 split of site traffic",
    "packaging": "alternate shipping weeks",
    "paid_media": "an audience or geo holdout",
    "community": "invited non-attendees",
}

BASE_TRACKING = (
    "Base tracking, monthly: the share of each first-order cohort returning within 30, 60 and 90 days, "
    "upgrades (premium or subscription) and referred first orders."
)


def mde_points(treated: float, control: float, rate_pct: float) -> float:
    """Smallest difference (points) a two-proportion test detects at 5% significance, 80% power."""
    p = min(max(rate_pct, 0.5), 99.5) / 100
    return 100 * Z * (p * (1 - p) * (1 / treated + 1 / control)) ** 0.5


def mde_relative_pct(treated: float, control: float, cv: float) -> float:
    """Smallest relative change (%) in a mean a two-sample test detects at 5% significance, 80% power."""
    return 100 * Z * cv * (1 / treated + 1 / control) ** 0.5


# Levers whose effect is on order value, measured on the mean (AOV / units per order), not a share ordering.
MEAN_LEVERS = ("aov_expansion",)


def _mean_holdout_line(sf: SegmentFacts, lever_id: str, readout: int | None, catalogue: Catalogue,
                       bench: dict[str, Any]) -> str:
    """Holdout for a relative change in mean order value, with the assumed spread of order values stated.

    The test unit is the order: the segment's customers times the orders they place in the read window
    (at least one each), the holdout split by customer.
    """
    customers = sf.customers or 0
    days = readout or bench["defaults"]["readout_days"]["short"]
    n = max(customers, customers * sf.orders_per_year * days / 365)
    effect = catalogue.levers[lever_id].impact.low
    cv = bench["defaults"]["order_value_cv"]
    default, ceiling = bench["defaults"]["holdout_share_pct"], bench["defaults"]["max_holdout_share_pct"]
    what = f"AOV (mean order value; assumed coefficient of variation {fmt_number(cv)})"
    for share in range(int(default), int(ceiling) + 1, 5):
        control = n * share / 100
        if control >= 1 and n - control >= 1 and mde_relative_pct(n - control, control, cv) <= effect:
            return (f"'{sf.name}' ({fmt_count(customers)}): hold out {share}% of customers "
                    f"(≈ {fmt_count(customers * share / 100)}) to see a {fmt_number(effect)}% change in {what}, "
                    f"on ≈ {fmt_count(n)} orders in the {fmt_number(days)}-day read.")
    half = n / 2
    seen = f"≈ {fmt_number(mde_relative_pct(half, half, cv))}%" if half >= 1 else "no change"
    return (f"'{sf.name}' ({fmt_count(customers)}): too small to see a {fmt_number(effect)}% change in {what} "
            f"on ≈ {fmt_count(n)} orders in the {fmt_number(days)}-day read (a 50/50 split sees {seen}).")


def _test_design(lever_id: str, sf: SegmentFacts, facts: Facts, catalogue: Catalogue,
                 bench: dict[str, Any]) -> tuple[float, float, str] | None:
    """(base rate %, effect to detect in points, what is measured) for the segment's lead lever."""
    model = catalogue.levers[lever_id].impact
    m, b = sf.seg.metrics, facts.inp.business
    repeat = m.repeat_rate_pct if m.repeat_rate_pct is not None else b.repeat_rate_pct
    control = bench["defaults"]["control_return_rate_pct"]
    benchmark = bench["repeat_rate"]["typical_low_pct"]
    if model.model == "repeat_rate_points":
        base = repeat if repeat is not None else benchmark
        return base, model.low, "repeat rate" + ("" if repeat is not None else " (benchmark base)")
    if model.model in ("reactivation_pct", "referral_pct"):
        if model.model == "reactivation_pct":
            return control, model.low, "share returning (assumed base)"
        return 0.5, model.low, "share referring a friend (assumed base)"
    if model.model == "return_rate_points":
        base = m.return_rate_pct if m.return_rate_pct is not None else facts.band.high_pct
        return base, model.low, "return rate" + ("" if m.return_rate_pct is not None else " (benchmark base)")
    if model.model == "discount_share_points":
        share = m.discount_order_share_pct if m.discount_order_share_pct is not None else b.discount_order_share_pct
        return (share, model.low, "discounted-order share") if share else None
    base = repeat if repeat is not None else benchmark
    # A revenue lift of low% shows up as the same relative change in the share who order.
    source = "" if repeat is not None else ", benchmark base"
    return base, base * model.low / 100, f"share ordering (a {fmt_number(model.low)}% revenue lift{source})"


def _holdout_line(sf: SegmentFacts, plays: list[Play], selection: PlaySelection, facts: Facts, catalogue: Catalogue,
                  bench: dict[str, Any]) -> str:
    lead = plays[0].lever
    default = bench["defaults"]["holdout_share_pct"]
    ceiling = bench["defaults"]["max_holdout_share_pct"]
    n = sf.customers
    if lead in MEAN_LEVERS and n:
        return _mean_holdout_line(sf, lead, plays[0].readout_days, catalogue, bench)
    design = _test_design(lead, sf, facts, catalogue, bench)
    if design is None or not n:
        if not n:
            return f"'{sf.name}': size not given; hold out {fmt_number(default)}% once the segment is counted."
        return f"'{sf.name}' ({fmt_count(n)}): hold out {fmt_number(default)}%; read each play on its table's day."
    base, effect, what = design
    for share in range(int(default), int(ceiling) + 1, 5):
        control = n * share / 100
        if control >= 1 and mde_points(n - control, control, base) <= effect:
            return (f"'{sf.name}' ({fmt_count(n)}): hold out {share}% (≈ {fmt_count(control)}) to see a "
                    f"{fmt_number(effect)}-point change in {what} from {fmt_pct(base)}.")
    pool = _pool_hint(sf, lead, base, effect, facts, selection)
    half = n / 2
    smallest = mde_points(half, half, base) if half >= 1 else float("inf")
    seen = f"≈ {fmt_number(smallest)} points" if math.isfinite(smallest) else "no change"
    return (f"'{sf.name}' ({fmt_count(n)}): too small to see a {fmt_number(effect)}-point change in {what} from "
            f"{fmt_pct(base)} (a 50/50 split sees {seen}){pool}.")


def _pool_hint(sf: SegmentFacts, lever_id: str, base: float, effect: float, facts: Facts,
               selection: PlaySelection) -> str:
    """Segments led by the same lever, pooled, may be large enough to test together."""
    mates = [(other, pkg) for other, pkg in zip(facts.segments, selection.packages, strict=True)
             if other.name != sf.name and pkg.plays and pkg.plays[0].lever == lever_id and other.customers]
    if not mates:
        return ""
    total = (sf.customers or 0) + sum(o.customers or 0 for o, _ in mates)
    half = total / 2
    if mde_points(half, half, base) > effect:
        return ""
    names = " and ".join(f"'{o.name}'" for o, _ in mates)
    return f"; or pool with {names} ({fmt_count(total)} together, a 50/50 split)"


def build_measurement(selection: PlaySelection, facts: Facts, catalogue: Catalogue) -> list[str]:
    bench = catalogue.benchmarks
    lines = [BASE_TRACKING,
             "Read each play on its table day against a holdout (site: 50/50 traffic split; in-box: alternate "
             "weeks) on gross profit per customer; a segment too small for one, against its previous cohort."]
    for sf, pkg in zip(facts.segments, selection.packages, strict=True):
        if pkg.plays:
            lines.append(_holdout_line(sf, pkg.plays, selection, facts, catalogue, bench))
    return lines
