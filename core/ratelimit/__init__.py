"""Rate limiting: fixed window, sliding window and token bucket behind one interface.

Two backends with the same semantics: in-process (one process, the embedded default) and
Redis (atomic Lua scripts, so many web processes share one budget). The `RateLimiter`
owned by the App holds the named limits (general, alerts, websocket, login, ip, commands;
each from its RATE_LIMIT_<NAME> setting) and is what transports call; tests replace limits
with small ones through `set_limit`.
"""

from __future__ import annotations

from core.ratelimit.base import (
    ALGORITHMS,
    DEFAULT_LIMITS,
    Backend,
    Decision,
    Limit,
    RateLimiter,
    format_limit,
    parse_limit,
)
from core.ratelimit.memory import MemoryBackend
from core.ratelimit.redis import RedisBackend

__all__ = [
    "ALGORITHMS",
    "DEFAULT_LIMITS",
    "Backend",
    "Decision",
    "Limit",
    "MemoryBackend",
    "RateLimiter",
    "RedisBackend",
    "format_limit",
    "parse_limit",
]
