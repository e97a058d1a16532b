"""The note as lines the whole-note readers share: what kind each line is, which section it sits
in, and whether it tries to steer the tool.

The readers for constraints, the stated worry, the category and the operating context take the
note as a list of cleaned lines (`prepare.prepare_lines`), so they work under any block or segment
reader. This module tells them, cheaply and without reading segments:

- `kind`: "table" (a Markdown/pipe/tab/CSV row), "data" (a `label: number...` line) or "prose";
- `section`: what the last heading above opened ("rules", "segments", "context" or "");
- `instruction`: a short neutral description when the line tries to steer the tool (such a
  line is reported and never read as a rule, a worry or a fact).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from skill.normalize.lexicon_context import INSTRUCTION_KINDS, INSTRUCTION_STEMS, SECTION_RULES, has_any

_HEADING = re.compile(r"^\s*#{1,6}\s+(?P<title>.+?)\s*#*\s*$|^\s*\*\*(?P<bold>[^*]{1,60})\*\*\s*[:：]?\s*$|^\s*(?P<label>[^\d:：|]{1,40})[:：]\s*$")
_SEGMENT_SECTION = re.compile(
    r"\b(?:segments?|segmentos|segs|groups?|cohorts?|tiers?|customer types?|who buys|buckets|clusters|personas|lanes)\b|分群|分層|分层|客群|用戶分層|用户分层",
    re.IGNORECASE,
)
_CONTEXT_SECTION = re.compile(
    r"\b(?:notes?|context|overall|summary|background|business|goals?|worry|problem|kpis?|totals?|big picture|about us|numbers|metrics|data)\b|整體|整体|總體|总体|背景|目標|目标",
    re.IGNORECASE,
)
# "VIPs: 180 custs", "1. Equipment-only buyers: 9,800", "Gym rats — 1,400 人": a label, then a number.
_DATA_LINE = re.compile(
    r"^\W{0,4}(?:\d{1,2}[.)）]\s*)?(?P<label>[^:：=|—–\n]{1,60}?)\s*(?:[:：=]|\s[—–-]\s|\s?—\s?)\s*(?:[~≈]\s?|about\s+|around\s+|roughly\s+|approx\.?\s+|約|约|大約|大约)?[$€£¥R]{0,2}\$?\s?\d",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:\s+|$)|(?<=[。！？；;])\s*")
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class NoteLine:
    index: int
    text: str
    kind: str  # "table" | "data" | "prose" | "blank"
    section: str  # "rules" | "segments" | "context" | ""
    instruction: str | None = None


def note_lines(lines: list[str]) -> list[NoteLine]:
    """Each line with its kind, its section and, if it tries to steer the tool, what it does."""
    return list(_note_lines(tuple(lines)))  # five whole-note readers ask for the same lines


@lru_cache(maxsize=64)
def _note_lines(lines: tuple[str, ...]) -> tuple[NoteLine, ...]:
    out: list[NoteLine] = []
    section = ""
    for index, raw in enumerate(lines):
        text = raw.rstrip()
        stripped = text.strip()
        if not stripped:
            out.append(NoteLine(index, text, "blank", section))
            continue
        heading = _HEADING.match(stripped)
        if heading:
            title = heading.group("title") or heading.group("bold") or heading.group("label") or ""
            section = _section_of(title, markdown=heading.group("title") is not None)
        out.append(NoteLine(index, text, line_kind(stripped), "rules" if SECTION_RULES.match(stripped) else section,
                            instruction_kind(stripped)))
    return tuple(out)


def _section_of(title: str, markdown: bool) -> str:
    if SECTION_RULES.match(title):
        return "rules"
    if _SEGMENT_SECTION.search(title):
        return "segments"
    if _CONTEXT_SECTION.search(title):
        return "context"
    return "segments" if markdown else ""  # "## VIP" opens a segment; an unknown "Label:" opens nothing


def line_kind(text: str) -> str:
    if text.count("|") >= 2 or "\t" in text or '","' in text:
        return "table"
    if text.count(",") >= 3 and ", " not in text and "，" not in text:
        return "table"
    if _DATA_LINE.match(text) and not SECTION_RULES.match(text):
        return "data"
    return "prose"


def instruction_kind(text: str) -> str | None:
    """A short neutral description of what the text tries to make the tool do, or None."""
    lowered = text.lower()
    if not has_any(lowered, INSTRUCTION_STEMS):
        return None
    for description, pattern in INSTRUCTION_KINDS:
        if pattern.search(text):
            return description
    return None


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of one line, split at sentence ends (decimals stay whole)."""
    out: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() <= start:
            continue
        piece = text[start : match.start()]
        if piece.strip():
            out.append((start, piece))
        start = match.end()
    if text[start:].strip():
        out.append((start, text[start:]))
    return out


def snippet(text: str, around: tuple[int, int] | None = None) -> str:
    """The source text, shortened to a window around the span that matters."""
    if len(text) > SNIPPET_CHARS * 2:
        centre = around[0] if around else 0
        start = max(0, centre - SNIPPET_CHARS)
        text = text[start : start + SNIPPET_CHARS * 2]
        around = (centre - start, (around[1] if around else 0) - start) if around else None
    text = " ".join(text.split())
    if len(text) <= SNIPPET_CHARS:
        return text
    start = max(0, (around[0] if around else 0) - SNIPPET_CHARS // 2)
    return ("…" if start else "") + text[start : start + SNIPPET_CHARS].strip() + "…"
