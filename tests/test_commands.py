"""The command registry and commands, driven through `execute` (the door every transport uses)."""

from __future__ import annotations

import pytest

from core.commands import (
    CommandContext,
    Param,
    ParamType,
    Registry,
    Reply,
    command,
    default_registry,
    execute,
    parse_args,
)
from core.errors import InvalidInput
from core.models import Destination, Platform, Role, Subscription, User
from core.runtime import App


async def ctx_for(
    app: App,
    user_id: int = 1,
    *,
    chat_id: int | None = None,
    group: bool = False,
    admin: bool = False,
) -> CommandContext:
    user = await app.accounts.ensure_identity(Platform.TELEGRAM, user_id, f"user{user_id}")
    return CommandContext(
        app=app,
        user=user,
        platform=Platform.TELEGRAM,
        chat_id=str(chat_id if chat_id is not None else user_id),
        is_group=group,
        is_chat_admin=admin,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", {"company": None, "min_confidence": None, "n": None}),
        ("Monad", {"company": "Monad", "min_confidence": None, "n": None}),
        ("0.8", {"company": None, "min_confidence": 0.8, "n": None}),
        ("80%", {"company": None, "min_confidence": 0.8, "n": None}),
        ("Monad 0.7 3", {"company": "Monad", "min_confidence": 0.7, "n": 3}),
        ("n=4", {"company": None, "min_confidence": None, "n": 4}),
        ('"Monad Labs" 0.5', {"company": "Monad Labs", "min_confidence": 0.5, "n": None}),
    ],
)
def test_parse_alerts_arguments(raw: str, expected: dict) -> None:
    spec = default_registry().get("alerts")
    assert spec is not None
    assert parse_args(spec, raw) == {**expected, "page": None}


@pytest.mark.parametrize(
    ("command_name", "raw", "message"),
    [
        ("alerts", "Monad 150", "minimum confidence must be between 0% and 100%, like 70%"),
        ("alerts", "Monad -5%", "minimum confidence must be between 0% and 100%"),
        ("alerts", "Monad 0.5 99", "count must be between 1 and 20"),
        ("alerts", "Monad 0.5 2.5", "count must be a whole number"),
        ("claim", "", "code is missing"),
        ("watch", "", "company is missing"),
        ("feedback", "12 loud", "vote must be one of up, down, not_tge, not 'loud'"),
        ("mode", "sometimes", "mode must be one of instant, digest"),
        ("feedback", "12 up more", "I did not understand 'more' after /feedback"),
    ],
)
def test_bad_arguments_say_what_is_wrong(command_name: str, raw: str, message: str) -> None:
    spec = default_registry().get(command_name)
    assert spec is not None
    with pytest.raises(InvalidInput) as exc:
        parse_args(spec, raw)
    assert message in exc.value.message


def test_subscribe_arguments_words_go_to_companies() -> None:
    spec = default_registry().get("subscribe")
    assert spec is not None
    assert parse_args(spec, "Monad, Berachain") == {
        "min_confidence": None,
        "companies": ["Monad", "Berachain"],
    }
    assert parse_args(spec, "0.6 Monad") == {"min_confidence": 0.6, "companies": ["Monad"]}


def test_decorator_only_tags_and_registry_collects() -> None:
    @command("hello", "Say hello", Param("who", ParamType.TEXT, "name"))
    async def hello(ctx: CommandContext, who: str | None = None) -> Reply:
        return Reply(f"hello {who}")

    assert hello.__command__.name == "hello"  # type: ignore[attr-defined]
    registry = Registry()
    spec = registry.add(hello)
    assert registry.get("/HELLO") is spec
    assert spec.usage == "/hello [who]"
    with pytest.raises(ValueError):
        registry.add(hello)
    with pytest.raises(ValueError):
        command("Bad-Name", "x")
    with pytest.raises(ValueError):
        command("x", "y", Param("a", ParamType.TEXT), Param("b"))


def test_every_command_has_a_short_summary_and_unique_name() -> None:
    registry = default_registry()
    names = registry.names()
    assert len(names) == len(set(names)) >= 20
    for spec in registry:
        assert 1 <= len(spec.summary) <= 100
        assert all(len(p.description) <= 100 for p in spec.params)


