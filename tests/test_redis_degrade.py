"""Redis away: rate limits count in-process, pub/sub delivers in-process, leases move to the
database; all of it shows in /health, and goes back to Redis when it answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from core.bus import ResilientBus, ResilientKeyValue
from core.ratelimit import Limit, RedisBackend
from core.ratelimit.resilient import ResilientBackend
from core.runtime import App


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
