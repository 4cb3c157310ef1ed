"""OPML 2.0 (http://opml.org/spec2.opml): bring a reader's subscriptions in, take ours out.

Import reads every `<outline>` with an `xmlUrl` (nested category outlines are walked; their
text becomes nothing: categories are not a concept here), and adds each as an RSS feed
through `FeedService.add`, so every address passes the same safe-fetch checks as one typed
by hand. One bad entry never stops the rest: the result lists what was added and what was
skipped and why. A document that is not OPML is refused as a whole with one clear reason.
Export writes every URL feed (RSS/Atom and pages) as an outline a reader can import.
Documents declaring a DTD or entities are refused (the billion-laughs guard the feed parser
has too).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from core.errors import Conflict, InvalidInput
from core.models import Feed, FeedKind, User

MAX_OPML_BYTES = 2 * 1024 * 1024
MAX_OUTLINES = 5_000
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


@dataclass(frozen=True, slots=True)
class OpmlEntry:
    url: str
    title: str


def parse_opml(data: bytes | str) -> list[OpmlEntry]:
    """The feed outlines of an OPML document; InvalidInput naming what is wrong."""
    raw = data.encode() if isinstance(data, str) else data
    if not raw.strip():
        raise InvalidInput("the OPML file is empty", field="opml")
    if len(raw) > MAX_OPML_BYTES:
        raise InvalidInput(
            f"the OPML file is larger than {MAX_OPML_BYTES // 1024 // 1024} MiB", field="opml"
        )
    if _DOCTYPE.search(raw):
        raise InvalidInput("OPML with a DOCTYPE or entity declarations is refused", field="opml")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise InvalidInput(f"not an OPML file: XML error {exc}", field="opml") from None
    if root.tag.rsplit("}", 1)[-1].lower() != "opml":
        raise InvalidInput(
            f"not an OPML file: the root element is <{root.tag[:40]}>, not <opml>", field="opml"
        )
    body = root.find("body")
    if body is None:
        raise InvalidInput("not an OPML file: it has no <body>", field="opml")
    entries: list[OpmlEntry] = []
    seen: set[str] = set()
    for outline in body.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        title = (outline.get("title") or outline.get("text") or "").strip()
        entries.append(OpmlEntry(url[:2048], " ".join(title.split())[:128]))
        if len(entries) > MAX_OUTLINES:
            raise InvalidInput(
                f"the OPML file has more than {MAX_OUTLINES} feeds; split it", field="opml"
            )
    if not entries:
        raise InvalidInput("the OPML file lists no feeds (no outline has an xmlUrl)", field="opml")
    return entries


async def import_opml(
    feeds: Any, data: bytes | str, *, created_by: User | None = None, interval_s: int = 300
) -> dict[str, Any]:
    """Add every feed of the document: {"added", "skipped": [{url, reason}], "total"}."""
    entries = parse_opml(data)
    added: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for entry in entries:
        try:
            feed = await feeds.add(
                entry.url, "rss", name=entry.title, interval_s=interval_s, created_by=created_by
            )
        except Conflict:
            skipped.append({"url": entry.url, "reason": "already a feed"})
        except InvalidInput as exc:
            skipped.append({"url": entry.url, "reason": exc.message[:300]})
        else:
            added.append({"id": feed.id, "url": feed.url, "name": feed.name})
    return {"total": len(entries), "added": added, "skipped": skipped}


async def export_opml(title: str = "TGE Monitor feeds") -> str:
    """Every URL feed as OPML 2.0 (exchange and X sources have no feed address to share)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_text(title)}</title>",
        f"    <dateCreated>{format_datetime(datetime.now(UTC), usegmt=True)}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in await Feed.filter(kind__in=[FeedKind.RSS, FeedKind.PAGE]).order_by("id"):
        name = feed.name or feed.url or ""
        kind = "rss" if feed.kind == FeedKind.RSS else "link"
        attr = "xmlUrl" if kind == "rss" else "url"
        lines.append(
            f"    <outline type={quoteattr(kind)} text={quoteattr(name)} "
            f"title={quoteattr(name)} {attr}={quoteattr(feed.url or '')}/>"
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
