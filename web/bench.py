"""`tge-monitor bench api|ws`: load against a local server built by the same factory.

The server runs in this process; the load generator runs in a child process, so the two
do not share one event loop (or one core) and the numbers describe the server.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import multiprocessing
import os
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from aiohttp import web

from core import db
from core.config import Settings
from core.runtime import App, create_app
from web.app import create_web_app
from web.config import WebConfig

log = logging.getLogger(__name__)

BENCH_CONFIG = WebConfig(access_log=False, ws_queue_size=4096, ws_heartbeat_s=3600)


# --- the database to bench against ---------------------------------------------------


async def _admin_url(url: str) -> str:
    """Where to run CREATE/DROP DATABASE: DATABASE_URL's own database when it exists,
    else the server's maintenance database (so DATABASE_URL may name one not made yet)."""
    import asyncpg

    parts = urlsplit(url)
    for path in (parts.path, "/postgres", "/template1"):
        candidate = urlunsplit(parts._replace(scheme="postgresql", path=path))
        try:
            conn = await asyncpg.connect(candidate)
        except asyncpg.InvalidCatalogNameError:
            continue
        await conn.close()
        return candidate
    raise RuntimeError(f"no database to connect to on {parts.hostname}:{parts.port}")


async def _scratch_postgres(url: str) -> tuple[str, str]:
    """A fresh database next to DATABASE_URL's (never the operator's own data)."""
    admin = await _admin_url(url)
    name = f"tge_bench_{uuid.uuid4().hex[:8]}"
    await db.recreate_postgres_db(admin, name)
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), admin


async def _drop_postgres(admin: str, url: str) -> None:
    await db.drop_postgres_db(admin, urlsplit(url).path.lstrip("/"))


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
        # limits stay on, with their configured algorithms, only too high to refuse the load
        for name in ("general", "alerts", "websocket", "ip"):
            self.app.limiter.set_limit(name, limit=10**9)
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


async def bench_companies_rest(
    settings: Settings, first: int = 10_000, total: int = 50_000, adds: int = 3
) -> dict[str, Any]:
    """The companies bench through the REST API: POST /companies/import of `first`
    companies (answered; then matched by the engine); with `total` loaded, POST /companies
    of one more, `adds` times (each answered, then matched before the next: the median and
    the slowest), then `adds` more back to back (answered while rebuilds run: the slowest).
    Loopback only."""
    from core.services.companies_bench import rows

    async with BenchApp(settings) as app:
        user = await app.accounts.create_user("bench", "bench-password", role="admin")
        token = app.accounts.issue_token(user)["access_token"]
        companies = app.companies
        runner, port = await _serve(app)
        api = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
                body = {"companies": rows(0, first)}
                started = time.perf_counter()
                async with http.post(f"{api}/companies/import", json=body) as resp:
                    imported = await resp.json()
                    if resp.status != 200:
                        raise RuntimeError(f"POST /companies/import: {resp.status} {imported}")
                answered = time.perf_counter() - started
                await companies.rebuilt(within_s=600)
                ready = time.perf_counter() - started
                await companies.import_rows(rows(first, total - first))
                await companies.rebuilt(within_s=600)

                async def add(name: str) -> float:
                    started = time.perf_counter()
                    one = {"name": name, "tokens": ["ONEMORE"]}
                    async with http.post(f"{api}/companies", json=one) as resp:
                        if resp.status != 201:
                            raise RuntimeError(
                                f"POST /companies: {resp.status} {await resp.text()}"
                            )
                    return time.perf_counter() - started

                answers, matches = [], []
                for k in range(adds):
                    started = time.perf_counter()
                    answers.append(await add(f"One More Project {k}"))
                    await companies.rebuilt(within_s=600)
                    matches.append(time.perf_counter() - started)
                burst = [await add(f"Burst Project {k}") for k in range(adds)]
                await companies.rebuilt(within_s=600)
        finally:
            await runner.cleanup()
        hit = app.scoring.analyze("One More Project 0 announces ONEMORE token airdrop", "")
    return {
        "rest_import_companies": imported["created"],
        "rest_import_answered_s": round(answered, 3),
        "rest_import_engine_ready_s": round(ready, 3),
        "rest_companies_total": total + 1,  # when the first one more was added
        "rest_add_one_answered_ms": round(statistics.median(answers) * 1000, 1),
        "rest_add_one_answered_ms_max": round(max(answers) * 1000, 1),
        "rest_add_one_matched_ms": round(statistics.median(matches) * 1000, 1),
        "rest_add_one_matched": any(c["name"] == "One More Project 0" for c in hit.companies),
        "rest_add_during_rebuild_answered_ms_max": round(max(burst) * 1000, 1),
    }


