"""Check a reading someone else made (an assistant's corrected `input`) against the notes it came from.

`check_reading(inp, notes)` lists every number in the reading that the notes do not support:
one flag per value, naming where it sits and the value, e.g.
"not found in the notes: segment 'VIP' aov 142 — check it". The plan is still built from the
reading (the caller may know better), but a number that appears nowhere in the notes is said
out loud instead of being trusted silently.

How a value is supported:
1. The notes give candidate numbers, in every way operators write them: `2,150`, `1.9k`,
   `$1.2M`, ranges (`14-15k` gives 14000, 15000 and the midpoint 14500), European digit groups
   (`~46.000`, `3,5`; an ambiguous token yields both readings), number words ("nine hundred",
   "novecientos"), fractions ("two thirds" 66.7, "a quarter" 25, "1 in 5" 20), Chinese
   numerals (一千二百, 1.2万, 百分之三十, 六成) and 折 discounts (7 折 = 30% off, 85 折 = 15% off).
2. A value is accepted when it equals a candidate, or a simple derivation of one that fits
   the field (see `_DERIVATIONS`): per month/week/quarter to per year, weeks/months/years to
   days, "every N days" to orders per year and back, annual to monthly churn (simple and
   compounded), 100 - x, a fraction x 100; for percentages also a/b x 100, a count or amount
   over one of the notes' largest few (the base, total revenue) or over the reading's own
   total; for counts p% of such a total; for whole-business figures the sum of the segments'.
   Flags mean "no source in the notes", not "in the wrong place": a made-up number that
   happens to equal another number in the notes passes (the reader's `reading` report is
   where placement is checked).
3. "Equals" means within half a unit of the precision the value is written with (17 accepts
   17.39, 17.4 accepts 17.39, 49 accepts 4.1 x 12) or 0.5%, whichever is wider.
Zero is always accepted: it is how "no discounts" or "none returned" are written.

Libraries: number words go through text2num (`alpha2digit`, English and Spanish): maintained,
compiled, far more complete than a word list and ~3 ms to import, so it is imported only when
the notes spell a number. Chinese numeral runs go through cn2an, which reads every form
(一千二百, 两千五, 一萬二千, 壹仟, 1.5萬); its import takes ~150 ms, so it is imported only when
the notes contain a Chinese numeral, and only on this check path (never on the notes -> plan
path, whose budget is 20 ms). 折 and 成 are read here, since cn2an does not read them.

Pure and deterministic: the same reading and notes give the same flags.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from skill.schema import NormalizedInput

FLAG_PREFIX = "not found in the notes:"

# A value matches a candidate within max(REL_TOLERANCE x value, half a unit of its last digit).
REL_TOLERANCE = 0.005

# ------------------------------------------------------------------ what each field may be derived from
# Each derivation maps the reading's value v to the notes' number that would give it; the
# functions are monotonic, so a tolerance window on v maps to a window of candidates.
Derivation = Callable[[float], float]


def _same(v: float) -> float:
    return v


_PER_YEAR: tuple[Derivation, ...] = (
    lambda v: v / 12,  # "4.1 orders/mo"
    lambda v: v / 52,  # "1 order a week"
    lambda v: v / 4,  # "2 orders a quarter"
    lambda v: 12 / v,  # "every 2 months"
    lambda v: 52 / v,  # "every 8 weeks"
    lambda v: 365 / v,  # "every 60 days"
)
_DAYS: tuple[Derivation, ...] = (
    lambda v: v / 7,  # "every ~8 weeks"
    lambda v: v / 30,  # "every 2 months"
    lambda v: v * 12 / 365,  # months of 30.4 days
    lambda v: v / 365,  # "a year since"
    lambda v: 365 / v,  # "6 orders a year" -> a 61-day cycle
)
_MONTH: tuple[Derivation, ...] = (
    lambda v: v * 30,  # "by day 90"
    lambda v: v * 365 / 12,
    lambda v: v * 52 / 12,  # "by week 13"
    lambda v: v * 4,
)
_MONTHLY_CHURN: tuple[Derivation, ...] = (
    lambda v: v * 12,  # annual churn, simple
    lambda v: 100 * (1 - (1 - v / 100) ** 12),  # annual churn, compounded
    lambda v: 100 - v,  # monthly retention
    lambda v: 100 * (1 - v / 100) ** 12,  # annual retention, compounded
)
_PERCENT: tuple[Derivation, ...] = (
    lambda v: 100 - v,  # "60% buy once" -> repeat rate 40
    lambda v: v / 100,  # a fraction, "0.35"
)

_PCT_FIELDS = frozenset(
    {
        "customer_share_pct", "revenue_share_pct", "repeat_rate_pct", "gross_margin_pct", "return_rate_pct",
        "discount_order_share_pct", "upgrade_rate_pct", "attach_rate_pct", "unsubscribe_rate_pct",
        "peak_season_share_pct", "max_discount_pct",
    }
)
_DERIVATIONS: dict[str, tuple[Derivation, ...]] = {
    "orders_per_year": _PER_YEAR,
    "repurchase_cycle_days": _DAYS,
    "days_since_last_order": _DAYS,
    "order_gap_from_days": _DAYS,
    "order_gap_to_days": _DAYS,
    "cancel_month": _MONTH,
    "monthly_churn_pct": _MONTHLY_CHURN,
    **{name: _PERCENT for name in _PCT_FIELDS},
}
# Whole-business figures the reader (or an assistant) may total from the segments.
_SUMMABLE = ("customer_count", "customer_share_pct", "revenue_share_pct")
_NOT_NUMBERS = frozenset({"cac_trend", "peak_months", "category", "currency"})

# ------------------------------------------------------------------ how numbers are written
# A ratio's terms are whole counts or amounts of at least this: small numbers (3, 8) would give
# a ratio near almost any percentage.
_MIN_TERM = 10
# A share's whole is one of the notes' largest few counts or amounts (the base, total revenue)
# or the reading's own total: any term over any term would fit almost any percentage.
_TOTALS = 3
_TOKEN = re.compile(r"(?<!\d)\d+(?:[.,\u00a0\u202f]\d+)*")
_AFTER = re.compile(
    r"\s?(?P<mult>k|mm|m|bn|万|萬|千|亿|億|thousand|million|millones|millón|mil|mio)?(?![a-z])"
    r"\s?(?P<pct>%|percent|per cent|pct|por ciento|成)?",
    re.IGNORECASE,
)
_MULTIPLIERS = {
    "k": 1e3, "thousand": 1e3, "mil": 1e3, "千": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "millones": 1e6,
    "millón": 1e6, "mio": 1e6, "bn": 1e9, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,
}
_RANGE_JOIN = re.compile(r"\s?(?:-|–|—|~|to|a|or|o|至|到)\s?(?:[A-Z]{0,2}[$€£¥])?", re.IGNORECASE)
# A line of delimited values ("Leaf Circle,1840,9%,£27,12"): there "640,33" is two values, not 640.33.
_DELIMITED = re.compile(r",(?! )")
_US_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")
_EU_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+")
_SPACED_NUMBER = re.compile(r"\d{1,3}(?:[\u00a0\u202f]\d{3})+")

_FRACTIONS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), value)
    for pattern, value in (
        (r"\btwo[- ]thirds\b|\bdos tercios\b", 200 / 3),
        (r"\bthree[- ]quarters\b|\btres cuartos\b", 75),
        (r"\b(?:a|one)[- ]third\b|\bun tercio\b", 100 / 3),
        (r"\b(?:a|one)[- ]quarter\b|\bun cuarto\b", 25),
        (r"\b(?:a|one)[- ]fifth\b|\bun quinto\b", 20),
        (r"\b(?:a|one)[- ]tenth\b|\bun décimo\b", 10),
        (r"\bhalf\b|\bla mitad\b", 50),
        (r"\ba dozen\b|\buna docena\b", 12),
    )
)
_ONE_IN = re.compile(r"\b(\d+) (?:in|out of|of every|de cada) (\d+)\b", re.IGNORECASE)
# English and Spanish number words worth handing to text2num (a cheap gate for its import).
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred"
    r"|thousand|million|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|veinte|veinti[a-zé]+"
    r"|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|ciento|doscientos|trescientos"
    r"|cuatrocientos|quinientos|seiscientos|setecientos|ochocientos|novecientos|mil)\b",
    re.IGNORECASE,
)
# Prices said aloud in a transcript: "one sixty" (160), "two forty-nine" (249); text2num reads
# these as two numbers.
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS_AND_TENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SPOKEN_PRICE = re.compile(
    rf"\b({'|'.join(_UNITS)}) ({'|'.join(_TEENS_AND_TENS)})(?:[- ]({'|'.join(_UNITS)}))?\b", re.IGNORECASE
)
_CN_DIGITS = "零〇一二三四五六七八九两兩壹贰貳叁參肆伍陆陸柒捌玖"
_CN_UNITS = "十拾百佰千仟万萬亿億"
_CN_HINTS = frozenset(_CN_DIGITS + _CN_UNITS + "折成")
_CN_RUN = re.compile(rf"(?:\d+(?:\.\d+)?)?[{_CN_DIGITS}{_CN_UNITS}]+(?:[点點][{_CN_DIGITS}]+)?")
_CN_PERCENT = re.compile(rf"百分之([\d.]+|[{_CN_DIGITS}{_CN_UNITS}点點]+)")
_CN_ZHE = re.compile(rf"(\d+(?:\.\d+)?|[{_CN_DIGITS}十]+)\s?折")
_CN_CHENG = re.compile(rf"(\d+(?:\.\d+)?|[{_CN_DIGITS}]+)\s?成(?![本功员員長长立交为為])")


@dataclass(frozen=True)
class NotesNumbers:
    """The numbers the notes support, each tuple sorted and distinct."""

    values: tuple[float, ...]  # every candidate
    terms: tuple[float, ...]  # whole counts and amounts (no percentages, no years): a share's part
    totals: tuple[float, ...]  # the largest few terms: a share's whole
    percents: tuple[float, ...]  # written as a percentage or a fraction ("12%", "two thirds", 六成)


@dataclass
class _Found:
    values: set[float] = field(default_factory=set)
    terms: set[float] = field(default_factory=set)
    percents: set[float] = field(default_factory=set)

    def percent(self, value: float) -> None:
        self.values.add(value)
        self.percents.add(value)


def check_reading(inp: NormalizedInput, notes: str) -> list[str]:
    """One flag per number in `inp` that the notes do not support, naming where it sits and its value."""
    numbers = notes_numbers(notes)
    # The reading's own counts may be a share's terms too: a segment's count over the total.
    own_counts = [s.metrics.customer_count for s in inp.segments if s.metrics.customer_count]
    own_totals = [inp.business.customer_count] if inp.business.customer_count else []
    if sum(1 for s in inp.segments if s.metrics.customer_count) > 1:
        own_totals.append(sum(s.metrics.customer_count or 0 for s in inp.segments))
    numbers = replace(
        numbers, terms=_merge(numbers.terms, own_counts + own_totals), totals=_merge(numbers.totals, own_totals)
    )
    flags = []
    for where, name, value in _stated_values(inp):
        if not supported(name, value, numbers, _sums(inp, where, name)):
            flags.append(f"{FLAG_PREFIX} {where} {name} {_fmt(value)} — check it")
    return flags


def supported(name: str, value: float, numbers: NotesNumbers, sums: tuple[float, ...] = ()) -> bool:
    """Whether `value` for the field `name` is a number in the notes, or a derivation that fits the field."""
    v = abs(value)
    if v == 0:
        return True
    if not math.isfinite(v):
        return False
    lo, hi = v - _tolerance(v), v + _tolerance(v)
    if any(lo <= total <= hi for total in sums):
        return True
    for derive in (_same, *_DERIVATIONS.get(name, ())):
        try:
            ends = derive(lo), derive(hi)
        except (ZeroDivisionError, OverflowError):
            continue
        if all(isinstance(end, float | int) and math.isfinite(end) for end in ends) and _any_within(
            numbers.values, min(ends), max(ends)
        ):
            return True
    if name in _PCT_FIELDS or name == "monthly_churn_pct":
        # a / b x 100 of two counts or amounts: a share computed as 400 / 2300.
        return any(_any_within(numbers.terms, lo * b / 100, min(hi * b / 100, b)) for b in numbers.totals)
    if name == "customer_count":
        # p% of a total: "12% of our 2,300 customers" -> 276.
        return any(
            _any_within(numbers.totals, max(lo * 100 / p, hi), hi * 100 / p) for p in numbers.percents if 0 < p < 100
        )
    return False


@lru_cache(maxsize=16)
def notes_numbers(notes: str) -> NotesNumbers:
    """Every number the notes state, in each reading its writing allows."""
    text = unicodedata.normalize("NFKC", notes)
    found = _Found()
    variants = [text]
    if _NUMBER_WORD.search(text):
        from text_to_num import alpha2digit  # lazy: only notes that spell a number pay the import

        variants += [alpha2digit(text, lang, threshold=0) for lang in ("en", "es")]
    for variant in variants:
        _read_digits(variant, found)
        for match in _ONE_IN.finditer(variant):
            part, whole = int(match[1]), int(match[2])
            if 0 < part <= whole:
                found.percent(100 * part / whole)
    for pattern, value in _FRACTIONS:
        if pattern.search(text):
            found.percent(value)
    for match in _SPOKEN_PRICE.finditer(text):
        words = [word.lower() for word in match.groups() if word]
        found.values.add(100 * _UNITS[words[0]] + _TEENS_AND_TENS[words[1]] + (_UNITS[words[2]] if len(words) > 2 else 0))
    if any(char in _CN_HINTS for char in text):
        _read_chinese(text, found)
    terms = tuple(sorted(found.terms))
    return NotesNumbers(
        values=tuple(sorted(found.values)), terms=terms, totals=terms[-_TOTALS:], percents=tuple(sorted(found.percents))
    )


# ------------------------------------------------------------------ helpers


def _stated_values(inp: NormalizedInput) -> Iterator[tuple[str, str, float]]:
    """(where, field, value) for every number the reading states (measured order figures excepted)."""
    for seg in inp.segments:
        for name, value in seg.metrics:
            if isinstance(value, int | float) and name not in seg.measured:
                yield f"segment '{seg.name[:60]}'", name, float(value)
    if inp.source != "orders":  # an export's business figures are measured, not read
        for name, value in inp.business:
            if name not in _NOT_NUMBERS and isinstance(value, int | float):
                yield "business", name, float(value)
    if inp.constraints.max_discount_pct is not None:
        yield "constraints", "max_discount_pct", float(inp.constraints.max_discount_pct)
    if inp.operating.team_size is not None:
        yield "operating", "team_size", float(inp.operating.team_size)


def _sums(inp: NormalizedInput, where: str, name: str) -> tuple[float, ...]:
    if where != "business" or name not in _SUMMABLE:
        return ()
    parts = [getattr(s.metrics, name) for s in inp.segments if getattr(s.metrics, name) is not None]
    return (float(sum(parts)),) if len(parts) > 1 else ()


def _tolerance(v: float) -> float:
    text = f"{v:.10g}"
    decimals = len(text.partition(".")[2]) if "e" not in text else 0
    return max(REL_TOLERANCE * v, 0.5 * 10**-decimals)


def _any_within(sorted_values: tuple[float, ...], lo: float, hi: float) -> bool:
    i = bisect_left(sorted_values, lo)
    return i < len(sorted_values) and sorted_values[i] <= hi


def _merge(sorted_values: tuple[float, ...], extra: list[float]) -> tuple[float, ...]:
    return tuple(sorted(set(sorted_values).union(extra))) if extra else sorted_values


def _fmt(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    text = f"{value:.6g}"
    return f"{value:.2f}" if "e" in text else text


def _readings(token: str) -> list[float]:
    """Each value a digit token can mean as one number: `2,150` is 2150 (or 2.15 in Europe), `46.000` 46000 or 46."""
    if token.isdigit():
        return [float(token)]
    out = []
    if _SPACED_NUMBER.fullmatch(token):
        out.append(float(re.sub(r"\D", "", token)))
    if _US_NUMBER.fullmatch(token):
        out.append(float(token.replace(",", "")))
    if _EU_NUMBER.fullmatch(token):
        out.append(float(token.replace(".", "").replace(",", ".")))
    if not out:  # no single number ("15.03.2024", "1.2.3"): each part on its own
        out = [float(part) for part in re.split(r"[.,\u00a0\u202f]", token) if part]
    return out


def _pieces(token: str, delimited_line: Callable[[], bool]) -> list[str]:
    """A comma list inside one token ("1840,9" of a CSV row, "71.50,8.2,0.91"), else the token alone.

    One comma between digits is a decimal comma ("3,5 orders") unless the line is delimited.
    """
    commas = token.count(",")
    if not commas or _US_NUMBER.fullmatch(token) or (commas == 1 and not delimited_line()):
        return [token]
    return [piece for piece in token.split(",") if piece]


def _read_digits(text: str, found: _Found) -> None:
    previous: list[float] = []
    previous_end = 0
    lines = _Lines(text)
    for match in _TOKEN.finditer(text):
        token = match[0]
        after = _AFTER.match(text, match.end())
        multiplier = _MULTIPLIERS.get((after["mult"] or "").lower(), 1.0) if after else 1.0
        percent = bool(after and after["pct"])
        pieces = _pieces(token, lambda: lines.delimited_at(match.start())) if "," in token else [token]
        if len(pieces) > 1:  # the list's own items, and "3,5" may still be 3.5
            for piece in pieces[:-1]:
                _add(found, _readings(piece), percent=False, year=_looks_like_a_year(piece))
            found.values.update(_readings(token))
        plain = _readings(pieces[-1])
        current = plain + ([x * multiplier for x in plain] if multiplier != 1 else [])
        if previous and len(pieces) == 1 and _RANGE_JOIN.fullmatch(text, previous_end, match.start()):
            if multiplier != 1:  # "14-15k": the multiplier covers both ends
                previous = previous + [x * multiplier for x in previous]
                current += previous
            found.values.update((low + high) / 2 for low in previous for high in current if low < high <= 10 * low)
        _add(found, current, percent=percent, year=_looks_like_a_year(pieces[-1]))
        previous, previous_end = current, after.end() if after else match.end()


class _Lines:
    """Which lines of a text are rows of delimited values (three or more bare commas), found on demand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None
        self.known: dict[int, bool] = {}

    def delimited_at(self, position: int) -> bool:
        if self.starts is None:
            self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        index = bisect_right(self.starts, position) - 1
        if index not in self.known:
            end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
            line = self.text[self.starts[index] : end]
            self.known[index] = sum(1 for _ in itertools.islice(_DELIMITED.finditer(line), 3)) >= 3
        return self.known[index]


