"""The running stack for end-to-end bot tests, as a fixture (`pytest_plugins`).

The real python-telegram-bot Application and discord.py client receive commands from the
fake servers; the real dispatcher sends alerts through TelegramChannel and DiscordChannel to
the same fakes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.discord.app import DiscordBot
from bot.discord.channel import DiscordChannel
from bot.telegram.app import TelegramBot
from bot.telegram.channel import TelegramChannel
from core.alerts.dispatcher import Dispatcher
from core.models import Delivery
from core.runtime import App
from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import FakeTelegram
from tests.test_delivery_kit import FAST

TG_TOKEN = "555:E2E-telegram-token"
DC_TOKEN = "E2E-discord-token"
TGE = "{name} announces token generation event (TGE) for ${sym} on March 3, airdrop claim opens"


@dataclass
class Stack:
    app: App
    tg: FakeTelegram
    dc: FakeDiscord
    dispatcher: Dispatcher


@pytest.fixture
async def stack(app: App) -> AsyncIterator[Stack]:
    tg, dc = FakeTelegram(), FakeDiscord()
    await tg.start()
    await dc.start()
    app.channels.register(TelegramChannel(TG_TOKEN, tg.base_url, per_chat=(100, 1.0)))
    app.channels.register(DiscordChannel(DC_TOKEN, dc.base_url))
    telegram = TelegramBot(app, token=TG_TOKEN, api_base=tg.base_url, poll_timeout=1)
    discord_bot = DiscordBot(
        app,
        token=DC_TOKEN,
        application_id=dc.application_id,
        api_base=dc.base_url,
        gateway_url=dc.gateway_url,
        guild_ready_timeout_s=0.05,
    )
    dispatcher = Dispatcher(app, FAST)
    started: list = []
    try:
        for component in (telegram, discord_bot, dispatcher):
            await component.start()
            started.append(component)
        yield Stack(app, tg, dc, dispatcher)
    finally:
        for component in reversed(started):
            await component.stop()
        await dc.stop()
        await tg.stop()


async def tg_command(s: Stack, chat: int, user: int, text: str, **kw: str) -> str:
    before = len(s.tg.sent(chat))
    await s.tg.push_command(chat, user, text, **kw)
    return (await s.tg.wait_for_sent(before + 1, chat_id=chat))[before]["text"]


async def settle(s: Stack) -> None:
    """Every delivery row has been handled (sent, or nothing to do)."""
    for _ in range(500):
        if not await Delivery.filter(status="pending").exists():
            return
        s.dispatcher.poke()
        await asyncio.sleep(0.01)
    raise AssertionError("deliveries still pending")
