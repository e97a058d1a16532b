"""Acquisition cohorts: retention, cumulative revenue per customer, CLV by cohort/channel/product,
and LTV:CAC with payback per acquisition channel.

Cells a cohort has not lived through yet are null, not zero. Tables are capped
(MAX_COHORTS most recent cohorts, MAX_PERIODS periods, MAX_GROUPS largest groups)
and every cut is named in `truncated`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from skill.orders.models import ChannelEconomics, CohortReport, CohortRow, GroupCLV

MAX_COHORTS = 24
MAX_PERIODS = 24
MAX_GROUPS = 15
DAYS_PER_MONTH = 365.25 / 12
MONTHLY_COHORTS_UP_TO_DAYS = 731


def choose_period(span_days: int) -> str:
    """Months for up to two years of history, quarters beyond (keeps the matrix readable)."""
    return "M" if span_days <= MONTHLY_COHORTS_UP_TO_DAYS else "Q"


def period_index(dates: pd.Series, period: str) -> np.ndarray:
    months = dates.dt.year.to_numpy(dtype=np.int64) * 12 + dates.dt.month.to_numpy(dtype=np.int64) - 1
    return months if period == "M" else months // 3


def period_label(index: int, period: str) -> str:
    if period == "M":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return f"{index // 4:04d}-Q{index % 4 + 1}"


def _round(value: float, digits: int = 2) -> float | None:
    return None if pd.isna(value) else round(float(value), digits)


def _group_clv(customers: pd.DataFrame, by: pd.Series, limit: int | None) -> list[GroupCLV]:
    # Grouping on sorted integer codes gives the same groups, in the same (sorted) order, as
    # grouping on the labels, without hashing a string per customer in every aggregation.
    codes, names = pd.factorize(by, sort=True)
    frame = pd.DataFrame(
        {
            "_group": codes, "net_revenue": customers["net_revenue"].to_numpy(), "_repeat": customers["orders"].to_numpy() > 1,
            "gross_revenue": customers["gross_revenue"].to_numpy(), "orders": customers["orders"].to_numpy(),
        }
    )
    # Sums only: a mean is the group's sum over its size, as groupby's mean computes it, and one
    # grouper serves every column.
    grouped = frame.groupby("_group", sort=True)
    size = grouped.size()
    stats = pd.DataFrame(
        {
            "customers": size, "clv": grouped["net_revenue"].sum() / size, "repeaters": grouped["_repeat"].sum() / size,
            "gross": grouped["gross_revenue"].sum(), "orders": grouped["orders"].sum(),
        }
    )
    if limit is not None:
        stats = stats.sort_values("customers", ascending=False, kind="stable").head(limit)
    return [
        GroupCLV(
            group=str(names[code]), customers=int(row.customers), historical_clv=round(float(row.clv), 2),
            repeat_rate_pct=round(100 * float(row.repeaters), 2), aov=_round(row.gross / row.orders),
        )
        for code, row in stats.iterrows()
    ]


def cohort_report(
    orders: pd.DataFrame, order_row: np.ndarray, customers: pd.DataFrame, as_of: pd.Timestamp, period: str
) -> CohortReport:
    """Retention and cumulative net revenue per customer by acquisition cohort, plus CLV breakdowns.

    `order_row` is each order's customer's row in `customers` (-1 for none), as CustomerHistory gives it.
    """
    first = customers.set_index("customer_id")["first_order"]
    in_table = order_row >= 0  # customer_history already left out orders after the as-of day
    cohort_of_customer = pd.Series(period_index(first, period), index=first.index)
    cohort = cohort_of_customer.to_numpy()[order_row[in_table]]
    offset = period_index(orders["order_date"][in_table], period) - cohort
    last_period = int(period_index(pd.Series([as_of]), period)[0])
    sizes = cohort_of_customer.value_counts().sort_index()
    truncated: list[str] = []
    if len(sizes) > MAX_COHORTS:
        truncated.append(f"showing the {MAX_COHORTS} most recent of {len(sizes)} cohorts")
        sizes = sizes.iloc[-MAX_COHORTS:]
    periods = min(MAX_PERIODS, int(last_period - sizes.index.min()) + 1)
    if last_period - int(cohort_of_customer.min()) + 1 > MAX_PERIODS:
        truncated.append(f"showing periods 0-{MAX_PERIODS - 1} after acquisition")

    cells = pd.DataFrame(
        {
            "customer": order_row[in_table], "cohort": cohort, "offset": offset,
            "net": orders["net"].to_numpy()[in_table], "is_return": orders["is_return"].to_numpy()[in_table],
        }
    )
    cells = cells[cells["cohort"].isin(sizes.index) & (cells["offset"] < periods)]
    purchases = cells[~cells["is_return"]]
    # Customers active in each period: the distinct (customer, offset) pairs as one integer each,
    # counted per (cohort, offset) cell; cheaper than de-duplicating and grouping on two columns.
    visits = pd.unique(purchases["customer"].to_numpy() * periods + purchases["offset"].to_numpy())
    customer, visit_offset = np.divmod(visits, periods)
    cell = sizes.index.get_indexer(cohort_of_customer.to_numpy()[customer]) * periods + visit_offset
    active = pd.DataFrame(
        np.bincount(cell, minlength=len(sizes) * periods).reshape(len(sizes), periods), index=sizes.index, columns=range(periods)
    )
    revenue = cells.groupby(["cohort", "offset"])["net"].sum().unstack(fill_value=0.0)
    revenue = revenue.reindex(index=sizes.index, columns=range(periods), fill_value=0.0).cumsum(axis=1)
    observed = (last_period - sizes.index.to_numpy())[:, None] >= np.arange(periods)[None, :]
    retention = (100 * active.div(sizes, axis=0)).where(observed)
    cumulative = revenue.div(sizes, axis=0).where(observed)

    def rows(table: pd.DataFrame) -> list[CohortRow]:
        return [
            CohortRow(cohort=period_label(int(c), period), customers=int(sizes[c]), values=[_round(v) for v in table.loc[c]])
            for c in table.index
        ]

    labels = {c: period_label(int(c), period) for c in sizes.index.union(cohort_of_customer.unique())}
    cohort_labels = pd.Series(cohort_of_customer.to_numpy()).map(labels)
    return CohortReport(
        period=period,
        retention_pct=rows(retention),
        cumulative_net_revenue_per_customer=rows(cumulative),
        clv_by_cohort=_group_clv(customers, cohort_labels, None)[-MAX_COHORTS:],
        clv_by_channel=_group_clv(customers, customers["channel"].fillna("(unknown)"), MAX_GROUPS),
        clv_by_first_product=_group_clv(customers, customers["first_product"].fillna("(unknown)"), MAX_GROUPS),
        truncated=truncated,
    )


def channel_economics(
    orders: pd.DataFrame | None, customers: pd.DataFrame, cac_by_channel: dict[str, float], margin_rate: float | None
) -> tuple[list[ChannelEconomics], list[str]]:
    """LTV:CAC (gross-margin CLV / CAC) and CAC payback per acquisition channel.

    Payback: the first month k (k = 0 is the acquisition month, counted in
    30.44-day steps from each customer's first order) where the mean cumulative
    gross margin per customer covers CAC. Month j's margin is averaged over the
    customers observed for at least j months, so recent customers do not drag
    the curve down. `margin_rate` applies when the export has no margin data.
    """
    warnings: list[str] = []
    by_name = {str(name).strip().lower(): str(name) for name in customers["channel"].dropna().unique()}
    unmatched = sorted(k for k in cac_by_channel if k.strip().lower() not in by_name)
    if unmatched:
        warnings.append(f"No customers acquired through {unmatched}; their CAC was not used")
    results: list[ChannelEconomics] = []
    first = customers.set_index("customer_id")["first_order"]
    tenure_months = np.floor(customers.set_index("customer_id")["tenure_days"] / DAYS_PER_MONTH)
    for key, cac in cac_by_channel.items():
        name = by_name.get(key.strip().lower())
        if name is None:
            continue
        members = customers[customers["channel"] == name]
        margin_clv = members["gross_margin"].mean()
        payback = None
        months_observed = int(tenure_months[members["customer_id"]].max()) + 1
        if orders is not None and pd.notna(margin_clv):
            mine = orders[orders["customer_id"].isin(members["customer_id"])]
            margin = mine["margin_amount"] if mine["margin_amount"].notna().any() else mine["net"] * (margin_rate or 0)
            month = np.floor((mine["order_date"] - first.reindex(mine["customer_id"]).to_numpy()).dt.days / DAYS_PER_MONTH)
            per_month = margin.groupby(month.to_numpy()).sum().reindex(range(months_observed), fill_value=0.0)
            observed_for = np.bincount(tenure_months[members["customer_id"]].astype(np.int64), minlength=months_observed)
            eligible = observed_for[::-1].cumsum()[::-1]
            curve = (per_month.to_numpy() / np.maximum(eligible, 1)).cumsum()
            covered = np.nonzero(curve >= cac)[0]
            payback = int(covered[0]) if len(covered) else None
        results.append(
            ChannelEconomics(
                channel=name, customers=len(members), cac=float(cac),
                historical_clv=round(float(members["net_revenue"].mean()), 2),
                gross_margin_clv=round(float(margin_clv), 2) if pd.notna(margin_clv) else 0.0,
                ltv_to_cac=round(float(margin_clv) / cac, 2) if cac > 0 and pd.notna(margin_clv) else None,
                payback_months=payback, months_observed=months_observed,
            )
        )
    return results, warnings
