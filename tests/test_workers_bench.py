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


async def test_stand_in_records_when_each_message_reached_its_socket() -> None:
    """The bench's Bot API stand-in answers like the Bot API and records each sendMessage
    with the kernel's receive time (SO_TIMESTAMPNS), which a busy stand-in cannot delay,
    beside when it got round to it."""
    import json
    import time

    import aiohttp

    from core.alerts.bench import TOKEN
    from core.alerts.workers_bench import _SocketTelegram

    fake = _SocketTelegram(0.0)
    base = await fake.start()
    markup = {"inline_keyboard": [[{"text": "up", "callback_data": "fb:7:up"}]]}
    try:
        async with aiohttp.ClientSession() as session:
            before = time.time()
            async with session.post(
                f"{base}/bot{TOKEN}/sendMessage",
                data={"chat_id": "42", "text": "hi", "reply_markup": json.dumps(markup)},
            ) as response:
                body = await response.json()
            after = time.time()
            async with session.post(f"{base}/bot{TOKEN}/getMe") as response:
                me = await response.json()
    finally:
        await fake.stop()
    assert body["ok"] and body["result"]["message_id"] == 1
    assert me["result"]["is_bot"]
    [(chat, alert, arrived)] = fake.arrivals
    assert (chat, alert) == ("42", 7) and before <= arrived <= after
    assert fake.handled[0][2] >= arrived


def test_sends_handed_back_are_counted_from_the_workers_log() -> None:
    from core.alerts.workers_bench import _HANDED_BACK

    log = (
        "2026-12-06 07:30:00,001 INFO core.alerts.dispatcher: delivery 12: telegram paused "
        "1.532s (self-throttled (all))\n"
        "2026-12-06 07:30:00,002 INFO core.alerts.dispatcher: delivery 13: telegram:chat:7 "
        "paused 1.000s (telegram 429)\n"
        "2026-12-06 07:30:00,003 INFO core.alerts.dispatcher: something else\n"
    )
    assert _HANDED_BACK.findall(log) == ["self-throttled (all)", "telegram 429"]
