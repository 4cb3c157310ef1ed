"""`tge-monitor bench memory`: the resident memory of one `tge-monitor run` at scale.

A scratch SQLite database gets 50,000 companies and 5,000 feeds (served by a local server
that answers 304 Not Modified, as most feeds do most of the time); `tge-monitor run` starts on
it, 1,000 authenticated WebSocket clients connect, the monitors poll, and the process's RSS
(/proc/<pid>/status VmRSS) is sampled until the run ends. Loopback only.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SECRET = "bench-memory-secret-key-0123456789abcdef0123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def _seed(data_dir: Path, companies: int, feeds: int, feed_port: int) -> None:
    from core.config import Settings
    from core.models import Feed, FeedKind
    from core.runtime import create_app

    settings = Settings.from_env({"DATA_DIR": str(data_dir), "SECRET_KEY": SECRET})
    app = create_app(settings)
    await app.open()
    try:
        rows = [
            {"name": f"Memory Project {i}", "tokens": [f"MP{i}"], "aliases": [f"Memco {i}"]}
            for i in range(companies)
        ]
        await app.companies.import_rows(rows)
        now = datetime.now(UTC)
        batch = [
            Feed(
                kind=FeedKind.RSS,
                name=f"feed {i}",
                url=f"http://127.0.0.1:{feed_port}/f/{i}",
                interval_s=60,
                next_poll_at=now,
            )
            for i in range(feeds)
        ]
        for start in range(0, len(batch), 1000):
            await Feed.bulk_create(batch[start : start + 1000])
        await app.accounts.ensure_admin("bench", "bench-password-1")
    finally:
        await app.stop()


async def _feed_server(port: int) -> Any:
    from aiohttp import web

    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        body = (
            "<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            "<item><title>Quiet market day</title><guid>q1</guid></item></channel></rss>"
        )
        return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    app = web.Application()
    app.router.add_get("/f/{n}", feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def bench_memory(
    companies: int = 50_000, feeds: int = 5_000, clients: int = 1_000, run_s: float = 60.0
) -> dict[str, Any]:
    import aiohttp

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        feed_port, api_port = _free_port(), _free_port()
        feed_runner = await _feed_server(feed_port)
        started = time.perf_counter()
        await _seed(data_dir, companies, feeds, feed_port)
        seeded_s = time.perf_counter() - started
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": SECRET,
            "API_PORT": str(api_port),
            "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
            "LOG_LEVEL": "WARNING",
            "DEFAULT_SOURCES": "false",  # loopback only: the catalogue's feeds are real sites
            "TELEGRAM_BOT_TOKEN": "",
            "DISCORD_BOT_TOKEN": "",
            "WS_MAX_PER_USER": str(max(clients, 1)),  # all clients share the bench account
            # one local server stands in for 5,000 feeds' hosts: at the default 60 requests a
            # minute per host the run polled ~70 of them in a minute; this lets all be polled
            "HOST_REQUESTS_PER_MINUTE": "100000",
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tge_monitor.cli", "run", env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        peak = 0.0
        sockets: list[Any] = []
        api = f"http://127.0.0.1:{api_port}"
        try:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
                deadline = time.monotonic() + 180
                token = ""
                while not token:
                    peak = max(peak, _rss_mb(proc.pid))
                    try:
                        async with http.post(
                            f"{api}/auth/login",
                            json={"username": "bench", "password": "bench-password-1"},
                        ) as resp:
                            if resp.status == 200:
                                token = (await resp.json())["access_token"]
                    except aiohttp.ClientError:
                        pass
                    if time.monotonic() > deadline or proc.returncode is not None:
                        raise RuntimeError("tge-monitor run did not come up")
                    await asyncio.sleep(0.5)
                headers = {"Authorization": f"Bearer {token}"}
                for start in range(0, clients, 100):
                    sockets += await asyncio.gather(
                        *(
                            http.ws_connect(f"{api}/ws", headers=headers, heartbeat=None)
                            for _ in range(min(100, clients - start))
                        )
                    )
                    peak = max(peak, _rss_mb(proc.pid))
                end = time.monotonic() + run_s
                while time.monotonic() < end:
                    peak = max(peak, _rss_mb(proc.pid))
                    await asyncio.sleep(0.5)
                async with http.get(f"{api}/health") as resp:
                    health = await resp.json()
                final = _rss_mb(proc.pid)
                for ws in sockets:
                    await ws.close()
        finally:
            if proc.returncode is None:
                proc.terminate()
                await proc.wait()
            await feed_runner.cleanup()
        monitors = health.get("checks", {}).get("monitors", {})
        return {
            "companies": companies,
            "feeds": feeds,
            "ws_clients": len(sockets),
            "ws_clients_seen_by_server": health.get("checks", {}).get("websocket_clients"),
            "seconds_running": run_s,
            "seed_s": round(seeded_s, 1),
            "rss_peak_mb": round(peak, 1),
            "rss_final_mb": round(final, 1),
            "goal_mb": 150,
            "monitors": json.loads(json.dumps(monitors, default=str)),
        }
