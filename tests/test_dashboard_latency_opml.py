"""The dashboard's latency panel and OPML upload, in headless Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.models import Alert, Delivery, Destination, Feed, Item, User
from core.runtime import App
from tests.fakes.feeds import FeedServer
from tests.test_dashboard import ARTIFACTS, base_url, page, pytestmark  # noqa: F401
from tests.web_helpers import make_user


async def test_latency_panel_and_opml_upload(
    app: App,
    base_url: str,  # noqa: F811
    page,  # noqa: F811
    tmp_path: Path,
) -> None:
    admin = await make_user(app, "root", role="admin")
    owner = await User.get(id=admin.id)
    now = datetime.now(UTC)
    dest = await Destination.create(kind="telegram", address="42", owner=owner)
    for n, lag in enumerate((4, 8, 60)):
        item = await Item.create(
            guid=f"g{n}",
            title=f"t{n}",
            fingerprint=f"f{n}",
            published_at=now - timedelta(seconds=lag + 10),
            fetched_at=now - timedelta(seconds=12),
        )
        alert = await Alert.create(item=item, title=item.title, confidence=0.9, band="high")
        await Delivery.create(
            alert=alert, destination=dest, status="sent", sent_at=now - timedelta(seconds=10)
        )
    server = FeedServer()
    await server.start()
    try:
        opml = tmp_path / "reader.opml"
        opml.write_text(
            '<?xml version="1.0"?><opml version="2.0"><head/><body>'
            f'<outline type="rss" text="Imported" xmlUrl="{server.url("/r")}"/>'
            '<outline type="rss" text="Gopher" xmlUrl="gopher://x.example.invalid/"/>'
            "</body></opml>"
        )
        await page.goto(base_url + "/")
        await page.fill("#username", "root")
        await page.fill("#password", "password123")
        await page.click("#login-button")
        await page.wait_for_selector("#latency-total:has-text('p50 8.0 s')")
        total = await page.text_content("#latency-total")
        assert "p95 1.0 min" in total and "3 sends" in total
        assert "telegram" in await page.text_content("#latency-channels")
        await page.set_input_files("#opml-file", str(opml))
        await page.click("#opml-form button[type=submit]")
        await page.wait_for_selector("#opml-result:has-text('1 of 2 feed(s) added')")
        assert "gopher" in await page.text_content("#opml-result")
        await page.wait_for_selector("#feeds li:has-text('Imported')")
        assert await Feed.filter(url=server.url("/r")).count() == 1
        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "dashboard-latency-opml.png"), full_page=True)
        assert not [e for e in page.csp_errors if "Content Security Policy" in e]
    finally:
        await server.stop()
