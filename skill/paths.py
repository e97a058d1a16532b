"""Which files the tools may read: paths are resolved and must stay inside allowed roots.

An MCP client can ask for any path, so a path is accepted only if, after
resolving `..` and every symlink, it lies under one of the allowed roots.
"""

from __future__ import annotations

import os
from pathlib import Path

ALLOWED_DIRS_ENV = "LTV_OPTIMIZER_ALLOWED_DIRS"
MAX_INPUT_FILE_BYTES = 2 * 1024**3
"""Largest export read in memory (2 GiB, about 10M order lines); bigger shops aggregate in SQL first."""
MAX_CSV_TEXT_CHARS = 20 * 1024**2
"""Largest CSV passed inline as text (20 MiB); larger exports go by path."""


class PathNotAllowedError(PermissionError):
    """The path resolves outside every allowed root."""


def allowed_roots_from_env(environ: dict[str, str] | None = None, cwd: Path | None = None) -> list[Path]:
    """The working directory plus every directory in LTV_OPTIMIZER_ALLOWED_DIRS (os.pathsep-separated)."""
    env = os.environ if environ is None else environ
    roots = [Path.cwd() if cwd is None else cwd]
    roots += [Path(part).expanduser() for part in env.get(ALLOWED_DIRS_ENV, "").split(os.pathsep) if part.strip()]
    resolved: list[Path] = []
    for root in roots:
        real = root.resolve()
        if real not in resolved:
            resolved.append(real)
    return resolved


def resolve_allowed_path(path: str, allowed_roots: list[Path]) -> Path:
    """Resolve `path` (relative paths against the first root) and refuse it unless it stays inside a root."""
    if not path or "\x00" in path:
        raise PathNotAllowedError("Empty or invalid path")
    if not allowed_roots:
        raise PathNotAllowedError(f"No allowed directories; set {ALLOWED_DIRS_ENV}")
    roots = [Path(root).resolve() for root in allowed_roots]
    candidate = Path(path).expanduser()
    if not candidate.is_absolute():
        candidate = roots[0] / candidate
    # resolve() follows every symlink, so a link inside a root that points outside is caught here.
    real = candidate.resolve()
    if not any(real == root or real.is_relative_to(root) for root in roots):
        shown = ", ".join(str(root) for root in roots)
        raise PathNotAllowedError(
            f"{path!r} resolves to {real}, outside the allowed directories ({shown}). "
            f"Add its directory to {ALLOWED_DIRS_ENV} (separated by {os.pathsep!r}) to allow it."
        )
    return real
