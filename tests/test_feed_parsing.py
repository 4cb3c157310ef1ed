"""Issue #15, one test per defect: what a user saw in an alert, and what feedparser reads instead.

Every case goes through `parse_feed` (the production entry point, fast path or fallback) and is
checked against feedparser's reading of the same bytes too, so a case that the fast path takes
later cannot silently disagree.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from core.monitors.feedfast import parse_date
from core.monitors.rss import ParsedFeed, feedparser_parse, parse_feed

FEED_URL = "https://news.example.com/feeds/main.xml"


def rss(items: str, *, decl: str = '<?xml version="1.0" encoding="utf-8"?>', ns: str = "") -> bytes:
    return (
        f'{decl}<rss version="2.0"{ns}><channel><title>T</title>'
        f"<link>https://news.example.com/</link>{items}</channel></rss>"
    ).encode()


def atom(entries: str, attrs: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{attrs}>'
        f"<title>A</title><id>urn:a</id>{entries}</feed>"
    ).encode()


def parse(
    body: bytes, headers: dict[str, str] | None = None, url: str | None = FEED_URL
) -> ParsedFeed:
    """parse_feed, asserted equal to feedparser's reading of the same bytes."""
    ours = parse_feed(body, headers, url)
    reference = feedparser_parse(body, headers, url)
    assert ours.items == reference.items
    return ours


# --- titles and text -------------------------------------------------------------------------


def test_inline_markup_in_an_rss_title_is_not_cut() -> None:
    parsed = parse(rss("<item><title>Token <b>XYZ</b> TGE on Monday</title><guid>g1</guid></item>"))
    assert parsed.items[0].title == "Token XYZ TGE on Monday"
    assert parsed.parser == "feedparser" and "markup" in (parsed.fallback_reason or "")


def test_element_markup_in_a_description_is_its_text() -> None:
    body = rss(
        "<item><title>t</title><guid>g</guid>"
        "<description><p>Claim opens <b>Monday</b></p><p>Snapshot done.</p></description></item>"
    )
    assert parse(body).items[0].text == "Claim opens Monday Snapshot done."


def test_plain_text_atom_title_keeps_angle_brackets() -> None:
    body = atom("<entry><title>Airdrop for &lt;XYZ&gt; holders</title><id>urn:1</id></entry>")
    parsed = parse(body)
    assert parsed.items[0].title == "Airdrop for <XYZ> holders"
    assert parsed.parser == "fast"


def test_escaped_html_title_in_rss_loses_its_tags() -> None:
    body = rss("<item><title>Token &lt;b&gt;XYZ&lt;/b&gt; TGE</title><guid>g</guid></item>")
    assert parse(body).items[0].title == "Token XYZ TGE"


def test_base64_title_is_decoded() -> None:
    encoded = base64.b64encode(b"Token XYZ TGE on Monday").decode()
    body = (
        '<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>A</title>'
        f'<entry><title type="text/plain" mode="base64">{encoded}</title>'
        '<link rel="alternate" type="text/html" href="https://news.example.com/1"/>'
        "<id>urn:1</id></entry></feed>"
    ).encode()
    assert parse(body).items[0].title == "Token XYZ TGE on Monday"


@pytest.mark.parametrize(
    "element",
    [
        "<dc:title>Token XYZ TGE</dc:title>",
        "<media:title>Token XYZ TGE</media:title>",
    ],
)
def test_namespaced_titles_are_read(element: str) -> None:
    ns = ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"'
    body = rss(f"<item>{element}<link>https://news.example.com/1</link></item>", ns=ns)
    assert parse(body).items[0].title == "Token XYZ TGE"


# --- links -----------------------------------------------------------------------------------


def test_permalink_guid_is_the_link() -> None:
    body = rss("<item><title>t</title><guid>https://news.example.com/p/1</guid></item>")
    item = parse(body).items[0]
    assert item.url == "https://news.example.com/p/1" == item.guid
    # isPermaLink="false" is an identifier, not an address
    body = rss('<item><title>t</title><guid isPermaLink="false">https://x.example/1</guid></item>')
    assert parse(body).items[0].url == ""


