"""Urgency: find a date or time in an item and normalise it relative to when it was published.

The regex runs over the lower-cased, word-delimited text (punctuation already turned into
spaces, see :mod:`core.scoring.text`) and only in small windows around the time words the
automaton found, so items without dates cost nothing here. It understands absolute dates
("on March 3", "the 20th of February", "2026-03-03"), relative ones ("tomorrow", "in 2 hours",
"next week", weekdays), quarters ("Q1 2026") and windows ("in May", "end of 2024").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from time import time as _time

try:  # C integer types for the compiled build (setup.py); plain Python ints otherwise
    import cython
except ImportError:  # pragma: no cover - the source runs without Cython installed
    from core.scoring._native import CYTHON_STAND_IN as cython

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_M = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_NUM_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "few": 3,
    "a few": 3,
    "couple of": 2,
    "a couple of": 2,
}
_ORD = r"(?:st|nd|rd|th)?"
_Y = r"(?: +(?P<{0}>20\d\d))?"

# The date expression's alternatives, in the order the regex tries them (the first that
# matches wins), each a named group.
_ALTERNATIVES: tuple[tuple[str, str], ...] = (
    ("iso", r"(?P<iso>(?P<iy>20\d\d) (?P<im>0[1-9]|1[0-2]) (?P<id>[0-3]\d))"),
    ("md", r"(?P<md>(?P<mdm>" + _M + r") +(?P<mdd>[0-3]?\d)" + _ORD + _Y.format("mdy") + r")"),
    (
        "dm",
        r"(?P<dm>(?P<dmd>[0-3]?\d)"
        + _ORD
        + r" +(?:of +)?(?P<dmm>"
        + _M
        + r")"
        + _Y.format("dmy")
        + r")",
    ),
    ("q", r"(?P<q>q(?P<qn>[1-4])(?: +(?P<qy>(?:20)?\d\d))?)"),
    (
        "rel",
        r"(?P<rel>(?P<relw>today|tonight|tomorrow|yesterday|this +week|next +week|this +month"
        r"|next +month|this +weekend|next +weekend|later +today|later +this +week"
        r"|later +this +month))",
    ),
    (
        "inn",
        r"(?P<inn>(?:in|within) +(?P<innn>\d{1,3}|a|an|one|two|three|four|five|six|seven"
        r"|eight|nine|ten|few|a +few|couple +of|a +couple +of) +(?P<innu>minute|hour|day|week"
        r"|month)s?)",
    ),
    (
        "wd",
        r"(?P<wd>(?:(?P<wdp>on|this|next) +)?(?P<wdn>monday|tuesday|wednesday|thursday|friday"
        r"|saturday|sunday))",
    ),
    (
        "mo",
        r"(?P<mo>(?P<mop>early|mid|late|end +of|in|by|until|through|from) +(?P<mom>"
        + _M
        + r")"
        + _Y.format("moy")
        + r")",
    ),
    ("yr", r"(?P<yr>(?P<yrp>early|mid|late|end +of|by +the +end +of|in) +(?P<yry>20\d\d))"),
    (
        "tm",
        r"(?P<tm>(?P<tmh>[01]?\d|2[0-3])(?:am|pm)?(?: +(?P<tmm>[0-5]\d))?(?: +(?:am|pm|a +m|p +m))?"
        r" +(?P<tmz>utc|gmt|et|est|edt|pt|pst|pdt|cet|sgt|kst|jst)(?: +(?P<tmo>\d{1,2}))?)",
    ),
)


def _date_regex(names: Iterable[str] | None = None) -> re.Pattern[str]:
    """The date regex, or the one of only the alternatives ``names`` (in the same order):
    the others stay behind a branch that never matches, so every group name exists and a
    match reads the same (``lastgroup``, ``group``) as the full regex's."""
    keep = [p for n, p in _ALTERNATIVES if names is None or n in names]
    rest = [p for n, p in _ALTERNATIVES if names is not None and n not in names]
    body = "|".join(keep) + ("|(?!)(?:" + "|".join(rest) + ")" if rest else "")
    return re.compile(r"(?<![\w$])(?:" + body + r")(?![\w$])")


