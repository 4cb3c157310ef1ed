"""The Discord alert channel: raw REST with aiohttp (bot channel messages or webhooks).

Every message is a rich embed and carries `allowed_mentions: {"parse": []}`, so an
`@everyone` in a headline pings nobody. Rate limits: per-route buckets learned from the
`X-RateLimit-*` headers are respected before sending; a 429 pauses the route (or the whole
bot when `global`) for its `retry_after`. Discord's global 50 requests/s is self-imposed,
shared by every route (a short wait is slept, a longer one deferred as rate_limited on the
"discord" scope). 403/404 (missing access, unknown channel or
webhook) are permanent and reject the destination.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import UTC
from typing import Any, ClassVar
from urllib.parse import urlsplit

import aiohttp

from bot.discord.markdown import escape, link, safe_url
from core.alerts.feedback import vote_buttons
from core.alerts.render import AlertMessage, DigestMessage, not_their_site, truncate
from core.channels.base import Channel, Notice, Outcome, Throttle
from core.errors import InvalidInput
from core.linkguard import SUSPICIOUS, LinkVerdict, defang
from core.models import Destination

log = logging.getLogger(__name__)

DISCORD_HOSTS = ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com")
WEBHOOK_PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/(\d{1,25})/([A-Za-z0-9_\-]{1,200})/?$")
CHANNEL_ID = re.compile(r"^\d{1,25}$")
# a user's DM, for notices only (never a stored destination): `user:<discord user id>`
DM_ADDRESS = re.compile(r"^user:(\d{1,25})$")
BAND_COLORS = {"high": 0xE74C3C, "medium": 0xF39C12, "low": 0x95A5A6}
NO_MENTIONS = {"parse": []}
# Discord's JSON error code for a message that no longer exists (deleted)
UNKNOWN_MESSAGE = 10008


def parse_address(address: str, api_base: str) -> tuple[str, str, str | None]:
    """('channel', id, None) or ('webhook', id, token); InvalidInput(field='address') otherwise.

    Webhook URLs must be on a Discord host (or, in tests, the configured API base); the
    request always goes to the configured base, never to a host taken from user input.
    """
    value = (address or "").strip()
    if CHANNEL_ID.match(value):
        return "channel", value, None
    try:
        parts = urlsplit(value)
    except ValueError:
        raise InvalidInput("not a Discord channel id or webhook URL", field="address") from None
    base = urlsplit(api_base)
    host_ok = parts.scheme == "https" and (parts.hostname or "") in DISCORD_HOSTS
    base_ok = (parts.scheme, parts.netloc) == (base.scheme, base.netloc)
    match = WEBHOOK_PATH.match(parts.path or "")
    if not (host_ok or base_ok) or not match or parts.username or parts.password:
        raise InvalidInput(
            "Discord webhook URL must look like https://discord.com/api/webhooks/<id>/<token>",
            field="address",
        )
    return "webhook", match.group(1), match.group(2)


def render_embed(msg: AlertMessage) -> dict[str, Any]:
    """The alert as one embed: title+link, confidence, companies, tokens, when, why."""
    lines = [f"**{escape(line)}**" for line in msg.first_lines()]
    if msg.project_line():
        lines.append(f"**{escape(msg.project_line())}**")
    # a known moment as Discord timestamps: each reader sees it in their own time zone
    when = (
        f"<t:{int(msg.event_at.timestamp())}:f> (<t:{int(msg.event_at.timestamp())}:R>)"
        if msg.event_at is not None
        else None
    )
    if msg.reason_line():
        lines.append(f"📅 {msg.reason_line(when) if when else escape(msg.reason_line())}")
    elif msg.when():
        lines.append(f"📅 {escape(msg.when() or '')}")
    embed: dict[str, Any] = {
        "title": truncate(escape(msg.title or "(untitled)"), 256),
        "description": truncate("\n".join(lines), 4000),
        "color": BAND_COLORS.get(msg.band, 0x95A5A6),
        "fields": [{"name": "Confidence", "value": msg.chance, "inline": True}],
    }
    url = safe_url(msg.url) if msg.url_is_safe() else None  # a suspicious link is never a link
    if url and len(url) <= 2000:
        embed["url"] = url
    if msg.links:
        lines = [_link_md(v, msg.companies) for v in msg.links[:8]]
        embed["fields"].append({"name": "Links", "value": _join_within(lines, 1024)})
    if msg.source_label:
        embed["footer"] = {"text": truncate(f"Source: {msg.source_label}", 2048)}
    if msg.created_at is not None:
        embed["timestamp"] = msg.created_at.astimezone(UTC).isoformat()
    return embed


def alert_components(msg: AlertMessage) -> list[dict[str, Any]]:
    """The same buttons as on Telegram: open the story (never a suspicious link), 👍, 👎,
    "not a TGE", and for a service admin's chats "add this project to companies"."""
    row: list[dict[str, Any]] = []
    url = safe_url(msg.url) if msg.url_is_safe() else None
    if url and len(url) <= 512:
        row.append({"type": 2, "style": 5, "label": truncate(msg.read_label, 80), "url": url})
    row += [
        {"type": 2, "style": 2, "label": label, "custom_id": data}
        for label, data in vote_buttons(msg.alert_id)
    ]
    rows = [{"type": 1, "components": row}]
    if msg.new_project and msg.can_add_project:
        label = truncate(f"➕ Add {msg.new_project_name or msg.new_project} to companies", 80)
        add = {"type": 2, "style": 1, "label": label, "custom_id": f"np:{msg.alert_id}"}
        rows.append({"type": 1, "components": [add]})
    return rows