# --- bench ws ------------------------------------------------------------------------
#
# Like the API generator, the WebSocket clients are bare Protocols: the upgrade is one
# prebuilt request, and incoming frames are only framed and counted (a text frame that
# starts with {"type":"alert" is a delivered alert), never decoded or parsed as JSON.

_ALERT = b'{"type":"alert"'
_STATUS = b'{"type":"status"'


def _masked_text_frame(text: str) -> bytes:
    """A client->server text frame; clients must mask (RFC 6455 5.3)."""
    payload = text.encode()
    assert len(payload) < 126
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes((0x81, 0x80 | len(payload))) + mask + masked


class _WsCount(asyncio.Protocol):
    """One WebSocket client: upgrade, subscribe, then count alert frames."""

    def __init__(self, upgrade: bytes, subscribe: bytes, expect: int) -> None:
        loop = asyncio.get_running_loop()
        self.upgrade = upgrade
        self.subscribe = subscribe
        self.expect = expect
        self.buf = b""
        self.upgraded = False
        self.statuses = 0
        self.count = 0
        self.last = 0.0
        self.transport: asyncio.Transport | None = None
        self.ready: asyncio.Future[None] = loop.create_future()  # subscribe acknowledged
        self.done: asyncio.Future[None] = loop.create_future()  # all alerts seen, or closed

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.upgrade)

    def data_received(self, data: bytes) -> None:
        if self.buf:
            data = self.buf + data
        if not self.upgraded:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.buf = data
                return
            if data[9:12] != b"101":
                self.transport.close()  # type: ignore[union-attr]
                return
            self.upgraded = True
            data = data[end + 4 :]
            self.transport.write(self.subscribe)  # type: ignore[union-attr]
        pos, size, count = 0, len(data), 0
        while size - pos >= 2:
            length = data[pos + 1]  # server frames are never masked
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = (data[pos + 2] << 8) | data[pos + 3]
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 10], "big")
                head = 10
            end = pos + head + length
            if end > size:
                break
            opcode = data[pos] & 0x0F
            if opcode == 1:
                if data.startswith(_ALERT, pos + head):
                    count += 1
                elif data.startswith(_STATUS, pos + head):
                    self.statuses += 1
                    if self.statuses == 2 and not self.ready.done():  # auth, then subscribe
                        self.ready.set_result(None)
            elif opcode == 8:
                self.transport.close()  # type: ignore[union-attr]
            pos = end
        self.buf = data[pos:]
        if count:
            self.count += count
            self.last = time.perf_counter()
            if self.count >= self.expect and not self.done.done():
                self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        for future in (self.ready, self.done):
            if not future.done():
                future.set_result(None)


def _ws_load(
    queue: Any, host: str, port: int, token: str, clients: int, expect: int, ready: Any
) -> None:
    queue.put(asyncio.run(_ws_clients(host, port, token, clients, expect, ready)))


