"""Turn mapped export rows into one clean row per kept order, counting everything set aside.

Order of work: parse cells -> hash customer keys -> drop exact duplicate rows ->
fold line items into orders -> give every order at most one exclusion reason
(first match in EXCLUSION_ORDER) -> convert or set aside other currencies ->
reconcile revenue in integer cents, per source currency.

Money conventions: an order's amount is what the export calls its total (after
discounts, before refunds). Refunds are netted against their order. Records with
a negative amount (UCI 'C' invoices, credit notes) are returns: netted against
the customer's revenue and not counted as orders.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from skill.orders.mapping import ColumnMapping
from skill.orders.models import CleaningReport, CurrencyReconciliation, ExclusionLine
from skill.orders.parse import clean_text, factorize, hash_keys, is_arrow_text, to_datetime, to_flag, to_number
from skill.orders.read import OrdersInputError, RawTable

logger = logging.getLogger(__name__)

DEFAULT_ID_SALT = "ltv-optimizer/v1"
ZERO_DECIMAL_CURRENCIES = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}  # fmt: skip
STATUS_REASONS = {
    "cancelled": {"cancelled", "canceled", "cancel", "trash", "deleted"},
    "voided": {"voided", "void"},
    "failed_payment": {"failed", "declined", "failure", "payment_failed", "blocked"},
    "unpaid": {
        "pending", "authorized", "on_hold", "unpaid", "draft", "checkout_draft", "requires_payment_method",
        "requires_action", "requires_capture", "requires_confirmation", "incomplete", "awaiting_payment", "expired",
    },
}
KEPT_STATUSES = {
    "paid", "completed", "complete", "processing", "succeeded", "success", "refunded", "partially_refunded",
    "partially_paid", "fulfilled", "shipped", "delivered", "captured", "partial_refund", "settled", "approved",
}
EXCLUSION_ORDER = (
    "unparseable_date",
    "test_order",
    "cancelled",
    "voided",
    "failed_payment",
    "unpaid",
    "not_captured",
    "missing_amount",
    "zero_amount",
    "other_currency",
)
EXCLUSION_MEANING = {
    "duplicate_row": "exact copy of an earlier row",
    "unparseable_date": "order date missing or unreadable",
    "test_order": "test order (test tag/flag or Stripe test mode)",
    "cancelled": "cancelled or deleted order",
    "voided": "payment voided",
    "failed_payment": "payment failed or declined",
    "unpaid": "pending, authorised-only or on-hold: not paid",
    "not_captured": "card payment authorised but never captured",
    "missing_amount": "no readable amount on any row of the order",
    "zero_amount": "order total of zero",
    "other_currency": "currency other than the analysis currency and no fx rate given",
}


@dataclass(frozen=True)
class LoadedOrders:
    """Kept orders (one row each, guests and returns included) plus the reports that explain them.

    `orders` columns: order_id, customer_id (hashed key; missing for guests), order_date,
    amount, refund, net, is_return, has_discount, margin_amount (NaN if unknown), channel,
    product, source_currency. Money is in `currency`.
    """

    orders: pd.DataFrame
    cleaning: CleaningReport
    mapping: ColumnMapping
    unmapped_columns: list[str]
    currency: str | None
    margin_measured: bool
    warnings: list[str] = field(default_factory=list)


def _factorize_all(rows: dict[str, pd.Series], names: list[str]) -> dict[str, tuple[np.ndarray, pd.Index]]:
    """factorize each named column, a few at once: Arrow's dictionary_encode releases the GIL,
    and the columns are independent, so threads cut this step by about a third on two cores."""
    with ThreadPoolExecutor(max_workers=min(len(names), os.cpu_count() or 1) or 1) as pool:
        return dict(zip(names, pool.map(lambda name: factorize(rows[name]), names)))


def _first_row(order_code: np.ndarray, valid: np.ndarray, n_orders: int) -> np.ndarray:
    """Index of each order's first row where `valid` holds, -1 if none (one unbuffered ufunc pass, no sort)."""
    candidates = np.flatnonzero(valid)
    first = np.full(n_orders, len(valid), dtype=np.int64)
    np.minimum.at(first, order_code[candidates], candidates)
    return np.where(first < len(valid), first, -1)


def _order_level_money(columns: dict[str, pd.Series], order_code: np.ndarray, keep_row: np.ndarray, amount_row: np.ndarray, n_orders: int) -> pd.DataFrame:
    """Per order: the amount on the row that carries its total (`amount_row`, -1 for none), and each
    other money column's first value on a kept row, as groupby().first() gives them, without
    hashing a million order codes to group them."""
    per_order = {}
    for name, values in columns.items():
        cells = values.to_numpy(dtype="float64")
        rows = amount_row if name == "amount" else _first_row(order_code, keep_row & ~np.isnan(cells), n_orders)
        per_order[name] = np.where(rows >= 0, cells[np.maximum(rows, 0)], np.nan)
    return pd.DataFrame(per_order)


