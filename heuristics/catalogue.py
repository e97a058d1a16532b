"""The lever catalogue: typed models for heuristics/levers/*.toml and heuristics/benchmarks.toml.

Rules live in TOML so a retention lead can review and change them without reading Python;
these models reject a malformed table at load time instead of mid-plan.
"""

from __future__ import annotations

import re
import string
import tomllib
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from skill.schema import LEVER_IDS, METRIC_FIELDS, Channel, Horizon, Incentive, Lane, LeverId, Tension

# Metrics the scorer derives from the input rather than reading one field (see scorer.metric_value).
DERIVED_METRICS: tuple[str, ...] = (
    "recency_cycle_ratio",
    "revenue_concentration_x",
    "aov_vs_business_pct",
    "value_at_risk_share_pct",
    "high_churn_risk_share_pct",
    "cac_to_aov_x",
    "consumable_category",
    "cac_rising",
    "no_referral_program",
    "order_gap_growth_x",
    "durable_category",
)
# Business signals the notes give (BusinessMetrics fields beyond the per-segment Metrics).
BUSINESS_SIGNALS: tuple[str, ...] = (
    "cac", "nps", "upgrade_rate_pct", "attach_rate_pct", "unsubscribe_rate_pct", "peak_season_share_pct", "cancel_month",
)
BUSINESS_ONLY_METRICS: tuple[str, ...] = (
    "cac_to_aov_x", "consumable_category", "durable_category", "cac_rising", "no_referral_program",
)
# Business figures a segment rule may use as its value ("segment_or_business"): they then target that lane's segments.
BUSINESS_FALLBACK_METRICS: tuple[str, ...] = (*BUSINESS_SIGNALS, "order_gap_growth_x")
SIGNAL_METRICS: tuple[str, ...] = METRIC_FIELDS + DERIVED_METRICS + BUSINESS_SIGNALS

# Placeholders a play's title or success metric may use; the plan fills them from the segment's facts
# (skill/plan/plays.py), with a plain-words fallback when the input does not give the number.
PLAY_PLACEHOLDERS: frozenset[str] = frozenset({
    "cycle", "drift_days", "reminder_days", "second_at", "peak", "pre_peak", "cancel_month", "pre_cancel",
    "outcome", "give_get",
})
# A success metric's own window ("60-day", "within 14 days", "12-month", "two quarters") must be its read-out day.
_WINDOW = re.compile(r"(\d+)-day|within (\d+) days|(\d+)-month|(two quarters)|(per quarter)|(\d+) days")

# Incentives a "no discounts" (max_discount_pct == 0) constraint rules out: each hands money off the price.
DISCOUNT_KINDS: frozenset[str] = frozenset({"percent_discount", "fixed_discount", "store_credit"})

Number = float | int
Threshold = Number | str  # a number, or a dotted path into benchmarks.toml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signal(_Strict):
    """One rule: when `metric` compares to `threshold`, add `weight` points (scaled toward `full_at`)."""

    id: str
    metric: str
    scope: Literal["segment", "business", "segment_or_business"] = "segment"
    comparison: Literal["below", "above", "between", "is_true"]
    threshold: Threshold | None = None
    upper: Threshold | None = None
    full_at: Threshold | None = None
    min_fraction: float = Field(default=0.5, ge=0, le=1)
    weight: float
    lanes: list[Lane] = Field(default_factory=list, description="Empty: every lane the lever targets")
    explain: str

    @model_validator(mode="after")
    def _coherent(self) -> Signal:
        if self.metric not in SIGNAL_METRICS:
            raise ValueError(f"signal {self.id}: unknown metric {self.metric!r}")
        if self.metric in BUSINESS_ONLY_METRICS and self.scope != "business":
            raise ValueError(f"signal {self.id}: {self.metric} exists only at business scope")
        if self.metric in BUSINESS_FALLBACK_METRICS and self.scope == "segment":
            raise ValueError(f"signal {self.id}: {self.metric} is a business figure: use scope business or segment_or_business")
        if self.comparison != "is_true" and self.threshold is None:
            raise ValueError(f"signal {self.id}: comparison {self.comparison} needs a threshold")
        if self.comparison == "between" and self.upper is None:
            raise ValueError(f"signal {self.id}: 'between' needs an upper bound")
        if self.weight == 0:
            raise ValueError(f"signal {self.id}: weight 0 never changes a score")
        return self


