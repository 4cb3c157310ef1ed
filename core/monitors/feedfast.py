"""The fast RSS/Atom path: expat (ElementTree) over the documents it reads exactly like feedparser.

feedparser is the reference (see `core.monitors.rss`). This module takes a document only when
every element that can reach an entry's title, link, id, dates, author or text is one it handles
the same way; for anything else it returns the reason to fall back, before any entry is made:
markup inside a text element, `xml:base`, a DOCTYPE, an encoding or HTTP charset other than
UTF-8, RSS 0.9x, namespaced titles or dates, base64 or xhtml content, repeated fields, items in
odd places. Where the two paths must agree on a detail (date formats and time zones, guessing
whether RSS text is HTML, the cp1252 and double-UTF-8 repairs, URI clean-up) it calls
feedparser's own code or tables, so they cannot drift apart silently; the differential tests
(tests/test_feed_differential.py, `tge-monitor parse-check`) hold the rest.
"""

from __future__ import annotations

import calendar
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from feedparser.datetimes import _parse_date as _feedparser_date
from feedparser.html import _cp1252

try:  # feedparser 6.0.x; its main branch renames the class
    from feedparser.mixin import _FeedParserMixin
except ImportError:  # pragma: no cover
    from feedparser.mixin import XMLParserMixin as _FeedParserMixin

# what feedparser knows: namespace URI -> its prefix, and the elements it has handlers for
_KNOWN_NS = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
_FP_PREFIXES = {p for p in _KNOWN_NS.values() if p}
_FP_HANDLED = {
    name[len(kind) :]
    for name in dir(_FeedParserMixin)
    for kind in ("_start_", "_end_")
    if name.startswith(kind)
}
_looks_like_html = _FeedParserMixin.looks_like_html
_map_content_type = _FeedParserMixin.map_content_type

_ATOM = "http://www.w3.org/2005/Atom"
_RSS1 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_ABOUT = f"{{{_RDF}}}about"
_AUTHOR_NAME = [f"{{{_ATOM}}}name"]
_AUTHOR_NAME_URI = sorted([f"{{{_ATOM}}}name", f"{{{_ATOM}}}uri"])
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_TEXT_TYPES = {"text/plain", "text/html"}

# feedparser element names (prefix_local) that carry nothing we read, so the fast path may skip
# them even though feedparser has a handler: categories, comments, enclosures, media, rights
_HARMLESS = {
    "category",
    "comments",
    "enclosure",
    "rights",
    "dc_subject",
    "dc_rights",
    "dc_language",
    "dc_publisher",
    "dcterms_created",
    "media_content",
    "media_thumbnail",
    "media_keywords",
    "media_category",
    "media_rating",
    "media_credit",
    "media_player",
    "media_license",
    "media_restriction",
    "wfw_comment",
    "wfw_commentrss",
    "slash_comments",
    "feedburner_origlink",
    "itunes_duration",
    "itunes_explicit",
    "itunes_image",
    "itunes_keywords",
    "itunes_episode",
    "itunes_episodetype",
}
# feedparser element name -> the entry field the fast path fills
_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "id",
    "id": "id",
    "description": "summary",
    "dc_description": "summary",
    "summary": "summary",
    "content_encoded": "content",
    "content": "content",
    "pubdate": "published",
    "published": "published",
    "dcterms_issued": "published",
    "dc_date": "updated",
    "updated": "updated",
    "dcterms_modified": "updated",
    "author": "author",
    "dc_creator": "author",
}
# default content types feedparser gives each element (push_content)
_DEFAULT_TYPE = {
    "title": "text/plain",
    "description": "text/html",
    "dc_description": "text/html",
    "summary": "text/plain",
    "content_encoded": "text/html",
    "content": "text/plain",
}

_MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)}
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (" + "|".join(_MONTH_NAMES) + r")"
    r" (\d{4}) (\d\d):(\d\d):(\d\d) (?:GMT|UT|Z|([+-])(\d\d)(\d\d))\Z"
)
_W3DTF = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:Z|([+-])(\d\d):(\d\d))\Z")
_BOM8 = b"\xef\xbb\xbf"
_XML_DECL = re.compile(rb"\A<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_NS_DECL = re.compile(rb"xmlns(?::([A-Za-z_][\w.-]*))?\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTRY_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]", re.I)
_C1 = re.compile("[\x80-\x9f]")
_URI_FIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_LINK_AMP = re.compile(r"&([A-Za-z0-9_]+);")
_XML_MIME = {
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "text/xml",
}
_UTF8 = {"utf-8", "utf8"}


