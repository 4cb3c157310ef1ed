"""Exchange announcement sources: one module per exchange, one monitor for all of them.

A feed of kind `exchange` names its source in `query`: `okx`, `bybit:new_crypto`,
`kucoin:new-listings`... (the part after the colon is the exchange's own documented category;
without it, the new-listing category). `ExchangeMonitor.poll` builds the documented request
from the exchange's API root (EXCHANGE_API_BASES overrides it), fetches it through the safe
fetcher, and lets the source read the answer. Streaming sources (Binance's WebSocket) are run
by `core.monitors.stream.StreamRunner` instead of the poller.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from core.errors import InvalidInput
from core.models import Feed
from core.monitors.base import PollError, PollResult, classify_fetch_error, classify_status
from core.monitors.exchanges.base import ExchangeError, ExchangeSource, RateLimit
from core.monitors.exchanges.binance import BinanceSource
from core.monitors.exchanges.bitget import BitgetSource
from core.monitors.exchanges.bybit import BybitSource
from core.monitors.exchanges.kucoin import KucoinSource
from core.monitors.exchanges.okx import OkxSource
from core.monitors.fetch import FetchError

__all__ = [
    "EXCHANGES",
    "ExchangeError",
    "ExchangeMonitor",
    "ExchangeSource",
    "RateLimit",
    "exchange_budgets",
    "parse_exchange_query",
]

EXCHANGES: dict[str, type[ExchangeSource]] = {
    cls.name: cls for cls in (BinanceSource, OkxSource, BybitSource, KucoinSource, BitgetSource)
}


def parse_exchange_query(query: str | None) -> tuple[type[ExchangeSource], str]:
    """`okx` or `okx:announcements-new-listings` → (source class, category); InvalidInput."""
    raw = (query or "").strip()
    name, _, ann_type = raw.partition(":")
    cls = EXCHANGES.get(name.strip().lower())
    if cls is None:
        known = ", ".join(sorted(EXCHANGES))
        raise InvalidInput(
            f"unknown exchange {name.strip()[:40]!r}; one of {known}, optionally "
            "followed by :<category>",
            field="query",
        )
    ann_type = ann_type.strip() or cls.default_type
    if ann_type not in cls.types:
        raise InvalidInput(
            f"{cls.label} has no announcement category {ann_type[:60]!r}; one of "
            f"{', '.join(cls.types)}",
            field="query",
        )
    return cls, ann_type


def api_base(settings: Any, cls: type[ExchangeSource]) -> str:
    bases = getattr(settings, "exchange_api_bases", None) or {}
    return str(bases.get(cls.name) or cls.default_base).rstrip("/")


def endpoint_url(settings: Any, query: str | None) -> str:
    """The address a feed polls (or connects to), for display and the per-host budget."""
    cls, _ = parse_exchange_query(query)
    return api_base(settings, cls) + cls.path


def host_of(settings: Any, query: str | None) -> str:
    try:
        return (urlsplit(endpoint_url(settings, query)).hostname or "").lower()
    except (InvalidInput, ValueError):
        return ""


def exchange_budgets(settings: Any) -> dict[str, float]:
    """host -> requests/minute from each polled exchange's documented limit (the strictest
    where several share a host)."""
    budgets: dict[str, float] = {}
    for cls in EXCHANGES.values():
        if cls.streaming:
            continue
        host = (urlsplit(api_base(settings, cls)).hostname or "").lower()
        per_minute = cls.rate_limit.per_minute
        budgets[host] = min(budgets.get(host, per_minute), per_minute)
    return budgets


class ExchangeMonitor:
    """Kind `exchange`: one documented GET per poll, read by the exchange's own module."""

    kind = "exchange"

    def __init__(self, app: Any) -> None:
        self.app = app
        settings = app.settings
        self.sources: dict[str, ExchangeSource] = {
            name: (
                cls(
                    getattr(settings, "binance_api_key", ""),
                    getattr(settings, "binance_api_secret", ""),
                )
                if cls is BinanceSource
                else cls()
            )
            for name, cls in EXCHANGES.items()
        }

    def source_for(self, feed: Feed) -> tuple[ExchangeSource, str]:
        try:
            cls, ann_type = parse_exchange_query(feed.query)
        except InvalidInput as exc:
            raise PollError(exc.message, permanent=True, needs_admin=True) from None
        return self.sources[cls.name], ann_type

    def streams(self, feed: Feed) -> bool:
        """True when this feed is pushed over a connection rather than polled."""
        try:
            cls, _ = parse_exchange_query(feed.query)
        except InvalidInput:
            return False
        return cls.streaming

    async def poll(self, feed: Feed) -> PollResult:
        source, ann_type = self.source_for(feed)
        if source.streaming:
            raise PollError(f"{source.label} is a streaming source; it is not polled")
        url = api_base(self.app.settings, type(source)) + source.path
        url = f"{url}?{urlencode(source.params(ann_type))}"
        headers = source.headers()
        if feed.etag:
            headers["If-None-Match"] = feed.etag
        try:
            res = await self.app.fetcher.fetch(url, headers=headers, max_bytes=2 * 1024 * 1024)
        except FetchError as exc:
            raise classify_fetch_error(exc) from None
        if res.status == 304:
            return PollResult(not_modified=True, etag=feed.etag)
        if res.status == 403 and source.name == "bybit":
            # Bybit answers an IP over its limit with 403 ("access too frequent")
            raise PollError("Bybit HTTP 403: IP rate limit reached", retry_after=600.0, status=403)
        if res.status == 429 and res.retry_after() is None:
            raise PollError(
                f"{source.label} HTTP 429", retry_after=source.rate_limit.per_s, status=429
            )
        if not res.ok:
            raise classify_status(res.status, res.retry_after())
        try:
            body = json.loads(res.body)
        except ValueError:
            raise PollError(f"{source.label} answered with something that is not JSON") from None
        items = source.parse(body, ann_type)
        items.reverse()  # oldest first, like a feed read top to bottom
        return PollResult(items=items, etag=res.headers.get("ETag"))
