"""Row 8: a password spray over many addresses is slowed per account, and the answer is
the same whether the account exists or not."""

from __future__ import annotations

from dataclasses import replace

from core.runtime import App
from tests.web_helpers import FAST, make_user, serve


async def test_per_account_limit_beside_the_per_ip_one(app: App) -> None:
    # the test client connects from 127.0.0.1: make it the trusted proxy (TRUSTED_PROXIES)
    app.settings = replace(app.settings, trusted_proxies=("127.0.0.1/32",))
    client = await serve(app, FAST)
    try:
        await make_user(app, "alice")
        statuses: dict[str, list[int]] = {"alice": [], "ghost": []}
        for name in statuses:
            for i in range(12):  # each attempt from a new address
                resp = await client.post(
                    "/auth/login",
                    json={"username": name, "password": "not-it-at-all"},
                    headers={"X-Forwarded-For": f"198.51.100.{i + 1}"},
                )
                statuses[name].append(resp.status)
        assert statuses["alice"] == statuses["ghost"]  # nothing tells them apart
        assert statuses["alice"][:10] == [401] * 10 and statuses["alice"][10:] == [429, 429]
        resp = await client.post(
            "/auth/login",
            json={"username": "alice", "password": "password123"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert resp.status == 429 and "Retry-After" in resp.headers
    finally:
        await client.close()