class Fallback(Exception):
    """This document needs feedparser; the message says why (for parse-check and logs)."""


@dataclass(slots=True)
class Entry:
    """One entry as feedparser would describe it (the fields we use), before clean-up."""

    title: str = ""
    title_type: str = "text/plain"
    link: str = ""
    id: str = ""
    body: str = ""
    body_type: str = "text/plain"
    author: str = ""
    published: datetime | None = None


@dataclass(slots=True)
class FastFeed:
    title: str
    title_type: str
    entries: list[Entry] = field(default_factory=list)


def struct_to_datetime(value: object) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime; None when it is out of range."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)  # type: ignore[arg-type]
    except (OverflowError, ValueError, OSError):
        return None


def _common_date(value: str) -> datetime | None:
    """The two shapes nearly every feed uses, computed as feedparser's handlers compute them
    (RFC 822 with a numeric or GMT zone; W3C date-time to the second); None for anything else.
    tests/test_feed_differential.py checks the equality on random dates."""
    m = _RFC822.match(value)
    try:
        if m:
            day, mon, year, hh, mm, ss, sign, oh, om = m.groups()
            month = _MONTHS[mon]
            when = datetime(int(year), month, int(day), int(hh), int(mm), int(ss), tzinfo=UTC)
        else:
            m = _W3DTF.match(value)
            if not m:
                return None
            year, mon, day, hh, mm, ss, sign, oh, om = m.groups()
            when = datetime(int(year), int(mon), int(day), int(hh), int(mm), int(ss), tzinfo=UTC)
        if sign:
            offset = timedelta(hours=int(oh), minutes=int(om))
            when = when - offset if sign == "+" else when + offset
        return when
    except (ValueError, OverflowError):
        return None  # out of range: feedparser's own handlers decide


def parse_date(value: str | None) -> datetime | None:
    """Any date feedparser reads (RFC 822 with its time-zone table, W3C/ISO 8601, date-only as
    midnight UTC, asctime, ...) as an aware UTC datetime; None if unreadable."""
    if not value:
        return None
    common = _common_date(value)
    if common is not None:
        return common
    try:
        return struct_to_datetime(_feedparser_date(value))
    except (ValueError, OverflowError, TypeError, IndexError):
        return None


def _repair(text: str) -> str:
    """feedparser's last steps on every text value: undo UTF-8 read as Latin-1, map cp1252."""
    if not text.isascii():
        try:
            text = text.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        if _C1.search(text):
            text = text.translate(_cp1252)
    return text


def _fix_uri(value: str) -> str:
    # feedparser's _urljoin with no base: only collapses extra slashes after "scheme://"
    return _URI_FIXER.sub(r"\1\3", value) if ":///" in value else value


def _charset(content_type: str) -> tuple[str, str | None]:
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").lower()
    return mime.strip().lower(), charset


