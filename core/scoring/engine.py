"""Scoring engine: one phrase table over companies, symbols and vocabulary.

``ScoringEngine.analyze`` turns a news item into an explainable :class:`Analysis`. All
phrase matching happens in a single pass over the words of a word-delimited copy of the text
(see :class:`core.scoring.text.PhraseTable`), so cost grows with the length of the item, not
with the number of watched companies. ``rebuild`` builds a new immutable snapshot off to the side
and swaps one reference, so in-flight ``analyze`` calls keep using the old one.
"""

from __future__ import annotations

import gc
import logging
import re
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from math import floor
from typing import Any

import ahocorasick_rs

try:  # C integer types for the compiled build (setup.py); plain Python ints otherwise
    import cython
except ImportError:  # pragma: no cover - the source runs without Cython installed
    from core.scoring._native import CYTHON_STAND_IN as cython

from core.memory import release_free_memory
from core.scoring import keywords as kw
from core.scoring.discovery import discover
from core.scoring.discovery import label as discovery_label
from core.scoring.history import day_of
from core.scoring.language import CJK_LANGUAGES, EN, has_cjk, native_signals
from core.scoring.language import detect as detect_language
from core.scoring.text import PhraseTable, clean, pattern_key, prepare_words, sentences_marked
from core.scoring.urgency import GROUP_RANK, RANK, DateCache, find_raw, resolve_fields

if cython.compiled:  # C access to an array's items (find_flat's matches, see _at)
    from cython.cimports.cpython import array as carray
    from cython.cimports.cpython.dict import PyDict_Keys

log = logging.getLogger(__name__)

HIGH = 0.7
MEDIUM = 0.4

# Payload kinds, stored as small tuples: (kind, ...). These and the other small codes the
# hot loop compares are C constants in the compiled build (a module global int compared with
# a C one was an int object made and a global read each time).
_VOC = cython.declare(cython.Py_ssize_t, 0)
_COMP = cython.declare(cython.Py_ssize_t, 1)
_SYM = cython.declare(cython.Py_ssize_t, 2)
_EXCL = cython.declare(cython.Py_ssize_t, 3)
_CJK_KEY = "\x00cjk"  # the table key of a name the word automaton cannot match (see _Snapshot)
# Company case rules: any case / must be capitalised (plain words like "Jupiter") / exact.
_CI = cython.declare(cython.Py_ssize_t, 0)
_CAP = cython.declare(cython.Py_ssize_t, 1)
_EXACT = cython.declare(cython.Py_ssize_t, 2)


def band_for(confidence: float) -> str:
    """Map a confidence to its band; one place so alerts, UI and eval agree."""
    if confidence >= HIGH:
        return "high"
    if confidence >= MEDIUM:
        return "medium"
    return "low"


@dataclass(frozen=True, slots=True)
class CompanySpec:
    """A watched company as the scorer needs it (decoupled from the ORM model)."""

    id: int | None
    name: str
    aliases: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    priority: str = "MEDIUM"
    exclusions: tuple[str, ...] = ()


@dataclass(slots=True)
class Analysis:
    """Everything the scorer concluded about one item, in JSON-friendly shapes."""

    confidence: float
    band: str
    companies: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    keywords: dict[str, list[str]] = field(
        default_factory=lambda: {"tier1": [], "tier2": [], "tier3": []}
    )
    urgency: dict[str, Any] | None = None
    negatives: list[str] = field(default_factory=list)
    # Given as a list, or as a Later that makes it when first read (see _Explanation).
    explanation: list[dict[str, Any]] = field(default_factory=list)
    # A project in no companies table, read from the text: {"name", "ticker", "how"}.
    discovered: dict[str, Any] | None = None
    language: str = "en"  # ISO 639-1, from core.scoring.language.detect
    # The threshold this item is judged at instead of the service's, or None: set when the
    # encoder stage could not read it, so the linear model's score meets the linear model's
    # own threshold, not the stage's (core.scoring.encoder).
    judged_at: float | None = None

    def threshold(self, service: float) -> float:
        """The alert threshold for this item: its own (``judged_at``), else the service's."""
        return service if self.judged_at is None else self.judged_at

    @property
    def new_project(self) -> bool:
        """A TGE about a project nobody listed (see core.scoring.discovery)."""
        return self.discovered is not None and not self.companies

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidence": self.confidence,
            "band": self.band,
            "companies": [dict(c) for c in self.companies],
            "tokens": list(self.tokens),
            "keywords": {k: list(v) for k, v in self.keywords.items()},
            "urgency": dict(self.urgency) if self.urgency else None,
            "negatives": list(self.negatives),
            "explanation": [dict(e) for e in self.explanation],
            "discovered": dict(self.discovered) if self.discovered else None,
            "new_project": self.new_project,
            "language": self.language,
        } | ({} if self.judged_at is None else {"judged_at": self.judged_at})

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        conf = float(d.get("confidence", 0.0))
        kws = d.get("keywords") or {}
        return cls(
            confidence=conf,
            band=d.get("band") or band_for(conf),
            companies=[dict(c) for c in d.get("companies") or []],
            tokens=list(d.get("tokens") or []),
            keywords={t: list(kws.get(t) or []) for t in ("tier1", "tier2", "tier3")},
            urgency=dict(d["urgency"]) if d.get("urgency") else None,
            negatives=list(d.get("negatives") or []),
            explanation=[dict(e) for e in d.get("explanation") or []],
            discovered=dict(d["discovered"]) if d.get("discovered") else None,
            language=str(d.get("language") or "en"),
            judged_at=float(d["judged_at"]) if d.get("judged_at") is not None else None,
        )

    def why(self) -> str:
        """One short human line: who, which token, then either the reasons the learned model
        gave (plain words with their direction) or the rules' strongest keyword, when, and
        what hurt."""
        parts: list[str] = []
        if self.discovered and not self.companies:
            parts.append("new project: " + discovery_label(self.discovered))
        if self.companies:
            c = self.companies[0]
            matched = c.get("matched")
            if matched and matched.lower() != str(c.get("name", "")).lower():
                parts.append(f"{c['name']} (alias '{matched}')")
            else:
                parts.append(str(c.get("name")))
        if self.tokens and not (self.discovered and not self.companies):
            parts.append(" ".join(f"${t}" for t in self.tokens[:2]))
        # Scored by the learned model (core.scoring.model puts its reasons first), and by the
        # encoder stage (core.scoring.encoder puts its line before them).
        explanation = self.explanation
        reasons = [e["detail"] for e in explanation if e.get("signal") == "encoder"][:1]
        reasons += [
            f"{e['detail']} ({'+' if e['delta'] >= 0 else '−'})"
            for e in explanation
            if e.get("signal") == "reason"
        ]
        if not reasons:
            for tier in ("tier1", "tier2"):
                if self.keywords.get(tier):
                    parts.append(f"{tier.replace('tier', 'tier-')} '{self.keywords[tier][0]}'")
                    break
        if self.urgency:
            u = self.urgency
            parts.append(f"date {u['date']}" if u.get("date") else f"when '{u['text']}'")
        if reasons:
            parts.extend(reasons)
        elif self.negatives:
            parts.append("but " + ", ".join(self.negatives[:2]))
        return " · ".join(parts) if parts else "no TGE signals"


class Later:
    """An explanation not made yet: ``make(analysis, *args)`` makes it the first time it is
    read (given the analysis it belongs to, which it need not hold: no reference cycle).

    Why: most items are scored and dropped, their explanation never shown; wording the
    model's reasons for each of them was a tenth of an item's scoring time."""

    __slots__ = ("args", "make")

    def __init__(self, make: Any, *args: Any) -> None:
        self.make = make
        self.args = args


