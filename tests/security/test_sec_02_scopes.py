"""Row 2: scopes mean the same at every door; a key never mints a wider or longer key."""

from __future__ import annotations

from datetime import timedelta

from core.models import APIKey, Company, Feed
from core.runtime import App
from tests.security.helpers import api_key, app_fixture, pytest_generate_tests  # noqa: F401
from tests.web_helpers import (  # noqa: F401 (fixtures)
    Caller,
    admin_fixture,
    alice_fixture,
    client_fixture,
)

BOTH_DIALECTS = True  # run on PostgreSQL as well as SQLite


async def test_a_write_key_cannot_run_admin_commands(client, admin: Caller) -> None:
    key = await api_key(client, admin, scopes=["write"])
    headers = {"X-API-Key": key}
    assert (await client.post("/companies", json={"name": "Acme"}, headers=headers)).status == 403
    resp = await client.post("/commands/company_add", json={"args": "Acme"}, headers=headers)
    assert resp.status in (403, 422)
    assert (await resp.json())["error"]["code"] == "forbidden"
    resp = await client.post(
        "/commands/feed_add", json={"args": "https://feeds.example/rss"}, headers=headers
    )
    assert (await resp.json())["error"]["code"] == "forbidden"
    assert not await Company.filter(name="Acme").exists()
    assert not await Feed.all().exists()


async def test_a_read_key_cannot_change_anything_by_command(client, alice: Caller) -> None:
    key = await api_key(client, alice, scopes=["read"])
    headers = {"Authorization": f"Bearer {key}"}
    resp = await client.post("/commands/alerts", json={"args": ""}, headers=headers)
    assert resp.status == 200  # reading is what the key is for
    resp = await client.post("/commands/apikey", json={"args": "create more"}, headers=headers)
    assert (await resp.json())["error"]["code"] == "forbidden"


async def test_a_key_never_mints_a_wider_or_longer_lived_key(
    client, app: App, admin: Caller
) -> None:
    key = await api_key(client, admin, scopes=["write"], days=1)
    headers = {"X-API-Key": key}
    resp = await client.post(
        "/auth/api-keys", json={"name": "x", "scopes": ["admin"]}, headers=headers
    )
    assert resp.status == 403
    resp = await client.post(
        "/auth/api-keys", json={"name": "x", "expires_in_days": 30}, headers=headers
    )
    assert resp.status == 403
    # by default a child inherits the parent's scopes and expiry
    resp = await client.post("/auth/api-keys", json={"name": "child"}, headers=headers)
    assert resp.status == 201, await resp.text()
    child = await resp.json()
    parent = await APIKey.get(prefix=key.split("_")[1])
    assert child["scopes"] == ["write"]
    stored = await APIKey.get(id=child["id"])
    assert stored.expires_at is not None
    assert stored.expires_at <= parent.expires_at + timedelta(seconds=1)
    # the same rule through the command door
    resp = await client.post("/commands/apikey", json={"args": "create c2"}, headers=headers)
    assert resp.status == 200, await resp.text()
    made = await APIKey.get(name="c2")
    assert made.scopes == ["write"] and made.expires_at == parent.expires_at
