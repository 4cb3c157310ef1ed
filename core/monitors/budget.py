"""The per-host budget: how many polls a minute one host gets from this worker.

A token bucket per host (refilled at the host's rate, holding a few seconds' worth so a
burst of due feeds goes out together). When a host's bucket is empty its due feeds are
rescheduled to the moment a token is back, without a request and without counting a
failure, so one busy host never takes the slots other hosts need and we are never the
poller a host blocks. With the App's rate limiter (`acquire`), the buckets live in its
backend: Redis when REDIS_URL is set, so every worker together keeps a host's budget
(in-process while Redis is away). Concurrency per host is the poller's semaphore;
`Retry-After` and 429 waits stay in app.kv where every worker honours them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BURST_S = 10.0  # a bucket holds this many seconds of the host's rate (at least one request)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class HostBudget:
    """`take(host)` → 0.0 when a request may go now, else the seconds until one may."""

    def __init__(
        self,
        per_minute: float,
        *,
        overrides: dict[str, float] | None = None,
        clock: Callable[[], float] = time.monotonic,
        limiter: Any = None,
    ) -> None:
        self.per_minute = float(per_minute)
        self.limiter = limiter  # core.ratelimit.RateLimiter: buckets shared by every worker
        self._named: set[str] = set()
        self.overrides = dict(overrides or {})  # host -> requests/minute (documented limits)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def rate_for(self, host: str) -> float:
        return self.overrides.get(host, self.per_minute)

    async def acquire(self, host: str) -> float:
        """`take` through the shared limiter when there is one (Redis-wide), else in-process."""
        if self.limiter is None:
            return self.take(host)
        from core.ratelimit import Limit

        per_minute = self.rate_for(host)
        limit = max(1, round(per_minute))
        burst = max(1, int(per_minute / 60.0 * BURST_S))
        name = f"poll-host-{limit}-{burst}"
        if name not in self._named:
            self.limiter.set_limit(name, Limit(limit, 60.0, "token_bucket", burst))
            self._named.add(name)
        decision = await self.limiter.hit(name, host)
        if decision is None or decision.allowed:
            return 0.0
        return max(0.001, float(decision.retry_after_s))

    def take(self, host: str) -> float:
        per_s = self.rate_for(host) / 60.0
        capacity = max(1.0, per_s * BURST_S)
        now = self._clock()
        bucket = self._buckets.get(host)
        if bucket is None:
            bucket = self._buckets[host] = _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * per_s)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / per_s
