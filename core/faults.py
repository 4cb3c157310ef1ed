"""Faults of our own dependencies (database, Redis): recognised, logged once, reported.

A dependency that is away is not the fault of the message being sent: the dispatcher waits
for it instead of counting an attempt, and the web and the rate limiter degrade. `Dependencies`
(owned by the App) remembers which are down since when, logs one line per outage (and one
when it ends) and feeds `/health` and the `tge_dependency_up` metric.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DATABASE = "database"
REDIS = "redis"


def _redis_errors() -> tuple[type[BaseException], ...]:
    """Redis's "unreachable" errors, once the redis client is loaded.

    Looked up, not imported: a process without REDIS_URL never loads the client (about 7 MB),
    and no exception can come from a library that was never imported.
    """
    module = sys.modules.get("redis.exceptions")
    if module is None:
        return ()
    return (module.ConnectionError, module.TimeoutError)


def _database_errors() -> tuple[type[BaseException], ...]:
    """The ORM's and asyncpg's "unreachable" errors; asyncpg's looked up like Redis's (a
    SQLite process never loads asyncpg, about 3 MB)."""
    from tortoise.exceptions import DBConnectionError

    found: list[type[BaseException]] = [DBConnectionError]
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is not None:
        found += [
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, starting up
            # a connection the server broke off mid-statement, found as the pool resets it
            # ("cannot switch to state 15; another operation (2) is in progress")
            asyncpg.exceptions.InternalClientError,
        ]
    return tuple(found)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def dependency_of(exc: BaseException) -> str | None:
    """'redis' or 'database' when `exc` means that dependency is unreachable, else None."""
    for link in _chain(exc):
        redis_errors = _redis_errors()
        if redis_errors and isinstance(link, redis_errors):
            return REDIS
        if isinstance(link, _database_errors()):
            return DATABASE
    for link in _chain(exc):
        # a refused or reset socket under the ORM (asyncpg connect) is the database
        if isinstance(link, ConnectionError | TimeoutError) or type(link) is OSError:
            return DATABASE
    return None


@dataclass
class Outage:
    since: float
    error: str
    count: int = 1


class Dependencies:
    """Which dependencies are down; one warning when an outage starts, one line when it ends."""

    def __init__(self, metrics: Any = None) -> None:
        self._down: dict[str, Outage] = {}
        self._fallbacks: dict[str, str] = {}
        self.metrics = metrics

    def down(self, name: str, exc: BaseException | str) -> bool:
        """Record a failure; True (and one warning) only when this starts an outage."""
        error = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"[:300]
        outage = self._down.get(name)
        if outage is not None:
            outage.count += 1
            outage.error = error
            return False
        self._down[name] = Outage(time.time(), error)
        log.warning(
            "%s unreachable (%s); waiting for it, nothing is counted as a failure", name, error
        )
        if self.metrics is not None:
            self.metrics.dependency_up.labels(name).set(0)
            self.metrics.dependency_outages.labels(name).inc()
        return True

    def up(self, name: str) -> None:
        outage = self._down.pop(name, None)
        if self.metrics is not None:
            self.metrics.dependency_up.labels(name).set(1)
        if outage is not None:
            log.warning(
                "%s is back after %.1fs (%d failed operations waited)",
                name,
                time.time() - outage.since,
                outage.count,
            )

    def is_down(self, name: str) -> bool:
        return name in self._down

    def fallback(self, name: str, what: str | None) -> None:
        """Note (or clear, with None) that a part runs on a stand-in, e.g. 'in-process'."""
        if what is None:
            if self._fallbacks.pop(name, None) is not None:
                log.warning("%s back on Redis", name)
                if self.metrics is not None:
                    self.metrics.fallback_active.labels(name).set(0)
        elif self._fallbacks.get(name) != what:
            self._fallbacks[name] = what
            log.warning("%s falls back to %s while Redis is away", name, what)
            if self.metrics is not None:
                self.metrics.fallback_active.labels(name).set(1)

    def report(self) -> dict[str, Any]:
        """For /health: outages with their age, and the parts running on a fallback."""
        now = time.time()
        out: dict[str, Any] = {
            name: {"down_for_s": round(now - o.since, 1), "error": o.error, "waiting": o.count}
            for name, o in self._down.items()
        }
        return {"outages": out, "fallbacks": dict(self._fallbacks)}


class LoopFaults:
    """A long-lived loop's failed rounds, as an operator wants them in the log.

    While a dependency (the database, Redis) is away, every round of a loop fails the same
    way: one warning when the outage starts (with the reason), one info line when a round
    works again, and each failed round's traceback at debug only. Any other error is logged
    as before, with its traceback, every time (`log.exception`). One per loop: the process's
    `Dependencies` (its /health, the dispatcher's takeover grace) stay the dispatcher's."""

    def __init__(self, what: str, logger: logging.Logger | None = None) -> None:
        self.what = what
        self.log = logger or log
        self._down: dict[str, Outage] = {}

    def failed(self, exc: BaseException) -> str | None:
        """Log a failed round; returns the dependency that is away, or None."""
        which = dependency_of(exc)
        if which is None:
            self.log.error("%s failed", self.what, exc_info=exc)
            return None
        error = f"{type(exc).__name__}: {exc}"[:300]
        outage = self._down.get(which)
        if outage is None:
            self._down[which] = Outage(time.time(), error)
            self.log.warning("%s failed: %s unreachable (%s)", self.what, which, error)
        else:
            outage.count += 1
            outage.error = error
        self.log.debug("%s failed (%s unreachable)", self.what, which, exc_info=exc)
        return which

    async def attempt(self, round_: Awaitable[Any]) -> bool:
        """Await one round of the loop and log its failure as above: True when it worked.
        (Cancelling is not a failure: it goes through.)"""
        try:
            await round_
        except Exception as exc:
            self.failed(exc)
            return False
        self.ok()
        return True

    def ok(self) -> None:
        """A round worked: the end of any outage it was in."""
        if not self._down:
            return
        for which, outage in self._down.items():
            self.log.info(
                "%s works again: %s back after %.1fs (%d failed rounds)",
                self.what,
                which,
                time.time() - outage.since,
                outage.count,
            )
        self._down.clear()
