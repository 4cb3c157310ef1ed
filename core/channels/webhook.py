"""Generic outgoing webhooks: a signed JSON POST per alert (or digest), SSRF-safe: sent
through the safe fetcher (`SafeFetcher.post`), so the same connect-time address checks apply.

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
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from core.alerts.render import AlertMessage, DigestMessage
from core.channels.base import Channel, Notice, Outcome
from core.config import Settings
from core.errors import InvalidInput
from core.monitors.fetch import FetchError, FetchRefused, SafeFetcher
from core.secretbox import SecretBox, SecretError

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
    """POSTs signed JSON through the safe fetcher (public addresses only, unless
    FETCH_ALLOW_PRIVATE_NETWORKS), never following a redirect, reading at most 64 KiB back."""

    kind: ClassVar[str] = "webhook"
    max_length: ClassVar[int] = 1_000_000
    supports_digest: ClassVar[bool] = True
    response_cap: ClassVar[int] = 64 * 1024

    def __init__(
        self, settings: Settings, *, fetcher: Any = None, timeout_s: float | None = None
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher  # the shared SafeFetcher, or a callable returning it
        self.timeout_s = timeout_s or min(settings.fetch_timeout_s, 15.0)
        self._own: SafeFetcher | None = None  # only when no shared fetcher was given
        self._box = SecretBox(settings.secret_key)  # secrets are stored sealed

    def _fetcher(self) -> SafeFetcher:
        fetcher = self.fetcher() if callable(self.fetcher) else self.fetcher
        if fetcher is not None:
            return fetcher
        if self._own is None:
            self._own = SafeFetcher(self.settings)
        return self._own

    async def close(self) -> None:
        if self._own is not None:  # a shared fetcher is closed by its owner (the App)
            await self._own.close()
            self._own = None

    def scopes(self, destination: Destination) -> tuple[str, ...]:
        host = urlsplit(destination.address).hostname or ""
        return (f"webhook:{host}",)

    def check(self, url: str) -> str:
        """Validate with the safe fetcher's rules (InvalidInput with the reason)."""
        return self._fetcher().check_url(url)

    async def send(
        self, destination: Destination, message: AlertMessage | DigestMessage | Notice
    ) -> Outcome:
        try:
            url = self.check(destination.address)
        except InvalidInput as exc:
            return Outcome.rejected(exc.message)
        try:
            secret = self._box.open(destination.secret)
        except SecretError as exc:
            return Outcome.rejected(str(exc))
        if not secret:
            return Outcome.rejected("webhook destination has no signing secret")
        body = json.dumps(message_payload(message), separators=(",", ":")).encode()
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "TGE-Monitor-Webhook/1",
            TIMESTAMP_HEADER: ts,
            SIGNATURE_HEADER: sign(secret, ts, body),
        }
        try:
            resp = await self._fetcher().post(
                url,
                body,
                headers=headers,
                max_bytes=self.response_cap,
                timeout_s=self.timeout_s,
            )
        except FetchRefused as exc:
            return Outcome.rejected(f"webhook {exc.message}")
        except FetchError as exc:
            if exc.kind == "too_large":  # it arrived; sending again would not help
                return Outcome.failed(f"webhook answer too large: {exc.message}")
            return Outcome.retry(f"webhook {exc.kind} error: {exc.message[:200]}")
        status = resp.status
        if 200 <= status < 300:
            return Outcome.sent(f"{status}:{ts}")
        if status == 429:
            wait = resp.retry_after()
            return Outcome.rate_limited(5.0 if wait is None else wait, self.scopes(destination)[0])
        if status in (401, 403, 404, 410):
            return Outcome.rejected(f"webhook answered {status}")
        if status >= 500 or status == 408:
            return Outcome.retry(f"webhook answered {status}")
        return Outcome.failed(f"webhook answered {status}")  # incl. 3xx: never followed
