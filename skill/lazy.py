"""Module-level lazy exports (PEP 562) for packages whose names pull in the numeric stack.

`skill.orders` and `skill.clv` expose their public names through this, so importing a
pandas-free submodule (their result models) never loads pandas, numpy or scipy.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, homes: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `name` from `homes[name]` on first use and caches it."""

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(homes[name]), name)
        namespace[name] = value
        return value

    return __getattr__
