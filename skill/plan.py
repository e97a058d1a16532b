"""Turn scored levers into a plan: diagnosis, constraint-safe plays per segment, roadmap, impact, caveats.

Everything here is arithmetic on the input and the catalogue; nothing is sent or scheduled.
Revenue and margin effects are written to separate lists on purpose: a revenue lift bought
with a discount can still lose money, and the operator must see both numbers side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

from heuristics import Assessment, Catalogue, assess, load_catalogue
from heuristics.catalogue import DISCOUNT_KINDS, PlayTemplate
from heuristics.formatting import fmt_count, fmt_money, fmt_multiple, fmt_number, fmt_pct
from heuristics.scorer import CategoryBand, repurchase_cycle, segment_metric, segment_share_pct
from skill.schema import (
    Constraints,
    HorizonMove,
    Horizons,
    Incentive,
    LeverScore,
    NormalizedInput,
    Plan,
    Play,
    Segment,
    SegmentDiagnosis,
    SegmentPackage,
)

HORIZONS = ("short", "medium", "long")
HORIZON_LABELS = {"short": "0-30 days", "medium": "30-90 days", "long": "90+ days"}
BUSINESS_WIDE = "All customers"
CONFIDENCE_STEPS = ("low", "medium", "high")

# A segment this large (by revenue or customers) gets four plays instead of three.
LARGE_SEGMENT_SHARE_PCT = 30
MIN_PLAYS, DEFAULT_PLAYS, MAX_PLAYS = 2, 3, 4

LIMITS = (
    "This plan is based only on the data provided; it has not seen your store, CRM or order history beyond that.",
    "No access to live CRM, ESP, ad accounts or analytics systems: every figure comes from the input or a stated benchmark.",
    "Nothing is sent, scheduled or applied automatically; the tool only writes this plan.",
    "The operator approves every message, audience and incentive before anything goes out.",
)

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


# ---------------------------------------------------------------- constraints


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


def _from_template(template: PlayTemplate, lever_id: str) -> Play:
    return Play(
        title=template.title,
        lever=lever_id,
        owner=template.owner,
        channel=template.channel,
        incentive=template.incentive,
        success_metric=template.success_metric,
        horizon=template.horizon,
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
    play = _from_template(template, lever_id)
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


# ---------------------------------------------------------------- play selection


def _candidate_levers(seg: Segment, scores: list[LeverScore], catalogue: Catalogue) -> tuple[list[str], list[str]]:
    """Levers that target this segment (rank order), and other levers whose lanes include it (the reserve)."""
    targeting = [s.id for s in scores if seg.name in s.segments]
    fitting = [s.id for s in scores if s.id not in targeting and seg.lane in catalogue.levers[s.id].lanes]
    return targeting, fitting


def _play_target(seg: Segment, inp: NormalizedInput) -> int:
    share = segment_share_pct(seg, inp)
    return MAX_PLAYS if share is not None and share >= LARGE_SEGMENT_SHARE_PCT else DEFAULT_PLAYS


@dataclass
class _Picker:
    """Picks compliant plays for one segment, keeping the constraint notes of what it tried."""

    seg: Segment
    constraints: Constraints
    catalogue: Catalogue
    plays: list[Play]
    notes: list[str]

    def suitable(self, lever_id: str) -> list[PlayTemplate]:
        return [p for p in self.catalogue.levers[lever_id].plays if self.seg.lane in p.lanes]

    def take(self, lever_id: str, templates: list[PlayTemplate]) -> bool:
        """Add the first template that survives the constraints; notes record substitutions and drops."""
        for template in templates:
            if any(p.title == template.title for p in self.plays):
                continue
            play, notes = enforce_constraints(template, lever_id, self.constraints)
            for note in notes:
                if note not in self.notes:
                    self.notes.append(note)
            if play is not None and all(p.title != play.title for p in self.plays):
                self.plays.append(play)
                return True
        return False

    def covered(self) -> set[str]:
        return {p.horizon for p in self.plays}


def _uncovered_first(templates: list[PlayTemplate], covered: set[str]) -> list[PlayTemplate]:
    return sorted(templates, key=lambda t: t.horizon in covered)


def build_package(seg: Segment, inp: NormalizedInput, scores: list[LeverScore], catalogue: Catalogue) -> SegmentPackage:
    """2-4 plays from the levers ranked highest for this segment, spreading horizons across levers."""
    picker = _Picker(seg, inp.constraints, catalogue, [], [])
    target = _play_target(seg, inp)
    targeting, reserve = _candidate_levers(seg, scores, catalogue)

    def fill(levers: list[str], limit: int) -> None:
        for lever_id in levers:
            while len(picker.plays) < limit and picker.take(lever_id, _uncovered_first(picker.suitable(lever_id), picker.covered())):
                pass

    # One play from each of the best levers first, so the package spreads across levers and horizons;
    # then deeper into those levers; levers that merely fit the lane only make up a too-short package.
    for lever_id in targeting[:target]:
        picker.take(lever_id, _uncovered_first(picker.suitable(lever_id), picker.covered()))
    fill(targeting, target)
    fill(reserve, MIN_PLAYS)
    if len(picker.plays) < MIN_PLAYS:
        picker.notes.append(
            f"Only {len(picker.plays)} play(s) fit '{seg.name}' under the stated constraints."
        )
    return SegmentPackage(segment=seg.name, lane=seg.lane, plays=picker.plays, notes=picker.notes)


def _ensure_horizons(packages: list[SegmentPackage], inp: NormalizedInput, scores: list[LeverScore], catalogue: Catalogue) -> None:
    """Add a play to the largest segment for any horizon no package covers (in place)."""
    by_size = sorted(
        zip(inp.segments, packages, strict=True), key=lambda sp: -(segment_share_pct(sp[0], inp) or 0)
    )
    for horizon in HORIZONS:
        if any(p.horizon == horizon for pkg in packages for p in pkg.plays):
            continue
        for seg, pkg in by_size:
            picker = _Picker(seg, inp.constraints, catalogue, pkg.plays, pkg.notes)
            targeting, reserve = _candidate_levers(seg, scores, catalogue)
            done = any(
                picker.take(lever_id, [t for t in picker.suitable(lever_id) if t.horizon == horizon])
                for lever_id in targeting + reserve
            )
            if done:
                _trim_to_max(pkg.plays)
                break


def _trim_to_max(plays: list[Play]) -> None:
    """Keep a package at MAX_PLAYS by dropping the last earlier play whose horizon is doubled up."""
    while len(plays) > MAX_PLAYS:
        counts = {h: sum(p.horizon == h for p in plays) for h in HORIZONS}
        doubled = [i for i, p in enumerate(plays[:-1]) if counts[p.horizon] > 1]
        if not doubled:
            return
        del plays[doubled[-1]]


def build_horizons(packages: list[SegmentPackage]) -> Horizons:
    """Roadmap from the packages; generic business moves fill a horizon no segment play covers."""
    moves: dict[str, list[HorizonMove]] = {h: [] for h in HORIZONS}
    for pkg in packages:
        for play in pkg.plays:
            moves[play.horizon].append(HorizonMove(title=play.title, segment=pkg.segment, lever=play.lever))
    for horizon in HORIZONS:
        if not moves[horizon]:
            moves[horizon].append(GENERIC_MOVES[horizon])
    return Horizons(**moves)


# ---------------------------------------------------------------- diagnosis


def _money(value: float, seg: Segment | None, inp: NormalizedInput) -> str:
    return fmt_money(value, (seg.currency if seg else None) or inp.business.currency)


def _key_gaps(seg: Segment, inp: NormalizedInput) -> list[str]:
    """Key metrics the segment lacks (margin counts as present when the business gives it)."""
    m, b = seg.metrics, inp.business
    gaps = []
    if segment_share_pct(seg, inp) is None and m.customer_count is None:
        gaps.append("size (customers or revenue share)")
    if m.aov is None:
        gaps.append("AOV")
    if m.repeat_rate_pct is None and m.orders_per_year is None:
        gaps.append("repeat rate")
    if m.gross_margin_pct is None and b.gross_margin_pct is None:
        gaps.append("gross margin")
    return gaps


def diagnose(seg: Segment, inp: NormalizedInput, bench: dict[str, Any], band: CategoryBand) -> SegmentDiagnosis:
    """Findings comparing the segment with benchmarks and the business average, most severe first."""
    m, b = seg.metrics, inp.business
    findings: list[tuple[int, str]] = []
    rr = bench["repeat_rate"]
    if m.repeat_rate_pct is not None:
        r = m.repeat_rate_pct
        typical = f"{rr['typical_low_pct']}-{rr['typical_high_pct']}% benchmark"
        versus = f"; business {fmt_pct(b.repeat_rate_pct)}" if b.repeat_rate_pct is not None else ""
        if r < rr["weak_pct"]:
            findings.append((3, f"Repeat rate {fmt_pct(r)} vs {typical}: weak (below {rr['weak_pct']}%){versus}"))
        elif r < rr["typical_low_pct"]:
            findings.append((2, f"Repeat rate {fmt_pct(r)} vs {typical}: below typical{versus}"))
        elif r > bench["loyalty"]["loyalty_mode_low_pct"]:
            findings.append((1, f"Repeat rate {fmt_pct(r)}: loyalty mode (above {bench['loyalty']['loyalty_mode_low_pct']}%){versus}"))
        else:
            verdict = "strong" if r > rr["typical_high_pct"] else "typical"
            findings.append((1, f"Repeat rate {fmt_pct(r)} vs {typical}: {verdict}{versus}"))
    if m.discount_order_share_pct is not None:
        d, line = m.discount_order_share_pct, bench["discount"]["fiction_share_pct"]
        if d > line:
            findings.append((3, f"Discount share {fmt_pct(d)} of orders: over the {line}% line where list price is fiction"))
        elif d > bench["discount"]["high_share_pct"]:
            findings.append((2, f"Discount share {fmt_pct(d)} of orders: discount-heavy (above {bench['discount']['high_share_pct']}%)"))
    if m.return_rate_pct is not None:
        r, span = m.return_rate_pct, f"{fmt_number(band.low_pct)}-{fmt_number(band.high_pct)}% {band.label} benchmark"
        if r > band.high_pct:
            findings.append((3, f"Return rate {fmt_pct(r)} vs {span}: high"))
        else:
            findings.append((1, f"Return rate {fmt_pct(r)} vs {span}: {'low' if r < band.low_pct else 'within range'}"))
    ratio = segment_metric("recency_cycle_ratio", seg, inp)
    wb = bench["winback"]
    if ratio is not None and m.days_since_last_order is not None:
        cycle = repurchase_cycle(seg, inp) or 0
        head = f"Last order {fmt_number(m.days_since_last_order)} days ago = {fmt_multiple(ratio)} the {fmt_number(cycle)}-day repurchase cycle"
        if ratio >= wb["trigger_cycle_multiple_low"]:
            findings.append((3, f"{head}: past the {wb['trigger_cycle_multiple_low']}-{wb['trigger_cycle_multiple_high']}x win-back trigger"))
        elif ratio >= bench["churn"]["at_risk_cycle_multiple"]:
            findings.append((2, f"{head}: drifting, before the win-back point"))
    elif m.days_since_last_order is not None and m.days_since_last_order > wb["lapsed_days_without_cycle"]:
        findings.append((2, f"Last order {fmt_number(m.days_since_last_order)} days ago: lapsed by the {wb['lapsed_days_without_cycle']}-day rule of thumb (no repurchase cycle given)"))
    if m.gross_margin_pct is not None:
        g, thin = m.gross_margin_pct, bench["margin"]["thin_gross_margin_pct"]
        versus = f" (business {fmt_pct(b.gross_margin_pct)})" if b.gross_margin_pct is not None else ""
        if g < thin:
            findings.append((3, f"Gross margin {fmt_pct(g)}{versus}: thin, below {thin}%"))
        else:
            findings.append((1, f"Gross margin {fmt_pct(g)}{versus}"))
    if m.monthly_churn_pct is not None and m.monthly_churn_pct > bench["churn"]["high_monthly_churn_pct"]:
        findings.append((3, f"Monthly churn {fmt_pct(m.monthly_churn_pct)}: above {bench['churn']['high_monthly_churn_pct']}%"))
    aov_ratio = segment_metric("aov_vs_business_pct", seg, inp)
    if aov_ratio is not None and m.aov is not None and abs(aov_ratio - 100) >= 10:
        direction = "below" if aov_ratio < 100 else "above"
        findings.append((2 if aov_ratio < 100 else 1,
                         f"AOV {_money(m.aov, seg, inp)} is {fmt_pct(round(abs(aov_ratio - 100)))} {direction} the business average {_money(b.aov or 0, seg, inp)}"))
    concentration = segment_metric("revenue_concentration_x", seg, inp)
    if concentration is not None and concentration >= bench["loyalty"]["revenue_concentration_x"]:
        findings.append((2, f"{fmt_pct(m.customer_share_pct or 0)} of customers bring {fmt_pct(m.revenue_share_pct or 0)} of revenue ({fmt_multiple(concentration)} their share)"))
    if seg.clv is not None:
        findings.extend(_clv_findings(seg, inp))
    gaps = _key_gaps(seg, inp)
    if gaps:
        findings.append((0, f"Not given: {', '.join(gaps)}; rules that need them did not fire"))
    ordered = [text for _, text in sorted(findings, key=lambda f: -f[0])]
    return SegmentDiagnosis(segment=seg.name, lane=seg.lane, findings=ordered)


def _clv_findings(seg: Segment, inp: NormalizedInput) -> list[tuple[int, str]]:
    clv = seg.clv
    out: list[tuple[int, str]] = []
    share = segment_metric("value_at_risk_share_pct", seg, inp)
    if clv.value_at_risk:
        tail = f" ({fmt_pct(share)} of all value at risk)" if share is not None else ""
        out.append((3 if (share or 0) >= 30 else 2, f"Predicted value at risk {_money(clv.value_at_risk, seg, inp)}{tail}"))
    if clv.high_churn_risk_share_pct is not None:
        out.append((2, f"{fmt_pct(clv.high_churn_risk_share_pct)} of customers at high churn risk"))
    if clv.predicted_clv is not None:
        horizon = f" over {clv.horizon_days} days" if clv.horizon_days else ""
        out.append((1, f"Predicted CLV {_money(clv.predicted_clv, seg, inp)} per customer{horizon}"))
    return out


# ---------------------------------------------------------------- impact


# Lanes that buy on a steady rhythm, so a repurchase cycle is a fair stand-in for their order frequency.
_RHYTHMIC_LANES = frozenset({"subscriber", "loyal", "vip"})


@dataclass
class _Sizing:
    customers: float
    aov: float
    orders_per_year: float
    orders_basis: str  # "given", "cycle" (365 / repurchase cycle) or "default"

    @property
    def annual_revenue(self) -> float:
        return self.customers * self.orders_per_year * self.aov


def _sizing(seg: Segment, inp: NormalizedInput, bench: dict[str, Any]) -> _Sizing | None:
    m, b = seg.metrics, inp.business
    customers = m.customer_count
    if customers is None and m.customer_share_pct is not None and b.customer_count:
        customers = b.customer_count * m.customer_share_pct / 100
    aov = m.aov or b.aov
    if not customers or not aov:
        return None
    if m.orders_per_year is not None:
        return _Sizing(customers, aov, m.orders_per_year, "given")
    cycle = repurchase_cycle(seg, inp)
    if seg.lane in _RHYTHMIC_LANES and cycle:
        return _Sizing(customers, aov, min(52.0, 365 / cycle), "cycle")
    return _Sizing(customers, aov, bench["defaults"]["orders_per_year_when_missing"], "default")


@dataclass
class _Impact:
    revenue_line: str
    revenue_low: float
    revenue_high: float
    margin_line: str | None
    orders_basis: str | None


def _revenue_estimate(lever_id: str, seg: Segment, size: _Sizing, inp: NormalizedInput, catalogue: Catalogue) -> tuple[str, float, float]:
    model = catalogue.levers[lever_id].impact
    lo, hi = model.low, model.high
    name, money = f"'{seg.name}'", lambda v: _money(v, seg, inp)
    cust, aov = fmt_count(size.customers), money(size.aov)
    if model.model == "repeat_rate_points":
        low, high = size.customers * lo / 100 * size.aov, size.customers * hi / 100 * size.aov
        r = seg.metrics.repeat_rate_pct
        lift = (f"lifting {name} repeat rate from {fmt_pct(r)} to {fmt_number(r + lo)}-{fmt_pct(r + hi)}" if r is not None
                else f"adding {fmt_number(lo)}-{fmt_number(hi)} points of repeat rate to {name}")
        text = f"{lift} on {cust} customers at AOV {aov}"
    elif model.model in ("reactivation_pct", "referral_pct"):
        low, high = size.customers * lo / 100 * size.aov, size.customers * hi / 100 * size.aov
        verb = "keeping or reactivating" if model.model == "reactivation_pct" else "referred first orders from"
        text = f"{verb} {fmt_number(lo)}-{fmt_pct(hi)} of {cust} {name} customers for one order at AOV {aov}"
    elif model.model == "return_rate_points":
        low, high = size.annual_revenue * lo / 100, size.annual_revenue * hi / 100
        r = seg.metrics.return_rate_pct
        cut = (f"cutting {name} returns from {fmt_pct(r)} to {fmt_number(max(0, r - hi))}-{fmt_pct(max(0, r - lo))}" if r is not None
               else f"cutting {name} returns by {fmt_number(lo)}-{fmt_number(hi)} points")
        text = f"{cut} on ≈ {money(size.annual_revenue)} annual revenue keeps"
    elif model.model == "discount_share_points":
        return (
            f"{name} (margin protection): expect flat to slightly lower revenue while {fmt_number(lo)}-{fmt_pct(hi)} of "
            f"orders move off discount; size any lost volume with the holdout before scaling",
            0.0,
            0.0,
        )
    else:
        low, high = size.annual_revenue * lo / 100, size.annual_revenue * hi / 100
        base = f"{cust} customers x {fmt_number(size.orders_per_year)} orders/year x {aov}"
        text = f"+{fmt_number(lo)}-{fmt_pct(hi)} on {name} annual revenue of ≈ {money(size.annual_revenue)} ({base})"
    return f"{text} ≈ +{money(low)} to +{money(high)} revenue over 12 months", low, high


def _margin_estimate(lever_id: str, pkg: SegmentPackage, seg: Segment, size: _Sizing, low: float, high: float,
                     inp: NormalizedInput, catalogue: Catalogue, bench: dict[str, Any]) -> str:
    name, money = f"'{seg.name}'", lambda v: _money(v, seg, inp)
    margin = seg.metrics.gross_margin_pct if seg.metrics.gross_margin_pct is not None else inp.business.gross_margin_pct
    model = catalogue.levers[lever_id].impact
    if model.model == "discount_share_points":
        depth = model.assumed_depth_pct or 0
        gain_lo = size.annual_revenue * model.low / 100 * depth / 100
        gain_hi = size.annual_revenue * model.high / 100 * depth / 100
        return (f"{name}: moving {fmt_number(model.low)}-{fmt_pct(model.high)} of ≈ {money(size.annual_revenue)} annual orders "
                f"off a ~{fmt_pct(depth)} discount recovers ≈ {money(gain_lo)} to {money(gain_hi)} of margin a year")
    if margin is None:
        return f"{name}: margin effect not sized — gross margin not given; count incentive cost against the revenue lift before scaling"
    gp_lo, gp_hi = low * margin / 100, high * margin / 100
    parts = [f"{name}: at {fmt_pct(margin)} gross margin the lift is ≈ {money(gp_lo)} to {money(gp_hi)} gross profit before incentives"]
    incremental = bench["defaults"]["incremental_redemption_share_pct"] / 100
    discounts = [p for p in pkg.plays if p.incentive.kind == "percent_discount" and p.incentive.depth_pct]
    for play in discounts:
        if play.lever != lever_id:
            parts.append(f"the {fmt_pct(play.incentive.depth_pct)} offer in '{play.title}' ({catalogue.levers[play.lever].title}) is outside this "
                         "estimate: judge it on its own holdout's gross profit")
            continue
        depth = play.incentive.depth_pct / 100
        cost_lo, cost_hi = low / incremental * depth, high / incremental * depth
        parts.append(
            f"the {fmt_pct(play.incentive.depth_pct)} offer in '{play.title}' costs ≈ {money(cost_lo)} to {money(cost_hi)} "
            f"in discount if only {fmt_pct(incremental * 100)} of redemptions are incremental, "
            f"net ≈ {money(gp_lo - cost_lo)} to {money(gp_hi - cost_hi)}"
        )
    other_costs = sorted({p.incentive.kind.replace("_", " ") for p in pkg.plays
                          if p.incentive.kind in ("free_shipping", "free_product", "store_credit", "points")})
    if other_costs:
        parts.append(f"{', '.join(other_costs)} cost is not in the input: subtract it per redemption")
    if not discounts and not other_costs:
        parts.append("no price incentive in this package, so the margin cost is team time and send costs")
    return "; ".join(parts)


def _impact_for(pkg: SegmentPackage, seg: Segment, inp: NormalizedInput, catalogue: Catalogue,
                bench: dict[str, Any]) -> _Impact | None:
    if not pkg.plays:
        return None
    lever_id = pkg.plays[0].lever
    size = _sizing(seg, inp, bench)
    if size is None:
        return _Impact(f"'{seg.name}' ({catalogue.levers[lever_id].title}): not sized — customer count and AOV are needed", 0, 0, None, None)
    text, low, high = _revenue_estimate(lever_id, seg, size, inp, catalogue)
    margin = _margin_estimate(lever_id, pkg, seg, size, low, high, inp, catalogue, bench)
    return _Impact(f"{text} ({catalogue.levers[lever_id].title})", low, high, margin, size.orders_basis)


# ---------------------------------------------------------------- measurement


_CONTROL_BY_CHANNEL = {
    "onsite": "50/50 A/B split of site traffic",
    "packaging": "alternate shipping weeks as treated/control",
    "paid_media": "audience or geo holdout",
    "community": "matched comparison group of similar customers not invited",
}


def _mde_points(treated: float, control: float, rate_pct: float) -> float:
    """Smallest repeat-rate difference (points) a two-proportion test detects at 5% significance, 80% power."""
    z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.80)
    p = rate_pct / 100
    return 100 * z * (p * (1 - p) * (1 / treated + 1 / control)) ** 0.5


def build_measurement(packages: list[SegmentPackage], inp: NormalizedInput, bench: dict[str, Any]) -> list[str]:
    holdout = bench["defaults"]["holdout_share_pct"]
    readout = bench["defaults"]["readout_days"]
    lines = [
        f"Hold out {holdout}% of each targeted segment from the new plays (and from ad-hoc sends) for the test window; "
        "judge each play on gross profit per customer vs the holdout, not on attributed revenue or open rates.",
        f"Read-outs: short plays at day {readout['short']}, medium at day {readout['medium']}, long at day {readout['long']}.",
    ]
    segments = {s.name: s for s in inp.segments}
    for pkg in packages:
        seg = segments.get(pkg.segment)
        size = _sizing(seg, inp, bench) if seg else None
        for play in pkg.plays:
            control = _CONTROL_BY_CHANNEL.get(play.channel, f"{holdout}% customer holdout")
            if size is not None and play.channel not in _CONTROL_BY_CHANNEL:
                control += f" (≈ {fmt_count(size.customers * holdout / 100)} customers)"
            lines.append(f"'{pkg.segment}' — {play.title}: {play.success_metric}; control: {control}; read at day {readout[play.horizon]}.")
        rate = seg.metrics.repeat_rate_pct if seg else None
        if size is not None and rate is not None and 0 < rate < 100:
            control_n = max(1.0, size.customers * holdout / 100)
            mde = _mde_points(size.customers - control_n, control_n, rate)
            lines.append(
                f"'{pkg.segment}': with {fmt_count(size.customers - control_n)} treated vs {fmt_count(control_n)} held out, "
                f"only repeat-rate differences above ≈ {fmt_number(mde)} points are distinguishable from noise "
                "(95% confidence, 80% power); pool segments or extend the read-out if the expected lift is smaller."
            )
    return lines


# ---------------------------------------------------------------- confidence, assumptions, constraints


def plan_confidence(inp: NormalizedInput) -> tuple[str, list[str]]:
    """Input confidence, lowered a step when half or more of the segments lack two or more key metrics."""
    level = inp.confidence
    reasons = [f"the input was read with {inp.confidence} confidence"] if inp.confidence != "high" else []
    if not inp.segments:
        return "low", reasons + ["no customer segments were provided"] + _warning_reason(inp)
    thin = [(s.name, gaps) for s in inp.segments if len(gaps := _key_gaps(s, inp)) >= 2]
    if thin and 2 * len(thin) >= len(inp.segments):
        level = CONFIDENCE_STEPS[max(0, CONFIDENCE_STEPS.index(level) - 1)]
        listed = "; ".join(f"'{name}' lacks {', '.join(gaps)}" for name, gaps in thin)
        reasons.append(f"{len(thin)} of {len(inp.segments)} segments lack key metrics ({listed})")
    if not reasons:
        source = "measured from order data" if inp.source == "orders" else "read with high confidence"
        reasons.append(f"the input was {source} and most segments carry the key metrics")
    return level, reasons + _warning_reason(inp)


def _warning_reason(inp: NormalizedInput) -> list[str]:
    count = len(inp.warnings)
    return [f"{count} input warning{'s' if count != 1 else ''} (under Limits) may hide a misread number"] if count else []


def confidence_statement(level: str, reasons: list[str]) -> str:
    statement = f"Confidence is {level} because {'; '.join(reasons)}."
    if level == "low":
        statement += (" Treat scores and estimates as directional; adding segment sizes, AOV, repeat rate and "
                      "gross margin (or an order export) would raise it.")
    return statement


def _assumptions(inp: NormalizedInput, assessment: Assessment, impacts: list[_Impact], catalogue: Catalogue,
                 packages: list[SegmentPackage], bench: dict[str, Any]) -> list[str]:
    out: list[str] = []
    used = set(assessment.benchmarks_used) | {"repeat_rate", "discount", "winback", "margin"}
    for section in sorted(used):
        if section == "return_rate":
            continue
        source = bench.get(section, {}).get("source")
        if source:
            out.append(f"Benchmark: {source}")
    band = assessment.category
    if band is not None:
        if band.known:
            out.append(f"Return rates judged against the {band.label} band of {fmt_number(band.low_pct)}-{fmt_number(band.high_pct)}%.")
        else:
            stated = f" ('{inp.business.category}' did not match a known category)" if inp.business.category else ""
            out.append(f"Category not known{stated}: return rates judged against the general "
                       f"{fmt_number(band.low_pct)}-{fmt_number(band.high_pct)}% band.")
    if any("(business figure)" in line for s in assessment.scores for line in s.rationale):
        out.append("Where a segment gave no figure, the business figure stood in (marked 'business figure' in the lever reasons).")
    for name in assessment.sizes_assumed:
        out.append(f"'{name}' has no revenue or customer share: weighted as mid-sized in the lever scores.")
    by_gaps: dict[tuple[str, ...], list[str]] = {}
    for seg in inp.segments:
        if gaps := _key_gaps(seg, inp):
            by_gaps.setdefault(tuple(gaps), []).append(f"'{seg.name}'")
    for gaps, names in by_gaps.items():
        verb = "is" if len(names) == 1 else "are"
        out.append(f"{', '.join(names)} {verb} missing {', '.join(gaps)}; findings and rules that need them were skipped.")
    if inp.source == "orders":
        measured = sorted({field for seg in inp.segments for field in seg.measured})
        out.append("Measured from the order export, not assumed: " + (", ".join(f.replace("_", " ") for f in measured) or "nothing")
                   + ". Benchmarks above are the only outside figures.")
    if any(i.orders_basis == "default" for i in impacts):
        out.append(f"Where orders per year were not given, impact estimates assume "
                   f"{fmt_number(bench['defaults']['orders_per_year_when_missing'])} order per customer per year.")
    if any(i.orders_basis == "cycle" for i in impacts):
        out.append("For subscriber, loyal and VIP segments without orders per year, frequency is taken as 365 days "
                   "divided by the repurchase cycle.")
    levers_sized = {pkg.plays[0].lever for pkg in packages if pkg.plays}
    for lever_id in sorted(levers_sized):
        out.append(f"Impact basis ({catalogue.levers[lever_id].title}): {catalogue.levers[lever_id].impact.basis}")
    if any(p.incentive.kind == "percent_discount" for pkg in packages for p in pkg.plays):
        out.append(f"Discount cost assumes {bench['defaults']['incremental_redemption_share_pct']}% of redemptions are "
                   "incremental; the rest would have ordered anyway.")
    if not (inp.business.currency or any(s.currency for s in inp.segments)):
        out.append("Currency not stated: money is shown without a symbol.")
    return out


def _constraint_notes(inp: NormalizedInput, packages: list[SegmentPackage]) -> list[str]:
    c = inp.constraints
    lines = []
    if c.max_discount_pct is not None:
        lines.append("No discounts of any kind (percent, fixed, store credit) in any play." if c.max_discount_pct == 0
                     else f"Percent discounts capped at {fmt_pct(c.max_discount_pct)}; fixed discounts excluded because their depth cannot be checked.")
    if c.banned_channels:
        lines.append(f"Banned channels, never used: {', '.join(c.banned_channels)}.")
    if c.no_free_product:
        lines.append("No free products: gift and sample plays use their non-product alternative.")
    changed = sum(len(p.notes) for p in packages)
    if changed:
        lines.append(f"{changed} play change(s) were made to respect these constraints; see each package's notes.")
    for other in c.other:
        lines.append(f"Not machine-checked, review each play against it by hand: {other}")
    if not lines:
        lines.append("No constraints were stated: plays use the catalogue's default incentives (up to 20% off). "
                     "State a discount cap, banned channels or a no-free-product rule to restrict them.")
    return lines


# ---------------------------------------------------------------- the plan


def build_plan(inp: NormalizedInput) -> Plan:
    """Rank levers, pick constraint-safe plays per segment and write the plan around them."""
    catalogue = load_catalogue()
    bench = catalogue.benchmarks
    assessment = assess(inp, catalogue)
    scores = assessment.scores
    packages = [build_package(seg, inp, scores, catalogue) for seg in inp.segments]
    _ensure_horizons(packages, inp, scores, catalogue)
    band = assessment.category or CategoryBand("general", "general ecommerce", 8, 15, False)
    diagnosis = [diagnose(seg, inp, bench, band) for seg in inp.segments]

    impacts = [i for seg, pkg in zip(inp.segments, packages, strict=True) if (i := _impact_for(pkg, seg, inp, catalogue, bench))]
    revenue = [i.revenue_line for i in impacts]
    margin = [i.margin_line for i in impacts if i.margin_line]
    total_low, total_high = sum(i.revenue_low for i in impacts), sum(i.revenue_high for i in impacts)
    if total_high > 0:
        revenue.append(
            f"Sum of the sized segment estimates: ≈ +{fmt_money(total_low, inp.business.currency)} to "
            f"+{fmt_money(total_high, inp.business.currency)} over 12 months — rough, and only additive if the segments do not overlap."
        )
    if not revenue:
        revenue.append("Not sized: no segment gives a customer count (or share plus business total) and an AOV.")
    if not margin:
        margin.append("Not sized: margin effects need segment size, AOV and a gross margin.")

    level, reasons = plan_confidence(inp)
    statement = confidence_statement(level, reasons)
    limits = list(LIMITS)
    if inp.warnings:
        limits.append(f"The input reader reported: {' | '.join(inp.warnings)}")
    assumptions = _assumptions(inp, assessment, impacts, catalogue, packages, bench)
    if level == "low":
        assumptions.insert(0, statement)

    return Plan(
        diagnosis=diagnosis,
        levers=scores,
        packages=packages,
        horizons=build_horizons(packages),
        revenue_impact=revenue,
        margin_impact=margin,
        measurement=build_measurement(packages, inp, bench),
        assumptions=assumptions,
        limits=limits,
        constraint_notes=_constraint_notes(inp, packages),
        confidence=level,
        confidence_reason=statement,
    )
