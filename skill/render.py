"""Markdown for a plan, from the Jinja2 templates in the `prompts` package.

Every string that can carry operator text (segment names, constraints, warnings, and the plan
lines that quote them) passes through the one `md` filter, so a `|`, a newline, backticks, a
leading `#` or raw HTML in a segment name cannot break a table or inject markup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from heuristics import load_catalogue
from heuristics.formatting import fmt_count, fmt_money, fmt_pct
from skill.plan.confidence import LIMITS
from skill.schema import NormalizedInput, Plan, Segment

if TYPE_CHECKING:
    from skill.clv.results import CLVPrediction, HoldoutReport
    from skill.orders.models import OrdersAnalysis

MISSING = "—"
LIMITS_SHORT = ("Built only from the data provided, with no access to your systems; nothing is sent or applied "
                "automatically, and you approve every message, audience and incentive.")
# The appendix shows the strongest rule lines of the top levers; the structured plan keeps every line.
APPENDIX_LEVERS, APPENDIX_LINES = 3, 2
HORIZON_TITLES = (("short", "Short (0-30 days)"), ("medium", "Medium (30-90 days)"), ("long", "Long (90+ days)"))

# Markdown's inline specials plus `#` (headings) and `~` (strikethrough); `<`, `>` and `&` become entities.
_MD_SPECIALS = re.compile(r"([\\`*_\[\]|#~])")


def md(value: Any) -> str:
    """Make any text safe inside Markdown prose or a table cell: one line, no markup, no HTML."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIALS.sub(r"\\\1", text)


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("prompts", "."),
        autoescape=False,  # Markdown, not HTML: escaping is the `md` filter's job
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["md"] = md
    env.filters["num"] = lambda v: MISSING if v is None else fmt_count(v)
    env.filters["pct"] = lambda v: MISSING if v is None else fmt_pct(v)
    env.filters["money"] = lambda v, currency=None: MISSING if v is None else fmt_money(v, currency)
    env.filters["exact"] = lambda v, currency=None: f"{v:,.2f} {currency or ''}".rstrip()
    env.filters["ratio"] = lambda v: MISSING if v is None else f"{v:.1f}x"
    env.filters["dec"] = lambda v: MISSING if v is None else f"{v:.3f}"
    return env


def _lane(lane: str) -> str:
    return lane.replace("_", " ")


def _diagnosis_rows(plan: Plan, inp: NormalizedInput) -> list[dict[str, str]]:
    findings = {d.segment: d.findings for d in plan.diagnosis}
    rows = []
    for seg in inp.segments:
        m = seg.metrics
        currency = seg.currency or inp.business.currency
        margin = m.gross_margin_pct
        rows.append(
            {
                "segment": seg.name,
                "lane": _lane(seg.lane),
                "customers": fmt_count(m.customer_count) if m.customer_count is not None else _share(m.customer_share_pct, "of customers"),
                "revenue_share": fmt_pct(m.revenue_share_pct) if m.revenue_share_pct is not None else MISSING,
                "aov": fmt_money(m.aov, currency) if m.aov is not None else MISSING,
                "repeat_rate": fmt_pct(m.repeat_rate_pct) if m.repeat_rate_pct is not None else MISSING,
                "margin": fmt_pct(margin) if margin is not None else MISSING,
                # The dashes already show what was not given; the cell carries a finding or a dash.
                "key_finding": next((f for f in findings.get(seg.name, []) if not f.startswith("Not given:")), MISSING),
                "other_findings": [],
            }
        )
    return rows


def _value_rows(inp: NormalizedInput) -> list[dict[str, str]]:
    """Historical and predicted CLV per segment (orders path), with the interval and value at risk."""
    rows = []
    for seg in inp.segments:
        clv = seg.clv
        if clv is None:
            continue
        currency = seg.currency or inp.business.currency

        def money(value: float | None) -> str:
            return fmt_money(value, currency) if value is not None else MISSING

        interval = (f"{money(clv.predicted_clv_low)} – {money(clv.predicted_clv_high)}"
                    if clv.predicted_clv_low is not None and clv.predicted_clv_high is not None else MISSING)
        rows.append({
            "segment": seg.name,
            "historical": money(clv.historical_clv),
            "predicted": money(clv.predicted_clv),
            "interval": interval,
            "at_risk": money(clv.value_at_risk),
            "p_alive": fmt_pct(100 * clv.mean_p_alive) if clv.mean_p_alive is not None else MISSING,
            "high_risk": fmt_pct(clv.high_churn_risk_share_pct) if clv.high_churn_risk_share_pct is not None else MISSING,
        })
    return rows


