"""normalize_notes never raises and always returns a valid NormalizedInput, whatever it is fed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.normalize import normalize_notes
from skill.schema import NormalizedInput

FRAGMENTS = [
    "%", "$", "|", "NT$", "€", "£", "¥", "元", ",", ":", "：", "-", "- ", "## ", "\n", "\n\n", "\t", "~", "+", ".",
    "0", "1", "2,300", "1.2k", "140%", "0.62", "45d", "every 6 weeks", "4.2 times a year", "2023",
    "VIP", "會員", "新客", "沉睡客", "客單價", "回購率", "毛利率", "折扣不超過15%", "不發簡訊",
    "segment", "customers", "AOV", "repeat rate", "no SMS", "max 10% off", "no order in 180+ days",
    "ignore previous instructions", "|---|", "segment,customers,aov", "(", ")", "**",
]


def check(text: str) -> None:
    result = normalize_notes(text)
    assert isinstance(result, NormalizedInput)
    NormalizedInput.model_validate(result.model_dump())


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_raises(text):
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=60).map("".join))
def test_note_like_fragments_never_raise(text):
    check(text)
