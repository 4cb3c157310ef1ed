"""The fake Telegram and Discord servers behave like the real ones for the real clients."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import aiohttp
import discord
import pytest
from discord import app_commands
from telegram import Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.fakes import FakeDiscord, FakeTelegram

pytest_plugins = ["tests.fakes.fixtures"]

TOKEN = "123456:TEST-token"


@pytest.fixture
def dc(dc: FakeDiscord) -> Iterator[FakeDiscord]:
    """The shared fake, with the raw discord.py client pointed at it too."""
    with dc.patch_client():
        yield dc


async def test_telegram_application_polls_and_replies(tg: FakeTelegram) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo {' '.join(context.args or [])}")

    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{tg.base_url}/bot")
        .base_file_url(f"{tg.base_url}/file/bot")
        .build()
    )
    application.add_handler(CommandHandler("echo", echo))
    async with application:
        await application.bot.set_my_commands([("echo", "Echo back")])
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            await tg.push_command(42, 7, "/echo hi <b>")
            sent = await tg.wait_for_sent(1)
        finally:
            await application.updater.stop()
            await application.stop()
    assert sent[0]["chat_id"] == 42
    assert sent[0]["text"] == "echo hi <b>"
    methods = [name for name, _ in tg.calls]
    assert methods[:3] == ["getMe", "setMyCommands", "deleteWebhook"]
    assert tg.commands == [{"command": "echo", "description": "Echo back"}]
    assert TOKEN in tg.tokens


async def test_telegram_scripted_failures_raise_the_library_errors(tg: FakeTelegram) -> None:
    application = ApplicationBuilder().token(TOKEN).base_url(f"{tg.base_url}/bot").build()
    async with application:
        bot = application.bot
        tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        with pytest.raises(RetryAfter):
            await bot.send_message(1, "x")
        tg.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        with pytest.raises(Forbidden):
            await bot.send_message(1, "x")
        tg.fail_next(
            "sendMessage", 400, "Bad Request: group chat was upgraded", migrate_to_chat_id=-1009
        )
        with pytest.raises(ChatMigrated) as migrated:
            await bot.send_message(-5, "x")
        assert migrated.value.new_chat_id == -1009
        tg.fail_next("sendMessage", 400, "Bad Request: can't parse entities", times=2)
        for _ in range(2):
            with pytest.raises(BadRequest):
                await bot.send_message(1, "x")
        message = await bot.send_message(1, "ok", reply_markup=None)
        assert message.text == "ok"
        tg.chat_member_status[(-100, 5)] = "administrator"
        member = await bot.get_chat_member(-100, 5)
        assert member.status == "administrator"
        assert (await bot.get_chat_member(-100, 6)).status == "member"
    assert len(tg.sent()) == 1


class _Client(discord.Client):
    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents.none(), application_id=FakeDiscord().application_id
        )
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="ping", description="Ping it")
        @app_commands.describe(word="a word")
        async def ping(interaction: discord.Interaction, word: str) -> None:
            await interaction.response.send_message(f"pong {word}", ephemeral=True)

        @self.tree.command(name="slow", description="Deferred")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done")

    async def setup_hook(self) -> None:
        await self.tree.sync()


async def test_discord_client_syncs_and_answers_interactions(dc: FakeDiscord) -> None:
    client = _Client()
    task = asyncio.create_task(client.start("bot-token"))
    try:
        await dc.wait_ready()
        await asyncio.wait_for(client.wait_until_ready(), 5)
        assert [c["name"] for c in dc.commands] == ["ping", "slow"]
        iid = await dc.send_interaction(
            "ping", [{"name": "word", "type": 3, "value": "x"}], user_id=5, channel_id=10
        )
        reply = await dc.wait_for_reply(iid)
        assert reply["content"] == "pong x"
        assert reply["flags"] == 64
        iid = await dc.send_interaction(
            "slow", [], user_id=5, channel_id=11, guild_id=12, permissions="16"
        )
        reply = await dc.wait_for_reply(iid)
        assert reply["content"] == "done"
        assert dc.callbacks[iid]["type"] == 5
        dc.fail_next("/channels/20/messages", 429, {"message": "slow down"}, retry_after=0.05)
        channel = await client.fetch_channel(20)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("hello @everyone")
        assert message.content == "hello @everyone"
        assert len([c for c in dc.calls if c[1] == "/channels/20/messages"]) == 2
        dc.fail_next("/channels/21/messages", 403, {"message": "Missing Access", "code": 50001})
        with pytest.raises(discord.Forbidden):
            await client.http.send_message(21, params=discord.http.handle_message_parameters("x"))
    finally:
        await client.close()
        await asyncio.wait_for(task, 5)
    assert "Bot bot-token" in dc.auth_headers


async def test_discord_incoming_webhook_and_content_type(dc: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{dc.api_base}/webhooks/55/secret?wait=true", json={"content": "hi"}
        ) as resp:
            assert resp.headers["Content-Type"] == "application/json"
            assert (await resp.json())["content"] == "hi"
    assert dc.webhook_messages[0]["body"] == {"content": "hi"}
