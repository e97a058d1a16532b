"""RFM scores and named groups in the style of Shopify's CustomerRfmGroup, mapped onto plan lanes.

Scores are quintiles 1-5: R on days since the last order (recent = 5), F on
order count, M on net revenue. Tied customers share the score of the lowest
position they occupy, so when most customers bought once, every one-time buyer
gets F = 1 (splitting a tie at random would call some of them frequent). The
group comes from R and FM = round-half-up((F + M) / 2) through RFM_RULES; one
override sends single-order customers with R = 5 to `new`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skill.orders.models import RfmRule

RFM_RULES: tuple[RfmRule, ...] = (
    RfmRule(group="champions", r_scores=[5], fm_scores=[4, 5], lane="vip", description="Bought very recently, often, and spend the most"),  # fmt: skip
    RfmRule(group="champions", r_scores=[4], fm_scores=[5], lane="vip", description="Recent and the strongest order and spend history"),  # fmt: skip
    RfmRule(group="loyal", r_scores=[4], fm_scores=[4], lane="loyal", description="Recent, many orders, high spend"),
    RfmRule(group="loyal", r_scores=[3], fm_scores=[4, 5], lane="loyal", description="Fairly recent with a strong history"),  # fmt: skip
    RfmRule(group="active", r_scores=[4, 5], fm_scores=[3], lane="loyal", description="Recent, some orders, moderate spend"),  # fmt: skip
    RfmRule(group="new", r_scores=[5], fm_scores=[1], lane="new", description="Very recent first purchases, low spend so far"),  # fmt: skip
    RfmRule(group="promising", r_scores=[5], fm_scores=[2], lane="new", description="Recent, few orders, low spend"),
    RfmRule(group="promising", r_scores=[4], fm_scores=[1, 2], lane="new", description="Recent, few orders, low spend"),
    RfmRule(group="needs_attention", r_scores=[3], fm_scores=[1, 2, 3], lane="one_time", description="Middling recency and few orders: mostly single-order buyers not yet lost"),  # fmt: skip
    RfmRule(group="at_risk", r_scores=[2], fm_scores=[3, 4], lane="at_risk", description="No recent purchase but a good history"),  # fmt: skip
    RfmRule(group="at_risk", r_scores=[1], fm_scores=[4], lane="at_risk", description="Long gone with a good history"),
    RfmRule(group="previously_loyal", r_scores=[1, 2], fm_scores=[5], lane="at_risk", description="No recent purchase after a very strong history"),  # fmt: skip
    RfmRule(group="almost_lost", r_scores=[2], fm_scores=[1, 2], lane="dormant", description="No recent purchase, few orders, low spend"),  # fmt: skip
    RfmRule(group="almost_lost", r_scores=[1], fm_scores=[3], lane="dormant", description="Long gone, moderate history"),
    RfmRule(group="dormant", r_scores=[1], fm_scores=[1, 2], lane="dormant", description="Long gone, infrequent, low spend"),  # fmt: skip
)
RFM_OVERRIDES = ("Customers with exactly one order and R = 5 are 'new' whatever their spend",)
GROUP_ORDER = ("champions", "loyal", "active", "new", "promising", "needs_attention", "at_risk", "previously_loyal", "almost_lost", "dormant", "prospects")  # fmt: skip
GROUP_LANE = {rule.group: rule.lane for rule in RFM_RULES} | {"prospects": "other"}
GROUP_TITLE = {group: group.replace("_", " ").capitalize() for group in GROUP_ORDER}
METHOD = (
    "Quintile scores 1-5 (ties share their lowest position): R on days since last order, F on orders, "
    "M on net revenue; group from R and FM = round-half-up((F+M)/2) by the rule table."
)


def _grid() -> np.ndarray:
    grid = np.empty((6, 6), dtype=object)
    for rule in RFM_RULES:
        for r in rule.r_scores:
            for fm in rule.fm_scores:
                grid[r, fm] = rule.group
    return grid


RFM_GRID = _grid()


def quintile_score(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """1 + floor(5 x (lowest tied rank - 1) / n): equal values get equal scores."""
    ranks = (values if higher_is_better else -values).rank(method="min")
    return (1 + np.floor(5 * (ranks - 1) / len(values))).astype("int64")


def rfm_scores(customers: pd.DataFrame) -> pd.DataFrame:
    """r, f, m, fm scores, rfm_group and lane for each row of a customer table."""
    r = quintile_score(customers["days_since_last_order"], higher_is_better=False)
    f = quintile_score(customers["orders"])
    m = quintile_score(customers["net_revenue"])
    fm = ((f + m + 1) // 2).astype("int64")
    group = pd.Series(RFM_GRID[r.to_numpy(), fm.to_numpy()], index=customers.index)
    group = group.where(~((customers["orders"] == 1) & (r == 5)), "new")
    return pd.DataFrame(
        {"r_score": r, "f_score": f, "m_score": m, "fm_score": fm, "rfm_group": group, "lane": group.map(GROUP_LANE)},
        index=customers.index,
    )
