"""The WebSocket hub: alerts from the bus fanned out to clients whose filters match.

Each client has a bounded queue drained by its own writer task; fan-out never awaits a
client, so a client that stops reading fills only its own queue and is then dropped.
With Redis, `app.bus` is Redis pub/sub, so alerts from any worker reach every web process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import struct
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from core.errors import ServiceError, Unauthorized
from core.faults import LoopFaults
from core.models import APIKey, User
from core.runtime import App
from web.config import WebConfig
from web.keys import APP_KEY, AUTH_CACHE_KEY, CONFIG_KEY, HUB_KEY
from web.schema import array, number, obj, parse_json, string, validate
from web.security import Principal, client_ip, credentials_principal, request_principal

log = logging.getLogger(__name__)

FILTERS = obj({"confidence_threshold": number(0, 1), "companies": array(string(1, 128), 200)})
AUTH = obj({"token": string(1, 4096), "api_key": string(1, 256)})


def _dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, default=str, separators=(",", ":"))


def text_frame(text: str) -> bytes:
    """One unmasked server->client text frame (RFC 6455), built once per broadcast."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 65536:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


# a client whose socket buffer holds more than this gets no more writes (its queue fills)
WRITE_BUFFER_HIGH = 256 * 1024
# how soon frames held back from such a client are looked at again
RETRY_HELD_S = 0.01
# flushes are at least this far apart: a burst of alerts goes out as one write per client
# instead of one per alert (syscalls were most of the hub's cost); a lone alert still goes
# out on the next loop iteration, so this only delays frames that arrive in a burst
FLUSH_EVERY_S = 0.002

Filters = tuple[float, frozenset[str]]


class Client:
    """One socket: who it is, what it wants, and its bounded outbound queue.

    `pending` is the queue: frames not yet handed to the socket, at most the hub's
    `ws_queue_size`. The hub writes them all in one `transport.write` per flush.
    """

    __slots__ = (
        "close_code",
        "close_task",
        "closed",
        "companies",
        "flush_due",
        "ip",
        "pending",
        "principal",
        "subscribed",
        "threshold",
        "transport",
        "ws",
    )

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, ip: str) -> None:
        self.ws = ws
        self.transport = request.transport
        self.pending: list[bytes] = []
        self.flush_due = False
        self.principal: Principal | None = None
        self.subscribed = False
        self.threshold = 0.0
        self.companies: frozenset[str] = frozenset()
        self.closed = False
        self.close_code: tuple[int, str] | None = None  # set when the hub ends the session
        self.close_task: asyncio.Task[Any] | None = None
        self.ip = ip

    @property
    def filter_key(self) -> Filters:
        return (self.threshold, self.companies)

    def filters(self) -> dict[str, Any]:
        return {"confidence_threshold": self.threshold, "companies": sorted(self.companies)}


def _matches(filters: Filters, confidence: float, companies: frozenset[str]) -> bool:
    threshold, wanted = filters
    return confidence >= threshold and (not wanted or not wanted.isdisjoint(companies))


