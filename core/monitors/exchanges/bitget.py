"""Bitget: `GET /api/v2/public/annoucements` (sic: the documented path is spelt so; public).

Documentation: https://www.bitget.com/api-doc/common/notice/Get-All-Notices
- params: `language` (required: `en_US`), `annType` (`latest_news`, `coin_listings`,
  `trading_competitions_promotions`, `maintenance_system_updates`), `startTime`, `endTime`
  (Unix ms, by announcement time); it searches the last month.
- response: `{"code": "00000", "msg": "success", "requestTime", "data": [{"annId",
  "annTitle", "annDesc", "cTime", "language", "annUrl"}]}`; `cTime` is the creation time in
  Unix ms.
- rate limit: "Frequency limit: 20 times/1s (IP)".
- errors: `code` other than "00000"; 429 / code 429 when over the limit.
"""

from __future__ import annotations

from typing import Any

from core.monitors.base import RawItem
from core.monitors.exchanges.base import (
    ExchangeSource,
    RateLimit,
)


class BitgetSource(ExchangeSource):
    name = "bitget"
    label = "Bitget"
    default_base = "https://api.bitget.com"
    path = "/api/v2/public/annoucements"
    default_type = "coin_listings"
    types = (
        "coin_listings",
        "latest_news",
        "trading_competitions_promotions",
        "maintenance_system_updates",
        "all",
    )
    rate_limit = RateLimit(20, 1.0, "20 times/1s (IP)")
    docs = "https://www.bitget.com/api-doc/common/notice/Get-All-Notices"

    def params(self, ann_type: str) -> dict[str, str]:
        params = {"language": "en_US"}
        if ann_type != "all":
            params["annType"] = ann_type
        return params

    def parse(self, body: Any, ann_type: str) -> list[RawItem]:
        self.check_envelope(
            body, code_key="code", ok="00000", message_key="msg", rate_limited=("429",)
        )
        return self.items(body.get("data"), self.ann_item)
