"""Export -> plan in one call, for Shopify, Stripe and the real CDNOW log: measured, reconciled, no PII."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill import api

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "fixtures" / "exports"
SECTIONS = ("## Segment diagnosis", "## Ranked LTV levers", "## Action packages", "### Short (0-30 days)",
            "### Medium (30-90 days)", "### Long (90+ days)", "## Revenue impact", "## Margin impact",
            "## Measurement", "## Assumptions", "## Limits", "## Confidence")


def cdnow_path() -> Path:
    lifetimes = pytest.importorskip("lifetimes")
    return Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"


@pytest.fixture(scope="module", params=["shopify_orders.csv", "stripe_payments.csv", "cdnow"])
def export(request) -> Path:
    return cdnow_path() if request.param == "cdnow" else EXPORTS / request.param


def test_one_call_goes_from_file_to_a_measured_plan(export):
    result = api.plan_from_export(str(export))
    for heading in SECTIONS:
        assert heading in result.markdown
    assert result.input.source == "orders"
    assert result.input.confidence == "high"
    assert result.plan.confidence in ("high", "medium")
    assert all(seg.measured for seg in result.input.segments)
    assert "Measured from the order export" in "\n".join(result.plan.assumptions)
    assert result.plan.levers[0].score > 0
    assert result.plan.horizons.short and result.plan.horizons.medium and result.plan.horizons.long


def test_predicted_value_reaches_the_plan(export):
    result = api.plan_from_export(str(export))
    predicted = [seg for seg in result.input.segments if seg.clv and seg.clv.predicted_clv is not None]
    assert predicted, result.input.warnings
    assert "### Customer value by segment" in result.markdown
    assert any(seg.clv.value_at_risk for seg in predicted)


def test_export_plans_never_show_emails(export):
    text = export.read_text(encoding="utf-8", errors="replace")
    emails = {token for token in text.replace(",", " ").split() if "@" in token}
    result = api.plan_from_export(str(export))
    dumped = result.model_dump_json()
    assert not any(email in dumped for email in emails)


def test_constraints_given_with_an_export_are_enforced():
    result = api.plan_from_export(
        str(EXPORTS / "shopify_orders.csv"),
        constraints=api.Constraints(max_discount_pct=0, banned_channels=["sms", "direct_mail"], no_free_product=True),
        predict=False,
    )
    plays = [play for package in result.plan.packages for play in package.plays]
    assert plays
    assert all(play.channel not in ("sms", "direct_mail") for play in plays)
    assert all(play.incentive.kind not in ("percent_discount", "fixed_discount", "free_product", "store_credit") for play in plays)


def test_cleaning_reconciles_to_the_cent_for_each_fixture_export():
    for path in sorted(EXPORTS.glob("*.csv")):
        cleaning = api.analyze_export(str(path)).analysis.cleaning
        assert cleaning.reconciles, path.name
        for line in cleaning.reconciliation:
            assert round(line.revenue_in - line.kept - line.excluded, 2) == 0


def test_paths_are_confined_when_roots_are_given(tmp_path):
    with pytest.raises(api.InputError, match="allowed"):
        api.analyze_export(str(EXPORTS / "shopify_orders.csv"), allowed_roots=[tmp_path])


def test_customer_pages_and_file_export(tmp_path):
    result = api.analyze_export(str(EXPORTS / "woocommerce_orders.csv"))
    page = api.customer_page(result, offset=5, limit=5, sort_by="orders")
    assert page.total == len(result.customers) and len(page.rows) == 5
    written = api.export_customer_table(result, str(tmp_path / "customers.parquet"))
    assert written.rows == page.total
    with pytest.raises(api.InputError, match="already exists"):
        api.export_customer_table(result, written.path)
    with pytest.raises(api.InputError, match="limit"):
        api.customer_page(result, limit=10_000)
    assert json.dumps(page.rows)


def test_a_per_customer_summary_goes_to_a_plan_and_predictions(tmp_path):
    """The warehouse route: one row per customer in, the same measured plan out."""
    full = api.analyze_export(str(EXPORTS / "shopify_orders.csv"))
    columns = ["customer_id", "first_order", "last_order", "orders", "net_revenue", "discount_orders"]
    summary = tmp_path / "customers.parquet"
    full.customers[columns].to_parquet(summary)
    result = api.analyze_export(str(summary), customer_summary=True)
    assert result.analysis.summary.customers == full.analysis.summary.customers
    assert result.analysis.summary.customer_net_revenue == pytest.approx(full.analysis.summary.customer_net_revenue)
    assert result.analysis.cleaning is None
    assert any("monetary_value" in w for w in result.analysis.warnings)
    prediction = api.score_export(result).prediction
    assert prediction.purchase_fit.converged and prediction.predicted_clv_total > 0