_DATE_RE = _date_regex()
# The alternatives a date expression can begin with at each first word (besides digits: a
# date, a day-month or a time); a word not here begins none. Matching only those (a regex of
# a few alternatives instead of ten) gives the same match: none of the others can begin
# with that word. A test holds it to the whole regex at every word of a set of texts.
_FIRST_WORDS = {
    **dict.fromkeys(("today", "tonight", "tomorrow", "yesterday", "later"), ("rel",)),
    **dict.fromkeys(("this", "next"), ("rel", "wd")),
    "in": ("inn", "mo", "yr"),
    "within": ("inn",),
    "on": ("wd",),
    **dict.fromkeys(_WEEKDAYS, ("wd",)),
    **dict.fromkeys(("early", "mid", "late", "end", "by"), ("mo", "yr")),
    **dict.fromkeys(("until", "through", "from"), ("mo",)),
    **dict.fromkeys(("q1", "q2", "q3", "q4"), ("q",)),
    **dict.fromkeys(_M[3:-1].split("|"), ("md",)),  # the month names
}
_BY_FIRST_WORD = {w: _date_regex(names).match for w, names in _FIRST_WORDS.items()}
_DIGIT_START = _date_regex(("iso", "dm", "tm")).match
_RANK = {"date": 0, "relative": 1, "weekday": 2, "time": 3, "quarter": 4, "month": 5, "year": 6}

# Hint words that can never start a date expression, with the words that may come right
# before them inside one (besides numbers): "in 2 hours", "this week", "10:00 am UTC". A
# unit after any other word ("on the day", "every month") cannot end a date, so the regex
# is not tried at all there.
_UNIT_BEFORE = frozenset(
    "a an one two three four five six seven eight nine ten few of this next".split()
)
_ZONE_BEFORE = frozenset(("am", "pm", "m"))
_GATES: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        "minute minutes hour hours day days week weeks month months weekend".split(),
        _UNIT_BEFORE,
    ),
    **dict.fromkeys("utc gmt et est edt pt pst pdt cet sgt kst jst".split(), _ZONE_BEFORE),
}


@dataclass(frozen=True, slots=True)
class Urgency:
    """A found date/time: the text as written, an ISO date when it can be pinned, the kind."""

    text: str
    date: str | None
    kind: str  # date | relative | weekday | time | quarter | month | year
    start: int  # offset in the searched string (for proximity)

    @property
    def rank(self) -> int:
        """Lower is more specific: an exact day beats a weekday beats a quarter."""
        return _RANK[self.kind]

    def to_dict(self) -> dict[str, str | None]:
        return {"text": self.text, "date": self.date, "kind": self.kind}


def _nearest_year(month: int, day: int, ref: date) -> date | None:
    """A day-month without a year: announcements look ahead, so take the next occurrence,
    unless it fell within the last 60 days ("on May 1, X announced ...")."""
    cand = _safe_date(ref.year, month, day) or _safe_date(ref.year, month, 28)
    if cand is None:
        return None
    if (ref - cand).days > 60:
        cand = _safe_date(ref.year + 1, month, day) or _safe_date(ref.year + 1, month, 28)
    return cand


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


def _resolve(m: re.Match[str], ref: date) -> tuple[date | None, str] | None:
    g = m.group
    top = m.lastgroup or "tm"  # the alternative that matched (groups nest inside it)
    if top == "iso":
        return _safe_date(int(g("iy")), int(g("im")), int(g("id"))), "date"
    if top == "md" or top == "dm":
        mon = _MONTHS[(g("mdm") or g("dmm"))[:3]]
        day = int(g("mdd") or g("dmd"))
        if day == 0:
            return None
        if mon == 5 and g("md") and not g("mdy") and m.start() > 0:
            pass  # "may 10" is rare as a verb followed by a number; accept
        year = _year(g("mdy") or g("dmy"))
        return (_safe_date(year, mon, day) if year else _nearest_year(mon, day, ref)), "date"
    if top == "q":
        year = _year(g("qy")) or ref.year
        return _safe_date(year, (int(g("qn")) - 1) * 3 + 1, 1), "quarter"
    if top == "rel":
        w = g("relw")
        if "  " in w:
            w = " ".join(w.split())
        if w == "next month":
            return date(ref.year + (ref.month == 12), ref.month % 12 + 1, 1), "relative"
        if w == "this weekend":
            days = (5 - ref.weekday()) % 7
        elif w == "next weekend":
            days = (5 - ref.weekday()) % 7 + 7
        else:
            days = _REL_DAYS[w]
        return ref + _days(days), "relative"
    if top == "inn":
        raw = " ".join(g("innn").split())
        n = int(raw) if raw.isdigit() else _NUM_WORDS.get(raw, 1)
        unit = g("innu")  # the days of only that unit (not a dict of all five per match)
        if unit == "minute":
            days = int(n / 1440)
        elif unit == "hour":
            days = int(n / 24)
        else:
            days = n if unit == "day" else (7 * n if unit == "week" else 30 * n)
        return ref + _days(days), "relative"
    if top == "wd":
        ahead = (_WEEKDAYS.index(g("wdn")) - ref.weekday()) % 7
        if g("wdp") == "next" and ahead == 0:
            ahead = 7
        return ref + _days(ahead), "weekday"
    if top == "mo":
        if g("mop") == "in" and g("mom") == "may" and not g("moy"):
            return None  # "in may" is the modal verb more often than the month
        mon = _MONTHS[g("mom")[:3]]
        year = _year(g("moy"))
        if year is None:
            year = ref.year if mon >= ref.month - 6 else ref.year + 1
        return _safe_date(year, mon, 1), "month"
    if top == "yr":
        return None, "year"
    return None, "time"


