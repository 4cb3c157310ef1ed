"""Row 11: an API key works as `Authorization: Bearer <key>`, as the /apikey reply says."""

from __future__ import annotations

from core.commands import CommandContext, execute
from core.models import Platform
from core.runtime import App
from tests.web_helpers import client_fixture  # noqa: F401 (fixtures)


async def test_the_key_from_apikey_works_as_bearer(client, app: App) -> None:
    user = await app.accounts.ensure_identity(Platform.TELEGRAM, 5, "t")
    ctx = CommandContext(app=app, user=user, platform=Platform.TELEGRAM, chat_id="5")
    reply = await execute(app, "apikey", "create laptop", ctx)
    raw = reply.code or ""
    assert raw.startswith("tge_") and "Authorization: Bearer <key>" in reply.text
    resp = await client.get("/me", headers={"Authorization": f"Bearer {raw}"})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["auth"] == "api_key"
    resp = await client.get("/me", headers={"X-API-Key": raw})
    assert resp.status == 200
    resp = await client.get("/me", headers={"Authorization": "Bearer tge_nope_nope"})
    assert resp.status == 401