def _add(found: _Found, values: list[float], *, percent: bool, year: bool) -> None:
    found.values.update(values)
    if percent:
        found.percents.update(values)
    elif not year:
        found.terms.update(x for x in values if x >= _MIN_TERM and x.is_integer())


def _looks_like_a_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1990 <= int(token) <= 2039


def _read_chinese(text: str, found: _Found) -> None:
    for match in _CN_RUN.finditer(text):
        run = match[0]
        if any(char in _CN_DIGITS for char in run) or sum(char in _CN_UNITS for char in run) > 1:
            value = _chinese_value(run)
            if value is not None:
                found.values.add(value)
                if value >= _MIN_TERM and value.is_integer():
                    found.terms.add(value)
    for match in _CN_PERCENT.finditer(text):
        value = _number(match[1])
        if value is not None:
            found.percent(value)
    for match in _CN_ZHE.finditer(text):  # 7 折 = pay 70%, 30% off; 85 折 = 15% off
        value = _number(match[1])
        if value is not None and 0 < value < 100:
            paid = value * 10 if value < 10 else value
            found.percent(paid)
            found.percent(100 - paid)
    for match in _CN_CHENG.finditer(text):  # 六成 = 60%
        value = _number(match[1])
        if value is not None and 0 < value <= 10:
            found.percent(value * 10)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return _chinese_value(text)


def _chinese_value(run: str) -> float | None:
    import cn2an  # lazy: ~150 ms, paid only by notes with Chinese numerals, on this check path only

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns on text it declines; declining is an answer here
        try:
            return float(cn2an.cn2an(run, "smart"))
        except (ValueError, KeyError, IndexError, TypeError):
            return None
