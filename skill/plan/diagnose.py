"""Step 2: what each segment's numbers say against the benchmarks and the business average.

Findings are ordered most severe first; the first one is the segment's key finding in the table.
"""

from __future__ import annotations

from typing import Any

from heuristics.formatting import fmt_money, fmt_multiple, fmt_number, fmt_pct
from skill.plan.facts import Facts, SegmentFacts
from skill.schema import SegmentDiagnosis


def money(value: float, sf: SegmentFacts | None, facts: Facts) -> str:
    return fmt_money(value, (sf.currency if sf else None) or facts.inp.business.currency)


def diagnose(sf: SegmentFacts, facts: Facts, bench: dict[str, Any]) -> SegmentDiagnosis:
    """Findings comparing the segment with benchmarks and the business average, most severe first."""
    m, b, band = sf.seg.metrics, facts.inp.business, facts.band
    findings: list[tuple[int, str]] = []
    rr = bench["repeat_rate"]
    if m.repeat_rate_pct is not None:
        r = m.repeat_rate_pct
        typical = f"{rr['typical_low_pct']}-{rr['typical_high_pct']}% benchmark"
        versus = f"; business {fmt_pct(b.repeat_rate_pct)}" if b.repeat_rate_pct is not None else ""
        if r < rr["weak_pct"]:
            findings.append((3, f"Repeat rate {fmt_pct(r)} vs {typical}: weak (below {rr['weak_pct']}%){versus}"))
        elif r < rr["typical_low_pct"]:
            findings.append((2, f"Repeat rate {fmt_pct(r)} vs {typical}: below typical{versus}"))
        elif r > bench["loyalty"]["loyalty_mode_low_pct"]:
            findings.append((1, f"Repeat rate {fmt_pct(r)}: loyalty mode (above {bench['loyalty']['loyalty_mode_low_pct']}%){versus}"))
        else:
            verdict = "strong" if r > rr["typical_high_pct"] else "typical"
            findings.append((1, f"Repeat rate {fmt_pct(r)} vs {typical}: {verdict}{versus}"))
    if m.discount_order_share_pct is not None:
        d, line = m.discount_order_share_pct, bench["discount"]["fiction_share_pct"]
        if d > line:
            findings.append((3, f"Discount share {fmt_pct(d)} of orders: over the {line}% line where list price is fiction"))
        elif d > bench["discount"]["high_share_pct"]:
            findings.append((2, f"Discount share {fmt_pct(d)} of orders: discount-heavy (above {bench['discount']['high_share_pct']}%)"))
    if m.return_rate_pct is not None:
        r, span = m.return_rate_pct, f"{fmt_number(band.low_pct)}-{fmt_number(band.high_pct)}% {band.label} benchmark"
        if r > band.high_pct:
            findings.append((3, f"Return rate {fmt_pct(r)} vs {span}: high"))
        else:
            findings.append((1, f"Return rate {fmt_pct(r)} vs {span}: {'low' if r < band.low_pct else 'within range'}"))
    ratio = sf.metric("recency_cycle_ratio")
    wb = bench["winback"]
    if ratio is not None and m.days_since_last_order is not None:
        head = (f"Last order {fmt_number(m.days_since_last_order)} days ago = {fmt_multiple(ratio)} the "
                f"{fmt_number(sf.cycle_days or 0)}-day repurchase cycle")
        if ratio >= wb["trigger_cycle_multiple_low"]:
            findings.append((3, f"{head}: past the {wb['trigger_cycle_multiple_low']}-{wb['trigger_cycle_multiple_high']}x win-back trigger"))
        elif ratio >= bench["churn"]["at_risk_cycle_multiple"]:
            findings.append((2, f"{head}: drifting, before the win-back point"))
    elif m.days_since_last_order is not None and m.days_since_last_order > wb["lapsed_days_without_cycle"]:
        findings.append((2, f"Last order {fmt_number(m.days_since_last_order)} days ago: lapsed by the "
                            f"{wb['lapsed_days_without_cycle']}-day rule of thumb (no repurchase cycle given)"))
    if m.gross_margin_pct is not None:
        g, thin = m.gross_margin_pct, bench["margin"]["thin_gross_margin_pct"]
        versus = f" (business {fmt_pct(b.gross_margin_pct)})" if b.gross_margin_pct is not None else ""
        if g < thin:
            findings.append((3, f"Gross margin {fmt_pct(g)}{versus}: thin, below {thin}%"))
        else:
            findings.append((1, f"Gross margin {fmt_pct(g)}{versus}"))
    if m.monthly_churn_pct is not None and m.monthly_churn_pct > bench["churn"]["high_monthly_churn_pct"]:
        findings.append((3, f"Monthly churn {fmt_pct(m.monthly_churn_pct)}: above {bench['churn']['high_monthly_churn_pct']}%"))
    aov_ratio = sf.metric("aov_vs_business_pct")
    if aov_ratio is not None and m.aov is not None and abs(aov_ratio - 100) >= 10:
        direction = "below" if aov_ratio < 100 else "above"
        findings.append((2 if aov_ratio < 100 else 1,
                         f"AOV {money(m.aov, sf, facts)} is {fmt_pct(round(abs(aov_ratio - 100)))} {direction} the business average {money(b.aov or 0, sf, facts)}"))
    concentration = sf.metric("revenue_concentration_x")
    if concentration is not None and concentration >= bench["loyalty"]["revenue_concentration_x"]:
        findings.append((2, f"{fmt_pct(m.customer_share_pct or 0)} of customers bring {fmt_pct(m.revenue_share_pct or 0)} of revenue ({fmt_multiple(concentration)} their share)"))
    if sf.seg.clv is not None:
        findings.extend(_clv_findings(sf, facts))
    if m.revenue_share_pct is not None and m.revenue_share_pct >= 25 and concentration is None:
        findings.append((1, f"Carries {fmt_pct(m.revenue_share_pct)} of revenue"))
    if sf.cycle_basis == "segment" and sf.cycle_days:
        findings.append((1, f"Reorders every {fmt_number(sf.cycle_days)} days ({fmt_number(365 / sf.cycle_days)} a year)"))
    if sf.gaps:
        findings.append((0, f"Not given: {', '.join(sf.gaps)}"))
    ordered = [text for _, text in sorted(findings, key=lambda f: -f[0])]
    return SegmentDiagnosis(segment=sf.name, lane=sf.lane, findings=ordered)


