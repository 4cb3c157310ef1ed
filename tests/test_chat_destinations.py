"""Honest destination state and a true /status, end to end through both real bot libraries.

Issue 18, parts 1 and 9: `/subscribe` in a Discord channel the bot cannot post in names each
missing permission and subscribes nothing; a destination stopped by a refused send reads
"stopped" with its reason and fix in `/settings`, in REST `/destinations` and on the
dashboard's data; the chat's admin hears it in a DM on the chat's own platform; `/status`
counts every feed (never-polled ones as "waiting for first check"), says when a poll last
succeeded and when this chat last got an alert, and shows operator details to admins only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.models import Delivery, Destination, Feed, FeedKind, Identity, Platform, Role
from core.services.destination_state import destination_status, resume_fix
from tests.conftest import wait_for
from tests.fakes.discord import EMBED_LINKS, VIEW_CHANNEL
from tests.fakes.stack import TGE, Stack, settle, tg_command
from web.routes.subscriptions import destination_json

pytest_plugins = ["tests.fakes.stack"]

MANAGE_CHANNELS = str(1 << 4)


async def dc_command(s: Stack, name: str, options: list | None = None, **kw: object) -> dict:
    iid = await s.dc.send_interaction(name, options or [], **kw)  # type: ignore[arg-type]
    return await s.dc.wait_for_reply(iid)


def text_of(reply: dict) -> str:
    """Everything a Discord user reads in a reply: content, embed text and fields."""
    parts = [reply.get("content") or ""]
    for embed in reply.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts).replace("\\", "")


async def test_discord_subscribe_names_each_missing_permission(stack: Stack) -> None:
    s = stack
    where = {"user_id": 301, "channel_id": 3010, "guild_id": 30, "permissions": MANAGE_CHANNELS}
    reply = await dc_command(
        s, "subscribe", app_permissions=str(VIEW_CHANNEL), **where
    )  # can see the channel, but neither post nor embed
    said = text_of(reply)
    assert "missing the Send Messages and Embed Links permissions" in said
    assert "Subscribed" not in said
    assert reply["flags"] == 64  # an error is shown to the caller only
    assert not await Destination.filter(address="3010").exists()

    reply = await dc_command(
        s, "subscribe", app_permissions=str(VIEW_CHANNEL | EMBED_LINKS | 1 << 11), **where
    )
    assert reply["embeds"][0]["title"] == "Subscribed"
    assert "Status: active" in text_of(reply)


async def test_refused_discord_channel_reads_stopped_everywhere_and_admin_hears(
    stack: Stack,
) -> None:
    s = stack
    where = {"user_id": 302, "channel_id": 3020, "guild_id": 31, "permissions": MANAGE_CHANNELS}
    assert (await dc_command(s, "subscribe", **where))["embeds"][0]["title"] == "Subscribed"
    # someone removes the bot's Send Messages afterwards: Discord answers 403 Missing Permissions
    refusal = {"message": "Missing Permissions", "code": 50013}
    s.dc.fail_next("/channels/3020/messages", 403, refusal)
    alert = await s.app.alerts.create_manual(TGE.format(name="Delta", sym="DEL"))
    await settle(s)
    assert (await Delivery.get(alert_id=alert.id)).status == "rejected"

    # the admin who subscribed hears it in a Discord DM, with the fix
    await wait_for(lambda: "302" in s.dc.dm_channels)
    dm_channel = s.dc.dm_channels["302"]
    [notice] = await s.dc.wait_for_channel_messages(1, channel_id=dm_channel)
    embed = notice["embeds"][0]
    assert "stopped" in embed["title"]
    assert "Missing Permissions" in embed["description"]
    assert "View Channel, Send Messages and Embed Links" in embed["description"]

    # /settings in the channel says stopped, why, and how to fix it
    said = text_of(await dc_command(s, "settings", **where))
    assert "Status: stopped: discord 403: Missing Permissions" in said
    assert "Fix: Give the bot View Channel, Send Messages and Embed Links" in said
    # /status there says the same in one line
    assert "This chat: stopped" in text_of(await dc_command(s, "status", **where))

    # REST (and the dashboard, which reads it)
    dest = await Destination.get(address="3020")
    data = destination_json(dest)
    assert data["status"] == "stopped" and data["fix"] == resume_fix(dest)

    # subscribing again (the permission is back) resumes it
    await dc_command(s, "subscribe", **where)
    await dest.refresh_from_db()
    assert destination_status(dest) == "active"
    assert "Status: active" in text_of(await dc_command(s, "settings", **where))


async def test_telegram_group_that_kicked_the_bot_tells_its_admin_privately(stack: Stack) -> None:
    s, group, admin = stack, -100777, 4242
    s.tg.chat_member_status[(group, admin)] = "administrator"
    assert "Subscribed" in await tg_command(s, group, admin, "/subscribe", chat_type="supergroup")
    s.tg.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
    await s.app.alerts.create_manual(TGE.format(name="Echo", sym="ECH"))
    [dm] = await s.tg.wait_for_sent(1, chat_id=admin)
    assert "bot was kicked" in dm["text"]
    fix = "Fix: Add the bot to that chat again, then run /subscribe in that chat again"
    assert fix in dm["text"]
    assert not any("Echo" in m["text"] for m in s.tg.sent(group))  # the refused send


async def test_status_counts_every_feed_and_this_chats_last_delivery(stack: Stack) -> None:
    s, chat = stack, 9500
    now = datetime.now(UTC)
    url = "http://127.0.0.1:9/{}.xml"
    await Feed.create(kind=FeedKind.RSS, name="fresh", url=url.format(1))  # never polled
    polled = now - timedelta(minutes=3)
    await Feed.create(kind=FeedKind.RSS, name="good", url=url.format(2), last_success_at=polled)
    await Feed.create(kind=FeedKind.RSS, name="broken", url=url.format(3), consecutive_failures=2)
    text = await tg_command(s, chat, chat, "/status")
    assert "3: 1 ok, 1 failing, 1 waiting for first check" in text
    assert "Last successful poll:</b> 3m ago" in text
    assert "This chat:</b> not subscribed" in text
    assert "Queue" not in text and "Dependencies" not in text  # operator details: admins only

    await tg_command(s, chat, chat, "/subscribe")
    assert "no alert delivered here yet" in await tg_command(s, chat, chat, "/status")
    await s.app.alerts.create_manual(TGE.format(name="Foxtrot", sym="FOX"))
    await settle(s)
    assert "last alert delivered 0s ago" in await tg_command(s, chat, chat, "/status")

    identity = await Identity.get(platform=Platform.TELEGRAM, external_id=str(chat))
    user = await identity.user
    user.role = Role.ADMIN
    await user.save()
    text = await tg_command(s, chat, chat, "/status")
    assert "Queue:</b> 0 pending deliveries" in text
    assert "Dependencies:</b> database ok" in text
    assert "Feeds needing attention:</b> #3 broken" in text


async def test_a_new_service_admin_gets_the_admin_menu_in_their_dm(stack: Stack) -> None:
    s, chat = stack, 9600
    await tg_command(s, chat, chat, "/start")
    assert f"chat:{chat}" not in s.tg.menus
    identity = await Identity.get(platform=Platform.TELEGRAM, external_id=str(chat))
    user = await identity.user
    user.role = Role.ADMIN
    await user.save()
    await tg_command(s, chat, chat, "/status")
    menu = [c["command"] for c in s.tg.menus[f"chat:{chat}"]]
    assert "company_add" in menu and "subscribe" in menu
    assert "company_add" not in [c["command"] for c in s.tg.menus["all_private_chats"]]


async def test_telegram_subscribe_in_a_group_that_muted_the_bot_says_so(stack: Stack) -> None:
    s, group, admin = stack, -100778, 4343
    s.tg.chat_member_status[(group, admin)] = "administrator"
    s.tg.chat_member_status[(group, s.tg.BOT_ID)] = "restricted"
    text = await tg_command(s, group, admin, "/subscribe", chat_type="supergroup")
    assert "missing the Send Messages permission" in text and "Subscribed" not in text
    assert not await Destination.filter(address=str(group)).exists()
    s.tg.chat_member_status[(group, s.tg.BOT_ID)] = "member"
    assert "Subscribed" in await tg_command(s, group, admin, "/subscribe", chat_type="supergroup")
