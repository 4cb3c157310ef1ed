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
from typing import Any

from aiohttp import WSMsgType, web

from core.errors import ServiceError, Unauthorized
from core.runtime import App
from web.config import WebConfig
from web.keys import APP_KEY, CONFIG_KEY, HUB_KEY
from web.schema import array, number, obj, string, validate
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


# a client whose socket buffer holds more than this is waited on (its queue then fills)
WRITE_BUFFER_HIGH = 256 * 1024


class Client:
    """One socket: who it is, what it wants, and its bounded outbound queue."""

    __slots__ = (
        "closed",
        "companies",
        "ip",
        "principal",
        "queue",
        "subscribed",
        "threshold",
        "transport",
        "writer",
        "ws",
    )

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, size: int, ip: str):
        self.ws = ws
        self.transport = request.transport
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(size)
        self.principal: Principal | None = None
        self.subscribed = False
        self.threshold = 0.0
        self.companies: frozenset[str] = frozenset()
        self.closed = False
        self.ip = ip
        self.writer: asyncio.Task[None] | None = None

    def matches(self, confidence: float, companies: frozenset[str]) -> bool:
        if not self.subscribed or confidence < self.threshold:
            return False
        return not self.companies or not self.companies.isdisjoint(companies)

    def filters(self) -> dict[str, Any]:
        return {"confidence_threshold": self.threshold, "companies": sorted(self.companies)}


class WsHub:
    """All connected clients of this process, and the bus subscription feeding them."""

    def __init__(
        self, app: App, config: WebConfig, *, on_alert: Callable[[], None] | None = None
    ) -> None:
        self.app = app
        self._on_alert = on_alert
        self.config = config
        self.clients: set[Client] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self.delivered = 0

    @property
    def client_count(self) -> int:
        return len(self.clients)

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._pump(), name="ws-bus"),
            asyncio.create_task(self._heartbeat(), name="ws-heartbeat"),
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
        for client in list(self.clients):
            self._drop(client, reason=None)
            with contextlib.suppress(Exception):
                await client.ws.close(code=1001, message=b"server shutting down")

    async def _pump(self) -> None:
        while True:
            try:
                async for message in self.app.bus.subscribe("alerts"):
                    if isinstance(message, dict) and message.get("type") == "alert":
                        if self._on_alert is not None:
                            self._on_alert()
                        self.broadcast(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("alert bus subscription failed; resubscribing")
                await asyncio.sleep(1)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.config.ws_heartbeat_s)
            text = text_frame(_dumps({"type": "heartbeat", "data": {"ts": time.time()}}))
            for client in list(self.clients):
                self.offer(client, text)

    def broadcast(self, message: dict[str, Any]) -> int:
        """Queue one alert to every matching client; returns how many got it."""
        data = message.get("data") or {}
        try:
            confidence = float(data.get("confidence") or 0.0)
        except (TypeError, ValueError):
            confidence = 0.0
        names = frozenset(str(n).lower() for n in data.get("companies") or ())
        frame = text_frame(_dumps(message))
        sent = 0
        for client in list(self.clients):
            if client.matches(confidence, names) and self.offer(client, frame):
                sent += 1
        self.app.metrics.ws_messages.inc(sent)
        return sent

    def offer(self, client: Client, text: str | bytes) -> bool:
        """Queue without waiting; a full queue means the client is too slow: drop it."""
        if client.closed:
            return False
        try:
            client.queue.put_nowait(text if isinstance(text, bytes) else text_frame(text))
        except asyncio.QueueFull:
            self._drop(client, reason="send queue full")
            return False
        return True

    def send(self, client: Client, type_: str, data: Any) -> None:
        self.offer(client, _dumps({"type": type_, "data": data}))

    def error(self, client: Client, code: str, message: str, **details: Any) -> None:
        self.send(client, "error", {"code": code, "message": message, "details": details})

    def _drop(self, client: Client, *, reason: str | None) -> None:
        if client.closed:
            return
        client.closed = True
        self.clients.discard(client)
        if client.writer is not None:
            client.writer.cancel()
        if reason is not None:
            self.app.metrics.ws_dropped.inc()
            log.info("dropping WebSocket client (%s)", reason)
            if client.transport is not None:
                client.transport.abort()

    async def _write(self, client: Client) -> None:
        """Drain the queue into the socket, many frames per write (one syscall, not N).

        Frames go straight to the transport: whole frames per write() never interleave
        with aiohttp's own control frames (pong, close).
        """
        queue, transport = client.queue, client.transport
        try:
            while True:
                frames = [await queue.get()]
                while not queue.empty():
                    frames.append(queue.get_nowait())
                if transport is None or transport.is_closing():
                    break
                transport.write(b"".join(frames))
                self.delivered += len(frames)
                # a reader that does not keep up: wait here, so its own queue fills
                while transport.get_write_buffer_size() > WRITE_BUFFER_HIGH:
                    if transport.is_closing():
                        return
                    await asyncio.sleep(0.01)
        except (ConnectionError, RuntimeError):
            pass
        self._drop(client, reason=None)

    def status(self, client: Client) -> dict[str, Any]:
        user = client.principal.user if client.principal else None
        return {
            "authenticated": user is not None,
            "user": {"id": user.id, "username": user.username} if user else None,
            "subscribed": client.subscribed,
            "filters": client.filters(),
        }

    def authenticate(self, client: Client, principal: Principal) -> None:
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
            message = json.loads(raw)
        except ValueError:
            self.error(client, "invalid_json", "message is not valid JSON")
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
            validate(data, FILTERS, "data")
            if "confidence_threshold" in data:
                client.threshold = float(data["confidence_threshold"])
            if "companies" in data:
                client.companies = frozenset(c.strip().lower() for c in data["companies"])
            client.subscribed = True
            self.send(client, "status", self.status(client))
        elif kind == "unsubscribe":
            client.subscribed = False
            client.threshold = 0.0
            client.companies = frozenset()
            self.send(client, "status", self.status(client))
        elif kind == "status":
            self.send(client, "status", self.status(client))
        else:
            self.error(client, "invalid", f"unknown message type {kind!r}", field="type")


async def ws_handler(request: web.Request) -> web.WebSocketResponse:
    """GET /ws: upgrade, authenticate (header or first message), then serve messages."""
    hub = request.app[HUB_KEY]
    config = request.app[CONFIG_KEY]
    principal = await request_principal(request.app[APP_KEY], request)  # bad header -> 401
    ws = web.WebSocketResponse(max_msg_size=config.ws_max_message_bytes)
    await ws.prepare(request)
    ip = client_ip(request, config.trust_forwarded_for)
    client = Client(ws, request, config.ws_queue_size, ip)
    client.writer = asyncio.create_task(hub._write(client))
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
    return ws


async def hub_ctx(webapp: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the hub lives exactly as long as the aiohttp application."""
    hub = webapp[HUB_KEY]
    await hub.start()
    yield
    await hub.stop()
