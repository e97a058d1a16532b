"""The MCP server's public tool names: part of the product's contract, checked by every transport's tests."""

TOOLS = frozenset(
    {
        "normalize_notes",
        "build_ltv_plan",
        "explain_lever",
        "analyze_orders",
        "customer_table",
        "predict_clv",
        "validate_clv",
    }
)
