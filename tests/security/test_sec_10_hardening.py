"""Row 10: slow clients are cut off, WebSockets per user are capped, unsubscribe tokens
stay out of the access log, the SQLite file is private, webhook secrets are sealed."""

from __future__ import annotations

import asyncio
import logging
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from core.models import Destination
from core.runtime import App
from tests.security.helpers import closed_with, ws_next
from tests.web_helpers import FAST, make_user, serve
from web.app import WebServer


async def test_a_slow_header_client_is_cut_off(app: App) -> None:
    server = WebServer(app, host="127.0.0.1", port=0, config=replace(FAST, header_timeout_s=0.5))
    await server.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.bound_port)
        writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        started = asyncio.get_running_loop().time()
        closed = False
        for i in range(20):  # one header line every 0.2 s, never finishing
            await asyncio.sleep(0.2)
            try:
                writer.write(f"X-Slow-{i}: y\r\n".encode())
                await writer.drain()
            except ConnectionError:
                closed = True
                break
            if reader.at_eof():
                closed = True
                break
            try:
                data = await asyncio.wait_for(reader.read(1), 0.01)
            except TimeoutError:
                continue
            if data == b"":
                closed = True
                break
        assert closed, "the server kept a slow client's connection open"
        assert asyncio.get_running_loop().time() - started < 3
        writer.close()
    finally:
        await server.stop()


async def test_websockets_per_user_are_capped(app: App) -> None:
    client = await serve(app, replace(FAST, ws_max_per_user=2))
    try:
        alice = await make_user(app, "alice")
        first = await client.ws_connect("/ws", headers=alice.headers)
        second = await client.ws_connect("/ws", headers=alice.headers)
        for ws in (first, second):
            await ws_next(ws, "status")
        third = await client.ws_connect("/ws", headers=alice.headers)
        assert await closed_with(third, within=3) == 4429
        await first.close()
        await second.close()
    finally:
        await client.close()


async def test_unsubscribe_tokens_stay_out_of_the_access_log(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    client = await serve(app, replace(FAST, access_log=True))
    try:
        with caplog.at_level(logging.INFO, logger="web.access"):
            await client.get("/unsubscribe/SeCrEtToKeN12345")
        lines = [r.getMessage() for r in caplog.records if r.name == "web.access"]
        assert lines and all("SeCrEtToKeN12345" not in line for line in lines)
        assert any("/unsubscribe/***" in line for line in lines)
    finally:
        await client.close()


def test_sqlite_file_and_data_dir_are_private(app: App) -> None:
    url = app.settings.database_url
    if not url.startswith("sqlite://"):
        pytest.skip("a PostgreSQL database has no file of ours")
    db_file = Path(url[len("sqlite://") :])
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_file.parent.stat().st_mode) == 0o700


async def test_webhook_secrets_are_sealed_at_rest(app: App) -> None:
    owner = await app.accounts.create_user("hooky", "password123")
    dest = await app.subscriptions.create_destination(owner, "webhook", "https://h.example/x")
    plain = dest.plain_secret
    stored = (await Destination.get(id=dest.id)).secret
    assert plain and stored and plain not in stored and stored.startswith("v1:")
    assert app.subscriptions.secret_of(await Destination.get(id=dest.id)) == plain
