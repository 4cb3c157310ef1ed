"""Adaptive intervals and the per-host budget: pure rules, then the poller using them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.models import Feed
from core.monitors.adaptive import Bounds, next_interval
from core.monitors.budget import HostBudget
from core.monitors.scheduler import Poller
from tests.conftest import make_settings, opened_app
from tests.fakes.feeds import FeedServer
from tests.test_monitor_rss import rss

B = Bounds(30, 3600)


@pytest.mark.parametrize(
    ("history", "new", "now", "expected"),
    [
        # no history: the feed's own interval
        ({}, 0, 1000.0, 300.0),
        ({}, 3, 1000.0, 300.0),
        # an item every 60 s: poll every 10 s, held at the 30 s floor
        ({"last_new_at": 940.0, "gap_s": 60.0}, 1, 1000.0, 30.0),
        # an item every 2 h: poll every 20 min
        ({"last_new_at": 0.0, "gap_s": 7200.0}, 1, 7200.0, 1200.0),
        # quiet for 10 h after a 1-hour rhythm: the estimate grows to 10 h -> capped at 1 h
        ({"last_new_at": 0.0, "gap_s": 3600.0}, 0, 36000.0, 3600.0),
        # quiet but not yet longer than the estimate: unchanged
        ({"last_new_at": 0.0, "gap_s": 3600.0}, 0, 1800.0, 600.0),
        # a burst of 6 items after 60 s folds a 10 s gap into a 600 s estimate
        ({"last_new_at": 940.0, "gap_s": 600.0}, 6, 1000.0, (0.3 * 10 + 0.7 * 600) / 6),
    ],
)
def test_interval_follows_the_publish_rate(
    history: dict, new: int, now: float, expected: float
) -> None:
    interval, state = next_interval(
        {"adaptive": history, "other": 1}, new=new, now=now, interval_s=300, bounds=B
    )
    assert interval == pytest.approx(expected)
    assert state["other"] == 1 and state["adaptive"]["interval_s"] == pytest.approx(expected)
    if new:
        assert state["adaptive"]["last_new_at"] == now


def test_bounds_widen_to_the_feeds_own_interval() -> None:
    assert Bounds.for_feed(5, 30, 3600) == Bounds(5, 3600)
    assert Bounds.for_feed(7200, 30, 3600) == Bounds(30, 7200)


def test_budget_refills_at_the_hosts_rate() -> None:
    clock = [0.0]
    budget = HostBudget(60, overrides={"www.okx.com": 150}, clock=lambda: clock[0])
    # 60/min holds 10 s worth: ten polls at once, then one a second
    assert [budget.take("a.example") for _ in range(10)] == [0.0] * 10
    assert budget.take("a.example") == pytest.approx(1.0)
    assert budget.take("b.example") == 0.0  # another host is not touched
    clock[0] = 1.0
    assert budget.take("a.example") == 0.0
    # OKX's documented 5 per 2 s: 25 at once, then one every 0.4 s
    assert all(budget.take("www.okx.com") == 0.0 for _ in range(25))
    assert budget.take("www.okx.com") == pytest.approx(0.4)


async def test_poller_adapts_and_spends_the_host_budget(tmp_path: Path) -> None:
    server = FeedServer()
    for i in range(4):
        server.set(f"/f{i}", rss((f"g{i}", f"Item {i}", f"https://example.invalid/{i}")))
    await server.start()
    settings = make_settings(tmp_path, HOST_REQUESTS_PER_MINUTE="12", POLL_MIN_INTERVAL_S="30")
    try:
        async with opened_app(settings) as app:
            feeds = [await app.feeds.add(server.url(f"/f{i}"), interval_s=300) for i in range(4)]
            poller = Poller(app, jitter=0)
            # 12/min holds 2 polls: the third and fourth feeds wait for the host, unpolled
            outcomes = [await poller.poll_feed(f.id) for f in feeds]
            assert [o.status for o in outcomes] == ["ok", "ok", "waiting", "waiting"]
            assert len(server.requests) == 2, server.requests
            waiting = await Feed.get(id=feeds[2].id)
            assert waiting.consecutive_failures == 0 and waiting.next_poll_at is not None
            assert waiting.next_poll_at <= datetime.now(UTC) + timedelta(seconds=6)
            # a first poll with items sets the rhythm's start; the interval stays 300 s
            first = await Feed.get(id=feeds[0].id)
            assert first.state["adaptive"]["interval_s"] == 300
            assert "last_new_at" in first.state["adaptive"]
    finally:
        await server.stop()


async def test_adaptive_off_keeps_the_interval(tmp_path: Path) -> None:
    server = FeedServer()
    server.set("/f", rss(("g", "Item", "https://example.invalid/g")))
    await server.start()
    try:
        async with opened_app(make_settings(tmp_path, POLL_ADAPTIVE="false")) as app:
            feed = await app.feeds.add(server.url("/f"), interval_s=300)
            before = datetime.now(UTC)
            await Poller(app, jitter=0).poll_feed(feed.id)
            await feed.refresh_from_db()
            assert "adaptive" not in feed.state
            assert feed.next_poll_at is not None
            assert feed.next_poll_at >= before + timedelta(seconds=299)
    finally:
        await server.stop()


async def test_host_budget_is_shared_by_workers_through_redis(
    tmp_path: Path, redis_url: str
) -> None:
    """Two workers (two Apps: own databases, one Redis) spend one host's budget together."""
    server = FeedServer()
    for i in range(3):
        server.set(f"/f{i}", rss((f"g{i}", f"Item {i}", f"https://example.invalid/{i}")))
    await server.start()
    env = {"HOST_REQUESTS_PER_MINUTE": "12", "REDIS_URL": redis_url}
    try:
        async with (
            opened_app(make_settings(tmp_path / "w1", **env)) as one,
            opened_app(make_settings(tmp_path / "w2", **env)) as two,
        ):
            a = [await one.feeds.add(server.url(f"/f{i}")) for i in range(2)]
            b = await two.feeds.add(server.url("/f2"))
            first = [await Poller(one, jitter=0).poll_feed(f.id) for f in a]
            assert [o.status for o in first] == ["ok", "ok"]
            # the other worker finds 127.0.0.1's two-poll bucket already spent
            assert (await Poller(two, jitter=0).poll_feed(b.id)).status == "waiting"
            assert len(server.requests) == 2
    finally:
        await server.stop()
