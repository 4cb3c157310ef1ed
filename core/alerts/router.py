"""Router: which destinations get a new alert, decided inside the alert's transaction.

Subscriptions change rarely and alerts arrive often, so the router keeps a precomputed map
(company id → routes, plus the routes that want every company) instead of scanning every
Subscription per alert. The map is rebuilt when `invalidate()` is called (the subscriptions
service calls it; the version is shared through app.kv so other processes notice) and at
least every `ttl_s` as a safety net. Watchlists change constantly (/watch), so routes that
follow a watchlist are resolved with one indexed query on user_watchlist per alert.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.models import (
    DestinationKind,
    DigestInterval,
    Subscription,
    SubscriptionMode,
    UpdatePolicy,
)

log = logging.getLogger(__name__)

# destinations that get nothing until proven
PROVEN_KINDS = frozenset({DestinationKind.EMAIL, DestinationKind.TELEGRAM, DestinationKind.DISCORD})

VERSION_KEY = "alerts:router:version"
LIVE_ONLY_KINDS = frozenset({DestinationKind.WEBSOCKET.value})
# a floorless subscription's floor when neither the alert nor the app names a threshold
DEFAULT_THRESHOLD = 0.5


def wants_new_projects(setting: bool | None, company_ids: Any, use_watchlist: bool) -> bool:
    """Whether a subscription gets alerts about discovered projects (in no companies table):
    its own setting, else yes for "all companies" and no for a company list or watchlist."""
    if setting is not None:
        return bool(setting)
    return not company_ids and not use_watchlist


def confidence_floor(min_confidence: float | None, threshold: float) -> float:
    """The lowest confidence a subscription takes for one alert: its own floor when it chose
    one, else the threshold the scorer judged the item at (`Alert.threshold`: the CJK
    model's for a zh/ja/ko item, the service's for others), so it gets every alert made."""
    return float(threshold) if min_confidence is None else float(min_confidence)


@dataclass(frozen=True, slots=True)
class Route:
    """One active subscription, flattened for matching."""

    subscription_id: int
    user_id: int
    destination_id: int
    kind: str
    min_confidence: float | None  # None: the scorer's threshold for each item
    company_ids: frozenset[int]
    use_watchlist: bool
    new_projects: bool
    digest: bool
    digest_interval: str
    digest_hour: int
    timezone: str
    updates: str = UpdatePolicy.PHASES.value


# how much of an event's story a policy lets through, most first (see UpdatePolicy)
_POLICY_RANK = {
    UpdatePolicy.EVERY.value: 0,
    UpdatePolicy.PHASES.value: 1,
    UpdatePolicy.FIRST.value: 2,
}


def wider_policy(a: str, b: str) -> str:
    """Of two subscriptions feeding one destination, the policy that lets more through."""
    return a if _POLICY_RANK.get(a, 1) <= _POLICY_RANK.get(b, 1) else b


@dataclass(frozen=True, slots=True)
class Target:
    """What the router decided for one destination."""

    destination_id: int
    digest_key: str | None = None
    due_at: datetime | None = None
    updates: str = UpdatePolicy.PHASES.value

    @property
    def mode(self) -> SubscriptionMode:
        return SubscriptionMode.DIGEST if self.digest_key else SubscriptionMode.INSTANT


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def digest_window(interval: str, hour: int, timezone: str, now: datetime) -> tuple[str, datetime]:
    """The window an alert at `now` belongs to: (key, end in UTC). Sent when the end passes.

    Hourly windows end on the owner's next full hour, daily ones at `hour` o'clock in the
    owner's timezone. The key carries the UTC end, so one destination has one digest per
    window however many subscriptions feed it.
    """
    tz = _zone(timezone)
    local = now.astimezone(tz)
    if interval == DigestInterval.HOURLY:
        start = local.replace(minute=0, second=0, microsecond=0)
        end = (start.astimezone(UTC) + timedelta(hours=1)).astimezone(tz)
    else:
        h = min(max(int(hour), 0), 23)
        end = datetime(local.year, local.month, local.day, h, tzinfo=tz)
        if end <= local:
            nxt = local.date() + timedelta(days=1)
            end = datetime(nxt.year, nxt.month, nxt.day, h, tzinfo=tz)
    end_utc = end.astimezone(UTC)
    label = "hourly" if interval == DigestInterval.HOURLY else "daily"
    return f"{label}:{end_utc:%Y%m%dT%H%MZ}", end_utc


class Router:
    """Matches alerts to subscriptions from an in-memory map (see module docstring)."""

    def __init__(self, app: Any = None, *, supports_digest: Any = None, ttl_s: float = 30.0):
        self._app = app  # app.kv is read at use time: open() swaps it for Redis
        self._supports_digest = supports_digest or (lambda kind: kind == "email")
        self.ttl_s = ttl_s
        self._loaded_at = 0.0
        self._version: str | None = None
        self._dirty = True
        self._lock = asyncio.Lock()
        self._by_company: dict[int, list[Route]] = {}
        self._all: list[Route] = []
        self._watchlist: list[Route] = []
        self._listed_new: list[Route] = []  # company-list/watchlist routes that want new projects
        self._pending: set[asyncio.Task[None]] = set()
        self.loads = 0

    @property
    def _kv(self) -> Any:
        return getattr(self._app, "kv", None)

    def invalidate(self) -> asyncio.Task[None] | None:
        """Forget the map (after any subscription/destination change); may be awaited."""
        self._dirty = True
        if self._kv is None:
            return None
        try:
            task = asyncio.get_running_loop().create_task(
                self._kv.set(VERSION_KEY, uuid.uuid4().hex)
            )
        except RuntimeError:
            return None
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return task

    async def _current(self) -> None:
        version = await self._kv.get(VERSION_KEY) if self._kv is not None else None
        stale = time.monotonic() - self._loaded_at > self.ttl_s
        if self._dirty or stale or version != self._version:
            async with self._lock:
                if self._dirty or stale or version != self._version:
                    self._dirty = False
                    await self._load()
                    self._version = version
                    self._loaded_at = time.monotonic()

    async def _load(self) -> None:
        by_company: dict[int, list[Route]] = defaultdict(list)
        every: list[Route] = []
        watch: list[Route] = []
        listed_new: list[Route] = []
        subs = await Subscription.filter(active=True).select_related("destination", "user")
        for sub in subs:
            dest = sub.destination
            kind = str(dest.kind)
            if kind in LIVE_ONLY_KINDS or dest.rejected_reason:
                continue
            if not dest.verified and kind in PROVEN_KINDS:
                continue  # an email proves itself by its code, a chat by a chat admin
            if not sub.user.is_active:
                continue
            ids = frozenset(
                int(i) for i in (sub.company_ids or []) if str(i).lstrip("-").isdecimal()
            )
            route = Route(
                subscription_id=sub.id,
                user_id=sub.user_id,
                destination_id=dest.id,
                kind=kind,
                min_confidence=(None if sub.min_confidence is None else float(sub.min_confidence)),
                company_ids=ids,
                use_watchlist=bool(sub.use_watchlist) and not dest.is_group,
                new_projects=wants_new_projects(
                    sub.new_projects, ids, bool(sub.use_watchlist) and not dest.is_group
                ),
                digest=sub.mode == SubscriptionMode.DIGEST and self._supports_digest(kind),
                digest_interval=str(sub.digest_interval),
                digest_hour=int(sub.digest_hour),
                timezone=sub.user.timezone or "UTC",
                updates=str(sub.updates or UpdatePolicy.PHASES),
            )
            for cid in ids:
                by_company[cid].append(route)
            if route.use_watchlist:
                watch.append(route)
            elif not ids:
                every.append(route)
            if (ids or route.use_watchlist) and route.new_projects:
                listed_new.append(route)
        self._by_company, self._all, self._watchlist = dict(by_company), every, watch
        self._listed_new = listed_new
        self.loads += 1
        log.debug("router map: %d subscriptions loaded", len(subs))

    async def targets(
        self,
        confidence: float,
        company_ids: Iterable[int],
        *,
        threshold: float | None = None,
        new_project: bool = False,
        now: datetime | None = None,
        connection: Any = None,
    ) -> list[Target]:
        """Destinations for an alert; one Target per destination (instant beats digest).

        ``threshold``: the one the scorer judged the item at (`Alert.threshold`), the floor of
        every subscription that chose none; None: the service's (`ALERT_THRESHOLD`).
        ``new_project``: the alert is about a discovered project (no company of ours), which
        goes to the subscriptions that want new projects (see `wants_new_projects`).
        """
        if threshold is None:
            threshold = self.service_threshold()
        await self._current()
        now = now or datetime.now(UTC)
        cids = sorted({int(c) for c in company_ids})
        candidates: dict[int, Route] = {}
        for route in self._all:
            if new_project and not route.new_projects:
                continue
            candidates.setdefault(route.subscription_id, route)
        if new_project:
            for route in self._listed_new:
                candidates.setdefault(route.subscription_id, route)
        for cid in cids:
            for route in self._by_company.get(cid, ()):
                candidates.setdefault(route.subscription_id, route)
        if self._watchlist and cids:
            watchers = await self._watchers(cids, connection)
            for route in self._watchlist:
                if route.user_id in watchers:
                    candidates.setdefault(route.subscription_id, route)
        chosen: dict[int, Target] = {}
        policies: dict[int, str] = {}
        for route in candidates.values():
            if confidence + 1e-9 < confidence_floor(route.min_confidence, threshold):
                continue
            dest = route.destination_id
            policies[dest] = wider_policy(policies.get(dest, route.updates), route.updates)
            if route.digest:
                key, due = digest_window(
                    route.digest_interval, route.digest_hour, route.timezone, now
                )
                target = Target(route.destination_id, key, due)
            else:
                target = Target(route.destination_id)
            prev = chosen.get(route.destination_id)
            if prev is None or (prev.digest_key and not target.digest_key):
                chosen[route.destination_id] = target
            elif prev.digest_key and target.due_at and prev.due_at and target.due_at < prev.due_at:
                chosen[route.destination_id] = target
        return [replace(chosen[k], updates=policies[k]) for k in sorted(chosen)]

    def service_threshold(self) -> float:
        """The service's alert threshold (ALERT_THRESHOLD, settled by the App at start)."""
        settings = getattr(self._app, "settings", None)
        value = getattr(settings, "alert_threshold", None)
        return DEFAULT_THRESHOLD if value is None else float(value)

    async def _watchers(self, company_ids: list[int], connection: Any) -> set[int]:
        from tortoise import connections

        conn = connection or connections.get("default")
        marks = ",".join(str(int(c)) for c in company_ids)  # ints only: safe to inline
        rows = await conn.execute_query_dict(
            f"SELECT DISTINCT users_id FROM user_watchlist WHERE company_id IN ({marks})"
        )
        return {int(r["users_id"]) for r in rows}
