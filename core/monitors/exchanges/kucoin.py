"""KuCoin: `GET /api/v3/announcements` (public, no key).

Documentation: https://www.kucoin.com/docs-new/rest/spot-trading/market-data/get-announcements
(generated from the spec in the public Kucoin/kucoin-universal-sdk repository).
- params: `currentPage`, `pageSize`, `annType` (`latest-announcements`, `activities`,
  `new-listings`, `product-updates`, `vip`, `maintenance-updates`, `delistings`, `others`,
  `api-campaigns`; default `latest-announcements`), `lang` (`en_US`), `startTime`, `endTime`;
  by default the last month.
- response: `{"code": "200000", "data": {"totalNum", "totalPage", "currentPage", "pageSize",
  "items": [{"annId", "annTitle", "annType": [...], "annDesc", "cTime", "language",
  "annUrl"}]}}`; `cTime` is the release time in Unix ms.
- rate limit: weight 20 from the Public pool, which is 2,000 per 30 s per IP for VIP0
  (https://www.kucoin.com/docs-new/rate-limit): 100 calls per 30 s.
- errors: `code` other than "200000"; 429000 is "Too Many Requests" (HTTP 429).
"""

from __future__ import annotations

from typing import Any

from core.monitors.base import RawItem
from core.monitors.exchanges.base import (
    ExchangeSource,
    RateLimit,
)


class KucoinSource(ExchangeSource):
    name = "kucoin"
    label = "KuCoin"
    default_base = "https://api.kucoin.com"
    path = "/api/v3/announcements"
    default_type = "new-listings"
    types = (
        "new-listings",
        "latest-announcements",
        "activities",
        "product-updates",
        "vip",
        "maintenance-updates",
        "delistings",
        "others",
        "api-campaigns",
    )
    rate_limit = RateLimit(100, 30.0, "weight 20 of the Public pool's 2,000 per 30 s (IP)")
    docs = "https://www.kucoin.com/docs-new/rest/spot-trading/market-data/get-announcements"

    def params(self, ann_type: str) -> dict[str, str]:
        return {"annType": ann_type, "lang": "en_US", "currentPage": "1", "pageSize": "20"}

    def parse(self, body: Any, ann_type: str) -> list[RawItem]:
        self.check_envelope(
            body, code_key="code", ok="200000", message_key="msg", rate_limited=("429000",)
        )
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        return self.items(data.get("items"), self.ann_item)
