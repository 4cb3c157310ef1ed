"""One registry, every door: Telegram's setMyCommands and Discord's sync list the same commands."""

from __future__ import annotations

import pytest

from bot.discord.app import DiscordBot
from bot.telegram.app import TelegramBot
from core.runtime import App
from tests.conftest import make_settings
from tests.fakes import FakeDiscord, FakeTelegram
from tge_monitor.cli import build


async def test_telegram_and_discord_publish_the_same_command_table(app: App) -> None:
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
    try:
        await telegram.start()
        await discord_bot.start()
    finally:
        await discord_bot.stop()
        await telegram.stop()
        await dc.stop()
        await tg.stop()
    telegram_table = [(c["command"], c["description"]) for c in tg.commands]
    discord_table = [(c["name"], c["description"]) for c in dc.command_syncs[-1]]
    registry_table = [(s.name, s.summary) for s in app.commands.registry.visible()]
    assert telegram_table == discord_table == registry_table
    # parameters line up with the registry too
    for synced in dc.command_syncs[-1]:
        spec = app.commands.registry.get(synced["name"])
        assert spec is not None
        assert sorted(o["name"] for o in synced.get("options", [])) == sorted(
            p.name for p in spec.params
        )
        required = {o["name"] for o in synced.get("options", []) if o.get("required")}
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
