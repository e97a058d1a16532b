"""Numbers with their units, read out of one sentence, and the metric each one belongs to.

One reader serves every note style: tables and key-value dumps hand it a labelled cell, bullets
and prose hand it a sentence. A number's meaning comes from its unit (%, a currency, a duration,
"x a year") and from the nearest metric word on either side of it, never crossing a comma,
semicolon or bracket, so "AOV $140, 62% repeat" gives each number its own word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from skill.normalize.lexicon import FIELD_WORDS, OF_PEOPLE_LEAD_IN

# A number not glued to letters on its left (so "B2B", "Q4", "v2" are not numbers): either
# thousands-grouped or a plain run of at most 12 digits (longer runs are ids, not quantities).
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.,])(\d{1,3}(?:,\d{3})+|\d{1,12})(\.\d+)?(?![\d,]\d|\.\d)")
_CURRENCY_BEFORE = re.compile(
    r"((?<![A-Za-z])(?:R\$|BRL ?|MX\$|MXN ?|CHF ?|NT\$|NTD ?|TWD ?|US\$|USD ?|A\$|AU\$|AUD ?|C\$|CA\$|CAD ?|HK\$|HKD ?|S\$|SGD ?|NZ\$|NZD ?|RMB ?|CNY ?|JPY ?|EUR ?|GBP ?)|\$|€|£|¥|₩|₹)\s?$",
    re.IGNORECASE,
)
_SIGN_BEFORE = re.compile(r"(?:^|[\s(:=])[-−]$")
# "30-45", "30 to 45", "30~45": a range reads as its midpoint. A spaced dash is a separator.
_RANGE_AFTER = re.compile(r"(?:[-–~]|\s?(?:to|or|ou|o|oder|bis|à|至|到)\s?)(?:NT\$|\$|€|£|¥)?(\d{1,3}(?:,\d{3})+|\d{1,12})(\.\d+)?(?![\d,]\d)")
_PLUS_AFTER = re.compile(r"\+")
_MULTIPLIER_AFTER = re.compile(r"\s?(k|K|mm|MM|M|m|bn|萬|万|千|億|亿)(?![A-Za-z])")
_UNIT_AFTER = re.compile(
    r"\s?(%|percent\b|por ?ciento\b|prozent\b|pct\b|ppts?\b|days?\b|días\b|dias\b|tage?n?\b|天|weeks?\b|semanas?\b|wochen\b|wks?\b|週|周|個月|个月"
    r"|months?\b|meses\b|mes\b|monate?n?\b|mos?\b|years?\b|años?\b|anos?\b|jahre?n?\b|yrs?\b|年|times\b|veces\b|mal\b|次)|(d|w|m|y|x|×)\b",
    re.IGNORECASE,
)
_CURRENCY_AFTER = re.compile(r"\s?(USD|EUR|GBP|JPY|CNY|RMB|TWD|NTD|AUD|CAD|HKD|SGD|NZD|CHF|MXN|BRL|INR|€|£|元|塊|块|円|yen\b|euros?\b|dollars?\b|bucks\b|pesos?\b|francs?\b|rupees?\b|pounds?\b|quid\b)", re.IGNORECASE)
# "4.2 times a year", "3 orders/yr", "2x per month", "每年4次" -> orders per year.
_PERIOD_AFTER = re.compile(
    r"\s?(?:(?:orders?|ordrs?|purchases?|times|x|次|單|单|visits|boxes|shipments|pedidos|compras|veces|bestellungen|mal|commandes|fois|[a-z]{3,12}s)\s?)?"
    r"(?:(?:/|per|a|an|each|every|al|por|a la|pro|im|par)\s?(year|yr|annum|month|mo|quarter|qtr|week|wk|año|ano|mes|semana|jahr|monat|woche|an|année|mois|semaine)s?\b"
    r"|(annually|yearly|monthly|quarterly|weekly|anuales|mensuales|jährlich|monatlich)\b|/\s?(年|月|季))",
    re.IGNORECASE,
)
# "shipment 3", "month-1", "week 4", "Q4", "tier 2": a number that labels a step, not a quantity.
_ORDINAL_BEFORE = re.compile(
    r"(?:\b(?:shipments?|months?|weeks?|days?|orders?|boxes|box|steps?|tiers?|plans?|levels?|phases?|rounds?|waves?|seasons?|version|year|q|v|no\.)|#)[\s-]?$",
    re.IGNORECASE,
)
_OR_MORE_AFTER = re.compile(r"\s?(?:\+\s?|\s?or more\s|\s?or above\s|\s?and up\s)(?:times|orders?|purchases?|visits|boxes)\b", re.IGNORECASE)
_MEASURE_AFTER = re.compile(r"\s?(?:ml|l|g|kg|oz|lb|lbs|cm|mm|in|inch|ft|m2|sqft|piece|pc|pcs|pack|ct|mg|w|kw|kwh|gb|tb|px|st|nd|rd|th)\b|-(?:piece|pack|day|month|year|week|step|inch)", re.IGNORECASE)
_PERIOD_BEFORE = re.compile(r"(每年|每月|一年|年均|per year|a year|annually)\D{0,6}$", re.IGNORECASE)
_ORDERS_AFTER = re.compile(r"\s?(?:orders?|ordrs?|purchases?|pedidos|compras|bestellungen|commandes|achats)\b", re.IGNORECASE)
_RIGHT_CUE_FIELDS = frozenset({"customer_count", "orders_per_year", "repeat_rate_pct", "monthly_churn_pct", "return_rate_pct",
                               "discount_order_share_pct", "gross_margin_pct"})
_SHARE_LABEL = re.compile(r"share|%|pct|percent|佔比|占比|貢獻|贡献|\bof\b", re.IGNORECASE)
_SEPARATOR = re.compile(r"[,;|()\[\]、，；。]|\.\s|\s(?:and|but|while|whereas|with|vs\.?)\s|\s[-–—]\s", re.IGNORECASE)

_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9, "萬": 1e4, "万": 1e4, "千": 1e3, "億": 1e8, "亿": 1e8}
# Unit words in other languages and plurals, to the stems below.
_UNIT_WORDS = {"mos": "mo", "days": "day", "wks": "wk", "yrs": "yr", "días": "day", "dias": "day", "tag": "day", "tage": "day",
               "tagen": "day", "semana": "week", "semanas": "week", "wochen": "week", "mes": "month", "meses": "month",
               "monat": "month", "monate": "month", "monaten": "month", "año": "year", "años": "year", "ano": "year",
               "anos": "year", "jahr": "year", "jahre": "year", "jahren": "year"}
_DAYS_PER_UNIT = {"d": 1, "day": 1, "天": 1, "w": 7, "wk": 7, "week": 7, "週": 7, "周": 7, "個月": 30, "个月": 30,
                  "m": 30, "mo": 30, "month": 30, "y": 365, "yr": 365, "year": 365, "年": 365}
_PER_YEAR = {"an": 1, "année": 1, "mois": 12, "semaine": 52, "año": 1, "ano": 1, "jahr": 1, "anuales": 1, "jährlich": 1, "mes": 12, "monat": 12, "mensuales": 12, "monatlich": 12,
             "semana": 52, "woche": 52, "year": 1, "yr": 1, "annum": 1, "annually": 1, "yearly": 1, "年": 1, "month": 12, "mo": 12, "monthly": 12,
             "月": 12, "quarter": 4, "qtr": 4, "quarterly": 4, "季": 4, "week": 52, "wk": 52, "weekly": 52}
_PREFIX_CURRENCY = {"r$": "BRL", "brl": "BRL", "mx$": "MXN", "mxn": "MXN", "chf": "CHF", "nt$": "TWD", "ntd": "TWD", "twd": "TWD", "us$": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD",
                    "aud": "AUD", "c$": "CAD", "ca$": "CAD", "cad": "CAD", "hk$": "HKD", "hkd": "HKD", "s$": "SGD",
                    "sgd": "SGD", "nz$": "NZD", "nzd": "NZD", "rmb": "CNY", "cny": "CNY", "jpy": "JPY", "eur": "EUR",
                    "gbp": "GBP", "€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR", "euro": "EUR", "euros": "EUR",
                    "円": "JPY", "yen": "JPY", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "rupee": "INR", "rupees": "INR", "peso": "$", "pesos": "$", "franc": "CHF", "francs": "CHF", "dollar": "$", "dollars": "$", "bucks": "$", "$": "$", "¥": "¥",
                    "元": "元", "塊": "元", "块": "元"}


@dataclass(frozen=True)
class Quantity:
    """One number as written, its unit kind and where it sits in the sentence."""

    value: float
    kind: str  # pct | money | days | freq | times | count | year
    currency: str | None  # ISO code, or "$" / "¥" / "元" until the document decides
    start: int
    end: int
    text: str
    has_decimal: bool


def _to_float(digits: str, decimals: str | None) -> float:
    return float(digits.replace(",", "") + (decimals or ""))


@lru_cache(maxsize=4096)  # pure in the sentence; the reader and the reading report both ask
def find_quantities(sentence: str) -> tuple[Quantity, ...]:
    """Every number in the sentence with its unit; years such as 2023 come back as kind 'year'."""
    found: list[Quantity] = []
    for match in _NUMBER.finditer(sentence):
        start, end = match.span()
        if found and start < found[-1].end:  # already eaten as the upper end of a range
            continue
        value = _to_float(match.group(1), match.group(2))
        has_decimal = match.group(2) is not None
        currency = None
        before = _CURRENCY_BEFORE.search(sentence, max(0, start - 6), start)
        if before:
            currency = _PREFIX_CURRENCY[before.group(1).strip().lower()]
            start = before.start()
        if _SIGN_BEFORE.search(sentence, max(0, start - 2), start):
            value = -value
            start -= 1
        written = value
        ranged = _RANGE_AFTER.match(sentence, end)
        if ranged and _to_float(ranged.group(1), ranged.group(2)) > abs(value):
            value = (value + _to_float(ranged.group(1), ranged.group(2))) / 2
            end = ranged.end()
        plus = _PLUS_AFTER.match(sentence, end)
        if plus:
            end = plus.end()
        unit_kind = "count"
        multiplier = _MULTIPLIER_AFTER.match(sentence, end)
        if multiplier:
            word = multiplier.group(1)
            if word == "m" and currency is None:
                multiplier = None  # "6m" without money is six months; the unit reader takes it
            else:
                value *= _MULTIPLIERS[word.lower()] if word.lower() in _MULTIPLIERS else _MULTIPLIERS[word]
                end = multiplier.end()
        unit = None if currency else _UNIT_AFTER.match(sentence, end)  # "$85 y el delivery": no unit after money
        if unit is not None and unit.group(2) and sentence[end : end + 1].isspace():
            unit = None  # a one-letter unit must touch its number: "60d", "3x", not "85 y"
        looks_like_year = currency is None and not has_decimal and "," not in match.group(1) and 1990 <= written <= 2039
        if looks_like_year and not plus and (unit is None or unit.group(1) == "年"):
            found.append(Quantity(written, "year", None, start, unit.end() if unit else end, sentence[start:end], False))
            continue
        if unit:
            word = (unit.group(1) or unit.group(2)).lower()
            if word in ("%", "percent", "pct", "ppt", "ppts", "porciento", "por ciento", "prozent"):
                unit_kind = "pct"
            elif word in ("times", "x", "×", "次", "veces", "mal"):
                unit_kind = "times"
            else:
                stem = _UNIT_WORDS.get(word, word[:-1] if word.endswith("s") and len(word) > 1 and word not in ("mos",) else word)
                if stem in _DAYS_PER_UNIT:
                    value *= _DAYS_PER_UNIT[stem]
                    unit_kind = "days"
            if unit_kind != "count":
                end = unit.end()
        if currency is None and unit_kind == "count":
            after = _CURRENCY_AFTER.match(sentence, end)
            if after:
                currency = _PREFIX_CURRENCY.get(after.group(1).lower(), after.group(1).upper())
                end = after.end()
        if currency is not None:
            unit_kind = "money"
        elif unit_kind in ("count", "times"):
            period = _PERIOD_AFTER.match(sentence, end)
            bare_rate = unit_kind == "count" and value <= 60 and not _ORDINAL_BEFORE.search(sentence, max(0, start - 12), start)
            if period and (unit_kind == "times" or _ORDERS_AFTER.match(sentence, end) or bare_rate):  # "so 4 a year"
                value *= _PER_YEAR[next(g for g in period.groups() if g).lower()]
                unit_kind, end = "freq", period.end()
            elif unit_kind == "times" and _PERIOD_BEFORE.search(sentence, max(0, start - 14), start):
                unit_kind = "freq"
        threshold = _OR_MORE_AFTER.match(sentence, end) if unit_kind == "count" and not currency else None
        if threshold:  # "bought 3 or more times", "5+ orders": a segment's definition, not a count of customers
            unit_kind, end = "label", threshold.end()
        if unit_kind == "count" and not currency and (_ORDINAL_BEFORE.search(sentence, max(0, start - 12), start) or _MEASURE_AFTER.match(sentence, end)):
            unit_kind = "label"  # "shipment 3", "30ml", "5-piece": a label or a product size, not a metric
        found.append(Quantity(value, unit_kind, currency, start, end, sentence[start:end], has_decimal))
    return tuple(found)


def _nearest_field(left: str, right: str, kind: str) -> str | None:
    """The metric word closest to the number (left or right), among fields that accept its kind."""
    best: tuple[int, int, str] | None = None
    for order, (field, words, kinds) in enumerate(FIELD_WORDS):
        if kind not in kinds:
            continue
        candidates = []
        last_left = None
        for last_left in words.finditer(left):
            pass
        if last_left is not None:
            # "churn of active custs ~9%": a people word on the left does not make a share of customers
            share_penalty = 40 if field in ("customer_share_pct", "revenue_share_pct") and not _SHARE_LABEL.search(left) else 0
            candidates.append(len(left) - last_left.end() + share_penalty)
        first_right = words.search(right) if kind != "count" or field in _RIGHT_CUE_FIELDS else None
        if first_right is not None:  # "11000 average order": a bare count takes no money or rate word after it
            candidates.append(first_right.start())
        if candidates:
            score = (min(candidates), order, field)
            if best is None or score < best:
                best = score
    return best[2] if best else None


def _clip_left(text: str) -> str:
    cut = 0
    for cut_match in _SEPARATOR.finditer(text):
        cut = cut_match.end()
    return text[cut:]


def _clip_right(text: str) -> str:
    cut = _SEPARATOR.search(text)
    return text[: cut.start()] if cut else text


def field_for(sentence: str, quantities: list[Quantity], index: int) -> str | None:
    """Which metric quantity `index` describes, from the words between it and its neighbours."""
    quantity = quantities[index]
    left_edge = quantities[index - 1].end if index > 0 else 0
    right_edge = quantities[index + 1].start if index + 1 < len(quantities) else len(sentence)
    left = _clip_left(sentence[left_edge : quantity.start])
    right = _clip_right(sentence[quantity.end : right_edge])
    if quantity.kind == "pct":
        lead_in = OF_PEOPLE_LEAD_IN.match(right)
        if lead_in:
            behaviour = _nearest_field("", right[lead_in.end() :], "pct")
            if behaviour and behaviour != "customer_share_pct":
                return behaviour
    if quantity.kind == "freq":
        return "orders_per_year"
    return _nearest_field(left, right, quantity.kind)
