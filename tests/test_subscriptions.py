"""app.subscriptions: destinations validated per kind, ownership, email verification by code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.alerts.dispatcher import reject_destination
from core.commands import CommandContext, execute
from core.errors import Conflict, InvalidInput, NotFound
from core.models import Delivery, Destination, Item, Platform, Subscription, SubscriptionMode
from core.runtime import App, create_app
from tests.conftest import make_settings
from tests.test_delivery_kit import analysis, parts, start_smtp


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


# --- update_destination and router invalidation --------------------------------------------


async def _alert_rows(app: App, n: int) -> dict[int, Delivery]:
    """Create alert `n` (confidence 0.9, no companies) and return its rows by destination."""
    item = await Item.create(
        guid=f"g{n}", url=f"https://x.example/{n}", title=f"TGE {n}", fingerprint=f"fp{n}"
    )
    alert = await app.alerts.create_from_item(item, analysis(0.9))
    return {r.destination_id: r for r in await Delivery.filter(alert_id=alert.id)}


async def test_update_destination_service(app: App) -> None:
    alice = await app.accounts.create_user("alice")
    bob = await app.accounts.create_user("bobby")
    svc = app.subscriptions
    hook = await svc.create_destination(alice, "webhook", "https://example.com/h")
    old_secret = hook.secret
    renamed = await svc.update_destination(alice, hook.id, name="ops")
    assert renamed.name == "ops" and renamed.secret == old_secret
    rotated = await svc.update_destination(alice, hook.id, rotate_secret=True)
    assert rotated.secret and rotated.secret != old_secret
    assert (await Destination.get(id=hook.id)).secret == rotated.secret
    with pytest.raises(NotFound):
        await svc.update_destination(bob, hook.id, name="mine")
    with pytest.raises(NotFound):
        await svc.update_destination(alice, "nope", name="x")
    with pytest.raises(InvalidInput) as exc:
        await svc.update_destination(alice, hook.id, name="x", secret="chosen")
    assert exc.value.field == "secret"
    with pytest.raises(InvalidInput) as exc:
        await svc.update_destination(alice, hook.id, address="ftp://example.com/h")
    assert exc.value.field == "address"
    chat = await svc.ensure_destination(alice, "telegram", -100, "group")
    with pytest.raises(InvalidInput) as exc:
        await svc.update_destination(alice, chat.id, address="-200")
    assert exc.value.field == "address"
    other = await svc.create_destination(bob, "webhook", "https://example.com/bob")
    with pytest.raises(Conflict):
        await svc.update_destination(alice, hook.id, address=other.address)
    assert (await Destination.get(id=hook.id)).address == "https://example.com/h"


async def test_new_email_address_voids_the_old_code_and_stops_delivery(app: App) -> None:
    alice = await app.accounts.create_user("alice")
    svc = app.subscriptions
    dest, code = await svc.start_email_verification(alice, "a@example.com")
    await svc.verify_email(alice, code, mode=SubscriptionMode.INSTANT)
    queued = (await _alert_rows(app, 1))[dest.id]  # router map now cached with the email
    _, pending = await svc.start_email_verification(alice, "a@example.com")
    changed = await svc.update_destination(alice, dest.id, address="B@example.com")
    assert changed.address == "b@example.com" and not changed.verified
    assert changed.verify_code_hash is None
    await queued.refresh_from_db()  # not sent to the new, unverified address
    assert queued.status == "dead" and "address changed" in (queued.last_error or "")
    assert dest.id not in await _alert_rows(app, 2)  # unverified: no row until verified
    with pytest.raises(InvalidInput):
        await svc.verify_email(alice, pending)  # a code mailed to the old address is void
    _, fresh = await svc.start_email_verification(alice, "b@example.com")
    await svc.verify_email(alice, fresh)
    assert dest.id in await _alert_rows(app, 3)


async def test_new_address_lifts_a_rejection(app: App) -> None:
    alice = await app.accounts.create_user("alice")
    hook = await app.subscriptions.create_destination(alice, "webhook", "https://example.com/h")
    await app.subscriptions.subscribe(alice, hook, min_confidence=0.1, mode="instant")
    await reject_destination(app, hook, "410 Gone")
    assert hook.id not in await _alert_rows(app, 1)
    await app.subscriptions.update_destination(alice, hook.id, name="renamed")
    assert (await Destination.get(id=hook.id)).rejected_reason == "410 Gone"
    await app.subscriptions.update_destination(alice, hook.id, address="https://example.com/h2")
    assert (await Destination.get(id=hook.id)).rejected_reason is None
    assert hook.id in await _alert_rows(app, 2)


async def test_newly_verified_email_gets_the_next_alerts_row(app: App) -> None:
    """Verifying invalidates the router's cached map, so the very next alert routes there."""
    alice = await app.accounts.create_user("alice")
    svc = app.subscriptions
    chat = await svc.ensure_destination(alice, "telegram", 42)
    await svc.subscribe(alice, chat, min_confidence=0.1)
    email, code = await svc.start_email_verification(alice, "a@example.com")
    await svc.subscribe(alice, email, min_confidence=0.1, mode="instant")  # not verified yet
    first = await _alert_rows(app, 1)
    assert chat.id in first and email.id not in first
    loads = app.alerts.router.loads
    await svc.verify_email(alice, code)
    second = await _alert_rows(app, 2)
    assert email.id in second and chat.id in second
    assert app.alerts.router.loads == loads + 1  # rebuilt by invalidation, not by its TTL
    assert str(second[email.id].status) == "pending"


async def test_deleted_and_rejected_destinations_leave_the_routes_at_once(app: App) -> None:
    alice = await app.accounts.create_user("alice")
    svc = app.subscriptions
    a = await svc.ensure_destination(alice, "telegram", 1)
    b = await svc.ensure_destination(alice, "discord", 2)
    for dest in (a, b):
        await svc.subscribe(alice, dest, min_confidence=0.1)
    assert set(await _alert_rows(app, 1)) == {a.id, b.id}
    await reject_destination(app, a, "bot was blocked")
    assert set(await _alert_rows(app, 2)) == {b.id}
    await svc.delete_destination(alice, b.id)
    assert await _alert_rows(app, 3) == {}


async def test_reverifying_an_email_keeps_its_mode(app: App) -> None:
    alice = await app.accounts.create_user("alice")
    svc = app.subscriptions
    dest, code = await svc.start_email_verification(alice, "a@example.com")
    await svc.verify_email(alice, code)
    sub = await svc.get_for_destination(dest)
    assert sub.mode == SubscriptionMode.DIGEST and sub.digest_interval == "daily"
    await svc.subscribe(alice, dest, mode="instant")
    await svc.update_destination(alice, dest.id, address="b@example.com")
    _, fresh = await svc.start_email_verification(alice, "b@example.com")
    await svc.verify_email(alice, fresh)
    assert (await svc.get_for_destination(dest)).mode == SubscriptionMode.INSTANT


async def test_subscribing_again_resumes_a_rejected_destination(app: App) -> None:
    alice = await app.accounts.create_user("alice")
    chat = await app.subscriptions.ensure_destination(alice, "telegram", 42)
    await app.subscriptions.subscribe(alice, chat, min_confidence=0.1)
    await reject_destination(app, chat, "Forbidden: bot was blocked by the user")
    assert chat.id not in await _alert_rows(app, 1)
    await chat.refresh_from_db()
    await app.subscriptions.subscribe(alice, chat)
    await chat.refresh_from_db()
    assert chat.rejected_reason is None
    assert chat.id in await _alert_rows(app, 2)
