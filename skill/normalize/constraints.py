"""Read operator rules (discount caps, banned channels, no free product) from one sentence.

Rules only ever tighten: several caps keep the lowest, and nothing in the notes can lift a cap
or un-ban a channel. "Cannot offer discounts beyond contracted pricing" (B2B) becomes a 0% cap
plus a note in `other`: contract prices are the floor, so any promotional discount breaks it,
while service, early access and account-manager plays stay open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.normalize.lexicon import (
    CHANNEL_BANS,
    CHANNEL_GATE,
    CONTRACT_PRICING,
    DISCOUNT_CAPS,
    DISCOUNT_WORD,
    DISCOUNT_ZHE,
    FREE_GATE,
    NO_DISCOUNTS,
    NO_FREE_PRODUCT,
    RULE_GATE,
)

CONTRACT_NOTE = "discounts only within contracted pricing (read as max_discount_pct 0: no promotional discounts)"


@dataclass
class RuleHits:
    """What one sentence said about rules, and which character spans said it."""

    caps: list[float] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    no_free_product: bool = False
    notes: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.caps or self.channels or self.no_free_product or self.notes)


def read_rules(sentence: str) -> RuleHits:
    hits = RuleHits()
    if not RULE_GATE.search(sentence):
        return hits
    contract = CONTRACT_PRICING.search(sentence) if "contract" in sentence.lower() else None
    if contract:
        hits.caps.append(0.0)
        hits.notes.append(CONTRACT_NOTE)
        hits.spans.append(contract.span())
    if DISCOUNT_WORD.search(sentence):
        for pattern in DISCOUNT_CAPS:
            for match in pattern.finditer(sentence):
                hits.caps.append(float(match.group(1)))
                hits.spans.append(match.span())
        for match in DISCOUNT_ZHE.finditer(sentence):
            digits = int(match.group(1))
            hits.caps.append(100.0 - (digits * 10 if digits < 10 else digits))
            hits.spans.append(match.span())
    if not hits.caps:
        no_discounts = NO_DISCOUNTS.search(sentence)
        if no_discounts:
            hits.caps.append(0.0)
            hits.spans.append(no_discounts.span())
    for channel, pattern in CHANNEL_BANS if CHANNEL_GATE.search(sentence) else ():
        match = pattern.search(sentence)
        if match:
            if channel not in hits.channels:
                hits.channels.append(channel)
            hits.spans.append(match.span())
    free = NO_FREE_PRODUCT.search(sentence) if FREE_GATE.search(sentence) else None
    if free:
        hits.no_free_product = True
        hits.spans.append(free.span())
    hits.caps = [cap for cap in hits.caps if 0.0 <= cap <= 100.0]
    return hits


def states_rule(text: str) -> bool:
    """True when the text sets a rule, so a 'Max discount: 15%' line is not mistaken for a segment."""
    return read_rules(text).any
