"""RSS/Atom: conditional GET through the safe fetcher, parse bytes, sanitise HTML to text.

feedparser is the reference: what it reads from a document is what we store. A fast path
(`core.monitors.feedfast`, expat via ElementTree) takes only the documents it reads exactly the
same way and hands every other one to feedparser, decided before any item is made; both paths
end in the same conversion (`_item`: visible text, link resolved against the feed's address,
the keep rule). `tge-monitor parse-check DIR` and tests/test_feed_differential.py compare the two.
feedparser is only ever given bytes, never a URL. Documents declaring XML entities are refused
outright: legitimate feeds do not need them and they are how billion-laughs documents work.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import nh3

from core.models import Feed
from core.monitors.base import PollError, PollResult, RawItem, conditional_get
from core.monitors.feedfast import Entry, Fallback, struct_to_datetime
from core.monitors.feedfast import fast_parse as _fast_feed
from core.monitors.fetch import SafeFetcher

log = logging.getLogger(__name__)

MAX_ENTRIES = 500
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_WS = re.compile(r"\s+")
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
# tags that separate words when a page is read: "<p>a</p><p>b</p>" is "a b", not "ab"
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|hr|section|article)\b)",
    re.I,
)


class FeedParseError(ValueError):
    """The document is not a feed we can (or should) read."""


@dataclass
class ParsedFeed:
    title: str = ""
    items: list[RawItem] = field(default_factory=list)
    bozo: str | None = None
    parser: str = "fast"
    fallback_reason: str | None = None  # why the fast path handed the document to feedparser
    entries_seen: int = 0  # entries in the document, before the keep rule


def to_text(value: str | None) -> str:
    """HTML or plain text to one clean line of text (tags, scripts and entities resolved)."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        if "<" in value:
            value = _BLOCK_TAG.sub(" <", value)
        value = html.unescape(nh3.clean(value, tags=set()))
    return _WS.sub(" ", value).strip()


def visible_text(value: str | None, content_type: str) -> str:
    """What a reader sees: HTML loses its tags, plain text keeps its '<' (it is not markup)."""
    if content_type in _HTML_TYPES:
        return to_text(value)
    return _WS.sub(" ", value).strip() if value else ""


def _web_link(link: str, base_url: str | None) -> str:
    """An absolute http(s) address, resolved against the feed's address; '' otherwise."""
    link = link.strip()
    if not link:
        return ""
    try:
        if base_url:
            link = urljoin(base_url, link)
        scheme = urlsplit(link).scheme.lower()
    except ValueError:  # e.g. a broken IPv6 literal
        return ""
    return link if scheme in ("http", "https") else ""


def _item(entry: Entry, base_url: str | None) -> RawItem | None:
    """The one conversion both paths share; None for an entry with nothing to show."""
    url = _web_link(entry.link, base_url)
    title = visible_text(entry.title, entry.title_type)
    text = visible_text(entry.body, entry.body_type)
    if not (title or url or text):
        return None  # kept when it has a title, a link or text (announcements may lack one)
    guid = entry.id.strip() or url or entry.link.strip() or title
    if not guid:  # a text-only announcement: its text identifies it for dedup
        guid = "text:" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
    return RawItem(
        guid=guid,
        url=url,
        title=title,
        text=text,
        author=_WS.sub(" ", entry.author).strip(),
        published=entry.published,
    ).clipped()


def _valid_charref(match: re.Match[bytes]) -> bytes:
    digits = match.group(1) or match.group(2)
    value = int(digits, 16 if match.group(1) else 10) if len(digits) <= 8 else -1
    if 0 <= value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
        return match.group(0)
    return b"&#xFFFD;"


def _feedparser_entry(entry: Any) -> Entry:
    content = entry.get("content") or []
    if content:
        body, body_type = content[0].get("value") or "", content[0].get("type") or "text/plain"
    else:
        detail = entry.get("summary_detail") or {}
        body, body_type = entry.get("summary") or "", detail.get("type") or "text/html"
    title_detail = entry.get("title_detail") or {}
    return Entry(
        title=entry.get("title") or "",
        title_type=title_detail.get("type") or "text/plain",
        link=entry.get("link") or "",
        id=entry.get("id") or "",
        body=body,
        body_type=body_type,
        author=entry.get("author") or "",
        # dict.get: FeedParserDict would answer updated_parsed with published_parsed (and warn)
        published=(
            struct_to_datetime(dict.get(entry, "published_parsed"))
            or struct_to_datetime(dict.get(entry, "updated_parsed"))
        ),
    )


