"""The outbox dispatcher: claims due Delivery rows, sends each through its channel, records.

Claiming: on PostgreSQL one statement `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
RETURNING id` inside a transaction, so several workers split the rows and never take the same
one; on SQLite (one worker by design) a select then a guarded update. A claim older than
`lease_s` is taken again, which is how rows abandoned by a crash get finished (at-least-once).
Every status write is fenced on `claimed_by`, and sent rows are never claimed again.

Outcomes (see core.channels.base.Outcome): sent → status sent + external id; rate_limited →
the scope (chat, route, whole platform) is paused exactly `retry_after` and the row waits,
not counted as an attempt; retry → exponential backoff with jitter, `dead` after
`max_attempts`; failed → dead now; rejected → the destination is marked rejected, its other
rows are dropped and its owner is told through another destination; moved → new address,
resend at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.alerts.render import AlertMessage, message_from_alert
from core.channels.base import Channel, Notice, Outcome, OutcomeKind
from core.models import (
    Delivery,
    DeliveryStatus,
    Destination,
    DestinationKind,
    Subscription,
    SubscriptionMode,
)

log = logging.getLogger(__name__)

ACTIVE = (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value)


@dataclass(frozen=True)
class DispatchConfig:
    """Knobs; tests use small numbers."""

    batch_size: int = 200
    concurrency: int = 16
    poll_interval_s: float = 1.0
    lease_s: float = 120.0
    max_attempts: int = 8
    backoff_base_s: float = 5.0
    backoff_cap_s: float = 3600.0
    max_moves: int = 2


def backoff_delay(attempts: int, config: DispatchConfig, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, then scaled by 0.5-1.0."""
    raw = min(config.backoff_cap_s, config.backoff_base_s * (2 ** max(0, attempts - 1)))
    return raw * (0.5 + 0.5 * (rng or random).random())


def now_utc() -> datetime:
    return datetime.now(UTC)


def _short(text: str, n: int = 1000) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class Pauses:
    """Rate-limit pauses per scope: in memory, mirrored to app.kv so other workers see them."""

    def __init__(self, app: Any = None) -> None:
        self._until: dict[str, float] = {}
        self._app = app  # read app.kv / app.redis at use time: open() swaps them

    @property
    def _kv(self) -> Any:
        return getattr(self._app, "kv", None)

    @property
    def _shared(self) -> bool:
        return getattr(self._app, "redis", None) is not None

    async def pause(self, scope: str, seconds: float) -> None:
        until = time.time() + seconds
        if until > self._until.get(scope, 0.0):
            self._until[scope] = until
        if self._shared and self._kv is not None and seconds > 0:
            await self._kv.set(f"pause:{scope}", repr(until), ttl_s=seconds)

    async def remaining(self, scopes: tuple[str, ...]) -> float:
        """Seconds until every scope is open again (0 when none is paused)."""
        now = time.time()
        wait = 0.0
        for scope in scopes:
            until = self._until.get(scope, 0.0)
            if self._shared and self._kv is not None:
                raw = await self._kv.get(f"pause:{scope}")
                if raw:
                    with contextlib.suppress(ValueError):
                        until = max(until, float(raw))
            wait = max(wait, until - now)
        return max(0.0, wait)


async def reject_destination(app: Any, destination: Destination, reason: str) -> None:
    """Mark a destination permanently failed, drop its queued rows, tell the owner elsewhere."""
    reason = _short(reason, 500)
    updated = await Destination.filter(id=destination.id, rejected_reason=None).update(
        rejected_reason=reason, rejected_at=now_utc()
    )
    await Delivery.filter(destination_id=destination.id, status__in=ACTIVE).update(
        status=DeliveryStatus.REJECTED, last_error=reason, claimed_at=None, claimed_by=None
    )
    destination.rejected_reason = reason
    alerts = getattr(app, "alerts", None)
    if alerts is not None:
        alerts.router.invalidate()
    if not updated:
        return
    log.warning("destination %s (%s) rejected: %s", destination.id, destination.kind, reason)
    await notify_owner(app, destination, reason)