async def test_unknown_command_suggests_the_closest_one(app: App) -> None:
    reply = await execute(app, "frobnicate", "", await ctx_for(app))
    assert not reply.ok
    assert reply.text == "There is no /frobnicate command. /help lists every command."
    reply = await execute(app, "subscirbe", "", await ctx_for(app))
    assert reply.text == (
        "There is no /subscirbe command. Did you mean /subscribe? /help lists every command."
    )
    reply = await execute(app, "company_ad", "", await ctx_for(app))
    assert "company_add" not in reply.text  # admin commands only suggested to admins


@pytest.mark.parametrize(
    ("raw", "value"),
    [("0.7", 0.7), ("70", 0.7), ("70%", 0.7), ("70 %", 0.7), ("5", 0.05), ("1", 1.0), ("0", 0.0)],
)
def test_one_way_to_write_a_confidence(raw: str, value: float) -> None:
    spec = default_registry().get("filter")
    assert spec is not None
    assert parse_args(spec, [raw])["min_confidence"] == value


async def test_bad_argument_reply_has_an_example(app: App) -> None:
    reply = await execute(app, "filter", "150%", await ctx_for(app))
    assert not reply.ok
    assert reply.text == (
        "Minimum confidence must be between 0% and 100%, like 70% (0.7 and 70 mean the same), "
        "or default for the scorer's threshold (per item); you wrote 150%.\nExample: "
        "/filter 70%  or  /filter default  or  /filter companies Monad, Berachain"
    )
    assert reply.error and reply.error["details"]["field"] == "min_confidence"


async def test_subscribe_filter_mode_settings_unsubscribe(app: App) -> None:
    ctx = await ctx_for(app, 5)
    reply = await execute(app, "subscribe", "0.6", ctx)
    assert reply.ok, reply.text
    dest = await Destination.get(kind="telegram", address="5")
    sub = await Subscription.get(destination=dest)
    assert sub.min_confidence == 0.6 and sub.active and sub.unsubscribe_token
    assert (await execute(app, "filter", "0.8", ctx)).ok
    await sub.refresh_from_db()
    assert sub.min_confidence == 0.8
    reply = await execute(app, "mode", "digest hourly", ctx)
    assert reply.ok, reply.text
    await sub.refresh_from_db()
    assert (str(sub.mode), str(sub.digest_interval)) == ("digest", "hourly")
    reply = await execute(app, "settings", "", ctx)
    assert ("Minimum confidence", "80%") in reply.fields
    assert ("Mode", "an hourly digest") in reply.fields
    assert (await execute(app, "unsubscribe", "", ctx)).ok
    await sub.refresh_from_db()
    assert not sub.active
    reply = await execute(app, "filter", "0.5", ctx)
    assert not reply.ok and "not subscribed" in reply.text


async def test_group_needs_chat_admin(app: App) -> None:
    member = await ctx_for(app, 7, chat_id=-100, group=True, admin=False)
    reply = await execute(app, "subscribe", "", member)
    assert not reply.ok
    assert "Only chat admins" in reply.text
    assert not await Destination.filter(address="-100").exists()

    checked: list[bool] = []

    async def is_admin() -> bool:
        checked.append(True)
        return True

    admin = await ctx_for(app, 8, chat_id=-100, group=True)
    admin.admin_check = is_admin
    assert (await execute(app, "subscribe", "", admin)).ok
    assert checked == [True]
    # anyone may read the chat's settings
    assert (await execute(app, "settings", "", member)).fields


async def test_service_admin_commands(app: App) -> None:
    ctx = await ctx_for(app, 9)
    reply = await execute(app, "company_add", "Monad MON", ctx)
    assert not reply.ok and "service admins" in reply.text
    ctx.user.role = Role.ADMIN
    await ctx.user.save()
    reply = await execute(app, "company_add", '"Monad Labs" MON monad,mnd high', ctx)
    assert reply.ok, reply.text
    company = await app.companies.get("Monad Labs")
    assert company.tokens == ["MON"] and "monad" in company.aliases
    assert (await execute(app, "company_alias", '"Monad Labs" Monad Network', ctx)).ok
    reply = await execute(app, "companies", "mon", ctx)
    assert "Monad Labs" in reply.text
    assert (await execute(app, "company_remove", "Monad Labs", ctx)).ok


