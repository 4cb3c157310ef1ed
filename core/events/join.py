"""Joining retellings: does a new item belong to an existing event?

An item joins an event when both are about the same project and the item was published
within `JOIN_WINDOW` of the event's stories. Same project means: the same watched company,
a shared ticker (quote assets such as BTC or USDT never count), or project names that agree
(equal, or one the other plus a word: "Grass" and "Grass Network", measured with rapidfuzz's
token-set ratio and a shared first word). Headline similarity is deliberately not a join
signal: exchange notices share one template ("Binance Will List X (X)") across unrelated
launches, so similar headlines are as often different events as the same one. Text is used
the other way round: an item whose headline names no project the scorer knows ("Guide to
Claiming Your Retrospective Airdrop Allocation") joins an event whose name or ticker its
text mentions as a word, and a ticker equal to a name ("SAGA", "Saga") is the same project.
Measured with `tge-monitor eval --events` on real pairs (core/data/eval/events/).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz

from core.events.extract import Identity

JOIN_WINDOW = timedelta(days=90)
NAME_SIMILARITY = 90.0
MIN_FUZZY_NAME = 4  # shorter names must be equal ("AI" is in too many names)


@dataclass(slots=True)
class EventKeys:
    """What an event is known by: the union of its items' identities, and its time span."""

    company_id: int | None
    names: set[str] = field(default_factory=set)
    tickers: set[str] = field(default_factory=set)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @classmethod
    def of(cls, ident: Identity, seen: datetime) -> EventKeys:
        return cls(ident.company_id, set(ident.names), set(ident.tickers), seen, seen)

    def absorb(self, ident: Identity, seen: datetime) -> None:
        """Learn an item's names and tickers once it joined (so later items can match them)."""
        self.names |= ident.names
        self.tickers |= ident.tickers
        if self.company_id is None:
            self.company_id = ident.company_id
        self.first_seen = min(self.first_seen or seen, seen)
        self.last_seen = max(self.last_seen or seen, seen)


def names_agree(a: str, b: str) -> bool:
    """Two normalised names of one project ("ether fi", "etherfi", "ether fi foundation")."""
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    if min(len(a), len(b)) < MIN_FUZZY_NAME:
        return False
    return a.split()[0] == b.split()[0] and fuzz.token_set_ratio(a, b) >= NAME_SIMILARITY


def mentions(keys: EventKeys, text: str) -> bool:
    """The event's ticker (as written: upper case) or name (a whole word, any case) in text."""
    if not text:
        return False
    for tick in keys.tickers:
        if re.search(rf"(?<![\w$])\$?{re.escape(tick)}(?!\w)", text):
            return True
    low = re.sub(r"[^a-z0-9]+", " ", text.lower())
    return any(len(n) >= MIN_FUZZY_NAME and f" {n} " in f" {low} " for n in keys.names)


def same_project(keys: EventKeys, ident: Identity, text: str = "") -> bool:
    if keys.company_id is not None and keys.company_id == ident.company_id:
        return True
    if keys.tickers & ident.tickers:
        return True
    lowered = {t.lower() for t in keys.tickers}
    if lowered & ident.names or {t.lower() for t in ident.tickers} & keys.names:
        return True
    if any(names_agree(a, b) for a in keys.names for b in ident.names):
        return True
    return ident.weak and mentions(keys, text)


def in_window(keys: EventKeys, published: datetime) -> bool:
    if keys.first_seen is None or keys.last_seen is None:
        return True
    return keys.first_seen - JOIN_WINDOW <= published <= keys.last_seen + JOIN_WINDOW


def joins(keys: EventKeys, ident: Identity, published: datetime, text: str = "") -> bool:
    """True when an item about `ident`, published at `published`, belongs to the event.

    `text`: the item's headline and text, for items whose identity is weak."""
    return not ident.empty and same_project(keys, ident, text) and in_window(keys, published)


def best_event(
    candidates: Iterable[tuple[int, EventKeys]],
    ident: Identity,
    published: datetime,
    text: str = "",
) -> int | None:
    """The id of the event an item joins: of those it matches, the most recently seen."""
    best: tuple[datetime, int] | None = None
    for event_id, keys in candidates:
        if joins(keys, ident, published, text):
            seen = keys.last_seen or published
            if best is None or seen > best[0]:
                best = (seen, event_id)
    return best[1] if best else None
