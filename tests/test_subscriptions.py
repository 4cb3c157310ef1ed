"""app.subscriptions: destinations validated per kind, ownership, email verification by code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.commands import CommandContext, execute
from core.errors import Conflict, InvalidInput, NotFound
from core.models import Destination, Platform, Subscription
from core.runtime import App, create_app
from tests.conftest import make_settings
from tests.test_delivery_kit import parts, start_smtp


@pytest.mark.parametrize(
    ("kind", "address", "error"),
    [
        ("email", "not-an-email", "email address is not valid"),
        ("telegram", "@channel", "telegram chat id is numeric"),
        ("discord", "12ab", "discord chat id is numeric"),
        ("webhook", "ftp://example.com/x", "only http and https"),
        ("pigeon", "x", "kind must be one of"),
        ("email", "", "address is required"),
    ],
)
async def test_create_destination_refuses_bad_addresses(
    app: App, kind: str, address: str, error: str
) -> None:
    user = await app.accounts.create_user("alice")
    with pytest.raises(InvalidInput) as exc:
        await app.subscriptions.create_destination(user, kind, address)
    assert error in exc.value.message
    assert exc.value.field in ("address", "kind")


async def test_destinations_belong_to_their_owner(app: App) -> None:
    alice = await app.accounts.create_user("alice")
    bob = await app.accounts.create_user("bobby")
    dest = await app.subscriptions.create_destination(alice, "email", "Alice@Example.com")
    assert dest.address == "alice@example.com" and not dest.verified
    hook = await app.subscriptions.create_destination(alice, "webhook", "https://example.com/h")
    assert hook.secret and hook.verified
    with pytest.raises(Conflict):
        await app.subscriptions.create_destination(bob, "email", "alice@example.com")
    with pytest.raises(NotFound):
        await app.subscriptions.delete_destination(bob, dest.id)
    sub = await app.subscriptions.subscribe(alice, hook, min_confidence=0.4)
    with pytest.raises(NotFound):
        await app.subscriptions.update(bob, sub.id, min_confidence=0.9)
    with pytest.raises(InvalidInput):
        await app.subscriptions.update(alice, sub.id, min_confidence=2)
    with pytest.raises(InvalidInput):
        await app.subscriptions.update(alice, sub.id, owner=1)
    updated = await app.subscriptions.update(alice, sub.id, mode="digest", digest_hour=7)
    assert str(updated.mode) == "digest" and updated.digest_hour == 7
    assert [s.id for s in await app.subscriptions.list_for_user(alice)] == [sub.id]
    assert (await app.subscriptions.unsubscribe_by_token(sub.unsubscribe_token)).active is False
    await app.subscriptions.delete_destination(alice, hook.id)
    assert not await Subscription.filter(id=sub.id).exists()
    assert [d.id for d in await app.subscriptions.list_destinations(alice)] == [dest.id]


async def test_subscribe_with_companies_and_one_subscription_per_chat(app: App) -> None:
    await app.companies.create("Acme", tokens=["ACM"])
    a = await app.accounts.create_user("admin_a")
    b = await app.accounts.create_user("admin_b")
    chat = await app.subscriptions.ensure_destination(a, "telegram", -100, "group")
    first = await app.subscriptions.subscribe(a, chat, companies=["$ACM"])
    second = await app.subscriptions.subscribe(b, chat, min_confidence=0.8)
    assert first.id == second.id
    assert second.company_ids and second.min_confidence == 0.8
    with pytest.raises(NotFound) as exc:
        await app.subscriptions.subscribe(a, chat, companies=["Acmee"])
    assert "Acme" in exc.value.details["suggestions"]


async def test_email_command_sends_code_and_verify_subscribes_daily_digest(tmp_path: Path) -> None:
    sink, server, port = await start_smtp()
    settings = make_settings(
        tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_STARTTLS="false"
    )
    app = create_app(settings)
    await app.open()
    try:
        user = await app.accounts.ensure_identity(Platform.TELEGRAM, 1, "u")
        ctx = CommandContext(app=app, user=user, platform=Platform.TELEGRAM, chat_id="1")
        reply = await execute(app, "email", "me@example.org", ctx)
        assert reply.ok and reply.private, reply.text
        assert len(sink.messages) == 1
        text, _ = parts(sink.messages[0])
        code = re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]
        dest = await Destination.get(kind="email", address="me@example.org")
        assert dest.verify_code_hash and code not in dest.verify_code_hash
        wrong = "000000" if code != "000000" else "111111"
        assert not (await execute(app, "email", f"verify {wrong}", ctx)).ok
        reply = await execute(app, "email", f"verify {code}", ctx)
        assert reply.ok, reply.text
        await dest.refresh_from_db()
        assert dest.verified and dest.verify_code_hash is None
        sub = await Subscription.get(destination=dest)
        assert (str(sub.mode), str(sub.digest_interval)) == ("digest", "daily")
        assert not (await execute(app, "email", f"verify {code}", ctx)).ok  # used once
    finally:
        await app.stop()
        server.close()
