"""Guess which export column holds which canonical field, and say why.

Column names are compared after normalising (lower case, runs of non-letters
to '_'), so 'Lineitem quantity', 'lineitem_quantity' and 'LINEITEM-QUANTITY'
agree. Known export formats (Shopify, WooCommerce, Stripe, UCI Online Retail,
CDNOW-style logs) are recognised by a few signature columns; their own column
choices win over the generic synonym lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from skill.orders.models import MappedColumn
from skill.orders.read import OrdersInputError

CANONICAL_FIELDS: tuple[str, ...] = (
    "customer_id",
    "email",
    "phone",
    "order_id",
    "order_date",
    "amount",
    "quantity",
    "unit_price",
    "cost",
    "margin",
    "discount",
    "discount_code",
    "refund",
    "channel",
    "product",
    "currency",
    "status",
    "cancelled_at",
    "tags",
    "test",
    "livemode",
    "captured",
)
KEY_FIELDS = ("customer_id", "email", "phone")
ID_FIELDS = ("customer_id", "email", "phone", "order_id")

# Generic synonyms, best first (normalised names).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer_id", "customerid", "customer", "customer_user", "customer_number", "customer_no", "cust_id",
        "user_id", "client_id", "buyer_id", "shopper_id", "account_id", "member_id",
    ),
    "email": ("email", "customer_email", "billing_email", "email_address", "e_mail", "buyer_email", "user_email"),
    "phone": ("phone", "billing_phone", "customer_phone", "phone_number", "mobile", "telephone"),
    "order_id": (
        "order_id", "order_number", "orderid", "order_no", "order_name", "invoiceno", "invoice_no", "invoice",
        "invoice_id", "transaction_id", "charge_id", "payment_id", "order",
    ),
    "order_date": (
        "order_date", "created_at", "created", "created_utc", "created_date_utc", "order_created", "date",
        "invoicedate", "invoice_date", "purchase_date", "transaction_date", "order_datetime", "timestamp", "paid_at",
    ),
    "amount": (
        "total", "order_total", "order_total_amount", "amount", "revenue", "sales", "net_sales", "total_sales",
        "dollar_value", "grand_total", "total_price", "order_value", "order_amount", "value", "line_total", "gmv",
    ),
    "quantity": ("lineitem_quantity", "quantity", "qty", "number_of_cds", "units", "item_quantity"),
    "unit_price": ("lineitem_price", "unit_price", "unitprice", "price", "item_price"),
    "cost": ("cost", "cogs", "total_cost", "product_cost", "cost_of_goods", "cost_of_goods_sold", "unit_cost_total"),
    "margin": ("margin", "gross_margin", "gross_profit", "profit", "margin_pct", "gross_margin_pct"),
    "discount": (
        "discount_amount", "cart_discount", "discount", "order_discount", "discount_total", "total_discount",
        "discounts", "coupon_amount",
    ),
    "discount_code": ("discount_code", "coupon_code", "coupon", "coupons", "promo_code", "coupon_items"),
    "refund": (
        "refunded_amount", "order_refund", "amount_refunded", "refund", "refunds", "refund_amount", "returned_amount",
        "refund_total",
    ),
    "channel": (
        "acquisition_channel", "channel", "sales_channel", "marketing_channel", "utm_source", "source", "source_name",
    ),
    "product": (
        "lineitem_name", "product", "product_name", "product_title", "item_name", "description", "title", "sku",
        "stockcode",
    ),
    "currency": ("currency", "order_currency", "currency_code", "presentment_currency"),
    "status": ("financial_status", "order_status", "status", "payment_status"),
    "cancelled_at": ("cancelled_at", "canceled_at", "cancelled_date", "cancellation_date"),
    "tags": ("tags", "order_tags"),
    "test": ("test", "is_test", "test_order"),
    "livemode": ("livemode", "live_mode"),
    "captured": ("captured",),
}

# Format-specific choices (normalised names) and the signature that recognises the format.
FORMATS: dict[str, dict] = {
    "shopify": {
        "label": "Shopify orders export",
        "signature": ({"name", "financial_status"}, {"lineitem_name", "lineitem_quantity", "paid_at"}),
        "fields": {
            "order_id": "name", "email": "email", "phone": "phone", "order_date": "created_at", "amount": "total",
            "quantity": "lineitem_quantity", "unit_price": "lineitem_price", "discount": "discount_amount",
            "discount_code": "discount_code", "refund": "refunded_amount", "channel": "source",
            "product": "lineitem_name", "currency": "currency", "status": "financial_status",
            "cancelled_at": "cancelled_at", "tags": "tags",
        },
    },
    "woocommerce": {
        "label": "WooCommerce orders export",
        "signature": ({"order_status"}, {"billing_email", "order_total", "order_total_amount", "customer_user"}),
        "fields": {
            "order_id": "order_id", "email": "billing_email", "phone": "billing_phone", "customer_id": "customer_user",
            "order_date": "order_date", "amount": "order_total_amount", "discount": "cart_discount",
            "discount_code": "coupon_code", "refund": "order_refund", "currency": "order_currency",
            "status": "order_status", "product": "item_name",
        },
    },
    "stripe": {
        "label": "Stripe payments export",
        "signature": ({"amount_refunded"}, {"created", "created_utc", "created_date_utc"}),
        "fields": {
            "order_id": "id", "customer_id": "customer", "email": "customer_email", "order_date": "created",
            "amount": "amount", "refund": "amount_refunded", "currency": "currency", "status": "status",
            "captured": "captured", "livemode": "livemode", "product": "description",
        },
    },
    "uci_online_retail": {
        "label": "UCI Online Retail export",
        "signature": ({"stockcode"}, {"invoiceno", "invoice"}),
        "fields": {
            "order_id": "invoiceno", "customer_id": "customerid", "order_date": "invoicedate",
            "quantity": "quantity", "unit_price": "unitprice", "product": "description",
        },
    },
}
ORDER_LEVEL_AMOUNTS = {"total", "order_total", "order_total_amount", "grand_total", "order_value", "order_amount"}
# CDNOW convention for a headerless whitespace log (lifetimes ships it): id, YYYYMMDD date, quantity, amount.
HEADERLESS_LOG_FIELDS = {4: ("customer_id", "order_date", "quantity", "amount"), 3: ("customer_id", "order_date", "amount")}


def normalize_name(name: object) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower().replace("\ufeff", "")).strip("_")


@dataclass(frozen=True)
class ColumnMapping:
    source_format: str
    fields: dict[str, MappedColumn]
    amount_level: str  # "order": one value per order, repeated or on its first row; "line": summed per order

    def column(self, field: str) -> str | None:
        mapped = self.fields.get(field)
        return mapped.column if mapped else None


def detect_format(normalized: set[str]) -> str:
    for name, spec in FORMATS.items():
        required, any_of = spec["signature"]
        if required <= normalized and normalized & any_of:
            return name
    return "generic"


def _alias_note(norm: str, source_format: str) -> str:
    if source_format == "uci_online_retail" and norm in {"invoice", "price", "customer_id"}:
        return " (UCI Online Retail II naming)"
    return ""


def guess_mapping(columns: list[str], override: dict[str, str] | None = None, *, headerless: bool = False) -> ColumnMapping:
    """Map export `columns` onto canonical fields; `override` ({field: column}) wins over every guess."""
    override = override or {}
    unknown = sorted(set(override) - set(CANONICAL_FIELDS))
    if unknown:
        raise OrdersInputError(f"Unknown field(s) in mapping: {unknown}; known fields: {list(CANONICAL_FIELDS)}")
    missing_cols = sorted(str(col) for col in override.values() if col not in columns)
    if missing_cols:
        raise OrdersInputError(f"Mapped column(s) {missing_cols} are not in the export; columns found: {columns}")

    fields: dict[str, MappedColumn] = {}
    if headerless:
        source_format = "transaction_log"
        names = HEADERLESS_LOG_FIELDS.get(len(columns))
        if names is None:
            raise OrdersInputError(
                f"A headerless log needs 3 or 4 columns (customer_id date [quantity] amount); found {len(columns)}"
            )
        for position, (column, field) in enumerate(zip(columns, names), start=1):
            fields[field] = MappedColumn(
                column=str(column), reason=f"position {position} of a headerless whitespace log (CDNOW convention)"
            )
    else:
        by_norm: dict[str, str] = {}
        for column in columns:
            by_norm.setdefault(normalize_name(column), str(column))
        source_format = detect_format(set(by_norm))
        used: set[str] = set(override.values())
        if source_format in FORMATS:
            spec = FORMATS[source_format]
            for field, norm in spec["fields"].items():
                candidates = [norm, *_format_aliases(source_format, field)]
                hit = next((c for c in candidates if c in by_norm and by_norm[c] not in used), None)
                if hit and field not in override:
                    fields[field] = MappedColumn(
                        column=by_norm[hit], reason=f"{spec['label']} column{_alias_note(hit, source_format)}"
                    )
                    used.add(by_norm[hit])
        for field in CANONICAL_FIELDS:
            if field in fields or field in override:
                continue
            for norm in SYNONYMS[field]:
                if norm in by_norm and by_norm[norm] not in used:
                    exact = "exact name" if norm == field else f"synonym '{norm}'"
                    fields[field] = MappedColumn(column=by_norm[norm], reason=f"{exact} for {field}")
                    used.add(by_norm[norm])
                    break
    for field, column in override.items():
        fields[field] = MappedColumn(column=str(column), reason="given in the mapping argument")

    _check_required(fields, columns, source_format)
    amount_column = fields.get("amount")
    amount_level = "line"
    if amount_column and (
        normalize_name(amount_column.column) in ORDER_LEVEL_AMOUNTS or source_format in ("shopify", "woocommerce")
    ):
        amount_level = "order"
    ordered = {field: fields[field] for field in CANONICAL_FIELDS if field in fields}
    return ColumnMapping(source_format=source_format, fields=ordered, amount_level=amount_level)


def _format_aliases(source_format: str, field: str) -> tuple[str, ...]:
    """Other spellings the same format uses across versions (dashboard vs API, UCI I vs II, Woo plugins)."""
    aliases = {
        ("woocommerce", "order_id"): ("order_number",),
        ("woocommerce", "amount"): ("order_total",),
        ("woocommerce", "order_date"): ("date_created", "order_created"),
        ("woocommerce", "product"): ("product_name", "item_name_1"),
        ("stripe", "customer_id"): ("customer_id",),
        ("stripe", "email"): ("customer_email_address", "email"),
        ("stripe", "order_date"): ("created_utc", "created_date_utc"),
        ("uci_online_retail", "order_id"): ("invoice",),
        ("uci_online_retail", "customer_id"): ("customer_id",),
        ("uci_online_retail", "unit_price"): ("price",),
    }
    return aliases.get((source_format, field), ())


def _check_required(fields: dict[str, MappedColumn], columns: list[str], source_format: str) -> None:
    missing = []
    if "order_date" not in fields:
        missing.append("order_date (e.g. order_date, Created at, InvoiceDate, created)")
    if "amount" not in fields and not ("quantity" in fields and "unit_price" in fields):
        missing.append("amount (e.g. amount, Total, Order Total, revenue) or quantity + unit_price")
    if not any(key in fields for key in KEY_FIELDS):
        missing.append("customer_id or email or phone (a customer key)")
    if missing:
        raise OrdersInputError(
            f"Cannot analyse this export ({source_format}): missing {'; '.join(missing)}. "
            f"Columns found: {[str(c) for c in columns]}. "
            "Pass mapping={'<field>': '<column>'} to name them."
        )
