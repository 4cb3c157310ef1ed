"""A local WebSub hub (aiohttp on 127.0.0.1) that behaves as the W3C Recommendation says.

On a subscription request it answers 202, then verifies intent by GETting the callback with
hub.mode, hub.topic, hub.challenge and hub.lease_seconds (it may grant a shorter lease than
asked, as hubs do), and counts the subscription only if the challenge comes back. `publish`
POSTs a document to every verified subscriber of a topic with `X-Hub-Signature`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web


@dataclass
class Subscription:
    topic: str
    callback: str
    secret: str
    lease_s: int


class LocalHub:
    def __init__(self, *, grant_lease_s: int | None = None, deny: str | None = None) -> None:
        self.grant_lease_s = grant_lease_s
        self.deny = deny
        self.requests: list[dict[str, str]] = []
        self.verified: list[Subscription] = []
        self.failed_verifications: list[tuple[int, str]] = []
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hub", self._subscribe)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/hub"
        return self.url

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()

    async def _subscribe(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.requests.append(form)
        if not form.get("hub.callback") or not form.get("hub.topic"):
            return web.Response(status=400, text="hub.callback and hub.topic are required")
        task = asyncio.create_task(self._verify(form))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return web.Response(status=202)

    async def _verify(self, form: dict[str, str]) -> None:
        callback = form["hub.callback"]
        if self.deny:
            query = {"hub.mode": "denied", "hub.topic": form["hub.topic"], "hub.reason": self.deny}
            async with aiohttp.ClientSession() as session:
                await session.get(callback, params=query)
            return
        lease = int(form.get("hub.lease_seconds") or 86400)
        if self.grant_lease_s is not None:
            lease = min(lease, self.grant_lease_s)
        challenge = secrets.token_urlsafe(16)
        query = {
            "hub.mode": form["hub.mode"],
            "hub.topic": form["hub.topic"],
            "hub.challenge": challenge,
            "hub.lease_seconds": str(lease),
        }
        async with aiohttp.ClientSession() as session, session.get(callback, params=query) as r:
            text = await r.text()
            if r.status == 200 and text == challenge:
                self.verified = [s for s in self.verified if s.callback != callback]
                self.verified.append(
                    Subscription(form["hub.topic"], callback, form.get("hub.secret", ""), lease)
                )
            else:
                self.failed_verifications.append((r.status, text))

    async def publish(
        self, topic: str, body: bytes, *, algorithm: str = "sha256", forge: bool = False
    ) -> list[int]:
        """POST `body` to each verified subscriber of `topic`; their HTTP statuses."""
        statuses = []
        async with aiohttp.ClientSession() as session:
            for sub in [s for s in self.verified if s.topic == topic]:
                key = b"forged" if forge else sub.secret.encode()
                digest = hmac.new(key, body, getattr(hashlib, algorithm)).hexdigest()
                headers: dict[str, Any] = {
                    "Content-Type": "application/rss+xml",
                    "X-Hub-Signature": f"{algorithm}={digest}",
                }
                async with session.post(sub.callback, data=body, headers=headers) as r:
                    statuses.append(r.status)
        return statuses
