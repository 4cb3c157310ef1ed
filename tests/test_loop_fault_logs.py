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
from datetime import UTC, datetime
from typing import Any

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core.faults import LoopFaults
from core.models import Feed, Item
from core.monitors.base import RawItem
from core.monitors.stream import Backlog, StreamRunner, _Batch
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
        assert await runner._connect_once(feed.id, Backlog(feed.id), faults) is False
    await feed.refresh_from_db()
    assert feed.last_error == f"internal error: {status}"
    assert feed.consecutive_failures == 2 and feed.enabled
    said = _said(caplog, STREAM_LOG)
    assert [s for s in said if s[0] >= logging.WARNING] == [
        (logging.ERROR, f"feed {feed.id}: stream failed", True)
    ] * 2  # a bug's traceback every time; no outage warning


async def test_an_outage_while_storing_is_one_warning_and_the_batch_waits_for_it(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database goes away as a pushed batch is stored: the batch is kept and tried again
    (each round's traceback at debug) while the connection goes on reading, and is stored
    once the database answers, before the next one; one warning for the run and one line
    when it is over; the feed's health is not blamed."""
    caplog.set_level(logging.DEBUG, logger=STREAM_LOG)
    source = FakeStream()
    runner, feed = await _streaming(app, source)
    real_ingest = runner.ingestor.ingest
    away = False

    async def ingest(*args: Any, **kwargs: Any) -> Any:
        if away:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        return await real_ingest(*args, **kwargs)

    monkeypatch.setattr(runner.ingestor, "ingest", ingest)

    def tracebacks() -> int:
        return len([s for s in _said(caplog, STREAM_LOG) if s[0] == logging.DEBUG and s[2]])

    async def stored(n: int) -> bool:
        return await Item.filter(feed_id=feed.id).count() == n

    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        source.batches.put_nowait(fake_batch(0))
        await wait_for(lambda: stored(1))
        away = True
        source.batches.put_nowait(fake_batch(1))
        await wait_for(lambda: tracebacks() >= 4)
        source.batches.put_nowait(fake_batch(2))  # read while the database is away
        await wait_for(lambda: source.batches.empty())
        assert await stored(1)
        away = False
        await wait_for(lambda: stored(3))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    guids = await Item.filter(feed_id=feed.id).order_by("id").values_list("guid", flat=True)
    assert guids == ["fake-0", "fake-1", "fake-2"]  # in the order pushed, each once
    await feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_error is None
    said = _said(caplog, STREAM_LOG)
    assert [s for s in said if s[0] >= logging.INFO and s[2]] == []  # no traceback above debug
    loud = [(level, text) for level, text, _ in said if level >= logging.INFO]
    assert [level for level, _ in loud] == [logging.WARNING, logging.INFO], loud
    assert loud[0][1].startswith(f"feed {feed.id} stream failed: database unreachable (")
    assert loud[1][1].startswith(f"feed {feed.id} stream works again: database back after ")
    assert loud[1][1].endswith(f"({tracebacks()} failed rounds)")


async def test_the_backlog_is_capped_in_items_with_one_warning_and_a_metric(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten batches pushed during an outage with room for three items: the first (being
    stored when the outage hit, never dropped mid-store) and the two newest are kept and
    stored when the database is back; the seven between dropped with one warning (and one
    line when the backlog is stored) and counted in the metric; never more than the cap held."""
    caplog.set_level(logging.DEBUG, logger=STREAM_LOG)
    source = FakeStream()
    feed = await app.feeds.add(kind="exchange", query="binance")
    runner = StreamRunner(app, backoff_base_s=0.01, max_backoff_s=0.05, backlog_items=3)
    runner.exchanges.source_for = lambda _feed: (source, "")  # type: ignore[method-assign]
    real_ingest = runner.ingestor.ingest
    away = True
    held: list[int] = []

    async def ingest(*args: Any, **kwargs: Any) -> Any:
        if away:
            raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
        return await real_ingest(*args, **kwargs)

    monkeypatch.setattr(runner.ingestor, "ingest", ingest)
    gauge = app.metrics.stream_backlog.labels(str(feed.id))
    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        for n in range(10):
            source.batches.put_nowait(fake_batch(n))
            await wait_for(lambda: source.batches.empty())
            held.append(int(gauge._value.get()))
        away = False

        async def stored() -> bool:
            return await Item.filter(feed_id=feed.id).count() == 3

        await wait_for(stored)
        await wait_for(lambda: gauge._value.get() == 0)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    assert max(held) == 3
    guids = await Item.filter(feed_id=feed.id).order_by("id").values_list("guid", flat=True)
    assert guids == ["fake-0", "fake-8", "fake-9"]
    dropped = app.metrics.stream_backlog_dropped.labels(str(feed.id))._value.get()
    assert dropped == 7
    warnings = [t for lvl, t, _ in _said(caplog, STREAM_LOG) if lvl == logging.WARNING]
    over = [t for t in warnings if "over the cap" in t]
    assert len(over) == 2, warnings
    assert over[0].startswith(f"feed {feed.id}: 4 pushed items wait to be stored, over the cap")
    assert over[1] == f"feed {feed.id}: backlog stored; 7 pushed items were dropped over the cap"


def test_the_newest_batch_is_kept_even_when_it_alone_is_over_the_cap() -> None:
    backlog = Backlog(1, cap=2)
    feed = Feed(id=1)
    now = datetime.now(UTC)
    big = [RawItem(guid=f"g{n}", title="t", text="x") for n in range(5)]
    backlog.push(_Batch(feed, fake_batch(0), now))
    backlog.push(_Batch(feed, big, now))
    assert [len(b.items) for b in backlog.waiting] == [5] and backlog.items == 5
    assert backlog.dropped == 1


async def test_a_bug_while_storing_keeps_its_traceback_shows_on_the_feed_and_reading_goes_on(
    app: App, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug storing a batch is not an outage: its traceback is logged, the feed shows it,
    the batch is given up (retrying a bug forever would stop the feed's storing) and the
    next batch is stored on the same connection."""
    caplog.set_level(logging.DEBUG, logger=STREAM_LOG)
    source = FakeStream()
    runner, feed = await _streaming(app, source)
    real_ingest = runner.ingestor.ingest
    connects = 0
    real_connect = runner._connect_once

    async def counted(*args: Any) -> Any:
        nonlocal connects
        connects += 1
        return await real_connect(*args)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        if args[1][0].guid == "fake-0":
            raise KeyError("score")
        return await real_ingest(*args, **kwargs)

    monkeypatch.setattr(runner.ingestor, "ingest", broken)
    monkeypatch.setattr(runner, "_connect_once", counted)

    async def failed() -> bool:
        await feed.refresh_from_db()
        return feed.last_error == "internal error: KeyError('score')"

    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        source.batches.put_nowait(fake_batch(0))
        await wait_for(failed)
        assert feed.consecutive_failures == 1
        source.batches.put_nowait(fake_batch(1))

        async def stored() -> bool:
            return await Item.filter(feed_id=feed.id).count() == 1

        await wait_for(stored)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert connects == 1
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