class _Explanation:
    """``Analysis.explanation``: the slot's list, made from a :class:`Later` when first read
    (and kept), so every reader (``to_dict``, equality, ``replace``) sees the same list."""

    __slots__ = ("read", "write")

    def __init__(self, slot: Any) -> None:
        # the slot's own accessors, bound once (each Analysis made writes through here)
        self.read = slot.__get__
        self.write = slot.__set__

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = self.read(obj)
        if value.__class__ is Later:
            value = value.make(obj, *value.args)
            self.write(obj, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        self.write(obj, value)


_explanation_slot = Analysis.explanation  # the slot's own descriptor, before it is wrapped
Analysis.explanation = _Explanation(_explanation_slot)  # type: ignore[assignment]
# The slot as stored (a list, or a Later not made yet), read and written without the wrapper.
explanation_stored = _explanation_slot.__get__
store_explanation = _explanation_slot.__set__
_new_object = object.__new__


def make_analysis(
    confidence: float,
    band: str,
    companies: list[dict[str, Any]],
    tokens: list[str],
    keywords: dict[str, list[str]],
    urgency: dict[str, Any] | None,
    negatives: list[str],
    explanation: Any,
    discovered: dict[str, Any] | None,
    language: str,
) -> Analysis:
    """An :class:`Analysis` of these fields, made without the dataclass ``__init__``.

    Why: the scorer makes one per item; the generated ``__init__`` (a Python frame, its
    default checks, the explanation wrapper's ``__set__``) cost more than setting the slots."""
    a = _new_object(Analysis)
    a.confidence = confidence
    a.band = band
    a.companies = companies
    a.tokens = tokens
    a.keywords = keywords
    a.urgency = urgency
    a.negatives = negatives
    store_explanation(a, explanation)
    a.discovered = discovered
    a.language = language
    a.judged_at = None
    return a


@dataclass(frozen=True, slots=True)
class _Table:
    """The companies, column by column: no Python object per company or per pattern.

    At 50,000 companies a spec, a reference and an entry tuple per name made ~30 MB of small
    objects; here a company is a number (its row), every text a match reports or compares
    (names, aliases, tickers) is a slice of one string, and a pattern's meaning is an integer
    code (see _code). `slots` are where each text starts in `text` (one more at the end).
    """

    text: str
    slots: array[int]
    owner: array[int]  # text slot -> company row
    ids: array[int]  # company row -> id (_NO_ID for a company without one)
    names: array[int]  # company row -> text slot of its name
    priority: bytes  # company row -> index into `priorities`
    priorities: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.ids)

    def slot_text(self, slot: int) -> str:
        return self.text[self.slots[slot] : self.slots[slot + 1]]


_TAG_MASK = 0xFFFFFFFF


class _Tickers:
    """Upper-case ticker -> company row, or a tuple of rows when several companies share it:
    ``get`` and ``in`` answer exactly as the dict they replace, from one array and one
    string (open addressing over the tickers' str hashes). The source build's (see
    _Builder.symbols).

    At 50,000 companies the dict held a key string, an int and a hash-table entry per
    ticker, 4.5 MB of small objects (tracemalloc) among the build's freed ones; this holds
    1.8 MB."""

    __slots__ = ("_cells", "_mask", "_multi", "_rows", "_text")

    def __init__(self, tickers: Iterable[tuple[str, int]], most: int) -> None:
        """``tickers``: (upper-case ticker, company row) pairs, at most ``most`` of them; a
        ticker given again adds its row to the first one's."""
        size = 8
        while size < 2 * most:  # at most half full: a miss ends at an empty slot soon
            size *= 2
        mask = self._mask = size - 1
        # per slot the ticker's number + 1 (0: empty); then per slot 32 more bits of its
        # hash; then where each ticker starts in _text, and where the last ends
        cells = self._cells = array("I", bytes(8 * size))
        keys: list[str] = []
        rows = self._rows = array("i")  # a row, or ~k for the rows in _multi[k]
        shared: dict[int, list[int]] = {}
        for key, row in tickers:
            h = hash(key)
            i = h & mask
            tag = h >> 32 & _TAG_MASK
            while True:
                e = cells[i]
                if not e:
                    keys.append(key)
                    rows.append(row)
                    cells[i] = len(keys)
                    cells[size + i] = tag
                    break
                if cells[size + i] == tag and keys[e - 1] == key:
                    held = shared.get(e - 1)
                    if held is None:
                        shared[e - 1] = [rows[e - 1], row]
                    else:
                        held.append(row)
                    break
                i = (i + 1) & mask
        multi: list[tuple[int, ...]] = []
        for k, held in shared.items():
            rows[k] = ~len(multi)
            multi.append(tuple(held))
        self._multi = tuple(multi)
        at = 0
        cells.append(at)
        for key in keys:
            at += len(key)
            cells.append(at)
        self._text = "".join(keys)

    def get(self, key: object, default: Any = None) -> Any:
        k = self._number(key)
        if k < 0:
            return default
        row = self._rows[k]
        return row if row >= 0 else self._multi[~row]

    def __contains__(self, key: object) -> bool:
        return self._number(key) >= 0

    def __len__(self) -> int:
        return len(self._rows)

    def _number(self, key: object) -> int:
        """The number of ticker ``key``, or -1 (any key, as a dict takes: not typed
        ``str``, which the compiled build would enforce)."""
        cells = self._cells
        text = self._text
        mask = self._mask
        h = hash(key)
        i = h & mask
        size = mask + 1
        tag = h >> 32 & _TAG_MASK
        e = cells[i]
        at = 2 * size
        while e:
            if cells[size + i] == tag and text[cells[at + e - 1] : cells[at + e]] == key:
                return e - 1
            i = (i + 1) & mask
            e = cells[i]
        return -1


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """Immutable matcher state; replaced wholesale by ``rebuild``."""

    phrases: PhraseTable
    # Per vocabulary pattern index, what a match means: an action tuple (see _vocab_action);
    # never mutated once built.
    actions: list[Any]
    # Per pattern index from _N_VOCAB on (the vocabulary's are 0): one entry code, or ~k for
    # several: shared[k].
    codes: array[int]
    shared: tuple[tuple[int, ...], ...]
    table: _Table
    symbols: dict[str, Any] | _Tickers  # upper-case ticker -> company row or rows
    # Names written in CJK or Hangul ("币安", "모나드"), which have no word spaces to match in
    # the normalised text: their own automaton over the cleaned text, and what each means.
    cjk_automaton: Any = None
    cjk_entries: tuple[tuple[int, str], ...] = ()


# A vocabulary phrase's roles: (tier, label, families, negatives as (category, repr of the
# phrase, longer phrases that cancel it with the phrase's offset in them), words a date may
# start before it (-1: none), ticker before, ticker after).
_Unless = tuple[tuple[str, int], ...]
_Voc = tuple[int, str, tuple[str, ...], tuple[tuple[str, str, _Unless], ...], int, bool, bool]


# Family of the words that make a launch word not announce ("no", "since", "once"...); their
# positions are collected like any family's, for _not_announcing, which the words of the
# _NEGATABLE families ask.
_NOT = "not"
_NEGATABLE = frozenset(("launch", "debut", "airdrop"))


