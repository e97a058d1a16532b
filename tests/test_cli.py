"""`ltv-optimizer` as a user runs it: a subprocess with this venv's Python, plus in-process edge cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skill import api, cli
from skill.schema import PlanResult

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "notes" / "apparel_bullets.md"


def run_cli(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture(scope="module")
def notes() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected(notes) -> PlanResult:
    return api.plan_from_notes(notes)


def test_plan_prints_the_markdown(expected):
    proc = run_cli("plan", str(FIXTURE))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected.markdown + "\n"


def test_plan_json_is_the_plan_result(expected):
    proc = run_cli("plan", str(FIXTURE), "--json")
    assert proc.returncode == 0, proc.stderr
    assert PlanResult.model_validate(json.loads(proc.stdout)) == expected


def test_dash_reads_notes_from_stdin(notes, expected, tmp_path):
    proc = run_cli("plan", "-", stdin=notes, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected.markdown + "\n"


def test_missing_file_exits_2_with_a_clear_message(tmp_path):
    proc = run_cli("plan", "no-such-notes.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == "ltv-optimizer plan: error: no-such-notes.md: no such file"


def test_empty_stdin_exits_2_saying_the_notes_are_empty():
    proc = run_cli("plan", "-", stdin="")
    assert proc.returncode == 2
    assert "notes are empty" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_normalize_then_plan_normalized_round_trips(notes, expected, tmp_path, capsys):
    assert cli.main(["normalize", str(FIXTURE)]) == 0
    normalized = tmp_path / "normalized.json"
    normalized.write_text(capsys.readouterr().out, encoding="utf-8")
    assert cli.main(["plan", "--normalized", "--json", str(normalized)]) == 0
    assert PlanResult.model_validate_json(capsys.readouterr().out) == expected


def test_an_edited_normalized_file_with_a_bad_field_exits_2_naming_it(notes, tmp_path, capsys):
    data = api.normalize(notes).model_dump(mode="json")
    data["confidence"] = "certain"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["plan", "--normalized", str(edited)]) == 2
    err = capsys.readouterr().err
    assert "input has 1 problem;" in err and "- confidence: Input should be 'high', 'medium' or 'low'" in err


def test_plan_normalized_with_notes_flags_a_number_the_notes_do_not_contain(notes, tmp_path, capsys):
    data = api.normalize(notes).model_dump(mode="json")
    data["segments"].append({"name": "Invented tier", "metrics": {"aov": 987.65}})
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    flag = "not found in the notes: segment 'Invented tier' aov 987.65 — check it"

    assert cli.main(["plan", "--normalized", "--json", str(edited), "--notes", str(FIXTURE)]) == 0
    result = PlanResult.model_validate_json(capsys.readouterr().out)
    assert flag in result.input.warnings and flag in result.plan.assumptions

    assert cli.main(["plan", "--normalized", "--json", str(edited)]) == 0  # no notes, no check
    assert flag not in PlanResult.model_validate_json(capsys.readouterr().out).input.warnings


def test_notes_without_normalized_is_a_usage_error(capsys):
    assert cli.main(["plan", str(FIXTURE), "--notes", str(FIXTURE)]) == 2
    assert "--notes goes with --normalized" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "not valid JSON (Expecting property name enclosed in double quotes at line 1)"),
        (b"\xff\xfe\x00 binary", "not UTF-8 text (byte 0)"),
    ],
)
def test_unreadable_normalized_files_exit_2(tmp_path, capsys, content, expected):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    assert cli.main(["plan", "--normalized", str(bad)]) == 2
    assert expected in capsys.readouterr().err


def test_a_directory_is_not_a_notes_file(tmp_path, capsys):
    assert cli.main(["plan", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_a_missing_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([])
    assert exit_.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


# ---------------------------------------------------------------- order-export subcommands

EXPORT = ROOT / "fixtures" / "exports" / "shopify_orders.csv"


def test_analyze_prints_a_reconciled_report():
    done = run_cli("analyze", str(EXPORT))
    assert done.returncode == 0, done.stderr
    assert "## Cleaning and reconciliation" in done.stdout and "| USD |" in done.stdout
    assert "@" not in done.stdout


def test_analyze_json_plan_and_customer_table(tmp_path):
    done = run_cli("analyze", str(EXPORT), "--json")
    assert json.loads(done.stdout)["cleaning"]["reconciles"] is True
    out = tmp_path / "customers.csv"
    planned = run_cli("analyze", str(EXPORT), "--plan", "--no-predict", "--max-discount", "10", "--ban-channel", "sms",
                      "--customers-out", str(out))
    assert planned.returncode == 0, planned.stderr
    assert "Percent discounts capped at 10%" in planned.stdout and "# LTV action plan" in planned.stdout
    assert out.exists() and "@" not in out.read_text(encoding="utf-8")


def test_predict_and_validate_on_an_export():
    predicted = run_cli("predict", str(EXPORT), "--json", "--at-risk", "5")
    assert predicted.returncode == 0, predicted.stderr
    body = json.loads(predicted.stdout)
    assert body["purchase_fit"]["converged"] is True and len(body["at_risk"]["customers"]) == 5
    validated = run_cli("validate", str(EXPORT), "--calibration-end", "2024-01-31", "--json")
    assert validated.returncode == 0, validated.stderr
    assert set(json.loads(validated.stdout)["purchases"]) == {"model", "baseline", "model_beats_baseline"}


def test_bad_export_arguments_exit_2_with_a_message(tmp_path):
    missing = run_cli("analyze", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    junk = tmp_path / "junk.csv"
    junk.write_text("colour,size\nred,M\n", encoding="utf-8")
    unmapped = run_cli("analyze", str(junk))
    assert unmapped.returncode == 2 and "colour" in unmapped.stderr and "Traceback" not in unmapped.stderr
    bad_date = run_cli("validate", str(EXPORT), "--calibration-end", "last tuesday")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_validate_runs_the_cdnow_holdout_from_the_cli():
    lifetimes = pytest.importorskip("lifetimes")
    cdnow = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_master.txt"
    done = run_cli("validate", str(cdnow), "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30")
    assert done.returncode == 0, done.stderr
    assert "# CLV holdout validation (bgnbd)" in done.stdout
    assert "Fitted on purchases up to 1997-09-30, predicted 1997-09-30 to 1998-06-30 (273 days)" in done.stdout
    assert "| MAE |" in done.stdout and "Run-rate baseline" in done.stdout
