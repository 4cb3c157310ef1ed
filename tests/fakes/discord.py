# ruff: noqa: ASYNC109  (the fakes keep the `timeout=` keyword their callers use)
"""A fake Discord REST API (/api/v10) and gateway (/gateway) on 127.0.0.1 for discord.py.

JSON responses carry `Content-Type: application/json` exactly: discord.py reads anything
else (aiohttp's `; charset=utf-8`) as text. A scripted 429 carries a `Via` header, otherwise
discord.py takes it for a Cloudflare ban and does not retry.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

API = "/api/v10"
# the bot's permissions in a channel, as Discord sends them with each interaction
# (`app_permissions`): View Channel, Send Messages, Embed Links, Read Message History
VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS = 1 << 10, 1 << 11, 1 << 14
BOT_CHANNEL_PERMISSIONS = str(VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | 1 << 16)


@dataclass
class _Failure:
    path_contains: str
    status: int
    body: dict[str, Any]
    retry_after: float | None
    times: int


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class FakeDiscord:
    """`await fake.start()` returns the root URL; `fake.patch_client()` points discord.py here."""

    BOT_ID = 880000000000000001

    def __init__(self, application_id: int = 990000000000000001) -> None:
        self.application_id = application_id
        self.calls: list[tuple[str, str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.command_syncs: list[list[dict[str, Any]]] = []  # global syncs, in order
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}  # server id → its commands
        self.callbacks: dict[int, dict[str, Any]] = {}
        self.followups: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.channel_messages: list[dict[str, Any]] = []
        self.channel_edits: list[dict[str, Any]] = []  # PATCH /channels/{id}/messages/{mid}
        # the fault matrix's slow Discord: each post and edit to a channel takes this long,
        # when each arrived, what each channel message shows now, and the edits that changed
        # nothing (Discord accepts those: the same edit made twice)
        self.send_delay_s = 0.0
        self.chat_requests: list[tuple[str, str, float]] = []  # (channel, method, arrived)
        self.shown: dict[tuple[str, str], Any] = {}  # (channel, message id) -> its embeds
        self.repeated_edits: list[dict[str, Any]] = []
        self.webhook_messages: list[dict[str, Any]] = []
        self.dm_channels: dict[str, str] = {}  # user id → DM channel id (POST /users/@me/channels)
        self.identifies: list[dict[str, Any]] = []
        self.auth_headers: set[str] = set()
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self._seq = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.port = 0

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/bot", self._gateway_info)
        app.router.add_get(API + "/gateway", self._gateway_info)
        app.router.add_get(API + "/gateway/bot", self._gateway_info)
        app.router.add_route("*", API + "/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        return self.base_url

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=1000)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_base(self) -> str:
        return self.base_url + API

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextmanager
    def patch_client(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway here; restored on exit."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # --- scripting --------------------------------------------------------------------

    def fail_next(
        self,
        path_contains: str,
        status: int,
        body: dict[str, Any] | None = None,
        *,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests whose path contains `path_contains` fail."""
        payload = dict(body or {"message": f"HTTP {status}", "code": 0})
        if retry_after is not None:
            payload.setdefault("retry_after", retry_after)
            payload.setdefault("global", False)
        self._failures.append(_Failure(path_contains, status, payload, retry_after, times))

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": str(self.BOT_ID),
            "username": "tge-monitor",
            "discriminator": "0",
            "global_name": "TGE Monitor",
            "avatar": None,
            "bot": True,
            "flags": 0,
        }

    @staticmethod
    def user(user_id: int) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": f"user{user_id}",
            "discriminator": "0",
            "global_name": f"User {user_id}",
            "avatar": None,
        }

    def message(self, channel_id: int | str, payload: dict[str, Any]) -> dict[str, Any]:
        """A full message object as Discord returns it."""
        return {
            "id": str(next(self._ids)),
            "channel_id": str(channel_id),
            "type": 0,
            "content": payload.get("content") or "",
            "author": self.bot_user,
            "attachments": [],
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "flags": payload.get("flags") or 0,
        }

    async def wait_ready(self, timeout: float = 5) -> None:
        """Wait until a client has identified on the gateway."""
        await asyncio.wait_for(self._ready.wait(), timeout)

    async def wait_for_callback(self, interaction_id: int, timeout: float = 5) -> dict[str, Any]:
        """The callback body posted for an interaction (type 4 reply or 5 defer)."""
        deadline = time.monotonic() + timeout
        while interaction_id not in self.callbacks:
            if time.monotonic() > deadline:
                raise AssertionError(f"no callback for interaction {interaction_id}")
            await asyncio.sleep(0.01)
        return self.callbacks[interaction_id]

    async def wait_for_reply(self, interaction_id: int, timeout: float = 5) -> dict[str, Any]:
        """The visible reply: the type 4 callback data, or the follow-up after a defer."""
        deadline = time.monotonic() + timeout
        callback = await self.wait_for_callback(interaction_id, timeout)
        if callback.get("type") == 4:
            return dict(callback.get("data") or {})
        token = f"token-{interaction_id}"
        while True:
            for item in self.followups + self.edits:
                if item["token"] == token:
                    return item["body"]
            if time.monotonic() > deadline:
                raise AssertionError(f"no follow-up for interaction {interaction_id}")
            await asyncio.sleep(0.01)

    async def wait_for_channel_messages(
        self, n: int, timeout: float = 5, *, channel_id: int | str | None = None
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            found = [
                m
                for m in self.channel_messages
                if channel_id is None or str(m["channel_id"]) == str(channel_id)
            ]
            if len(found) >= n:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} channel message(s), got {len(found)}")
            await asyncio.sleep(0.01)

    def _in_server(
        self, guild_id: int | str, channel_id: int | str, user_id: int, permissions: str
    ) -> dict[str, Any]:
        """An interaction's channel and member fields when it comes from a server channel."""
        return {
            "channel": {
                "id": str(channel_id),
                "type": 0,
                "guild_id": str(guild_id),
                "name": f"channel-{channel_id}",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
            },
            "member": {
                "user": self.user(user_id),
                "roles": [],
                "joined_at": datetime.now(UTC).isoformat(),
                "permissions": permissions,
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
        }

    async def send_interaction(
        self,
        name: str,
        options: list[dict[str, Any]] | None = None,
        *,
        user_id: int,
        channel_id: int,
        guild_id: int | None = None,
        permissions: str = "0",
        interaction_type: int = 2,
        app_permissions: str = BOT_CHANNEL_PERMISSIONS,
    ) -> int:
        """Dispatch INTERACTION_CREATE (type 2 command, 4 autocomplete); returns its id."""
        if not self._sockets:
            await self.wait_ready()
        interaction_id = next(self._ids)
        data: dict[str, Any] = {
            "id": interaction_id,
            "application_id": str(self.application_id),
            "type": interaction_type,
            "token": f"token-{interaction_id}",
            "version": 1,
            "locale": "en-US",
            "attachment_size_limit": 8 * 1024 * 1024,
            "app_permissions": app_permissions,
            "entitlements": [],
            "authorizing_integration_owners": {},
            "data": {
                "id": str(self._command_id(name)),
                "name": name,
                "type": 1,
                "options": options or [],
            },
        }
        if guild_id is not None:
            if any(c.get("name") == name for c in self.guild_commands.get(str(guild_id), [])):
                data["data"]["guild_id"] = str(guild_id)  # as Discord marks a server's own
            data["guild_id"] = str(guild_id)
            data["context"] = 0
            data.update(self._in_server(guild_id, channel_id, user_id, permissions))
        else:
            data["context"] = 1
            data["channel"] = {
                "id": str(channel_id),
                "type": 1,
                "recipients": [self.user(user_id)],
            }
            data["user"] = self.user(user_id)
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    async def press(
        self,
        custom_id: str,
        message: dict[str, Any],
        *,
        user_id: int,
        channel_id: int,
        guild_id: int | None = None,
        permissions: str = "0",
        ephemeral: bool = False,
    ) -> int:
        """Dispatch a button press (INTERACTION_CREATE type 3) on `message`, a message as
        the bot posted it (its `components` included); returns the interaction id."""
        if not self._sockets:
            await self.wait_ready()
        interaction_id = next(self._ids)
        posted = self.message(channel_id, {**message, "flags": 64 if ephemeral else 0})
        posted["id"] = str(message.get("id") or posted["id"])
        data: dict[str, Any] = {
            "id": interaction_id,
            "application_id": str(self.application_id),
            "type": 3,
            "token": f"token-{interaction_id}",
            "version": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
            "app_permissions": BOT_CHANNEL_PERMISSIONS,
            "data": {"custom_id": custom_id, "component_type": 2},
            "message": posted,
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
            data.update(self._in_server(guild_id, channel_id, user_id, permissions))
        else:
            data["channel"] = {"id": str(channel_id), "type": 1, "recipients": [self.user(user_id)]}
            data["user"] = self.user(user_id)
        await self.dispatch("INTERACTION_CREATE", data)
        return interaction_id

    async def wait_for_followup(self, interaction_id: int, timeout: float = 5) -> dict[str, Any]:
        """The first follow-up message posted for an interaction (after its callback)."""
        deadline = time.monotonic() + timeout
        token = f"token-{interaction_id}"
        while True:
            for item in self.followups:
                if item["token"] == token:
                    return item["body"]
            if time.monotonic() > deadline:
                raise AssertionError(f"no follow-up for interaction {interaction_id}")
            await asyncio.sleep(0.01)

    def _command_id(self, name: str) -> int:
        for command in [*self.commands, *(c for cs in self.guild_commands.values() for c in cs)]:
            if command.get("name") == name:
                return int(command["id"])
        return 1

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH event to every connected gateway client."""
        frame = json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": data})
        for ws in list(self._sockets):
            if not ws.closed:
                await ws.send_str(frame)

    # --- gateway ----------------------------------------------------------------------

    async def _gateway_info(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        try:
            await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op = payload.get("op")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    self.identifies.append(payload.get("d") or {})
                    ready = {
                        "v": 10,
                        "user": self.bot_user,
                        "guilds": [],
                        "session_id": f"session-{len(self.identifies)}",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": str(self.application_id), "flags": 0},
                        "private_channels": [],
                        "relationships": [],
                    }
                    await ws.send_str(
                        json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready})
                    )
                    self._ready.set()
                elif op == 6:
                    await ws.send_str(
                        json.dumps({"op": 0, "t": "RESUMED", "s": next(self._seq), "d": {}})
                    )
                    self._ready.set()
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
        return ws

    # --- REST -------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif request.content_type.startswith("multipart/"):
                body = await self._multipart_json(request, raw)
        if auth := request.headers.get("Authorization"):
            self.auth_headers.add(auth)
        self.calls.append((request.method, path, body))
        for failure in self._failures:
            if failure.path_contains in path:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                headers: dict[str, str] = {}
                if failure.status == 429:
                    headers = {
                        "Via": "1.1 google",
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": str(failure.retry_after or 0.1),
                        "X-RateLimit-Bucket": "fake-bucket",
                        "X-RateLimit-Scope": "user",
                        "Retry-After": str(failure.retry_after or 0.1),
                    }
                return _json(failure.body, failure.status, headers)
        return await self._route(request.method, path, body or {}, request)

    @staticmethod
    async def _multipart_json(request: web.Request, raw: bytes) -> Any:
        match = re.search(rb'name="payload_json"\r\n(?:[^\r\n]*\r\n)*?\r\n(.*?)\r\n--', raw, re.S)
        return json.loads(match.group(1)) if match else None

    async def _route(
        self, method: str, path: str, body: dict[str, Any], request: web.Request
    ) -> web.Response:
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/users/@me":
            return _json(self.bot_user)
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": str(self.application_id),
                    "name": "TGE Monitor",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "0" * 64,
                    "owner": self.user(1),
                    "flags": 0,
                }
            )
        if method == "POST" and path == "/users/@me/channels":
            user_id = str(body.get("recipient_id", ""))
            channel_id = self.dm_channels.setdefault(user_id, str(next(self._ids)))
            return _json({"id": channel_id, "type": 1, "recipients": [self.user(int(user_id))]})
        if parts[0] == "applications" and parts[-1] == "commands":
            if method == "PUT":
                echoed = []
                for command in body if isinstance(body, list) else []:
                    echoed.append(
                        {
                            **command,
                            "id": str(next(self._ids)),
                            "application_id": parts[1],
                            "version": str(next(self._ids)),
                            "type": command.get("type", 1),
                            "default_member_permissions": command.get("default_member_permissions"),
                            "dm_permission": command.get("dm_permission", True),
                            "nsfw": command.get("nsfw", False),
                        }
                    )
                if len(parts) == 5 and parts[2] == "guilds":  # one server's own commands
                    self.guild_commands[parts[3]] = echoed
                    return _json(echoed)
                self.commands = echoed
                self.command_syncs.append(echoed)
                return _json(echoed)
            if len(parts) == 5 and parts[2] == "guilds":
                return _json(self.guild_commands.get(parts[3], []))
            return _json(self.commands)
        if parts[0] == "interactions" and parts[-1] == "callback":
            interaction_id = int(parts[1])
            self.callbacks[interaction_id] = body
            data = body.get("data") or {}
            return _json(
                {
                    "interaction": {
                        "id": str(interaction_id),
                        "type": 2,
                        "response_message_id": str(next(self._ids)),
                        "response_message_loading": body.get("type") == 5,
                        "response_message_ephemeral": bool((data.get("flags") or 0) & 64),
                    }
                }
            )
        if parts[0] == "webhooks" and len(parts) >= 3:
            token = parts[2]
            if len(parts) == 3 and method == "POST":
                record = {"webhook_id": parts[1], "token": token, "body": body}
                if parts[1] == str(self.application_id):
                    self.followups.append(record)
                else:
                    self.webhook_messages.append(record)
                if request.query.get("wait") in ("true", "1", "True"):
                    return _json(self.message(0, body))
                return web.Response(status=204)
            if method == "PATCH":
                self.edits.append({"webhook_id": parts[1], "token": token, "body": body})
                return _json(self.message(0, body))
            if method == "GET" and len(parts) == 3:
                return _json({"id": parts[1], "type": 1, "token": token, "name": "hook"})
            if method == "DELETE":
                return web.Response(status=204)
        if parts[0] == "channels" and len(parts) >= 2:
            channel_id = parts[1]
            if method == "GET" and len(parts) == 2:
                return _json(
                    {
                        "id": channel_id,
                        "type": 0,
                        "guild_id": "1",
                        "name": f"channel-{channel_id}",
                        "position": 0,
                        "permission_overwrites": [],
                    }
                )
            if method == "POST" and len(parts) == 3 and parts[2] == "messages":
                arrived = time.time()
                self.chat_requests.append((channel_id, "POST", arrived))
                if self.send_delay_s:
                    await asyncio.sleep(self.send_delay_s)
                message = self.message(channel_id, body)
                self.channel_messages.append(
                    {**body, "channel_id": channel_id, "id": message["id"]}
                )
                self.shown[channel_id, message["id"]] = body.get("embeds")
                return _json(message)
            if method == "PATCH" and len(parts) == 4 and parts[2] == "messages":
                arrived, key = time.time(), (channel_id, parts[3])
                self.chat_requests.append((channel_id, "PATCH", arrived))
                if key in self.shown and self.shown[key] == body.get("embeds"):
                    self.repeated_edits.append({**body, "channel_id": channel_id, "id": parts[3]})
                elif key in self.shown:
                    self.shown[key] = body.get("embeds")
                if self.send_delay_s:
                    await asyncio.sleep(self.send_delay_s)
                self.channel_edits.append(
                    {**body, "channel_id": channel_id, "id": parts[3], "arrived": arrived}
                )
                return _json(self.message(channel_id, body))
            if method == "POST" and parts[-1] == "typing":
                return web.Response(status=204)
        return _json({"message": "404: Not Found", "code": 0}, 404)