def _line_level_money(columns: dict[str, pd.Series], order_code: np.ndarray, keep_row: np.ndarray) -> pd.DataFrame:
    """Per order: the sums of its kept rows (pandas' compensated sums), an order with no readable amount missing."""
    kept_rows = pd.DataFrame({name: values.to_numpy()[keep_row] for name, values in columns.items()} | {"order": order_code[keep_row]})
    # Codes are 0..n-1, so a sorted groupby lines its rows up with order_labels and the bincounts below.
    grouped = kept_rows.groupby("order", sort=True)
    orders = grouped[list(columns)].sum()
    # sum() of an all-missing group is 0; an order with no readable amount must stay missing.
    orders["amount"] = orders["amount"].where(grouped["amount"].count() > 0)
    return orders.reset_index(drop=True)


@dataclass(frozen=True)
class _Folded:
    """Per-order codes into `categories` (-1 = missing): a Categorical without the cost of
    validating hundreds of thousands of categories (order dates, customer keys)."""

    codes: np.ndarray
    categories: pd.Index

    def text(self, orders: np.ndarray, index: pd.Index) -> pd.Series:
        """The labels of `orders` as a str column (missing for -1), by one Arrow take."""
        codes = self.codes[orders]
        categories = self.categories.array
        if isinstance(categories, pd.arrays.ArrowStringArray):  # Arrow text already: no Python string per category
            labels = pa.chunked_array(categories.__arrow_array__()).cast(pa.large_string())
        else:
            labels = pa.array(np.asarray(categories, dtype=object), type=pa.large_string())
        taken = pc.take(labels, pa.array(codes, mask=codes < 0))
        return pd.Series(pd.arrays.ArrowStringArray(taken, dtype=pd.StringDtype("pyarrow", na_value=np.nan)), index=index)


def _fold_codes(row_codes: np.ndarray, order_code: np.ndarray, n_orders: int, categories) -> _Folded:
    """Each order's first non-missing code (-1 marks missing), over `categories`."""
    first = _first_row(order_code, row_codes >= 0, n_orders)
    codes = np.where(first >= 0, row_codes[np.maximum(first, 0)], -1) if len(row_codes) else first
    return _Folded(codes, pd.Index(categories))


def _first_text_per_order(values: pd.Series, order_code: np.ndarray, n_orders: int) -> pd.Series:
    """Each order's first non-blank cell of Arrow text `values`, stripped (missing if none).

    For columns whose cells are nearly all distinct (order dates): reading each order's
    own cell costs far less than factorising every row to find as many categories.
    """
    first = _first_row(order_code, values.notna().to_numpy(), n_orders)
    picked = clean_text(pd.Series(values.array.take(first, allow_fill=True)))
    if (picked.isna().to_numpy() & (first >= 0)).any():  # a blank cell came first in some order: look past blanks
        first = _first_row(order_code, clean_text(values).notna().to_numpy(), n_orders)
        picked = clean_text(pd.Series(values.array.take(first, allow_fill=True)))
    return picked


def _order_dates(values: pd.Series, coded: tuple[np.ndarray, pd.Index] | None, order_code: np.ndarray, n_orders: int) -> np.ndarray:
    """Each order's date as datetime64[ns], NaT where missing or unreadable: parsed once per
    distinct value when the column was factorised (`coded`), else from each order's own cell."""
    if coded is None:
        dates = to_datetime(_first_text_per_order(values, order_code, n_orders)).to_numpy()
    else:
        row_codes, categories = _cleaned_codes(*coded)
        dates = _on_categories(_fold_codes(row_codes, order_code, n_orders, categories), to_datetime, np.datetime64("NaT", "ns"))
    return np.asarray(dates).astype("datetime64[ns]")


def _cleaned_codes(codes: np.ndarray, uniques) -> tuple[np.ndarray, pd.Index]:
    """Row codes of the stripped, non-empty text of factorised cells (-1 for missing), and that text.

    Only the distinct values are converted and stripped, so a million rows of strings
    are never copied or compared row by row.
    """
    raw = pd.Series(uniques, dtype="str" if len(uniques) else "object")
    cleaned = clean_text(raw)
    if cleaned.notna().all() and cleaned.eq(raw).all():
        # Nothing to strip: the distinct values stay distinct and keep their codes.
        return codes, pd.Index(cleaned.array)
    cleaned_codes, categories = factorize(cleaned)
    row_codes = np.where(codes >= 0, cleaned_codes[np.maximum(codes, 0)] if len(uniques) else -1, -1)
    return row_codes, categories


