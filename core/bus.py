"""Pub/sub, key-value and leases: Redis when REDIS_URL is set, in-process otherwise.

One interface each, so the same code runs as one embedded process or as many processes
sharing Redis (WebSocket fan-out, one poller per feed, counters).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from core.faults import REDIS, LoopFaults, dependency_of

log = logging.getLogger(__name__)

# The longest wait before the Redis side of a subscription tries again after errors that are
# not Redis being away (a bug logs its traceback each time: not every second for hours).
MAX_RESUBSCRIBE_S = 60.0


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


# --- degrading when Redis is away -----------------------------------------------------------


def _redis_down(deps: Any, part: str, what: str, exc: BaseException) -> None:
    from core.faults import REDIS, dependency_of

    if dependency_of(exc) != REDIS:
        raise exc
    if deps is not None:
        deps.down(REDIS, exc)
        deps.fallback(part, what)


def _redis_up(deps: Any, part: str) -> None:
    from core.faults import REDIS

    if deps is not None:
        if deps.is_down(REDIS):
            deps.up(REDIS)
        deps.fallback(part, None)


class ResilientBus:
    """Redis pub/sub, with in-process delivery while Redis is away (then back to Redis).

    Subscribers listen to both: Redis (re-subscribing until it answers again) and this
    process's own bus, which carries what is published while Redis cannot be reached.
    """

    PART = "websocket fan-out"

    def __init__(self, redis: Any, deps: Any = None, retry_s: float = 1.0) -> None:
        self.redis_bus = RedisBus(redis)
        self.local = MemoryBus()
        self._deps = deps
        self._retry_s = retry_s

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        try:
            await self.redis_bus.publish(channel, message)
        except Exception as exc:
            _redis_down(self._deps, self.PART, "in-process", exc)
            await self.local.publish(channel, message)
        else:
            _redis_up(self._deps, self.PART)

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        """Messages from Redis and from this process's bus, as they come.

        The Redis side never ends while the subscriber listens: Redis away is the process's
        outage (its /health, the in-process fallback); any other error is logged with its
        traceback each time (a bug: `LoopFaults`) and the side subscribes again, backing off
        to `MAX_RESUBSCRIBE_S` while it keeps failing without delivering. It used to end
        silently there, leaving only this process's messages."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(10_000)
        faults = LoopFaults(f"bus subscription on {channel} via Redis", log)

        async def from_redis() -> None:
            failures = 0
            while True:
                try:
                    async for message in self.redis_bus.subscribe(channel):
                        failures = 0
                        try:
                            queue.put_nowait(message)
                        except asyncio.QueueFull:  # one message lost, not the subscription
                            log.warning("bus subscriber on %s is full; message dropped", channel)
                    delay = self._retry_s  # ended without an error: subscribe again
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if dependency_of(exc) == REDIS:
                        _redis_down(self._deps, self.PART, "in-process", exc)
                        delay = self._retry_s
                    else:
                        faults.failed(exc)
                        failures += 1
                        delay = min(MAX_RESUBSCRIBE_S, self._retry_s * 2 ** min(failures - 1, 10))
                await asyncio.sleep(delay)

        async def from_local() -> None:
            async for message in self.local.subscribe(channel):
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(message)

        tasks = [asyncio.create_task(from_redis()), asyncio.create_task(from_local())]
        try:
            while True:
                yield await queue.get()
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def close(self) -> None:
        await self.local.close()


class DatabaseLeases:
    """Leases in the `leases` table: one conditional upsert takes a free or expired lease."""

    async def acquire_lease(self, name: str, ttl_s: float) -> str | None:
        from datetime import UTC, datetime, timedelta

        from tortoise import connections

        conn = connections.get("default")
        postgres = conn.capabilities.dialect == "postgres"
        mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
        token = uuid.uuid4().hex
        now = datetime.now(UTC)
        sql = f"""
            INSERT INTO leases (name, token, expires_at) VALUES ({mark(1)}, {mark(2)}, {mark(3)})
            ON CONFLICT (name)
            DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
            WHERE leases.expires_at < {mark(4)}
            RETURNING token
        """
        rows = await conn.execute_query_dict(
            sql, [name, token, now + timedelta(seconds=ttl_s), now]
        )
        return token if rows else None

    async def release_lease(self, name: str, token: str) -> None:
        from core.models import Lease

        await Lease.filter(name=name, token=token).delete()


class ResilientKeyValue:
    """Redis key-value; while Redis is away values live in this process and leases in the
    database (so two workers still never poll one feed at once), then back to Redis."""

    PART = "leases and shared values"

    def __init__(self, redis: Any, deps: Any = None, prefix: str = "tge:") -> None:
        self.redis_kv = RedisKeyValue(redis, prefix)
        self.local = MemoryKeyValue()
        self.db_leases = DatabaseLeases()
        self._deps = deps
        self._db_tokens: set[str] = set()

    def _down(self, exc: BaseException) -> None:
        _redis_down(self._deps, self.PART, "in-process values, database leases", exc)

    def _up(self) -> None:
        _redis_up(self._deps, self.PART)

    async def get(self, key: str) -> str | None:
        try:
            value = await self.redis_kv.get(key)
        except Exception as exc:
            self._down(exc)
            return await self.local.get(key)
        self._up()
        return value

    async def set(self, key: str, value: str, *, ttl_s: float | None = None) -> None:
        await self.local.set(key, value, ttl_s=ttl_s)  # so an outage starts from what we knew
        try:
            await self.redis_kv.set(key, value, ttl_s=ttl_s)
        except Exception as exc:
            self._down(exc)
        else:
            self._up()

    async def delete(self, key: str) -> None:
        await self.local.delete(key)
        try:
            await self.redis_kv.delete(key)
        except Exception as exc:
            self._down(exc)

    async def acquire_lease(self, name: str, ttl_s: float) -> str | None:
        try:
            token = await self.redis_kv.acquire_lease(name, ttl_s)
        except Exception as exc:
            self._down(exc)
            token = await self.db_leases.acquire_lease(name, ttl_s)
            if token is not None:
                self._db_tokens.add(token)
            return token
        self._up()
        return token

    async def release_lease(self, name: str, token: str) -> None:
        if token in self._db_tokens:
            self._db_tokens.discard(token)
            await self.db_leases.release_lease(name, token)
            return
        try:
            await self.redis_kv.release_lease(name, token)
        except Exception as exc:
            self._down(exc)  # it expires on its own
