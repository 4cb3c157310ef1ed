"""The poller: polls each due feed at its interval, politely, and keeps its health.

An APScheduler (3.x AsyncIOScheduler) interval job ticks every second and starts a poll for
each enabled feed whose `next_poll_at` has passed. Per poll:

- a lease (`feed:<id>` in app.kv; a Redis `SET NX` with Redis) so that with several worker
  processes exactly one polls a feed at a time;
- a per-host wait (from `Retry-After` / X rate-limit reset, kept in app.kv so every worker
  honours it) and a per-host concurrency semaphore;
- success: conditional-GET state stored, next poll at interval ± jitter;
- transient failure (5xx, timeout, parse error): exponential backoff, capped;
- permanent failure (404/410/401/403, DNS, refused address): also backs off, and after
  `disable_after` in a row the feed is disabled with the reason stored.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tortoise.expressions import Q

from core.bus import lease
from core.faults import LoopFaults
from core.models import Feed
from core.monitors.adaptive import Bounds, next_interval
from core.monitors.base import Monitor, PollError, PollResult
from core.monitors.budget import HostBudget
from core.monitors.exchanges import ExchangeMonitor, exchange_budgets
from core.monitors.exchanges import host_of as exchange_host
from core.monitors.ingest import Ingestor, IngestStats
from core.monitors.page import PageMonitor
from core.monitors.rss import RssMonitor
from core.monitors.twitter import TwitterMonitor

log = logging.getLogger(__name__)

# what a poll writes back (items_seen is counted by the ingestor with an atomic update)
_HEALTH_FIELDS = [
    "last_polled_at",
    "last_success_at",
    "consecutive_failures",
    "last_error",
    "state",
    "etag",
    "last_modified",
    "next_poll_at",
]


@dataclass
class PollOutcome:
    """What happened to one feed on one poll (for logs, tests and the demo)."""

    feed_id: int
    status: str  # ok, not_modified, failed, disabled, skipped, waiting
    stats: IngestStats | None = None
    error: str | None = None


class Poller:
    """Component that polls feeds; `poll_due()` / `poll_feed()` also work without start()."""

    name = "poller"

    def __init__(
        self,
        app: Any,
        *,
        tick_s: float = 1.0,
        per_host: int | None = None,
        max_concurrency: int = 32,
        backoff_base_s: float = 60.0,
        max_backoff_s: float = 6 * 3600.0,
        disable_after: int = 5,
        jitter: float = 0.1,
        monitors: dict[str, Monitor] | None = None,
        seed: int | None = None,
    ) -> None:
        self.app = app
        self.tick_s = tick_s
        settings = app.settings
        self.per_host = per_host or settings.host_concurrency
        self.budget = HostBudget(
            settings.host_requests_per_minute,
            overrides=exchange_budgets(settings),
            limiter=getattr(app, "limiter", None),
        )
        self.backoff_base_s = backoff_base_s
        self.max_backoff_s = max_backoff_s
        self.disable_after = disable_after
        self.jitter = jitter
        self.ingestor = Ingestor(app)
        self.twitter = TwitterMonitor(app.settings)
        self.monitors: dict[str, Monitor] = monitors or {
            "rss": RssMonitor(app.fetcher),
            "page": PageMonitor(app.fetcher),
            "twitter": self.twitter,
            "exchange": ExchangeMonitor(app),
        }
        self.lease_ttl_s = app.settings.fetch_timeout_s * 3 + 30
        self._random = random.Random(seed)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.per_host)
        )
        self._all = asyncio.Semaphore(max_concurrency)
        self._inflight: dict[int, asyncio.Task[PollOutcome]] = {}
        self._scheduler: Any = None
        self._ticking: asyncio.Task[Any] | None = None
        self._stopping = False
        self._summaries: set[asyncio.Task[None]] = set()
        self._websub: Any = None
        self._faults = LoopFaults("poller tick", log)  # an outage: one line, not one a tick

    # --- component ------------------------------------------------------------------------

    async def start(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(
            self._tick,
            "interval",
            seconds=self.tick_s,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
            id="feed-poller",
        )
        self._scheduler.start()

    async def stop(self) -> None:
        self._stopping = True
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        ticking = self._ticking
        if ticking is not None and not ticking.done():
            await asyncio.wait([ticking], timeout=5)  # a tick only queries and spawns
            if not ticking.done():  # its query outlived the wait (a loaded database): end it
                ticking.cancel()
                await asyncio.gather(ticking, return_exceptions=True)
        tasks = [*self._inflight.values(), *self._summaries]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.twitter.close()

    async def _tick(self) -> None:
        self._ticking = asyncio.current_task()
        try:
            started = await self.start_due()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # Shutting down (stop() or the loop's end cancelled a tick in its query): the
            # tick ends quietly; raised, apscheduler logs it with a traceback on every Ctrl-C
            # that lands mid-query.
            log.debug("poller tick cancelled by shutdown")
            return
        except Exception as exc:
            self._faults.failed(exc)
            return
        self._faults.ok()
        if started:
            summary = asyncio.create_task(self._summarise(started), name="poll-round-summary")
            self._summaries.add(summary)
            summary.add_done_callback(self._summaries.discard)

    async def _summarise(self, polls: list[asyncio.Task[PollOutcome]]) -> None:
        """One INFO line per poll round: feeds polled, new items, alerts (and failures)."""
        outcomes = await asyncio.gather(*polls, return_exceptions=True)
        done = [o for o in outcomes if isinstance(o, PollOutcome)]
        new = sum(o.stats.new for o in done if o.stats is not None)
        alerts = sum(len(o.stats.alerts) for o in done if o.stats is not None)
        failed = sum(1 for o in done if o.status in ("failed", "disabled"))
        polled = sum(1 for o in done if o.status not in ("skipped", "waiting"))
        log.info(
            "poll round: %d feed(s) polled, %d new item(s), %d alert(s)%s",
            polled,
            new,
            alerts,
            f", {failed} failed" if failed else "",
        )

    # --- scheduling -----------------------------------------------------------------------

    async def due_feeds(self, now: datetime | None = None, limit: int = 200) -> list[Feed]:
        now = now or datetime.now(UTC)
        return (
            await Feed.filter(enabled=True)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .order_by("next_poll_at")
            .limit(limit)
        )

    async def start_due(self) -> list[asyncio.Task[PollOutcome]]:
        started = []
        for feed in await self.due_feeds():
            if feed.id in self._inflight:
                continue
            task = asyncio.create_task(self.poll_feed(feed.id), name=f"poll-feed-{feed.id}")
            self._inflight[feed.id] = task
            task.add_done_callback(lambda _t, fid=feed.id: self._inflight.pop(fid, None))
            started.append(task)
        return started

    async def poll_due(self) -> list[PollOutcome]:
        """Poll every due feed now and wait for all of them (the demo's 'poll once')."""
        return list(await asyncio.gather(*await self.start_due()))

    def _jittered(self, seconds: float) -> float:
        return seconds * (1 + self._random.uniform(-self.jitter, self.jitter))

    def backoff_s(self, feed: Feed, failures: int) -> float:
        """Never sooner than the feed's interval; doubling from `backoff_base_s`; capped."""
        grown = self.backoff_base_s * 2 ** min(max(0, failures - 1), 30)
        return min(self.max_backoff_s, max(float(feed.interval_s), grown))

    def host_for(self, feed: Feed) -> str:
        """The host a poll of this feed talks to (the unit of the per-host budget)."""
        if str(feed.kind) == "exchange":
            return exchange_host(self.app.settings, feed.query)
        return self.host_of(feed, self.app.settings.twitter_api_base)

    @staticmethod
    def host_of(feed: Feed, twitter_base: str) -> str:
        url = twitter_base if str(feed.kind) == "twitter" else (feed.url or "")
        try:
            return (urlsplit(url).hostname or "").lower()
        except ValueError:
            return ""

    # --- one poll -------------------------------------------------------------------------

    async def poll_feed(self, feed_id: int) -> PollOutcome:
        async with lease(self.app.kv, f"feed:{feed_id}", self.lease_ttl_s) as held:
            if not held:
                return PollOutcome(feed_id, "skipped", error="another worker holds the lease")
            feed = await Feed.get_or_none(id=feed_id)
            if feed is None or not feed.enabled:
                return PollOutcome(feed_id, "disabled")
            monitor = self.monitors.get(str(feed.kind))
            streams = getattr(monitor, "streams", None)
            if streams is not None and streams(feed):
                # pushed over a connection by the StreamRunner; look again in an hour
                feed.next_poll_at = datetime.now(UTC) + timedelta(hours=1)
                await feed.save(update_fields=["next_poll_at"])
                return PollOutcome(feed_id, "skipped", error="a streaming source")
            host = self.host_for(feed)
            now = datetime.now(UTC)
            wait_until = await self.app.kv.get(f"host-wait:{host}")
            if wait_until and float(wait_until) > now.timestamp():
                feed.next_poll_at = datetime.fromtimestamp(float(wait_until), UTC)
                await feed.save(update_fields=["next_poll_at"])
                return PollOutcome(feed_id, "waiting", error=f"{host} asked us to wait")
            if monitor is None:
                return await self._failed(
                    feed, PollError(f"no monitor for kind {feed.kind}", permanent=True)
                )
            wait = await self.budget.acquire(host)
            if wait > 0:  # the host's requests/minute are spent: come back when they are not
                feed.next_poll_at = now + timedelta(seconds=wait)
                await feed.save(update_fields=["next_poll_at"])
                return PollOutcome(feed_id, "waiting", error=f"{host} budget spent")
            try:
                # host first: a feed queued behind its busy host holds no global slot
                async with self._hosts[host], self._all:
                    result = await monitor.poll(feed)
            except PollError as exc:
                return await self._failed(feed, exc, host)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("feed %s: unexpected error while polling", feed.id)
                return await self._failed(feed, PollError(f"internal error: {exc!r}"[:300]), host)
            stats = await self.ingestor.ingest(
                feed, result.items, source_kind=str(feed.kind), fetched_at=datetime.now(UTC)
            )
            await self._succeeded(feed, result, host, new=stats.new + stats.corroborated)
            if result.hub and result.topic and self.app.settings.websub:
                await self._maybe_subscribe(feed, result.hub, result.topic)
            if stats.new or stats.alerts:
                log.debug("feed %s: %s", feed.id, stats.to_dict())
            return PollOutcome(feed_id, "not_modified" if result.not_modified else "ok", stats)

    async def _maybe_subscribe(self, feed: Feed, hub: str, topic: str) -> None:
        """A feed that names a WebSub hub gets pushed; polling stays as the fallback."""
        from core.monitors.websub import WebSub, wants_subscription

        if not wants_subscription(feed, hub, topic):
            return
        if self._websub is None:
            self._websub = WebSub(self.app)
        try:
            await self._websub.subscribe(feed, hub, topic)
        except Exception:
            log.exception("feed %s: WebSub subscription failed", feed.id)

    async def _host_wait(self, host: str, seconds: float) -> datetime:
        until = datetime.now(UTC) + timedelta(seconds=seconds)
        await self.app.kv.set(f"host-wait:{host}", str(until.timestamp()), ttl_s=seconds + 1)
        return until

    def interval_after(self, feed: Feed, state: dict[str, Any], new: int) -> float:
        """The next interval: adaptive (POLL_ADAPTIVE) within the bounds, else the feed's own.

        Exchange feeds keep the interval an admin set: it is already inside the exchange's
        documented limit, and every announcement there is worth seeing at once.
        """
        from core.monitors.websub import FALLBACK_POLL_S, push_active

        settings = self.app.settings
        if not settings.poll_adaptive or str(feed.kind) == "exchange":
            interval = float(feed.interval_s)
        else:
            interval = self._adapted(feed, state, new)
        if push_active(feed):  # the hub pushes: polling is only the safety net
            interval = max(interval, FALLBACK_POLL_S)
        return interval

    def _adapted(self, feed: Feed, state: dict[str, Any], new: int) -> float:
        settings = self.app.settings
        bounds = Bounds.for_feed(
            feed.interval_s, settings.poll_min_interval_s, settings.poll_max_interval_s
        )
        interval, adapted = next_interval(
            state,
            new=new,
            now=datetime.now(UTC).timestamp(),
            interval_s=feed.interval_s,
            bounds=bounds,
        )
        state.clear()
        state.update(adapted)
        return interval

    async def _succeeded(self, feed: Feed, result: PollResult, host: str, *, new: int = 0) -> None:
        now = datetime.now(UTC)
        feed.last_polled_at = now
        feed.last_success_at = now
        feed.consecutive_failures = 0
        feed.last_error = None
        state = dict(result.state if result.state is not None else (feed.state or {}))
        state.pop("permanent_failures", None)
        feed.state = state
        if result.etag is not None or not result.not_modified:
            feed.etag = result.etag
        if result.last_modified is not None or not result.not_modified:
            feed.last_modified = result.last_modified
        if "websub" in state:
            # the web process writes the subscription (verification, pushes): keep its
            # latest word rather than what this poll read before it
            fresh = await Feed.filter(id=feed.id).first().values_list("state", flat=True)
            if isinstance(fresh, dict) and "websub" in fresh:
                state["websub"] = fresh["websub"]
        interval = self.interval_after(feed, state, new)
        feed.next_poll_at = now + timedelta(seconds=self._jittered(interval))
        if result.retry_after:
            until = await self._host_wait(host, result.retry_after)
            feed.next_poll_at = max(feed.next_poll_at, until)
        await feed.save(update_fields=_HEALTH_FIELDS)

    async def _failed(self, feed: Feed, exc: PollError, host: str = "") -> PollOutcome:
        now = datetime.now(UTC)
        feed.last_polled_at = now
        feed.consecutive_failures += 1
        feed.last_error = exc.message[:512]
        state = dict(feed.state or {})
        status = "failed"
        if exc.retry_after is not None:
            until = await self._host_wait(host, exc.retry_after)
            feed.next_poll_at = until
            log.debug("feed %s: %s; waiting %.0fs", feed.id, exc.message, exc.retry_after)
        else:
            delay = self._jittered(self.backoff_s(feed, feed.consecutive_failures))
            feed.next_poll_at = now + timedelta(seconds=delay)
            if exc.permanent:
                state["permanent_failures"] = int(state.get("permanent_failures", 0)) + 1
                if exc.needs_admin or state["permanent_failures"] >= self.disable_after:
                    feed.enabled = False
                    feed.disabled_reason = (
                        f"disabled until an admin acts: {exc.message}"
                        if exc.needs_admin
                        else f"disabled after {state['permanent_failures']} failures in a row: "
                        f"{exc.message}"
                    )[:512]
                    status = "disabled"
                    log.warning("feed %s disabled: %s", feed.id, feed.disabled_reason)
            else:
                state.pop("permanent_failures", None)
            log.debug(
                "feed %s failed (%d in a row): %s; next try in %.0fs",
                feed.id,
                feed.consecutive_failures,
                exc.message,
                delay,
            )
        feed.state = state
        await feed.save(update_fields=[*_HEALTH_FIELDS, "enabled", "disabled_reason"])
        return PollOutcome(feed.id, status, error=exc.message)
