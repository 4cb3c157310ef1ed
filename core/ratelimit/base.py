"""The rate-limit interface: limits, decisions, and the App-owned limiter."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace
from typing import Any, Protocol

from core.errors import InvalidInput, RateLimited

log = logging.getLogger(__name__)

ALGORITHMS = ("fixed", "sliding", "token_bucket")


@dataclass(frozen=True)
class Limit:
    """`limit` hits per `window_s`; a token bucket holds `burst` (default `limit`) tokens."""

    limit: int
    window_s: float
    algorithm: str = "sliding"
    burst: int | None = None

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {ALGORITHMS}")
        if self.limit < 1 or self.window_s <= 0:
            raise ValueError("limit must be >= 1 and window_s > 0")
        if self.burst is not None and self.burst < 1:
            raise ValueError("burst must be >= 1")

    @property
    def capacity(self) -> int:
        """Most hits allowed at once (the bucket size, or the window's limit)."""
        return (self.burst or self.limit) if self.algorithm == "token_bucket" else self.limit

    @property
    def rate(self) -> float:
        """Token refill per second (token bucket)."""
        return self.limit / self.window_s


@dataclass(frozen=True)
class Decision:
    """The outcome of one hit, with what the X-RateLimit-* headers need."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: float
    retry_after_s: float = 0.0

    def headers(self) -> dict[str, str]:
        out = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.remaining)),
            "X-RateLimit-Reset": str(max(0, math.ceil(self.reset_s))),
        }
        if not self.allowed:
            out["Retry-After"] = str(max(1, math.ceil(self.retry_after_s)))
        return out


class Backend(Protocol):
    """Counts hits per key; both implementations give the same answers."""

    async def hit(self, key: str, limit: Limit, cost: int = 1) -> Decision: ...

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


# general: any authenticated API call; alerts: the alert routes; websocket: inbound ws
# messages; login: attempts per client IP.
DEFAULT_LIMITS: dict[str, Limit] = {
    "general": Limit(1000, 3600, "token_bucket", burst=100),
    "alerts": Limit(100, 3600, "sliding"),
    "websocket": Limit(10, 60, "sliding"),
    "login": Limit(10, 900, "fixed"),
    "ip": Limit(5000, 3600, "sliding"),
}

_LIMIT_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*(?:,\s*(\w+))?\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_limit(text: str) -> Limit:
    """'100/1h', '10/15m,fixed', '1000/3600,token_bucket' -> Limit (for operators' config)."""
    match = _LIMIT_RE.match(text or "")
    if not match:
        raise InvalidInput(f"rate limit must look like '100/1h', got {text!r}", field="limit")
    count, window, unit, algorithm = match.groups()
    try:
        return Limit(int(count), float(window) * _UNITS[unit], algorithm or "sliding")
    except ValueError as exc:
        raise InvalidInput(str(exc), field="limit") from None


class RateLimiter:
    """Named limits over one backend; keys are namespaced by limit name."""

    def __init__(self, backend: Backend, limits: dict[str, Limit] | None = None) -> None:
        self.backend = backend
        self.limits: dict[str, Limit] = dict(DEFAULT_LIMITS if limits is None else limits)
        self.enabled = True

    def set_limit(self, name: str, spec: Limit | str | None = None, **changes: Any) -> Limit:
        """Replace a named limit (or change some of its fields); returns the new one."""
        if isinstance(spec, str):
            spec = parse_limit(spec)
        new = spec or replace(self.limits.get(name, DEFAULT_LIMITS["general"]), **changes)
        self.limits[name] = new
        return new

    async def hit(self, name: str, key: str, cost: int = 1) -> Decision | None:
        """Count one hit of `key` against limit `name`; None when that limit is not set."""
        limit = self.limits.get(name)
        if limit is None or not self.enabled:
            return None
        return await self.backend.hit(f"{name}:{key}", limit, cost)

    async def check(self, name: str, key: str, cost: int = 1) -> Decision | None:
        """Like `hit`, but raise RateLimited (with retry_after) when refused."""
        decision = await self.hit(name, key, cost)
        if decision is not None and not decision.allowed:
            raise RateLimited(
                f"rate limit exceeded; retry in {math.ceil(decision.retry_after_s)}s",
                retry_after=decision.retry_after_s,
                limit=name,
            )
        return decision

    async def reset(self, name: str, key: str) -> None:
        await self.backend.reset(f"{name}:{key}")

    async def close(self) -> None:
        await self.backend.close()
