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
import os
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc mallopt parameter
SERVICE_ARENAS = 2  # see limit_malloc_arenas


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


def limit_malloc_arenas(count: int = SERVICE_ARENAS) -> bool:
    """At most `count` C heaps for the process's threads; True when set.

    glibc gives threads their own heap (arena), up to eight per core, and each keeps its
    own free pages: the database, executor and log threads of a service left ~6 MB
    resident at 50,000 companies (bench memory) that one shared heap reuses. Those threads
    seldom allocate at the same moment, so sharing costs no measurable time. Called before
    the service starts its threads; an operator's MALLOC_ARENA_MAX wins.
    """
    libc = _glibc()
    if libc is None or not hasattr(libc, "mallopt") or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return bool(libc.mallopt(M_ARENA_MAX, count))
    except Exception:  # pragma: no cover - a libc without a usable mallopt
        log.debug("mallopt failed", exc_info=True)
        return False
