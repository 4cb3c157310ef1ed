"""Shared pieces for the web tests: a served app, users and their credentials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
