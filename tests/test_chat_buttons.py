"""Buttons everywhere they belong, end to end through python-telegram-bot and discord.py.

Issue 18, part 2: Discord alerts carry the same buttons as Telegram's (open the story, 👍,
👎, "not a TGE"); a press edits the alert to show the tally (✓ on the voter's own vote
where only they see it), pressing again takes the vote back, on both platforms; /mode,
/filter, /apikey and /subscribe without arguments answer with buttons, and a press runs
the command in place; /companies, /feeds, /alerts and /watchlist page with ◀ ▶.
"""

from __future__ import annotations

from typing import Any

from core.models import AlertFeedback, Platform, Subscription
from tests.conftest import wait_for
from tests.fakes.stack import TGE, Stack, settle, tg_command

pytest_plugins = ["tests.fakes.stack"]

MANAGE_CHANNELS = str(1 << 4)


def tg_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button of a Telegram message's inline keyboard, rows flattened."""
    markup = message.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def dc_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("components") or [] for b in row.get("components", [])]


def labels(buttons: list[dict[str, Any]]) -> list[str]:
    return [b.get("label") or b.get("text") for b in buttons]


async def tg_message(s: Stack, chat: int, user: int, text: str, **kw: str) -> dict[str, Any]:
    before = len(s.tg.sent(chat))
    await s.tg.push_command(chat, user, text, **kw)
    return (await s.tg.wait_for_sent(before + 1, chat_id=chat))[before]


async def tg_press(s: Stack, chat: int, user: int, message: dict, label: str) -> dict:
    """Press the button labelled `label` on `message`; returns the edit or the answer."""
    [button] = [b for b in tg_buttons(message) if b["text"] == label]
    edits, answers = len(s.tg.edited), len(s.tg.callback_answers)
    await s.tg.push_callback(
        chat,
        user,
        button["callback_data"],
        int(message["message_id"]),
        reply_markup=message.get("reply_markup"),
    )
    await wait_for(lambda: len(s.tg.callback_answers) > answers)
    answer = s.tg.callback_answers[answers]
    try:
        await wait_for(lambda: len(s.tg.edited) > edits, within_s=1.0)
    except AssertionError:
        return {"answer": answer}
    return {"answer": answer, **s.tg.edited[edits]}


async def test_telegram_vote_shows_tally_and_toggles_back(stack: Stack) -> None:
    s, chat = stack, 9701
    await tg_command(s, chat, chat, "/subscribe")
    alert = await s.app.alerts.create_manual(
        TGE.format(name="Hotel", sym="HOT"), "", "https://news.example/hotel"
    )
    [*_, sent] = await s.tg.wait_for_sent(2, chat_id=chat)
    assert labels(tg_buttons(sent)) == ["Read on news.example", "👍", "👎", "🚫 Not a TGE"]

    edit = await tg_press(s, chat, chat, sent, "👍")
    assert "marked useful" in edit["answer"]["text"]
    assert edit["method"] == "editMessageReplyMarkup"
    # the link stays; the tally shows, with ✓ on my vote (a DM: only I see it)
    assert labels(tg_buttons(edit)) == ["Read on news.example", "✓ 👍 1", "👎", "🚫 Not a TGE"]
    assert (await AlertFeedback.get(alert_id=alert.id)).useful is True

    sent["reply_markup"] = edit["reply_markup"]
    edit = await tg_press(s, chat, chat, sent, "✓ 👍 1")  # the same again: taken back
    assert "taken back" in edit["answer"]["text"]
    assert labels(tg_buttons(edit)) == ["Read on news.example", "👍", "👎", "🚫 Not a TGE"]
    assert not await AlertFeedback.filter(alert_id=alert.id).exists()


async def test_telegram_group_votes_tally_without_showing_whose(stack: Stack) -> None:
    s, group, admin = stack, -100970, 9702
    s.tg.chat_member_status[(group, admin)] = "administrator"
    await tg_command(s, group, admin, "/subscribe", chat_type="supergroup")
    await s.app.alerts.create_manual(TGE.format(name="India", sym="IND"))
    [*_, sent] = await s.tg.wait_for_sent(2, chat_id=group)
    edit = await tg_press(s, group, 11, sent, "🚫 Not a TGE")
    sent["reply_markup"] = edit["reply_markup"]
    edit = await tg_press(s, group, 12, sent, "🚫 Not a TGE 1")
    assert "marked not a TGE" in edit["answer"]["text"]  # a second voter adds to the tally
    assert labels(tg_buttons(edit))[-3:] == ["👍", "👎", "🚫 Not a TGE 2"]  # no ✓ in a group


