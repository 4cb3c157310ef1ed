# cython: boundscheck=False, wraparound=False
# (compiled build: the word and hash-table loops index only inside their arrays, and nothing
# in this module indexes from the end)
"""Text preparation for the scorer: clean HTML noise once, then build the word-delimited form.

The automaton runs over a *normalised* copy of the item in which every non-word character is
a space and patterns carry one space on each side (``" layer zero "``). With overlapping
matching a pattern can then only match whole words, so word-boundary checks happen inside
the automaton and a 1 KB item does not produce hundreds of mid-word candidates that Python
would have to reject. The normalised strings have the same length as the marked text, so
one offset means the same place in all of them.
"""

from __future__ import annotations

import functools
import html
import re
from array import array
from bisect import insort
from collections.abc import Iterable
from itertools import accumulate, chain, compress, repeat
from operator import add
from typing import Any

import nh3

try:  # C integer types for the compiled build (setup.py); plain Python ints otherwise
    import cython
except ImportError:  # pragma: no cover - the source runs without Cython installed
    from core.scoring._native import CYTHON_STAND_IN as cython

_COMPILED = cython.compiled

if _COMPILED:  # C access to an array's items: a pointer, no typed memoryview to take
    from cython.cimports.cpython import array as carray
    from cython.cimports.cpython.bytes import PyBytes_FromStringAndSize
    from cython.cimports.cpython.unicode import PyUnicode_1BYTE_DATA, PyUnicode_KIND, PyUnicode_New
    from cython.cimports.libc.string import memcmp

# Sentence mark kept in the normalised text so a match position maps to its sentence.
# A control character that ``str.split``/``str.isspace`` do not treat as whitespace.
SENT = "\x0e"

_TAG_HINT = re.compile(r"<[a-zA-Z/!]")
_SCRIPT_HINT = re.compile(r"<\s*(?:script|style)", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z/!][^<>]{0,400}>")
# Non-word characters, plus CJK/kana/hangul, which have no spaces between words: treating
# each as a separator lets "空投TGE" still match "TGE".
_NON_WORD = re.compile(
    r"[^\w$" + SENT + r"]|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)

# Typographic punctuation folded with plain replaces (fast when absent).
_FOLD: tuple[tuple[str, str], ...] = (
    ("\u2019", "'"),
    ("\u2018", "'"),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u2013", "-"),
    ("\u2014", "-"),
    ("\u00a0", " "),
    ("\u2026", "..."),
    ("\u200b", ""),
    ("\ufeff", ""),
    ("\uff04", "$"),
    ("\uff08", "("),  # full-width brackets of CJK text: "Monad（MON）"
    ("\uff09", ")"),
    ("\u2009", " "),
    ("\u202f", " "),
)
# Characters that end a sentence when followed by a space (the mark included).
_END_CHARS = "!?;\u2022\u00b7" + SENT
_END_TABLE = bytes(ord(".") if chr(i) in _END_CHARS else i for i in range(256))

_WORD_BYTES = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_WORD_BYTES.add(ord(SENT))
_CASED_TABLE = bytes(i if i in _WORD_BYTES else 32 for i in range(256))
_LOWER_TABLE = bytes(
    (i + 32 if 65 <= i <= 90 else i) if i in _WORD_BYTES else 32 for i in range(256)
)
_SENT_BYTE = SENT.encode("ascii")
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})


def clean(raw: str) -> str:
    """Unescape entities, strip tags and fold typographic punctuation.

    Cheap on plain text (a few ``in`` checks); nh3 is only used when ``<script>``/``<style>``
    is present, because only then does dropping tag *content* matter.
    """
    if not raw:
        return ""
    s = raw
    if "&" in s:
        s = html.unescape(s)  # entities first so "&lt;b&gt;" becomes a tag we then strip
    if "<" in s and _TAG_HINT.search(s):
        if _SCRIPT_HINT.search(s):
            s = html.unescape(nh3.clean(s, tags=set()))
        else:
            s = _TAG.sub(" ", s)
    if not s.isascii():
        for a, b in _FOLD:
            if a in s:
                s = s.replace(a, b)
    return s


