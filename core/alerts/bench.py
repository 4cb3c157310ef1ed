"""`tge-monitor bench delivery`: deliveries per second through the outbox to a fake Telegram.

Everything is real except Telegram: a throwaway SQLite database, the router writing Delivery
rows with each alert, the dispatcher claiming and recording them, python-telegram-bot sending
over HTTP to a tiny in-process Bot API stand-in on 127.0.0.1 (bench code cannot import the
test fakes). The channel's self-throttle (Telegram's 30 msg/s) is off: this measures our
pipeline, not Telegram's published limit.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from core.channels.base import Channel

log = logging.getLogger(__name__)

TOKEN = "100000:BENCH-token"


class _FastTelegram:
    """Just enough Bot API for sendMessage: answers at once, counts messages."""

    def __init__(self) -> None:
        self.sent = 0
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        await request.read()
        if method == "getMe":
            result: Any = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif method == "sendMessage":
            self.sent += 1
            result = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": 1, "type": "private"},
                "text": "",
            }
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def bench_delivery(
    make_channel: Callable[[str, str, int], Channel],
    *,
    destinations: int = 200,
    alerts: int = 10,
    concurrency: int = 16,
) -> dict[str, Any]:
    """Route `alerts` alerts to `destinations` Telegram chats each, then drain the outbox.

    `make_channel(token, api_base, pool_size)` builds the Telegram channel, unthrottled; the
    composition root passes it in because core never imports bot/.
    """
    from core.alerts.dispatcher import DispatchConfig, Dispatcher
    from core.config import Settings
    from core.models import Delivery, Destination, DestinationKind, Subscription, User
    from core.runtime import create_app

    quiet = [logging.getLogger(n) for n in ("core.alerts", "core.runtime", "core.db", "httpx")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.WARNING)
    fake = _FastTelegram()
    base = await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            {
                "DATA_DIR": str(Path(tmp) / "data"),
                "SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
                "APP_ENV": "test",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE": base,
            }
        )
        app = create_app(settings)
        await app.open()
        try:
            app.channels.register(make_channel(TOKEN, base, concurrency))
            owner = await User.create(username="bench")
            await Destination.bulk_create(
                [
                    Destination(owner=owner, kind=DestinationKind.TELEGRAM, address=str(10_000 + i))
                    for i in range(destinations)
                ]
            )
            dests = await Destination.filter(owner=owner).order_by("id")
            other = [await User.create(username=f"bench{i}") for i in range(len(dests))]
            await Subscription.bulk_create(
                [
                    Subscription(user=u, destination=d, min_confidence=0.0)
                    for u, d in zip(other, dests, strict=True)
                ]
            )
            started = time.perf_counter()
            for i in range(alerts):
                await app.alerts.create_manual(f"Bench TGE {i}", "", "https://bench.example/")
            routed_s = time.perf_counter() - started
            total = await Delivery.all().count()
            dispatcher = Dispatcher(
                app,
                DispatchConfig(batch_size=500, concurrency=concurrency, poll_interval_s=0.01),
            )
            started = time.perf_counter()
            while await Delivery.filter(status="pending").exists():
                await dispatcher.run_once()
            seconds = time.perf_counter() - started
            sent = await Delivery.filter(status="sent").count()
        finally:
            await app.stop()
            await fake.stop()
            for q, level in zip(quiet, levels, strict=True):
                q.setLevel(level)
    return {
        "deliveries": sent,
        "rows": total,
        "seconds": round(seconds, 3),
        "deliveries_per_s": round(sent / seconds, 1) if seconds else 0.0,
        "destinations": destinations,
        "alerts": alerts,
        "alert_create_ms": round(routed_s / max(alerts, 1) * 1000, 2),
        "fake_telegram_messages": fake.sent,
        "dialect": "sqlite",
        "throttled": False,
    }
