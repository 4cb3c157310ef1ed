"""Accounts service: users, passwords, JWT edge cases, API keys, identities and linking."""

from __future__ import annotations

import time

import jwt
import pytest

from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from core.models import APIKey, Destination, Identity, Platform, Role, Subscription, User
from core.runtime import App


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 8"),
        ("", "at least 8"),
        ("x" * 73, "at most 72 bytes"),
        ("é" * 37, "at most 72 bytes"),  # 74 bytes, 37 characters
        (12345678, "must be a string"),
    ],
)
async def test_create_user_refuses_bad_passwords(app: App, password, message) -> None:
    with pytest.raises(InvalidInput, match=message) as info:
        await app.accounts.create_user("alice", password)
    assert info.value.field == "password"
    assert not await User.filter(username="alice").exists()
    bot_user = await app.accounts.create_user("bot_user")  # no password: chat-only account
    with pytest.raises(InvalidInput, match=message):
        await app.accounts.set_password(bot_user, password)


@pytest.mark.parametrize("username", ["", "ab", "has space", "x" * 65, "semi;colon", None])
async def test_create_user_refuses_bad_usernames(app: App, username) -> None:
    with pytest.raises(InvalidInput) as info:
        await app.accounts.create_user(username, "password123")
    assert info.value.field == "username"


async def test_create_user_refuses_bad_email_and_role(app: App) -> None:
    with pytest.raises(InvalidInput, match="email"):
        await app.accounts.create_user("alice", "password123", email="not-an-email")
    with pytest.raises(InvalidInput, match="role"):
        await app.accounts.create_user("alice", "password123", role="root")


async def test_password_is_bcrypt_and_authenticates(app: App) -> None:
    user = await app.accounts.create_user("alice", "correct horse", email="A@Example.com")
    assert user.password_hash.startswith("$2b$")
    assert "correct horse" not in user.password_hash
    assert user.email == "a@example.com"
    assert (await app.accounts.authenticate("alice", "correct horse")).id == user.id
    for name, pw in [("alice", "wrong pass"), ("bob", "correct horse"), ("alice", "x" * 100)]:
        with pytest.raises(Unauthorized, match="invalid username or password"):
            await app.accounts.authenticate(name, pw)


async def test_duplicate_username_is_conflict(app: App) -> None:
    await app.accounts.create_user("alice", "password123")
    with pytest.raises(Conflict):
        await app.accounts.create_user("alice", "password456")


async def test_inactive_user_cannot_log_in(app: App) -> None:
    user = await app.accounts.create_user("alice", "password123")
    user.is_active = False
    await user.save()
    with pytest.raises(Unauthorized):
        await app.accounts.authenticate("alice", "password123")


async def test_ensure_admin_creates_then_resets(app: App) -> None:
    user, created = await app.accounts.ensure_admin("root", "password123")
    assert created and user.role == Role.ADMIN
    user2, created2 = await app.accounts.ensure_admin("root", "newpassword")
    assert not created2 and user2.id == user.id
    await app.accounts.authenticate("root", "newpassword")


# --- JWT -----------------------------------------------------------------------------------


async def test_jwt_roundtrip(app: App) -> None:
    user = await app.accounts.create_user("alice", "password123")
    token = app.accounts.issue_token(user)
    assert token["token_type"] == "bearer" and token["expires_in"] == 3600
    assert (await app.accounts.user_from_token(token["access_token"])).id == user.id


def _forge(payload: dict, key: str, alg: str = "HS256") -> str:
    return jwt.encode(payload, key, algorithm=alg)


@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (lambda key: _forge({"sub": "1", "exp": int(time.time()) - 10}, key), "expired"),
        (lambda key: _forge({"sub": "1", "exp": int(time.time()) + 60}, "bad-key" * 9), "invalid"),
        (lambda key: _forge({"sub": "1"}, key), "invalid"),  # no exp
        (lambda key: _forge({"exp": int(time.time()) + 60}, key), "invalid"),  # no sub
        (lambda key: _forge({"sub": "1", "exp": int(time.time()) + 60}, None, "none"), "invalid"),
        (lambda key: _forge({"sub": "x", "exp": int(time.time()) + 60}, key), "invalid"),
        (lambda key: "not.a.jwt", "invalid"),
        (lambda key: "", "missing"),
        (lambda key: None, "missing"),
    ],
)
async def test_bad_tokens_are_refused(app: App, make_token, message) -> None:
    await app.accounts.create_user("alice", "password123")
    token = make_token(app.settings.secret_key)
    with pytest.raises(Unauthorized, match=message):
        await app.accounts.user_from_token(token)


async def test_token_signed_with_other_algorithm_is_refused(app: App) -> None:
    token = _forge({"sub": "1", "exp": int(time.time()) + 60}, app.settings.secret_key, "HS512")
    with pytest.raises(Unauthorized):
        app.accounts.verify_token(token)


# --- API keys ------------------------------------------------------------------------------


async def test_api_key_secret_is_never_stored(app: App) -> None:
    user = await app.accounts.create_user("alice", "password123")
    key, secret = await app.accounts.create_api_key(user, "ci")
    assert secret.startswith(f"tge_{key.prefix}_")
    rows = await APIKey.all().values()
    dumped = repr(rows)
    assert secret not in dumped
    assert secret.split("_", 2)[2] not in dumped
    found, used_key = await app.accounts.verify_api_key(secret)
    assert found.id == user.id and used_key.id == key.id
    await app.accounts.verify_api_key(secret)
    refreshed = await APIKey.get(id=key.id)
    assert refreshed.usage_count == 2 and refreshed.last_used_at is not None