async def test_watch_with_suggestions_and_watchlist_flag(app: App) -> None:
    await app.companies.create("Berachain", tokens=["BERA"])
    await app.companies.create("Monad", tokens=["MON"])
    ctx = await ctx_for(app, 11)
    assert (await execute(app, "subscribe", "", ctx)).ok
    reply = await execute(app, "watch", "Berachian", ctx)
    assert not reply.ok and "did you mean Berachain" in reply.text
    reply = await execute(app, "watch", "berachain", ctx)
    assert reply.ok, reply.text
    sub = await Subscription.get(user=ctx.user)
    assert sub.use_watchlist
    assert "Berachain" in (await execute(app, "watchlist", "", ctx)).text
    assert (await execute(app, "unwatch", "Berachain", ctx)).ok
    await sub.refresh_from_db()
    assert not sub.use_watchlist


async def test_link_and_apikey_are_private(app: App) -> None:
    tg = await ctx_for(app, 21)
    reply = await execute(app, "link", "", tg)
    assert reply.private
    code = reply.code
    assert code and f"/link {code}" in reply.text
    dc_user = await app.accounts.ensure_identity(Platform.DISCORD, 99, "d")
    dc = CommandContext(app=app, user=dc_user, platform=Platform.DISCORD, chat_id="5")
    reply = await execute(app, "link", code, dc)
    assert reply.ok and reply.private and "confirm" in reply.text  # nothing merged yet
    assert await User.filter(id=dc_user.id).count() == 1
    reply = await execute(app, "link", f"{code} confirm", dc)
    assert reply.ok, reply.text
    assert "discord, telegram" in reply.text
    assert await User.filter(id=dc_user.id).count() == 0
    key_reply = await execute(app, "apikey", "create ci", tg)
    assert key_reply.private and key_reply.data
    raw = key_reply.code
    assert raw and raw not in key_reply.text
    user, key = await app.accounts.verify_api_key(raw)
    assert user.id == tg.user.id
    listed = await execute(app, "apikey", "list", tg)
    assert key.prefix in listed.text and "used 1 time" in listed.text
    assert (await execute(app, "apikey", f"revoke {key.prefix}", tg)).ok
    reply = await execute(app, "apikey", "create", tg)
    assert not reply.ok and "Example: /apikey create my-script" in reply.text


async def test_handler_error_is_logged_and_apologised(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    @command("boom", "Always fails")
    async def boom(ctx: CommandContext) -> Reply:
        raise RuntimeError("kaput")

    app.commands.registry.add(boom)
    reply = await execute(app, "boom", "", await ctx_for(app, 31))
    assert not reply.ok and "Sorry" in reply.text
    assert any("command /boom failed" in r.getMessage() for r in caplog.records)


async def test_per_user_rate_limit(app: App) -> None:
    app.limiter.set_limit("commands", "3/60,token_bucket")
    first = await ctx_for(app, 41)
    other = await ctx_for(app, 42)
    replies = [await execute(app, "help", "", first) for _ in range(4)]
    assert [r.ok for r in replies] == [True, True, True, False]
    assert "Slow down" in replies[-1].text
    assert (await execute(app, "help", "", other)).ok


async def test_email_without_smtp_says_so(app: App) -> None:
    reply = await execute(app, "email", "me@example.com", await ctx_for(app, 51))
    assert "not configured" in reply.text
    reply = await execute(app, "email", "verify 12", await ctx_for(app, 51))
    assert not reply.ok and "6 digits" in reply.text


async def test_feed_commands_show_refusal_reasons_and_status(app: App) -> None:
    ctx = await ctx_for(app, 61)
    ctx.user.role = Role.ADMIN
    await ctx.user.save()
    reply = await execute(app, "feed_add", "file:///etc/passwd", ctx)
    assert not reply.ok and "Refused" in reply.text and "Example: /feed_add" in reply.text
    reply = await execute(app, "feed_add", "https://news.example.com/rss.xml rss", ctx)
    assert reply.ok, reply.text
    assert "news.example.com" in (await execute(app, "feeds", "", ctx)).text
    status = await execute(app, "feed_status", "", ctx)
    assert ("Total", "1") in status.fields
    assert (await execute(app, "status", "", ctx)).fields[0][0] == "Service"
    assert (await execute(app, "feed_remove", "abc", ctx)).ok is False
