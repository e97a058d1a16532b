"""Step 4: plays per segment from the ranked levers, then the rules of the business applied to them.

Per segment: one play from each of its best levers first (so a package spreads across levers and
horizons), then deeper, then levers that merely fit its lane. A play row already chosen for an
earlier segment is not repeated: the segment is added to that row's `also_for`. Templates that
do not suit the team (min_team), the pricing (discount audits where nothing is discounted,
contract plays where nothing is contracted) or wait on a signal that did not fire are skipped;
constraints and the operating context (channels that exist, contract or no-discount pricing)
are enforced on what is chosen. A small team gets at most a few new builds in the first 30 days;
the rest move to 30-90 days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from heuristics import Assessment, Catalogue
from heuristics.catalogue import PlayTemplate
from heuristics.formatting import fmt_number, fmt_pct
from skill.plan.constraints import eligible, enforce_constraints, operating_constraints, owner_for
from skill.plan.facts import Facts, SegmentFacts
from skill.schema import Constraints, HorizonMove, Horizons, LeverScore, Play, SegmentPackage

HORIZONS = ("short", "medium", "long")
BUSINESS_WIDE = "All customers"
# A segment this large (by revenue or customers) gets four plays instead of three.
LARGE_SEGMENT_SHARE_PCT = 30
MIN_PLAYS, DEFAULT_PLAYS, MAX_PLAYS = 2, 3, 3  # MAX_PLAYS + 1 only to cover an empty horizon
# From this many segments on, each gets two plays (three if large), so the plan stays a quarter's work.
MANY_SEGMENTS = 5
# From this many segments on, plays come from the ranked levers only (rank <= RANKED_LEVERS, score > 0); a
# "lower or not indicated" lever only fills a segment that would otherwise have fewer than MIN_PLAYS.
TRIM_SEGMENTS = 4
RANKED_LEVERS = 5

# Moves that keep the short/medium/long contract when the input has too little to plan on.
GENERIC_MOVES = {
    "short": HorizonMove(
        title="Export 12-24 months of orders (order id, customer id, date, revenue, discount, refunds) and run the "
        "order analysis to size segments and measure repeat rate, AOV and margin",
        segment=BUSINESS_WIDE,
        lever="second_purchase",
    ),
    "medium": HorizonMove(
        title="Launch a post-purchase second-order flow for first-time buyers with a 10% holdout: the first "
        "retention test that needs no segmentation",
        segment=BUSINESS_WIDE,
        lever="second_purchase",
    ),
    "long": HorizonMove(
        title="Set up a monthly cohort review (repeat rate, churn risk, margin after discounts and returns) so lever "
        "choices rest on measured data",
        segment=BUSINESS_WIDE,
        lever="churn_prevention",
    ),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a placeholder the context lacks reads as plain words
        return "the usual point"


def placeholders(sf: SegmentFacts | None, facts: Facts, bench: dict[str, Any], play: Play | None = None) -> dict[str, str]:
    """Values for a play's {placeholders}, from the segment's facts (plain words when a number is missing)."""
    b = facts.inp.business
    cycle = sf.cycle_days if sf else b.repurchase_cycle_days
    peak = ", ".join(b.peak_months) if b.peak_months else "the peak season"
    category = (b.category or "").lower()
    outcomes = bench["premium"]["outcomes"]
    outcome = next((text for key, text in outcomes.items() if key != "default" and key in category), outcomes["default"])
    depth = play.incentive.depth_pct if play is not None and play.incentive.kind == "percent_discount" else None
    return {
        "cycle": f"{fmt_number(cycle)}-day" if cycle else "usual",
        "drift_days": (f" (day {fmt_number(round(cycle * 1.5))} and day {fmt_number(round(cycle * 2))} on the "
                       f"{fmt_number(cycle)}-day cycle)") if cycle else "",
        "reminder_days": (f" (days {', '.join(fmt_number(round(cycle * pct / 100)) for pct in (75, 100))} and "
                          f"{fmt_number(round(cycle * 1.2))})") if cycle else "",
        "second_at": fmt_number(round(cycle)) if cycle and cycle <= 120 else "21-30",
        "peak": peak,
        "pre_peak": f"{bench['seasonality']['pre_peak_weeks']} weeks before {peak}",
        "cancel_month": f"month {fmt_number(b.cancel_month)}" if b.cancel_month else "the usual cancel point",
        "pre_cancel": f"month {fmt_number(b.cancel_month)}" if b.cancel_month else "the usual cancel point",
        "outcome": outcome,
        "give_get": fmt_pct(depth) if depth else "a fair reward",
    }


def fill(text: str, values: dict[str, str]) -> str:
    return text.format_map(_Blank(values))


def short_name(play: Play, template: PlayTemplate, values: dict[str, str]) -> str:
    """A few words naming the play: the template's short name, or the first clause of a substituted title."""
    if play.title == fill(template.title, values) and template.short:
        return fill(template.short, values)
    head = play.title.split(":")[0].split(", ")[0]
    words = head.split()
    return " ".join(words[:9]) + ("..." if len(words) > 9 else "")


