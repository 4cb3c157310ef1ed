"""The Telegram alert channel: python-telegram-bot's `Bot`, HTML parse mode, feedback buttons.

Everything from feeds is HTML-escaped (Telegram refuses a message with a stray `<` or `&`).
The channel throttles itself to Telegram's published limits (about 1 msg/s per chat, 30/s
overall, 20/min per group) so Telegram rarely has to answer 429; when it does, the dispatcher
pauses that chat for exactly `retry_after`.
"""

from __future__ import annotations

import html
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import aiohttp
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData

from core.alerts.feedback import vote_buttons
from core.alerts.render import AlertMessage, DigestMessage, not_their_site, truncate
from core.channels.base import Channel, Notice, Outcome, Throttle, stamp_send
from core.linkguard import SUSPICIOUS, LinkVerdict, defang

if TYPE_CHECKING:
    from core.models import Destination

log = logging.getLogger(__name__)

# BadRequest descriptions that mean the chat itself is gone for us (not a bad message)
PERMANENT_CHAT_ERRORS = (
    "chat not found",
    "bot was kicked",
    "bot was blocked",
    "user is deactivated",
    "not enough rights",
    "have no rights",
    "need administrator rights",
    "group chat was deactivated",
    "peer_id_invalid",
)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def render_alert(msg: AlertMessage) -> tuple[str, InlineKeyboardMarkup]:
    """Telegram HTML and the inline keyboard (source link + 👍/👎/not-a-TGE votes)."""
    lines = [f"<b>{_e(truncate(line, 300))}</b>" for line in msg.first_lines()]
    lines.append(f"<b>{_e(truncate(msg.title or '(untitled)', 400))}</b>")
    if msg.project_line():
        lines.append(_e(truncate(msg.project_line(), 400)))
    if msg.reason_line():
        lines.append(f"📅 {_e(truncate(msg.reason_line(), 300))}")
    elif msg.when():
        lines.append(f"📅 {_e(truncate(msg.when() or '', 100))}")
    lines.append(f"Confidence: {_e(msg.chance)}")
    if msg.source_label:
        lines.append(f"Source: {_e(truncate(msg.source_label, 200))}")
    lines.extend(_link_html(v, msg.companies) for v in msg.links[:8])
    rows: list[list[InlineKeyboardButton]] = []
    if msg.url_is_safe():  # a suspicious link is never a button
        rows.append([InlineKeyboardButton(truncate(msg.read_label, 60), url=msg.url)])
    rows.append(
        [
            InlineKeyboardButton(label, callback_data=data)
            for label, data in vote_buttons(msg.alert_id)
        ]
    )
    if msg.new_project and msg.can_add_project:  # only an admin's chats get this action
        label = truncate(f"➕ Add {msg.new_project_name or msg.new_project} to companies", 60)
        rows.append([InlineKeyboardButton(label, callback_data=f"np:{msg.alert_id}")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _link_html(verdict: LinkVerdict, companies: tuple[str, ...]) -> str:
    """✅/⚠️ links are links; a 🚫 one is defanged text in <code>, never clickable."""
    if verdict.verdict == SUSPICIOUS:
        return (
            f"{verdict.badge} <code>{_e(truncate(defang(verdict.url), 200))}</code> — "
            f"<b>{_e(not_their_site(verdict, companies))}</b> ({_e(truncate(verdict.reason, 200))})"
        )
    shown = _e(truncate(verdict.url, 80))
    return f'{verdict.badge} <a href="{html.escape(verdict.url, quote=True)}">{shown}</a>'


def render_digest(digest: DigestMessage, limit: int = 4000) -> str:
    n = digest.alert_count
    out = [f"<b>TGE digest: {n} alert{'s' if n != 1 else ''}</b> ({_e(digest.window_label)})"]
    for company, alerts in digest.groups:
        out.append(f"\n<b>{_e(truncate(company, 100))}</b>")
        for msg in alerts:
            title = _e(truncate(msg.title or "(untitled)", 200))
            if msg.url_is_safe():
                title = f'<a href="{html.escape(msg.url, quote=True)}">{title}</a>'
            flag = "🚫 " if any(v.suspicious for v in msg.links) else ""
            flag += "⚠️ warning: " if msg.kind == "warning" else ""
            out.append(f"• {flag}{title} — {_e(msg.chance)}")
    text = ""
    for line in out:  # cut between lines so no tag or entity is ever split
        if len(text) + len(line) + 2 > limit:
            text += "\n…"
            break
        text += ("\n" if text else "") + line
    return text


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's networking backend on one pooled aiohttp session.

    PTB's default HTTPXRequest spends several ms per request in httpx's connection pool
    (≈180 sends/s with 16 in flight to a local server, against ≈2000/s for aiohttp), which
    made it the ceiling of the whole outbox. Requests stay form-encoded exactly as PTB builds
    them (`RequestData.json_parameters`), so the wire format does not change.
    """

    def __init__(
        self, *, pool_size: int = 16, read_timeout: float = 15.0, connect_timeout: float = 10.0
    ) -> None:
        self.pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # a send's record in the shared log of sends is made as its bytes are written
            # (a record made before the client's write task ran was up to 70 ms early)
            stamping = aiohttp.TraceConfig()
            stamping.on_request_chunk_sent.append(_stamp_send)
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.pool_size),
                headers={"User-Agent": self.USER_AGENT},
                trace_configs=[stamping],
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        await self.initialize()
        assert self._session is not None
        read = read_timeout if isinstance(read_timeout, int | float) else self._read_timeout
        connect = (
            connect_timeout if isinstance(connect_timeout, int | float) else self._connect_timeout
        )
        data: Any = None
        if request_data is not None:
            files = request_data.multipart_data
            data = request_data.json_parameters
            if files:
                form = aiohttp.FormData(data)
                for name, part in files.items():
                    filename, content, *rest = part
                    form.add_field(
                        name, content, filename=filename, content_type=rest[0] if rest else None
                    )
                data = form
        timeout = aiohttp.ClientTimeout(sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as resp:
                return resp.status, await resp.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


async def _stamp_send(_session: Any, _context: Any, _params: Any) -> None:
    await stamp_send()


def _seconds(value: Any) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _refused(exc: TelegramError, chat: str, what: str) -> Outcome:
    """A send or an edit that Telegram refused (or never reached) as an outcome; one mapping
    for both, so they never disagree about an error. `what` names the request in the reason
    of a refusal of its content ("the message", "the edit"). The checks go from the most
    specific class (BadRequest is a NetworkError, every one a TelegramError)."""
    if isinstance(exc, RetryAfter):
        return Outcome.rate_limited(
            _seconds(getattr(exc, "_retry_after", None) or exc.retry_after),
            f"telegram:chat:{chat}",
            "telegram 429",
        )
    if isinstance(exc, ChatMigrated):
        return Outcome.moved(str(exc.new_chat_id))
    if isinstance(exc, Forbidden):
        return Outcome.rejected(f"telegram: {exc.message}")
    if isinstance(exc, BadRequest):
        low = exc.message.lower()
        if any(p in low for p in PERMANENT_CHAT_ERRORS):
            return Outcome.rejected(f"telegram: {exc.message}")
        return Outcome.failed(f"telegram refused {what}: {exc.message}")
    if isinstance(exc, InvalidToken):
        return Outcome.retry("telegram rejected the bot token (check TELEGRAM_BOT_TOKEN)")
    if isinstance(exc, NetworkError):
        return Outcome.retry(f"telegram network error: {exc.message}")
    return Outcome.retry(f"telegram error: {exc.message}")


class TelegramChannel(Channel):
    """Sends alerts with a `telegram.Bot` pointed at TELEGRAM_API_BASE."""

    kind: ClassVar[str] = "telegram"
    max_length: ClassVar[int] = 4096
    supports_digest: ClassVar[bool] = True
    stamps_on_write: ClassVar[bool] = True  # AiohttpRequest calls stamp_send
    # Telegram's published limits: ~1 msg/s per chat, 30/s overall, 20/min per group
    PER_CHAT: ClassVar[tuple[int, float]] = (1, 1.0)
    OVERALL: ClassVar[tuple[int, float]] = (30, 1.0)
    PER_GROUP: ClassVar[tuple[int, float]] = (20, 60.0)

    def __init__(
        self,
        token: str,
        api_base: str = "https://api.telegram.org",
        *,
        per_chat: tuple[int, float] = PER_CHAT,
        overall: tuple[int, float] = OVERALL,
        per_group: tuple[int, float] = PER_GROUP,
        pool_size: int = 16,
        max_wait_s: float = 1.5,
    ) -> None:
        if not token:
            raise ValueError("TELEGRAM_BOT_TOKEN is required for the Telegram channel")
        self._token = token
        self.api_base = api_base.rstrip("/")
        self.per_chat = per_chat
        self.overall = overall
        self.per_group = per_group
        self.pool_size = pool_size
        self.throttle = Throttle(max_wait_s)
        self.bot: Bot | None = None
        self._ready = False

    def __repr__(self) -> str:  # never show the token
        return f"TelegramChannel(api_base={self.api_base!r}, token='***')"

    async def start(self) -> None:
        if self.bot is None:
            request = AiohttpRequest(pool_size=self.pool_size)
            self.bot = Bot(
                self._token,
                base_url=f"{self.api_base}/bot",
                base_file_url=f"{self.api_base}/file/bot",
                request=request,
            )

    async def close(self) -> None:
        if self.bot is not None:
            try:
                await self.bot.shutdown()
            except Exception:
                log.debug("telegram bot shutdown failed", exc_info=True)
            self.bot = None
            self._ready = False

    def self_throttle(self, enabled: bool) -> bool:
        off = (0, 1.0)
        self.per_chat = self.PER_CHAT if enabled else off
        self.overall = self.OVERALL if enabled else off
        self.per_group = self.PER_GROUP if enabled else off
        fresh = getattr(self.throttle, "fresh", None)
        self.throttle = fresh() if fresh else Throttle(self.throttle.max_wait_s)
        return True

    def scopes(self, destination: Destination) -> tuple[str, ...]:
        return ("telegram", f"telegram:chat:{destination.address}")

    def _rules(self, chat: str) -> list[tuple[str, int, float]]:
        rules = [("all", *self.overall), (f"chat:{chat}", *self.per_chat)]
        if chat.startswith("-") or chat.startswith("@"):
            rules.append((f"group:{chat}", *self.per_group))
        return rules

    async def send(
        self, destination: Destination, message: AlertMessage | DigestMessage | Notice
    ) -> Outcome:
        await self.start()
        assert self.bot is not None
        chat = str(destination.address).strip()
        chat_id: int | str = int(chat) if chat.lstrip("-").isdecimal() else chat
        markup: InlineKeyboardMarkup | None = None
        if isinstance(message, AlertMessage):
            text, markup = render_alert(message)
        elif isinstance(message, DigestMessage):
            text = render_digest(message, self.max_length - 96)
        else:
            text = f"<b>{_e(message.title)}</b>\n{_e(truncate(message.text, 3500))}"
        return await self._throttled(chat, lambda: self._send_message(chat, chat_id, text, markup))

    async def _throttled(self, chat: str, request: Any) -> Outcome:
        """One request to `chat` (a send or an edit: Telegram counts both) under the
        per-chat, per-group and overall limits: getMe first if needed, then a slot in every
        limit, the request, and the chat's gate opening a period after it ended."""
        assert self.bot is not None
        try:
            if not self._ready:  # before taking a slot: getMe must not delay the send
                await self.bot.initialize()
                self._ready = True
        except RetryAfter as exc:
            return Outcome.rate_limited(
                _seconds(getattr(exc, "_retry_after", None) or exc.retry_after),
                "telegram",
                "telegram 429",
            )
        except InvalidToken:
            return Outcome.retry("telegram rejected the bot token (check TELEGRAM_BOT_TOKEN)")
        except TelegramError as exc:
            return Outcome.retry(f"telegram error: {exc.message}")
        rules = self._rules(chat)
        wait, key = await self.throttle.acquire(rules)
        if wait > 0:
            scope = "telegram" if key == "all" else f"telegram:chat:{chat}"
            return Outcome.rate_limited(wait, scope, f"self-throttled ({key})")
        try:
            return await request()
        finally:
            # the chat's next message may start a second after this one ended
            await self.throttle.release(rules)

    async def _send_message(
        self, chat: str, chat_id: int | str, text: str, markup: InlineKeyboardMarkup | None
    ) -> Outcome:
        assert self.bot is not None
        try:
            sent = await self.bot.send_message(
                chat_id=chat_id,
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except TelegramError as exc:
            return _refused(exc, chat, "the message")
        return Outcome.sent(sent.message_id)

    supports_edit = True

    async def edit(
        self, destination: Destination, external_id: str, message: AlertMessage
    ) -> Outcome:
        """editMessageText on the first message of an event (its timeline grew), under the
        same limits as a send. "message is not modified" is done (it already shows this);
        "message to edit not found" / "can't be edited" fail for good: edit it no more."""
        await self.start()
        assert self.bot is not None
        chat = str(destination.address).strip()
        chat_id: int | str = int(chat) if chat.lstrip("-").isdecimal() else chat
        if not str(external_id).isdecimal():
            return Outcome.failed("not a Telegram message id")
        text, markup = render_alert(message)
        return await self._throttled(
            chat, lambda: self._edit_message(chat, chat_id, int(external_id), text, markup)
        )

    async def _edit_message(
        self,
        chat: str,
        chat_id: int | str,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None,
    ) -> Outcome:
        assert self.bot is not None
        try:
            await self.bot.edit_message_text(
                chat_id=chat_id,
                message_id=message_id,
                text=text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except TelegramError as exc:
            if isinstance(exc, BadRequest) and "not modified" in exc.message.lower():
                return Outcome.sent(message_id)  # it shows this already: done
            return _refused(exc, chat, "the edit")
        return Outcome.sent(message_id)
