"""Property-based: hostile bytes and strings into the parsers and URL helpers.

The RSS parser returns entries or raises FeedParseError; the page extractor returns entries
(or InvalidInput for a bad selector); canonical_url / title_fingerprint never raise; the
fetcher's check_url raises InvalidInput only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.bundled import FEEDS_DIR
from core.config import Settings
from core.errors import InvalidInput
from core.monitors.base import RawItem
from core.monitors.dedup import canonical_url, normalise_title, title_fingerprint
from core.monitors.feedfast import parse_date
from core.monitors.fetch import SafeFetcher
from core.monitors.page import extract_entries
from core.monitors.rss import FeedParseError, ParsedFeed, parse_feed
from tests.conftest import make_settings

FEEDS = sorted(FEEDS_DIR.glob("*.xml"))
SAMPLES = [p.read_bytes() for p in FEEDS]
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def test_the_bundled_feeds_are_there() -> None:
    assert len(SAMPLES) >= 5
    for body in SAMPLES:
        assert parse_feed(body).items


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    """A real feed with a few byte-level edits: cut, splice, insert, duplicate."""
    body = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        if not body:
            break
        at = draw(st.integers(0, len(body) - 1))
        op = draw(st.sampled_from(["cut", "insert", "flip", "truncate", "dup"]))
        if op == "cut":
            del body[at : at + draw(st.integers(1, 200))]
        elif op == "insert":
            body[at:at] = draw(
                st.one_of(
                    st.binary(max_size=40),
                    st.sampled_from(
                        [
                            b"<",
                            b"]]>",
                            b"<![CDATA[",
                            b"&amp;",
                            b"&#0;",
                            b"&#xFFFFFFFF;",
                            b"&bogus;",
                            b"\x00",
                            b"\xff\xfe",
                            b"<pubDate>Mon, 01 Jan 0001 00:00:00 +0100</pubDate>",
                            b"<pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate>",
                            b"<dc:date>0001-01-01T00:00:00+14:00</dc:date>",
                            b"<link>http://[::1</link>",
                            b"<title><![CDATA[<script>alert(1)</script>]]></title>",
                        ]
                    ),
                )
            )
        elif op == "flip":
            body[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del body[at:]
        else:
            body[at:at] = body[at : at + draw(st.integers(1, 500))]
    return bytes(body)


def check_feed(body: bytes) -> None:
    try:
        parsed = parse_feed(body)
    except FeedParseError:
        return
    assert isinstance(parsed, ParsedFeed)
    for item in parsed.items:
        assert isinstance(item.title, str) and isinstance(item.guid, str)


@FUZZ
@given(body=st.one_of(mutated_feeds(), st.binary(max_size=2000)))
@example(body=b"")
@example(body=b'<?xml version="1.0" encoding="utf-16"?><rss/>')
@example(body=b'<?xml version="1.0" encoding="x-nope"?><rss version="2.0"><channel/></rss>')
@example(body=b'<?xml version="1.0" encoding="shift_jis"?><rss version="2.0"><channel/></rss>')
@example(body=b'<?xml version="1.0" encoding="\x00UTF-8"?><rss version="2.0"><channel/></rss>')
@example(body=b'<?xml version="1.0" encoding="\x80UTF-8"?><rss version="2.0"><channel/></rss>')
@example(
    body=b'<rss version="2.0"><channel><item><title>t</title>'
    b"<pubDate>Mon, 01 Jan 0001 00:00:00 +0100</pubDate></item></channel></rss>"
)
@example(
    body=b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id><title>t</title>'
    b"<updated>0001-01-01T00:00:00+14:00</updated></entry></feed>"
)
@example(
    body=b'<rss version="2.0"><channel><item><title>t</title>'
    b"<pubDate>Fri, 31 Dec 9999 23:59:59 -1200</pubDate></item></channel></rss"
)
def test_rss_parser_returns_entries_or_its_parse_error(body: bytes) -> None:
    check_feed(body)


@FUZZ
@given(value=st.one_of(st.text(max_size=60), st.sampled_from(["", " ", "Mon, 01 Jan 0001"])))
@example(value="Mon, 01 Jan 0001 00:00:00 +0100")
@example(value="Fri, 31 Dec 9999 23:59:59 -1200")
@example(value="0001-01-01T00:00:00+14:00")
@example(value="9999-12-31T23:59:59-12:00")
def test_parse_date_is_none_or_aware(value: str) -> None:
    when = parse_date(value)
    assert when is None or when.tzinfo is not None


html_fragments = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "<a href='http://[::1'>a broken host link</a>",
            "<a href='http://[zz]/x'>bad IPv6 literal here</a>",
            "<a href='//[::1/x'>protocol relative broken host</a>",
            "<a href='https://example.com:99999/x'>out of range port</a>",
            "<a href='javascript:alert(1)'>script link text here</a>",
            "<a href='\x00'>null byte link here</a>",
            "<a href=https://news.example.com/a>three word title</a>",
            "<a href='/rel/path'>relative link with words</a>",
            "<ul class='news'><li class='entry'>",
            "</li></ul>",
            "<script><a href='/x'>in a script tag</a>",
            "</script>",
            "<!--",
            "<![CDATA[",
            "&#0;&#xFFFFFFFF;&bogus;",
            "<div>" * 600,
        ]
    ),
)
pages = st.lists(html_fragments, max_size=12).map("".join)
base_urls = st.one_of(
    st.sampled_from(["https://news.example.com/blog/", "http://[::1", "", "not a url"]),
    st.text(max_size=30),
)
selectors = st.one_of(
    st.none(),
    st.sampled_from(["ul.news li.entry", "a", "#main [href]", "*", ", ,", "div > a", "a:hover"]),
    st.text(max_size=20),
)


@FUZZ
@given(page=pages, base=base_urls, selector=selectors)
@example(page="<a href='http://[::1'>a broken host link</a>", base="https://x.com/", selector=None)
@example(page="<a href='/a'>a relative link title</a>", base="http://[::1", selector=None)
@example(page="<a href='//[::1/x'>protocol relative host</a>", base="https://x/", selector="a")
def test_page_extractor_returns_entries(page: str, base: str, selector: str | None) -> None:
    try:
        entries = extract_entries(page, base, selector)
    except InvalidInput as exc:
        assert selector is not None and exc.field == "selector"
        return
    for href, title in entries:
        assert href.startswith(("http://", "https://")) and title


url_like = st.one_of(
    st.text(max_size=80),
    st.from_regex(
        r"(https?|ftp|file|javascript|)(:|://)[^\s]{0,10}(\[[0-9a-fA-F:.%z]{0,20}\]?)?"
        r"[a-z0-9.\-@:%]{0,20}(:[0-9]{0,7})?(/[^\s]{0,15})?(\?[^\s]{0,15})?(#.{0,5})?",
        fullmatch=True,
    ),
    st.sampled_from(
        [
            "http://[::1",
            "http://[::1]:99999/",
            "https://example.com:-1/",
            "http://0x7f.1/",
            "http://0x7f.0.0.\x001/",
            "http://1.2.3.4.5/",
            "http://%00/",
            "http://a\x00b/",
            "http://\u0130.com/",
            "http://xn--/",
            "http://xn--zz-/",
            "http://" + "a" * 64 + ".com/",
            "http://" + "a." * 200 + "com/",
            "http://[fe80::1%25eth0]/",
            "https://user@example.com/",
            "https://:@example.com/",
            "http:///x",
            "http://?x",
            "http://#x",
            "http://@/",
            "https://example.com/" + "x" * 3000,
        ]
    ),
)


@FUZZ
@given(url=url_like)
def test_canonical_url_and_fingerprint_never_raise(url: str) -> None:
    canonical = canonical_url(url)
    assert isinstance(canonical, str) and len(canonical) <= 2048
    assert canonical_url(canonical) == canonical_url(canonical)
    assert isinstance(normalise_title(url), str)
    fingerprint = title_fingerprint(url)
    assert fingerprint == "" or len(fingerprint) == 32


@pytest.fixture(scope="module")
def fetchers(tmp_path_factory: pytest.TempPathFactory) -> tuple[SafeFetcher, SafeFetcher]:
    config: Settings = make_settings(Path(tmp_path_factory.mktemp("fuzz_fetch")))
    return SafeFetcher(config, allow_private=False), SafeFetcher(config, allow_private=True)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(url=url_like)
@example(url="http://0x7f.0.0.\x001/")
@example(url="http://a\x00b/")
@example(url="http://[::1")
@example(url="http://[fe80::1%25eth0]/")
def test_check_url_raises_invalid_input_only(
    fetchers: tuple[SafeFetcher, SafeFetcher], url: str
) -> None:
    for fetcher in fetchers:
        try:
            checked = fetcher.check_url(url)
        except InvalidInput as exc:
            assert exc.field == "url" and exc.message
            continue
        assert checked.startswith(("http://", "https://"))


@pytest.mark.parametrize("ref", [b"&#xFFFFFFFF;", b"&#99999999999;", b"&#x110000;", b"&#xD800;"])
def test_a_reference_to_no_character_does_not_lose_the_feed(ref: bytes) -> None:
    """feedparser raised OverflowError / ValueError on these: the whole feed was lost."""
    parsed = parse_feed(SAMPLES[0].replace(b"<title>", b"<title>" + ref, 1))
    assert parsed.items and parsed.title.startswith("\ufffd")


@pytest.mark.parametrize(
    "declared", [b"shift_jis", b"x-nope", b"\x00UTF-8", b"\x80UTF-8", b"utf-16"]
)
def test_odd_encoding_declarations_fall_back_or_fail_cleanly(declared: bytes) -> None:
    body = b'<?xml version="1.0" encoding="' + declared + b'"?>' + SAMPLES[0].split(b"?>", 1)[1]
    check_feed(body)


def test_nul_from_a_feed_is_dropped_before_storage() -> None:
    """`&#0;` parses to NUL, which PostgreSQL text cannot store (the poll failed there)."""
    parsed = parse_feed(SAMPLES[0].replace(b"<title>", b"<title>&#0;", 2))
    assert parsed.items
    for item in parsed.items:
        assert "\x00" not in item.title + item.text + item.guid + item.url + item.author
    raw = RawItem(guid="g\x00", title="t\x00", text="x\x00", url="u\x00", author="a\x00")
    assert "\x00" not in repr(raw.clipped())