def _vocab_entries() -> dict[str, _Voc]:
    """Static vocabulary roles, computed once per process.

    Each phrase gets ONE merged entry: "token" is a tier-3 word, a family member and a ticker
    context at once, and one entry per match keeps the hot loop short.
    """
    roles: dict[str, dict[str, Any]] = {}

    def role(phrase: str) -> dict[str, Any] | None:
        key = pattern_key(phrase)
        if not key:
            return None
        return roles.setdefault(
            key,
            {
                "tier": 0,
                "label": "",
                "fams": [],
                "negs": [],
                "back": -1,
                "prev": False,
                "next": False,
            },
        )

    for tier, words in ((3, kw.TIER3), (2, kw.TIER2), (1, kw.TIER1)):  # strongest wins
        for w in words:
            if (r := role(w)) is not None:
                r["tier"], r["label"] = tier, w
    for fam, words in (*kw.FAMILIES.items(), (_NOT, kw.NOT_ANNOUNCING)):
        for w in words:
            if (r := role(w)) is not None and fam not in r["fams"]:
                r["fams"].append(fam)
    for cat, (_pen, words) in kw.NEGATIVES.items():
        for w in words:
            if (r := role(w)) is not None:
                key = pattern_key(w)
                unless = tuple(
                    (longer, longer.index(key))  # the phrase, and where the word sits in it
                    for longer in map(pattern_key, kw.NEGATIVE_EXCEPTIONS.get(w, ()))
                    if key in longer
                )
                r["negs"].append((cat, repr(w), unless))  # reported as repr
    for w, back in kw.TIME_HINTS.items():
        if (r := role(w)) is not None:
            r["back"] = back
    for w in kw.TICKER_BEFORE:
        if (r := role(w)) is not None:
            r["prev"] = True
    for w in kw.TICKER_AFTER:
        if (r := role(w)) is not None:
            r["next"] = True
    return {
        key: (
            r["tier"],
            r["label"],
            tuple(r["fams"]),
            tuple(r["negs"]),
            r["back"],
            r["prev"],
            r["next"],
        )
        for key, r in roles.items()
    }


_VOCAB = _vocab_entries()

# What a vocabulary match means, by the first item: the common shapes get their own short
# path in the hot loop (a tier word, one negative phrase, a time word); everything else is
# the full role tuple, plus company entries for a company named like a vocabulary word.
# (Company patterns act through their entry codes instead: see _Snapshot.codes.)
_A_TIER = cython.declare(cython.Py_ssize_t, 0)
_A_NEG = cython.declare(cython.Py_ssize_t, 1)
_A_HINT = cython.declare(cython.Py_ssize_t, 2)
_A_VOCAB = cython.declare(cython.Py_ssize_t, 3)
_A_BOTH = cython.declare(cython.Py_ssize_t, 4)
_A_NOT = cython.declare(cython.Py_ssize_t, 5)


def _vocab_action(v: _Voc) -> tuple[Any, ...]:
    tier, label, fams, negs, back, before, after = v
    if fams == (_NOT,) and not (tier or negs or before or after) and back < 0:
        return (_A_NOT,)
    if fams or before or after:
        return (_A_VOCAB, v)
    if tier and not negs and back < 0:
        return (_A_TIER, tier, label)
    if not tier and len(negs) == 1 and back < 0:
        return (_A_NEG, *negs[0])
    if not tier and not negs and back >= 0:
        return (_A_HINT, back)
    return (_A_VOCAB, v)


_VOCAB_ROLES = list(_VOCAB.values())
_VOCAB_ACTIONS = [_vocab_action(v) for v in _VOCAB_ROLES]
# pattern indexes below this are vocabulary
_N_VOCAB = cython.declare(cython.Py_ssize_t, len(_VOCAB_ACTIONS))


def _case_rule(alias: str) -> int:
    """Multi-word, long or oddly cased names match in any case; plain words need a capital."""
    a = alias.strip()
    if len(a) >= 2 and a.isupper():
        return _EXACT  # "TON", "FTM", "PENGU": upper-case only, or "a ton of" would match
    if not a.isalpha() or not a[1:].islower():
        return _CI  # "Layer Zero", "Pump.fun", "LayerZero", "MegaETH": distinctive enough
    return _CAP  # "Jupiter", "Optimism", "Drift": capitalised, unless the sentence is lower case


# A company pattern's meaning as one integer: the kind (_COMP, _SYM, _EXCL) in the low two
# bits, a name's case rule in the next two, then the text slot of the name or ticker as
# written (the company row, for an exclusion).
_KIND_BITS = 2
_PAYLOAD_SHIFT = 4
_NO_ID = cython.declare(cython.longlong, -(1 << 63))  # the id of a company without one


def _code(kind: int, payload: int, rule: int = 0) -> int:
    return payload << _PAYLOAD_SHIFT | rule << _KIND_BITS | kind


