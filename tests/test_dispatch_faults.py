"""Faults of our own dependencies around the outbox (in one process; tests/faults/ runs the
real processes): Redis or database errors are never send attempts, sent marks that cannot be
written are kept and journaled, claims heart-beat, and stop() drains."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from core.alerts.dispatcher import Dispatcher
from core.bus import RedisKeyValue
from core.models import Delivery, DestinationKind
from tests.test_delivery_kit import FAST, Receiver, destination, drain, rows, subscribe, user

SECRET = "whsec-test-0123456789"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver(secret=SECRET)
    await r.start()
    try:
        yield r
    finally:
        await r.stop()


async def _hooks(receiver: Receiver, n: int, name: str = "ann") -> None:
    owner = await user(name)
    for i in range(n):
        url = f"{receiver.url}/{i}"
        await subscribe(
            owner, await destination(owner, DestinationKind.WEBHOOK, url, secret=SECRET)
        )


async def test_redis_away_is_not_an_attempt_and_shows_in_health(app, receiver) -> None:
    import redis.asyncio as aioredis

    await _hooks(receiver, 2)
    for i in range(3):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    dead = aioredis.from_url("redis://127.0.0.1:1/0")  # nothing listens: every call fails
    app.redis, app.kv = dead, RedisKeyValue(dead)
    try:
        await drain(Dispatcher(app, replace(FAST, max_attempts=1)))
        report = await app.health()
    finally:
        app.redis = None
        await dead.aclose()
    assert {(r.status, r.attempts) for r in await rows()} == {("sent", 1)}
    assert len(receiver.received) == 6
    assert "redis" in report["checks"]["outages"]
    assert report["checks"]["fallbacks"]["delivery pauses"] == "in-process"


async def test_database_errors_while_recording_keep_the_sends(app, receiver, monkeypatch) -> None:
    await _hooks(receiver, 3)
    for i in range(4):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    config = replace(FAST, lease_s=0.3, per_destination=0)
    worker = Dispatcher(app, config, worker_id="w1")
    real_write = worker._write_sent
    outage = {"on": True}

    async def flaky(items):
        if outage["on"]:
            raise ConnectionRefusedError(111, "Connect call failed")
        return await real_write(items)

    worker.marks._write = flaky
    await worker.run_once()
    assert len(receiver.received) == 12 and len(worker.marks.pending) == 12
    journal = worker.marks.journal.path
    assert journal is not None and len(journal.read_text().splitlines()) == 12
    assert app.dependencies.is_down("database")
    assert {r.status for r in await rows()} == {"pending"}  # not failed, not dead

    # the database is "back": the kept marks are written before anything is claimed again
    outage["on"] = False
    await asyncio.sleep(0.35)  # past the lease: a takeover would be possible now
    await worker.marks.flush_pending()
    other = Dispatcher(app, config, worker_id="w2")
    assert await other.run_once() == 0
    assert {(r.status, r.attempts) for r in await rows()} == {("sent", 1)}
    assert len(receiver.received) == 12 and not journal.exists()


async def test_journal_of_a_crashed_worker_is_recorded_by_the_next(app, receiver) -> None:
    await _hooks(receiver, 2)
    await app.alerts.create_manual("Acme TGE", "", "")
    crashed = Dispatcher(app, FAST, worker_id=f"{socket.gethostname()}_999999999_abcdef")
    ids = await crashed.claim()
    crashed.marks.journal.append([(i, f"ext-{i}") for i in ids])  # sent, never recorded
    nxt = Dispatcher(app, FAST)
    assert nxt.marks.adopt_journals() == 2
    await nxt.marks.flush_pending()
    assert {(r.status, r.external_id) for r in await rows()} == {("sent", f"ext-{i}") for i in ids}
    assert not crashed.marks.journal.path.exists()
    assert await nxt.run_once() == 0 and receiver.received == []


async def test_live_claims_heartbeat_dead_ones_are_taken_over(app, receiver) -> None:
    await _hooks(receiver, 2)
    await app.alerts.create_manual("Acme TGE", "", "")
    config = replace(FAST, lease_s=0.3)
    alive = Dispatcher(app, config, worker_id="alive")
    thief = Dispatcher(app, config, worker_id="thief")
    assert len(await alive.claim()) == 2
    for _ in range(5):  # 0.5 s, beyond the lease, but the owner keeps beating
        await asyncio.sleep(0.1)
        await alive.refresh_claims()
        assert await thief.claim() == []
    await asyncio.sleep(0.35)  # the owner fell silent: its rows are taken over
    assert len(await thief.claim()) == 2


async def test_stop_drains_in_flight_and_releases_the_rest(app, receiver) -> None:
    await _hooks(receiver, 4)
    for i in range(10):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    receiver.delay_s = 0.15
    worker = Dispatcher(app, replace(FAST, concurrency=2, shutdown_grace_s=5), worker_id="w")
    await worker.start()
    await asyncio.sleep(0.4)
    await worker.stop()
    got = len(receiver.received)
    assert 0 < got < 40
    statuses = [r.status for r in await rows()]
    assert statuses.count("sent") == got  # every send that happened is recorded
    assert await Delivery.filter(claimed_by__not_isnull=True).count() == 0  # rest released
    await drain(Dispatcher(app, FAST))
    assert len(receiver.received) == 40  # nothing lost, nothing twice
    assert (
        len({(r["alert"]["id"], p) for r, p in zip(receiver.received, receiver.paths, strict=True)})
        == 40
    )


async def test_a_pass_takes_a_few_rows_per_destination(app, receiver) -> None:
    """One chat's backlog does not fill a pass (a pass stays short, takeovers stay quick)."""
    await _hooks(receiver, 2)
    for i in range(5):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    worker = Dispatcher(app, replace(FAST, per_destination=2), worker_id="w")
    ids = await worker.claim()
    claimed = await Delivery.filter(id__in=ids).values_list("destination_id", flat=True)
    assert sorted(claimed).count(claimed[0]) == 2 and len(claimed) == 4
    assert await worker.claim() == ids  # its own rows again, not more


