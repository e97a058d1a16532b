"""Read blocks sentence by sentence into a draft: segment and business metrics with evidence.

Order inside a sentence matters and is fixed: instruction-like text is skipped; the numbers that
rules and business signals use (read from the whole note by constraints and context) are used
up; lane/time-window phrases use up theirs; every number left is a metric or a "could not
place" warning. Nothing is dropped without a warning.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from skill.normalize.constraints import claims, instruction_kind
from skill.normalize.context import signal_claims, states_context
from skill.normalize.lexicon_context import POLICY_CUE
from skill.normalize.tension import states_worry
from skill.normalize.lanes import lane_from_name
from skill.normalize.lexicon import (
    ANNUAL_WORDS,
    MONTHLY_CHURN_CUE,
    CADENCE,
    CADENCE_DAYS,
    CURRENCY_STATEMENT_STEMS,
    DAYS_SINCE_STEMS,
    OFFER_STEMS,
    WINDOW_STEMS,
    mentions_any,
    HAS_DIGIT,
    BUSINESS_ONLY_FIELDS,
    BUSINESS_SCOPE,
    CURRENCY_STATEMENT,
    DAYS_SINCE_PHRASE,
    FIELD_WORDS,
    LANE_NUMBER_PHRASES,
    OFFER_DEPTH,
    PERCENT_FIELDS,
    PRONOUN_START,
    SEGMENT_MENTION,
    SEGMENT_ONLY_FIELDS,
    TIME_WINDOW,
)
from skill.normalize.quantities import Quantity, field_for, find_quantities
from skill.normalize.segments import counted_segment, listed_segments, segment_phrase
from skill.normalize.structure import BUSINESS, CONSTRAINTS, PROSE, SEGMENT, Block, Clause

_ACCEPTED_KINDS = {name: kinds for name, _words, kinds in FIELD_WORDS}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？;；])\s*|\n")
_ABBREVIATION_END = re.compile(r"(?:\be\.g|\bi\.e|\bapprox|\bavg|\bvs|\betc|\best|\bno|\bincl|\bmo|\byr|\bcf)\.$", re.IGNORECASE)
_SNIPPET_CHARS = 160
_DAYS = {"d": 1, "day": 1, "days": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "month": 30, "months": 30, "mo": 30,
         "mos": 30, "year": 365, "years": 365, "yr": 365, "yrs": 365}


@dataclass
class SegmentDraft:
    name: str
    metrics: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    currencies: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    revenue_amount: tuple[float, str] | None = None
    name_lane: str | None = None
    from_prose: bool = False  # created because prose mentioned it, not named by a heading/row


@dataclass
class Draft:
    segments: list[SegmentDraft] = field(default_factory=list)
    business: SegmentDraft = field(default_factory=lambda: SegmentDraft("business"))
    stated_currency: str | None = None
    warnings: list[str] = field(default_factory=list)
    reading: list[tuple[str, float | None, str, str | None, str | None]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    last_segment: SegmentDraft | None = None  # the segment the note last gave a number to
    symbols_used: set[str] = field(default_factory=set)

    def report(self, text: str, value: float | None, where: str, placed_in: str | None, reason: str | None) -> None:
        """One line of the reading report: a number (or rule) and the field it went to, or why not."""
        self.reading.append((text, value, where, placed_in, reason))

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def segment(self, name: str) -> SegmentDraft:
        """The segment with this name (case and plural-insensitive), created on first sight."""
        key = _name_key(name)
        for existing in self.segments:
            if _name_key(existing.name) == key:
                return existing
        lane = lane_from_name(name)
        created = SegmentDraft(name, name_lane=lane[0] if lane else None)
        self.segments.append(created)
        return created

    def mentioned(self, words: str) -> SegmentDraft:
        """The segment prose refers to: same lane as an existing one (VIPs ~ VIP customers), else new."""
        lane = lane_from_name(words)
        for existing in self.segments:
            if lane and existing.name_lane == lane[0]:
                return existing
        created = self.segment(words)
        created.from_prose = created.from_prose or not created.metrics and not created.text
        return created

    def fold_prose_mentions(self) -> None:
        """'27% of first-time buyers...' written above a '## New customers' list is about that list:
        a segment only prose mentioned joins the named segment of the same lane (named values win)."""
        named = [seg for seg in self.segments if not seg.from_prose]
        for seg in [s for s in self.segments if s.from_prose]:
            home = next((n for n in named if seg.name_lane and n.name_lane == seg.name_lane), None)
            if home is None:
                continue
            for name, value in seg.metrics.items():
                if name not in home.metrics:
                    home.metrics[name], home.evidence[name] = value, seg.evidence[name]
            home.currencies.extend(seg.currencies)
            home.text.extend(seg.text)
            home.revenue_amount = home.revenue_amount or seg.revenue_amount
            self.segments.remove(seg)


@dataclass(frozen=True)
class Money:
    """How bare currency symbols read in this document (decided once from the whole note)."""

    dollar: str
    yen: str
    yuan: str
    reasons: dict[str, str]


def _name_key(name: str) -> str:
    key = re.sub(r"[^\w%+]+", " ", name.lower()).strip()
    return re.sub(r"s\b", "", key)


def sentences(text: str) -> list[str]:
    """Split on sentence ends, re-joining after abbreviations such as 'e.g.' or 'approx.'."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if not piece or not piece.strip():
            continue
        if pieces and _ABBREVIATION_END.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece.strip()}"
        else:
            pieces.append(piece.strip())
    return pieces


