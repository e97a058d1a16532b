"""Property: revenue in = kept + every exclusion, to the cent, whatever faults an export carries."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.orders import load_orders
from skill.orders.synth import KINDS, generate_export

FAULTS = ("blank_amount", "garbage_amount", "negative_amount", "blank_key", "garbage_date", "duplicate_rows", "money_text")


def _amount_column(frame: pd.DataFrame) -> str:
    return next(c for c in ("Total", "Order Total Amount", "amount", "Amount") if c in frame)


def _inject(frame: pd.DataFrame, faults: list[str], rng: np.random.Generator) -> pd.DataFrame:
    frame = frame.astype(object).copy()
    amount = _amount_column(frame)
    date = next(c for c in ("Created at", "Order Date", "created", "Created (UTC)") if c in frame)
    key = next(c for c in ("Email", "Billing Email", "customer", "Customer ID") if c in frame)
    pick = lambda: rng.choice(len(frame), size=max(1, len(frame) // 10), replace=False)  # noqa: E731
    for fault in faults:
        rows = frame.index[pick()]
        if fault == "blank_amount":
            frame.loc[rows, amount] = None
        elif fault == "garbage_amount":
            frame.loc[rows, amount] = "n/a"
        elif fault == "negative_amount":
            frame.loc[rows, amount] = -pd.to_numeric(frame.loc[rows, amount], errors="coerce").abs()
        elif fault == "blank_key":
            frame.loc[rows, key] = None
        elif fault == "garbage_date":
            frame.loc[rows, date] = "31/31/31"
        elif fault == "duplicate_rows":
            frame = pd.concat([frame, frame.loc[rows]], ignore_index=True)
        elif fault == "money_text" and amount != "amount":
            values = pd.to_numeric(frame.loc[rows, amount], errors="coerce")
            frame.loc[rows, amount] = values.map(lambda v: f"$ {v:,.2f}" if pd.notna(v) else v)
    return frame


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(KINDS),
    n_orders=st.integers(min_value=1, max_value=60),
    seed=st.integers(min_value=0, max_value=10_000),
    faults=st.lists(st.sampled_from(FAULTS), max_size=4),
)
def test_revenue_reconciles_under_random_faults(kind, n_orders, seed, faults):
    frame, _ = generate_export(kind, n_orders, seed=seed)
    frame = _inject(frame, faults, np.random.default_rng(seed))
    try:
        loaded = load_orders(csv_text=frame.to_csv(index=False))
    except ValueError as error:  # e.g. every row unusable: must be a clear input error, never a crash
        assert "order" in str(error).lower() or "rows" in str(error).lower()
        return
    c = loaded.cleaning
    assert c.reconciles
    for line in c.reconciliation:
        assert round(line.revenue_in * 100) == round(line.kept * 100) + round(line.excluded * 100)
    excluded_orders = sum(line.orders for line in c.excluded if line.reason != "duplicate_row")
    assert excluded_orders + c.orders_kept + c.return_records == c.orders_in
