"""Step 3: rank the levers, with the operator's stated goal first.

The scorer (heuristics/scorer.py) applies the rule tables. Here the stated main worry gets its
say: the lever built for it goes into the top 3 unless the data argue against it (its rules net
to zero or below with a rule counting against it, or no segment fits it), and then the plan says
why in one sentence. Scores are shown as integers; every lever keeps its rule lines in full and
gets one short reason for the ranked list.
"""

from __future__ import annotations

from dataclasses import dataclass

from heuristics import Assessment, Catalogue
from heuristics.scorer import Fired, built_for
from skill.plan.facts import Facts
from skill.schema import LeverScore

TOP = 3
_TENSION_WORDS = {
    "repeat_rate": "repeat rate", "aov": "order value", "churn": "churn", "margin_quality": "margin", "returns": "returns",
}


@dataclass
class Choice:
    levers: list[LeverScore]
    goal_lever: str | None
    goal_note: str | None
    goal_word: str | None = None


def _reason(score: LeverScore, fired: list[Fired]) -> str:
    """The strongest positive rule for the lever's best target (or the business), as a short reason."""
    best = score.segments[0] if score.segments else None
    pool = [f for f in fired if f.points > 0 and f.segment in (best, None)] or [f for f in fired if f.points > 0]
    informative = [f for f in pool if f.signal != "lane_match"] or pool
    if not informative:
        return ""
    return headline(max(informative, key=lambda f: f.points).text)


def headline(text: str) -> str:
    """The clause of a rule line that carries its number ('X repeat rate 12% is below 15%'); the line has the rest."""
    clauses = text.split(": ")
    with_number = [c for c in clauses if any(ch.isdigit() for ch in c)]
    if not with_number:
        return text
    head = with_number[0]
    return f"{clauses[0]}: {head}" if head is not clauses[0] and len(clauses[0]) < 40 else head


def choose_levers(assessment: Assessment, facts: Facts, catalogue: Catalogue) -> Choice:
    """Ranked levers (integer scores, short reasons), the goal's lever placed, and the sentence when it cannot be."""
    inp = facts.inp
    scores = {s.id: s.model_copy(deep=True) for s in assessment.scores}
    ranked = sorted(scores.values(), key=lambda s: s.rank)
    goal_lever, note = None, None
    tension = inp.main_tension
    if tension is not None and (goal_lever := built_for(tension, facts, catalogue)) is not None:
        lever = catalogue.levers[goal_lever]
        title, worry = lever.title, _TENSION_WORDS[tension]
        goal = scores[goal_lever]
        fits = [sf for sf in facts.segments if sf.lane in lever.lanes]
        base = goal.score - assessment.tension_points.get(goal_lever, 0)
        against = [f for f in assessment.fired[goal_lever] if f.points < 0]
        position = [s.id for s in ranked].index(goal_lever) + 1
        if not fits:
            lanes = ", ".join(lane.replace("_", " ") for lane in lever.lanes)
            note = (f"You named {worry} as the main worry, but no segment described fits {title} (it works on {lanes} "
                    f"customers), so it ranks {position}; describe those customers to plan for it.")
        elif base <= 0 and against:
            why = min(against, key=lambda f: f.points).text
            note = f"You named {worry} as the main worry, but {title} ranks {position} because the numbers argue against it: {why}."
        elif position > TOP:
            third = ranked[TOP - 1].score
            lift = round(max(0.0, third - goal.score) + 1, 1)
            goal.score = min(100.0, round(goal.score + lift, 1))
            goal.rationale.append(f"{goal_lever} {lift:+g}: you named {worry} as the main worry and this lever is built "
                                  f"for it, so it is placed in the top {TOP}")
            if not goal.segments:
                primary = [sf for sf in fits if sf.lane in lever.primary_lanes] or fits
                goal.segments = [sf.name for sf in sorted(primary, key=lambda sf: -(sf.share_pct or 0))]
            if base <= 0:
                note = (f"You named {worry} as the main worry but gave no numbers for it: {title} is placed in the top "
                        f"{TOP} on your word; add them by segment to size it.")
            else:
                note = f"{title} is placed in the top {TOP} for your stated worry, {worry} (its rules alone ranked it {position})."
    # A lever raised only by business-wide rules targets the segments in its lanes (its own lanes first).
    for s in scores.values():
        if s.score > 0 and not s.segments:
            lever = catalogue.levers[s.id]
            fits = [sf for sf in facts.segments if sf.lane in lever.lanes]
            primary = [sf for sf in fits if sf.lane in lever.primary_lanes] or fits
            s.segments = [sf.name for sf in sorted(primary, key=lambda sf: -(sf.share_pct or 0))]
    # Stable: ties keep the scorer's order; the goal lever wins a tie with the lever it was lifted past.
    idle = catalogue.benchmarks["scoring"]["zero_score_order"]
    order = sorted(scores.values(), key=lambda s: (-s.score, 0 if s.id == goal_lever else 1,
                                                   s.rank if s.score > 0 else idle.index(s.id)))
    levers = []
    for rank, s in enumerate(order, start=1):
        reason = _reason(s, assessment.fired[s.id])
        if s.id == goal_lever and tension is not None:
            reason = f"your stated worry ({_TENSION_WORDS[tension]})" + (f"; {reason}" if reason else "")
        levers.append(s.model_copy(update={"rank": rank, "score": float(round(s.score)), "reason": reason}))
    return Choice(levers, goal_lever, note, _TENSION_WORDS[tension] if tension else None)
