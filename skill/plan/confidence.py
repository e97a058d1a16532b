"""Step 7: how far to trust the plan, what it assumed, what it could not read, and its limits.

Confidence separates a number the notes never gave ("not given") from one they gave that the
reader could not place ("could not read", from `inp.reading.not_placed`). When the reading
shows low coverage or conflicting values, the plan opens with what was placed and what was
not, so the operator can correct the input and re-plan. Text from the notes is data: anything
instruction-like is withheld rather than quoted.
"""

from __future__ import annotations

import re
from typing import Any

from heuristics import Assessment, Catalogue
from heuristics.formatting import fmt_number, fmt_pct
from skill.plan.facts import Facts
from skill.plan.plays import PlaySelection
from skill.plan.size import Impact, effect_unit
from skill.schema import NormalizedInput, ReadingCheck, SegmentPackage

CONFIDENCE_STEPS = ("low", "medium", "high")
LOW_COVERAGE_PCT = 70
MAX_LISTED_PLACED, MAX_LISTED_UNPLACED = 6, 8
SNIPPET_CHARS = 90
WITHHELD = "[instruction-like text withheld]"

LIMITS = (
    "This plan is based only on the data provided; it has not seen your store, CRM or order history beyond that.",
    "No access to live CRM, ESP, ad accounts or analytics systems: every figure comes from the input or a stated benchmark.",
    "Nothing is sent, scheduled or applied automatically; the tool only writes this plan.",
    "The operator approves every message, audience and incentive before anything goes out.",
)

_INSTRUCTION_LIKE = re.compile(
    r"\b(ignore|disregard|override|forget|jailbreak|pretend)\b|system prompt|instructions?\b|you are now|as an ai|"
    r"\bact as\b|do not follow|忽略|無視|无视",
    re.IGNORECASE,
)


def safe_snippet(text: str) -> str:
    """A notes snippet fit to quote: instruction-like text withheld, one line, cut to a readable length."""
    flat = " ".join(text.split())
    if _INSTRUCTION_LIKE.search(flat):
        return WITHHELD
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1].rstrip() + "…"


def safe_warning(warning: str) -> str:
    """A reader warning with any quoted instruction-like text withheld."""
    return re.sub(r"'([^']*)'", lambda m: f"'{WITHHELD}'" if _INSTRUCTION_LIKE.search(m.group(1)) else m.group(0), warning)


MAX_LISTED_WARNINGS = 5
_STATED_GAP = re.compile(r"^[\w ]+ not given\b|has no numbers; only its words were used")


def limits(inp: NormalizedInput, shown: ReadingCheck | None) -> list[str]:
    """The fixed limits plus the reader's warnings: instruction-like text withheld, what the reading block lists left out."""
    out = list(LIMITS)
    warnings = [safe_warning(w) for w in inp.warnings]
    if shown is not None:
        warnings = [w for w in warnings if not w.startswith("could not place") and "given two different values" not in w
                    and "given twice" not in w]
    # A gap the plan already states (diagnosis dashes, confidence, margin lines) is not listed again here.
    warnings = [w for w in warnings if not _STATED_GAP.search(w)]
    if warnings:
        extra = len(warnings) - MAX_LISTED_WARNINGS
        listed = warnings[:MAX_LISTED_WARNINGS] + ([f"{extra} more in the input's warnings"] if extra > 0 else [])
        out.append(f"The input reader reported: {' | '.join(listed)}")
    return out


def reading_check(inp: NormalizedInput) -> ReadingCheck | None:
    """The 'what I read / what I could not place' block, when coverage is below 70% or values conflict."""
    reading = inp.reading
    if reading is None:
        return None
    low = reading.coverage_pct is not None and reading.coverage_pct < LOW_COVERAGE_PCT
    if not (low or reading.conflicts):
        return None
    placed = [f"{item.placed_in}: {safe_snippet(item.text)}" for item in reading.placed if item.placed_in]
    if len(placed) > MAX_LISTED_PLACED:
        placed = placed[:MAX_LISTED_PLACED] + [f"and {len(placed) - MAX_LISTED_PLACED} more (see the input)"]
    unplaced = []
    for item in reading.not_placed:
        line = f"'{safe_snippet(item.snippet or item.text)}'"
        if item.reason and line != f"'{WITHHELD}'" and not any(c in item.reason for c in reading.conflicts):
            line += f" ({safe_snippet(item.reason)})"
        if line not in unplaced:
            unplaced.append(line)
    if len(unplaced) > MAX_LISTED_UNPLACED:
        unplaced = unplaced[:MAX_LISTED_UNPLACED] + [f"… and {len(unplaced) - MAX_LISTED_UNPLACED} more"]
    return ReadingCheck(coverage_pct=reading.coverage_pct, placed=placed, not_placed=unplaced,
                        conflicts=[safe_snippet(c) for c in reading.conflicts])


def _unread_near(name: str, inp: NormalizedInput) -> int:
    """How many numbers the reader could not place in snippets that mention this segment."""
    if inp.reading is None:
        return 0
    key = name.lower()
    return sum(1 for item in inp.reading.not_placed if key in (item.snippet or "").lower())


