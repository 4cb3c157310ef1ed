"""Finished deliveries are pruned after the retention; queued and in-flight ones never.
Events' first messages are pruned once the event is quiet for the retention; never one whose
edit waits or is in flight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.alerts.retention import DeliveryPruner, prune_deliveries, prune_event_messages
from core.config import Settings, SettingsError
from core.models import (
    EDIT_GONE,
    EDIT_PENDING,
    Delivery,
    DeliveryStatus,
    Destination,
    DestinationKind,
    Event,
    EventMessage,
    EventPhase,
    PhaseKind,
)
from core.runtime import App
from tests.test_delivery_kit import user

OLD = datetime.now(UTC) - timedelta(days=40)


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request: pytest.FixtureRequest) -> App:
    """The same test on a fresh SQLite file and on a fresh PostgreSQL database."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


async def _outbox(app: App, rows: list[tuple[str, bool, bool]]) -> list[int]:
    """One delivery per (status, old, claimed) row, each to its own chat; their ids."""
    alert = await app.alerts.create_manual("Acme TGE", "", "")  # nobody subscribed yet
    owner = await user("keeper")
    await Destination.bulk_create(
        [
            Destination(owner=owner, kind=DestinationKind.TELEGRAM, address=str(900 + i))
            for i in range(len(rows))
        ]
    )
    dests = await Destination.filter(owner=owner).order_by("id")
    ids = []
    for dest, (status, old, claimed) in zip(dests, rows, strict=True):
        row = await Delivery.create(
            alert=alert,
            destination=dest,
            status=status,
            claimed_by="worker-1" if claimed else None,
            claimed_at=datetime.now(UTC) if claimed else None,
        )
        if old:
            await Delivery.filter(id=row.id).update(created_at=OLD)
        ids.append(row.id)
    return ids


async def test_prune_deletes_old_finished_rows_in_batches_and_nothing_else(any_app: App) -> None:
    s = DeliveryStatus
    rows = [
        (s.SENT, True, False),
        (s.PENDING, True, False),  # queued for 40 days (retrying): kept
        (s.DEAD, True, False),
        (s.FAILED, True, False),  # waiting for its next attempt: kept
        (s.PENDING, True, True),  # claimed, in flight: kept
        (s.REJECTED, True, False),
        (s.SENT, True, False),
        (s.SENT, False, False),  # finished but recent: kept
        (s.DEAD, False, False),
        (s.PENDING, False, False),
    ]
    ids = await _outbox(any_app, rows)
    cutoff = datetime.now(UTC) - timedelta(days=30)
    assert await prune_deliveries(cutoff, batch=2, pause_s=0) == 4
    left = dict(await Delivery.all().values_list("id", "status"))
    assert sorted(left) == [ids[i] for i in (1, 3, 4, 7, 8, 9)]
    assert await prune_deliveries(cutoff, batch=2, pause_s=0) == 0  # nothing more to do


async def _keeps_everything(app: App) -> None:
    """Both retentions 0: the pruner schedules nothing and a prune deletes nothing."""
    keep = DeliveryPruner(app, retention_days=0, message_retention_days=0)
    await keep.start()
    assert keep._scheduler is None
    assert await keep.prune() == 0


async def _scheduled_prune(pruner: DeliveryPruner) -> int:
    """Start the pruner (its job is scheduled), prune once, stop it; how many rows went."""
    await pruner.start()
    try:
        assert pruner._scheduler.get_job("delivery-pruner") is not None
        return await pruner.prune()
    finally:
        await pruner.stop()


async def test_pruner_uses_the_setting_and_zero_keeps_everything(any_app: App) -> None:
    s = DeliveryStatus
    await _outbox(any_app, [(s.SENT, True, False), (s.DEAD, True, False)])
    assert Settings.delivery_retention_days == 30
    await _keeps_everything(any_app)
    assert await Delivery.all().count() == 2
    assert await DeliveryPruner(any_app, retention_days=60).prune() == 0  # 40 days: kept
    pruner = DeliveryPruner(any_app)  # DELIVERY_RETENTION_DAYS, default 30
    assert pruner.retention_days == any_app.settings.delivery_retention_days == 30
    assert await _scheduled_prune(pruner) == 2 and await Delivery.all().count() == 0


