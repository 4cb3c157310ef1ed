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

    async def reserve(self, key: str, interval_s: float, horizon_s: float) -> tuple[bool, float]:
        """The next free send slot of `key` (slots `interval_s` apart): (True, seconds until
        it) once reserved for the caller, or (False, seconds until one is within reach) when
        the next free slot is more than `horizon_s` away (nothing reserved).

        Pacing by reservation wastes nothing: a token bucket of one token loses whatever
        refilled while every taker slept (2 of 30 a second with four workers)."""
        ...

    async def stamp(self, key: str, member: str, limit: int, window_s: float) -> float:
        """Record in `key`'s log of sends that `member` goes out now, unless `limit` sends
        were recorded in the last `window_s`: 0 once recorded, else the seconds until there is
        room (nothing recorded). An earlier record of `member` is dropped first, so a sender
        whose answer came late records its send again at the time it really goes out."""
        ...

    async def gate(self, key: str, token: str, hold_s: float) -> float:
        """Take the one-at-a-time gate `key` for `hold_s`: 0 when taken, else its seconds left."""
        ...

    async def ungate(self, key: str, token: str, after_s: float) -> bool:
        """Our gate `key` (held with `token`) opens again `after_s` from now (0: at once).

        Returns whether we still held it (False: it expired and may be someone else's)."""
        ...

    async def reset(self, key: str) -> None: ...

    async def close(self) -> None: ...


# general: any authenticated API call; alerts: the alert routes; websocket: inbound ws
# messages; login: attempts per client IP; ip: every request per client IP; commands: bot
# and REST commands per user. Operators override each with a RATE_LIMIT_<NAME> setting.
DEFAULT_LIMITS: dict[str, Limit] = {
    "general": Limit(1000, 3600, "token_bucket", burst=100),
    "alerts": Limit(100, 3600, "sliding"),
    "websocket": Limit(10, 60, "sliding"),
    "login": Limit(10, 900, "fixed"),
    "ip": Limit(5000, 3600, "sliding"),
    "commands": Limit(20, 60, "token_bucket", burst=10),
    # login attempts per account name (existing or not), beside the per-IP "login" limit
    "login_account": Limit(10, 900, "sliding"),
}
LOGIN_ACCOUNT_LIMIT = "login_account"

_LIMIT_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*([smhd]?)\s*((?:,[^,]*)*)$")
_BURST_RE = re.compile(r"^burst\s*=\s*(\d+)$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
LIMIT_SYNTAX = "'<count>/<window>[s|m|h|d]' with optional ',<algorithm>' and ',burst=<n>'"


def parse_limit(text: str) -> Limit:
    """'100/1h', '10/15m,fixed', '1000/h,token_bucket,burst=100' -> Limit (operators' config).

    A window without a number means one unit ('1000/h'). `burst` sizes a token bucket, so
    it implies token_bucket when no algorithm is named and is refused with any other.
    """
    match = _LIMIT_RE.match(text or "")
    if not match or (match.group(2) is None and not match.group(3)):
        raise InvalidInput(f"rate limit must look like {LIMIT_SYNTAX}, got {text!r}", field="limit")
    count, window, unit, options = match.groups()
    algorithm: str | None = None
    burst: int | None = None
    for raw in options.split(",")[1:]:
        option = raw.strip()
        burst_match = _BURST_RE.match(option)
        if burst_match and burst is None:
            burst = int(burst_match.group(1))
        elif option in ALGORITHMS and algorithm is None:
            algorithm = option
        else:
            raise InvalidInput(
                f"unknown rate limit option {option!r} (use one of {', '.join(ALGORITHMS)} "
                f"and burst=<n>) in {text!r}",
                field="limit",
            )
    if burst is not None:
        if algorithm not in (None, "token_bucket"):
            raise InvalidInput(
                f"burst only applies to token_bucket, not {algorithm} in {text!r}", field="limit"
            )
        algorithm = "token_bucket"
    try:
        seconds = float(window or 1) * _UNITS[unit]
        return Limit(int(count), seconds, algorithm or "sliding", burst=burst)
    except ValueError as exc:
        raise InvalidInput(f"{exc} in {text!r}", field="limit") from None


def format_limit(limit: Limit) -> str:
    """The inverse of parse_limit: the shortest text that parses back to `limit`."""
    window = limit.window_s
    text = f"{limit.limit}/{window:g}s"
    for unit in ("d", "h", "m"):
        size = _UNITS[unit]
        if window >= size and window % size == 0:
            text = f"{limit.limit}/{int(window // size)}{unit}"
            break
    if limit.algorithm != "sliding":
        text += f",{limit.algorithm}"
    if limit.burst is not None and limit.algorithm == "token_bucket":
        text += f",burst={limit.burst}"
    return text


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
