"""OKX: `GET /api/v5/support/announcements` (public, no key).

Documentation: https://www.okx.com/docs-v5/en/#announcement-get-announcements
- params: `annType` (from `GET /api/v5/support/announcement-types`, e.g.
  `announcements-new-listings`), `page` (default 1); 20 records a page, newest first by
  `pTime`; `Accept-Language: en-US` for English.
- response: `{"code": "0", "msg": "", "data": [{"details": [{"annType", "title", "url",
  "pTime", "businessPTime"}], "totalPage"}]}`; `pTime` is the first publication (Unix ms,
  "may be delayed around 5 minutes"), `businessPTime` the time shown on the page.
- rate limit: "5 requests per 2 seconds", by IP for the public endpoint.
- errors: a non-"0" `code`; 50011 is "Rate limit reached" (general error codes table).
"""

from __future__ import annotations

from typing import Any

from core.monitors.base import RawItem
from core.monitors.exchanges.base import (
    ExchangeSource,
    RateLimit,
    ms_to_datetime,
)


class OkxSource(ExchangeSource):
    name = "okx"
    label = "OKX"
    default_base = "https://www.okx.com"
    path = "/api/v5/support/announcements"
    default_type = "announcements-new-listings"
    types = (
        "announcements-new-listings",
        "announcements-delistings",
        "announcements-latest-announcements",
        "announcements-latest-events",
        "announcements-jumpstart",
        "announcements-web3",
        "announcements-trading-updates",
        "announcements-deposit-withdrawal-suspension-resumption",
        "announcements-p2p-trading",
        "announcements-api",
        "announcements-earn-and-loan",
        "all",
    )
    rate_limit = RateLimit(5, 2.0, "5 requests per 2 seconds (IP, public endpoint)")
    docs = "https://www.okx.com/docs-v5/en/#announcement-get-announcements"

    def params(self, ann_type: str) -> dict[str, str]:
        return {"page": "1"} if ann_type == "all" else {"annType": ann_type, "page": "1"}

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json", "Accept-Language": "en-US"}

    def parse(self, body: Any, ann_type: str) -> list[RawItem]:
        self.check_envelope(
            body, code_key="code", ok="0", message_key="msg", rate_limited=("50011",)
        )
        details = [
            entry
            for page in body.get("data") or []
            if isinstance(page, dict) and isinstance(page.get("details"), list)
            for entry in page["details"]
        ]
        return self.items(
            details,
            lambda entry: self.item(
                ident=entry.get("url"),
                title=entry.get("title"),
                url=entry.get("url"),
                published=ms_to_datetime(entry.get("pTime"))
                or ms_to_datetime(entry.get("businessPTime")),
            ),
        )
