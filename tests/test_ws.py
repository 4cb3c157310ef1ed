"""WebSocket hub: auth (message or header), subscribe filters, ping, heartbeat, slow clients."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from core.runtime import App, create_app
from tests.conftest import make_settings, needs_redis, wait_for
from tests.web_helpers import (  # noqa: F401 (the *_fixture names are fixtures)
    FAST,
    Caller,
    alice_fixture,
    client_fixture,
    make_user,
    serve,
)
from web.config import WebConfig
from web.keys import HUB_KEY


async def recv(ws: aiohttp.ClientWebSocketResponse, type_: str, within: float = 3.0) -> dict:
    """The next message of `type_`, skipping heartbeats and others."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"no {type_} message")
        msg = await ws.receive(timeout=left)
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"socket closed while waiting for {type_}: {msg}")
        data = json.loads(msg.data)
        if data["type"] == type_:
            return data


async def send(ws: aiohttp.ClientWebSocketResponse, type_: str, data: Any = None) -> None:
    await ws.send_str(json.dumps({"type": type_, "data": data}))


def alert(i: int, confidence: float = 0.9, companies: tuple[str, ...] = ("Foo Labs",)) -> dict:
    return {
        "type": "alert",
        "data": {
            "id": i,
            "title": f"alert {i}",
            "confidence": confidence,
            "companies": list(companies),
            "why": "because",
        },
    }


async def authed(client, caller: Caller, **filters: Any) -> aiohttp.ClientWebSocketResponse:
    ws = await client.ws_connect("/ws")
    await send(ws, "auth", {"token": caller.token})
    status = await recv(ws, "status")
    assert status["data"]["authenticated"] and status["data"]["user"]["username"] == caller.username
    await send(ws, "subscribe", filters)
    assert (await recv(ws, "status"))["data"]["subscribed"]
    return ws


async def test_auth_message_subscribe_and_receive(client, app: App, alice) -> None:
    ws = await authed(client, alice)
    await app.bus.publish("alerts", alert(1))
    got = await recv(ws, "alert")
    assert got["data"]["id"] == 1 and got["data"]["why"] == "because"
    await ws.close()


async def test_api_key_and_header_auth(client, app: App, alice) -> None:
    user = await app.accounts.create_user("keyuser", "password123")
    _, key = await app.accounts.create_api_key(user, "ws")
    ws = await client.ws_connect("/ws")
    await send(ws, "auth", {"api_key": key})
    assert (await recv(ws, "status"))["data"]["user"]["username"] == "keyuser"
    await ws.close()
    ws = await client.ws_connect("/ws", headers=alice.headers)
    assert (await recv(ws, "status"))["data"]["authenticated"]
    await ws.close()
    with pytest.raises(aiohttp.WSServerHandshakeError) as info:
        await client.ws_connect("/ws", headers={"Authorization": "Bearer nope"})
    assert info.value.status == 401


async def test_filters_confidence_and_companies(client, app: App, alice) -> None:
    high = await authed(client, alice, confidence_threshold=0.8)
    foo = await authed(client, alice, companies=["foo labs"])
    await app.bus.publish("alerts", alert(1, 0.5, ("Foo Labs",)))
    await app.bus.publish("alerts", alert(2, 0.95, ("Bar",)))
    assert (await recv(high, "alert"))["data"]["id"] == 2
    assert (await recv(foo, "alert"))["data"]["id"] == 1
    await send(foo, "unsubscribe")
    assert not (await recv(foo, "status"))["data"]["subscribed"]
    await app.bus.publish("alerts", alert(3, 0.99, ("Foo Labs",)))
    assert (await recv(high, "alert"))["data"]["id"] == 3
    await send(foo, "ping", {"n": 1})
    # the unsubscribed client got no alert 3 before the pong
    msg = json.loads((await foo.receive(timeout=2)).data)
    while msg["type"] == "heartbeat":
        msg = json.loads((await foo.receive(timeout=2)).data)
    assert msg == {"type": "pong", "data": {"n": 1}}
    await high.close()
    await foo.close()


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "invalid_json"),
        ("[1,2]", "invalid"),
        ('{"type": 5}', "invalid"),
        ('{"type": "dance"}', "invalid"),
        ('{"type": "subscribe", "data": {"confidence_threshold": 3}}', "invalid"),
        ('{"type": "subscribe", "data": {"companies": "Foo"}}', "invalid"),
        ('{"type": "auth", "data": {"token": "bad"}}', "unauthorized"),
    ],
)
async def test_malformed_messages_get_errors_not_disconnects(client, alice, raw, code) -> None:
    ws = await client.ws_connect("/ws", headers=alice.headers)
    await recv(ws, "status")
    await ws.send_str(raw)
    err = await recv(ws, "error")
    assert err["data"]["code"] == code and err["data"]["message"]
    await send(ws, "ping")
    assert (await recv(ws, "pong"))["type"] == "pong"  # still connected
    await ws.close()


