"""Redis away: rate limits count in-process, pub/sub delivers in-process, leases move to the
database; all of it shows in /health, and goes back to Redis when it answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from core.bus import ResilientBus, ResilientKeyValue
from core.ratelimit import Limit, RedisBackend
from core.ratelimit.resilient import ResilientBackend
from core.runtime import App
from tests.conftest import wait_for


@pytest.fixture
async def dead_redis() -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    yield client
    await client.aclose()


async def test_rate_limits_fall_back_in_process(app: App, dead_redis) -> None:
    backend = ResilientBackend(RedisBackend(dead_redis), app.dependencies)
    limit = Limit(2, 60, "fixed")
    decisions = [await backend.hit("k", limit) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]  # still limited, not a 500
    report = (await app.health())["checks"]
    assert report["fallbacks"]["rate limiting"] == "in-process"
    assert "redis" in report["outages"]


async def test_rate_limits_go_back_to_redis(app: App, redis_url: str) -> None:
    live = aioredis.from_url(redis_url)
    try:
        backend = ResilientBackend(RedisBackend(live), app.dependencies, retry_s=0.0)
        app.dependencies.down("redis", "was away")
        app.dependencies.fallback("rate limiting", "in-process")
        assert (await backend.hit("k", Limit(5, 60, "fixed"))).allowed
        assert not app.dependencies.is_down("redis")
        assert "rate limiting" not in (await app.health())["checks"]["fallbacks"]
    finally:
        await live.aclose()


async def test_leases_move_to_the_database(app: App, dead_redis) -> None:
    one = ResilientKeyValue(dead_redis, app.dependencies)
    two = ResilientKeyValue(dead_redis, app.dependencies)  # another worker
    token = await one.acquire_lease("feed:7", 30)
    assert token is not None
    assert await two.acquire_lease("feed:7", 30) is None  # exclusive across workers
    await one.release_lease("feed:7", token)
    assert await two.acquire_lease("feed:7", 0.05) is not None
    await asyncio.sleep(0.1)
    assert await one.acquire_lease("feed:7", 30) is not None  # an expired lease is free
    await one.set("host-wait:x", "1", ttl_s=5)
    assert await one.get("host-wait:x") == "1"  # values kept in-process meanwhile


async def test_bus_delivers_in_process_while_redis_is_away(app: App, dead_redis) -> None:
    bus = ResilientBus(dead_redis, app.dependencies, retry_s=0.05)
    got: list[dict] = []

    async def listen() -> None:
        async for message in bus.subscribe("alerts"):
            got.append(message)

    task = asyncio.create_task(listen())
    await asyncio.sleep(0.05)
    await bus.publish("alerts", {"type": "alert", "id": 1})
    for _ in range(50):
        if got:
            break
        await asyncio.sleep(0.02)
    task.cancel()
    assert got == [{"type": "alert", "id": 1}]
    assert (await app.health())["checks"]["fallbacks"]["websocket fan-out"] == "in-process"


class BrokenRedisSide:
    """The Redis side of a subscription that fails `failures` times with a non-Redis error
    (a bug, a protocol surprise), then delivers one message."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.subscribed = 0

    async def subscribe(self, channel: str) -> AsyncIterator[dict]:
        self.subscribed += 1
        if self.failures:
            self.failures -= 1
            raise TypeError("a frame the client did not expect")
        yield {"type": "alert", "id": 2, "via": "redis"}
        await asyncio.Event().wait()


async def test_a_non_redis_error_is_logged_and_the_redis_side_subscribes_again(
    app: App, dead_redis, caplog: pytest.LogCaptureFixture
) -> None:
    """It used to end the Redis side silently (the task died, its exception never read): the
    subscriber went on with this process's messages only. Now each failure is logged with
    its traceback, is not taken for a Redis outage, and the side subscribes again."""
    caplog.set_level(logging.DEBUG, logger="core.bus")
    bus = ResilientBus(dead_redis, app.dependencies, retry_s=0.01)
    side = BrokenRedisSide(failures=2)
    bus.redis_bus = side  # type: ignore[assignment]
    got: list[dict] = []

    async def listen() -> None:
        async for message in bus.subscribe("alerts"):
            got.append(message)

    task = asyncio.create_task(listen())
    try:
        await wait_for(lambda: got)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert got == [{"type": "alert", "id": 2, "via": "redis"}]
    assert side.subscribed == 3
    said = [(r.levelno, r.getMessage(), bool(r.exc_info)) for r in caplog.records]
    assert [s for s in said if s[0] >= logging.INFO] == [
        (logging.ERROR, "bus subscription on alerts via Redis failed", True)
    ] * 2
    assert not app.dependencies.is_down("redis")  # a bug is not an outage