def sentences_marked(title: str, text: str) -> str:
    """Join title and text with a sentence mark; the title is always its own sentence.

    The result starts and ends with a space so the first and last words can match.
    """
    title = title.strip()
    text = text.strip()
    if title and text.startswith(title):
        # Headline-only items repeat the title as text; count each signal once.
        text = text[len(title) :].lstrip(" .:-|")
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", ". ")
    if _two_spaces(text) or "\t" in text:
        text = " ".join(text.split())  # "token  generation" must still match as a phrase
    if _two_spaces(title) or "\t" in title:
        title = " ".join(title.split())
    if title:
        return f" {title} {SENT} {text} " if text else f" {title} "
    return f" {text} "


@cython.cfunc
def _two_spaces(s: str) -> cython.bint:
    """``"  " in s``. The compiled build reads a one-byte string at its odd offsets only (of
    any two adjacent characters one is at an odd offset), and the characters beside it
    where it finds a space: half the reads of Python's search of a two-character string,
    which looks at every character (about 6 instructions a character, 6k on a 1 KB
    item)."""
    if not cython.compiled:
        return "  " in s
    if PyUnicode_KIND(s) != 1:
        return "  " in s
    data: cython.p_uchar = PyUnicode_1BYTE_DATA(s)
    n: cython.Py_ssize_t = len(s)
    i: cython.Py_ssize_t = 1
    while i < n:
        if data[i] == 32 and (data[i - 1] == 32 or (i + 1 < n and data[i + 1] == 32)):
            return True
        i += 2
    return False


def sentence_bounds(marked: str) -> list[int]:
    """Offsets where a sentence ends: ". ", "! ", "? ", "; ", line breaks, bullets, the mark.

    A ``find`` loop over a translated copy; a regex scan costs ten times more per KB.
    Abbreviations ("U.S. SEC") split too, which only makes proximity a bit stricter.
    """
    if marked.isascii():
        s = marked.encode("ascii").translate(_END_TABLE).decode("ascii")
    else:
        s = marked
        for ch in _END_CHARS:
            if ch in s:
                s = s.replace(ch, ".")
    out: list[int] = []
    i = s.find(". ")
    while i != -1:
        out.append(i)
        i = s.find(". ", i + 2)
    return out


def normalise(marked: str) -> tuple[str, str]:
    """Return ``(cased, lowered)``: ``marked`` with every non-word character as a space.

    Same length as ``marked``; ASCII goes through a byte table (about a microsecond per KB).
    """
    if marked.isascii():
        raw = marked.encode("ascii")
        return raw.translate(_CASED_TABLE).decode("ascii"), raw.translate(_LOWER_TABLE).decode(
            "ascii"
        )
    cased = _NON_WORD.sub(" ", marked)
    lowered = cased.lower()
    if len(lowered) != len(cased):  # rare Unicode whose lower case changes length
        lowered = cased.translate(_ASCII_LOWER)
    return cased, lowered


def prepare(marked: str) -> tuple[str, str, list[int]]:
    """``normalise`` and ``sentence_bounds`` in one go (ASCII text is encoded once)."""
    if not marked.isascii():
        cased, low = normalise(marked)
        return cased, low, sentence_bounds(marked)
    raw = marked.encode("ascii")
    if _COMPILED:
        return _prepare_ascii(raw)[:3]
    # Offsets of ". " from the lengths of the pieces between them, without a Python loop:
    # bound k = len(piece 0) + sum(len(piece i) + 2 for 0 < i <= k).
    pieces = raw.translate(_END_TABLE).split(b". ")
    pieces.pop()
    bounds = list(accumulate(map(add, map(len, pieces), chain((0,), repeat(2)))))
    # the lower-case form is the cased one lowered: bytes.lower() is a third of a translate
    cased = raw.translate(_CASED_TABLE)
    return cased.decode("ascii"), cased.lower().decode("ascii"), bounds


def prepare_words(marked: str) -> tuple[str, str, list[int], Words]:
    """``prepare``, and the ``Words`` of the lower-case form: what the scorer reads of an
    item. The compiled build makes all four in one loop over an ASCII text's bytes."""
    if _COMPILED and marked.isascii():
        return _prepare_ascii(marked.encode("ascii"))
    cased, low, bounds = prepare(marked)
    return cased, low, bounds, Words(low.encode())


