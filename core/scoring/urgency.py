"""Urgency: find a date or time in an item and normalise it relative to when it was published.

One compiled alternation handles absolute dates ("on March 3", "the 20th of February",
"2026-03-03"), relative ones ("tomorrow", "in 2 hours", "next week", weekdays), quarters
("Q1 2026") and month-only windows ("in May", "end of 2024"). The result names the kind so
callers can tell an exact day from a vague window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NUM_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "few": 3, "couple of": 2,
}

_DATE_RE = re.compile(
    r"(?P<iso>\b(?P<iy>20\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b)"
    r"|(?P<md>\b(?P<mdm>" + _MONTH_RE + r")\.?\s+(?P<mdd>[0-3]?\d)(?:st|nd|rd|th)?\b"
    r"(?:,?\s+(?P<mdy>20\d\d))?)"
    r"|(?P<dm>\b(?P<dmd>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmm>" + _MONTH_RE + r")\b"
    r"(?:,?\s+(?P<dmy>20\d\d))?)"
    r"|(?P<q>\bQ(?P<qn>[1-4])(?:[\s,']+(?P<qy>(?:20)?\d\d))?\b)"
    r"|(?P<rel>\b(?P<relw>today|tonight|tomorrow|yesterday|this week|next week|this month"
    r"|next month|this weekend|next weekend|later today|later this week|later this month)\b)"
    r"|(?P<inn>\b(?:in|within)\s+(?P<innn>\d{1,3}|a|an|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|few|couple of)\s+(?P<innu>minute|hour|day|week|month)s?\b)"
    r"|(?P<wd>\b(?:on\s+|this\s+|next\s+)?(?P<wdn>monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)\b)"
    r"|(?P<mo>\b(?P<mop>early|mid|late|end of|in|by|until|through)[\s-]+(?P<mom>"
    + _MONTH_RE + r")\b(?:,?\s+(?P<moy>20\d\d))?)"
    r"|(?P<yr>\b(?P<yrp>early|mid|late|end of|by the end of|in)[\s-]+(?P<yry>20\d\d)\b)"
    r"|(?P<tm>\b(?P<tmh>[01]?\d|2[0-3])(?::(?P<tmm>[0-5]\d))?\s*(?P<tmap>a\.?m\.?|p\.?m\.?)?"
    r"\s*\(?(?P<tmz>UTC(?:[+-]\d{1,2})?|GMT|ET|EST|EDT|PT|PST|PDT|CET|SGT|KST|JST)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Urgency:
    """A found date/time: the text as written, an ISO date when it can be pinned, the kind."""

    text: str
    date: str | None
    kind: str  # date | relative | weekday | quarter | month | year | time
    start: int  # offset in the searched string (for proximity)

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "date": self.date, "kind": self.kind}


def _nearest_year(month: int, day: int, ref: date) -> date | None:
    """A day-month without year means the occurrence closest to the reference date."""
    best: date | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            cand = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - ref).days) < abs((best - ref).days):
            best = cand
    return best


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    return y + 2000 if y < 100 else y


def _resolve(m: re.Match[str], ref: date) -> tuple[date | None, str]:
    g = m.group
    if g("iso"):
        return _safe_date(int(g("iy")), int(g("im")), int(g("id"))), "date"
    if g("md") or g("dm"):
        mon = _MONTHS[(g("mdm") or g("dmm"))[:3].lower()]
        day = int(g("mdd") or g("dmd"))
        year = _year(g("mdy") or g("dmy"))
        d = _safe_date(year, mon, day) if year else _nearest_year(mon, day, ref)
        return d, "date"
    if g("q"):
        year = _year(g("qy")) or ref.year
        return _safe_date(year, (int(g("qn")) - 1) * 3 + 1, 1), "quarter"
    if g("rel"):
        w = g("relw").lower()
        offsets = {"today": 0, "tonight": 0, "later today": 0, "tomorrow": 1, "yesterday": -1,
                   "this week": 0, "later this week": 0, "this weekend": (5 - ref.weekday()) % 7,
                   "next week": 7, "next weekend": (5 - ref.weekday()) % 7 + 7,
                   "this month": 0, "later this month": 0, "next month": 31}
        d = ref + timedelta(days=offsets[w])
        if w == "next month":
            d = date(ref.year + (ref.month == 12), ref.month % 12 + 1, 1)
        return d, "relative"
    if g("inn"):
        raw = g("innn").lower()
        n = int(raw) if raw.isdigit() else _NUM_WORDS.get(raw, 1)
        unit = g("innu").lower()
        days = {"minute": n / 1440, "hour": n / 24, "day": n, "week": 7 * n, "month": 30 * n}
        return ref + timedelta(days=int(days[unit])), "relative"
    if g("wd"):
        target = _WEEKDAYS.index(g("wdn").lower())
        ahead = (target - ref.weekday()) % 7
        if g("wd").lower().startswith("next"):
            ahead += 7 if ahead == 0 else 0
        return ref + timedelta(days=ahead), "weekday"
    if g("mo"):
        mon = _MONTHS[g("mom")[:3].lower()]
        year = _year(g("moy"))
        if year is None:
            year = ref.year if mon >= ref.month - 6 else ref.year + 1
        return _safe_date(year, mon, 1), "month"
    if g("yr"):
        return None, "year"
    return None, "time"


# A bare "May" or "March" is too ambiguous to count as urgency without a day.
def find_urgency(text: str, published: datetime | None = None) -> Urgency | None:
    """Return the most specific date/time expression found, normalised against ``published``.

    Specific days beat windows; among equals the first one wins (headlines come first).
    """
    ref = (published or datetime.now()).date()
    best: Urgency | None = None
    best_rank = 99
    rank = {"date": 0, "relative": 1, "weekday": 2, "time": 3, "quarter": 4, "month": 5,
            "year": 6}
    for m in _DATE_RE.finditer(text):
        if m.group("mo") and m.group("mop").lower() == "in" and m.group("mom").lower() == "may":
            # "in may" is usually the modal verb in lower-cased text.
            if not m.group("moy"):
                continue
        d, kind = _resolve(m, ref)
        r = rank[kind]
        if r < best_rank:
            best = Urgency(m.group(0).strip(), d.isoformat() if d else None, kind, m.start())
            best_rank = r
            if r == 0:
                break
    return best


def find_all(text: str, published: datetime | None = None) -> list[Urgency]:
    """Every date/time expression in order (used for proximity with keywords)."""
    ref = (published or datetime.now()).date()
    out: list[Urgency] = []
    for m in _DATE_RE.finditer(text):
        if m.group("mo") and m.group("mop").lower() == "in" and m.group("mom").lower() == "may":
            if not m.group("moy"):
                continue
        d, kind = _resolve(m, ref)
        out.append(Urgency(m.group(0).strip(), d.isoformat() if d else None, kind, m.start()))
    return out
