"""Customer metrics, RFM, cohorts, channel economics and segment facts on small hand-checkable data."""

from __future__ import annotations

import pandas as pd
import pytest

from skill.orders import OrdersInputError, analyze_orders_full, orders_to_input
from skill.orders.rfm import RFM_GRID, quintile_score, rfm_scores
from skill.orders.synth import generate_export
from skill.schema import LANES, NormalizedInput

SMALL = """customer_id,order_id,order_date,amount,cost,discount,refund,channel,product
a,1,2024-01-05,100,40,0,0,google,Tee
a,2,2024-02-05,50,20,5,0,email,Mug
a,3,2024-02-05,30,10,0,10,email,Mug
b,4,2024-01-20,80,30,0,0,instagram,Hoodie
b,5,2024-04-20,20,10,0,0,web,Tee
c,6,2024-03-01,60,30,0,0,google,Cap
,7,2024-03-02,25,10,0,0,web,Tee
"""


@pytest.fixture(scope="module")
def small():
    return analyze_orders_full(csv_text=SMALL, cac_by_channel={"google": 20.0, "Instagram": 100.0, "tiktok": 5.0})


def test_customer_history_by_hand(small):
    c = small.customers.set_index("customer_id")
    assert c.loc["a", "orders"] == 3 and c.loc["a", "order_days"] == 2
    assert c.loc["a", "net_revenue"] == 170
    assert c.loc["a", "gross_margin"] == pytest.approx(60 + 30 + 20 * 20 / 30)
    assert c.loc["a", "return_rate_pct"] == pytest.approx(100 * 10 / 180)
    assert c.loc["a", "discount_order_share_pct"] == pytest.approx(100 / 3)
    assert c.loc["a", "channel"] == "google" and c.loc["a", "first_product"] == "Tee"
    assert c.loc["b", "mean_days_between_orders"] == 91 and c.loc["b", "median_days_between_orders"] == 91
    assert c.loc["b", "days_since_last_order"] == 0 and c.loc["c", "tenure_days"] == 50
    assert (c.loc["a", "frequency"], c.loc["a", "recency"], c.loc["a", "T"]) == (1, 31, 106)
    assert c.loc["a", "monetary_value"] == 70  # the repeat purchase day: 50 + 30 - 10 refunded


def test_summary_counts_guests_in_revenue_only(small):
    s = small.analysis.summary
    assert (s.customers, s.orders, s.customer_orders) == (3, 7, 6)
    assert s.net_revenue == 355 and s.customer_net_revenue == 330
    assert s.as_of == "2024-04-20" and s.margin_basis.startswith("measured")
    assert small.analysis.confidence == "low"


def test_channel_economics(small):
    economics = {e.channel: e for e in small.analysis.channel_economics}
    assert set(economics) == {"google", "instagram"}
    google = economics["google"]  # customers a and c
    assert google.customers == 2
    assert google.gross_margin_clv == pytest.approx((60 + 30 + 20 * 20 / 30 + 30) / 2, abs=0.01)
    assert google.ltv_to_cac == pytest.approx(google.gross_margin_clv / 20, abs=0.01)
    assert google.payback_months == 0  # first-month margin (60 + 30) / 2 already covers 20
    assert economics["instagram"].payback_months is None  # 50 margin never covers 100
    assert any("tiktok" in w for w in small.analysis.warnings)


def test_quintile_scores_keep_ties_together():
    orders = pd.Series([1, 1, 1, 1, 1, 1, 2, 2, 3, 9])
    assert quintile_score(orders).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert quintile_score(pd.Series([10, 1, 5, 3, 8]), higher_is_better=False).tolist() == [1, 5, 3, 4, 2]


def test_rfm_grid_covers_every_score_pair():
    assert all(RFM_GRID[r, fm] for r in range(1, 6) for fm in range(1, 6))


def test_rfm_groups_follow_the_table():
    customers = pd.DataFrame(
        {"days_since_last_order": [1, 2, 300, 400, 0, 350, 10, 200, 250, 3],
         "orders": [9, 8, 9, 1, 1, 1, 3, 2, 1, 4], "net_revenue": [900, 800, 950, 20, 500, 10, 120, 60, 30, 200]}
    )
    scores = rfm_scores(customers)
    for row, score in scores.iterrows():
        expected = "new" if customers.loc[row, "orders"] == 1 and score.r_score == 5 else RFM_GRID[score.r_score, score.fm_score]
        assert score.rfm_group == expected
    assert scores.loc[0, "rfm_group"] == "champions" and scores.loc[2, "rfm_group"] == "previously_loyal"
    assert scores.loc[4, "rfm_group"] == "new" and scores.loc[5, "lane"] == "dormant"


