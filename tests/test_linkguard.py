"""The phishing guard end to end: admins set official domains, alerts carry link verdicts,
every door shows them (Telegram, Discord, email, REST, WebSocket shape), /check and
POST /links/check answer for any link, scam wording lowers the score, impersonation stories
are warnings."""

from __future__ import annotations

import email.policy
from email import message_from_string

import pytest

from bot.discord.channel import render_embed
from bot.telegram.channel import render_alert
from core.alerts.render import email_alert_html, email_alert_text, message_from_alert
from core.commands import CommandContext
from core.linkguard import LinkGuard, extract_urls, review
from core.linkguard.guard import GuardCompany, defang
from core.models import Company, Platform, Role
from core.monitors.base import RawItem
from core.monitors.ingest import Ingestor
from core.runtime import App
from core.scoring import Analysis
from tests.web_helpers import (  # noqa: F401 (the *_fixture names are fixtures)
    Caller,
    admin_fixture,
    alice_fixture,
    assert_error,
    client_fixture,
)

PHISH = "https://layerzero-claim.xyz/connect"


async def ctx_for(app: App, user_id: int, *, admin: bool = False) -> CommandContext:
    user = await app.accounts.ensure_identity(Platform.TELEGRAM, user_id, f"user{user_id}")
    if admin:
        user.role = Role.ADMIN
        await user.save()
    return CommandContext(app=app, user=user, platform=Platform.TELEGRAM, chat_id=str(user_id))


async def layerzero(app: App) -> Company:
    return await app.companies.create(
        "LayerZero",
        tokens=["ZRO"],
        aliases=["Layer Zero"],
        domains=["layerzero.network"],
        handles=["@LayerZero_Labs"],
    )


# --- helpers that carry the rules -------------------------------------------------------


def test_defang_and_extract_urls() -> None:
    assert defang("https://evil.xyz/claim?a=b.c") == "hxxps://evil[.]xyz/claim?a=b.c"
    text = "Claim at https://a.example/x, or www.b.example. (see https://a.example/x)"
    assert extract_urls(text) == ["https://a.example/x", "https://www.b.example"]


# --- admins set the official domains (one command, every door) ---------------------------


async def test_company_domain_command_is_admin_only_and_feeds_the_guard(app: App) -> None:
    await layerzero(app)
    user = await ctx_for(app, 1)
    reply = await app.commands.execute("company_domain", "add LayerZero layerzeroscan.com", user)
    assert not reply.ok and "admin" in reply.text
    admin = await ctx_for(app, 2, admin=True)
    assert app.links.check("https://layerzeroscan.com/tx/1").verdict == "suspicious"
    reply = await app.commands.execute(
        "company_domain", "add LayerZero https://LayerZeroScan.com/", admin
    )
    assert reply.ok, reply.text
    assert "layerzeroscan.com added to LayerZero" in reply.text
    assert (await Company.get(name="LayerZero")).domains == [
        "layerzero.network",
        "layerzeroscan.com",
    ]
    assert app.links.check("https://layerzeroscan.com/tx/1").verdict == "official"
    reply = await app.commands.execute("company_domain", "add LayerZero @LZ_Support", admin)
    assert reply.ok and (await Company.get(name="LayerZero")).handles[-1] == "LZ_Support"
    assert app.links.check("https://x.com/LZ_Support").verdict == "official"
    reply = await app.commands.execute(
        "company_domain", "remove LayerZero layerzeroscan.com", admin
    )
    assert reply.ok
    assert app.links.check("https://layerzeroscan.com").verdict == "suspicious"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("add LayerZero not_a_domain", "is not a domain name"),
        ("add LayerZero 10.0.0.1", "is not a domain name"),
        ("add LayerZero @way_too_long_handle_name", "is not an X handle"),
        ("add LayerZero layerzero.network", "already has"),
        ("remove LayerZero other.example", "has no domain other.example"),
        ("add Nobody example.com", "not found"),
        ("rename LayerZero example.com", "Action must be one of"),
    ],
)
async def test_company_domain_bad_input_is_explained(app: App, args: str, says: str) -> None:
    await layerzero(app)
    reply = await app.commands.execute("company_domain", args, await ctx_for(app, 3, admin=True))
    assert not reply.ok and says in reply.text
    assert (await Company.get(name="LayerZero")).domains == ["layerzero.network"]


async def test_rest_official_domains(client, app: App, admin: Caller, alice: Caller) -> None:
    await layerzero(app)
    resp = await client.post(
        "/companies/LayerZero/official", json={"value": "lz.example"}, headers=alice.headers
    )
    assert resp.status == 403
    resp = await client.post(
        "/companies/LayerZero/official", json={"value": "lz.example"}, headers=admin.headers
    )
    assert resp.status == 201
    assert (await resp.json())["domains"] == ["layerzero.network", "lz.example"]
    resp = await client.post(
        "/companies/LayerZero/official", json={"value": "not a domain"}, headers=admin.headers
    )
    assert resp.status == 422
    assert_error(await resp.json(), "invalid", "domains")
    resp = await client.delete("/companies/LayerZero/official/lz.example", headers=admin.headers)
    assert resp.status == 200 and (await resp.json())["domains"] == ["layerzero.network"]
    resp = await client.delete("/companies/LayerZero/official/lz.example", headers=admin.headers)
    assert resp.status == 404