async def test_discord_alert_has_buttons_and_a_press_edits_the_tally(stack: Stack) -> None:
    s = stack
    where = {"user_id": 801, "channel_id": 8010, "guild_id": 80, "permissions": MANAGE_CHANNELS}
    iid = await s.dc.send_interaction("subscribe", [], **where)
    await s.dc.wait_for_reply(iid)
    alert = await s.app.alerts.create_manual(
        TGE.format(name="Juliet", sym="JUL"), "", "https://news.example/juliet"
    )
    [message] = await s.dc.wait_for_channel_messages(1, channel_id=8010)
    buttons = dc_buttons(message)
    assert buttons[0] == {
        "type": 2,
        "style": 5,
        "label": "Read on news.example",
        "url": "https://news.example/juliet",
    }
    assert [(b["label"], b["custom_id"]) for b in buttons[1:]] == [
        ("👍", f"fb:{alert.id}:up"),
        ("👎", f"fb:{alert.id}:down"),
        ("🚫 Not a TGE", f"fb:{alert.id}:no"),
    ]

    iid = await s.dc.press(
        f"fb:{alert.id}:down", message, user_id=802, channel_id=8010, guild_id=80
    )
    callback = await s.dc.wait_for_callback(iid)
    assert callback["type"] == 7  # UPDATE_MESSAGE: the alert itself now shows the tally
    edited = callback["data"]
    assert labels(dc_buttons(edited)) == ["Read on news.example", "👍", "👎 1", "🚫 Not a TGE"]
    told = await s.dc.wait_for_followup(iid)
    assert "marked not useful" in told["content"] and told["flags"] == 64  # only the voter
    assert (await AlertFeedback.get(alert_id=alert.id)).useful is False

    message["components"] = edited["components"]
    iid = await s.dc.press(
        f"fb:{alert.id}:down", message, user_id=802, channel_id=8010, guild_id=80
    )
    edited = (await s.dc.wait_for_callback(iid))["data"]
    assert labels(dc_buttons(edited)) == ["Read on news.example", "👍", "👎", "🚫 Not a TGE"]
    assert "taken back" in (await s.dc.wait_for_followup(iid))["content"]
    assert not await AlertFeedback.filter(alert_id=alert.id).exists()


async def test_telegram_mode_menu_runs_in_place(stack: Stack) -> None:
    s, chat = stack, 9703
    subscribed = await tg_message(s, chat, chat, "/subscribe")
    assert labels(tg_buttons(subscribed)) == [
        "Minimum confidence…",
        "Instant or digest…",
        "Unsubscribe",
    ]
    menu = await tg_message(s, chat, chat, "/mode")
    assert "How should alerts arrive" in menu["text"]
    assert labels(tg_buttons(menu)) == ["✓ Instant", "Hourly digest", "Daily digest"]
    edit = await tg_press(s, chat, chat, menu, "Hourly digest")
    assert "hourly digest" in edit["text"] and int(edit["message_id"]) == menu["message_id"]
    sub = await Subscription.get(destination__address=str(chat))
    assert str(sub.mode) == "digest" and str(sub.digest_interval) == "hourly"

    # the buttons under /subscribe lead to the same menus
    edit = await tg_press(s, chat, chat, subscribed, "Minimum confidence…")
    assert "Pick a new minimum" in edit["text"]
    assert "80%" in labels(tg_buttons(edit))


async def test_a_member_pressing_an_admin_menu_in_a_group_changes_nothing(stack: Stack) -> None:
    s, group, admin, member = stack, -100971, 9704, 9705
    s.tg.chat_member_status[(group, admin)] = "administrator"
    await tg_command(s, group, admin, "/subscribe", chat_type="supergroup")
    menu = await tg_message(s, group, admin, "/filter", chat_type="supergroup")
    pressed = await tg_press(s, group, member, menu, "90%")
    assert "Only chat admins" in pressed["answer"]["text"]
    assert pressed["answer"]["show_alert"] is True
    assert "text" not in pressed  # the menu was not replaced
    sub = await Subscription.get(destination__address=str(group))
    assert sub.min_confidence is None  # still the scorer's threshold, as /subscribe left it


