"""Row 1: a REST user cannot make someone else's Telegram group or Discord channel a
destination; a chat becomes one only from inside it, and its admins always win."""

from __future__ import annotations

import pytest

from core.commands import CommandContext, execute
from core.models import Destination, Platform, Subscription
from core.runtime import App
from tests.security.helpers import app_fixture, pytest_generate_tests  # noqa: F401
from tests.web_helpers import (  # noqa: F401 (fixtures)
    Caller,
    alice_fixture,
    bob_fixture,
    client_fixture,
)

BOTH_DIALECTS = True  # run on PostgreSQL as well as SQLite


async def chat_admin_ctx(app: App, user_id: int, chat_id: str, *, admin: bool = True):
    user = await app.accounts.ensure_identity(Platform.TELEGRAM, user_id, f"u{user_id}")
    return CommandContext(
        app=app,
        user=user,
        platform=Platform.TELEGRAM,
        chat_id=chat_id,
        chat_name="Alpha group",
        is_group=True,
        is_chat_admin=admin,
    )


@pytest.mark.parametrize("kind", ["telegram", "discord"])
async def test_rest_alone_never_creates_a_verified_chat_destination(
    client, app: App, alice: Caller, kind: str
) -> None:
    resp = await client.post(
        "/destinations", json={"kind": kind, "address": "-100500"}, headers=alice.headers
    )
    assert resp.status == 201, await resp.text()
    body = await resp.json()
    assert body["verified"] is False
    assert body["claim_code"] and "/claim" in body["claim"]
    # an unproven chat cannot be subscribed, so no alert can be pushed into it
    resp = await client.post(
        "/subscriptions", json={"destination_id": body["id"]}, headers=alice.headers
    )
    assert resp.status == 403
    assert not await Subscription.filter(destination_id=body["id"]).exists()


async def test_claim_from_inside_the_chat_and_chat_admins_win(
    client, app: App, alice: Caller
) -> None:
    created = await (
        await client.post(
            "/destinations",
            json={"kind": "telegram", "address": "-100500"},
            headers=alice.headers,
        )
    ).json()
    code = created["claim_code"]
    # a member who is not an admin cannot claim; a code in another chat does nothing
    member = await chat_admin_ctx(app, 11, "-100500", admin=False)
    member.admin_check = None
    assert not (await execute(app, "claim", code, member)).ok
    elsewhere = await chat_admin_ctx(app, 12, "-100999")
    assert not (await execute(app, "claim", code, elsewhere)).ok
    admin = await chat_admin_ctx(app, 13, "-100500")
    reply = await execute(app, "claim", code, admin)
    assert reply.ok, reply.text
    assert (await Destination.get(id=created["id"])).verified
    # now the REST owner may subscribe it...
    resp = await client.post(
        "/subscriptions", json={"destination_id": created["id"]}, headers=alice.headers
    )
    assert resp.status == 201
    sub_id = (await resp.json())["id"]
    # ...but the chat's admins decide: /unsubscribe in the chat takes it over, and the
    # remote owner can no longer switch it back on
    assert (await execute(app, "unsubscribe", "", admin)).ok
    resp = await client.patch(
        f"/subscriptions/{sub_id}", json={"active": True}, headers=alice.headers
    )
    assert resp.status == 404
    sub = await Subscription.get(id=sub_id)
    assert not sub.active and sub.user_id == admin.user.id
    dest = await Destination.get(id=created["id"])
    assert dest.owner_id == admin.user.id


async def test_a_squatted_chat_passes_to_the_admin_who_subscribes_it(
    client, app: App, bob: Caller
) -> None:
    await client.post(
        "/destinations", json={"kind": "telegram", "address": "-100777"}, headers=bob.headers
    )
    admin = await chat_admin_ctx(app, 21, "-100777")
    assert (await execute(app, "subscribe", "", admin)).ok
    dest = await Destination.get(kind="telegram", address="-100777")
    assert dest.verified and dest.owner_id == admin.user.id and dest.verify_code_hash is None
    # a member who is not a chat admin reading /settings creates or takes nothing
    reader = await chat_admin_ctx(app, 22, "-100888", admin=False)
    assert (await execute(app, "settings", "", reader)).ok
    assert not await Destination.filter(address="-100888").exists()
