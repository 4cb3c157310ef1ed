"""A streaming feed's backlog on disk (core.monitors.stream.Spool): what a worker killed
during a database outage held is stored by the next one, in order, each item once. The real
processes (kill -9 during a real PostgreSQL stop) are in tests/faults/test_fault_stream_spool.py.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.models import Feed, Item, ItemSource
from core.monitors.base import RawItem
from core.monitors.stream import Backlog, Spool, StreamRunner, _Batch
from core.runtime import App
from core.workers import new_worker_id, owner_alive
from tests.conftest import wait_for
from tests.test_loop_fault_logs import FakeStream

T0 = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def batch(n: int, *, size: int = 1) -> _Batch:
    items = [
        RawItem(
            guid=f"g{n}-{k}",
            title=f"Announcement {n}.{k} ünïcode",
            text="A listing.\nSecond line",
            url=f"https://example.com/{n}/{k}",
            author="Binance",
            published=T0 + timedelta(minutes=n),
        )
        for k in range(size)
    ]
    return _Batch(Feed(id=1), items, T0 + timedelta(seconds=n))


def dead_worker(directory: Path) -> Backlog:
    """A backlog spooled under this process's pid: judged stopped, like a killed worker's
    (a container restarted under the same pid is not the worker that wrote it)."""
    return Backlog(1, cap=100, spool=Spool(directory, new_worker_id()))


def test_a_stopped_workers_batches_not_stored_are_adopted_in_order(tmp_path: Path) -> None:
    old = dead_worker(tmp_path)
    for n in range(4):
        old.push(batch(n, size=2))
    asyncio.run(old.take())  # the head, being stored...
    old.stored()  # ...and stored: marked done
    written = old.spool.path
    assert written is not None and written.exists()

    new = Backlog(1, cap=100, spool=Spool(tmp_path, new_worker_id()))
    assert new.adopt() == 6
    assert [[i.guid for i in b.items] for b in new.waiting] == [
        ["g1-0", "g1-1"],
        ["g2-0", "g2-1"],
        ["g3-0", "g3-1"],
    ]
    assert new.waiting[0].items[0] == batch(1, size=2).items[0]  # every field, dates too
    assert all(b.feed is None for b in new.waiting)  # the writer loads the feed
    assert not written.exists()  # adopted: now in the new worker's own spool
    again = Backlog(1, cap=100, spool=Spool(tmp_path, new_worker_id()))
    assert again.adopt() == 6  # had the new worker died too, nothing would be lost


def test_an_empty_backlog_leaves_no_file_and_a_torn_line_is_skipped(tmp_path: Path) -> None:
    backlog = dead_worker(tmp_path)
    backlog.push(batch(0))
    asyncio.run(backlog.take())
    backlog.stored()
    assert list(tmp_path.iterdir()) == []  # the usual state: nothing waits, nothing on disk
    backlog.push(batch(1))
    backlog.push(batch(2))
    path = backlog.spool.path
    assert path is not None
    with path.open("a") as fh:
        fh.write('{"seq": 3, "at": "2026-')  # killed mid-write
    adopted, files = Spool(tmp_path, new_worker_id()).adopt()
    assert [b.items[0].guid for b in adopted] == ["g1-0", "g2-0"] and files == [path]


def test_batches_dropped_over_the_cap_are_not_adopted(tmp_path: Path) -> None:
    backlog = Backlog(1, cap=2, spool=Spool(tmp_path, new_worker_id()))
    for n in range(5):
        backlog.push(batch(n))
    assert [b.items[0].guid for b in backlog.waiting] == ["g3-0", "g4-0"]
    adopted, _ = Spool(tmp_path, new_worker_id()).adopt()
    assert [b.items[0].guid for b in adopted] == ["g3-0", "g4-0"]


def test_a_running_workers_spool_is_not_adopted(tmp_path: Path) -> None:
    host, pid, tag = new_worker_id().rsplit("_", 2)
    running = f"{host}_{os.getppid()}_{tag}"  # our parent: alive
    assert owner_alive(running) and not owner_alive(f"{host}_{pid}_{tag}")
    assert owner_alive(f"another-host_{pid}_{tag}")  # not ours to judge
    Backlog(1, spool=Spool(tmp_path, running)).push(batch(0))
    assert Spool(tmp_path, new_worker_id()).adopt() == ([], [])


async def test_the_feeds_task_stores_what_a_killed_worker_spooled(app: App) -> None:
    """A spool left in DATA_DIR by a worker killed during an outage: the feed's task, when it
    starts, stores it before anything newly pushed, each item once (one of them was stored
    before the kill, its done mark not yet written), and removes the file."""
    feed = await app.feeds.add(kind="exchange", query="binance")
    directory = Path(app.settings.data_dir) / "streams" / str(feed.id)
    killed = Backlog(feed.id, spool=Spool(directory, new_worker_id()))
    for n in range(3):
        killed.push(_Batch(feed, batch(n).items, T0 + timedelta(seconds=n)))
    source = FakeStream()
    runner = StreamRunner(app, backoff_base_s=0.01, max_backoff_s=0.05)
    runner.exchanges.source_for = lambda _feed: (source, "")  # type: ignore[method-assign]
    await runner.ingestor.ingest(feed, batch(0).items)  # stored just before the kill

    async def stored() -> bool:
        return await Item.filter(feed_id=feed.id).count() == 4

    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        source.batches.put_nowait([RawItem(guid="fresh", title="Pushed after the restart")])
        await wait_for(stored, within_s=10)
        await wait_for(lambda: not any(directory.iterdir()), within_s=10)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    guids = await Item.filter(feed_id=feed.id).order_by("id").values_list("guid", flat=True)
    assert guids == ["g0-0", "g1-0", "g2-0", "fresh"]
    assert await ItemSource.filter(feed_id=feed.id).count() == 4


def test_a_spool_line_is_one_json_record_a_batch(tmp_path: Path) -> None:
    backlog = dead_worker(tmp_path)
    backlog.push(batch(0, size=2))
    assert backlog.spool.path is not None
    [line] = backlog.spool.path.read_text().splitlines()
    record = json.loads(line)
    assert record["seq"] == 1 and record["at"] == T0.isoformat()
    assert [i["guid"] for i in record["items"]] == ["g0-0", "g0-1"]
