"""The built wheel carries its data files and works installed, away from the repository.

The source is copied to a temporary directory before building so a stale build/ in the
checkout can neither leak into the wheel nor be left behind; the build backend is fetched
from the package index as for any user's build. The fresh venv reuses this
venv's third-party packages through a .pth line (no download) and gets the wheel itself
with --no-deps, so the code that runs is the wheel's, not the checkout's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "notes" / "apparel_bullets.md"
SOURCES = ("pyproject.toml", "README.md", "server.py", "skill", "heuristics", "prompts")

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"{args}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(origin, src / name)
    out = tmp_path_factory.mktemp("dist")
    # An isolated build, as a user's pip does it: the pinned setuptools comes from the package index.
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, src, cwd=src)
    (built,) = out.glob("ltv_optimizer-*.whl")
    return built


def test_wheel_contains_server_templates_rule_tables_prompts_and_sql(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "server.py",
        "skill/api.py",
        "skill/cli.py",
        "skill/schema.py",
        "prompts/assistant_guide.md",
        "prompts/methodology.md",
    }
    expected |= {f"prompts/{p.name}" for p in (ROOT / "prompts").glob("*.j2")}
    expected |= {f"heuristics/levers/{p.name}" for p in (ROOT / "heuristics" / "levers").glob("*.toml")}
    expected |= {f"heuristics/{p.name}" for p in (ROOT / "heuristics").glob("*.toml")}
    expected |= {f"skill/sql/{p.name}" for p in (ROOT / "skill" / "sql").glob("*.sql")}
    assert any(name.startswith("prompts/") and name.endswith(".j2") for name in expected)
    assert any(name.startswith("heuristics/levers/") for name in expected)
    assert expected <= names, sorted(expected - names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "ltv-optimizer = skill.cli:main" in scripts
    assert "ltv-optimizer-mcp = server:main" in scripts


def test_installed_wheel_plans_from_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run(python, "-c", purelib, cwd=tmp_path).stdout.strip())
    # A plain path line: the dependencies become importable, but this venv's editable-install hook does not run.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    pip = (sys.executable, "-m", "pip", "--python", python)
    run(*pip, "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=tmp_path)

    probe = "import heuristics, prompts, server, skill; print(*(m.__file__ for m in (heuristics, prompts, server, skill)))"
    where = run(python, "-c", probe, cwd=tmp_path).stdout.split()
    assert all(Path(path).is_relative_to(venv) for path in where), where

    notes = tmp_path / "notes.md"
    shutil.copy(FIXTURE, notes)
    plan = run(venv / "bin" / "ltv-optimizer", "plan", notes.name, cwd=tmp_path).stdout
    expected = run(sys.executable, "-m", "skill.cli", "plan", str(notes), cwd=ROOT).stdout
    assert plan == expected
    assert plan.startswith("#")
    assert "ltv-optimizer-mcp" in run(venv / "bin" / "ltv-optimizer-mcp", "--help", cwd=tmp_path).stdout
