"""A PostgreSQL outage in the middle of a transaction must not trap a long-lived task.

Tortoise keeps "the current transaction" in a context variable. When a transaction's
connection breaks at the wrong moment, the variable is left pointing at the dead
transaction: its BEGIN failed (tortoise's enter raises after setting it, and no exit runs),
or the pool refused the connection back at the end (tortoise's exit raises before resetting
it). Every later query of the same task then runs inside that dead transaction, forever,
while the process looks alive. The dispatcher met this in the fault matrix (test_fault_edits);
these cases are the other long-lived loops: a stream's task (one task for a feed's whole
life) ingesting, and the bot recording votes. The database is a private cluster, really
stopped and started again; after it is back, the same task must work again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from tortoise import connections

from core.faults import DATABASE, dependency_of
from core.models import Alert, Feed, FeedKind, Item
from core.monitors.base import RawItem
from core.monitors.ingest import Ingestor
from core.runtime import App
from tests.faults.servers import PrivatePostgres
from tests.test_delivery_kit import user

pytestmark = pytest.mark.timeout(90)


def stop_at_begin(monkeypatch: pytest.MonkeyPatch, pg: PrivatePostgres) -> dict[str, int]:
    """The next transaction's BEGIN finds its server gone: the cluster is stopped (for real)
    between the pool handing out the connection and the BEGIN on it."""
    from tortoise.backends.asyncpg.client import TransactionWrapper

    real_begin = TransactionWrapper.begin
    armed = {"left": 1}

    async def begin(self: TransactionWrapper) -> None:
        if armed["left"]:
            armed["left"] -= 1
            await asyncio.to_thread(pg.stop)
        await real_begin(self)

    monkeypatch.setattr(TransactionWrapper, "begin", begin)
    return armed


async def in_one_task(*steps: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Run `steps` one after another in ONE task (a loop's task), each step's result or
    exception in a list."""

    async def loop() -> list[Any]:
        out: list[Any] = []
        for step in steps:
            try:
                out.append(await step())
            except Exception as exc:  # the test reads what each step did
                out.append(exc)
        return out

    return await asyncio.create_task(loop())


def idle_connections_back(pool: Any) -> bool:
    """Every connection the pool opened is idle again (none kept by a dead transaction)."""
    return pool.get_idle_size() == pool.get_size()


async def test_a_stream_task_ingests_again_after_an_outage_at_begin(
    private_app: App, private_pg: PrivatePostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = await Feed.create(kind=FeedKind.RSS, url="https://example.org/feed", name="f")
    ingestor = Ingestor(private_app)

    def item(n: int) -> RawItem:
        return RawItem(guid=f"g{n}", title=f"Story number {n} of the stream", url="")

    async def stop_then_ingest() -> Any:
        stop_at_begin(monkeypatch, private_pg)  # the story lock's transaction meets it
        return await ingestor.ingest(feed, [item(2)])

    async def start() -> None:
        await asyncio.to_thread(private_pg.start)

    first, outage, _, after = await in_one_task(
        lambda: ingestor.ingest(feed, [item(1)]),
        stop_then_ingest,
        start,
        lambda: ingestor.ingest(feed, [item(3)]),
    )
    assert first.new == 1
    assert isinstance(outage, Exception) and dependency_of(outage) == DATABASE, outage
    assert not isinstance(after, Exception), f"the stream's task is trapped: {after!r}"
    assert after.new == 1
    assert set(await Item.all().values_list("guid", flat=True)) == {"g1", "g3"}
    assert idle_connections_back(connections.get("default")._pool)


async def test_a_stream_task_ingests_again_after_the_pool_refused_a_broken_connection(
    private_app: App, private_pg: PrivatePostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server goes away inside the story lock's transaction; giving the broken connection
    back fails as asyncpg's did in the fault matrix ("cannot switch to state 15; another
    operation (2) is in progress")."""
    import asyncpg

    feed = await Feed.create(kind=FeedKind.RSS, url="https://example.org/feed", name="f")
    ingestor = Ingestor(private_app)
    client = connections.get("default")
    real_pool = client._pool

    class RefusingPool:
        """The pool, but taking back a connection the server broke fails (after doing it)."""

        def __getattr__(self, name: str) -> object:
            return getattr(real_pool, name)

        async def release(self, con: Any, *args: Any, **kwargs: Any) -> None:
            broken = con.is_closed()
            await real_pool.release(con, *args, **kwargs)
            if broken:
                raise asyncpg.exceptions.InternalClientError(
                    "cannot switch to state 15; another operation (2) is in progress"
                )

    real_store = Ingestor._store
    stopped = {"left": 1}

    async def store(self: Ingestor, *args: Any, **kwargs: Any) -> Any:
        if stopped["left"]:  # inside the story lock's transaction
            stopped["left"] -= 1
            await asyncio.to_thread(private_pg.stop)
        return await real_store(self, *args, **kwargs)

    monkeypatch.setattr(Ingestor, "_store", store)
    monkeypatch.setattr(client, "_pool", RefusingPool())

    def item(n: int) -> RawItem:
        return RawItem(guid=f"g{n}", title=f"Story number {n} of the stream", url="")

    async def start() -> None:
        await asyncio.to_thread(private_pg.start)

    stopped["left"] = 0
    first = await in_one_task(lambda: ingestor.ingest(feed, [item(1)]))
    stopped["left"] = 1
    outage, _, after = await in_one_task(
        lambda: ingestor.ingest(feed, [item(2)]),
        start,
        lambda: ingestor.ingest(feed, [item(3)]),
    )
    assert first[0].new == 1
    assert isinstance(outage, Exception) and dependency_of(outage) == DATABASE, outage
    assert not isinstance(after, Exception), f"the stream's task is trapped: {after!r}"
    assert after.new == 1
    assert set(await Item.all().values_list("guid", flat=True)) == {"g1", "g3"}


async def test_votes_are_recorded_again_after_an_outage_at_begin(
    private_app: App, private_pg: PrivatePostgres, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot's votes (core.alerts.feedback.record) from one long-lived task."""
    from core.alerts import feedback
    from core.alerts.feedback import Vote

    alert = await private_app.alerts.create_manual("Acme TGE announcement", "", "")
    alert = await Alert.get(id=alert.id)
    voters = [await user(f"voter{i}") for i in range(3)]

    async def stop_then_vote() -> Any:
        stop_at_begin(monkeypatch, private_pg)
        return await feedback.record(alert, voters[1], Vote.UP)

    async def start() -> None:
        await asyncio.to_thread(private_pg.start)

    first, outage, _, after = await in_one_task(
        lambda: feedback.record(alert, voters[0], Vote.UP),
        stop_then_vote,
        start,
        lambda: feedback.record(alert, voters[2], Vote.UP),
    )
    assert not isinstance(first, Exception), first
    assert isinstance(outage, Exception) and dependency_of(outage) == DATABASE, outage
    assert not isinstance(after, Exception), f"the voting task is trapped: {after!r}"
    assert after["up"] == 2
    assert idle_connections_back(connections.get("default")._pool)
