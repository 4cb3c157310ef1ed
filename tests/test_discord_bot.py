"""The real discord.py client against the fake Discord REST + gateway, end to end."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.discord.app import DiscordBot
from core.commands import Audience
from core.models import AlertFeedback, Destination, Identity, Platform, Role, Subscription
from core.runtime import App
from tests.conftest import wait_for
from tests.fakes import FakeDiscord

pytest_plugins = ["tests.fakes.fixtures"]

TOKEN = "discord-SECRET-token"
MANAGE_CHANNELS = str(1 << 4)


@pytest.fixture
async def bot(app: App, dc: FakeDiscord) -> AsyncIterator[DiscordBot]:
    component = DiscordBot(
        app,
        token=TOKEN,
        application_id=dc.application_id,
        api_base=dc.base_url,
        gateway_url=dc.gateway_url,
        ready_timeout_s=5,
        guild_ready_timeout_s=0.05,
    )
    await component.start()
    try:
        yield component
    finally:
        await component.stop()


def opt(name: str, value: object, type_: int = 3) -> dict:
    return {"name": name, "type": type_, "value": value}


async def test_sync_has_types_choices_and_autocomplete(
    app: App, dc: FakeDiscord, bot: DiscordBot
) -> None:
    names = [c["name"] for c in dc.commands]
    assert names == [spec.name for spec in app.commands.registry.menu(Audience.CHAT_ADMINS)]
    by_name = {c["name"]: c for c in dc.commands}
    alerts = {o["name"]: o for o in by_name["alerts"]["options"]}
    assert (
        alerts["n"]["type"] == 4
        and alerts["n"]["min_value"] == 1
        and alerts["n"]["max_value"] == 20
    )
    assert alerts["min_confidence"]["type"] == 10
    mode = {o["name"]: o for o in by_name["mode"]["options"]}
    assert mode["mode"].get("required") is not True  # without it: buttons to pick
    assert [c["value"] for c in mode["mode"]["choices"]] == ["instant", "digest"]
    watch = by_name["watch"]["options"][0]
    assert watch["autocomplete"] is True and watch["description"]
    assert f"Bot {TOKEN}" in dc.auth_headers


async def test_subscribe_in_a_guild_needs_manage_channels(
    app: App, dc: FakeDiscord, bot: DiscordBot
) -> None:
    iid = await dc.send_interaction(
        "subscribe", [opt("min_confidence", 0.7, 10)], user_id=11, channel_id=500, guild_id=9
    )
    reply = await dc.wait_for_reply(iid)
    assert "Only chat admins" in reply["content"]
    assert reply["allowed_mentions"] == {"parse": []}
    assert not await Destination.filter(address="500").exists()
    iid = await dc.send_interaction(
        "subscribe",
        [opt("min_confidence", 70, 10)],
        user_id=12,
        channel_id=500,
        guild_id=9,
        permissions=MANAGE_CHANNELS,
    )
    reply = await dc.wait_for_reply(iid)
    assert reply["embeds"][0]["title"] == "Subscribed"
    sub = await Subscription.get(destination__address="500")
    assert sub.min_confidence == 0.7
    iid = await dc.send_interaction(
        "filter",
        [opt("min_confidence", 0.9, 10)],
        user_id=12,
        channel_id=500,
        guild_id=9,
        permissions=str(1 << 5),  # manage_guild also counts
    )
    await dc.wait_for_reply(iid)
    await sub.refresh_from_db()
    assert sub.min_confidence == 0.9


async def test_bad_arguments_get_usage(dc: FakeDiscord, bot: DiscordBot) -> None:
    iid = await dc.send_interaction("alerts", [opt("company", "Nope")], user_id=5, channel_id=6)
    reply = await dc.wait_for_reply(iid)
    assert "not found" in reply["content"]
    iid = await dc.send_interaction("apikey", [opt("action", "create")], user_id=5, channel_id=6)
    reply = await dc.wait_for_reply(iid)
    assert "Example: /apikey create my-script" in reply["content"]
    assert reply["flags"] == 64


async def test_watch_autocomplete_and_company_filter(
    app: App, dc: FakeDiscord, bot: DiscordBot
) -> None:
    await app.companies.create("Berachain", tokens=["BERA"])
    await app.companies.create("Monad", tokens=["MON"])
    iid = await dc.send_interaction(
        "watch",
        [{"name": "company", "type": 3, "value": "Ber", "focused": True}],
        user_id=21,
        channel_id=22,
        interaction_type=4,
    )
    callback = await dc.wait_for_callback(iid)
    assert callback["type"] == 8
    assert [c["value"] for c in callback["data"]["choices"]] == ["Berachain"]
    iid = await dc.send_interaction(
        "watch", [opt("company", "Berachian")], user_id=21, channel_id=22
    )
    reply = await dc.wait_for_reply(iid)
    assert "did you mean Berachain" in reply["content"]
    iid = await dc.send_interaction(
        "watch", [opt("company", "Berachain")], user_id=21, channel_id=22
    )
    assert "Watching Berachain" in (await dc.wait_for_reply(iid))["content"]
    identity = await Identity.get(platform=Platform.DISCORD, external_id="21")
    assert [c.name for c in await app.subscriptions.watchlist(await identity.user)] == ["Berachain"]


async def test_link_and_apikey_are_ephemeral(app: App, dc: FakeDiscord, bot: DiscordBot) -> None:
    iid = await dc.send_interaction("link", [], user_id=31, channel_id=32, guild_id=33)
    callback = await dc.wait_for_callback(iid)
    assert callback == {"type": 5, "data": {"flags": 64}}
    reply = await dc.wait_for_reply(iid)
    assert reply["flags"] == 64
    assert "link code" in reply["embeds"][0]["title"].lower()
    iid = await dc.send_interaction(
        "apikey", [opt("action", "create"), opt("value", "bot")], user_id=31, channel_id=32
    )
    reply = await dc.wait_for_reply(iid)
    assert reply["flags"] == 64
    description = reply["embeds"][0]["description"]
    assert description.startswith("```\ntge_")  # a code block: selected whole, copied
    raw = description.split("\n", 2)[1]
    user, _ = await app.accounts.verify_api_key(raw)
    assert (await Identity.get(platform=Platform.DISCORD, external_id="31")).user_id == user.id


async def test_admin_commands_appear_only_where_a_service_admin_is(
    app: App, dc: FakeDiscord, bot: DiscordBot
) -> None:
    where = {"channel_id": 42, "guild_id": 40}
    assert "company_add" not in [c["name"] for c in dc.commands]  # not in the global list
    iid = await dc.send_interaction("status", [], user_id=41, **where)
    await dc.wait_for_reply(iid)
    assert "40" not in dc.guild_commands  # an ordinary user: nothing changes
    user = await (await Identity.get(platform=Platform.DISCORD, external_id="41")).user
    user.role = Role.ADMIN
    await user.save()
    iid = await dc.send_interaction("status", [], user_id=41, **where)
    await dc.wait_for_reply(iid)
    await wait_for(lambda: "40" in dc.guild_commands)
    admin_menu = {c["name"]: c for c in dc.guild_commands["40"]}
    assert "company_add" in admin_menu and "subscribe" not in admin_menu
    assert int(admin_menu["company_add"]["default_member_permissions"]) == 1 << 3
    iid = await dc.send_interaction(
        "company_add",
        [opt("name", "Monad"), opt("tokens", "MON"), opt("priority", "high")],
        user_id=41,
        **where,
    )
    assert "Added Monad" in (await dc.wait_for_reply(iid))["content"]
    assert str((await app.companies.get("MON")).priority) == "HIGH"
    # a server admin there who is no service admin still cannot run it
    iid = await dc.send_interaction(
        "company_add", [opt("name", "Other")], user_id=43, permissions=str(1 << 3), **where
    )
    reply = await dc.wait_for_reply(iid)
    assert "service admins" in reply["content"] and reply["flags"] == 64


async def test_mentions_are_neutralised(app: App, dc: FakeDiscord, bot: DiscordBot) -> None:
    iid = await dc.send_interaction(
        "companies", [opt("search", "@everyone *bold*")], user_id=51, channel_id=52
    )
    reply = await dc.wait_for_reply(iid)
    assert reply["allowed_mentions"] == {"parse": []}
    assert "\\*bold\\*" in reply["content"]


async def test_feedback_button(app: App, dc: FakeDiscord, bot: DiscordBot) -> None:
    alert = await app.alerts.create_manual("Berachain airdrop claim opens tomorrow", "", "", None)
    interaction_id = 4242
    await dc.dispatch(
        "INTERACTION_CREATE",
        {
            "id": str(interaction_id),
            "application_id": str(dc.application_id),
            "type": 3,
            "token": f"token-{interaction_id}",
            "version": 1,
            "attachment_size_limit": 8388608,
            "channel": {"id": "61", "type": 1, "recipients": [dc.user(60)]},
            "user": dc.user(60),
            "data": {"custom_id": f"fb:{alert.id}:down", "component_type": 2},
            "message": dc.message(61, {"content": "alert"}),
        },
    )
    callback = await dc.wait_for_callback(interaction_id)
    assert callback["type"] == 7  # the alert is edited to show the tally
    assert "not useful" in (await dc.wait_for_followup(interaction_id))["content"]
    assert (await AlertFeedback.get(alert_id=alert.id)).useful is False
