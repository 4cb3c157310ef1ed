"""Row 7: a password change ends existing sessions, and there is a logout-everywhere."""

from __future__ import annotations

from core.runtime import App
from tests.security.helpers import app_fixture, closed_with, pytest_generate_tests  # noqa: F401
from tests.web_helpers import (  # noqa: F401 (fixtures)
    Caller,
    alice_fixture,
    client_fixture,
)

BOTH_DIALECTS = True  # run on PostgreSQL as well as SQLite


async def test_password_change_ends_other_sessions(client, app: App, alice: Caller) -> None:
    other_device = alice.headers
    resp = await client.post(
        "/auth/password",
        json={"current_password": "password123", "new_password": "a-new-password"},
        headers=alice.headers,
    )
    assert resp.status == 200, await resp.text()
    fresh = {"Authorization": f"Bearer {(await resp.json())['access_token']}"}
    assert (await client.get("/me", headers=other_device)).status == 401
    assert (await client.get("/me", headers=fresh)).status == 200
    resp = await client.post("/auth/login", json={"username": "alice", "password": "password123"})
    assert resp.status == 401


async def test_logout_all_ends_tokens_and_websockets(client, app: App, alice: Caller) -> None:
    ws = await client.ws_connect("/ws", headers=alice.headers)
    resp = await client.post("/auth/logout-all", headers=alice.headers)
    assert resp.status == 204
    assert (await client.get("/me", headers=alice.headers)).status == 401
    assert await closed_with(ws, within=3) == 4401
    resp = await client.post("/auth/login", json={"username": "alice", "password": "password123"})
    token = (await resp.json())["access_token"]
    assert (await client.get("/me", headers={"Authorization": f"Bearer {token}"})).status == 200
