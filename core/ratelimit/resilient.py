"""A Redis rate-limit backend that falls back to the in-process one while Redis is away.

Failing closed (every request a 500 while Redis is down) punishes users for our outage;
failing open would drop the limits. In between: each process keeps counting in memory
(logged, shown in /health), and goes back to the shared Redis counts once it answers.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from core.faults import REDIS, dependency_of
from core.ratelimit.base import Decision, Limit
from core.ratelimit.memory import MemoryBackend

PART = "rate limiting"
T = TypeVar("T")


class ResilientBackend:
    """Redis first; on a connection error the in-process backend for `retry_s`, then Redis."""

    def __init__(self, primary: Any, deps: Any = None, retry_s: float = 2.0) -> None:
        self.primary = primary
        self.fallback = MemoryBackend()
        self._deps = deps
        self._retry_s = retry_s
        self._skip_until = 0.0  # do not wait on a dead Redis for every request

    async def _either(self, call: Callable[[Any], Awaitable[T]]) -> T:
        """`call(primary)`, or `call(fallback)` while Redis is away (noted once)."""
        if time.monotonic() >= self._skip_until:
            try:
                result = await call(self.primary)
            except Exception as exc:
                if dependency_of(exc) != REDIS:
                    raise
                self._skip_until = time.monotonic() + self._retry_s
                if self._deps is not None:
                    self._deps.down(REDIS, exc)
                    self._deps.fallback(PART, "in-process")
            else:
                if self._deps is not None:
                    if self._deps.is_down(REDIS):
                        self._deps.up(REDIS)
                    self._deps.fallback(PART, None)
                return result
        return await call(self.fallback)

    async def hit(self, key: str, limit: Limit, cost: int = 1) -> Decision:
        return await self._either(lambda backend: backend.hit(key, limit, cost))

    async def reserve(self, key: str, interval_s: float, horizon_s: float) -> tuple[bool, float]:
        return await self._either(lambda backend: backend.reserve(key, interval_s, horizon_s))

    async def stamp(self, key: str, member: str, limit: int, window_s: float) -> float:
        return await self._either(lambda backend: backend.stamp(key, member, limit, window_s))

    async def gate(self, key: str, token: str, hold_s: float) -> float:
        return await self._either(lambda backend: backend.gate(key, token, hold_s))

    async def ungate(self, key: str, token: str, after_s: float) -> bool:
        return await self._either(lambda backend: backend.ungate(key, token, after_s))

    async def reset(self, key: str) -> None:
        await self.fallback.reset(key)
        try:
            await self.primary.reset(key)
        except Exception as exc:
            if dependency_of(exc) != REDIS:
                raise

    async def close(self) -> None:
        await self.primary.close()