def test_retention_matrix_against_direct_count():
    frame, _ = generate_export("woocommerce", 3000, seed=4)
    result = analyze_orders_full(csv_text=frame.to_csv(index=False), cohort_period="M")
    orders = result.orders[result.orders["customer_id"].notna() & ~result.orders["is_return"]]
    first = orders.groupby("customer_id")["order_date"].transform("min")
    cohort, month = first.dt.to_period("M"), orders["order_date"].dt.to_period("M")
    offset = (month - cohort).apply(lambda d: d.n)
    row = result.analysis.cohorts.retention_pct[0]
    members = orders[cohort.astype(str) == row.cohort]
    size = members["customer_id"].nunique()
    assert row.customers == size
    for k in (0, 1, 3):
        active = members[offset[members.index] == k]["customer_id"].nunique()
        assert row.values[k] == pytest.approx(round(100 * active / size, 2))
    assert result.analysis.cohorts.retention_pct[-1].values[-1] is None  # newest cohort: later periods not observed


def test_last_day_orders_count_in_cohorts_and_cycles():
    """Orders on the as-of day itself (after midnight) belong to every view, not only the customer table."""
    frame, _ = generate_export("shopify", 3000, seed=5)
    result = analyze_orders_full(csv_text=frame.to_csv(index=False), cohort_period="M")
    assert result.orders["order_date"].max() > result.orders["order_date"].max().normalize()  # the last day has timed orders
    for row in result.analysis.cohorts.retention_pct:
        assert row.values[0] == 100.0, row.cohort  # a cohort is defined by a purchase in its first period
    gaps = int((result.customers["order_days"] - 1).sum())
    assert f"median of {gaps:,} gaps" in result.analysis.business_evidence["repurchase_cycle_days"]


def test_segments_and_normalized_input():
    frame, truth = generate_export("shopify", 4000, seed=9)
    result = analyze_orders_full(csv_text=frame.to_csv(index=False))
    analysis = result.analysis
    assert sum(s.metrics.customer_count for s in analysis.segments) == truth.customers
    for segment in analysis.segments:
        assert segment.lane in LANES
        assert segment.measured and set(segment.measured) <= set(segment.evidence)
        assert segment.metrics.gross_margin_pct is None  # no cost column: never invented
        assert segment.clv.historical_clv is not None
        members = result.customers[result.customers["rfm_group"].str.replace("_", " ").str.capitalize() == segment.name]
        assert segment.metrics.repeat_rate_pct == pytest.approx(round(100 * (members["orders"] > 1).mean(), 2))
        assert segment.metrics.aov == pytest.approx(round(members["gross_revenue"].sum() / members["orders"].sum(), 2))
    inp = orders_to_input(analysis)
    assert isinstance(inp, NormalizedInput) and inp.source == "orders" and inp.confidence == "high"
    assert inp.business.repeat_rate_pct == analysis.summary.repeat_rate_pct
    assert inp.main_tension == analysis.main_tension


def test_as_of_leaves_later_orders_out():
    result = analyze_orders_full(csv_text=SMALL, as_of="2024-02-29")
    assert result.analysis.summary.customer_orders == 4
    assert any("after the as-of date" in w for w in result.analysis.warnings)


def test_exports_with_nothing_to_analyse_get_a_clear_error():
    returns_only = "customer_id,order_id,order_date,amount\na,1,2024-01-01,-10\nb,2,2024-01-02,-20\n"
    with pytest.raises(OrdersInputError, match="No identified customer has a kept purchase"):
        analyze_orders_full(csv_text=returns_only)
    with pytest.raises(OrdersInputError, match="No order on or before the as-of date 2023-12-31; the first is dated 2024-01-01"):
        analyze_orders_full(csv_text=returns_only.replace("-10", "10"), as_of="2023-12-31")


def test_progress_is_reported():
    calls = []
    analyze_orders_full(csv_text=SMALL, progress=lambda fraction, message: calls.append(fraction))
    assert calls[0] == 0.0 and calls[-1] == 1.0 and calls == sorted(calls)


def test_same_instant_orders_break_ties_by_order_id_and_gaps_name_table_rows():
    from skill.orders.customers import customer_history

    orders = pd.DataFrame(
        {
            "order_id": ["9", "10", "2", "5", "7"],
            "customer_id": pd.array(["z", "z", "a", "a", "a"], dtype="str"),
            "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-01", "2024-01-10"]),
            "amount": [10.0, 20.0, 5.0, 6.0, 7.0], "refund": 0.0, "net": [10.0, 20.0, 5.0, 6.0, 7.0],
            "is_return": False, "has_discount": False, "margin_amount": float("nan"),
            "channel": ["web", "email", "google", "web", "x"], "product": ["P9", "P10", "P2", "P5", "P7"],
        }
    )
    as_of = pd.Timestamp("2024-01-31")
    history = customer_history(orders, as_of)
    table = history.table.set_index("customer_id")
    # "10" sorts before "9" as text: the first order of z at that instant is order 10.
    assert table.loc["z", "channel"] == "email" and table.loc["z", "first_product"] == "P10"
    assert table.loc["a", "first_product"] == "P5" and table.loc["z", "order_days"] == 1
    gaps = history.gaps
    assert history.table["customer_id"].to_numpy()[gaps["row"]].tolist() == ["a", "a"]
    assert gaps["gap_days"].tolist() == [2.0, 7.0]
    assert history.order_row.tolist() == [0, 0, 1, 1, 1]
