"""WebSub end to end with a local hub: discovery, verified subscription, signed pushes on the
web process, lease renewal and the polling fallback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict

from core.models import Feed, Item
from core.monitors.scheduler import Poller
from core.monitors.websub import FALLBACK_POLL_S, WebSub, discover, push_active, signature_ok
from core.runtime import App
from tests.conftest import make_settings, opened_app
from tests.fakes.feeds import FeedServer
from tests.fakes.websub import LocalHub
from web.app import create_web_app
from web.config import WebConfig


def feed_doc(hub: str, self_url: str, *items: tuple[str, str]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>https://news.example.invalid/{guid}</link>"
        f"<guid>{guid}</guid><pubDate>Mon, 02 Feb 2026 07:32:40 +0000</pubDate></item>"
        for guid, title in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
        f'<channel><title>T</title><atom:link rel="hub" href="{hub}"/>'
        f'<atom:link rel="self" href="{self_url}"/>{entries}</channel></rss>'
    ).encode()


@pytest.mark.parametrize(
    ("body", "link", "expected"),
    [
        (
            b'<feed><link rel="hub" href="https://hub.example.invalid/"/>'
            b'<link rel="self" href="https://blog.example.invalid/feed"/></feed>',
            None,
            ("https://hub.example.invalid/", "https://blog.example.invalid/feed"),
        ),
        (
            b"<rss><channel><atom:link rel='hub' href='/hub'/></channel></rss>",
            None,
            ("https://site.example.invalid/hub", "https://site.example.invalid/rss"),
        ),
        (
            b"<rss/>",
            '<https://h.example.invalid/>; rel="hub", <https://t.example.invalid/>; rel="self"',
            ("https://h.example.invalid/", "https://t.example.invalid/"),
        ),
        (
            b'<link rel="alternate hub" href="https://h.example.invalid/x"/>',
            None,
            ("https://h.example.invalid/x", "https://site.example.invalid/rss"),
        ),
        (b"<rss><channel><title>no hub</title></channel></rss>", None, (None, None)),
        (b'<link rel="hub" href="javascript:alert(1)"/>', None, (None, None)),
    ],
)
def test_discover(body: bytes, link: str | None, expected: tuple) -> None:
    headers = CIMultiDict({"Link": link} if link else {})
    assert discover(body, headers, "https://site.example.invalid/rss") == expected


def test_signature_methods() -> None:
    import hashlib
    import hmac

    body = b"<rss/>"
    for method in ("sha1", "sha256", "sha512"):
        good = hmac.new(b"k", body, getattr(hashlib, method)).hexdigest()
        assert signature_ok("k", body, f"{method}={good}")
        assert not signature_ok("other", body, f"{method}={good}")
    assert not signature_ok("k", body, None)
    assert not signature_ok("k", body, "md5=abc")
    assert not signature_ok("k", body, "sha256")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class World:
    def __init__(self, app: App, hub: LocalHub, server: FeedServer) -> None:
        self.app = app
        self.hub = hub
        self.server = server

    @property
    def feed_url(self) -> str:
        return self.server.url("/feed")


@pytest.fixture
async def world(tmp_path: Path, request: Any) -> AsyncIterator[World]:
    hub = LocalHub(**getattr(request, "param", {}))
    await hub.start()
    server = FeedServer()
    await server.start()
    port = free_port()
    settings = make_settings(tmp_path, PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    async with opened_app(settings) as app:
        web_server = TestServer(create_web_app(app, WebConfig(access_log=False)), port=port)
        await web_server.start_server()
        try:
            yield World(app, hub, server)
        finally:
            await web_server.close()
            await hub.stop()
            await server.stop()


async def until(predicate: Any, within_s: float = 5.0) -> None:
    for _ in range(int(within_s / 0.02)):
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def _subscribed(world: World) -> Feed:
    world.server.set("/feed", feed_doc(world.hub.url, world.feed_url, ("a", "Old news")))
    feed = await world.app.feeds.add(world.feed_url, interval_s=300)
    out = await Poller(world.app, jitter=0).poll_feed(feed.id)
    assert out.status == "ok"
    await until(lambda: world.hub.verified)
    await feed.refresh_from_db()
    return feed


async def test_subscribe_verify_push_and_fallback(world: World) -> None:
    feed = await _subscribed(world)
    form = world.hub.requests[0]
    assert form["hub.mode"] == "subscribe" and form["hub.topic"] == world.feed_url
    assert form["hub.callback"].endswith(f"/websub/{feed.id}")
    assert len(form["hub.secret"]) >= 32 and form["hub.lease_seconds"] == "86400"
    sub = feed.state["websub"]
    assert sub["status"] == "active" and push_active(feed)
    assert form["hub.secret"] not in str(feed.state)  # stored sealed, never in clear
    shown = world.app.feeds.to_json(feed)
    assert shown["push"] == "active" and "websub" not in str(shown)

    # a push is ingested at once, on the web process, with fetched_at at its arrival
    doc = feed_doc(world.hub.url, world.feed_url, ("a", "Old news"), ("b", "Fresh news"))
    before = datetime.now(UTC)
    assert await world.hub.publish(world.feed_url, doc) == [202]
    item = await Item.get(guid="b")
    assert item.fetched_at is not None and item.fetched_at >= before
    # a forged push is answered 202 and dropped (WebSub §8)
    forged = feed_doc(world.hub.url, world.feed_url, ("c", "Forged news"))
    assert await world.hub.publish(world.feed_url, forged, forge=True) == [202]
    assert await Item.filter(guid="c").count() == 0
    # sha1, the hub's older method, is accepted too
    again = feed_doc(world.hub.url, world.feed_url, ("d", "More news"))
    assert await world.hub.publish(world.feed_url, again, algorithm="sha1") == [202]
    assert await Item.filter(guid="d").count() == 1

    # while pushes are expected, polling is only the safety net
    world.server.set("/feed", doc)
    now = datetime.now(UTC)
    await Poller(world.app, jitter=0).poll_feed(feed.id)
    await feed.refresh_from_db()
    assert feed.next_poll_at is not None
    assert feed.next_poll_at >= now + timedelta(seconds=FALLBACK_POLL_S - 1)
    assert len(world.hub.requests) == 1  # no second subscription while the lease runs


@pytest.mark.parametrize("world", [{"grant_lease_s": 1}], indirect=True)
async def test_short_lease_is_renewed_and_lapsed_push_means_polling(world: World) -> None:
    feed = await _subscribed(world)
    assert feed.state["websub"]["lease_s"] == 1
    await asyncio.sleep(1.1)
    await feed.refresh_from_db()
    assert not push_active(feed)  # the lease ran out: the poller polls normally again
    now = datetime.now(UTC)
    assert Poller(world.app, jitter=0).interval_after(feed, dict(feed.state), 0) < 400
    # the renewer subscribes again when less than a tenth of a lease (at least a minute,
    # at most half) is left: a 60 s lease ending in 30 s is due
    state = dict(feed.state)
    state["websub"] = {
        **state["websub"],
        "lease_expires_at": (now + timedelta(seconds=30)).isoformat(),
        "lease_s": 60,
    }
    await Feed.filter(id=feed.id).update(state=state)
    asked = await WebSub(world.app).renew_due()
    assert asked == 1
    await until(lambda: len(world.hub.requests) == 2 and len(world.hub.verified) == 1)
    await until(lambda: world.hub.verified[0].secret == world.hub.requests[1]["hub.secret"])
    await feed.refresh_from_db()
    assert feed.state["websub"]["status"] == "active"


@pytest.mark.parametrize("world", [{"deny": "topic not allowed"}], indirect=True)
async def test_denied_subscription_falls_back_to_polling(world: World) -> None:
    world.server.set("/feed", feed_doc(world.hub.url, world.feed_url, ("a", "Old news")))
    feed = await world.app.feeds.add(world.feed_url, interval_s=300)
    await Poller(world.app, jitter=0).poll_feed(feed.id)

    async def denied() -> bool:
        await feed.refresh_from_db()
        return feed.state.get("websub", {}).get("status") == "denied"

    await until(denied)
    assert feed.state["websub"]["error"] == "topic not allowed"
    assert not push_active(feed)


async def test_unreachable_hub_and_bad_verifications(world: World) -> None:
    dead = f"http://127.0.0.1:{free_port()}/hub"
    world.server.set("/feed", feed_doc(dead, world.feed_url, ("a", "Old news")))
    feed = await world.app.feeds.add(world.feed_url, interval_s=300)
    out = await Poller(world.app, jitter=0).poll_feed(feed.id)
    assert out.status == "ok"  # the poll itself is fine: polling goes on
    await feed.refresh_from_db()
    assert feed.state["websub"]["status"] == "failed"
    assert "hub unreachable" in feed.state["websub"]["error"]
    websub = WebSub(world.app)
    # a verification for a topic we never asked for, or no challenge: 404
    assert (await websub.verify(feed.id, {"hub.mode": "subscribe", "hub.topic": "x"}))[0] == 404
    assert (await websub.verify(999999, {"hub.mode": "subscribe"}))[0] == 404
    status, _ = await websub.verify(feed.id, {"hub.mode": "subscribe", "hub.topic": world.feed_url})
    assert status == 404
    # a push for a feed that has no subscription: 410 Gone, nothing stored
    status, stats = await websub.deliver(feed.id, b"<rss/>", {})
    assert status == 410 and stats.new == 0


async def test_callback_shares_the_per_ip_budget(tmp_path: Path) -> None:
    from tests.web_helpers import serve

    async with opened_app(make_settings(tmp_path, RATE_LIMIT_IP="2/1m,fixed")) as app:
        client = await serve(app)
        try:
            for _ in range(2):
                resp = await client.get("/websub/1", params={"hub.mode": "subscribe"})
                assert resp.status == 404
            resp = await client.post("/websub/1", data=b"<rss/>")
            assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1
            resp = await client.get("/websub/not-a-number")
            assert resp.status == 429
        finally:
            await client.close()
