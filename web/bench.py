"""`tge-monitor bench api|ws`: load against a local server built by the same factory.

The server runs in this process; the load generator runs in a child process, so the two
do not share one event loop (or one core) and the numbers describe the server.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from aiohttp import web

from core.config import Settings
from core.ratelimit import Limit
from core.runtime import App, create_app
from web.app import create_web_app
from web.config import WebConfig
from web.keys import HUB_KEY

log = logging.getLogger(__name__)

BENCH_CONFIG = WebConfig(access_log=False, ws_queue_size=4096, ws_heartbeat_s=3600)


# --- the database to bench against ---------------------------------------------------


async def _scratch_postgres(url: str) -> tuple[str, str]:
    """A fresh database next to DATABASE_URL's (never the operator's own data)."""
    import asyncpg

    name = f"tge_bench_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql"))
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return urlunsplit(parts._replace(path=f"/{name}")), admin


async def _drop_postgres(admin: str, url: str) -> None:
    import asyncpg

    name = urlsplit(url).path.lstrip("/")
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class BenchApp:
    """An App on a scratch database (SQLite temp file or a new PostgreSQL database)."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings
        self.tmp = tempfile.TemporaryDirectory(prefix="tge-bench-")
        self.pg_admin: str | None = None
        self.app: App | None = None

    async def __aenter__(self) -> App:
        settings = replace(self.base, data_dir=Path(self.tmp.name), admin_username="")
        if self.base.db_dialect == "postgres":
            url, self.pg_admin = await _scratch_postgres(self.base.database_url)
            settings = replace(settings, database_url=url)
        else:
            settings = replace(settings, database_url=f"sqlite://{self.tmp.name}/bench.db")
        self.app = create_app(settings)
        self.app.accounts._rounds = 4
        await self.app.open()
        for name in ("general", "alerts", "websocket", "ip"):
            self.app.limiter.set_limit(name, Limit(10**9, 3600, "fixed"))
        return self.app

    async def __aexit__(self, *exc: object) -> None:
        if self.app is not None:
            await self.app.stop()
        if self.pg_admin is not None:
            await _drop_postgres(self.pg_admin, self.app.settings.database_url)
        self.tmp.cleanup()


