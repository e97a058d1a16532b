"""load_orders: read an export, map its columns and clean it, in one call."""

from __future__ import annotations

from pathlib import Path

from skill.orders.clean import DEFAULT_ID_SALT, LoadedOrders, clean_orders
from skill.orders.mapping import ID_FIELDS, ColumnMapping, guess_mapping
from skill.orders.read import read_table


def load_orders(
    source: str | Path | None = None,
    *,
    csv_text: str | None = None,
    mapping: dict[str, str] | None = None,
    currency: str | None = None,
    fx_rates: dict[str, float] | None = None,
    id_salt: str = DEFAULT_ID_SALT,
) -> LoadedOrders:
    """Read `source` (a file path) or `csv_text`, guess or apply `mapping`, and clean.

    Only mapped columns are read from CSV files, and id columns are read as text so
    leading zeros survive. `currency` picks the analysis currency (default: the most
    frequent); `fx_rates` ({'EUR': 1.08} = one EUR in the analysis currency) brings
    the others in, otherwise they are set aside and reported. The path is used as
    given: callers that take paths from clients check them with skill.paths first.
    """
    guessed: dict[str, ColumnMapping] = {}

    def usecols_for(columns: list[str]) -> list[str]:
        guessed["mapping"] = guess_mapping(columns, mapping)
        guessed["columns"] = columns
        return [mapped.column for mapped in guessed["mapping"].fields.values()]

    def string_columns_for(columns: list[str]) -> list[str]:
        chosen = guessed["mapping"]
        return [chosen.column(name) for name in ID_FIELDS if chosen.column(name)]

    raw = read_table(
        Path(source) if source is not None else None,
        csv_text,
        usecols_for=usecols_for,
        string_columns_for=string_columns_for,
    )
    all_columns = guessed.get("columns") or [str(c) for c in raw.frame.columns]
    column_mapping = guessed.get("mapping") or guess_mapping(all_columns, mapping, headerless=raw.headerless)
    loaded = clean_orders(raw, column_mapping, currency=currency, fx_rates=fx_rates, id_salt=id_salt)
    mapped = {m.column for m in column_mapping.fields.values()}
    unmapped = [str(c) for c in all_columns if str(c) not in mapped]
    return LoadedOrders(
        orders=loaded.orders,
        cleaning=loaded.cleaning,
        mapping=loaded.mapping,
        unmapped_columns=unmapped,
        currency=loaded.currency,
        margin_measured=loaded.margin_measured,
        warnings=loaded.warnings,
    )
