"""The retention playbook as lever-table rows, chosen per segment so no play row is repeated across tables."""

from __future__ import annotations

import pytest
from plan_inputs import dtc_apparel, make_input, segment

from heuristics import load_catalogue
from heuristics.catalogue import metric_window_days
from skill.plan import build_plan
from skill.schema import LANES, Constraints

PLAYBOOK = {
    "premium_ascension": ["value_ladder", "premium_coupon_in_core", "premium_results_newsletter", "outcome_upsell",
                          "wishlist_survey"],
    "second_purchase": ["compounding_journey", "pre_peak_return"],
    "referral": ["ask_at_peak", "give_get"],
    "vip_loyalty": ["anniversary_offer", "member_events"],
    "churn_prevention": ["cancel_flow", "drift_trigger"],
    "winback": ["deliverability_tiers", "sunset_policy", "pre_peak_winback"],
}


@pytest.mark.parametrize(("lever_id", "play_id"), [(lv, p) for lv, ids in PLAYBOOK.items() for p in ids])
def test_each_playbook_play_is_a_full_row(lever_id, play_id):
    play = next(p for p in load_catalogue().levers[lever_id].plays if p.id == play_id)
    assert play.owner and play.channel and play.incentive and play.success_metric and play.horizon
    assert play.readout_days >= 1 and play.short


def test_every_row_reads_out_on_the_day_its_metric_names():
    for lever in load_catalogue().levers.values():
        for play in lever.plays:
            window = metric_window_days(play.success_metric)
            assert window is None or window == play.readout_days, (lever.id, play.id)


def test_the_give_get_reward_stays_within_the_discount_cap_and_says_so():
    segs = [segment(name, "loyal", customer_count=3000, customer_share_pct=40, repeat_rate_pct=60, aov=50,
                    return_rate_pct=2) for name in ("Fans", "Regulars")]
    inp = make_input(segs, aov=50, nps=70, constraints=Constraints(max_discount_pct=10), category="beauty")
    plays = [p for pkg in build_plan(inp).packages for p in pkg.plays]
    give_get = [p for p in plays if p.title.startswith("Give-get referral")]
    assert give_get and give_get[0].incentive.depth_pct == 10
    assert "the friend gets 10% off" in give_get[0].title


def every_lane():
    return make_input([segment(f"Seg {lane}", lane, customer_count=800, customer_share_pct=10, aov=60, repeat_rate_pct=12,
                               discount_order_share_pct=50, return_rate_pct=30, days_since_last_order=300,
                               repurchase_cycle_days=60, revenue_share_pct=12, gross_margin_pct=50)
                       for lane in LANES], aov=60, category="apparel")


@pytest.mark.parametrize("inp", [dtc_apparel(), every_lane()], ids=["apparel", "every-lane"])
def test_no_play_row_is_repeated_across_segments_tables(inp):
    plan = build_plan(inp)
    titles = [p.title for pkg in plan.packages for p in pkg.plays]
    assert len(titles) == len(set(titles))
    # A row shared by several segments names them, and each of those segments points back to it.
    for pkg in plan.packages:
        for play in pkg.plays:
            for other in play.also_for:
                back = next(p for p in plan.packages if p.segment == other)
                assert any(f"(listed under '{pkg.segment}')" in item for item in back.shared)


def test_a_subscription_segment_gets_the_cancel_flow_and_a_top_customer_the_anniversary_or_events():
    segs = [segment("Club", "subscriber", customer_count=2000, aov=45, repurchase_cycle_days=30, monthly_churn_pct=9),
            segment("VIP", "vip", customer_count=300, customer_share_pct=5, revenue_share_pct=35, repeat_rate_pct=80,
                    aov=120)]
    plan = build_plan(make_input(segs, aov=60, cancel_month=2))
    titles = [p.title for pkg in plan.packages for p in pkg.plays]
    assert any(t.startswith("Cancel flow with pause, skip and swap") for t in titles)


def _six_segments():
    segs = [
        segment("Trial", "new", customer_count=300),
        segment("Basic", "subscriber", customer_count=1900, customer_share_pct=52, revenue_share_pct=31,
                monthly_churn_pct=10),
        segment("Pro", "subscriber", customer_count=880, customer_share_pct=24, revenue_share_pct=46),
        segment("Plus", "vip", customer_count=130, customer_share_pct=4, revenue_share_pct=23),
        segment("First order", "one_time", customer_count=310, customer_share_pct=8, repeat_rate_pct=15),
        segment("Lapsed", "dormant", customer_count=420, customer_share_pct=11),
    ]
    return make_input(segs, main_tension="churn")


def test_six_segments_get_two_rows_each_so_the_table_stays_short():
    plan = build_plan(_six_segments())
    for pkg in plan.packages:
        assert len(pkg.plays) + len(pkg.shared) <= 2, (pkg.segment, [p.title for p in pkg.plays])


def test_with_four_or_more_segments_rows_come_from_the_ranked_levers():
    for inp in (dtc_apparel(), _six_segments()):
        plan = build_plan(inp)
        ranked = {s.id for s in plan.levers if s.rank <= 5 and s.score > 0}
        for pkg in plan.packages:
            if len(pkg.plays) + len(pkg.shared) > 2:  # a lower lever may only fill a segment up to two rows
                assert all(p.lever in ranked for p in pkg.plays), (pkg.segment, [p.lever for p in pkg.plays])
        lower = [p.lever for pkg in plan.packages for p in pkg.plays if p.lever not in ranked]
        assert len(lower) <= 1, lower


def test_a_one_time_segment_gets_one_flow_timing_the_second_order():
    segs = [segment(name, lane, customer_count=3000, customer_share_pct=share, repeat_rate_pct=rr, aov=50)
            for name, lane, share, rr in (("First-timers", "one_time", 60, 8), ("New", "new", 40, 10))]
    plan = build_plan(make_input(segs, main_tension="repeat_rate"))
    for pkg in plan.packages:
        ids = {p.title.split(":")[0] for p in pkg.plays}
        shared = " ".join(pkg.shared)
        both = ("Post-purchase education flow" in ids or "Post-purchase education flow" in shared) and (
            "Compounding journey" in ids or "Compounding journey" in shared)
        assert not both, (pkg.segment, ids, pkg.shared)