def _prepare_ascii(raw: bytes) -> tuple[str, str, list[int], Words]:
    """``prepare_words`` of ASCII text as one loop over its bytes, for the compiled build: a
    C loop (the table translates, the split and the lower-casing it replaces cost five
    times as much, and a second loop for the words' hashes as much again); run as plain
    Python it is slow, so the source keeps to those byte methods instead.

    The loop reads a word's bytes in an inner loop of their own (two table reads, two
    stores, one hash step a byte) and asks whether a byte ends a sentence only between
    words: of the bytes that end one (``_END_TABLE``), only the sentence mark is a word
    byte, and its bounds are added after the loop. With every value in C locals (module
    globals are read again after each byte stored) this is about half the instructions of
    one loop asking everything of every byte."""
    n: cython.Py_ssize_t = len(raw)
    src: cython.p_uchar = raw
    # written in place while no one else holds them: both forms as the str they end as (the
    # bytes Words reads are the lower-case one copied at the end: a memcpy, where decoding
    # the bytes to the str checked and copied every byte, ~1,700 instructions a KB)
    cased_s: str = PyUnicode_New(n, 127)
    low_s: str = PyUnicode_New(n, 127)
    cased: cython.p_uchar = PyUnicode_1BYTE_DATA(cased_s)
    low: cython.p_uchar = PyUnicode_1BYTE_DATA(low_s)
    cased_t: bytes = _CASED_TABLE
    low_t: bytes = _LOWER_TABLE
    end_t: bytes = _END_TABLE
    cased_table: cython.p_uchar = cased_t
    low_table: cython.p_uchar = low_t
    end_table: cython.p_uchar = end_t
    dot: cython.uchar = 46  # "."
    sp: cython.uchar = _SPACE
    c: cython.uchar
    lc: cython.uchar
    i: cython.Py_ssize_t = 0
    bounds: list[int] = []
    # the words as Words makes them: (start, end, FNV-1a hash) of every run of non-spaces
    # of the lower-case form with a space on each side
    spans: carray.array = _spans_for(n)
    out: cython.p_ulonglong = spans.data.as_ulonglongs
    seed: cython.ulonglong = _FNV_OFFSET
    prime: cython.ulonglong = _PRIME_C
    mask: cython.ulonglong = _MASK_C
    h: cython.ulonglong
    ws: cython.Py_ssize_t  # where the word being read starts
    t: cython.Py_ssize_t = 0
    spaces: cython.Py_ssize_t = 0
    while i < n:
        c = src[i]
        lc = low_table[c]
        cased[i] = cased_table[c]
        low[i] = lc
        if lc != sp:  # a word: read to its end, hashing as it goes
            ws = i
            h = seed
            while True:
                if cython.compiled:  # C arithmetic wraps at 64 bits: the mask is implied
                    h = (h ^ lc) * prime
                else:
                    h = ((h ^ lc) * prime) & mask
                i += 1
                if i == n:
                    break
                c = src[i]
                lc = low_table[c]
                cased[i] = cased_table[c]
                low[i] = lc
                if lc == sp:
                    break
            if i == n:  # a word must have a space on each side to match
                break
            if ws > 0:  # (a word at 0 has no space before it)
                out[t] = ws
                out[t + 1] = i
                out[t + 2] = h
                t += 3
        # src[i] is a space of the lower-case form
        spaces += 1
        if end_table[c] == dot and i + 1 < n and src[i + 1] == sp:
            bounds.append(i)
        i += 1
    # the sentence mark (a word byte) before a space (one byte sought: a memchr)
    i = raw.find(_SENT_BYTE)
    while i != -1:
        if i + 1 < n and src[i + 1] == sp:
            insort(bounds, i)
        i = raw.find(_SENT_BYTE, i + 1)
    words = _bare(Words)
    words.data = PyBytes_FromStringAndSize(cython.cast(cython.p_char, low), n)
    words.seed = _FNV_OFFSET
    words.spans = spans
    words.count = t // 3
    words.spaces = spaces
    return cased_s, low_s, bounds, words


