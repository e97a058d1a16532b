"""Read the operator's stated worry (the main tension) from the whole note.

The operator's own verdict wins over a topic merely mentioned, in this order:

1. a worry or problem label ("Main worry: second purchase rate", "the problem: people buy once
   and vanish", "Our problem is churn", "baskets are tiny, that's the problem", "主要擔心：會員流失");
   the tension is the verdict on the label's side of the sentence ("Problem: small offices order
   twice and disappear — AOV is too low"), else the first topic word there (after the label, or
   before it for "returns are the real problem"), then the other side, then the next sentence
   when the label is a question such as "What's the core problem?";
2. a goal label ("Our goal is to lift AOV", "AOV is what I want to fix");
3. a verdict on a number or habit ("returns are killing us", "churn is bad", "we're buying revenue
   with coupons", "baskets are tiny");
4. behaviour told as a problem ("people buy once and vanish", "subscribers cancel after month 3").

Segment descriptions are not the operator's verdict: table rows, `label: number` lines
("One-and-done: 62% of custs, never came back") and lines under a segment heading give no
verdict or behaviour, and a sentence that counts people gives no behaviour ("1,500 gift buyers
who never come back"); only an explicit label counts there. The first statement
of the strongest kind wins.
"""

from __future__ import annotations

from skill.normalize.lexicon_context import (
    GOAL_LABELS,
    GOAL_STEMS,
    PEOPLE_COUNT,
    STATEMENT_STEMS,
    WORRY_STEMS,
    has_any,
    TENSION_BEHAVIOURS,
    TENSION_TOPICS,
    TENSION_VERDICTS,
    WORRY_LABELS,
)
from skill.normalize.notelines import NoteLine, note_lines, sentences, snippet

__all__ = ["read_tension", "states_worry"]

_WORRY, _GOAL, _VERDICT, _BEHAVIOUR = 4, 3, 2, 1
_TOPIC_WORDS = {
    "churn": "churn", "cancellation": "churn", "returns": "returns", "return": "returns", "margin": "margin_quality",
    "margins": "margin_quality", "discount": "margin_quality", "discounts": "margin_quality", "basket": "aov", "aov": "aov",
    "repeat": "repeat_rate", "retention": "repeat_rate", "reorder": "repeat_rate",
}


def read_tension(lines: list[str]) -> tuple[str | None, str | None]:
    """(tension, evidence snippet), or (None, None) when the note states no worry."""
    rows = [row for row in note_lines(lines) if row.kind != "blank" and not row.instruction]
    pieces = [(row, sentence) for row in rows for _offset, sentence in sentences(row.text)]
    best: tuple[int, int, str, str] | None = None  # (-strength, order, tension, evidence)
    for order, (row, sentence) in enumerate(pieces):
        found = _statement(row, sentence, pieces, order)
        if found is None:
            continue
        strength, tension = found
        if best is None or (-strength, order) < best[:2]:
            best = (-strength, order, tension, snippet(sentence))
        if strength == _WORRY:
            break  # nothing outranks the first stated worry
    return (best[2], best[3]) if best else (None, None)


def states_worry(sentence: str) -> bool:
    """True when the sentence states a worry, goal or verdict (so it is not an unplaced sentence)."""
    return _statement(NoteLine(0, sentence, "prose", ""), sentence, [], 0) is not None


def _statement(row: NoteLine, sentence: str, pieces: list[tuple[NoteLine, str]], order: int) -> tuple[int, str] | None:
    lowered = sentence.lower()
    for strength, labels, stems in ((_WORRY, WORRY_LABELS, WORRY_STEMS), (_GOAL, GOAL_LABELS, GOAL_STEMS)):
        if not has_any(lowered, stems):
            continue
        for pattern, where in labels:
            label = pattern.search(sentence)
            if label is None:
                continue
            tension = _from_label(label, where, sentence, pieces if strength == _WORRY else [], order)
            if tension:
                return strength, tension
    if row.kind in ("table", "data") or row.section == "segments" or not has_any(lowered, STATEMENT_STEMS):
        return None  # a segment's row or description, not the operator's verdict
    counts_people = PEOPLE_COUNT.search(sentence) is not None
    for strength, table in ((_VERDICT, TENSION_VERDICTS), (_BEHAVIOUR, TENSION_BEHAVIOURS)):
        if strength == _BEHAVIOUR and counts_people:
            return None  # "Gift buyers, 2,500 people who never come back" describes a segment
        hits = [(match.start(), tension) for tension, pattern in table for match in [pattern.search(sentence)] if match]
        if hits:
            return strength, min(hits)[1]
    return None


def _from_label(label, where: str, sentence: str, pieces: list[tuple[NoteLine, str]], order: int) -> str | None:
    named = label.groupdict().get("topic")
    if named:
        word = named.strip().lower()
        return _TOPIC_WORDS.get(word) or _TOPIC_WORDS.get(word.rstrip("s"))
    sides = (sentence[label.end() :], sentence[: label.start()])
    for side in sides if where == "after" else sides[::-1]:
        topic = _first_verdict(side) or _first_topic(side)  # "Problem: they order twice and vanish — AOV is too low"
        if topic:
            return topic
    for row, following in pieces[order + 1 : order + 3]:
        if row.kind == "blank":
            continue
        topic = _first_topic(following)
        if topic:
            return topic
    return None


def _first_verdict(text: str) -> str | None:
    hits = [(match.start(), tension) for tension, pattern in TENSION_VERDICTS for match in [pattern.search(text)] if match]
    return min(hits)[1] if hits else None


def _first_topic(text: str) -> str | None:
    hits = [(match.start(), tension) for tension, pattern in TENSION_TOPICS for match in [pattern.search(text)] if match]
    return min(hits)[1] if hits else None