# A relative date's few day counts, made once (not a timedelta per match).
_DELTAS = tuple(timedelta(days=i) for i in range(32))


def _days(n: int) -> timedelta:
    """``timedelta(days=n)``, the same object each time for 0-31 days."""
    return _DELTAS[n] if 0 <= n < 32 else timedelta(days=n)


_TIME_TOP = frozenset(("tm", None))  # lastgroup of a time match ("or 'tm'" as in _resolve)

_REL_DAYS = {
    "today": 0,
    "tonight": 0,
    "later today": 0,
    "tomorrow": 1,
    "yesterday": -1,
    "this week": 0,
    "later this week": 0,
    "next week": 7,
    "this month": 0,
    "later this month": 0,
}


def _display(m: re.Match[str], cased: str | None) -> str:
    src = cased if cased is not None else m.string
    text = src[m.start() : m.end()]
    if "  " in text:
        text = " ".join(text.split())
    if m.lastgroup in _TIME_TOP and m.group("tm") and m.group("tmm"):
        zone = m.group("tmz").upper() + (f"+{m.group('tmo')}" if m.group("tmo") else "")
        return f"{m.group('tmh')}:{m.group('tmm')} {zone}"
    return text


_ISO_MAX = 4096
_EPOCH_DAY = date(1970, 1, 1).toordinal()


