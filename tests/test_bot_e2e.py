"""End to end through both bots: commands in, alerts out, with the real dispatcher and channels.

Telegram: the real PTB Application receives commands from FakeTelegram, the real dispatcher
sends alerts through the Delivery engineer's TelegramChannel to the same fake. Discord: the
real discord.py client and DiscordChannel against FakeDiscord.
"""

from __future__ import annotations

from core.models import Delivery, Identity, Platform, Subscription, User
from tests.fakes.stack import TGE, Stack, settle, tg_command

pytest_plugins = ["tests.fakes.stack"]


async def test_telegram_subscribe_filter_watch_deliveries(stack: Stack) -> None:
    s, chat = stack, 9100
    await s.app.companies.create("Acme", tokens=["ACM"])
    await s.app.companies.create("Betanet", tokens=["BET"])
    before = await s.app.alerts.create_manual(TGE.format(name="Acme", sym="ACM"))
    assert "Subscribed" in await tg_command(s, chat, chat, "/subscribe 0.5")

    # an alert created after subscribing reaches the chat (and the older one does not)
    first = await s.app.alerts.create_manual(TGE.format(name="Betanet", sym="BET"))
    sent = await s.tg.wait_for_sent(2, chat_id=chat)
    assert "Betanet" in sent[1]["text"]
    await settle(s)
    assert not await Delivery.filter(alert_id=before.id).exists()
    assert first.confidence >= 0.9

    # /filter raises the threshold: a 0.86 story no longer arrives, a 1.0 one does
    assert "90%" in await tg_command(s, chat, chat, "/filter 0.9")
    weaker = await s.app.alerts.create_manual("Acme token launch next week")
    assert 0.5 <= weaker.confidence < 0.9
    await settle(s)
    assert not await Delivery.filter(alert_id=weaker.id).exists()

    # /watch limits the chat to watched companies
    assert "Watching Acme" in await tg_command(s, chat, chat, "/watch acme")
    other = await s.app.alerts.create_manual(TGE.format(name="Betanet", sym="BET") + " again")
    wanted = await s.app.alerts.create_manual(TGE.format(name="Acme", sym="ACM") + " again")
    await settle(s)
    assert await Delivery.filter(alert_id=wanted.id, status="sent").exists()
    assert not await Delivery.filter(alert_id=other.id).exists()
    assert any("Acme" in m["text"] and "again" in m["text"] for m in s.tg.sent(chat))
    assert not any("Betanet" in m["text"] and "again" in m["text"] for m in s.tg.sent(chat))


async def test_discord_subscribe_then_alert_reaches_the_channel(stack: Stack) -> None:
    s = stack
    iid = await s.dc.send_interaction(
        "subscribe", [], user_id=77, channel_id=8800, guild_id=5, permissions=str(1 << 4)
    )
    assert (await s.dc.wait_for_reply(iid))["embeds"][0]["title"] == "Subscribed"
    await s.app.alerts.create_manual(TGE.format(name="Gamma", sym="GAM"))
    messages = await s.dc.wait_for_channel_messages(1, channel_id=8800)
    body = str(messages[0])
    assert "Gamma" in body
    assert messages[0]["allowed_mentions"] == {"parse": []}


async def test_link_joins_identities_and_api_key_is_shared(stack: Stack) -> None:
    s = stack
    await tg_command(s, 9200, 9200, "/subscribe")
    dm = await tg_command(s, 9200, 9200, "/link")
    code = dm.split("<code>", 1)[1].split("</code>", 1)[0]
    iid = await s.dc.send_interaction(
        "watch", [{"name": "company", "type": 3, "value": "x"}], user_id=66, channel_id=67
    )
    await s.dc.wait_for_reply(iid)  # creates the Discord account first
    iid = await s.dc.send_interaction(
        "link", [{"name": "code", "type": 3, "value": code}], user_id=66, channel_id=67
    )
    reply = await s.dc.wait_for_reply(iid)  # first what would happen; nothing merged yet
    assert "confirm" in str(reply) and await User.all().count() == 2
    before = len(s.tg.sent(9200))
    iid = await s.dc.send_interaction(
        "link",
        [
            {"name": "code", "type": 3, "value": code},
            {"name": "confirm", "type": 3, "value": "confirm"},
        ],
        user_id=66,
        channel_id=67,
    )
    reply = await s.dc.wait_for_reply(iid)
    assert "discord, telegram" in reply["content"]
    # the code's issuer hears of it in their Telegram DM
    told = await s.tg.wait_for_sent(before + 1, chat_id=9200)
    assert "Accounts linked" in told[before]["text"]
    tg_identity = await Identity.get(platform=Platform.TELEGRAM, external_id="9200")
    dc_identity = await Identity.get(platform=Platform.DISCORD, external_id="66")
    assert tg_identity.user_id == dc_identity.user_id
    assert await User.all().count() == 1
    # the Telegram subscription belongs to the joined account
    assert (await Subscription.get(destination__address="9200")).user_id == dc_identity.user_id
    text = await tg_command(s, 9200, 9200, "/apikey create e2e")
    raw = text.split("<code>", 1)[1].split("</code>", 1)[0]
    user, key = await s.app.accounts.verify_api_key(raw)
    assert user.id == dc_identity.user_id and key.name == "e2e"
    iid = await s.dc.send_interaction(
        "apikey", [{"name": "action", "type": 3, "value": "list"}], user_id=66, channel_id=67
    )
    assert key.prefix in (await s.dc.wait_for_reply(iid))["embeds"][0]["description"]


async def test_link_issuer_on_discord_only_hears_of_the_merge_by_dm(stack: Stack) -> None:
    """An account that lives on Discord alone is told by a Discord DM, not left unaware."""
    s = stack
    iid = await s.dc.send_interaction("link", [], user_id=55, channel_id=56)
    issued = (await s.dc.wait_for_reply(iid))["embeds"][0]["description"]
    code = issued.split("```\n", 1)[1].split("\n", 1)[0]
    await tg_command(s, 9300, 9300, "/start")
    await tg_command(s, 9300, 9300, f"/link {code}")
    reply = await tg_command(s, 9300, 9300, f"/link {code} confirm")
    assert "discord, telegram" in reply
    dm_channel = s.dc.dm_channels["55"]
    told = await s.dc.wait_for_channel_messages(1, channel_id=int(dm_channel))
    assert "Accounts linked" in str(told[0])
    # the redeemer's own Telegram chat is not told about its own merge
    assert not any("Accounts linked" in m["text"] for m in s.tg.sent(9300))
