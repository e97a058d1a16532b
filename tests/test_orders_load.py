"""Reading, mapping and cleaning order exports, checked against generated ground truth."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from skill.orders import (
    OrdersInputError,
    analyze_orders_full,
    load_orders,
    write_customer_table,
)
from skill.orders.synth import KINDS, generate_export

EXPECTED_FORMAT = {"shopify": "shopify", "woocommerce": "woocommerce", "stripe_api": "stripe", "stripe_dashboard": "stripe"}


def _by_reason(cleaning) -> tuple[dict[str, int], dict[str, int]]:
    orders: dict[str, int] = {}
    cents: dict[str, int] = {}
    for line in cleaning.excluded:
        orders[line.reason] = orders.get(line.reason, 0) + line.orders
        cents[line.reason] = cents.get(line.reason, 0) + round(line.amount * 100)
    return orders, cents


@pytest.mark.parametrize("kind", KINDS)
def test_cleaning_matches_ground_truth(kind):
    frame, truth = generate_export(kind, 2500, seed=7)
    loaded = load_orders(csv_text=frame.to_csv(index=False), currency="USD")
    c = loaded.cleaning
    assert loaded.mapping.source_format == EXPECTED_FORMAT[kind]
    assert (c.rows_in, c.orders_in, c.line_items_folded) == (truth.rows, truth.orders, truth.line_items_folded)
    assert _by_reason(c) == (truth.excluded_orders, truth.excluded_cents)
    assert c.orders_kept == truth.kept_orders
    assert c.guest_orders == truth.guest_orders
    assert {r.currency: round(r.revenue_in * 100) for r in c.reconciliation} == truth.revenue_in_cents
    assert {r.currency: round(r.kept * 100) for r in c.reconciliation if r.kept} == truth.kept_cents
    assert c.reconciles
    assert round(loaded.orders["net"].sum() * 100) == truth.net_cents
    assert round(c.refunds_netted * 100) == truth.refund_cents
    assert loaded.orders["customer_id"].nunique() == truth.customers
    assert int(loaded.orders["has_discount"].sum()) == truth.discounted_orders
    assert c.amounts_in_minor_units == (kind == "stripe_api")


def test_fx_rates_bring_other_currency_in():
    frame, truth = generate_export("shopify", 1500, seed=3)
    loaded = load_orders(csv_text=frame.to_csv(index=False), fx_rates={"EUR": 2.0})
    assert "other_currency" not in _by_reason(loaded.cleaning)[0]
    eur = loaded.orders["source_currency"] == "EUR"
    assert eur.any()
    eur_kept = [r for r in loaded.cleaning.reconciliation if r.currency == "EUR"][0].kept
    assert loaded.orders.loc[eur, "amount"].sum() == pytest.approx(2 * eur_kept)
    assert loaded.cleaning.fx_rates_applied == {"EUR": 2.0}


def test_no_raw_email_in_any_output(tmp_path):
    frame, truth = generate_export("shopify", 800, seed=11)
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    result = analyze_orders_full(path)
    outputs = [json.dumps(result.analysis.model_dump(mode="json"))]
    table = write_customer_table(result.customers, tmp_path / "customers.csv")
    outputs += [table.read_text(), result.orders.to_csv(), result.lifetimes.to_csv()]
    blob = "\n".join(outputs).lower()
    assert truth.emails and not any(email in blob for email in truth.emails)
    assert "@example.com" not in blob
    assert result.customers["customer_id"].str.fullmatch(r"c_[0-9a-f]{16}").all()


def test_missing_columns_error_names_found_and_missing():
    with pytest.raises(OrdersInputError) as info:
        load_orders(csv_text="who,when\nx,2024-01-01\n")
    message = str(info.value)
    assert "amount" in message and "customer" in message and "['who', 'when']" in message


def test_explicit_mapping_overrides_guess():
    text = "buyer,placed,gross,total\nA,2024-01-01,10,999\nA,2024-02-01,20,999\nB,2024-01-05,5,999\n"
    loaded = load_orders(csv_text=text, mapping={"customer_id": "buyer", "order_date": "placed", "amount": "gross"})
    assert loaded.mapping.fields["amount"].reason == "given in the mapping argument"
    assert loaded.orders["amount"].sum() == 35
    with pytest.raises(OrdersInputError, match="not in the export"):
        load_orders(csv_text=text, mapping={"amount": "nope"})


def test_semicolon_latin1_decimal_comma_file(tmp_path):
    text = "Kunde;Datum;Betrag\nJosé;05/01/2024;1.234,50\nJosé;20/02/2024;10,00\nAnna;13/01/2024;£ 7,25\n"
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("latin-1"))
    loaded = load_orders(path, mapping={"customer_id": "Kunde", "order_date": "Datum", "amount": "Betrag"})
    assert loaded.cleaning.encoding == "latin-1" and loaded.cleaning.delimiter == ";"
    assert sorted(loaded.orders["amount"]) == [7.25, 10.0, 1234.5]
    assert loaded.orders["order_date"].dt.month.tolist() == [1, 2, 1]  # day-first dates detected


def test_utf8_bom_file_maps_its_first_column(tmp_path):
    """Excel's 'CSV UTF-8' starts with a byte-order mark; the first header must still map."""
    text = "Email,Name,Created at,Total\nana@example.com,#1,2024-01-05 10:00:00,12.50\nbo@example.com,#2,2024-02-05 11:00:00,7.00\n"
    path = tmp_path / "bom.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    loaded = load_orders(path)
    assert loaded.mapping.column("email") == "Email" and loaded.cleaning.encoding == "utf-8-sig"
    assert loaded.orders["customer_id"].notna().all() and sorted(loaded.orders["amount"]) == [7.0, 12.5]