async def test_a_live_workers_destination_is_left_to_it(app, receiver) -> None:
    """Rows of a chat another live worker is sending to are not claimed (the two would only
    wait for each other's per-chat gate); once it is known dead they are."""
    await _hooks(receiver, 2)
    for i in range(5):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    config = replace(FAST, per_destination=2, lease_s=0.3)
    alive = Dispatcher(app, config, worker_id="alive")
    other = Dispatcher(app, config, worker_id="other")
    await alive.refresh_claims()
    mine = await alive.claim(destinations=1)
    [dest] = set(await Delivery.filter(id__in=mine).values_list("destination_id", flat=True))
    assert len(mine) == 2  # one destination, two rows: the cap
    theirs = await other.claim()
    assert len(theirs) == 2
    assert set(await Delivery.filter(id__in=theirs).values_list("destination_id", flat=True)) == {
        d for d in await Delivery.all().values_list("destination_id", flat=True) if d != dest
    }
    await asyncio.sleep(0.35)  # alive fell silent: its rows and its chat are taken over
    later = await other.claim(skip_rows=theirs)
    assert set(mine) <= set(later)


async def test_claim_skips_what_this_worker_has_in_flight(app, receiver) -> None:
    await _hooks(receiver, 3)
    for i in range(3):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    worker = Dispatcher(app, replace(FAST, per_destination=1), worker_id="w")
    first = await worker.claim(destinations=2)
    busy = set(await Delivery.filter(id__in=first).values_list("destination_id", flat=True))
    assert len(first) == 2 and len(busy) == 2
    more = await worker.claim(destinations=5, skip_rows=first, skip_destinations=busy)
    assert len(more) == 1 and not set(more) & set(first)
    taken = await Delivery.filter(id__in=more).values_list("destination_id", flat=True)
    assert not busy & set(taken)


