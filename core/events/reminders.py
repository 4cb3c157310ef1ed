"""ReminderWorker: sends due Reminder rows (an outbox of their own) through the channels.

A row is claimed with one conditional UPDATE (status pending, and unclaimed or its claim
older than the lease), so two workers never both take it; a live worker refreshes nothing
because a send takes seconds, far below the lease. Sent rows are marked with a fenced UPDATE
(`claimed_by` = this worker) and never claimed again. A worker that stops releases what it
holds; one that dies leaves claims that another takes over after `lease_s`. So a restart
loses nothing, and a reminder is sent twice only if a worker dies between the platform
accepting it and the row being marked (the outbox's usual at-least-once window).

A reminder whose phase has already happened (the worker was away longer than the lead) is
cancelled rather than sent late; one whose event was cancelled is cancelled too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from core.channels.base import Notice, OutcomeKind
from core.events.service import PHASE_LABELS, describe_phase
from core.faults import LoopFaults
from core.models import (
    Destination,
    EventPhase,
    PhaseKind,
    Reminder,
    ReminderStatus,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderConfig:
    poll_s: float = 5.0  # a reminder fires at most this late (plus the send)
    lease_s: float = 30.0
    batch: int = 50
    max_attempts: int = 6


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def lead_words(minutes: int) -> str:
    if minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day{'s' if days > 1 else ''}"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{minutes} minutes"


def reminder_notice(phase: EventPhase, reminder: Reminder) -> Notice:
    """The reminder's text: what happens, when (UTC), and the event's status."""
    event = phase.event
    label = PHASE_LABELS.get(PhaseKind(phase.kind), str(phase.kind))
    token = f" (${event.token})" if event.token else ""
    title = f"⏰ In {lead_words(reminder.lead_minutes)}: {event.project}{token} {label}"
    lines = [describe_phase(phase)]
    if event.status == PhaseKind.DELAYED:
        lines.append("This launch was delayed once already; the date above is the latest.")
    lines.append(f"Timeline: /event {event.id}")
    return Notice(title=title, text="\n".join(lines))


class ReminderWorker:
    """An App component: the loop that sends due reminders."""

    name = "reminders"

    def __init__(self, app: Any, config: ReminderConfig | None = None, *, worker_id: str = ""):
        self.app = app
        self.config = config or ReminderConfig()
        self.worker_id = worker_id or f"{socket.gethostname()}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self.sent = 0
        self._faults = LoopFaults("reminder pass", log)

    def clock(self) -> datetime:
        events = getattr(self.app, "events", None)
        return events.clock() if events is not None else datetime.now(UTC)

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=f"reminders-{self.worker_id}")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=10)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task
        self._task = None
        with contextlib.suppress(Exception):
            await Reminder.filter(claimed_by=self.worker_id, status=ReminderStatus.PENDING).update(
                claimed_by=None, claimed_at=None
            )

    async def _run(self) -> None:
        while not self._stopping:
            await self._faults.attempt(self.run_once())
            self._wake.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.config.poll_s)

    async def run_once(self) -> int:
        """Claim and send every due reminder; returns how many were sent."""
        now = self.clock()
        stale = now - timedelta(seconds=self.config.lease_s)
        due = (
            await Reminder.filter(status=ReminderStatus.PENDING, due_at__lte=now)
            .filter(Q(claimed_by__isnull=True) | Q(claimed_at__lt=stale))
            .order_by("due_at")
            .limit(self.config.batch)
        )
        sent = 0
        for row in due:
            if self._stopping:
                break
            if not await self._claim(row, now, stale):
                continue
            if await self._deliver(row, now):
                sent += 1
        return sent

    async def _claim(self, row: Reminder, now: datetime, stale: datetime) -> bool:
        """One conditional UPDATE: only one worker's succeeds."""
        query = Reminder.filter(id=row.id, status=ReminderStatus.PENDING)
        if row.claimed_by is None:
            query = query.filter(claimed_by__isnull=True)
        else:
            query = query.filter(claimed_by=row.claimed_by, claimed_at__lt=stale)
        return bool(await query.update(claimed_by=self.worker_id, claimed_at=now))

    async def _finish(self, row: Reminder, status: ReminderStatus, **more: Any) -> None:
        await Reminder.filter(id=row.id, claimed_by=self.worker_id).update(
            status=status, claimed_by=None, claimed_at=None, **more
        )

    async def _deliver(self, row: Reminder, now: datetime) -> bool:
        phase = await EventPhase.get_or_none(id=row.phase_id).select_related("event")
        dest = await Destination.get_or_none(id=row.destination_id)
        if phase is None or dest is None or dest.rejected_reason:
            await self._finish(row, ReminderStatus.CANCELLED, last_error="destination gone")
            return False
        if phase.event.status == PhaseKind.CANCELLED:
            await self._finish(row, ReminderStatus.CANCELLED, last_error="event cancelled")
            return False
        if phase.at is None or _utc(phase.at) <= now:
            await self._finish(row, ReminderStatus.CANCELLED, last_error="phase already passed")
            return False
        channels = getattr(self.app, "channels", None)
        channel = channels.get(str(dest.kind)) if channels is not None else None
        if channel is None:  # this process has no such channel: leave it to one that has
            await Reminder.filter(id=row.id, claimed_by=self.worker_id).update(
                claimed_by=None, claimed_at=None
            )
            return False
        try:
            outcome = await channel.send(dest, reminder_notice(phase, row))
        except Exception as exc:
            log.exception("reminder %s: %s channel raised", row.id, dest.kind)
            outcome = None
            error = f"channel error: {type(exc).__name__}"
        else:
            error = outcome.reason
        if outcome is not None and outcome.kind == OutcomeKind.SENT:
            await self._finish(row, ReminderStatus.SENT, sent_at=now, attempts=row.attempts + 1)
            self.sent += 1
            log.info("reminder %s sent to destination %s", row.id, dest.id)
            return True
        if outcome is not None and outcome.kind in (OutcomeKind.FAILED, OutcomeKind.REJECTED):
            await self._finish(row, ReminderStatus.DEAD, last_error=error[:512])
            if outcome.kind == OutcomeKind.REJECTED:
                from core.alerts.dispatcher import reject_destination

                await reject_destination(self.app, dest, outcome.reason)
            return False
        # retry, rate limit, moved: keep the claim; it is taken again after the lease
        attempts = row.attempts + (0 if outcome and outcome.kind == "rate_limited" else 1)
        if attempts >= self.config.max_attempts:
            await self._finish(row, ReminderStatus.DEAD, last_error=error[:512])
        else:
            await Reminder.filter(id=row.id, claimed_by=self.worker_id).update(
                attempts=attempts, last_error=error[:512]
            )
        return False
