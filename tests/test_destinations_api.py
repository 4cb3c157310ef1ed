"""PATCH /destinations/{id}: rename, re-address, rotate a webhook secret; object-level checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from core.models import Destination, User
from core.runtime import App
from core.secretbox import SecretBox
from tests.web_helpers import Caller, make_user, serve

SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"  # tests/conftest.py


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient[Any, Any]]:
    c = await serve(app)
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture
async def alice(app: App) -> Caller:
    return await make_user(app, "alice")


@pytest.fixture
async def bob(app: App) -> Caller:
    return await make_user(app, "bob")


def assert_invalid(body: dict[str, Any], field: str) -> None:
    assert body["error"]["code"] == "invalid", body
    assert body["error"]["details"]["field"] == field, body


async def _create(client: TestClient[Any, Any], who: Caller, **payload: Any) -> dict[str, Any]:
    resp = await client.post("/destinations", json=payload, headers=who.headers)
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def _stored_secret(dest_id: int) -> str | None:
    """The secret in clear: it is stored sealed with a key derived from SECRET_KEY."""
    stored = (await Destination.get(id=dest_id)).secret
    assert stored is None or stored.startswith("v1:")
    return SecretBox(SECRET_KEY).open(stored)


async def test_rename_readdress_and_rotate_a_webhook(client, alice: Caller) -> None:
    hook = await _create(client, alice, kind="webhook", address="https://h.example.com/a")
    url = f"/destinations/{hook['id']}"
    resp = await client.patch(url, json={"name": "ops"}, headers=alice.headers)
    assert resp.status == 200, await resp.text()
    got = await resp.json()
    assert got["name"] == "ops" and got["address"] == "https://h.example.com/a"
    assert "secret" not in got  # only creation and rotation show it
    resp = await client.patch(
        url,
        json={"address": "https://h.example.com/b", "rotate_secret": True},
        headers=alice.headers,
    )
    assert resp.status == 200, await resp.text()
    got = await resp.json()
    assert got["address"] == "https://h.example.com/b" and got["verified"] is True
    assert got["secret"] and got["secret"] != hook["secret"]
    assert await _stored_secret(hook["id"]) == got["secret"]
    listed = await (await client.get("/destinations", headers=alice.headers)).json()
    assert listed["items"][0]["name"] == "ops" and "secret" not in listed["items"][0]
    resp = await client.patch(url, json={"rotate_secret": False}, headers=alice.headers)
    assert resp.status == 200 and "secret" not in await resp.json()
    assert await _stored_secret(hook["id"]) == got["secret"]


async def test_changing_an_email_address_needs_verification_again(
    client, app: App, alice: Caller
) -> None:
    user = await User.get(id=alice.id)
    dest, code = await app.subscriptions.start_email_verification(user, "a@example.com")
    await app.subscriptions.verify_email(user, code)
    assert (await Destination.get(id=dest.id)).verified
    resp = await client.patch(
        f"/destinations/{dest.id}", json={"address": "New@Example.com"}, headers=alice.headers
    )
    assert resp.status == 200, await resp.text()
    got = await resp.json()
    assert got["address"] == "new@example.com" and got["verified"] is False
    # same address again (normalised): nothing changes
    resp = await client.patch(
        f"/destinations/{dest.id}", json={"address": "new@example.com"}, headers=alice.headers
    )
    assert (await resp.json())["verified"] is False


async def test_needs_credentials(client, alice: Caller) -> None:
    hook = await _create(client, alice, kind="webhook", address="https://h.example.com/a")
    resp = await client.patch(f"/destinations/{hook['id']}", json={"name": "x"})
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "unauthorized"


async def test_another_users_destination_is_404(client, alice: Caller, bob: Caller) -> None:
    hook = await _create(client, alice, kind="webhook", address="https://h.example.com/a")
    for payload in ({"name": "mine"}, {"rotate_secret": True}):
        resp = await client.patch(f"/destinations/{hook['id']}", json=payload, headers=bob.headers)
        assert resp.status == 404
        assert (await resp.json())["error"]["code"] == "not_found"
    resp = await client.patch("/destinations/999999", json={"name": "x"}, headers=alice.headers)
    assert resp.status == 404
    stored = await Destination.get(id=hook["id"])
    assert stored.name == "" and await _stored_secret(hook["id"]) == hook["secret"]


@pytest.mark.parametrize(
    ("kind", "address", "payload", "field"),
    [
        ("webhook", "https://h.example.com/a", {"owner": 2}, "owner"),
        ("webhook", "https://h.example.com/a", {"verified": True}, "verified"),
        ("webhook", "https://h.example.com/a", {}, "body"),
        ("webhook", "https://h.example.com/a", {"address": "ftp://x"}, "address"),
        ("webhook", "https://h.example.com/a", {"address": ""}, "address"),
        ("webhook", "https://h.example.com/a", {"name": "n" * 129}, "name"),
        ("webhook", "https://h.example.com/a", {"rotate_secret": "yes"}, "rotate_secret"),
        ("email", "a@example.com", {"address": "not-an-email"}, "address"),
        ("email", "a@example.com", {"rotate_secret": True}, "rotate_secret"),
        ("telegram", "-100123", {"address": "-100456"}, "address"),
    ],
)
async def test_bad_changes_are_422_with_the_field(
    client, alice: Caller, kind: str, address: str, payload: dict[str, Any], field: str
) -> None:
    dest = await _create(client, alice, kind=kind, address=address)
    resp = await client.patch(f"/destinations/{dest['id']}", json=payload, headers=alice.headers)
    assert resp.status == 422, await resp.text()
    assert_invalid(await resp.json(), field)
    stored = await Destination.get(id=dest["id"])
    assert stored.address == address.lower() and stored.name == ""


async def test_an_address_someone_else_has_is_409(client, alice: Caller, bob: Caller) -> None:
    await _create(client, bob, kind="webhook", address="https://h.example.com/bob")
    hook = await _create(client, alice, kind="webhook", address="https://h.example.com/a")
    resp = await client.patch(
        f"/destinations/{hook['id']}",
        json={"address": "https://h.example.com/bob"},
        headers=alice.headers,
    )
    assert resp.status == 409
    body = await resp.json()
    assert body["error"]["code"] == "conflict" and body["error"]["details"]["field"] == "address"


async def test_openapi_documents_the_patch(client) -> None:
    doc = await (await client.get("/openapi.json")).json()
    op = doc["paths"]["/destinations/{id}"]["patch"]
    assert {"200", "401", "404", "409", "422"} <= set(op["responses"])
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"name", "address", "rotate_secret"}
    assert schema["additionalProperties"] is False
