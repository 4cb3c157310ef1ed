"""Reminders through the real Telegram client against the local fake: on time, exactly once,
across a worker restart and with two workers racing; moved and cancelled with the dates."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from bot.telegram.channel import TelegramChannel
from core.events.reminders import ReminderConfig, ReminderWorker
from core.models import DestinationKind, Reminder, ReminderStatus
from tests.test_delivery_kit import destination, subscribe, user
from tests.test_events import tell

pytest_plugins = ["tests.fakes.fixtures"]

TOKEN = "123456:TEST-token"
LISTING = datetime(2026, 2, 2, 13, tzinfo=UTC)  # Binance lists Zama (real item c-3151)
FAST = ReminderConfig(poll_s=0.2, lease_s=30.0)


async def test_a_reminder_fires_on_time_exactly_once_across_a_restart(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    owner = await user("remi")
    chat = await destination(owner, DestinationKind.TELEGRAM, "4242")
    await subscribe(owner, chat, remind_minutes=[60])
    # the service's clock runs in real time, 3 s before the T-1 h reminder of Zama's listing
    due = LISTING - timedelta(hours=1)
    shift = datetime.now(UTC) - (due - timedelta(seconds=3))
    app.events.clock = lambda: datetime.now(UTC) - shift
    await tell(app, "c-2353")
    await tell(app, "c-3151")
    [row] = await Reminder.filter(destination_id=chat.id)
    assert row.due_at == due and row.status == ReminderStatus.PENDING

    first = ReminderWorker(app, FAST, worker_id="worker-1")
    await first.start()
    await asyncio.sleep(0.5)
    await first.stop()  # the worker restarts before the reminder is due
    assert tg.sent("4242") == []

    second = ReminderWorker(app, FAST, worker_id="worker-2")
    rival = ReminderWorker(app, FAST, worker_id="worker-3")  # a second worker racing it
    await second.start()
    await rival.start()
    try:
        [message] = await tg.wait_for_sent(1, 60, chat_id="4242")
        late_s = tg.sent_at[0] - (due + shift).timestamp()
        assert 0 <= late_s <= 60, late_s
        assert "In 1 hour: Zama ($ZAMA) listing" in message["text"]
        await asyncio.sleep(1.0)
    finally:
        await second.stop()
        await rival.stop()
    third = ReminderWorker(app, FAST, worker_id="worker-4")  # and again after sending
    await third.start()
    await asyncio.sleep(0.6)
    await third.stop()
    assert len(tg.sent("4242")) == 1
    await row.refresh_from_db()
    assert row.status == ReminderStatus.SENT and row.claimed_by is None


async def test_a_dead_workers_claim_is_taken_over_after_the_lease(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    owner = await user("dora")
    chat = await destination(owner, DestinationKind.TELEGRAM, "5151")
    await subscribe(owner, chat, remind_minutes=[60])
    due = LISTING - timedelta(hours=1)
    shift = datetime.now(UTC) - (due - timedelta(seconds=0.5))
    app.events.clock = lambda: datetime.now(UTC) - shift
    await tell(app, "c-2353")
    await tell(app, "c-3151")
    # a worker claimed it and died before sending (its claim is never released)
    [row] = await Reminder.filter(destination_id=chat.id)
    await Reminder.filter(id=row.id).update(claimed_by="dead", claimed_at=app.events.clock())
    short = ReminderConfig(poll_s=0.2, lease_s=1.5)
    worker = ReminderWorker(app, short, worker_id="alive")
    started = time.monotonic()
    await worker.start()
    try:
        await tg.wait_for_sent(1, 20, chat_id="5151")
    finally:
        await worker.stop()
    assert time.monotonic() - started >= 1.0  # not before the lease ran out
    assert len(tg.sent("5151")) == 1


async def test_a_passed_phase_and_a_cancelled_event_send_nothing(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    owner = await user("lena")
    chat = await destination(owner, DestinationKind.TELEGRAM, "6161")
    await subscribe(owner, chat)
    app.events.clock = lambda: datetime(2026, 2, 1, tzinfo=UTC)
    await tell(app, "c-3151")
    rows = await Reminder.filter(destination_id=chat.id)
    assert sorted(r.lead_minutes for r in rows) == [60, 1440]
    # the worker was away until after the listing: nothing is sent late
    app.events.clock = lambda: LISTING + timedelta(minutes=5)
    worker = ReminderWorker(app, FAST, worker_id="late")
    assert await worker.run_once() == 0
    assert tg.sent("6161") == []
    statuses = {r.status for r in await Reminder.filter(destination_id=chat.id)}
    assert statuses == {ReminderStatus.CANCELLED}


async def test_reminders_on_postgresql(pg_app, tg) -> None:
    """Claims and fenced marks on PostgreSQL: exactly once with two workers racing."""
    await test_a_reminder_fires_on_time_exactly_once_across_a_restart(pg_app, tg)
