"""Per-customer history from clean orders, and the lifetimes-convention summary.

Purchases are counted at day resolution where the models need it (several orders
on one day are one purchase day), as lifetimes does. All work is grouped numpy/
pandas aggregation on integer customer codes; no Python loop per customer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LIFETIMES_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")
CUSTOMER_COLUMNS = (
    "customer_id", "first_order", "last_order", "orders", "order_days", "gross_revenue", "refunds", "returns",
    "net_revenue", "gross_margin", "aov", "mean_days_between_orders", "median_days_between_orders", "tenure_days",
    "days_since_last_order", "return_rate_pct", "discount_orders", "discount_order_share_pct", "channel",
    "first_product", "frequency", "recency", "T", "monetary_value",
)  # fmt: skip


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def customer_table(orders: pd.DataFrame, as_of: pd.Timestamp, *, assumed_margin_pct: float | None = None) -> pd.DataFrame:
    """One row per customer with at least one purchase on or before `as_of` (columns: CUSTOMER_COLUMNS).

    `orders` is LoadedOrders.orders. Guests (no customer id) are left out; returns
    (negative records) reduce net revenue but are not orders. gross_margin is the
    measured margin when the export had cost or margin, else net revenue x
    `assumed_margin_pct` (NaN if neither).
    """
    known = orders[orders["customer_id"].notna() & (orders["order_date"] <= as_of)]
    codes, labels = pd.factorize(known["customer_id"])
    purchase = ~known["is_return"].to_numpy()
    day = _days(known["order_date"])
    as_of_day = int(np.datetime64(as_of.normalize(), "D").astype(np.int64))

    p = pd.DataFrame(
        {
            "code": codes[purchase],
            "day": day[purchase],
            "amount": known["amount"].to_numpy()[purchase],
            "refund": known["refund"].to_numpy()[purchase],
            "net": known["net"].to_numpy()[purchase],
            "margin": known["margin_amount"].to_numpy()[purchase],
            "discount": known["has_discount"].to_numpy()[purchase],
            "date": known["order_date"].to_numpy()[purchase],
            "order_id": known["order_id"].to_numpy()[purchase],
            "channel": known["channel"].to_numpy()[purchase],
            "product": known["product"].to_numpy()[purchase],
        }
    )
    p = p.sort_values(["code", "date", "order_id"], kind="stable")
    g = p.groupby("code", sort=True)
    table = g.agg(
        first_order=("date", "min"),
        last_order=("date", "max"),
        orders=("net", "size"),
        gross_revenue=("amount", "sum"),
        refunds=("refund", "sum"),
        purchase_net=("net", "sum"),
        gross_margin=("margin", "sum"),
        discount_orders=("discount", "sum"),
    )
    measured_margin = p["margin"].notna().any()
    returned = pd.Series(-known["amount"].to_numpy()[~purchase]).groupby(codes[~purchase]).sum()
    table["returns"] = returned.reindex(table.index, fill_value=0.0)
    table["net_revenue"] = table["purchase_net"] - table["returns"]
    if not measured_margin and assumed_margin_pct is not None:
        table["gross_margin"] = table["net_revenue"] * assumed_margin_pct / 100
    elif not measured_margin:
        table["gross_margin"] = np.nan
    firsts = p.drop_duplicates("code", keep="first").set_index("code")
    table["channel"] = firsts["channel"]
    table["first_product"] = firsts["product"]

    # Purchase days: frequency/recency/T/monetary_value as lifetimes computes them at freq='D'.
    days = p.groupby(["code", "day"], sort=True)["net"].sum().reset_index()
    per_customer = days.groupby("code", sort=True)
    first_day = per_customer["day"].min()
    last_day = per_customer["day"].max()
    n_days = per_customer.size()
    first_value = days.drop_duplicates("code", keep="first").set_index("code")["net"]
    table["order_days"] = n_days
    table["frequency"] = (n_days - 1).astype("float64")
    table["recency"] = (last_day - first_day).astype("float64")
    table["T"] = (as_of_day - first_day).astype("float64")
    repeat_value = per_customer["net"].sum() - first_value
    table["monetary_value"] = (repeat_value / table["frequency"].where(table["frequency"] > 0)).fillna(0.0)

    gaps = days["day"].diff()
    same = days["code"].eq(days["code"].shift())
    table["median_days_between_orders"] = gaps[same].groupby(days.loc[same, "code"]).median()
    table["mean_days_between_orders"] = table["recency"] / table["frequency"].where(table["frequency"] > 0)
    table["tenure_days"] = table["T"]
    table["days_since_last_order"] = (as_of_day - last_day).astype("float64")
    table["aov"] = table["gross_revenue"] / table["orders"]
    returned_value = table["refunds"] + table["returns"]
    table["return_rate_pct"] = (100 * returned_value / table["gross_revenue"].where(table["gross_revenue"] > 0)).clip(0, 100)
    table["discount_order_share_pct"] = 100 * table["discount_orders"] / table["orders"]
    table["customer_id"] = np.asarray(labels)[table.index.to_numpy()]
    return table.reset_index(drop=True)[list(CUSTOMER_COLUMNS)]


def inter_purchase_gaps(orders: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Days between consecutive purchase days of each customer: columns customer_id, gap_days."""
    known = orders[orders["customer_id"].notna() & ~orders["is_return"] & (orders["order_date"] <= as_of)]
    days = pd.DataFrame({"customer_id": known["customer_id"].to_numpy(), "day": _days(known["order_date"])})
    days = days.drop_duplicates().sort_values(["customer_id", "day"])
    same = days["customer_id"].eq(days["customer_id"].shift())
    return pd.DataFrame({"customer_id": days.loc[same, "customer_id"], "gap_days": days["day"].diff()[same]}).reset_index(drop=True)


def lifetimes_summary(customers: pd.DataFrame) -> pd.DataFrame:
    """customer_id, frequency, recency, T, monetary_value in days (lifetimes' summary_data_from_transaction_data)."""
    return customers[list(LIFETIMES_COLUMNS)].copy()


def summary_in_weeks(summary: pd.DataFrame) -> pd.DataFrame:
    """The same summary with recency and T in weeks (days / 7; frequency stays a count of purchase days)."""
    weekly = summary.copy()
    weekly["recency"] = weekly["recency"] / 7
    weekly["T"] = weekly["T"] / 7
    return weekly
