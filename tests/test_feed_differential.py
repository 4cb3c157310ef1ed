"""Differential: the fast feed path reads every document it accepts exactly as feedparser does.

Hypothesis writes feeds (RSS 0.9x/2.0, RSS 1.0, Atom) with inline markup, CDATA, entities,
xml:base, charsets (declared and HTTP), time zones, relative links, permalink guids and missing
fields. For each, when the fast path accepts the document its items must equal feedparser's on
count, visible title, link, guid, date, text and author; and `parse_feed` (fast or fallback)
must always equal feedparser's reading.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

import pytest
from feedparser.datetimes import _parse_date as feedparser_date
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.monitors.feedfast import Fallback, parse_date, struct_to_datetime
from core.monitors.rss import FeedParseError, fast_parse, feedparser_parse, parse_feed

DIFF = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEED_URL = "https://news.example.com/feeds/main.xml"

words = st.sampled_from(
    ["Token", "XYZ", "TGE", "on", "Monday", "airdrop", "claim", "é", "naïve", "日本", "🚀", "5"]
)
# raw XML fragments of text content; each is well-formed inside an element
text_piece = st.one_of(
    words.map(escape),
    st.sampled_from(
        [
            " ",
            "  \n ",
            "&amp;",
            "&lt;XYZ&gt;",
            "&lt;b&gt;bold&lt;/b&gt;",
            "&lt;p&gt;para&lt;/p&gt;",
            "&lt;script&gt;x()&lt;/script&gt;",
            "&amp;amp;",
            "&amp;nbsp;",
            "&#8217;",
            "&#x93;quoted&#x94;",
            "&#146;",
            "\u0092",
            "\u0080",
            "Ã©",
            "<![CDATA[<b>cdata</b> & more]]>",
            "<![CDATA[a < b]]>",
            "<!-- comment -->",
        ]
    ),
)
markup_piece = st.sampled_from(["<b>XYZ</b>", "<p>para</p>", "<br/>"])  # elements: feedparser's
clean_text = st.lists(text_piece, max_size=5).map("".join)
TEXT = st.one_of(clean_text, st.lists(st.one_of(text_piece, markup_piece), max_size=4).map("".join))

dates = st.sampled_from(
    [
        "Mon, 02 Feb 2026 07:32:40 +0000",
        "Mon, 02 Feb 2026 07:32:40 GMT",
        "Mon, 02 Feb 2026 07:32:40 -0500",
        "Mon, 02 Feb 2026 07:32:40 EST",
        "Mon, 02 Feb 2026 07:32:40 PT",
        "Mon, 02 Feb 2026 07:32:40 ET",
        "Mon, 02 Feb 2026 07:32:40 MET",
        "Mon, 02 Feb 2026 07:32:40 MEST",
        "Mon, 02 Feb 2026 07:32:40 Z",
        "Mon, 02 Feb 2026 07:32:40 -01:01",
        "02 Feb 2026 07:32 +0530",
        "Mon, 2 Feb 26 07:32:40 +0000",
        "2026-02-02T07:32:40Z",
        "2026-02-02T07:32:40+05:30",
        "2026-02-02T07:32:40.123-08:00",
        "2026-02-02",
        "2026-02",
        "20260202T073240Z",
        "Monday, February 2, 2026",
        "not a date",
        "",
        "Mon, 01 Jan 0001 00:00:00 +0100",
    ]
)
links = st.sampled_from(
    [
        "https://news.example.com/a/1",
        "http://news.example.com/a?x=1&amp;y=2",
        "/a/relative",
        "relative/path",
        "https:///news.example.com/extra-slashes",
        "//cdn.example.com/b",
        "  https://news.example.com/padded  ",
        "tag:example.com,2026:1",
        "",
    ]
)
names = st.sampled_from(["Jane Doe", "jane@example.com (Jane)", "N&#233;e", "   "])
clean_names = st.sampled_from(["Jane Doe", "N&#233;e", "   "])


def pick_fields(
    draw: st.DrawFn, common: list[str], rare: list[str], clean: bool, pairs: list[tuple[str, str]]
) -> list[str]:
    """Which elements an entry gets, in a random order. A clean entry has each kind once (a
    repeated field sends the document to feedparser) and none of the rare ones."""
    fields = draw(st.lists(st.sampled_from(common), max_size=7, unique=clean))
    if not clean and draw(st.integers(0, 4)) == 0:
        fields += draw(st.lists(st.sampled_from(rare), max_size=1))
    fields = draw(st.permutations(fields))
    if clean:
        for keep, drop in pairs:
            if keep in fields and drop in fields:
                fields.remove(drop)
    return fields


@st.composite
def rss_item(draw: st.DrawFn, ns_ok: bool, clean: bool = False) -> str:
    parts: list[str] = []
    common = ["title", "link", "guid", "guid_false", "description", "content", "pubDate"]
    common += ["dc_date", "author", "dc_creator", "category", "enclosure", "unknown"]
    rare = ["dcterms", "media_title", "dc_title", "atom_link", "xml_base"]
    fields = pick_fields(draw, common, rare, clean, [("guid", "guid_false")])
    text_value, names_ = (clean_text, clean_names) if clean else (TEXT, names)
    attrs = ""
    for f in fields:
        if f == "title":
            parts.append(f"<title>{draw(text_value)}</title>")
        elif f == "link":
            parts.append(f"<link>{draw(links)}</link>")
        elif f == "guid":
            parts.append(f"<guid>{draw(links)}</guid>")
        elif f == "guid_false":
            parts.append(f'<guid isPermaLink="false">{draw(links)}</guid>')
        elif f == "description":
            parts.append(f"<description>{draw(text_value)}</description>")
        elif f == "content" and ns_ok:
            parts.append(f"<content:encoded>{draw(text_value)}</content:encoded>")
        elif f == "pubDate":
            parts.append(f"<pubDate>{draw(dates)}</pubDate>")
        elif f == "dc_date" and ns_ok:
            parts.append(f"<dc:date>{draw(dates)}</dc:date>")
        elif f == "dcterms" and ns_ok:
            tag = draw(st.sampled_from(["dcterms:issued", "dcterms:modified", "dcterms:created"]))
            parts.append(f"<{tag}>{draw(dates)}</{tag}>")
        elif f == "author":
            parts.append(f"<author>{draw(names_)}</author>")
        elif f == "dc_creator" and ns_ok:
            parts.append(f"<dc:creator>{draw(names_)}</dc:creator>")
        elif f == "category":
            parts.append("<category>News</category>")
        elif f == "enclosure":
            parts.append('<enclosure url="https://cdn.example.com/x.mp3" type="audio/mpeg"/>')
        elif f == "media_title" and ns_ok:
            parts.append(f"<media:title>{draw(text_value)}</media:title>")
        elif f == "dc_title" and ns_ok:
            parts.append(f"<dc:title>{draw(text_value)}</dc:title>")
        elif f == "unknown" and ns_ok:
            parts.append("<x:extra>ignored</x:extra>")
        elif f == "atom_link" and ns_ok:
            parts.append(f'<atom:link rel="alternate" href="{draw(links)}"/>')
        elif f == "xml_base":
            attrs = ' xml:base="https://base.example.org/dir/"'
    return f"<item{attrs}>{''.join(parts)}</item>"


@st.composite
def atom_entry(draw: st.DrawFn, clean: bool = False) -> str:
    parts: list[str] = []
    common = ["title", "title_html", "link", "link_related", "id", "published", "updated"]
    common += ["summary", "summary_html", "content", "content_html", "author"]
    rare = ["title_xhtml", "content_base64", "dc_title", "xml_base"]
    pairs = [(a, f"{a}_html") for a in ("title", "summary", "content")]
    fields = pick_fields(draw, common, rare, clean, pairs)
    text_value, names_ = (clean_text, clean_names) if clean else (TEXT, names)
    attrs = ""
    for f in fields:
        if f == "title":
            parts.append(f"<title>{draw(text_value)}</title>")
        elif f == "title_html":
            parts.append(f'<title type="html">{draw(text_value)}</title>')
        elif f == "title_xhtml":
            xhtml = '<div xmlns="http://www.w3.org/1999/xhtml">A <b>B</b></div>'
            parts.append(f'<title type="xhtml">{xhtml}</title>')
        elif f == "link":
            parts.append(f'<link href="{draw(links)}"/>')
        elif f == "link_related":
            parts.append(f'<link rel="related" href="{draw(links)}"/>')
        elif f == "id":
            parts.append(f"<id>{draw(links)}</id>")
        elif f in ("published", "updated"):
            parts.append(f"<{f}>{draw(dates)}</{f}>")
        elif f == "summary":
            parts.append(f"<summary>{draw(text_value)}</summary>")
        elif f == "summary_html":
            parts.append(f'<summary type="html">{draw(text_value)}</summary>')
        elif f == "content":
            parts.append(f"<content>{draw(text_value)}</content>")
        elif f == "content_html":
            parts.append(f'<content type="html">{draw(text_value)}</content>')
        elif f == "content_base64":
            parts.append('<content type="application/octet-stream">VG9rZW4gWFla</content>')
        elif f == "author":
            uri = draw(st.sampled_from(["", "<uri>https://people.example.com/jane</uri>"]))
            parts.append(f"<author>{uri}<name>{draw(names_)}</name></author>")
        elif f == "dc_title":
            parts.append(f"<dc:title>{draw(text_value)}</dc:title>")
        elif f == "xml_base":
            attrs = ' xml:base="/base/"'
    return f"<entry{attrs}>{''.join(parts)}</entry>"


NS = (
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:x="urn:example:extra"'
)


@st.composite
def feeds(draw: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    clean = draw(st.booleans())  # half the feeds avoid everything that sends them to feedparser
    text_value = clean_text if clean else TEXT
    kind = draw(st.sampled_from(["rss20"] * 4 + ["rss10", "atom", "atom", "atom"]))
    if not clean and draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(["rss090", "rss091", "rss092"]))
    n = draw(st.integers(1, 4)) if clean else draw(st.integers(0, 4))
    if kind == "atom":
        entries = "".join(draw(atom_entry(clean)) for _ in range(n))
        base = ' xml:base="https://base.example.org/"' if not clean and draw(st.booleans()) else ""
        doc = (
            f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"{base}>'
            f"<title>{draw(text_value)}</title><id>urn:feed</id>{entries}</feed>"
        )
    elif kind in ("rss10", "rss090"):
        ns = (
            "http://purl.org/rss/1.0/"
            if kind == "rss10"
            else "http://my.netscape.com/rdf/simple/0.9/"
        )
        items = ""
        for i in range(n):
            about = f' rdf:about="https://news.example.com/{i}"' if draw(st.booleans()) else ""
            items += draw(rss_item(True, clean)).replace("<item", f"<item{about}", 1)
        doc = (
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="{ns}"{NS}>'
            f"<channel><title>Feed</title><link>https://news.example.com/</link></channel>"
            f"{items}</rdf:RDF>"
        )
    else:
        version = {"rss20": "2.0", "rss091": "0.91", "rss092": "0.92"}[kind]
        items = "".join(draw(rss_item(True, clean)) for _ in range(n))
        doc = (
            f'<rss version="{version}"{NS}><channel><title>{draw(text_value)}</title>'
            f"<link>https://news.example.com/</link>{items}</channel></rss>"
        )
    encoding = draw(st.sampled_from([None, "utf-8", "UTF-8"]))
    if not clean:
        encoding = draw(st.sampled_from([encoding, "iso-8859-1", "windows-1252"]))
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    body = (decl + doc).encode(encoding or "utf-8", "xmlcharrefreplace")
    headers: dict[str, str] = {}
    ctype = draw(
        st.sampled_from(
            [
                None,
                None,
                None,
                None,
                "application/rss+xml",
                "text/xml",
                "application/xml; charset=utf-8",
                "application/xml; charset=utf-8",
                "text/xml; charset=UTF-8",
                "application/atom+xml; charset=iso-8859-1",
                "text/xml; charset=windows-1252",
                "text/html",
            ]
        )
    )
    if clean and ctype and (("charset" in ctype and "utf" not in ctype.lower()) or "html" in ctype):
        ctype = None
    if ctype:
        headers["Content-Type"] = ctype
    return body, headers


def comparable(items: list) -> list[tuple]:
    return [(i.title, i.url, i.guid, i.published, i.text, i.author) for i in items]


@DIFF
@given(feeds())
@example(  # a second description before any content becomes content in feedparser
    (
        b'<rss version="2.0"><channel><item><description>first</description>'
        b"<description>a &amp;lt; b</description></item></channel></rss>",
        {},
    )
)
@example(  # guid before link: the link element still wins
    (
        b'<rss version="2.0"><channel><item><guid>https://a.example/g</guid>'
        b"<link>https://a.example/l</link></item></channel></rss>",
        {},
    )
)
def test_fast_path_equals_feedparser(feed: tuple[bytes, dict[str, str]]) -> None:
    body, headers = feed
    try:
        reference = feedparser_parse(body, headers, FEED_URL)
    except FeedParseError:
        reference = None
    try:
        fast = fast_parse(body, headers, FEED_URL)
    except Fallback:
        fast = None
    if fast is not None:
        assert reference is not None, "fast path read a document feedparser refuses"
        assert comparable(fast.items) == comparable(reference.items)
    try:
        ours = parse_feed(body, headers, FEED_URL)
    except FeedParseError:
        assert reference is None or not reference.items
        return
    assert reference is not None
    assert comparable(ours.items) == comparable(reference.items)


def test_the_generator_reaches_both_paths() -> None:
    """The property above means little if every generated feed fell back (or none did)."""
    seen = {"fast": 0, "feedparser": 0}

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(feeds())
    def count(feed: tuple[bytes, dict[str, str]]) -> None:
        try:
            parsed = parse_feed(*feed)
        except FeedParseError:
            return
        if parsed.items:
            seen[parsed.parser] += 1

    count()
    assert seen["fast"] >= 10 and seen["feedparser"] >= 10, seen


@pytest.mark.parametrize("kind", ["rss20", "atom"])
def test_fast_path_takes_plain_real_world_shapes(kind: str) -> None:
    """The common case (UTF-8, escaped HTML descriptions, numeric offsets) stays fast."""
    if kind == "rss20":
        body = (
            b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
            b"<item><title>Token XYZ &amp; more</title><link>https://n.example.com/1</link>"
            b"<description>&lt;p&gt;Body&lt;/p&gt;</description>"
            b"<pubDate>Mon, 02 Feb 2026 07:32:40 +0000</pubDate></item></channel></rss>"
        )
    else:
        body = (
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><title>A</title>'
            b'<link href="https://n.example.com/1"/><id>urn:1</id>'
            b"<updated>2026-02-02T07:32:40Z</updated></entry></feed>"
        )
    parsed = parse_feed(body, {"Content-Type": "application/xml; charset=utf-8"})
    assert parsed.parser == "fast" and parsed.fallback_reason is None
    assert comparable(parsed.items) == comparable(feedparser_parse(body).items)


MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


@DIFF
@given(
    when=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    minutes=st.integers(-14 * 60, 14 * 60),
    shape=st.sampled_from(["rfc822", "rfc822-gmt", "rfc822-noday", "w3dtf", "w3dtf-z"]),
)
def test_common_date_shapes_equal_feedparser(when: datetime, minutes: int, shape: str) -> None:
    """The fast date shortcut gives exactly feedparser's answer (including out-of-range None)."""
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    if shape.startswith("rfc822"):
        zone = "GMT" if shape == "rfc822-gmt" else f"{sign}{hh:02d}{mm:02d}"
        day = "" if shape == "rfc822-noday" else f"{DAYS[when.weekday()]}, "
        date = f"{when.day:02d} {MONTHS[when.month - 1]} {when.year:04d}"
        value = f"{day}{date} {when:%H:%M:%S} {zone}"
    else:
        zone = "Z" if shape == "w3dtf-z" else f"{sign}{hh:02d}:{mm:02d}"
        value = f"{when.year:04d}-{when:%m-%dT%H:%M:%S}{zone}"
    assert parse_date(value) == struct_to_datetime(feedparser_date(value))
