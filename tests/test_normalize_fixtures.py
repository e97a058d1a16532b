"""Every sample note in fixtures/notes normalizes to the values an analyst would read from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.normalize import normalize_notes
from skill.schema import NormalizedInput

NOTES = Path(__file__).resolve().parent.parent / "fixtures" / "notes"
ALL_NOTES = sorted(NOTES.iterdir())


def read(name: str) -> NormalizedInput:
    return normalize_notes((NOTES / name).read_text(encoding="utf-8"))


def by_name(result: NormalizedInput) -> dict:
    return {seg.name: seg for seg in result.segments}


def test_there_are_at_least_twelve_fixtures():
    assert len(ALL_NOTES) >= 12
    assert (NOTES / "apparel_bullets.md").exists()


@pytest.mark.parametrize("path", ALL_NOTES, ids=lambda p: p.name)
def test_every_fixture_round_trips_and_keeps_evidence(path):
    result = normalize_notes(path.read_text(encoding="utf-8"))
    assert NormalizedInput.model_validate_json(result.model_dump_json()) == result
    for seg in result.segments:
        filled = {k for k, v in seg.metrics.model_dump().items() if v is not None}
        assert filled <= set(seg.evidence), seg.name
        assert seg.evidence["lane"]


def test_apparel_bullets():
    result = read("apparel_bullets.md")
    segs = by_name(result)
    assert list(segs) == ["VIP", "Repeat buyers", "New customers", "Discount shoppers", "Lapsed"]
    assert [s.lane for s in result.segments] == ["vip", "loyal", "new", "price_sensitive", "dormant"]
    vip = segs["VIP"].metrics
    assert (vip.customer_count, vip.customer_share_pct, vip.revenue_share_pct, vip.aov, vip.orders_per_year) == (1200, 5, 38, 142, 6.1)
    assert segs["Repeat buyers"].metrics.repurchase_cycle_days == 70
    assert segs["New customers"].metrics.customer_count == 2100
    assert segs["New customers"].metrics.repeat_rate_pct == 27  # from the prose line above the lists
    assert segs["Discount shoppers"].metrics.discount_order_share_pct == 81
    assert segs["Lapsed"].metrics.days_since_last_order == 180
    assert (result.business.aov, result.business.cac, result.business.gross_margin_pct) == (86, 45, 58)
    assert result.business.category == "apparel" and result.business.currency == "USD"
    assert result.constraints.max_discount_pct == 20
    assert result.constraints.banned_channels == ["sms"]
    assert result.constraints.no_free_product is True
    assert result.main_tension == "repeat_rate"
    assert result.confidence == "high"


def test_skincare_prose_only():
    result = read("skincare_prose.txt")
    segs = by_name(result)
    assert (segs["VIPs"].metrics.customer_share_pct, segs["VIPs"].metrics.revenue_share_pct) == (6, 35)
    assert segs["VIPs"].metrics.repurchase_cycle_days == 45
    assert segs["New customers"].metrics.repeat_rate_pct == 19
    assert segs["one-time buyers"].lane == "one_time"
    assert segs["one-time buyers"].metrics.discount_order_share_pct == 92
    assert result.constraints.max_discount_pct == 15
    assert result.main_tension == "repeat_rate"


def test_coffee_subscription_markdown_table():
    result = read("coffee_subscription_table.md")
    segs = by_name(result)
    members = segs["Subscribe & Save members"]
    assert members.lane == "subscriber"
    assert (members.metrics.customer_count, members.metrics.revenue_share_pct, members.metrics.monthly_churn_pct) == (3150, 52, 4.8)
    assert members.metrics.repurchase_cycle_days == 28  # "ship every 4 weeks" in the notes column
    assert segs["Skippers"].lane == "at_risk"
    assert segs["Cancelled"].lane == "dormant"
    assert result.business.cac == 52
    assert result.constraints.max_discount_pct == 25
    assert result.main_tension == "churn"


def test_pet_food_pasted_csv():
    result = read("pet_food_export.csv")
    segs = by_name(result)
    assert len(segs) == 5
    autoship = segs["Autoship dog food"].metrics
    assert (autoship.customer_share_pct, autoship.revenue_share_pct, autoship.aov, autoship.repeat_rate_pct) == (19, 48, 71.5, 91)
    assert segs["Lapsed 120+ days"].lane == "dormant"
    assert segs["Lapsed 120+ days"].metrics.days_since_last_order == 212


def test_supplements_key_value_dump():
    result = read("supplements_key_value.txt")
    segs = by_name(result)
    assert segs["Core subscribers"].metrics.monthly_churn_pct == 6.5
    assert segs["Trial pack buyers"].metrics.days_since_last_order == 45
    assert segs["Bulk buyers"].metrics.return_rate_pct == 2
    assert segs["Lapsed subscribers"].metrics.days_since_last_order == 912.5
    assert result.business.currency == "USD"  # from "currency: USD", no symbols in the note
    assert (result.business.aov, result.business.cac) == (54, 38)


def test_home_goods_constraints_in_prose():
    result = read("home_goods_constraints_prose.md")
    constraints = result.constraints
    assert constraints.max_discount_pct == 20
    assert constraints.banned_channels == ["sms", "direct_mail"]
    assert constraints.no_free_product is True
    assert any("approved by legal" in rule for rule in constraints.other)
    # The operator's own words (registry, gift) outweigh a 31% return rate, under the 35% return-risk line.
    assert by_name(result)["Registry & gift shoppers"].lane == "one_time"
    assert by_name(result)["Loyal regulars"].metrics.orders_per_year == 4.2
    assert result.main_tension == "margin_quality"


def test_b2b_office_supplies_contracted_pricing():
    result = read("b2b_office_supplies.md")
    segs = by_name(result)
    assert result.constraints.max_discount_pct == 0
    assert result.constraints.banned_channels == ["push"]
    assert segs["Key accounts"].lane == "vip"
    assert segs["Key accounts"].metrics.aov == 1200
    assert segs["Key accounts"].metrics.repurchase_cycle_days == 14
    assert segs["Small offices"].metrics.orders_per_year == 2.5
    assert result.main_tension == "aov"


def test_prompt_injection_line_is_reported_not_obeyed():
    result = read("electronics_accessories_injection.md")
    assert result.constraints.max_discount_pct == 10
    assert result.constraints.no_free_product is False
    assert result.constraints.banned_channels == ["sms"]
    assert any("instruction-like" in w for w in result.warnings)
    assert by_name(result)["Returners"].lane == "return_risk"


def test_specialty_food_mixed_styles():
    result = read("specialty_food_mixed.md")
    segs = by_name(result)
    assert (result.business.aov, result.business.cac) == (72, 31)
    assert segs["Gift-set buyers"].metrics.days_since_last_order == 260
    assert segs["Pantry regulars"].metrics.repeat_rate_pct == 68
    assert result.main_tension == "aov"


def test_tea_shop_bilingual():
    result = read("tea_shop_bilingual.md")
    segs = by_name(result)
    vip = segs["VIP 會員"]
    assert vip.lane == "vip" and vip.currency == "TWD"
    assert (vip.metrics.customer_count, vip.metrics.aov, vip.metrics.repeat_rate_pct, vip.metrics.revenue_share_pct) == (640, 3200, 72, 41)
    assert vip.metrics.orders_per_year == 5
    assert segs["沉睡客 Dormant"].metrics.days_since_last_order == 200
    assert segs["折扣客 Deal hunters"].metrics.discount_order_share_pct == 85
    assert result.constraints.max_discount_pct == 15
    assert result.constraints.banned_channels == ["sms"]
    assert result.constraints.no_free_product is True
    assert result.business.category == "tea"
    assert result.main_tension == "repeat_rate"


def test_near_empty_note():
    result = read("candles_near_empty.txt")
    assert result.confidence == "low"
    assert result.segments == []
    assert result.business.category == "candles"
    assert result.main_tension is None


def test_simplified_chinese_with_yuan_sign():
    result = read("beauty_simplified_chinese.txt")
    assert result.business.currency == "CNY"
    assert result.business.return_rate_pct == 7
    assert by_name(result)["会员"].metrics.revenue_share_pct == 38
    assert result.constraints.max_discount_pct == 20
    assert any("'¥' read as CNY" in w for w in result.warnings)


def test_transposed_euro_table():
    result = read("jewelry_euro_transposed.md")
    segs = by_name(result)
    assert segs["Collectors"].metrics.orders_per_year == 3.4
    assert segs["Gifters"].metrics.aov == 95
    assert result.business.currency == "EUR"
    assert result.constraints.max_discount_pct == 10


def test_uk_footwear_tsv():
    result = read("uk_footwear_tsv.txt")
    segs = by_name(result)
    assert segs["Wide-fit seekers"].lane == "return_risk"
    assert segs["Trail runners"].metrics.repeat_rate_pct == 58
    assert result.business.currency == "GBP"
    assert result.main_tension == "returns"
