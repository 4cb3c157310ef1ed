"""X API v2 monitor against a local fake: pagination, since_id, includes.users, 429, empty."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.models import Feed, Item
from core.monitors.scheduler import Poller
from core.runtime import App
from tests.conftest import make_settings, opened_app
from tests.fakes.feeds import XServer, tweet


@pytest.fixture
async def x() -> AsyncIterator[XServer]:
    server = XServer(page_size=2)
    server.add_user("1", "lighter_xyz", "Lighter")
    server.add_user("2", "someone")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def xapp(tmp_path: Path, x: XServer) -> AsyncIterator[App]:
    settings = make_settings(tmp_path, TWITTER_API_BASE=x.base, TWITTER_BEARER_TOKEN="test-bearer")
    async with opened_app(settings) as application:
        yield application


async def test_search_paginates_merges_users_and_uses_since_id(xapp: App, x: XServer) -> None:
    x.tweets = [tweet(i, f"airdrop news number {i}", "1" if i % 2 else "2") for i in range(1, 6)]
    x.tweets.append(tweet(6, "unrelated chatter"))
    poller = Poller(xapp)
    feed = await xapp.feeds.add(kind="twitter", query="search:airdrop")
    assert feed.url is None and feed.name == "X search: airdrop"
    out = await poller.poll_feed(feed.id)
    assert out.status == "ok" and out.stats and out.stats.new == 5
    assert len(x.requests) == 3  # 5 matches at 2 per page
    assert x.requests[1]["pagination_token"] == "2"
    assert x.requests[0]["query"] == "airdrop" and "since_id" not in x.requests[0]
    item = await Item.get(guid="x:5")
    assert item.url == "https://x.com/lighter_xyz/status/5"
    assert item.author == "@lighter_xyz"
    assert item.published_at == datetime(2026, 2, 1, 10, tzinfo=UTC)
    await feed.refresh_from_db()
    assert feed.state["since_id"] == "5"

    x.tweets.append(tweet(7, "airdrop claim is live", "1"))
    x.requests.clear()
    out = await poller.poll_feed(feed.id)
    assert out.stats and out.stats.new == 1
    assert x.requests[0]["since_id"] == "5"
    await feed.refresh_from_db()
    assert feed.state["since_id"] == "7"


async def test_empty_page_is_fine(xapp: App, x: XServer) -> None:
    poller = Poller(xapp)
    feed = await xapp.feeds.add(kind="twitter", query="search:nothing matches this")
    out = await poller.poll_feed(feed.id)
    assert out.status == "ok" and out.stats and out.stats.seen == 0
    await feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and "since_id" not in feed.state


@pytest.mark.parametrize("old_style", [False, True])
async def test_429_waits_until_reset(xapp: App, x: XServer, old_style: bool) -> None:
    x.tweets = [tweet(i, f"airdrop {i}") for i in range(1, 4)]
    x.rate_limit_next = 1
    x.old_style_429 = old_style
    x.reset_in_s = 90
    poller = Poller(xapp)
    feed = await xapp.feeds.add(kind="twitter", query="search:airdrop")
    before = datetime.now(UTC)
    out = await poller.poll_feed(feed.id)
    assert out.status == "failed"
    await feed.refresh_from_db()
    assert 85 <= (feed.next_poll_at - before).total_seconds() <= 92
    assert feed.enabled and "429" in feed.last_error
    # other X feeds share the API host and wait too
    other = await xapp.feeds.add(kind="twitter", query="user:1")
    assert (await poller.poll_feed(other.id)).status == "waiting"


async def test_429_mid_pagination_keeps_items_but_not_since_id(xapp: App, x: XServer) -> None:
    x.tweets = [tweet(i, f"airdrop {i}") for i in range(1, 6)]
    poller = Poller(xapp)
    feed = await xapp.feeds.add(kind="twitter", query="search:airdrop")

    orig = x._page
    calls = {"n": 0}

    def page(request, pool):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            x.rate_limit_next = 1
        return orig(request, pool)

    x._page = page  # type: ignore[method-assign]
    out = await poller.poll_feed(feed.id)
    assert out.status == "ok" and out.stats and out.stats.new == 2
    await feed.refresh_from_db()
    assert "since_id" not in feed.state  # nothing skipped: the next poll re-reads
    assert (feed.next_poll_at - datetime.now(UTC)).total_seconds() > 0.5
    await xapp.kv.delete("host-wait:127.0.0.1")
    out = await poller.poll_feed(feed.id)
    assert out.stats and (out.stats.new, out.stats.duplicates) == (3, 2)
    await feed.refresh_from_db()
    assert feed.state["since_id"] == "5"


async def test_user_timeline(xapp: App, x: XServer) -> None:
    x.tweets = [tweet(10, "we are live", "1"), tweet(11, "not me", "2")]
    feed = await xapp.feeds.add(kind="twitter", query="user:1")
    out = await Poller(xapp).poll_feed(feed.id)
    assert out.stats and out.stats.new == 1
    assert (await Item.first()).text == "we are live"


async def test_bad_token_disables_at_once_with_xs_words(xapp: App, x: XServer) -> None:
    x.token = "another"  # the fake answers X's recorded 401 body
    poller = Poller(xapp, disable_after=5)
    feed = await xapp.feeds.add(kind="twitter", query="search:airdrop")
    assert (await poller.poll_feed(feed.id)).status == "disabled"
    feed = await Feed.get(id=feed.id)
    assert "HTTP 401" in feed.disabled_reason and "TWITTER_BEARER_TOKEN" in feed.disabled_reason
    assert "until an admin acts" in feed.disabled_reason


async def test_missing_token_is_a_clear_error(app: App) -> None:
    feed = await app.feeds.add(kind="twitter", query="search:airdrop")
    out = await Poller(app).poll_feed(feed.id)
    assert out.error == "TWITTER_BEARER_TOKEN is not set"
