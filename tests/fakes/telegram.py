# ruff: noqa: ASYNC109  (the fakes keep the `timeout=` keyword their callers use)
"""A fake Telegram Bot API server on 127.0.0.1 for python-telegram-bot (and raw aiohttp).

Requests arrive as `POST /bot<token>/<method>`, form-encoded with JSON inside the form for
non-string values (PTB), or as a JSON body. Replies are `{"ok": true, "result": ...}`; scripted
failures reply `{"ok": false, "error_code", "description", "parameters"}` like the real API.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

# form fields that are always plain strings, even when they look like JSON ("42", "true")
_STRING_FIELDS = frozenset(
    {"text", "caption", "description", "short_description", "callback_query_id", "url", "name"}
)


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: float | None
    migrate_to_chat_id: int | None
    times: int


class FakeTelegram:
    """`await fake.start()` returns the root URL; clients append `/bot<token>/<method>`."""

    BOT_ID = 777000111

    def __init__(self, bot_username: str = "tge_test_bot") -> None:
        self.bot_username = bot_username
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.tokens: set[str] = set()
        self.commands: list[dict[str, Any]] = []  # the default scope's menu
        self.menus: dict[str, list[dict[str, Any]]] = {}  # scope key → setMyCommands list
        self.chat_member_status: dict[tuple[int, int], str] = {}
        self.callback_answers: list[dict[str, Any]] = []
        self.edited: list[dict[str, Any]] = []
        self._sent: list[dict[str, Any]] = []
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.send_delay_s = 0.0  # a slow Telegram shows duplicates that a fast one hides
        self.sent_at: list[float] = []  # when each successful sendMessage arrived (wall clock)
        self.storm_until = 0.0  # until then (time.time()), every sendMessage is a 429
        # every sendMessage and editMessageText that reached us, whatever the answer:
        # (chat, method, arrival time.time()); Telegram counts both against a chat's limit
        self.chat_requests: list[tuple[str, str, float]] = []
        # what each message sent or edited here shows now: (chat, message id) -> (text, markup)
        self.shown: dict[tuple[str, int], tuple[Any, Any]] = {}
        self.deleted: set[tuple[str, int]] = set()  # messages a user deleted (delete_message)
        self.edit_refusals: list[tuple[dict[str, Any], str]] = []  # (params, description)
        self.storm_retry_after = 1
        self.storm_429s = 0

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # --- scripting --------------------------------------------------------------------

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.BOT_ID,
            "is_bot": True,
            "first_name": "TGE Monitor",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: float | None = None,
        migrate_to_chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail with this error."""
        self._failures[method].append(
            _Failure(status, description, retry_after, migrate_to_chat_id, times)
        )

    def delete_message(self, chat_id: int | str, message_id: int) -> None:
        """A user deleted the message: editing it is "message to edit not found" from now."""
        self.deleted.add((str(chat_id), int(message_id)))

    def sent(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Successful sendMessage parameters, optionally for one chat."""
        if chat_id is None:
            return list(self._sent)
        return [p for p in self._sent if str(p.get("chat_id")) == str(chat_id)]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    async def wait_for_sent(
        self, n: int, timeout: float = 5, *, chat_id: int | str | None = None
    ) -> list[dict[str, Any]]:
        """Wait until at least `n` messages were sent (to `chat_id` if given)."""
        deadline = time.monotonic() + timeout
        while len(self.sent(chat_id)) < n:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"expected {n} sent message(s), got {len(self.sent(chat_id))}: "
                    f"{[p.get('text') for p in self.sent(chat_id)]}"
                )
            await asyncio.sleep(0.01)
        return self.sent(chat_id)

    def _chat(self, chat_id: int, chat_type: str) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"user{chat_id}"
        else:
            chat["title"] = f"chat {chat_id}"
        return chat

    def _user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}

    async def _enqueue(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        self._updates.append(update)
        async with self._changed:
            self._changed.notify_all()
        return update_id

    async def push_command(
        self, chat_id: int, user_id: int, text: str, chat_type: str = "private"
    ) -> int:
        """Enqueue a message update; a leading `/word` gets its bot_command entity."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type),
            "from": self._user(user_id),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0]) if text.strip() else 1
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._enqueue({"message": message})

    async def push_my_chat_member(
        self,
        chat_id: int,
        user_id: int,
        old: str = "left",
        new: str = "member",
        chat_type: str = "supergroup",
    ) -> int:
        """Enqueue a my_chat_member update: someone changed the bot's status in a chat."""

        change = {
            "chat": self._chat(chat_id, chat_type),
            "from": self._user(user_id),
            "date": int(time.time()),
            "old_chat_member": self._member(old, self.bot_user),
            "new_chat_member": self._member(new, self.bot_user),
        }
        return await self._enqueue({"my_chat_member": change})

    async def push_callback(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int,
        *,
        reply_markup: dict[str, Any] | None = None,
        text: str = "alert",
    ) -> int:
        """Enqueue a callback_query update (an inline button press on `message_id`, whose
        keyboard is `reply_markup` as the bot sent it)."""
        chat_type = "private" if chat_id > 0 else "supergroup"
        query = {
            "id": str(next(self._message_ids)),
            "from": self._user(user_id),
            "chat_instance": str(chat_id),
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat(chat_id, chat_type),
                "from": self.bot_user,
                "text": text,
            },
        }
        if reply_markup:
            query["message"]["reply_markup"] = reply_markup
        return await self._enqueue({"callback_query": query})

    # --- request handling -------------------------------------------------------------

    @staticmethod
    def _decode(key: str, value: str) -> Any:
        if key in _STRING_FIELDS:
            return value
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        return value if isinstance(decoded, str) else decoded

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: self._decode(k, v) for k, v in request.query.items()}
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            params.update(body or {})
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = self._decode(key, value)
        return params

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.tokens.add(request.match_info["token"])
        params = await self._params(request)
        self.calls.append((method, params))
        failures = self._failures.get(method)
        if failures:
            failure = failures[0]
            failure.times -= 1
            if failure.times <= 0:
                failures.popleft()
            body: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            extra: dict[str, Any] = {}
            if failure.retry_after is not None:
                extra["retry_after"] = failure.retry_after
            if failure.migrate_to_chat_id is not None:
                extra["migrate_to_chat_id"] = failure.migrate_to_chat_id
            if extra:
                body["parameters"] = extra
            return web.json_response(body, status=failure.status)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return self._ok(True)
        return await handler(params)

    async def _m_getme(self, params: dict[str, Any]) -> web.Response:
        return self._ok(self.bot_user)

    @staticmethod
    def scope_key(scope: dict[str, Any] | None) -> str:
        """'default', 'all_private_chats', 'all_chat_administrators', 'chat:<id>', ..."""
        scope = scope or {"type": "default"}
        key = str(scope.get("type", "default"))
        if "chat_id" in scope:
            key += f":{scope['chat_id']}"
        if scope.get("type") == "chat":
            key = f"chat:{scope['chat_id']}"
        return key

    async def _m_setmycommands(self, params: dict[str, Any]) -> web.Response:
        key = self.scope_key(params.get("scope"))
        self.menus[key] = list(params.get("commands") or [])
        if key == "default":
            self.commands = self.menus[key]
        return self._ok(True)

    async def _m_getmycommands(self, params: dict[str, Any]) -> web.Response:
        return self._ok(self.menus.get(self.scope_key(params.get("scope")), []))

    async def _m_deletewebhook(self, params: dict[str, Any]) -> web.Response:
        return self._ok(True)

    async def _m_getupdates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        if offset:
            # confirmed updates are gone for good, as on the real server
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self._updates and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
        return self._ok(self._updates[:limit])

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        try:
            numeric = int(chat_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            numeric = 0
        chat_type = "private" if numeric > 0 else "supergroup"
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(numeric, chat_type),
            "from": self.bot_user,
            "text": params.get("text", ""),
        }

    async def _m_sendmessage(self, params: dict[str, Any]) -> web.Response:
        if time.time() < self.storm_until:
            self.storm_429s += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.storm_retry_after:g}",
                    "parameters": {"retry_after": self.storm_retry_after},
                },
                status=429,
            )
        arrived = time.time()  # when Telegram counts it against the chat's limit
        self.chat_requests.append((str(params.get("chat_id")), "sendMessage", arrived))
        if self.send_delay_s:
            await asyncio.sleep(self.send_delay_s)
        message = self._message(params)
        self._sent.append({**params, "message_id": message["message_id"]})
        self.sent_at.append(arrived)
        key = (str(params.get("chat_id")), message["message_id"])
        self.shown[key] = (params.get("text"), params.get("reply_markup"))
        return self._ok(message)

    def _refuse_edit(self, params: dict[str, Any], description: str) -> web.Response:
        self.edit_refusals.append((params, description))
        body = {"ok": False, "error_code": 400, "description": description}
        return web.json_response(body, status=400)

    async def _m_editmessagetext(self, params: dict[str, Any]) -> web.Response:
        """Like the Bot API: a deleted message is "not found"; a message sent here that
        would show exactly what it shows is "not modified" (nothing changes)."""
        chat, arrived = str(params.get("chat_id")), time.time()
        self.chat_requests.append((chat, "editMessageText", arrived))
        key = (chat, int(params.get("message_id") or 0))
        if key in self.deleted:
            return self._refuse_edit(params, "Bad Request: message to edit not found")
        wanted = (params.get("text"), params.get("reply_markup"))
        if self.shown.get(key) == wanted:
            return self._refuse_edit(
                params,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a content and reply markup of the "
                "current message",
            )
        if key in self.shown:
            self.shown[key] = wanted
        if self.send_delay_s:
            await asyncio.sleep(self.send_delay_s)
        self.edited.append({**params, "arrived": arrived})
        message = self._message(params)
        if "message_id" in params:
            message["message_id"] = int(params["message_id"])
        return self._ok(message)

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> web.Response:
        self.edited.append({**params, "method": "editMessageReplyMarkup"})
        message = self._message(params)
        message["message_id"] = int(params.get("message_id") or 0)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return self._ok(message)

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> web.Response:
        self.callback_answers.append(params)
        return self._ok(True)

    async def _m_sendchataction(self, params: dict[str, Any]) -> web.Response:
        return self._ok(True)

    async def _m_getchatmember(self, params: dict[str, Any]) -> web.Response:
        chat_id = int(params.get("chat_id", 0))
        user_id = int(params.get("user_id", 0))
        status = self.chat_member_status.get((chat_id, user_id), "member")
        return self._ok(self._member(status, self._user(user_id)))

    @staticmethod
    def _member(status: str, user: dict[str, Any]) -> dict[str, Any]:
        """A ChatMember of `status` with the fields python-telegram-bot requires for it."""
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    key: True
                    for key in (
                        "can_be_edited",
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                    )
                },
                is_anonymous=False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":  # e.g. the bot muted in a group
            member.update(
                {
                    key: False
                    for key in (
                        "can_change_info",
                        "can_invite_users",
                        "can_pin_messages",
                        "can_send_messages",
                        "can_send_polls",
                        "can_send_other_messages",
                        "can_add_web_page_previews",
                        "can_manage_topics",
                        "can_send_audios",
                        "can_send_documents",
                        "can_send_photos",
                        "can_send_videos",
                        "can_send_video_notes",
                        "can_send_voice_notes",
                        "can_edit_tag",
                        "can_react_to_messages",
                    )
                },
                is_member=True,
                until_date=0,
            )
        return member