async def test_discord_filter_and_apikey_menus(stack: Stack) -> None:
    s = stack
    where = {"user_id": 811, "channel_id": 8110, "guild_id": 81, "permissions": MANAGE_CHANNELS}
    await s.dc.wait_for_reply(await s.dc.send_interaction("subscribe", [], **where))
    menu = await s.dc.wait_for_reply(await s.dc.send_interaction("filter", [], **where))
    # a new chat follows the scorer's threshold per item: that button is ticked, on a row
    # of its own above the presets
    presets = ["50%", "60%", "70%", "80%", "90%"]
    assert labels(dc_buttons(menu)) == ["✓ Scorer's threshold (default)", *presets]
    assert [len(row["components"]) for row in menu["components"]] == [1, 5]
    assert "every alert the scorer makes arrives here" in menu["content"]
    iid = await s.dc.press("cmd:filter 80%", menu, **where)
    callback = await s.dc.wait_for_callback(iid)
    assert callback["type"] == 7 and "80%" in callback["data"]["content"]
    assert (await Subscription.get(destination__address="8110")).min_confidence == 0.8

    # a minimum that is none of the presets is a ticked button of its own; Discord's five a
    # row make another row
    await Subscription.filter(destination__address="8110").update(min_confidence=0.39)
    menu = await s.dc.wait_for_reply(await s.dc.send_interaction("filter", [], **where))
    assert labels(dc_buttons(menu)) == [
        "Scorer's threshold (default)",
        "✓ 39%",
        *presets,
    ]
    assert [len(row["components"]) for row in menu["components"]] == [1, 5, 1]
    assert "Now: alerts with confidence 39% or more" in menu["content"]
    # and back to the scorer's threshold with one press
    iid = await s.dc.press("cmd:filter default", menu, **where)
    callback = await s.dc.wait_for_callback(iid)
    assert "every alert the scorer makes arrives" in callback["data"]["content"]
    assert (await Subscription.get(destination__address="8110")).min_confidence is None

    menu = await s.dc.wait_for_reply(await s.dc.send_interaction("apikey", [], **where))
    assert menu["flags"] == 64
    [create, listing] = dc_buttons(menu)
    assert create["label"].startswith("Create a key")
    iid = await s.dc.press(create["custom_id"], menu, ephemeral=True, **where)
    created = (await s.dc.wait_for_callback(iid))["data"]
    raw = created["embeds"][0]["description"].split("\n", 2)[1]  # inside the code block
    _, key = await s.app.accounts.verify_api_key(raw)
    iid = await s.dc.press(listing["custom_id"], menu, ephemeral=True, **where)
    listed = (await s.dc.wait_for_callback(iid))["data"]
    assert key.prefix in listed["embeds"][0]["description"]
    assert [b["label"] for b in dc_buttons(listed)] == [f"Revoke {key.prefix}"]


async def test_long_lists_page_with_buttons(stack: Stack) -> None:
    s, chat = stack, 9706
    for i in range(45):
        await s.app.companies.create(f"Company {i:02d}", tokens=[f"C{i:02d}"])
    first = await tg_message(s, chat, chat, "/companies")
    assert "45 companies · page 1 of 3" in first["text"]
    assert "Company 00" in first["text"] and "Company 20" not in first["text"]
    assert labels(tg_buttons(first)) == ["Next ▶"]
    second = await tg_press(s, chat, chat, first, "Next ▶")
    assert "45 companies · page 2 of 3" in second["text"]
    assert "Company 20" in second["text"] and "Company 00" not in second["text"]
    assert labels(tg_buttons(second)) == ["◀ Previous", "Next ▶"]
    third = await tg_press(s, chat, chat, second, "Next ▶")
    assert "Company 44" in third["text"] and labels(tg_buttons(third)) == ["◀ Previous"]
    # a search pages too, and typing the page works the same
    typed = await tg_message(s, chat, chat, "/companies page=2 Company 1")
    assert "10 companies" in typed["text"] and "Company 10" in typed["text"]

    # Discord: /watchlist and /alerts page the same way
    where = {"user_id": 821, "channel_id": 8210}
    watcher = await s.app.accounts.ensure_identity(Platform.DISCORD, 821, "Watcher")
    for i in range(25):  # the service directly: 25 commands would meet the rate limit
        await s.app.subscriptions.watch(watcher, f"Company {i:02d}")
    page = await s.dc.wait_for_reply(await s.dc.send_interaction("watchlist", [], **where))
    assert "Your watchlist: 25 · page 1 of 2" in page["embeds"][0]["title"]
    iid = await s.dc.press("cmd:watchlist page=2", page, **where)
    page2 = (await s.dc.wait_for_callback(iid))["data"]
    assert "Company 24" in page2["embeds"][0]["description"]
    for i in range(7):
        await s.app.alerts.create_manual(TGE.format(name=f"Kilo{i}", sym=f"KL{i}"))
    await settle(s)
    options = [{"name": "n", "type": 4, "value": 3}]
    page = await s.dc.wait_for_reply(await s.dc.send_interaction("alerts", options, **where))
    assert "Kilo6" in page["embeds"][0]["description"]
    [older] = dc_buttons(page)
    iid = await s.dc.press(older["custom_id"], page, **where)
    page2 = (await s.dc.wait_for_callback(iid))["data"]
    assert "page 2" in page2["embeds"][0]["title"] and "Kilo3" in page2["embeds"][0]["description"]