class DateCache:
    """One engine's dates: today's local date and UTC day number for undated items, and
    the ISO text of the dates items give.

    Why: ``datetime.now()`` and ``time.time()`` per item and ``date.isoformat`` per date
    found were a tenth of the date work. Today is worked out once a second
    (``datetime.now()`` reads the whole seconds of the clock for the date, and a UTC day
    starts on a whole second, so the day of a second is the day of every instant in it)
    and kept as one tuple (a thread reads all of it together); the ISO text of a date is
    made once and kept (up to ``_ISO_MAX`` dates)."""

    __slots__ = ("_iso", "_today")

    def __init__(self) -> None:
        # (second, local date, UTC day number) of the last second asked
        self._today: tuple[int, date | None, int] = (-1, None, 0)
        self._iso: dict[date, str] = {}

    def _now(self) -> tuple[int, date | None, int]:
        second = int(_time())
        today = self._today
        if today[0] != second:
            today = (second, datetime.fromtimestamp(second).date(), second // 86400 + _EPOCH_DAY)
            self._today = today
        return today

    def ref(self, published: datetime | date | None) -> date:
        """``ref_date(published)``: the publication date, else today's local date."""
        if published is not None:
            return ref_date(published)
        return self._now()[1]  # type: ignore[return-value]

    def utc_day(self) -> int:
        """``history.today()``: today's UTC day number (proleptic ordinal)."""
        return self._now()[2]

    def iso(self, d: date) -> str:
        """``d.isoformat()``."""
        iso: dict = self._iso
        text = iso.get(d)
        if text is None:
            text = d.isoformat()
            if len(iso) < _ISO_MAX:
                iso[d] = text
        return text


def ref_date(published: datetime | date | None) -> date:
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    return datetime.now().date()


@cython.cfunc
@cython.inline
@cython.exceptval(-2, check=True)
def _space_before(low: str, p: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """``low.rfind(" ", 0, p)``, which the compiled build runs as a C loop (a method call
    and its int objects cost more than walking back over one word)."""
    if not cython.compiled:
        return low.rfind(" ", 0, p)
    p -= 1
    while p >= 0 and low[p] != " ":
        p -= 1
    return p


@cython.cfunc
@cython.inline
@cython.exceptval(-2, check=True)
def _space_after(low: str, p: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """``low.find(" ", p)``, a C loop in the compiled build."""
    if not cython.compiled:
        return low.find(" ", p)
    n: cython.Py_ssize_t = len(low)
    while p < n and low[p] != " ":
        p += 1
    return p if p < n else -1


def find_raw(low: str, hints: Iterable[tuple[int, int, int]]) -> list[re.Match[str]]:
    """Date/time matches around hint words in normalised lower-case text.

    Each hint is ``(start, end, lookback)`` of a pattern match (``" march "``). The regex is
    only *matched* at the hint word and up to ``lookback`` words before it, earliest first;
    a match must reach the hint word, and only the alternatives that can begin with the word
    there are tried (see _FIRST_WORDS). Far cheaper than searching the text. Typed locals:
    the compiled build walks the text by C offsets and characters.
    """
    out: list[re.Match[str]] = []
    done_until: cython.Py_ssize_t = -1
    s: cython.Py_ssize_t
    e: cython.Py_ssize_t
    back: cython.Py_ssize_t
    p: cython.Py_ssize_t
    st: cython.Py_ssize_t
    _k: cython.Py_ssize_t
    end: cython.Py_ssize_t
    n: cython.Py_ssize_t = len(low)
    starts: list[int]
    # typed as dicts: the compiled build then reads them directly, not by method call
    gates: dict = _GATES
    by_word: dict = _BY_FIRST_WORD
    for s, e, back in sorted(hints):
        if s < done_until:
            continue
        if back == 4:  # only units, zones and years: see _GATES
            gate = gates.get(low[s + 1 : e - 1])
            if gate is not None:  # "day"/"UTC": the word before decides whether to look further
                p = s
                while p > 0 and low[p - 1] == " ":
                    p -= 1
                prev = low[_space_before(low, p) + 1 : p]
                if prev not in gate and not prev[:1].isdigit():
                    continue
        starts = [s + 1]
        if back:
            p = s
            for _k in range(back):
                while p > 0 and low[p - 1] == " ":
                    p -= 1
                if p <= 0:
                    break
                p = _space_before(low, p)
                starts.append(p + 1)
        for st in reversed(starts):  # earliest first
            if st < done_until:
                continue
            if st < n and low[st].isdigit():
                m = _DIGIT_START(low, st)
            else:
                match = by_word.get(low[st : _space_after(low, st)])
                if match is None:
                    continue  # no date begins with this word: no regex attempt
                m = match(low, st)
            if m is not None:
                end = m.end()
                if end >= e - 1:
                    done_until = end
                    out.append(m)
                    break
    return out


def kind_of(m: re.Match[str]) -> str:
    """Cheap kind of a raw match (no date arithmetic), for choosing the best one."""
    return _KIND[m.lastgroup or "tm"]


_KIND = {
    "iso": "date",
    "md": "date",
    "dm": "date",
    "q": "quarter",
    "rel": "relative",
    "inn": "relative",
    "wd": "weekday",
    "mo": "month",
    "yr": "year",
    "tm": "time",
}


def resolve(
    m: re.Match[str], published: datetime | date | None = None, cased: str | None = None
) -> Urgency | None:
    """Turn a raw match into an :class:`Urgency` with an ISO date where one can be pinned."""
    r = _resolve(m, ref_date(published))
    if r is None:
        return None
    d, kind = r
    return Urgency(_display(m, cased), d.isoformat() if d else None, kind, m.start())


def resolve_fields(
    m: re.Match[str], ref: date, cased: str | None = None
) -> tuple[str, date | None, str] | None:
    """``resolve`` without the object: (text as written, date or None, kind), for the engine."""
    r = _resolve(m, ref)
    if r is None:
        return None
    return _display(m, cased), r[0], r[1]


def find_in(
    low: str,
    hints: Iterable[tuple[int, int, int]],
    published: datetime | date | None = None,
    cased: str | None = None,
) -> list[Urgency]:
    """All resolvable date/time expressions near the hints, in text order."""
    out = []
    for m in find_raw(low, hints):
        u = resolve(m, published, cased)
        if u is not None:
            out.append(u)
    return out


def find_urgency(text: str, published: datetime | date | None = None) -> Urgency | None:
    """The most specific date/time in free text (convenience for callers and tests)."""
    from core.scoring.text import normalise

    cased, low = normalise(f" {text} ")
    starts = [i for i in range(len(low) - 1) if low[i] == " " and low[i + 1] != " "]
    found = find_in(low, [(i, i + 2, 0) for i in starts], published, cased)
    return min(found, key=lambda u: (u.rank, u.start)) if found else None


# Public names for the engine: the kind ranks, and the rank of a raw match's top-level group.
RANK = _RANK
GROUP_RANK = {group: _RANK[kind] for group, kind in _KIND.items()}
