"""Text preparation for the scorer: clean HTML noise once, then build the word-delimited form.

The automaton runs over a *normalised* string in which every word is surrounded by two spaces
and every pattern by one space on each side (``" layer  zero "``). A pattern can then only
match whole words, so word-boundary checks happen inside the automaton and a 1 KB item does
not produce hundreds of mid-word candidate matches that Python would have to reject.
"""

from __future__ import annotations

import html
import re

import nh3

# Sentence separator kept in the normalised text so a match position maps to its sentence.
SENT = "\x1e"

_TAG_HINT = re.compile(r"<[a-zA-Z/!]")
_SCRIPT_HINT = re.compile(r"<\s*(?:script|style)", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z/!][^<>]{0,400}>")
_SPACES = re.compile(r"\s+")
# Sentence ends: punctuation followed by space, ellipses, bullets, line breaks, pipes.
_SENT_END = re.compile(r"(?<=[.!?;])\s+|\s*(?:\.\.\.|…|\n|\r|•|·|\|\|)\s*")
# Everything that is not a word character, '$' or the sentence mark separates words.
_SEP = re.compile(r"[^\w$" + SENT + r"]+")

_PUNCT = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
        "\u2009": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\uff04": "$",
        "\u2026": "...",
    }
)
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(65, 91)})


def clean(raw: str) -> str:
    """Strip tags, unescape entities and fold typographic punctuation.

    Cheap on plain text (two ``in`` checks); nh3 is only used when real markup with
    ``<script>``/``<style>`` is present, because only then does dropping tag *content* matter.
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
    return s.translate(_PUNCT)


def sentences_marked(title: str, text: str) -> str:
    """Join title and text with sentence marks; the title is always its own sentence."""
    title = _SPACES.sub(" ", title).strip()
    text = _SPACES.sub(" ", text).strip()
    if title and text.startswith(title):
        # Headline-only items repeat the title as text; count each signal once.
        text = text[len(title):].lstrip(" .:-")
    body = _SENT_END.sub(f" {SENT} ", text) if text else ""
    if title:
        return f"{title} {SENT} {body}" if body else title
    return body


def normalise(marked: str) -> tuple[str, str]:
    """Return ``(cased, lowered)`` word-delimited strings of equal length.

    Words are joined by two spaces so that adjacent one-space-padded patterns never overlap.
    ``cased`` keeps the original case for symbol checks at the same offsets.
    """
    cased = "  " + _SEP.sub("  ", marked).strip() + "  "
    lowered = cased.lower()
    if len(lowered) != len(cased):  # rare Unicode whose lower case changes length
        lowered = cased.translate(_ASCII_LOWER)
    return cased, lowered


def pattern_key(phrase: str) -> str:
    """Normalise a phrase the same way as text, padded for whole-word matching."""
    core = _SEP.sub("  ", phrase.translate(_PUNCT).lower()).strip()
    return f" {core} " if core else ""