class WsHub:
    """All connected clients of this process, and the bus subscription feeding them.

    Fan-out does no per-client work beyond appending one shared, pre-encoded frame:
    subscribers are grouped by their filters (evaluated once per group per alert), and
    a flush (on the next loop iteration, at most every FLUSH_EVERY_S) writes each
    client's pending frames in a single `transport.write` - no task per client, no
    await on any client.
    """

    def __init__(
        self, app: App, config: WebConfig, *, on_alert: Callable[[], None] | None = None
    ) -> None:
        self.app = app
        self._on_alert = on_alert
        self.config = config
        self.clients: set[Client] = set()
        self._groups: dict[Filters, dict[Client, None]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._due: list[Client] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self._flush_when = 0.0
        self._last_flush = -FLUSH_EVERY_S
        self.delivered = 0
        self._closing: set[asyncio.Task[Any]] = set()
        # an outage of Redis (the bus) or the database (the re-check) is one warning and one
        # line when it ends, not a traceback a round
        self._bus_faults = LoopFaults("alert bus subscription", log)
        self._recheck_faults = LoopFaults("WebSocket credential re-check", log)

    @property
    def client_count(self) -> int:
        return len(self.clients)

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._pump(), name="ws-bus"),
            asyncio.create_task(self._heartbeat(), name="ws-heartbeat"),
            asyncio.create_task(self._recheck_loop(), name="ws-recheck"),
        ]
        for _ in range(3):  # let the bus subscription register before the first publish
            await asyncio.sleep(0)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        for client in list(self.clients):
            self._drop(client, reason=None)
            with contextlib.suppress(Exception):
                await client.ws.close(code=1001, message=b"server shutting down")
        for task in list(self._closing):
            with contextlib.suppress(Exception):
                await task

    async def _pump(self) -> None:
        """Fan out the bus's alerts; resubscribe `ws_resubscribe_s` after the subscription
        fails (Redis away: one warning, and one line when alerts flow again)."""
        while True:
            try:
                async for message in self.app.bus.subscribe("alerts"):
                    self._bus_faults.ok()
                    if isinstance(message, dict) and message.get("type") == "alert":
                        if self._on_alert is not None:
                            self._on_alert()
                        self.broadcast(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._bus_faults.failed(exc)
                await asyncio.sleep(self.config.ws_resubscribe_s)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.config.ws_heartbeat_s)
            text = text_frame(_dumps({"type": "heartbeat", "data": {"ts": time.time()}}))
            for client in list(self.clients):
                self.offer(client, text)

    # --- sessions end when their credentials do -----------------------------------------

    async def _recheck_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.ws_recheck_s)
            await self._recheck_faults.attempt(self.recheck())

    async def recheck(self) -> int:
        """Close sockets whose key was revoked or expired, whose user was disabled or
        logged out everywhere, or whose token expired; two queries for all clients.

        Runs every `ws_recheck_s`, so a revocation in any process reaches every socket
        within seconds. Returns how many were closed.
        """
        clients = [c for c in self.clients if c.principal is not None and not c.closed]
        if not clients:
            return 0
        user_ids = {c.principal.user.id for c in clients if c.principal}
        key_ids = {c.principal.api_key.id for c in clients if c.principal and c.principal.api_key}
        users = {
            row["id"]: row
            for row in await User.filter(id__in=user_ids).values("id", "is_active", "token_version")
        }
        keys = {}
        if key_ids:
            keys = {
                row["id"]: row
                for row in await APIKey.filter(id__in=key_ids).values(
                    "id", "revoked_at", "expires_at"
                )
            }
        now = datetime.now(UTC)
        closed = 0
        for client in clients:
            verdict = _session_verdict(client.principal, users, keys, now)
            if verdict is not None:
                closed += 1
                self.close_client(client, *verdict)
        return closed

    def recheck_soon(self) -> None:
        """After a revocation or logout here: re-check now rather than at the next tick."""
        task = asyncio.create_task(self.recheck())
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def close_client(self, client: Client, code: int, reason: str) -> None:
        """Stop the stream at once and close the socket with `code` (4401/4403/4429)."""
        if client.closed:
            return
        log.info("closing WebSocket of user %s: %s", _user_id(client), reason)
        error = {"code": "unauthorized" if code == 4401 else "forbidden", "message": reason}
        frame = text_frame(_dumps({"type": "error", "data": error}))
        transport = client.transport
        client.close_code = (code, reason)
        self._drop(client, reason=None)
        if transport is not None and not transport.is_closing():
            with contextlib.suppress(Exception):
                transport.write(frame)
        task: asyncio.Task[Any] = asyncio.create_task(_close(client.ws, code, reason))
        client.close_task = task
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    def user_clients(self, user_id: int) -> int:
        return sum(
            1 for c in self.clients if c.principal is not None and c.principal.user.id == user_id
        )

    # --- subscriptions ------------------------------------------------------------------

    def subscribe(
        self,
        client: Client,
        threshold: float | None = None,
        companies: frozenset[str] | None = None,
    ) -> None:
        """Start (or change) a client's alert stream; unchanged fields keep their value."""
        self._ungroup(client)
        if threshold is not None:
            client.threshold = threshold
        if companies is not None:
            client.companies = companies
        client.subscribed = True
        if not client.closed:
            self._groups.setdefault(client.filter_key, {})[client] = None

    def unsubscribe(self, client: Client) -> None:
        self._ungroup(client)
        client.subscribed = False
        client.threshold = 0.0
        client.companies = frozenset()

    def _ungroup(self, client: Client) -> None:
        if not client.subscribed:
            return
        key = client.filter_key
        group = self._groups.get(key)
        if group is not None:
            group.pop(client, None)
            if not group:
                del self._groups[key]

    # --- sending ------------------------------------------------------------------------

    def broadcast(self, message: dict[str, Any]) -> int:
        """Queue one alert to every matching client; returns how many got it."""
        data = message.get("data") or {}
        try:
            confidence = float(data.get("confidence") or 0.0)
        except (TypeError, ValueError):
            confidence = 0.0
        names = frozenset(str(n).lower() for n in data.get("companies") or ())
        frame = text_frame(_dumps(message))
        limit = self.config.ws_queue_size
        due = self._due
        sent = 0
        full: list[Client] = []
        for filters, group in self._groups.items():
            if not _matches(filters, confidence, names):
                continue
            for client in group:
                pending = client.pending
                if len(pending) >= limit:
                    full.append(client)
                    continue
                pending.append(frame)
                sent += 1
                if not client.flush_due:
                    client.flush_due = True
                    due.append(client)
        for client in full:  # dropped after the loop: dropping changes the groups
            self._drop(client, reason="send queue full")
        if due:
            self._schedule_flush()
        self.app.metrics.ws_messages.inc(sent)
        return sent

    def offer(self, client: Client, text: str | bytes) -> bool:
        """Queue without waiting; a full queue means the client is too slow: drop it."""
        if client.closed:
            return False
        if len(client.pending) >= self.config.ws_queue_size:
            self._drop(client, reason="send queue full")
            return False
        client.pending.append(text if isinstance(text, bytes) else text_frame(text))
        if not client.flush_due:
            client.flush_due = True
            self._due.append(client)
        self._schedule_flush()
        return True

    def send(self, client: Client, type_: str, data: Any) -> None:
        self.offer(client, _dumps({"type": type_, "data": data}))

    def error(self, client: Client, code: str, message: str, **details: Any) -> None:
        self.send(client, "error", {"code": code, "message": message, "details": details})

    def _schedule_flush(self, delay: float = 0.0) -> None:
        """Flush after `delay`, but never sooner than FLUSH_EVERY_S after the last one."""
        loop = asyncio.get_running_loop()
        when = max(loop.time() + delay, self._last_flush + FLUSH_EVERY_S)
        if self._flush_at is not None:
            if self._flush_when <= when:
                return
            self._flush_at.cancel()
        self._flush_when = when
        self._flush_at = loop.call_at(when, self._flush)

    def _flush(self) -> None:
        """Hand every due client's frames to its socket, one write each.

        Frames go straight to the transport: whole frames per write() never interleave
        with aiohttp's own control frames (pong, close). A client whose socket buffer is
        over WRITE_BUFFER_HIGH is not written to; its frames stay queued (so its queue
        fills and it is dropped) and it is looked at again after RETRY_HELD_S.
        """
        self._flush_at = None
        self._last_flush = asyncio.get_running_loop().time()
        due, self._due = self._due, []
        held: list[Client] = []
        delivered = 0
        for client in due:
            client.flush_due = False
            if client.closed or not client.pending:
                continue
            transport = client.transport
            if transport is None or transport.is_closing():
                self._drop(client, reason=None)
                continue
            if transport.get_write_buffer_size() > WRITE_BUFFER_HIGH:
                held.append(client)
                continue
            frames = client.pending
            try:
                transport.write(frames[0] if len(frames) == 1 else b"".join(frames))
            except (ConnectionError, RuntimeError):
                self._drop(client, reason=None)
                continue
            delivered += len(frames)
            frames.clear()
        self.delivered += delivered
        if held:
            for client in held:
                client.flush_due = True
            self._due.extend(held)
            self._schedule_flush(RETRY_HELD_S)

    def _drop(self, client: Client, *, reason: str | None) -> None:
        if client.closed:
            return
        self._ungroup(client)
        client.closed = True
        client.pending.clear()
        self.clients.discard(client)
        if reason is not None:
            self.app.metrics.ws_dropped.inc()
            log.info("dropping WebSocket client (%s)", reason)
            if client.transport is not None:
                client.transport.abort()

    def status(self, client: Client) -> dict[str, Any]:
        user = client.principal.user if client.principal else None
        return {
            "authenticated": user is not None,
            "user": {"id": user.id, "username": user.username} if user else None,
            "subscribed": client.subscribed,
            "filters": client.filters(),
        }

    def authenticate(self, client: Client, principal: Principal) -> None:
        cap = self.config.ws_max_per_user
        already = client.principal is not None and client.principal.user.id == principal.user.id
        if cap is not None and not already and self.user_clients(principal.user.id) >= cap:
            client.principal = principal
            self.close_client(client, 4429, f"too many WebSockets for this account (at most {cap})")
            return
        client.principal = principal
        self.clients.add(client)
        self.send(client, "status", self.status(client))

    async def handle(self, client: Client, raw: str) -> None:
        """One inbound text frame; every mistake is answered with an `error`, never a close."""
        key = client.principal.rate_key if client.principal else f"ip:{client.ip}"
        decision = await self.app.limiter.hit("websocket", key)
        if decision is not None and not decision.allowed:
            self.error(
                client,
                "rate_limited",
                "too many messages",
                retry_after=round(decision.retry_after_s, 3),
            )
            return
        try:
            message = parse_json(raw)
        except ValueError as exc:
            self.error(client, "invalid_json", f"message is not valid JSON: {exc}")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            self.error(client, "invalid", "message must be an object with a 'type'", field="type")
            return
        kind, data = message["type"], message.get("data")
        if data is None:
            data = {}
        try:
            await self._dispatch(client, kind, data)
        except ServiceError as exc:
            body = exc.to_dict()
            self.error(client, body["code"], body["message"], **body["details"])

    async def _dispatch(self, client: Client, kind: str, data: Any) -> None:
        if kind == "ping":
            self.send(client, "pong", data)
            return
        if kind == "auth":
            validate(data, AUTH, "data")
            token, api_key = data.get("token"), data.get("api_key")
            if token is None and api_key is None:
                raise Unauthorized("auth needs data.token or data.api_key")
            self.authenticate(
                client, await credentials_principal(self.app, token=token, api_key=api_key)
            )
            return
        if client.principal is None:
            raise Unauthorized('authenticate first: {"type":"auth","data":{"token":...}}')
        if kind == "subscribe":
            client.principal.require_scope("read")  # the stream is a read, like GET /alerts
            validate(data, FILTERS, "data")
            threshold = data.get("confidence_threshold")
            companies = data.get("companies")
            self.subscribe(
                client,
                None if threshold is None else float(threshold),
                None if companies is None else frozenset(c.strip().lower() for c in companies),
            )
            self.send(client, "status", self.status(client))
        elif kind == "unsubscribe":
            self.unsubscribe(client)
            self.send(client, "status", self.status(client))
        elif kind == "status":
            self.send(client, "status", self.status(client))
        else:
            self.error(client, "invalid", f"unknown message type {kind!r}", field="type")