class PlayAlternative(_Strict):
    """The compliant substitute used when the play's discount, SMS or free product is not allowed."""

    title: str
    channel: Channel
    incentive: Incentive = Field(default_factory=Incentive)
    success_metric: str | None = None
    owner: str | None = None

    @model_validator(mode="after")
    def _compliant(self) -> PlayAlternative:
        if self.incentive.kind in DISCOUNT_KINDS or self.incentive.kind == "free_product":
            raise ValueError(f"alternative {self.title!r} must not use {self.incentive.kind}")
        if self.channel == "sms":
            raise ValueError(f"alternative {self.title!r} must not use sms")
        return self


def metric_window_days(metric: str) -> int | None:
    """The read-out day a success metric names ("60-day ..." -> 60, "12-month ..." -> 365), or None."""
    match = _WINDOW.search(metric)
    if match is None:
        return None
    day, within, month, quarters, quarter, days = match.groups()
    if day or within or days:
        return int(day or within or days)
    if month:
        return 365 if int(month) == 12 else int(month) * 30
    return 180 if quarters else 90


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class PlayTemplate(_Strict):
    id: str
    title: str
    short: str | None = Field(default=None, description="A few words naming the play, for 'This week' and the roadmap")
    owner: str
    channel: Channel
    alt_channels: list[Channel] = Field(default_factory=list, description="Switch targets if the channel is banned")
    incentive: Incentive = Field(default_factory=Incentive)
    success_metric: str
    horizon: Horizon
    readout_days: int = Field(ge=1, description="Day the success metric is read; equals the metric's own window")
    lanes: list[Lane] = Field(min_length=1)
    alternative: PlayAlternative | None = None
    when: list[str] = Field(
        default_factory=list, description="Signal ids of this lever, one of which must fire for the play to be offered"
    )
    favoured_by: list[str] = Field(
        default_factory=list, description="Signal ids of this lever that, when they fire, put this play first"
    )
    min_team: int = Field(default=1, ge=1, description="Smallest retention team that can run it")
    overlaps: list[str] = Field(
        default_factory=list,
        description="Play ids of this lever that push the same customer step; a segment gets only one of them",
    )
    pricing: Literal["any", "discounted", "contracted"] = Field(
        default="any", description="'discounted': presumes discounts exist; 'contracted': only for contract pricing"
    )

    @model_validator(mode="after")
    def _has_fallback(self) -> PlayTemplate:
        for text in (self.title, self.success_metric, self.short or ""):
            unknown = _placeholders(text) - PLAY_PLACEHOLDERS
            if unknown:
                raise ValueError(f"play {self.id}: unknown placeholders {sorted(unknown)}")
        window = metric_window_days(self.success_metric)
        if window is not None and window != self.readout_days:
            raise ValueError(f"play {self.id}: read-out day {self.readout_days} does not match its metric's {window}-day window")
        kind = self.incentive.kind
        if kind == "percent_discount" and self.incentive.depth_pct is None:
            raise ValueError(f"play {self.id}: percent_discount needs depth_pct")
        risky = kind in DISCOUNT_KINDS or kind == "free_product" or self.channel == "sms"
        if risky and self.alternative is None:
            raise ValueError(f"play {self.id}: uses {kind}/{self.channel} so it needs a compliant alternative")
        return self


class ImpactModel(_Strict):
    """How the plan sizes this lever's revenue effect; `basis` is quoted as an assumption."""

    model: Literal[
        "repeat_rate_points", "revenue_pct", "reactivation_pct", "return_rate_points", "referral_pct",
        "discount_share_points",
    ]
    low: float = Field(gt=0)
    high: float = Field(gt=0)
    assumed_depth_pct: float | None = None
    basis: str


