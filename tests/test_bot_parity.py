"""One registry, every door: Telegram's setMyCommands and Discord's sync list the same commands."""

from __future__ import annotations

import pytest

from bot.discord.app import DiscordBot
from bot.telegram.app import TelegramBot
from core.commands import Audience, Permission
from core.models import Platform, Role
from core.runtime import App
from tests.conftest import make_settings, wait_for
from tests.fakes import FakeDiscord, FakeTelegram
from tge_monitor.cli import build


async def test_telegram_and_discord_publish_the_same_menus_per_audience(app: App) -> None:
    admin = await app.accounts.ensure_identity(Platform.TELEGRAM, 4100, "Operator")
    admin.role = Role.ADMIN
    await admin.save()
    tg, dc = FakeTelegram(), FakeDiscord()
    await tg.start()
    await dc.start()
    telegram = TelegramBot(app, token="1:T", api_base=tg.base_url, poll_timeout=1)
    discord_bot = DiscordBot(
        app,
        token="D",
        application_id=dc.application_id,
        api_base=dc.base_url,
        gateway_url=dc.gateway_url,
        guild_ready_timeout_s=0.05,
    )
    discord_admin = await app.accounts.ensure_identity(Platform.DISCORD, 4200, "Operator")
    discord_admin.role = Role.ADMIN
    await discord_admin.save()
    try:
        await telegram.start()
        await discord_bot.start()
        # a service admin uses the bot in a server: the admin commands are added there
        iid = await dc.send_interaction("status", [], user_id=4200, channel_id=1, guild_id=77)
        await dc.wait_for_reply(iid)
        await wait_for(lambda: "77" in dc.guild_commands)
    finally:
        await discord_bot.stop()
        await telegram.stop()
        await dc.stop()
        await tg.stop()
    registry = app.commands.registry

    def table(audience: Audience) -> list[tuple[str, str]]:
        return [(spec.name, spec.summary) for spec in registry.menu(audience)]

    def telegram_menu(scope: str) -> list[tuple[str, str]]:
        return [(c["command"], c["description"]) for c in tg.menus[scope]]

    # Telegram: one menu per scope, each exactly what that audience may run
    assert telegram_menu("default") == table(Audience.MEMBERS)
    assert telegram_menu("all_private_chats") == table(Audience.CHAT_ADMINS)
    assert telegram_menu("all_chat_administrators") == table(Audience.CHAT_ADMINS)
    assert telegram_menu("chat:4100") == table(Audience.SERVICE_ADMINS)
    assert set(tg.menus) == {"default", "all_private_chats", "all_chat_administrators", "chat:4100"}
    members = {name for name, _ in table(Audience.MEMBERS)}
    assert {"subscribe", "filter", "mode"}.isdisjoint(members)  # chat-admin commands
    assert "company_add" not in {name for name, _ in table(Audience.CHAT_ADMINS)}
    assert {"subscribe", "company_add"} <= {name for name, _ in table(Audience.SERVICE_ADMINS)}

    # Discord: the global list is what anyone or a chat admin may run (Discord filters it
    # per member by default_member_permissions); the admin commands exist only in servers
    # where a service admin used the bot, behind Administrator
    synced = dc.command_syncs[-1]
    assert [(c["name"], c["description"]) for c in synced] == table(Audience.CHAT_ADMINS)
    admin_only = [
        (spec.name, spec.summary)
        for spec in registry.menu(Audience.SERVICE_ADMINS)
        if spec.permission == Permission.SERVICE_ADMIN
    ]
    assert [(c["name"], c["description"]) for c in dc.guild_commands["77"]] == admin_only
    expected = {
        Permission.ANYONE: None,
        Permission.CHAT_ADMIN: 1 << 4,  # Manage Channels
        Permission.SERVICE_ADMIN: 1 << 3,  # Administrator
    }
    for command in [*synced, *dc.guild_commands["77"]]:
        spec = registry.get(command["name"])
        assert spec is not None
        granted = command["default_member_permissions"]
        assert (None if granted is None else int(granted)) == expected[spec.permission], spec.name
    synced = [*synced, *dc.guild_commands["77"]]
    # parameters line up with the registry too
    for command in synced:
        spec = registry.get(command["name"])
        assert spec is not None
        assert sorted(o["name"] for o in command.get("options", [])) == sorted(
            p.name for p in spec.params
        )
        required = {o["name"] for o in command.get("options", []) if o.get("required")}
        assert required == {p.name for p in spec.params if p.required}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, []),
        ({"TELEGRAM_BOT_TOKEN": "1:x"}, ["telegram"]),
        ({"DISCORD_BOT_TOKEN": "d"}, ["discord"]),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "DISCORD_BOT_TOKEN": "d"}, ["telegram", "discord"]),
    ],
)
def test_bots_part_runs_the_configured_bots(tmp_path, env: dict, expected: list) -> None:
    app = build(make_settings(tmp_path, **env), "bots")
    bots = [c for c in app.components if c.name != "heartbeat"]
    assert [c.name for c in bots] == expected
    # a process that runs something reports its liveness for `tge-monitor health bots`
    assert [c.name for c in app.components if c.name == "heartbeat"] == (
        ["heartbeat"] if expected else []
    )
    assert all(
        "***" in repr(c) and env.get("TELEGRAM_BOT_TOKEN", "@@") not in repr(c) for c in bots
    )
