"""The plan, assembled from the steps in data order, and the three moves it opens with.

facts -> score (heuristics) -> diagnose -> choose -> plays -> size -> measure -> confidence.
Everything is arithmetic on the input and the catalogue; nothing is sent or scheduled.
"""

from __future__ import annotations

from heuristics import Assessment, Catalogue, assess, load_catalogue
from heuristics.formatting import fmt_money
from heuristics.scorer import format_metric
from skill.plan.choose import Choice, choose_levers, headline
from skill.plan.confidence import (
    assumptions,
    confidence_statement,
    constraint_notes,
    limits,
    plan_confidence,
    reading_check,
)
from skill.plan.diagnose import business_findings, diagnose
from skill.plan.facts import Facts, build_facts
from skill.plan.measure import build_measurement
from skill.plan.plays import GENERIC_MOVES, Chosen, PlaySelection, build_horizons, select_plays
from skill.plan.size import effect_range, revenue_estimate, size_plan
from skill.schema import NormalizedInput, Plan, WeekMove

WEEK_MOVES = 3


# The number each lever works on, quoted when no strong rule fired for the segment.
LEVER_METRIC = {
    "second_purchase": "repeat_rate_pct", "replenishment_subscription": "repurchase_cycle_days", "aov_expansion": "aov",
    "premium_ascension": "aov", "margin_protection": "discount_order_share_pct", "churn_prevention": "monthly_churn_pct",
    "winback": "days_since_last_order", "return_reduction": "return_rate_pct", "vip_loyalty": "revenue_share_pct",
    "referral": "repeat_rate_pct",
}
STRONG_RULE_POINTS = 8


def _because(lever_id: str, segment: str, facts: Facts, assessment: Assessment, choice: Choice) -> str:
    fired = [f for f in assessment.fired[lever_id] if f.points > 0 and f.segment in (segment, None)]
    informative = [f for f in fired if f.signal != "lane_match"]
    strong = [f for f in informative if f.points >= STRONG_RULE_POINTS]
    worry = (f"your stated worry ({choice.goal_word}); " if lever_id == choice.goal_lever and choice.goal_word else "")
    if strong:
        return worry + headline(max(strong, key=lambda f: f.points).text)
    sf = facts.segment(segment)
    metric = LEVER_METRIC[lever_id]
    value = sf.metric(metric) if sf else None
    if value is not None:
        return worry + f"'{segment}' {metric_phrase(metric, value, sf.currency)}"
    if informative:
        return worry + headline(max(informative, key=lambda f: f.points).text)
    lever = next(s for s in choice.levers if s.id == lever_id)
    return worry.rstrip("; ") or lever.reason or "the lever ranks high for this segment"


def metric_phrase(metric: str, value: float, currency: str | None) -> str:
    words = {"repeat_rate_pct": "repeat rate", "repurchase_cycle_days": "reorders every", "aov": "AOV",
             "discount_order_share_pct": "discounted orders", "monthly_churn_pct": "monthly churn",
             "days_since_last_order": "last ordered", "return_rate_pct": "return rate", "revenue_share_pct": "revenue share"}
    shown = format_metric(metric, value, currency)
    if metric == "days_since_last_order":
        shown += " ago"
    return f"{words[metric]} {shown}"


def _expected(lever_id: str, segments: list[str], facts: Facts, catalogue: Catalogue) -> str:
    sized = [(sf, est) for name in segments if (sf := facts.segment(name)) is not None
             and (est := revenue_estimate(lever_id, sf, catalogue)) is not None and est[2] > 0]
    if not sized:
        return effect_range(lever_id, facts.segment(segments[0]) if segments else None, catalogue, facts)
    if len(sized) == 1:
        return effect_range(lever_id, sized[0][0], catalogue, facts)
    low, high = sum(e[1] for _, e in sized), sum(e[2] for _, e in sized)
    cur = sized[0][0].currency
    return f"+{fmt_money(low, cur)} to +{fmt_money(high, cur)} revenue in 12 months across {len(sized)} segments"


def this_week(selection: PlaySelection, choice: Choice, facts: Facts, assessment: Assessment,
              catalogue: Catalogue) -> list[WeekMove]:
    """The three moves to start now: 0-30 day plays of the best-ranked levers, biggest segments first."""
    rank = {s.id: s.rank for s in choice.levers}
    share = {sf.name: sf.share_pct or 0 for sf in facts.segments}
    def order(c: Chosen) -> tuple[bool, int, float]:  # the stated worry's lever first, then rank, then size
        return (c.play.lever != choice.goal_lever, rank[c.play.lever], -share.get(c.segment, 0))

    chosen = sorted((c for c in selection.chosen if c.play.horizon == "short"), key=order)
    if len(chosen) < WEEK_MOVES:
        chosen += sorted((c for c in selection.chosen if c.play.horizon == "medium"), key=order)
    # One move per lever first, so the week spreads across the top levers; then the next best plays.
    first, seen = [], set()
    for c in chosen:
        if c.play.lever not in seen:
            first.append(c)
            seen.add(c.play.lever)
    picked = (first + [c for c in chosen if c not in first])[:WEEK_MOVES]
    moves = []
    for c in picked:
        segments = [c.segment, *c.play.also_for]
        moves.append(WeekMove(
            title=c.short if c.play.horizon == "short" else f"Start building: {c.short}",
            lever=c.play.lever, segments=segments, owner=c.play.owner,
            because=_because(c.play.lever, c.segment, facts, assessment, choice),
            expected=_expected(c.play.lever, segments, facts, catalogue),
        ))
    if not moves:
        first = GENERIC_MOVES["short"]
        moves.append(WeekMove(title="Export 12-24 months of orders and run the order analysis", lever=first.lever,
                              segments=[first.segment], owner="Ecommerce lead",
                              because="no segment with a size or a metric was given",
                              expected="sizes every later move; no revenue effect on its own"))
    return moves


def build_plan(inp: NormalizedInput) -> Plan:
    """Rank levers (stated goal first), pick constraint-safe plays per segment and write the plan around them."""
    catalogue = load_catalogue()
    bench = catalogue.benchmarks
    facts = build_facts(inp, bench)
    assessment = assess(inp, catalogue, facts)
    diagnosis = [diagnose(sf, facts, bench) for sf in facts.segments]
    choice = choose_levers(assessment, facts, catalogue)
    selection = select_plays(facts, assessment, catalogue, choice.levers, choice.goal_lever)
    impacts, revenue, margin = size_plan(selection.packages, facts, catalogue, selection.short_for)
    measurement = build_measurement(selection, facts, catalogue)
    level, reasons = plan_confidence(facts)
    statement = confidence_statement(level, reasons)
    check = reading_check(inp)
    assumed = assumptions(facts, assessment, impacts, catalogue, selection.packages, bench)
    return Plan(
        reading_check=check,
        this_week=this_week(selection, choice, facts, assessment, catalogue),
        diagnosis=diagnosis,
        business_findings=business_findings(facts),
        levers=choice.levers,
        goal_note=choice.goal_note,
        packages=selection.packages,
        horizons=build_horizons(selection),
        revenue_impact=revenue,
        margin_impact=margin,
        measurement=measurement,
        assumptions=assumed,
        limits=limits(inp, check),
        constraint_notes=constraint_notes(facts, selection),
        confidence=level,
        confidence_reason=statement,
    )
