"""Digests: alerts routed in digest mode are collected per destination and window, then sent
as one message (email: text + HTML, grouped by company, highest confidence first).

A window is due once its end (the Delivery rows' next_attempt_at, in the owner's timezone)
has passed. The Digest row is unique per (destination, window), and a window that was sent is
never sent again: late rows of a sent window are closed without a second message. One worker
handles a window at a time (a lease in app.kv, Redis-wide when configured).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError

from core.alerts.dispatcher import (
    ACTIVE,
    DispatchConfig,
    backoff_delay,
    now_utc,
    reject_destination,
)
from core.alerts.render import DigestMessage, group_digest, message_from_alert
from core.alerts.router import _zone
from core.bus import lease
from core.channels.base import Outcome, OutcomeKind
from core.db import transaction
from core.faults import LoopFaults
from core.models import (
    Delivery,
    DeliveryStatus,
    Destination,
    Digest,
    Subscription,
    SubscriptionMode,
    User,
)

log = logging.getLogger(__name__)


def window_end(window_key: str) -> datetime | None:
    """The UTC end encoded in a key like 'daily:20260301T0800Z'."""
    try:
        return datetime.strptime(window_key.split(":", 1)[1], "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
    except (IndexError, ValueError):
        return None


class DigestWorker:
    """An App component: sends every due digest window, retrying failures with backoff."""

    name = "digests"

    def __init__(self, app: Any, config: DispatchConfig | None = None, *, interval_s: float = 30.0):
        self.app = app
        self.config = config or DispatchConfig()
        self.interval_s = interval_s
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self._faults = LoopFaults("digest pass", log)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="digests")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._faults.attempt(self.run_once())
            await asyncio.sleep(self.interval_s)

    async def run_once(self, now: datetime | None = None) -> int:
        """Send every due window; returns how many digests went out."""
        now = now or now_utc()
        kinds = self.app.channels.kinds()
        due = (
            await Delivery.filter(
                mode=SubscriptionMode.DIGEST,
                status__in=ACTIVE,
                next_attempt_at__lte=now,
                destination__kind__in=kinds,
            )
            .distinct()
            .values_list("destination_id", "digest_key")
        )
        sent = 0
        for dest_id, key in sorted(set(due)):
            async with lease(self.app.kv, f"digest:{dest_id}:{key}", 300) as held:
                if held and await self.send_window(dest_id, key or "", now):
                    sent += 1
        self.sent += sent
        return sent

    async def send_window(self, dest_id: int, key: str, now: datetime) -> bool:
        dest = await Destination.get_or_none(id=dest_id)
        if dest is None:
            return False
        try:
            digest, _ = await Digest.get_or_create(destination_id=dest_id, window_key=key)
        except IntegrityError:
            digest = await Digest.get(destination_id=dest_id, window_key=key)
        rows = (
            await Delivery.filter(
                destination_id=dest_id,
                digest_key=key,
                mode=SubscriptionMode.DIGEST,
                status__in=ACTIVE,
            )
            .select_related("alert")
            .order_by("id")
        )
        if not rows:
            return False
        ids = [r.id for r in rows]
        if digest.status == DeliveryStatus.SENT:
            await Delivery.filter(id__in=ids).update(
                status=DeliveryStatus.SENT,
                external_id=f"digest:{digest.id}",
                last_error="window already sent; not sent twice",
            )
            return False
        if dest.rejected_reason:
            await self._close(digest, ids, DeliveryStatus.REJECTED, dest.rejected_reason)
            return False
        channel = await self.app.channels.ready(dest.kind)
        if channel is None:
            return False
        message = await self._message(dest, key, [r.alert for r in rows])
        try:
            outcome = await channel.send(dest, message)
        except Exception as exc:
            log.exception("digest %s for destination %s raised", key, dest_id)
            outcome = Outcome.retry(f"channel error: {type(exc).__name__}")
        if outcome.kind == OutcomeKind.SENT:
            async with transaction() as conn:
                await (
                    Digest.filter(id=digest.id)
                    .using_db(conn)
                    .update(
                        status=DeliveryStatus.SENT,
                        sent_at=now_utc(),
                        alert_count=message.alert_count,
                        attempts=digest.attempts + 1,
                        last_error=None,
                    )
                )
                await (
                    Delivery.filter(id__in=ids)
                    .using_db(conn)
                    .update(
                        status=DeliveryStatus.SENT,
                        sent_at=now_utc(),
                        external_id=(outcome.external_id or f"digest:{digest.id}")[:128],
                        last_error=None,
                    )
                )
                await (
                    Subscription.filter(destination_id=dest_id, mode=SubscriptionMode.DIGEST)
                    .using_db(conn)
                    .update(last_digest_at=now_utc())
                )
            log.info("digest %s sent to destination %s (%d alerts)", key, dest_id, len(ids))
            return True
        if outcome.kind == OutcomeKind.REJECTED:
            await self._close(digest, ids, DeliveryStatus.REJECTED, outcome.reason)
            await reject_destination(self.app, dest, outcome.reason)
            return False
        if outcome.kind == OutcomeKind.FAILED:
            await self._close(digest, ids, DeliveryStatus.DEAD, outcome.reason)
            return False
        if outcome.kind == OutcomeKind.RATE_LIMITED:
            until = now_utc() + timedelta(seconds=outcome.retry_after)
            await Delivery.filter(id__in=ids).update(next_attempt_at=until)
            await Digest.filter(id=digest.id).update(next_attempt_at=until)
            return False
        attempts = digest.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._close(digest, ids, DeliveryStatus.DEAD, outcome.reason, attempts)
            return False
        until = now_utc() + timedelta(seconds=backoff_delay(attempts, self.config))
        await Digest.filter(id=digest.id).update(
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            next_attempt_at=until,
            last_error=outcome.reason[:1000],
        )
        await Delivery.filter(id__in=ids).update(
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            next_attempt_at=until,
            last_error=outcome.reason[:1000],
        )
        log.info("digest %s for destination %s failed (%s)", key, dest_id, outcome.reason)
        return False

    async def _close(
        self,
        digest: Digest,
        ids: list[int],
        status: DeliveryStatus,
        reason: str,
        attempts: int | None = None,
    ) -> None:
        extra = {} if attempts is None else {"attempts": attempts}
        await Digest.filter(id=digest.id).update(status=status, last_error=reason[:1000], **extra)
        await Delivery.filter(id__in=ids).update(status=status, last_error=reason[:1000], **extra)

    async def _message(self, dest: Destination, key: str, alerts: list[Any]) -> DigestMessage:
        owner = await User.get_or_none(id=dest.owner_id)
        tz = _zone(owner.timezone if owner else "UTC")
        end = window_end(key)
        interval = key.split(":", 1)[0] or "digest"
        label = interval
        if end is not None:
            label = f"{interval}, until {end.astimezone(tz):%Y-%m-%d %H:%M} {tz.key}"
        unsubscribe = None
        sub = await Subscription.filter(destination_id=dest.id, active=True).order_by("id").first()
        if sub is not None:
            unsubscribe = await self.app.alerts.unsubscribe_url(sub)
        msgs = [message_from_alert(a) for a in alerts]
        return DigestMessage(
            window_key=key,
            window_label=label,
            groups=group_digest(msgs),
            unsubscribe_url=unsubscribe,
        )