class Lever(_Strict):
    id: LeverId
    title: str
    description: str
    lanes: list[Lane] = Field(min_length=1)
    primary_lanes: list[Lane] = Field(default_factory=list)
    lane_match_points: float = Field(default=0, ge=0)
    tensions: list[Tension] = Field(default_factory=list)
    impact: ImpactModel
    signals: list[Signal] = Field(min_length=1)
    plays: list[PlayTemplate] = Field(min_length=3)

    @model_validator(mode="after")
    def _consistent(self) -> Lever:
        stray = set(self.primary_lanes) - set(self.lanes)
        if stray:
            raise ValueError(f"lever {self.id}: primary lanes {sorted(stray)} are not in its lanes")
        signal_ids = {s.id for s in self.signals}
        for play in self.plays:
            if not set(play.lanes) <= set(self.lanes):
                raise ValueError(f"lever {self.id}: play {play.id} suits lanes outside the lever's")
            unknown = (set(play.when) | set(play.favoured_by)) - signal_ids
            if unknown:
                raise ValueError(f"lever {self.id}: play {play.id} names unknown signals {sorted(unknown)}")
        if {p.horizon for p in self.plays} != {"short", "medium", "long"}:
            raise ValueError(f"lever {self.id}: plays must cover short, medium and long horizons")
        return self


class Catalogue(_Strict):
    levers: dict[str, Lever]
    benchmarks: dict[str, Any]

    def lever(self, lever_id: str) -> Lever:
        try:
            return self.levers[lever_id]
        except KeyError:
            raise UnknownLeverError(lever_id) from None


class UnknownLeverError(KeyError, ValueError):
    """An id outside the ten levers; the message lists the valid ones."""

    def __init__(self, lever_id: str) -> None:
        super().__init__(lever_id)
        self.lever_id = lever_id

    def __str__(self) -> str:
        return f"Unknown lever {self.lever_id!r}. Valid lever ids: {', '.join(LEVER_IDS)}."


def resolve_benchmark(benchmarks: dict[str, Any], path: str) -> Any:
    """Follow a dotted path such as 'repeat_rate.weak_pct' into benchmarks.toml."""
    node: Any = benchmarks
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"benchmark {path!r} is not defined in benchmarks.toml")
        node = node[part]
    return node


def _check_benchmark_refs(lever: Lever, benchmarks: dict[str, Any]) -> None:
    """Fail at load time on a threshold that names a benchmark that does not exist."""
    for signal in lever.signals:
        for ref in (signal.threshold, signal.upper, signal.full_at):
            if isinstance(ref, str):
                path = ref.replace("return_rate.", "return_rate.general.", 1) if ref.startswith("return_rate.") else ref
                resolve_benchmark(benchmarks, path)


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """Parse and validate every lever file plus the benchmarks, once per process."""
    root = files("heuristics")
    benchmarks = tomllib.loads(root.joinpath("benchmarks.toml").read_text(encoding="utf-8"))
    levers: dict[str, Lever] = {}
    for lever_id in LEVER_IDS:
        raw = tomllib.loads(root.joinpath("levers", f"{lever_id}.toml").read_text(encoding="utf-8"))
        lever = Lever.model_validate(raw)
        if lever.id != lever_id:
            raise ValueError(f"levers/{lever_id}.toml declares id {lever.id!r}")
        _check_benchmark_refs(lever, benchmarks)
        levers[lever_id] = lever
    found = {p.name.removesuffix(".toml") for p in root.joinpath("levers").iterdir() if p.name.endswith(".toml")}
    if found != set(LEVER_IDS):
        raise ValueError(f"levers/ must hold exactly {sorted(LEVER_IDS)}; found {sorted(found)}")
    return Catalogue(levers=levers, benchmarks=benchmarks)