def _clv_findings(sf: SegmentFacts, facts: Facts) -> list[tuple[int, str]]:
    clv = sf.seg.clv
    out: list[tuple[int, str]] = []
    share = sf.metric("value_at_risk_share_pct")
    if clv.value_at_risk:
        tail = f" ({fmt_pct(share)} of all value at risk)" if share is not None else ""
        out.append((3 if (share or 0) >= 30 else 2, f"Predicted value at risk {money(clv.value_at_risk, sf, facts)}{tail}"))
    if clv.high_churn_risk_share_pct is not None:
        out.append((2, f"{fmt_pct(clv.high_churn_risk_share_pct)} of customers at high churn risk"))
    if clv.predicted_clv is not None:
        horizon = f" over {clv.horizon_days} days" if clv.horizon_days else ""
        out.append((1, f"Predicted CLV {money(clv.predicted_clv, sf, facts)} per customer{horizon}"))
    return out


def business_findings(facts: Facts) -> list[str]:
    """Business-wide signals the notes gave, in one line each (NPS, CAC trend, upgrade and attach rates, ...)."""
    b, op = facts.inp.business, facts.inp.operating
    cur = b.currency
    out = []
    if b.cac is not None:
        trend = f", {b.cac_trend}" if b.cac_trend else ""
        out.append(f"CAC {fmt_money(b.cac, cur)}{trend}")
    elif b.cac_trend:
        out.append(f"CAC {b.cac_trend}")
    if b.nps is not None:
        program = "; no referral program" if op.has_referral_program is False else ""
        out.append(f"NPS {fmt_number(b.nps)}{program}")
    if b.upgrade_rate_pct is not None:
        out.append(f"{fmt_pct(b.upgrade_rate_pct)} upgrade to premium")
    if b.attach_rate_pct is not None:
        out.append(f"{fmt_pct(b.attach_rate_pct)} of orders carry an add-on")
    if b.unsubscribe_rate_pct is not None:
        out.append(f"{fmt_pct(b.unsubscribe_rate_pct)} unsubscribe per send")
    if b.peak_season_share_pct is not None:
        months = f" in {', '.join(b.peak_months)}" if b.peak_months else ""
        out.append(f"{fmt_pct(b.peak_season_share_pct)} of revenue{months}")
    if b.cancel_month is not None:
        out.append(f"most cancels by month {fmt_number(b.cancel_month)}")
    if b.order_gap_from_days is not None and b.order_gap_to_days is not None:
        out.append(f"order gaps grew from {fmt_number(b.order_gap_from_days)} to {fmt_number(b.order_gap_to_days)} days")
    return out
