"""Token history: was this ticker already traded or announced before the item's date?

An exchange notice ("Binance Will List X (X)", "X/USDT perpetual") is a token generation event
only when X is new that day, and its text reads the same either way. What tells them apart is
the ticker's past: a first-seen day per ticker, from

* a bundled table built from public exchange data (``core/data/history/first-seen.json``,
  provenance in ``core/data/history/SOURCES.md``; ``scripts/build_token_history.py``), and
* the service's own items: the first day a ticker appeared in a stored headline in a listing
  or launch form (``(ABC)``, ``$ABC``, ``ABC/USDT``, ``ABCUSDT``), read from the items table at
  start-up and kept up to date as items are ingested.

The model reads it as three features (:func:`history_features`): every ticker the item names
was first seen more than :data:`OLD_DAYS` days before it (``hist:old``), one was first seen
shortly before (``hist:recent``), or none was seen before (``hist:new``). Only sightings
strictly earlier than the item's day count (a day's slack for time zones), so training never
sees the future. Memory: one small dict; cost per item: one regex over the headline.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FIRST_SEEN_FILE = Path(__file__).resolve().parent.parent / "data" / "history" / "first-seen.json"

OLD_DAYS = 30  # first seen longer ago than this: the token already trades
SLACK_DAYS = 1  # a sighting this close to the item is the same day (time zones, crawl delay)

# Tickers as listing and launch headlines write them.
_TICKERS = re.compile(
    r"[(（]\s*\$?([A-Z0-9]{2,12})\s*[)）]"  # Terra (LUNA)
    r"|(?<![\w$])\$([A-Z][A-Z0-9]{1,11})\b"  # $LUNA
    r"|\b([A-Z0-9]{2,12})[/-]?(?:USDT|USDC|FDUSD|BUSD)\b"  # LUNA/USDT, LUNAUSDT
    r"|\b([A-Z][A-Z0-9]{1,11}) (?:Perpetual|Perp)\b"  # USDT-Margined LUNA Perpetual
)
# Quote currencies name the market, not the token the item is about.
QUOTES = frozenset("USDT USDC BUSD FDUSD USD TRY EUR BTC ETH BNB".split())


def headline_tickers(title: str) -> set[str]:
    """Tickers a headline names in a listing or launch form (never the quote currencies)."""
    if not title or not ("(" in title or "$" in title or "USD" in title or "Perp" in title):
        return set()  # none of the forms can match: no regex scan
    out: set[str] = set()
    for m in _TICKERS.finditer(title):
        t = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        if t and not t.isdigit() and t not in QUOTES:
            out.add(t)
    return out


def day_of(when: datetime | date | None) -> int | None:
    """A UTC day number (proleptic ordinal) for a datetime or date (a naive datetime is UTC);
    None stays None. Arithmetic, not astimezone: it runs once per scored item."""
    if when is None:
        return None
    if isinstance(when, datetime):
        off = when.utcoffset()
        if off:
            when = when - off
    return when.toordinal()


_EPOCH_DAY = date(1970, 1, 1).toordinal()


def today() -> int:
    """Today's UTC day number."""
    return int(time.time() // 86400) + _EPOCH_DAY


class TokenHistory:
    """First-seen day per ticker; :meth:`see` only ever moves a day earlier."""

    __slots__ = ("_first",)

    def __init__(self, first: dict[str, int] | None = None) -> None:
        self._first: dict[str, int] = dict(first or {})

    def __len__(self) -> int:
        return len(self._first)

    def copy(self) -> TokenHistory:
        return TokenHistory(self._first)

    def first(self, ticker: str) -> int | None:
        return self._first.get(ticker.upper())

    def see(self, tickers: Iterable[str], when: datetime | date | int | None) -> None:
        """Record that these tickers were seen on ``when`` (a day number, date or datetime)."""
        d = when if isinstance(when, int) else day_of(when)
        if d is None:
            return
        first = self._first
        for t in tickers:
            t = t.upper()
            held = first.get(t)
            if held is None or d < held:
                first[t] = d

    def see_headline(self, title: str, when: datetime | date | None) -> None:
        """Record a stored item: the tickers its headline names, on its day."""
        if title:
            self.see(headline_tickers(title), when)

    def features(self, tickers: Iterable[str], day: int | None) -> dict[str, float]:
        """The model's history features for an item naming ``tickers`` on ``day``."""
        if day is None:
            return {}
        first = self._first
        youngest: int | None = None  # smallest age among the tickers seen before
        unseen = False
        named = False
        for t in tickers:
            if t in QUOTES:
                continue
            named = True
            d = first.get(t)
            if d is None or day - d <= SLACK_DAYS:
                unseen = True
                continue
            age = day - d
            if youngest is None or age < youngest:
                youngest = age
        if not named:
            return {}
        if unseen:
            return {"hist:new": 1.0}
        if youngest is not None and youngest <= OLD_DAYS:
            return {"hist:recent": 1.0}
        return {"hist:old": 1.0}


def read_first_seen(path: str | Path = FIRST_SEEN_FILE) -> dict[str, int]:
    """The bundled table as ticker -> day number (an unreadable file gives an empty table
    and one log line: scoring goes on without the bundled history)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        rows = doc["first_seen"]
        return {str(t): date.fromisoformat(v[0]).toordinal() for t, v in rows.items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        log.warning("token history not used: %s (%s)", path, type(exc).__name__)
        return {}


def bundled_history() -> TokenHistory:
    return TokenHistory(read_first_seen())


def item_tickers(a: Any, title: str) -> set[str]:
    """The tickers an analysed item names: the engine's, the discovered one, the headline's."""
    out = headline_tickers(title)
    if a.tokens:
        out.update(a.tokens)
    d = a.discovered
    if d and d.get("ticker"):
        out.add(str(d["ticker"]).upper())
    return out


def history_for(
    model: Any, headlines: Iterable[tuple[str, datetime | date | None]] = ()
) -> TokenHistory | None:
    """The history a scorer with ``model`` needs: None when the model has no history weights
    (or there is no model), else the bundled table plus these stored ``(headline, day)``."""
    if model is None or not getattr(model, "uses_history", False):
        return None
    history = bundled_history()
    for title, when in headlines:
        history.see_headline(title, when)
    return history