@dataclass
class Chosen:
    """A play as chosen: the template it came from and its short name (the Play is what the plan shows)."""

    play: Play
    template: PlayTemplate
    short: str
    segment: str


@dataclass
class PlaySelection:
    packages: list[SegmentPackage]
    chosen: list[Chosen]
    capacity_notes: list[str] = field(default_factory=list)
    constraints: Constraints | None = None
    goal_lever: str | None = None

    def short_for(self, title: str) -> str:
        return next((c.short for c in self.chosen if c.play.title == title), title)


class _Picker:
    """Picks compliant plays for the segments in order, one row per play across all segments."""

    def __init__(self, facts: Facts, assessment: Assessment, catalogue: Catalogue, levers: list[LeverScore],
                 goal_lever: str | None = None) -> None:
        self.facts = facts
        self.goal_lever = goal_lever
        self.catalogue = catalogue
        self.bench = catalogue.benchmarks
        self.levers = levers
        self.constraints = operating_constraints(facts)
        self.fired = {lid: {(f.segment, f.signal) for f in items} for lid, items in assessment.fired.items()}
        self.chosen: list[Chosen] = []
        self.by_template: dict[str, Chosen] = {}
        self.taken: dict[str, set[str]] = {}  # segment -> "lever.play" keys it got (own rows and shared ones)
        # With 4+ segments the table keeps to the ranked levers (top 5 with a score); lower ones only fill a gap.
        self.ranked = {s.id for s in levers if s.rank <= RANKED_LEVERS and s.score > 0}
        self.trim = len(facts.segments) >= TRIM_SEGMENTS

    def _overlaps(self, lever_id: str, template: PlayTemplate, sf: SegmentFacts) -> bool:
        """True when the segment already has a play of this lever that pushes the same step (either way round)."""
        taken = self.taken.get(sf.name, set())
        for other in self.catalogue.levers[lever_id].plays:
            if f"{lever_id}.{other.id}" in taken and (other.id in template.overlaps or template.id in other.overlaps):
                return True
        return False

    def _fired(self, lever_id: str, signals: list[str], sf: SegmentFacts) -> bool:
        return any((seg, sig) in self.fired[lever_id] for sig in signals for seg in (sf.name, None))

    def templates(self, lever_id: str, sf: SegmentFacts) -> list[PlayTemplate]:
        """Plays of the lever for this segment: those a fired signal calls for first, then catalogue order."""
        suitable = [t for t in self.catalogue.levers[lever_id].plays
                    if sf.lane in t.lanes and eligible(t, self.facts)
                    and (not t.when or self._fired(lever_id, t.when, sf))]
        return sorted(suitable, key=lambda t: 0 if t.when or self._fired(lever_id, t.favoured_by, sf) else 1)

    def take(self, lever_id: str, templates: list[PlayTemplate], pkg: SegmentPackage, sf: SegmentFacts,
             covered: set[str], share: bool) -> bool:
        """Add the first fitting template (uncovered horizons first); with `share`, reuse another segment's row."""
        called = {t.id for t in templates if t.when or self._fired(lever_id, t.favoured_by, sf)}
        ordered = sorted(templates, key=lambda t: (t.id not in called, t.id not in called and t.horizon in covered))
        for template in ordered:
            key = f"{lever_id}.{template.id}"
            if self._overlaps(lever_id, template, sf):
                continue
            if key in self.by_template:
                existing = self.by_template[key]
                if not share or existing.segment == sf.name or sf.name in existing.play.also_for:
                    continue
                existing.play.also_for.append(sf.name)
                self.taken.setdefault(sf.name, set()).add(key)
                pkg.shared.append(f"{existing.short} (listed under '{existing.segment}')")
                return True
            if share:
                continue
            play, notes = enforce_constraints(template, lever_id, self.constraints)
            for note in notes:
                if note not in pkg.notes:
                    pkg.notes.append(note)
            if play is None:
                continue
            values = placeholders(sf, self.facts, self.bench, play)
            play = play.model_copy(update={"title": fill(play.title, values),
                                           "success_metric": fill(play.success_metric, values)})
            play = play.model_copy(update={"owner": owner_for(play, self.facts)})
            chosen = Chosen(play, template, short_name(play, template, values), sf.name)
            self.chosen.append(chosen)
            self.by_template[key] = chosen
            self.taken.setdefault(sf.name, set()).add(key)
            pkg.plays.append(play)
            return True
        return False

    def package(self, sf: SegmentFacts) -> SegmentPackage:
        pkg = SegmentPackage(segment=sf.name, lane=sf.lane)
        target = self._target(sf)
        targeting = [s.id for s in self.levers if sf.name in s.segments]
        if self.goal_lever in targeting:  # the stated worry's lever leads every segment it targets
            targeting.remove(self.goal_lever)
            targeting.insert(0, self.goal_lever)
        reserve = [s.id for s in self.levers if s.id not in targeting and s.score > 0
                   and sf.lane in self.catalogue.levers[s.id].lanes]
        lower: list[str] = []
        if self.trim:
            lower = [lid for lid in targeting + reserve if lid not in self.ranked]
            targeting = [lid for lid in targeting if lid in self.ranked]
            reserve = [lid for lid in reserve if lid in self.ranked]

        def count() -> int:
            return len(pkg.plays) + len(pkg.shared)

        def covered() -> set[str]:
            return {p.horizon for p in pkg.plays}

        for lever_id in targeting[:target]:  # one play from each of the best levers, sharing a row if need be
            if count() < target:
                templates = self.templates(lever_id, sf)
                self.take(lever_id, templates, pkg, sf, covered(), False) or self.take(
                    lever_id, templates, pkg, sf, covered(), True)
        for share in (False, True):
            for lever_id in targeting:
                while count() < target and self.take(lever_id, self.templates(lever_id, sf), pkg, sf, covered(), share):
                    pass
            for lever_id in reserve + lower:
                while count() < MIN_PLAYS and self.take(lever_id, self.templates(lever_id, sf), pkg, sf, covered(), share):
                    pass
        if count() < MIN_PLAYS:
            pkg.notes.append(f"Only {count()} play(s) fit '{sf.name}' under the stated constraints.")
        return pkg

    def _target(self, sf: SegmentFacts) -> int:
        """Plays for this segment, fewer as segments grow: 3 for up to 3 segments; with 4, 3 for an above-average
        segment and 2 for the rest; with 5, 2 (3 for a large one); with 6+, 2. A small team gets 2 throughout."""
        capacity = self.bench["capacity"]
        team = self.facts.inp.operating.team_size
        if team is not None and team <= capacity["small_team_size"]:
            return capacity["small_team_plays_per_segment"]
        n = len(self.facts.segments)
        many = n >= MANY_SEGMENTS
        share = sf.share_pct
        if self.trim and not many:  # 4 segments: three plays for an above-average segment, two for the rest
            return DEFAULT_PLAYS if share is None or share >= 100 / n else MIN_PLAYS
        if n > MANY_SEGMENTS:  # 6+ segments: two plays each, however large
            return MIN_PLAYS
        base = MIN_PLAYS if many else DEFAULT_PLAYS
        large = LARGE_SEGMENT_SHARE_PCT + (10 if many else 0)
        return min(MAX_PLAYS, base + 1) if share is not None and share >= large else base