def pattern_key(phrase: str) -> str:
    """Normalise a phrase like text (single spaces), padded for whole-word matching.

    Called once per alias on every rebuild, so ASCII takes the byte-table path.
    """
    if phrase.isalnum() and phrase.isascii():
        return f" {phrase.lower()} "  # most names and tickers: one plain word
    if phrase.isascii():
        core = " ".join(phrase.encode("ascii").translate(_LOWER_TABLE).decode("ascii").split())
    else:
        s = phrase
        for a, b in _FOLD:
            if a in s:
                s = s.replace(a, b)
        core = " ".join(_NON_WORD.sub(" ", s.lower()).split())
    return f" {core} " if core else ""


# --- whole-word phrases -------------------------------------------------------------------
#
# Every pattern the scorer looks for (the engine's names and vocabulary, the model's word
# n-grams) is a run of whole words with single spaces between them, padded with one space on
# each side: in the normalised text it can only start after a space and end before one. So
# instead of an automaton that steps through a state per byte, the text's words are found
# and hashed once (``Words``, FNV-1a), and each ``PhraseTable`` looks every word's hash up
# and only for a word that ends some pattern goes on to the word before it, while the words
# so far still end a pattern. A run of words hashes as its word hashes folded from the last
# word to the first, the same for a pattern at build and for the text at search;
# a match is confirmed by comparing the bytes, so a hash collision can never make one.

_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_FOLD_PRIME = 0x9E3779B97F4A7C15
_MASK64 = 0xFFFFFFFFFFFFFFFF
_SPACE = 32
# the same, as C integers in the compiled build (plain ints in the source)
_PRIME_C = cython.declare(cython.ulonglong, _FNV_PRIME)
_MASK_C = cython.declare(cython.ulonglong, _MASK64)
_FOLD_C = cython.declare(cython.ulonglong, _FOLD_PRIME)
# The bits of a word's or a run's hash that the tables keep: all 64 in the compiled build;
# 60 in the source's, whose dict of runs holds every hash as an int object (one of 60 bits
# takes 32 bytes, of 64 bits 48: 4 MB at 50,000 companies). Keys that share a hash are
# still caught (_COLLIDED); other runs that do cost a byte comparison, as before.
_RUN_BITS = _MASK64 if _COMPILED else (1 << 60) - 1


def _table_of(size: int, extra: int = 0) -> array[int]:
    """An empty hash table of ``size`` slots (hash, entry pairs), and room for ``extra``
    values after it."""
    return array("Q", (0,)) * (2 * size + extra)


def _slots_for(entries: int) -> int:
    size = 8
    while size < 2 * entries:
        size *= 2
    return size


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _slot_of(
    table: cython.ulonglong[:], mask: cython.ulonglong, h: cython.ulonglong
) -> cython.ulonglong:
    """The slot holding hash ``h`` in a table of (hash, entry) pairs (open addressing, an
    entry never 0), or the empty slot where it goes: the probe of building, moving and
    searching a table, in one place."""
    slot: cython.ulonglong = (h ^ (h >> 29)) & mask
    while table[2 * slot + 1] and table[2 * slot] != h:
        slot = (slot + 1) & mask
    return slot


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _fnv(
    buf: cython.p_uchar, start: cython.Py_ssize_t, end: cython.Py_ssize_t, h: cython.ulonglong
) -> cython.ulonglong:
    """FNV-1a of the bytes ``buf[start:end]`` from ``h``: a word's hash, the same for the
    keys at build and for the text at search."""
    i: cython.Py_ssize_t
    for i in range(start, end):
        h = ((h ^ buf[i]) * _PRIME_C) & _MASK_C
    return h


# what _fill answers instead of a count: two keys share a hash; more runs than fit
_COLLIDED = -1
_OUTGROWN = -2


def _joined_offsets(blob: bytes) -> array[int]:
    """Where each key of keys joined in one bytes starts, and where the last ends: every
    key is padded whole words, so the keys part at each two spaces (three never occur)."""
    offsets = array("Q", (0,))
    if not blob:
        return offsets
    if blob[0] != _SPACE or blob[len(blob) - 1] != _SPACE or b"   " in blob:
        raise ValueError(f"not padded whole-word phrases joined: {blob[:60]!r}")
    at = blob.find(b"  ")
    while at != -1:
        offsets.append(at + 1)
        at = blob.find(b"  ", at + 2)
    offsets.append(len(blob))
    for k in range(len(offsets) - 1):
        if offsets[k + 1] - offsets[k] < 3:  # " " or "  " alone
            raise ValueError(f"not padded whole-word phrases joined: {blob[:60]!r}")
    return offsets