def plan_confidence(facts: Facts) -> tuple[str, list[str]]:
    """Input confidence, lowered a step when half the segments lack key metrics, when no segment has a gross margin
    and one has no numbers at all, or when much of the notes went unread."""
    inp = facts.inp
    level = inp.confidence
    reasons = [f"the input was read with {inp.confidence} confidence"] if inp.confidence != "high" else []
    if not facts.segments:
        return "low", reasons + ["no customer segments were provided"] + _warning_reason(inp)
    by_gap: dict[str, list[str]] = {}
    unread = []
    for sf in facts.segments:
        near = _unread_near(sf.name, inp)
        if near and sf.gaps:
            unread.append(f"'{sf.name}' ({', '.join(sf.gaps)}; {near} number{'s' if near != 1 else ''} near it could not be placed)")
            continue
        for gap in sf.gaps:
            by_gap.setdefault(gap, []).append(f"'{sf.name}'")
    thin = sum(1 for sf in facts.segments if len(sf.gaps) >= 2)
    if thin and 2 * thin >= len(facts.segments):
        level = CONFIDENCE_STEPS[max(0, CONFIDENCE_STEPS.index(level) - 1)]
        reasons.append(f"{thin} of {len(facts.segments)} segments lack two or more key metrics")
    blank = [sf.name for sf in facts.segments
             if all(v is None for v in sf.seg.metrics.model_dump().values())]
    no_margin = (getattr(inp.business, "gross_margin_pct", None) is None
                 and all(sf.seg.metrics.gross_margin_pct is None for sf in facts.segments))
    if blank and no_margin:
        # Profit can be checked nowhere and a segment is only a name: the plan rests on benchmarks there.
        # Said only where it lowers the level; otherwise the gaps list below already names both.
        if level == inp.confidence and level != "low":
            level = CONFIDENCE_STEPS[CONFIDENCE_STEPS.index(level) - 1]
            reasons.append(f"gross margin is missing for every segment and {_names([f'{n!r}' for n in blank])} "
                           f"{'has' if len(blank) == 1 else 'have'} no numbers at all")
    if by_gap:
        every = len(facts.segments) > 1
        # Gaps missing for the same segments share one phrase ("AOV, repeat rate for every segment").
        by_names: dict[tuple[str, ...], list[str]] = {}
        for gap, names in by_gap.items():
            by_names.setdefault(tuple(names), []).append(gap)
        reasons.append("not given in the notes: " + "; ".join(
            f"{', '.join(gaps)} for {'every segment' if every and len(names) == len(facts.segments) else _names(list(names))}"
            for names, gaps in by_names.items())
            + (" (the diagnosis shows which)" if any(2 < len(n) < len(facts.segments) for n in by_names) else ""))
    if unread:
        reasons.append("given but could not be read: " + "; ".join(unread))
    reading = inp.reading
    if reading is not None and reading.not_placed:
        coverage = f" ({fmt_pct(reading.coverage_pct)} of the numbers placed)" if reading.coverage_pct is not None else ""
        reasons.append(f"{len(reading.not_placed)} number(s) in the notes could not be placed{coverage}")
        if reading.coverage_pct is not None and reading.coverage_pct < LOW_COVERAGE_PCT and level != "low":
            level = CONFIDENCE_STEPS[CONFIDENCE_STEPS.index(level) - 1]
    if reading is not None and reading.conflicts:
        reasons.append(f"{len(reading.conflicts)} value(s) were given twice with different numbers")
    if not reasons:
        source = "measured from order data" if inp.source == "orders" else "read with high confidence"
        reasons.append(f"the input was {source} and most segments carry the key metrics")
    return level, reasons + _warning_reason(inp)


def _names(names: list[str]) -> str:
    """Two names are listed; more are counted (the diagnosis table shows which)."""
    return ", ".join(names) if len(names) <= 2 else f"{len(names)} segments"


def _warning_reason(inp: NormalizedInput) -> list[str]:
    count = len(inp.warnings)
    return [f"{count} input warning{'s' if count != 1 else ''} from the reader may hide a misread number"] if count else []


def confidence_statement(level: str, reasons: list[str]) -> str:
    # High confidence despite caveats is not "high because of the gaps".
    link = "; still," if level == "high" and not reasons[0].startswith("the input was") else " because"
    statement = f"Confidence is {level}{link} {'; '.join(reasons)}."
    if level == "low":
        statement += (" Treat scores and estimates as directional; adding segment sizes, AOV, repeat rate and "
                      "gross margin (or an order export) would raise it.")
    return statement


