"""Business signals from the notes are lever-rule inputs: each fires with its explanation line and shapes the plays."""

from __future__ import annotations

from plan_inputs import make_input, segment

from heuristics import score_levers
from skill.plan import build_plan


def by_id(inp):
    return {s.id: s for s in score_levers(inp)}


def lines(score, text):
    return [line for line in score.rationale if text in line]


def titles(plan):
    return [p.title for pkg in plan.packages for p in pkg.plays]


SATISFIED = [segment("Regulars", "loyal", customer_count=3000, customer_share_pct=30, aov=60, repeat_rate_pct=30)]


def test_promoters_without_a_referral_program_and_rising_cac_make_referral_score():
    plain = by_id(make_input(SATISFIED, aov=60))["referral"]
    assert plain.score == 0
    inp = make_input(SATISFIED, aov=60, cac=58, cac_trend="rising", nps=61, operating={"has_referral_program": False})
    referral = by_id(inp)["referral"]
    assert referral.score > 20
    assert lines(referral, "the business NPS is 61 (above 40): customers already recommend you")
    assert lines(referral, "the business has no referral program yet")
    assert lines(referral, "the business CAC ($58) is rising")
    plan = build_plan(inp)
    assert any(t.startswith("Ask for a referral at the moment of a great delivery") for t in titles(plan))


def test_a_low_upgrade_rate_makes_premium_ascension_score_and_brings_the_value_ladder():
    segs = [segment("Core buyers", "one_time", customer_count=880, aov=29, repeat_rate_pct=10),
            segment("Premium clients", "vip", customer_count=26, revenue_share_pct=35, customer_share_pct=3, aov=400)]
    plain = by_id(make_input(segs, aov=40))["premium_ascension"]
    inp = make_input(segs, aov=40, upgrade_rate_pct=9)
    premium = by_id(inp)["premium_ascension"]
    assert premium.score > plain.score and "Core buyers" in premium.segments
    assert lines(premium, "the business: only 9% move up to the premium tier or product (below 15%)")
    assert any(t.startswith("Value ladder: free hook") for t in titles(build_plan(inp)))


def test_a_high_unsubscribe_rate_brings_deliverability_tiers_and_a_sunset_for_the_lapsed():
    segs = [segment("Lapsed", "dormant", customer_count=5000, aov=70, days_since_last_order=400)]
    plain = build_plan(make_input(segs, aov=70))
    assert not any(t.startswith("Deliverability tiers") for t in titles(plain))
    inp = make_input(segs, aov=70, unsubscribe_rate_pct=0.8)
    assert lines(by_id(inp)["winback"], "the business loses 0.8% of recipients per send to unsubscribes (above 0.3%)")
    assert any(t.startswith("Deliverability tiers") for t in titles(build_plan(inp)))


def test_a_peak_season_times_second_orders_and_winbacks_before_the_peak():
    segs = [segment("Gift buyers", "one_time", customer_count=4000, aov=60, repeat_rate_pct=10),
            segment("Lapsed", "dormant", customer_count=3000, aov=60, days_since_last_order=400)]
    inp = make_input(segs, aov=60, peak_season_share_pct=40, peak_months=["Oct-Dec"])
    scores = by_id(inp)
    assert lines(scores["second_purchase"], "the business takes 40% of revenue in Oct-Dec (above 30%)")
    assert lines(scores["winback"], "the business takes 40% of revenue in Oct-Dec")
    plan_titles = titles(build_plan(inp))
    assert any("6 weeks before Oct-Dec" in t for t in plan_titles)


def test_the_cancel_month_times_a_pause_skip_swap_flow_before_it():
    segs = [segment("Club members", "subscriber", customer_count=2400, aov=45, repurchase_cycle_days=30)]
    inp = make_input(segs, aov=45, cancel_month=3)
    churn = by_id(inp)["churn_prevention"]
    assert lines(churn, "most subscription cancels come by month 3")
    assert "Club members" in churn.segments
    assert any(t.startswith("Cancel flow with pause, skip and swap") and "before month 3" in t
               for t in titles(build_plan(inp)))


def test_a_low_attach_rate_points_aov_expansion_at_bundles():
    segs = [segment("Regulars", "loyal", customer_count=3000, aov=40, orders_per_year=3)]
    plain = by_id(make_input(segs, aov=40))["aov_expansion"].score
    inp = make_input(segs, aov=40, attach_rate_pct=8)
    aov = by_id(inp)["aov_expansion"]
    assert aov.score > plain
    assert lines(aov, "only 8% of orders carry an add-on or bundle (below 20%)")
    assert any(t.startswith("Build 2-3 bundles") for t in titles(build_plan(inp)))


def test_growing_order_gaps_raise_churn_prevention_with_drift_alerts_at_one_and_a_half_to_two_cycles():
    segs = [segment("Regulars", "loyal", customer_count=3000, aov=40, repurchase_cycle_days=30)]
    plain = by_id(make_input(segs, aov=40))["churn_prevention"].score
    inp = make_input(segs, aov=40, order_gap_from_days=30, order_gap_to_days=52)
    churn = by_id(inp)["churn_prevention"]
    assert churn.score > plain
    assert lines(churn, "the gap between orders grew from 30 days to 52 days (1.7x)")
    drift = [t for t in titles(build_plan(inp)) if t.startswith("Drift alert")]
    assert drift and "day 45 and day 60 on the 30-day cycle" in drift[0]
