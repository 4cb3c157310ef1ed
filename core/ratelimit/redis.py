"""Redis rate-limit backend: one atomic Lua script per algorithm, Redis's own clock.

Using the server's TIME (not each process's clock) keeps many web processes consistent.
"""

from __future__ import annotations

import math
from typing import Any

from core.ratelimit.base import Decision, Limit

# KEYS[1]=key ARGV: limit, window_ms, cost -> {allowed, remaining, reset_ms, retry_ms}
_FIXED = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local start = math.floor(now / window) * window
local key = KEYS[1] .. ':' .. start
local count = tonumber(redis.call('GET', key) or '0')
local reset = start + window - now
if count + cost > limit then
  return {0, limit - count, reset, reset}
end
count = redis.call('INCRBY', key, cost)
redis.call('PEXPIRE', key, window + 1000)
return {1, limit - count, reset, 0}
"""

# a sorted set of hit times (ms); members are unique thanks to a per-key sequence
_SLIDING = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count + cost > limit then
  local idx = math.max(0, math.min(count - 1, count - limit + cost - 1))
  local at = redis.call('ZRANGE', KEYS[1], idx, idx, 'WITHSCORES')
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retry = window
  local reset = window
  if at[2] then retry = tonumber(at[2]) + window - now end
  if first[2] then reset = tonumber(first[2]) + window - now end
  return {0, limit - count, reset, math.max(retry, 1)}
end
for i = 1, cost do
  local seq = redis.call('INCR', KEYS[1] .. ':seq')
  redis.call('ZADD', KEYS[1], now, now .. '-' .. seq)
end
redis.call('PEXPIRE', KEYS[1], window + 1000)
redis.call('PEXPIRE', KEYS[1] .. ':seq', window + 1000)
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {1, limit - count - cost, tonumber(first[2]) + window - now, 0}
"""

# tokens scaled by 1000 to stay in integers; ARGV: capacity, rate_per_ms*1e6, cost
_BUCKET = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]) / 1e6, tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or capacity
local stamp = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - stamp) * rate)
local ttl = math.ceil(capacity / rate) + 1000
if tokens < cost then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', now)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {0, math.floor(tokens), math.ceil((capacity - tokens) / rate),
          math.ceil((cost - tokens) / rate)}
end
tokens = tokens - cost
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', now)
redis.call('PEXPIRE', KEYS[1], ttl)
return {1, math.floor(tokens), math.ceil((capacity - tokens) / rate), 0}
"""

# A "next allowed at" scheduler (GCRA with reservations), in microseconds. KEYS[1] holds the
# next free slot; ARGV: interval_us, horizon_us -> {1, wait_us} with the slot reserved (the
# next one is a whole interval after it, however late its holder is), or {0, wait_us} when
# the next free slot is beyond the horizon: nothing reserved, a slot comes in reach then.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, horizon = tonumber(ARGV[1]), tonumber(ARGV[2])
local slot = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if slot - now > horizon then
  return {0, slot - horizon - now}
end
redis.call('SET', KEYS[1], string.format('%d', slot + interval),
           'PX', math.ceil((slot + interval - now) / 1000) + 1000)
return {1, slot - now}
"""

# A log of sends (see Backend.stamp), in microseconds. KEYS[1] is a sorted set of members
# scored by when they went out; ARGV: limit, window_us, member -> {1, 0} recorded now, or
# {0, wait_us} until `limit` - 1 remain in the window (nothing recorded, member dropped).
_STAMP = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREM', KEYS[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local at = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  return {0, math.max(tonumber(at[2]) + window - now, 1)}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
return {1, 0}
"""

# KEYS[1]=gate ARGV: token, hold_ms -> 0 when taken, else the holder's milliseconds left
_GATE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 0
end
return math.max(redis.call('PTTL', KEYS[1]), 1)
"""

# KEYS[1]=gate ARGV: token, after_ms: only the holder moves its gate's opening; 1 if held
_UNGATE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  if tonumber(ARGV[2]) > 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  else
    redis.call('DEL', KEYS[1])
  end
  return 1
end
return 0
"""


class RedisBackend:
    """Shared limits for every process using the same Redis."""

    def __init__(self, redis: Any, prefix: str = "tge:rl:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._scripts = {
            "fixed": redis.register_script(_FIXED),
            "sliding": redis.register_script(_SLIDING),
            "token_bucket": redis.register_script(_BUCKET),
            "gate": redis.register_script(_GATE),
            "reserve": redis.register_script(_RESERVE),
            "stamp": redis.register_script(_STAMP),
            "ungate": redis.register_script(_UNGATE),
        }

    async def hit(self, key: str, limit: Limit, cost: int = 1) -> Decision:
        script = self._scripts[limit.algorithm]
        full_key = f"{self._prefix}{limit.algorithm}:{key}"
        if limit.algorithm == "token_bucket":
            args = [limit.capacity, limit.rate / 1000 * 1e6, cost]
        else:
            args = [limit.limit, int(limit.window_s * 1000), cost]
        allowed, remaining, reset_ms, retry_ms = await script(keys=[full_key], args=args)
        return Decision(
            bool(allowed),
            limit.capacity,
            int(remaining),
            int(reset_ms) / 1000,
            int(retry_ms) / 1000,
        )

    async def reserve(self, key: str, interval_s: float, horizon_s: float) -> tuple[bool, float]:
        # whole microseconds, rounded up: a limit is never exceeded by rounding
        reserved, wait_us = await self._scripts["reserve"](
            keys=[f"{self._prefix}slot:{key}"],
            args=[math.ceil(interval_s * 1e6), int(horizon_s * 1e6)],
        )
        return bool(reserved), int(wait_us) / 1e6

    async def stamp(self, key: str, member: str, limit: int, window_s: float) -> float:
        # the window rounded up to whole microseconds: a limit is never exceeded by rounding
        recorded, wait_us = await self._scripts["stamp"](
            keys=[f"{self._prefix}sent:{key}"], args=[limit, math.ceil(window_s * 1e6), member]
        )
        return 0.0 if recorded else int(wait_us) / 1e6

    async def gate(self, key: str, token: str, hold_s: float) -> float:
        left_ms = await self._scripts["gate"](
            keys=[f"{self._prefix}gate:{key}"], args=[token, max(1, int(hold_s * 1000))]
        )
        return int(left_ms) / 1000

    async def ungate(self, key: str, token: str, after_s: float) -> bool:
        held = await self._scripts["ungate"](
            keys=[f"{self._prefix}gate:{key}"], args=[token, max(0, int(after_s * 1000))]
        )
        return bool(held)

    async def reset(self, key: str) -> None:
        names = [
            f"{self._prefix}{a}:{key}" for a in ("sliding", "token_bucket", "gate", "slot", "sent")
        ]
        names.append(f"{self._prefix}sliding:{key}:seq")
        await self._redis.delete(*names)
        async for fixed in self._redis.scan_iter(match=f"{self._prefix}fixed:{key}:*"):
            await self._redis.delete(fixed)

    async def close(self) -> None:
        return None
