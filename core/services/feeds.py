"""Feeds: add (safely validated), list, enable/disable, remove, and a health summary.

Shared by the bots, the REST API and the CLI; every refusal is an InvalidInput naming the
field, with the fetcher's reason ("refused: 10.0.0.1 is a private address").
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from core.errors import Conflict, InvalidInput, NotFound
from core.models import Feed, FeedKind, User, in_id_range
from core.redact import mask_secrets

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 30
MAX_INTERVAL_S = 7 * 86400
_X_USER = re.compile(r"^user:(\d{1,20})$")


def feed_health(feed: Feed) -> str:
    if not feed.enabled:
        return "disabled"
    if feed.consecutive_failures:
        return "failing"
    if feed.last_success_at is None:
        return "pending"
    return "healthy"


class FeedService:
    """Feed CRUD over the ORM; URL checks come from the app's SafeFetcher."""

    def __init__(self, app: Any) -> None:
        self.app = app

    @staticmethod
    def to_json(feed: Feed) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": feed.id,
            "kind": str(feed.kind),
            "name": feed.name,
            "url": mask_secrets(feed.url),  # a feed URL may carry an API key
            "query": feed.query,
            "selector": feed.selector,
            "interval_s": feed.interval_s,
            "enabled": feed.enabled,
            "health": feed_health(feed),
            "disabled_reason": mask_secrets(feed.disabled_reason),
            "last_error": mask_secrets(feed.last_error),
            "consecutive_failures": feed.consecutive_failures,
            "last_polled_at": iso(feed.last_polled_at),
            "last_success_at": iso(feed.last_success_at),
            "next_poll_at": iso(feed.next_poll_at),
            "items_seen": feed.items_seen,
            "created_at": iso(feed.created_at),
        }

    async def add(
        self,
        url: str | None = None,
        kind: str = "rss",
        *,
        query: str | None = None,
        selector: str | None = None,
        interval_s: int = 300,
        name: str = "",
        created_by: User | None = None,
    ) -> Feed:
        """Register a source; URL feeds are checked (scheme, address, DNS) before saving."""
        try:
            kind_enum = FeedKind(str(kind).strip().lower())
        except ValueError:
            allowed = ", ".join(k.value for k in FeedKind)
            raise InvalidInput(f"kind must be one of {allowed}", field="kind") from None
        if isinstance(interval_s, bool) or not isinstance(interval_s, int):
            try:
                interval_s = int(str(interval_s))
            except ValueError:
                raise InvalidInput(
                    "interval_s must be a whole number", field="interval_s"
                ) from None
        if not MIN_INTERVAL_S <= interval_s <= MAX_INTERVAL_S:
            raise InvalidInput(
                f"interval_s must be between {MIN_INTERVAL_S} and {MAX_INTERVAL_S} seconds",
                field="interval_s",
            )
        if not isinstance(name, str) or len(name) > 128:
            raise InvalidInput("name must be at most 128 characters", field="name")
        if kind_enum is FeedKind.TWITTER:
            query = (query or url or "").strip() if isinstance(query or url or "", str) else ""
            if not query:
                raise InvalidInput(
                    "an X feed needs a search query or user:<numeric id>", field="query"
                )
            if len(query) > 512:
                raise InvalidInput("query must be at most 512 characters", field="query")
            if await Feed.filter(kind=kind_enum, query=query).exists():
                raise Conflict("that X query is already a feed", field="query")
            url = None
            if not name:
                m = _X_USER.match(query)
                name = f"X user {m.group(1)}" if m else f"X: {query[:100]}"
        else:
            if not isinstance(url, str) or not url.strip():
                raise InvalidInput("a URL is required", field="url")
            url = await self.app.fetcher.validate(url)
            if await Feed.filter(kind=kind_enum, url=url).exists():
                raise Conflict("that URL is already a feed", field="url")
            query = None
        if selector is not None:
            if kind_enum is not FeedKind.PAGE:
                raise InvalidInput("a CSS selector applies to page feeds only", field="selector")
            from core.monitors.page import parse_selector

            selector = selector.strip() or None
            if selector:
                parse_selector(selector)  # raises InvalidInput(field="selector")
        feed = await Feed.create(
            kind=kind_enum,
            url=url,
            query=query,
            selector=selector,
            interval_s=interval_s,
            name=name.strip()[:128],
            created_by=created_by,
            next_poll_at=datetime.now(UTC),
        )
        log.info("feed %s added (%s)", feed.id, kind_enum.value)
        return feed

    async def list(self, *, enabled: bool | None = None) -> list[Feed]:
        qs = Feed.all().order_by("id")
        if enabled is not None:
            qs = qs.filter(enabled=enabled)
        return await qs

    async def get(self, feed_id: Any) -> Feed:
        try:
            fid = int(str(feed_id).strip().lstrip("#"))
        except ValueError:
            raise InvalidInput("feed id must be a number", field="id") from None
        feed = await Feed.get_or_none(id=fid) if in_id_range(fid) else None
        if feed is None:
            raise NotFound(f"no feed with id {fid}", field="id")
        return feed

    async def remove(self, feed_id: Any) -> Feed:
        feed = await self.get(feed_id)
        await feed.delete()
        log.info("feed %s removed", feed.id)
        return feed

    async def set_enabled(self, feed_id: Any, enabled: bool) -> Feed:
        """Enable (clearing failures, polled soon) or disable by hand."""
        feed = await self.get(feed_id)
        feed.enabled = bool(enabled)
        if enabled:
            feed.disabled_reason = None
            feed.consecutive_failures = 0
            feed.last_error = None
            feed.state = {k: v for k, v in (feed.state or {}).items() if k != "permanent_failures"}
            feed.next_poll_at = datetime.now(UTC)
        else:
            feed.disabled_reason = "disabled by a user"
        await feed.save()
        return feed

    async def status(self) -> dict[str, Any]:
        """Counts by health plus the feeds that need attention."""
        feeds = await Feed.all().order_by("id")
        counts = {"healthy": 0, "pending": 0, "failing": 0, "disabled": 0}
        attention = []
        for feed in feeds:
            health = feed_health(feed)
            counts[health] += 1
            if health in ("failing", "disabled"):
                attention.append(self.to_json(feed))
        return {"total": len(feeds), **counts, "attention": attention}