async def _serve(app: App) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(create_web_app(app, BENCH_CONFIG), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, port


def _child(target: Any, args: tuple[Any, ...]) -> Any:
    """Run `target(*args)` in a spawned process and return what it puts on the queue."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(queue, *args), daemon=True)
    proc.start()
    return proc, queue


async def _await_child(proc: Any, queue: Any, within_s: float) -> Any:
    result = await asyncio.to_thread(queue.get, True, within_s)
    await asyncio.to_thread(proc.join, 10)
    return result


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- bench api -----------------------------------------------------------------------


def _api_load(queue: Any, url: str, token: str, connections: int, duration_s: float) -> None:
    queue.put(asyncio.run(_api_clients(url, token, connections, duration_s)))


async def _api_clients(url: str, token: str, connections: int, duration_s: float) -> dict:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def one(stop_at: float, record: bool) -> None:
            nonlocal errors
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                async with session.get(url) as resp:
                    await resp.read()
                    if resp.status != 200:
                        errors += 1
                if record:
                    latencies.append(time.perf_counter() - started)

        warm = time.perf_counter() + min(1.0, duration_s / 5)
        await asyncio.gather(*(one(warm, False) for _ in range(connections)))
        started = time.perf_counter()
        await asyncio.gather(*(one(started + duration_s, True) for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "errors": errors, "elapsed": elapsed}


async def _seed_alerts(count: int) -> None:
    from core.models import Alert

    await Alert.bulk_create(
        [
            Alert(
                title=f"Project {i} announces token generation event",
                url=f"https://example.com/{i}",
                source="bench",
                confidence=0.5 + (i % 50) / 100,
                band="high" if i % 3 == 0 else "medium",
                analysis={"confidence": 0.9},
            )
            for i in range(count)
        ]
    )


async def bench_api(
    settings: Settings, *, connections: int = 32, duration_s: float = 5.0, alerts: int = 500
) -> dict[str, Any]:
    """Authenticated GET /alerts?limit=20 from `connections` keep-alive connections."""
    async with BenchApp(settings) as app:
        await _seed_alerts(alerts)
        user = await app.accounts.create_user("bench", "bench-password")
        token = app.accounts.issue_token(user)["access_token"]
        runner, port = await _serve(app)
        try:
            url = f"http://127.0.0.1:{port}/alerts?limit=20"
            proc, queue = _child(_api_load, (url, token, connections, duration_s))
            result = await _await_child(proc, queue, duration_s + 120)
        finally:
            await runner.cleanup()
    lat = result["latencies"]
    return {
        "bench": "api",
        "database": app.settings.db_dialect,
        "connections": connections,
        "duration_s": round(result["elapsed"], 2),
        "requests": len(lat),
        "errors": result["errors"],
        "req_per_s": round(len(lat) / result["elapsed"], 1),
        "p50_ms": round(_pct(lat, 0.50) * 1000, 2),
        "p99_ms": round(_pct(lat, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else 0.0,
    }


# --- bench ws ------------------------------------------------------------------------


def _ws_load(queue: Any, url: str, token: str, clients: int, expect: int, ready: Any) -> None:
    queue.put(asyncio.run(_ws_clients(url, token, clients, expect, ready)))


async def _ws_clients(url: str, token: str, clients: int, expect: int, ready: Any) -> dict:
    import aiohttp

    counts = [0] * clients
    last = [0.0] * clients
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        sockets = []
        for i in range(0, clients, 100):
            sockets += await asyncio.gather(
                *(
                    session.ws_connect(url, headers={"Authorization": f"Bearer {token}"})
                    for _ in range(min(100, clients - i))
                )
            )
        for ws in sockets:
            await ws.send_str('{"type":"subscribe","data":{}}')

        async def read(i: int, ws: aiohttp.ClientWebSocketResponse) -> None:
            while counts[i] < expect:
                msg = await ws.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    return
                if msg.data.startswith('{"type":"alert"'):
                    counts[i] += 1
                    last[i] = time.perf_counter()

        readers = [asyncio.create_task(read(i, ws)) for i, ws in enumerate(sockets)]
        await asyncio.sleep(0.5)  # subscribe acks processed
        ready.set()
        started = time.perf_counter()
        _, pending = await asyncio.wait(readers, timeout=120)
        for task in pending:
            task.cancel()
        for ws in sockets:
            await ws.close()
    finished = max(last) if any(last) else time.perf_counter()
    return {"delivered": sum(counts), "client_started": started, "client_finished": finished}


async def bench_ws(settings: Settings, *, clients: int = 1000, alerts: int = 200) -> dict[str, Any]:
    """Publish `alerts` on the bus; count messages that reach `clients` local WS clients."""
    async with BenchApp(settings) as app:
        user = await app.accounts.create_user("bench", "bench-password")
        token = app.accounts.issue_token(user)["access_token"]
        runner, port = await _serve(app)
        try:
            ctx = multiprocessing.get_context("spawn")
            ready = ctx.Event()
            proc, queue = _child(
                _ws_load, (f"http://127.0.0.1:{port}/ws", token, clients, alerts, ready)
            )
            await asyncio.to_thread(ready.wait, 120)
            hub = runner.app[HUB_KEY]
            await asyncio.sleep(0.2)
            started = time.perf_counter()
            message = {
                "type": "alert",
                "data": {
                    "id": 0,
                    "title": "Project announces token generation event on March 3",
                    "url": "https://example.com/a",
                    "source": "bench",
                    "confidence": 0.91,
                    "band": "high",
                    "companies": ["Project"],
                    "tokens": ["PRJ"],
                    "why": "company Project; keyword 'token generation event' (tier 1)",
                },
            }
            for i in range(alerts):
                message["data"]["id"] = i
                await app.bus.publish("alerts", message)
                await asyncio.sleep(0)
            # polling a counter keeps the hub's hot path free of bench-only events
            while hub.delivered < alerts * clients and time.perf_counter() - started < 120:  # noqa: ASYNC110
                await asyncio.sleep(0.005)
            server_elapsed = time.perf_counter() - started
            result = await _await_child(proc, queue, 180)
            dropped = int(app.metrics.ws_dropped._value.get())
        finally:
            await runner.cleanup()
    delivered = result["delivered"]
    return {
        "bench": "ws",
        "clients": clients,
        "alerts": alerts,
        "delivered": delivered,
        "expected": clients * alerts,
        "dropped_clients": dropped,
        "seconds": round(server_elapsed, 3),
        "msgs_per_s": round(delivered / server_elapsed, 1) if server_elapsed else 0.0,
    }
