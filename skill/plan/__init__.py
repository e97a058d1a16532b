"""The plan, one step per module in the order the data takes them.

    facts -> diagnose -> choose -> plays (constraints) -> size -> measure -> confidence -> build

`facts` is the per-segment view both the lever scorer (heuristics/scorer.py) and every step
read; `build.build_plan` runs the steps. Names resolve on first use (PEP 562) so the scorer
can import `skill.plan.facts` without pulling in the steps that import the scorer.
"""

from __future__ import annotations

from skill.lazy import lazy_exports

_HOMES = {
    "build_plan": "skill.plan.build",
    "LIMITS": "skill.plan.confidence",
    "enforce_constraints": "skill.plan.constraints",
    "incentive_violations": "skill.plan.constraints",
    "play_violations": "skill.plan.constraints",
}

__all__ = sorted(_HOMES)

__getattr__ = lazy_exports(__name__, _HOMES, globals())
