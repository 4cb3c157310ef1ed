"""`tge-monitor bench api|ws`: load against a local server built by the same factory.

The server runs in this process; the load generator runs in a child process, so the two
do not share one event loop (or one core) and the numbers describe the server.
"""

from __future__ import annotations

import asyncio
import contextlib
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


class _CpuSampler:
    """This process's CPU time sampled on a timer, to report its share of one core over
    a window known only afterwards (the generator's measured window)."""

    def __init__(self, every_s: float = 0.05) -> None:
        self.every_s = every_s
        self.samples: list[tuple[float, float]] = []
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _CpuSampler:
        self._task = asyncio.create_task(self._sample())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _sample(self) -> None:
        while True:
            self.samples.append((time.perf_counter(), time.process_time()))
            await asyncio.sleep(self.every_s)

    def share(self, start: float, end: float) -> float:
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return 0.0
        (w0, c0), (w1, c1) = inside[0], inside[-1]
        return round((c1 - c0) / (w1 - w0), 2)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- bench api -----------------------------------------------------------------------
#
# The load generator is a bare asyncio Protocol per connection: the request bytes are
# built once, a response is only framed (status code, Content-Length), never parsed into
# objects. aiohttp's client costs about as much CPU per request as the server does, so on
# a small machine it, not the server, set the numbers.


class _HttpLoad(asyncio.Protocol):
    """One keep-alive connection sending GETs back to back, one in flight at a time."""

    def __init__(self, request: bytes, run: _ApiRun) -> None:
        self.request = request
        self.run = run
        self.buf = bytearray()
        self.sent_at = 0.0
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._send()

    def _send(self) -> None:
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)  # type: ignore[union-attr]

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return
        at = _content_length_at(buf, end)
        size = int(buf[at : buf.index(b"\r\n", at)]) if at >= 0 else 0
        if len(buf) < end + 4 + size:
            return
        now = time.perf_counter()
        ok = buf[9:12] == b"200"
        del buf[: end + 4 + size]
        if self.run.record(self.sent_at, now, ok):
            self._send()
        else:
            self.transport.close()  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _content_length_at(buf: bytearray, end: int) -> int:
    """Where the Content-Length value starts in the head, -1 when absent."""
    head = bytes(buf[:end]).lower()
    at = head.find(b"\r\ncontent-length:")
    return -1 if at < 0 else at + len(b"\r\ncontent-length:")


class _ApiRun:
    """Shared clock and tallies of one generator process (warm-up, then a measured window)."""

    def __init__(self, warm_s: float, duration_s: float) -> None:
        now = time.perf_counter()
        self.warm_s = warm_s
        self.record_from = now + warm_s
        self.stop_at = self.record_from + duration_s
        self.latencies: list[float] = []
        self.errors = 0
        self.last = self.record_from

    def record(self, sent_at: float, now: float, ok: bool) -> bool:
        """Tally one response; False once the window is over (the connection then stops)."""
        if sent_at >= self.record_from:
            self.latencies.append(now - sent_at)
            self.last = now
            if not ok:
                self.errors += 1
        return now < self.stop_at


def _api_load(
    queue: Any, host: str, port: int, path: str, token: str, connections: int, duration_s: float
) -> None:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    ).encode()
    queue.put(asyncio.run(_api_clients(host, port, request, connections, duration_s)))


async def _api_clients(
    host: str, port: int, request: bytes, connections: int, duration_s: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    run = _ApiRun(min(1.0, duration_s / 5), duration_s)
    protocols = []
    for _ in range(connections):
        _, proto = await loop.create_connection(lambda: _HttpLoad(request, run), host, port)
        protocols.append(proto)
    cpu0 = time.process_time()
    await asyncio.gather(*(p.done for p in protocols))
    return {
        "latencies": run.latencies,
        "errors": run.errors,
        "started": run.record_from,
        "finished": run.last,
        "elapsed": run.last - run.record_from,
        "cpu": (time.process_time() - cpu0) / (time.perf_counter() - run.record_from + run.warm_s),
    }


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
    settings: Settings,
    *,
    connections: int = 32,
    duration_s: float = 5.0,
    alerts: int = 500,
    generators: int = 1,
) -> dict[str, Any]:
    """Authenticated GET /alerts?limit=20 from `connections` keep-alive connections.

    The load comes from `generators` child processes (connections split between them);
    `server_cpu` and `generator_cpu` (share of one core over the run) show which side
    was saturated.
    """
    async with BenchApp(settings) as app:
        await _seed_alerts(alerts)
        user = await app.accounts.create_user("bench", "bench-password")
        token = app.accounts.issue_token(user)["access_token"]
        runner, port = await _serve(app)
        try:
            path = "/alerts?limit=20"
            shares = [
                connections // generators + (i < connections % generators)
                for i in range(generators)
            ]
            children = [
                _child(_api_load, ("127.0.0.1", port, path, token, n, duration_s))
                for n in shares
                if n
            ]
            async with _CpuSampler() as cpu:
                results = [await _await_child(p, q, duration_s + 120) for p, q in children]
        finally:
            await runner.cleanup()
        server_cpu = cpu.share(
            min(r["started"] for r in results), max(r["finished"] for r in results)
        )
    lat = [x for r in results for x in r["latencies"]]
    elapsed = max(r["elapsed"] for r in results)
    return {
        "bench": "api",
        "database": app.settings.db_dialect,
        "connections": connections,
        "generators": len(results),
        "alerts_cache_s": BENCH_CONFIG.alerts_cache_s,
        "duration_s": round(elapsed, 2),
        "requests": len(lat),
        "errors": sum(r["errors"] for r in results),
        "req_per_s": round(len(lat) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_pct(lat, 0.50) * 1000, 2),
        "p99_ms": round(_pct(lat, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else 0.0,
        "server_cpu": round(server_cpu, 2),
        "generator_cpu": round(sum(r["cpu"] for r in results), 2),
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
