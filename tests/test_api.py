"""The facade's input checks, limits and error messages, and that it wires the pipeline as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import heuristics
from skill import api
from skill.normalize import normalize_notes
from skill.plan import build_plan
from skill.render import render_markdown
from skill.schema import LEVER_IDS, NormalizedInput, PlanResult

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "notes" / "apparel_bullets.md"


@pytest.fixture(scope="module")
def notes() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.mark.parametrize("blank", ["", "   ", "\n\t \r\n"])
def test_blank_notes_are_rejected_with_what_to_paste(blank):
    with pytest.raises(api.InputError) as err:
        api.normalize(blank)
    message = str(err.value)
    assert "empty" in message
    assert "AOV" in message and "repeat rate" in message


def test_non_text_notes_are_rejected():
    with pytest.raises(api.InputError, match="must be text, got dict"):
        api.normalize({"segments": []})  # type: ignore[arg-type]


def test_notes_over_the_limit_name_their_size_the_limit_and_how_to_trim(notes):
    too_long = notes + "x" * (api.MAX_NOTES_CHARS - len(notes) + 1)
    with pytest.raises(api.InputError) as err:
        api.normalize(too_long)
    message = str(err.value)
    assert f"{len(too_long):,} characters" in message
    assert f"{api.MAX_NOTES_CHARS:,}" in message
    assert "Trim" in message


def test_notes_exactly_at_the_limit_are_accepted(notes):
    padded = notes + " " * (api.MAX_NOTES_CHARS - len(notes))
    assert len(padded) == api.MAX_NOTES_CHARS
    assert api.normalize(padded) == normalize_notes(padded)


def test_plan_from_notes_is_normalize_then_plan_then_render(notes):
    result = api.plan_from_notes(notes)
    inp = normalize_notes(notes)
    plan = build_plan(inp)
    assert isinstance(result, PlanResult)
    assert result.input == inp
    assert result.plan == plan
    assert result.markdown == render_markdown(plan, inp)
    assert result.markdown.strip()


def test_a_plan_result_replans_identically_from_its_own_json_input(notes):
    result = api.plan_from_notes(notes)
    replayed = api.plan_from_input(api.validate_input(json.loads(result.input.model_dump_json())))
    assert replayed == result


def test_validate_input_lists_each_bad_field_by_path_without_echoing_values():
    data = {
        "segments": [{"name": "Whales", "lane": "whale-tier", "metrics": {"aov": -5}}],
        "constraints": {"banned_channels": ["fax"]},
    }
    with pytest.raises(api.InputError) as err:
        api.validate_input(data)
    message = str(err.value)
    assert message.startswith("input has 3 problems")
    assert "- segments[0].lane: Input should be 'vip'" in message
    assert "- segments[0].metrics.aov: Input should be greater than or equal to 0" in message
    assert "- constraints.banned_channels[0]:" in message
    assert "whale-tier" not in message
    assert "errors.pydantic.dev" not in message


def test_validate_input_caps_a_long_error_list():
    data = {"segments": [{"name": f"s{i}", "lane": "nope"} for i in range(12)]}
    with pytest.raises(api.InputError) as err:
        api.validate_input(data)
    message = str(err.value)
    assert message.startswith("input has 12 problems")
    assert "segments[7].lane" in message
    assert "segments[8].lane" not in message
    assert "... and 4 more" in message


def test_validate_input_rejects_extra_keys_and_non_objects():
    with pytest.raises(api.InputError, match=r"- segmnts: Extra inputs are not permitted"):
        api.validate_input({"segmnts": []})
    with pytest.raises(api.InputError, match="must be a JSON object .* got list"):
        api.validate_input([])


def test_validate_input_passes_a_model_through():
    inp = NormalizedInput()
    assert api.validate_input(inp) is inp


def test_explain_lever_returns_the_catalogue_detail():
    for lever_id in LEVER_IDS:
        assert api.explain_lever(lever_id) == heuristics.lever_detail(lever_id)


@pytest.mark.parametrize("bad", ["winbak", "", "WINBACK"])
def test_unknown_lever_lists_every_valid_id(bad):
    with pytest.raises(api.InputError) as err:
        api.explain_lever(bad)
    message = str(err.value)
    assert repr(bad) in message
    assert all(lever_id in message for lever_id in LEVER_IDS)


def test_lever_catalogue_covers_every_lever_and_is_json():
    catalogue = api.lever_catalogue()
    assert list(catalogue) == list(LEVER_IDS)
    assert json.loads(json.dumps(catalogue)) == catalogue