class _Builder:
    """Collects the companies into a _Table and their patterns into codes, row by row."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.owner = array("I")
        self.ids = array("q")
        self.names = array("I")
        self.priority = bytearray()
        self.priorities: dict[str, int] = {}
        # pattern key -> entry code, or a list of codes; vocabulary keys first (None: no
        # company), so pattern index i < _N_VOCAB is vocabulary phrase i
        self.patterns: dict[str, Any] = {k: None for k in _VOCAB}
        # every ticker as (text slot, company row): the ticker table is made last (see symbols)
        self.tickers = array("I")
        self.cjk: list[tuple[int, str]] = []

    def _slot(self, row: int, text: str) -> int:
        self.texts.append(text)
        self.owner.append(row)
        return len(self.texts) - 1

    def _pattern(self, key: str, code: int) -> None:
        held = self.patterns.get(key)
        if held is None:
            self.patterns[key] = code
        elif held.__class__ is list:
            held.append(code)
        else:
            self.patterns[key] = [held, code]

    def add(self, c: CompanySpec) -> None:
        row = len(self.ids)
        self.ids.append(_NO_ID if c.id is None else c.id)
        name_slot = self._slot(row, c.name)
        self.names.append(name_slot)
        if c.priority not in self.priorities and len(self.priorities) == 256:
            raise ValueError("more than 256 distinct company priorities")
        self.priority.append(self.priorities.setdefault(c.priority, len(self.priorities)))
        seen: set[str] = set()
        for alias in (c.name, *c.aliases):
            key = pattern_key(alias)
            if not key and has_cjk(alias):
                self.cjk.append((row, alias.strip()))
                continue
            if not key or key in seen:
                continue
            seen.add(key)
            a = alias.strip()
            slot = name_slot if a == c.name else self._slot(row, a)
            self._pattern(key, _code(_COMP, slot, _case_rule(a)))
        for sym in c.tokens:
            t = sym.strip().lstrip("$")
            if not t:
                continue
            slot = self._slot(row, t)
            self.tickers.append(slot)
            # Only tickers of 4+ characters can stand alone ("STRK"); shorter ones ("S", "OP",
            # "MON") need "$S"/"S token" context, found around "$" and "token" instead.
            if len(t) >= 4:
                key = pattern_key(t)
                if key not in seen:
                    self._pattern(key, _code(_SYM, slot))
        for phrase in c.exclusions:
            key = pattern_key(phrase)
            if key:
                self._pattern(key, _code(_EXCL, row))

    def symbols(self, table: _Table) -> dict[str, Any] | _Tickers:
        """Upper-case ticker -> company row, or rows when several companies share it.

        A dict in the compiled build, the compact _Tickers in the source build: compiled,
        the table's lookups cost 0.3-0.5% more instructions an item (callgrind) and its
        memory has room (~136 MB of 150 at 50,000 companies); the source build needs the
        ~4 MB the table saves to stay under 150 MB."""
        owner = table.owner
        pairs = ((table.slot_text(slot).upper(), owner[slot]) for slot in self.tickers)
        if not cython.compiled:
            return _Tickers(pairs, len(self.tickers))
        found: dict[str, Any] = {}
        for up, row in pairs:
            held = found.get(up)
            if held is None:
                found[up] = row
            elif held.__class__ is list:
                held.append(row)
            else:
                found[up] = [held, row]
        return {k: v if v.__class__ is int else tuple(v) for k, v in found.items()}

    def table(self) -> _Table:
        slots = array("I", [0])
        at = 0
        for text in self.texts:
            at += len(text)
            slots.append(at)
        return _Table(
            "".join(self.texts),
            slots,
            self.owner,
            self.ids,
            self.names,
            bytes(self.priority),
            tuple(self.priorities),
        )


# Keys' bytes from which a build hands the patterns' dict back to the system before filling
# the phrase table (~15,000 companies; a trim walks the heap, worth it only after a big dict).
_TRIM_AT = 1 << 20


def _build(companies: Iterable[CompanySpec]) -> _Snapshot:
    """Compile companies plus the vocabulary into one phrase table.

    Compact by design (50,000 companies must fit a small process): companies are columns
    of a _Table and patterns integer codes; a ticker that belongs to one company maps to its
    row, not a tuple of one. Each transient goes before the next big one is made: the
    companies' texts once joined in the table, the patterns' dict once its keys are one
    bytes and its values codes (and the C heap trimmed), before the phrase table is filled.
    """
    builder = _Builder()
    for c in companies:
        builder.add(c)
    table = builder.table()
    builder.texts = []
    patterns = builder.patterns
    builder.patterns = {}
    # Over UTF-8 bytes: on ASCII text, nearly every item once normalised, the byte offsets
    # are the character offsets (otherwise see _char_offsets).
    keys = "".join(patterns).encode()
    actions: list[Any] = [*_VOCAB_ACTIONS]
    held_iter = iter(patterns.values())
    for i, held in enumerate(islice(held_iter, len(actions))):
        if held is not None:  # a company named like a vocabulary word
            bucket = tuple(held) if held.__class__ is list else (held,)
            actions[i] = (_A_BOTH, _VOCAB_ROLES[i], bucket)
    codes = array("q", bytes(8 * len(actions)))  # indexed by pattern: vocabulary's unused
    shared: list[tuple[int, ...]] = []
    for held in held_iter:
        if held.__class__ is list:
            codes.append(~len(shared))
            shared.append(tuple(held))
        else:
            codes.append(held)
    del patterns, held_iter
    if len(keys) >= _TRIM_AT:
        release_free_memory()  # the dict's pages, before the table takes as many
    phrases = PhraseTable(keys)
    del keys
    cjk = builder.cjk
    cjk_automaton = ahocorasick_rs.AhoCorasick([alias for _row, alias in cjk]) if cjk else None
    return _Snapshot(
        phrases,
        actions,
        codes,
        tuple(shared),
        table,
        builder.symbols(table),
        cjk_automaton,
        tuple(cjk),
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the tables are built.

    A build allocates hundreds of thousands of acyclic tuples and lists; each allocation burst
    triggers collections that rescan the whole growing heap and free nothing. Paused, a
    rebuild at 10,000 companies takes about half the time (median 258 -> 129 ms measured).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ScoringEngine:
    """Scores items against the current company set; safe to rebuild while scoring."""

    def __init__(
        self,
        companies: Iterable[CompanySpec] = (),
        model: Any = None,
        history: Any = None,
        *,
        undated_now: bool = True,
    ) -> None:
        self._lock = threading.Lock()  # serialises rebuilds only; analyze never takes it
        # The learned layer (core.scoring.model.TGEModel) or None for the rules' own score.
        self.model = model
        # First-seen days per ticker (core.scoring.history.TokenHistory) the model reads, or None.
        self.history = history
        # What day an undated item's tickers are judged on. True (live ingest): today, as the
        # item is news now (the monitors store it as seen at its fetch). False (labelled sets,
        # which hold retellings of old launches on undated pages): no day, hence no history
        # features, as training gives undated items (core.scoring.train.load_rows).
        self.undated_now = undated_now
        self._dates = DateCache()  # today's date for undated items, dates' ISO text
        with _gc_paused():
            self._snap = _build(companies)

    @property
    def company_count(self) -> int:
        return len(self._snap.table)

    def company_names(self) -> list[str]:
        table = self._snap.table
        return [table.slot_text(slot) for slot in table.names]

    def rebuild(self, companies: Iterable[CompanySpec]) -> None:
        """Build a new automaton off to the side, then swap one reference (atomic in CPython).

        In-flight ``analyze`` calls keep the snapshot they started with.
        """
        with self._lock, _gc_paused():
            snap = self._snap = _build(companies)
        log.info("scoring automaton rebuilt for %d companies", len(snap.table))

    def analyze(
        self,
        title: str,
        text: str,
        *,
        source_kind: str = "rss",
        published: datetime | None = None,
        url: str | None = None,
    ) -> Analysis:
        """Score one item: the rules' signals, then the learned model's calibrated probability
        when one is loaded. ``source_kind`` is accepted for callers; scoring is source-neutral.
        ``url``, the item's address, counts only for a model trained on it (format 2)."""
        model = self.model  # one read: a model swapped meanwhile applies from the next item
        if model is None:
            return self.analyze_rules(title, text, published=published)
        # the normalised text and its words, so the model neither prepares nor scans it again
        seen: list[Any] = []
        a = self.analyze_rules(title, text, published=published, _low=seen)
        low, words = seen if seen else (None, None)
        history = self.history
        # the rules' analysis becomes the model's (rescore updates it: one object per item)
        if history is None:
            return model.rescore(a, title, text, low, words=words, url=url)
        if published is not None:
            day = day_of(published)
        elif self.undated_now:  # live: an undated item is news now, its tickers' past to today
            day = self._dates.utc_day()
        else:  # a labelled set's undated item: no history features, as in training
            day = None
        return model.rescore(a, title, text, low, history, day, words, url)

    def analyze_rules(
        self,
        title: str,
        text: str,
        *,
        published: datetime | None = None,
        _low: list[Any] | None = None,
    ) -> Analysis:
        """The rules alone: signals found by the automaton, added up by hand-set weights."""
        snap = self._snap  # one read: a concurrent rebuild cannot change it under us
        code: cython.Py_ssize_t  # a company pattern's entry code, and its parts (see _code)
        kind: cython.Py_ssize_t
        rule: cython.Py_ssize_t
        slot: cython.Py_ssize_t
        pi: cython.Py_ssize_t  # a match: its key's index, start and end (see find_flat)
        s: cython.Py_ssize_t
        e: cython.Py_ssize_t
        mi: cython.Py_ssize_t
        k: cython.Py_ssize_t  # a vocabulary action's kind (_A_TIER...)
        ci: cython.Py_ssize_t  # an entry code's place among a pattern's codes
        cid: cython.longlong  # a company's id (_NO_ID: none)
        # typed: the compiled build indexes and slices them as str, not by the generic protocol
        marked: str
        cased: str
        low: str
        names_text: str
        title_c = clean(title) if title else ""
        has_title = bool(title_c.strip())
        marked = sentences_marked(title_c, clean(text) if text else "")
        # Sentence boundaries for proximity (sentence 0 is the headline when there is one).
        cased, low, bounds, words = prepare_words(marked)
        if _low is not None:
            _low += (low, words)

        # Sentence indexes are taken (_sent) only where a signal needs one.
        t1: dict[str, int] = {}  # label -> first sentence
        t2: dict[str, int] = {}
        t3: dict[str, int] = {}
        tiers = (t3, t1, t2, t3)
        fam_pos: dict[str, list[int]] = {}  # family -> offsets
        neg_hits: dict[str, dict[str, int]] = {}  # category -> repr(phrase) -> first sentence
        comp_hits: list[tuple[int, str, int, int]] = []  # (company, alias, sentence, pos)
        tokens: dict[str, tuple[int, int]] = {}  # ticker -> (sentence, pos)
        excluded: set[tuple[int, int]] = set()
        time_hints: list[tuple[int, int, int]] = []  # (start, end, words to look back)
        upper: dict[int, bool] = {}  # sentence -> all caps (see _all_caps)

        actions = snap.actions
        symbols = snap.symbols
        codes = snap.codes
        table = snap.table
        owner = table.owner
        names_text = table.text
        text_at = table.slots
        matches = snap.phrases.find_flat(words)  # (key index, start, end) triples
        if len(words.data) != len(low):  # not ASCII: byte offsets to character offsets
            matches = _char_offsets(low, words.data, matches)
        lang = detect_language(marked, low)
        if not matches and lang == EN and "$" not in cased and "(" not in marked:
            # Nothing to score (no phrase, name or ticker): what _score returns for no signals.
            return make_analysis(
                0.0, "low", [], [], {"tier1": [], "tier2": [], "tier3": []}, None, [], [], None, EN
            )
        for mi in range(0, len(matches), 3):
            pi = _at(matches, mi)
            s = _at(matches, mi + 1)
            e = _at(matches, mi + 2)
            if pi < _N_VOCAB:
                a = actions[pi]
                k = a[0]
                if k == _A_NEG:
                    if a[3] and _cancelled(low, s, a[3]):
                        continue
                    found = neg_hits.get(a[1])
                    if found is None:
                        neg_hits[a[1]] = {a[2]: _sent(bounds, s)}
                    elif a[2] not in found:
                        found[a[2]] = _sent(bounds, s)
                    continue
                if k == _A_TIER:
                    hits = tiers[a[1]]
                    label = a[2]
                    if label not in hits and (
                        a[1] != 1 or not _not_announcing(low, s, bounds, fam_pos.get(_NOT))
                    ):
                        hits[label] = _sent(bounds, s)
                    continue
                if k == _A_HINT:
                    time_hints.append((s, e, a[1]))
                    continue
                if k == _A_NOT:
                    lst = fam_pos.get(_NOT)
                    if lst is None:
                        fam_pos[_NOT] = [s]
                    else:
                        lst.append(s)
                    continue
                tier, label, fams, negs, back, before, after = a[1]
                quiet = None  # _not_announcing here, asked at most once per match
                if tier:
                    hits = tiers[tier]
                    if label not in hits:
                        if tier == 1:
                            quiet = _not_announcing(low, s, bounds, fam_pos.get(_NOT))
                        if not quiet:
                            hits[label] = _sent(bounds, s)
                if fams:
                    for fam in fams:
                        if fam in _NEGATABLE:
                            if quiet is None:
                                quiet = _not_announcing(low, s, bounds, fam_pos.get(_NOT))
                            if quiet:
                                continue
                        lst = fam_pos.get(fam)
                        if lst is None:
                            fam_pos[fam] = [s]
                        else:
                            lst.append(s)
                if negs:
                    for cat, phrase, unless in negs:
                        if unless and _cancelled(low, s, unless):
                            continue
                        found = neg_hits.get(cat)
                        if found is None:
                            neg_hits[cat] = {phrase: _sent(bounds, s)}
                        elif phrase not in found:
                            found[phrase] = _sent(bounds, s)
                if back >= 0:
                    time_hints.append((s, e, back))
                if before:  # "ABC token", "ABC's airdrop"
                    c = cased[s - 1]
                    if not c.islower() or c == "s":
                        word, ws = _prev_word(cased, s)
                        if word == "s":
                            word, ws = _prev_word(cased, ws - 1)
                        if (_TICKER.fullmatch(word) and word not in kw.ACRONYMS) or (
                            word == word.upper() and word in symbols
                        ):
                            si = _sent(bounds, s)
                            if not _all_caps(cased, bounds, si, upper):
                                tokens.setdefault(word.upper(), (si, ws))
                if after and cased[e : e + 1].isupper():  # "ticker ABC", "token ABC"
                    word = _next_word(cased, e - 1)
                    if _TICKER.fullmatch(word) and word not in kw.ACRONYMS:
                        si = _sent(bounds, s)
                        if not _all_caps(cased, bounds, si, upper):
                            tokens.setdefault(word.upper(), (si, e))
                if k == _A_VOCAB:
                    continue
                a = a[2]
            else:  # one entry code (no tuple made), or ~k for several: shared[k]
                code = _at(codes, pi)
                a = None if code >= 0 else snap.shared[~code]
            si = _sent(bounds, s)
            for ci in range(1 if a is None else len(a)):
                if a is not None:
                    code = a[ci]
                kind = code & 3  # see _code: kind, case rule, text slot
                if kind == _COMP:
                    rule = code >> 2 & 3
                    slot = code >> 4
                    row = _u32_at(owner, slot)
                    if rule == _CAP:
                        if not cased[s + 1].isupper():
                            seg = _sentence(cased, bounds, si)
                            if seg != seg.lower():
                                continue  # "optimism" in a normally cased sentence
                        elif cased[s + 2].isupper():
                            refs = symbols.get(cased[s + 1 : e - 1])
                            if (
                                refs is not None
                                and row != refs
                                and (refs.__class__ is int or row not in refs)
                                and not _all_caps(cased, bounds, si, upper)
                            ):
                                continue  # "ZETA": another company's ticker, not "Zeta"
                    alias = names_text[_u32_at(text_at, slot) : _u32_at(text_at, slot + 1)]
                    if rule == _EXACT:  # upper-case names only: the name as written
                        if cased[s + 1 : e - 1] != alias.upper() or _all_caps(
                            cased, bounds, si, upper
                        ):
                            continue
                    comp_hits.append((row, alias, si, s))
                elif kind == _SYM:
                    slot = code >> 4
                    sym = names_text[_u32_at(text_at, slot) : _u32_at(text_at, slot + 1)]
                    if (
                        cased[s + 1 : e - 1] == sym
                        and sym.upper() not in kw.ACRONYMS
                        and not _all_caps(cased, bounds, si, upper)
                    ):
                        tokens.setdefault(sym.upper(), (si, s))
                elif kind == _EXCL:
                    excluded.add((code >> 4, si))

        # "$ABC" anywhere (the automaton keeps "$" inside words so "$abc" is one word).
        j = cased.find("$")
        while j != -1:
            m = _TICKER_AT.match(cased, j + 1)
            if m:
                sym = m.group(0)
                up = sym.upper()
                if sym != up and up not in symbols and not _MIXED_TICKER.fullmatch(sym):
                    pass  # "$btc" style lower case only counts for watched tickers
                else:
                    tokens.setdefault(up, (_sent(bounds, j), j))
            j = cased.find("$", j + 1)
        # "(ABC)" after a name: "Pudgy Penguins (PENGU)".
        j = marked.find("(")
        while j != -1:
            m = _PAREN.match(marked, j)
            if m and m.group(1) not in kw.ACRONYMS:
                tokens.setdefault(m.group(1), (_sent(bounds, j), j))
            j = marked.find("(", j + 1)

        if lang != EN:  # the launch words of the item's own language
            native_signals(
                lang, marked, cased, low, bounds, tiers, fam_pos, tokens, symbols, neg_hits
            )
            if snap.cjk_automaton is not None and lang in CJK_LANGUAGES:
                for pi, s, _e in snap.cjk_automaton.find_matches_as_indexes(marked):
                    row, alias = snap.cjk_entries[pi]
                    comp_hits.append((row, alias, _sent(bounds, s), s))

        # Companies: by name/alias, or by one of their tickers seen in context.
        comp_best: dict[int, list[Any]] = {}  # company -> [score, alias, first pos, sentences]
        for idx, alias, si, pos in comp_hits:
            if excluded and (idx, si) in excluded:
                continue
            rec = comp_best.get(idx)
            if rec is None:
                rec = comp_best[idx] = [0.0, alias, pos, {si}]
            else:
                if pos < rec[2] or (pos == rec[2] and len(alias) > len(rec[1])):
                    rec[1], rec[2] = alias, pos  # earliest mention, longest alias there
                rec[3].add(si)
            rec[0] += 2.0 if has_title and si == 0 else 1.0
        if tokens:
            for sym, (si, _pos) in tokens.items():
                refs = symbols.get(sym)
                if refs is None:
                    continue
                for idx in (refs,) if refs.__class__ is int else refs:
                    if excluded and (idx, si) in excluded:
                        continue
                    rec = comp_best.get(idx)
                    if rec is None:
                        rec = comp_best[idx] = [0.0, f"${sym}", 1 << 30, {si}]
                    else:
                        rec[3].add(si)
                    rec[0] += 0.8
        companies: list[dict[str, Any]] = []
        comp_sents: set[int] = set()
        if comp_best:
            if len(comp_best) == 1:
                ranked: Iterable[tuple[int, list[Any]]] = comp_best.items()
            else:
                ranked = sorted(comp_best.items(), key=_rank_key)
            # the table's columns read here, not by a method per company (its calls and
            # attribute reads were a fiftieth of an item)
            ids = table.ids
            name_at = table.names
            priority = table.priority
            priorities = table.priorities
            for idx, rec in ranked:
                cid = _at(ids, idx)
                slot = _u32_at(name_at, idx)
                companies.append(
                    {
                        "id": None if cid == _NO_ID else cid,
                        "name": names_text[_u32_at(text_at, slot) : _u32_at(text_at, slot + 1)],
                        "matched": rec[1],
                        "priority": priorities[priority[idx]],
                    }
                )
                comp_sents |= rec[3]

        # No watched company: read the project's name and ticker from the text instead.
        project = None
        if not companies and (t1 or t2 or fam_pos or tokens):
            project = discover(marked, bounds, tokens, {*t1.values(), *t2.values()})
            if project is not None and project["name"]:
                comp_sents.add(project["sentence"])

        # (rank, start, sentence, match): min() picks the most specific, then the earliest.
        urg: list[tuple[int, int, int, re.Match[str]]] = []
        if time_hints:
            for m in find_raw(low, time_hints):
                st = m.start()
                urg.append((GROUP_RANK[m.lastgroup or "tm"], st, _sent(bounds, st), m))

        question = has_title and bool(_SPECULATIVE_TITLE.match(title_c.strip()))
        return _score(
            t1,
            t2,
            t3,
            fam_pos,
            bounds,
            neg_hits,
            companies,
            comp_sents,
            tokens,
            urg,
            has_title,
            question,
            published,
            cased,
            low,
            project,
            lang,
            self._dates,
        )


