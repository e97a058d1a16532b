"""Settings for the processes the product runs itself (the CLI, the MCP server), applied once at start-up.

Kept apart from the domain code: importing skill as a library changes nothing in the
caller's process.
"""

from __future__ import annotations

import os
import sys

NUMPY_HUGEPAGE_ENV = "NUMPY_MADVISE_HUGEPAGE"


def use_small_pages_for_arrays() -> None:
    """Stop numpy asking the kernel to back large arrays with 2 MB transparent huge pages.

    Reading an export allocates and frees many short-lived arrays of 4-50 MB. Where
    transparent huge pages are set to `madvise` (Debian's and Ubuntu's default), numpy's
    advice has the kernel fault in and zero each of them 2 MB at a time; at 1M export
    lines that cost about 0.15 s of a 1.8 s run (docs/benchmarks.md). This is numpy's
    documented NUMPY_MADVISE_HUGEPAGE=0 switch, which numpy reads when it is imported;
    if numpy is already loaded, its runtime setter does the same. A value the user set
    is left alone.
    """
    if NUMPY_HUGEPAGE_ENV in os.environ:
        return
    if "numpy" not in sys.modules:
        os.environ[NUMPY_HUGEPAGE_ENV] = "0"
        return
    from numpy._core import multiarray  # private module, public switch: numpy's own import calls it

    set_hugepage = getattr(multiarray, "_set_madvise_hugepage", None)
    if set_hugepage is not None:
        set_hugepage(False)
