"""Races closed: the same story from 200 feeds at once, 50 first contacts at once, and
processes starting together with ADMIN_USERNAME set."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from core.locks import KeyedLocks
from core.models import Alert, Identity, Item, ItemSource, User
from core.monitors.scheduler import Poller
from core.runtime import App
from tests.conftest import make_settings
from tests.fakes.feeds import FeedServer
from tests.test_ingest import rss

TITLE = "Lighter announces LIT token generation event and airdrop claim on March 3"


async def _story_from_200_feeds(app: App, server: FeedServer, *, processes: bool) -> None:
    await app.companies.create("Lighter", tokens=["LIT"])
    feeds = []
    for i in range(200):
        # every feed its own URL for the story: only the title fingerprint joins them
        server.set(f"/f{i}", rss([(f"g{i}", f"https://site{i}.example/lit-tge", TITLE)]))
        feeds.append(await app.feeds.add(server.url(f"/f{i}")))
    pollers = [Poller(app) for _ in range(4)]
    if processes:  # as if in four processes: only the database's advisory lock joins them
        for poller in pollers:
            poller.ingestor._story_locks = KeyedLocks()
    await asyncio.gather(*(pollers[i % 4].poll_feed(f.id) for i, f in enumerate(feeds)))
    assert await Item.all().count() == 1
    assert await ItemSource.all().count() == 200
    assert (await Item.first()).source_count == 200
    assert await Alert.all().count() == 1


async def test_one_story_polled_from_200_feeds_at_once(app: App, server: FeedServer) -> None:
    await _story_from_200_feeds(app, server, processes=False)


async def test_one_story_polled_from_200_feeds_at_once_on_postgres(
    pg_app: App, server: FeedServer
) -> None:
    await _story_from_200_feeds(pg_app, server, processes=True)


async def _first_contacts(app: App) -> None:
    # 50 people, each sending two commands at the same moment (/start and /subscribe)
    calls = [app.accounts.ensure_identity("telegram", 9000 + i, f"u{i}") for i in range(50)] * 2
    users = await asyncio.gather(*calls)
    for i in range(50):
        assert users[i].id == users[i + 50].id
    assert await Identity.all().count() == 50
    assert await User.all().count() == 50  # no orphan account left behind


async def test_50_concurrent_first_contacts(app: App) -> None:
    await _first_contacts(app)


async def test_50_concurrent_first_contacts_on_postgres(pg_app: App) -> None:
    await _first_contacts(pg_app)


async def test_four_processes_start_together_with_admin_username(
    tmp_path: Path, pg_url: str
) -> None:
    """web, two workers and bots starting at once on a fresh database: all come up, one admin."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
        "APP_ENV": "test",
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "races-secret-key-0123456789abcdef0123456789",
        "DATABASE_URL": pg_url,
        "ADMIN_USERNAME": "admin",
        "ADMIN_PASSWORD": "password123",
        "LOG_LEVEL": "INFO",
        "API_PORT": "0",
    }
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tge_monitor.cli",
            part,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        for part in ("web", "worker", "worker", "web")
    ]
    try:
        settings = make_settings(tmp_path, DATABASE_URL=pg_url)
        from core import db

        async def admins() -> int:
            try:
                return await User.filter(username="admin").count()
            except Exception:
                return 0

        deadline = asyncio.get_running_loop().time() + 60
        await asyncio.sleep(3)
        await db.init_db(settings.database_url)
        try:
            while await admins() == 0:
                assert asyncio.get_running_loop().time() < deadline, "no admin created"
                await asyncio.sleep(0.2)
            await asyncio.sleep(3)  # every process has finished opening by now
            assert await admins() == 1
        finally:
            await db.close_db()
        for proc in procs:
            assert proc.returncode is None, (await proc.stderr.read()).decode()[-2000:]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
        for proc in procs:
            await proc.wait()
