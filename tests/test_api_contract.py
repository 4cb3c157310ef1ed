"""The API does what its OpenAPI document says (issue #17): the cases found by hand.

Each ran against main before the fix: a 500 from PostgreSQL for a date whose UTC form leaves
the calendar, response bodies longer than their schema allowed, an HTML 404, whole-number
floats refused as integers, and two credentials answered differently by order.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from core.models import User
from core.runtime import App
from tests.web_helpers import (  # noqa: F401 (the *_fixture names are fixtures)
    FAST,
    Caller,
    admin_fixture,
    alice_fixture,
    assert_error,
    bob_fixture,
    client_fixture,
    make_user,
    serve,
)
from web.openapi import build_openapi
from web.routes import all_routes
from web.schema import parse_datetime

DOC = build_openapi(all_routes(FAST))


@pytest.fixture(params=["sqlite", "postgres"])
def any_app(request: pytest.FixtureRequest) -> App:
    """The same test on a fresh SQLite file and on a fresh PostgreSQL database."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


def response_schema(method: str, path: str, status: int) -> dict[str, Any]:
    op = DOC["paths"][path][method.lower()]
    return op["responses"][str(status)]["content"]["application/json"]["schema"]


def assert_documented(body: Any, method: str, path: str, status: int) -> None:
    schema = response_schema(method, path, status)
    errors = list(Draft202012Validator(schema).iter_errors(body))
    assert not errors, [e.message[:200] for e in errors]


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
async def test_out_of_range_since_is_422_on_both_databases(any_app: App, since: str) -> None:
    client = await serve(any_app)
    try:
        alice = await make_user(any_app, "alice")
        resp = await client.get("/alerts", params={"since": since}, headers=alice.headers)
        assert resp.status == 422
        assert_error(await resp.json(), "invalid", "since")
        # the same instants inside the range are fine on both
        for ok in ("0001-01-01T01:00:00+01:00", "9999-12-31T23:59:59+00:00"):
            resp = await client.get("/alerts", params={"since": ok}, headers=alice.headers)
            assert resp.status == 200, await resp.text()
    finally:
        await client.close()


async def test_since_is_compared_in_utc(any_app: App) -> None:
    client = await serve(any_app)
    try:
        admin = await make_user(any_app, "root", role="admin")
        resp = await client.post("/alerts", json={"title": "Foo TGE"}, headers=admin.headers)
        assert resp.status == 201
        now = datetime.now(UTC)
        earlier = (now - timedelta(minutes=30)).astimezone(timezone(timedelta(hours=5)))
        later = (now + timedelta(minutes=30)).astimezone(timezone(timedelta(hours=-5)))
        resp = await client.get(
            "/alerts", params={"since": earlier.isoformat()}, headers=admin.headers
        )
        assert [a["title"] for a in (await resp.json())["items"]] == ["Foo TGE"]
        resp = await client.get(
            "/alerts", params={"since": later.isoformat()}, headers=admin.headers
        )
        assert (await resp.json())["items"] == []
    finally:
        await client.close()
    parsed = parse_datetime("2026-01-01T05:00:00+05:00", "since")
    assert parsed == datetime(2026, 1, 1, tzinfo=UTC) and parsed.utcoffset() == timedelta(0)


async def test_responses_match_their_schemas_at_request_limits(client, admin: Caller) -> None:
    url = "https://news.example.com/" + "a" * 1500
    resp = await client.post(
        "/alerts", json={"title": "t" * 500, "url": url}, headers=admin.headers
    )
    assert resp.status == 201
    assert_documented(await resp.json(), "POST", "/alerts", 201)
    resp = await client.post("/commands/help", json={}, headers=admin.headers)
    body = await resp.json()
    assert resp.status == 200 and len(body["text"]) > 1000
    assert_documented(body, "POST", "/commands/{name}", 200)


async def test_unknown_company_filter_is_a_documented_404(client, alice: Caller) -> None:
    resp = await client.get("/alerts", params={"company": "NoSuchCo"}, headers=alice.headers)
    assert resp.status == 404
    assert_error(await resp.json(), "not_found")
    assert "404" in DOC["paths"]["/alerts"]["get"]["responses"]


async def test_unsubscribe_errors_are_json(client) -> None:
    resp = await client.get("/unsubscribe/abc")
    assert resp.status == 404 and resp.content_type == "application/json"
    assert_error(await resp.json(), "not_found", "token")
    documented = DOC["paths"]["/unsubscribe/{token}"]["get"]["responses"]["404"]
    assert list(documented["content"]) == ["application/json"]


async def test_whole_number_floats_are_integers(client, alice: Caller) -> None:
    resp = await client.post(
        "/auth/api-keys", json={"name": "ci", "expires_in_days": 30.0}, headers=alice.headers
    )
    assert resp.status == 201, await resp.text()
    resp = await client.post(
        "/auth/api-keys", json={"name": "ci", "expires_in_days": 30.5}, headers=alice.headers
    )
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", "expires_in_days")
    resp = await client.get("/feeds", params={"limit": "5.0"}, headers=alice.headers)
    assert resp.status == 200
    resp = await client.get("/feeds", params={"limit": "5.5"}, headers=alice.headers)
    assert resp.status == 422


def test_schema_states_what_the_server_enforces() -> None:
    feeds = DOC["paths"]["/feeds"]["post"]["requestBody"]["content"]["application/json"]
    assert feeds["schema"]["properties"]["url"]["pattern"].startswith("^[hH][tT][tT][pP]")
    companies = DOC["paths"]["/companies"]["post"]["requestBody"]["content"]["application/json"]
    token = companies["schema"]["properties"]["tokens"]["items"]
    assert token["pattern"] == r"^\$?[A-Za-z0-9]{1,15}$"
    cursor = next(p for p in DOC["paths"]["/feeds"]["get"]["parameters"] if p["name"] == "cursor")
    assert "opaque" in cursor["description"] and cursor["schema"]["format"] == "cursor-id"


async def test_ambiguous_credentials_are_refused(
    client, app: App, alice: Caller, bob: Caller
) -> None:
    alice_user = await User.get(id=alice.id)
    bob_user = await User.get(id=bob.id)
    _, alice_read = await app.accounts.create_api_key(alice_user, "r", scopes=["read"])
    _, bob_key = await app.accounts.create_api_key(bob_user, "b")
    jwt = alice.headers
    cases = {
        "valid JWT, junk key": ({**jwt, "X-API-Key": "junk"}, 401),
        "junk JWT, valid key": ({"Authorization": "Bearer junk", "X-API-Key": alice_read}, 401),
        "two users": ({**jwt, "X-API-Key": bob_key}, 401),
        "same user": ({**jwt, "X-API-Key": alice_read}, 200),
    }
    for name, (headers, status) in cases.items():
        resp = await client.get("/me", headers=headers)
        assert resp.status == status, name
        if status == 401:
            assert_error(await resp.json(), "unauthorized")
    # the same user with both: the key's (read-only) scopes apply
    resp = await client.post(
        "/auth/api-keys", json={"name": "x"}, headers={**jwt, "X-API-Key": alice_read}
    )
    assert resp.status == 403
    assert "ambiguous" in DOC["components"]["securitySchemes"]["apiKeyAuth"]["description"].lower()
