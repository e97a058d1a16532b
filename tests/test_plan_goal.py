"""The stated main worry drives the ranking: its lever is in the top 3 unless the data argue against it."""

from __future__ import annotations

from plan_inputs import make_input, segment

from skill.plan import build_plan


def top3(plan):
    return [s.id for s in plan.levers[:3]]


def vip_heavy(**extra):
    """A VIP-led brand where, on the rules alone, second purchase ranks below the top 3."""
    return make_input(
        [
            segment("VIP", "vip", customer_share_pct=6, revenue_share_pct=40, repeat_rate_pct=80, aov=150),
            segment("Loyal", "loyal", customer_share_pct=20, revenue_share_pct=30, repeat_rate_pct=55, aov=90,
                    repurchase_cycle_days=60),
            segment("Deal hunters", "price_sensitive", customer_share_pct=20, discount_order_share_pct=70,
                    gross_margin_pct=30, aov=50),
            segment("Lapsed", "dormant", customer_share_pct=30, days_since_last_order=300, repurchase_cycle_days=90),
            segment("New", "new", customer_share_pct=8, repeat_rate_pct=27, aov=70),
        ],
        aov=80, gross_margin_pct=55, **extra,
    )


def test_without_a_stated_worry_second_purchase_is_outside_the_top_3():
    assert "second_purchase" not in top3(build_plan(vip_heavy()))


def test_a_stated_second_purchase_worry_puts_its_lever_in_the_top_3_and_says_so():
    plan = build_plan(vip_heavy(main_tension="repeat_rate"))
    assert "second_purchase" in top3(plan)
    assert plan.goal_note == ("Second purchase is placed in the top 3 for your stated worry, repeat rate "
                              f"(its rules alone ranked it {plan.goal_note.split('ranked it ')[1][:-2]}).")
    assert int(plan.goal_note.split("ranked it ")[1][:-2]) > 3
    lever = next(s for s in plan.levers if s.id == "second_purchase")
    assert any("you named repeat rate as the main worry" in line for line in lever.rationale)
    assert lever.reason.startswith("your stated worry (repeat rate)")
    # Scores stay ordered by rank after the lift, and are integers.
    assert [s.score for s in plan.levers] == sorted((s.score for s in plan.levers), reverse=True)
    assert all(s.score == int(s.score) for s in plan.levers)


def test_the_goal_lever_leads_this_week_and_its_segments_packages():
    plan = build_plan(vip_heavy(main_tension="repeat_rate"))
    assert plan.this_week[0].lever == "second_purchase"
    new = next(p for p in plan.packages if p.segment == "New")
    assert new.plays[0].lever == "second_purchase"


def test_club_churn_worry_puts_churn_prevention_in_the_top_3():
    segs = [
        segment("VIP", "vip", customer_share_pct=5, revenue_share_pct=45, repeat_rate_pct=85, aov=120),
        segment("Regulars", "loyal", customer_share_pct=25, revenue_share_pct=30, repeat_rate_pct=60, aov=80),
        segment("Club members", "subscriber", customer_count=900, aov=60, repurchase_cycle_days=30),
        segment("New", "new", customer_share_pct=30, repeat_rate_pct=12, aov=55),
    ]
    assert "churn_prevention" not in top3(build_plan(make_input(segs, aov=75)))
    assert "churn_prevention" in top3(build_plan(make_input(segs, aov=75, main_tension="churn")))


def test_when_the_data_argue_against_the_goal_lever_the_plan_says_why_in_one_sentence():
    segs = [segment("VIP", "vip", customer_share_pct=10, revenue_share_pct=45, repeat_rate_pct=80, return_rate_pct=2),
            segment("Regulars", "loyal", customer_share_pct=40, repeat_rate_pct=50, return_rate_pct=3)]
    plan = build_plan(make_input(segs, main_tension="returns", category="apparel"))
    assert "return_reduction" not in top3(plan)
    note = plan.goal_note
    assert note.count(". ") == 0 and note.endswith(".")
    assert "argue against it" in note and "return rate 2%" in note


def test_a_goal_no_segment_fits_is_explained():
    plan = build_plan(make_input([segment("VIP", "vip", customer_share_pct=10, revenue_share_pct=40)],
                                 main_tension="repeat_rate"))
    assert "no segment described fits" in plan.goal_note
