"""Plan builder: constraints are never broken, horizons are always covered, revenue and margin stay apart."""

from __future__ import annotations

import itertools
import re

import pytest
from plan_inputs import dtc_apparel, make_input, segment

from heuristics import load_catalogue
from skill.plan import LIMITS, build_plan, enforce_constraints, play_violations
from skill.schema import CHANNELS, LANES, Constraints

RESTRICTIVE = [
    Constraints(max_discount_pct=0),
    Constraints(max_discount_pct=5),
    Constraints(max_discount_pct=10, no_free_product=True),
    Constraints(banned_channels=["sms", "email"]),
    Constraints(max_discount_pct=0, no_free_product=True, banned_channels=["sms", "push", "direct_mail", "paid_media"]),
    Constraints(max_discount_pct=8, banned_channels=["onsite", "packaging", "sms"]),
    Constraints(banned_channels=list(CHANNELS)),
]


def every_lane_input(constraints: Constraints):
    segs = [segment(f"Seg {lane}", lane, customer_count=500, customer_share_pct=10, aov=60, repeat_rate_pct=12,
                    discount_order_share_pct=50, return_rate_pct=30, days_since_last_order=300,
                    repurchase_cycle_days=60, revenue_share_pct=30, gross_margin_pct=50)
            for lane in LANES]
    return make_input(segs, constraints=constraints, aov=60, category="beauty")


@pytest.mark.parametrize("constraints", RESTRICTIVE, ids=range(len(RESTRICTIVE)))
def test_sweep_no_play_of_any_lever_is_emitted_in_violation(constraints):
    for lever in load_catalogue().levers.values():
        for template in lever.plays:
            play, notes = enforce_constraints(template, lever.id, constraints)
            if play is None:
                assert notes and "dropped" in notes[-1]
            else:
                assert play_violations(play, constraints) == [], (lever.id, template.id, play)
                changed = (play.title, play.channel, play.incentive) != (template.title, template.channel, template.incentive)
                assert bool(notes) == changed
    plan = build_plan(every_lane_input(constraints))
    for pkg in plan.packages:
        for play in pkg.plays:
            assert play_violations(play, constraints) == [], (pkg.segment, play)


def test_deep_discount_is_capped_and_noted():
    template = next(p for p in load_catalogue().levers["second_purchase"].plays if p.id == "second_order_offer")
    play, notes = enforce_constraints(template, "second_purchase", Constraints(max_discount_pct=10))
    assert play.incentive.depth_pct == 10 and play.title == template.title
    assert notes == [f"'{template.title}': discount capped from 15% to 10% (discount cap)."]


def test_no_discounts_swaps_in_the_alternative():
    template = next(p for p in load_catalogue().levers["winback"].plays if p.id == "winback_offer")
    play, notes = enforce_constraints(template, "winback", Constraints(max_discount_pct=0))
    assert play.title == template.alternative.title and play.incentive.kind == "points"
    assert "discounts are not allowed" in notes[0]


def test_banned_sms_uses_the_alternative_and_banned_everything_drops():
    template = next(p for p in load_catalogue().levers["winback"].plays if p.id == "sms_winback")
    play, notes = enforce_constraints(template, "winback", Constraints(banned_channels=["sms"]))
    assert play.channel == "direct_mail" and "banned channel" in notes[0]
    play, notes = enforce_constraints(template, "winback", Constraints(banned_channels=list(CHANNELS)))
    assert play is None and "dropped" in notes[-1]


def test_packages_hold_two_to_four_plays_from_levers_for_their_lane():
    plan = build_plan(dtc_apparel())
    catalogue = load_catalogue()
    lanes = {s.name: s.lane for s in dtc_apparel().segments}
    for pkg in plan.packages:
        assert 2 <= len(pkg.plays) + len(pkg.shared) <= 4
        for play in pkg.plays:
            assert lanes[pkg.segment] in catalogue.levers[play.lever].lanes
    first = next(p for p in plan.packages if p.segment == "One-time buyers")
    assert (first.plays or [None])[0] is None or first.plays[0].lever == "second_purchase"
    assert all(play.lever == "second_purchase" for play in first.plays[:1])


@pytest.mark.parametrize(
    "inp",
    [
        dtc_apparel(),
        make_input([segment("Only", "dormant")]),
        make_input([]),
        make_input([segment("Odd", "other")], constraints=Constraints(banned_channels=list(CHANNELS))),
        every_lane_input(RESTRICTIVE[4]),
    ],
    ids=["apparel", "one-dormant", "empty", "all-banned", "every-lane-restricted"],
)
def test_every_plan_has_short_medium_and_long_moves(inp):
    horizons = build_plan(inp).horizons
    assert horizons.short and horizons.medium and horizons.long


def test_empty_input_gets_business_level_setup_moves_and_low_confidence():
    plan = build_plan(make_input([], confidence="high"))
    assert plan.horizons.short[0].segment == "All customers"
    assert "order" in plan.horizons.short[0].title.lower()
    assert plan.confidence == "low"


def test_revenue_and_margin_are_kept_apart_and_sized_from_the_inputs():
    plan = build_plan(dtc_apparel())
    new = next(line for line in plan.revenue_impact if line.startswith("'New'"))
    # 2,100 customers x 3-5 points x $64 = $4,032 - $6,720
    assert "repeat rate 18% → 21-23% on 2,100 customers x $64 AOV = +$4.0k to +$6.7k revenue over 12 months" in new
    for line in plan.revenue_impact:
        assert "gross profit" not in line and "gross margin" not in line
    new_margin = next(line for line in plan.margin_impact if line.startswith("'New'"))
    # $4,032-$6,720 x 58% gross margin
    assert "58% gross margin → $2.3k to $3.9k gross profit" in new_margin
    for line in plan.margin_impact:
        assert "revenue over 12 months" not in line


