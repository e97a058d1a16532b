"""Entry points of the orders path: export -> OrdersAnalysis (+ per-customer frames) -> NormalizedInput."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skill.orders.clean import LoadedOrders
from skill.orders.cohorts import channel_economics, choose_period, cohort_report
from skill.orders.customers import CUSTOMER_COLUMNS, CustomerHistory, customer_history, lifetimes_summary
from skill.orders.load import load_orders
from skill.orders.models import MappedColumn, OrdersAnalysis, OrdersSummary, RfmGroupStat, RfmReport
from skill.orders.read import OrdersInputError
from skill.orders.rfm import GROUP_LANE, GROUP_ORDER, METHOD, RFM_OVERRIDES, RFM_RULES, rfm_scores
from skill.orders.segments import build_segments, business_metrics
from skill.schema import NormalizedInput

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
ASSUMED_GROSS_MARGIN_PCT = 50.0
"""Used for margin-based CLV, LTV:CAC and payback when the export has no cost or margin column; always stated."""
HIGH_CONFIDENCE_MIN_CUSTOMERS, HIGH_CONFIDENCE_MIN_DAYS = 200, 90
MEDIUM_CONFIDENCE_MIN_CUSTOMERS, MEDIUM_CONFIDENCE_MIN_DAYS = 50, 30
SUMMARY_REQUIRED = ("customer_id", "first_order", "last_order", "orders", "net_revenue")


@dataclass(frozen=True)
class OrdersResult:
    """The JSON-able analysis plus the frames behind it (per-customer table, kept orders, lifetimes summary)."""

    analysis: OrdersAnalysis
    customers: pd.DataFrame
    orders: pd.DataFrame | None
    lifetimes: pd.DataFrame

    @property
    def transactions(self) -> pd.DataFrame | None:
        """customer_id, order_date, amount (net) of identified customers, for holdout validation."""
        if self.orders is None:
            return None
        known = self.orders[self.orders["customer_id"].notna()]
        return pd.DataFrame({"customer_id": known["customer_id"], "order_date": known["order_date"], "amount": known["net"]})


def _noop(fraction: float, message: str) -> None:
    logger.debug("%.0f%% %s", 100 * fraction, message)


def _confidence(customers: int, span_days: int, reconciles: bool) -> tuple[str, str]:
    facts = f"{customers:,} customers over {span_days} days"
    if not reconciles:
        return "low", f"{facts}, but revenue did not reconcile"
    if customers < MEDIUM_CONFIDENCE_MIN_CUSTOMERS or span_days < MEDIUM_CONFIDENCE_MIN_DAYS:
        return "low", f"{facts} (low below {MEDIUM_CONFIDENCE_MIN_CUSTOMERS} customers or {MEDIUM_CONFIDENCE_MIN_DAYS} days)"
    if customers < HIGH_CONFIDENCE_MIN_CUSTOMERS or span_days < HIGH_CONFIDENCE_MIN_DAYS:
        return "medium", f"{facts} (high needs {HIGH_CONFIDENCE_MIN_CUSTOMERS} customers and {HIGH_CONFIDENCE_MIN_DAYS} days)"
    return "high", f"{facts}, revenue reconciled"


def _main_tension(business, lanes: pd.Series) -> tuple[str, str]:
    """First matching rule on whole-business numbers (thresholds are DTC rules of thumb)."""
    lapsed = 100 * lanes.isin(["at_risk", "dormant"]).mean() if len(lanes) else 0.0
    if business.return_rate_pct is not None and business.return_rate_pct >= 20:
        return "returns", f"{business.return_rate_pct:.1f}% of order value refunded or returned (>= 20%)"
    if business.repeat_rate_pct is not None and business.repeat_rate_pct < 30:
        return "repeat_rate", f"only {business.repeat_rate_pct:.1f}% of customers ordered twice (< 30%)"
    if business.discount_order_share_pct is not None and business.discount_order_share_pct >= 40:
        return "margin_quality", f"{business.discount_order_share_pct:.1f}% of orders discounted (>= 40%)"
    if lapsed >= 40:
        return "churn", f"{lapsed:.1f}% of customers are at risk or dormant by RFM (>= 40%)"
    return "aov", "repeat, returns, discounting and lapse all within rules of thumb; order value is the lever left"


def _rfm_report(customers: pd.DataFrame) -> RfmReport:
    total_net = float(customers["net_revenue"].sum())
    stats = customers.groupby("rfm_group").agg(n=("net_revenue", "size"), net=("net_revenue", "sum"), mean=("net_revenue", "mean"))
    groups = [
        RfmGroupStat(
            group=g, lane=GROUP_LANE[g], customers=int(stats.loc[g, "n"]),
            customer_share_pct=round(100 * stats.loc[g, "n"] / len(customers), 2),
            revenue_share_pct=round(min(max(100 * stats.loc[g, "net"] / total_net, 0), 100), 2) if total_net > 0 else 0.0,
            mean_net_revenue=round(float(stats.loc[g, "mean"]), 2),
        )
        for g in GROUP_ORDER
        if g in stats.index
    ]
    return RfmReport(method=METHOD, rules=list(RFM_RULES), overrides=list(RFM_OVERRIDES), groups=groups)


def _analyse(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    history: CustomerHistory | None,
    *,
    as_of: pd.Timestamp,
    currency: str | None,
    margin_measured: bool,
    discounts_known: bool,
    source_format: str,
    cleaning,
    mapping: dict[str, MappedColumn],
    unmapped: list[str],
    warnings: list[str],
    cac_by_channel: dict[str, float] | None,
    cohort_period: str | None,
    assumed_margin_pct: float,
    progress: Progress,
) -> OrdersResult:
    if customers.empty:
        raise OrdersInputError("No identified customer has a kept purchase; nothing to analyse (see the cleaning report)")
    progress(0.6, "scoring RFM")
    customers = pd.concat([customers.reset_index(drop=True), rfm_scores(customers.reset_index(drop=True))], axis=1)
    gaps = history.gaps if history is not None else None
    start, end = customers["first_order"].min(), customers["last_order"].max()
    if orders is not None:
        start, end = min(start, orders["order_date"].min()), max(end, orders["order_date"].max())
    span_days = int((end.normalize() - start.normalize()).days)
    period = cohort_period or choose_period(span_days)

    progress(0.7, "building segments")
    segments = build_segments(customers, gaps, currency=currency, margin_measured=margin_measured, discounts_known=discounts_known)
    margin_rate = None if margin_measured else assumed_margin_pct / 100
    economics, cac_warnings = channel_economics(orders, customers, cac_by_channel or {}, margin_rate) if cac_by_channel else ([], [])
    warnings = warnings + cac_warnings
    acquired = {e.channel: e for e in economics}
    blended_cac = (
        sum(e.cac * e.customers for e in acquired.values()) / sum(e.customers for e in acquired.values()) if acquired else None
    )
    business, business_evidence = business_metrics(
        customers, gaps, currency=currency, margin_measured=margin_measured, discounts_known=discounts_known, cac=blended_cac
    )
    if blended_cac is not None:
        business_evidence["cac"] = "customer-weighted mean of the CAC given per channel"

    progress(0.8, "building cohorts")
    cohorts = cohort_report(orders, history.order_row, customers, as_of, period) if history is not None else None
    if orders is None:
        warnings.append("Input was a per-customer summary: retention matrix and payback curves need order rows")

    if orders is not None:
        kept = orders[~orders["is_return"]]
        all_orders, net_revenue, gross = len(kept), float(orders["net"].sum()), float(kept["amount"].sum())
    else:
        all_orders, net_revenue, gross = int(customers["orders"].sum()), float(customers["net_revenue"].sum()), float(customers["gross_revenue"].sum())
    customer_orders = int(customers["orders"].sum())
    margin_total = customers["gross_margin"].sum(min_count=1)
    customer_net = float(customers["net_revenue"].sum())
    if not margin_measured:
        warnings.append(f"No cost or margin column: margin-based figures assume {assumed_margin_pct:g}% gross margin")
    summary = OrdersSummary(
        source_format=source_format,
        customers=len(customers),
        orders=all_orders,
        customer_orders=customer_orders,
        net_revenue=round(net_revenue, 2),
        customer_net_revenue=round(customer_net, 2),
        gross_revenue=round(gross, 2),
        repeat_rate_pct=round(100 * float((customers["orders"] > 1).mean()), 2),
        aov=round(gross / all_orders, 2) if all_orders else None,
        historical_clv=round(customer_net / len(customers), 2),
        gross_margin_pct=round(100 * float(margin_total) / customer_net, 2) if margin_measured and customer_net > 0 else None,
        margin_basis="measured from cost/margin columns" if margin_measured else f"assumed {assumed_margin_pct:g}%",
        currency=currency,
        as_of=as_of.date().isoformat(),
        date_range=(start.date().isoformat(), end.date().isoformat()),
        span_days=span_days,
        cohort_period=period,
    )
    confidence, confidence_reason = _confidence(len(customers), span_days, cleaning.reconciles if cleaning else True)
    tension, tension_reason = _main_tension(business, customers["lane"])
    analysis = OrdersAnalysis(
        summary=summary, business=business, business_evidence=business_evidence, confidence=confidence,
        confidence_reason=confidence_reason, main_tension=tension, main_tension_reason=tension_reason,
        cleaning=cleaning, mapping=mapping, unmapped_columns=unmapped, segments=segments, rfm=_rfm_report(customers),
        cohorts=cohorts, channel_economics=economics, warnings=warnings,
    )
    progress(1.0, "done")
    return OrdersResult(analysis=analysis, customers=customers, orders=orders, lifetimes=lifetimes_summary(customers))


def analyze_loaded(
    loaded: LoadedOrders,
    *,
    as_of: str | pd.Timestamp | None = None,
    cac_by_channel: dict[str, float] | None = None,
    cohort_period: str | None = None,
    assumed_margin_pct: float = ASSUMED_GROSS_MARGIN_PCT,
    progress: Progress | None = None,
) -> OrdersResult:
    """Analyse already loaded orders. `as_of` defaults to the last order date; later orders are left out and counted."""
    progress = progress or _noop
    orders = loaded.orders
    if orders.empty:
        raise OrdersInputError("No order survived cleaning; see the cleaning report")
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else orders["order_date"].max()
    as_of_ts = as_of_ts.normalize() + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    warnings = list(loaded.warnings)
    later = orders["order_date"] > as_of_ts
    if later.all():
        first = orders["order_date"].min().date()
        raise OrdersInputError(f"No order on or before the as-of date {as_of_ts.date()}; the first is dated {first}")
    if later.any():
        warnings.append(f"{int(later.sum())} orders after the as-of date {as_of_ts.date()} were left out of the analysis")
        orders = orders[~later]
    progress(0.4, "building customer histories")
    history = customer_history(orders, as_of_ts, assumed_margin_pct=None if loaded.margin_measured else assumed_margin_pct)
    discounts_known = loaded.mapping.column("discount") is not None or loaded.mapping.column("discount_code") is not None
    return _analyse(
        history.table, orders, history, as_of=as_of_ts.normalize(), currency=loaded.currency, margin_measured=loaded.margin_measured,
        discounts_known=discounts_known, source_format=loaded.mapping.source_format, cleaning=loaded.cleaning,
        mapping=loaded.mapping.fields, unmapped=loaded.unmapped_columns, warnings=warnings,
        cac_by_channel=cac_by_channel, cohort_period=cohort_period, assumed_margin_pct=assumed_margin_pct, progress=progress,
    )


def analyze_orders_full(
    path: str | Path | None = None,
    csv_text: str | None = None,
    mapping: dict[str, str] | None = None,
    as_of: str | pd.Timestamp | None = None,
    currency: str | None = None,
    fx_rates: dict[str, float] | None = None,
    cac_by_channel: dict[str, float] | None = None,
    cohort_period: str | None = None,
    assumed_margin_pct: float = ASSUMED_GROSS_MARGIN_PCT,
    progress: Progress | None = None,
) -> OrdersResult:
    """load_orders + analyze_loaded: the analysis and its frames. `cohort_period`: 'M', 'Q' or None (auto)."""
    progress = progress or _noop
    progress(0.0, "reading export")
    loaded = load_orders(path, csv_text=csv_text, mapping=mapping, currency=currency, fx_rates=fx_rates)
    progress(0.35, "cleaned")
    return analyze_loaded(
        loaded, as_of=as_of, cac_by_channel=cac_by_channel, cohort_period=cohort_period,
        assumed_margin_pct=assumed_margin_pct, progress=progress,
    )


def analyze_customer_summary(
    summary: pd.DataFrame | str | Path,
    *,
    currency: str | None = None,
    as_of: str | pd.Timestamp | None = None,
    margin_measured: bool | None = None,
    discounts_known: bool | None = None,
    cac_by_channel: dict[str, float] | None = None,
    assumed_margin_pct: float = ASSUMED_GROSS_MARGIN_PCT,
) -> OrdersResult:
    """Analyse a per-customer table (skill/sql/customer_summary.sql output, CSV/Parquet or DataFrame).

    For shops too big to export order lines: segments, RFM, CLV by cohort/channel
    and the lifetimes summary all run on it; retention and payback need order rows.
    `margin_measured` / `discounts_known` default to whether the gross_margin /
    discount_orders columns hold data.
    """
    if not isinstance(summary, pd.DataFrame):
        source = Path(summary)
        try:
            if source.suffix.lower() in (".parquet", ".pq"):
                summary = pd.read_parquet(source)
            else:
                summary = pd.read_csv(source, dtype={"customer_id": "str"})
        except (OSError, ValueError) as exc:
            raise OrdersInputError(f"{source.name}: cannot read the customer summary ({exc})") from exc
    if margin_measured is None:
        margin_measured = "gross_margin" in summary and bool(summary["gross_margin"].notna().any())
    if discounts_known is None:
        discounts_known = "discount_orders" in summary and bool(summary["discount_orders"].notna().any())
    missing = [c for c in SUMMARY_REQUIRED if c not in summary.columns]
    if missing:
        raise OrdersInputError(f"Customer summary lacks {missing}; columns found: {list(summary.columns)}")
    table = summary.copy()
    for column in ("first_order", "last_order"):
        table[column] = pd.to_datetime(table[column])
    as_of_ts = pd.Timestamp(as_of).normalize() if as_of is not None else table["last_order"].max().normalize()
    defaults = {"gross_revenue": table["net_revenue"], "refunds": 0.0, "returns": 0.0, "discount_orders": 0, "channel": None, "first_product": None}
    for column, value in defaults.items():
        if column not in table:
            table[column] = value
    if "gross_margin" not in table or not margin_measured:
        table["gross_margin"] = table["net_revenue"] * assumed_margin_pct / 100
    first_day, last_day = table["first_order"].dt.normalize(), table["last_order"].dt.normalize()
    if "order_days" not in table:
        table["order_days"] = table["orders"]
    table["frequency"] = (table["order_days"] - 1).astype("float64")
    table["recency"] = (last_day - first_day).dt.days.astype("float64")
    table["T"] = (as_of_ts - first_day).dt.days.astype("float64")
    warnings: list[str] = []
    if "monetary_value" not in table:
        # Without the SQL's repeat-purchase mean, the customer's average order value is the
        # closest stand-in for the spend model; one-time buyers keep 0 as lifetimes does.
        table["monetary_value"] = (table["net_revenue"] / table["orders"]).where(table["frequency"] > 0, 0.0)
        warnings.append("No monetary_value column: repeat spend approximated by each customer's net revenue per order")
    table["mean_days_between_orders"] = table["recency"] / table["frequency"].where(table["frequency"] > 0)
    table["median_days_between_orders"] = table.get("median_days_between_orders", table["mean_days_between_orders"])
    table["tenure_days"] = table["T"]
    table["days_since_last_order"] = (as_of_ts - last_day).dt.days.astype("float64")
    table["aov"] = table["gross_revenue"] / table["orders"]
    table["return_rate_pct"] = (100 * (table["refunds"] + table["returns"]) / table["gross_revenue"].where(table["gross_revenue"] > 0)).clip(0, 100)
    table["discount_order_share_pct"] = 100 * table["discount_orders"] / table["orders"]
    table = table[table["orders"] > 0][list(CUSTOMER_COLUMNS)]
    return _analyse(
        table, None, None, as_of=as_of_ts, currency=currency, margin_measured=margin_measured, discounts_known=discounts_known,
        source_format="customer_summary", cleaning=None, mapping={}, unmapped=[], warnings=warnings,
        cac_by_channel=cac_by_channel, cohort_period=None, assumed_margin_pct=assumed_margin_pct, progress=_noop,
    )


def orders_to_input(analysis: OrdersAnalysis) -> NormalizedInput:
    """The plan's input from measured numbers: segments, business metrics, tension and confidence."""
    warnings = list(analysis.warnings)
    if analysis.confidence != "high":
        warnings.append(f"Confidence {analysis.confidence}: {analysis.confidence_reason}")
    warnings.append("Order data carries no constraints (discount cap, banned channels): add them to the input if any apply")
    return NormalizedInput(
        segments=[segment.model_copy(deep=True) for segment in analysis.segments],
        business=analysis.business.model_copy(deep=True),
        business_evidence=dict(analysis.business_evidence),
        main_tension=analysis.main_tension,
        confidence=analysis.confidence,
        warnings=warnings,
        source="orders",
    )


def write_customer_table(customers: pd.DataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write the per-customer table as CSV or Parquet (`fmt` or the file suffix). Ids are already hashed."""
    target = Path(path)
    kind = (fmt or target.suffix.lstrip(".") or "csv").lower()
    if kind in ("parquet", "pq"):
        customers.to_parquet(target, index=False)
    elif kind == "csv":
        customers.to_csv(target, index=False)
    else:
        raise OrdersInputError(f"Unknown table format {kind!r}; use 'csv' or 'parquet'")
    return target
