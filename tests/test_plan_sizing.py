"""Sizing that checks itself: frequency from the stated cycle, ranges with their basis, numbers traceable to the input."""

from __future__ import annotations

import re

from plan_inputs import dtc_apparel, make_input, segment

from skill.plan import build_plan


def test_orders_a_year_come_from_the_stated_cycle_when_not_given():
    inp = make_input([segment("Repeaters", "other", customer_count=4300, aov=95, repurchase_cycle_days=60,
                              revenue_share_pct=31)], aov=86, main_tension="aov")
    line = build_plan(inp).revenue_impact[0]
    # 365 / 60 = 6.08 orders a year; 4,300 x 6.08 x $95 = $2.49M (not 1 order a year = $408.5k)
    assert "6.1 orders/year (365 / 60-day cycle)" in line and "≈ $2.5M a year" in line


def test_one_time_buyers_are_not_given_a_frequency_by_their_cycle():
    inp = make_input([segment("Once", "one_time", customer_count=1000, aov=50, repurchase_cycle_days=60,
                              repeat_rate_pct=10)], aov=50)
    plan = build_plan(inp)
    assert "orders/year" not in plan.revenue_impact[0]  # sized on the second-order rate, not on frequency


def test_every_sized_revenue_line_shows_its_basis_from_input_numbers():
    inp = dtc_apparel()
    plan = build_plan(inp)
    for seg, line in zip(inp.segments, plan.revenue_impact, strict=False):
        if "=" not in line:
            continue
        assert f"{seg.metrics.customer_count:,.0f}" in line
        assert f"${seg.metrics.aov:,.0f}" in line
        assert re.search(r"= \+\$[\d.]+k to \+\$[\d.]+k revenue over 12 months", line)


def test_this_week_effects_are_the_sized_ranges():
    plan = build_plan(dtc_apparel())
    revenue = " ".join(plan.revenue_impact)
    for move in plan.this_week:
        amounts = re.findall(r"\$[\d.]+k", move.expected)
        if "across" in move.expected:
            continue  # a sum over the segments the row targets
        assert amounts and all(a in revenue for a in amounts), move.expected


def test_no_margin_credit_from_discounts_where_none_are_stated():
    segs = [segment("Thin", "price_sensitive", customer_count=2000, aov=60, gross_margin_pct=30)]
    plan = build_plan(make_input(segs, aov=60, main_tension="margin_quality"))
    assert any("no margin credited from discounts — no discounting is stated" in line for line in plan.margin_impact)
    assert not any("margin recovered a year" in line for line in plan.margin_impact)


def test_a_discount_change_is_credited_on_the_stated_share_and_the_cycle_frequency():
    segs = [segment("Deal hunters", "price_sensitive", customer_count=1000, aov=50, discount_order_share_pct=60,
                    repurchase_cycle_days=73)]
    line = next(x for x in build_plan(make_input(segs, aov=50)).margin_impact if "recovered" in x)
    # 1,000 x 5 orders/year (365/73) x $50 = $250k; 5-10% of orders x 20% depth = $2.5k-$5.0k
    assert "5 orders/year (365 / 73-day cycle)" in line and "$2.5k to $5.0k margin recovered a year" in line
