"""The order-export tools over MCP, in-process: analysis, paging, plans, path confinement, progress, privacy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

import server
from skill.paths import ALLOWED_DIRS_ENV

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "fixtures" / "exports"
SHOPIFY = EXPORTS / "shopify_orders.csv"


@pytest.fixture(autouse=True)
def allow_exports(monkeypatch):
    """Serve from an unrelated working directory with only the fixtures' folder allowed."""
    monkeypatch.setenv(ALLOWED_DIRS_ENV, str(EXPORTS))


def call(name: str, arguments: dict[str, Any], progress: list | None = None):
    async def go():
        async with Client(server.mcp) as client:
            callback = None
            if progress is not None:
                async def callback(value, total, message):
                    progress.append((value, total, message))
            return await client.call_tool(name, arguments, progress_callback=callback)

    return anyio.run(go)


def raw_emails(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {token.strip('",') for token in text.replace(",", " ").split() if "@" in token}


def test_analyze_orders_measures_and_reconciles_shopify_export():
    progress: list = []
    result = call("analyze_orders", {"path": str(SHOPIFY)}, progress)
    assert not result.is_error, result.content[0].text
    analysis = result.structured_content
    assert analysis["summary"]["customers"] > 100
    assert analysis["cleaning"]["reconciles"] is True
    assert analysis["mapping"]["email"]["column"] == "Email"
    assert {s["lane"] for s in analysis["segments"]} >= {"vip", "dormant"}
    assert progress and progress[-1][0] == pytest.approx(100)
    emails = raw_emails(SHOPIFY)
    assert emails, "the fixture should carry emails to test hashing"
    dumped = json.dumps(result.structured_content) + result.content[0].text
    assert not any(email in dumped for email in emails)


def test_plan_from_an_export_in_one_call_shows_predicted_value():
    result = call("build_ltv_plan", {"orders_path": str(EXPORTS / "stripe_payments.csv")})
    assert not result.is_error, result.content[0].text
    markdown = result.content[0].text
    assert "### Customer value by segment" in markdown and "Value at risk" in markdown
    assert result.structured_content["input"]["source"] == "orders"
    segments = result.structured_content["input"]["segments"]
    assert any(s["clv"] and s["clv"]["predicted_clv"] is not None for s in segments)


def test_customer_table_pages_are_stable_and_hashed():
    first = call("customer_table", {"path": str(SHOPIFY), "limit": 10}).structured_content
    second = call("customer_table", {"path": str(SHOPIFY), "limit": 10, "offset": 10}).structured_content
    assert first["total"] == second["total"] > 20
    ids = [row["customer_id"] for row in first["rows"] + second["rows"]]
    assert len(set(ids)) == 20 and not any("@" in str(i) for i in ids)
    revenue = [row["net_revenue"] for row in first["rows"] + second["rows"]]
    assert revenue == sorted(revenue, reverse=True)


def test_paths_outside_the_allowed_roots_are_refused(tmp_path):
    outside = tmp_path / "orders.csv"
    outside.write_text(SHOPIFY.read_text(encoding="utf-8"), encoding="utf-8")
    result = call("analyze_orders", {"path": str(outside)})
    assert result.is_error
    assert "allowed" in result.content[0].text.lower()
    sneaky = call("analyze_orders", {"path": str(EXPORTS / ".." / ".." / "pyproject.toml")})
    assert sneaky.is_error


def test_exactly_one_plan_source_is_required():
    result = call("build_ltv_plan", {"notes": "VIP: AOV $120", "orders_csv_text": "a,b\n1,2\n"})
    assert result.is_error and "exactly one" in result.content[0].text


def test_unmappable_csv_names_found_and_missing_columns():
    result = call("analyze_orders", {"csv_text": "colour,size\nred,M\nblue,L\n"})
    assert result.is_error
    text = result.content[0].text
    assert "colour" in text and "missing" in text.lower()


def test_holdout_report_on_cdnow_over_mcp(monkeypatch):
    lifetimes = pytest.importorskip("lifetimes")
    cdnow = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    monkeypatch.setenv(ALLOWED_DIRS_ENV, str(cdnow.parent))
    result = call("validate_clv", {"path": str(cdnow), "calibration_end": "1997-09-30", "holdout_end": "1998-06-30"})
    assert not result.is_error, result.content[0].text
    report = result.structured_content
    assert report["calibration_end"] == "1997-09-30" and report["n_customers"] > 23_000
    purchases = report["purchases"]
    assert purchases["model"]["actual_total"] == purchases["baseline"]["actual_total"] > 0
    assert purchases["model_beats_baseline"]["mae"] is True


def test_predict_clv_over_mcp_pages_the_at_risk_list():
    first = call("predict_clv", {"path": str(SHOPIFY), "at_risk_limit": 5}).structured_content
    second = call("predict_clv", {"path": str(SHOPIFY), "at_risk_limit": 5, "at_risk_offset": 5}).structured_content
    assert first["purchase_fit"]["converged"] is True
    ids = [c["customer_id"] for c in first["at_risk"]["customers"] + second["at_risk"]["customers"]]
    assert len(set(ids)) == 10 and not any("@" in i for i in ids)
    lost = [c["value_at_risk"] for c in first["at_risk"]["customers"] + second["at_risk"]["customers"]]
    assert lost == sorted(lost, reverse=True)
    bad = call("predict_clv", {"path": str(SHOPIFY), "horizon_days": 1})
    assert bad.is_error and "horizon_days" in bad.content[0].text
