"""Binance: the announcement WebSocket (`com_announcement_en`), pushed as Binance publishes.

Binance documents no public REST announcement list; it documents a push channel
("Added announcement subscription feature", changelog 2025-07-21):
- https://developers.binance.com/docs/cms/general-info: base `wss://api.binance.com/sapi/wss`,
  connection URL `?random=&topic=&recvWindow=&timestamp=&signature=`, the signature an
  HMAC-SHA256 (secret key) of every parameter but `signature`, sorted by name; the API key in
  the `X-MBX-APIKEY` header; a connection lives at most 24 h; the client sends a PING every
  30 s (no PING for a minute closes it); at most 5 messages per second (PING/PONG included).
- https://developers.binance.com/docs/cms/announcement: topic `com_announcement_en`; each
  message is `{"type": "DATA", "topic": "com_announcement_en", "data": "<JSON string>"}`,
  the string holding `catalogId, catalogName, publishDate (Unix ms), title, body, disclaimer`.

So a Binance feed is a streaming source: `core.monitors.stream.StreamRunner` keeps one
connection per feed and ingests each message when it arrives; it needs BINANCE_API_KEY and
BINANCE_API_SECRET (any key: the channel needs no permission).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp

from core.monitors.base import PollError, RawItem
from core.monitors.exchanges.base import ExchangeSource, RateLimit, ms_to_datetime

log = logging.getLogger(__name__)

TOPIC = "com_announcement_en"
PING_S = 30.0  # the documentation: PING every 30 s, closed after a minute without one
RECV_WINDOW_MS = 30_000


def signed_query(api_secret: str, topic: str, now_ms: int | None = None) -> str:
    """The connection query with its signature (parameters sorted by name, HMAC-SHA256)."""
    params = {
        "random": secrets.token_hex(16),
        "recvWindow": str(RECV_WINDOW_MS),
        "timestamp": str(now_ms if now_ms is not None else int(time.time() * 1000)),
        "topic": topic,
    }
    payload = "&".join(f"{k}={params[k]}" for k in sorted(params))
    signature = hmac.new(api_secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return urlencode({**params, "signature": signature}, safe="|")


class BinanceSource(ExchangeSource):
    name = "binance"
    label = "Binance"
    default_base = "wss://api.binance.com/sapi/wss"
    path = ""
    default_type = TOPIC
    types = (TOPIC,)
    rate_limit = RateLimit(5, 1.0, "5 messages per second per connection (PING/PONG included)")
    docs = "https://developers.binance.com/docs/cms/announcement"
    streaming = True

    def __init__(self, api_key: str = "", api_secret: str = "") -> None:
        self._key = api_key
        self._secret = api_secret

    @property
    def configured(self) -> bool:
        return bool(self._key and self._secret)

    def parse_message(self, raw: str) -> list[RawItem]:
        """One frame to items: DATA frames carry an announcement; anything else is none."""
        try:
            frame = json.loads(raw)
        except ValueError:
            return []
        if not isinstance(frame, dict) or frame.get("type") != "DATA":
            return []
        data: Any = frame.get("data")
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                return []
        if not isinstance(data, dict):
            return []
        published = ms_to_datetime(data.get("publishDate"))
        title = data.get("title")
        digest = hashlib.blake2b(str(title).encode(), digest_size=8).hexdigest()
        ident = f"{data.get('publishDate')}:{digest}"  # a pushed notice carries no id or URL
        body = data.get("body") or ""
        catalog = str(data.get("catalogName") or "")
        item = self.item(
            ident=ident,
            title=title,
            url="",
            published=published,
            text_=f"{catalog}: {body}" if catalog and body else body,
        )
        return [item] if item is not None else []

    async def stream(self, base: str, *, timeout_s: float = 20.0) -> AsyncIterator[list[RawItem]]:
        """Connect, then yield the items of every announcement as it arrives.

        Returns when the server closes the connection (24 h at most); PollError when it
        cannot connect or refuses the key, so the runner backs off and says why.
        """
        if not self.configured:
            raise PollError(
                "Binance announcements need BINANCE_API_KEY and BINANCE_API_SECRET",
                permanent=True,
                needs_admin=True,
            )
        url = f"{base.rstrip('?')}?{signed_query(self._secret, TOPIC)}"
        headers = {"X-MBX-APIKEY": self._key}
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout_s)
        async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
            try:
                ws = await session.ws_connect(url, headers=headers, heartbeat=PING_S)
            except aiohttp.WSServerHandshakeError as exc:
                if exc.status in (401, 403):
                    raise PollError(
                        f"Binance refused the API key (HTTP {exc.status})",
                        permanent=True,
                        needs_admin=True,
                        status=exc.status,
                    ) from None
                raise PollError(f"Binance WebSocket handshake failed (HTTP {exc.status})") from None
            except (aiohttp.ClientError, TimeoutError) as exc:
                reason = exc.__class__.__name__
                raise PollError(f"Binance WebSocket unreachable: {reason}") from None
            async with ws:
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.TEXT:
                        items = self.parse_message(message.data)
                        if items:
                            yield items
                    elif message.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                        break