def _dense_codes_by_sorting(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Codes 0..n-1 of the distinct values of `key` (in sorted order), and n.

    NumPy's stable sort is a timsort, close to linear on keys that are already nearly in
    order: several times faster than hashing a million keys (pd.factorize) in that case.
    """
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.empty(len(key), dtype=bool)
    starts[:1] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=starts[1:])
    codes = np.empty(len(key), dtype=np.int64)
    codes[order] = np.cumsum(starts) - 1
    return codes, int(codes.max()) + 1 if len(key) else 0


class _RowIdentity:
    """Exact duplicate detection: one integer per distinct row, built a column at a time.

    Each column contributes its factorised codes; the running key is re-factorised
    before it could overflow, so the result is exact (no hash collisions). Each
    re-factorisation also drops the rows that no other row matches so far: they cannot
    be copies, and every later column and the final pass touch only the rows still
    tied. Columns given by value (`add_last`) come last and are factorised on those
    rows only: text not factorised elsewhere, and numbers, compared bit for bit as
    pandas' row hashing does.

    `nearly_sorted` says the first column's codes rarely decrease down the rows (an
    order id whose line items sit together, as exports list them): the first pass over
    every row then sorts the nearly ordered keys instead of hashing them.
    """

    def __init__(self, n_rows: int, *, nearly_sorted: bool = False) -> None:
        self.n_rows = n_rows
        self.nearly_sorted = nearly_sorted
        self.rows: np.ndarray | None = None  # rows that still match some other row on every column so far (None: all)
        self.key = np.zeros(n_rows, dtype=np.int64)  # their running key, below self.size
        self.size = 1
        self.last: list[pd.Series] = []

    def _settle(self) -> None:
        if self.rows is None and self.nearly_sorted:
            key, size = _dense_codes_by_sorting(self.key)
        else:
            key, uniques = pd.factorize(self.key)
            size = len(uniques)
        tied = np.bincount(key, minlength=size)[key] > 1
        self.rows = np.flatnonzero(tied) if self.rows is None else self.rows[tied]
        self.key, self.size = key[tied], size

    def _make_room(self, n_values: int) -> None:
        if self.size * (n_values + 1) >= 2**62:
            self._settle()

    def _fold(self, row_codes: np.ndarray, n_values: int) -> None:
        """Fold in one column: codes of the rows in self.rows (-1 for missing) over `n_values` values."""
        self.key = self.key * (n_values + 1) + (row_codes + 1)
        self.size *= n_values + 1

    def add(self, codes: np.ndarray, n_values: int) -> None:
        self._make_room(n_values)
        self._fold(codes if self.rows is None else codes[self.rows], n_values)

    def add_last(self, values: pd.Series) -> None:
        self.last.append(values)

    def duplicated(self) -> tuple[np.ndarray, np.ndarray]:
        """(row is a copy of an earlier row, row key: equal exactly for identical rows)."""
        self._settle()
        for values in self.last:
            self._make_room(len(self.key))  # a column has at most that many distinct values here
            if _is_number_column(values):
                bits = values.to_numpy()[self.rows]
                codes, distinct = pd.factorize(bits.view(f"u{bits.dtype.itemsize}"))
            else:
                codes, distinct = factorize(values.iloc[self.rows])
            self._fold(codes, len(distinct))
        self._settle()
        # Rows dropped along the way match no other row: each gets a key of its own, above the tied rows' keys.
        key = self.size + np.arange(self.n_rows, dtype=np.int64)
        key[self.rows] = self.key
        first = np.full(self.size, len(self.rows), dtype=np.int64)
        np.minimum.at(first, self.key, np.arange(len(self.rows)))
        duplicate = np.zeros(self.n_rows, dtype=bool)
        duplicate[self.rows] = first[self.key] != np.arange(len(self.rows))
        return duplicate, key


def _on_categories(cat: _Folded, func, missing) -> np.ndarray:
    """Apply `func` to the few distinct values of `cat`, then spread the result to every order.

    The values keep their Arrow-backed text dtype: a round trip through Python objects
    costs more than parsing a few hundred thousand distinct order dates.
    """
    per_category = np.asarray(func(pd.Series(cat.categories)))
    if len(per_category) == 0:
        return np.full(len(cat.codes), missing)
    return np.where(cat.codes >= 0, per_category[np.maximum(cat.codes, 0)], missing)


def _status_reason_of(statuses: pd.Series) -> np.ndarray:
    """Exclusion reason of each distinct status value ('' when the order is kept)."""
    by_value = {status: reason for reason, values in STATUS_REASONS.items() for status in values}
    normalized = statuses.str.lower().str.replace(r"[\s-]+", "_", regex=True)
    return np.array([by_value.get(value, "") for value in normalized], dtype=object)


def _unknown_statuses(status: _Folded) -> list[tuple[str, int]]:
    known = set().union(*STATUS_REASONS.values(), KEPT_STATUSES)
    counts = np.bincount(status.codes[status.codes >= 0], minlength=len(status.categories))
    normalized = pd.Series(status.categories, dtype=object).str.lower().str.replace(r"[\s-]+", "_", regex=True)
    unknown = [(str(v), int(c)) for v, c in zip(normalized, counts) if c and v not in known]
    return sorted(unknown, key=lambda item: -item[1])


def _upper_currency(cat: _Folded) -> _Folded:
    codes, categories = pd.factorize(pd.Series(cat.categories, dtype=object).str.upper())
    return _Folded(np.where(cat.codes >= 0, codes[np.maximum(cat.codes, 0)] if len(codes) else -1, -1), pd.Index(categories))


def _cents_by_currency(cents: np.ndarray, code: np.ndarray, labels: np.ndarray) -> pd.Series:
    """Exact integer sums of `cents` per currency label, over the currencies that occur.

    Groups on the integer codes first (hashing a label per row costs ten times more);
    two codes can share a label (no currency given = the analysis currency), so the few
    per-code sums are then summed by label.
    """
    by_code = pd.Series(cents).groupby(code).sum()
    return by_code.groupby(labels[by_code.index.to_numpy()]).sum()


def _cents(values: pd.Series) -> np.ndarray:
    return np.round(values.fillna(0.0).to_numpy(dtype="float64") * 100).astype(np.int64)


def _customer_key_codes(rows: dict[str, pd.Series], factorized: dict, mapping: ColumnMapping, salt: str) -> tuple[np.ndarray, pd.Index]:
    """One key per row: email, else customer id, else phone. Emails, phones and id values holding an '@' are hashed.

    Works on the distinct values of each column and returns row codes into the
    distinct keys (-1 for none), so no per-row string is ever built.
    """
    per_source: list[tuple[np.ndarray, pd.Series]] = []
    if "email" in rows:
        codes, uniques = factorized["email"]
        email = clean_text(pd.Series(uniques)).str.lower()
        per_source.append((codes, hash_keys(email, salt)))
    if "customer_id" in rows:
        codes, uniques = factorized["customer_id"]
        ids = clean_text(pd.Series(uniques))
        if mapping.source_format == "woocommerce":
            ids = ids.where(ids != "0")  # Customer User 0 is WooCommerce's guest
        private = ids.str.contains("@", regex=False).fillna(False).astype(bool)
        if private.any():
            ids = ids.where(~private, hash_keys(ids.where(private).str.lower(), salt))
        per_source.append((codes, ids))
    if "phone" in rows:
        codes, uniques = factorized["phone"]
        digits = clean_text(pd.Series(uniques)).str.replace(r"\D", "", regex=True)
        per_source.append((codes, hash_keys(digits.where(digits.str.len() >= 6), salt)))
    n_rows = len(next(iter(rows.values())))
    key = np.full(n_rows, -1, dtype=np.int64)
    offset = 0
    for codes, labels in per_source:
        usable = labels.notna().to_numpy()
        found = (codes >= 0) & usable[np.maximum(codes, 0)] if len(labels) else np.zeros(n_rows, dtype=bool)
        key = np.where((key < 0) & found, codes + offset, key)
        offset += len(labels)
    all_labels = pd.concat([labels for _, labels in per_source], ignore_index=True).astype("str")
    label_codes, distinct = factorize(all_labels)
    return np.where(key >= 0, label_codes[np.maximum(key, 0)] if len(all_labels) else -1, -1), distinct


TEXT_FIELDS = ("order_date", "channel", "product", "currency", "status", "cancelled_at", "tags", "test", "livemode", "captured", "discount_code")  # fmt: skip
KEY_FIELDS = ("email", "customer_id", "phone")


def _row_columns(raw: RawTable, mapping: ColumnMapping) -> dict[str, pd.Series]:
    """Mapped columns by field name, sharing the raw frame's memory (no copy of a million rows)."""
    index = pd.RangeIndex(len(raw.frame))
    return {f: pd.Series(raw.frame[m.column].array, index=index, name=f, copy=False) for f, m in mapping.fields.items()}


