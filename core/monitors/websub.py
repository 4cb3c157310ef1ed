"""WebSub (W3C Recommendation, https://www.w3.org/TR/websub/): feeds pushed by their hub.

- Discovery: a polled feed naming a hub (`<link rel="hub">` in the document, or an HTTP
  `Link: <…>; rel="hub"` header) and its own address (`rel="self"`, else the URL we fetched).
- Subscription (§5.1): a form POST to the hub with hub.mode=subscribe, hub.topic,
  hub.callback (PUBLIC_BASE_URL/websub/<feed id>), hub.lease_seconds and a fresh hub.secret
  (stored sealed with SECRET_KEY); the hub answers 202 and later verifies intent.
- Verification of intent (§5.3): the hub GETs the callback with hub.mode, hub.topic,
  hub.challenge and hub.lease_seconds; we echo the challenge only for the mode and topic we
  asked for, then the subscription is active until the lease ends. hub.mode=denied records
  the hub's reason (§5.2).
- Content distribution (§7, §8): the hub POSTs the new document with
  `X-Hub-Signature: sha1=…` (or sha256/sha384/sha512), an HMAC of the body with our secret.
  A good signature: the document is parsed and ingested at once on the web process (the
  outbox and the worker deliver as for polled items). A bad or missing one: 202 and the body
  is dropped, as §8 asks (no hint for a forger).
- Lease renewal: the worker's `WebSubRenewer` subscribes again before a lease ends.
- Fallback: while a subscription is active the poller still polls the feed, at no less than
  WEBSUB_FALLBACK_S (a safety net for a hub that stops pushing); when it is pending too
  long, denied, failed or expired, the feed is polled normally.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from core.faults import LoopFaults
from core.models import Feed, FeedKind
from core.monitors.fetch import FetchError
from core.monitors.ingest import Ingestor, IngestStats
from core.secretbox import SecretBox, SecretError

log = logging.getLogger(__name__)

FALLBACK_POLL_S = 1800.0  # polled this often while pushes are expected
PENDING_GRACE_S = 300.0  # a hub that has not verified within this is not counted on
RENEW_MARGIN = 0.1  # renew when less than this part of the lease (at least 60 s) is left
_LINK_TAG = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?link\b[^>]*>", re.I)
_ATTR = re.compile(rb"""([A-Za-z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LINK_HEADER = re.compile(r"<([^>]*)>\s*;([^,]*)")
_ALGORITHMS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}


def _rels(value: str) -> set[str]:
    return {r.lower() for r in value.split()}


def discover(body: bytes, headers: Any, url: str) -> tuple[str | None, str | None]:
    """(hub, topic) a feed names for WebSub, absolute http(s) URLs; (None, None) without a hub.

    HTTP Link headers win over the document (§4); only the first 64 KiB are looked at.
    """
    hub = topic = None
    for header in headers.getall("Link", []) if hasattr(headers, "getall") else []:
        for target, params in _LINK_HEADER.findall(header):
            rel = re.search(r'rel\s*=\s*"?([^";]+)"?', params)
            rels = _rels(rel.group(1)) if rel else set()
            if "hub" in rels and hub is None:
                hub = target.strip()
            if "self" in rels and topic is None:
                topic = target.strip()
    for tag in _LINK_TAG.findall(body[:65536]):
        attrs = {
            m.group(1).lower().decode(): (m.group(2) or m.group(3) or b"").decode(
                "utf-8", "replace"
            )
            for m in _ATTR.finditer(tag)
        }
        rels = _rels(attrs.get("rel", ""))
        if "hub" in rels and hub is None and attrs.get("href"):
            hub = attrs["href"].strip()
        if "self" in rels and topic is None and attrs.get("href"):
            topic = attrs["href"].strip()
    if not hub:
        return None, None
    hub = urljoin(url, hub)
    topic = urljoin(url, topic) if topic else url
    for value in (hub, topic):
        if urlsplit(value).scheme not in ("http", "https"):
            return None, None
    return hub[:2048], topic[:2048]


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature: <method>=<hex>` checked in constant time (§8)."""
    if not header or "=" not in header:
        return False
    method, _, given = header.partition("=")
    algorithm = _ALGORITHMS.get(method.strip().lower())
    if algorithm is None:
        return False
    good = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(good, given.strip().lower())


def _now() -> datetime:
    return datetime.now(UTC)


def _parse_time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def push_active(feed: Feed, now: datetime | None = None) -> bool:
    """True while a verified lease is running: the poller may then fall back to slow polls."""
    sub = (feed.state or {}).get("websub") or {}
    expires = _parse_time(sub.get("lease_expires_at"))
    return sub.get("status") == "active" and expires is not None and expires > (now or _now())


def wants_subscription(feed: Feed, hub: str, topic: str, now: datetime | None = None) -> bool:
    """Subscribe when the feed has no live or pending subscription to this hub and topic."""
    sub = (feed.state or {}).get("websub") or {}
    now = now or _now()
    if sub.get("hub") != hub or sub.get("topic") != topic:
        return True
    if sub.get("status") == "active":
        return not push_active(feed, now)
    if sub.get("status") == "pending":
        requested = _parse_time(sub.get("requested_at"))
        return requested is None or (now - requested).total_seconds() > PENDING_GRACE_S
    # denied or failed: try again after a day, never in a tight loop
    last = _parse_time(sub.get("requested_at"))
    return last is None or (now - last) > timedelta(days=1)


class WebSub:
    """Subscribe, verify, receive: one object shared by the poller, the renewer and the web."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._box = SecretBox(app.settings.secret_key)
        self._ingestor: Ingestor | None = None

    def callback_url(self, feed: Feed) -> str:
        return f"{self.app.settings.public_base_url.rstrip('/')}/websub/{feed.id}"

    async def subscribe(self, feed: Feed, hub: str, topic: str, *, mode: str = "subscribe") -> str:
        """Ask the hub; the subscription's status afterwards (pending, failed)."""
        secret = secrets.token_hex(32)
        lease = self.app.settings.websub_lease_s
        form = {
            "hub.mode": mode,
            "hub.topic": topic,
            "hub.callback": self.callback_url(feed),
            "hub.lease_seconds": str(lease),
            "hub.secret": secret,
        }
        sub = {
            "hub": hub,
            "topic": topic,
            "mode": mode,
            "status": "pending",
            "secret": self._box.seal(secret),
            "requested_at": _now().isoformat(),
            "lease_s": lease,
        }
        old = (feed.state or {}).get("websub") or {}
        if old.get("status") == "active" and old.get("topic") == topic:
            # keep receiving with the old secret until the hub verifies the renewal
            sub["previous_secret"] = old.get("secret")
            sub["lease_expires_at"] = old.get("lease_expires_at")
        try:
            res = await self.app.fetcher.post(
                hub,
                urlencode(form).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                max_bytes=64 * 1024,
            )
        except FetchError as exc:
            sub.update(status="failed", error=f"hub unreachable: {exc.message}"[:300])
        else:
            if res.status not in (202, 204, 200):
                said = res.text()[:200].strip()
                sub.update(status="failed", error=f"hub answered HTTP {res.status} {said}"[:300])
        await self._save(feed, sub)
        if sub["status"] == "failed":
            log.info("feed %s: WebSub %s failed: %s", feed.id, mode, sub.get("error"))
        else:
            log.info("feed %s: asked %s to push %s", feed.id, urlsplit(hub).hostname, topic)
        return str(sub["status"])

    async def _save(self, feed: Feed, sub: dict[str, Any]) -> None:
        state = dict(feed.state or {})
        state["websub"] = sub
        feed.state = state
        await Feed.filter(id=feed.id).update(state=state)

    async def verify(self, feed_id: int, query: Any) -> tuple[int, str]:
        """The hub's verification request (§5.3) → (HTTP status, body)."""
        feed = await Feed.get_or_none(id=feed_id)
        sub = ((feed.state or {}).get("websub") or {}) if feed is not None else {}
        mode = str(query.get("hub.mode") or "")
        topic = str(query.get("hub.topic") or "")
        if feed is None or not sub or topic != sub.get("topic"):
            return 404, "no such subscription"
        if mode == "denied":
            sub.update(status="denied", error=str(query.get("hub.reason") or "denied")[:300])
            await self._save(feed, sub)
            log.warning("feed %s: hub denied the subscription: %s", feed_id, sub["error"])
            return 200, ""
        challenge = str(query.get("hub.challenge") or "")
        if mode != sub.get("mode") or not challenge:
            return 404, "not a subscription we asked for"
        if mode == "unsubscribe":
            await self._save(feed, {**sub, "status": "unsubscribed"})
            return 200, challenge
        try:
            lease = int(str(query.get("hub.lease_seconds") or sub.get("lease_s") or 0))
        except ValueError:
            return 400, "hub.lease_seconds must be a whole number"
        sub.update(
            status="active",
            verified_at=_now().isoformat(),
            lease_s=lease,
            lease_expires_at=(_now() + timedelta(seconds=max(0, lease))).isoformat(),
        )
        sub.pop("previous_secret", None)
        sub.pop("error", None)
        await self._save(feed, sub)
        return 200, challenge

    async def deliver(self, feed_id: int, body: bytes, headers: Any) -> tuple[int, IngestStats]:
        """A pushed document (§7): (HTTP status, what ingesting it did)."""
        from core.monitors.rss import FeedParseError, parse_feed

        stats = IngestStats()
        feed = await Feed.get_or_none(id=feed_id)
        sub = ((feed.state or {}).get("websub") or {}) if feed is not None else {}
        if feed is None or not feed.enabled or sub.get("status") not in ("active", "pending"):
            return 410, stats  # §7: a subscriber may answer 410 Gone to end a subscription
        header = headers.get("X-Hub-Signature")
        sealed = [s for s in (sub.get("secret"), sub.get("previous_secret")) if s]
        try:
            keys = [self._box.open(s) or "" for s in sealed]
        except SecretError:
            keys = []
        if not any(k and signature_ok(k, body, header) for k in keys):
            log.warning("feed %s: WebSub delivery with a bad signature dropped", feed_id)
            return 202, stats
        fetched = _now()
        try:
            parsed = parse_feed(body, headers, feed.url)
        except FeedParseError as exc:
            log.info("feed %s: pushed document unreadable: %s", feed_id, exc)
            return 202, stats
        if self._ingestor is None:
            self._ingestor = Ingestor(self.app)
        stats = await self._ingestor.ingest(
            feed, parsed.items, source_kind=str(feed.kind), fetched_at=fetched
        )
        sub["last_push_at"] = fetched.isoformat()
        await self._save(feed, sub)
        await Feed.filter(id=feed_id).update(last_success_at=fetched)
        return 202, stats

    async def renew_due(self, now: datetime | None = None) -> int:
        """Subscribe again to every hub whose lease ends soon; the number asked."""
        now = now or _now()
        asked = 0
        for feed in await Feed.filter(enabled=True, kind=FeedKind.RSS):
            sub = (feed.state or {}).get("websub") or {}
            expires = _parse_time(sub.get("lease_expires_at"))
            if sub.get("status") != "active" or expires is None:
                continue
            margin = max(60.0, RENEW_MARGIN * float(sub.get("lease_s") or 0))
            margin = min(margin, float(sub.get("lease_s") or margin) / 2)
            if (expires - now).total_seconds() <= margin:
                await self.subscribe(feed, sub["hub"], sub["topic"])
                asked += 1
        return asked


class WebSubRenewer:
    """Worker component: renews leases before they end (checks every `every_s`)."""

    name = "websub-renewer"

    def __init__(self, app: Any, *, every_s: float = 30.0) -> None:
        self.app = app
        self.every_s = every_s
        self._faults = LoopFaults("WebSub renewal round", log)
        self.websub = WebSub(app)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="websub-renew")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _loop(self) -> None:
        while True:
            await self._faults.attempt(self.websub.renew_due())
            await asyncio.sleep(self.every_s)
