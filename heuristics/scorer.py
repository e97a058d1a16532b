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
from skill.schema import LEVER_IDS, LeverScore, NormalizedInput, Segment

BUSINESS = "the business"


@dataclass(frozen=True)
class CategoryBand:
    """The return-rate band for the business's category (or the general one when unknown)."""

    key: str
    label: str
    low_pct: float
    high_pct: float
    known: bool


@dataclass
class Assessment:
    """Scores plus what the plan must disclose about how they were reached."""

    scores: list[LeverScore]
    benchmarks_used: list[str] = field(default_factory=list)
    category: CategoryBand | None = None
    sizes_assumed: list[str] = field(default_factory=list)


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


def segment_share_pct(seg: Segment, inp: NormalizedInput) -> float | None:
    """The larger of revenue and customer share: a segment matters if it is big by either."""
    shares = [v for v in (seg.metrics.revenue_share_pct, seg.metrics.customer_share_pct) if v is not None]
    if shares:
        return max(shares)
    total = inp.business.customer_count or listed_customer_total(inp)
    if seg.metrics.customer_count is not None and total:
        return min(100.0, 100.0 * seg.metrics.customer_count / total)
    return None


def listed_customer_total(inp: NormalizedInput) -> float | None:
    """Customers across the listed segments, as the base for shares when no business total is given.

    Needs two or more counted segments; segments can overlap, so a share on this base is
    an estimate and the size line says which base it used.
    """
    counts = [s.metrics.customer_count for s in inp.segments if s.metrics.customer_count is not None]
    return sum(counts) if len(counts) >= 2 else None


def repurchase_cycle(seg: Segment, inp: NormalizedInput) -> float | None:
    return seg.metrics.repurchase_cycle_days or inp.business.repurchase_cycle_days


def segment_metric(metric: str, seg: Segment, inp: NormalizedInput) -> float | None:
    """A segment's value for a stored or derived metric; None when the data does not allow it."""
    m = seg.metrics
    if metric == "recency_cycle_ratio":
        cycle = repurchase_cycle(seg, inp)
        return m.days_since_last_order / cycle if m.days_since_last_order is not None and cycle else None
    if metric == "revenue_concentration_x":
        if m.revenue_share_pct is None or not m.customer_share_pct:
            return None
        return m.revenue_share_pct / m.customer_share_pct
    if metric == "aov_vs_business_pct":
        return 100.0 * m.aov / inp.business.aov if m.aov is not None and inp.business.aov else None
    if metric == "value_at_risk_share_pct":
        total = sum(s.clv.value_at_risk for s in inp.segments if s.clv and s.clv.value_at_risk)
        if not (seg.clv and seg.clv.value_at_risk and total):
            return None
        return 100.0 * seg.clv.value_at_risk / total
    if metric == "high_churn_risk_share_pct":
        return seg.clv.high_churn_risk_share_pct if seg.clv else None
    return getattr(m, metric)


def business_metric(metric: str, inp: NormalizedInput, benchmarks: dict[str, Any]) -> float | bool | None:
    b = inp.business
    if metric == "cac_to_aov_x":
        return b.cac / b.aov if b.cac is not None and b.aov else None
    if metric == "consumable_category":
        return is_consumable(benchmarks, b.category) or None
    if metric in ("recency_cycle_ratio", "revenue_concentration_x", "aov_vs_business_pct",
                  "value_at_risk_share_pct", "high_churn_risk_share_pct"):
        return None
    return getattr(b, metric)


def format_metric(metric: str, value: Any, currency: str | None) -> str:
    """Quote a value in the metric's own unit so every rule line reads '12%', '$64', '2.3x'."""
    if isinstance(value, str):
        return value
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
    return fmt_number(value)


class _Rules:
    """Benchmarks resolved for one input (category band included), shared by every lever."""

    def __init__(self, catalogue: Catalogue, inp: NormalizedInput) -> None:
        self.benchmarks = catalogue.benchmarks
        self.inp = inp
        self.band = category_band(self.benchmarks, inp.business.category)
        self.scoring = self.benchmarks["scoring"]
        self.used: set[str] = set()
        self.namespace = self._namespace()

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

    shown = rules.inp.business.category if signal.metric == "consumable_category" else value
    return signal.explain.format(
        segment=subject,
        value=format_metric(signal.metric, shown, currency),
        threshold=fmt(signal.threshold),
        upper=fmt(signal.upper),
        full_at=fmt(signal.full_at),
        category=rules.band.label,
        b=rules.namespace,
    )


def _line(lever_id: str, points: float, text: str) -> str:
    return f"{lever_id} {points:+g}: {text}"