def _ensure_horizons(picker: _Picker, packages: list[SegmentPackage]) -> None:
    """Add a play to the largest segment for any horizon no package covers (in place)."""
    pairs = sorted(zip(picker.facts.segments, packages, strict=True), key=lambda sp: -(sp[0].share_pct or 0))
    team = picker.facts.inp.operating.team_size
    small = team is not None and team <= picker.bench["capacity"]["small_team_size"]
    # One play over the package's size at most (none for a small team); the roadmap's generic move covers the rest.
    # A plan of 4+ segments adds none either: its table is the longest part of the plan.
    extra = 0 if small or picker.trim else 1
    pairs = [(sf, pkg) for sf, pkg in pairs if len(pkg.plays) + len(pkg.shared) < picker._target(sf) + extra]
    for horizon in HORIZONS:
        if any(p.horizon == horizon for pkg in packages for p in pkg.plays):
            continue
        for sf, pkg in pairs:
            levers = [s.id for s in picker.levers if sf.lane in picker.catalogue.levers[s.id].lanes
                      and (not picker.trim or s.id in picker.ranked)]
            done = any(
                picker.take(lever_id, [t for t in picker.templates(lever_id, sf) if t.horizon == horizon], pkg, sf,
                            set(), False)
                for lever_id in levers
            )
            if done:
                break


