"""The stream runner's feeds and the WebSocket hub's loops in the log when something fails.

A database or Redis outage is one warning when it starts and one line when it ends, each
round's traceback at debug (as `LoopFaults` does for the periodic loops); a bad feed still
gets a clear status on the feed and its traceback in the log. The real outage (PostgreSQL
stopped and started under a streaming feed) is in tests/faults/test_fault_log_noise.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core.faults import LoopFaults
from core.models import Feed, Item
from core.monitors.base import RawItem
from core.monitors.stream import StreamRunner
from core.runtime import App
from tests.conftest import wait_for
from web.config import WebConfig
from web.ws import WsHub

STREAM_LOG = "core.monitors.stream"
WS_LOG = "web.ws"


class FakeStream:
    """A streaming source that raises `error` on connecting, or yields the batches given."""

    name = "binance"
    label = "Fake stream"
    default_base = "ws://127.0.0.1:9"

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error
        self.batches: asyncio.Queue[list[RawItem]] = asyncio.Queue()

    async def stream(self, base: str) -> AsyncIterator[list[RawItem]]:
        if self.error is not None:
            raise self.error
        while True:
            batch = await self.batches.get()
            if not batch:
                return
            yield batch


def fake_batch(n: int) -> list[RawItem]:
    return [RawItem(guid=f"fake-{n}", title=f"Announcement {n}", text="A listing.")]


async def _streaming(app: App, source: FakeStream) -> tuple[StreamRunner, Feed]:
    feed = await app.feeds.add(kind="exchange", query="binance")
    runner = StreamRunner(app, backoff_base_s=0.01, max_backoff_s=0.05)
    runner.exchanges.source_for = lambda _feed: (source, "")  # type: ignore[method-assign]
    return runner, feed


def _said(caplog: pytest.LogCaptureFixture, name: str) -> list[tuple[int, str, bool]]:
    return [(r.levelno, r.getMessage(), bool(r.exc_info)) for r in caplog.records if r.name == name]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValueError("a frame without a title"), "ValueError('a frame without a title')"),
        # the source's own socket error is the feed's, never read as "database unreachable"
        (ConnectionResetError("peer reset"), "ConnectionResetError('peer reset')"),
    ],
)
async def test_a_source_that_fails_gives_the_feed_a_clear_status_and_logs_its_traceback(
    app: App, caplog: pytest.LogCaptureFixture, error: BaseException, status: str
) -> None:
    caplog.set_level(logging.DEBUG, logger=STREAM_LOG)
    runner, feed = await _streaming(app, FakeStream(error))
    faults = LoopFaults(f"feed {feed.id} stream", logging.getLogger(STREAM_LOG))
    for _ in range(2):
        assert await runner._connect_once(feed.id, faults) is False
    await feed.refresh_from_db()
    assert feed.last_error == f"internal error: {status}"
    assert feed.consecutive_failures == 2 and feed.enabled
    said = _said(caplog, STREAM_LOG)
    assert [s for s in said if s[0] >= logging.WARNING] == [
        (logging.ERROR, f"feed {feed.id}: stream failed", True)
    ] * 2  # a bug's traceback every time; no outage warning


async def test_an_outage_while_storing_is_one_warning_and_not_the_feeds_failure(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database goes away as a pushed batch is stored: the connection ends, the feed's
    task keeps trying (each round's traceback at debug), one warning for the run and one
    line when the feed's row can be read again; the feed's health is not blamed."""
    caplog.set_level(logging.DEBUG, logger=STREAM_LOG)
    source = FakeStream()
    runner, feed = await _streaming(app, source)
    real_ingest, real_get = runner.ingestor.ingest, Feed.get_or_none
    away = False

    def refused() -> None:
        if away:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    async def ingest(*args: Any, **kwargs: Any) -> Any:
        refused()
        return await real_ingest(*args, **kwargs)

    async def get_or_none(*args: Any, **kwargs: Any) -> Any:
        refused()
        return await real_get(*args, **kwargs)

    monkeypatch.setattr(runner.ingestor, "ingest", ingest)
    monkeypatch.setattr(Feed, "get_or_none", get_or_none)

    def tracebacks() -> int:
        return len([s for s in _said(caplog, STREAM_LOG) if s[0] == logging.DEBUG and s[2]])

    async def stored(n: int) -> bool:
        return await Item.filter(feed_id=feed.id).count() == n

    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        source.batches.put_nowait(fake_batch(0))
        await wait_for(lambda: stored(1))
        away = True
        source.batches.put_nowait(fake_batch(1))  # lost with the connection, as a push would be
        await wait_for(lambda: tracebacks() >= 4)
        away = False
        source.batches.put_nowait(fake_batch(2))
        await wait_for(lambda: stored(2))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    await feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_error is None
    said = _said(caplog, STREAM_LOG)
    assert [s for s in said if s[0] >= logging.INFO and s[2]] == []  # no traceback above debug
    loud = [(level, text) for level, text, _ in said if level >= logging.INFO]
    assert [level for level, _ in loud] == [logging.WARNING, logging.INFO], loud
    assert loud[0][1].startswith(f"feed {feed.id} stream failed: database unreachable (")
    assert loud[1][1].startswith(f"feed {feed.id} stream works again: database back after ")
    assert loud[1][1].endswith(f"({tracebacks()} failed rounds)")


