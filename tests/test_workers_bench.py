"""`bench workers`' numbers from Telegram's record, and where it refuses to run."""

from __future__ import annotations

import pytest

from core.alerts.workers_bench import BenchUnavailable, bench_workers, chat_numbers


def test_numbers_from_arrivals() -> None:
    arrivals = [("a", 1, 0.0), ("b", 1, 0.1), ("a", 2, 1.2), ("b", 2, 1.05), ("a", 3, 2.5)]
    got = chat_numbers(arrivals)
    assert got["messages"] == 5
    assert got["max_in_any_1s"] == 2  # never three within one second
    assert got["min_chat_gap_s"] == 0.95  # chat b: 0.1 -> 1.05
    assert got["chat_gaps_under_1s"] == 1
    assert got["msg_per_s"] == 1.6  # 4 intervals in 2.5 s


async def test_needs_postgresql() -> None:
    with pytest.raises(BenchUnavailable, match="PostgreSQL"):
        await bench_workers(database_url="sqlite://:memory:")


async def test_unreachable_postgresql_is_one_clear_error_and_leaks_no_server() -> None:
    """A start-up that fails half way stops what it had started (its private Redis)."""
    import psutil

    def servers() -> set[int]:
        return {
            p.pid for p in psutil.Process().children(recursive=True) if "redis" in p.name().lower()
        }

    before = servers()
    with pytest.raises(BenchUnavailable, match="cannot reach the PostgreSQL"):
        await bench_workers(database_url="postgres://postgres@127.0.0.1:1/test")
    assert servers() == before
