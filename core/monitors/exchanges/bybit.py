"""Bybit: `GET /v5/announcements/index` (public, no key).

Documentation: https://bybit-exchange.github.io/docs/v5/announcement
- params: `locale` (required, `en-US`), `type` (e.g. `new_crypto`, the "New Listings"
  category; enum at https://bybit-exchange.github.io/docs/v5/enum#announcementtype), `tag`,
  `page` (default 1), `limit` (default 20).
- response: `{"retCode": 0, "retMsg": "OK", "result": {"total", "list": [{"title",
  "description", "type": {"title", "key"}, "tags", "url", "dateTimestamp",
  "startDateTimestamp", "endDateTimestamp", "publishTime"}]}, "retExtInfo", "time"}`;
  timestamps are Unix ms. `publishTime` is when it was published, `dateTimestamp` what the
  author filled in (the documentation's own example has no `publishTime`).
- rate limit: the V5 per-IP HTTP limit, "600 requests within a 5-second window"
  (https://bybit-exchange.github.io/docs/v5/rate-limit); an IP over it gets HTTP 403.
- errors: non-zero `retCode`; 10006 / 10018 are the rate-limit codes.
"""

from __future__ import annotations

from typing import Any

from core.monitors.base import RawItem
from core.monitors.exchanges.base import (
    ExchangeSource,
    RateLimit,
    ms_to_datetime,
)


class BybitSource(ExchangeSource):
    name = "bybit"
    label = "Bybit"
    default_base = "https://api.bybit.com"
    path = "/v5/announcements/index"
    default_type = "new_crypto"
    types = (
        "new_crypto",
        "latest_bybit_news",
        "latest_activities",
        "delistings",
        "product_updates",
        "maintenance_updates",
        "new_fiat_listings",
        "other",
        "all",
    )
    rate_limit = RateLimit(600, 5.0, "600 requests within a 5-second window (IP)")
    docs = "https://bybit-exchange.github.io/docs/v5/announcement"

    def params(self, ann_type: str) -> dict[str, str]:
        params = {"locale": "en-US", "page": "1", "limit": "20"}
        if ann_type != "all":
            params["type"] = ann_type
        return params

    def parse(self, body: Any, ann_type: str) -> list[RawItem]:
        self.check_envelope(
            body, code_key="retCode", ok=0, message_key="retMsg", rate_limited=(10006, 10018)
        )
        result = body.get("result") if isinstance(body.get("result"), dict) else {}
        return self.items(
            result.get("list"),
            lambda entry: self.item(
                ident=entry.get("url"),
                title=entry.get("title"),
                url=entry.get("url"),
                text_=entry.get("description"),
                published=ms_to_datetime(entry.get("publishTime"))
                or ms_to_datetime(entry.get("dateTimestamp")),
            ),
        )