async def test_a_bug_while_storing_keeps_its_traceback_and_shows_on_the_feed(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger=STREAM_LOG)
    source = FakeStream()
    runner, feed = await _streaming(app, source)
    faults = LoopFaults(f"feed {feed.id} stream", logging.getLogger(STREAM_LOG))

    async def broken(*_args: Any, **_kwargs: Any) -> None:
        raise KeyError("score")

    monkeypatch.setattr(runner.ingestor, "ingest", broken)
    source.batches.put_nowait(fake_batch(0))
    assert await runner._connect_once(feed.id, faults) is False
    await feed.refresh_from_db()
    assert feed.last_error == "internal error: KeyError('score')"
    assert feed.consecutive_failures == 1
    assert [s for s in _said(caplog, STREAM_LOG) if s[0] >= logging.WARNING] == [
        (logging.ERROR, f"feed {feed.id} stream failed", True)
    ]


async def test_the_feed_task_outlives_an_outage_of_its_lease(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis away under the lease used to end the feed's task with an exception (restarted
    by the next scan, its traceback printed when collected); now the task waits it out."""
    caplog.set_level(logging.DEBUG, logger=STREAM_LOG)
    source = FakeStream()
    runner, feed = await _streaming(app, source)
    real_acquire = app.kv.acquire_lease
    calls = 0

    async def away(name: str, ttl_s: float) -> str | None:
        nonlocal calls
        calls += 1
        if calls <= 4:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        return await real_acquire(name, ttl_s)

    monkeypatch.setattr(app.kv, "acquire_lease", away)
    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        source.batches.put_nowait(fake_batch(0))

        async def stored() -> bool:
            return await Item.filter(feed_id=feed.id).exists()

        await wait_for(stored)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    loud = [(level, text) for level, text, _ in _said(caplog, STREAM_LOG) if level >= logging.INFO]
    assert [level for level, _ in loud] == [logging.WARNING, logging.INFO], loud
    assert loud[0][1].startswith(f"feed {feed.id} stream failed: redis unreachable (")
    assert loud[1][1].endswith("(4 failed rounds)")


class FlakyBus:
    """A bus whose subscription fails `failures` times (Redis refusing), then delivers."""

    def __init__(self, failures: int, error: BaseException) -> None:
        self.failures = failures
        self.error = error
        self.delivered = asyncio.Event()

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        if self.failures:
            self.failures -= 1
            raise type(self.error)(*self.error.args)
        yield {"type": "alert", "data": {"id": 1}}
        self.delivered.set()
        await asyncio.Event().wait()


async def _pumped(app: App, bus: FlakyBus, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app, "bus", bus)
    hub = WsHub(app, replace(WebConfig(), ws_resubscribe_s=0.01))
    pump = asyncio.create_task(hub._pump())
    try:
        await asyncio.wait_for(bus.delivered.wait(), 5)
    finally:
        pump.cancel()
        await asyncio.gather(pump, return_exceptions=True)


async def test_the_hubs_resubscribes_in_a_redis_outage_are_one_warning(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger=WS_LOG)
    await _pumped(app, FlakyBus(5, RedisConnectionError("Connection refused")), monkeypatch)
    said = _said(caplog, WS_LOG)
    assert [s for s in said if s[0] >= logging.INFO and s[2]] == []
    loud = [(level, text) for level, text, _ in said if level >= logging.INFO]
    assert [level for level, _ in loud] == [logging.WARNING, logging.INFO], loud
    assert loud[0][1].startswith("alert bus subscription failed: redis unreachable (")
    assert loud[1][1].startswith("alert bus subscription works again: redis back after ")
    assert loud[1][1].endswith("(5 failed rounds)")
    assert len([s for s in said if s[0] == logging.DEBUG and s[2]]) == 5


async def test_the_hubs_other_subscription_errors_keep_their_traceback(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG, logger=WS_LOG)
    await _pumped(app, FlakyBus(2, TypeError("a bug")), monkeypatch)
    assert [s for s in _said(caplog, WS_LOG) if s[0] >= logging.INFO] == [
        (logging.ERROR, "alert bus subscription failed", True)
    ] * 2


async def test_the_hubs_credential_recheck_in_a_database_outage_is_one_warning(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-check reads users and keys every `ws_recheck_s` (2 s): a database outage
    used to log its traceback every round in every web process."""
    caplog.set_level(logging.DEBUG, logger=WS_LOG)
    hub = WsHub(app, replace(WebConfig(), ws_recheck_s=0.01))
    rounds = 0

    async def recheck() -> int:
        nonlocal rounds
        rounds += 1
        if rounds <= 4:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        return 0

    monkeypatch.setattr(hub, "recheck", recheck)
    loop = asyncio.create_task(hub._recheck_loop())
    try:
        await wait_for(lambda: rounds >= 6, within_s=5)
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
    said = _said(caplog, WS_LOG)
    assert [s for s in said if s[0] >= logging.INFO and s[2]] == []
    loud = [text for level, text, _ in said if level >= logging.INFO]
    assert len(loud) == 2, loud
    assert loud[0].startswith("WebSocket credential re-check failed: database unreachable (")
    assert loud[1].startswith("WebSocket credential re-check works again: database back after ")
