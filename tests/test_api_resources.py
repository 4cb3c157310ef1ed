"""REST resources over the core services: companies, alerts, feeds, subscriptions."""

from __future__ import annotations

import pytest

from core.models import Subscription
from core.runtime import App
from tests.web_helpers import (  # noqa: F401 (the *_fixture names are fixtures)
    Caller,
    admin_fixture,
    alice_fixture,
    assert_error,
    bob_fixture,
    client_fixture,
    make_user,
    serve,
)

# --- companies --------------------------------------------------------------------------


async def test_companies_crud_and_roles(client, admin: Caller, alice: Caller) -> None:
    body = {"name": "Foo Labs", "tokens": ["FOO"], "aliases": ["Foo"], "priority": "HIGH"}
    resp = await client.post("/companies", json=body, headers=alice.headers)
    assert resp.status == 403
    assert_error(await resp.json(), "forbidden")
    resp = await client.post("/companies", json=body, headers=admin.headers)
    assert resp.status == 201
    company = await resp.json()
    assert company["name"] == "Foo Labs" and company["tokens"] == ["FOO"]
    resp = await client.post("/companies", json=body, headers=admin.headers)
    assert resp.status == 409
    assert_error(await resp.json(), "conflict", "name")
    for ref in (company["id"], "foo labs", "$FOO"):
        resp = await client.get(f"/companies/{ref}", headers=alice.headers)
        assert resp.status == 200 and (await resp.json())["id"] == company["id"]
    resp = await client.get("/companies/Fooo%20Labs", headers=alice.headers)
    assert resp.status == 404
    assert "Foo Labs" in (await resp.json())["error"]["details"]["suggestions"]
    resp = await client.patch(
        f"/companies/{company['id']}", json={"priority": "LOW"}, headers=admin.headers
    )
    assert resp.status == 200 and (await resp.json())["priority"] == "LOW"
    resp = await client.patch(f"/companies/{company['id']}", json={}, headers=admin.headers)
    assert resp.status == 422
    resp = await client.patch(
        f"/companies/{company['id']}", json={"priority": "URGENT"}, headers=admin.headers
    )
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", "priority")
    resp = await client.delete(f"/companies/{company['id']}", headers=alice.headers)
    assert resp.status == 403
    resp = await client.delete(f"/companies/{company['id']}", headers=admin.headers)
    assert resp.status == 204
    assert (await client.get(f"/companies/{company['id']}", headers=alice.headers)).status == 404


async def test_companies_list_search_and_cursor(client, app: App, alice: Caller) -> None:
    for i in range(5):
        await app.companies.create(f"Project {i}", tokens=[f"P{i}"])
    await app.companies.create("Other")
    resp = await client.get("/companies?search=project&limit=2", headers=alice.headers)
    first = await resp.json()
    assert [c["name"] for c in first["items"]] == ["Project 0", "Project 1"]
    names = [c["name"] for c in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = await (
            await client.get(
                f"/companies?search=project&limit=2&cursor={cursor}", headers=alice.headers
            )
        ).json()
        names += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
    assert names == [f"Project {i}" for i in range(5)]
    for query, field in (
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("limit=x", "limit"),
        ("cursor=%%%", "cursor"),
    ):
        resp = await client.get(f"/companies?{query}", headers=alice.headers)
        assert resp.status == 422, query
        assert_error(await resp.json(), "invalid", field)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "X", "tokens": "FOO"}, "tokens"),
        ({"name": "X", "tokens": [1]}, "tokens[0]"),
        ({"name": "X", "priority": "urgent"}, "priority"),
        ({"name": "X", "bogus": 1}, "bogus"),
    ],
)
async def test_company_validation(client, admin, payload, field) -> None:
    resp = await client.post("/companies", json=payload, headers=admin.headers)
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", field)


# --- alerts -----------------------------------------------------------------------------


