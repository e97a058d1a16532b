"""Rules and figures written in French, German, Spanish and shop shorthand: each phrasing a row reads."""

from __future__ import annotations

import pytest

from skill.normalize import normalize_notes


@pytest.mark.parametrize(
    ("sentence", "cap"),
    [
        ("Rabatte höchstens 12 %.", 12),
        ("pas plus de 25 % de remise, même en soldes.", 25),
        ("max disc 15% on anything", 15),
        ("discounts at most 35% for the launch", 35),
        ("no más de 18% de descuento", 18),
    ],
)
def test_discount_caps_in_other_words(sentence, cap):
    result = normalize_notes(f"Rules:\n- {sentence}\n")
    assert result.constraints.max_discount_pct == cap, f"{sentence!r}: cap {result.constraints.max_discount_pct}, want {cap}"


@pytest.mark.parametrize(
    ("sentence", "channel"),
    [
        ("keine Werbebriefe per Post, kein Budget dafür", "direct_mail"),
        ("pas de SMS (pas de consentement)", "sms"),
        ("no WhatsApp masivo ni SMS", "sms"),
        ("we can't do anything by post, no budget", "direct_mail"),
        ("不发短信；没有预算做直邮", "direct_mail"),
    ],
)
def test_channel_bans_in_other_words(sentence, channel):
    result = normalize_notes(f"Constraints:\n- {sentence}\n")
    assert channel in result.constraints.banned_channels, f"{sentence!r}: banned {result.constraints.banned_channels}"


@pytest.mark.parametrize(
    "sentence",
    ["kein Gratis-Gebäck als Zugabe", "pas de cadeaux avec la commande", "nada de comidas gratis"],
)
def test_no_free_product_in_other_words(sentence):
    assert normalize_notes(f"Rules:\n- {sentence}\n").constraints.no_free_product, sentence


def test_french_segment_lines_read_their_figures():
    result = normalize_notes(
        "Base active : 22 400 clientes, panier moyen 84,50 €, marge brute 61 %\n\n"
        "Segments :\n"
        "1. Les fidèles — 2 900 clientes, 2,6 commandes par an, panier moyen 112 €, taux de retour 19 %\n"
        "2. Les multi-tailles (elles commandent 2 ou 3 tailles)\n"
        "   1 650 clientes, taux de retour 58 %, panier moyen 196 €\n"
    )
    by_name = {seg.name.lower(): seg for seg in result.segments}
    loyal = next(seg for name, seg in by_name.items() if "fidèles" in name)
    assert (loyal.lane, loyal.metrics.customer_count, loyal.metrics.orders_per_year, loyal.metrics.aov) == ("loyal", 2900, 2.6, 112)
    sizes = next(seg for name, seg in by_name.items() if "multi-tailles" in name)
    assert (sizes.lane, sizes.metrics.customer_count, sizes.metrics.return_rate_pct) == ("return_risk", 1650, 58)
    assert (result.business.customer_count, result.business.aov, result.business.gross_margin_pct) == (22400, 84.5, 61)
    assert result.business.currency == "EUR"


def test_a_figure_in_a_bracketed_definition_yields_to_the_segments_own_line():
    result = normalize_notes("- Multi-size buyers (they order 2 or 3 sizes and return the rest)\n  - 900 customers, return rate 61%\n")
    seg = result.segments[0]
    assert seg.metrics.return_rate_pct == 61, seg.metrics


def test_whole_base_labels_and_titles_stay_business_figures():
    result = normalize_notes(
        "# 茶葉網店 客群筆記\n\n總客戶數：約 2.4 萬，客單價 NT$720，毛利率 48%\n\n"
        "- 老茶客：1,800 人，客單價 NT$1,350\n"
    )
    assert result.business.customer_count == 24000, result.business
    assert (result.business.aov, result.business.gross_margin_pct) == (720, 48)
    assert [seg.name for seg in result.segments] == ["老茶客"]


def test_a_labelled_amount_is_the_label_not_the_nearest_word():
    result = normalize_notes("Total purchasers: 8,200\nAverage purchase revenue: €310\nReturning purchasers: 22%\n")
    assert (result.business.customer_count, result.business.aov, result.business.repeat_rate_pct) == (8200, 310, 22)


def test_a_fractional_head_count_is_a_team_not_customers():
    result = normalize_notes("small shop (me + 1.5 ppl), tot custs ~6.1k, AOV $48\n")
    assert result.business.customer_count == 6100, result.business


@pytest.mark.parametrize(
    ("sentence", "tension"),
    [
        ("Größte Sorge: Abwanderung der Stammkunden.", "churn"),
        ("Notre principale inquiétude : les retours.", "returns"),
        ("If I had to name one thing it's returns, they eat the margin.", "returns"),
    ],
)
def test_the_stated_worry_in_other_words(sentence, tension):
    assert normalize_notes(f"- VIPs: 300 customers\n\n{sentence}\n").main_tension == tension, sentence


def test_a_title_line_with_a_quarter_in_it_is_not_a_segment():
    result = normalize_notes("Tea subscription — Q2 snapshot for the retention review\n\n- Steepers club: 800 members, AOV $30\n")
    assert [seg.name for seg in result.segments] == ["Steepers club"], [seg.name for seg in result.segments]


@pytest.mark.parametrize(
    ("opening", "category"),
    [
        ("We sell board games and puzzles online.", "board games"),
        ("Car care shop: waxes, shampoos and detailing kits.", "car care"),
        ("We're a cycling apparel brand (jerseys, bibs).", "cycling apparel"),
        ("Online pharmacy, OTC only.", "pharmacy"),
        ("We sell golf balls and gloves on Amazon.", "golf"),
        ("Pet vitamins for dogs and cats, sold DTC.", "pet supplements"),
    ],
)
def test_category_from_the_opening_line(opening, category):
    assert normalize_notes(f"{opening}\n- VIPs: 300 customers, AOV $80\n").business.category == category


@pytest.mark.parametrize(
    ("note", "currency"),
    [
        ("- Regulars: 900 customers, average order forty two pounds\n", "GBP"),
        ("- Regulars: 900 clientes, ticket promedio $1,150 MXN\n", "MXN"),
    ],
)
def test_currency_written_after_the_amount(note, currency):
    assert normalize_notes(note).business.currency == currency


def test_a_count_on_a_sub_bullet_describes_the_segment_above():
    result = normalize_notes("**Segments**\n- New this quarter\n  - 4,100 first-order customers\n  - AOV £31\n")
    assert [(seg.name, seg.metrics.customer_count, seg.metrics.aov) for seg in result.segments] == [("New this quarter", 4100, 31)]


def test_a_purchase_threshold_is_not_a_head_count():
    result = normalize_notes("Our VIPs are roughly 6% of customers. About 88% of them have bought three or more times.\n")
    vip = result.segments[0]
    assert vip.metrics.customer_count is None and vip.metrics.customer_share_pct == 6, vip.metrics
