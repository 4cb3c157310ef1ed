"""REST API through its front door: auth, errors, validation, rate limits, core routes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

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
from web.cache import TTLCache

# --- auth -------------------------------------------------------------------------------


async def test_login_issues_jwt_usable_on_me(client, alice: Caller) -> None:
    resp = await client.post("/auth/login", json={"username": "alice", "password": "password123"})
    assert resp.status == 200
    data = await resp.json()
    assert data["token_type"] == "bearer" and data["expires_in"] > 0
    me = await client.get("/me", headers={"Authorization": f"Bearer {data['access_token']}"})
    assert me.status == 200
    body = await me.json()
    assert body["username"] == "alice" and body["role"] == "user" and body["auth"] == "token"
    assert "password_hash" not in body


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"username": "alice", "password": "wrong-password"}, 401, "unauthorized", None),
        ({"username": "nobody", "password": "password123"}, 401, "unauthorized", None),
        ({"username": "alice"}, 422, "invalid", "password"),
        ({"username": 5, "password": "x"}, 422, "invalid", "username"),
        ({"username": "a", "password": "b", "extra": 1}, 422, "invalid", "extra"),
        ([1, 2], 422, "invalid", "body"),
    ],
)
async def test_login_failures(client, alice, payload, status, code, field) -> None:
    resp = await client.post("/auth/login", json=payload)
    assert resp.status == status
    assert_error(await resp.json(), code, field)


@pytest.mark.parametrize("raw", [b"{not json", b'{"username": NaN}', b"\xff\xfe", b'{"a":'])
async def test_malformed_json_is_400_not_500(client, raw: bytes) -> None:
    resp = await client.post("/auth/login", data=raw, headers={"Content-Type": "application/json"})
    assert resp.status == 400
    assert_error(await resp.json(), "invalid_json")


async def test_empty_body_is_422(client) -> None:
    resp = await client.post("/auth/login", data=b"")
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", "body")


def _token(secret: str, **claims: Any) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


async def test_jwt_edge_cases_are_401(client, app: App, alice: Caller) -> None:
    secret = app.settings.secret_key
    now = datetime.now(UTC)
    expired = _token(secret, sub=str(alice.id), exp=int((now - timedelta(minutes=1)).timestamp()))
    no_exp = _token(secret, sub=str(alice.id))
    wrong_key = _token(
        "another-secret-key-of-enough-length-000000",
        sub=str(alice.id),
        exp=int((now + timedelta(hours=1)).timestamp()),
    )
    header = jwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    payload = jwt.utils.base64url_encode(
        f'{{"sub":"{alice.id}","exp":{int(now.timestamp()) + 3600}}}'.encode()
    ).decode()
    alg_none = f"{header}.{payload}."
    unknown_user = _token(secret, sub="99999", exp=int((now + timedelta(hours=1)).timestamp()))
    for token in (expired, no_exp, wrong_key, alg_none, unknown_user, "garbage", "a.b.c"):
        resp = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 401, token
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")
        assert_error(await resp.json(), "unauthorized")
    expired_resp = await client.get("/me", headers={"Authorization": f"Bearer {expired}"})
    assert "expired" in (await expired_resp.json())["error"]["message"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}, {"X-API-Key": "nope"}],
)
async def test_missing_or_bad_credentials_are_401(client, headers) -> None:
    resp = await client.get("/me", headers=headers)
    assert resp.status == 401
    assert_error(await resp.json(), "unauthorized")


async def test_api_keys_lifecycle(client, alice: Caller, bob: Caller) -> None:
    resp = await client.post("/auth/api-keys", json={"name": "ci"}, headers=alice.headers)
    assert resp.status == 201
    created = await resp.json()
    secret = created["key"]
    assert secret.startswith("tge_") and created["scopes"] == ["read", "write"]
    me = await client.get("/me", headers={"X-API-Key": secret})
    assert me.status == 200 and (await me.json())["auth"] == "api_key"
    listed = await (await client.get("/auth/api-keys", headers=alice.headers)).json()
    assert [k["id"] for k in listed["items"]] == [created["id"]]
    assert "key" not in listed["items"][0] and listed["items"][0]["usage_count"] == 1
    # bob sees none of alice's keys and cannot revoke them: 404, not 403
    assert (await (await client.get("/auth/api-keys", headers=bob.headers)).json())["items"] == []
    resp = await client.delete(f"/auth/api-keys/{created['id']}", headers=bob.headers)
    assert resp.status == 404
    assert_error(await resp.json(), "not_found")
    resp = await client.delete(f"/auth/api-keys/{created['id']}", headers=alice.headers)
    assert resp.status == 204
    resp = await client.get("/me", headers={"X-API-Key": secret})
    assert resp.status == 401


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({}, 422, "name"),
        ({"name": ""}, 422, "name"),
        ({"name": "x", "scopes": ["root"]}, 422, "scopes[0]"),
        ({"name": "x", "expires_in_days": 0}, 422, "expires_in_days"),
        ({"name": "x", "expires_in_days": "7"}, 422, "expires_in_days"),
        ({"name": "x", "scopes": ["admin"]}, 403, "scopes"),
    ],
)
async def test_api_key_validation(client, alice, payload, status, field) -> None:
    resp = await client.post("/auth/api-keys", json=payload, headers=alice.headers)
    assert resp.status == status
    body = await resp.json()
    assert body["error"]["details"]["field"] == field


async def test_read_only_key_cannot_write(client, alice: Caller) -> None:
    resp = await client.post(
        "/auth/api-keys", json={"name": "ro", "scopes": ["read"]}, headers=alice.headers
    )
    key = (await resp.json())["key"]
    assert (await client.get("/me", headers={"X-API-Key": key})).status == 200
    resp = await client.post("/auth/api-keys", json={"name": "x"}, headers={"X-API-Key": key})
    assert resp.status == 403
    assert_error(await resp.json(), "forbidden")


async def test_link_code_joins_accounts(client, app: App, alice: Caller) -> None:
    tg_user = await app.accounts.ensure_identity("telegram", 4242, "alice_tg")
    code = await app.accounts.create_link_code(tg_user)
    resp = await client.post("/auth/link", json={"code": code}, headers=alice.headers)
    assert resp.status == 200  # first only what would happen: nothing merged yet
    preview = await resp.json()
    assert preview["confirmed"] is False and "te_4242" in preview["preview"]
    assert (await client.get("/me", headers=alice.headers)).status == 200
    resp = await client.post(
        "/auth/link", json={"code": code, "confirm": True}, headers=alice.headers
    )
    assert resp.status == 200
    merged = await resp.json()
    assert merged["id"] == tg_user.id  # alice's web account joined the Telegram one
    # alice's old account is gone, so its token no longer works; codes are single-use
    assert (await client.get("/me", headers=alice.headers)).status == 401
    bob = await make_user(app, "bob3")
    resp = await client.post(
        "/auth/link", json={"code": code, "confirm": True}, headers=bob.headers
    )
    assert resp.status == 422


async def test_link_code_issue_and_redeem_invalid(client, alice: Caller) -> None:
    resp = await client.post("/auth/link-code", headers=alice.headers)
    assert resp.status == 201
    assert len((await resp.json())["code"]) >= 6
    resp = await client.post("/auth/link", json={"code": "BAD-BAD-BAD"}, headers=alice.headers)
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", "code")


# --- errors, headers, system routes ------------------------------------------------------


async def test_unknown_route_and_method_are_json(client, alice) -> None:
    resp = await client.get("/no/such/thing")
    assert resp.status == 404
    assert_error(await resp.json(), "not_found")
    resp = await client.put("/me", headers=alice.headers)
    assert resp.status == 405
    assert_error(await resp.json(), "method_not_allowed")


async def test_request_id_and_security_headers(client) -> None:
    resp = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["X-Request-ID"] == "abc-123"
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    resp = await client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert len(resp.headers["X-Request-ID"]) == 32


async def test_body_too_large_is_413_json(client, alice) -> None:
    resp = await client.post("/auth/api-keys", data=b"x" * (2 * 1024 * 1024), headers=alice.headers)
    assert resp.status == 413
    assert_error(await resp.json(), "payload_too_large")


async def test_health_ok_and_degraded(client, app: App, monkeypatch) -> None:
    resp = await client.get("/health")
    assert resp.status == 200
    body = await resp.json()
    assert body["status"] == "ok" and body["checks"]["database"] == "ok"
    assert body["checks"]["delivery_queue"] == 0
    assert body["checks"]["edit_queue"] == {"waiting": 0, "overdue": 0, "oldest_due_s": 0.0}

    async def down() -> bool:
        return False

    monkeypatch.setattr("core.db.ping", down)
    resp = await client.get("/health")
    assert resp.status == 503
    assert (await resp.json())["checks"]["database"] == "down"


async def test_metrics_exposes_http_and_domain_metrics(client, alice) -> None:
    await client.get("/me", headers=alice.headers)
    resp = await client.get("/metrics")
    assert resp.status == 200
    text = await resp.text()
    assert 'tge_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/me"}' in text
    assert "tge_alerts " in text and 'tge_deliveries{status="pending"}' in text
    assert "tge_ws_clients" in text and 'tge_feeds{health="healthy"}' in text
    # the App's own registry, not the process-global default one
    from prometheus_client import REGISTRY

    assert REGISTRY.get_sample_value("tge_alerts") is None


# --- rate limits --------------------------------------------------------------------------


async def test_general_limit_429_with_headers(client, app: App, alice: Caller) -> None:
    app.limiter.set_limit("general", "3/1h,fixed")
    seen = []
    for _ in range(3):
        resp = await client.get("/me", headers=alice.headers)
        assert resp.status == 200
        seen.append(int(resp.headers["X-RateLimit-Remaining"]))
        assert resp.headers["X-RateLimit-Limit"] == "3"
    assert seen == [2, 1, 0]
    resp = await client.get("/me", headers=alice.headers)
    assert resp.status == 429
    assert_error(await resp.json(), "rate_limited")
    assert int(resp.headers["Retry-After"]) >= 1
    assert resp.headers["X-RateLimit-Remaining"] == "0"
    assert int(resp.headers["X-RateLimit-Reset"]) >= 1
    # per user: bob still has his own budget
    bob = await make_user(app, "bob2")
    assert (await client.get("/me", headers=bob.headers)).status == 200


async def test_login_attempts_limited_per_ip(client, app: App, alice) -> None:
    app.limiter.set_limit("login", "2/15m,fixed")
    bad = {"username": "alice", "password": "wrong-password"}
    assert (await client.post("/auth/login", json=bad)).status == 401
    assert (await client.post("/auth/login", json=bad)).status == 401
    resp = await client.post("/auth/login", json={"username": "alice", "password": "password123"})
    assert resp.status == 429 and "Retry-After" in resp.headers


async def test_failed_credentials_spend_ip_budget(client, app: App) -> None:
    app.limiter.set_limit("ip", "2/1h,fixed")
    for _ in range(2):
        assert (await client.get("/me", headers={"X-API-Key": "tge_x_y"})).status == 401
    resp = await client.get("/me", headers={"X-API-Key": "tge_x_y"})
    assert resp.status == 429


# --- hot-path caches --------------------------------------------------------------------


async def test_concurrent_alert_lists_share_one_query(client, app: App, alice, monkeypatch) -> None:
    await app.alerts.create_manual("Foo announces TGE")
    calls = 0
    real = app.alerts.list

    async def counted(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)  # still loading while the other requests arrive
        return await real(**kwargs)

    monkeypatch.setattr(app.alerts, "list", counted)
    responses = await asyncio.gather(
        *(client.get("/alerts?limit=5", headers=alice.headers) for _ in range(10))
    )
    bodies = [await r.json() for r in responses]
    assert all(r.status == 200 for r in responses)
    assert all(b == bodies[0] for b in bodies) and bodies[0]["items"][0]["title"]
    assert calls == 1
    # a new alert is visible at once: creating it clears the cache
    await app.alerts.create_manual("Bar announces TGE")
    resp = await client.get("/alerts?limit=5", headers=alice.headers)
    assert (await resp.json())["items"][0]["title"] == "Bar announces TGE"
    assert calls == 2


async def test_cache_load_interrupted_by_clear_is_not_stored() -> None:
    cache: TTLCache[str] = TTLCache(60)
    started = asyncio.Event()
    release = asyncio.Event()

    async def load() -> str:
        started.set()
        await release.wait()
        return "stale"

    task = asyncio.create_task(cache.get_or_load("k", load))
    await started.wait()
    cache.clear()  # e.g. a new alert arrived while the old page was being read
    release.set()
    assert await task == "stale"  # its own waiters still get an answer
    assert cache.get("k") is None  # but the next reader does not

    async def failing() -> str:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        await cache.get_or_load("k", failing)
    assert cache.get("k") is None and await cache.get_or_load("k", lambda: _value("ok")) == "ok"
    assert cache.get("k") == "ok"


async def _value(value: str) -> str:
    return value