# --- /check and POST /links/check ---------------------------------------------------------


async def test_check_command(app: App) -> None:
    await layerzero(app)
    ctx = await ctx_for(app, 4)
    reply = await app.commands.execute("check", "https://layerzero.network/claim", ctx)
    assert reply.ok and reply.text.startswith("✅ OFFICIAL") and "LayerZero" in reply.text
    reply = await app.commands.execute("check", PHISH, ctx)
    assert reply.ok and reply.text.startswith("🚫 SUSPICIOUS: hxxps://layerzero-claim[.]xyz")
    assert "This is not LayerZero's site" in reply.text
    assert PHISH not in reply.text  # never clickable
    reply = await app.commands.execute("check", "two links.example here.example", ctx)
    assert not reply.ok and "Give one link" in reply.text
    reply = await app.commands.execute("check", "", ctx)
    assert not reply.ok and "Link is missing" in reply.text


async def test_rest_links_check(client, app: App, alice: Caller) -> None:
    await layerzero(app)
    resp = await client.post("/links/check", json={"url": PHISH}, headers=alice.headers)
    assert resp.status == 200
    data = await resp.json()
    assert data["verdict"] == "suspicious" and data["company"] == "LayerZero"
    assert data["links"] == [{k: data[k] for k in ("url", "verdict", "reason", "company")}]
    urls = ["https://layerzero.network", "https://example.org"]
    resp = await client.post("/links/check", json={"urls": urls}, headers=alice.headers)
    assert [v["verdict"] for v in (await resp.json())["links"]] == ["official", "unknown"]
    for bad in ({}, {"url": ""}, {"urls": []}, {"url": 5}, {"url": "a", "urls": ["b"]}):
        resp = await client.post("/links/check", json=bad, headers=alice.headers)
        assert resp.status == 422, bad
    resp = await client.post("/links/check", json={"url": PHISH})
    assert resp.status == 401


# --- alerts carry and show the verdicts -------------------------------------------------


async def test_alert_links_shown_everywhere(app: App) -> None:
    await layerzero(app)
    alert = await app.alerts.create_manual(
        "LayerZero ZRO airdrop claim is live",
        f"Claim ZRO now at {PHISH} before the deadline. Docs: https://layerzero.network/docs",
        "https://www.coindesk.com/zro-claim",
    )
    data = app.alerts.to_json(alert)
    assert [(v["url"], v["verdict"]) for v in data["links"]] == [
        ("https://www.coindesk.com/zro-claim", "official"),
        (PHISH, "suspicious"),
        ("https://layerzero.network/docs", "official"),
    ]
    assert data["kind"] == "tge" and data["warning"] is None and data["link_headline"] is None
    msg = message_from_alert(alert)

    html, keyboard = render_alert(msg)
    assert "🚫 <code>hxxps://layerzero-claim[.]xyz/connect</code>" in html
    assert "this is not LayerZero&#x27;s site" in html or "this is not LayerZero's site" in html
    assert PHISH not in html
    assert '✅ <a href="https://layerzero.network/docs">' in html
    buttons = [b for row in keyboard.inline_keyboard for b in row]
    assert [b.url for b in buttons if b.url] == ["https://www.coindesk.com/zro-claim"]

    embed = render_embed(msg)
    links = next(f["value"] for f in embed["fields"] if f["name"] == "Links")
    assert "🚫 `hxxps://layerzero-claim[.]xyz/connect`" in links
    assert PHISH not in str(embed)

    text = email_alert_text(msg)
    assert "hxxps://layerzero-claim[.]xyz/connect — this is not LayerZero's site" in text
    html_mail = email_alert_html(msg)
    assert PHISH not in html_mail and 'href="https://layerzero.network/docs"' in html_mail
    assert message_from_string(text, policy=email.policy.default) is not None


async def test_claim_alert_whose_only_link_is_suspicious_says_so_first(app: App) -> None:
    await layerzero(app)
    alert = await app.alerts.create_manual(
        "LayerZero ZRO claim opens now", "Claim your ZRO airdrop today.", PHISH
    )
    msg = message_from_alert(alert)
    assert msg.link_headline and "NOT LayerZero's site" in msg.link_headline
    assert app.alerts.to_json(alert)["link_headline"] == msg.link_headline
    html, keyboard = render_alert(msg)
    assert html.splitlines()[0].startswith("<b>🚫 The only link in this claim alert is NOT")
    assert not [b for row in keyboard.inline_keyboard for b in row if b.url]
    embed = render_embed(msg)
    assert "url" not in embed and embed["description"].startswith("**🚫 The only link")
    assert email_alert_text(msg).startswith("🚫 The only link")


