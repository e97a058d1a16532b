"""A reading supplied by the caller is checked against the notes: every number must be found there.

Each written form has a case that must be accepted and a near value that must be flagged, so a
matcher that accepts everything (or nothing) fails here.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill import api
from skill.reading_check import FLAG_PREFIX, check_reading, notes_numbers, supported
from skill.schema import BusinessMetrics, Constraints, Metrics, NormalizedInput, OperatingContext, Segment


def segment_reading(field: str, value: float, name: str = "Loyal") -> NormalizedInput:
    return NormalizedInput(segments=[Segment(name=name, metrics=Metrics(**{field: value}))])


def flags_for(notes: str, field: str, value: float) -> list[str]:
    return check_reading(segment_reading(field, value), notes)


# (notes, field, a value the notes support, a near value they do not)
FORMS = [
    pytest.param("Loyal crowd: 2,150 customers", "customer_count", 2150, 2250, id="thousands comma"),
    pytest.param("loyal ~2150 ppl", "customer_count", 2150, 2105, id="plain digits"),
    pytest.param("Bean Club: 1.9k subs", "customer_count", 1900, 1800, id="k suffix"),
    pytest.param("Wholesale: avg basket 14-15k", "aov", 14500, 16000, id="range midpoint"),
    pytest.param("Wholesale: avg basket $14k-$15k", "aov", 14500, 13000, id="range both ends scaled"),
    pytest.param("we have nine hundred lapsed buyers", "customer_count", 900, 800, id="number words"),
    pytest.param("tenemos novecientos clientes fieles", "customer_count", 900, 950, id="spanish number words"),
    pytest.param("two thirds are still active members", "customer_share_pct", 66.7, 60, id="two thirds"),
    pytest.param("two thirds are still active members", "customer_share_pct", 67, 64, id="two thirds rounded"),
    pytest.param("a quarter of buyers come back", "repeat_rate_pct", 25, 40, id="a quarter"),
    pytest.param("about 1 in 5 reorder", "repeat_rate_pct", 20, 15, id="one in five digits"),
    pytest.param("maybe one in five ever reorder", "repeat_rate_pct", 20, 30, id="one in five words"),
    pytest.param("Stammkunden: ~46.000 customers", "customer_count", 46000, 4600, id="european thousands"),
    pytest.param("Stammkunden: 3,5 orders per year", "orders_per_year", 3.5, 5, id="decimal comma"),
    pytest.param("AOV € 94,50 on average", "aov", 94.5, 9, id="decimal comma money"),
    pytest.param("subscribers place 4.1 orders/mo", "orders_per_year", 49.2, 41, id="monthly to yearly"),
    pytest.param("subscribers place 4.1 orders/mo", "orders_per_year", 49, 45, id="monthly to yearly rounded"),
    pytest.param("they reorder every ~8 weeks", "repurchase_cycle_days", 56, 80, id="weeks to days"),
    pytest.param("they reorder every 2 months", "repurchase_cycle_days", 60, 45, id="months to days"),
    pytest.param("about 6 orders a year", "repurchase_cycle_days", 61, 75, id="yearly rate to cycle"),
    pytest.param("Lapsed: last order 120d+", "days_since_last_order", 120, 210, id="days plus"),
    pytest.param("annual churn is 40%", "monthly_churn_pct", 4.2, 9, id="annual churn compounded"),
    pytest.param("annual churn is 40%", "monthly_churn_pct", 3.3, 6, id="annual churn simple"),
    pytest.param("400 of our 2,300 customers are VIPs", "customer_share_pct", 17.4, 21, id="share from counts"),
    pytest.param("400 of our 2,300 customers are VIPs", "customer_share_pct", 17, 19, id="share from counts rounded"),
    pytest.param("60% only ever buy once", "repeat_rate_pct", 40, 45, id="complement"),
    pytest.param("repeat rate 0.31 in the export", "repeat_rate_pct", 31, 13, id="fraction to percent"),
    pytest.param("会员一千二百人", "customer_count", 1200, 1300, id="chinese numerals"),
    pytest.param("老客大約兩千五百位", "customer_count", 2500, 2000, id="traditional chinese numerals"),
    pytest.param("年GMV 1.2万单", "customer_count", 12000, 1200, id="wan"),
    pytest.param("百分之三十的客户复购", "repeat_rate_pct", 30, 33, id="bai fen zhi"),
    pytest.param("六成客户只买一次", "customer_share_pct", 60, 66, id="cheng"),
    pytest.param("average order is like one sixty", "aov", 160, 106, id="spoken price"),
    pytest.param("Leaf Circle,1840,9%,£27,12", "customer_count", 1840, 1480, id="csv row"),
    pytest.param("Leaf Circle,1840,9%,£27,12", "aov", 27, 29, id="csv row money"),
]


@pytest.mark.parametrize(("notes", "field", "supported_value", "unsupported_value"), FORMS)
def test_each_written_form_is_found_and_a_near_value_is_not(notes, field, supported_value, unsupported_value):
    assert flags_for(notes, field, supported_value) == []
    assert flags_for(notes, field, unsupported_value) == [
        f"{FLAG_PREFIX} segment 'Loyal' {field} {unsupported_value:g} — check it"
    ]


@pytest.mark.parametrize(
    ("notes", "cap", "unsupported"),
    [
        pytest.param("折扣不超过 7 折", 30, 25, id="7 zhe is 30% off"),
        pytest.param("最低 85折", 15, 20, id="85 zhe is 15% off"),
        pytest.param("最多七折", 30, 35, id="chinese-numeral zhe"),
        pytest.param("keep discounts at or under 15%", 15, 20, id="percent cap"),
    ],
)
def test_a_discount_cap_is_found_in_its_written_form(notes, cap, unsupported):
    def reading(value: float) -> NormalizedInput:
        return NormalizedInput(constraints=Constraints(max_discount_pct=value))

    assert check_reading(reading(cap), notes) == []
    assert check_reading(reading(unsupported), notes) == [
        f"{FLAG_PREFIX} constraints max_discount_pct {unsupported} — check it"
    ]


NOTES = """Trail-running shoe shop, EUR. ~2,300 customers last year.
- Club members: 400 customers, AOV €142, repeat 61%, margin 48%
- One-and-done: 1.4k buyers, AOV €88, only 14% have placed a 2nd order
- Lapsed 180d+: nine hundred people
CAC €38 and rising. Team is 2 people. No discounts over 20%.
"""


def faithful_reading() -> NormalizedInput:
    return NormalizedInput(
        segments=[
            Segment(name="Club members", lane="loyal", metrics=Metrics(
                customer_count=400, customer_share_pct=17.4, aov=142, repeat_rate_pct=61, gross_margin_pct=48)),
            Segment(name="One-and-done", lane="one_time", metrics=Metrics(
                customer_count=1400, aov=88, repeat_rate_pct=14)),
            Segment(name="Lapsed", lane="dormant", metrics=Metrics(customer_count=900, days_since_last_order=180)),
        ],
        business=BusinessMetrics(customer_count=2300, cac=38, cac_trend="rising", currency="EUR"),
        constraints=Constraints(max_discount_pct=20),
        operating=OperatingContext(team_size=2),
    )


def test_a_faithful_reading_raises_no_flag():
    assert check_reading(faithful_reading(), NOTES) == []


def test_fabricated_numbers_are_flagged_with_where_they_sit_and_their_value():
    inp = faithful_reading()
    inp.segments[0].metrics.aov = 175  # made up
    inp.segments[1].metrics.orders_per_year = 3.2  # made up
    inp.business.cac = 55  # made up
    inp.constraints.max_discount_pct = 35  # made up
    inp.operating.team_size = 6  # made up

    assert check_reading(inp, NOTES) == [
        f"{FLAG_PREFIX} segment 'Club members' aov 175 — check it",
        f"{FLAG_PREFIX} segment 'One-and-done' orders_per_year 3.2 — check it",
        f"{FLAG_PREFIX} business cac 55 — check it",
        f"{FLAG_PREFIX} constraints max_discount_pct 35 — check it",
        f"{FLAG_PREFIX} operating team_size 6 — check it",
    ]


def test_business_totals_may_be_the_sum_of_the_segments():
    inp = faithful_reading()
    inp.business.customer_count = 2700  # 400 + 1400 + 900, stated nowhere but summed from the reading
    assert check_reading(inp, NOTES) == []
    inp.business.customer_count = 2800
    assert check_reading(inp, NOTES) == [f"{FLAG_PREFIX} business customer_count 2800 — check it"]


def test_a_share_may_be_computed_from_the_readings_own_counts():
    notes = "VIP: 250 customers. Regulars: 750 customers."
    inp = NormalizedInput(segments=[
        Segment(name="VIP", metrics=Metrics(customer_count=250, customer_share_pct=25)),
        Segment(name="Regulars", metrics=Metrics(customer_count=750, customer_share_pct=75)),
    ])
    assert check_reading(inp, notes) == []
    inp.segments[0].metrics.customer_share_pct = 35
    assert check_reading(inp, notes) == [f"{FLAG_PREFIX} segment 'VIP' customer_share_pct 35 — check it"]


def test_zero_negative_and_measured_values():
    notes = "Outlet buyers: margin -5% after returns."
    inp = NormalizedInput(segments=[
        Segment(name="Outlet", metrics=Metrics(gross_margin_pct=-5, discount_order_share_pct=0)),
        Segment(name="Measured", metrics=Metrics(aov=61.37), measured=["aov"]),
    ])
    assert check_reading(inp, notes) == []
    inp.segments[0].metrics.gross_margin_pct = -8
    assert check_reading(inp, notes) == [f"{FLAG_PREFIX} segment 'Outlet' gross_margin_pct -8 — check it"]


def test_an_order_export_reading_is_checked_only_where_it_was_not_measured():
    inp = NormalizedInput(source="orders", business=BusinessMetrics(aov=61.37, customer_count=5123),
                          constraints=Constraints(max_discount_pct=12))
    assert check_reading(inp, "max discount 10%") == [f"{FLAG_PREFIX} constraints max_discount_pct 12 — check it"]


def test_supported_knows_which_derivations_fit_which_field():
    numbers = notes_numbers("they reorder every ~8 weeks")
    assert supported("repurchase_cycle_days", 56, numbers)
    assert not supported("aov", 56, numbers)  # x7 turns weeks into days, not into money


def test_fifty_thousand_characters_are_checked_fast_and_the_libraries_load_only_when_needed():
    notes = ("VIP 5% " * 7200)[: api.MAX_NOTES_CHARS]
    inp = NormalizedInput(segments=[Segment(name=f"S{i}", metrics=Metrics(aov=10 + i)) for i in range(50)])
    notes_numbers.cache_clear()
    start = time.perf_counter()
    flags = check_reading(inp, notes)
    assert time.perf_counter() - start < 1.0
    assert len(flags) == 50  # the notes hold only 5: every AOV from 10 to 59 is made up
    probe = (
        "import sys; from skill.reading_check import check_reading; from skill.schema import NormalizedInput; "
        "check_reading(NormalizedInput(), 'VIP: 400 customers, AOV $120'); "
        "print('cn2an' in sys.modules, 'text_to_num' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# ---------------------------------------------------------------- through the facade


def test_plan_from_input_with_notes_flags_a_made_up_number_in_warnings_and_assumptions():
    inp = faithful_reading()
    inp.segments[0].metrics.aov = 175
    flag = f"{FLAG_PREFIX} segment 'Club members' aov 175 — check it"

    result = api.plan_from_input(inp, notes=NOTES)

    assert flag in result.input.warnings
    assert flag in result.plan.assumptions
    assert result.input.segments[0].metrics.aov == 175  # the caller's reading is used, not replaced
    unchecked = api.plan_from_input(inp)
    assert flag not in unchecked.input.warnings and flag not in unchecked.plan.assumptions


def test_a_checked_reading_passed_back_keeps_one_flag_and_a_fixed_number_loses_it():
    inp = faithful_reading()
    inp.segments[0].metrics.aov = 175
    first = api.plan_from_input(inp, notes=NOTES)
    again = api.plan_from_input(first.input, notes=NOTES)
    assert [w for w in again.input.warnings if w.startswith(FLAG_PREFIX)] == [
        f"{FLAG_PREFIX} segment 'Club members' aov 175 — check it"
    ]
    fixed = first.input.model_copy(deep=True)
    fixed.segments[0].metrics.aov = 142
    replanned = api.plan_from_input(fixed, notes=NOTES)
    assert not [w for w in replanned.input.warnings if w.startswith(FLAG_PREFIX)]
    assert not [a for a in replanned.plan.assumptions if a.startswith(FLAG_PREFIX)]


@pytest.mark.parametrize("notes", ["", "   ", "x" * (api.MAX_NOTES_CHARS + 1)])
def test_notes_given_with_an_input_are_checked_like_any_notes(notes):
    with pytest.raises(api.InputError):
        api.plan_from_input(faithful_reading(), notes=notes)


@settings(max_examples=200, deadline=None)
@given(
    notes=st.text(alphabet=st.sampled_from(list("0123456789.,%-~k 万千一二三四五六七八九十百折成 of in two thirds\n")), max_size=200),
    value=st.floats(min_value=0, max_value=1e12, allow_nan=False),
)
def test_no_notes_and_no_value_make_the_check_raise(notes, value):
    inp = NormalizedInput(segments=[Segment(name="S", metrics=Metrics(aov=value, orders_per_year=value,
                                                                       repurchase_cycle_days=value,
                                                                       monthly_churn_pct=min(value, 100),
                                                                       customer_count=value))])
    flags = check_reading(inp, notes)
    assert all(flag.startswith(FLAG_PREFIX) for flag in flags)