def _char_offsets(low: str, raw: bytes, found: array[int]) -> array[int]:
    """The phrases ``found`` in ``raw`` (find_flat's triples), the UTF-8 of a text that is
    not ASCII, with character offsets.

    Every pattern begins and ends with a space, so each byte offset found is a character
    boundary: the character offset is the length of the text decoded up to it, counted once
    along the text for all the offsets in order.
    """
    if not found:
        return found
    chars: dict[int, int] = {0: 0}
    last_b = 0  # not "last_b = last_c = 0": Cython 3.3 leaves last_c unset (a crash)
    last_c = 0
    for b in sorted({*found[1::3], *found[2::3]}):
        last_c += len(raw[last_b:b].decode())
        chars[b] = last_c
        last_b = b
    out = array("q", found)
    for i in range(0, len(out), 3):
        out[i + 1] = chars[out[i + 1]]
        out[i + 2] = chars[out[i + 2]]
    return out


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _at(found: carray.array, i: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """Item ``i`` of find_flat's array: read through its C pointer in the compiled build (no
    int object made per value)."""
    if not cython.compiled:
        return found[i]
    return found.data.as_longlongs[i]


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _u32_at(found: carray.array, i: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """Item ``i`` of an ``array("I")`` (the companies table's columns), as ``_at`` reads
    find_flat's."""
    if not cython.compiled:
        return found[i]
    return found.data.as_uints[i]


def _rank_key(kv: tuple[int, list[Any]]) -> tuple[float, int]:
    return (-kv[1][0], kv[1][2])


@cython.cfunc
def _all_caps(cased: str, bounds: list[int], si: int, cache: dict[int, bool]) -> bool:
    """All-caps headlines make every word look like a ticker; detect them (once per sentence)."""
    r = cache.get(si)
    if r is None:
        seg = _sentence(cased, bounds, si)
        # mostly spaces: CJK or Hangul text (blanked out) around one Latin ticker, not caps
        r = cache[si] = seg.isupper() and len(seg) > 12 and seg.count(" ") * 2 < len(seg)
    return r


# "Will X launch a token?", "Wen airdrop?": the headline itself is speculation.
_SPECULATIVE_TITLE = re.compile(
    r"(?i)^(?:(?:will|would|could|can|might|may|is|are|does|do|should|wen|when|why)\b[^?]*\?"
    r"|[^.!?]*\?\s*$)"  # or a one-sentence headline that is a question: "X token by May?"
)
_FUTURE = re.compile(r"(?i)\b(?:will|set to|scheduled|to open|to begin|to start)\b")
_TICKER = re.compile(r"[A-Z][A-Z0-9]{0,9}|[a-z]{1,3}[A-Z]{2,6}")
_MIXED_TICKER = re.compile(r"[a-z]{1,3}[A-Z]{2,6}")
_TICKER_AT = re.compile(r"[A-Za-z][A-Za-z0-9]{0,9}(?![A-Za-z0-9_])")
_PAREN = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)")


@cython.cfunc
@cython.inline
@cython.exceptval(-1, check=True)
def _sent(bounds: list, s: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """The sentence holding offset ``s``: ``bisect_right(bounds, s)``, which the compiled
    build runs as a C loop (bisect's call and its comparisons of int objects cost ~700
    instructions, about twenty times an item); the source calls bisect itself."""
    if not cython.compiled:
        return bisect_right(bounds, s)
    lo: cython.Py_ssize_t = 0
    hi: cython.Py_ssize_t = len(bounds)
    mid: cython.Py_ssize_t
    b: cython.Py_ssize_t
    while lo < hi:
        mid = (lo + hi) >> 1
        b = bounds[mid]
        if s < b:
            hi = mid
        else:
            lo = mid + 1
    return lo


@cython.cfunc
def _not_announcing(low: str, s: int, bounds: list[int], nots: list[int] | None) -> bool:
    """Whether one of the four words before offset ``s``, in its sentence and within 40
    characters, is in ``kw.NOT_ANNOUNCING`` ("no launch date", "since the token launched",
    "once it launches", "after the June token launch").

    ``nots`` are the offsets of those words found so far: the automaton reports matches in
    order of their end, so every such word before ``s`` is already there.
    """
    if not nots:
        return False
    for p in reversed(nots):
        if p < s:  # the nearest one before s decides: any other is further away
            return (
                p >= s - 41 and len(low[p:s].split()) <= 4 and _sent(bounds, p) == _sent(bounds, s)
            )
    return False


@cython.cfunc
def _ticker_then(
    cased: str, low: str, bounds: list[int], sym: str, positions: list[int]
) -> int | None:
    """The sentence where ticker ``sym`` ("$zora" in any case, "ZORA" in capitals) is
    followed right away by a word at one of ``positions`` ("$ZORA launches", "RON is live";
    its first mention may be elsewhere).

    A bare ticker must be written in capitals: "Omni mainnet goes live" is about the
    network, not the OMNI token. Punctuation leaves two spaces in the normalised text, so
    "the successor to DAI, went live" does not count."""
    for text, needle in ((low, f" ${sym.lower()} "), (cased, f" {sym} ")):
        j = text.find(needle)
        while j != -1:
            if j + len(needle) - 1 in positions:
                return _sent(bounds, j)
            j = text.find(needle, j + 1)
    return None


@cython.cfunc
def _cancelled(low: str, s: int, longer: _Unless) -> bool:
    """Whether the negative phrase at ``s`` is part of one of the ``longer`` neutral phrases."""
    for key, offset in longer:
        if s >= offset and low.startswith(key, s - offset):
            return True
    return False


@cython.cfunc
def _prev_word(cased: str, s: int) -> tuple[str, int]:
    """The word ending before offset ``s`` (a space) and its start offset."""
    j = s
    while j > 0 and cased[j - 1] == " ":
        j -= 1
    i = cased.rfind(" ", 0, j)
    return cased[i + 1 : j], i + 1


@cython.cfunc
def _next_word(cased: str, e: int) -> str:
    """The word starting after offset ``e`` (a space)."""
    n = len(cased)
    while e < n and cased[e] == " ":
        e += 1
    k = cased.find(" ", e)
    return cased[e : k if k != -1 else n]


@cython.cfunc
def _sentence(cased: str, bounds: list[int], si: int) -> str:
    a = bounds[si - 1] if si > 0 else 0
    b = bounds[si] if si < len(bounds) else len(cased)
    return cased[a:b]


def _join(labels: dict[str, int], most: int) -> str:
    """The first ``most`` labels, comma-separated (no list copy in the usual short case)."""
    return ", ".join(labels) if len(labels) <= most else ", ".join(list(labels)[:most])


def explain_rules(_a: Analysis, parts: list[tuple[str, float, Any, Any]]) -> list[dict[str, Any]]:
    """The rules' explanation, worded from the ``(signal, delta, how, what)`` parts _score
    leaves (``how(*what)``, or ``what`` itself where ``how`` is None) when first read.

    Why: wording every reason (labels joined, names quoted, reprs) was about a thirtieth of
    an item's scoring, and most items are scored and dropped unread; the model reads the
    signals and deltas from the parts themselves."""
    return [
        {"signal": sig, "detail": what if how is None else how(*what), "delta": delta}
        for sig, delta, how, what in parts
    ]


def _company_said(name: str, matched: str) -> str:
    return f"{name} ('{matched}')"


def _tickers_said(tokens: dict[str, Any]) -> str:
    return ", ".join(["$" + t for t in tokens])


def _stale_said(text: str) -> str:
    return f"{text!r} is long before publication"


def _date_said(text: str, iso: str | None) -> str:
    return repr(text) + (f" -> {iso}" if iso else "")


def _phrases_said(phrases: dict[str, int]) -> str:
    """A negative category's phrases (keys already repr() of the phrases), up to three."""
    return ", ".join(list(phrases)[:3]) if len(phrases) > 1 else next(iter(phrases))


@cython.cfunc
def _drop_contained(hits: dict[str, int]) -> None:
    """Report "token generation event" once, not also "token generation" inside it.

    Walks the few labels found, not a set made of every label that can be inside another
    (that intersection was most of this function's cost, run for most items)."""
    inner: list[str] | None = None
    contained: dict = _CONTAINED  # typed: read directly in the compiled build, no method call
    longer: frozenset | None
    for k in hits:
        longer = contained.get(k)
        if longer is None:
            continue
        for other in hits:  # (isdisjoint, without its method lookup: a few labels at most)
            if other in longer:
                if inner is None:
                    inner = [k]
                else:
                    inner.append(k)
                break
    if inner is not None:
        for k in inner:
            del hits[k]


def _containers() -> dict[str, frozenset[str]]:
    labels = [*kw.TIER1, *kw.TIER2, *kw.TIER3, "claim ... live", "launch ... token"]
    out: dict[str, frozenset[str]] = {}
    for a in labels:
        inside = frozenset(b for b in labels if a != b and f" {a} " in f" {b} ")
        if inside:
            out[a] = inside
    return out


_CONTAINED = _containers()
_PENALTY = {cat: pen for cat, (pen, _words) in kw.NEGATIVES.items()}


@cython.cfunc
def _shares(sents: set, phrases: dict) -> cython.bint:
    """``not sents.isdisjoint(phrases.values())``: whether a phrase was found in one of
    ``sents``, by a loop over the few values instead of a method call and a view's iterator
    (twice per negative category an item)."""
    if not sents:
        return False
    for si in phrases.values():
        if si in sents:
            return True
    return False


@cython.cfunc
@cython.inline
def _keys(d: dict) -> list:
    """``list(d)``: in the compiled build PyDict_Keys, which copies the keys into a list of
    their number at once (``list()`` of a dict goes through its iterator, ~600 instructions
    for a few keys; the scorer makes four such lists an item)."""
    if cython.compiled:
        return PyDict_Keys(d)
    return list(d)


@cython.cfunc
def _near(a: list[int], b: list[int], window: int, bounds: list[int]) -> int | None:
    """First sentence where a word of family ``a`` is within ``window`` chars of one of ``b``."""
    for pa in a:
        sa = -1
        for pb in b:
            if abs(pa - pb) <= window:
                if sa < 0:
                    sa = _sent(bounds, pa)
                if sa == _sent(bounds, pb):
                    return sa
    return None


# Weights. Additive and clamped, so the explanation deltas add up to the confidence.
W_TIER1 = 0.40  # an explicit TGE phrase ("token generation event", "claims open")
W_TIER1_RULE = 0.32  # the same idea assembled from nearby words ("launched its ... token")
W_TIER1_EXTRA = 0.05
W_TIER2 = 0.18
W_TIER2_EXTRA = 0.04
W_TIER2_WITH_T1 = 0.03
W_TIER3 = 0.02
W_COMPANY = 0.12
W_NEW = 0.10  # a project named the way launch news names one, in no companies table
W_TOKEN = 0.06
W_DATE = 0.08
W_DATE_NEAR = 0.06
W_PROX_T1 = 0.10
W_PROX_T2 = 0.05
W_QUESTION = 0.3
W_STALE = 0.2
NEG_T2 = 0.8  # a negative next to a tier-2 signal only (not the headline or tier-1 sentence)
NEG_FAR = 0.5  # a negative in a sentence with no TGE signal counts half
NEG_REPEAT = 0.25  # each further distinct phrase of the same category, up to two
_REPEAT = (0.0, 1.0, 1.0 + NEG_REPEAT, 1.0 + 2 * NEG_REPEAT)


@cython.cfunc
def _r3(x: float) -> float:
    """Round like round(x, 3) does here, at a fraction of the cost."""
    return floor(x * 1000 + 0.5) / 1000


# Explanation deltas of fixed size, rounded once.
_D_COMPANY = _r3(W_COMPANY)
_D_NEW = _r3(W_NEW)
_D_TOKEN = _r3(W_TOKEN)
_D_PROX_T1 = _r3(W_PROX_T1)
_D_PROX_T2 = _r3(W_PROX_T2)
_D_STALE = _r3(-W_STALE)
_D_QUESTION = _r3(-W_QUESTION)
_RELATIVE_RANKS = (RANK["relative"], RANK["weekday"])
# category -> [full, next to tier-2, far][distinct phrases, up to 3] -> (penalty, rounded delta)
_NEG_PENALTIES = {
    cat: [
        [
            (pen, _r3(-pen))
            for pen in (_PENALTY[cat] * factor * _REPEAT[n] for n in range(len(_REPEAT)))
        ]
        for factor in (1.0, NEG_T2, NEG_FAR)
    ]
    for cat in _PENALTY
}


def _score(
    t1: dict[str, int],
    t2: dict[str, int],
    t3: dict[str, int],
    fam_pos: dict[str, list[int]],
    bounds: list[int],
    neg_hits: dict[str, dict[str, int]],
    companies: list[dict[str, Any]],
    comp_sents: set[int],
    tokens: dict[str, tuple[int, int]],
    urg: list[tuple[int, int, int, re.Match[str]]],
    has_title: bool,
    question: bool,
    published: datetime | None,
    cased: str,
    low: str,
    project: dict[str, Any] | None,
    lang: str,
    dates: DateCache,
) -> Analysis:
    """Add up the signals. Kept as one flat function: it runs for every item.

    Explanation deltas are rounded as they are written; ``score`` adds the exact values.
    """
    # The explanation as (signal, delta, how to word it, what from): worded when first read
    # (see explain_rules), since most items are scored and dropped unread.
    expl: list[tuple[str, float, Any, Any]] = []
    score = 0.0
    direct_t1 = bool(t1)

    # Proximity rules: "claim ... live/open", "launch ... token", "<SYM> airdrop".
    if fam_pos:
        claim = fam_pos.get("claim")
        if claim:
            opened = fam_pos.get("open")
            if opened:
                both = {_sent(bounds, p) for p in claim}.intersection(
                    [_sent(bounds, p) for p in opened]
                )
                if both:
                    t1.setdefault("claim ... live", min(both))
        launch = fam_pos.get("launch")
        if launch:
            token = fam_pos.get("token")
            if token:
                lt = _near(launch, token, 60, bounds)
                if lt is not None:
                    t1.setdefault("launch ... token", lt)
        if tokens:
            airdrop = fam_pos.get("airdrop")
            if airdrop:
                airdrop_sents = {_sent(bounds, p) for p in airdrop}
                for sym, (si, _pos) in tokens.items():
                    if si in airdrop_sents:
                        t1.setdefault(sym + " airdrop", si)
                        break
            debut = fam_pos.get("debut")
            if debut:  # "$ZORA launches on Base on April 23"
                for sym in tokens:
                    si = _ticker_then(cased, low, bounds, sym, debut)
                    if si is not None:
                        t1.setdefault(sym + " launch", si)
                        break

    if len(t1) > 1:
        _drop_contained(t1)
    if len(t2) > 1:
        _drop_contained(t2)
    if t1:
        d = (W_TIER1 if direct_t1 else W_TIER1_RULE) + W_TIER1_EXTRA * min(len(t1) - 1, 2)
        expl.append(("tier1", _r3(d), _join, (t1, 3)))
        score += d
        if t2:
            d = W_TIER2_WITH_T1 * min(len(t2), 3)
            expl.append(("tier2", _r3(d), _join, (t2, 3)))
            score += d
    elif t2:
        d = W_TIER2 + W_TIER2_EXTRA * min(len(t2) - 1, 3)
        expl.append(("tier2", _r3(d), _join, (t2, 4)))
        score += d
    positive = bool(t1 or t2)
    if t3 and positive:
        d = W_TIER3 * min(len(t3), 3)
        expl.append(("tier3", _r3(d), _join, (t3, 3)))
        score += d

    strong_sents = set(t1.values())
    mid_sents = set(t2.values())

    if companies:
        c = companies[0]
        expl.append(("company", _D_COMPANY, _company_said, (c["name"], c["matched"])))
        score += W_COMPANY
    if project is not None:
        if not positive:
            project = None  # a name without TGE signals is not a discovery
        elif not question and not project["weak"]:
            # a speculative headline, or a name that is only the headline's subject, names
            # the project but earns nothing
            expl.append(("new project", _D_NEW, discovery_label, (project,)))
            score += W_NEW
    if tokens:
        expl.append(("token", _D_TOKEN, _tickers_said, (tokens,)))
        score += W_TOKEN

    # Proximity: a TGE keyword in the same sentence as the company or its token.
    if positive and (comp_sents or tokens):
        subject_sents = comp_sents.union([si for si, _ in tokens.values()])
        if not strong_sents.isdisjoint(subject_sents):
            expl.append(("proximity", _D_PROX_T1, None, "tier-1 keyword next to company/token"))
            score += W_PROX_T1
        elif not mid_sents.isdisjoint(subject_sents):
            expl.append(("proximity", _D_PROX_T2, None, "tier-2 keyword next to company/token"))
            score += W_PROX_T2

    urgency: dict[str, Any] | None = None
    stale = False
    if urg:
        if len(urg) == 1:
            best = urg[0]
            near = best[2] in strong_sents or best[2] in mid_sents
        else:
            pool = [p for p in urg if p[2] in strong_sents or p[2] in mid_sents]
            near = bool(pool)
            # Most specific first (an exact day beats "Q2"), then earliest.
            best = min(pool or urg)
        ref = dates.ref(published)
        r = resolve_fields(best[3], ref, cased)
        if r is not None:
            u_text, u_date, u_kind = r
            u_iso = dates.iso(u_date) if u_date else None
            urgency = {"text": u_text, "date": u_iso, "kind": u_kind}
            if (
                u_date
                and u_kind in ("date", "month", "quarter")
                and not any(p[0] in _RELATIVE_RANKS for p in urg)
            ):
                # A launch date long before publication is a retrospective, not news. Without
                # a publication date, "now" stands in, unless the sentence looks ahead ("will
                # list X at 2024-11-18"): an archived announcement is not a retrospective.
                if published is not None:
                    stale = (ref - u_date).days > 60
                else:
                    stale = (ref - u_date).days > 300 and not _FUTURE.search(
                        _sentence(cased, bounds, best[2])
                    )
            if positive:
                if stale:
                    expl.append(("negative:stale", _D_STALE, _stale_said, (u_text,)))
                    score -= W_STALE
                else:
                    d = W_DATE + (W_DATE_NEAR if near else 0.0)
                    expl.append(("urgency", _r3(d), _date_said, (u_text, u_iso)))
                    score += d

    negatives: list[str] = ["stale"] if stale and positive else []
    if question and positive:
        negatives.append("speculation")
        expl.append(
            ("negative:question", _D_QUESTION, None, "headline asks whether it will happen")
        )
        score -= W_QUESTION
    for cat, phrases in neg_hits.items():
        if _shares(strong_sents, phrases) or (has_title and 0 in phrases.values()):
            where = 0  # in the headline or a tier-1 sentence: full penalty
        elif _shares(mid_sents, phrases):
            where = 1
        else:
            where = 2
        n = len(phrases)
        pen, delta = _NEG_PENALTIES[cat][where][n if n < 3 else 3]
        if cat not in negatives:
            negatives.append(cat)
        expl.append(("negative:" + cat, delta, _phrases_said, (phrases,)))
        score -= pen

    conf = 1.0 if score > 1.0 else (0.0 if score < 0.0 else score)
    conf = floor(conf * 1000 + 0.5) / 1000
    raw = floor(score * 1000 + 0.5) / 1000
    if conf != raw:
        expl.append(("clamp", floor((conf - raw) * 1000 + 0.5) / 1000, None, "kept within 0..1"))
    return make_analysis(
        conf,
        "high" if conf >= HIGH else ("medium" if conf >= MEDIUM else "low"),
        companies,
        _keys(tokens),
        {"tier1": _keys(t1), "tier2": _keys(t2), "tier3": _keys(t3)},
        urgency,
        negatives,
        Later(explain_rules, expl) if expl else [],
        (
            {"name": project["name"], "ticker": project["ticker"], "how": project["how"]}
            if project
            else None
        ),
        lang,
    )
