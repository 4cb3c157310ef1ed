"""Row 4: redeeming a link code is confirmed first, never raises a role, and both sides
are told."""

from __future__ import annotations

from core.channels.base import Channel, Notice, Outcome
from core.commands import CommandContext, execute
from core.models import APIKey, Platform, Role, User
from core.runtime import App
from tests.security.helpers import app_fixture, pytest_generate_tests  # noqa: F401

BOTH_DIALECTS = True  # run on PostgreSQL as well as SQLite


class Recorder(Channel):
    """A Telegram stand-in that records what it was asked to send."""

    kind = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, destination, message) -> Outcome:  # type: ignore[no-untyped-def]
        assert isinstance(message, Notice)
        self.sent.append((destination.address, message.text))
        return Outcome.sent("1")


async def test_an_admin_tricked_into_linking_keeps_nothing_for_the_attacker(app: App) -> None:
    recorder = Recorder()
    app.channels.register(recorder)
    attacker = await app.accounts.ensure_identity(Platform.TELEGRAM, 666, "mallory")
    boss = await app.accounts.ensure_identity(Platform.DISCORD, 42, "boss")
    boss.role = Role.ADMIN
    await boss.save(update_fields=["role"])
    await app.accounts.create_api_key(boss, "ops", scopes=["admin"])
    code = await app.accounts.create_link_code(attacker)
    ctx = CommandContext(app=app, user=boss, platform=Platform.DISCORD, chat_id="9")
    # /link CODE only says what would happen
    preview = await execute(app, "link", code, ctx)
    assert preview.ok and preview.private
    assert "te_666" in preview.text and "admin role is dropped" in preview.text
    assert "confirm" in preview.text
    assert await User.filter(id=boss.id, role=Role.ADMIN).exists()  # nothing merged yet
    # confirming joins the Discord identity, but the role of the survivor is not raised
    done = await execute(app, "link", f"{code} confirm", ctx)
    assert done.ok, done.text
    survivor = await User.get(id=attacker.id)
    assert survivor.role == Role.USER
    moved = await APIKey.get(name="ops")
    assert moved.user_id == survivor.id and "admin" not in moved.scopes
    # the issuer hears of it in their own Telegram DM (not the redeemer's)
    assert [addr for addr, _ in recorder.sent] == ["666"]
    assert "joined into your account" in recorder.sent[0][1]
    assert "te_666" in done.text


async def test_the_preview_says_an_admin_role_is_dropped(app: App) -> None:
    issuer = await app.accounts.create_user("plain", "password123")
    redeemer = await app.accounts.create_user("chief", "password123", role=Role.ADMIN)
    code = await app.accounts.create_link_code(issuer)
    preview = await app.accounts.preview_link(redeemer, code)
    assert preview.drops_admin
    assert "admin role is dropped" in preview.describe()
