"""Shared pieces for the security tests (one file per row of issue #13).

Modules whose rows live in the database run on PostgreSQL as well as SQLite:

    from tests.security.helpers import app_fixture, pytest_generate_tests  # noqa: F401
    BOTH_DIALECTS = True

(no conftest.py here: other test modules import tests/conftest.py as `conftest`.)
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from core import db
from core.runtime import App
from tests.conftest import PG_ADMIN_URL, POSTGRES_UP, make_settings, opened_app
from tests.web_helpers import Caller


async def api_key(
    client: Any, who: Caller, *, scopes: list[str] | None = None, days: int | None = None
) -> str:
    body: dict[str, Any] = {"name": "k"}
    if scopes is not None:
        body["scopes"] = scopes
    if days is not None:
        body["expires_in_days"] = days
    resp = await client.post("/auth/api-keys", json=body, headers=who.headers)
    assert resp.status == 201, await resp.text()
    return (await resp.json())["key"]


async def closed_with(ws: aiohttp.ClientWebSocketResponse, within: float = 5.0) -> int | None:
    """Read until the server closes the socket; its close code (None if it stayed open)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            return None
        try:
            msg = await ws.receive(timeout=left)
        except TimeoutError:
            return None
        if msg.type == aiohttp.WSMsgType.CLOSE:
            return msg.data  # the code the server sent
        if msg.type == aiohttp.WSMsgType.CLOSING:
            return ws.close_code
        if msg.type == aiohttp.WSMsgType.CLOSED:
            return ws.close_code


async def ws_send(ws: aiohttp.ClientWebSocketResponse, type_: str, data: Any = None) -> None:
    await ws.send_str(json.dumps({"type": type_, "data": data}))


async def ws_next(ws: aiohttp.ClientWebSocketResponse, type_: str, within: float = 3.0) -> dict:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"no {type_} message"
        msg = await ws.receive(timeout=left)
        assert msg.type == aiohttp.WSMsgType.TEXT, f"socket closed waiting for {type_}: {msg}"
        data = json.loads(msg.data)
        if data["type"] == type_:
            return data


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "dialect" in metafunc.fixturenames:
        both = getattr(metafunc.module, "BOTH_DIALECTS", False)
        metafunc.parametrize("dialect", ["sqlite", "postgres"] if both else ["sqlite"])


@pytest.fixture(name="app")
async def app_fixture(dialect: str, tmp_path: Path) -> AsyncIterator[App]:
    """A migrated App on a fresh SQLite file, or on a fresh PostgreSQL database."""
    if dialect == "sqlite":
        async with opened_app(make_settings(tmp_path)) as application:
            yield application
        return
    if not POSTGRES_UP:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    name = f"tge_test_{uuid.uuid4().hex[:10]}"
    await db.recreate_postgres_db(PG_ADMIN_URL, name)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        async with opened_app(make_settings(tmp_path, DATABASE_URL=url)) as application:
            yield application
    finally:
        await db.drop_postgres_db(PG_ADMIN_URL, name)
