"""Split pasted notes into blocks: a segment (name + its sentences), business context, or rules.

Operators paste Markdown tables, CSV/TSV exports, bullet lists under headings, "key: value"
dumps and plain paragraphs, often mixed in one note. Each style has a small parser here; all of
them emit the same `Block`s so one reader downstream extracts numbers, lanes and constraints.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from dataclasses import dataclass, field

from skill.normalize.constraints import states_rule
from skill.normalize.lanes import lane_from_name
from skill.normalize.lexicon_context import SECTION_RULES  # "Rules from the pharmacist", "Contraintes :" open rules
from skill.normalize.segments import PEOPLE_NOUNS, segment_phrase
from skill.normalize.lexicon import (
    BUSINESS_SCOPE,
    KEY_LABELS,
    NAME_KEY,
    NOTES_HEADER,
    PERCENT_FIELDS,
    SECTION_BUSINESS,
    SECTION_CONSTRAINTS,
    SECTION_SEGMENTS,
    SEGMENT_LIST_PREFIX,
    SEGMENT_NOUN,
    TOTAL_ROW,
)

SEGMENT, PROSE, CONSTRAINTS, BUSINESS = "segment", "prose", "constraints", "business"


@dataclass
class Clause:
    """A piece of text to read; `hint` is the metric its label names (table header, key)."""

    text: str
    hint: str | None = None
    label: str | None = None  # shown in evidence as "label: text"
    is_heading: bool = False


@dataclass
class Block:
    """kind: segment (everything belongs to `name`), prose (route by who is mentioned),
    constraints (every sentence is a rule), business (a table's total row)."""

    kind: str
    name: str | None = None
    clauses: list[Clause] = field(default_factory=list)


_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BOLD_LINE = re.compile(r"^\*\*([^*]{1,80})\*\*\s*:?\s*$")
_BULLET = re.compile(r"^(?:[-*•·+▪–・◦●○■□►▸→]|\d{1,2}[.)])\s+(.*)$")
_KEY_VALUE = re.compile(r"^([^:=\n]{1,90}?)\s*(?::|=)\s*(.*)$")
_KEY_DASH_VALUE = re.compile(r"^([^:=\n]{1,48}?)\s+[-–—]\s+(.*)$")  # only in bullets: "- VIPs — 1,200 customers"
_EMPHASIS = re.compile(r"\*\*|__|`")
_PARENTHETICAL = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]\s*")
_TABLE_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
_BARE_NUMBER_CELL = re.compile(r"^[~≈<>]?\s*-?[\d.,]+\s*[kKmM+]?$")
_NUMERIC_CELL = re.compile(r"^[\s$€£¥%~<>.,\d+-]+$")
_THOUSANDS_TAIL = re.compile(r"^\d{3}(?:\.\d+)?%?$")
_ENDS_IN_SHORT_NUMBER = re.compile(r"(?:^|[^\d.])\d{1,3}$")
_HEADER_CURRENCY = re.compile(r"NT\$|US\$|A\$|C\$|HK\$|\$|€|£|¥|\b(?:USD|EUR|GBP|JPY|CNY|RMB|TWD|NTD|AUD|CAD)\b|元", re.IGNORECASE)
_HEADER_PERCENT = re.compile(r"%|\bpct\b|percent|\brate\b|share|率|佔比|占比", re.IGNORECASE)
_HEADER_DURATION = re.compile(r"\b(days?|weeks?|months?|years?)\b|(天|週|周|月)", re.IGNORECASE)
_TRAILING_UNIT = re.compile(r"\s*(?:pct|percent|%|usd|eur|gbp|\$|€|£|days?|d)$")
_MAX_TABLE_CELLS = 40
_MONEY_FIELDS = frozenset({"aov", "cac", "revenue_amount"})
_DAY_FIELDS = frozenset({"repurchase_cycle_days", "days_since_last_order"})


def clean(text: str) -> str:
    return _EMPHASIS.sub("", text).strip().strip(":：").strip()


