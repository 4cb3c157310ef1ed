"""FeedService validation and health, the poller as a running component, Redis leases."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from core.bus import RedisKeyValue
from core.errors import Conflict, InvalidInput, NotFound
from core.models import Feed, Item
from core.monitors.fetch import SafeFetcher
from core.monitors.scheduler import Poller
from core.runtime import App, create_app
from tests.conftest import make_settings, wait_for
from tests.fakes.feeds import FeedServer, StaticResolver

FEED = (
    "<rss version='2.0'><channel><title>t</title><item><title>Some headline for the test"
    "</title><link>https://news.example.com/1</link><guid>1</guid></item></channel></rss>"
)


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    srv = await FeedServer().start()
    srv.set("/feed", FEED)
    yield srv
    await srv.stop()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/feed", "refused: 10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("file:///etc/passwd", "only http and https"),
        ("http://intranet.example/rss", "intranet.example resolves to 192.168.1.10"),
        ("http://nxdomain.example/rss", "does not resolve"),
        ("not a url", "only http and https"),
    ],
)
async def test_add_refuses_unsafe_urls(app: App, tmp_path: Path, url: str, reason: str) -> None:
    strict = make_settings(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="false")
    app.fetcher = SafeFetcher(strict, resolver=StaticResolver({"intranet.example": "192.168.1.10"}))
    with pytest.raises(InvalidInput) as info:
        await app.feeds.add(url)
    assert reason in info.value.message
    assert info.value.to_dict()["details"]["field"] == "url"
    assert await Feed.all().count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url": None}, "url"),
        ({"kind": "telegram"}, "kind"),
        ({"interval_s": 5}, "interval_s"),
        ({"interval_s": "often"}, "interval_s"),
        ({"name": "n" * 200}, "name"),
        ({"kind": "twitter", "url": None, "query": ""}, "query"),
        ({"kind": "twitter", "url": None, "query": "q" * 600}, "query"),
    ],
)
async def test_add_validates_fields(app: App, server: FeedServer, kwargs: dict, field: str) -> None:
    args = {"url": server.url("/feed"), **kwargs}
    with pytest.raises(InvalidInput) as info:
        await app.feeds.add(**args)
    assert info.value.field == field


async def test_crud_and_status(app: App, server: FeedServer) -> None:
    feed = await app.feeds.add(server.url("/feed"), name="Local", interval_s="60")
    assert feed.interval_s == 60 and feed.next_poll_at is not None
    with pytest.raises(Conflict):
        await app.feeds.add(server.url("/feed"))
    assert (await app.feeds.get(str(feed.id))).id == feed.id
    assert (await app.feeds.get(f"#{feed.id}")).id == feed.id
    with pytest.raises(NotFound):
        await app.feeds.get(999)
    with pytest.raises(InvalidInput):
        await app.feeds.get("abc")
    data = app.feeds.to_json(feed)
    assert data["health"] == "pending" and data["kind"] == "rss"
    await app.feeds.set_enabled(feed.id, False)
    status = await app.feeds.status()
    assert (status["total"], status["disabled"]) == (1, 1)
    assert status["attention"][0]["disabled_reason"] == "disabled by a user"
    assert [f.id for f in await app.feeds.list(enabled=False)] == [feed.id]
    await app.feeds.remove(feed.id)
    assert await app.feeds.list() == []


async def test_poller_component_polls_due_feeds(app: App, server: FeedServer) -> None:
    poller = Poller(app, tick_s=0.05)
    feed = await app.feeds.add(server.url("/feed"))
    await poller.start()
    try:

        async def polled() -> bool:
            return await Feed.filter(id=feed.id, last_success_at__isnull=False).exists()

        await wait_for(polled, within_s=5)
        await feed.refresh_from_db()
        assert await Item.filter(feed_id=feed.id).count() == 1
        assert (feed.next_poll_at - feed.last_success_at).total_seconds() > 200  # not due
        polls = server.count("/feed")
    finally:
        await poller.stop()
    assert polls == 1


async def test_stop_ends_a_tick_stuck_in_its_query_without_a_traceback(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    """Ctrl-C while a tick waits on a slow database (CI, loaded, once): stop() ends the tick
    itself once its wait is over, and the tick ends quietly, so apscheduler logs no "raised an
    exception" with a traceback; a cancellation outside shutdown still propagates."""
    import asyncio
    import logging

    entered = asyncio.Event()

    class StuckPoller(Poller):
        async def due_feeds(self, now=None, limit=200):  # type: ignore[no-untyped-def]
            entered.set()
            await asyncio.sleep(3600)  # a query that does not come back before shutdown
            return []

    poller = StuckPoller(app, tick_s=0.05)
    caplog.set_level(logging.DEBUG)
    await poller.start()
    await asyncio.wait_for(entered.wait(), 5)
    started = time.monotonic()
    await poller.stop()
    assert time.monotonic() - started < 10
    assert poller._ticking is not None and poller._ticking.done()
    assert not poller._ticking.cancelled()  # ended quietly, not re-raised
    assert "raised an exception" not in caplog.text and "Traceback" not in caplog.text
    assert "poller tick cancelled by shutdown" in caplog.text

    outside = StuckPoller(app, tick_s=3600)  # not stopping: a cancel is not swallowed
    entered.clear()
    tick = asyncio.create_task(outside._tick())
    await asyncio.wait_for(entered.wait(), 5)
    tick.cancel()
    with pytest.raises(asyncio.CancelledError):
        await tick


async def test_memory_lease_prevents_concurrent_polls(app: App, server: FeedServer) -> None:
    feed = await app.feeds.add(server.url("/feed"))
    token = await app.kv.acquire_lease(f"feed:{feed.id}", 30)
    assert token
    out = await Poller(app).poll_feed(feed.id)
    assert out.status == "skipped" and server.count("/feed") == 0
    await app.kv.release_lease(f"feed:{feed.id}", token)
    assert (await Poller(app).poll_feed(feed.id)).status == "ok"


async def test_redis_lease_and_host_wait_shared_between_workers(
    tmp_path: Path, redis_url: str, server: FeedServer
) -> None:
    app = create_app(make_settings(tmp_path, REDIS_URL=redis_url))
    await app.open()
    try:
        feed = await app.feeds.add(server.url("/feed"))
        # "another worker" holds the feed's lease in Redis
        client = aioredis.from_url(redis_url)
        other_kv = RedisKeyValue(client)
        token = await other_kv.acquire_lease(f"feed:{feed.id}", 30)
        assert token
        assert (await Poller(app).poll_feed(feed.id)).status == "skipped"
        await other_kv.release_lease(f"feed:{feed.id}", token)
        assert (await Poller(app).poll_feed(feed.id)).status == "ok"
        # a Retry-After seen by one worker is honoured by the others
        await other_kv.set("host-wait:127.0.0.1", str(time.time() + 60), ttl_s=60)
        assert (await Poller(app).poll_feed(feed.id)).status == "waiting"
        await client.aclose()
    finally:
        await app.stop()