@dataclass
class _SegmentResult:
    name: str
    weighted: float
    lines: list[str]


def _score_segment(lever: Lever, seg: Segment, rules: _Rules) -> _SegmentResult | None:
    inp = rules.inp
    currency = seg.currency or inp.business.currency
    quoted = f"'{seg.name}'"
    raw = 0.0
    lines: list[str] = []
    if seg.lane in lever.primary_lanes and lever.lane_match_points:
        raw += lever.lane_match_points
        lines.append(_line(lever.id, lever.lane_match_points, f"{quoted} is a {seg.lane.replace('_', ' ')} segment, a lane this lever is built for"))
    for signal in lever.signals:
        if signal.scope == "business" or (signal.lanes and seg.lane not in signal.lanes):
            continue
        value = segment_metric(signal.metric, seg, inp)
        subject = quoted
        if value is None and signal.scope == "segment_or_business":
            value = business_metric(signal.metric, inp, rules.benchmarks)
            subject = f"{quoted} (business figure)"
        if value is None:
            continue
        points = _signal_points(signal, value, rules)
        if points is None:
            continue
        raw += points
        lines.append(_line(lever.id, points, _explain(signal, subject, value, rules, currency)))
    if not lines:
        return None
    share = segment_share_pct(seg, inp)
    scoring = rules.scoring
    if share is None:
        weight = scoring["size_unknown_weight"]
        size_text = "size not given, weighted as mid-sized"
    else:
        span = 1 - scoring["size_min_weight"]
        weight = scoring["size_min_weight"] + span * min(1.0, share / scoring["size_full_share_pct"])
        size_text = _size_text(seg, inp)
    weighted = round(max(0.0, raw) * weight, 1)
    verdict = f"= {weighted:g}" if weighted > 0 else "= 0, not targeted (rules net to zero or below)"
    lines.append(f"{lever.id} x{weight:.2f}: {quoted} subtotal {raw:g} weighted by size ({size_text}) {verdict}")
    return _SegmentResult(seg.name, weighted, lines)


def _size_text(seg: Segment, inp: NormalizedInput) -> str:
    parts = []
    if seg.metrics.customer_share_pct is not None:
        parts.append(f"{fmt_pct(seg.metrics.customer_share_pct)} of customers")
    if seg.metrics.revenue_share_pct is not None:
        parts.append(f"{fmt_pct(seg.metrics.revenue_share_pct)} of revenue")
    if not parts and seg.metrics.customer_count is not None:
        share = segment_share_pct(seg, inp)
        base = "of customers" if inp.business.customer_count else "of the customers in the listed segments"
        parts.append(f"{fmt_count(seg.metrics.customer_count)} customers"
                     + (f", {fmt_pct(round(share, 1))} {base}" if share is not None else ""))
    return ", ".join(parts)


def _score_lever(lever: Lever, rules: _Rules) -> tuple[float, list[str], list[str]]:
    inp = rules.inp
    results = [r for seg in inp.segments if seg.lane in lever.lanes and (r := _score_segment(lever, seg, rules))]
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
        value = business_metric(signal.metric, inp, rules.benchmarks)
        points = None if value is None else _signal_points(signal, value, rules)
        if points is not None:
            total += points
            lines.append(_line(lever.id, points, _explain(signal, BUSINESS, value, rules, inp.business.currency)))
    if inp.main_tension and inp.main_tension in lever.tensions and total > 0:
        # The first tension a lever lists is the problem it exists to solve; later ones it only helps.
        primary = lever.tensions[0] == inp.main_tension
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
    return score, lines, [r.name for r in targeted]


def assess(inp: NormalizedInput, catalogue: Catalogue | None = None) -> Assessment:
    """Score every lever and record the benchmarks and size assumptions the scores relied on."""
    catalogue = catalogue or load_catalogue()
    rules = _Rules(catalogue, inp)
    scored = [(lever_id, *_score_lever(catalogue.levers[lever_id], rules)) for lever_id in LEVER_IDS]
    # sorted() is stable and LEVER_IDS fixes the input order, so ties keep catalogue order.
    ranked = sorted(scored, key=lambda item: -item[1])
    scores = [
        LeverScore(id=lever_id, rank=rank, score=score, rationale=lines, segments=segments)
        for rank, (lever_id, score, lines, segments) in enumerate(ranked, start=1)
    ]
    sizes_assumed = [s.name for s in inp.segments if segment_share_pct(s, inp) is None]
    return Assessment(scores, sorted(rules.used), rules.band, sizes_assumed)


def score_levers(inp: NormalizedInput) -> list[LeverScore]:
    """All ten levers ranked 1..n by score (ties keep catalogue order), with their rule lines."""
    return assess(inp).scores
