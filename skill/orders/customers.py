"""Per-customer history from clean orders, and the lifetimes-convention summary.

Purchases are counted at day resolution where the models need it (several orders
on one day are one purchase day), as lifetimes does. All work is grouped numpy/
pandas aggregation on integer customer codes; no Python loop per customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from skill.orders.parse import factorize

LIFETIMES_COLUMNS = ("customer_id", "frequency", "recency", "T", "monetary_value")
CUSTOMER_COLUMNS = (
    "customer_id", "first_order", "last_order", "orders", "order_days", "gross_revenue", "refunds", "returns",
    "net_revenue", "gross_margin", "aov", "mean_days_between_orders", "median_days_between_orders", "tenure_days",
    "days_since_last_order", "return_rate_pct", "discount_orders", "discount_order_share_pct", "channel",
    "first_product", "frequency", "recency", "T", "monetary_value",
)  # fmt: skip


def _history_order(code: np.ndarray, date: np.ndarray, order_id: pd.Series, position: np.ndarray) -> np.ndarray:
    """Stable order by (customer code, date, order id), as a sort on those three columns gives.

    Row i's order id is order_id.iloc[position[i]].

    Sorting integers is cheap; order ids are compared only within the rare runs of one
    customer's orders at the same instant, instead of sorting every id string.
    """
    order = np.lexsort((date, code))
    code_s, date_s = code[order], date[order]
    same_as_previous = (code_s[1:] == code_s[:-1]) & (date_s[1:] == date_s[:-1])
    if not same_as_previous.any():
        return order
    starts = np.r_[True, ~same_as_previous]
    run = np.cumsum(starts) - 1
    tied_run = np.bincount(run)[run] > 1
    at = order[tied_run]
    tied = pd.DataFrame({"run": run[tied_run], "order_id": order_id.iloc[position[at]].to_numpy(), "at": at})
    order[tied_run] = tied.sort_values(["run", "order_id"], kind="stable")["at"].to_numpy()
    return order


def _day_groups(code: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by (code, day) -> start index of each (code, day) run and of each code run."""
    if len(code) == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    new_code = np.r_[True, code[1:] != code[:-1]]
    new_day = new_code | np.r_[True, day[1:] != day[:-1]]
    return np.flatnonzero(new_day), np.flatnonzero(new_code)


@dataclass(frozen=True)
class CustomerHistory:
    """The customer table plus what later steps need of the orders, keyed by table row.

    Cohorts and segment cycles look customers up by these integer rows, so no step
    after this one hashes or compares a customer id string.
    """

    table: pd.DataFrame  # customer_table's result
    order_row: np.ndarray  # per order: its customer's row in `table`; -1 for guests, later orders, no purchase
    gaps: pd.DataFrame  # row, gap_days: days between consecutive purchase days of the customer at `row`


def customer_table(orders: pd.DataFrame, as_of: pd.Timestamp, *, assumed_margin_pct: float | None = None) -> pd.DataFrame:
    """One row per customer with at least one purchase on or before `as_of` (columns: CUSTOMER_COLUMNS).

    `orders` is LoadedOrders.orders. Guests (no customer id) are left out; returns
    (negative records) reduce net revenue but are not orders. gross_margin is the
    measured margin when the export had cost or margin, else net revenue x
    `assumed_margin_pct` (NaN if neither).
    """
    return customer_history(orders, as_of, assumed_margin_pct=assumed_margin_pct).table