_DRAIN_STEP = 1 << 17  # values (64k pairs, 1 MB) moved from the array to the dict at a time


def _drained(slots: array[int]) -> dict[int, int]:
    """The filled (hash, entry) pairs of a hash table as a dict, the array emptied from its
    end a piece at a time as the dict grows: the source build keeps only the dict, and the
    whole array beside the growing dict was ~8 MB more at the build's height (50,000
    companies)."""
    entries: dict[int, int] = {}
    while slots:
        start = max(0, len(slots) - _DRAIN_STEP)
        part = slots[start:]
        del slots[start:]  # (an array shrinks its memory at once)
        values = part[1::2]
        entries.update(compress(zip(part[0::2], values, strict=True), values))
    return entries


_SPACE_RUNS = re.compile(rb"[^ ]+")


@functools.lru_cache(maxsize=1 << 16)
def _word_hash(word: bytes, seed: int) -> int:
    """FNV-1a of one word, as the compiled loop computes it, in the bits the tables keep
    (words repeat across items)."""
    return _fnv(word, 0, len(word), seed) & _RUN_BITS


def _plain_word_spans(data: bytes, seed: int) -> tuple[array[int], int]:
    """What ``Words`` finds, by the regex engine and a cache of word hashes: the source
    build's path (no C compiler at install), the same spans and hashes as the compiled loop."""
    spans = array("Q")
    n = len(data)
    for match in _SPACE_RUNS.finditer(data):
        start, end = match.span()
        if start and end < n:  # a word must have a space on each side to match
            spans.extend((start, end, _word_hash(match.group(), seed)))
    return spans, len(spans) // 3


_SPANS = array("Q")
_FLAT = array("q")  # the matches of find_flat: (key index, start, end) triples
_FLAT_ROOM = 48  # matches a search has room for at first (an item has some 20 to 40)


