"""The operator's rules and how the business runs, applied to plays after they are chosen.

`enforce_constraints` turns a lever's play template into a play the constraints allow (capped
discount, compliant alternative, fallback channel) or drops it, noting every change.
`operating_constraints` folds the operating context into the same rules: channels that do not
exist are treated as banned, contracted or never-discounted prices as a 0% discount cap.
`eligible` says whether a template suits the team and the pricing at all, and `owner_for`
names who runs a play when the notes say who owns the customer.
"""

from __future__ import annotations

from heuristics.catalogue import DISCOUNT_KINDS, PlayTemplate
from heuristics.formatting import fmt_pct
from skill.plan.facts import Facts
from skill.schema import Constraints, Incentive, Play


def incentive_violations(incentive: Incentive, constraints: Constraints) -> list[str]:
    """How an incentive breaks the discount cap or the no-free-product rule (empty when allowed)."""
    problems = []
    kind, depth, cap = incentive.kind, incentive.depth_pct, constraints.max_discount_pct
    if cap is not None:
        if cap == 0 and kind in DISCOUNT_KINDS:
            problems.append(f"uses {kind.replace('_', ' ')} but discounts are not allowed")
        elif kind == "percent_discount" and (depth is None or depth > cap):
            problems.append(f"offers {fmt_pct(depth or 0)} off, above the {fmt_pct(cap)} cap")
        elif kind == "fixed_discount":
            problems.append(f"uses a fixed discount, whose depth cannot be checked against the {fmt_pct(cap)} cap")
    if kind == "free_product" and constraints.no_free_product:
        problems.append("gives a free product, which is not allowed")
    return problems


def play_violations(play: Play, constraints: Constraints) -> list[str]:
    """Every way `play` breaks the operator's constraints (empty when compliant)."""
    problems = incentive_violations(play.incentive, constraints)
    if play.channel in constraints.banned_channels:
        problems.append(f"uses {play.channel}, a banned channel")
    return problems


def from_template(template: PlayTemplate, lever_id: str) -> Play:
    return Play(
        title=template.title,
        lever=lever_id,
        owner=template.owner,
        channel=template.channel,
        incentive=template.incentive,
        success_metric=template.success_metric,
        horizon=template.horizon,
        readout_days=template.readout_days,
    )


def _alternative(template: PlayTemplate, play: Play) -> Play | None:
    alt = template.alternative
    if alt is None:
        return None
    return play.model_copy(
        update={
            "title": alt.title,
            "channel": alt.channel,
            "incentive": alt.incentive,
            "success_metric": alt.success_metric or play.success_metric,
            "owner": alt.owner or play.owner,
        }
    )


def enforce_constraints(template: PlayTemplate, lever_id: str, constraints: Constraints) -> tuple[Play | None, list[str]]:
    """The play as the constraints allow it, with a note for each change; None (and why) if it cannot comply.

    Order: cap a too-deep percent discount when the cap keeps at least half its depth; otherwise use the
    lever's compliant alternative; then move a banned channel to the play's first allowed fallback.
    """
    play = from_template(template, lever_id)
    notes: list[str] = []
    original = f"'{play.title}'"
    if not play_violations(play, constraints):
        return play, notes
    cap = constraints.max_discount_pct
    incentive_problems = incentive_violations(play.incentive, constraints)
    if incentive_problems:
        depth = play.incentive.depth_pct or 0
        if play.incentive.kind == "percent_discount" and cap and cap >= depth / 2:
            play = play.model_copy(update={"incentive": Incentive(kind="percent_discount", depth_pct=cap)})
            notes.append(f"{original}: discount capped from {fmt_pct(depth)} to {fmt_pct(cap)} (discount cap).")
        elif (alt := _alternative(template, play)) is not None:
            notes.append(f"{original} {incentive_problems[0]}; replaced by '{alt.title}'.")
            play = alt
        else:
            return None, [f"{original} dropped: it {'; '.join(incentive_problems)} and has no compliant alternative."]
    if play.channel in constraints.banned_channels:
        alt = _alternative(template, play) if play.title == template.title else None
        if alt is not None and not play_violations(alt, constraints):
            notes.append(f"{original} uses {play.channel}, a banned channel; replaced by '{alt.title}'.")
            play = alt
        else:
            allowed = next((c for c in template.alt_channels if c not in constraints.banned_channels), None)
            if allowed is None:
                return None, notes + [f"{original} dropped: {play.channel} is banned and no fallback channel is allowed."]
            notes.append(f"'{play.title}': channel switched from {play.channel} to {allowed} ({play.channel} is banned).")
            play = play.model_copy(update={"channel": allowed})
    remaining = play_violations(play, constraints)
    if remaining:
        return None, notes + [f"{original} dropped: {'; '.join(remaining)}."]
    return play, notes


def operating_constraints(facts: Facts) -> Constraints:
    """The stated constraints tightened by the operating context (never loosened)."""
    inp = facts.inp
    c = inp.constraints
    banned = list(c.banned_channels) + [ch for ch in facts.unreachable_channels if ch not in c.banned_channels]
    cap = c.max_discount_pct
    if inp.operating.pricing is not None:
        cap = 0.0
    return c.model_copy(update={"banned_channels": banned, "max_discount_pct": cap})


def eligible(template: PlayTemplate, facts: Facts) -> bool:
    """Whether a template fits this team and this pricing at all (before any constraint is applied)."""
    op = facts.inp.operating
    if op.team_size is not None and op.team_size < template.min_team:
        return False
    if template.pricing == "contracted":
        return op.pricing == "contracted"
    if template.pricing == "discounted":
        return facts.discounting is not False
    return True


# Owners who face the customer: when the notes say who owns the customer relationship, they run these plays.
_CUSTOMER_FACING = ("Lifecycle/CRM marketer", "CX lead", "Founder/brand lead", "Brand lead", "Growth lead", "Brand/community lead")
_CUSTOMER_CHANNELS = frozenset({"email", "sms", "push", "direct_mail", "account_manager", "support", "community"})
_OWNER_NAMES = {"account_manager": "Account managers", "founder": "Founder", "support": "Support team",
                "crm_team": "CRM team", "marketplace": "Marketplace account lead"}


def owner_for(play: Play, facts: Facts) -> str:
    """Who runs the play: the customer's owner for customer-facing plays when the notes name one; the founder when solo."""
    op = facts.inp.operating
    if op.team_size == 1:
        return "Founder"
    if op.customer_owner is None:
        return play.owner
    name = _OWNER_NAMES[op.customer_owner]
    if op.customer_owner == "crm_team":
        return name if play.owner.startswith("Founder") else play.owner
    facing = play.channel in _CUSTOMER_CHANNELS or play.owner.startswith(_CUSTOMER_FACING)
    if play.owner.startswith(name):
        return play.owner
    if facing or play.owner.startswith("Founder"):
        return name
    return play.owner