async def test_alerts_list_get_create_feedback(client, app: App, admin, alice) -> None:
    await app.companies.create("Foo Labs", tokens=["FOO"])
    text = "Foo Labs announces the $FOO token generation event and airdrop claim tomorrow"
    resp = await client.post(
        "/alerts",
        json={
            "title": "Foo Labs TGE: $FOO airdrop claim opens",
            "text": text,
            "url": "https://example.com/foo",
        },
        headers=alice.headers,
    )
    assert resp.status == 403
    resp = await client.post(
        "/alerts",
        json={
            "title": "Foo Labs TGE: $FOO airdrop claim opens",
            "text": text,
            "url": "https://example.com/foo",
        },
        headers=admin.headers,
    )
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    assert "explanation" in created and created["confidence"] >= 0
    listed = await (await client.get("/alerts", headers=alice.headers)).json()
    assert [a["id"] for a in listed["items"]] == [created["id"]]
    one = await (await client.get(f"/alerts/{created['id']}", headers=alice.headers)).json()
    assert one["why"] and "analysis" in one
    assert (await client.get("/alerts/99999", headers=alice.headers)).status == 404
    resp = await client.get("/alerts?company=Foo%20Labs&band=high", headers=alice.headers)
    assert resp.status == 200
    resp = await client.post(
        f"/alerts/{created['id']}/feedback", json={"useful": True}, headers=alice.headers
    )
    assert resp.status == 204
    resp = await client.post(
        f"/alerts/{created['id']}/feedback", json={"useful": "yes"}, headers=alice.headers
    )
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", "useful")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("min_confidence=2", "min_confidence"),
        ("min_confidence=abc", "min_confidence"),
        ("band=purple", "band"),
        ("since=yesterday", "since"),
        ("since=2026-01-01T00:00:00", "since"),
        ("limit=101", "limit"),
        ("cursor=zzzz", "cursor"),
        ("company=Nope", None),
    ],
)
async def test_alert_filters_validated(client, alice, query, field) -> None:
    resp = await client.get(f"/alerts?{query}", headers=alice.headers)
    body = await resp.json()
    if field is None:
        assert resp.status == 404
    else:
        assert resp.status == 422, body
        assert_error(body, "invalid", field)


async def test_alerts_route_has_its_own_limit(client, app: App, alice) -> None:
    app.limiter.set_limit("alerts", "2/1h")
    assert (await client.get("/alerts", headers=alice.headers)).status == 200
    assert (await client.get("/alerts", headers=alice.headers)).status == 200
    resp = await client.get("/alerts", headers=alice.headers)
    assert resp.status == 429 and resp.headers["X-RateLimit-Limit"] == "2"
    assert (await client.get("/me", headers=alice.headers)).status == 200


# --- feeds ------------------------------------------------------------------------------


async def test_feeds_admin_writes_and_health(client, admin, alice) -> None:
    feed = {"url": "http://127.0.0.1:9/feed.xml", "kind": "rss", "name": "local"}
    assert (await client.post("/feeds", json=feed, headers=alice.headers)).status == 403
    resp = await client.post("/feeds", json=feed, headers=admin.headers)
    assert resp.status == 201, await resp.text()
    created = await resp.json()
    listed = await (await client.get("/feeds", headers=alice.headers)).json()
    assert [f["id"] for f in listed["items"]] == [created["id"]]
    one = await (await client.get(f"/feeds/{created['id']}", headers=alice.headers)).json()
    assert one["enabled"] is True
    resp = await client.patch(
        f"/feeds/{created['id']}", json={"enabled": False}, headers=alice.headers
    )
    assert resp.status == 403
    resp = await client.patch(
        f"/feeds/{created['id']}", json={"enabled": False}, headers=admin.headers
    )
    assert resp.status == 200 and (await resp.json())["enabled"] is False
    assert (await client.get("/feeds/4242", headers=alice.headers)).status == 404
    assert (await client.delete(f"/feeds/{created['id']}", headers=alice.headers)).status == 403
    assert (await client.delete(f"/feeds/{created['id']}", headers=admin.headers)).status == 204


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "ftp://example.com/feed"}, "url"),
        ({"url": "http://"}, "url"),
        ({"kind": "rss"}, "url"),
        ({"url": "http://127.0.0.1/x", "interval_s": 5}, "interval_s"),
        ({"url": "http://127.0.0.1/x", "kind": "gopher"}, "kind"),
    ],
)
async def test_refused_feed_url_is_422_with_reason(client, admin, payload, field) -> None:
    resp = await client.post("/feeds", json=payload, headers=admin.headers)
    assert resp.status == 422
    body = await resp.json()
    assert_error(body, "invalid", field)


async def test_private_address_refused_when_not_allowed(tmp_path) -> None:
    from core.runtime import create_app
    from tests.conftest import make_settings

    strict = create_app(make_settings(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="false"))
    await strict.open()
    try:
        admin = await make_user(strict, "root", role="admin")
        c = await serve(strict)
        try:
            resp = await c.post(
                "/feeds", json={"url": "http://10.0.0.1/feed"}, headers=admin.headers
            )
            assert resp.status == 422
            body = await resp.json()
            assert body["error"]["details"]["field"] == "url"
            assert body["error"]["message"]
        finally:
            await c.close()
    finally:
        await strict.stop()


# --- destinations, subscriptions, watchlist, unsubscribe ---------------------------------


