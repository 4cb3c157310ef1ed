"""Giving freed memory back to the operating system.

CPython frees small objects into its own arenas and large blocks into the C library's
heap; neither is returned on its own, so a process that once held a big transient structure
(a scoring-engine rebuild at 50,000 companies builds the new automaton while the old one
still serves) keeps that peak as resident memory. After such a rebuild the C library is
asked to release its free pages (glibc `malloc_trim`); elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _glibc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system; True when something was released.

    No garbage collection here: what a rebuild leaves is acyclic and already freed, and a
    full collection over a large heap would hold the interpreter for tens of milliseconds.
    """
    libc = _glibc()
    if libc is None:
        return False
    try:
        return bool(libc.malloc_trim(0))
    except Exception:  # pragma: no cover - a libc without a usable malloc_trim
        log.debug("malloc_trim failed", exc_info=True)
        return False
