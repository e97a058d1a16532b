"""skill.process: the start-up settings of the product's own processes, checked in fresh interpreters."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skill.process import NUMPY_HUGEPAGE_ENV

ROOT = Path(__file__).resolve().parents[1]
HUGEPAGE_STATE = "from numpy._core import multiarray; print(multiarray._get_madvise_hugepage())"


def run_python(code: str, **env: str) -> str:
    clean_env = {k: v for k, v in os.environ.items() if k != NUMPY_HUGEPAGE_ENV} | env
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean_env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_before_numpy_is_imported_the_switch_is_set_for_its_import():
    code = f"from skill.process import use_small_pages_for_arrays; use_small_pages_for_arrays(); {HUGEPAGE_STATE}"
    assert run_python(code) == "False"


def test_after_numpy_is_imported_the_runtime_setter_turns_it_off():
    code = f"import numpy; from skill.process import use_small_pages_for_arrays; use_small_pages_for_arrays(); {HUGEPAGE_STATE}"
    assert run_python(code) == "False"


def test_a_value_the_user_set_is_kept():
    code = f"from skill.process import use_small_pages_for_arrays; use_small_pages_for_arrays(); {HUGEPAGE_STATE}"
    assert run_python(code, **{NUMPY_HUGEPAGE_ENV: "1"}) == "True"


def test_importing_skill_changes_nothing():
    code = f"import skill.orders.analysis, skill.api; {HUGEPAGE_STATE}"
    assert run_python(code, **{NUMPY_HUGEPAGE_ENV: "1"}) == "True"
    assert run_python(f"import os, skill.orders.analysis; print(os.environ.get('{NUMPY_HUGEPAGE_ENV}'))") == "None"


@pytest.mark.parametrize("entry", ["from skill.cli import main", "from server import main"])
def test_cli_and_server_apply_it_at_start_up(entry):
    code = f"import os\n{entry}\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\nprint(os.environ.get('{NUMPY_HUGEPAGE_ENV}'))"
    assert run_python(code).splitlines()[-1] == "0"
