"""Number formatting shared by rule lines, plan notes and the Markdown, so all three quote alike."""

from __future__ import annotations

_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


def fmt_number(value: float) -> str:
    """Whole numbers without decimals, others to one decimal: 12 -> '12', 12.46 -> '12.5'."""
    rounded = round(value, 1)
    return f"{rounded:,.0f}" if rounded == int(rounded) else f"{rounded:,.1f}"


def fmt_pct(value: float) -> str:
    return f"{fmt_number(value)}%"


def fmt_multiple(value: float) -> str:
    return f"{value:.1f}x"


def fmt_count(value: float) -> str:
    return f"{round(value):,}"


def fmt_money(value: float, currency: str | None) -> str:
    """'$6.7k', '€64', or '64 (currency not stated)' style amounts; k/M from 1,000 up so estimates do not read as exact."""
    code = (currency or "").upper()
    prefix = _CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if magnitude >= 1_000_000:
        body = f"{magnitude / 1_000_000:.1f}M"
    elif magnitude >= 1_000:
        body = f"{magnitude / 1_000:.1f}k"
    elif magnitude >= 100:
        body = f"{magnitude:,.0f}"
    else:
        body = f"{magnitude:,.2f}".removesuffix(".00")
    return f"{sign}{prefix}{body}"
