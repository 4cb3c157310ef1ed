"""The dashboard in headless Chromium (Debian's): sign in, an alert appears live, feeds."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from core.runtime import App
from tests.web_helpers import make_user
from web.app import create_web_app
from web.config import WebConfig

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium not installed (/usr/bin/chromium)"
    ),
]


@pytest.fixture
async def base_url(app: App) -> AsyncIterator[str]:
    runner = web.AppRunner(create_web_app(app, WebConfig(access_log=False)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def page() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = await browser.new_page(viewport={"width": 1200, "height": 800})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.csp_errors = errors  # type: ignore[attr-defined]
            yield page
        finally:
            await browser.close()


async def test_sign_in_and_see_alert_live(app: App, base_url: str, page) -> None:
    await make_user(app, "root", role="admin")
    await app.companies.create("Foo Labs", tokens=["FOO"])
    feed = await app.feeds.add("http://127.0.0.1:9/feed.xml", name="Local feed")
    resp = await page.goto(base_url + "/")
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    await page.fill("#username", "root")
    await page.fill("#password", "password123")
    await page.click("#login-button")
    await page.wait_for_selector("#conn.on", timeout=10_000)
    assert "root" in await page.text_content("#who")
    await page.wait_for_selector("#companies li:has-text('Foo Labs')")
    await page.wait_for_selector("#feeds li:has-text('Local feed')")

    title = "Foo Labs TGE: $FOO claim opens <img src=x onerror=alert(1)>"
    await app.alerts.create_manual(
        title, "Foo Labs token generation event, airdrop claim tomorrow", "https://x.example/1"
    )
    item = await page.wait_for_selector("#alerts li.alert", timeout=10_000)
    text = await item.text_content()
    assert "<img src=x onerror=alert(1)>" in text  # shown as text, never parsed as HTML
    assert await page.query_selector("#alerts img") is None
    assert "Foo Labs" in text and "%" in text

    # an admin can disable a feed from the page
    await page.click("#feeds button.feed-toggle")
    await page.wait_for_selector("#feeds li:has-text('disabled')")
    assert not (await app.feeds.get(feed.id)).enabled

    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 0
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


async def test_wrong_password_shows_error(app: App, base_url: str, page) -> None:
    await make_user(app, "alice")
    await page.goto(base_url + "/")
    await page.fill("#username", "alice")
    await page.fill("#password", "wrong-password")
    await page.click("#login-button")
    await page.wait_for_selector("#login-error:has-text('invalid')")
    assert await page.is_hidden("#app-view")


async def test_vote_on_an_alert_and_see_error_rates(app: App, base_url: str, page) -> None:
    from core.models import AlertFeedback

    await make_user(app, "root", role="admin")
    await app.companies.create("Foo Labs", tokens=["FOO"])
    alert = await app.alerts.create_manual(
        "Foo Labs token price jumps 30%", "", "https://x.example/2"
    )
    await page.goto(base_url + "/")
    await page.fill("#username", "root")
    await page.fill("#password", "password123")
    await page.click("#login-button")
    await page.wait_for_selector("#feedback-stats:has-text('no votes yet')")
    item = await page.wait_for_selector(f"#alerts li.alert[data-id='{alert.id}']")
    await (await item.query_selector("button[data-vote='down']")).click()
    await page.wait_for_selector("#alerts .vote-status:has-text('not useful')")
    await (await item.query_selector("button[data-vote='not_tge']")).click()
    await page.wait_for_selector("#alerts .vote-status:has-text('not a TGE')")
    row = await AlertFeedback.get(alert_id=alert.id)
    assert (row.useful, row.not_tge) == (False, True)
    await page.wait_for_selector("#fb-sources td:has-text('manual')")
    companies = await page.text_content("#fb-companies")
    assert "Foo Labs" in companies and "100%" in companies
    assert "1 of 1 votes said wrong" in await page.text_content("#fb-total")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


async def test_admin_adds_a_new_project_from_the_alert(app: App, base_url: str, page) -> None:
    from core.models import Company

    await make_user(app, "root", role="admin")
    alert = await app.alerts.create_manual(
        "Binance Will List Norvale (NRVL)", "Norvale token generation event today"
    )
    await page.goto(base_url + "/")
    await page.fill("#username", "root")
    await page.fill("#password", "password123")
    await page.click("#login-button")
    item = await page.wait_for_selector(f"#alerts li.alert[data-id='{alert.id}']")
    assert "new project: Norvale ($NRVL)" in await item.text_content()
    await page.click("#alerts a.add-project-link")
    await page.wait_for_selector("#alerts .add-project:has-text('added Norvale')")
    assert (await Company.get(name="Norvale")).tokens == ["NRVL"]
    await page.wait_for_selector("#companies li:has-text('Norvale')")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


async def test_link_badges_and_defanged_suspicious_link(app: App, base_url: str, page) -> None:
    await make_user(app, "root2", role="admin")
    await app.companies.create("Foo Labs", tokens=["FOO"], domains=["foolabs.example"])
    await page.goto(base_url + "/")
    await page.fill("#username", "root2")
    await page.fill("#password", "password123")
    await page.click("#login-button")
    await page.wait_for_selector("#conn.on", timeout=10_000)
    phish = "https://foolabs-claim.example/connect"
    await app.alerts.create_manual(
        "Foo Labs $FOO airdrop claim opens",
        f"Foo Labs token generation event. Claim at {phish} or https://foolabs.example/claim",
        "https://www.coindesk.com/foo",
    )
    bad = await page.wait_for_selector("#alerts li.link.suspicious", timeout=10_000)
    text = await bad.text_content()
    assert "🚫" in text and "hxxps://foolabs-claim[.]example/connect" in text
    assert "this is not Foo Labs's site" in text
    assert await page.query_selector(f'#alerts a[href="{phish}"]') is None
    good = await page.query_selector("#alerts li.link.official a")
    assert good is not None and await good.get_attribute("href") == "https://www.coindesk.com/foo"
    assert "✅" in await page.text_content("#alerts li.link.official")


async def test_calendar_view_shows_upcoming_events_and_their_timeline(
    app: App, base_url: str, page
) -> None:
    from datetime import UTC, datetime

    from tests.test_events import tell

    await make_user(app, "cal")
    app.events.clock = lambda: datetime(2026, 1, 20, 12, tzinfo=UTC)
    await tell(app, "c-2353")  # Zama's auction announced (real item)
    app.events.clock = lambda: datetime(2026, 2, 1, tzinfo=UTC)
    await tell(app, "c-3151")  # Binance lists Zama at 2026-02-02 13:00 UTC
    await page.goto(base_url + "/")
    await page.fill("#username", "cal")
    await page.fill("#password", "password123")
    await page.click("#login-button")
    entry = await page.wait_for_selector("#events li.event", timeout=10_000)
    assert "Zama ($ZAMA): listing" in await entry.text_content()
    await page.click("#events li.event a")
    detail = await page.wait_for_selector("#event-detail .timeline", timeout=10_000)
    text = await detail.text_content()
    assert "listing" in text and "announced" in text and "Binance Will List Zama" in text
    await page.click("#ics-link")
    link = await page.wait_for_selector("#ics-url code", timeout=10_000)
    assert "/calendar/" in await link.text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "dashboard-calendar.png"), full_page=True)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


async def test_a_stopped_destination_shows_as_stopped_with_reason_and_fix(
    app: App, base_url: str, page
) -> None:
    from core.models import Destination, DestinationKind, User

    await make_user(app, "dana")
    owner = await User.get(username="dana")
    await Destination.create(
        kind=DestinationKind.DISCORD,
        address="777",
        name="#announcements",
        owner=owner,
        verified=True,
        rejected_reason="discord 403: Missing Permissions",
    )
    await Destination.create(
        kind=DestinationKind.TELEGRAM, address="778", name="My DM", owner=owner, verified=True
    )
    await page.goto(base_url + "/")
    await page.fill("#username", "dana")
    await page.fill("#password", "password123")
    await page.click("#login-button")
    stopped = await page.wait_for_selector("#destinations li.destination.stopped")
    text = await stopped.text_content()
    assert "#announcements (discord)" in text and "stopped" in text
    assert "Why: discord 403: Missing Permissions" in text
    assert "Fix: Give the bot View Channel, Send Messages and Embed Links" in text
    active = await page.text_content("#destinations li.destination.active")
    assert "My DM (telegram)" in active and "active" in active


async def test_why_shows_the_alerts_path_for_my_destinations(app: App, base_url: str, page) -> None:
    from core.models import Destination, User

    caller = await make_user(app, "carol")
    user = await User.get(id=caller.id)
    dest = await Destination.create(
        kind="telegram", address="4711", name="my chat", owner=user, verified=True
    )
    await app.subscriptions.subscribe(user, dest, min_confidence=1.0)
    alert = await app.alerts.create_manual("Foo token launch next week", "", "")
    await page.goto(base_url + "/")
    await page.fill("#username", "carol")
    await page.fill("#password", "password123")
    await page.click("#login-button")
    item = await page.wait_for_selector(f"#alerts li.alert[data-id='{alert.id}']")
    await (await item.query_selector("a.why-link")).click()
    trace = await page.wait_for_selector("#alerts ol.trace")
    text = await trace.text_content()
    assert "Typed in by the service as a manual alert" in text
    assert "⛔ Stopped by this chat's threshold" in text and "minimum of 100%" in text
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