async def _ws_clients(
    host: str, port: int, token: str, clients: int, expect: int, ready: Any
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    subscribe = _masked_text_frame('{"type":"subscribe","data":{}}')
    protocols: list[_WsCount] = []
    for i in range(0, clients, 100):
        batch = []
        for _ in range(min(100, clients - i)):
            key = base64.b64encode(os.urandom(16)).decode()
            upgrade = (
                f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {token}\r\n\r\n"
            ).encode()
            batch.append(
                loop.create_connection(lambda u=upgrade: _WsCount(u, subscribe, expect), host, port)
            )
        protocols += [proto for _, proto in await asyncio.gather(*batch)]
    await asyncio.wait_for(asyncio.gather(*(p.ready for p in protocols)), 60)
    subscribed = sum(p.statuses >= 2 for p in protocols)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    ready.set()
    _, pending = await asyncio.wait([p.done for p in protocols], timeout=120)
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    for proto in protocols:
        if proto.transport is not None:
            proto.transport.close()
    return {
        "subscribed": subscribed,
        "delivered": sum(p.count for p in protocols),
        "finished": max((p.last for p in protocols), default=0.0),
        "incomplete": len(pending),
        "cpu": cpu,
    }


async def bench_ws(
    settings: Settings, *, clients: int = 1000, alerts: int = 200, generators: int = 1
) -> dict[str, Any]:
    """Publish `alerts` on the bus; count messages that reach `clients` local WS clients.

    msgs/s is end to end: alert frames counted by the clients (in `generators` child
    processes) over the time from the first publish to the last frame received.
    """
    async with BenchApp(settings) as app:
        user = await app.accounts.create_user("bench", "bench-password")
        token = app.accounts.issue_token(user)["access_token"]
        runner, port = await _serve(app)
        try:
            ctx = multiprocessing.get_context("spawn")
            shares = [clients // generators + (i < clients % generators) for i in range(generators)]
            children = []
            for n in shares:
                if not n:
                    continue
                ready = ctx.Event()
                proc, queue = _child(_ws_load, ("127.0.0.1", port, token, n, alerts, ready))
                children.append((proc, queue, ready))
            for _, _, ready in children:
                if not await asyncio.to_thread(ready.wait, 120):
                    raise RuntimeError("WebSocket clients did not connect and subscribe in time")
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
            async with _CpuSampler() as cpu:
                started = time.perf_counter()
                for i in range(alerts):
                    message["data"]["id"] = i
                    await app.bus.publish("alerts", message)
                    await asyncio.sleep(0)
                results = [await _await_child(p, q, 180) for p, q, _ in children]
            dropped = int(app.metrics.ws_dropped._value.get())
        finally:
            await runner.cleanup()
    delivered = sum(r["delivered"] for r in results)
    finished = max(r["finished"] for r in results)
    seconds = finished - started if finished > started else 0.0
    return {
        "bench": "ws",
        "clients": clients,
        "subscribed": sum(r["subscribed"] for r in results),
        "generators": len(results),
        "alerts": alerts,
        "delivered": delivered,
        "expected": clients * alerts,
        "dropped_clients": dropped,
        "seconds": round(seconds, 3),
        "msgs_per_s": round(delivered / seconds, 1) if seconds else 0.0,
        "server_cpu": cpu.share(started, finished),
        "generator_cpu": round(sum(r["cpu"] for r in results), 2),
    }


async def bench_login(settings: Settings, *, samples: int = 15, rounds: int = 12) -> dict[str, Any]:
    """POST /auth/login for an unknown user and for a wrong password, interleaved.

    Login must not tell who has an account: both answers are the same 401, and their
    median times should be within 20% of each other (`ratio` near 1.0). Uses the
    production bcrypt cost (12) rather than the tests' fast one.
    """
    async with BenchApp(settings) as app:
        app.accounts._rounds = rounds
        for name in ("login", "login_account", "ip"):
            app.limiter.set_limit(name, limit=10**9)
        await app.accounts.create_user("bench-known", "bench-password")
        runner, port = await _serve(app)
        times: dict[str, list[float]] = {"unknown_user": [], "wrong_password": []}
        bodies: set[str] = set()
        try:
            async with aiohttp.ClientSession() as session:
                url = f"http://127.0.0.1:{port}/auth/login"
                for i in range(samples + 1):
                    for case, username in (
                        ("unknown_user", f"nobody-{i}"),
                        ("wrong_password", "bench-known"),
                    ):
                        started = time.perf_counter()
                        async with session.post(
                            url, json={"username": username, "password": "wrong-password"}
                        ) as resp:
                            text = await resp.text()
                        if i:  # the first round warms up (and makes the dummy hash)
                            times[case].append(time.perf_counter() - started)
                            bodies.add(f"{resp.status} {text}")
        finally:
            await runner.cleanup()
    medians = {case: statistics.median(values) * 1000 for case, values in times.items()}
    ratio = medians["unknown_user"] / medians["wrong_password"]
    return {
        "bench": "login",
        "bcrypt_rounds": rounds,
        "samples": samples,
        "median_ms_unknown_user": round(medians["unknown_user"], 1),
        "median_ms_wrong_password": round(medians["wrong_password"], 1),
        "ratio": round(ratio, 3),
        "within_20_percent": 0.8 <= ratio <= 1.2,
        "same_answer": len(bodies) == 1,
    }
