"""Deterministic synthetic exports (Shopify, WooCommerce, Stripe) with their ground truth.

Each order gets at most one fault (cancelled, voided, failed, unpaid, not
captured, test, duplicated, unreadable date, zero total) or a refund, so the
expected cleaning result is unambiguous. Everything is numpy-vectorised so
benchmarks can generate millions of lines quickly. Emails are fake
(userN@example.com) and exist so tests can prove none leaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

KINDS = ("shopify", "woocommerce", "stripe_api", "stripe_dashboard")
CHANNELS = np.array(["web", "instagram", "google", "email"])
FAULTS = {
    # fault: (probability, exclusion reason or None if the order is kept)
    "none": (0.80, None),
    "partial_refund": (0.04, None),
    "full_refund": (0.02, None),
    "duplicate": (0.01, None),
    "cancelled": (0.02, "cancelled"),
    "voided": (0.015, "voided"),
    "failed": (0.015, "failed_payment"),
    "unpaid": (0.02, "unpaid"),
    "not_captured": (0.01, "not_captured"),
    "test": (0.01, "test_order"),
    "bad_date": (0.01, "unparseable_date"),
    "zero": (0.03, "zero_amount"),
}
WINDOW_DAYS = 540
# Customer behaviour (see _purchase_histories): while active, one repeat order every
# two months on average; death rates average 1 / 240 a day (a typical customer stays
# about eight months).
PURCHASE_RATE_SHAPE = 1.5
PURCHASE_RATE_MEAN_PER_DAY = 1 / 60
DEATH_RATE_SHAPE = 2.0
DEATH_RATE_MEAN_PER_DAY = 1 / 240
UNSUPPORTED = {
    "shopify": {"not_captured", "failed"},
    "woocommerce": {"not_captured", "voided", "test"},
    "stripe_api": {"cancelled", "voided", "bad_date", "zero"},
    "stripe_dashboard": {"cancelled", "voided", "bad_date", "zero", "test"},
}


@dataclass
class GroundTruth:
    rows: int
    orders: int
    line_items_folded: int
    duplicate_rows: int
    excluded_orders: dict[str, int]
    excluded_cents: dict[str, int]
    revenue_in_cents: dict[str, int]
    kept_cents: dict[str, int]
    kept_orders: int
    guest_orders: int
    customers: int
    net_cents: int
    refund_cents: int
    discounted_orders: int
    emails: list[str] = field(default_factory=list)


def _faults(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    names = [f for f in FAULTS if f not in UNSUPPORTED[kind]]
    p = np.array([FAULTS[f][0] for f in names])
    return np.array(names)[rng.choice(len(names), size=n, p=p / p.sum())]


def _purchase_histories(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(customer index, seconds since the window start) of exactly n orders, in time order.

    Customers arrive uniformly over the window; each buys once on arrival, then at a
    Poisson rate ~ Gamma until an exponential lifetime with a Gamma-distributed death
    rate ends (the Pareto/NBD story), or the window closes. Customers are added until
    they account for n orders (the last one's history is cut short to land on n), so
    fitted churn models see real dropout."""
    arrival = rng.random(n) * WINDOW_DAYS  # n customers always suffice: each buys at least once
    rate = rng.gamma(PURCHASE_RATE_SHAPE, PURCHASE_RATE_MEAN_PER_DAY / PURCHASE_RATE_SHAPE, n)
    death_rate = rng.gamma(DEATH_RATE_SHAPE, DEATH_RATE_MEAN_PER_DAY / DEATH_RATE_SHAPE, n)
    active_days = np.minimum(rng.exponential(1 / death_rate), WINDOW_DAYS - arrival)
    orders_per_customer = 1 + rng.poisson(rate * active_days)
    n_customers = int(np.searchsorted(np.cumsum(orders_per_customer), n)) + 1
    orders_per_customer = orders_per_customer[:n_customers]
    orders_per_customer[-1] -= orders_per_customer.sum() - n
    customer = np.repeat(np.arange(n_customers), orders_per_customer)
    first_order = np.r_[True, customer[1:] != customer[:-1]]
    # given their number, a Poisson process's events are uniform over the active span
    offset = np.where(first_order, 0.0, rng.random(n) * active_days[customer])
    seconds = np.floor((arrival[customer] + offset) * 86400).astype(np.int64)
    chronological = np.argsort(seconds, kind="stable")
    return customer[chronological], seconds[chronological]


