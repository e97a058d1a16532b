"""Read the business around the segments from the whole note: its category, how it runs, its signals.

- `read_category`: what the business sells, from where the notes say it ("category: ...", "we
  sell ...", "we're an independent bookshop", a header such as "Q3 notes — serum brand
  (skincare)", "the outdoor gear side"), never from a passing word in a segment line (a home
  fitness brand whose segment mentions protein is not a supplements business). The category is
  the short phrase a retention lead would write ("home fitness", "wine club", "contact lenses").
- `read_operating`: team size, the channels that exist, who owns the customer, how prices work,
  and whether there is a referral or loyalty programme or an app (each with its evidence).
- `read_signals`: NPS, CAC trend, upgrade / attach / unsubscribe rates, the peak season's share
  and months, the subscription month when most cancel, and order gaps that grow.

Each function takes cleaned lines (`prepare.prepare_lines`). `signal_claims` gives the numbers
these facts use in any piece of text, so the metric reader does not read them again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from skill.normalize.constraints import Claim, ConstraintReading, read_constraints
from skill.normalize.lexicon_context import (
    ANY_CATEGORY,
    ATTACH_RATE,
    BUSINESS_NOUN,
    BUSINESS_NOUN_STEMS,
    CAC_TREND,
    CAC_TREND_KIND,
    CANCEL_MONTH,
    CATEGORY_KEY,
    CATEGORY_NAMES,
    CATEGORY_STATED,
    CATEGORY_STATED_STEMS,
    CHINESE_DIGITS,
    CUSTOMER_OWNER,
    GAP_DAYS,
    HAS_APP,
    HEADER_SKIP,
    LOYALTY_NONE,
    LOYALTY_SOME,
    NPS,
    OWNER_STEMS,
    ORDER_GAP,
    ORDINALS,
    PEAK_SHARE,
    PEAK_SHARE_STEMS,
    PEAK_STEMS,
    PEAK_WORDS,
    PEOPLE_COUNT,
    PROGRAMME_STEMS,
    REFERRAL_NONE,
    REFERRAL_SOME,
    SEASONAL_CUE,
    TEAM_OF_ONE,
    TEAM_OF_TWO,
    TEAM_SIZE,
    TEAM_STEMS,
    UNSUBSCRIBE_RATE,
    UPGRADE_RATE,
    has_any,
)
from skill.normalize.notelines import NoteLine, note_lines, sentences, snippet
from skill.schema import OperatingContext

__all__ = ["Signal", "read_category", "read_operating", "read_signals", "signal_claims", "states_context", "SIGNAL_FIELDS"]

SIGNAL_FIELDS = (
    "cac_trend", "nps", "upgrade_rate_pct", "attach_rate_pct", "unsubscribe_rate_pct", "peak_season_share_pct",
    "peak_months", "cancel_month", "order_gap_from_days", "order_gap_to_days",
)
_DESCRIPTION_CHARS = 300  # a header or a description of the business is read in its first 300 characters
_RAW_STOP = re.compile(r"^(?:money|sense|sure|it|them|that|this|most|more|sales|revenue|mistakes|progress|a lot|lots|stuff|things|well)\b", re.I)
_RAW_LEAD = re.compile(r"^(?:(?:a|an|the|our|my|small|little|tiny|independent|indie|local|family[- ]run|online|boutique|mostly|mainly|premium|direct-to-consumer|dtc|d2c|solo)\s+)+", re.I)
_RAW_CUT = re.compile(r"\s*(?:[(（,，:：;—–|]|\s-\s|\bum\b|\bso\b|\band sell\b).*$", re.I)


class Signal(NamedTuple):
    value: object
    evidence: str


# --- category ---------------------------------------------------------------------------------------


def _known(text: str) -> str | None:
    match = ANY_CATEGORY.search(text)
    return CATEGORY_NAMES[int(match.lastgroup[1:])] if match and match.lastgroup else None


def _raw(text: str) -> str | None:
    phrase = _RAW_CUT.sub("", text.strip()).strip(" .!?'\"")
    phrase = _RAW_LEAD.sub("", phrase).lower()
    words = phrase.split()
    if not words or len(words) > 5 or len(phrase) > 40 or re.search(r"\d", phrase) or _RAW_STOP.match(phrase):
        return None
    return phrase


def _describes_segment(row: NoteLine, sentence: str) -> bool:
    return row.kind in ("table", "data") or row.section == "segments" or PEOPLE_COUNT.search(sentence) is not None


def read_category(lines: list[str]) -> tuple[str | None, str | None]:
    """(category, evidence). Evidence starts with 'inferred: ' when no line states the category."""
    rows = [row for row in note_lines(lines) if row.kind != "blank" and not row.instruction]
    raw: tuple[str, str] | None = None
    # 1. "category: supplements", "Business: online courses (photography)"
    for row in rows:
        if row.kind == "table":
            continue
        key = CATEGORY_KEY.match(row.text)
        if key:
            value = key.group("what")
            found = _known(value) or _raw(value)
            if found:
                return found, snippet(row.text)
    # 2. "we sell ...", "we're an independent bookshop", "我哋係賣 watches"
    for row in rows:
        if row.kind == "table":
            continue
        for _offset, sentence in sentences(row.text):
            if not has_any(sentence.lower(), CATEGORY_STATED_STEMS):
                continue
            for index, pattern in enumerate(CATEGORY_STATED):
                for match in pattern.finditer(sentence):
                    what = next((group for group in match.groups() if group), "")
                    known = _known(what)
                    if known:
                        return known, snippet(sentence)
                    generic = index in (3, 5)  # "we're a/an/the X": a description only when X is a business
                    if raw is None and (not generic or BUSINESS_NOUN.search(what)):
                        phrase = _raw(BUSINESS_NOUN.split(what)[0] if generic else what)
                        if phrase:
                            raw = (phrase, snippet(sentence))
    # 3. the header: "Q3 notes — serum brand (skincare)", "## Furniture — customer base overview"
    opening = [row for row in rows if row.kind != "table" and not HEADER_SKIP.match(row.text)][:2]
    for row in opening:
        if PEOPLE_COUNT.search(row.text) and row.kind == "data":
            continue
        known = _known(row.text[:_DESCRIPTION_CHARS])
        if known:
            return known, snippet(row.text)
    # 4. a descriptor before a business noun: "contact lens retailer", "the outdoor gear side"
    for row in rows:
        if row.kind in ("table", "data") or row.section == "segments":
            continue
        for _offset, sentence in sentences(row.text):
            if not has_any(sentence.lower(), BUSINESS_NOUN_STEMS) or PEOPLE_COUNT.search(sentence):
                continue
            for noun in BUSINESS_NOUN.finditer(sentence):
                window = sentence[max(0, noun.start() - 40) : noun.end()]
                window = re.split(r"[.;:!?,，。]", window)[-1]
                known = _known(window)
                if known:
                    return known, snippet(sentence)
    if raw:
        return raw
    # 5. a category word in the first prose lines about the business (said to be inferred)
    for row in [row for row in rows if not HEADER_SKIP.match(row.text)][:4]:
        for _offset, sentence in sentences(row.text):
            if _describes_segment(row, sentence):
                continue
            known = _known(sentence[:_DESCRIPTION_CHARS])
            if known:
                return known, "inferred: " + snippet(sentence)
    return None, None


# --- operating context -----------------------------------------------------------------------------


def _team_size(sentence: str) -> tuple[int, tuple[int, int]] | None:
    if not has_any(sentence.lower(), TEAM_STEMS):
        return None
    for pattern in TEAM_SIZE:
        match = pattern.search(sentence)
        if match:
            group = "n" if match.groupdict().get("n") else "n2"
            value = int(match.group(group))
            if 1 <= value <= 500:
                return value, match.span(group)
    two = TEAM_OF_TWO.search(sentence)
    if two:
        return 2, two.span()
    one = TEAM_OF_ONE.search(sentence)
    if one:
        return 1, one.span()
    return None


def read_operating(lines: list[str], constraints: ConstraintReading | None = None) -> OperatingContext:
    """How the business runs: what a plan may ask of this team (each field with its evidence)."""
    rules = constraints if constraints is not None else read_constraints(lines)
    rows = [row for row in note_lines(lines) if row.kind not in ("blank", "table") and not row.instruction]
    values: dict[str, object] = {}
    evidence: dict[str, str] = {}

    def put(name: str, value: object, where: str) -> None:
        if name not in values:
            values[name], evidence[name] = value, where

    owners: dict[str, str] = {}
    for row in rows:
        for _offset, sentence in sentences(row.text):
            lowered = sentence.lower()
            where = snippet(sentence)
            team = _team_size(sentence)
            if team:
                put("team_size", team[0], where)
            if has_any(lowered, OWNER_STEMS):
                for owner, pattern in CUSTOMER_OWNER:
                    if owner not in owners and pattern.search(sentence):
                        owners[owner] = where
            if not has_any(lowered, PROGRAMME_STEMS):
                continue
            if REFERRAL_NONE.search(sentence):
                put("has_referral_program", False, where)
            elif REFERRAL_SOME.search(sentence):
                put("has_referral_program", True, where)
            if LOYALTY_NONE.search(sentence):
                put("has_loyalty_program", False, where)
            elif LOYALTY_SOME.search(sentence):
                put("has_loyalty_program", True, where)
            if rules.has_app is None and HAS_APP.search(sentence):
                put("has_app", True, where)
    if rules.has_app is False:
        values["has_app"], evidence["has_app"] = False, rules.evidence.get("has_app", "")
    if rules.channels_only or rules.channels_used:
        put("channels_available", list(dict.fromkeys(rules.channels_only or rules.channels_used)),
            rules.evidence.get("channels_available") or rules.evidence.get("channels_used", ""))
    if rules.pricing:
        put("pricing", rules.pricing, rules.evidence.get("pricing", ""))
    marketplace = rules.marketplace_only and any(channel in rules.banned_channels for channel in ("email", "sms"))
    if "account_manager" in owners:
        put("customer_owner", "account_manager", owners["account_manager"])
    elif marketplace:
        put("customer_owner", "marketplace", rules.evidence.get("banned_channels.email") or rules.evidence.get("banned_channels.sms", ""))
    elif "crm_team" in owners:
        put("customer_owner", "crm_team", owners["crm_team"])
    elif "support" in owners:
        put("customer_owner", "support", owners["support"])
    elif "founder" in owners:
        put("customer_owner", "founder", owners["founder"])
    elif values.get("team_size") == 1:
        put("customer_owner", "founder", evidence["team_size"])
    return OperatingContext(**values, evidence=evidence)


# --- business signals ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _sentence_signals(sentence: str, table_row: bool, describes_segment: bool) -> tuple[tuple[str, object, tuple[int, int]], ...]:
    """(field, value, span of the number used) for every signal one sentence states."""
    out: list[tuple[str, object, tuple[int, int]]] = []
    lowered = sentence.lower()
    if "nps" in lowered or "promoter" in lowered:
        match = NPS.search(sentence)
        if match and -100 <= int(match.group("v")) <= 100:
            out.append(("nps", float(match.group("v")), match.span("v")))
    if "cac" in lowered or "acqui" in lowered or "cpa" in lowered or "獲客" in sentence or "获客" in sentence:
        match = CAC_TREND.search(sentence)
        if match:
            word = match.group("word") or match.group("word2")
            trend = next(kind for kind, pattern in CAC_TREND_KIND if pattern.search(word))
            out.append(("cac_trend", trend, match.span("word") if match.group("word") else match.span("word2")))
    for name, patterns, stems in (
        ("upgrade_rate_pct", UPGRADE_RATE, ("upgrad", "move up", "trade up", "step up", "ascend", "premium", "pro", "tier", "升級", "升级")),
        ("attach_rate_pct", ATTACH_RATE, ("attach", "add-on", "addon", "bundle", "accessor", "upsell", "cross", "extra", "warranty", "plan")),
        ("unsubscribe_rate_pct", UNSUBSCRIBE_RATE, ("unsub", "退訂", "退订")),
    ):
        if "%" in sentence and any(stem in lowered for stem in stems):
            for pattern in patterns:
                match = pattern.search(sentence)
                if match:
                    out.append((name, float(match.group("v")), match.span("v")))
                    break
    if not table_row and not describes_segment and has_any(lowered, PEAK_STEMS):
        share = PEAK_SHARE.search(sentence) if has_any(lowered, PEAK_SHARE_STEMS) else None
        cue = share is not None or SEASONAL_CUE.search(sentence) is not None
        months = list(PEAK_WORDS.finditer(sentence)) if cue else []
        if share and not months:
            share = None
        if share:
            group = "v" if share.group("v") else "v2"
            value = float(share.group(group))
            if 0 < value <= 100:
                out.append(("peak_season_share_pct", value, share.span(group)))
        if months:
            out.append(("peak_months", tuple(dict.fromkeys(m.group(0).strip() for m in months)), (months[0].start(), months[-1].end())))
    if not table_row and ("cancel" in lowered or "churn" in lowered or "drop" in lowered or "quit" in lowered
                          or "unsub" in lowered or "第" in sentence):
        match = CANCEL_MONTH.search(sentence)
        if match:
            group = next(name for name in ("a", "b", "c", "d", "e") if match.group(name))
            raw = match.group(group)
            value = ORDINALS.get(raw.lower()) or CHINESE_DIGITS.get(raw) or (float(raw) if raw.isdigit() else None)
            if value:
                out.append(("cancel_month", float(value), match.span(group)))
    if "from" in lowered and not table_row:
        match = ORDER_GAP.search(sentence)
        if match:
            first, second = (match.group("a"), match.group("b")) if match.group("a") else (match.group("a2"), match.group("b2"))
            unit_a = match.group("ua") or match.group("ua2")
            unit_b = match.group("ub") or match.group("ub2") or unit_a or "days"
            days_a = GAP_DAYS.get((unit_a or unit_b).lower(), 1)
            days_b = GAP_DAYS.get(unit_b.lower(), 1)
            out.append(("order_gap_from_days", float(first) * days_a, match.span("a" if match.group("a") else "a2")))
            out.append(("order_gap_to_days", float(second) * days_b, match.span("b" if match.group("a") else "b2")))
    return tuple(out)


def read_signals(lines: list[str]) -> dict[str, Signal]:
    """Business signals by field (the `BusinessMetrics` names), each with its evidence snippet."""
    found: dict[str, Signal] = {}
    for row in note_lines(lines):
        if row.kind == "blank" or row.instruction:
            continue
        for _offset, sentence in sentences(row.text):
            segmentish = row.section == "segments" or PEOPLE_COUNT.search(sentence) is not None  # "seasonal: 40% ..." is a fact line
            for name, value, _span in _sentence_signals(sentence, row.kind == "table", segmentish):
                if name == "cancel_month" and row.kind == "data":
                    continue  # "Month-1 cancellers: 4,400 — cancel before the 5th box" describes a segment
                if name not in found:
                    found[name] = Signal(list(value) if isinstance(value, tuple) else value, snippet(sentence))
    return found


def signal_claims(text: str) -> list[Claim]:
    """The numbers in `text` that a business signal or the team size uses (for the metric reader)."""
    out = [
        Claim(start, end, text[start:end], value if isinstance(value, float) else None, f"business.{name}")
        for name, value, (start, end) in _sentence_signals(text, False, PEOPLE_COUNT.search(text) is not None)
        if name != "peak_months"
    ]
    team = _team_size(text)
    if team and re.search(r"\d", text[team[1][0] : team[1][1]]):
        out.append(Claim(team[1][0], team[1][1], text[team[1][0] : team[1][1]], float(team[0]), "operating.team_size"))
    return out


def states_context(sentence: str) -> bool:
    """True when the sentence says what the business is, how it runs or a signal (so it is not an
    unplaced sentence for the metric reader)."""
    lowered = sentence.lower()
    if CATEGORY_KEY.match(sentence):
        return True
    if has_any(lowered, CATEGORY_STATED_STEMS) and any(pattern.search(sentence) for pattern in CATEGORY_STATED):
        return True
    if _team_size(sentence):
        return True
    if has_any(lowered, PROGRAMME_STEMS) and (REFERRAL_NONE.search(sentence) or LOYALTY_NONE.search(sentence) or HAS_APP.search(sentence)):
        return True
    return bool(_sentence_signals(sentence, False, False))