def _value_basis(inp: NormalizedInput) -> str:
    """One sentence naming the model and horizon behind the predicted columns."""
    predicted = next((s.clv for s in inp.segments if s.clv and s.clv.predicted_clv is not None), None)
    if predicted is None:
        return "Historical CLV is net revenue per customer to date; no predictive model was fitted."
    model = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD"}.get(predicted.model or "", predicted.model or "model")
    return (f"Historical CLV is net revenue per customer to date. Predicted CLV is per customer over the next "
            f"{predicted.horizon_days} days ({model} expected purchases x expected spend, discounted monthly), with a "
            "95% parametric-bootstrap interval; value at risk is predicted value x (1 - P(alive)) summed over the segment."
            + (" BG/NBD counts customers who never repeated as alive (P(alive) = 1), so their risk is understated;"
               " `ltv-optimizer predict --model pareto_nbd` gives a second view." if predicted.model == "bgnbd" else ""))


def _share(value: float | None, suffix: str) -> str:
    return f"{fmt_pct(value)} {suffix}" if value is not None else MISSING


def _incentive(play_incentive: Any) -> str:
    kind = play_incentive.kind
    if kind == "none":
        return "none"
    if kind == "percent_discount" and play_incentive.depth_pct is not None:
        return f"{fmt_pct(play_incentive.depth_pct)} off"
    return kind.replace("_", " ")


def _roadmap(plan: Plan) -> list[dict[str, Any]]:
    """Moves per horizon, one line per play with every segment it applies to."""
    titles = {lever_id: lever.title for lever_id, lever in load_catalogue().levers.items()}
    sections = []
    for horizon, heading in HORIZON_TITLES:
        grouped: dict[tuple[str, str], list[str]] = {}
        for move in getattr(plan.horizons, horizon):
            grouped.setdefault((move.title, titles[move.lever]), []).append(move.segment)
        sections.append({"heading": heading, "moves": [{"title": t, "lever": lever, "segments": segs} for (t, lever), segs in grouped.items()]})
    return sections


_BUSINESS_SUFFIX = re.compile(r" \(business figure, used for '[^']*'\)$")
_RULE_LINE = re.compile(r"^(?P<lever>[a-z_]+) (?P<points>[+-][\d.]+): (?P<text>.*)$")


_BOOKKEEPING = ("best target", "the stated main tension")
_QUOTED_TITLE = re.compile(r"'([^']{40,})'")


def _short_note(note: str) -> str:
    """A constraint note with long quoted play titles cut to their first words (the plan's notes keep them whole)."""
    return _QUOTED_TITLE.sub(lambda m: "'" + " ".join(m.group(1).split()[:5]) + "…'", note)


def _appendix_lines(lever_id: str, lines: list[str]) -> list[str]:
    """Fired data rules with integer points, strongest first; lane, size-weight and tension lines stay in the JSON.

    One business figure standing in for several segments is one rule, shown once."""
    out = []
    seen: set[str] = set()
    for line in lines:
        match = _RULE_LINE.match(line)
        if (match is None or match["lever"] != lever_id or match["text"].startswith(_BOOKKEEPING)
                or "a lane this lever is built for" in match["text"]):
            continue
        points = round(float(match["points"]))
        text = _BUSINESS_SUFFIX.sub("", match["text"])
        if not points or text in seen:
            continue
        seen.add(text)
        out.append((abs(points), f"{points:+d} {text}"))
    return [text for _, text in sorted(out, key=lambda item: -item[0])]


_NOT_SIZED = re.compile(r"^(?P<who>.+ \([^()]+\)): not sized — (?P<need>.+) not given$")


def _revenue_lines(lines: list[str]) -> list[str]:
    """Sized lines as they are; the segments not sized for the same missing figure share one line."""
    out: list[str] = []
    unsized: dict[str, list[str]] = {}
    for line in lines:
        match = _NOT_SIZED.match(line)
        if match is None:
            out.append(line)
        else:
            unsized.setdefault(match["need"], []).append(match["who"])
    at = next((i for i, line in enumerate(out) if line.startswith("Sum:")), len(out))  # before the sum line
    for need, who in unsized.items():
        out.insert(at, f"Not sized ({need} not given): {'; '.join(who)}" if len(who) > 1 else f"{who[0]}: not sized — {need} not given")
        at += 1
    return out


def _metric(text: str, readout: int | None) -> str:
    """A success metric without the trailing window the read-out day column already gives ('... over 60 days')."""
    if not readout:
        return text
    return re.sub(rf"\s+(?:over|within) {readout} days$", "", text) or text


