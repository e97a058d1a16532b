"""Order exports -> customer history, RFM, cohorts and segment facts for the plan.

Public entry points: load_orders, analyze_orders_full, analyze_loaded,
analyze_customer_summary, orders_to_input, write_customer_table, lifetimes_summary,
summary_in_weeks. Errors in the input raise OrdersInputError (a ValueError).

Names resolve on first use (PEP 562) so that `skill.orders.models`, the pandas-free
report models, can be imported by the MCP server without loading pandas at start-up.
"""

from __future__ import annotations

from skill.lazy import lazy_exports

_HOMES = {
    "ASSUMED_GROSS_MARGIN_PCT": "skill.orders.analysis",
    "OrdersResult": "skill.orders.analysis",
    "analyze_customer_summary": "skill.orders.analysis",
    "analyze_loaded": "skill.orders.analysis",
    "analyze_orders_full": "skill.orders.analysis",
    "orders_to_input": "skill.orders.analysis",
    "write_customer_table": "skill.orders.analysis",
    "LoadedOrders": "skill.orders.clean",
    "lifetimes_summary": "skill.orders.customers",
    "summary_in_weeks": "skill.orders.customers",
    "load_orders": "skill.orders.load",
    "OrdersAnalysis": "skill.orders.models",
    "OrdersInputError": "skill.orders.read",
}

__all__ = sorted(_HOMES)

__getattr__ = lazy_exports(__name__, _HOMES, globals())
