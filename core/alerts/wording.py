"""Alert text a person reads at a glance: what happened, when, who says so.

The scorer's signals ("tier-1 'tge'", "date 2027-06-20") explain a score; a reader wants the
event in plain words ("Official TGE date announced for June 20, 12:00 UTC"), the date with
its time and zone, and the publication's name ("The Block", not "manual" or a feed id).
Everything here is derived from what the alert already stores: no new scoring.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SOURCES_FILE = Path(__file__).resolve().parent.parent / "data" / "catalogue" / "sources.json"

# publications whose feeds are not in the catalogue but whose links alerts carry
_KNOWN_HOSTS = {
    "x.com": "X",
    "twitter.com": "X",
    "binance.com": "Binance",
    "bybit.com": "Bybit",
    "okx.com": "OKX",
    "coinbase.com": "Coinbase",
    "kraken.com": "Kraken",
    "medium.com": "Medium",
    "mirror.xyz": "Mirror",
}

# "12:00 UTC", "12.00 GMT", "3pm UTC", "3 p.m. UTC"
_TIME = re.compile(
    r"\b(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)\s*(?:UTC|GMT|Z)\b"
    r"|\b(?P<h12>1[0-2]|0?[1-9])(?::(?P<m12>[0-5]\d))?\s*(?P<ap>[ap])\.?\s?m\.?\s*(?:UTC|GMT)\b",
    re.IGNORECASE,
)


def _host(url: str) -> str:
    host = (urlsplit(url or "").hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


@cache
def _catalogue_names() -> dict[str, str]:
    """Host → publication name, from the bundled source catalogue (real feed URLs)."""
    try:
        rows = json.loads(SOURCES_FILE.read_text())
    except (OSError, ValueError):
        return {}
    return {_host(str(r.get("url", ""))): str(r["name"]) for r in rows if r.get("name")}


def source_name(source: str, url: str) -> str:
    """The publication's name: the feed's own name, else the link's site ('The Block').

    'manual' (an alert typed in by an admin) is no source: the link's site is."""
    named = (source or "").strip()
    if named and named.lower() != "manual" and "." not in named:
        return named
    host = _host(url) or (named.lower() if "." in named else "")
    if not host:
        return ""
    names = _catalogue_names()
    for candidate in (host, ".".join(host.split(".")[-2:])):
        if candidate in names:
            return names[candidate]
        if candidate in _KNOWN_HOSTS:
            return _KNOWN_HOSTS[candidate]
    return host


def event_time(title: str, urgency: dict[str, Any] | None) -> tuple[str | None, datetime | None]:
    """('June 20, 12:00 UTC', that moment) when the title gives a time for the date found,
    ('June 20', None) for a day alone, the scorer's words for a month or quarter."""
    if not urgency:
        return None, None
    words = str(urgency.get("text") or "").strip()
    try:
        day = date.fromisoformat(str(urgency["date"])) if urgency.get("date") else None
    except ValueError:
        day = None
    if day is None:
        return words or None, None
    kind = str(urgency.get("kind") or "")
    if kind in ("month", "quarter", "year"):
        return words or f"{day:%B %Y}", None
    label = f"{day:%B} {day.day}"
    if abs((day - datetime.now(UTC).date()).days) > 180:  # near dates need no year
        label += f", {day.year}"
    match = _TIME.search(title or "")
    moment = None
    if match is not None:
        if match.group("h") is not None:
            hour, minute = int(match.group("h")), int(match.group("m"))
        else:
            hour = int(match.group("h12")) % 12 + (12 if match.group("ap").lower() == "p" else 0)
            minute = int(match.group("m12") or 0)
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
        label += f", {moment:%H:%M} UTC"
    if kind == "relative" and words:
        label = f"{words} ({label})"
    return label, moment


def event_phrase(keywords: dict[str, list[str]], negatives: list[str]) -> tuple[str, str]:
    """(what happened, the word before a date): ('Official TGE date announced', 'for')."""
    words = [w.lower() for tier in ("tier1", "tier2", "tier3") for w in keywords.get(tier, [])]
    text = " | ".join(words)
    official = "official" in text
    if "claim" in text:
        head, joiner = "Airdrop claim opens", ""
    elif "airdrop" in text or "snapshot" in text:
        head, joiner = "Airdrop announced", "for"
    elif re.search(r"\blist(s|ing|ed)?\b|will list", text):
        head, joiner = "Exchange listing announced", "for"
    elif "tge" in text or "token generation" in text:
        head, joiner = "TGE date announced", "for"
    elif "launch" in text or "mainnet" in text or "token" in text:
        head, joiner = "Token launch announced", "for"
    else:
        head, joiner = "Token launch expected", "on"
    if official:
        head = "Official " + (head if head.startswith("TGE") else head[0].lower() + head[1:])
    tail = ""
    if "speculation" in negatives:
        tail = " (reads as speculation)"
    elif "stale" in negatives:
        tail = " (an old date: likely a look back)"
    return head + tail, joiner


def reason(head: str, joiner: str, when: str | None) -> str:
    """'Official TGE date announced for June 20, 12:00 UTC'; without a date, just the event
    (and 'date announced' becomes 'announced')."""
    if not when:
        return head.replace(" date announced", " announced").replace(" expected", " news")
    if " (" in head:  # keep a caveat after the date
        event, _, caveat = head.partition(" (")
        return f"{event} {joiner + ' ' if joiner else ''}{when} ({caveat}"
    return f"{head} {joiner + ' ' if joiner else ''}{when}"
