"""Feeds: add (safely validated), list, enable/disable, remove, and a health summary.

Shared by the bots, the REST API and the CLI; every refusal is an InvalidInput naming the
field, with the fetcher's reason ("refused: 10.0.0.1 is a private address").
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from core.errors import Conflict, InvalidInput
from core.models import Feed, FeedKind, User, row_by_id
from core.monitors.base import PollError
from core.monitors.exchanges import endpoint_url, parse_exchange_query
from core.monitors.twitter import RETWEET_POLICIES, TwitterMonitor, parse_x_source
from core.redact import mask_secrets

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 30
MAX_INTERVAL_S = 7 * 86400


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
            "catalogue": (feed.state or {}).get("catalogue"),
            # how it is read now: pushed by a WebSub hub (its subscription's status) or not,
            # and the adaptive interval the poller chose last
            "push": ((feed.state or {}).get("websub") or {}).get("status"),
            "adaptive_interval_s": ((feed.state or {}).get("adaptive") or {}).get("interval_s"),
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
        retweets: str | None = None,
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
        exchange = None
        if kind_enum is FeedKind.EXCHANGE:
            exchange, ann_type = parse_exchange_query(query or url)
        # an exchange API may be asked as often as its documented rate limit allows
        lowest = exchange.rate_limit.min_interval_s if exchange else MIN_INTERVAL_S
        if not lowest <= interval_s <= MAX_INTERVAL_S:
            raise InvalidInput(
                f"interval_s must be between {lowest} and {MAX_INTERVAL_S} seconds",
                field="interval_s",
            )
        if not isinstance(name, str) or len(name) > 128:
            raise InvalidInput("name must be at most 128 characters", field="name")
        state: dict[str, Any] = {}
        if kind_enum is FeedKind.TWITTER:
            query, name, state = await self._x_source(query or url, name, retweets)
            url = None
        elif exchange is not None:
            if retweets is not None:
                raise InvalidInput("retweets applies to X feeds only", field="retweets")
            query = f"{exchange.name}:{ann_type}"
            if await Feed.filter(kind=kind_enum, query=query).exists():
                raise Conflict("that exchange category is already a feed", field="query")
            url = endpoint_url(self.app.settings, query)
            name = name or f"{exchange.label} announcements ({ann_type})"
        else:
            if not isinstance(url, str) or not url.strip():
                raise InvalidInput("a URL is required", field="url")
            url = await self.app.fetcher.validate(url)
            if await Feed.filter(kind=kind_enum, url=url).exists():
                raise Conflict("that URL is already a feed", field="url")
            query = None
            if retweets is not None:
                raise InvalidInput("retweets applies to X feeds only", field="retweets")
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
            state=state,
            created_by=created_by,
            next_poll_at=datetime.now(UTC),
        )
        log.info("feed %s added (%s)", feed.id, kind_enum.value)
        return feed

    async def _x_source(
        self, text: Any, name: str, retweets: str | None
    ) -> tuple[str, str, dict[str, Any]]:
        """An X account (any accepted spelling, resolved to its id once) or `search:<query>`."""
        raw = text.strip() if isinstance(text, str) else ""
        if not raw:
            raise InvalidInput(
                "an X feed needs an account (@binance, x.com/binance) or search:<query>",
                field="query",
            )
        if len(raw) > 512:
            raise InvalidInput("query must be at most 512 characters", field="query")
        source = parse_x_source(raw)
        if source is None:
            raise InvalidInput(
                f"{raw[:80]!r} is not an X account; write @name or x.com/name for a timeline, "
                "or search:<query> for a search",
                field="query",
            )
        policy = (retweets or "skip").strip().lower()
        if policy not in RETWEET_POLICIES:
            raise InvalidInput(
                f"retweets must be one of {', '.join(RETWEET_POLICIES)}", field="retweets"
            )
        state: dict[str, Any] = {"retweets": policy}
        if source.kind == "user" and not source.value.isdecimal():
            state.update(await self._resolve_handle(source.value))
        if source.kind == "user" and state.get("user_id"):
            duplicate = await Feed.filter(kind=FeedKind.TWITTER, query__startswith="user:").all()
            if any(
                (f.state or {}).get("user_id") == state["user_id"] or f.query == source.query
                for f in duplicate
            ):
                raise Conflict("that X account is already a feed", field="query")
        if await Feed.filter(kind=FeedKind.TWITTER, query=source.query).exists():
            raise Conflict("that X source is already a feed", field="query")
        if not name:
            if source.kind == "search":
                name = f"X search: {source.value[:100]}"
            elif source.value.isdecimal():
                name = f"X user {source.value}"
            else:
                name = f"@{state.get('username') or source.value} on X"
        return source.query, name, state

    async def _resolve_handle(self, handle: str) -> dict[str, str]:
        """Ask X once for the account's id; an unknown handle is refused, an outage deferred."""
        monitor = TwitterMonitor(self.app.settings)
        if not monitor.configured:
            return {}  # resolved on the first poll once a token is set
        try:
            user_id, username = await monitor.resolve(handle)
        except PollError as exc:
            if exc.permanent and not exc.needs_admin:
                raise InvalidInput(exc.message, field="query") from None
            log.warning("could not resolve @%s now (%s); the first poll will", handle, exc)
            return {}
        finally:
            await monitor.close()
        return {"user_id": user_id, "username": username}

    async def preview_page(self, url: str, selector: str | None = None) -> list[tuple[str, str]]:
        """The entries a page feed would read now; refuses a page with none, saying why."""
        from core.monitors.fetch import FetchError
        from core.monitors.page import empty_page_error, extract_entries

        checked = await self.app.fetcher.validate(url)
        try:
            res = await self.app.fetcher.fetch(
                checked, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
            )
        except FetchError as exc:
            raise InvalidInput(f"could not read the page: {exc.message}", field="url") from None
        if not res.ok:
            raise InvalidInput(f"could not read the page: HTTP {res.status}", field="url")
        page = res.text()
        entries = extract_entries(page, res.url, selector)
        if not entries:
            raise InvalidInput(empty_page_error(page, res.url, selector), field="url")
        return entries

    async def list(self, *, enabled: bool | None = None) -> list[Feed]:
        qs = Feed.all().order_by("id")
        if enabled is not None:
            qs = qs.filter(enabled=enabled)
        return await qs

    async def get(self, feed_id: Any) -> Feed:
        return await row_by_id(Feed, feed_id, "feed")

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