def customer_history(orders: pd.DataFrame, as_of: pd.Timestamp, *, assumed_margin_pct: float | None = None) -> CustomerHistory:
    """customer_table, each order's row in it, and the gaps between purchase days, from one pass."""
    keep = (orders["customer_id"].notna() & (orders["order_date"] <= as_of)).to_numpy()
    codes, labels = factorize(orders["customer_id"][keep])
    is_return = orders["is_return"].to_numpy()[keep]
    purchase = ~is_return
    date = orders["order_date"].to_numpy()[keep]
    as_of_day = int(np.datetime64(as_of.normalize(), "D").astype(np.int64))

    position = np.flatnonzero(keep)[purchase]

    def column(name: str) -> np.ndarray:
        return orders[name].to_numpy()[position]

    p_code, p_date = codes[purchase], date[purchase]
    order = _history_order(p_code, p_date.view(np.int64), orders["order_id"], position)
    p = pd.DataFrame(
        {
            "code": p_code[order],
            "amount": column("amount")[order],
            "refund": column("refund")[order],
            "net": column("net")[order],
            "margin": column("margin_amount")[order],
            "discount": column("has_discount")[order],
            "date": p_date[order],
        }
    )
    table = p.groupby("code", sort=True).agg(
        gross_revenue=("amount", "sum"),
        refunds=("refund", "sum"),
        purchase_net=("net", "sum"),
        gross_margin=("margin", "sum"),
        discount_orders=("discount", "sum"),
    )
    # Rows are sorted by (code, date): each customer's first and last order and its order count
    # come from where its run of rows starts and ends.
    code = p["code"].to_numpy()
    day = p_date[order].astype("datetime64[D]").astype(np.int64)
    day_starts, code_starts = _day_groups(code, day)
    rows_per_customer = np.diff(np.r_[code_starts, len(code)])
    table["first_order"] = p["date"].to_numpy()[code_starts]
    table["last_order"] = p["date"].to_numpy()[code_starts + rows_per_customer - 1]
    table["orders"] = rows_per_customer
    measured_margin = p["margin"].notna().any()
    returned = pd.Series(-orders["amount"].to_numpy()[keep][is_return]).groupby(codes[is_return]).sum()
    table["returns"] = returned.reindex(table.index, fill_value=0.0)
    table["net_revenue"] = table["purchase_net"] - table["returns"]
    if not measured_margin and assumed_margin_pct is not None:
        table["gross_margin"] = table["net_revenue"] * assumed_margin_pct / 100
    elif not measured_margin:
        table["gross_margin"] = np.nan

    # Purchase days: frequency/recency/T/monetary_value as lifetimes computes them at freq='D'.
    first_of_customer = position[order[code_starts]]
    table["channel"] = orders["channel"].array.take(first_of_customer)
    table["first_product"] = orders["product"].array.take(first_of_customer)
    run = np.zeros(len(day), dtype=np.int64)
    run[day_starts[1:]] = 1
    day_net = p["net"].groupby(np.cumsum(run), sort=True).sum()
    days = pd.DataFrame({"code": code[day_starts], "day": day[day_starts], "net": day_net.to_numpy()})
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
    gap_days, gap_code = gaps[same], days.loc[same, "code"]
    table["median_days_between_orders"] = gap_days.groupby(gap_code).median()
    table["mean_days_between_orders"] = table["recency"] / table["frequency"].where(table["frequency"] > 0)
    table["tenure_days"] = table["T"]
    table["days_since_last_order"] = (as_of_day - last_day).astype("float64")
    table["aov"] = table["gross_revenue"] / table["orders"]
    returned_value = table["refunds"] + table["returns"]
    table["return_rate_pct"] = (100 * returned_value / table["gross_revenue"].where(table["gross_revenue"] > 0)).clip(0, 100)
    table["discount_order_share_pct"] = 100 * table["discount_orders"] / table["orders"]
    table["customer_id"] = labels.array.take(table.index.to_numpy())  # stays Arrow text: no Python string per customer
    row_of_code = np.full(len(labels), -1, dtype=np.int64)  # -1: the customer only returned goods
    row_of_code[table.index.to_numpy()] = np.arange(len(table))
    order_row = np.full(len(orders), -1, dtype=np.int64)
    order_row[keep] = row_of_code[codes]
    gap_rows = pd.DataFrame({"row": row_of_code[gap_code.to_numpy()], "gap_days": gap_days.to_numpy()})
    return CustomerHistory(table=table.reset_index(drop=True)[list(CUSTOMER_COLUMNS)], order_row=order_row, gaps=gap_rows)


def lifetimes_summary(customers: pd.DataFrame) -> pd.DataFrame:
    """customer_id, frequency, recency, T, monetary_value in days (lifetimes' summary_data_from_transaction_data)."""
    return customers[list(LIFETIMES_COLUMNS)].copy()


def summary_in_weeks(summary: pd.DataFrame) -> pd.DataFrame:
    """The same summary with recency and T in weeks (days / 7; frequency stays a count of purchase days)."""
    weekly = summary.copy()
    weekly["recency"] = weekly["recency"] / 7
    weekly["T"] = weekly["T"] / 7
    return weekly