def feedparser_parse(
    body: bytes, headers: Mapping[str, str] | None = None, url: str | None = None
) -> ParsedFeed:
    """The reference: feedparser's reading of the document, in our item shape."""
    # feedparser raises on a reference to no character (&#xFFFFFFFF;, &#xD800;): one such
    # entity would lose the whole feed, so it becomes U+FFFD first
    body = _CHARREF.sub(_valid_charref, body)
    # the body arrives decompressed: a Content-Encoding header would make feedparser gunzip again
    response_headers = {
        k.lower(): v for k, v in (headers or {}).items() if k.lower() != "content-encoding"
    }
    try:
        parsed = feedparser.parse(
            body,
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except (ValueError, LookupError, OverflowError) as exc:
        # e.g. a mangled encoding name (a NUL or a \x80 byte in it) breaks its decoding
        raise FeedParseError(f"not a feed: {exc}"[:200]) from None
    items: list[RawItem] = []
    for entry in parsed.entries[:MAX_ENTRIES]:
        item = _item(_feedparser_entry(entry), url)
        if item is not None:
            items.append(item)
    bozo = str(parsed.get("bozo_exception", "")) or None if parsed.get("bozo") else None
    if not items and not parsed.get("version") and bozo:
        raise FeedParseError(f"not a feed: {bozo[:200]}")
    feed = parsed.get("feed") or {}
    title = visible_text(feed.get("title", ""), (feed.get("title_detail") or {}).get("type", ""))
    return ParsedFeed(
        title=title,
        items=items,
        bozo=bozo,
        parser="feedparser",
        entries_seen=len(parsed.entries),
    )


def fast_parse(
    body: bytes, headers: Mapping[str, str] | None = None, url: str | None = None
) -> ParsedFeed:
    """The fast path alone; raises Fallback when the document needs feedparser."""
    fast = _fast_feed(body, headers, MAX_ENTRIES)
    items = [item for e in fast.entries if (item := _item(e, url)) is not None]
    return ParsedFeed(
        title=visible_text(fast.title, fast.title_type), items=items, entries_seen=len(fast.entries)
    )


def _check_document(body: bytes) -> None:
    if _ENTITY_DECL.search(body[:65536]):
        raise FeedParseError("refused: the document declares XML entities (entity expansion)")
    if not body.strip():
        raise FeedParseError("empty document")


def parse_feed(
    body: bytes, headers: Mapping[str, str] | None = None, url: str | None = None
) -> ParsedFeed:
    """Entries of an RSS/Atom document; FeedParseError when it is not a feed or is hostile.

    `headers` are the HTTP response headers (their charset wins, as in feedparser) and `url`
    the feed's address (relative links resolve against it).
    """
    _check_document(body)
    try:
        return fast_parse(body, headers, url)
    except Fallback as why:
        parsed = feedparser_parse(body, headers, url)
        parsed.fallback_reason = str(why)
        return parsed


class RssMonitor:
    """Polls RSS/Atom feeds with conditional GET."""

    kind = "rss"

    def __init__(self, fetcher: SafeFetcher) -> None:
        self.fetcher = fetcher

    async def poll(self, feed: Feed) -> PollResult:
        res = await conditional_get(
            self.fetcher, feed, "application/rss+xml, application/atom+xml, application/xml;q=0.9"
        )
        if res is None:
            return PollResult(not_modified=True, etag=feed.etag, last_modified=feed.last_modified)
        try:
            parsed = parse_feed(res.body, res.headers, res.url or feed.url)
        except FeedParseError as exc:
            raise PollError(f"parse error: {exc}") from None
        if parsed.bozo:
            log.info("feed %s is malformed but readable: %s", feed.id, parsed.bozo[:200])
        elif parsed.fallback_reason:
            log.debug("feed %s read by feedparser: %s", feed.id, parsed.fallback_reason)
        from core.monitors.websub import discover

        hub, topic = discover(res.body, res.headers, res.url or feed.url or "")
        return PollResult(
            items=parsed.items,
            etag=(res.headers.get("ETag") or "")[:256] or None,
            last_modified=(res.headers.get("Last-Modified") or "")[:64] or None,
            bozo=parsed.bozo,
            hub=hub,
            topic=topic,
        )
