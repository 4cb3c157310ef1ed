"""Streaming sources: feeds pushed over a long-lived connection instead of being polled.

A streaming source has one method, `stream(base) -> AsyncIterator[list[RawItem]]`, that
connects and yields entries as they arrive, returns when the server ends the connection and
raises `PollError` when it cannot connect (WebSocket announcement channels such as Binance's;
the X filtered stream fits the same shape). `StreamRunner`, a worker component, keeps one
connection per enabled streaming feed: it holds a lease `stream:<feed id>` (renewed while
connected) so one worker streams a feed, ingests each batch the moment it arrives (the same
`Ingestor` as the poller: dedup, scoring, alerts), reconnects with capped exponential backoff,
and writes health (last success, failures, error, disabled when an admin must act) on the
feed like the poller does.

A push has no replay: what arrives while the database is away must be kept or it is lost.
Each feed reads into a `Backlog` and a writer task stores it in order, so reading never
waits for the database; a batch that cannot be stored stays at the head and is tried again
(capped backoff) until the database answers, then stored once (the ingestor skips guids the
feed already recorded, so a batch half-stored before the outage is not stored twice). The
backlog holds at most `BACKLOG_ITEMS` items (plus the newest batch): past that the oldest
batches are dropped, with one warning an episode and `tge_stream_backlog_dropped_items_total`.

The backlog is also on disk (`Spool`: `DATA_DIR/streams/<feed id>/<worker>.jsonl`, each batch
fsynced as it is pushed), so a process killed during an outage loses nothing: the next
worker started on the host stores what it held, in order, each (feed, guid) once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from core.faults import LoopFaults
from core.models import Feed, FeedKind
from core.monitors.base import PollError, RawItem
from core.monitors.ingest import Ingestor
from core.workers import file_safe, new_worker_id, owner_alive

log = logging.getLogger(__name__)

# Pushed items a feed may hold while they cannot be stored: an exchange announces a few
# items an hour, so this is hours of a database outage, and a few MB at most.
BACKLOG_ITEMS = 5_000


@dataclass
class _Batch:
    feed: Feed | None  # None: read back from a spool (the writer loads the feed)
    items: list[RawItem]
    fetched_at: datetime
    seq: int = 0  # its number in the backlog's spool


class Spool:
    """A feed's backlog on disk: one append-only file per feed and run of its stream task.

    A line per pushed batch, written and fsynced before the push returns, and `{"done": n}`
    once batch n is stored, given up or dropped over the cap; the file goes when the backlog
    is empty (the usual state: it only grows while the database is away). `adopt` reads
    back the batches not done in the files of workers of this host that are no longer
    running (a torn last line, from a kill mid-write, is skipped), oldest push first."""

    def __init__(self, directory: Path | None, worker_id: str) -> None:
        self.directory = directory
        self.path = directory / f"{file_safe(worker_id)}.jsonl" if directory else None

    def append(self, batch: _Batch) -> None:
        record = {
            "seq": batch.seq,
            "at": batch.fetched_at.isoformat(),
            "items": [
                {**asdict(i), "published": i.published.isoformat() if i.published else None}
                for i in batch.items
            ],
        }
        self._write(record, sync=True)

    def done(self, seq: int) -> None:
        # not fsynced: a mark lost with the machine means a batch stored again, which the
        # ingestor skips (its guids are known)
        self._write({"done": seq}, sync=False)

    def clear(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)

    def _write(self, record: dict[str, Any], *, sync: bool) -> None:
        if self.path is None:
            return
        try:
            new = not self.path.exists()
            if new:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
                fh.flush()
                if sync:
                    os.fsync(fh.fileno())
            if new and sync:  # the file's name, too, must survive the machine
                fd = os.open(self.path.parent, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError:
            log.exception("could not spool pushed items to %s (kept in memory)", self.path)

    def adopt(self) -> tuple[list[_Batch], list[Path]]:
        """Batches not done in the files of stopped workers, oldest push first; the files."""
        if self.directory is None or not self.directory.is_dir():
            return [], []
        batches: list[_Batch] = []
        files: list[Path] = []
        for path in sorted(self.directory.glob("*.jsonl")):
            if path == self.path or owner_alive(path.stem):
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            kept: dict[int, _Batch] = {}
            for line in lines:
                with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                    record = json.loads(line)
                    if "done" in record:
                        kept.pop(int(record["done"]), None)
                        continue
                    kept[int(record["seq"])] = _Batch(
                        None,
                        [_raw_item(i) for i in record["items"]],
                        datetime.fromisoformat(record["at"]),
                    )
            batches += [kept[seq] for seq in sorted(kept)]
            files.append(path)
        batches.sort(key=lambda b: b.fetched_at)  # stable: a file's own order is kept
        return batches, files


def _raw_item(record: dict[str, Any]) -> RawItem:
    published = record.get("published")
    return RawItem(
        **{**record, "published": datetime.fromisoformat(published) if published else None}
    )


class Backlog:
    """A feed's pushed batches not yet stored, oldest first, bounded by `cap` items.

    The newest batch is always kept (a batch larger than the cap is stored when it can);
    past the cap the oldest waiting batches go, with one warning until the backlog is empty
    again and the count in `tge_stream_backlog_dropped_items_total`. The head being stored
    (`taken`) is counted but never dropped, so a retried batch cannot vanish mid-store."""

    def __init__(
        self,
        feed_id: int,
        cap: int = BACKLOG_ITEMS,
        metrics: Any = None,
        spool: Spool | None = None,
    ) -> None:
        self.feed_id = feed_id
        self.cap = cap
        self.metrics = metrics
        self.spool = spool or Spool(None, "")
        self._seq = 0
        self.waiting: deque[_Batch] = deque()
        self.taken: _Batch | None = None
        self.items = 0
        self.dropped = 0  # items dropped in this episode (since the backlog was last empty)
        self.retrying = False  # the taken batch failed to store at least once
        self.arrived = asyncio.Event()

    def push(self, batch: _Batch) -> None:
        """Keep a batch that arrived (on disk too, when spooled); never waits for the
        database (the stream's reader calls it)."""
        self._seq += 1
        batch.seq = self._seq
        self.spool.append(batch)
        self.waiting.append(batch)
        self.items += len(batch.items)
        while self.items > self.cap and len(self.waiting) > 1:
            old = self.waiting.popleft()
            self.spool.done(old.seq)
            self.items -= len(old.items)
            if not self.dropped:
                log.warning(
                    "feed %s: %d pushed items wait to be stored, over the cap of %d; dropping "
                    "the oldest until the database takes them",
                    self.feed_id,
                    self.items + len(old.items),
                    self.cap,
                )
            self.dropped += len(old.items)
            if self.metrics is not None:
                self.metrics.stream_backlog_dropped.labels(str(self.feed_id)).inc(len(old.items))
        self._gauge()
        self.arrived.set()

    async def take(self) -> _Batch:
        """The oldest batch, once there is one; it stays counted until `stored`."""
        if self.taken is None:
            while not self.waiting:
                self.arrived.clear()
                await self.arrived.wait()
            self.taken = self.waiting.popleft()
        return self.taken

    def stored(self) -> None:
        """The taken batch is stored (or given up on): forget it."""
        if self.taken is not None:
            self.items -= len(self.taken.items)
            self.spool.done(self.taken.seq)
            self.taken = None
        self.retrying = False
        if not self.waiting:
            self.spool.clear()
        if not self.items and self.dropped:
            log.warning(
                "feed %s: backlog stored; %d pushed items were dropped over the cap",
                self.feed_id,
                self.dropped,
            )
            self.dropped = 0
        self._gauge()

    def adopt(self) -> int:
        """Take the spooled batches of workers of this host that stopped before storing
        them: pushed here first (and into this backlog's own spool), then their files go.
        Returns the number of items."""
        batches, files = self.spool.adopt()
        for batch in batches:
            self.push(batch)
        for path in files:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        items = sum(len(b.items) for b in batches)
        if items:
            log.warning(
                "feed %s: %d pushed items a stopped worker kept on disk wait to be stored",
                self.feed_id,
                items,
            )
        return items

    def _gauge(self) -> None:
        if self.metrics is not None:
            self.metrics.stream_backlog.labels(str(self.feed_id)).set(self.items)


class _HeldLease:
    """The token of a lease that is renewed while a connection lives."""

    def __init__(self, token: str) -> None:
        self.token = token


class StreamingSource(Protocol):
    """What the runner needs from a push source."""

    label: str

    def stream(self, base: str) -> AsyncIterator[list[RawItem]]: ...


class StreamRunner:
    """Component: one task per streaming feed, started and stopped as feeds change."""

    name = "streams"

    def __init__(
        self,
        app: Any,
        *,
        scan_s: float = 5.0,
        lease_s: float = 90.0,
        backoff_base_s: float = 1.0,
        max_backoff_s: float = 300.0,
        store_retry_max_s: float = 10.0,
        backlog_items: int = BACKLOG_ITEMS,
    ) -> None:
        from core.monitors.exchanges import ExchangeMonitor

        self.app = app
        self.scan_s = scan_s
        self.lease_s = lease_s
        self.backoff_base_s = backoff_base_s
        self.max_backoff_s = max_backoff_s
        self.store_retry_max_s = store_retry_max_s
        self.backlog_items = backlog_items
        self.exchanges = ExchangeMonitor(app)
        self.ingestor = Ingestor(app)
        data_dir = getattr(getattr(app, "settings", None), "data_dir", None)
        # each feed's backlog on disk (None: in memory only)
        self.spool_dir = Path(data_dir) / "streams" if data_dir is not None else None
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._scanner: asyncio.Task[None] | None = None
        self._faults = LoopFaults("stream scan", log)

    async def start(self) -> None:
        self._scanner = asyncio.create_task(self._scan_forever(), name="stream-scan")

    async def stop(self) -> None:
        tasks = [t for t in (self._scanner, *self._tasks.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    async def streaming_feeds(self) -> list[Feed]:
        feeds = await Feed.filter(enabled=True, kind=FeedKind.EXCHANGE)
        return [f for f in feeds if self.exchanges.streams(f)]

    async def _scan_forever(self) -> None:
        while True:
            await self._faults.attempt(self.scan())
            await asyncio.sleep(self.scan_s)

    async def scan(self) -> None:
        """Start a task for each new streaming feed; stop those of removed/disabled feeds."""
        wanted = {f.id for f in await self.streaming_feeds()}
        for feed_id, task in list(self._tasks.items()):
            if feed_id not in wanted or task.done():
                task.cancel()
                self._tasks.pop(feed_id, None)
        for feed_id in wanted - set(self._tasks):
            self._tasks[feed_id] = asyncio.create_task(
                self._run_feed(feed_id), name=f"stream-feed-{feed_id}"
            )

    async def _run_feed(self, feed_id: int) -> None:
        """Stream one feed while it is enabled, backing off after failed connections.

        The feed's `LoopFaults` folds a database or Redis outage (the lease, the feed's row,
        storing what arrived) into one warning and one line when it is over. Its writer
        stores the backlog the connections fill, across reconnects."""
        faults = LoopFaults(f"feed {feed_id} stream", log)
        spool = Spool(
            self.spool_dir / str(feed_id) if self.spool_dir is not None else None,
            new_worker_id(),  # a file a run: an earlier run's is adopted like a dead worker's
        )
        backlog = Backlog(feed_id, self.backlog_items, getattr(self.app, "metrics", None), spool)
        backlog.adopt()
        writer = asyncio.create_task(
            self._store_backlog(feed_id, backlog, faults), name=f"stream-store-{feed_id}"
        )
        try:
            await self._connect_forever(feed_id, backlog, faults)
        finally:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
            if backlog.waiting or backlog.retrying:  # not a batch cut short mid-store
                log.warning(
                    "feed %s: stream stopped with %d pushed items not stored%s",
                    feed_id,
                    backlog.items,
                    f" (kept in {spool.path})" if spool.path is not None else "",
                )

    async def _connect_forever(self, feed_id: int, backlog: Backlog, faults: LoopFaults) -> None:
        failures = 0
        while True:
            try:
                token = await self.app.kv.acquire_lease(f"stream:{feed_id}", self.lease_s)
                if token is None:  # another worker streams it
                    await asyncio.sleep(self.lease_s / 3)
                    continue
                ok = await self._leased_connection(feed_id, token, backlog, faults)
            except Exception as exc:  # the lease or the feed's row: Redis or the database
                faults.failed(exc)
                ok = False
            if ok is None:
                return  # feed gone or disabled
            failures = 0 if ok else failures + 1
            delay = min(self.max_backoff_s, self.backoff_base_s * 2 ** min(failures, 20))
            await asyncio.sleep(delay if failures else self.backoff_base_s)

    async def _store_backlog(self, feed_id: int, backlog: Backlog, faults: LoopFaults) -> None:
        """Store the feed's pushed batches in order, each once, waiting out outages.

        The database or Redis away: the batch stays at the head and is tried again after a
        capped backoff (one warning an outage, via `faults`); the feed's health is left
        alone. Any other error is a bug: its traceback is logged, it shows on the feed, and
        the batch is given up (retrying it would stop the stream's storing for good)."""
        retries = 0
        while True:
            batch = await backlog.take()
            try:
                await self._store(feed_id, batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if faults.failed(exc) is not None:
                    backlog.retrying = True
                    retries += 1
                    cap = min(self.max_backoff_s, self.store_retry_max_s)
                    await asyncio.sleep(min(cap, self.backoff_base_s * 2 ** min(retries, 20)))
                    continue
                backlog.stored()
                with contextlib.suppress(Exception):
                    feed = batch.feed or await Feed.get(id=feed_id)
                    await self._failed(feed, PollError(f"internal error: {exc!r}"[:300]))
                continue
            retries = 0
            faults.ok()
            backlog.stored()

    async def _store(self, feed_id: int, batch: _Batch) -> None:
        """One pushed batch through the ingestor, then the feed's health."""
        if batch.feed is None:  # read back from a spool
            batch.feed = await Feed.get(id=feed_id)
        await self.ingestor.ingest(
            batch.feed, batch.items, source_kind=str(batch.feed.kind), fetched_at=batch.fetched_at
        )
        await Feed.filter(id=feed_id).update(
            last_success_at=batch.fetched_at,
            last_polled_at=batch.fetched_at,
            consecutive_failures=0,
            last_error=None,
        )

    async def _leased_connection(
        self, feed_id: int, token: str, backlog: Backlog, faults: LoopFaults
    ) -> bool | None:
        """`_connect_once` holding the lease `token`: renewed while connected, then released."""
        held = _HeldLease(token)
        renew = asyncio.create_task(self._renew(feed_id, held))
        try:
            return await self._connect_once(feed_id, backlog, faults)
        finally:
            renew.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await renew
            await self.app.kv.release_lease(f"stream:{feed_id}", held.token)

    async def _renew(self, feed_id: int, held: _HeldLease) -> None:
        """Keep the lease while connected: release and take it again every third of its TTL."""
        name = f"stream:{feed_id}"
        while True:
            await asyncio.sleep(self.lease_s / 3)
            await self.app.kv.release_lease(name, held.token)
            fresh = await self.app.kv.acquire_lease(name, self.lease_s)
            if fresh is None:
                log.warning("feed %s: another worker took the stream lease", feed_id)
                return
            held.token = fresh

    async def _connect_once(
        self, feed_id: int, backlog: Backlog, faults: LoopFaults
    ) -> bool | None:
        """One connection's life: True when it ended cleanly, False on failure, None if gone.

        Each pushed batch goes into `backlog` for the feed's writer to store: reading never
        waits for the database. The source's failures are the feed's: its health says why
        (a PollError's message, or "internal error: ..." with the traceback logged).
        """
        from core.monitors.exchanges import api_base

        feed = await Feed.get_or_none(id=feed_id)
        if feed is None or not feed.enabled:
            return None
        faults.ok()  # the lease and the feed's row were read: an outage is over
        try:
            source, _ = self.exchanges.source_for(feed)
            base = api_base(self.app.settings, type(source))
            stream = source.stream(base)  # type: ignore[attr-defined]
            async with contextlib.aclosing(stream) as batches:
                async for items in batches:
                    backlog.push(_Batch(feed, list(items), datetime.now(UTC)))
            return True
        except asyncio.CancelledError:
            raise
        except PollError as exc:
            await self._failed(feed, exc)
            return False
        except Exception as exc:  # not a PollError from the source: a bug there
            log.error("feed %s: stream failed", feed_id, exc_info=exc)
            await self._failed(feed, PollError(f"internal error: {exc!r}"[:300]))
            return False

    async def _failed(self, feed: Feed, exc: PollError) -> None:
        feed.consecutive_failures += 1
        feed.last_error = exc.message[:512]
        feed.last_polled_at = datetime.now(UTC)
        fields = ["consecutive_failures", "last_error", "last_polled_at"]
        if exc.needs_admin:
            feed.enabled = False
            feed.disabled_reason = f"disabled until an admin acts: {exc.message}"[:512]
            fields += ["enabled", "disabled_reason"]
            log.warning("feed %s disabled: %s", feed.id, feed.disabled_reason)
        else:
            log.info("feed %s: stream failed (%s); reconnecting", feed.id, exc.message)
        await feed.save(update_fields=fields)
