"""Issue 18, end to end through python-telegram-bot and discord.py against the local servers:
group semantics, one way to write a confidence, replies that help.

The real bots receive commands from FakeTelegram / FakeDiscord and the real dispatcher
delivers alerts through the real channels, so "the group gets X" is checked on the wire.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core.confidence import percent
from core.models import (
    Delivery,
    Destination,
    Feed,
    Identity,
    Item,
    ItemSource,
    Platform,
    Subscription,
)
from tests.fakes import FakeDiscord
from tests.fakes.stack import TGE, Stack, settle, tg_command
from tests.web_helpers import serve

pytest_plugins = ["tests.fakes.stack"]

GROUP = -100777
ADMIN, OTHER_ADMIN, MEMBER = 9301, 9302, 9303
MANAGE_CHANNELS = str(1 << 4)


def opt(name: str, value: object, type_: int = 3) -> dict:
    return {"name": name, "type": type_, "value": value}


async def group_command(s: Stack, user: int, text: str) -> str:
    return await tg_command(s, GROUP, user, text, chat_type="supergroup")


async def test_group_has_its_own_companies_and_watch_is_personal(stack: Stack) -> None:
    s = stack
    await s.app.companies.create("Acme", tokens=["ACM"])
    await s.app.companies.create("Betanet", tokens=["BET"])
    await s.app.companies.create("Gamma", tokens=["GAM"])
    s.tg.chat_member_status[(GROUP, ADMIN)] = "administrator"
    s.tg.chat_member_status[(GROUP, OTHER_ADMIN)] = "creator"

    # a member's command creates nothing and owns nothing
    assert "Only chat admins" in await group_command(s, MEMBER, "/subscribe")
    assert not await Destination.filter(address=str(GROUP)).exists()

    # the admin who subscribes owns the group; the admin's own watchlist does not filter it
    assert "Watching Acme" in await tg_command(s, ADMIN, ADMIN, "/watch Acme")
    text = await group_command(s, ADMIN, "/subscribe 60")
    assert "Subscribed" in text and "60%" in text
    dest = await Destination.get(address=str(GROUP))
    admin_user = (await Identity.get(platform=Platform.TELEGRAM, external_id=str(ADMIN))).user_id
    assert dest.is_group and dest.owner_id == admin_user
    sub = await Subscription.get(destination=dest)
    assert not sub.use_watchlist
    settings = await group_command(s, MEMBER, "/settings")
    assert "Companies:</b> all" in settings and "your /watchlist" not in settings
    assert "Minimum confidence:</b> 60%" in settings

    # a member's /watch in the group answers in private and leaves the group alone
    before = len(s.tg.sent(MEMBER))
    notice = await group_command(s, MEMBER, "/watch Betanet")
    assert notice == "I sent you the answer in a private message."
    dm = (await s.tg.wait_for_sent(before + 1, chat_id=MEMBER))[before]["text"]
    assert "Watching Betanet" in dm and "a group's alerts follow the group's filter" in dm
    alert = await s.app.alerts.create_manual(TGE.format(name="Gamma", sym="GAM"))
    await settle(s)
    assert await Delivery.filter(alert_id=alert.id, destination_id=dest.id).exists()

    # another admin sets the group's own list; the owner stays the admin who subscribed
    text = await group_command(s, OTHER_ADMIN, "/filter companies Betanet, Gamma")
    assert text == "Companies for this chat: Betanet, Gamma."
    await dest.refresh_from_db()
    assert dest.owner_id == admin_user
    acme = await s.app.alerts.create_manual(TGE.format(name="Acme", sym="ACM") + " again")
    beta = await s.app.alerts.create_manual(TGE.format(name="Betanet", sym="BET") + " again")
    await settle(s)
    assert not await Delivery.filter(alert_id=acme.id, destination_id=dest.id).exists()
    assert await Delivery.filter(alert_id=beta.id, destination_id=dest.id, status="sent").exists()
    text = await group_command(s, ADMIN, "/filter companies all")
    assert text == "This chat gets alerts about every company again."


async def test_bot_added_to_a_group_says_hello_once(stack: Stack) -> None:
    s = stack
    await s.tg.push_my_chat_member(GROUP, ADMIN, old="left", new="member")
    [hello] = await s.tg.wait_for_sent(1, chat_id=GROUP)
    assert hello["parse_mode"] == "HTML"
    for command in ("/subscribe", "/filter 70%", "/why", "/help"):
        assert command in hello["text"]
    # promoted to admin later: no second welcome
    await s.tg.push_my_chat_member(GROUP, ADMIN, old="member", new="administrator")
    await s.tg.push_command(9399, 9399, "/start")  # something to wait for after the update
    await s.tg.wait_for_sent(1, chat_id=9399)
    assert len(s.tg.sent(GROUP)) == 1


async def test_one_way_to_write_a_confidence_in_telegram(stack: Stack) -> None:
    s, chat = stack, 9310
    text = await tg_command(s, chat, chat, "/subscribe 5")
    assert "Minimum confidence:</b> 5%" in text
    assert "70%" in await tg_command(s, chat, chat, "/filter 0.7")
    assert "70%" in await tg_command(s, chat, chat, "/filter 70")
    assert "Only alerts with confidence 70% or more" in await tg_command(
        s, chat, chat, "/filter 70%"
    )
    assert (await Subscription.get(destination__address=str(chat))).min_confidence == 0.7
    text = await tg_command(s, chat, chat, "/filter 700")
    assert text == (
        "Minimum confidence must be between 0% and 100%, like 70% (0.7 and 70 mean the same), "
        "or default for the scorer's threshold (per item); you wrote 700.\nExample: "
        "/filter 70%  or  /filter default  or  /filter companies Monad, Berachain"
    )
    assert "Minimum confidence:</b> 70%" in await tg_command(s, chat, chat, "/settings")


async def test_replies_that_help_in_telegram(stack: Stack) -> None:
    s, chat = stack, 9320
    # plain text in a DM: a short hint, not silence
    await s.tg.push_command(chat, chat, "hi")
    [hint] = await s.tg.wait_for_sent(1, chat_id=chat)
    assert hint["text"].startswith("I answer commands") and "/help" in hint["text"]
    # an unknown command: a guess and /help, not 17 lines
    text = await tg_command(s, chat, chat, "/alert")
    assert text == "There is no /alert command. Did you mean /alerts? /help lists every command."
    # extra words: what was wrong, and one correct example
    text = await tg_command(s, chat, chat, "/feedback 3 up laptop")
    assert text == "I did not understand 'laptop' after /feedback.\nExample: /feedback 42 up"
    # a bad link code: sentence case, what to do
    text = await tg_command(s, chat, chat, "/link NOPE-NOPE-NOPE")
    assert text.startswith("That link code is invalid or has expired; send /link on the other")
    # secrets are tap-to-copy; usage counts read as words
    text = await tg_command(s, chat, chat, "/apikey create laptop")
    assert "<code>tge_" in text
    text = await tg_command(s, chat, chat, "/apikey list")
    assert "never used" in text and "0x" not in text
    text = await tg_command(s, chat, chat, "/link")
    assert text.startswith("<b>Link code</b>\n<code>")
    # grammar: "an hourly digest"
    await tg_command(s, chat, chat, "/subscribe")
    assert await tg_command(s, chat, chat, "/mode digest hourly") == (
        "Alerts arrive as an hourly digest."
    )


async def test_discord_confidence_code_blocks_and_private_watch(stack: Stack) -> None:
    s = stack
    dc: FakeDiscord = s.dc
    await s.app.companies.create("Acme", tokens=["ACM"])
    iid = await dc.send_interaction(
        "subscribe",
        [opt("min_confidence", 70, 10)],
        user_id=81,
        channel_id=8100,
        guild_id=8,
        permissions=MANAGE_CHANNELS,
    )
    embed = (await dc.wait_for_reply(iid))["embeds"][0]
    assert {"name": "Minimum confidence", "value": "70%", "inline": True} in embed["fields"]
    dest = await Destination.get(kind="discord", address="8100")
    assert dest.is_group
    # /watch in a server channel is about the caller: ephemeral, the channel is unchanged
    iid = await dc.send_interaction(
        "watch", [opt("company", "Acme")], user_id=82, channel_id=8100, guild_id=8
    )
    reply = await dc.wait_for_reply(iid)
    assert reply["flags"] == 64 and "Watching Acme" in reply["content"]
    assert not (await Subscription.get(destination=dest)).use_watchlist
    iid = await dc.send_interaction(
        "filter",
        [opt("min_confidence", 0.85, 10)],
        user_id=81,
        channel_id=8100,
        guild_id=8,
        permissions=MANAGE_CHANNELS,
    )
    assert "85%" in (await dc.wait_for_reply(iid))["content"]
    iid = await dc.send_interaction("link", [], user_id=81, channel_id=8100, guild_id=8)
    reply = await dc.wait_for_reply(iid)
    assert reply["embeds"][0]["description"].startswith("```\n")


async def _ingest(s: Stack, feed_name: str, url: str, title: str, other: str = "") -> Item:
    """A story stored the way the ingestor stores it: an item, its first source, and a
    second source that told the same story (a duplicate) when `other` is given."""
    feed = await Feed.create(kind="rss", name=feed_name, url=f"https://{feed_name}.invalid/rss")
    item = await Item.create(
        feed=feed, guid=url, url=url, canonical_url=url, title=title, fingerprint=url[-20:]
    )
    await ItemSource.create(item=item, feed=feed, guid=url, url=url)
    if other:
        second = await Feed.create(kind="rss", name=other, url=f"https://{other}.invalid/rss")
        await ItemSource.create(item=item, feed=second, guid=url + "#2", url=url)
    return item


async def test_why_traces_an_alert_for_this_chat(stack: Stack) -> None:
    s = stack
    await s.app.companies.create("Acme", tokens=["ACM"])
    await s.app.companies.create("Betanet", tokens=["BET"])
    s.tg.chat_member_status[(GROUP, ADMIN)] = "administrator"
    await group_command(s, ADMIN, "/subscribe 50 Betanet")

    # fetched from a feed, told by a second source too, scored, sent to the group
    url = "https://www.theblock.co/post/1/betanet-tge"
    item = await _ingest(s, "The Block", url, TGE.format(name="Betanet", sym="BET"), "CoinDesk")
    analysis = s.app.scoring.analyze(item.title, "", source_kind="rss")
    sent = await s.app.alerts.create_from_item(item, analysis)
    await settle(s)
    text = await group_command(s, MEMBER, f"/why {url}")
    assert text.startswith(f"<b>Why #{sent.id}: Betanet announces")
    assert "1. • Fetched: Fetched from The Block (rss feed #" in text
    assert "2. • Duplicates: The same story from 1 more source: CoinDesk (" in text
    assert f"3. ✅ Scored: Scored {percent(sent.confidence)} (" in text
    assert "4. ✅ This chat's filter: This chat's filter let it through:" in text
    assert "about Betanet, one of this chat's companies; instant." in text
    assert "5. ✅ Delivery: Sent on " in text and "after 1 attempt." in text

    # an alert about a company the group does not follow: stopped, and by what
    other = await s.app.alerts.create_manual(TGE.format(name="Acme", sym="ACM"))
    await settle(s)
    text = await group_command(s, MEMBER, f"/why {other.id}")
    assert "Typed in by the service as a manual alert" in text
    assert (
        "⛔ This chat's filter: Stopped by this chat's companies: it is about Acme, and this "
        "chat follows only Betanet."
    ) in text
    assert "No delivery to this chat was planned" in text

    # the threshold stops it: said with both numbers, as percentages
    await group_command(s, ADMIN, "/filter 100% companies all")
    weaker = await s.app.alerts.create_manual("Betanet token launch next week")
    text = await group_command(s, MEMBER, f"/why #{weaker.id}")
    assert f"{percent(weaker.confidence)} is below the minimum of 100%" in text

    # a story that never became an alert, and a link nobody published
    low = await _ingest(s, "Decrypt", "https://decrypt.invalid/x", "Betanet hires a new CFO")
    text = await group_command(s, MEMBER, f"/why {low.url}")
    assert "below the service's alert threshold" in text and "went to no chat" in text
    text = await group_command(s, MEMBER, "/why https://nowhere.invalid/story")
    assert text.startswith("I have not seen that link in any feed I watch")
    text = await group_command(s, MEMBER, "/why soon")
    assert text == (
        "'soon' is neither an alert number nor a link.\n"
        "Example: /why 42  or  /why https://www.theblock.co/post/…"
    )

    # the same trace over REST, per destination of the caller
    owner = await Identity.get(platform=Platform.TELEGRAM, external_id=str(ADMIN)).prefetch_related(
        "user"
    )
    client = await serve(s.app)
    try:
        headers = {
            "Authorization": f"Bearer {s.app.accounts.issue_token(owner.user)['access_token']}"
        }
        resp = await client.get(f"/alerts/{weaker.id}/trace", headers=headers)
        assert resp.status == 200, await resp.text()
        body = await resp.json()
        steps = {step["step"]: step for step in body["steps"]}
        assert body["alert_id"] == weaker.id
        assert steps["filter"]["outcome"] == "stopped"
        assert steps["filter"]["destination_id"] == (await Destination.get(address=str(GROUP))).id
        resp = await client.get("/alerts/999999/trace", headers=headers)
        assert resp.status == 404
    finally:
        await client.close()


async def test_why_in_discord(stack: Stack) -> None:
    s = stack
    iid = await s.dc.send_interaction(
        "subscribe", [], user_id=91, channel_id=9100, guild_id=9, permissions=MANAGE_CHANNELS
    )
    await s.dc.wait_for_reply(iid)
    alert = await s.app.alerts.create_manual(TGE.format(name="Gamma", sym="GAM"))
    await settle(s)
    iid = await s.dc.send_interaction(
        "why", [opt("ref", str(alert.id))], user_id=92, channel_id=9100, guild_id=9
    )
    embed = (await s.dc.wait_for_reply(iid))["embeds"][0]
    assert embed["title"].startswith(f"Why #{alert.id}: Gamma announces")
    assert "✅ Delivery: Sent on" in embed["description"]


async def test_alerts_read_at_a_glance_in_both_chats(stack: Stack) -> None:
    s, chat = stack, 9400
    await s.app.companies.create("Acme", tokens=["ACM"])
    await tg_command(s, chat, chat, "/subscribe 1%")
    iid = await s.dc.send_interaction(
        "subscribe",
        [opt("min_confidence", "1%")],
        user_id=94,
        channel_id=9401,
        guild_id=9,
        permissions=MANAGE_CHANNELS,
    )
    await s.dc.wait_for_reply(iid)
    title = "Acme ($ACM) announces official TGE date: June 20, 12:00 UTC"
    alert = await s.app.alerts.create_manual(title, "", "https://www.theblock.co/post/77/acme")
    day = alert.analysis["urgency"]["date"]  # the next June 20, as the scorer resolved it
    moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)

    sent = (await s.tg.wait_for_sent(2, chat_id=chat))[-1]
    lines = sent["text"].split("\n")
    assert lines[0] == f"<b>{title}</b>"
    assert lines[1] == "Acme · $ACM"
    assert re.fullmatch(
        r"📅 Official TGE date announced for June 20(, \d{4})?, 12:00 UTC", lines[2]
    )
    assert re.fullmatch(r"Confidence: (very |)(likely|possible|unlikely) \(\d{1,2}%\)", lines[3])
    assert lines[4] == "Source: The Block"  # the publication, not "manual"
    assert "tier-1" not in sent["text"] and "100%" not in sent["text"]
    [read] = sent["reply_markup"]["inline_keyboard"][0]
    assert read == {"text": "Read on The Block", "url": "https://www.theblock.co/post/77/acme"}

    [message] = await s.dc.wait_for_channel_messages(1, channel_id=9401)
    embed = message["embeds"][0]
    stamp = int(moment.timestamp())
    assert embed["description"] == (
        f"**Acme · $ACM**\n📅 Official TGE date announced for <t:{stamp}:f> (<t:{stamp}:R>)"
    )
    assert embed["footer"] == {"text": "Source: The Block"}
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    read = message["components"][0]["components"][0]
    assert (read["label"], read["url"]) == (
        "Read on The Block",
        "https://www.theblock.co/post/77/acme",
    )
    assert re.fullmatch(r"(very |)(likely|possible|unlikely) \(\d{1,2}%\)", fields["Confidence"])


async def test_discord_server_welcome_when_the_bot_is_added(stack: Stack) -> None:
    s = stack
    channel = {"id": "9501", "type": 0, "name": "general", "position": 0, "guild_id": "950"}
    await s.dc.dispatch(
        "GUILD_CREATE",
        {
            "id": "950",
            "name": "Degens",
            "owner_id": "1",
            "system_channel_id": "9501",
            "channels": [channel],
            "roles": [],
            "members": [],
            "member_count": 2,
            "features": [],  # no "unavailable": a server just joined, not one coming back
        },
    )
    [hello] = await s.dc.wait_for_channel_messages(1, channel_id=9501)
    embed = hello["embeds"][0]
    assert embed["title"] == "TGE Monitor is here"
    for command in ("/subscribe", "/filter 70%", "/why", "/help"):
        assert command in embed["description"]
    assert hello["allowed_mentions"] == {"parse": []}