def _link_md(verdict: LinkVerdict, companies: tuple[str, ...]) -> str:
    """✅/⚠️ as a masked link; 🚫 defanged in a code span, so Discord never makes it a link."""
    if verdict.verdict == SUSPICIOUS:
        shown = truncate(defang(verdict.url), 200).replace("`", "'")
        return f"{verdict.badge} `{shown}` — **{escape(not_their_site(verdict, companies))}**"
    host = urlsplit(verdict.url).hostname or verdict.url
    return f"{verdict.badge} {link(truncate(host, 80), verdict.url)}"


def _join_within(lines: list[str], limit: int) -> str:
    """Whole lines only (a cut markdown link would break the embed)."""
    out = ""
    for line in lines:
        if len(out) + len(line) + 1 > limit:
            break
        out += ("\n" if out else "") + line
    return out or truncate(lines[0], limit)


def render_digest(digest: DigestMessage) -> dict[str, Any]:
    n = digest.alert_count
    fields = []
    for company, alerts in digest.groups[:25]:
        lines = []
        for msg in alerts:
            short = truncate(msg.title or "(untitled)", 150)
            title = link(short, msg.url) if msg.url_is_safe() else escape(short)
            if any(v.suspicious for v in msg.links):
                title = f"🚫 {title}"
            lines.append(f"• {title} — {msg.chance}")
        fields.append({"name": escape(truncate(company, 200)), "value": _join_within(lines, 1024)})
    return {
        "title": f"TGE digest: {n} alert{'s' if n != 1 else ''}",
        "description": escape(digest.window_label),
        "fields": fields,
    }


def _reason(status: int, body: dict[str, Any], what: str) -> str:
    return f"discord {status}{what}: {str(body.get('message', ''))[:200]}"


def _outcome(status: int, body: dict[str, Any], what: str) -> Outcome:
    """A refused post or edit (not 2xx, not 429: `_call` handles those) as an outcome; one
    mapping for both, so a post and an edit never disagree about what a status means.
    `what` is said after the status in the reason (" on edit")."""
    reason = _reason(status, body, what)
    if status in (403, 404):
        return Outcome.rejected(reason)  # the channel or webhook is gone, or we may not post
    if status == 401:
        return Outcome.retry(f"{reason} (check DISCORD_BOT_TOKEN)")
    if status >= 500:
        return Outcome.retry(reason)
    return Outcome.failed(reason)