async def notify_owner(app: Any, lost: Destination, reason: str) -> bool:
    """Tell the owner of `lost` through another working destination of theirs, if any."""
    registry = getattr(app, "channels", None)
    if registry is None:
        return False
    others = (
        await Destination.filter(owner_id=lost.owner_id, rejected_reason=None)
        .exclude(id=lost.id)
        .exclude(kind=DestinationKind.WEBSOCKET)
        .order_by("id")
    )
    label = lost.name or f"#{lost.id}"
    notice = Notice(
        title="A destination stopped working",
        text=(
            f"Alerts to your {lost.kind} destination {label} could not be delivered and are "
            f"stopped: {reason}. Fix it and subscribe it again to resume."
        ),
    )
    for other in others:
        if other.kind == DestinationKind.EMAIL and not other.verified:
            continue
        channel = await registry.ready(other.kind)
        if channel is None:
            continue
        try:
            outcome = await channel.send(other, notice)
        except Exception:
            log.exception("notice to destination %s failed", other.id)
            continue
        if outcome.kind == OutcomeKind.SENT:
            log.info("owner of destination %s told via destination %s", lost.id, other.id)
            return True
    return False


class GroupCommit:
    """Group commit: writes arriving within `delay_s` share one transaction.

    Each caller still waits until its own write is committed, so "mark sent right after the
    send returns" holds (a few ms later); on SQLite this turns one fsync per delivery into one
    per group, the main cost of the outbox.
    """

    def __init__(self, flush: Any, delay_s: float = 0.002) -> None:
        self._flush = flush
        self._delay_s = delay_s
        self._items: list[tuple[Any, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def add(self, item: Any) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._items.append((item, future))
        if self._task is None:
            self._task = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        await asyncio.sleep(self._delay_s)
        items, self._items, self._task = self._items, [], None
        try:
            results = await self._flush([item for item, _ in items])
        except BaseException as exc:
            for _, future in items:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (_, future), result in zip(items, results, strict=True):
            if not future.done():
                future.set_result(result)


class Dispatcher:
    """An App component: the loop that empties the outbox of instant deliveries."""

    name = "dispatcher"

    def __init__(self, app: Any, config: DispatchConfig | None = None, *, worker_id: str = ""):
        self.app = app
        self.config = config or DispatchConfig()
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.pauses = Pauses(app)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listen_task: asyncio.Task[None] | None = None
        self._stopping = False
        self.stats: dict[str, int] = defaultdict(int)
        self._commits: GroupCommit = GroupCommit(self._write_sent)

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = False
        alerts = getattr(self.app, "alerts", None)
        if alerts is not None:
            alerts.on_created(lambda _alert: self.poke())
        if getattr(self.app, "redis", None) is not None:
            self._listen_task = asyncio.create_task(self._listen())
        self._task = asyncio.create_task(self._run(), name=f"dispatcher-{self.worker_id}")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        for task in (self._listen_task, self._task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._task = self._listen_task = None
        channels = getattr(self.app, "channels", None)
        if channels is not None:
            await channels.close()

    def poke(self) -> None:
        """Look for work now rather than at the next poll."""
        self._wake.set()

    async def _listen(self) -> None:
        """Other processes' new alerts wake this worker (Redis pub/sub)."""
        while not self._stopping:
            try:
                async for _msg in self.app.bus.subscribe("alerts"):
                    self.poke()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatcher bus listener failed; retrying")
                await asyncio.sleep(1.0)

    async def _run(self) -> None:
        while not self._stopping:
            try:
                done = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("dispatch pass failed")
                done = 0
            if done >= self.config.batch_size:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.config.poll_interval_s)

    # --- one pass ---------------------------------------------------------------------

    def _kinds(self) -> list[str]:
        channels = getattr(self.app, "channels", None)
        return channels.kinds() if channels is not None else []

    async def claim(self, now: datetime | None = None, limit: int | None = None) -> list[int]:
        """Take up to `limit` due instant rows for this worker; returns their ids."""
        kinds = self._kinds()
        if not kinds:
            return []
        now = now or now_utc()
        limit = limit or self.config.batch_size
        stale = now - timedelta(seconds=self.config.lease_s)
        conn = connections.get("default")
        if conn.capabilities.dialect == "postgres":
            sql = """
                UPDATE deliveries SET claimed_at = $1, claimed_by = $2
                WHERE id IN (
                    SELECT d.id FROM deliveries d
                    JOIN destinations t ON t.id = d.destination_id
                    WHERE d.mode = 'instant' AND d.status IN ('pending', 'failed')
                      AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= $1)
                      AND (d.claimed_at IS NULL OR d.claimed_at < $3)
                      AND t.kind = ANY($4::text[])
                    ORDER BY d.id
                    LIMIT $5
                    FOR UPDATE OF d SKIP LOCKED
                )
                RETURNING id
            """
            async with in_transaction() as tx:
                rows = await tx.execute_query_dict(sql, [now, self.worker_id, stale, kinds, limit])
            return sorted(int(r["id"]) for r in rows)
        due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)
        base = Delivery.filter(
            due,
            free,
            mode=SubscriptionMode.INSTANT,
            status__in=ACTIVE,
            destination__kind__in=kinds,
        )
        ids = await base.order_by("id").limit(limit).values_list("id", flat=True)
        if not ids:
            return []
        async with in_transaction():
            await Delivery.filter(free, id__in=ids, status__in=ACTIVE).update(
                claimed_at=now, claimed_by=self.worker_id
            )
            mine = await Delivery.filter(id__in=ids, claimed_by=self.worker_id).values_list(
                "id", flat=True
            )
        return sorted(int(i) for i in mine)

    async def run_once(self) -> int:
        """Claim one batch and send it; returns how many rows were handled."""
        ids = await self.claim()
        if not ids:
            return 0
        rows = (
            await Delivery.filter(id__in=ids, claimed_by=self.worker_id)
            .select_related("alert", "destination")
            .order_by("id")
        )
        by_dest: dict[int, list[Delivery]] = defaultdict(list)
        for row in rows:
            by_dest[row.destination_id].append(row)
        sem = asyncio.Semaphore(self.config.concurrency)

        async def one_destination(batch: list[Delivery]) -> None:
            async with sem:
                await self._send_destination(batch)

        await asyncio.gather(*(one_destination(b) for b in by_dest.values()))
        return len(rows)

    async def _send_destination(self, rows: list[Delivery]) -> None:
        """Rows of one destination, in order; stops early on a pause or a rejection."""
        dest = rows[0].destination
        channels = self.app.channels
        channel = await channels.ready(dest.kind)
        for i, row in enumerate(rows):
            try:
                if dest.rejected_reason:
                    await self._finish(row, DeliveryStatus.REJECTED, error=dest.rejected_reason)
                    continue
                if channel is None:
                    await self._release(row, now_utc())
                    continue
                wait = await self.pauses.remaining(channel.scopes(dest))
                if wait > 0:
                    until = now_utc() + timedelta(seconds=wait)
                    for later in rows[i:]:
                        await self._release(later, until)
                    return
                stop = await self._send_row(channel, dest, row)
                if stop:
                    for later in rows[i + 1 :]:
                        if dest.rejected_reason:
                            await self._finish(
                                later, DeliveryStatus.REJECTED, error=dest.rejected_reason
                            )
                        else:
                            await self._release(later, stop)
                    return
            except Exception:
                log.exception("delivery %s: unexpected error", row.id)
                await self._failed_attempt(row, "internal error (see logs)")

    async def _message(self, dest: Destination, row: Delivery) -> AlertMessage:
        msg = message_from_alert(row.alert)
        if dest.kind == DestinationKind.EMAIL:
            sub = (
                await Subscription.filter(destination_id=dest.id, active=True)
                .order_by("id")
                .first()
            )
            if sub is not None and getattr(self.app, "alerts", None) is not None:
                msg = replace(msg, unsubscribe_url=await self.app.alerts.unsubscribe_url(sub))
        return msg

    async def _send_row(self, channel: Channel, dest: Destination, row: Delivery) -> Any:
        """Send one row and record it; returns a datetime (defer the rest), True, or None."""
        message = await self._message(dest, row)
        moves = 0
        while True:
            try:
                outcome = await channel.send(dest, message)
            except Exception as exc:
                log.exception("%s channel raised on delivery %s", channel.kind, row.id)
                outcome = Outcome.retry(f"channel error: {type(exc).__name__}")
            self.stats[str(outcome.kind)] += 1
            if (
                outcome.kind == OutcomeKind.MOVED
                and outcome.new_address
                and moves < self.config.max_moves
            ):
                moves += 1
                if not await self._move(dest, outcome.new_address):
                    await reject_destination(
                        self.app, dest, "destination moved to an address already in use"
                    )
                    return True
                continue
            break
        kind = outcome.kind
        if kind == OutcomeKind.SENT:
            await self._finish(row, DeliveryStatus.SENT, external_id=outcome.external_id)
            return None
        if kind == OutcomeKind.RATE_LIMITED:
            await self.pauses.pause(outcome.scope or channel.kind, outcome.retry_after)
            until = now_utc() + timedelta(seconds=outcome.retry_after)
            log.info(
                "delivery %s: %s paused %.3fs (%s)",
                row.id,
                outcome.scope,
                outcome.retry_after,
                outcome.reason,
            )
            await self._release(row, until, error=outcome.reason)
            return until
        if kind == OutcomeKind.REJECTED:
            await self._finish(row, DeliveryStatus.REJECTED, error=outcome.reason)
            await reject_destination(self.app, dest, outcome.reason)
            return True
        if kind == OutcomeKind.FAILED:
            await self._finish(row, DeliveryStatus.DEAD, error=outcome.reason)
            return None
        await self._failed_attempt(row, outcome.reason or "temporary failure")
        return None

    async def _move(self, dest: Destination, new_address: str) -> bool:
        try:
            await Destination.filter(id=dest.id).update(address=new_address)
        except IntegrityError:
            return False
        dest.address = new_address
        log.info("destination %s moved (%s chat migrated)", dest.id, dest.kind)
        return True

    # --- bookkeeping (fenced on claimed_by) -------------------------------------------

    def _mine(self, row: Delivery) -> Any:
        return Delivery.filter(id=row.id, claimed_by=self.worker_id, status__in=ACTIVE)

    async def _finish(
        self,
        row: Delivery,
        status: DeliveryStatus,
        *,
        external_id: str | None = None,
        error: str | None = None,
    ) -> None:
        fields: dict[str, Any] = {"status": status, "claimed_at": None, "claimed_by": None}
        if status == DeliveryStatus.SENT:
            fields.update(
                external_id=(external_id or "")[:128] or None,
                sent_at=now_utc(),
                last_error=None,
                attempts=row.attempts + 1,
            )
            updated = await self._commits.add((row, fields))
        else:
            fields["last_error"] = _short(error or "", 1000)
            updated = await self._mine(row).update(**fields)
        if not updated:
            log.warning("delivery %s: claim lost before recording %s", row.id, status)

    async def _write_sent(self, batch: list[tuple[Delivery, dict[str, Any]]]) -> list[int]:
        """Record many sends in one transaction (one commit instead of one per row)."""
        async with in_transaction() as conn:
            return [
                await Delivery.filter(id=row.id, claimed_by=self.worker_id, status__in=ACTIVE)
                .using_db(conn)
                .update(**fields)
                for row, fields in batch
            ]

    async def _release(self, row: Delivery, until: datetime, *, error: str | None = None) -> None:
        """Give the row back untouched (not an attempt), due again at `until`."""
        fields: dict[str, Any] = {"next_attempt_at": until, "claimed_at": None, "claimed_by": None}
        if error:
            fields["last_error"] = _short(error)
        await self._mine(row).update(**fields)

    async def _failed_attempt(self, row: Delivery, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._mine(row).update(
                status=DeliveryStatus.DEAD,
                attempts=attempts,
                last_error=_short(error),
                claimed_at=None,
                claimed_by=None,
            )
            log.warning("delivery %s dead after %d attempts: %s", row.id, attempts, error)
            return
        delay = backoff_delay(attempts, self.config)
        await self._mine(row).update(
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            last_error=_short(error),
            next_attempt_at=now_utc() + timedelta(seconds=delay),
            claimed_at=None,
            claimed_by=None,
        )
        log.info(
            "delivery %s attempt %d failed (%s); retry in %.2fs", row.id, attempts, error, delay
        )