def assumptions(facts: Facts, assessment: Assessment, impacts: list[Impact], catalogue: Catalogue,
                packages: list[SegmentPackage], bench: dict[str, Any]) -> list[str]:
    inp = facts.inp
    out: list[str] = []
    # The benchmarks behind the levers that carry the plan (the packages' lead levers); the appendix cites the rest.
    leads = {pkg.plays[0].lever for pkg in packages if pkg.plays}
    used = {ref.split(".")[0] for lid in leads for sig in catalogue.levers[lid].signals
            for ref in (sig.threshold, sig.upper, sig.full_at) if isinstance(ref, str)} & set(assessment.benchmarks_used)
    sources = [bench[s].get("short") or bench[s]["source"] for s in sorted(used)
               if s != "return_rate" and isinstance(bench.get(s), dict) and bench[s].get("source")]
    if sources:
        out.append("Benchmarks relied on (public DTC rules of thumb): " + "; ".join(sources) + ".")
    band = facts.band
    if band.known:
        out.append(f"Return rates judged against the {band.label} band of {fmt_number(band.low_pct)}-{fmt_number(band.high_pct)}%.")
    elif any(s.seg.metrics.return_rate_pct is not None for s in facts.segments) or inp.business.return_rate_pct is not None:
        stated = f" ('{inp.business.category}' did not match a known category)" if inp.business.category else ""
        out.append(f"Category not known{stated}: return rates judged against the general "
                   f"{fmt_number(band.low_pct)}-{fmt_number(band.high_pct)}% band.")
    if assessment.sizes_assumed:
        names = ", ".join(f"'{n}'" for n in assessment.sizes_assumed)
        out.append(f"{names} {'has' if len(assessment.sizes_assumed) == 1 else 'have'} no revenue or customer share: "
                   "weighted as mid-sized in the lever scores.")
    business_margin = [sf.name for sf in facts.segments if sf.margin_basis == "business"]
    if business_margin and len(business_margin) < len(facts.segments):
        out.append(f"Margin lines use the business gross margin ({fmt_pct(inp.business.gross_margin_pct or 0)}) for "
                   + ", ".join(f"'{n}'" for n in business_margin) + ".")
    elif business_margin:
        out.append(f"Margin lines use the business gross margin ({fmt_pct(inp.business.gross_margin_pct or 0)}).")
    if inp.source == "orders":
        measured = sorted({field for sf in facts.segments for field in sf.seg.measured})
        out.append("Measured from the order export, not assumed: " + (", ".join(f.replace("_", " ") for f in measured) or "nothing")
                   + ". Benchmarks above are the only outside figures.")
    if any(i.orders_basis in ("default", "cycle") for i in impacts):
        out.append("Orders per year not given: 365 / the stated repurchase cycle where there is one, else "
                   f"{fmt_number(bench['defaults']['orders_per_year_when_missing'])} order a year (marked 'assumed' in each line).")
    # Sized lines carry their range; the benchmark range is spelled out only for levers left unsized.
    sized = {i.lever for i in impacts if i.revenue_high > 0 or i.margin_line}
    bases = [f"{catalogue.levers[lid].title} {effect_unit(lid, catalogue)}"
             for lid in sorted({pkg.plays[0].lever for pkg in packages if pkg.plays} - sized)]
    if bases:
        out.append("Effect ranges are benchmarks, not promises: " + "; ".join(bases) + ".")
    elif impacts:
        out.append("Effect ranges are public benchmarks, not promises (`explain_lever` gives each lever's basis).")
    if not (inp.business.currency or any(s.seg.currency for s in facts.segments)):
        out.append("Currency not stated: money is shown without a symbol.")
    return out


def constraint_notes(facts: Facts, selection: PlaySelection) -> list[str]:
    inp = facts.inp
    c, op = inp.constraints, inp.operating
    lines = []
    if c.max_discount_pct is not None:
        lines.append("No discounts of any kind (percent, fixed, store credit) in any play." if c.max_discount_pct == 0
                     else f"Percent discounts capped at {fmt_pct(c.max_discount_pct)}; fixed discounts excluded because their depth cannot be checked.")
    if op.pricing is not None:
        how = "contracted" if op.pricing == "contracted" else "never discounted"
        lines.append(f"Prices are {how}: no discount, promotion or code-audit plays, and no margin credited from discounts.")
    if c.banned_channels:
        lines.append(f"Banned channels, never used: {', '.join(c.banned_channels)}.")
    if facts.unreachable_channels:
        stated = ", ".join(op.channels_available) if op.channels_available else "as stated"
        lines.append(f"Channels that exist ({stated}): no play uses {', '.join(facts.unreachable_channels)}.")
    if c.no_free_product:
        lines.append("No free products: gift and sample plays use their non-product alternative.")
    if op.customer_owner is not None:
        lines.append(f"Customer-facing plays are owned by whoever owns the customer: {op.customer_owner.replace('_', ' ')}.")
    lines.extend(selection.capacity_notes)
    changed = sum(len(p.notes) for p in selection.packages)
    if changed:
        lines.append(f"{changed} play change(s) were made to respect these rules; see each package's notes.")
    for other in c.other:
        lines.append(f"Not machine-checked, review each play against it by hand: {safe_snippet(other)}")
    if not lines:
        lines.append("No constraints stated: incentives use the catalogue defaults (up to 20% off); state a discount cap "
                     "or banned channels to restrict them.")
    return lines
