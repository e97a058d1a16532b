"""skill.paths: only files inside the allowed roots are readable."""

from __future__ import annotations

import os

import pytest

from skill.paths import (
    ALLOWED_DIRS_ENV,
    PathNotAllowedError,
    allowed_roots_from_env,
    resolve_allowed_path,
)


@pytest.fixture()
def layout(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "sub" / "orders.csv").write_text("x")
    (outside / "secret.csv").write_text("x")
    (root / "link_out").symlink_to(outside / "secret.csv")
    (root / "link_in").symlink_to(root / "sub" / "orders.csv")
    return root, outside


def test_inside_paths_resolve(layout):
    root, _ = layout
    assert resolve_allowed_path("sub/orders.csv", [root]) == (root / "sub" / "orders.csv").resolve()
    assert resolve_allowed_path(str(root / "link_in"), [root]) == (root / "sub" / "orders.csv").resolve()


@pytest.mark.parametrize("path", ["../outside/secret.csv", "sub/../../outside/secret.csv", "link_out", "/etc/passwd"])
def test_escapes_are_refused(layout, path):
    root, _ = layout
    with pytest.raises(PathNotAllowedError, match=ALLOWED_DIRS_ENV):
        resolve_allowed_path(path, [root])


def test_empty_and_nul_paths_refused(layout):
    root, _ = layout
    for path in ("", "a\x00b"):
        with pytest.raises(PathNotAllowedError):
            resolve_allowed_path(path, [root])


def test_roots_from_env(layout):
    root, outside = layout
    roots = allowed_roots_from_env({ALLOWED_DIRS_ENV: f"{outside}{os.pathsep} {os.pathsep}{outside}"}, cwd=root)
    assert roots == [root.resolve(), outside.resolve()]
    assert resolve_allowed_path(str(outside / "secret.csv"), roots) == (outside / "secret.csv").resolve()