def _order_codes(rows: dict[str, pd.Series], factorized: dict) -> tuple[np.ndarray, object]:
    """Row -> order code (0..n-1 in order of first appearance) and the order ids; rows without an id are orders of their own."""
    n_rows = len(next(iter(rows.values())))
    if "order_id" in rows:
        codes, uniques = factorized["order_id"]
        order_code, labels = _cleaned_codes(codes, uniques)
        if (order_code >= 0).all():
            return order_code, labels
        index = pd.Series(np.arange(n_rows).astype(str))
        order_key = clean_text(rows["order_id"]).fillna("row:" + index)
    else:
        order_key = pd.Series(np.arange(n_rows).astype(str), dtype="str")
    return pd.factorize(order_key)


def _duplicate_rows(rows: dict[str, pd.Series], factorized: dict) -> tuple[np.ndarray, np.ndarray]:
    """_RowIdentity.duplicated over every mapped column: text by its codes, numbers bit for bit.

    Copies share their order id, so it goes first; the other factorised text columns
    follow from fewest to most distinct values, so that as many columns as possible
    (product names among them, which tell line items apart) fold in before the key must
    be re-factorised, and that one pass over every row leaves few rows tied. Text that
    was not factorised (order dates) and numbers then only touch the rows still tied.
    """
    order_codes = factorized["order_id"][0]
    out_of_order = np.count_nonzero(order_codes[1:] < order_codes[:-1])
    identity = _RowIdentity(len(order_codes), nearly_sorted=out_of_order <= len(order_codes) // 100)
    text = [name for name, values in rows.items() if not _is_number_column(values)]
    coded = sorted((name for name in text if name in factorized), key=lambda name: (name != "order_id", len(factorized[name][1])))
    for name in coded:
        codes, uniques = factorized[name]
        identity.add(codes, len(uniques))
    for name in text:
        if name not in factorized:
            identity.add_last(rows[name])
    for values in rows.values():
        if _is_number_column(values):
            identity.add_last(values)
    return identity.duplicated()


def _is_number_column(values: pd.Series) -> bool:
    return isinstance(values.dtype, np.dtype) and values.dtype.kind in "biufmM"


def clean_orders(
    raw: RawTable,
    mapping: ColumnMapping,
    *,
    currency: str | None = None,
    fx_rates: dict[str, float] | None = None,
    id_salt: str = DEFAULT_ID_SALT,
) -> LoadedOrders:
    """Map, parse, fold and filter the export; see the module docstring for the rules."""
    rows = _row_columns(raw, mapping)
    n_rows = len(raw.frame)
    index = pd.RangeIndex(n_rows)
    if n_rows == 0:
        raise OrdersInputError("The export has a header but no rows")
    warnings: list[str] = []
    fx = {k.strip().upper(): float(v) for k, v in (fx_rates or {}).items()}
    bad_rates = sorted(k for k, v in fx.items() if not v > 0)
    if bad_rates:
        raise OrdersInputError(f"fx_rates must be positive numbers; check {bad_rates}")

    # -- parse money ---------------------------------------------------------------
    unreadable = pd.Series(False, index=index)
    money: dict[str, pd.Series] = {}
    for name in ("amount", "quantity", "unit_price", "refund", "discount", "cost", "margin"):
        if name in rows:
            money[name], bad = to_number(rows[name])
            if name in ("amount", "quantity", "unit_price"):
                unreadable |= bad
    if "amount" in money:
        amount = money["amount"]
    else:
        amount = money["quantity"] * money["unit_price"]
    minor_units = bool(
        mapping.source_format == "stripe"
        and mapping.column("amount") == "amount"
        and pd.api.types.is_integer_dtype(rows["amount"])
    )
    if minor_units:
        # Stripe API fields (amount, amount_refunded) are integers in the currency's minor unit.
        divisor = pd.Series(100.0, index=index)
        if "currency" in rows:
            divisor = divisor.where(~clean_text(rows["currency"]).str.upper().isin(ZERO_DECIMAL_CURRENCIES), 1.0)
        amount = amount / divisor
        if "refund" in money:
            money["refund"] = money["refund"] / divisor
    refund = money.get("refund", pd.Series(0.0, index=index)).abs()

    # -- order ids, duplicates, line-item folding ---------------------------------------
    # Each column is factorised once; its codes serve duplicate detection, order keys,
    # customer keys and the first value per order alike. Order dates as text are the
    # exception: nearly every order has its own, so each order's cell is read instead.
    has_order_ids = "order_id" in rows
    dates_by_order = is_arrow_text(rows["order_date"])
    to_factorize = [
        name for name, values in rows.items()
        if (name in ("order_id", *KEY_FIELDS, *TEXT_FIELDS) or (has_order_ids and not _is_number_column(values)))
        and not (name == "order_date" and dates_by_order)
    ]
    factorized = _factorize_all(rows, to_factorize)
    order_code, order_labels = _order_codes(rows, factorized)
    n_orders = len(order_labels)
    with ThreadPoolExecutor(max_workers=1) as background:
        # Parsing dates is mostly Arrow kernels, which release the GIL: it runs on the other core
        # while this thread folds text, finds copies and builds customer keys.
        order_dates = background.submit(_order_dates, rows["order_date"], factorized.get("order_date"), order_code, n_orders)
        text: dict[str, _Folded] = {}
        for name in rows:
            if name in TEXT_FIELDS and name in factorized and name != "order_date":
                row_codes, categories = _cleaned_codes(*factorized[name])
                text[name] = _fold_codes(row_codes, order_code, n_orders, categories)
        # Without order ids identical rows are legitimate repeat purchases (CDNOW has many).
        duplicate, row_key = _duplicate_rows(rows, factorized) if has_order_ids else (np.zeros(n_rows, dtype=bool), None)
        key_codes, keys = _customer_key_codes(rows, factorized, mapping, id_salt)
        del factorized  # a million-row code array per column: free it for the steps below
        order_date = order_dates.result()

    row_amount_cents = _cents(amount)
    if mapping.amount_level == "order":
        # The order total counts once: on the first row that carries one (Shopify leaves the rest empty,
        # WooCommerce repeats it on every line).
        # A copy of an earlier row is never the first, so the head is always a kept row.
        has_amount = amount.notna().to_numpy()
        first_with_amount = _first_row(order_code, has_amount, n_orders)
        head = np.zeros(n_rows, dtype=bool)
        head[first_with_amount[first_with_amount >= 0]] = True
        head_copy = np.zeros(n_rows, dtype=bool)
        if row_key is not None:
            head_key = np.full(n_orders, -1, dtype=np.int64)
            head_key[order_code[head]] = row_key[head]
            head_copy = duplicate & has_amount & (row_key == head_key[order_code])
        counted = head | head_copy
    else:
        counted = ~amount.isna().to_numpy()
    rows_without_amount = int(n_rows - amount.notna().sum())
    keep_row = ~duplicate

    order_money = {"amount": amount, "refund": refund} | {name: money[name] for name in ("discount", "cost", "margin") if name in money}
    if mapping.amount_level == "order":
        orders = _order_level_money(order_money, order_code, keep_row, first_with_amount, n_orders)
    else:
        orders = _line_level_money(order_money, order_code, keep_row)
    orders["n_rows"] = np.bincount(order_code[keep_row], minlength=n_orders)
    customer_key = _fold_codes(key_codes, order_code, n_orders, keys)
    order_labels = pd.Index(order_labels)
    # Arrow-backed ids go in as they are: np.asarray would build a Python string per order.
    orders["order_id"] = order_labels.array if isinstance(order_labels.dtype, pd.StringDtype) else np.asarray(order_labels)

    # -- per-order reasons -----------------------------------------------------------------
    orders["order_date"] = order_date
    reasons: dict[str, pd.Series] = {"unparseable_date": orders["order_date"].isna()}
    no = np.zeros(n_orders, dtype=bool)
    test = no.copy()
    if "tags" in text:
        test |= _on_categories(text["tags"], lambda t: t.str.contains(r"(?i)\btest\b", regex=True).fillna(False), False).astype(bool)
    if "test" in text:
        test |= _on_categories(text["test"], lambda t: to_flag(t).fillna(False), False).astype(bool)
    if "livemode" in text:
        test |= _on_categories(text["livemode"], lambda t: ~to_flag(t).fillna(True), False).astype(bool)
    reasons["test_order"] = pd.Series(test)
    status = text.get("status")
    status_reason = _on_categories(status, _status_reason_of, "") if status is not None else np.full(n_orders, "")
    unknown_status = _unknown_statuses(status) if status is not None else []
    cancelled = status_reason == "cancelled"
    if "cancelled_at" in text:
        cancelled |= text["cancelled_at"].codes >= 0
    reasons["cancelled"] = pd.Series(cancelled)
    for reason in ("voided", "failed_payment", "unpaid"):
        reasons[reason] = pd.Series(status_reason == reason)
    reasons["not_captured"] = pd.Series(
        _on_categories(text["captured"], lambda t: ~to_flag(t).fillna(True), False).astype(bool) if "captured" in text else no
    )
    reasons["missing_amount"] = orders["amount"].isna()
    reasons["zero_amount"] = orders["amount"].eq(0) & orders["refund"].fillna(0).eq(0)

    if unknown_status:
        listed = ", ".join(f"{name} ({count})" for name, count in unknown_status[:5])
        warnings.append(f"Unrecognised order status values kept as paid: {listed}")

    # -- currency --------------------------------------------------------------------------
    no_currency = _Folded(np.full(n_orders, -1), pd.Index([], dtype=object))
    source_currency = _upper_currency(text["currency"]) if "currency" in text else no_currency
    counts = pd.Series(np.bincount(source_currency.codes[source_currency.codes >= 0], minlength=len(source_currency.categories)), index=source_currency.categories)
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    analysis_currency = currency.strip().upper() if currency else (str(counts.index[0]) if len(counts) else None)
    if currency and len(counts) and analysis_currency not in counts.index:
        raise OrdersInputError(f"No orders in {analysis_currency}; the export has {sorted(counts.index)}")
    # Per-order currency code into currency_labels; orders without one (code -1, the last label)
    # count as the analysis currency.
    currency_labels = np.append(np.asarray(source_currency.categories, dtype=object), analysis_currency or "")
    currency_code = np.where(source_currency.codes >= 0, source_currency.codes, len(currency_labels) - 1)
    currency_key = currency_labels[currency_code]
    rate = pd.Series(1.0, index=orders.index)
    missing_currency = int((source_currency.codes < 0).sum())
    if analysis_currency is not None:
        rates = np.array([1.0 if c == analysis_currency else fx.get(c, np.nan) for c in source_currency.categories] + [1.0])
        rate = pd.Series(rates[source_currency.codes])
        reasons["other_currency"] = rate.isna()
        if missing_currency and len(counts):
            warnings.append(f"{missing_currency} orders have no currency; treated as {analysis_currency}")
    else:
        reasons["other_currency"] = pd.Series(no)

    reason_index = np.full(n_orders, len(EXCLUSION_ORDER))
    for position in range(len(EXCLUSION_ORDER) - 1, -1, -1):  # the earliest matching reason wins
        reason_index = np.where(np.asarray(reasons[EXCLUSION_ORDER[position]], dtype=bool), position, reason_index)
    reason_of = np.array((*EXCLUSION_ORDER, ""), dtype=object)[reason_index]
    excluded = reason_index < len(EXCLUSION_ORDER)

    # -- reconciliation in integer cents, per source currency -----------------------------
    # Per order first (bincount's float sums of integer cents are exact far beyond any export's total).
    # Copies are few: their sums run over their own rows only.
    copies = np.flatnonzero(duplicate)
    order_cents = np.bincount(order_code, weights=np.where(counted & keep_row, row_amount_cents, 0), minlength=n_orders).astype(np.int64)
    copy_cents = np.bincount(order_code[copies], weights=np.where(counted[copies], row_amount_cents[copies], 0), minlength=n_orders).astype(np.int64)
    dup_rows = np.bincount(order_code[copies], minlength=n_orders)
    orders["cents"] = order_cents
    in_cents = order_cents + copy_cents
    in_by_currency = _cents_by_currency(in_cents, currency_code, currency_labels)
    kept_by_currency = _cents_by_currency(orders["cents"].to_numpy()[~excluded], currency_code[~excluded], currency_labels)
    excl_frame = pd.DataFrame(
        {"reason": reason_of[excluded], "cents": orders.loc[excluded, "cents"], "rows": orders.loc[excluded, "n_rows"], "currency": currency_key[excluded]}
    )
    has_copies = dup_rows > 0
    dup_frame = pd.DataFrame(
        {
            "cents": copy_cents[has_copies], "rows": dup_rows[has_copies].astype(np.int64),
            "currency": currency_key[has_copies], "reason": "duplicate_row",
        }
    )
    lines = pd.concat([dup_frame, excl_frame.assign(orders=1)], ignore_index=True)
    lines["orders"] = lines["orders"].fillna(0).astype(np.int64) if "orders" in lines else 0
    lines.loc[lines["reason"] == "duplicate_row", "orders"] = (lines.loc[lines["reason"] == "duplicate_row", "cents"] != 0).astype(np.int64)
    excluded_table = lines.groupby(["reason", "currency"], sort=False).agg(rows=("rows", "sum"), orders=("orders", "sum"), cents=("cents", "sum")).reset_index()
    excl_by_currency = excluded_table.groupby("currency")["cents"].sum()

    reconciliation = []
    for cur in sorted(set(in_by_currency.index) | set(kept_by_currency.index) | set(excl_by_currency.index)):
        c_in, c_kept, c_excl = (int(s.get(cur, 0)) for s in (in_by_currency, kept_by_currency, excl_by_currency))
        reconciliation.append(
            CurrencyReconciliation(
                currency=cur or None, revenue_in=c_in / 100, kept=c_kept / 100, excluded=c_excl / 100,
                difference=(c_in - c_kept - c_excl) / 100, reconciles=c_in == c_kept + c_excl,
            )
        )
    rank = {r: i for i, r in enumerate(("duplicate_row", *EXCLUSION_ORDER))}
    exclusion_lines = sorted(
        (
            ExclusionLine(reason=r.reason, rows=int(r.rows), orders=int(r.orders), amount=int(r.cents) / 100, currency=r.currency or None)
            for r in excluded_table.itertuples()
        ),
        key=lambda line: (rank[line.reason], line.currency or ""),
    )

    # -- kept orders in the analysis currency --------------------------------------------------
    kept = orders.loc[~excluded]  # a new frame already (copy-on-write): no second copy
    kept_rate = rate[~excluded].fillna(1.0)
    for name in ("amount", "refund", "discount", "cost", "margin"):
        if name in kept:
            kept[name] = kept[name] * kept_rate
    uci_credit = (
        kept["order_id"].str.upper().str.startswith("C") if mapping.source_format == "uci_online_retail" else False
    )
    kept["is_return"] = (kept["amount"] < 0) | uci_credit
    kept["amount"] = kept["amount"].where(~kept["is_return"], -kept["amount"].abs())
    kept["refund"] = kept["refund"].fillna(0.0).where(~kept["is_return"], 0.0)
    kept["net"] = kept["amount"] - kept["refund"]
    over_refunded = int((kept["refund"] > kept["amount"] + 0.005).sum())
    if over_refunded:
        warnings.append(f"{over_refunded} orders were refunded more than their amount; netted as given")
    has_discount = pd.Series(False, index=kept.index)
    if "discount" in kept:
        has_discount |= kept["discount"].abs().fillna(0) > 0
    if "discount_code" in kept:
        has_discount |= text["discount_code"].codes[kept.index] >= 0
    kept["has_discount"] = has_discount & ~kept["is_return"]
    margin_measured = "cost" in kept or "margin" in kept
    if "cost" in kept:
        kept["margin_amount"] = kept["amount"] - kept["cost"].fillna(0)
    elif "margin" in kept:
        margin = kept["margin"]
        is_rate = margin.abs().le(1).mean() > 0.95 or "pct" in (mapping.column("margin") or "").lower()
        scale = 100.0 if is_rate and margin.abs().max() > 1 else 1.0
        kept["margin_amount"] = kept["amount"] * margin / scale if is_rate else margin
    else:
        kept["margin_amount"] = np.nan
    if margin_measured:
        # A refund gives back its share of the order's margin.
        kept_share = (kept["net"] / kept["amount"]).where(kept["amount"] > 0, 1.0).clip(lower=0)
        kept["margin_amount"] = kept["margin_amount"] * kept_share
    kept_orders = kept.index.to_numpy()
    kept = kept.reset_index(drop=True)
    none = _Folded(np.full(n_orders, -1), pd.Index([], dtype=object))
    folded = {"customer_id": customer_key, "channel": text.get("channel", none), "product": text.get("product", none), "source_currency": source_currency}  # fmt: skip
    for name, values in folded.items():
        kept[name] = values.text(kept_orders, kept.index)
    columns = ["order_id", "customer_id", "order_date", "amount", "refund", "net", "is_return", "has_discount", "margin_amount", "channel", "product", "source_currency"]  # fmt: skip
    kept = kept[columns]

    returns = kept["is_return"]
    guest = kept["customer_id"].isna() & ~returns
    # Customers by key code (one code per distinct key): who bought, and who only returned goods.
    kept_key, is_return = customer_key.codes[kept_orders], returns.to_numpy()
    bought = np.zeros(len(customer_key.categories), dtype=bool)
    bought[kept_key[~is_return & (kept_key >= 0)]] = True
    returned = np.zeros(len(customer_key.categories), dtype=bool)
    returned[kept_key[is_return & (kept_key >= 0)]] = True
    only_returns = int((returned & ~bought).sum())
    report = CleaningReport(
        rows_in=n_rows,
        orders_in=n_orders,
        line_items_folded=int(keep_row.sum() - n_orders),
        rows_without_amount=rows_without_amount,
        unparseable_amount_rows=int(unreadable.sum()),
        excluded=exclusion_lines,
        orders_kept=int((~returns).sum()),
        guest_orders=int(guest.sum()),
        guest_revenue=round(float(kept.loc[guest, "net"].sum()), 2),
        refunds_netted=round(float(kept["refund"].sum()), 2),
        returns_netted=round(float(-kept.loc[returns, "amount"].sum()), 2) + 0.0,
        return_records=int(returns.sum()),
        customers_with_only_returns=only_returns,
        currencies={str(k): int(v) for k, v in counts.items()},
        fx_rates_applied={k: v for k, v in fx.items() if k in counts.index and k != analysis_currency},
        amounts_in_minor_units=minor_units,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        reconciliation=reconciliation,
        reconciles=all(line.reconciles for line in reconciliation),
    )
    if report.unparseable_amount_rows:
        warnings.append(f"{report.unparseable_amount_rows} rows had an unreadable amount, quantity or price")
    other = [line for line in exclusion_lines if line.reason == "other_currency"]
    if other:
        listed = ", ".join(f"{line.orders} orders in {line.currency}" for line in other)
        warnings.append(f"Analysed in {analysis_currency}; set aside {listed} (pass fx_rates to include them)")
    if minor_units:
        warnings.append("Stripe API amounts were in minor units (cents) and were divided by 100")
    return LoadedOrders(
        orders=kept,
        cleaning=report,
        mapping=mapping,
        unmapped_columns=[],
        currency=analysis_currency,
        margin_measured=margin_measured,
        warnings=warnings,
    )
