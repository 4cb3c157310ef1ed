"""`tge-monitor bench latency`: publication → Telegram `sendMessage`, measured from outside.

Real processes: `tge-monitor run` (web + worker, as deployed in one process) on a scratch
SQLite database, polling a local exchange API (OKX's documented response shape) and
subscribed over WebSub to a local feed whose local hub pushes signed documents; a local Bot
API in a child process stamps every `sendMessage` as it arrives. This process publishes
real headlines (the labelled corpus) at random moments (exponential gaps) on both paths and
reports p50/p95/p99 of publication → sendMessage per path, plus the load average, since the
machine is shared. The alert threshold is 0 so every published item is alerted: the time
measured is the pipeline's, whatever the score.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import multiprocessing
import os
import random
import secrets
import signal
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "100001:LATENCY-bench"
CHAT_ID = 4242


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _telegram_child(port: int, ready: Any, stop: Any, results: Any) -> None:
    """Child process: a Bot API that stamps each sendMessage with the wall clock."""
    received: list[tuple[float, str]] = []
    ids = iter(range(1, 10**9))

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        if method == "sendMessage":
            received.append((time.time(), str(form.get("text", ""))))
            result: Any = {
                "message_id": next(ids),
                "date": int(time.time()),
                "chat": {"id": CHAT_ID, "type": "private"},
                "text": "",
            }
        elif method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    async def main() -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.set()
        await asyncio.to_thread(stop.wait)
        results.put(received)
        await runner.cleanup()

    asyncio.run(main())


class _Source:
    """The local exchange API, feed and WebSub hub, in this (the publishing) process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.okx: list[dict[str, str]] = []
        self.rss: list[tuple[str, str, float]] = []
        self.subscriber: dict[str, str] | None = None
        self.verified = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/v5/support/announcements", self._okx)
        app.router.add_get("/feed.xml", self._feed)
        app.router.add_post("/hub", self._hub)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _okx(self, request: web.Request) -> web.Response:
        body = {"code": "0", "msg": "", "data": [{"details": self.okx[:20], "totalPage": "1"}]}
        return web.json_response(body)

    def document(self) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(title)}</title><guid>{guid}</guid>"
            f"<link>https://news.example.invalid/{guid}</link>"
            f"<pubDate>{format_datetime(datetime.fromtimestamp(at, UTC), usegmt=True)}"
            "</pubDate></item>"
            for guid, title, at in self.rss[:20]
        )
        return (
            '<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
            f'<channel><title>bench</title><atom:link rel="hub" href="{self.base}/hub"/>'
            f'<atom:link rel="self" href="{self.base}/feed.xml"/>{items}</channel></rss>'
        ).encode()

    async def _feed(self, request: web.Request) -> web.Response:
        return web.Response(body=self.document(), content_type="application/rss+xml")

    async def _hub(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        asyncio.get_running_loop().create_task(self._verify(form))
        return web.Response(status=202)

    async def _verify(self, form: dict[str, str]) -> None:
        assert self._session is not None
        challenge = secrets.token_hex(8)
        query = {
            "hub.mode": form["hub.mode"],
            "hub.topic": form["hub.topic"],
            "hub.challenge": challenge,
            "hub.lease_seconds": form.get("hub.lease_seconds", "86400"),
        }
        async with self._session.get(form["hub.callback"], params=query) as r:
            if r.status == 200 and await r.text() == challenge:
                self.subscriber = form
                self.verified.set()

    async def push(self) -> int:
        assert self._session is not None and self.subscriber is not None
        body = self.document()
        signature = hmac.new(self.subscriber["hub.secret"].encode(), body, hashlib.sha256)
        headers = {
            "Content-Type": "application/rss+xml",
            "X-Hub-Signature": f"sha256={signature.hexdigest()}",
        }
        async with self._session.post(
            self.subscriber["hub.callback"], data=body, headers=headers
        ) as r:
            return r.status


def _titles(count: int, seed: int) -> list[str]:
    """Distinct real headlines from the labelled corpus (published text, provenance kept)."""
    from core.bundled import LABELLED_CORPUS_FILE
    from core.monitors.dedup import title_fingerprint

    rows = [json.loads(line) for line in LABELLED_CORPUS_FILE.read_text().splitlines() if line]
    seen: set[str] = set()
    titles = []
    for row in random.Random(seed).sample(rows, len(rows)):
        title = " ".join(str(row.get("title") or "").split())
        key = title_fingerprint(title)
        if 20 <= len(title) <= 160 and key not in seen:
            seen.add(key)
            titles.append(title)
        if len(titles) == count:
            break
    return titles


def _stats(values: list[float]) -> dict[str, Any]:
    from core.services.latency import percentile

    values = sorted(values)
    return {
        "count": len(values),
        "p50_s": percentile(values, 0.5),
        "p95_s": percentile(values, 0.95),
        "p99_s": percentile(values, 0.99),
        "max_s": round(values[-1], 3) if values else None,
    }


async def _prepare(env: dict[str, str], source: _Source, poll_interval_s: int) -> None:
    """Schema, a Telegram destination subscribed to everything, the two feeds."""
    import logging

    from core.config import Settings
    from core.models import Destination, DestinationKind, Subscription, User
    from core.runtime import create_app

    for name in ("core", "tortoise"):
        logging.getLogger(name).setLevel(logging.WARNING)
    app = create_app(Settings.from_env(env))
    await app.open()
    try:
        owner = await User.create(username="latency-bench")
        dest = await Destination.create(
            owner=owner, kind=DestinationKind.TELEGRAM, address=str(CHAT_ID), verified=True
        )
        await Subscription.create(user=owner, destination=dest, min_confidence=0.0)
        await app.feeds.add(kind="exchange", query="okx:all", interval_s=poll_interval_s)
        await app.feeds.add(f"{source.base}/feed.xml", name="pushed", interval_s=300)
    finally:
        await app.stop()


async def bench_latency(
    *, items: int = 20, poll_interval_s: int = 2, mean_gap_s: float = 3.0, seed: int = 21
) -> dict[str, Any]:
    """Publish `items` per path at random moments; p50/p95/p99 publication → sendMessage."""
    rnd = random.Random(seed)
    api_port, source_port, telegram_port = _free_port(), _free_port(), _free_port()
    ctx = multiprocessing.get_context("spawn")
    ready, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    telegram = ctx.Process(
        target=_telegram_child, args=(telegram_port, ready, stop, results), daemon=True
    )
    telegram.start()
    source = _Source(source_port)
    await source.start()
    load_before = os.getloadavg()
    service: asyncio.subprocess.Process | None = None
    published: dict[str, tuple[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DATA_DIR": str(Path(tmp) / "data"),
            "SECRET_KEY": "latency-bench-secret-key-0123456789abcdef",
            "APP_ENV": "test",
            "LOG_LEVEL": "WARNING",
            "API_HOST": "127.0.0.1",
            "API_PORT": str(api_port),
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{api_port}",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": f"http://127.0.0.1:{telegram_port}",
            "EXCHANGE_API_BASES": f"okx={source.base}",
            "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
            "DEFAULT_SOURCES": "false",
            "DEFAULT_COMPANIES": "false",
            "ALERT_THRESHOLD": "0",
            "HOST_REQUESTS_PER_MINUTE": "100000",
        }
        try:
            await asyncio.to_thread(ready.wait, 30)
            await _prepare(env, source, poll_interval_s)
            service = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tge_monitor",
                "run",
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            await asyncio.wait_for(source.verified.wait(), 60)  # the first poll subscribed
            await asyncio.sleep(3)  # the first polls' old items are sent and out of the way
            titles = _titles(2 * items, seed)
            order = ["polled"] * items + ["pushed"] * items
            rnd.shuffle(order)
            for n, (path, title) in enumerate(zip(order, titles, strict=True)):
                await asyncio.sleep(rnd.expovariate(1.0 / mean_gap_s))
                now = time.time()
                published[title] = (path, now)
                if path == "polled":
                    source.okx.insert(
                        0,
                        {
                            "annType": "announcements-new-listings",
                            "title": title,
                            "url": f"https://www.okx.example.invalid/help/bench-{n}",
                            "pTime": str(int(now * 1000)),
                            "businessPTime": str(int(now * 1000)),
                        },
                    )
                else:
                    source.rss.insert(0, (f"bench-{n}", title, now))
                    await source.push()
            await asyncio.sleep(poll_interval_s + 15)  # let the last ones arrive
        finally:
            if service is not None and service.returncode is None:
                service.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(service.wait(), 30)
                except TimeoutError:
                    service.kill()
                    await service.wait()
            stop.set()
            await source.stop()
        received: list[tuple[float, str]] = await asyncio.to_thread(results.get, True, 30)
        telegram.join(10)
    lags: dict[str, list[float]] = {"polled": [], "pushed": []}
    arrived: set[str] = set()
    for at, text in received:
        plain = html.unescape(text)
        for title, (path, when) in published.items():
            if title not in arrived and title in plain:
                arrived.add(title)
                lags[path].append(at - when)
                break
    missing = {
        p: sum(1 for t, (q, _) in published.items() if q == p and t not in arrived) for p in lags
    }
    polled, pushed = _stats(lags["polled"]), _stats(lags["pushed"])
    return {
        "pushed_websub": {**pushed, "missing": missing["pushed"]},
        "polled_exchange": {
            **polled,
            "missing": missing["polled"],
            "poll_interval_s": poll_interval_s,
        },
        "items_per_path": items,
        "mean_gap_s": mean_gap_s,
        "goals": {
            "push_p95_under_2s": pushed["p95_s"] is not None and pushed["p95_s"] < 2.0,
            "polled_p95_under_interval_plus_2s": polled["p95_s"] is not None
            and polled["p95_s"] < poll_interval_s + 2.0,
        },
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