@pytest.mark.parametrize(
    ("variable", "bad"), [("DELIVERY_RETENTION_DAYS", "-1"), ("EVENT_MESSAGE_RETENTION_DAYS", "x")]
)
def test_retention_settings_are_read_and_checked(tmp_path, variable: str, bad: str) -> None:
    env = {"DATA_DIR": str(tmp_path), variable: "0"}
    assert getattr(Settings.from_env(env, dotenv=False), variable.lower()) == 0
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env({**env, variable: bad}, dotenv=False)


async def _event(name: str, last_seen: datetime, *phases: datetime) -> Event:
    event = await Event.create(
        project=name, project_key=name.lower(), first_seen_at=OLD, last_seen_at=last_seen
    )
    kinds = [PhaseKind.DATE_SET, PhaseKind.CLAIM_OPEN, PhaseKind.LISTING]
    for kind, at in zip(kinds, phases, strict=False):
        await EventPhase.create(event=event, kind=kind, at=at)
    return event


async def _message(event: Event, address: str, **edit: object) -> int:
    owner = await user(f"reader{address}")
    chat = await Destination.create(owner=owner, kind=DestinationKind.TELEGRAM, address=address)
    row = await EventMessage.create(event=event, destination=chat, external_id="7", **edit)
    return row.id


async def test_old_events_first_messages_go_unless_an_edit_holds_them(any_app: App) -> None:
    now = datetime.now(UTC)
    quiet = await _event("Quiet", OLD, OLD - timedelta(days=3), OLD + timedelta(days=2))
    dated_ahead = await _event("Listing soon", OLD, now + timedelta(days=10))  # kept
    recent = await _event("Recent", now - timedelta(days=2))  # kept
    idle = await _message(quiet, "801")
    gone = await _message(quiet, "802", edit_status=EDIT_GONE)
    waiting = await _message(quiet, "803", edit_status=EDIT_PENDING, edit_seq=1)
    claimed = await _message(
        quiet, "804", edit_status=EDIT_PENDING, edit_claimed_by="w1", edit_claimed_at=now
    )
    after_edit = await _message(quiet, "805", edit_seq=3, edited_revision=2)
    ahead = await _message(dated_ahead, "806")
    fresh = await _message(recent, "807")
    cutoff = now - timedelta(days=30)
    assert await prune_event_messages(cutoff, batch=2, pause_s=0) == 3
    left = set(await EventMessage.all().values_list("id", flat=True))
    assert left == {waiting, claimed, ahead, fresh}
    assert not left & {idle, gone, after_edit}
    # the edit ends: the message may go at the next run
    await EventMessage.filter(id__in=[waiting, claimed]).update(
        edit_status=None, edit_claimed_by=None, edit_claimed_at=None
    )
    assert await prune_event_messages(cutoff, batch=2, pause_s=0) == 2
    assert set(await EventMessage.all().values_list("id", flat=True)) == {ahead, fresh}
    assert await Event.filter(id=quiet.id).exists()  # the event itself is kept


async def test_message_retention_setting_and_the_pruners_run(any_app: App) -> None:
    quiet = await _event("Quiet", OLD)
    await _message(quiet, "801")
    assert any_app.settings.event_message_retention_days == 30
    await _keeps_everything(any_app)
    assert await EventMessage.all().count() == 1
    assert await DeliveryPruner(any_app, message_retention_days=60).prune() == 0  # 40 days
    only_messages = DeliveryPruner(any_app, retention_days=0)  # its default: 30 days
    assert await _scheduled_prune(only_messages) == 1 and await EventMessage.all().count() == 0