async def test_a_transaction_whose_connection_broke_does_not_trap_the_loop(pg_app) -> None:
    """The fault matrix's PostgreSQL stop (with edits in flight) once left a worker alive
    but never claiming again, holding 14-24 rows nobody could take over: the connection of
    a claim's transaction broke as the pool took it back, tortoise left that transaction as
    the dispatcher task's current one, and every later claim ran as a savepoint in it.
    core.db.transaction leaves the task's current connection as it found it."""
    import asyncpg
    from tortoise import connections
    from tortoise.transactions import in_transaction  # the trap itself, shown below

    from core.db import transaction
    from core.faults import DATABASE, dependency_of

    client = connections.get("default")
    real_pool = client._pool
    breaks = {"left": 0}

    class BreakingPool:
        """The pool, but taking a connection back fails `breaks` times (after doing it)."""

        def __getattr__(self, name: str) -> object:
            return getattr(real_pool, name)

        async def release(self, con: object, *args: object, **kwargs: object) -> None:
            await real_pool.release(con, *args, **kwargs)
            if breaks["left"]:
                breaks["left"] -= 1
                raise asyncpg.exceptions.InternalClientError(
                    "cannot switch to state 15; another operation (2) is in progress"
                )

    async def claim_like() -> None:
        async with transaction() as tx:
            await tx.execute_query("SELECT 1")

    async def claim_as_before() -> None:
        async with in_transaction() as tx:
            await tx.execute_query("SELECT 1")

    client._pool = BreakingPool()
    try:

        async def a_loop() -> None:
            breaks["left"] = 1
            with pytest.raises(asyncpg.exceptions.InternalClientError) as broke:
                await claim_like()
            assert dependency_of(broke.value) == DATABASE  # an outage, not a send's fault
            await claim_like()  # this task is not inside the broken transaction
            assert connections.get("default") is client

        async def a_loop_as_before() -> None:
            """What happened before, in the loop's own task: trapped in the dead one."""
            breaks["left"] = 1
            with pytest.raises(asyncpg.exceptions.InternalClientError):
                await claim_as_before()
            with pytest.raises(asyncpg.exceptions.InterfaceError, match="released back"):
                await claim_as_before()

        await asyncio.create_task(a_loop())
        await asyncio.create_task(a_loop_as_before())
    finally:
        client._pool = real_pool


async def test_a_transaction_whose_begin_failed_lets_go_on_sqlite(app, monkeypatch) -> None:
    """SQLite's transactions take one lock: a BEGIN that failed (tortoise then runs no exit)
    left it held and the failed transaction current, so every later transaction of the
    process waited for good. core.db.transaction ends what the failed enter began."""
    from tortoise import connections
    from tortoise.backends.sqlite.client import SqliteTransactionWrapper
    from tortoise.exceptions import OperationalError

    from core.db import transaction
    from core.models import User

    real_begin = SqliteTransactionWrapper.begin
    fails = {"left": 1}

    async def begin(self: SqliteTransactionWrapper) -> None:
        if fails["left"]:
            fails["left"] -= 1
            raise OperationalError("disk I/O error")
        await real_begin(self)

    monkeypatch.setattr(SqliteTransactionWrapper, "begin", begin)
    client = connections.get("default")

    async def a_loop() -> None:
        with pytest.raises(OperationalError):
            async with transaction():
                pass
        assert connections.get("default") is client
        async with transaction() as tx:
            await User.create(username="after", using_db=tx)

    async def elsewhere() -> None:
        async with transaction() as tx:
            await User.create(username="elsewhere", using_db=tx)

    await asyncio.wait_for(asyncio.create_task(a_loop()), 5)
    await asyncio.wait_for(asyncio.create_task(elsewhere()), 5)
    assert await User.filter(username__in=["after", "elsewhere"]).count() == 2
