"""Shared pieces for the web tests: a served app, users and their credentials.

The fixtures are defined once here and imported by the web test modules under their
`*_fixture` names (pytest registers them as `client`, `admin`, `alice`, `bob`):

    from tests.web_helpers import alice_fixture, client_fixture  # noqa: F401 (fixtures)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from core.runtime import App
from web.app import create_web_app
from web.config import WebConfig

FAST = WebConfig(ws_auth_timeout_s=0.5, ws_heartbeat_s=0.2, ws_queue_size=8, access_log=False)


@dataclass
class Caller:
    """A user with a JWT, for requests as that user."""

    id: int
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_user(app: App, username: str, *, role: str = "user") -> Caller:
    user = await app.accounts.create_user(username, "password123", role=role)
    return Caller(user.id, username, app.accounts.issue_token(user)["access_token"])


async def serve(app: App, config: WebConfig = FAST) -> TestClient[Any, Any]:
    client = TestClient(TestServer(create_web_app(app, config)))
    await client.start_server()
    return client


def assert_error(body: dict[str, Any], code: str, field: str | None = None) -> None:
    """`body` is the one error shape, with `code` (and the offending `field`)."""
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    if field is not None:
        assert body["error"]["details"]["field"] == field


@pytest.fixture(name="client")
async def client_fixture(app: App) -> AsyncIterator[TestClient[Any, Any]]:
    """The web application on a test server (FAST timers), closed after the test."""
    c = await serve(app)
    try:
        yield c
    finally:
        await c.close()


@pytest.fixture(name="admin")
async def admin_fixture(app: App) -> Caller:
    return await make_user(app, "root", role="admin")


@pytest.fixture(name="alice")
async def alice_fixture(app: App) -> Caller:
    return await make_user(app, "alice")


@pytest.fixture(name="bob")
async def bob_fixture(app: App) -> Caller:
    return await make_user(app, "bob")