def generate_export(kind: str, n_orders: int, seed: int = 0, *, eur_share: float = 0.1) -> tuple[pd.DataFrame, GroundTruth]:
    """A `kind` export with about `n_orders` orders and its ground truth (analysis currency USD)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    rng = np.random.default_rng(seed)
    n = n_orders
    customer, order_seconds = _purchase_histories(rng, n)
    n_customers = int(customer.max()) + 1
    guest = rng.random(n) < 0.05
    fault = _faults(rng, n, kind)
    currency = np.where(rng.random(n) < eur_share, "EUR", "USD")
    when = np.datetime64("2023-01-01T00:00:00") + order_seconds.astype("timedelta64[s]")
    lines = 1 if kind.startswith("stripe") else rng.integers(1, 5, n)
    line_count = np.broadcast_to(lines, (n,)).astype(np.int64)
    order_of_line = np.repeat(np.arange(n), line_count)
    price = rng.integers(500, 8000, len(order_of_line))
    qty = rng.integers(1, 4, len(order_of_line))
    zero = fault == "zero"
    price[zero[order_of_line]] = 0
    subtotal = np.bincount(order_of_line, weights=price * qty, minlength=n).astype(np.int64)
    discounted = (rng.random(n) < 0.25) & ~zero & (kind != "stripe_api") & (kind != "stripe_dashboard")
    discount = np.where(discounted, subtotal // 10, 0)
    shipping = np.where(zero | (kind.startswith("stripe")), 0, 500 * (rng.random(n) < 0.5))
    total = subtotal - discount + shipping
    refund = np.where(fault == "partial_refund", total // 3, np.where(fault == "full_refund", total, 0))

    reason = np.select([fault == f for f in FAULTS], [FAULTS[f][1] or "" for f in FAULTS], "").astype(object)
    reason = np.where((reason == "") & (currency != "USD"), "other_currency", reason)
    kept = reason == ""
    duplicate = fault == "duplicate"
    channel_of_customer = CHANNELS[np.arange(n_customers) % len(CHANNELS)]

    frame = _render(kind, n, rng, customer, guest, fault, currency, when, order_of_line, price, qty, total, subtotal,
                    discount, refund, channel_of_customer)
    dup_rows = frame[duplicate[frame["_order"].to_numpy()]]
    frame = pd.concat([frame, dup_rows], ignore_index=True).drop(columns="_order")

    excluded_orders = pd.Series(reason[~kept]).value_counts().to_dict()
    excluded_cents = pd.Series(total[~kept]).groupby(reason[~kept]).sum().to_dict()
    if duplicate.any():
        excluded_orders["duplicate_row"] = int(duplicate.sum())
        excluded_cents["duplicate_row"] = int(total[duplicate].sum())
    revenue_in = pd.Series(total + np.where(duplicate, total, 0)).groupby(currency).sum().to_dict()
    kept_cents = pd.Series(total[kept]).groupby(currency[kept]).sum().to_dict()
    known_customers = np.unique(customer[kept & ~guest])
    truth = GroundTruth(
        rows=len(frame),
        orders=n,
        line_items_folded=int(line_count.sum() - n),
        duplicate_rows=int(line_count[duplicate].sum()),
        excluded_orders={k: int(v) for k, v in excluded_orders.items()},
        excluded_cents={k: int(v) for k, v in excluded_cents.items()},
        revenue_in_cents={k: int(v) for k, v in revenue_in.items()},
        kept_cents={k: int(v) for k, v in kept_cents.items()},
        kept_orders=int(kept.sum()),
        guest_orders=int((kept & guest).sum()),
        customers=len(known_customers),
        net_cents=int((total - refund)[kept].sum()),
        refund_cents=int(refund[kept].sum()),
        discounted_orders=int((kept & discounted).sum()),
        emails=[f"user{c}@example.com" for c in np.unique(customer[~guest])],
    )
    return frame, truth


def _iso(when: np.ndarray) -> pd.Series:
    return pd.Series(np.datetime_as_string(when, unit="s")).str.replace("T", " ", regex=False)


def _render(kind, n, rng, customer, guest, fault, currency, when, order_of_line, price, qty, total, subtotal, discount, refund, channel_of_customer) -> pd.DataFrame:  # noqa: E501
    email = pd.Series("user" + pd.Series(customer).astype(str) + "@example.com").where(~guest, "")
    channel = channel_of_customer[customer]
    first_line = np.r_[True, order_of_line[1:] != order_of_line[:-1]]
    at = order_of_line
    line_no = np.arange(len(at)) - np.flatnonzero(first_line)[np.cumsum(first_line) - 1]
    # Distinct products within an order: real exports never list the same line twice.
    product = "Product " + pd.Series((at * 7 + line_no) % 97).astype(str)

    def order_level(values, blank=""):
        """Shopify puts order fields on the first line only."""
        values = pd.Series(np.asarray(values, dtype=object)[at])
        return values.where(first_line, blank)

    if kind == "shopify":
        status = np.select(
            [fault == "partial_refund", fault == "full_refund", fault == "voided", fault == "unpaid"],
            ["partially_refunded", "refunded", "voided", "pending"], "paid",
        )
        created = (_iso(when) + " -0500").where(fault != "bad_date", "not a date").to_numpy()
        cancelled = np.where(fault == "cancelled", _iso(when).to_numpy(), "")
        frame = pd.DataFrame({
            "Name": "#" + pd.Series(1000 + at).astype(str),
            "Email": order_level(email.to_numpy()),
            "Financial Status": order_level(status),
            "Paid at": order_level(created),
            "Created at": order_level(created),
            "Total": order_level(total / 100, np.nan),
            "Subtotal": order_level(subtotal / 100, np.nan),
            "Discount Code": order_level(np.where(discount > 0, "WELCOME10", "")),
            "Discount Amount": order_level(discount / 100, np.nan),
            "Refunded Amount": order_level(refund / 100, np.nan),
            "Lineitem quantity": qty,
            "Lineitem name": product,
            "Lineitem price": price / 100,
            "Currency": order_level(currency),
            "Cancelled at": order_level(cancelled),
            "Tags": order_level(np.where(fault == "test", "test, internal", "")),
            "Source": order_level(channel),
        })
    elif kind == "woocommerce":
        status = np.select(
            [fault == "full_refund", fault == "cancelled", fault == "failed", fault == "unpaid"],
            ["refunded", "cancelled", "failed", "on-hold"], np.where(rng.random(n) < 0.5, "completed", "processing"),
        )
        date = _iso(when).where(fault != "bad_date", "n/a").to_numpy()
        frame = pd.DataFrame({
            "Order ID": 5000 + at,
            "Order Date": date[at],
            "Order Status": status[at],
            "Billing Email": email.to_numpy()[at],
            "Customer User": np.where(guest, 0, customer + 1)[at],
            "Order Total Amount": (total / 100)[at],
            "Cart Discount": (discount / 100)[at],
            "Coupon Code": np.where(discount > 0, "save10", "")[at],
            "Order Refund": (-refund / 100)[at],
            "Order Currency": currency[at],
            "Item Name": product,
            "Quantity": qty,
            "Item Cost": price / 100,
        })
    else:
        status_ok = fault != "failed"
        amount_refunded = refund
        if kind == "stripe_api":
            frame = pd.DataFrame({
                "id": "ch_" + pd.Series(np.arange(n)).astype(str),
                "amount": total,
                "amount_refunded": amount_refunded,
                "currency": np.char.lower(currency.astype(str)),
                "customer": pd.Series("cus_" + pd.Series(customer).astype(str)).where(~guest, ""),
                "created": when.astype("datetime64[s]").astype(np.int64),
                "status": np.select([~status_ok, fault == "unpaid"], ["failed", "pending"], "succeeded"),
                "captured": fault != "not_captured",
                "refunded": fault == "full_refund",
                "livemode": fault != "test",
                "description": "Order",
            })
        else:
            frame = pd.DataFrame({
                "id": "ch_" + pd.Series(np.arange(n)).astype(str),
                "Created (UTC)": pd.Series(np.datetime_as_string(when, unit="m")).str.replace("T", " ", regex=False),
                "Amount": total / 100,
                "Amount Refunded": amount_refunded / 100,
                "Currency": np.char.lower(currency.astype(str)),
                "Status": np.select([~status_ok, fault == "unpaid", refund > 0], ["Failed", "Pending", "Refunded"], "Paid"),
                "Captured": np.where(fault == "not_captured", "false", "true"),
                "Customer ID": pd.Series("cus_" + pd.Series(customer).astype(str)).where(~guest, ""),
                "Customer Email": email,
                "Description": "Order",
            })
        at = np.arange(n)
    frame["_order"] = at
    return frame
