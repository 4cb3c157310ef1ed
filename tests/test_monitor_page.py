"""Announcement page monitor: extraction, selectors, and only-new-entries diffing."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.models import Item
from core.monitors.page import extract_entries, parse_selector
from core.monitors.scheduler import Poller
from core.runtime import App
from tests.fakes.feeds import FeedServer

PAGE = """<html><head><title>Announcements</title><script>var a='<a href="/js">no</a>';</script>
</head><body>
<nav><a href="/">Home</a> <a href="/about">About the exchange team</a></nav>
<ul class="news list">
{entries}
</ul>
<footer><a href="/terms">Terms of service and privacy</a></footer>
</body></html>"""


def page(*entries: tuple[str, str]) -> str:
    rows = "\n".join(
        f'<li class="entry"><a href="{href}"><span>{title}</span></a></li>'
        for href, title in entries
    )
    return PAGE.format(entries=rows)


def test_extract_with_and_without_selector() -> None:
    html = page(("/n/1", "Binance will list LIT token"), ("https://x.example/n/2", "Short"))
    base = "https://exchange.example/announcements/"
    with_sel = extract_entries(html, base, "ul.news li.entry")
    assert with_sel == [
        ("https://exchange.example/n/1", "Binance will list LIT token"),
        ("https://x.example/n/2", "Short"),
    ]
    # without a selector: headline-like links only (3+ words), nav/footer short ones dropped
    loose = extract_entries(html, base)
    assert ("https://exchange.example/n/1", "Binance will list LIT token") in loose
    assert all(url != "https://exchange.example/" for url, _ in loose)
    assert all("/js" not in url for url, _ in loose)


@pytest.mark.parametrize("sel", ["div > a", "a:hover", "a[href='x']", "", "ul ,"])
def test_unsupported_selectors_are_clear_errors(sel: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_selector(sel)
    assert info.value.field == "selector"


def test_hostile_html_is_harmless() -> None:
    deep = "<div>" * 5000 + '<a href="/x">deep link with words</a>' + "</div>" * 5000
    assert extract_entries(deep, "https://e.example/") == [
        ("https://e.example/x", "deep link with words")
    ]
    assert (
        extract_entries('<a href="javascript:alert(1)">click me now please</a>', "https://e/") == []
    )


async def test_only_new_entries_become_items(app: App, server: FeedServer) -> None:
    server.set("/news", page(("/n/1", "Old announcement one"), ("/n/2", "Old announcement two")))
    feed = await app.feeds.add(server.url("/news"), kind="page", selector="li.entry")
    poller = Poller(app)
    first = await poller.poll_feed(feed.id)
    assert first.status == "ok" and first.stats and first.stats.new == 0  # baseline
    server.set(
        "/news",
        page(
            ("/n/3", "Binance will list Lighter (LIT) on March 3"),
            ("/n/1", "Old announcement one"),
            ("/n/2", "Old announcement two"),
        ),
    )
    second = await poller.poll_feed(feed.id)
    assert second.stats and second.stats.new == 1
    item = await Item.get()
    assert item.title == "Binance will list Lighter (LIT) on March 3"
    assert item.url == server.url("/n/3")
    third = await poller.poll_feed(feed.id)
    assert third.stats and third.stats.new == 0
    await feed.refresh_from_db()
    assert len(feed.state["seen"]) == 3


async def test_page_feed_validation(app: App, server: FeedServer) -> None:
    with pytest.raises(InvalidInput) as info:
        await app.feeds.add(server.url("/news"), kind="page", selector="div > a")
    assert info.value.field == "selector"
    with pytest.raises(InvalidInput) as info:
        await app.feeds.add(server.url("/news"), kind="rss", selector="li")
    assert info.value.field == "selector"