def test_a_link_element_beats_the_permalink_guid_in_either_order() -> None:
    for item in (
        "<guid>https://a.example/guid</guid><link>https://a.example/link</link>",
        "<link>https://a.example/link</link><guid>https://a.example/guid</guid>",
    ):
        assert (
            parse(rss(f"<item><title>t</title>{item}</item>")).items[0].url
            == "https://a.example/link"
        )


def test_relative_links_resolve_against_xml_base() -> None:
    body = atom(
        '<entry xml:base="https://blog.example.org/posts/"><title>t</title><id>urn:1</id>'
        '<link href="token-launch"/></entry>',
        attrs=' xml:base="https://ignored.example/"',
    )
    assert parse(body).items[0].url == "https://blog.example.org/posts/token-launch"


def test_relative_links_resolve_against_the_feed_address() -> None:
    body = rss("<item><title>t</title><link>/news/token-launch</link></item>")
    parsed = parse(body)
    assert parsed.items[0].url == "https://news.example.com/news/token-launch"
    assert parsed.parser == "fast"
    # without an address a relative link is no link a reader can open
    assert parse_feed(body).items[0].url == ""


def test_query_strings_in_links_survive() -> None:
    body = rss("<item><title>t</title><link>https://n.example.com/a?x=1&amp;y=2</link></item>")
    assert parse(body).items[0].url == "https://n.example.com/a?x=1&y=2"


# --- dates -----------------------------------------------------------------------------------

UTC_0748 = datetime(2004, 1, 1, 19, 48, 21, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Thu, 01 Jan 2004 19:48:21 GMT", UTC_0748),
        ("Thu, 01 Jan 2004 19:48:21 UT", UTC_0748),
        ("Thu, 01 Jan 2004 19:48:21 Z", UTC_0748),
        ("Thu, 01 Jan 2004 19:48:21 +0000", UTC_0748),
        ("Thu, 01 Jan 2004 11:48:21 PT", UTC_0748),
        ("Thu, 01 Jan 2004 11:48:21 PST", UTC_0748),
        ("Thu, 01 Jan 2004 12:48:21 PDT", UTC_0748),
        ("Thu, 01 Jan 2004 14:48:21 ET", UTC_0748),
        ("Thu, 01 Jan 2004 14:48:21 EST", UTC_0748),
        ("Thu, 01 Jan 2004 13:48:21 CST", UTC_0748),
        ("Thu, 01 Jan 2004 20:48:21 MET", UTC_0748),
        ("Thu, 01 Jan 2004 21:48:21 MEST", UTC_0748),
        ("Thu, 01 Jan 2004 18:47:21 -01:01", UTC_0748),
        ("Thu, 01 Jan 2004 21:18:21 +0130", UTC_0748),
        ("Thu, 01 Jan 04 19:48:21 GMT", UTC_0748),
        ("01 Jan 2004 19:48:21 GMT", UTC_0748),
        ("Thu, 01 Jan 2004 19:48 GMT", UTC_0748.replace(second=0)),
        ("2004-01-01T19:48:21Z", UTC_0748),
        ("2004-01-01T21:48:21+02:00", UTC_0748),
        ("2004-01-01", datetime(2004, 1, 1, tzinfo=UTC)),
        ("not a date", None),
    ],
)
def test_dates_follow_feedparser_time_zones(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected
    body = rss(f"<item><title>t</title><guid>g</guid><pubDate>{value}</pubDate></item>")
    assert parse(body).items[0].published == expected


def test_no_zone_is_silently_utc_when_it_is_not() -> None:
    """Every zone the table knows moves the time; none reads as UTC."""
    base = parse_date("Thu, 01 Jan 2004 19:48:21 GMT")
    for zone, hours in (("PT", -8), ("ET", -5), ("MET", 1), ("MEST", 2), ("EDT", -4)):
        assert parse_date(f"Thu, 01 Jan 2004 19:48:21 {zone}") == base - timedelta(hours=hours)


@pytest.mark.parametrize(
    "element",
    [
        "<dcterms:issued>2026-02-02</dcterms:issued>",
        "<dcterms:modified>2026-02-02T00:00:00Z</dcterms:modified>",
        "<dc:date>2026-02-02</dc:date>",
    ],
)
def test_dcterms_and_date_only_values(element: str) -> None:
    ns = ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    body = rss(f"<item><title>t</title><guid>g</guid>{element}</item>", ns=ns)
    assert parse(body).items[0].published == datetime(2026, 2, 2, tzinfo=UTC)


# --- encodings -------------------------------------------------------------------------------


def test_http_charset_wins_over_the_xml_declaration() -> None:
    # declared UTF-8, really Latin-1, and the server says so
    body = rss("<item><title>Caf\u00e9 launch</title><guid>g</guid></item>")
    body = body.replace("Caf\u00e9".encode(), b"Caf\xe9")
    headers = {"Content-Type": "application/rss+xml; charset=iso-8859-1"}
    parsed = parse(body, headers)
    assert parsed.items[0].title == "Café launch"
    assert parsed.parser == "feedparser" and "charset" in (parsed.fallback_reason or "")


def test_windows_1252_quotes_declared_as_latin1_are_repaired() -> None:
    title = b"Don\x92t miss the \x93TGE\x94"
    body = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>" + title + b"</title><guid>g</guid></item></channel></rss>"
    )
    assert parse(body).items[0].title == "Don\u2019t miss the \u201cTGE\u201d"