async def test_destinations_and_subscriptions_object_level(client, app, alice, bob) -> None:
    resp = await client.post(
        "/destinations",
        json={"kind": "webhook", "address": "https://hooks.example.com/a", "name": "hook"},
        headers=alice.headers,
    )
    assert resp.status == 201, await resp.text()
    dest = await resp.json()
    assert dest["secret"]  # shown once
    listed = await (await client.get("/destinations", headers=alice.headers)).json()
    assert [d["id"] for d in listed["items"]] == [dest["id"]] and "secret" not in listed["items"][0]
    assert (await (await client.get("/destinations", headers=bob.headers)).json())["items"] == []
    # bob cannot subscribe alice's destination
    resp = await client.post(
        "/subscriptions", json={"destination_id": dest["id"]}, headers=bob.headers
    )
    assert resp.status == 404
    resp = await client.post(
        "/subscriptions",
        json={"destination_id": dest["id"], "min_confidence": 0.7, "mode": "instant"},
        headers=alice.headers,
    )
    assert resp.status == 201, await resp.text()
    sub = await resp.json()
    assert sub["min_confidence"] == 0.7
    resp = await client.patch(
        f"/subscriptions/{sub['id']}", json={"min_confidence": 0.9}, headers=bob.headers
    )
    assert resp.status == 404
    resp = await client.patch(
        f"/subscriptions/{sub['id']}", json={"min_confidence": 1.5}, headers=alice.headers
    )
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", "min_confidence")
    resp = await client.patch(
        f"/subscriptions/{sub['id']}", json={"mode": "digest"}, headers=alice.headers
    )
    assert resp.status == 200 and (await resp.json())["mode"] == "digest"
    assert (await (await client.get("/subscriptions", headers=bob.headers)).json())["items"] == []
    listed = await (await client.get("/subscriptions", headers=alice.headers)).json()
    assert [s["id"] for s in listed["items"]] == [sub["id"]]
    assert (await client.delete(f"/subscriptions/{sub['id']}", headers=bob.headers)).status == 404
    assert (await client.delete(f"/destinations/{dest['id']}", headers=bob.headers)).status == 404
    resp = await client.delete(f"/subscriptions/{sub['id']}", headers=alice.headers)
    assert resp.status == 204
    assert (await client.delete(f"/destinations/{dest['id']}", headers=alice.headers)).status == 204


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "pigeon", "address": "x"}, "kind"),
        ({"kind": "webhook"}, "address"),
        ({"kind": "email", "address": "not-an-email"}, "address"),
        ({"kind": "webhook", "address": "ftp://x"}, "address"),
    ],
)
async def test_destination_validation(client, alice, payload, field) -> None:
    resp = await client.post("/destinations", json=payload, headers=alice.headers)
    assert resp.status == 422, await resp.text()
    assert_error(await resp.json(), "invalid", field)


async def test_watchlist(client, app: App, alice) -> None:
    await app.companies.create("Foo Labs", tokens=["FOO"])
    resp = await client.put("/watchlist/$FOO", headers=alice.headers)
    assert resp.status == 200
    assert [c["name"] for c in (await resp.json())["items"]] == ["Foo Labs"]
    resp = await client.put("/watchlist/Nope", headers=alice.headers)
    assert resp.status == 404
    assert (await client.delete("/watchlist/Foo%20Labs", headers=alice.headers)).status == 204
    assert (await client.delete("/watchlist/Foo%20Labs", headers=alice.headers)).status == 404
    assert (await (await client.get("/watchlist", headers=alice.headers)).json())["items"] == []


async def test_unsubscribe_page(client, app: App, alice) -> None:
    user = await app.accounts.create_user("carol", "password123")
    dest = await app.subscriptions.create_destination(user, "webhook", "https://h.example.com/c")
    sub = await app.subscriptions.subscribe(user, dest)
    token = sub.unsubscribe_token or ""
    resp = await client.get(f"/unsubscribe/{token}")
    assert resp.status == 200
    assert resp.content_type == "text/html" and "Unsubscribed" in await resp.text()
    assert not (await Subscription.get(id=sub.id)).active
    resp = await client.get("/unsubscribe/not-a-real-token-123")
    assert resp.status == 404 and "<script" not in await resp.text()


# --- the command registry over REST --------------------------------------------------------


async def test_commands_over_rest(client, app: App, alice) -> None:
    listed = await (await client.get("/commands", headers=alice.headers)).json()
    names = {c["name"] for c in listed["items"]}
    assert names and names <= set(app.commands.registry.names())
    await app.companies.create("Foo Labs", tokens=["FOO"])
    resp = await client.post("/commands/watch", json={"args": "Foo Labs"}, headers=alice.headers)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["ok"] is True
    watched = await (await client.get("/watchlist", headers=alice.headers)).json()
    assert [c["name"] for c in watched["items"]] == ["Foo Labs"]
    resp = await client.post("/commands/nosuch", json={}, headers=alice.headers)
    assert resp.status == 404
    resp = await client.post("/commands/BAD-NAME", json={}, headers=alice.headers)
    assert resp.status == 422
    assert (await client.post("/commands/watch", json={})).status == 401
