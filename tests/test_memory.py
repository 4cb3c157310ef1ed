"""A service caps glibc's heaps (arenas); an operator's MALLOC_ARENA_MAX wins."""

from __future__ import annotations

import pytest

from core.memory import _glibc, limit_malloc_arenas

needs_glibc = pytest.mark.skipif(_glibc() is None, reason="glibc only (malloc_trim, mallopt)")


@needs_glibc
def test_arenas_are_capped_unless_the_operator_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False  # glibc already took the operator's value
