"""Lever heuristics: rule tables as data (levers/*.toml, benchmarks.toml) and the scorer that applies them."""

from __future__ import annotations

from typing import Any

from heuristics.catalogue import Catalogue, Lever, UnknownLeverError, load_catalogue
from heuristics.scorer import Assessment, assess, score_levers

__all__ = [
    "Assessment",
    "Catalogue",
    "Lever",
    "UnknownLeverError",
    "assess",
    "lever_detail",
    "load_catalogue",
    "score_levers",
]


def lever_detail(lever_id: str) -> dict[str, Any]:
    """One lever's description, rule table and plays as plain JSON, with the benchmarks it cites.

    Raises UnknownLeverError (a KeyError and a ValueError) naming the valid ids.
    """
    catalogue = load_catalogue()
    lever = catalogue.lever(lever_id)
    detail = lever.model_dump(mode="json")
    detail["description"] = " ".join(lever.description.split())
    cited = sorted(
        {ref.split(".")[0] for s in lever.signals for ref in (s.threshold, s.upper, s.full_at) if isinstance(ref, str)}
    )
    detail["benchmarks"] = {section: catalogue.benchmarks[section] for section in cited}
    return detail