def test_c1_characters_in_utf8_are_repaired_on_the_fast_path_too() -> None:
    body = rss("<item><title>Don&#146;t miss the \u0093TGE\u0094</title><guid>g</guid></item>")
    parsed = parse(body)
    assert parsed.parser == "fast"
    assert parsed.items[0].title == "Don\u2019t miss the \u201cTGE\u201d"


# --- formats and the keep rule ---------------------------------------------------------------


def test_rss_090_is_read_not_silently_empty() -> None:
    body = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title>'
        b"<link>https://old.example.com/</link><description>d</description></channel>"
        b"<item><title>Token XYZ TGE</title><link>https://old.example.com/1</link></item>"
        b"</rdf:RDF>"
    )
    parsed = parse(body)
    assert [i.title for i in parsed.items] == ["Token XYZ TGE"]
    assert parsed.parser == "feedparser"


@pytest.mark.parametrize("version", ["0.91", "0.92"])
def test_rss_09x_goes_to_feedparser(version: str) -> None:
    body = rss("<item><title>t</title><link>https://n.example.com/1</link></item>").replace(
        b'version="2.0"', f'version="{version}"'.encode()
    )
    parsed = parse(body)
    assert parsed.parser == "feedparser" and len(parsed.items) == 1


def test_entries_without_title_or_link_are_kept_when_they_have_text() -> None:
    items = (
        "<item><description>Claim portal opens at 14:00 UTC</description></item>"  # text only
        "<item><category>empty</category></item>"  # nothing to show
        "<item><title>Titled</title></item>"
    )
    unknown = b"<foo:x xmlns:foo='urn:x'/><category>empty"
    for body in (rss(items), rss(items).replace(b"<category>empty", unknown)):
        parsed = parse(body)
        shown = [i.text or i.title for i in parsed.items]
        assert shown == ["Claim portal opens at 14:00 UTC", "Titled"]
        # a guid is made for the text-only entry so dedup can tell entries apart
        assert parsed.items[0].guid
    # the same items whichever path reads them
    fallback = parse_feed(rss(items).replace(b"<title>Titled", b"<title>Titled <b>x</b>"))
    assert fallback.parser == "feedparser" and len(fallback.items) == 2


def test_both_paths_read_the_bundled_feeds_the_same() -> None:
    from core.bundled import FEEDS_DIR

    for path in sorted(FEEDS_DIR.glob("*.xml")):
        body = path.read_bytes()
        headers = {"Content-Type": "application/rss+xml"}
        ours = parse_feed(body, headers, FEED_URL)
        assert ours.items == feedparser_parse(body, headers, FEED_URL).items
        assert ours.parser == "fast", (path.name, ours.fallback_reason)