def _user_id(client: Client) -> int | None:
    return client.principal.user.id if client.principal is not None else None


def _session_verdict(
    principal: Principal | None,
    users: dict[int, dict[str, Any]],
    keys: dict[int, dict[str, Any]],
    now: datetime,
) -> tuple[int, str] | None:
    """(close code, reason) when the socket's credentials no longer hold, else None."""
    if principal is None:
        return None
    user = users.get(principal.user.id)
    if user is None or not user["is_active"]:
        return 4403, "account disabled"
    key = principal.api_key
    if key is not None:
        row = keys.get(key.id)
        if row is None or row["revoked_at"] is not None:
            return 4401, "API key revoked"
        if row["expires_at"] is not None and row["expires_at"] <= now:
            return 4401, "API key expired"
        return None
    if user["token_version"] != principal.token_version:
        return 4401, "session ended (logged out or password changed)"
    if principal.token_expires_at is not None and principal.token_expires_at <= now:
        return 4401, "token expired"
    return None


async def _close(ws: web.WebSocketResponse, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(ws.close(code=code, message=reason.encode()[:120]), 2)


async def ws_handler(request: web.Request) -> web.WebSocketResponse:
    """GET /ws: upgrade, authenticate (header or first message), then serve messages."""
    hub = request.app[HUB_KEY]
    config = request.app[CONFIG_KEY]
    # bad header -> 401; the REST auth cache spares a reconnect storm one query per socket
    principal = await request_principal(request.app[APP_KEY], request, request.app[AUTH_CACHE_KEY])
    ws = web.WebSocketResponse(max_msg_size=config.ws_max_message_bytes)
    await ws.prepare(request)
    ip = client_ip(request)
    client = Client(ws, request, ip)
    if principal is not None:
        hub.authenticate(client, principal)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + config.ws_auth_timeout_s
    try:
        while not client.closed:
            timeout = None if client.principal else max(0.0, deadline - loop.time())
            try:
                msg = await ws.receive(timeout=timeout)
            except TimeoutError:
                log.info("closing unauthenticated WebSocket after %.1fs", config.ws_auth_timeout_s)
                hub._drop(client, reason=None)
                error = {"code": "unauthorized", "message": "authentication timed out"}
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(ws.send_str(_dumps({"type": "error", "data": error})), 1)
                await ws.close(code=4401, message=b"authentication timeout")
                break
            if msg.type == WSMsgType.TEXT:
                await hub.handle(client, msg.data)
            elif msg.type == WSMsgType.BINARY:
                hub.error(client, "invalid", "binary messages are not supported")
            elif msg.type == WSMsgType.ERROR:
                hub.error(client, "invalid", "message too large or malformed frame")
                break
            else:  # CLOSE, CLOSING, CLOSED
                break
    finally:
        hub._drop(client, reason=None)
        if client.close_task is not None:  # the hub is closing it with its own code
            with contextlib.suppress(Exception):
                await asyncio.shield(client.close_task)
    return ws


async def hub_ctx(webapp: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the hub lives exactly as long as the aiohttp application."""
    hub = webapp[HUB_KEY]
    await hub.start()
    yield
    await hub.stop()