@pytest.mark.parametrize(
    "raw", ["", "garbage", "tge_nope_nope", None, 42, "tge__", "xyz_abcd1234_secret"]
)
async def test_bad_api_keys_are_refused(app: App, raw) -> None:
    user = await app.accounts.create_user("alice", "password123")
    await app.accounts.create_api_key(user, "ci")
    with pytest.raises(Unauthorized):
        await app.accounts.verify_api_key(raw)


async def test_api_key_with_right_prefix_wrong_secret_is_refused(app: App) -> None:
    user = await app.accounts.create_user("alice", "password123")
    key, _secret = await app.accounts.create_api_key(user, "ci")
    with pytest.raises(Unauthorized):
        await app.accounts.verify_api_key(f"tge_{key.prefix}_{'A' * 43}")


async def test_revoked_and_expired_keys_are_refused(app: App) -> None:
    user = await app.accounts.create_user("alice", "password123")
    key, secret = await app.accounts.create_api_key(user, "ci")
    await app.accounts.revoke_api_key(user, key.prefix)
    with pytest.raises(Unauthorized, match="revoked"):
        await app.accounts.verify_api_key(secret)
    key2, secret2 = await app.accounts.create_api_key(user, "short", expires_in_days=1)
    from datetime import UTC, datetime, timedelta

    key2.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    await key2.save()
    with pytest.raises(Unauthorized, match="expired"):
        await app.accounts.verify_api_key(secret2)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"name": None}, "name"),
        ({"name": "ok", "scopes": ["root"]}, "scopes"),
        ({"name": "ok", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "ok", "expires_in_days": "7"}, "expires_in_days"),
    ],
)
async def test_api_key_bad_input(app: App, kwargs, field) -> None:
    user = await app.accounts.create_user("alice", "password123")
    name = kwargs.pop("name")
    with pytest.raises(InvalidInput) as info:
        await app.accounts.create_api_key(user, name, **kwargs)
    assert info.value.field == field


async def test_admin_scope_needs_admin(app: App) -> None:
    user = await app.accounts.create_user("alice", "password123")
    with pytest.raises(Forbidden):
        await app.accounts.create_api_key(user, "x", scopes=["admin"])


async def test_cannot_revoke_someone_elses_key(app: App) -> None:
    alice = await app.accounts.create_user("alice", "password123")
    bob = await app.accounts.create_user("bob", "password123")
    key, _ = await app.accounts.create_api_key(alice, "ci")
    with pytest.raises(NotFound):
        await app.accounts.revoke_api_key(bob, key.id)
    with pytest.raises(NotFound):
        await app.accounts.revoke_api_key(bob, key.prefix)


# --- identities and link codes ---------------------------------------------------------------


async def test_first_contact_creates_account_once(app: App) -> None:
    u1 = await app.accounts.ensure_identity(Platform.TELEGRAM, 42, "Ann")
    u2 = await app.accounts.ensure_identity("telegram", "42")
    assert u1.id == u2.id
    assert await Identity.filter(platform="telegram", external_id="42").count() == 1


async def test_link_code_joins_accounts_and_moves_everything(app: App) -> None:
    tg_user = await app.accounts.ensure_identity(Platform.TELEGRAM, 42)
    dc_user = await app.accounts.ensure_identity(Platform.DISCORD, 777)
    dest = await Destination.create(kind="discord", address="c1", owner=dc_user)
    await Subscription.create(user=dc_user, destination=dest)
    _, secret = await app.accounts.create_api_key(dc_user, "from discord")
    code = await app.accounts.create_link_code(tg_user)
    merged = await app.accounts.redeem_link_code(dc_user, code.lower())
    assert merged.id == tg_user.id
    assert not await User.filter(id=dc_user.id).exists()
    platforms = {i.platform for i in await app.accounts.identities(merged)}
    assert platforms == {Platform.TELEGRAM, Platform.DISCORD}
    assert (await Subscription.get(destination=dest)).user_id == merged.id
    assert (await app.accounts.verify_api_key(secret))[0].id == merged.id
    assert (await app.accounts.ensure_identity("discord", 777)).id == merged.id


async def test_link_code_is_one_time_and_expires(app: App) -> None:
    a = await app.accounts.ensure_identity(Platform.TELEGRAM, 1)
    b = await app.accounts.ensure_identity(Platform.DISCORD, 2)
    c = await app.accounts.ensure_identity(Platform.DISCORD, 3)
    code = await app.accounts.create_link_code(a)
    await app.accounts.redeem_link_code(b, code)
    with pytest.raises(InvalidInput, match="invalid or has expired"):
        await app.accounts.redeem_link_code(c, code)
    code2 = await app.accounts.create_link_code(a)
    from core.models import LinkCode

    await LinkCode.filter(used_at=None).update(expires_at="2000-01-01T00:00:00+00:00")
    with pytest.raises(InvalidInput, match="invalid or has expired"):
        await app.accounts.redeem_link_code(c, code2)
    for bad in ["", None, "ZZZZ-ZZZZ-ZZZZ"]:
        with pytest.raises(InvalidInput):
            await app.accounts.redeem_link_code(c, bad)


async def test_revoke_by_all_digit_prefix(app: App) -> None:
    user = await app.accounts.create_user("alice", "password123")
    key, _secret = await app.accounts.create_api_key(user, "ci")
    await APIKey.filter(id=key.id).update(prefix="12345678")
    await app.accounts.revoke_api_key(user, "12345678")
    assert (await APIKey.get(id=key.id)).revoked_at is not None
