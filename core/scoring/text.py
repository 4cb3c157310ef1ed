"""Text preparation for the scorer: clean HTML noise once, then build the word-delimited form.

The automaton runs over a *normalised* copy of the item in which every non-word character is
a space and patterns carry one space on each side (``" layer zero "``). With overlapping
matching a pattern can then only match whole words, so word-boundary checks happen inside
the automaton and a 1 KB item does not produce hundreds of mid-word candidates that Python
would have to reject. The normalised strings have the same length as the marked text, so
one offset means the same place in all of them.
"""

from __future__ import annotations

import html
import re
from itertools import accumulate, chain, repeat
from operator import add

import nh3

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
    if "  " in text or "\t" in text:
        text = " ".join(text.split())  # "token  generation" must still match as a phrase
    if "  " in title or "\t" in title:
        title = " ".join(title.split())
    if title:
        return f" {title} {SENT} {text} " if text else f" {title} "
    return f" {text} "


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
    # Offsets of ". " from the lengths of the pieces between them, without a Python loop:
    # bound k = len(piece 0) + sum(len(piece i) + 2 for 0 < i <= k).
    pieces = raw.translate(_END_TABLE).split(b". ")
    del pieces[-1]
    bounds = list(accumulate(map(add, map(len, pieces), chain((0,), repeat(2)))))
    # the lower-case form is the cased one lowered: bytes.lower() is a third of a translate
    cased = raw.translate(_CASED_TABLE)
    return cased.decode("ascii"), cased.lower().decode("ascii"), bounds


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