class DiscordChannel(Channel):
    """POSTs embeds to `{DISCORD_API_BASE}/api/v10/channels/{id}/messages` or a webhook."""

    kind: ClassVar[str] = "discord"
    max_length: ClassVar[int] = 2000
    supports_digest: ClassVar[bool] = True

    # Discord's global limit for a bot: 50 requests/s across every route
    GLOBAL_LIMIT: ClassVar[tuple[int, float]] = (50, 1.0)
    # and about 5 messages per 5 s into one channel or webhook
    PER_CHANNEL: ClassVar[tuple[int, float]] = (5, 5.0)

    def __init__(
        self,
        token: str,
        api_base: str = "https://discord.com",
        *,
        max_wait_s: float = 1.5,
        global_limit: tuple[int, float] = GLOBAL_LIMIT,
        per_channel: tuple[int, float] = PER_CHANNEL,
    ) -> None:
        self._token = token
        self.api_base = api_base.rstrip("/")
        self.max_wait_s = max_wait_s
        self.global_limit = global_limit
        self.per_channel = per_channel
        self.throttle = Throttle(max_wait_s)  # self-imposed, shared by all routes
        self._session: aiohttp.ClientSession | None = None
        self._blocked: dict[str, float] = {}  # route → monotonic time its bucket refills
        self._dm_channels: dict[str, str] = {}  # user id → their DM channel with the bot
        self._global_until = 0.0

    def __repr__(self) -> str:  # never show the token
        return f"DiscordChannel(api_base={self.api_base!r}, token='***')"

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=15),
                headers={"User-Agent": "DiscordBot (https://github.com/tge-monitor, 0.1)"},
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _route(self, destination: Destination) -> tuple[str, str, dict[str, str]]:
        """(route key, URL, headers) for a destination; raises InvalidInput when malformed."""
        kind, ident, token = parse_address(destination.address, self.api_base)
        api = f"{self.api_base}/api/v10"
        if kind == "channel":
            if not self._token:
                raise InvalidInput("DISCORD_BOT_TOKEN is not configured", field="token")
            return (
                f"channels/{ident}",
                f"{api}/channels/{ident}/messages",
                {"Authorization": f"Bot {self._token}"},
            )
        return f"webhooks/{ident}", f"{api}/webhooks/{ident}/{token}?wait=true", {}

    def self_throttle(self, enabled: bool) -> bool:
        self.global_limit = self.GLOBAL_LIMIT if enabled else (0, 1.0)
        self.per_channel = self.PER_CHANNEL if enabled else (0, 1.0)
        fresh = getattr(self.throttle, "fresh", None)
        self.throttle = fresh() if fresh else Throttle(self.max_wait_s)
        return True

    def scopes(self, destination: Destination) -> tuple[str, ...]:
        try:
            route = self._route(destination)[0]
        except InvalidInput:
            return ("discord",)
        return ("discord", f"discord:{route}")

    async def send(
        self, destination: Destination, message: AlertMessage | DigestMessage | Notice
    ) -> Outcome:
        await self.start()
        assert self._session is not None
        dm = DM_ADDRESS.match(destination.address or "")
        if dm is not None:
            channel_id = await self._dm_channel(dm.group(1))
            if channel_id is None:
                return Outcome.rejected("discord: cannot open a DM with that user")
            destination = Destination(kind=destination.kind, address=channel_id)
        try:
            route, url, headers = self._route(destination)
        except InvalidInput as exc:
            if exc.field == "token":
                return Outcome.retry(exc.message)
            return Outcome.rejected(exc.message)
        if isinstance(message, AlertMessage):
            embed = render_embed(message)
        elif isinstance(message, DigestMessage):
            embed = render_digest(message)
        else:
            embed = {"title": truncate(message.title, 256), "description": escape(message.text)}
        payload: dict[str, Any] = {"embeds": [embed], "allowed_mentions": NO_MENTIONS}
        if isinstance(message, AlertMessage) and route.startswith("channels/"):
            # buttons need the bot's own message (a plain webhook cannot carry them)
            payload["components"] = alert_components(message)

        answer = await self._call("POST", route, url, payload, headers)
        if isinstance(answer, Outcome):
            return answer
        status, body = answer
        if 200 <= status < 300:
            return Outcome.sent(body.get("id"))
        return _outcome(status, body, "")

    async def _call(
        self, method: str, route: str, url: str, payload: dict[str, Any], headers: dict[str, str]
    ) -> Outcome | tuple[int, dict[str, Any]]:
        """One request on `route` (a post or an edit: both count) within the route's learned
        bucket and the self-throttle (global, per channel); (status, body), or the Outcome
        of a wait too long to sleep, a 429 (the route or the whole bot paused for its
        retry_after) or a connection error."""
        assert self._session is not None
        now = time.monotonic()
        wait = max(self._global_until, self._blocked.get(route, 0.0)) - now
        if wait > self.max_wait_s:
            scope = "discord" if self._global_until - now >= wait else f"discord:{route}"
            return Outcome.rate_limited(wait, scope, "discord bucket empty")
        if wait > 0:
            await asyncio.sleep(wait)
        wait, key = await self.throttle.acquire(
            [("global", *self.global_limit), (f"route:{route}", *self.per_channel)]
        )
        if wait > 0:
            scope = "discord" if key == "global" else f"discord:{route}"
            return Outcome.rate_limited(wait, scope, f"self-throttled ({key})")
        try:
            async with self._session.request(method, url, json=payload, headers=headers) as resp:
                status = resp.status
                self._learn(route, resp.headers)
                try:
                    body = await resp.json(content_type=None)
                except ValueError:
                    body = None
                retry_header = resp.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as exc:
            return Outcome.retry(f"discord connection error: {type(exc).__name__}")
        body = body if isinstance(body, dict) else {}
        if status != 429:
            return status, body
        reason = f"discord 429: {str(body.get('message', ''))[:200]}"
        try:
            retry_after = float(body.get("retry_after") or retry_header or 1.0)
        except (TypeError, ValueError):
            retry_after = 1.0
        if body.get("global"):
            self._global_until = time.monotonic() + retry_after
            return Outcome.rate_limited(retry_after, "discord", reason)
        self._blocked[route] = time.monotonic() + retry_after
        return Outcome.rate_limited(retry_after, f"discord:{route}", reason)

    supports_edit = True

    async def edit(
        self, destination: Destination, external_id: str, message: AlertMessage
    ) -> Outcome:
        """PATCH the first message of an event (its timeline grew), by bot or webhook, on
        the channel's route: the same buckets and self-throttle as a post. Unknown Message
        (the message was deleted) fails for good: edit it no more."""
        await self.start()
        assert self._session is not None
        if not str(external_id).isdecimal():
            return Outcome.failed("not a Discord message id")
        try:
            route, url, headers = self._route(destination)
        except InvalidInput as exc:
            if exc.field == "token":
                return Outcome.retry(exc.message)
            return Outcome.rejected(exc.message)
        # .../channels/{id}/messages/{mid}, or .../webhooks/{id}/{token}/messages/{mid}
        base = url.split("?", 1)[0]
        url = (
            f"{base}/{external_id}"
            if route.startswith("channels/")
            else (f"{base}/messages/{external_id}")
        )
        payload = {"embeds": [render_embed(message)], "allowed_mentions": NO_MENTIONS}
        answer = await self._call("PATCH", route, url, payload, headers)
        if isinstance(answer, Outcome):
            return answer
        status, body = answer
        if 200 <= status < 300:
            return Outcome.sent(external_id)
        if status == 404 and body.get("code") == UNKNOWN_MESSAGE:
            return Outcome.failed(_reason(status, body, " on edit"))  # deleted: edit no more
        return _outcome(status, body, " on edit")

    async def _dm_channel(self, user_id: str) -> str | None:
        """The DM channel with a user (`POST /users/@me/channels`), remembered once opened."""
        if user_id in self._dm_channels:
            return self._dm_channels[user_id]
        if not self._token or self._session is None:
            return None
        url = f"{self.api_base}/api/v10/users/@me/channels"
        try:
            async with self._session.post(
                url,
                json={"recipient_id": user_id},
                headers={"Authorization": f"Bot {self._token}"},
            ) as resp:
                body = await resp.json(content_type=None) if resp.status == 200 else None
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return None
        channel_id = str(body.get("id", "")) if isinstance(body, dict) else ""
        if not CHANNEL_ID.match(channel_id):
            return None
        self._dm_channels[user_id] = channel_id
        return channel_id

    def _learn(self, route: str, headers: Any) -> None:
        """Remember an exhausted bucket so the next send on this route waits for its reset."""
        remaining = headers.get("X-RateLimit-Remaining")
        reset_after = headers.get("X-RateLimit-Reset-After")
        if remaining is None or reset_after is None:
            return
        try:
            if int(float(remaining)) <= 0:
                self._blocked[route] = time.monotonic() + float(reset_after)
            else:
                self._blocked.pop(route, None)
        except ValueError:
            return
