"""Finished deliveries are pruned after the retention; queued and in-flight ones never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.alerts.retention import DeliveryPruner, prune_deliveries
from core.config import Settings, SettingsError
from core.models import Delivery, DeliveryStatus, Destination, DestinationKind
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


async def test_pruner_uses_the_setting_and_zero_keeps_everything(any_app: App) -> None:
    s = DeliveryStatus
    await _outbox(any_app, [(s.SENT, True, False), (s.DEAD, True, False)])
    assert Settings.delivery_retention_days == 30
    keep = DeliveryPruner(any_app, retention_days=0)
    await keep.start()  # schedules nothing
    assert keep._scheduler is None
    assert await keep.prune() == 0 and await Delivery.all().count() == 2
    assert await DeliveryPruner(any_app, retention_days=60).prune() == 0  # 40 days: kept
    pruner = DeliveryPruner(any_app)  # DELIVERY_RETENTION_DAYS, default 30
    assert pruner.retention_days == any_app.settings.delivery_retention_days == 30
    await pruner.start()
    try:
        assert pruner._scheduler.get_job("delivery-pruner") is not None
        assert await pruner.prune() == 2 and await Delivery.all().count() == 0
    finally:
        await pruner.stop()


def test_retention_setting_is_read_and_checked(tmp_path) -> None:
    env = {"DATA_DIR": str(tmp_path), "DELIVERY_RETENTION_DAYS": "0"}
    assert Settings.from_env(env, dotenv=False).delivery_retention_days == 0
    with pytest.raises(SettingsError, match="DELIVERY_RETENTION_DAYS"):
        Settings.from_env({**env, "DELIVERY_RETENTION_DAYS": "-1"}, dotenv=False)
