"""`tge-monitor bench delivery`: deliveries per second through the outbox to a fake Telegram.

Everything is real except Telegram: a scratch database (a SQLite temp file, or a new
database next to DATABASE_URL when that is PostgreSQL — never the operator's own data), the
router writing Delivery rows with each alert, the dispatcher claiming and recording them,
python-telegram-bot sending over HTTP to a tiny Bot API stand-in on 127.0.0.1. The stand-in
runs in a child process so it does not share the dispatcher's CPU (bench code cannot import
the test fakes).

Two runs: `self_throttle: false` measures our pipeline (the channel's own throttle to
Telegram's limits is off); the `with_telegram_limits` run turns it on and should come out at
about 30 deliveries/s, Telegram's global limit, which is the correct behaviour.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.channels.base import Channel

log = logging.getLogger(__name__)

TOKEN = "100000:BENCH-token"


def _fake_telegram_child(ports: Any, stop: Any, delay_s: float = 0.0) -> None:
    """Child process: just enough Bot API for sendMessage; counts, and records arrivals.

    Each sendMessage is recorded when it arrives (chat, alert id from its feedback button,
    wall clock: when Telegram counts it against the chat's limit) and answered `delay_s`
    later (a slow Telegram keeps sends in flight, as the real one does under load).
    """
    import json

    from aiohttp import web

    sent = 0
    ids = itertools.count(1)
    arrivals: list[tuple[str, int | None, float]] = []

    async def handle(request: web.Request) -> web.Response:
        nonlocal sent
        method = request.match_info["method"]
        form = await request.post()
        if method == "getMe":
            result: Any = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif method == "sendMessage":
            arrivals.append((str(form.get("chat_id")), _alert_of(form, json), time.time()))
            sent += 1
            if delay_s:
                await asyncio.sleep(delay_s)
            result = {
                "message_id": next(ids),
                "date": int(time.time()),
                "chat": {"id": 1, "type": "private"},
                "text": "",
            }
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        ports.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.to_thread(stop.wait)
        ports.put((sent, arrivals))
        await runner.cleanup()

    asyncio.run(main())


def _alert_of(form: Any, json: Any) -> int | None:
    """The alert id a message carries (its feedback button's callback data, `fb:<id>:…`)."""
    try:
        markup = json.loads(str(form.get("reply_markup") or "{}"))
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = str(button.get("callback_data") or "")
                if data.startswith("fb:"):
                    return int(data.split(":")[1])
    except (ValueError, AttributeError, TypeError):
        return None
    return None


class _FakeTelegramProcess:
    def __init__(self, delay_s: float = 0.0, target: Callable[..., None] | None = None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._queue = ctx.Queue()
        self._stop = ctx.Event()
        self._proc = ctx.Process(
            target=target or _fake_telegram_child,
            args=(self._queue, self._stop, delay_s),
            daemon=True,
        )
        self.sent = 0
        # (chat id, alert id, arrival wall clock) of every sendMessage, after stop()
        self.arrivals: list[tuple[str, int | None, float]] = []

    async def start(self) -> str:
        self._proc.start()
        port = await asyncio.to_thread(self._queue.get, True, 30)
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(Exception):
            self.sent, self.arrivals = await asyncio.to_thread(self._queue.get, True, 30)
        await asyncio.to_thread(self._proc.join, 10)


async def _scratch_database(base_url: str, tmp: str) -> tuple[str, Any]:
    """(database URL, cleanup coroutine factory) for a throwaway database."""
    from core import db

    if base_url.startswith(("postgres://", "postgresql://")):
        admin = base_url
        name = f"tge_bench_{uuid.uuid4().hex[:8]}"
        await db.recreate_postgres_db(admin, name)
        url = admin.rsplit("/", 1)[0] + f"/{name}"
        return url, lambda: db.drop_postgres_db(admin, name)

    async def nothing() -> None:
        return None

    return f"sqlite://{Path(tmp) / 'bench.db'}", nothing


async def _drain(dispatcher: Any) -> None:
    from core.models import Delivery

    while await Delivery.filter(status__in=("pending", "failed")).exists():
        if not await dispatcher.run_once():
            await asyncio.sleep(0.02)  # rows paused by the throttle: not due yet


async def _run(
    app: Any,
    channel: Channel,
    *,
    throttled: bool,
    destinations: int,
    alerts: int,
    concurrency: int,
    tag: str,
) -> dict[str, Any]:
    from core.alerts.dispatcher import DispatchConfig, Dispatcher
    from core.models import Delivery, Destination, DestinationKind, Subscription, User

    channel.self_throttle(throttled)
    await Delivery.all().delete()
    await Subscription.all().delete()  # only this run's destinations get its alerts
    owner = await User.create(username=f"bench-{tag}")
    await Destination.bulk_create(
        [
            Destination(
                owner=owner, kind=DestinationKind.TELEGRAM, address=f"{tag}{i}", verified=True
            )
            for i in range(destinations)
        ]
    )
    dests = await Destination.filter(owner=owner).order_by("id")
    users = [User(username=f"bench-{tag}-{i}") for i in range(len(dests))]
    await User.bulk_create(users)
    users = await User.filter(username__startswith=f"bench-{tag}-").order_by("id")
    await Subscription.bulk_create(
        [
            Subscription(user=u, destination=d, min_confidence=0.0)
            for u, d in zip(users, dests, strict=True)
        ]
    )
    app.alerts.router.invalidate()
    started = time.perf_counter()
    for i in range(alerts):
        await app.alerts.create_manual(f"Bench TGE {tag} {i}", "", "https://bench.example/")
    routed_s = time.perf_counter() - started
    total = await Delivery.all().count()
    dispatcher = Dispatcher(
        app, DispatchConfig(batch_size=1000, concurrency=concurrency, poll_interval_s=0.01)
    )
    started, cpu = time.perf_counter(), time.process_time()
    await _drain(dispatcher)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sent = await Delivery.filter(status="sent").count()
    return {
        "deliveries": sent,
        "rows": total,
        "seconds": round(seconds, 3),
        "deliveries_per_s": round(sent / seconds, 1) if seconds else 0.0,
        # CPU of this process (the fake Telegram runs in another): steadier than wall time
        # on a shared machine, and deliveries/s one core could do at most
        "cpu_ms_per_delivery": round(cpu / max(sent, 1) * 1000, 3),
        "deliveries_per_cpu_s": round(sent / cpu, 1) if cpu else 0.0,
        "destinations": destinations,
        "alerts": alerts,
        "alert_create_ms": round(routed_s / max(alerts, 1) * 1000, 2),
        "self_throttle": throttled,
    }


async def bench_delivery(
    make_channel: Callable[[str, str, int], Channel],
    *,
    destinations: int = 500,
    alerts: int = 10,
    concurrency: int = 64,
    throttled_destinations: int = 60,
    throttled_alerts: int = 5,
    database_url: str | None = None,
) -> dict[str, Any]:
    """Route alerts to Telegram chats, drain the outbox; unthrottled, then with the limits on.

    `make_channel(token, api_base, pool_size)` builds the Telegram channel (the composition
    root passes it in because core never imports bot/); the bench switches its self-throttle
    with `Channel.self_throttle`. The database is a scratch one next to `database_url`
    (default: the DATABASE_URL environment variable; SQLite in a temp dir when unset).
    """
    from core.config import Settings
    from core.runtime import create_app

    quiet = [logging.getLogger(n) for n in ("core.alerts", "core.runtime", "core.db", "httpx")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.WARNING)
    fake = _FakeTelegramProcess()
    base = await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        url, cleanup = await _scratch_database(
            database_url if database_url is not None else os.environ.get("DATABASE_URL", ""), tmp
        )
        settings = Settings.from_env(
            {
                "DATA_DIR": str(Path(tmp) / "data"),
                "DATABASE_URL": url,
                "SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
                "APP_ENV": "test",
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE": base,
            }
        )
        app = create_app(settings)
        await app.open()
        try:
            channel = make_channel(TOKEN, base, concurrency)
            app.channels.register(channel)
            result = await _run(
                app,
                channel,
                throttled=False,
                destinations=destinations,
                alerts=alerts,
                concurrency=concurrency,
                tag="1",
            )
            limited = await _run(
                app,
                channel,
                throttled=True,
                destinations=throttled_destinations,
                alerts=throttled_alerts,
                concurrency=concurrency,
                tag="-2",  # negative ids: groups, so the 20/min per group rule is in play too
            )
        finally:
            await app.stop()
            await cleanup()
            await fake.stop()
            for q, level in zip(quiet, levels, strict=True):
                q.setLevel(level)
    result.update(
        dialect=settings.db_dialect,
        concurrency=concurrency,
        fake_telegram_messages=fake.sent,
        with_telegram_limits=limited,
    )
    return result
