"""The real python-telegram-bot Application against the fake Bot API, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.telegram.app import TelegramBot
from bot.telegram.render import render_html
from core.commands import Audience, Reply
from core.models import AlertFeedback, Destination, Identity, Platform, Role, Subscription, User
from core.runtime import App
from tests.conftest import wait_for
from tests.fakes import FakeTelegram

pytest_plugins = ["tests.fakes.fixtures"]

TOKEN = "424242:SECRET-bot-token"


@pytest.fixture
async def bot(app: App, tg: FakeTelegram) -> AsyncIterator[TelegramBot]:
    component = TelegramBot(app, token=TOKEN, api_base=tg.base_url, poll_timeout=1)
    await component.start()
    try:
        yield component
    finally:
        await component.stop()


async def command(tg: FakeTelegram, chat_id: int, user_id: int, text: str, **kw: str) -> dict:
    """Send one command and return the bot's next message to that chat."""
    before = len(tg.sent(chat_id))
    await tg.push_command(chat_id, user_id, text, **kw)
    return (await tg.wait_for_sent(before + 1, chat_id=chat_id))[before]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply("a < b & c > d"), "a &lt; b &amp; c &gt; d"),
        (Reply("x", title="<T>"), "<b>&lt;T&gt;</b>\nx"),
        (Reply("", fields=[("k&", "<v>")]), "<b>k&amp;:</b> &lt;v&gt;"),
        (Reply(""), "Done."),
    ],
)
def test_render_escapes_html(reply: Reply, expected: str) -> None:
    assert render_html(reply) == expected


def test_render_cuts_long_messages() -> None:
    text = "\n".join(f"line <{i}>" for i in range(2000))
    out = render_html(Reply(text, title="t"))
    assert len(out) <= 4096 and out.endswith("…")


async def test_start_registers_commands_and_creates_account(
    app: App, tg: FakeTelegram, bot: TelegramBot
) -> None:
    methods = [name for name, _ in tg.calls]
    assert methods[0] == "getMe" and methods[1] == "setMyCommands"
    assert methods.index("deleteWebhook") > methods.index("setMyCommands")
    names = [c["command"] for c in tg.commands]  # the default menu: what anyone may run
    assert names == [spec.name for spec in app.commands.registry.menu(Audience.MEMBERS)]
    msg = await command(tg, 100, 100, "/start")
    assert msg["parse_mode"] == "HTML"
    assert "Welcome to TGE Monitor" in msg["text"]
    identity = await Identity.get(platform=Platform.TELEGRAM, external_id="100")
    assert await User.filter(id=identity.user_id).exists()
    assert TOKEN in tg.tokens


async def test_subscribe_and_filter_in_a_dm(app: App, tg: FakeTelegram, bot: TelegramBot) -> None:
    msg = await command(tg, 200, 200, "/subscribe 0.6")
    assert "Subscribed" in msg["text"]
    sub = await Subscription.get(destination__address="200")
    assert sub.min_confidence == 0.6
    msg = await command(tg, 200, 200, "/filter 0.85")
    assert "85%" in msg["text"]
    await sub.refresh_from_db()
    assert sub.min_confidence == 0.85


async def test_bad_arguments_get_an_example(tg: FakeTelegram, bot: TelegramBot) -> None:
    msg = await command(tg, 300, 300, "/filter 250")
    assert "Minimum confidence must be between 0% and 100%" in msg["text"]
    assert "Example: /filter 70%" in msg["text"]
    msg = await command(tg, 300, 300, "/mode weekly")
    assert "Mode must be one of instant, digest, not 'weekly'." in msg["text"]


async def test_unknown_command_suggests_one(tg: FakeTelegram, bot: TelegramBot) -> None:
    msg = await command(tg, 400, 400, "/subscibe now")
    assert msg["text"] == (
        "There is no /subscibe command. Did you mean /subscribe? /help lists every command."
    )


async def test_group_non_admin_refused_admin_allowed(
    app: App, tg: FakeTelegram, bot: TelegramBot
) -> None:
    group = -1001234
    msg = await command(tg, group, 501, "/subscribe", chat_type="supergroup")
    assert "Only chat admins" in msg["text"]
    assert not await Destination.filter(address=str(group)).exists()
    assert tg.calls_of("getChatMember")[-1] == {"chat_id": group, "user_id": 501}
    tg.chat_member_status[(group, 502)] = "administrator"
    msg = await command(tg, group, 502, "/subscribe 0.7", chat_type="supergroup")
    assert "Subscribed" in msg["text"]
    tg.chat_member_status[(group, 503)] = "creator"
    msg = await command(tg, group, 503, "/filter 0.9", chat_type="supergroup")
    assert "90%" in msg["text"]
    sub = await Subscription.get(destination__address=str(group))
    assert sub.min_confidence == 0.9


