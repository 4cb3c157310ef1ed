"""New entries → Items (deduplicated) → scoring → Alerts above the store threshold.

Dedup happens at two levels:
- per feed: an (feed, guid) pair already recorded as an ItemSource is skipped outright;
- across sources: an entry whose canonical URL or title fingerprint matches a recent Item is
  recorded as one more ItemSource of that Item (`source_count += 1`) instead of a new story.

The cross-source check and the insert are one step under a per-story lock (its canonical URL
and fingerprint): an asyncio lock inside the process and, on PostgreSQL, a transaction-scoped
advisory lock shared by every worker. So 200 feeds carrying one story at the same moment
store one Item and raise at most one alert.

A new item, its (feed, guid) record, its alert and the alert's delivery rows commit in that
one transaction: a guid is "seen" only with its alert, so a retry after an outage (or a
kill) at any point of it alerts the item once (tests/faults/test_fault_item_alert.py).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core.db import transaction
from core.faults import dependency_of
from core.locks import KeyedLocks
from core.models import Alert, Company, Feed, Item, ItemSource
from core.monitors.base import RawItem
from core.monitors.dedup import canonical_url, title_fingerprint
from core.scoring import Analysis, ScoringEngine

log = logging.getLogger(__name__)

CORROBORATION_WINDOW = timedelta(days=7)


@dataclass
class IngestStats:
    """What one batch did; the poller logs it and the demo prints the alerts."""

    seen: int = 0
    new: int = 0
    duplicates: int = 0
    corroborated: int = 0
    failed: int = 0  # entries a bug stopped (logged; nothing of them kept)
    alerts: list[Alert] = field(default_factory=list)
    analyses: dict[int, Analysis] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "new": self.new,
            "duplicates": self.duplicates,
            "corroborated": self.corroborated,
            "alerts": len(self.alerts),
        }


@contextlib.asynccontextmanager
async def story_lock(locks: KeyedLocks, keys: Sequence[str]) -> AsyncIterator[None]:
    """The per-story critical section: in-process lock, then a transaction (queries inside
    the block run in it) holding, on PostgreSQL, the story's advisory locks.

    The advisory locks are transaction-scoped: released by its commit or rollback.
    """
    async with locks.hold(keys), transaction() as tx:
        if connections.get("default").capabilities.dialect == "postgres":
            for key in sorted(set(keys)):
                await tx.execute_query(
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 14))", [key]
                )
        yield


class Ingestor:
    """Stores new items from any monitor and hands them to scoring and the alert service."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._fallback_engine: ScoringEngine | None = None
        # the App's, so every ingestor of the process shares them
        self._story_locks: KeyedLocks = getattr(app, "locks", None) or KeyedLocks()

    @property
    def engine(self) -> ScoringEngine:
        engine = getattr(self.app, "scoring", None)
        if engine is None:
            if self._fallback_engine is None:
                self._fallback_engine = ScoringEngine()
            engine = self._fallback_engine
        return engine

    async def ingest(
        self,
        feed: Feed | None,
        entries: Sequence[RawItem],
        *,
        source_kind: str = "rss",
        fetched_at: datetime | None = None,
    ) -> IngestStats:
        """Store, score and alert new entries; `fetched_at` is when the fetch (or push) that
        brought them returned (the latency clock's second mark; now when not given)."""
        stats = IngestStats(seen=len(entries))
        fetched_at = fetched_at or datetime.now(UTC)
        if not entries:
            return stats
        batch: dict[str, RawItem] = {}
        for entry in entries:
            entry = entry.clipped()
            if entry.guid and entry.guid not in batch:
                batch[entry.guid] = entry
        stats.duplicates += len(entries) - len(batch)
        feed_id = feed.id if feed is not None else None
        known = set(
            await ItemSource.filter(feed_id=feed_id, guid__in=list(batch)).values_list(
                "guid", flat=True
            )
        )
        stats.duplicates += len(known)
        for guid, entry in batch.items():
            if guid in known:
                continue
            try:
                await self._one(feed, entry, source_kind, stats, fetched_at)
            except Exception as exc:
                if dependency_of(exc) is not None:
                    raise  # the database is away: the whole batch is tried again later
                # a bug: nothing of this entry was kept, so it is tried again when seen
                # again; the rest of the batch goes on (one entry never blocks a feed)
                stats.failed += 1
                log.error(
                    "feed %s: entry %r could not be stored and alerted",
                    feed_id,
                    guid[:200],
                    exc_info=exc,
                )
        if feed is not None and stats.new + stats.corroborated:
            await Feed.filter(id=feed.id).update(
                items_seen=F("items_seen") + (stats.new + stats.corroborated)
            )
        return stats

    async def _match(self, canonical: str, fingerprint: str) -> Item | None:
        since = datetime.now(UTC) - CORROBORATION_WINDOW
        if canonical:
            item = await Item.filter(canonical_url=canonical, created_at__gte=since).first()
            if item is not None:
                return item
        if fingerprint:
            return await Item.filter(fingerprint=fingerprint, created_at__gte=since).first()
        return None

    async def _one(
        self,
        feed: Feed | None,
        entry: RawItem,
        source_kind: str,
        stats: IngestStats,
        fetched_at: datetime,
    ) -> None:
        """One entry: a new item, scored, and its alert with its delivery rows, committed
        together (or one more source of a known story).

        One transaction, so the (feed, guid) record that makes an entry "seen" never exists
        without the alert it called for: the database going away between the two used to
        leave an item seen but never alerted (the retry skipped its guid as known). Now an
        outage anywhere before the commit leaves nothing of the entry, and the retry (the
        next poll, the stream's writer) stores and alerts it once."""
        canonical = canonical_url(entry.url)
        fingerprint = title_fingerprint(entry.title or entry.text[:200])
        keys = [
            k for k in (canonical and f"url:{canonical}", fingerprint and f"fp:{fingerprint}") if k
        ]
        async with story_lock(self._story_locks, keys):
            item = await self._store(feed, entry, canonical, fingerprint, stats, fetched_at)
            if item is None:
                return
            analysis, links = await self._analyse(feed, entry, source_kind, fetched_at)
            item.scored_at = datetime.now(UTC)
            await Item.filter(id=item.id).update(scored_at=item.scored_at)
            # the service's threshold, or the linear model's for an item the encoder missed
            threshold = analysis.threshold(self.app.settings.alert_threshold)
            alert = None
            if analysis.confidence >= threshold:
                alert = await self._alert(item, feed, analysis, links)
        stats.new += 1
        stats.analyses[item.id] = analysis
        self._observe_fetch(item, feed)
        if alert is not None:
            stats.alerts.append(alert)
            metrics = getattr(self.app, "metrics", None)
            if metrics is not None and item.fetched_at is not None:
                metrics.observe_latency(
                    "fetch_to_alert",
                    (datetime.now(UTC) - item.fetched_at).total_seconds(),
                    kind=str(feed.kind) if feed else "",
                )

    async def _analyse(
        self, feed: Feed | None, entry: RawItem, source_kind: str, fetched_at: datetime
    ) -> tuple[Analysis, Any]:
        """A new entry's score (the encoder stage's when the app has one: read on its own
        thread, so the loop does not wait), and its links' review when it scores high enough
        to look."""
        analysis = self.engine.analyze(
            entry.title,
            entry.text,
            source_kind=source_kind,
            published=entry.published,
            url=entry.url,
        )
        encoder = getattr(self.app, "encoder", None)
        if encoder is not None:
            analysis = await encoder.rescore_async(analysis, entry.title, entry.text)
        history = getattr(self.engine, "history", None)
        if history is not None:  # this item's tickers are history for the next ones
            history.see_headline(entry.title, entry.published or fetched_at)
        alerts = getattr(self.app, "alerts", None)
        if alerts is None or analysis.confidence < analysis.threshold(
            self.app.settings.alert_threshold
        ):
            return analysis, None
        # scam wording next to an unofficial link lowers the score: look before deciding
        return alerts.review(
            analysis,
            title=entry.title,
            text=entry.text,
            url=entry.url,
            source_url=feed.url if feed is not None else None,
        )

    async def _store(
        self,
        feed: Feed | None,
        entry: RawItem,
        canonical: str,
        fingerprint: str,
        stats: IngestStats,
        fetched_at: datetime,
    ) -> Item | None:
        """A new Item, or None when the story is already known (then one more source of it)."""
        existing = await self._match(canonical, fingerprint)
        if existing is not None:
            try:
                async with transaction():
                    await ItemSource.create(
                        item=existing, feed=feed, guid=entry.guid, url=entry.url[:2048]
                    )
                    await Item.filter(id=existing.id).update(source_count=F("source_count") + 1)
            except IntegrityError:
                stats.duplicates += 1
                return None
            stats.corroborated += 1
            log.info("item %s corroborated by feed %s", existing.id, feed.id if feed else None)
            return None
        try:
            async with transaction():
                item = await Item.create(
                    feed=feed,
                    guid=entry.guid,
                    url=entry.url,
                    canonical_url=canonical,
                    title=entry.title,
                    text=entry.text,
                    author=entry.author,
                    published_at=entry.published,
                    fetched_at=fetched_at,
                    fingerprint=fingerprint,
                )
                await ItemSource.create(item=item, feed=feed, guid=entry.guid, url=entry.url)
        except IntegrityError:
            stats.duplicates += 1  # another worker stored it first
            return None
        return item

    def _observe_fetch(self, item: Item, feed: Feed | None) -> None:
        """source→fetch latency: from the publication time the source states to our fetch."""
        metrics = getattr(self.app, "metrics", None)
        if metrics is None or item.published_at is None or item.fetched_at is None:
            return
        lag = (item.fetched_at - item.published_at).total_seconds()
        if 0 <= lag <= 7 * 86400:  # an old entry read for the first time is not latency
            metrics.observe_latency("source_to_fetch", lag, kind=str(feed.kind) if feed else "")

    async def _alert(
        self, item: Item, feed: Feed | None, analysis: Analysis, links: Any = None
    ) -> Alert | None:
        alerts = getattr(self.app, "alerts", None)
        if alerts is not None:
            return await alerts.create_from_item(item, analysis, links)
        # Fallback until the alert pipeline is wired: store and log, no delivery.
        source = (feed.name if feed else "") or urlsplit(item.url or "").hostname or ""
        alert = await Alert.create(
            item=item,
            title=item.title,
            url=item.url,
            source=source[:256],
            confidence=analysis.confidence,
            band=analysis.band,
            analysis=analysis.to_dict(),
        )
        ids = [c["id"] for c in analysis.companies if c.get("id")]
        if ids:
            await alert.companies.add(*await Company.filter(id__in=ids))
        log.info(
            "alert %s stored (%.2f %s): %s",
            alert.id,
            analysis.confidence,
            analysis.band,
            item.title,
        )
        return alert
