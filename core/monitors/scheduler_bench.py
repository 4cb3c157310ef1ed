"""`tge-monitor bench ingest --sources N`: the poller's own cost with N quiet sources.

N RSS feeds on 50 loopback hosts (127.0.0.2-51, so the per-host budget is in play as it is
with real hosts), due uniformly over their interval, each already holding an ETag; a
server in a child process answers every conditional GET with 304 Not Modified. The real
Poller (APScheduler tick, leases, per-host budget, safe fetcher, health writes) runs for a
window on a scratch SQLite database; the CPU time this process used over the window's wall
time is the scheduler overhead as a share of one core (the server's CPU is not counted).
Goal (issue #21): under 10% of a core for 5,000 sources.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HOSTS = [f"127.0.0.{i}" for i in range(2, 52)]


def _server_child(port: int, ready: Any, stop: Any, counts: Any) -> None:
    """Child process: 304 to every conditional GET, a tiny feed otherwise, on every host."""
    from aiohttp import web

    served = {"304": 0, "200": 0}

    async def handle(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            served["304"] += 1
            return web.Response(status=304, headers={"ETag": '"v1"'})
        served["200"] += 1
        body = '<?xml version="1.0"?><rss version="2.0"><channel><title>q</title></channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{name}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for host in HOSTS:
            await web.TCPSite(runner, host, port, backlog=1024).start()
        ready.set()
        await asyncio.to_thread(stop.wait)
        counts.put(served)
        await runner.cleanup()

    asyncio.run(main())


async def bench_sources(
    sources: int = 5000, *, interval_s: int = 300, window_s: float = 60.0, seed: int = 5
) -> dict[str, Any]:
    from core.config import Settings
    from core.models import Feed, FeedKind
    from core.monitors.scheduler import Poller
    from core.runtime import create_app

    for name in ("core", "tortoise", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # stopping mid-tick cancels APScheduler's job, which it logs as an error: not a finding
    logging.getLogger("apscheduler").setLevel(logging.CRITICAL)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    ctx = multiprocessing.get_context("spawn")
    ready, stop, counts = ctx.Event(), ctx.Event(), ctx.Queue()
    server = ctx.Process(target=_server_child, args=(port, ready, stop, counts), daemon=True)
    server.start()
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            {
                "DATA_DIR": str(Path(tmp) / "data"),
                "SECRET_KEY": "scheduler-bench-secret-key-0123456789abcdef",
                "APP_ENV": "test",
                "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
                "DEFAULT_SOURCES": "false",
                "DEFAULT_COMPANIES": "false",
                "LOG_LEVEL": "WARNING",
            }
        )
        app = create_app(settings)
        await app.open()
        poller = None
        try:
            await asyncio.to_thread(ready.wait, 30)
            now = datetime.now(UTC)
            await Feed.bulk_create(
                [
                    Feed(
                        kind=FeedKind.RSS,
                        url=f"http://{HOSTS[i % len(HOSTS)]}:{port}/f{i}",
                        name=f"quiet {i}",
                        interval_s=interval_s,
                        etag='"v1"',
                        last_success_at=now,
                        next_poll_at=now + timedelta(seconds=rnd.uniform(0, interval_s)),
                    )
                    for i in range(sources)
                ],
                batch_size=1000,
            )
            poller = Poller(app)
            polled_before = await Feed.filter(last_polled_at__isnull=False).count()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            await poller.start()
            await asyncio.sleep(window_s)
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            await poller.stop()
            poller = None
            polled = await Feed.filter(last_polled_at__isnull=False).count() - polled_before
            failing = await Feed.filter(consecutive_failures__gt=0).count()
            late = await Feed.filter(
                next_poll_at__lt=datetime.now(UTC) - timedelta(seconds=5)
            ).count()
        finally:
            if poller is not None:
                await poller.stop()
            await app.stop()
            stop.set()
    served = await asyncio.to_thread(counts.get, True, 30)
    server.join(10)
    share = cpu / wall if wall else 0.0
    return {
        "sources": sources,
        "hosts": len(HOSTS),
        "interval_s": interval_s,
        "window_s": round(wall, 1),
        "polls": polled,
        "polls_per_s": round(polled / wall, 2) if wall else 0.0,
        "expected_polls_per_s": round(sources / interval_s, 2),
        "server_304": served["304"],
        "server_200": served["200"],
        "failing_feeds": failing,
        "overdue_feeds_at_end": late,
        "cpu_s": round(cpu, 2),
        "core_share": round(share, 4),
        "goal_core_share_below": 0.10,
        "goal_met": share < 0.10,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
