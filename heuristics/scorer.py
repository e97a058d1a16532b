"""Apply the lever rule tables to one input: scores 0-100, each with the lines that produced it.

Per lever: every segment in the lever's lanes earns lane-match points plus the points of the
segment rules that fire (scaled by how far past the threshold the metric is), times a size
weight from its revenue/customer share. The best segment counts in full, the others at a
factor; business-level rules, the stated main tension and the input's confidence come last.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from heuristics.catalogue import Catalogue, Lever, Signal, load_catalogue, resolve_benchmark
from heuristics.formatting import fmt_count, fmt_money, fmt_multiple, fmt_number, fmt_pct
from skill.plan.facts import (
    CategoryBand,
    Facts,
    SegmentFacts,
    segment_share,
    build_facts,
    category_band,
    is_consumable,
    listed_customer_total,
)
from skill.schema import LEVER_IDS, LeverScore, NormalizedInput, Segment

__all__ = ["Assessment", "CategoryBand", "Fired", "assess", "built_for", "category_band", "format_metric", "is_consumable",
           "score_levers", "segment_share_pct"]

BUSINESS = "the business"


@dataclass(frozen=True)
class Fired:
    """One rule that fired: the structured twin of a rule line, for the plan's short reasons."""

    lever: str
    segment: str | None  # None for a business-level rule
    signal: str
    points: float
    text: str


@dataclass
class Assessment:
    """Scores plus what the plan must disclose about how they were reached."""

    scores: list[LeverScore]
    benchmarks_used: list[str] = field(default_factory=list)
    category: CategoryBand | None = None
    sizes_assumed: list[str] = field(default_factory=list)
    fired: dict[str, list[Fired]] = field(default_factory=dict)
    tension_points: dict[str, float] = field(default_factory=dict)
    facts: Facts | None = None


def built_for(tension: str, facts: Facts, catalogue: Catalogue) -> str | None:
    """The lever built for a stated worry: the first in benchmarks [goals] whose lanes fit a described segment."""
    candidates = catalogue.benchmarks["goals"].get(tension, [])
    lanes = {sf.lane for sf in facts.segments}
    for lever_id in candidates:
        if lanes & set(catalogue.levers[lever_id].lanes):
            return lever_id
    return candidates[0] if candidates else None


def segment_share_pct(seg: Segment, inp: NormalizedInput) -> float | None:
    """The larger of revenue and customer share (or count over a total): a segment matters if it is big by either."""
    return segment_share(seg, inp, listed_customer_total(inp))[0]