def snippet(text: str, around: tuple[int, int] | None = None) -> str:
    """The source text, shortened to a window around the span that matters."""
    if len(text) > 4 * _SNIPPET_CHARS:  # cut a raw window first, so a 50k-character line costs no more than a short one
        start = max(0, (around[0] if around else 0) - 2 * _SNIPPET_CHARS)
        text = text[start : start + 4 * _SNIPPET_CHARS]
        around = (around[0] - start, around[1] - start) if around else None
    text = " ".join(text.split())
    if len(text) <= _SNIPPET_CHARS:
        return text
    start = max(0, (around[0] if around else 0) - _SNIPPET_CHARS // 2)
    return ("…" if start else "") + text[start : start + _SNIPPET_CHARS].strip() + "…"


def read_blocks(blocks: list[Block], money: Money) -> Draft:
    draft = Draft()
    for block in blocks:
        reader = _BlockReader(draft, block, money)
        # "Les multi-tailles (elles commandent 2 ou 3 tailles)": a bracket in the name only fills what the lines leave
        for clause in sorted(block.clauses, key=lambda clause: clause.is_heading and clause.text != block.name):
            for sentence in sentences(clause.text):
                reader.read(sentence, clause)
    draft.fold_prose_mentions()
    return draft


class _BlockReader:
    """Reads one block's sentences, remembering the last segment prose talked about."""

    def __init__(self, draft: Draft, block: Block, money: Money) -> None:
        self.draft, self.block, self.money = draft, block, money
        self.target: SegmentDraft | None = draft.segment(block.name) if block.kind == SEGMENT and block.name else None
        self.last_mentioned: SegmentDraft | None = None
        self.read_in_target = 0  # sentences read while a segment block owns them
        self.pending: str | None = None  # a segment named without numbers, waiting for the next sentence

    def read(self, sentence: str, clause: Clause) -> None:
        draft = self.draft
        lowered = sentence.lower()
        if instruction_kind(sentence):
            return  # reported once, by a description, by the constraints reader; never read, never echoed
        # Rules, business signals and the team size are read from the whole note (constraints,
        # context); here their numbers are only used up, so a cap is never read as a discount share.
        used: list[tuple[int, int]] = []
        claimed = claims(sentence) + signal_claims(sentence)
        for claim in claimed:
            used.append((claim.start, claim.end))
            if claim.value is not None:
                draft.report(claim.text, claim.value, snippet(sentence, (claim.start, claim.end)), claim.placed_in, None)
        understood = bool(claimed) or clause.is_heading or states_worry(sentence) or states_context(sentence)
        stated = CURRENCY_STATEMENT.search(sentence) if mentions_any(lowered, CURRENCY_STATEMENT_STEMS) else None
        if stated:
            code = next(group for group in stated.groups() if group).upper()
            draft.stated_currency = draft.stated_currency or {"RMB": "CNY", "NTD": "TWD"}.get(code, code)
            used.append(stated.span())
            understood = True
        pieces = self._route(sentence, clause)
        understood |= any(owner is not None and owner is not draft.business for _start, owner in pieces) and self.block.kind != SEGMENT
        has_digit = HAS_DIGIT.search(sentence) is not None
        for match in DAYS_SINCE_PHRASE.finditer(sentence) if has_digit and mentions_any(lowered, DAYS_SINCE_STEMS) else ():
            if _overlaps(match.span(), used):
                continue
            days = float(match.group(1)) * _DAYS.get(match.group(2).lower(), 1)
            owner = _owner_at(pieces, match.start())
            understood |= self._store(owner, "days_since_last_order", days, None, sentence, clause, match.span())
            used.append(match.span())
        for match in OFFER_DEPTH.finditer(sentence) if has_digit and mentions_any(lowered, OFFER_STEMS) else ():
            if not _overlaps(match.span(), used):
                draft.warn(f"offer depth '{match.group(0)}' is not a metric; not used: '{snippet(sentence, match.span())}'")
                used.append(match.span())
        for pattern in (LANE_NUMBER_PHRASES, TIME_WINDOW) if has_digit and mentions_any(lowered, WINDOW_STEMS) else ():
            for window in pattern.finditer(sentence):
                if not _overlaps(window.span(), used):
                    used.append(window.span())
                    owner = _owner_at(pieces, window.start())
                    where = "business" if owner is None or owner is draft.business else f"segment '{owner.name}'"
                    draft.report(window.group(0), None, snippet(sentence, window.span()), f"{where} definition (time window)", None)
        cadence = CADENCE.search(sentence) if "ly " in lowered or "every" in lowered or "cada" in lowered else None
        if cadence and not re.search(r"every\s+~?\d", lowered):
            owner = _owner_at(pieces, cadence.start())
            if owner is not None and owner is not draft.business:
                word = next(group for group in (cadence.group("word"), cadence.group("adverb"), cadence.group("every"), cadence.group("cada")) if group).lower()
                self._store(owner, "repurchase_cycle_days", float(CADENCE_DAYS[word]), None, sentence, clause, cadence.span())
        found = find_quantities(sentence) if has_digit else []
        if found and GOAL_LINE.match(sentence):  # a wished-for figure is reported, never stored
            for quantity in found:
                if quantity.kind not in ("year", "label"):
                    draft.report(quantity.text, quantity.value, snippet(sentence, (quantity.start, quantity.end)), None,
                                 "a goal or target, not a current figure")
            found = []
        quantities = [q for q in found if q.kind not in ("year", "label") and not _overlaps((q.start, q.end), used)]
        previous_field = None
        for index, quantity in enumerate(quantities):
            # the key's own label names the first figure ("Average purchase revenue: €612" is an AOV, not revenue)
            labelled = clause.hint if clause.hint in ("aov", "cac") and quantity.kind == "money" and index == 0 else None
            name = labelled or field_for(sentence, quantities, index) or self._from_hint(clause.hint, quantity, previous_field)
            owner = _owner_at(pieces, quantity.start)
            if owner is NOBODY:
                draft.report(quantity.text, quantity.value, snippet(sentence, (quantity.start, quantity.end)), None,
                             "said of a group the sentence compares with, not placed")
                continue
            if name is None and clause.is_heading:
                continue  # "Tier 1", "Cohort 2024-Q1": numbers that only name the segment
            if (name is None and owner is not None and owner is not draft.business and _bare_count(quantity)
                    and "customer_count" not in owner.metrics and _BARE_COUNT_TAIL.match(sentence, quantity.end)):
                name = "customer_count"  # "Lapsed members, 1,900": a bare count next to a segment's name is its size
            if (name is None and quantity.kind == "pct" and index == 0 and owner is not None and owner is not draft.business
                    and "customer_share_pct" not in owner.metrics and _SHARE_VERB.match(sentence, quantity.end)):
                name = "customer_share_pct"  # "12% bought in the last 90 days (we tag them 'active parents')"
            if (name is None and quantity.kind == "money" and owner is not None and owner is not draft.business
                    and "aov" not in owner.metrics and _PRICE_CONTEXT.search(sentence)):
                name = "aov"  # "bought one $6 pen and left": a segment's price point is its order value
            if name is None:
                draft.warn(f"could not place '{quantity.text}' in: '{snippet(sentence, (quantity.start, quantity.end))}'")
                draft.report(quantity.text, quantity.value, snippet(sentence, (quantity.start, quantity.end)), None, "no metric word or label next to it")
                previous_field = None
                continue
            stored = self._store(owner, name, quantity.value, quantity, sentence, clause, (quantity.start, quantity.end))
            understood |= stored
            previous_field = name if stored else None
        for start, owner in pieces:
            if owner is not None and owner is not draft.business:
                owner.text.append(sentence[start:])
        if understood or clause.is_heading:
            return
        if self.block.kind == CONSTRAINTS or POLICY_CUE.search(sentence):
            return  # an unenforceable rule: constraints.read_constraints keeps it in constraints.other
        if self.block.kind in (PROSE, BUSINESS) and not quantities:
            draft.warn(f"could not place: '{snippet(sentence)}'")

    # -- who a sentence is about ---------------------------------------------------------------

    def _route(self, sentence: str, clause: Clause | None = None) -> list[tuple[int, SegmentDraft | None]]:
        """(start offset, owner) pieces: a segment block owns everything except business-wide
        sentences; prose is split at each segment it mentions."""
        draft = self.draft
        scope = [m.span() for m in BUSINESS_SCOPE.finditer(sentence)]
        if self.block.kind == BUSINESS:
            return [(0, draft.business)]
        if self.target is not None:
            self.read_in_target += 1
            switch = segment_phrase(sentence) if self.read_in_target > 1 and HAS_DIGIT.search(sentence) else None
            if switch is not None and COUNT_FIRST.match(sentence):
                switch = None  # "4,100 first-order customers" under a segment's name describes that segment
            if switch is not None and switch[1] <= 60 and " " in switch[0] and switch[0].lower() not in self.target.name.lower():
                # "...the Daily Brewers: 600 customers. Then there's a big group of Christmas gifters, 1,500 people"
                self.target = draft.segment(switch[0])
                if COMPARISON_LEAD.match(sentence):
                    return [(0, NOBODY), (switch[1], self.target)]
            return [(0, draft.business if scope else self.target)]
        mentions = [(m.start(), m.group(0)) for m in SEGMENT_MENTION.finditer(sentence) if not _overlaps(m.span(), scope)]
        phrase = segment_phrase(sentence)
        if phrase is not None and clause is not None and clause.hint and phrase[1] == 0:
            phrase = None  # "Returning purchasers: 22%": the key is a metric label, not a segment's name
        if phrase is not None and not HAS_DIGIT.search(sentence):
            self.pending = phrase[0]  # "Beginners are their own story." Their numbers come in the next sentence.
            phrase = None
        if phrase is None and HAS_DIGIT.search(sentence):
            phrase = counted_segment(sentence)
        found = [phrase] if phrase is not None else []
        found += [item for item in listed_segments(sentence) if phrase is None or item[1] > phrase[1] + len(phrase[0])]
        for name, at in found:
            mentions = [(start, words) for start, words in mentions if not at <= start < at + len(name) + 2]
            mentions.append((at, name))
        lowered = sentence.lower()
        for seg in draft.segments:
            at = lowered.find(seg.name.lower()) if len(seg.name) >= 4 else -1
            if at >= 0 and not any(start <= at < start + len(words) for start, words in mentions):
                mentions.append((at, seg.name))
        mentions.sort()
        if not mentions and self.pending is not None and HAS_DIGIT.search(sentence) and NUMBER_START.match(sentence):
            owner = draft.mentioned(self.pending)
            self.pending, self.last_mentioned = None, owner
            return [(0, owner)]
        if mentions:
            self.pending = None
        if not mentions:
            last = self.last_mentioned or self.draft.last_segment
            if last is not None and PRONOUN_START.match(sentence):
                return [(0, last)]  # "Ben: and their AOV is $210." after "the VIP crowd is about 800 customers"
            return [(0, draft.business)]
        pieces: list[tuple[int, SegmentDraft | None]] = []
        compared = COMPARISON_LEAD.match(sentence) is not None and mentions[0][0] > 0
        if compared:  # "Compared with the 2,400 members, guest checkouts ...": the lead-in's figures are someone else's
            pieces.append((0, NOBODY))
        for position, (start, words) in enumerate(mentions):
            owner = draft.mentioned(words)
            pieces.append((0 if position == 0 and not compared else start, owner))
            self.last_mentioned = owner
        return pieces

    # -- one number into one field -------------------------------------------------------------

    @staticmethod
    def _from_hint(hint: str | None, quantity: Quantity, previous_field: str | None) -> str | None:
        """The field a label names, adjusted to the number's unit; or a bare share after a count."""
        if hint == "customer_count" and quantity.kind == "pct":
            return "customer_share_pct"
        if hint in ("revenue_share_pct", "revenue_amount"):
            return "revenue_share_pct" if quantity.kind == "pct" else "revenue_amount"
        if hint is not None and quantity.kind in _ACCEPTED_KINDS.get(hint, ()):
            return hint
        if hint is not None and hint in ("repurchase_cycle_days", "days_since_last_order") and quantity.kind == "days":
            return hint
        if previous_field == "customer_count" and quantity.kind == "pct":
            return "customer_share_pct"
        return None

    def _store(self, owner, name: str, value: float, quantity: Quantity | None, sentence: str, clause: Clause, span) -> bool:
        """Put one value in one field, and record in the reading report where it went (or why not)."""
        draft = self.draft
        written = quantity.text if quantity is not None else sentence[span[0] : span[1]]
        before = len(draft.warnings)
        stored = self._store_value(owner, name, value, quantity, sentence, clause, span)
        reason = draft.warnings[-1] if len(draft.warnings) > before else None
        target = owner if owner is not None and name not in BUSINESS_ONLY_FIELDS else draft.business
        field = "revenue_share_pct (from an amount)" if name == "revenue_amount" else name
        place = f"business.{field}" if target is draft.business else f"segment '{target.name}'.{field}"
        if stored and reason and "given twice" in reason:
            draft.conflicts.append(reason)
            draft.report(written, value, snippet(sentence, span), None, reason)
        elif stored:
            draft.report(written, value, snippet(sentence, span), place, None)
        else:
            draft.report(written, value, snippet(sentence, span), None, reason or f"not a usable value for {name}")
        return stored

    def _store_value(self, owner, name: str, value: float, quantity: Quantity | None, sentence: str, clause: Clause, span) -> bool:
        draft = self.draft
        owner = owner or draft.business
        where = snippet(sentence, span)
        evidence = f"{clause.label}: {where}" if clause.label and clause.label.lower() not in where.lower() else where
        if name in BUSINESS_ONLY_FIELDS:
            owner = draft.business
        if name in SEGMENT_ONLY_FIELDS and owner is draft.business:
            draft.warn(f"could not place '{quantity.text if quantity else value}' (a share of customers or revenue, but no segment named): '{where}'")
            return False
        if not math.isfinite(value):
            draft.warn(f"could not read number in: '{where}'")
            return False
        if name in ("repurchase_cycle_days", "days_since_last_order") and quantity is not None and quantity.kind == "count" and clause.hint is None and not _DAY_WORD.search(clause.text):
            draft.warn(f"'{quantity.text}' has no time unit, so it is not read as days: '{where}'")
            return False
        if name == "monthly_churn_pct" and not MONTHLY_CHURN_CUE.search(f"{sentence} {clause.label or ''} {clause.hint or ''}"):
            draft.warn(f"'{quantity.text if quantity else value}' is a cancel share, not a monthly churn rate; not used: '{where}'")
            return False
        if name == "customer_count" and value != int(value) and value < 100:
            draft.warn(f"'{quantity.text if quantity else value}' is not a whole number of customers; not used: '{where}'")
            return False  # "me + 1.5 ppl" is a team, not a segment
        if name in PERCENT_FIELDS:
            if quantity is not None and quantity.kind == "count" and quantity.has_decimal and 0 < abs(value) < 1:
                draft.warn(f"read {value:g} as {value * 100:g}% for {name} in: '{where}'")
                value *= 100
            if name == "monthly_churn_pct" and ANNUAL_WORDS.search(sentence) and 0 <= value < 100:
                monthly = (1 - (1 - value / 100) ** (1 / 12)) * 100
                draft.warn(f"converted annual churn {value:g}% to monthly {monthly:.2f}% in: '{where}'")
                value = round(monthly, 2)
            low = -100.0 if name == "gross_margin_pct" else 0.0
            if not low <= value <= 100:
                draft.warn(f"{name} {value:g} is outside {low:g}-100, ignored: '{where}'")
                return False
        elif value < 0:
            draft.warn(f"{name} cannot be negative ({value:g}), ignored: '{where}'")
            return False
        if name == "revenue_amount":
            if owner.revenue_amount is None:
                owner.revenue_amount = (value, evidence)
            return True
        if name in owner.metrics and owner is draft.business and owner.metrics[name] != value and BUSINESS_SCOPE.search(sentence) \
                and not BUSINESS_SCOPE.search(owner.evidence.get(name, "")):
            draft.warn(f"business: {name} {owner.metrics[name]:g} replaced by {value:g}, said of the whole business: '{where}'")
            owner.metrics[name] = round(value, 4)
            owner.evidence[name] = evidence
            return True
        if name in owner.metrics:
            if owner.metrics[name] != value and not clause.is_heading:
                draft.warn(f"{owner.name}: {name} given twice ({owner.metrics[name]:g} and {value:g}); kept the first: '{where}'")
            return True
        owner.metrics[name] = round(value, 4)
        owner.evidence[name] = evidence
        if owner is not draft.business:
            draft.last_segment = owner
        if quantity is not None and quantity.kind == "money":
            owner.currencies.append(self._currency(quantity.currency))
        return True

    def _currency(self, written: str | None) -> str:
        if written in ("$", "¥", "元"):
            self.draft.symbols_used.add(written)
            return {"$": self.money.dollar, "¥": self.money.yen, "元": self.money.yuan}[written]
        return written or ""


# What may follow a segment's bare size: "1,900", "5,000 and change", "~2,800 or so", "420 (uninstalled)".
_BARE_COUNT_TAIL = re.compile(r"\s*(?:$|[,.;:)(—–-]|and change|or so|ish\b|total|active|in total|of them|odd\b|who\b|that\b|which\b|average\b|avg\b|aov\b|(?:last|this|past|per|over|since|in the)\b)", re.IGNORECASE)
_SHARE_VERB = re.compile(r"\s*(?:of (?:them|the (?:file|base|list))\s+)?(?:are|is|were|have|has|haven'?t|had|bought|buy|ordered|order|last|still|never|placed|came|come|signed|joined)\b", re.IGNORECASE)
_PRICE_CONTEXT = re.compile(r"\b(?:bought|buy|buys|buying|spend|spends|spent|pay|pays|paid|order|orders|tin|pack|box|kit|bottle|bag|pen|priced?)\b", re.IGNORECASE)
# "Goal for next year: 30% of new customers...", "target: 8,000 subscribers": figures wished for, not measured.
GOAL_LINE = re.compile(r"^\s*(?:(?:our|the|main|big|next year'?s?)\s+)*(?:goals?|targets?|aims?|objectives?|okrs?|we want to|we'd like to|we aim to|ziel\w*|objetivos?|目標|目标)\b", re.IGNORECASE)
COUNT_FIRST = re.compile(r"\s*(?:about |around |roughly |~|≈)?\d")
COMPARISON_LEAD = re.compile(r"^\s*(?:compared (?:with|to)|unlike|versus|vs\.?|next to|against|beside|besides)\b", re.IGNORECASE)
NOBODY = SegmentDraft("(compared group)")  # owner of figures that belong to no segment of this note
# A sentence that carries on from a segment named just before: "Around 9,000 people bought...", "They buy...".
NUMBER_START = re.compile(
    r"^\s*(?:(?:and|so|then|but)\s+)?(?:(?:there (?:are|is|were)|we have|that'?s|it'?s)\s+)?(?:about|around|roughly|some|nearly|almost|over|just|only|maybe|~|≈)?\s*\d"
    r"|^\s*(?:(?:and|so|also)\s+)?(?:they|their|them|these|those)\b",
    re.IGNORECASE,
)
_DAY_WORD = re.compile(r"\bdays?\b|\bd\b|天|días|\btage\b", re.IGNORECASE)


def _bare_count(quantity: Quantity) -> bool:
    return quantity.kind == "count" and quantity.value >= 10 and quantity.value == int(quantity.value)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _owner_at(pieces: list[tuple[int, SegmentDraft | None]], position: int) -> SegmentDraft | None:
    owner = pieces[0][1]
    for start, candidate in pieces:
        if start <= position:
            owner = candidate
    return owner