async def test_secrets_go_to_dm_from_groups(app: App, tg: FakeTelegram, bot: TelegramBot) -> None:
    group = -1005555
    msg = await command(tg, group, 601, "/apikey create ci", chat_type="group")
    assert "private message" in msg["text"]
    dm = (await tg.wait_for_sent(1, chat_id=601))[0]
    raw = dm["text"].split("<code>", 1)[1].split("</code>", 1)[0]  # tap to copy
    user, key = await app.accounts.verify_api_key(raw)
    assert key.name == "ci" and user.id == (await Identity.get(external_id="601")).user_id
    assert raw not in msg["text"]
    # a user who never opened a DM: the secret is not posted in the group
    tg.fail_next("sendMessage", 403, "Forbidden: bot can't initiate conversation with a user")
    msg = await command(tg, group, 602, "/link", chat_type="group")
    assert "can't message you privately" in msg["text"]
    assert "link code" not in msg["text"].lower()


async def test_feedback_button(app: App, tg: FakeTelegram, bot: TelegramBot) -> None:
    admin = await app.accounts.create_user("boss", role=Role.ADMIN)
    alert = await app.alerts.create_manual("Monad TGE on March 3", "", "", admin)
    await tg.push_callback(700, 700, f"fb:{alert.id}:up", 55)
    await wait_for(lambda: tg.callback_answers)
    assert "useful" in tg.callback_answers[0]["text"]
    feedback = await AlertFeedback.get(alert_id=alert.id)
    assert feedback.useful is True
    await tg.push_callback(700, 700, "fb:999999:down", 56)
    await wait_for(lambda: len(tg.callback_answers) == 2)
    assert "not found" in tg.callback_answers[1]["text"]
    await tg.push_callback(700, 700, f"fb:{alert.id}:no", 57)  # the same user changes the vote
    await wait_for(lambda: len(tg.callback_answers) == 3)
    assert "not a TGE" in tg.callback_answers[2]["text"]
    feedback = await AlertFeedback.get(alert_id=alert.id)
    assert (feedback.useful, feedback.not_tge) == (False, True)


async def test_handler_crash_gets_apology(
    app: App, tg: FakeTelegram, bot: TelegramBot, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("db on fire")

    app.subscriptions.watchlist = broken  # type: ignore[method-assign]
    msg = await command(tg, 800, 800, "/watchlist")
    assert "Sorry, something went wrong" in msg["text"]
    assert any("command /watchlist failed" in r.getMessage() for r in caplog.records)
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


async def test_add_project_button_runs_for_admins_only(
    app: App, tg: FakeTelegram, bot: TelegramBot
) -> None:
    from bot.telegram.channel import render_alert
    from core.alerts.dispatcher import Dispatcher
    from core.alerts.render import message_from_alert
    from core.models import Company

    alert = await app.alerts.create_manual("Binance Will List Norvale (NRVL)", "Norvale TGE today")
    msg = message_from_alert(alert)
    owner = await app.accounts.ensure_identity(Platform.TELEGRAM, 800, "owner")
    dest = await Destination.create(kind="telegram", address="800", owner=owner)
    dispatcher = Dispatcher(app)
    assert not (await dispatcher._message(dest, msg)).can_add_project  # not an admin's chat
    _, markup = render_alert(msg)
    assert "np:" not in str(markup.to_dict())
    await User.filter(id=owner.id).update(role=Role.ADMIN)
    shown = await dispatcher._message(dest, msg)
    _, markup = render_alert(shown)
    [button] = markup.inline_keyboard[-1]
    assert (button.text, button.callback_data) == ("➕ Add Norvale to companies", f"np:{alert.id}")

    await tg.push_callback(700, 700, f"np:{alert.id}", 60)  # someone who is no admin
    await wait_for(lambda: tg.callback_answers)
    assert "service admins" in tg.callback_answers[0]["text"]
    assert not await Company.filter(name="Norvale").exists()
    await tg.push_callback(800, 800, f"np:{alert.id}", 61)  # the admin
    await wait_for(lambda: len(tg.callback_answers) == 2)
    assert "Added Norvale ($NRVL)" in tg.callback_answers[1]["text"]
    assert (await Company.get(name="Norvale")).tokens == ["NRVL"]
