"""Stage 1 of the reader: the pasted text as clean lines, with every number written in digits.

Operators paste Slack threads, meeting and voice transcripts, email forwards and notes typed on
a phone. Before any block or number is read, this stage:

- drops chat furniture: Slack "Name  9:14 AM" header lines, "[08:47]" and "00:01:12" stamps,
  and speaker labels ("Luis (DTC):", "Hannah Berg:") once a label starts two or more lines;
- unquotes `>` email quotes;
- writes numbers in one way: number words ("nine hundred", "sixty five"), fractions of a base
  ("two thirds" -> 66.7%, "about 1 in 5" -> 20%), "once/twice a year", European digit groups
  (`46.000`, `3,5`), Chinese numerals (一千二百, 六成 -> 60%) and "1.2 million".

Everything later reads only what this returns, so each of those forms is handled here and only
here. English, Spanish and German number words are converted by text2num (`alpha2digit`): a
maintained, compiled converter, far more complete than a hand-written word list and ~3 ms to
import. Chinese numerals are converted by the small routine below instead of cn2an, whose import
takes ~160 ms (the whole notes path has a 20 ms budget) and which does not read 成 or 折.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

_I = re.IGNORECASE

# --- chat and transcript furniture ------------------------------------------------------------
_SLACK_HEADER = re.compile(r"^[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}\s+\d{1,2}:\d{2}(?:\s?[AP]M)?$", _I)
_STAMP = re.compile(r"^\s*(?:\[\s*(?:\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{2,4})?,?\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?\s*\]|\(?\d{1,2}:\d{2}:\d{2}\)?|\d{1,2}:\d{2}(?:\s?[AP]M)?\s+(?=[A-Z]))\s*", _I)
_SPEAKER = re.compile(r"^((?:[A-Z][\w.'-]*|@[\w.-]+)(?: [A-Z][\w.'-]*){0,2})(\s*\([A-Za-z&/ .-]{1,14}\))?\s*:\s+(?=\S)")
# Words that make a "Label:" a segment or a metric, never a person speaking.
_NOT_A_SPEAKER = re.compile(
    r"\b(?:vips?|customers?|clients?|buyers?|members?|subscri\w*|segments?|tiers?|cohorts?|groups?|lapsed|dormant|new|repeat\w*|loyal\w*"
    r"|total|overall|aov|margin|gm|cac|churn|revenue|notes?|constraints?|rules?|goals?|worry|problem|context|summary|subject|from|to"
    r"|cc|date|re|fw)\b",
    _I,
)
# "@kira 10:02 text", "Maya 9:14 AM text": a chat handle and a time before the message.
_HANDLE_STAMP = re.compile(r"^(?:@[\w.-]+|[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?)\s+\d{1,2}:\d{2}(?:\s?[AP]M)?\s+(?=\S)", _I)
_QUOTE = re.compile(r"^\s*(?:>\s?)+")

# --- numbers ----------------------------------------------------------------------------------
_FRACTIONS = (
    (re.compile(r"\b(?:about |roughly |around |nearly |almost |maybe |like )?(?:one|1) in (two|three|four|five|six|eight|ten|2|3|4|5|6|8|10)\b", _I), None),
    (re.compile(r"\btwo[- ]thirds\b|\b2/3\b|\bdos tercios\b|\bzwei drittel\b", _I), "66.7%"),
    (re.compile(r"\bthree[- ]quarters\b|\b3/4\b|\btres cuartos\b", _I), "75%"),
    (re.compile(r"\b(?:a|one)[- ]third\b|\b1/3\b|\bun tercio\b", _I), "33.3%"),
    (re.compile(r"\b(?:a|one)[- ]quarter\b|\b1/4\b|\bun cuarto\b", _I), "25%"),
    (re.compile(r"\b(?:a|one)[- ]fifth\b|\b1/5\b", _I), "20%"),
    (re.compile(r"\b(?:a|one)[- ]tenth\b", _I), "10%"),
    (re.compile(r"\b(?:about |roughly |around |nearly |almost )?half\b(?= (?:of|our|the|them|are|were|our)\b)|\bla mitad\b|\bdie hälfte\b", _I), "50%"),
)
_IN_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "ten": 10}
_TIMES = (
    (re.compile(r"\bonce (?=(?:a|per|each|every) (?:year|month|quarter|week)\b)", _I), "1x "),
    (re.compile(r"\btwice (?=(?:a|per|each|every) (?:year|month|quarter|week)\b)", _I), "2x "),  # "ordered twice" stays words
    (re.compile(r"\bthrice (?=(?:a|per|each|every) (?:year|month|quarter|week)\b)", _I), "3x "),
    (re.compile(r"\buna vez al\b", _I), "1x al"),
    (re.compile(r"\bdos veces\b", _I), "2x"),
)
_MILLION = re.compile(r"(\d+(?:\.\d+)?)\s?(million|mil millones|millones|millón|mio\.?|thousand)\b", _I)
_MILLION_FACTOR = {"million": 1e6, "millones": 1e6, "millón": 1e6, "mio": 1e6, "mio.": 1e6, "thousand": 1e3, "mil millones": 1e9}
# "average order is one sixty": spoken prices, hundreds and tens without the word "hundred".
_DIGIT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SPOKEN_HUNDREDS = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine) (twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](one|two|three|four|five|six|seven|eight|nine))?\b"
    r"(?! (?:days?|weeks?|months?|years?|percent|times|orders?)\b)",
    _I,
)
# Plural vague quantities are not numbers ("hundreds of people").
_VAGUE = re.compile(r"\b(hundreds|thousands|dozens|a couple|a few|cientos|miles)\b", _I)
_FRENCH = re.compile(r"\b(?:clientes|commandes|panier|marge|nous|avec|pour|les|des|taux|remise)\b", _I)
_SPANISH = re.compile(r"\b(?:clientes|clientas|pedidos|compran|devoluciones|tienda|nuestro|nuestra|también|todo|más|pero|meses|años|hace)\b", _I)
_GERMAN = re.compile(r"\b(?:Kunden|Bestellungen|wir|und|nicht|pro Jahr|Monate|Jahre|Umsatz|keine)\b")
_COMMA_DECIMAL = re.compile(r"(?<![\d,.])(\d+),(\d{1,2})(?!\d|,\d)")
_CSV_ROW = re.compile(r"^[^,\n]*,\S[^,\n]*,\S[^,\n]*,\S")  # three or more commas with no space after them
_SPACE_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,]\d)")
_DOT_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+)(?!\d|\.\d)")  # "1.250,50 €" keeps its decimal comma
_ONE_YEAR_WORDS = re.compile(
    r"\b(?:un|una|ein|einem|einer|(?<=over )a|(?<=than )a|(?<=in )a|(?<=for )a|(?<=past )a|(?<=last )a|(?<=within )a)"
    r" (año|mes|semana|jahr|monat|woche|year|month|week)\b",
    _I,
)

# Chinese numerals: a run that carries a unit character (十百千万) or precedes a measure word.
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile(r"[零〇一二两兩三四五六七八九十百千万萬]+(?:[點点][零〇一二三四五六七八九]+)?")
_CN_MEASURE = re.compile(r"^\s?(?:人|位|名|个|個|天|日|週|周|星期|个月|個月|月|年|次|成|%|折|元|块|塊|倍)")
_CN_CHENG = re.compile(r"(\d+(?:\.\d+)?)\s?成(?![本功员員])")


def prepare_lines(text: str) -> list[str]:
    """The note as lines with chat furniture removed, packed key: value pairs split, numbers in digits."""
    lines = text.split("\n")
    speakers = _speakers(lines)
    european = bool(_COMMA_DECIMAL.search(text)) or bool(_SPANISH.search(text) or _GERMAN.search(text) or _FRENCH.search(text))
    languages = (["en"] + (["es"] if _SPANISH.search(text) else []) + (["de"] if _GERMAN.search(text) else [])
                 + (["fr"] if _FRENCH.search(text) else []))
    prepared: list[str] = []
    for line in lines:
        line = _prepare_line(line, speakers, european, tuple(languages))
        prepared.extend(_split_packed_pairs(line))
    return prepared


# "Customers: 5,480   Share of revenue: 36%   AOV: $132": several key: value pairs packed on one line.
_PACKED_PAIR = re.compile(r"(?:^|\s{2,}|\s[·|•]\s|(?<=\S)\s(?=[\u4e00-\u9fff]{2,6}:))([^:\s][^:]{0,40}?):\s?")


def _split_packed_pairs(line: str) -> list[str]:
    starts = [match.start(1) for match in _PACKED_PAIR.finditer(line)]
    if len(starts) < 2:
        return [line]
    indent = line[: len(line) - len(line.lstrip())]
    cuts = starts + [len(line)]
    return [indent + line[a:b].strip(" ·|•") for a, b in zip(cuts, cuts[1:])]


def _speakers(lines: list[str]) -> frozenset[str]:
    """Labels that start two or more lines, or carry a role in brackets, and name no metric or segment."""
    seen: Counter[str] = Counter()
    roles: set[str] = set()
    for line in lines:
        body = _STAMP.sub("", _QUOTE.sub("", line))
        match = _SPEAKER.match(body)
        if match and not _NOT_A_SPEAKER.search(match.group(1)):
            seen[match.group(1)] += 1
            if match.group(2):
                roles.add(match.group(1))
    if not any(count >= 2 for count in seen.values()) and not roles:
        return frozenset()
    # Once the note is a conversation, every short name-like label that starts a line is a speaker.
    return frozenset(name for name, count in seen.items() if count >= 2 or name in roles or len(name.split()) <= 2)


def _prepare_line(line: str, speakers: frozenset[str], european: bool, languages: tuple[str, ...]) -> str:
    body = _QUOTE.sub("", line)
    if _SLACK_HEADER.match(body.strip()):
        return ""
    stamped = _STAMP.match(body) or _HANDLE_STAMP.match(body)
    body = body[stamped.end() :] if stamped else body
    speaker = _SPEAKER.match(body)
    if speaker and speaker.group(1) in speakers:
        body = body[speaker.end() :]
    return spell_numbers(body, european, languages)


@lru_cache(maxsize=4096)
def spell_numbers(text: str, european: bool = False, languages: tuple[str, ...] = ("en",)) -> str:
    """Every number in `text` in digits, with '.' as the decimal point and no group separators."""
    if not text.strip():
        return text
    if _CN_RUN.search(text):
        text = _chinese_numerals(text)
    if european:
        text = _DOT_THOUSANDS.sub(lambda m: m.group(1).replace(".", ""), text)
        text = _SPACE_THOUSANDS.sub(lambda m: re.sub(r"[ \u00a0\u202f]", "", m.group(0)), text)  # "2 900 clientes"
    if not _CSV_ROW.search(text) and "\t" not in text:  # a CSV row's commas are separators
        text = _COMMA_DECIMAL.sub(r"\1.\2", text)  # "3,5" and "94,50": a thousands group always has three digits
    if not re.search(r"[A-Za-z]", text):
        return _CN_CHENG.sub(lambda m: f"{float(m.group(1)) * 10:g}%", text)
    text = _VAGUE.sub(lambda m: m.group(1).upper() if m.group(1).islower() else m.group(1), text)
    for pattern, replacement in _FRACTIONS:
        if replacement is None:
            text = pattern.sub(lambda m: f"{100 / _in_number(m.group(1)):.1f}%".replace(".0%", "%"), text)
        else:
            text = pattern.sub(replacement, text)
    for pattern, replacement in _TIMES:
        text = pattern.sub(replacement, text)
    text = _ONE_YEAR_WORDS.sub(lambda m: f"1 {m.group(1)}", text)
    text = _SPOKEN_HUNDREDS.sub(_spoken_hundreds, text)
    text = _convert_words(text, languages)
    text = _MILLION.sub(lambda m: f"{float(m.group(1)) * _MILLION_FACTOR[m.group(2).lower()]:g}", text)
    return _CN_CHENG.sub(lambda m: f"{float(m.group(1)) * 10:g}%", text)


def _in_number(word: str) -> float:
    return float(_IN_WORDS.get(word.lower(), word))


def _spoken_hundreds(match: re.Match[str]) -> str:
    value = _DIGIT_WORDS[match.group(1).lower()] * 100 + _TENS_WORDS[match.group(2).lower()]
    return str(value + (_DIGIT_WORDS[match.group(3).lower()] if match.group(3) else 0))


def _convert_words(text: str, languages: tuple[str, ...]) -> str:
    if not re.search(r"[a-z]{3}", text, _I):
        return text
    from text_to_num import alpha2digit  # lazy: only notes that spell numbers pay the import

    for language in languages:
        try:
            text = alpha2digit(text, language, threshold=2)
        except (ValueError, RuntimeError):  # an odd token must never stop the reading
            continue
    return text


def _chinese_numerals(text: str) -> str:
    def convert(match: re.Match[str]) -> str:
        run = match.group(0)
        if match.start() and text[match.start() - 1].isdigit() or text[match.start() - 2 : match.start()].strip(" .").isdigit():
            return run  # "1.2万", "3 千": the number reader applies the multiplier
        after = text[match.end() : match.end() + 3]
        has_unit = any(ch in run for ch in "十百千万萬")
        if not has_unit and not (len(run) >= 2 and _CN_MEASURE.match(after)) and not after.startswith(("成", "折")):
            return run
        value = _chinese_value(run)
        return run if value is None else f"{value:g}"

    return _CN_RUN.sub(convert, text)


def _chinese_value(run: str) -> float | None:
    integer, _point, decimals = re.split(r"([點点])", run, maxsplit=1) if ("點" in run or "点" in run) else (run, "", "")
    total, section, digit = 0.0, 0.0, None
    for ch in integer:
        if ch in _CN_DIGITS:
            if digit is not None and not section and not total:
                digit = digit * 10 + _CN_DIGITS[ch]  # "二五" written digit by digit
            else:
                digit = _CN_DIGITS[ch] if digit is None else digit * 10 + _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in "万萬":
            total += (section + (digit or 0)) * 10_000
            section, digit = 0.0, None
        else:
            return None
    value = total + section + (digit or 0)
    if decimals:
        value += float("0." + "".join(str(_CN_DIGITS.get(ch, 0)) for ch in decimals))
    return value