def test_uci_credit_notes_are_netted_returns():
    text = (
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,HEART,6,12/1/2010 8:26,2.55,17850,UK\n"
        "536365,71053,LANTERN,2,12/1/2010 8:26,3.39,17850,UK\n"
        "C536379,85123A,HEART,-2,12/9/2010 9:41,2.55,17850,UK\n"
        "536370,22728,ALARM,24,12/1/2010 8:45,3.75,,France\n"
    )
    result = analyze_orders_full(csv_text=text)
    c = result.analysis.cleaning
    assert result.analysis.summary.source_format == "uci_online_retail"
    assert (c.return_records, c.orders_kept, c.guest_orders) == (1, 2, 1)
    assert c.returns_netted == pytest.approx(5.10)
    customer = result.customers.iloc[0]
    assert customer["orders"] == 1 and customer["net_revenue"] == pytest.approx(15.30 + 6.78 - 5.10)
    assert customer["return_rate_pct"] == pytest.approx(100 * 5.10 / 22.08)
    assert result.analysis.summary.net_revenue == pytest.approx(15.30 + 6.78 - 5.10 + 90.0)


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx"])
def test_parquet_and_xlsx(tmp_path, suffix):
    frame, truth = generate_export("stripe_dashboard", 300, seed=5)
    path = tmp_path / f"export{suffix}"
    frame.to_parquet(path) if suffix == ".parquet" else frame.to_excel(path, index=False)
    loaded = load_orders(path, currency="USD")
    assert loaded.cleaning.orders_kept == truth.kept_orders and loaded.cleaning.reconciles


def test_whitespace_log_without_header():
    text = "00001 19970101 1 11.77\n00002 19970112 2 24.00\n00001 19970220 1 5.00\n"
    loaded = load_orders(csv_text=text)
    assert loaded.mapping.source_format == "transaction_log"
    assert sorted(loaded.orders["customer_id"].unique()) == ["00001", "00002"]
    assert loaded.orders["order_date"].min() == pd.Timestamp("1997-01-01")


@pytest.mark.parametrize("row_order", ["shuffled", "grouped_by_order"])
def test_duplicates_found_exactly_when_many_wide_columns_overflow_the_row_key(row_order, monkeypatch):
    """Seven text columns of ~1,500 values each exceed 64 bits of combined codes: the row key is
    re-densified part-way, and copies that differ only in a later column must still be told apart.
    Rows grouped by order take the sorting path for the first pass, shuffled rows the hashing one."""
    from skill.orders import clean

    sorted_passes = []
    by_sorting = clean._dense_codes_by_sorting
    monkeypatch.setattr(clean, "_dense_codes_by_sorting", lambda key: sorted_passes.append(len(key)) or by_sorting(key))
    rng = np.random.default_rng(11)
    n = 1500
    base = pd.DataFrame(
        {
            "Order ID": [f"O{i // 2}" for i in range(n)],
            "Email": [f"u{i}@x.com" for i in rng.permutation(n)],
            "Order Date": [f"2024-01-01 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}" for i in rng.permutation(n)],
            "Coupon": [f"C{i}" for i in rng.permutation(n)],
            "Channel": [f"ch{i}" for i in rng.permutation(n)],
            "Product": [f"P{i}" for i in rng.permutation(n)],
            "Tags": [f"t{i}" for i in rng.permutation(n)],
            "Line Total": rng.integers(100, 10_000, n) / 100,
        }
    )
    picks = [rng.choice(n, 60, replace=False) for _ in range(3)]
    late_text = base.iloc[picks[1]].assign(Tags=lambda f: f["Tags"] + "x")
    late_number = base.iloc[picks[2]].assign(**{"Line Total": lambda f: f["Line Total"] + 0.01})
    frame = pd.concat([base, base.iloc[picks[0]], late_text, late_number], ignore_index=True)
    frame = frame.sample(frac=1, random_state=3).reset_index(drop=True)
    if row_order == "grouped_by_order":
        frame = frame.sort_values("Order ID", kind="stable").reset_index(drop=True)

    cleaning = load_orders(csv_text=frame.to_csv(index=False)).cleaning
    duplicate_rows = sum(line.rows for line in cleaning.excluded if line.reason == "duplicate_row")
    assert duplicate_rows == int(frame.duplicated().sum()) == 60
    assert cleaning.reconciles
    assert sorted_passes == ([len(frame)] if row_order == "grouped_by_order" else [])


