"""What an exchange announcement source is: one documented endpoint, its limit, its parser.

Each exchange is one module in this package with one `ExchangeSource` subclass; capabilities
are class attributes (Apprise's plugin shape), the HTTP, error handling and scheduling are the
monitor's (`core.monitors.exchanges.ExchangeMonitor`). A source only says where to ask, what to
send and how to read the answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from core.monitors.base import PollError, RawItem


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A documented request budget: `requests` per `per_s` seconds (per IP unless said)."""

    requests: int
    per_s: float
    documented: str  # the documentation's own words, shown to operators

    @property
    def per_minute(self) -> float:
        return self.requests * 60.0 / self.per_s

    @property
    def min_interval_s(self) -> int:
        """The shortest poll interval that keeps one feed inside the budget (whole seconds)."""
        return max(1, math.ceil(self.per_s / self.requests))


class ExchangeError(PollError):
    """The exchange answered, but with an error code in its envelope."""


def ms_to_datetime(value: Any) -> datetime | None:
    """Exchange timestamps are Unix milliseconds, as numbers or strings; junk is None."""
    try:
        ms = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    if ms <= 0 or ms > 10**14:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC)


def text(value: Any, limit: int = 2_000) -> str:
    """A JSON field as one clean line ('' for anything that is not text)."""
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\u200b", " ").split())[:limit]


class ExchangeSource:
    """One exchange's public announcement endpoint, as its documentation describes it."""

    name: ClassVar[str]  # the feed query's first word: okx, bybit, ...
    label: ClassVar[str]  # how people write it: OKX, Bybit
    default_base: ClassVar[str]  # production API root; EXCHANGE_API_BASES overrides it
    path: ClassVar[str]
    default_type: ClassVar[str]  # the new-listing category: what TGE hunters watch
    types: ClassVar[tuple[str, ...]]  # documented announcement categories
    rate_limit: ClassVar[RateLimit]
    docs: ClassVar[str]  # the documentation page the module follows
    streaming: ClassVar[bool] = False  # pushes over a connection instead of being polled

    def params(self, ann_type: str) -> dict[str, str]:
        raise NotImplementedError

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def parse(self, body: Any, ann_type: str) -> list[RawItem]:
        """Newest-first list of entries from a decoded body; ExchangeError for an error code."""
        raise NotImplementedError

    def check_envelope(
        self,
        body: Any,
        *,
        code_key: str,
        ok: Any,
        message_key: str,
        rate_limited: tuple[Any, ...] = (),
    ) -> None:
        """Raise an ExchangeError naming the exchange's code and message unless `ok`.

        A rate-limit code holds the host for one documented window, like a 429 would.
        """
        if not isinstance(body, dict) or code_key not in body:
            raise ExchangeError(
                f"{self.label} answered without a {code_key}: not the announcements API"
            )
        code = body.get(code_key)
        if code == ok:
            return
        message = str(body.get(message_key) or "")[:200]
        if code in rate_limited:
            raise ExchangeError(
                f"{self.label} rate limit ({code_key} {code}) {message}".strip(),
                retry_after=self.rate_limit.per_s,
            )
        raise ExchangeError(f"{self.label} error {code_key} {code}: {message}", status=200)

    def items(
        self, entries: Any, read: Callable[[dict[str, Any]], RawItem | None]
    ) -> list[RawItem]:
        """Every object entry of a list read into an item; anything else is skipped."""
        found: list[RawItem] = []
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict) and (item := read(entry)) is not None:
                found.append(item)
        return found

    def ann_item(self, entry: dict[str, Any]) -> RawItem | None:
        """The `annId`/`annTitle`/`annUrl`/`annDesc`/`cTime` entry KuCoin and Bitget share."""
        return self.item(
            ident=entry.get("annId"),
            title=entry.get("annTitle"),
            url=entry.get("annUrl"),
            text_=entry.get("annDesc"),
            published=ms_to_datetime(entry.get("cTime")),
        )

    def item(
        self,
        *,
        ident: Any,
        title: Any,
        url: Any,
        published: datetime | None,
        text_: Any = "",
    ) -> RawItem | None:
        """The shared shape: guid `<exchange>:<id or url>`, author is the exchange."""
        title_s = text(title, 1_000)
        url_s = text(url, 2_048)
        if not url_s.startswith(("https://", "http://")):
            url_s = ""
        key = str(ident).strip() if ident not in (None, "") else url_s or title_s
        if not (title_s or url_s):
            return None
        return RawItem(
            guid=f"{self.name}:{key}",
            title=title_s,
            text=text(text_, 20_000),
            url=url_s,
            author=self.label,
            published=published,
        ).clipped()
