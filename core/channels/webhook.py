"""Generic outgoing webhooks: a signed JSON POST per alert (or digest), SSRF-safe.

Signature: `X-TGE-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>` with
`X-TGE-Timestamp: <unix seconds>`; receivers check both (see `verify_signature`) so a captured
request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from core.alerts.render import AlertMessage, DigestMessage
from core.channels.base import Channel, Notice, Outcome
from core.config import Settings
from core.errors import InvalidInput

if TYPE_CHECKING:
    from core.models import Destination

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-TGE-Signature"
TIMESTAMP_HEADER = "X-TGE-Timestamp"
DEFAULT_TOLERANCE_S = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now: float | None = None,
) -> bool:
    """What a receiver does: constant-time compare and a fresh timestamp (no replays)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, str(ts), body), signature or "")


def _is_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PublicOnlyResolver(AbstractResolver):
    """Resolves like the default resolver but drops every non-public address (connect time)."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        public = [r for r in results if _is_public(r["host"])]
        if not public:
            raise OSError(f"refusing to connect to {host}: not a public address")
        return public

    async def close(self) -> None:
        await self._inner.close()


def check_webhook_url(url: Any, *, allow_private: bool = False) -> str:
    """Validate a webhook URL up front; InvalidInput(field='url') with the reason."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("webhook URL is required", field="url")
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("webhook URL is not a valid URL", field="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("webhook URL must be http(s)://host/...", field="url")
    if parts.username or parts.password:
        raise InvalidInput("webhook URL must not contain credentials", field="url")
    if port is not None and not 1 <= port <= 65535:
        raise InvalidInput("webhook URL has an invalid port", field="url")
    host = parts.hostname
    literal = True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        literal = False
    if not allow_private:
        if literal and not _is_public(host):
            raise InvalidInput("webhook URL points to a private address", field="url")
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise InvalidInput("webhook URL points to a private host", field="url")
    return url


def message_payload(message: AlertMessage | DigestMessage | Notice) -> dict[str, Any]:
    """The JSON body for one message (stable keys receivers can rely on)."""
    if isinstance(message, AlertMessage):
        return {"type": "alert", "alert": alert_dict(message)}
    if isinstance(message, DigestMessage):
        return {
            "type": "digest",
            "window": message.window_key,
            "label": message.window_label,
            "groups": [
                {"company": name, "alerts": [alert_dict(a) for a in alerts]}
                for name, alerts in message.groups
            ],
        }
    return {"type": "notice", "title": message.title, "text": message.text}


def alert_dict(msg: AlertMessage) -> dict[str, Any]:
    d = asdict(msg)
    d["id"] = d.pop("alert_id")
    d["companies"] = list(msg.companies)
    d["tokens"] = list(msg.tokens)
    d["created_at"] = msg.created_at.isoformat() if msg.created_at else None
    d.pop("unsubscribe_url", None)
    return d


class WebhookChannel(Channel):
    """POSTs signed JSON; refuses private addresses unless FETCH_ALLOW_PRIVATE_NETWORKS."""

    kind: ClassVar[str] = "webhook"
    max_length: ClassVar[int] = 1_000_000
    supports_digest: ClassVar[bool] = True

    def __init__(
        self, settings: Settings, *, fetcher: Any = None, timeout_s: float | None = None
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher  # the shared SafeFetcher, or a callable returning it
        self.timeout_s = timeout_s or min(settings.fetch_timeout_s, 15.0)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            allow = self.settings.fetch_allow_private_networks
            connector = aiohttp.TCPConnector(
                resolver=None if allow else PublicOnlyResolver(),
                use_dns_cache=False,
                limit=100,
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=self.timeout_s)
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def scopes(self, destination: Destination) -> tuple[str, ...]:
        host = urlsplit(destination.address).hostname or ""
        return (f"webhook:{host}",)

    def check(self, url: str) -> str:
        """Validate with the shared safe fetcher when there is one, else our own rules."""
        fetcher = self.fetcher() if callable(self.fetcher) else self.fetcher
        if fetcher is not None and hasattr(fetcher, "check_url"):
            fetcher.check_url(url)
            return url
        return check_webhook_url(url, allow_private=self.settings.fetch_allow_private_networks)

    async def send(
        self, destination: Destination, message: AlertMessage | DigestMessage | Notice
    ) -> Outcome:
        try:
            url = self.check(destination.address)
        except InvalidInput as exc:
            return Outcome.rejected(exc.message)
        if not destination.secret:
            return Outcome.rejected("webhook destination has no signing secret")
        await self.start()
        assert self._session is not None
        body = json.dumps(message_payload(message), separators=(",", ":")).encode()
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "TGE-Monitor-Webhook/1",
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(destination.secret, ts, body),
        }
        try:
            async with self._session.post(
                url, data=body, headers=headers, allow_redirects=False
            ) as resp:
                status = resp.status
                retry_after = resp.headers.get("Retry-After")
                await resp.read()
        except OSError as exc:
            if "not a public address" in str(exc):
                return Outcome.rejected(str(exc))
            return Outcome.retry(f"webhook connection error: {type(exc).__name__}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Outcome.retry(f"webhook error: {type(exc).__name__}: {str(exc)[:200]}")
        if 200 <= status < 300:
            return Outcome.sent(f"{status}:{ts}")
        if status == 429:
            try:
                wait = float(retry_after) if retry_after else 5.0
            except ValueError:
                wait = 5.0
            return Outcome.rate_limited(wait, self.scopes(destination)[0])
        if status in (401, 403, 404, 410):
            return Outcome.rejected(f"webhook answered {status}")
        if status >= 500 or status == 408:
            return Outcome.retry(f"webhook answered {status}")
        return Outcome.failed(f"webhook answered {status}")
