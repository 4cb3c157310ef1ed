"""Shared pieces for the security tests (one file per row of issue #13)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from tests.web_helpers import FAST, Caller, make_user, serve  # noqa: F401 (re-exported)


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