def _cap_first_month(selection: PlaySelection, facts: Facts, levers: list[LeverScore], bench: dict[str, Any]) -> None:
    """A small team gets at most a few new builds in 0-30 days: the lower-ranked ones move to 30-90 days."""
    team = facts.inp.operating.team_size
    caps = bench["capacity"]["builds_first_30_days"]
    if team is None or str(team) not in caps:
        return
    cap = caps[str(team)]
    rank = {s.id: s.rank for s in levers}
    share = {sf.name: sf.share_pct or 0 for sf in facts.segments}
    short = [c for c in selection.chosen if c.play.horizon == "short"]
    short.sort(key=lambda c: (c.play.lever != selection.goal_lever, rank[c.play.lever], -share.get(c.segment, 0)))
    moved = short[cap:]
    for c in moved:
        c.play.horizon = "medium"
    if moved:
        names = ", ".join(f"'{c.short}'" for c in moved)
        people = f"{team} {'person' if team == 1 else 'people'}"
        selection.capacity_notes.append(
            f"A team of {people} runs at most {cap} new builds in the first 30 days: {names} moved to 30-90 days.")


def select_plays(facts: Facts, assessment: Assessment, catalogue: Catalogue, levers: list[LeverScore],
                 goal_lever: str | None = None) -> PlaySelection:
    """Packages for every segment, one row per play, constraints and operating context applied."""
    picker = _Picker(facts, assessment, catalogue, levers, goal_lever)
    packages = [picker.package(sf) for sf in facts.segments]
    _ensure_horizons(picker, packages)
    kept = {id(p) for pkg in packages for p in pkg.plays}
    chosen = [c for c in picker.chosen if id(c.play) in kept]
    selection = PlaySelection(packages, chosen, constraints=picker.constraints, goal_lever=goal_lever)
    _cap_first_month(selection, facts, levers, catalogue.benchmarks)
    return selection


def build_horizons(selection: PlaySelection) -> Horizons:
    """Roadmap from the packages (short names, one move per play row); generic moves fill an empty horizon."""
    moves: dict[str, list[HorizonMove]] = {h: [] for h in HORIZONS}
    for pkg in selection.packages:
        for play in pkg.plays:
            for segment in [pkg.segment, *play.also_for]:
                moves[play.horizon].append(HorizonMove(title=selection.short_for(play.title), segment=segment, lever=play.lever))
    for horizon in HORIZONS:
        if not moves[horizon]:
            moves[horizon].append(GENERIC_MOVES[horizon])
    return Horizons(**moves)
