"""How the business runs shapes the plan: team capacity, channels that exist, who owns the customer, how prices work."""

from __future__ import annotations

from plan_inputs import dtc_apparel, make_input, segment

from heuristics import load_catalogue
from heuristics.catalogue import DISCOUNT_KINDS
from skill.plan import build_plan

DISCOUNT_WORDS = ("discount code", "coupon", "promotion calendar", "promo")


def plays(plan):
    return [p for pkg in plan.packages for p in pkg.plays]


def with_operating(**operating):
    inp = dtc_apparel()
    return inp.model_copy(update={"operating": inp.operating.model_copy(update=operating)})


def test_a_two_person_team_gets_at_most_three_builds_in_the_first_30_days():
    wide = build_plan(dtc_apparel())
    assert sum(p.horizon == "short" for p in plays(wide)) > 3  # the uncapped plan has more
    plan = build_plan(with_operating(team_size=2))
    assert sum(p.horizon == "short" for p in plays(plan)) <= 3
    assert any("team of 2 people runs at most 3 new builds" in n and "moved to 30-90 days" in n
               for n in plan.constraint_notes)
    assert all(len(pkg.plays) + len(pkg.shared) <= 2 for pkg in plan.packages)
    assert len(plan.this_week) <= 3


def test_a_small_team_gets_no_play_that_needs_a_bigger_team():
    by_title = {t.title: t for lever in load_catalogue().levers.values() for t in lever.plays}
    plan = build_plan(with_operating(team_size=2))
    for play in plays(plan):
        template = by_title.get(play.title)
        assert template is None or template.min_team <= 2, play.title
    assert not any("data analyst" in p.owner.lower() for p in plays(plan))
    assert not any("handwritten" in p.title.lower() or "thank-you note" in p.title.lower() for p in plays(plan))


def test_email_only_means_no_sms_push_mail_or_paid_plays():
    plan = build_plan(with_operating(channels_available=["email"], has_app=False))
    channels = {p.channel for p in plays(plan)}
    assert channels <= {"email", "onsite", "packaging", "support"}
    assert any("Channels that exist (email)" in n for n in plan.constraint_notes)


def test_no_app_means_no_push():
    inp = make_input([segment("Drifters", "at_risk", customer_count=900, aov=60, days_since_last_order=50,
                              repurchase_cycle_days=40)], aov=60,
                     constraints=None, operating={"has_app": False})
    inp = inp.model_copy(update={"constraints": inp.constraints.model_copy(update={"banned_channels": ["email"]})})
    plan = build_plan(inp)
    assert all(p.channel != "push" for p in plays(plan))


def b2b(**operating):
    segs = [
        segment("Key accounts", "vip", customer_count=150, customer_share_pct=4, revenue_share_pct=41, aov=1200,
                repeat_rate_pct=90, gross_margin_pct=12),
        segment("Small offices", "loyal", customer_count=2600, customer_share_pct=68, revenue_share_pct=40, aov=118,
                repurchase_cycle_days=30, gross_margin_pct=22),
        segment("Lapsed accounts", "dormant", customer_count=330, days_since_last_order=120, repurchase_cycle_days=30,
                aov=200),
    ]
    return make_input(segs, aov=212, gross_margin_pct=19, customer_count=3800, main_tension="margin_quality",
                      operating=operating)


def test_account_managers_own_the_customer_facing_plays():
    plan = build_plan(b2b(customer_owner="account_manager"))
    owners = [p.owner for p in plays(plan)]
    assert not any("Founder" in o for o in owners)
    assert not any(o.startswith("Lifecycle/CRM") for o in owners)
    assert any(o.startswith("Account managers") for o in owners)
    assert all(m.owner != "Founder/brand lead" for m in plan.this_week)


def test_contracted_prices_get_no_discount_or_promo_plays_and_no_margin_credit_from_discounts():
    plan = build_plan(b2b(pricing="contracted", customer_owner="account_manager"))
    for play in plays(plan):
        assert play.incentive.kind not in DISCOUNT_KINDS, play.title
        assert not any(word in play.title.lower() for word in DISCOUNT_WORDS), play.title
    titles = [p.title for p in plays(plan)]
    assert any(t.startswith(("Margin-by-account review", "Review negotiated price tiers")) for t in titles)
    assert not any("recovered a year" in line for line in plan.margin_impact)
    assert any("Prices are contracted" in n for n in plan.constraint_notes)


def test_never_discounted_prices_get_no_margin_credit_even_with_a_stated_discount_share():
    segs = [segment("Regulars", "price_sensitive", customer_count=2000, aov=80, discount_order_share_pct=50,
                    gross_margin_pct=45)]
    discounted = build_plan(make_input(segs, aov=80, main_tension="margin_quality"))
    assert any("margin recovered a year" in line for line in discounted.margin_impact)
    plan = build_plan(make_input(segs, aov=80, main_tension="margin_quality", operating={"pricing": "never_discount"}))
    assert not any("margin recovered a year" in line for line in plan.margin_impact)
    assert any("no margin credited from discounts" in line for line in plan.margin_impact)
    assert all(p.incentive.kind not in DISCOUNT_KINDS for p in plays(plan))