async def test_impersonation_story_is_a_warning_not_a_tge(app: App) -> None:
    await layerzero(app)
    alert = await app.alerts.create_manual(
        "Beware: fake LayerZero claim site drains wallets ahead of ZRO airdrop",
        f"Scammers set up {PHISH} impersonating LayerZero.",
        "https://www.theblock.co/post/1/fake-layerzero",
    )
    data = app.alerts.to_json(alert)
    assert data["kind"] == "warning"
    assert data["warning"] == "Warning: impersonation of LayerZero — not a TGE"
    html, _ = render_alert(message_from_alert(alert))
    assert html.splitlines()[0] == "<b>⚠️ Warning: impersonation of LayerZero — not a TGE</b>"


# --- scam wording lowers the score ------------------------------------------------------


def _analysis(conf: float = 0.9) -> Analysis:
    return Analysis(conf, "high", [{"id": 1, "name": "LayerZero"}], ["ZRO"])


@pytest.mark.parametrize(
    "wording",
    [
        "Connect your wallet to claim your ZRO",
        "Send 0.1 ETH to receive 1 ETH back",
        "Verify your wallet to receive the airdrop",
    ],
)
def test_scam_wording_with_unofficial_link_lowers_confidence(wording: str) -> None:
    guard = LinkGuard([GuardCompany("LayerZero", ("layerzero.network",))])
    lowered, found = review(
        guard, _analysis(), title="ZRO airdrop", text=f"{wording}: {PHISH}", url=""
    )
    assert found.scam and lowered.confidence < 0.5 and "scam phrasing" in lowered.negatives
    assert lowered.explanation[-1]["signal"] == "negative:scam"
    same, found = review(
        guard,
        _analysis(),
        title="ZRO airdrop",
        text=f"{wording}: https://layerzero.network/claim",
        url="",
    )
    assert found.scam is None and same.confidence == 0.9


async def test_ingest_drops_a_scam_item_below_the_threshold(app: App) -> None:
    await layerzero(app)
    scam = RawItem(
        guid="s1",
        url=PHISH,
        title="LayerZero ZRO airdrop claim is live now",
        text="Connect your wallet to claim your ZRO tokens now. Token launch today.",
    )
    honest = RawItem(
        guid="s2",
        url="https://layerzero.network/blog/zro",
        title="ZRO token claims open today for LayerZero users",
        text="Claims for the ZRO token are open today on the official site.",
    )
    plain = app.scoring.analyze(scam.title, scam.text)
    assert plain.confidence >= app.settings.alert_threshold  # the scorer alone would alert
    stats = await Ingestor(app).ingest(None, [scam, honest], source_kind="rss")
    assert [a.url for a in stats.alerts] == [honest.url]
    lowered = next(a for a in stats.analyses.values() if "scam phrasing" in a.negatives)
    assert lowered.confidence < app.settings.alert_threshold


async def test_websocket_alert_carries_link_verdicts(client, app: App, alice: Caller) -> None:
    from tests.test_ws import authed, recv

    await layerzero(app)
    ws = await authed(client, alice)
    await app.alerts.create_manual(
        "LayerZero ZRO airdrop claim opens", f"Claim at {PHISH}", "https://layerzero.network/zro"
    )
    got = (await recv(ws, "alert"))["data"]
    assert got["kind"] == "tge"
    assert [(v["url"], v["verdict"]) for v in got["links"]] == [
        ("https://layerzero.network/zro", "official"),
        (PHISH, "suspicious"),
    ]
    assert got["links"][1]["reason"] and got["links"][1]["company"] == "LayerZero"
    await ws.close()


def test_openapi_documents_links() -> None:
    from web.config import WebConfig
    from web.openapi import build_openapi
    from web.routes import all_routes

    doc = build_openapi(all_routes(WebConfig()))
    assert "/links/check" in doc["paths"]
    alert = doc["paths"]["/alerts/{id}"]["get"]["responses"]["200"]["content"]
    props = alert["application/json"]["schema"]["properties"]
    link = props["links"]["items"]
    assert link["properties"]["verdict"]["enum"] == ["official", "unknown", "suspicious"]
    assert set(link["required"]) == {"url", "verdict", "reason"}
    assert "/companies/{ref}/official" in doc["paths"]


def test_host_caches_stay_bounded_over_many_distinct_hosts() -> None:
    """A long run sees ever new hosts: the verdict and host-split caches keep a bounded
    number (at ~300-400 bytes a host, 50,000 and 65,536 of them were ~30 MB), and a host
    checked again after its entry was dropped gets the same verdict."""
    from core.linkguard.domains import split_host
    from core.linkguard.guard import HOST_CACHE

    guard = LinkGuard([GuardCompany("LayerZero", ("layerzero.network",))])
    first = guard.check("https://layerzer0.network/claim", context=("LayerZero",))
    for i in range(HOST_CACHE + 500):
        guard.check(f"https://news{i}.site{i % 97}.com/a", context=("LayerZero",))
    assert len(guard._index.cache) <= HOST_CACHE
    assert split_host.cache_info().currsize <= split_host.cache_info().maxsize <= 8_192
    again = guard.check("https://layerzer0.network/claim", context=("LayerZero",))
    assert again == first and again.suspicious
