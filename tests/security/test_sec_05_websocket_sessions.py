"""Row 5: a WebSocket closes within seconds when its key is revoked or its user is
disabled, and a key without `read` gets no stream."""

from __future__ import annotations

from core.models import User
from core.runtime import App
from tests.security.helpers import api_key, closed_with, ws_next, ws_send
from tests.web_helpers import FAST, Caller, make_user, serve

QUICK = FAST  # sockets are re-checked every ws_recheck_s (2 s by default)


async def test_revoked_key_closes_the_socket(app: App) -> None:
    client = await serve(app, QUICK)
    try:
        alice = await make_user(app, "alice")
        key = await api_key(client, alice, scopes=["read"])
        ws = await client.ws_connect("/ws", headers={"X-API-Key": key})
        await ws_next(ws, "status")
        await ws_send(ws, "subscribe", {})
        await ws_next(ws, "status")
        key_id = (await (await client.get("/auth/api-keys", headers=alice.headers)).json())[
            "items"
        ][0]["id"]
        resp = await client.delete(f"/auth/api-keys/{key_id}", headers=alice.headers)
        assert resp.status == 204
        assert await closed_with(ws, within=4) == 4401
    finally:
        await client.close()


async def test_disabled_user_is_closed_with_4403(app: App) -> None:
    client = await serve(app, QUICK)
    try:
        alice: Caller = await make_user(app, "alice")
        ws = await client.ws_connect("/ws", headers=alice.headers)
        await ws_next(ws, "status")
        await User.filter(id=alice.id).update(is_active=False)
        assert await closed_with(ws, within=4) == 4403
    finally:
        await client.close()


async def test_a_key_without_read_gets_no_stream(app: App) -> None:
    client = await serve(app, QUICK)
    try:
        alice = await make_user(app, "alice")
        key = await api_key(client, alice, scopes=["write"])
        ws = await client.ws_connect("/ws", headers={"X-API-Key": key})
        await ws_next(ws, "status")
        await ws_send(ws, "subscribe", {})
        error = await ws_next(ws, "error")
        assert error["data"]["code"] == "forbidden"
        await ws_send(ws, "status")
        assert (await ws_next(ws, "status"))["data"]["subscribed"] is False
        await ws.close()
    finally:
        await client.close()
