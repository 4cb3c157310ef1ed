"""A local stand-in for the exchanges' announcement APIs: one aiohttp server on 127.0.0.1.

It serves each exchange's documented path with a body (by default the documentation's own
response example from tests/data/exchanges), records every request's query and headers, can
answer the next request(s) with an error status or body, and runs Binance's announcement
WebSocket (`/sapi/wss`): it checks the signed query the way the documentation describes and
pushes whatever frames a test queues.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

DATA = Path(__file__).resolve().parent.parent / "data" / "exchanges"
PATHS = {
    "okx": "/api/v5/support/announcements",
    "bybit": "/v5/announcements/index",
    "kucoin": "/api/v3/announcements",
    "bitget": "/api/v2/public/annoucements",
}


def fixture(name: str) -> bytes:
    return (DATA / f"{name}_announcements.json").read_bytes()


@dataclass
class Canned:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class FakeExchanges:
    """`base` is the root every exchange's API base setting points at."""

    def __init__(self, *, api_key: str = "bench-key", api_secret: str = "bench-secret") -> None:
        self.bodies: dict[str, bytes] = {name: fixture(name) for name in PATHS}
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.next: dict[str, list[Canned]] = {name: [] for name in PATHS}
        self.api_key = api_key
        self.api_secret = api_secret
        self.frames: asyncio.Queue[str] = asyncio.Queue()
        self.ws_connects: list[dict[str, str]] = []
        self._runner: web.AppRunner | None = None
        self.base = ""

    def queued(self, exchange: str, status: int, body: Any, **headers: str) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.next[exchange].append(Canned(status, raw, headers))

    def requests_for(self, exchange: str) -> list[dict[str, str]]:
        return [q for path, q, _ in self.requests if path == PATHS[exchange]]

    async def start(self) -> str:
        app = web.Application()
        for name, path in PATHS.items():
            app.router.add_get(path, self._handler(name))
        app.router.add_get("/sapi/wss", self._ws)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self.base

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _handler(self, name: str) -> Any:
        async def handle(request: web.Request) -> web.Response:
            self.requests.append((request.path, dict(request.query), dict(request.headers)))
            if self.next[name]:
                canned = self.next[name].pop(0)
                return web.Response(
                    status=canned.status,
                    body=canned.body,
                    headers={"Content-Type": "application/json", **canned.headers},
                )
            return web.Response(body=self.bodies[name], content_type="application/json")

        return handle

    def signature_ok(self, query: dict[str, str]) -> bool:
        payload = "&".join(f"{k}={query[k]}" for k in sorted(query) if k != "signature")
        good = hmac.new(self.api_secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(good, query.get("signature", ""))

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        query = dict(request.query)
        self.ws_connects.append(query)
        if request.headers.get("X-MBX-APIKEY") != self.api_key or not self.signature_ok(query):
            return web.Response(status=401, text="invalid signature")
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        while not ws.closed:
            frame = await self.frames.get()
            if frame == "CLOSE":
                await ws.close()
                break
            await ws.send_str(frame)
        return ws
