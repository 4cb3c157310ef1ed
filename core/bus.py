"""Pub/sub, key-value and leases: Redis when REDIS_URL is set, in-process otherwise.

One interface each, so the same code runs as one embedded process or as many processes
sharing Redis (WebSocket fan-out, one poller per feed, counters).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Bus(Protocol):
    async def publish(self, channel: str, message: dict[str, Any]) -> None: ...

    def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]: ...

    async def close(self) -> None: ...


class KeyValue(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, *, ttl_s: float | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def acquire_lease(self, name: str, ttl_s: float) -> str | None: ...

    async def release_lease(self, name: str, token: str) -> None: ...


class MemoryBus:
    """In-process pub/sub: each subscriber has its own queue."""

    def __init__(self, queue_size: int = 10_000) -> None:
        self._subs: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._queue_size = queue_size

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        for queue in list(self._subs.get(channel, ())):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                log.warning("bus subscriber on %s is full; message dropped", channel)

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self._queue_size)
        self._subs[channel].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subs[channel].discard(queue)

    async def close(self) -> None:
        self._subs.clear()


class RedisBus:
    """Redis pub/sub: messages published by any process reach subscribers in every process."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self._redis.publish(channel, json.dumps(message, default=str))

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(channel)
        try:
            while True:
                msg = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if msg is None:
                    continue
                try:
                    yield json.loads(msg["data"])
                except (TypeError, ValueError):
                    log.warning("ignoring malformed bus message on %s", channel)
        finally:
            await pubsub.unsubscribe(channel)
            await pubsub.aclose()

    async def close(self) -> None:
        return None


class MemoryKeyValue:
    """In-process key-value with expiry; leases are exclusive only inside this process."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}

    def _alive(self, key: str) -> tuple[str, float | None] | None:
        entry = self._data.get(key)
        if entry and entry[1] is not None and entry[1] <= time.monotonic():
            del self._data[key]
            return None
        return entry

    async def get(self, key: str) -> str | None:
        entry = self._alive(key)
        return entry[0] if entry else None

    async def set(self, key: str, value: str, *, ttl_s: float | None = None) -> None:
        self._data[key] = (value, time.monotonic() + ttl_s if ttl_s else None)

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def acquire_lease(self, name: str, ttl_s: float) -> str | None:
        key = f"lease:{name}"
        if self._alive(key):
            return None
        token = uuid.uuid4().hex
        await self.set(key, token, ttl_s=ttl_s)
        return token

    async def release_lease(self, name: str, token: str) -> None:
        key = f"lease:{name}"
        entry = self._alive(key)
        if entry and entry[0] == token:
            del self._data[key]


_RELEASE_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisKeyValue:
    """Redis key-value; a lease is `SET NX PX`, released only by the holder (Lua check)."""

    def __init__(self, redis: Any, prefix: str = "tge:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._release = redis.register_script(_RELEASE_LUA)

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(self._prefix + key)
        return value.decode() if isinstance(value, bytes) else value

    async def set(self, key: str, value: str, *, ttl_s: float | None = None) -> None:
        px = int(ttl_s * 1000) if ttl_s else None
        await self._redis.set(self._prefix + key, value, px=px)

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def acquire_lease(self, name: str, ttl_s: float) -> str | None:
        token = uuid.uuid4().hex
        ok = await self._redis.set(
            f"{self._prefix}lease:{name}", token, nx=True, px=max(1, int(ttl_s * 1000))
        )
        return token if ok else None

    async def release_lease(self, name: str, token: str) -> None:
        await self._release(keys=[f"{self._prefix}lease:{name}"], args=[token])


@asynccontextmanager
async def lease(kv: KeyValue, name: str, ttl_s: float) -> AsyncIterator[bool]:
    """`async with lease(kv, "feed:3", 60) as held:` runs the body holding the lease or not."""
    token = await kv.acquire_lease(name, ttl_s)
    try:
        yield token is not None
    finally:
        if token is not None:
            await kv.release_lease(name, token)