@cython.cfunc
def _spans_for(n: cython.Py_ssize_t) -> array[int]:
    """Room for the (start, end, hash) words of a text of ``n`` bytes, in the compiled build
    (left unset: only the words found are read). A word takes at least two bytes with its
    space: a bound by arithmetic (counting the spaces first would cost more than the room
    it saves)."""
    return carray.clone(_SPANS, 3 * (n // 2 + 1), False)


_bare = object.__new__  # an instance without its __init__ (its maker fills it in)


class Words:
    """The words of a normalised text (as bytes) that have a space on each side, each with
    its hash: found in one pass, then read by every phrase table that searches the text.
    ``spans`` holds (start, end, hash) per word, ``count`` words (the compiled build's array
    has room for more); ``spaces`` counts the text's spaces (the model's length feature), in
    the same pass."""

    __slots__ = ("count", "data", "seed", "spaces", "spans")

    def __init__(self, data: bytes, seed: int = _FNV_OFFSET) -> None:
        self.data = data
        self.seed = seed
        if not _COMPILED:  # the source build: a byte loop in Python would cost ~5x the item
            self.spans, self.count = _plain_word_spans(data, seed)
            self.spaces = data.count(b" ")
            return
        spans: carray.array = _spans_for(len(data))
        out: cython.p_ulonglong = spans.data.as_ulonglongs
        buf: cython.p_uchar = data
        h: cython.ulonglong
        c: cython.uchar
        start: cython.ulonglong = seed
        sp: cython.uchar = _SPACE
        n: cython.Py_ssize_t = len(data)
        i: cython.Py_ssize_t = 0
        ws: cython.Py_ssize_t
        t: cython.Py_ssize_t = 0
        spaces: cython.Py_ssize_t = 0
        while i < n:
            while i < n and buf[i] == sp:
                i += 1
                spaces += 1
            ws = i
            # _fnv, written out: one pass finds the word's end and hashes it
            h = start
            while i < n:
                c = buf[i]
                if c == sp:
                    break
                h = ((h ^ c) * _PRIME_C) & _MASK_C
                i += 1
            if ws == 0 or i >= n:  # a word must have a space on each side to match
                continue
            out[t] = ws
            out[t + 1] = i
            out[t + 2] = h
            t += 3
        self.spans = spans
        self.count = t // 3
        self.spaces = spaces


class PhraseTable:
    """Find whole-word phrases (keys like ``b" layer zero "``) in normalised text.

    ``find`` returns what ``ahocorasick_rs`` overlapping search returns for the same keys,
    in the same order: ``(key index, start, end)`` for every occurrence, by end, the longer
    first where two end at the same place; ``indexes`` only the key indexes, in that order.
    Immutable once built.
    """

    __slots__ = ("_blob", "_entries", "_ints", "_mask", "_seed", "_table", "keys")

    def __init__(self, keys: Iterable[bytes] | bytes, *, indexed: bool = False) -> None:
        """``keys``: the keys, or all of them joined in one ``bytes`` (``b" a  b c "``: every
        key is padded, so two spaces always part two keys), the engine's way: at 50,000
        companies a bytes object per key was ~8 MB more at the build's peak.

        ``indexed``: ``indexes`` will be asked often, so its index objects are made once
        here (a table searched with ``find`` leaves them out: at 50,000 companies they would
        hold about 6 MB)."""
        if isinstance(keys, bytes):
            self._blob = keys
            offsets = _joined_offsets(keys)
        else:
            offsets = array("Q", (0,))
            parts: list[bytes] = []
            total = 0
            for key in keys:
                if len(key) < 3 or key[0] != _SPACE or key[len(key) - 1] != _SPACE or b"  " in key:
                    raise ValueError(f"not a padded whole-word phrase: {key!r}")
                parts.append(key)
                total += len(key)
                offsets.append(total)
            self._blob = b"".join(parts)
            del parts
        self.keys = len(offsets) - 1
        # the index objects ``indexes`` hands out, made once (no new int per match)
        self._ints = tuple(range(self.keys)) if indexed else None
        size, seed, slots = self._filled(offsets)
        self._seed = seed
        self._mask = size - 1
        # The source build looks hashes up in a dict of the filled slots (its probe loop, run
        # by the interpreter, was half its time an item) and keeps only the keys' offsets
        # beside it; the compiled build probes the array.
        self._entries = None
        if not _COMPILED:
            self._entries = _drained(slots)
            self._table = offsets
            return
        # One array, read through one pointer per search: (hash, entry) pairs side by side
        # (one cache line per word looked up), then the keys' offsets in the blob.
        slots[2 * size :] = offsets
        self._table = slots

    def _filled(self, offsets: array[int]) -> tuple[int, int, array[int]]:
        """The hash table of every key and run of a key's last words, as (slots, seed,
        array): sized for the runs that are distinct, at most half full, with room for the
        offsets after it.

        Filled in place, never moved: a first guess (half the runs, at least a slot pair
        per key: names share their last words) is filled again larger when the runs
        outgrow it, or smaller when they leave it more than half empty, the table tried
        before let go first, so a build never holds two tables (at 50,000 companies the
        table filled at twice the size and moved held 25 MB at once, 16.8 MB more than the
        table kept)."""
        runs = self._blob.count(b" ") - self.keys  # every word of every key
        extra = len(offsets) if _COMPILED else 0  # the source keeps the offsets apart
        seed = _FNV_OFFSET
        size = _slots_for(max(self.keys, runs // 2))
        while True:
            slots = _table_of(size, extra)
            distinct = self._fill(seed, offsets, slots, size - 1)
            if distinct == _COLLIDED:
                seed = (seed * _FNV_PRIME + 1) & _MASK64  # two keys, one hash (1 in 10^9)
            elif distinct == _OUTGROWN:
                size *= 2
            elif _slots_for(distinct) < size:
                size = _slots_for(distinct)
            else:
                return size, seed, slots
            del slots  # the table tried goes before the next one is made

    def _fill(self, seed: int, offsets: array[int], slots: array[int], mask: int) -> int:
        """Enter every key, and every run of a key's last words, in ``slots`` as (hash,
        (key index + 1) << 1 | "a longer key ends so") pairs; the number of distinct runs,
        or _COLLIDED when two keys share a hash (the caller then tries another seed), or
        _OUTGROWN as soon as the runs would fill more than half the slots (the caller then
        tries a larger table). Another run that shares a key's hash costs nothing but a
        comparison: the bytes decide a match."""
        blob_b: bytes = self._blob
        blob: cython.p_uchar = blob_b
        offs: cython.ulonglong[:] = offsets
        table: cython.ulonglong[:] = slots
        bits: cython.ulonglong = mask
        start: cython.ulonglong = seed
        full: cython.ulonglong = _RUN_BITS
        fold: cython.ulonglong = _FOLD_PRIME
        sp: cython.uchar = _SPACE
        h: cython.ulonglong
        w: cython.ulonglong
        slot: cython.ulonglong
        v: cython.ulonglong
        add: cython.ulonglong
        keys: cython.Py_ssize_t = self.keys
        k: cython.Py_ssize_t
        a: cython.Py_ssize_t
        i: cython.Py_ssize_t
        j: cython.Py_ssize_t
        distinct: cython.Py_ssize_t = 0
        most: cython.Py_ssize_t = (mask + 1) // 2
        for k in range(keys):
            a = offs[k] + 1
            i = offs[k + 1] - 1  # the key without its padding
            h = 0
            while True:
                j = i  # the last word not yet entered: [j, i)
                while j > a and blob[j - 1] != sp:
                    j -= 1
                w = _fnv(blob, j, i, start) & full
                h = w if i == offs[k + 1] - 1 else (((h ^ (h >> 31)) * fold) ^ w) & full
                add = ((k + 1) << 1) if j == a else 1
                slot = _slot_of(table, bits, h)
                v = table[2 * slot + 1]
                if not v:
                    distinct += 1
                    if distinct > most:
                        return _OUTGROWN
                    table[2 * slot] = h
                elif add > 1 and v >> 1:
                    return _COLLIDED
                table[2 * slot + 1] = v | add
                if j == a:
                    break
                i = j - 1
        return distinct

    def find(self, words: Words) -> list[tuple[int, int, int]]:
        """Every occurrence of every key in the text of ``words``."""
        flat = self._search(words, True, -1)
        return list(zip(flat[0::3], flat[1::3], flat[2::3], strict=True))

    def find_flat(self, words: Words, limit: int = -1) -> array[int]:
        """``find``'s occurrences as one array of (key index, start, end) triples: the
        engine's way (a tuple and three ints made per match, then taken apart again, cost
        about a third of the search); with a ``limit``, only in the text's first ``limit``
        bytes."""
        return self._search(words, True, limit)

    def indexes(self, words: Words, limit: int = -1) -> list[int]:
        """The index of the key of every occurrence, in ``find``'s order; with a ``limit``,
        only in the text's first ``limit`` bytes."""
        return self._search(words, False, limit)

    def _search(self, words: Words, spans: bool, limit: int) -> Any:
        """The walk of ``find_flat`` (``spans``: an array of triples) and ``indexes`` (a
        list of key indexes)."""
        if words.seed != self._seed:  # this table had to take another seed (never seen)
            words = Words(words.data, self._seed)
        if self._entries is not None:
            return self._search_plain(words, spans, limit)
        out: list[Any] = []
        # room for _FLAT_ROOM matches, grown by half again as needed, cut to size at the end
        # (grown from empty it was ~7 reallocations a search)
        flat: carray.array = carray.clone(_FLAT, 3 * _FLAT_ROOM, False)
        put: cython.p_longlong
        ints: tuple[int, ...] | None = self._ints
        # C pointers to the arrays' items (a typed memoryview of each, taken at every
        # search, cost ~1,000 instructions)
        table_a: carray.array = self._table
        found_a: carray.array = words.spans
        table: cython.p_ulonglong = table_a.data.as_ulonglongs
        found: cython.p_ulonglong = found_a.data.as_ulonglongs
        blob_b: bytes = self._blob
        data: bytes = words.data
        # C pointers into the bytes in the compiled build; the bytes themselves otherwise
        blob: cython.p_uchar = blob_b
        buf: cython.p_uchar = data
        mask: cython.ulonglong = self._mask
        full: cython.ulonglong = _MASK_C  # (C constants: no module dict lookup a search)
        fold: cython.ulonglong = _FOLD_C
        h: cython.ulonglong
        slot: cython.ulonglong
        v: cython.ulonglong
        at: cython.Py_ssize_t = 2 * (mask + 1)  # where the offsets start
        k: cython.Py_ssize_t
        count: cython.Py_ssize_t = words.count
        end: cython.Py_ssize_t = len(data) if limit < 0 else limit
        n: cython.Py_ssize_t = 0  # matches so far
        t: cython.Py_ssize_t
        u: cython.Py_ssize_t
        j: cython.Py_ssize_t
        s: cython.Py_ssize_t
        we: cython.Py_ssize_t
        a: cython.Py_ssize_t
        b: cython.Py_ssize_t
        first: cython.Py_ssize_t
        last: cython.Py_ssize_t
        x: cython.longlong
        for t in range(0, 3 * count, 3):
            s = found[t]
            we = found[t + 1]
            if we >= end:  # its space is past the limit
                break
            h = found[t + 2]
            first = n
            u = t
            while True:
                # _slot_of's probe, written out: the hot loop reads each entry as it goes
                slot = (h ^ (h >> 29)) & mask
                v = table[2 * slot + 1]
                while v and table[2 * slot] != h:
                    slot = (slot + 1) & mask
                    v = table[2 * slot + 1]
                if not v:
                    break
                if v >> 1:  # a key ends here: confirm it byte for byte
                    k = (v >> 1) - 1
                    a = table[at + k]
                    b = table[at + k + 1]
                    # (memcmp compares a word or more at a time: the byte loop it replaces
                    # cost ~4 instructions a byte of every match)
                    if b - a == we + 2 - s and memcmp(blob + a, buf + s - 1, b - a) == 0:
                        if spans:
                            if 3 * n + 3 > len(flat):
                                carray.resize_smart(flat, 3 * n + 3)
                            put = flat.data.as_longlongs
                            put[3 * n] = k
                            put[3 * n + 1] = s - 1
                            put[3 * n + 2] = we + 1
                        else:
                            out.append(ints[k] if ints is not None else k)
                        n += 1
                if not v & 1:  # no longer key ends with this run
                    break
                # the word before, if exactly one space separates them (it has one before it)
                if u == 0 or found[u - 2] + 1 != s:
                    break
                u -= 3
                h = (((h ^ (h >> 31)) * fold) ^ found[u + 2]) & full
                s = found[u]
            last = n - 1
            while first < last:  # the longer first at one end, as the automaton does
                if spans:
                    put = flat.data.as_longlongs
                    for j in range(3):
                        x = put[3 * first + j]
                        put[3 * first + j] = put[3 * last + j]
                        put[3 * last + j] = x
                else:
                    out[first], out[last] = out[last], out[first]
                first += 1
                last -= 1
        if spans:
            carray.resize_smart(flat, 3 * n)
            return flat
        return out

    def _search_plain(self, words: Words, spans: bool, limit: int) -> Any:
        """``_search`` as the source build runs it: the same walk, each hash looked up in
        ``_entries`` and each match confirmed by comparing two byte slices."""
        out: list[Any] = []  # (key index, start, end) tuples, or key indexes
        ints = self._ints
        get = self._entries.get  # type: ignore[union-attr]
        offsets = self._table  # the keys' offsets only (see __init__)
        blob = self._blob
        data = words.data
        found = words.spans
        end = len(data) if limit < 0 else limit
        fold = _FOLD_PRIME
        for t in range(0, 3 * words.count, 3):
            s = found[t]
            we = found[t + 1]
            if we >= end:  # its space is past the limit
                break
            v = get(found[t + 2])
            if v is None:
                continue
            h = found[t + 2]
            first = len(out)
            u = t
            while True:
                if v >> 1:  # a key ends here: confirm it byte for byte
                    k = (v >> 1) - 1
                    a = offsets[k]
                    b = offsets[k + 1]
                    if b - a == we + 2 - s and blob[a:b] == data[s - 1 : we + 1]:
                        if spans:
                            out.append((k, s - 1, we + 1))
                        else:
                            out.append(ints[k] if ints is not None else k)
                if not v & 1:  # no longer key ends with this run
                    break
                # the word before, if exactly one space separates them (it has one before it)
                if u == 0 or found[u - 2] + 1 != s:
                    break
                u -= 3
                h = (((h ^ (h >> 31)) * fold) ^ found[u + 2]) & _RUN_BITS
                s = found[u]
                v = get(h)
                if v is None:
                    break
            if len(out) - first > 1:  # the longer first at one end, as the automaton does
                out[first:] = out[first:][::-1]
        if spans:
            return array("q", chain.from_iterable(out))
        return out