def gate(body: bytes, headers: Mapping[str, str] | None) -> None:
    """Cheap byte-level checks, before parsing: raise Fallback when feedparser must read it."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or body[:1] == b"\x00":
        raise Fallback("UTF-16/32 document")
    head = body[3:] if body.startswith(_BOM8) else body
    decl = _XML_DECL.match(head[:256])
    if decl and decl.group(1).lower() not in (b"utf-8", b"utf8"):
        raise Fallback(f"encoding {decl.group(1)[:40]!r}")
    if headers:
        lowered = {k.lower(): v for k, v in headers.items()}
        if lowered.get("content-location"):
            raise Fallback("Content-Location header (a base URI)")
        ctype = lowered.get("content-type")
        if ctype:
            mime, charset = _charset(ctype)
            if mime not in _XML_MIME:
                raise Fallback(f"content type {mime[:40]!r}")
            if charset is not None and charset not in _UTF8:
                raise Fallback(f"HTTP charset {charset[:40]!r}")
    if b"<!DOCTYPE" in body or b"<!doctype" in body:
        raise Fallback("DOCTYPE")
    if b"xml:base" in body:
        raise Fallback("xml:base")
    for prefix, uri1, uri2 in _NS_DECL.findall(body):
        uri = (uri1 or uri2).decode("utf-8", "replace").lower()
        known = uri in _KNOWN_NS or "backend.userland.com/rss" in uri
        if not prefix:
            if not known or _KNOWN_NS.get(uri, "") != "":
                raise Fallback(f"default namespace {uri[:60]!r}")
        elif not known and prefix.decode().lower() in _FP_PREFIXES:
            raise Fallback(f"prefix {prefix.decode()!r} bound to an unknown namespace")


_NAMES: dict[str, tuple[str, str]] = {}


def _fp_name(tag: str) -> tuple[str, str]:
    """ElementTree tag -> (namespace URI, feedparser's name for it); memoised, tags repeat."""
    known = _NAMES.get(tag)
    if known is not None:
        return known
    if tag[0] != "{":
        name = ("", tag.lower())
    else:
        uri, _, local = tag[1:].partition("}")
        prefix = _KNOWN_NS.get(uri.lower())
        if prefix is None:  # unknown namespace: feedparser files it under the document's prefix
            name = (uri, "?")
        else:
            name = (uri, f"{prefix}_{local.lower()}" if prefix else local.lower())
    if len(_NAMES) < 4096:  # bounded: a hostile feed can invent any number of tags
        _NAMES[tag] = name
    return name


def _guess_html(raw: str) -> bool:
    # feedparser's looks_like_html needs a close tag or an entity: skip it when neither can be
    return ("<" in raw or "&" in raw) and bool(_looks_like_html(raw))


def _text_type(el: ET.Element, name: str, atom: bool) -> str:
    if not el.attrib:
        return _DEFAULT_TYPE[name]
    for key in el.attrib:
        if key not in ("type", _XML_LANG) or (key == "type" and not atom):
            raise Fallback(f"attribute {key!r} on <{name}>")
    kind = _map_content_type(el.get("type", _DEFAULT_TYPE[name]))
    if kind not in _TEXT_TYPES:
        raise Fallback(f"<{name}> of type {kind[:40]!r}")
    return kind


def _entry(item: ET.Element, atom: bool, rdf_about: str | None) -> Entry:
    out = Entry(id=rdf_about or "")
    seen: set[str] = set()
    has_summary = has_content = False
    link_el: str | None = None  # RSS <link> text, which always wins over a permalink guid
    alt_link: str | None = None  # Atom: the last alternate HTML link
    guid_link: str | None = None
    published = updated = None
    for child in item:
        uri, name = _fp_name(child.tag)
        if name == "?":
            if len(child):
                raise Fallback("nested elements in an unknown namespace")
            continue
        if atom and uri not in ("", _ATOM) and name in _FIELDS:
            raise Fallback(f"<{name}> from another namespace in an Atom entry")
        if not atom and uri == _ATOM:
            raise Fallback("Atom element inside an RSS item")
        target = _FIELDS.get(name)
        if target is None:
            if name in _HARMLESS or name not in _FP_HANDLED:
                if len(child):
                    raise Fallback(f"<{name}> has child elements")
                continue
            raise Fallback(f"<{name}> (feedparser maps it)")
        if atom and name == "author":
            # <name> and maybe <uri>: feedparser's author is then the name, as written
            tags = sorted(c.tag for c in child)
            if tags not in (_AUTHOR_NAME, _AUTHOR_NAME_URI) or target in seen:
                raise Fallback("Atom author other than <name> (and <uri>), or two authors")
            if child.attrib or any(len(c) or c.attrib for c in child):
                raise Fallback("Atom author with markup")
            seen.add(target)
            out.author = (child.findtext(_AUTHOR_NAME[0]) or "").strip()
            continue
        if len(child):
            raise Fallback(f"markup inside <{name}>")
        if target in seen and target not in ("content", "summary", "link", "author"):
            raise Fallback(f"repeated <{name}>")
        seen.add(target)
        if atom and name == "link":
            attrs = child.attrib
            if "href" not in attrs or {"url", "uri"} & attrs.keys():
                raise Fallback("Atom <link> without href")
            rel = attrs.get("rel", "alternate")
            kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
            if rel == "alternate" and _map_content_type(kind) in _HTML_TYPES:
                alt_link = _fix_uri(attrs["href"])
            continue
        raw = (child.text or "").strip()
        if target == "link":
            if child.attrib or link_el is not None:
                raise Fallback("RSS <link> with attributes or repeated")
            value = _repair(_fix_uri(raw))
            if "&" in value:
                value = _LINK_AMP.sub(r"&\1", value.replace("&amp;", "&"))
            link_el = value
        elif target == "id":
            permalink = True
            if not atom:
                extra = set(child.attrib) - {"isPermaLink"}
                if extra:
                    raise Fallback(f"<guid> attributes {sorted(extra)}")
                permalink = child.get("isPermaLink", "true") == "true"
            value = _repair(_fix_uri(raw) if permalink else raw)
            out.id = value
            if permalink and link_el is None and guid_link is None:
                guid_link = value
        elif target == "title":
            kind = _text_type(child, name, atom)
            if not atom and kind == "text/plain" and _guess_html(raw):
                kind = "text/html"
            out.title, out.title_type = _repair(raw), kind
        elif target == "summary":
            kind = _text_type(child, name, atom)
            if has_summary and not has_content:
                raise Fallback("second summary before any content (feedparser makes it content)")
            if not atom and kind == "text/plain" and _guess_html(raw):
                kind = "text/html"
            has_summary = True
            if not has_content:
                out.body, out.body_type = _repair(raw), kind
        elif target == "content":
            kind = _text_type(child, name, atom)
            if atom and "src" in child.attrib:
                raise Fallback("out-of-line Atom content")
            if not atom and kind == "text/plain" and _guess_html(raw):
                kind = "text/html"
            if not has_content:
                out.body, out.body_type = _repair(raw), kind
            has_content = has_summary = True
        elif target == "author":
            if child.attrib:
                raise Fallback("author with attributes")
            value = _repair(raw)
            if "@" in value:
                raise Fallback("author with an e-mail address (feedparser splits it)")
            out.author = value
        elif target == "published":
            if child.attrib:
                raise Fallback("date with attributes")
            published = parse_date(_repair(raw))
        else:  # updated
            if child.attrib:
                raise Fallback("date with attributes")
            updated = parse_date(_repair(raw))
    if atom:
        out.link = alt_link if alt_link is not None else (guid_link or "")
    else:
        out.link = link_el if link_el is not None else (guid_link or "")
    out.published = published or updated
    return out


def _check_item_attrs(item: ET.Element) -> str | None:
    about = None
    for key, value in item.attrib.items():
        if key == _RDF_ABOUT:
            about = value
        elif key != _XML_LANG:
            raise Fallback(f"attribute {key!r} on an entry")
    return about


def _channel_title(parent: ET.Element, tag: str, atom: bool) -> tuple[str, str]:
    el = parent.find(tag)
    if el is None or len(el):
        return "", "text/plain"
    raw = (el.text or "").strip()
    kind = _map_content_type(el.get("type", "text/plain"))
    if not atom and kind == "text/plain" and _guess_html(raw):
        kind = "text/html"
    return _repair(raw), kind


def fast_parse(body: bytes, headers: Mapping[str, str] | None, max_entries: int) -> FastFeed:
    """Entries of a document feedparser would read the same way; Fallback otherwise."""
    gate(body, headers)
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError, LookupError):
        raise Fallback("not well-formed for expat") from None
    atom = False
    about_attr = False
    if root.tag == "rss":
        if root.get("version") != "2.0":
            raise Fallback(f"RSS version {root.get('version')!r}")
        channels = [c for c in root if c.tag == "channel"]
        if len(channels) != 1:
            raise Fallback("not exactly one <channel>")
        items = [c for c in channels[0] if c.tag == "item"]
        title, title_type = _channel_title(channels[0], "title", False)
    elif root.tag == f"{{{_RDF}}}RDF":
        items = [c for c in root if c.tag == f"{{{_RSS1}}}item"]
        channel = root.find(f"{{{_RSS1}}}channel")
        if channel is None:
            raise Fallback("RDF without an RSS 1.0 channel (RSS 0.90?)")
        title, title_type = _channel_title(channel, f"{{{_RSS1}}}title", False)
        about_attr = True
    elif root.tag == f"{{{_ATOM}}}feed":
        atom = True
        items = [c for c in root if c.tag == f"{{{_ATOM}}}entry"]
        title, title_type = _channel_title(root, f"{{{_ATOM}}}title", True)
    else:
        raise Fallback(f"root element {root.tag[:80]!r}")
    if not items:
        raise Fallback("no entries")
    if len(_ENTRY_TAG.findall(body)) != len(items):
        raise Fallback("entries outside the usual place (or the text mentions <item>)")
    entries = []
    for item in items[:max_entries]:
        about = _check_item_attrs(item)
        entries.append(_entry(item, atom, about if about_attr else None))
    return FastFeed(title=title, title_type=title_type, entries=entries)