# Words that leave a key's metric unchanged: "active_accounts", "customers_12m", "total paying customers".
_GENERIC_KEY_WORDS = re.compile(r"\b(?:(?:customer|merchant|member|subscriber|account|client|user|store|student)(?=\s+\S)|global|général|gesamt|tot|totl|ttl|own store|own site|site|store|shop|web|website|online|dtc|d2c|webshop|active|total|paying|paid|unique|registered|all|all-time|12 ?m|12 ?mo|ltm|last 12 months|ttm|overall|blended)\b\s*")
# "segment.subscribers.aov", "segment.name", "seg_2.customers": a key path into a segment.
_KEY_PATH = re.compile(r"^(?:segments?|seg|cohorts?|groups?|tiers?)[._\s]?\d*\.(.+)$", re.IGNORECASE)


# "會員資料整理", "Q3 notes", "WhatsApp export": a title line names the document, not a segment.
_CHAT_FILLER = re.compile(r"^(?:(?:yep|yes|yeah|ok|okay|right|sure|so|and|also|oh|um|uh|then|next|lol|k)\b[.,!]*\s+)+", re.IGNORECASE)
_DOCUMENT_TITLE = re.compile(
    r"整理|資料|资料|數據|数据|報告|报告|摘要|筆記|笔记|復盤|复盘|分層|分层|\b(?:notes?|summary|export|report|overview|update|dashboard|recap|thread|transcript|deck|snapshot|review|brief|prep|workshop)\b", re.IGNORECASE
)
# "客人分三類:", "we split them into:", "groups i'd split them into": a list of segments follows.
_LIST_INTRO = re.compile(r"分[一二三四五六七八九\d]\s?[類类群種种]|as we see them|who buys|breakdown|split (?:them|it|customers)? ?into|(?:break|broken) (?:down|them) into|groups?\b.*\binto\b", re.IGNORECASE)
_SHARE_LINE = re.compile(r"^(?:about |around |roughly |~)?\d+(?:\.\d+)?%\s+.+?\([\"'“‘]?(?P<name>[^()\d\"'“”‘’]{2,40})[\"'”’]?\)[.;]?\s*$", re.IGNORECASE)
_DASHED_HEAD = re.compile(r"^[^,:;.]{2,40}\s[—–]\s")
_BULLET_HEAD = re.compile(
    r"^(?:the |our )?(?P<name>(?:[\w'&+-]+\s){0,2}[\w'&+-]*(?:ers|ors|ists|ians|ees|ants|ents|ies|ics|ites|ees|folk|crowd))\s*(?:[,:(—–]|\s-\s|\s~)\s*(?:about |around |roughly |~|like |maybe )?\d",
    re.IGNORECASE,
)
_SUBSET_NOUNS = frozenset("members subscribers subs vips regulars repeaters loyalists insiders club members".split())
_SHARE_VALUE = re.compile(r"\s*(?:about |around |roughly |~)?\d+(?:\.\d+)?\s?%")
_BASE_KEY = re.compile(
    r"(?:(?:the|our|customer|whole|total|active|all|paying|current)\s+)*(?:base|file|list|database|everyone|all|totals?|overall|store|shop|brand|business|company|we|us)"
    r"(?:\s+(?:active|total|overall|12 ?m|ltm|actif|activa|aktiv))?"
)
_COUNT_VALUE = re.compile(rf"^\s*(?:about |around |roughly |~)?\d[\d.,]*[kK]?\+?\s+(?:{PEOPLE_NOUNS})\b", re.IGNORECASE)
_METRIC_KEY = re.compile(
    r"^\s*(?:seasonal(?:ity)?|season|peak(?: season)?|busy season|saison|saisonalität|temporada)\s*$|cancellations?\b|/\s*(?:month|mo|year|yr)\b|\bper (?:month|year)\b"
    r"|\b(?:rate|share|ratio|split|mix)\s*$|^\s*(?:main |biggest |our )?(?:worry|goal|problem|challenge|ask|question|team|staff|budget)\b|^\s*(?:主要|最大|最)?(?:擔心|担心|問題|问题|目標|目标|頭痛|头痛|團隊|团队)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # labels repeat down every table and key: value dump
def key_field(label: str) -> str | None:
    """The metric a key or column header names, if the whole label is a metric label
    ('customer_share_pct' and 'Repeat %' count: a trailing unit word is dropped on a second try)."""
    text = _PARENTHETICAL.sub(" ", clean(label)).replace("_", " ").strip().lower()
    text = re.sub(r"\s+", " ", text)
    plain = _GENERIC_KEY_WORDS.sub(" ", text).strip()
    for candidate in (text, _TRAILING_UNIT.sub("", text), plain, _TRAILING_UNIT.sub("", plain)):
        for name, pattern in KEY_LABELS:
            if pattern.fullmatch(candidate):
                return name
    return None


def _lane_words(text: str) -> bool:
    return lane_from_name(text) is not None or segment_phrase(text) is not None


def segment_name(label: str) -> tuple[str, str]:
    """("VIP (top 5% by spend)") -> ("VIP", "top 5% by spend"): the name and any parenthetical."""
    text = clean(label)
    inner = " ".join(m.group(1) for m in _PARENTHETICAL.finditer(text))
    name = _PARENTHETICAL.sub(" ", text).strip(" -–—:") or text
    return name, inner


def _heading_kind(text: str, in_segment_list: bool) -> str:
    """What a heading or 'Label:' line opens: a segment, rules, business context or a segment list."""
    plain = clean(text)
    lowered = plain.lower()
    if SECTION_CONSTRAINTS.fullmatch(lowered) or SECTION_RULES.match(lowered) or (states_rule(plain) and not _lane_words(plain)):
        return CONSTRAINTS
    if SECTION_SEGMENTS.fullmatch(lowered) or SEGMENT_LIST_PREFIX.match(lowered) or _LIST_INTRO.search(plain):
        return "segment_list"
    if _DOCUMENT_TITLE.search(plain):
        return BUSINESS
    if SECTION_BUSINESS.fullmatch(lowered):
        return BUSINESS
    if _lane_words(plain) or SEGMENT_NOUN.search(plain) or in_segment_list:
        return SEGMENT
    return BUSINESS


# --- tables ---------------------------------------------------------------------------------


def _header_unit(header: str, hint: str) -> tuple[str, str]:
    """(prefix, suffix) a bare number in this column is read with, e.g. ('$ ', '') for 'AOV ($)'."""
    currency = _HEADER_CURRENCY.search(header)
    if currency and hint in _MONEY_FIELDS:
        return currency.group(0) + " ", ""
    duration = _HEADER_DURATION.search(header)
    if duration and hint in _DAY_FIELDS:
        return "", " " + (duration.group(1) or {"天": "days", "週": "weeks", "周": "weeks", "月": "months"}[duration.group(2)])
    if _HEADER_PERCENT.search(header) and hint in PERCENT_FIELDS:
        return "", "%"
    return "", ""


def _cell_clause(header: str, cell: str) -> Clause:
    hint = key_field(header)
    if hint is None:
        return Clause(f"{clean(header).replace('_', ' ')}: {cell}")
    text = cell
    if _BARE_NUMBER_CELL.match(cell):
        prefix, suffix = _header_unit(header, hint)
        text = f"{prefix}{cell}{suffix}"
    return Clause(text, hint=hint, label=clean(header))


def table_blocks(rows: list[list[str]], warnings: list[str]) -> list[Block]:
    """Rows (header first) -> one block per data row; a 'Total' row speaks for the business."""
    header = [clean(c) for c in rows[0]]
    data = [r for r in rows[1:] if not all(_TABLE_SEPARATOR_CELL.match(c) or not c.strip() for c in r)]
    label_rows = sum(1 for r in data if r and key_field(r[0]))
    if data and label_rows * 2 >= len(data) and not any(key_field(h) for h in header[1:]):
        # Metrics down the side, segments across the top: read it transposed.
        header, data = [header[0]] + [clean(r[0]) for r in data], [
            [header[j]] + [r[j] if j < len(r) else "" for r in data] for j in range(1, len(header))
        ]
    name_column = next((j for j, h in enumerate(header) if NAME_KEY.fullmatch(h.lower())), 0)
    blocks: list[Block] = []
    for row in data:
        if len(row) != len(header):
            warnings.append(f"table row has {len(row)} cells but the header has {len(header)}: '{' | '.join(row)[:120]}'")
            row = (row + [""] * len(header))[: len(header)]
        name = clean(row[name_column])
        if not name:
            warnings.append(f"could not place table row without a segment name: '{' | '.join(row)[:120]}'")
            continue
        if TOTAL_ROW.fullmatch(name.lower()):
            block = Block(BUSINESS, None)
        else:
            name, inner = segment_name(name)
            block = Block(SEGMENT, name, [Clause(inner, is_heading=True)] if inner else [])
        for column, (head, cell) in enumerate(zip(header, row)):
            cell = cell.strip()
            if column == name_column or not cell or cell.lower() in ("-", "—", "n/a", "na", "?", "none", "tbd"):
                continue
            if NOTES_HEADER.search(head) and key_field(head) is None:
                block.clauses.append(Clause(cell))
            else:
                block.clauses.append(_cell_clause(head, cell))
        if block.kind == SEGMENT:
            block.clauses.append(Clause(name, is_heading=True))  # "Lapsed 12m+": read last, so a column's own value wins
        blocks.append(block)
    return blocks


def _pipe_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def _rejoin_thousands(cells: list[str], width: int) -> list[str]:
    """'VIP,2,300,$140' pasted without quotes: glue '300' back onto '2' while there are too many cells."""
    merged: list[str] = []
    surplus = len(cells) - width
    for cell in cells:
        if surplus > 0 and merged and _THOUSANDS_TAIL.match(cell.strip()) and _ENDS_IN_SHORT_NUMBER.search(merged[-1].strip()):
            merged[-1] = f"{merged[-1].strip()},{cell.strip()}"
            surplus -= 1
        else:
            merged.append(cell)
    return merged


def _delimited_rows(lines: list[str], start: int) -> tuple[list[list[str]], int] | None:
    """A CSV/TSV paste starting at `start`: a header of labels, then rows of the same width."""
    first = lines[start]
    delimiter = "\t" if "\t" in first else ";" if first.count(";") >= 2 and "," not in first else ","
    if first.count(delimiter) < 1:
        return None
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except csv.Error:
        return None
    if not 2 <= len(header) <= _MAX_TABLE_CELLS or any(len(c) > 40 or _NUMERIC_CELL.match(c) for c in header):
        return None
    if not any(key_field(c) or NAME_KEY.fullmatch(clean(c).lower()) for c in header):
        return None
    rows = [header]
    end = start + 1
    while end < len(lines) and lines[end].strip():
        try:
            row = next(csv.reader([lines[end]], delimiter=delimiter))
        except csv.Error:
            break
        row = _rejoin_thousands(row, len(header))
        if len(row) != len(header):
            break
        rows.append(row)
        end += 1
    return (rows, end) if len(rows) >= 2 else None


# --- line-by-line notes ---------------------------------------------------------------------


@dataclass
class _Context:
    block: Block | None = None
    opened_by: str = ""  # heading | header | inline | kv
    indent: int = 0
    in_segment_list: bool = False
    in_business: bool = False  # under a "Base" / "Overview" heading: unknown key: value lines are business facts
    segment_heading_level: int = 0  # "### Small offices" is a segment when "### Key accounts" was one


def _mark_parent_bullets(lines: list[str]) -> list[str]:
    """'- Hay-fever regulars' with its numbers on indented sub-bullets below: read the bullet as a 'Label:' header."""
    marked = list(lines)
    for index, line in enumerate(lines[:-1]):
        bullet = _BULLET.match(line.strip())
        label = _PARENTHETICAL.sub(" ", bullet.group(1)) if bullet else ""
        if not bullet or re.search(r"\d|[:：]\s*$", label) or len(label.split()) > 7:
            continue
        following = next((later for later in lines[index + 1 :] if later.strip()), "")
        indent = len(line) - len(line.lstrip())
        if len(following) - len(following.lstrip()) > indent and re.search(r"\d", following):
            marked[index] = line.rstrip() + ":"
    return marked


def split_blocks(text: str, warnings: list[str]) -> list[Block]:
    """The note as an ordered list of blocks, whatever mix of styles it was written in."""
    lines = _mark_parent_bullets(text.split("\n"))
    blocks: list[Block] = []
    ctx = _Context()
    prose: Block | None = None
    after_blank = False

    def open_block(block: Block, opened_by: str, indent: int) -> None:
        nonlocal prose
        blocks.append(block)
        ctx.block, ctx.opened_by, ctx.indent = block, opened_by, indent
        prose = None

    def to_prose(clause: Clause) -> None:
        nonlocal prose
        if prose is None:
            prose = Block(PROSE)
            blocks.append(prose)
        prose.clauses.append(clause)

    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            after_blank = True
            index += 1
            continue
        if stripped.count("|") >= 2:
            end = index
            while end < len(lines) and "|" in lines[end]:
                end += 1
            rows = [_pipe_cells(row) for row in lines[index:end]]
            if end - index >= 2 and all(len(r) <= _MAX_TABLE_CELLS for r in rows):
                blocks.extend(table_blocks(rows, warnings))
                ctx, prose, after_blank, index = _Context(), None, False, end
                continue
        delimited = _delimited_rows(lines, index)
        if delimited:
            rows, end = delimited
            blocks.extend(table_blocks(rows, warnings))
            ctx, prose, after_blank, index = _Context(), None, False, end
            continue
        index += 1
        is_title = not blocks and index < len(lines) and not lines[index].strip() and not _BULLET.match(stripped)
        if is_title and not re.search(r"\d", stripped):
            to_prose(Clause(clean(stripped), is_heading=True))
        else:
            _read_line(line, ctx, after_blank, open_block, to_prose)
        after_blank = False
    return blocks


def _read_line(line, ctx: _Context, after_blank: bool, open_block, to_prose) -> None:
    stripped = line.strip()
    indent = len(line) - len(line.lstrip())
    heading = _HEADING.match(stripped) or _BOLD_LINE.match(stripped)
    if heading:
        level = len(heading.group(1)) if heading.re is _HEADING else 7
        _open_section(heading.group(heading.lastindex or 1), ctx, "heading", indent, open_block, level)
        return
    bullet = _BULLET.match(stripped)
    content = clean(bullet.group(1)) if bullet else _EMPHASIS.sub("", stripped)
    if not content:
        return
    ends_as_label = content.endswith((":", "：")) or stripped.endswith((":", "："))
    if ends_as_label and len(_PARENTHETICAL.sub(" ", content)) <= 60 and not re.search(r"\d{3,}", content):
        _open_section(content, ctx, "header", indent, open_block)
        return
    key_value = _KEY_VALUE.match(content) or (_KEY_DASH_VALUE.match(content) if bullet else None)
    if key_value and states_rule(content) and not re.match(r"\s*(?:about |around |~|≈)?\d", key_value.group(2)):
        key_value = None
    if key_value and _read_key_value(key_value.group(1), key_value.group(2), bool(bullet), indent, ctx, open_block, to_prose):
        return
    block = ctx.block
    share = _SHARE_LINE.match(content)
    if share:  # "- 12% bought in the last 90 days (active)": a share of the base, named in brackets
        open_block(Block(SEGMENT, clean(share.group("name")), [Clause(content)]), "inline", indent)
        return
    phrase = segment_phrase(content)
    head = _BULLET_HEAD.match(content) if phrase is None and (bullet or _DASHED_HEAD.match(content)) else None
    if head is not None and not _METRIC_KEY.search(head.group("name")) and not key_field(head.group("name")):
        phrase = (head.group("name"), 0)  # "- commuters, about 1,900 of them, ride daily": a plural noun heads the bullet
    asks = content.rstrip().endswith("?")
    if phrase is not None and block is not None and block.kind == SEGMENT and re.match(r"\s*(?:about |around |~|≈)?\d", content):
        phrase = None  # "- New this quarter" / "  - 9,250 first-order customers": the count describes the segment above
    if phrase is not None and _DOCUMENT_TITLE.search(content) and not re.search(r"\d{2,}", content):
        phrase = None  # "Coffee subscription — Q3 snapshot for the retention review": the note's title
    if phrase is not None and (asks or re.search(r"\d", content)) and phrase[1] <= 30 and not (block is not None and block.name and phrase[0].lower() in block.name.lower()):
        # A line that opens with a segment's name starts that segment ("The Reserve tier?" then the answer).
        name, inner = segment_name(phrase[0])
        asked = content.rstrip().endswith("?")
        open_block(Block(SEGMENT, name, [Clause(content)]), "question" if asked else "inline", indent)
        return
    if block is not None and ctx.opened_by == "question" and (content.rstrip().endswith("?") or after_blank):
        ctx.block = None
        block = None
    if block is not None and _continues(ctx, bool(bullet), indent, after_blank):
        block.clauses.append(Clause(content))
        return
    if block is not None:
        ctx.block = None
    to_prose(Clause(content))


def _continues(ctx: _Context, is_bullet: bool, indent: int, after_blank: bool) -> bool:
    """Whether a plain line still belongs to the open segment, given how that segment was opened."""
    if ctx.opened_by in ("heading", "question"):
        return True
    if ctx.opened_by == "header":
        return is_bullet or indent > ctx.indent or not after_blank
    if ctx.opened_by == "inline":
        return indent > ctx.indent
    return not after_blank  # kv


def _open_section(title: str, ctx: _Context, opened_by: str, indent: int, open_block, level: int = 0) -> None:
    kind = _heading_kind(title, ctx.in_segment_list)
    if kind == BUSINESS and level and level == ctx.segment_heading_level:
        kind = SEGMENT
    if kind == SEGMENT and level:
        ctx.segment_heading_level = level
    ctx.in_business = kind == BUSINESS and SECTION_BUSINESS.fullmatch(clean(title).lower()) is not None
    if kind == "segment_list":
        ctx.in_segment_list = True
        ctx.block = None
        return
    if kind == SEGMENT:
        name, inner = segment_name(title)
        open_block(Block(SEGMENT, name, [Clause(name, is_heading=True)] + ([Clause(inner, is_heading=True)] if inner else [])), opened_by, indent)
        return
    ctx.in_segment_list = False
    open_block(Block(kind if kind == CONSTRAINTS else PROSE, None, [Clause(clean(title), is_heading=True)]), opened_by, indent)


def _read_key_value(key: str, value: str, is_bullet: bool, indent: int, ctx: _Context, open_block, to_prose) -> bool:
    """Handle 'key: value'; False when the key is not a label we know (the line is then prose)."""
    key_text = _CHAT_FILLER.sub("", clean(key))  # "yep. One-bag buyers: ..." names "One-bag buyers"
    path = _KEY_PATH.match(key_text.strip())
    if path is not None:
        return _read_key_path(path.group(1).split("."), value, indent, ctx, open_block)
    if re.fullmatch(r"[a-z_]+\.[a-z_.]+", key_text.strip()):
        head, _dot, rest = key_text.strip().partition(".")
        if SECTION_CONSTRAINTS.fullmatch(head.replace("_", " ")):  # "constraints.max_discount: 10%"
            rules = ctx.block.clauses if ctx.block is not None and ctx.block.kind == CONSTRAINTS else _new_rules(open_block, ctx, indent)
            rules.append(Clause(f"{rest.replace('_', ' ').replace('.', ' ')}: {value}"))
            return True
        key_text = rest if head in ("business", "company", "store", "kpi", "kpis", "metrics") else key_text.replace(".", " ")
    plain_key = _PARENTHETICAL.sub(" ", key_text)
    if len(plain_key.split()) > (8 if segment_phrase(plain_key) or lane_from_name(plain_key) else 5) or len(plain_key) > 60:
        return False
    lowered = key_text.lower().replace("_", " ")
    if NAME_KEY.fullmatch(lowered) and value.strip():
        name, inner = segment_name(value)
        open_block(Block(SEGMENT, name, [Clause(name, is_heading=True)] + ([Clause(inner, is_heading=True)] if inner else [])), "kv", indent)
        return True
    if SECTION_CONSTRAINTS.fullmatch(lowered):
        (ctx.block.clauses if ctx.block is not None and ctx.block.kind == CONSTRAINTS else _new_rules(open_block, ctx, indent)).append(Clause(value))
        return True
    hint = key_field(BUSINESS_SCOPE.sub(" ", key_text)) or key_field(key_text)  # "總客戶數" is itself a scope word
    if hint == "customer_count" and lowered.strip() in _SUBSET_NOUNS:
        hint = None  # "Members: 2,400 customers, AOV $70": members, subscribers, VIPs are a part of the base
    if hint == "customer_count" and _SHARE_VALUE.match(value) and not _BASE_KEY.fullmatch(lowered):
        hint = None  # "Members: two thirds of the base": a share of the base names a segment
    if hint is not None:
        clause = Clause(f"{key_text}: {value}", hint=hint)
        if ctx.block is not None and ctx.block.kind == SEGMENT and (ctx.opened_by != "inline" or indent > ctx.indent):
            ctx.block.clauses.append(clause)
        else:
            ctx.block = None
            to_prose(clause)
        return True
    if SECTION_BUSINESS.fullmatch(lowered):
        to_prose(Clause(value))
        return True
    inside_heading_segment = ctx.block is not None and ctx.block.kind == SEGMENT and ctx.opened_by == "heading"
    if inside_heading_segment and not ctx.in_segment_list:
        return False  # "- inactive 90+ days: a third" under "## Small offices" describes that segment
    if _METRIC_KEY.search(plain_key.strip()):
        return False  # "seasonal: 40% of revenue", "Subscription cancellations / month: n/a": facts, not segments
    named_like_segment = _lane_words(key_text) or SEGMENT_NOUN.search(key_text)
    if _DOCUMENT_TITLE.search(key_text):
        return False  # "宠物鲜粮 订阅业务数据 (2024 Q4)": the document's title, not a segment
    if _BASE_KEY.fullmatch(_PARENTHETICAL.sub(" ", lowered).strip()):
        to_prose(Clause(f"{key_text}: {value}"))  # "Base active: 22 400 clientes, ...": whole-business figures
        return True
    counted = _COUNT_VALUE.match(value) is not None and not _BASE_KEY.fullmatch(lowered)  # "Bundle builders (...): 1,700 families"
    loose_bullet = is_bullet and re.search(r"\d", value) and not ctx.in_business
    if named_like_segment or ctx.in_segment_list or loose_bullet or counted:
        name, inner = segment_name(key_text)
        count_hint = "customer_count" if SEGMENT_NOUN.search(key_text) else None
        clauses = [Clause(name, is_heading=True)] + ([Clause(inner, is_heading=True)] if inner else []) + [Clause(value, hint=count_hint)]
        open_block(Block(SEGMENT, name, clauses), "inline" if is_bullet or indent else "kv", indent)
        return True
    return False


def _read_key_path(parts: list[str], value: str, indent: int, ctx: _Context, open_block) -> bool:
    """segment.<name>.<field>: value, or segment.name: <name> then segment.<field>: value lines."""
    field = parts[-1].replace("_", " ").strip()
    name = " ".join(parts[:-1]).replace("_", " ").strip() if len(parts) > 1 else None
    if name is None and NAME_KEY.fullmatch(field.lower()):
        segment, inner = segment_name(value)
        open_block(Block(SEGMENT, segment, [Clause(segment, is_heading=True)] + ([Clause(inner, is_heading=True)] if inner else [])), "kv", indent)
        return True
    if name is not None and not (ctx.block is not None and ctx.block.kind == SEGMENT and ctx.block.name == name):
        open_block(Block(SEGMENT, name, [Clause(name, is_heading=True)]), "kv", indent)
    if ctx.block is None or ctx.block.kind != SEGMENT:
        return False
    hint = key_field(field)
    if NOTES_HEADER.fullmatch(field.lower()) or hint is None:
        ctx.block.clauses.append(Clause(f"{field}: {value}"))
    else:
        ctx.block.clauses.append(_cell_clause(field, value))
    return True


def _new_rules(open_block, ctx: _Context, indent: int) -> list[Clause]:
    block = Block(CONSTRAINTS)
    open_block(block, "inline", indent)
    return block.clauses