async def test_unauthenticated_is_closed_after_timeout(client) -> None:
    ws = await client.ws_connect("/ws")
    await send(ws, "subscribe", {})
    err = await recv(ws, "error")
    assert err["data"]["code"] == "unauthorized"  # must authenticate first; not closed yet
    await send(ws, "ping")
    await recv(ws, "pong")
    err = await recv(ws, "error", within=FAST.ws_auth_timeout_s + 2)
    assert "timed out" in err["data"]["message"]
    msg = await ws.receive(timeout=2)
    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
    assert ws.close_code == 4401


async def test_heartbeat_and_status(client, alice) -> None:
    ws = await authed(client, alice, confidence_threshold=0.3)
    beat = await recv(ws, "heartbeat", within=FAST.ws_heartbeat_s * 5)
    assert beat["data"]["ts"] > 0
    await send(ws, "status")
    status = await recv(ws, "status")
    assert status["data"]["filters"] == {"confidence_threshold": 0.3, "companies": []}
    await ws.close()


async def test_message_rate_limit(client, app: App, alice) -> None:
    app.limiter.set_limit("websocket", "3/1m")
    ws = await client.ws_connect("/ws", headers=alice.headers)
    await recv(ws, "status")
    for _ in range(3):
        await send(ws, "ping")
        await recv(ws, "pong")
    await send(ws, "ping")
    err = await recv(ws, "error")
    assert err["data"]["code"] == "rate_limited" and err["data"]["details"]["retry_after"] > 0
    await ws.close()


async def test_slow_client_is_dropped_without_slowing_others(app: App, alice) -> None:
    config = WebConfig(ws_queue_size=4, ws_heartbeat_s=60, ws_auth_timeout_s=5, access_log=False)
    client = await serve(app, config)
    try:
        hub = client.server.app[HUB_KEY]
        fast = await authed(client, alice)
        # the slow one: a raw socket that authenticates by header and then never reads
        reader, writer = await asyncio.open_connection(client.host, client.port)
        writer.write(
            (
                "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                f"Authorization: Bearer {alice.token}\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        await reader.readuntil(b"\r\n\r\n")
        await wait_for(lambda: hub.client_count == 2)
        slow = next(c for c in hub.clients if c.ws is not None and not c.subscribed)
        hub.subscribe(slow)  # it cannot send a subscribe frame without a masking client
        big = "x" * 200_000
        received = 0
        for i in range(200):
            await app.bus.publish(
                "alerts", {"type": "alert", "data": {"id": i, "title": big, "confidence": 1}}
            )
            await asyncio.sleep(0)
            msg = await fast.receive(timeout=5)
            assert json.loads(msg.data)["data"]["id"] == i
            received += 1
            if hub.client_count == 1:
                break
        assert hub.client_count == 1, "slow client was never dropped"
        assert app.metrics.ws_dropped._value.get() == 1
        assert received < 200
        writer.close()
        await fast.close()
    finally:
        await client.close()


@needs_redis
async def test_alerts_cross_processes_over_redis(tmp_path, redis_url: str) -> None:
    """A worker's App publishes; a client on another App's web process receives."""
    worker = create_app(make_settings(tmp_path / "w", REDIS_URL=redis_url))
    web_app = create_app(make_settings(tmp_path / "w", REDIS_URL=redis_url))
    await worker.open()
    try:
        await web_app.open(migrate=False)
        web_app.accounts._rounds = 4
        try:
            caller = await make_user(web_app, "redis_user")
            client = await serve(web_app)
            try:
                ws = await authed(client, caller)
                for attempt in range(50):  # the subscription may still be registering
                    await worker.bus.publish("alerts", alert(attempt))
                    try:
                        got = await recv(ws, "alert", within=0.2)
                        break
                    except (AssertionError, TimeoutError):
                        continue
                else:
                    raise AssertionError("no alert crossed Redis")
                assert got["data"]["title"].startswith("alert")
                await ws.close()
            finally:
                await client.close()
        finally:
            await web_app.stop()
    finally:
        await worker.stop()


async def test_burst_arrives_complete_and_in_order(app: App, alice) -> None:
    """Frames of a burst are batched into fewer writes; none lost, none reordered."""
    client = await serve(app, replace(FAST, ws_queue_size=64))  # the queue holds the burst
    try:
        high = await authed(client, alice, confidence_threshold=0.5)
        foo = await authed(client, alice, companies=["foo labs"])
        for i in range(50):  # no await between publishes: one flush carries many frames
            await app.bus.publish("alerts", alert(i, 0.9 if i % 2 else 0.2, ("Foo Labs",)))
        got = [(await recv(high, "alert"))["data"]["id"] for _ in range(25)]
        assert got == list(range(1, 50, 2))
        assert [(await recv(foo, "alert"))["data"]["id"] for _ in range(50)] == list(range(50))
        assert app.metrics.ws_dropped._value.get() == 0
        await high.close()
        await foo.close()
    finally:
        await client.close()