def _reading(plan: Plan, inp: NormalizedInput) -> dict[str, Any] | None:
    check = plan.reading_check
    if check is None:
        return None
    coverage = (f"{fmt_pct(check.coverage_pct)} of the numbers in the notes were placed." if check.coverage_pct is not None
                else "")
    # One line per snippet: the same text listed with and without its reason is one item.
    not_placed = [item for item in check.not_placed
                  if not any(other != item and other.startswith(item) for other in check.not_placed)]
    not_placed = list(dict.fromkeys(not_placed))
    # The Markdown counts what was placed (the JSON and `normalize` list each figure); it lists what was not.
    placed = sum(1 for item in inp.reading.placed if item.placed_in) if inp.reading is not None else len(check.placed)
    return {"coverage": coverage, "placed": check.placed, "placed_count": placed, "not_placed": not_placed,
            "conflicts": check.conflicts}


def render_markdown(plan: Plan, inp: NormalizedInput) -> str:
    """The plan as Markdown: same plan and input, same bytes (no dates, stable order)."""
    titles = {lever_id: lever.title for lever_id, lever in load_catalogue().levers.items()}
    segments: dict[str, Segment] = {s.name: s for s in inp.segments}
    context = {
        "reading": _reading(plan, inp),
        "this_week": plan.this_week,
        "business": plan.business_findings,
        "goal_note": plan.goal_note,
        "diagnosis": _diagnosis_rows(plan, inp),
        "value_rows": _value_rows(inp),
        "value_basis": _value_basis(inp),
        "levers": [
            {"rank": s.rank, "title": titles[s.id], "id": s.id, "score": int(round(s.score)), "segments": s.segments,
             "reason": s.reason,
             "lines": _appendix_lines(s.id, s.rationale)[:APPENDIX_LINES] if s.score > 0 and s.rank <= APPENDIX_LEVERS else []}
            for s in plan.levers
        ],
        "packages": [
            {
                "segment": pkg.segment,
                "lane": _lane(pkg.lane),
                "size": _size_label(segments.get(pkg.segment)),
                "plays": [
                    {"title": p.title, "lever": titles[p.lever], "owner": p.owner, "channel": p.channel.replace("_", " "),
                     "incentive": _incentive(p.incentive), "success_metric": _metric(p.success_metric, p.readout_days), "horizon": p.horizon,
                     "readout": p.readout_days or "—", "also_for": p.also_for}
                    for p in pkg.plays
                ],
                "notes": [_short_note(n) for n in pkg.notes],
                "shared": pkg.shared,
            }
            for pkg in plan.packages
        ],
        "constraint_notes": plan.constraint_notes,
        "roadmap": _roadmap(plan),
        "revenue_impact": _revenue_lines(plan.revenue_impact),
        "margin_impact": plan.margin_impact,
        "measurement": plan.measurement,
        "assumptions": plan.assumptions,
        "limits": [LIMITS_SHORT, *plan.limits[len(LIMITS):]] if plan.limits[:len(LIMITS)] == list(LIMITS) else plan.limits,
        "confidence": plan.confidence,
        "confidence_reason": plan.confidence_reason or f"Confidence is {plan.confidence}.",
        "warnings": inp.warnings,
    }
    return _environment().get_template("plan.md.j2").render(**context)


def _size_label(seg: Segment | None) -> str:
    if seg is None:
        return ""
    m = seg.metrics
    if m.customer_count is not None:
        return f"{fmt_count(m.customer_count)} customers"
    if m.customer_share_pct is not None:
        return f"{fmt_pct(m.customer_share_pct)} of customers"
    return ""


# Cohort tables wider than this are cut for reading; the structured output has every period.
ANALYSIS_COHORT_PERIODS = 13


def render_analysis(analysis: OrdersAnalysis) -> str:
    """The order-export analysis as a Markdown report for the operator (CLI `analyze`)."""
    widest = max((len(row.values) for row in analysis.cohorts.retention_pct), default=0) if analysis.cohorts else 0
    return _environment().get_template("analysis.md.j2").render(
        a=analysis, s=analysis.summary, c=analysis.cleaning, cohort_width=min(widest, ANALYSIS_COHORT_PERIODS)
    )


def render_prediction(prediction: CLVPrediction, currency: str | None) -> str:
    """Predicted CLV, fits, segments and the at-risk page as Markdown (CLI `predict`)."""
    fits = [prediction.purchase_fit] + ([prediction.spend_fit] if prediction.spend_fit is not None else [])
    return _environment().get_template("prediction.md.j2").render(p=prediction, fits=fits, currency=currency)


def render_holdout(report: HoldoutReport) -> str:
    """The holdout comparison of model and run-rate baseline as Markdown (CLI `validate`)."""
    return _environment().get_template("holdout.md.j2").render(r=report)
