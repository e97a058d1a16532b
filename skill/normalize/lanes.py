"""Pick a segment's lane from its name, its text and its numbers, in that order of trust.

The precedence lives in `lexicon.LANE_RULES` (words) and `lexicon.LANE_THRESHOLDS` (numbers);
this module only walks those tables and says which row fired, for `evidence["lane"]`.
"""

from __future__ import annotations

from skill.normalize.lexicon import LANE_RULES, LANE_THRESHOLDS, VIP_MAX_CUSTOMER_SHARE


def lane_from_name(name: str) -> tuple[str, str] | None:
    for lane, name_words, _text_words in LANE_RULES:
        match = name_words.search(name)
        if match:
            return lane, match.group(0)
    return None


def classify_lane(name: str, text: str, metrics: dict[str, float]) -> tuple[str, str]:
    """(lane, why): name words, then text phrases, then number thresholds, else 'other'."""
    named = lane_from_name(name)
    if named:
        return named[0], f"name '{name}' contains '{named[1]}'"
    for lane, _name_words, text_words in LANE_RULES:
        match = text_words.search(text)
        if match:
            return lane, f"notes say '{match.group(0)}'"
    numbers = dict(metrics)
    customer_share, revenue_share = metrics.get("customer_share_pct"), metrics.get("revenue_share_pct")
    if customer_share and revenue_share is not None and customer_share <= VIP_MAX_CUSTOMER_SHARE:
        numbers["revenue_multiple"] = revenue_share / customer_share
    for lane, field, minimum in LANE_THRESHOLDS:
        value = numbers.get(field)
        if value is not None and value >= minimum:
            if field == "revenue_multiple":
                return lane, f"{customer_share:g}% of customers bring {revenue_share:g}% of revenue"
            return lane, f"{field} {value:g} >= {minimum:g}"
    return "other", "no lane word or threshold matched"
