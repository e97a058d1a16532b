"""Free-text customer notes -> NormalizedInput, by rules (no model, same text -> same result).

Pipeline: tidy the text (NFKC, so full-width ＄１２０％ reads like $120%) into clean lines (prepare);
read the whole note for rules (constraints), the stated worry (tension), the category, operating
context and business signals (context); split it into blocks whatever the style (structure),
read each sentence for numbers (reader; the numbers the whole-note readers used are left out),
pick lanes (lanes), then assemble the typed result with confidence and warnings.
Text in the notes is only ever data: instruction-like sentences are reported in warnings and
cannot loosen a constraint.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from skill.normalize.constraints import read_constraints
from skill.normalize.context import Signal, read_category, read_operating, read_signals
from skill.normalize.lanes import classify_lane
from skill.normalize.prepare import prepare_lines
from skill.normalize.reader import Draft, Money, SegmentDraft, read_blocks
from skill.normalize.structure import split_blocks
from skill.normalize.tension import read_tension
from skill.schema import (
    METRIC_FIELDS,
    BusinessMetrics,
    Metrics,
    NormalizedInput,
    Reading,
    ReadingItem,
    Segment,
)

__all__ = ["normalize_notes"]

_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\ufeff]")
# Dollar variants: "NT$", "A$"... written before a '$', ISO codes, or the currency's Chinese name.
_DOLLAR_PREFIX = re.compile(r"(?<![A-Za-z])([A-Za-z]{1,2})\$")
_DOLLAR_CODE = re.compile(r"\b(USD|TWD|NTD|AUD|CAD|HKD|SGD|NZD|MXN|BRL|ARS|COP|CLP)\b|(台幣|台币|新台幣|港幣|港币)")
_DOLLAR_NAMES = {"R": "BRL", "MX": "MXN", "NT": "TWD", "NTD": "TWD", "台幣": "TWD", "台币": "TWD", "新台幣": "TWD", "A": "AUD", "AU": "AUD",
                 "C": "CAD", "CA": "CAD", "HK": "HKD", "港幣": "HKD", "港币": "HKD", "S": "SGD", "NZ": "NZD", "US": "USD"}
_JAPANESE = re.compile(r"[\u3040-\u30ff]|円|\byen\b|\bJPY\b|日圓|日元|日幣", re.IGNORECASE)
_YUAN = re.compile(r"\bRMB\b|\bCNY\b|人民幣|人民币")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Characters that exist only in Traditional (first) or only in Simplified (second) script.
_TRADITIONAL = re.compile(r"[會員價單貨購營數據歸戶費訂顧與過發簡為這們個體來對時區灣臺閱買賣實禮點門]")
_SIMPLIFIED = re.compile(r"[会员价单货购营数据归户费订顾与过发简为这们个体来对时区湾台阅买卖实礼点门]")


def normalize_notes(text: str) -> NormalizedInput:
    """Read pasted segment notes (any mix of tables, CSV, bullets, key: value, prose, EN/中文)."""
    notes = _INVISIBLE.sub(" ", unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n"))
    lines = prepare_lines(notes)
    # Whole-note readers: rules, the stated worry, the category, how the business runs, its signals.
    rules = read_constraints(lines)
    tension, tension_evidence = read_tension(lines)
    category = read_category(lines)
    operating = read_operating(lines, rules)
    signals = read_signals(lines)
    structure_warnings: list[str] = []
    blocks = split_blocks("\n".join(lines), structure_warnings)
    money = _money_context(notes)
    draft = read_blocks(blocks, money)
    warnings = structure_warnings + rules.warnings + draft.warnings
    _derive_shares(draft, warnings)
    currency = _main_currency(draft, warnings)
    kept = [seg for seg in draft.segments if seg.metrics or seg.revenue_amount or not seg.from_prose]
    for seg in draft.segments:
        if seg not in kept:
            warnings.append(f"'{seg.name}' is only mentioned in passing, with no numbers; not read as a segment")
    segments = [_segment(seg, currency, warnings) for seg in kept]
    business, business_evidence = _business(draft, currency, category, signals, warnings)
    if tension_evidence:
        business_evidence["main_tension"] = tension_evidence
    warnings.extend(reason for symbol, reason in money.reasons.items() if symbol in draft.symbols_used)
    for phrase, value, where, placed_in in rules.placed:
        if value is None:  # bans and free-product rules (the reader reported the caps' numbers)
            draft.report(phrase, None, where, placed_in, None)
    reading = _reading(draft)
    confidence = _confidence(segments, business, warnings)
    confidence = _reading_confidence(confidence, reading, warnings)
    return NormalizedInput(
        segments=segments,
        business=business,
        business_evidence=business_evidence,
        constraints=rules.constraints(),
        main_tension=tension,
        operating=operating,
        reading=reading,
        confidence=confidence,
        warnings=list(dict.fromkeys(warnings)),
        source="notes",
    )


# Below this share of numbers placed, the reading is too uncertain to plan on without a check.
LOW_COVERAGE_PCT = 70.0


def _reading(draft: Draft) -> Reading:
    """Every number the reader met: where it went, or why it could not be placed."""
    placed, not_placed = [], []
    for text, value, where, placed_in, reason in draft.reading:
        item = ReadingItem(snippet=where, text=text[:80], value=value if value is None or math.isfinite(value) else None,
                           placed_in=placed_in, reason=reason)
        (placed if placed_in else not_placed).append(item)
    total = len(placed) + len(not_placed)
    coverage = round(100 * len(placed) / total, 1) if total else None
    return Reading(placed=placed, not_placed=not_placed, conflicts=list(dict.fromkeys(draft.conflicts)), coverage_pct=coverage)


def _reading_confidence(confidence: str, reading: Reading, warnings: list[str]) -> str:
    """Low coverage or conflicting values lower confidence one step: the plan asks for a check first."""
    lowered = {"high": "medium", "medium": "low", "low": "low"}
    if reading.coverage_pct is not None and reading.coverage_pct < LOW_COVERAGE_PCT:
        warnings.append(f"only {reading.coverage_pct:g}% of the numbers in the notes were placed; check `reading.not_placed` before planning")
        return lowered[confidence]
    if reading.conflicts:
        warnings.append(f"{len(reading.conflicts)} field(s) were given two different values; check `reading.conflicts`")
        return lowered[confidence]
    return confidence


def _money_context(notes: str) -> Money:
    """Decide once what bare '$', '¥' and '元' mean here, and why (reported only if used)."""
    reasons: dict[str, str] = {}
    written = [m.group(1).upper() for m in _DOLLAR_PREFIX.finditer(notes)] if "$" in notes else []
    written += [m.group(1) or m.group(2) for m in _DOLLAR_CODE.finditer(notes)]
    codes = {_DOLLAR_NAMES.get(word, word) for word in written if word in _DOLLAR_NAMES or len(word) == 3}
    variants = sorted(codes - {"USD"})
    dollar = "USD"
    if len(variants) == 1 and "USD" not in codes:
        dollar = variants[0]
        reasons["$"] = f"bare '$' read as {dollar} because the notes also write {dollar} amounts"
    elif variants:
        reasons["$"] = f"bare '$' read as USD although the notes also mention {', '.join(variants)}; check amounts"
    if _JAPANESE.search(notes):
        yen = "JPY"
    elif _YUAN.search(notes):
        yen = "CNY"
    elif _HAN.search(notes):
        yen = "CNY"
        reasons["¥"] = "'¥' read as CNY because the notes are written in Chinese; say JPY if these are yen"
    else:
        yen = "JPY"
        reasons["¥"] = "'¥' read as JPY (nothing else in the notes says yen or yuan); say CNY/RMB if these are yuan"
    if "TWD" in variants:
        yuan = "TWD"
    elif _YUAN.search(notes):
        yuan = "CNY"
    elif len(_TRADITIONAL.findall(notes)) > len(_SIMPLIFIED.findall(notes)):
        yuan = "TWD"
        reasons["元"] = "'元' read as TWD because the notes use Traditional Chinese; say CNY if these are renminbi"
    else:
        yuan = "CNY"
        reasons["元"] = "'元' read as CNY because the notes use Simplified Chinese; say TWD if these are NT dollars"
    return Money(dollar, yen, yuan, reasons)


def _derive_shares(draft: Draft, warnings: list[str]) -> None:
    """Segment shares from counts or revenue when the notes also give the whole-business total."""
    total_customers = draft.business.metrics.get("customer_count")
    total_revenue = draft.business.revenue_amount
    for seg in draft.segments:
        count = seg.metrics.get("customer_count")
        if total_customers and count is not None and "customer_share_pct" not in seg.metrics and count <= total_customers:
            seg.metrics["customer_share_pct"] = round(100 * count / total_customers, 2)
            seg.evidence["customer_share_pct"] = f"derived: {count:g} of {total_customers:g} customers"
        if seg.revenue_amount is not None and "revenue_share_pct" not in seg.metrics:
            amount, evidence = seg.revenue_amount
            if total_revenue and amount <= total_revenue[0]:
                seg.metrics["revenue_share_pct"] = round(100 * amount / total_revenue[0], 2)
                seg.evidence["revenue_share_pct"] = f"derived: {evidence} of total {total_revenue[1]}"
            else:
                warnings.append(f"{seg.name}: revenue amount given ({evidence}) but no business total, so no revenue share derived")


def _main_currency(draft: Draft, warnings: list[str]) -> str | None:
    seen = Counter(code for owner in [draft.business, *draft.segments] for code in owner.currencies if code)
    if len(seen) > 1:
        warnings.append(f"mixed currencies in the notes ({', '.join(sorted(seen))}); amounts are not converted")
    if draft.stated_currency and seen and draft.stated_currency not in seen:
        warnings.append(f"notes say amounts are in {draft.stated_currency} but write {', '.join(sorted(seen))}; kept the written symbols")
    return seen.most_common(1)[0][0] if seen else draft.stated_currency


def _segment(seg: SegmentDraft, currency: str | None, warnings: list[str]) -> Segment:
    lane, why = classify_lane(seg.name, " ".join(seg.text), seg.metrics)
    if lane == "other":
        warnings.append(f"segment '{seg.name}': no lane word or threshold matched, lane set to 'other'")
    if not seg.metrics:
        warnings.append(f"segment '{seg.name}' has no numbers; only its words were used")
    evidence = {field: seg.evidence[field] for field in METRIC_FIELDS if field in seg.metrics}
    evidence["lane"] = why
    own = next((code for code in seg.currencies if code), None)
    return Segment(
        name=seg.name[:200],
        lane=lane,
        currency=own or currency,
        metrics=Metrics(**{field: seg.metrics[field] for field in METRIC_FIELDS if field in seg.metrics}),
        evidence=evidence,
    )


def _business(draft: Draft, currency: str | None, category: tuple[str | None, str | None], signals: dict[str, Signal],
              warnings: list[str]) -> tuple[BusinessMetrics, dict[str, str]]:
    """Whole-business metrics (the block reader), the category and the signals (the whole-note readers)."""
    name, where = category
    if name is None:
        warnings.append("business category not stated (e.g. 'we sell skincare')")
    elif where and where.startswith("inferred: "):
        warnings.append(f"category '{name}' inferred from a mention in the notes, not stated")
    values = {field: value for field, value in draft.business.metrics.items() if field in BusinessMetrics.model_fields}
    values.update({field: signal.value for field, signal in signals.items() if field not in values})
    business = BusinessMetrics(**values, category=name[:80] if name else None, currency=currency)
    evidence = {k: v for k, v in draft.business.evidence.items() if getattr(business, k, None) is not None}
    evidence.update({field: signal.evidence for field, signal in signals.items() if field not in evidence})
    if name and where:
        evidence["category"] = where
    return business, evidence


def _confidence(segments: list[Segment], business: BusinessMetrics, warnings: list[str]) -> str:
    """high: 3+ segments, most with 2+ numbers; low: no segments or no numbers; else medium."""
    business_numbers = sum(1 for field in METRIC_FIELDS if getattr(business, field) is not None) + (business.cac is not None)
    filled = [sum(1 for field in METRIC_FIELDS if getattr(seg.metrics, field) is not None) for seg in segments]
    numbers = sum(filled) + business_numbers
    if not segments:
        warnings.append("no customer segments found in the notes; the plan can only be business-wide")
    if numbers == 0:
        warnings.append("no numbers found (customer counts, AOV, repeat rate, margin...); every figure in the plan is an assumption")
        return "low"
    if segments:
        sized = any(seg.metrics.customer_count is not None or seg.metrics.customer_share_pct is not None for seg in segments)
        if not sized:
            warnings.append("no segment sizes (customer counts or shares); impact cannot be weighted by segment size")
        for field, label in (("customer_share_pct", "customer"), ("revenue_share_pct", "revenue")):
            total = sum(getattr(seg.metrics, field) or 0 for seg in segments)
            if total > 100.5:
                warnings.append(f"segment {label} shares add up to {total:g}% (segments overlap or figures disagree)")
    if business.aov is None and all(seg.metrics.aov is None for seg in segments):
        warnings.append("AOV not given for any segment or the business")
    if business.gross_margin_pct is None and all(seg.metrics.gross_margin_pct is None for seg in segments):
        warnings.append("gross margin not given; discount and incentive costs cannot be checked against margin")
    if not segments:
        return "low"
    rich = sum(1 for count in filled if count >= 2)
    if len(segments) >= 3 and rich >= 3 and rich * 3 >= len(segments) * 2:
        return "high"
    return "medium"