@pytest.mark.parametrize("layout", ["random", "nearly_sorted", "empty"])
def test_dense_codes_by_sorting_partition_keys_as_hashing_does(layout):
    from skill.orders.clean import _dense_codes_by_sorting

    rng = np.random.default_rng(5)
    key = {"random": rng.integers(0, 500, 3000), "nearly_sorted": np.sort(rng.integers(0, 2**62, 3000)) // 7 * 7, "empty": np.array([], dtype=np.int64)}[layout]
    if layout == "nearly_sorted":
        key[100:110] = key[100:110][::-1]
    codes, n = _dense_codes_by_sorting(key.astype(np.int64))
    assert n == len(np.unique(key)) and (codes < n).all()
    assert np.array_equal(pd.factorize(codes)[0], pd.factorize(key)[0])  # same groups, exactly


def test_rows_differing_in_one_cell_are_line_items_not_duplicates():
    """Only exact copies are duplicates: a different price or a padded product name makes a new line."""
    text = (
        "Order ID,Email,Order Date,Line Total,Quantity,Product\n"
        "A1,a@x.com,2024-01-01,10.00,1,Mug\n"
        "A1,a@x.com,2024-01-01,10.00,1,Mug\n"  # exact copy: dropped
        "A1,a@x.com,2024-01-01,10.50,1,Mug\n"  # differs only in a number
        "A1,a@x.com,2024-01-01,10.00,2,Mug\n"  # differs only in an integer
        "A1,a@x.com,2024-01-01,10.00,1,Mug \n"  # differs only in raw text
        "B2,b@x.com,2024-01-02,5.00,1,Mug\n"
        "B2,b@x.com,2024-01-02,5.00,1,Mug\n"  # exact copy: dropped
    )
    cleaning = load_orders(csv_text=text).cleaning
    duplicates = [line for line in cleaning.excluded if line.reason == "duplicate_row"]
    assert sum(line.rows for line in duplicates) == 2
    assert sum(line.amount for line in duplicates) == pytest.approx(15.0)
    assert cleaning.orders_in == 2
    assert cleaning.line_items_folded == 3
    assert cleaning.reconciles


def test_offset_dates_mixed_with_garbage_and_blank_dates_are_counted_not_fatal():
    text = (
        "Name,Email,Created at,Total\n"
        "#1,a@x.com,2023-04-05 15:27:50 -0500,10.00\n"
        "#2,b@x.com,31/31/31,5.00\n"
    )
    loaded = load_orders(csv_text=text)
    assert loaded.orders["order_date"].iloc[0] == pd.Timestamp("2023-04-05 15:27:50")  # wall time kept
    assert [(line.reason, line.orders) for line in loaded.cleaning.excluded] == [("unparseable_date", 1)]
    blank = load_orders(csv_text="email,order_date,amount\na@x.com,,5\nb@x.com, ,6\n").cleaning
    assert [(line.reason, line.orders, line.amount) for line in blank.excluded] == [("unparseable_date", 2, 11.0)]


def test_an_orders_date_is_its_first_non_blank_date_cell():
    """Order dates are read per order, not factorised: a blank (spaces-only) first cell is skipped, not taken."""
    text = (
        "order_id,email,order_date,amount,product\n"
        '#1,a@x.com,"   ",10.00,Mug\n'
        "#1,,2023-04-06 09:00:00 -0500,,Cup\n"
        "#1,,2023-04-09 09:00:00 -0500,,Pot\n"
        "#2,b@x.com,2023-04-07 10:00:00 -0500,5.00,Mug\n"
    )
    loaded = load_orders(csv_text=text)
    dates = dict(zip(loaded.orders["order_id"], loaded.orders["order_date"]))
    assert dates == {"#1": pd.Timestamp("2023-04-06 09:00:00"), "#2": pd.Timestamp("2023-04-07 10:00:00")}
    assert loaded.cleaning.excluded == [] and loaded.cleaning.reconciles
