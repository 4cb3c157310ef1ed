"""Update in place through the real chat clients: a new phase is one short update and the
first message is edited to show the timeline (Telegram editMessageText, Discord PATCH);
a retelling of a known phase sends nothing to "new phases only"."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.discord.channel import DiscordChannel
from bot.telegram.channel import TelegramChannel
from core.alerts.dispatcher import Dispatcher
from core.models import DestinationKind, EventMessage
from tests.test_delivery_kit import FAST, destination, drain, subscribe, user
from tests.test_events import tell

pytest_plugins = ["tests.fakes.fixtures"]

TOKEN = "123456:TEST-token"


async def test_telegram_new_phase_is_one_update_and_an_edit(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    owner = await user("pat")
    chat = await destination(owner, DestinationKind.TELEGRAM, "4242")
    await subscribe(owner, chat)  # default: new phases only
    dispatcher = Dispatcher(app, FAST)
    app.events.clock = lambda: datetime(2026, 1, 20, 12, tzinfo=UTC)
    await tell(app, "c-2353")  # Zama announces its token auction
    await drain(dispatcher)
    [first] = tg.sent(chat_id=4242)
    assert "Zama Announces Public Token Auction" in first["text"]
    app.events.clock = lambda: datetime(2026, 2, 2, 9, tzinfo=UTC)
    await tell(app, "c-3151")  # a new phase: Binance lists Zama at 13:00 UTC
    await tell(app, "c-2140", source="Binance Spot")  # a retelling of a known phase
    await drain(dispatcher)
    sent = tg.sent(chat_id=4242)
    assert len(sent) == 2  # the first alert and one update; the retelling sent nothing
    assert "Update: Zama — new phase: listing — 2026-02-02 13:00 UTC" in sent[1]["text"]
    [edit] = tg.edited
    assert int(edit["message_id"]) == first["message_id"]
    assert "Timeline: listing — 2026-02-02 13:00 UTC" in edit["text"]
    assert "Zama Announces Public Token Auction" in edit["text"]  # still the first story
    [remembered] = await EventMessage.filter(destination_id=chat.id)
    assert remembered.external_id == str(first["message_id"])


async def test_discord_first_message_is_patched(app, dc) -> None:
    app.channels.register(DiscordChannel("D", dc.base_url))
    owner = await user("quinn")
    chan = await destination(owner, DestinationKind.DISCORD, "900100200300400500")
    await subscribe(owner, chan)
    dispatcher = Dispatcher(app, FAST)
    app.events.clock = lambda: datetime(2026, 1, 20, 12, tzinfo=UTC)
    await tell(app, "c-2353")
    await drain(dispatcher)
    app.events.clock = lambda: datetime(2026, 2, 2, 9, tzinfo=UTC)
    await tell(app, "c-3151")
    await drain(dispatcher)
    posted = dc.channel_messages
    assert len(posted) == 2
    [edit] = dc.channel_edits
    assert edit["id"] == str(posted[0]["id"])
    assert "Timeline" in str(edit["embeds"][0])
