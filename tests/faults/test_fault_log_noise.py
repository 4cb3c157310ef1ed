"""A database outage in the log: one warning when it starts (with the reason), one info line
when it ends, the tracebacks at debug. The poller ticks every second and used to log a full
traceback a tick for as long as PostgreSQL was away; a streaming feed's task did the same for
each batch it could not store, then died, and that batch was lost (a push has no replay):
now it waits in the feed's backlog and is stored, once, when PostgreSQL is back.

The outage is real (the private cluster stopped and started); the poller's ticks are called
one by one (its scheduler calls the same method every `tick_s`), the streaming feed's task
runs as the StreamRunner runs it.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from core.faults import LoopFaults
from core.models import Item, ItemSource
from core.monitors.scheduler import Poller
from core.monitors.stream import StreamRunner
from core.runtime import App
from tests.conftest import wait_for
from tests.faults.servers import PrivatePostgres
from tests.test_loop_fault_logs import FakeStream, fake_batch

pytestmark = pytest.mark.timeout(90)

FAILED_TICKS = 5


async def test_a_database_outage_is_two_lines_of_the_poller_not_a_traceback_a_tick(
    private_app: App, private_pg: PrivatePostgres, caplog: pytest.LogCaptureFixture
) -> None:
    poller = Poller(private_app)
    caplog.set_level(logging.DEBUG, logger="core.monitors.scheduler")
    await poller._tick()
    await asyncio.to_thread(private_pg.stop)
    try:
        for _ in range(FAILED_TICKS):
            await poller._tick()
    finally:
        await asyncio.to_thread(private_pg.start)
    await poller._tick()
    await poller._tick()

    mine = [r for r in caplog.records if r.name == "core.monitors.scheduler"]
    loud = [r for r in mine if r.levelno >= logging.INFO and r.exc_info]
    assert loud == [], [r.getMessage() for r in loud]  # no traceback above debug
    warnings = [r.getMessage() for r in mine if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith("poller tick failed: database unreachable (")
    back = [r.getMessage() for r in mine if r.levelno == logging.INFO and "again" in r.getMessage()]
    assert len(back) == 1, back
    assert back[0].startswith("poller tick works again: database back after ")
    assert back[0].endswith(f"({FAILED_TICKS} failed rounds)")
    traced = [r for r in mine if r.levelno == logging.DEBUG and r.exc_info]
    assert len(traced) == FAILED_TICKS
    assert not [r for r in mine if r.levelno >= logging.ERROR]


def test_other_errors_keep_their_traceback_every_time(caplog: pytest.LogCaptureFixture) -> None:
    """Only a dependency's outage is folded: a bug's traceback is logged each round."""
    faults = LoopFaults("poller tick", logging.getLogger("tests.loop"))
    caplog.set_level(logging.DEBUG, logger="tests.loop")
    for _ in range(2):
        try:
            raise ValueError("a bug")
        except ValueError as exc:
            assert faults.failed(exc) is None
    faults.ok()  # not in an outage: nothing to say
    errors = [r for r in caplog.records if r.name == "tests.loop"]
    assert [(r.levelno, r.getMessage(), bool(r.exc_info)) for r in errors] == [
        (logging.ERROR, "poller tick failed", True)
    ] * 2


async def test_a_round_through_attempt_is_logged_as_the_loops_are(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`attempt` is what every periodic loop awaits a round through (digests, reminders,
    stream scans, WebSub renewals, the engine's rebuild, the metrics refresh): an outage's
    rounds fold into one warning and one line when a round works again; cancelling is no
    failure and goes through."""
    faults = LoopFaults("test round", logging.getLogger("tests.attempt"))
    caplog.set_level(logging.DEBUG, logger="tests.attempt")

    async def refused() -> None:
        raise ConnectionRefusedError("connection refused")

    async def fine() -> None:
        return None

    assert [await faults.attempt(refused()) for _ in range(3)] == [False] * 3
    assert await faults.attempt(fine()) is True
    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.levelno >= logging.INFO]
    assert [level for level, _ in said] == [logging.WARNING, logging.INFO]
    assert said[0][1].startswith("test round failed: database unreachable (")
    assert said[1][1].startswith("test round works again: database back after ")

    async def cancelled() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await faults.attempt(cancelled())


async def test_a_database_outage_under_a_streaming_feed_loses_nothing_and_is_two_lines(
    private_app: App, private_pg: PrivatePostgres, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL stopped while a streaming feed is connected: the batch pushed then cannot be
    stored; it waits in the feed's backlog, tried again (each round's traceback at debug)
    while the connection goes on reading, and is stored exactly once when the database is
    back, before the batch pushed after it. The log says so in one warning and one line; the
    feed's health is left as it was (the outage was not its failure)."""
    caplog.set_level(logging.DEBUG, logger="core.monitors.stream")
    source = FakeStream()
    feed = await private_app.feeds.add(kind="exchange", query="binance")
    runner = StreamRunner(private_app, backoff_base_s=0.01, max_backoff_s=0.2)
    runner.exchanges.source_for = lambda _feed: (source, "")  # type: ignore[method-assign]

    def traced() -> int:
        return sum(
            1
            for r in caplog.records
            if r.name == "core.monitors.stream" and r.levelno == logging.DEBUG and r.exc_info
        )

    async def stored(n: int) -> bool:
        return await Item.filter(feed_id=feed.id).count() == n

    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        source.batches.put_nowait(fake_batch(0))
        await wait_for(lambda: stored(1), within_s=10)
        await asyncio.to_thread(private_pg.stop)
        try:
            source.batches.put_nowait(fake_batch(1))
            await wait_for(lambda: traced() >= FAILED_TICKS, within_s=30)
            source.batches.put_nowait(fake_batch(2))  # read while the database is away
            await wait_for(source.batches.empty, within_s=10)
        finally:
            await asyncio.to_thread(private_pg.start)
        await wait_for(lambda: stored(3), within_s=30)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    items = await Item.filter(feed_id=feed.id).order_by("id").values_list("guid", flat=True)
    assert items == ["fake-0", "fake-1", "fake-2"]  # in the order pushed, each once
    sources = await ItemSource.filter(feed_id=feed.id).values_list("guid", flat=True)
    assert sorted(sources) == ["fake-0", "fake-1", "fake-2"]
    said = [r for r in caplog.records if r.name == "core.monitors.stream"]
    assert [r.getMessage() for r in said if r.levelno >= logging.INFO and r.exc_info] == []
    loud = [(r.levelno, r.getMessage()) for r in said if r.levelno >= logging.INFO]
    assert [level for level, _ in loud] == [logging.WARNING, logging.INFO], loud
    assert loud[0][1].startswith(f"feed {feed.id} stream failed: database unreachable (")
    assert loud[1][1].startswith(f"feed {feed.id} stream works again: database back after ")
    await feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_error is None and feed.enabled
