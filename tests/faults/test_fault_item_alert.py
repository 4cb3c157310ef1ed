"""An item is alerted exactly once, whatever moment the database goes away.

The ingestor used to store an item (with the (feed, guid) record that makes it "seen") in
one transaction and its alert and outbox rows in another. PostgreSQL stopping between the
two left an item that was seen but never alerted: the poll (or the stream's stored batch)
was tried again when the database was back, the guid was known, and the item was skipped
for good. Now the item, its source record, its alert and its delivery rows commit together,
so an outage at the alert write leaves nothing of the item and the retry alerts it once.

The outage is real: the private cluster is stopped at the moment the alert is about to be
written, and started again; the poll is the poller's, the stream runs as the StreamRunner
runs it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from core.alerts.service import AlertService
from core.faults import DATABASE, dependency_of
from core.models import Alert, Delivery, Item, ItemSource
from core.monitors.base import RawItem
from core.monitors.scheduler import Poller
from core.monitors.stream import StreamRunner
from core.runtime import App
from tests.conftest import wait_for
from tests.fakes.feeds import FeedServer
from tests.faults.servers import PrivatePostgres
from tests.test_delivery_kit import destination, subscribe, user
from tests.test_ingest import rss
from tests.test_loop_fault_logs import FakeStream

pytestmark = pytest.mark.timeout(90)

TITLE = "Lighter announces LIT token generation event and airdrop claim on March 3"
CHATS = 2


def stop_at_the_alert(monkeypatch: pytest.MonkeyPatch, pg: PrivatePostgres) -> dict[str, int]:
    """The next alert the ingestor asks for finds the cluster stopped (for real): the item
    it is for was read, stored and scored a moment before."""
    real = AlertService.create_from_item
    armed = {"left": 1}

    async def create_from_item(self: AlertService, *args: Any, **kwargs: Any) -> Alert:
        if armed["left"]:
            armed["left"] -= 1
            await asyncio.to_thread(pg.stop)
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(AlertService, "create_from_item", create_from_item)
    return armed


async def audience(app: App) -> None:
    """The company the story names, and CHATS chats subscribed to every alert."""
    await app.companies.create("Lighter", tokens=["LIT"])
    for i in range(CHATS):
        owner = await user(f"chat{i}")
        await subscribe(owner, await destination(owner, "telegram", str(100000 + i)))


async def alerted_once(guid: str) -> None:
    """The item is stored once, with one alert and one delivery row a chat."""
    items = await Item.filter(guid=guid)
    assert len(items) == 1
    alerts = await Alert.filter(item_id=items[0].id)
    assert len(alerts) == 1, f"item {guid} has {len(alerts)} alerts"
    assert await Delivery.filter(alert_id=alerts[0].id).count() == CHATS
    assert await ItemSource.filter(guid=guid).count() == 1


async def test_an_item_stored_as_the_database_stops_is_alerted_by_the_next_poll(
    private_app: App,
    private_pg: PrivatePostgres,
    server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await audience(private_app)
    server.set("/a", rss([("lit-1", "https://news.example.com/lit-tge", TITLE)]))
    feed = await private_app.feeds.add(server.url("/a"))
    poller = Poller(private_app)
    stop_at_the_alert(monkeypatch, private_pg)
    try:
        with pytest.raises(Exception) as outage:
            await poller.poll_feed(feed.id)
        assert dependency_of(outage.value) == DATABASE, outage.value
    finally:
        await asyncio.to_thread(private_pg.start)
    again = await poller.poll_feed(feed.id)
    assert again.status == "ok" and again.stats is not None
    assert (again.stats.new, len(again.stats.alerts)) == (1, 1)
    await alerted_once("lit-1")
    third = await poller.poll_feed(feed.id)  # and never again
    assert third.stats is not None and (third.stats.new, third.stats.duplicates) == (0, 1)
    await alerted_once("lit-1")


async def test_a_pushed_item_stored_as_the_database_stops_is_alerted_when_it_is_back(
    private_app: App,
    private_pg: PrivatePostgres,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The streaming feed's writer retries the batch through the outage: the item it was
    storing when PostgreSQL stopped is alerted, once, when PostgreSQL is back."""
    caplog.set_level(logging.DEBUG, logger="core.monitors.stream")
    await audience(private_app)
    source = FakeStream()
    feed = await private_app.feeds.add(kind="exchange", query="binance")
    runner = StreamRunner(private_app, backoff_base_s=0.01, max_backoff_s=0.2)
    runner.exchanges.source_for = lambda _feed: (source, "")  # type: ignore[method-assign]

    def failed_rounds() -> int:
        return sum(
            1
            for r in caplog.records
            if r.name == "core.monitors.stream" and r.levelno == logging.DEBUG and r.exc_info
        )

    async def alerted() -> bool:
        return await Alert.filter(item__guid="lit-push").exists()

    async def after_stored() -> bool:
        return await Item.filter(guid="after").exists()

    armed = stop_at_the_alert(monkeypatch, private_pg)
    task = asyncio.create_task(runner._run_feed(feed.id))
    try:
        source.batches.put_nowait([RawItem(guid="lit-push", title=TITLE, text="A listing.")])
        try:
            await wait_for(lambda: not armed["left"], within_s=20)
            await wait_for(lambda: failed_rounds() >= 2, within_s=30)
        finally:
            await asyncio.to_thread(private_pg.start)
        await wait_for(alerted, within_s=30)
        source.batches.put_nowait([RawItem(guid="lit-push", title=TITLE, text="A listing.")])
        source.batches.put_nowait([RawItem(guid="after", title="Markets drift lower")])
        await wait_for(after_stored, within_s=30)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    await alerted_once("lit-push")
