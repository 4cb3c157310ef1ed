"""Finished deliveries are pruned after DELIVERY_RETENTION_DAYS (0 keeps them for good), and
events' first messages after EVENT_MESSAGE_RETENTION_DAYS (0 keeps them).

The outbox gains a row per alert and destination and, left alone, keeps every one: the
dispatcher's claim has its partial index, but the table, its other indexes and backups grow
without end. A row is finished once sent, dead or rejected; a queued or in-flight one
(pending, failed, claimed) is never touched, whatever its age.

Rows go in small batches, each its own short statement (no lock held across batches, no
long transaction), oldest first: ids and creation times rise together, so the rows older
than the cut-off are the ids below the first newer one, found once per run by the primary
key instead of a scan of the table for every batch.

`event_messages` (an event's first message in each chat, kept so later phases edit it) grows
by one row per event and chat. A row is needed while its event still changes: it goes once
the event's last item and every dated phase of it are older than the retention, and never
while an edit of it waits or is in flight. A later item about such an old event simply sends
a new first message.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery

from core.models import EDIT_PENDING, Delivery, DeliveryStatus, EventMessage, EventPhase

log = logging.getLogger(__name__)

# the statuses after which nothing more happens to a delivery
FINISHED = (DeliveryStatus.SENT, DeliveryStatus.DEAD, DeliveryStatus.REJECTED)


async def prune_deliveries(older_than: datetime, *, batch: int = 500, pause_s: float = 0.05) -> int:
    """Delete finished deliveries created before `older_than`, `batch` rows a statement;
    returns how many went."""
    first_newer = (
        await Delivery.filter(created_at__gte=older_than)
        .order_by("id")
        .limit(1)
        .values_list("id", flat=True)
    )
    deleted, after = 0, 0
    while True:
        query = Delivery.filter(id__gt=after, status__in=FINISHED, created_at__lt=older_than)
        if first_newer:
            query = query.filter(id__lt=first_newer[0])
        ids = await query.order_by("id").limit(batch).values_list("id", flat=True)
        if not ids:
            return deleted
        # the status again in the delete itself: a row is never taken from under a worker
        deleted += await Delivery.filter(id__in=ids, status__in=FINISHED).delete()
        after = ids[-1]
        if len(ids) < batch:
            return deleted
        await asyncio.sleep(pause_s)  # other writers get the table between batches


def _idle_messages() -> Any:
    """Event messages no edit holds: none waiting, none claimed."""
    return EventMessage.filter(
        Q(edit_status__isnull=True) | ~Q(edit_status=EDIT_PENDING), edit_claimed_by__isnull=True
    )


async def prune_event_messages(
    older_than: datetime, *, batch: int = 500, pause_s: float = 0.05
) -> int:
    """Delete the first messages of events whose last item and every dated phase are before
    `older_than`, unless an edit of the message waits or is in flight; returns how many."""
    still_dated = Subquery(EventPhase.filter(at__gte=older_than).values("event_id"))
    deleted, after = 0, 0
    while True:
        ids = (
            await _idle_messages()
            .filter(id__gt=after, event__last_seen_at__lt=older_than)
            .exclude(event_id__in=still_dated)
            .order_by("id")
            .limit(batch)
            .values_list("id", flat=True)
        )
        if not ids:
            return deleted
        # no edit again in the delete itself: one asked meanwhile keeps its message
        deleted += await _idle_messages().filter(id__in=ids).delete()
        after = ids[-1]
        if len(ids) < batch:
            return deleted
        await asyncio.sleep(pause_s)


class DeliveryPruner:
    """Component: an APScheduler job that prunes finished deliveries and old events' first
    messages every `every_s`.

    Every worker runs one (a few seconds' jitter apart); two prunes at once delete
    disjoint or already-deleted rows, so no lease is needed."""

    name = "delivery-pruner"

    def __init__(
        self,
        app: Any,
        *,
        retention_days: int | None = None,
        message_retention_days: int | None = None,
        every_s: float = 3600.0,
        first_after_s: float = 300.0,
        batch: int = 500,
    ) -> None:
        days = app.settings.delivery_retention_days if retention_days is None else retention_days
        self.retention_days = days
        if message_retention_days is None:
            message_retention_days = app.settings.event_message_retention_days
        self.message_retention_days = message_retention_days
        self.every_s = every_s
        self.first_after_s = first_after_s
        self.batch = batch
        self._scheduler: Any = None

    async def start(self) -> None:
        if self.retention_days <= 0:
            log.info("DELIVERY_RETENTION_DAYS=0: finished deliveries are kept for good")
        if self.message_retention_days <= 0:
            log.info("EVENT_MESSAGE_RETENTION_DAYS=0: events' first messages are kept for good")
        if self.retention_days <= 0 and self.message_retention_days <= 0:
            return
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._scheduler = AsyncIOScheduler(timezone=UTC)
        # not at start-up, when a restarted fleet's workers would all prune at once
        first = self.first_after_s * (1 + random.random())
        self._scheduler.add_job(
            self.prune,
            "interval",
            seconds=self.every_s,
            jitter=min(60.0, self.every_s / 10),
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC) + timedelta(seconds=first),
            id="delivery-pruner",
        )
        self._scheduler.start()

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def prune(self) -> int:
        """One run: finished deliveries and idle event messages older than their retention
        go; logged when any did. Returns how many rows went."""
        now = datetime.now(UTC)
        deleted = 0
        if self.retention_days > 0:
            cutoff = now - timedelta(days=self.retention_days)
            try:
                gone = await prune_deliveries(cutoff, batch=self.batch)
            except Exception:  # the database away: the next run tries again
                log.warning("pruning finished deliveries failed", exc_info=True)
            else:
                if gone:
                    log.info(
                        "pruned %d finished deliveries older than %d days",
                        gone,
                        self.retention_days,
                    )
                deleted += gone
        if self.message_retention_days > 0:
            cutoff = now - timedelta(days=self.message_retention_days)
            try:
                gone = await prune_event_messages(cutoff, batch=self.batch)
            except Exception:
                log.warning("pruning old events' first messages failed", exc_info=True)
            else:
                if gone:
                    log.info(
                        "pruned %d first messages of events quiet for %d days",
                        gone,
                        self.message_retention_days,
                    )
                deleted += gone
        return deleted
