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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, Protocol

from core.faults import LoopFaults
from core.models import Feed, FeedKind
from core.monitors.base import PollError, RawItem
from core.monitors.ingest import Ingestor

log = logging.getLogger(__name__)


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
    ) -> None:
        from core.monitors.exchanges import ExchangeMonitor

        self.app = app
        self.scan_s = scan_s
        self.lease_s = lease_s
        self.backoff_base_s = backoff_base_s
        self.max_backoff_s = max_backoff_s
        self.exchanges = ExchangeMonitor(app)
        self.ingestor = Ingestor(app)
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
        storing what arrived) into one warning and one line when it is over."""
        faults = LoopFaults(f"feed {feed_id} stream", log)
        failures = 0
        while True:
            try:
                token = await self.app.kv.acquire_lease(f"stream:{feed_id}", self.lease_s)
                if token is None:  # another worker streams it
                    await asyncio.sleep(self.lease_s / 3)
                    continue
                ok = await self._leased_connection(feed_id, token, faults)
            except Exception as exc:  # the lease or the feed's row: Redis or the database
                faults.failed(exc)
                ok = False
            if ok is None:
                return  # feed gone or disabled
            failures = 0 if ok else failures + 1
            delay = min(self.max_backoff_s, self.backoff_base_s * 2 ** min(failures, 20))
            await asyncio.sleep(delay if failures else self.backoff_base_s)

    async def _leased_connection(self, feed_id: int, token: str, faults: LoopFaults) -> bool | None:
        """`_connect_once` holding the lease `token`: renewed while connected, then released."""
        held = _HeldLease(token)
        renew = asyncio.create_task(self._renew(feed_id, held))
        try:
            return await self._connect_once(feed_id, faults)
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

    async def _connect_once(self, feed_id: int, faults: LoopFaults) -> bool | None:
        """One connection's life: True when it ended cleanly, False on failure, None if gone.

        The source's failures are the feed's: its health says why (a PollError's message, or
        "internal error: ..." with the traceback logged). Failing to store what arrived is
        ours: the database or Redis away goes to `faults` (one warning an outage) and leaves
        the feed's health alone; any other error is logged with its traceback and shown on
        the feed like the source's.
        """
        from core.monitors.exchanges import api_base

        feed = await Feed.get_or_none(id=feed_id)
        if feed is None or not feed.enabled:
            return None
        faults.ok()  # the lease and the feed's row were read: an outage is over
        storing = False
        try:
            source, _ = self.exchanges.source_for(feed)
            base = api_base(self.app.settings, type(source))
            stream = source.stream(base)  # type: ignore[attr-defined]
            async with contextlib.aclosing(stream) as batches:
                async for items in batches:
                    storing = True
                    fetched = datetime.now(UTC)
                    await self.ingestor.ingest(
                        feed, items, source_kind=str(feed.kind), fetched_at=fetched
                    )
                    await Feed.filter(id=feed_id).update(
                        last_success_at=fetched,
                        last_polled_at=fetched,
                        consecutive_failures=0,
                        last_error=None,
                    )
                    storing = False
            return True
        except asyncio.CancelledError:
            raise
        except PollError as exc:
            await self._failed(feed, exc)
            return False
        except Exception as exc:
            if not storing:  # not a PollError from the source: a bug there
                log.error("feed %s: stream failed", feed_id, exc_info=exc)
            elif faults.failed(exc) is not None:
                return False  # the database or Redis away: not the feed's failure
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