def test_unsized_segments_say_so_instead_of_inventing_numbers():
    plan = build_plan(make_input([segment("Mystery", "new", repeat_rate_pct=10)]))
    assert plan.revenue_impact[0].startswith("'Mystery' (Second purchase): not sized — customer count and AOV not given")


def test_low_input_confidence_is_stated_explicitly():
    plan = build_plan(make_input([segment("New", "new", repeat_rate_pct=10)], confidence="low"))
    assert plan.confidence == "low"
    assert plan.confidence_reason.startswith("Confidence is low because")
    assert plan.confidence_reason not in plan.assumptions  # said once, under Confidence


def test_missing_key_metrics_lower_confidence_a_step():
    sparse = make_input([segment("A", "new"), segment("B", "vip", aov=90)], confidence="high")
    plan = build_plan(sparse)
    assert plan.confidence == "medium"
    statement = plan.confidence_reason
    assert statement.startswith("Confidence is medium because")
    assert "not given in the notes: size (customers or revenue share), repeat rate, gross margin for every segment; AOV for 'A'" in statement


def test_limits_always_state_no_live_access_and_no_auto_send():
    for inp in (dtc_apparel(), make_input([])):
        limits = build_plan(inp).limits
        assert all(line in limits for line in LIMITS)
        joined = " ".join(limits)
        assert "No access to live CRM" in joined and "Nothing is sent" in joined and "approves every" in joined


def test_diagnosis_compares_with_benchmarks_and_the_business():
    plan = build_plan(dtc_apparel())
    one_time = next(d for d in plan.diagnosis if d.segment == "One-time buyers")
    assert one_time.findings[0] == "Repeat rate 12% vs 20-35% benchmark: weak (below 15%); business 24%"
    lapsed = next(d for d in plan.diagnosis if d.segment == "Lapsed 180d+")
    assert "2.5x the 95-day repurchase cycle" in lapsed.findings[0]


def test_assumptions_list_benchmarks_and_defaults_relied_on():
    plan = build_plan(dtc_apparel())
    text = "\n".join(plan.assumptions)
    assert "20-35%" in text and "apparel band of 20-40%" in text
    assert "else 1 order a year" in text
    assert re.search(r"repeat rate for '[^']+'(, '[^']+')*'Deal hunters'|repeat rate for ('[^']+', )*'Deal hunters'",
                     plan.confidence_reason)


def test_constraints_appear_in_constraint_notes_including_unenforced_ones():
    inp = make_input([segment("New", "new", customer_count=100, aov=40)],
                     constraints=Constraints(max_discount_pct=10, other=["No promos in December"]))
    notes = build_plan(inp).constraint_notes
    assert any("capped at 10%" in n for n in notes)
    assert any("No promos in December" in n for n in notes)


def test_plan_is_deterministic():
    assert build_plan(dtc_apparel()) == build_plan(dtc_apparel())


def test_sweep_covers_constraint_combinations_on_a_full_plan():
    for cap, banned, no_free in itertools.product((None, 0, 12), ([], ["email"], ["sms", "onsite"]), (False, True)):
        constraints = Constraints(max_discount_pct=cap, banned_channels=banned, no_free_product=no_free)
        plan = build_plan(every_lane_input(constraints))
        assert all(not play_violations(p, constraints) for pkg in plan.packages for p in pkg.plays)
        assert plan.horizons.short and plan.horizons.medium and plan.horizons.long


def test_rhythmic_segments_take_frequency_from_the_repurchase_cycle():
    inp = make_input([segment("Subscribers", "subscriber", customer_count=1200, aov=38, repurchase_cycle_days=30,
                              monthly_churn_pct=9)], category="skincare")
    plan = build_plan(inp)
    # 365 / 30 = 12.2 orders a year; 1,200 x 12.17 x $38 = $554.8k
    assert "(1,200 x 12.2 orders/year (365 / 30-day cycle) x $38)" in plan.revenue_impact[0]
    assert any("365 / the stated repurchase cycle" in a for a in plan.assumptions)


def test_high_confidence_with_gaps_names_them_as_caveats_not_as_the_cause():
    segs = [segment("VIP", "vip", customer_count=500, revenue_share_pct=40, customer_share_pct=10, aov=120,
                    repeat_rate_pct=60),
            segment("New", "new", customer_count=4500, revenue_share_pct=60, customer_share_pct=90, aov=60,
                    repeat_rate_pct=20)]
    plan = build_plan(make_input(segs, confidence="high"))
    assert plan.confidence == "high"
    assert plan.confidence_reason == "Confidence is high; still, not given in the notes: gross margin for every segment."


def test_confidence_drops_a_step_when_no_margin_is_given_and_a_segment_has_no_numbers():
    from plan_inputs import make_input, segment

    from skill.plan import build_plan

    segs = [segment("Regulars", "loyal", customer_count=4000, customer_share_pct=50, revenue_share_pct=60, aov=60,
                    repeat_rate_pct=45),
            segment("New", "new", customer_count=3000, customer_share_pct=40, revenue_share_pct=30, aov=50,
                    repeat_rate_pct=15),
            segment("Wholesale", "loyal")]
    plan = build_plan(make_input(segs))
    assert plan.confidence == "medium"
    assert "gross margin is missing for every segment" in plan.confidence_reason
    assert "'Wholesale'" in plan.confidence_reason