def format_metric(metric: str, value: Any, currency: str | None) -> str:
    """Quote a value in the metric's own unit so every rule line reads '12%', '$64', '2.3x'."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if metric in ("aov", "cac"):
        return fmt_money(value, currency)
    if metric.endswith("_x") or metric == "recency_cycle_ratio":
        return fmt_multiple(value)
    if metric.endswith("_pct"):
        return fmt_pct(value)
    if metric.endswith("_days") or metric == "days_since_last_order":
        return f"{fmt_number(value)} days"
    if metric == "customer_count":
        return fmt_count(value)
    if metric == "cancel_month":
        return f"month {fmt_number(value)}"
    return fmt_number(value)


def _business_namespace(inp: NormalizedInput) -> SimpleNamespace:
    """Business figures, formatted, for explain templates ({biz.order_gap_from_days}, {biz.peak_months})."""
    b = inp.business
    values: dict[str, str] = {}
    for name in type(b).model_fields:
        value = getattr(b, name)
        if isinstance(value, list):
            values[name] = ", ".join(value) if value else "the peak season"
        else:
            values[name] = "not given" if value is None else format_metric(name, value, b.currency)
    return SimpleNamespace(**values)


class _Rules:
    """Benchmarks resolved for one input (category band included), shared by every lever."""

    def __init__(self, catalogue: Catalogue, facts: Facts) -> None:
        self.benchmarks = catalogue.benchmarks
        self.facts = facts
        self.inp = facts.inp
        self.band = facts.band
        self.scoring = self.benchmarks["scoring"]
        self.used: set[str] = set()
        self.namespace = self._namespace()
        self.biz = _business_namespace(self.inp)
        self.fired: list[Fired] = []
        self.built_for = built_for(self.inp.main_tension, facts, catalogue) if self.inp.main_tension else None

    def _namespace(self) -> SimpleNamespace:
        """Benchmarks as attributes for the explain templates ({b.repeat_rate.weak_pct})."""

        def wrap(node: Any) -> Any:
            if isinstance(node, dict):
                return SimpleNamespace(**{k: wrap(v) for k, v in node.items()})
            if isinstance(node, list) and all(isinstance(x, (int, float)) for x in node):
                return "/".join(fmt_number(x) for x in node)
            return node

        ns = wrap({k: v for k, v in self.benchmarks.items() if k != "return_rate"})
        ns.return_rate = SimpleNamespace(low_pct=self.band.low_pct, high_pct=self.band.high_pct)
        return ns

    def resolve(self, ref: float | int | str | None) -> float | None:
        if ref is None or isinstance(ref, (int, float)):
            return ref
        section, _, rest = ref.partition(".")
        self.used.add(section)
        if section == "return_rate":
            return {"low_pct": self.band.low_pct, "high_pct": self.band.high_pct}[rest]
        return resolve_benchmark(self.benchmarks, ref)


def _fraction(signal: Signal, value: float, threshold: float, full_at: float | None) -> float:
    """Half the weight at the threshold rising to all of it at `full_at` (min_fraction sets the floor)."""
    if full_at is None or full_at == threshold:
        return 1.0
    progress = min(1.0, max(0.0, abs(value - threshold) / abs(full_at - threshold)))
    return signal.min_fraction + (1 - signal.min_fraction) * progress


def _signal_points(signal: Signal, value: Any, rules: _Rules) -> float | None:
    """Points this signal adds for `value`, or None when it does not fire."""
    if signal.comparison == "is_true":
        return signal.weight if value else None
    threshold = rules.resolve(signal.threshold)
    if signal.comparison == "below":
        fires = value < threshold
    elif signal.comparison == "above":
        fires = value > threshold
    else:
        fires = threshold <= value < rules.resolve(signal.upper)
    if not fires:
        return None
    full_at = rules.resolve(signal.full_at) if signal.comparison != "between" else None
    return round(signal.weight * _fraction(signal, value, threshold, full_at), 1)


def _explain(signal: Signal, subject: str, value: Any, rules: _Rules, currency: str | None) -> str:
    def fmt(ref: Any) -> str:
        resolved = rules.resolve(ref)
        return "" if resolved is None else format_metric(signal.metric, resolved, currency)

    shown = rules.inp.business.category if signal.metric in ("consumable_category", "durable_category") else value
    return signal.explain.format(
        segment=subject,
        value=format_metric(signal.metric, shown, currency),
        threshold=fmt(signal.threshold),
        upper=fmt(signal.upper),
        full_at=fmt(signal.full_at),
        category=rules.band.label,
        b=rules.namespace,
        biz=rules.biz,
    )


def _line(lever_id: str, points: float, text: str) -> str:
    return f"{lever_id} {points:+g}: {text}"


@dataclass
class _SegmentResult:
    name: str
    weighted: float
    lines: list[str]


def _score_segment(lever: Lever, sf: SegmentFacts, rules: _Rules) -> _SegmentResult | None:
    seg = sf.seg
    currency = sf.currency
    quoted = f"'{seg.name}'"
    raw = 0.0
    lines: list[str] = []
    if seg.lane in lever.primary_lanes and lever.lane_match_points:
        raw += lever.lane_match_points
        lane = seg.lane.replace("_", " ")
        text = f"{quoted} is {'an' if lane in ('at risk', 'other') else 'a'} {lane} segment, a lane this lever is built for"
        lines.append(_line(lever.id, lever.lane_match_points, text))
        rules.fired.append(Fired(lever.id, seg.name, "lane_match", lever.lane_match_points, text))
    for signal in lever.signals:
        if signal.scope == "business" or (signal.lanes and seg.lane not in signal.lanes):
            continue
        value = sf.metric(signal.metric)
        subject = quoted
        if value is None and signal.scope == "segment_or_business":
            value = rules.facts.business_metric(signal.metric)
            subject = "the business"  # a business figure stands in for the segment's: say so, not "'X' gross margin"
        if value is None:
            continue
        points = _signal_points(signal, value, rules)
        if points is None:
            continue
        raw += points
        text = _explain(signal, subject, value, rules, currency)
        if subject != quoted:
            text += f" (business figure, used for {quoted})"
        lines.append(_line(lever.id, points, text))
        rules.fired.append(Fired(lever.id, seg.name, signal.id, points, text))
    if not lines:
        return None
    share = sf.share_pct
    scoring = rules.scoring
    if share is None:
        weight = scoring["size_unknown_weight"]
        size_text = "size not given, weighted as mid-sized"
    else:
        span = 1 - scoring["size_min_weight"]
        weight = scoring["size_min_weight"] + span * min(1.0, share / scoring["size_full_share_pct"])
        size_text = _size_text(sf, rules.inp)
    weighted = round(max(0.0, raw) * weight, 1)
    verdict = f"= {weighted:g}" if weighted > 0 else "= 0, not targeted (rules net to zero or below)"
    lines.append(f"{lever.id} x{weight:.2f}: {quoted} subtotal {raw:g} weighted by size ({size_text}) {verdict}")
    return _SegmentResult(seg.name, weighted, lines)


def _size_text(sf: SegmentFacts, inp: NormalizedInput) -> str:
    m = sf.seg.metrics
    parts = []
    if m.customer_share_pct is not None:
        parts.append(f"{fmt_pct(m.customer_share_pct)} of customers")
    if m.revenue_share_pct is not None:
        parts.append(f"{fmt_pct(m.revenue_share_pct)} of revenue")
    if not parts and m.customer_count is not None:
        share = sf.share_pct
        base = "of customers" if inp.business.customer_count else "of the customers in the listed segments"
        parts.append(f"{fmt_count(m.customer_count)} customers"
                     + (f", {fmt_pct(round(share, 1))} {base}" if share is not None else ""))
    return ", ".join(parts)


def _score_lever(lever: Lever, rules: _Rules) -> tuple[float, list[str], list[str], float]:
    inp = rules.inp
    results = [r for sf in rules.facts.segments if sf.lane in lever.lanes and (r := _score_segment(lever, sf, rules))]
    lines = [line for r in results for line in r.lines]
    targeted = sorted((r for r in results if r.weighted > 0), key=lambda r: -r.weighted)
    total = 0.0
    if targeted:
        factor = rules.scoring["other_segments_factor"]
        rest = round(sum(r.weighted for r in targeted[1:]) * factor, 1)
        total = targeted[0].weighted + rest
        if len(targeted) > 1:
            lines.append(
                f"{lever.id} {rest:+g}: best target '{targeted[0].name}' counts in full, "
                f"{len(targeted) - 1} more segment(s) at {fmt_pct(factor * 100)}"
            )
    for signal in lever.signals:
        if signal.scope != "business":
            continue
        value = rules.facts.business_metric(signal.metric)
        points = None if value is None else _signal_points(signal, value, rules)
        if points is not None:
            total += points
            text = _explain(signal, BUSINESS, value, rules, inp.business.currency)
            lines.append(_line(lever.id, points, text))
            rules.fired.append(Fired(lever.id, None, signal.id, points, text))
    boost = 0.0
    if inp.main_tension and inp.main_tension in lever.tensions and total > 0:
        # The lever built for the worry (benchmarks [goals], first that fits a segment) gets the full boost.
        primary = rules.built_for == lever.id
        boost = rules.scoring["tension_boost" if primary else "tension_boost_secondary"]
        total += boost
        role = "the lever built for it" if primary else "a lever that helps with it"
        lines.append(_line(lever.id, boost, f"the stated main tension is {inp.main_tension.replace('_', ' ')}: {role}"))
    multiplier = rules.scoring["confidence_multiplier"][inp.confidence]
    if multiplier != 1 and total > 0:
        lines.append(f"{lever.id} x{multiplier:.2f}: input confidence is {inp.confidence}, so the score is discounted")
    score = round(min(100.0, max(0.0, total * multiplier)), 1)
    if total * multiplier > 100:
        lines.append(f"{lever.id}: capped at 100")
    if not lines:
        lines.append(
            f"{lever.id} +0: no rule fired (no segment in lanes {', '.join(lane.replace('_', ' ') for lane in lever.lanes)} "
            "with a qualifying metric, and no business-level signal)"
        )
    return score, lines, [r.name for r in targeted], round(boost * multiplier, 1)


def assess(inp: NormalizedInput, catalogue: Catalogue | None = None, facts: Facts | None = None) -> Assessment:
    """Score every lever and record the benchmarks, size assumptions and fired rules the scores relied on.

    `facts` is the per-segment view the plan computed (skill.plan.facts); it is built here when not given.
    """
    catalogue = catalogue or load_catalogue()
    facts = facts or build_facts(inp, catalogue.benchmarks)
    rules = _Rules(catalogue, facts)
    scored = [(lever_id, *_score_lever(catalogue.levers[lever_id], rules)) for lever_id in LEVER_IDS]
    # sorted() is stable and LEVER_IDS fixes the input order, so ties keep catalogue order.
    ranked = sorted(scored, key=lambda item: -item[1])
    scores = [
        LeverScore(id=lever_id, rank=rank, score=score, rationale=lines, segments=segments)
        for rank, (lever_id, score, lines, segments, _) in enumerate(ranked, start=1)
    ]
    fired: dict[str, list[Fired]] = {lever_id: [] for lever_id in LEVER_IDS}
    for item in rules.fired:
        fired[item.lever].append(item)
    sizes_assumed = [sf.name for sf in facts.segments if sf.share_pct is None]
    tension_points = {lever_id: boost for lever_id, _, _, _, boost in scored}
    return Assessment(scores, sorted(rules.used), rules.band, sizes_assumed, fired, tension_points, facts)


def score_levers(inp: NormalizedInput) -> list[LeverScore]:
    """All ten levers ranked 1..n by score (ties keep catalogue order), with their rule lines."""
    return assess(inp).scores
