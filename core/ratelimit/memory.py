"""In-process rate-limit backend: exact, cheap, shared only inside this process."""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable

from core.ratelimit.base import Decision, Limit

MAX_KEYS = 100_000


class MemoryBackend:
    """Fixed window counters, sliding logs and token buckets in dicts (monotonic clock)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._fixed: dict[str, tuple[int, int]] = {}
        self._logs: dict[str, list[float]] = {}
        self._buckets: dict[str, tuple[float, float]] = {}
        self._gates: dict[str, tuple[str, float]] = {}  # key -> (holder's token, until)
        self._slots: dict[str, float] = {}  # key -> its next free slot (see `reserve`)
        self._sent: dict[str, dict[str, float]] = {}  # key -> member -> when (see `stamp`)

    async def hit(self, key: str, limit: Limit, cost: int = 1) -> Decision:
        now = self._clock()
        if len(self._fixed) + len(self._logs) + len(self._buckets) > MAX_KEYS:
            self._evict(now)
        if limit.algorithm == "fixed":
            return self._fixed_hit(key, limit, cost, now)
        if limit.algorithm == "sliding":
            return self._sliding_hit(key, limit, cost, now)
        return self._bucket_hit(key, limit, cost, now)

    def _fixed_hit(self, key: str, limit: Limit, cost: int, now: float) -> Decision:
        window = int(now // limit.window_s)
        start, count = self._fixed.get(key, (window, 0))
        if start != window:
            count = 0
        reset = (window + 1) * limit.window_s - now
        if count + cost > limit.limit:
            self._fixed[key] = (window, count)
            return Decision(False, limit.limit, limit.limit - count, reset, reset)
        self._fixed[key] = (window, count + cost)
        return Decision(True, limit.limit, limit.limit - count - cost, reset)

    def _sliding_hit(self, key: str, limit: Limit, cost: int, now: float) -> Decision:
        log = self._logs.setdefault(key, [])
        cut = bisect.bisect_right(log, now - limit.window_s)
        if cut:
            del log[:cut]
        if len(log) + cost > limit.limit:
            # the hit that frees room for `cost` more is the (len - limit + cost)-th oldest
            index = min(len(log) - 1, max(0, len(log) - limit.limit + cost - 1))
            retry = log[index] + limit.window_s - now if log else limit.window_s
            reset = log[0] + limit.window_s - now if log else limit.window_s
            return Decision(False, limit.limit, limit.limit - len(log), reset, max(retry, 0.001))
        log.extend([now] * cost)
        reset = log[0] + limit.window_s - now
        return Decision(True, limit.limit, limit.limit - len(log), reset)

    def _bucket_hit(self, key: str, limit: Limit, cost: int, now: float) -> Decision:
        capacity = limit.capacity
        tokens, stamp = self._buckets.get(key, (float(capacity), now))
        tokens = min(capacity, tokens + (now - stamp) * limit.rate)
        if tokens < cost:
            self._buckets[key] = (tokens, now)
            retry = (cost - tokens) / limit.rate
            full = (capacity - tokens) / limit.rate
            return Decision(False, capacity, math.floor(tokens), full, retry)
        tokens -= cost
        self._buckets[key] = (tokens, now)
        return Decision(True, capacity, math.floor(tokens), (capacity - tokens) / limit.rate)

    async def reserve(self, key: str, interval_s: float, horizon_s: float) -> tuple[bool, float]:
        now = self._clock()
        slot = max(now, self._slots.get(key, now))
        if slot - now > horizon_s:
            return False, slot - horizon_s - now
        if len(self._slots) > MAX_KEYS:
            self._slots = {k: v for k, v in self._slots.items() if v > now}
        self._slots[key] = slot + interval_s
        return True, slot - now

    async def stamp(self, key: str, member: str, limit: int, window_s: float) -> float:
        now = self._clock()
        if len(self._sent) > MAX_KEYS:
            self._sent = {
                k: v
                for k, v in self._sent.items()
                if max(v.values(), default=-math.inf) > now - 3600
            }
        log = self._sent.setdefault(key, {})
        log.pop(member, None)
        for old in [m for m, at in log.items() if at <= now - window_s]:
            del log[old]
        if len(log) >= limit:
            times = sorted(log.values())
            return max(times[len(times) - limit] + window_s - now, 1e-6)
        log[member] = now
        return 0.0

    async def gate(self, key: str, token: str, hold_s: float) -> float:
        now = self._clock()
        held = self._gates.get(key)
        if held is not None and held[1] > now:
            return held[1] - now
        if len(self._gates) > MAX_KEYS:
            self._gates = {k: v for k, v in self._gates.items() if v[1] > now}
        self._gates[key] = (token, now + hold_s)
        return 0.0

    async def ungate(self, key: str, token: str, after_s: float) -> bool:
        now = self._clock()
        held = self._gates.get(key)
        if held is None or held[0] != token or held[1] <= now:
            return False
        self._gates[key] = (token, now + after_s)
        return True

    def _evict(self, now: float) -> None:
        """Forget idle keys so an attacker rotating keys cannot grow memory without bound."""
        self._fixed.clear()
        self._logs = {k: v for k, v in self._logs.items() if v and v[-1] > now - 3600}
        self._buckets.clear()

    async def reset(self, key: str) -> None:
        self._fixed.pop(key, None)
        self._logs.pop(key, None)
        self._buckets.pop(key, None)
        self._gates.pop(key, None)
        self._slots.pop(key, None)
        self._sent.pop(key, None)

    async def close(self) -> None:
        return None
