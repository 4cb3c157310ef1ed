"""The learned layer: the engine's signals plus the item's words -> a calibrated probability.

The engine (:mod:`core.scoring.engine`) finds signals fast and adds them up by hand-set
weights; on real news that sum is a poor probability. This layer is a logistic regression
(trained by ``tge-monitor train``, see :mod:`core.scoring.train`) over two kinds of features,
both computed here so that training and inference can never disagree:

* the engine's signals, read from its :class:`Analysis` (keyword tiers and labels, company,
  ticker, proximity, dates, negative categories, the rules' own score, title vs body);
* the item's word uni- and bi-grams, anywhere and in the headline, from a vocabulary kept in
  the model file. Inference finds them with one pass of a phrase table over the words of the
  same normalised text the engine reads (:class:`core.scoring.text.PhraseTable`), so the
  cost is one compiled scan plus a short loop over the phrases found.

The raw score goes through an isotonic calibration table fitted on out-of-fold predictions,
so that among items scored 0.8 about eight in ten are TGEs.

A model is a JSON file (format, version, features, weights, calibration, the data it was
trained on, its metrics): loading it can never run code, unlike a pickle. A missing, corrupt
or incompatible file gives one log line and ``None``; the engine then scores with its rules.
"""

from __future__ import annotations

import json
import logging
import math
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

try:  # C integer types for the compiled build (setup.py); plain Python ints otherwise
    import cython
except ImportError:  # pragma: no cover - the source runs without Cython installed
    from core.scoring._native import CYTHON_STAND_IN as cython

if cython.compiled:  # C access to an array's items (find_flat's matches)
    from cython.cimports.cpython import array as carray

from core.markets import EXCHANGES
from core.scoring.engine import (
    Analysis,
    Later,
    explain_rules,
    explanation_stored,
    make_analysis,
    store_explanation,
)
from core.scoring.history import TokenHistory, item_tickers
from core.scoring.language import _CJK_RANGES
from core.scoring.text import SENT, PhraseTable, Words, clean, normalise, sentences_marked

log = logging.getLogger(__name__)

FORMAT = "tge-model"
FORMAT_VERSION = 1
# A model trained with the page-kind features (the item's address) is version 2; this build
# reads both, and a version-1 file scores as it always did.
FORMAT_VERSION_URL = 2
READABLE_VERSIONS = (FORMAT_VERSION, FORMAT_VERSION_URL)
BUNDLED_MODEL = Path(__file__).resolve().parent.parent / "data" / "model" / "tge-model-v1.json"
# The model that scores items the engine detects as Chinese, Japanese or Korean (MZ: its
# phrases read CJK runs as characters, features.cjk_ngrams), loaded beside the main one.
BUNDLED_CJK_MODEL = BUNDLED_MODEL.with_name("tge-model-cjk.json")
CJK_LANGUAGES = ("zh", "ja", "ko")

HIGH = 0.7
MEDIUM = 0.4

# Reasons shown: at most this many, each moving the log-odds by at least this much.
MAX_REASONS = 4
MIN_REASON = 0.25


class ModelError(ValueError):
    """A model file that cannot be used (missing, corrupt, other format or version)."""


# --- features: one definition for training and inference --------------------------------


def item_text(title: str, text: str) -> tuple[str, int]:
    """The engine's normalised lower-case text of an item and the offset where its headline
    ends (0 without a headline).

    Same cleaning and sentence marking as the engine: words separated by single spaces, any
    punctuation or sentence end leaves two, so a bigram never spans a comma or a full stop.
    """
    title_c = clean(title) if title else ""
    low = normalise(sentences_marked(title_c, clean(text) if text else ""))[1]
    if not title_c.strip():
        return low, 0
    k = low.find(SENT)
    return low, (k if k != -1 else len(low))


def ngrams(low: str, max_n: int) -> set[str]:
    """Every word n-gram (1..max_n) of a normalised text, as the phrase table finds them.

    Used by training to propose the vocabulary; a test checks that the phrase table, given that
    vocabulary, finds exactly these.
    """
    out: set[str] = set()
    for piece in low.split(SENT):
        for chunk in piece.split("  "):
            words = chunk.split()
            n_words = len(words)
            for n in range(1, max_n + 1):
                for i in range(n_words - n + 1):
                    out.add(" ".join(words[i : i + n]))
    return out


# A model trained with CJK n-grams (features.cjk_ngrams, `tge-monitor train --features cjk`)
# reads its phrases from a text where every CJK character (Han, kana, hangul) is a word of
# its own: "币安上线" -> "币 安 上 线", so character n-grams are word n-grams of that text.
# Punctuation beyond ASCII (。，、「」…) leaves two spaces, as ". " does in the engine's
# text, so no n-gram spans it; ASCII punctuation and spaces are read as the engine reads them.
_CJK_GAP = re.compile(f"(?<=[{_CJK_RANGES}])(?=\\w)|(?<=\\w)(?=[{_CJK_RANGES}])")
_WIDE_MARK = re.compile(r"[^\w$\s\x00-\x7f]")
_MARK = re.compile(r"[^\w$" + SENT + "]")
_CJK_SPACE = re.compile(f"(?<=[{_CJK_RANGES}]) (?=[{_CJK_RANGES}])")


def cjk_item_text(title: str, text: str) -> tuple[str, int]:
    """``item_text`` for a model with CJK n-grams: the same text where it is ASCII, else
    the item's words and each CJK character apart (see _CJK_GAP), lower-case, and the offset
    where its headline ends. Training and inference both read phrases from this."""
    title_c = clean(title) if title else ""
    marked = sentences_marked(title_c, clean(text) if text else "")
    if marked.isascii():
        low = normalise(marked)[1]
    else:
        low = _MARK.sub(" ", _WIDE_MARK.sub("  ", _CJK_GAP.sub(" ", marked))).lower()
    if not title_c.strip():
        return low, 0
    k = low.find(SENT)
    return low, (k if k != -1 else len(low))


# Feature names made of a prefix and a word from a finite vocabulary (signals, keyword labels,
# negative categories, date kinds), made once per process: building and hashing a new string
# for each feature of each item was a tenth of the model's time. A label made of a ticker
# ("ZRO airdrop") is new each time; past the bound such names are made as before.
_NAME_CACHE_MAX = 4096
_SIG_NAMES: dict[str, str] = {}
_TIER_NAMES: dict[str, dict[str, str]] = {"tier1": {}, "tier2": {}, "tier3": {}}
_NEG_NAMES: dict[str, str] = {}
_WHEN_NAMES: dict[str, str] = {}


def _remember(cache: dict[str, str], key: str, name: str) -> str:
    if len(cache) < _NAME_CACHE_MAX:
        cache[key] = name
    return name


def signal_features(a: Analysis, low: str, title_end: int) -> dict[str, float]:
    """The engine's signals as named features (absent = 0).

    Numeric values are centred or signed so that a contribution has a meaning on its own:
    the rules' score counts from 0.5, an explanation delta is what the rule added or took.
    """
    f: dict[str, float] = {"rules": a.confidence - 0.5}
    # Locals typed as dicts: the compiled build then reads them directly, not by method call.
    sig_names: dict[str, str] = _SIG_NAMES
    e: dict[str, Any]
    for e in a.explanation:
        sig = e["signal"]
        if sig == "proximity":
            sig = "proximity1" if "tier-1" in e["detail"] else "proximity2"
        elif sig == "clamp":
            continue
        name = sig_names.get(sig)
        if name is None:
            name = _remember(sig_names, sig, "sig:" + sig)
        f[name] = f.get(name, 0.0) + float(e["delta"])
    kws: dict[str, list[str]] = a.keywords
    names: dict[str, str]
    for tier in ("tier1", "tier2", "tier3"):
        labels = kws.get(tier)
        if labels:
            names = _TIER_NAMES[tier]
            for label in labels:
                name = names.get(label)
                if name is None:
                    name = _remember(names, label, f"{tier}:{label}")
                f[name] = 1.0
    names = _NEG_NAMES
    for cat in a.negatives:
        name = names.get(cat)
        if name is None:
            name = _remember(names, cat, "neg:" + cat)
        f[name] = 1.0
    if a.urgency:
        kind = str(a.urgency.get("kind"))
        names = _WHEN_NAMES
        name = names.get(kind)
        if name is None:
            name = _remember(names, kind, "when:" + kind)
        f[name] = 1.0
    head = low[:title_end]
    if a.companies:
        f["company"] = 1.0
        if len(a.companies) > 1:
            f["companies:many"] = 1.0
        if head:
            matched = str(a.companies[0].get("matched") or "").lstrip("$").lower()
            if matched and f" {matched} " in head:
                f["company:title"] = 1.0
    d = a.discovered
    if d:  # a project in no table, named by the text (core.scoring.discovery)
        f["discovered"] = 1.0
        f["discovered:" + str(d.get("how") or "")] = 1.0
        if d.get("weak"):
            f["discovered:weak"] = 1.0
    if a.language != "en":
        f["language:other"] = 1.0
        f["language:" + a.language] = 1.0
    if a.tokens:
        f["ticker"] = 1.0
        if head:
            for t in a.tokens:
                t = t.lower()
                if f" {t} " in head or f" ${t} " in head:
                    f["ticker:title"] = 1.0
                    break
    if not title_end:
        f["title:none"] = 1.0
    n_words = low.count(" ")
    if n_words < 30:
        f["len:short"] = 1.0
    elif n_words > 160:
        f["len:long"] = 1.0
    return f


def _text_and_head(title: str, text: str, low: str | None) -> tuple[str, int]:
    """``item_text``, or the headline's end in ``low`` when the engine made the text."""
    if low is None:
        return item_text(title, text)
    if title and clean(title).strip():
        k = low.find(SENT)
        return low, (k if k != -1 else len(low))
    return low, 0


def item_features(
    a: Analysis,
    title: str,
    text: str,
    low: str | None = None,
    history: TokenHistory | None = None,
    day: int | None = None,
) -> tuple[str, int, dict[str, float]]:
    """Normalised text, headline end and the signal features of one analysed item, plus the
    shape of the headline as written (the normalised text has lost its case and '?'), plus,
    given a token ``history`` and the item's ``day``, whether its tickers traded before.

    ``low`` is the normalised text when the engine already made it (the same as
    :func:`item_text` makes)."""
    low, title_end = _text_and_head(title, text, low)
    f = signal_features(a, low, title_end)
    if title_end:
        t = title.strip()
        if t.endswith("?"):
            f["title:question"] = 1.0
        if t == t.lower() and sum(c.isalpha() for c in t) > 8:
            f["title:lower"] = 1.0
    if history is not None and day is not None:
        f.update(history.features(item_tickers(a, title), day))
    return low, title_end, f


# --- the page's address (training option "pagekind", model format 2) ---------------------

# What kind of page an address is, by its host and its path's words (issue 11: M0 missed
# projects' own docs pages, launches told through their aftermath on news and price sites,
# listings worded as trading guides). A judgement on hosts, kept short; the path's words
# also count one by one ("u:" features), as the model's phrases do for the text.
_URL_BLOG_HOSTS = ("medium.com", "mirror.xyz", "substack.com", "paragraph.xyz", "notion.site")
_URL_AGGREGATORS = (
    "ainvest",
    "coinmarketcap",
    "coingecko",
    "coinstats",
    "cryptorank",
    "tradingview",
    "investing.com",
    "messari",
    "dropstab",
    "icodrops",
    "airdrops.io",
    "coincarp",
)
_URL_NEWS = (
    "cointelegraph",
    "coindesk",
    "decrypt",
    "theblock",
    "cryptonews",
    "cryptopotato",
    "cryptoslate",
    "dlnews",
    "thedefiant",
    "blockworks",
    "beincrypto",
    "bitcoinist",
    "newsbtc",
    "u.today",
    "yahoo",
    "crypto.news",
    "coingape",
    "cryptobriefing",
    "chaincatcher",
    "odaily",
    "panewslab",
    "techflowpost",
    "theblockbeats",
    "foresightnews",
    "reuters",
    "bloomberg",
    "forbes",
    "readwrite",
)
_URL_LOCAL_TLDS = frozenset("kr jp cn vn ru tr it de fr es br id ir th tw hk".split())
_URL_PATH_KINDS = {
    "docs": "docs",
    "doc": "docs",
    "wiki": "docs",
    "gitbook": "docs",
    "tokenomics": "tokenomics",
    "airdrop": "airdrop",
    "blog": "blog",
    "news": "news",
    "prediction": "prediction",
    "guide": "guide",
    "learn": "learn",
    "academy": "learn",
    "support": "support",
    "announcement": "announce",
    "announcements": "announce",
    "listing": "listing",
    "claim": "claim",
    "eligibility": "eligibility",
    "faq": "faq",
    "price": "price",
    "research": "research",
    "square": "square",
}
_URL_EXCHANGE_WORDS = frozenset(e.replace(".", "") for e in EXCHANGES)
_URL_SPLIT = re.compile(r"[^a-z0-9]+")
_URL_HOST_SPLIT = re.compile(r"[.\-]")


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in words))


# one search each, as "any of these in the host" (a generator over the tuple cost more)
_URL_BLOG_RE = _any_of(_URL_BLOG_HOSTS)
_URL_AGGREGATOR_RE = _any_of(_URL_AGGREGATORS)
_URL_NEWS_RE = _any_of(_URL_NEWS)
# the cut by hand covers "host/path?query#fragment" with nothing urlsplit would treat apart:
# no whitespace or control characters anywhere, no user, port or IPv6 brackets in the host
_URL_UNUSUAL = re.compile(r"[\x00-\x20\x7f]")
_URL_NETLOC_END = re.compile(r"[/?#]")
_URL_NETLOC_ODD = re.compile(r"[@:\[\]]")
_URL_PATH_END = re.compile(r"[?#]")


def _host_and_path(url: str) -> tuple[str, str] | None:
    """The lower-case host and path of an address as ``urlsplit`` reads them (an address
    without "//" read as "http://" + it), or None where ``urlsplit`` refuses it. The usual
    "http(s)://host/path" is cut by hand (``urlsplit`` was a quarter of the features' time);
    anything else goes through ``urlsplit``."""
    u = url.strip() if "//" in url else "http://" + url.strip()
    for scheme in ("https://", "http://"):
        if u.startswith(scheme):
            rest = u[len(scheme) :]
            break
    else:
        rest = ""
    if rest and rest.isascii() and not _URL_UNUSUAL.search(rest):
        cut = _URL_NETLOC_END.search(rest)
        netloc = rest[: cut.start()] if cut else rest
        if not _URL_NETLOC_ODD.search(netloc):
            path = rest[len(netloc) :]
            end = _URL_PATH_END.search(path)
            return netloc.lower(), (path[: end.start()] if end else path).lower()
    try:
        parts = urlsplit(u)
        return (parts.hostname or "").lower(), (parts.path or "").lower()
    except ValueError:
        return None


# Host -> its kinds' feature names, made once per host (a service reads few hosts); bounded.
_URL_HOSTS: dict[str, tuple[str, ...]] = {}
_URL_WORD_NAMES: dict[str, str] = {}  # path word -> "u:" + word, bounded as _NAME_CACHE_MAX
_URL_KIND_NAMES = {k: "url:path_" + k for k in (*_URL_PATH_KINDS.values(), "howto")}


def _host_kinds(host: str) -> tuple[str, ...]:
    """The host's kind features in url_features' order ("url:docs" first)."""
    out: list[str] = []
    h = host[4:] if host.startswith("www.") else host
    first = h.split(".", 1)[0]
    if first in ("docs", "doc", "wiki", "developers", "learn") or "gitbook" in h:
        out.append("url:docs")
    if first == "blog" or _URL_BLOG_RE.search(h):
        out.append("url:blog")
    if not _URL_EXCHANGE_WORDS.isdisjoint(_URL_HOST_SPLIT.split(h)):
        out.append("url:exchange")
    if first in ("support", "help", "faq") or "zendesk" in h:
        out.append("url:support")
    if _URL_AGGREGATOR_RE.search(h):
        out.append("url:aggregator")
    if _URL_NEWS_RE.search(h):
        out.append("url:news")
    if "." in h and h.rsplit(".", 1)[1] in _URL_LOCAL_TLDS:
        out.append("url:tld_local")
    return tuple(out)


def url_features(url: str | None) -> list[str]:
    """The names of an address's page-kind features (each 1.0), in a fixed order: host kind
    ("url:docs", "url:blog", "url:exchange", "url:support", "url:aggregator", "url:news",
    "url:tld_local"), path kinds ("url:path_docs" ...), "url:home", then each word of the
    path of three or more characters, not a number ("u:airdrop"). None or "" gives none."""
    if not url:
        return []
    split = _host_and_path(url)
    if split is None:
        return []
    host, path = split
    hosts: dict[str, tuple[str, ...]] = _URL_HOSTS
    kinds_of_host = hosts.get(host)
    if kinds_of_host is None:
        kinds_of_host = _host_kinds(host)
        if len(hosts) < _NAME_CACHE_MAX:
            hosts[host] = kinds_of_host
    out: list[str] = list(kinds_of_host)
    if path.startswith("/docs") and (not out or out[0] != "url:docs"):
        out.insert(0, "url:docs")
    names: dict[str, str] = _URL_WORD_NAMES
    kinds: set[str] = set()
    seen: set[str] = set()
    said: list[str] = []
    home = True
    for w in _URL_SPLIT.split(path):
        if not w:
            continue
        home = False
        k = _URL_PATH_KINDS.get(w)
        if k is not None:
            kinds.add(k)
        if len(w) > 2 and w not in seen and not w.isdigit():
            seen.add(w)
            name = names.get(w)
            if name is None:
                name = _remember(names, w, "u:" + w)
            said.append(name)
    if "price-prediction" in path:
        kinds.add("prediction")
    if "how-to" in path:
        kinds.add("howto")
    if kinds:
        out.extend(_URL_KIND_NAMES[k] for k in sorted(kinds))
    if home:
        out.append("url:home")
    out.extend(said)
    return out


# --- plain words for the "why" ------------------------------------------------------------

_NEGATIVE_WORDS = {
    "denial": "reads like a denial",
    "speculation": "rumour or speculation",
    "price": "reads like a price move",
    "hack": "about a hack or exploit",
    "legal": "legal or regulatory news",
    "guide": "reads like a how-to guide",
    "recap": "looks back at a past event",
    "scam": "scam warning",
    "prelaunch": "a step before launch (points, snapshot)",
    "undated": "no launch date set",
    "testnet": "about a testnet",
    "postlaunch": "after the launch",
    "product": "a product launch, not a token",
    "funding": "a funding round",
    "swap": "a token swap or rebrand",
    "unlock": "a token unlock",
    "second_round": "a later airdrop round",
    "promo": "paid promotion",
    "old_listing": "listing of a token that already trades",
    "stale": "the date is long past",
    "question": "the headline asks whether it will happen",
}

_SIGNAL_WORDS = {
    "company": "names a watched project",
    "companies:many": "names several projects",
    "company:title": "the project is in the headline",
    "ticker": "names a ticker",
    "ticker:title": "the ticker is in the headline",
    "sig:company": "names a watched project",
    "sig:token": "names a ticker",
    "sig:proximity1": "launch wording next to the project or ticker",
    "sig:proximity2": "launch wording near the project or ticker",
    "sig:urgency": "gives a date",
    "title:none": "no headline",
    "discovered": "names a new project",
    "discovered:weak": "the new project's name is a guess",
    "language:other": "not in English",
    "title:question": "the headline is a question",
    "title:lower": "lower-case headline",
    "len:short": "a very short item",
    "len:long": "a long article",
    "hist:old": "the token already trades (seen over a month before)",
    "hist:recent": "the token was first seen days before",
    "hist:new": "the token was not seen before",
}


_URL_WORDS = {
    "docs": "a documentation page",
    "blog": "a blog post",
    "exchange": "an exchange's page",
    "support": "a help-centre page",
    "aggregator": "a price or data site",
    "news": "a news site",
    "tld_local": "a site of one country",
    "home": "a site's front page",
}


def describe(name: str, a: Analysis, positive: bool) -> str:
    """A feature in plain words (the direction is shown separately as (+) or (−))."""
    kind, _, rest = name.partition(":")
    if name == "rules":
        return "the rules see launch news" if positive else "the rules see little launch news"
    if kind in ("w", "tw"):
        if not rest.isascii():  # a CJK phrase as written: "空投", not "空 投"
            rest = _CJK_SPACE.sub("", rest)
        return f"headline says '{rest}'" if kind == "tw" else f"says '{rest}'"
    if kind in ("tier1", "tier2", "tier3"):
        return f"says '{rest}'"
    if kind == "neg":
        return _NEGATIVE_WORDS.get(rest, rest.replace("_", " "))
    if kind == "u":
        return f"the address says '{rest}'"
    if kind == "url":
        return _URL_WORDS.get(rest, "the address looks like " + rest.replace("_", " "))
    if kind == "language":
        return "not in English" if rest == "other" else f"written in '{rest}'"
    if kind == "discovered":
        return "names a new project"
    if kind == "when":
        return f"gives a {rest}" if rest not in ("date", "relative") else "gives a date"
    if kind == "sig":
        if rest.startswith("negative:"):
            cat = rest.split(":", 1)[1]
            return _NEGATIVE_WORDS.get(cat, cat.replace("_", " "))
        if rest == "tier1":
            first = (a.keywords.get("tier1") or ["?"])[0]
            return f"explicit launch or claim wording ('{first}')"
        if rest == "tier2":
            first = (a.keywords.get("tier2") or ["?"])[0]
            return f"launch-related wording ('{first}')"
        if rest == "tier3":
            return "token vocabulary"
    if name in ("company", "sig:company") and a.companies:
        return f"names {a.companies[0].get('name')}"
    if name in ("ticker", "sig:token") and a.tokens:
        return "names $" + a.tokens[0]
    return _SIGNAL_WORDS.get(name, name)


# --- the model ----------------------------------------------------------------------------


def _finite(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
        raise ModelError(f"{what} is not a finite number")
    return float(x)


def _phrase_matcher(
    words: list[str], weights: list[float], prefix: str
) -> tuple[tuple[str, ...], tuple[float, ...], PhraseTable | None]:
    """The feature names (``prefix`` + phrase) of the phrases with a non-zero weight, their
    weights, and one phrase table finding them as whole words in normalised text (None when
    there are none), whose key indexes are the positions in those tuples. Names are made once
    here, not per match.
    """
    pairs = [(w, x) for w, x in zip(words, weights, strict=True) if x]
    if not pairs:
        return (), (), None
    return (
        tuple(prefix + w for w, _ in pairs),
        tuple(x for _, x in pairs),
        PhraseTable((f" {w} ".encode() for w, _ in pairs), indexed=True),
    )


# The order _add_in_set_order replays: CPython's set of small ints (Objects/setobject.c;
# an int is its own hash). The table starts with 8 slots; a key goes to slot key & mask if
# free, else to the first free one of the next _LINEAR_PROBES slots when they lie inside
# the table, else on from i * 5 + 1 + perturb (perturb: the key, shifted right by
# _PERTURB_SHIFT each time). Once 5 * filled >= 3 * mask the table grows to the least
# power of two above 4 * filled and the keys move over in slot order (the same probe);
# iteration reads the slots in order. Up to _SET_MOST keys it stays within 512 slots
# (it grows at 5, 19 and 77 keys: 32, 128, 512 slots; next at 307).
_LINEAR_PROBES = cython.declare(cython.Py_ssize_t, 9)
_PERTURB_SHIFT = cython.declare(cython.Py_ssize_t, 5)
_SET_MOST = 306


def _add_phrases(
    table: PhraseTable,
    words: Words,
    limit: int,
    names: tuple[str, ...],
    ws: tuple[float, ...],
    z: float,
    min_part: float,
    parts: list[tuple[float, str]],
) -> float:
    """``z`` plus the weights of the phrases ``table`` finds in ``words`` (in the first
    ``limit`` bytes unless -1), each phrase once; ``parts`` gets those of at least
    ``min_part``.

    The weights are added in the order a set of the phrases' key indexes, filled in match
    order, iterates: the order these sums have always had (floats do not add
    associatively), so every score stays the same float. The source makes that set; the
    compiled build replays its table on a C array from the matches' key indexes
    (_add_in_set_order) instead of making an int per match, a list, a set and reading the
    set back (a sixth of the model's time an item); an item with more than _SET_MOST
    phrase matches makes the set as the source does."""
    c: float
    i: cython.Py_ssize_t
    if cython.compiled:
        found: carray.array = table.find_flat(words, limit)
        if len(found) <= 3 * _SET_MOST:
            return _add_in_set_order(found, names, ws, z, min_part, parts)
    for i in set(table.indexes(words, limit)):
        c = ws[i]
        z += c
        if c >= min_part or -c >= min_part:
            parts.append((c, names[i]))
    return z


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _set_slot(
    slots: cython.pointer(cython.Py_ssize_t), mask: cython.Py_ssize_t, key: cython.Py_ssize_t
) -> cython.Py_ssize_t:
    """Where the set's probe for ``key`` stops in ``slots`` (key + 1 in a filled slot, 0 in
    a free one): the key's slot, or the free one it takes (set_add_entry; set_insert_clean
    probes the same way)."""
    i: cython.Py_ssize_t = key & mask
    j: cython.Py_ssize_t
    last: cython.Py_ssize_t
    perturb: cython.size_t = key
    while True:
        j = i
        last = i + _LINEAR_PROBES if i + _LINEAR_PROBES <= mask else i
        while slots[j] and slots[j] != key + 1 and j < last:
            j += 1
        if not slots[j] or slots[j] == key + 1:
            return j
        perturb >>= _PERTURB_SHIFT
        i = (i * 5 + 1 + perturb) & mask


@cython.cfunc
def _add_in_set_order(
    found: carray.array,
    names: tuple,
    ws: tuple,
    z: cython.double,
    min_part: cython.double,
    parts: list,
) -> cython.double:
    """_add_phrases on find_flat's triples, compiled: the set's table (see _LINEAR_PROBES)
    on a C array, then its weights added in slot order."""
    # C arrays with room for _SET_MOST keys (this runs compiled only)
    slots = cython.declare(cython.Py_ssize_t[512])
    old = cython.declare(cython.Py_ssize_t[512])
    keys: cython.p_longlong = found.data.as_longlongs
    n: cython.Py_ssize_t = len(found)
    mask: cython.Py_ssize_t = 7
    filled: cython.Py_ssize_t = 0
    size: cython.Py_ssize_t
    key: cython.Py_ssize_t
    j: cython.Py_ssize_t
    m: cython.Py_ssize_t
    c: cython.double
    for j in range(8):
        slots[j] = 0
    for m in range(0, n, 3):
        key = keys[m]
        j = _set_slot(slots, mask, key)
        if slots[j]:
            continue  # there already
        slots[j] = key + 1
        filled += 1
        if filled * 5 >= mask * 3:  # the table grows; the keys move over in slot order
            size = 8
            while size <= filled * 4:
                size <<= 1
            for j in range(mask + 1):
                old[j] = slots[j]
            for j in range(size):
                slots[j] = 0
            for j in range(mask + 1):
                if old[j]:
                    slots[_set_slot(slots, size - 1, old[j] - 1)] = old[j]
            mask = size - 1
    for j in range(mask + 1):
        if slots[j]:
            key = slots[j] - 1
            c = ws[key]
            z += c
            if c >= min_part or -c >= min_part:
                parts.append((c, names[key]))
    return z


_TIERS = ("tier1", "tier2", "tier3")


def _keyed_weights(signals: dict[str, float]) -> tuple[dict[str, tuple[float, str]], ...]:
    """The non-zero signal weights, each as (weight, feature name), by name and by what an
    analysis holds for it: the explanation's signal ("sig:"), a keyword label of each tier,
    a negative category ("neg:"), a date kind ("when:"). A weight of 0 adds nothing."""
    named: dict[str, tuple[float, str]] = {}
    by = {"sig": {}, "tier1": {}, "tier2": {}, "tier3": {}, "neg": {}, "when": {}}
    for name, w in signals.items():
        if w == 0.0:
            continue
        named[name] = (w, name)
        kind, _, key = name.partition(":")
        if kind in by and not (kind == "sig" and key in ("clamp", "proximity")):
            by[kind][key] = (w, name)  # (no feature is made of those two signals)
    return (named, by["sig"], by["tier1"], by["tier2"], by["tier3"], by["neg"], by["when"])


class TGEModel:
    """A loaded model: weights, phrase tables and calibration table. Immutable."""

    __slots__ = (
        "_any",
        "_any_phrases",
        "_any_w",
        "_head",
        "_head_phrases",
        "_head_w",
        "_keyed",
        "_model_line",
        "_said",
        "bias",
        "cal_x",
        "cal_y",
        "card",
        "cjk",
        "cjk_route",
        "decision_threshold",
        "max_n",
        "name",
        "phrases",
        "signals",
        "uses_history",
        "uses_url",
    )

    def __init__(self, spec: Any) -> None:
        """Validate a parsed model file; raise :class:`ModelError` on anything unexpected."""
        if not isinstance(spec, dict) or spec.get("format") != FORMAT:
            raise ModelError("not a tge-monitor model file")
        version = spec.get("format_version")
        if isinstance(version, bool) or version not in READABLE_VERSIONS:
            raise ModelError(
                f"format version {version!r}, this build reads "
                f"{' or '.join(map(str, READABLE_VERSIONS))}; retrain with: tge-monitor train"
            )
        self.name = str(spec.get("name") or "model")
        features = spec.get("features")
        if not isinstance(features, dict):
            raise ModelError("no feature spec")
        max_n = features.get("ngram_max")
        if not isinstance(max_n, int) or not 1 <= max_n <= 4:
            raise ModelError("features.ngram_max must be 1..4")
        self.max_n = max_n
        self.bias = _finite(spec.get("bias"), "bias")
        signals = spec.get("signals")
        if not isinstance(signals, dict):
            raise ModelError("signals must be an object")
        self.signals = {str(k): _finite(v, f"signal weight {k!r}") for k, v in signals.items()}
        self._keyed = _keyed_weights(self.signals)
        self.uses_history = any(k.startswith("hist:") for k in self.signals)
        # The page's address as features (version 2 only, which must say so)
        by_url = [k for k in self.signals if k.startswith(("url:", "u:"))]
        if version == FORMAT_VERSION_URL:
            if features.get("url") is not True:
                raise ModelError("format version 2 needs features.url true")
        elif features.get("url") is not None or by_url:
            raise ModelError("address features (url:, u:) need format version 2")
        self.uses_url = version == FORMAT_VERSION_URL
        # CJK runs read as characters (cjk_item_text); absent: words only, as ever
        cjk = features.get("cjk_ngrams")
        if cjk is not None and not isinstance(cjk, bool):
            raise ModelError("features.cjk_ngrams must be true or false")
        self.cjk = cjk is True
        # The partner that scores zh/ja/ko items and the threshold they are judged at
        # (attach_cjk), or None: this model scores every item.
        self.cjk_route: tuple[TGEModel, float] | None = None
        phrases = spec.get("phrases")
        if not isinstance(phrases, list):
            raise ModelError("phrases must be a list")
        words: list[str] = []
        w_any: list[float] = []
        w_title: list[float] = []
        for row in phrases:
            if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str)):
                raise ModelError("a phrase row is not [text, weight, headline weight]")
            text = row[0]
            if not text or text != " ".join(text.split()) or text != text.lower():
                raise ModelError(f"phrase {text!r} is not normalised")
            if text.count(" ") >= max_n:
                raise ModelError(f"phrase {text!r} is longer than ngram_max")
            words.append(text)
            w_any.append(_finite(row[1], f"weight of {text!r}"))
            w_title.append(_finite(row[2], f"headline weight of {text!r}"))
        if len(set(words)) != len(words):
            raise ModelError("duplicate phrases")
        self.phrases = len(words)
        self._any_phrases, self._any_w, self._any = _phrase_matcher(words, w_any, "w:")
        self._head_phrases, self._head_w, self._head = _phrase_matcher(words, w_title, "tw:")
        # A feature's reason in plain words, made once where it does not depend on the item:
        # every phrase ("" for one made only of function words: "says 'a'" explains nothing,
        # whatever its weight) and every signal that reads the same whatever the analysis
        # and the direction (probed with two unlike analyses); the rest is worded per item.
        blank = Analysis(0.0, "low")
        full = Analysis(
            1.0,
            "high",
            [{"name": "Probe", "matched": "probe"}],
            ["PRB"],
            {"tier1": ["probe one"], "tier2": ["probe two"], "tier3": ["probe three"]},
            {"text": "probe", "date": None, "kind": "date"},
            ["scam"],
            [],
            {"name": "Probe", "ticker": "PRB", "how": "probe"},
            "xx",
        )
        said = {
            name: "" if _only_stop(name) else describe(name, blank, True)
            for name in (*self._any_phrases, *self._head_phrases)
        }
        for name in self.signals:
            wordings = {describe(name, a, up) for a in (blank, full) for up in (True, False)}
            if len(wordings) == 1:
                said[name] = wordings.pop()
        self._said = said
        # The model's line in the explanation, per rules' confidence (0.000 .. 1.000, the
        # values the engine gives): formatting a float per item costs more than a lookup.
        self._model_line = {
            i / 1000: f"{self.name}: calibrated probability (rules alone: {i / 1000:.3f})"
            for i in range(1001)
        }
        cal = spec.get("calibration")
        if not isinstance(cal, dict):
            raise ModelError("no calibration table")
        xs, ys = cal.get("x"), cal.get("y")
        if not (isinstance(xs, list) and isinstance(ys, list) and len(xs) == len(ys) >= 2):
            raise ModelError("calibration needs x and y lists of the same length (2 or more)")
        self.cal_x = tuple(_finite(x, "calibration x") for x in xs)
        self.cal_y = tuple(_finite(y, "calibration y") for y in ys)
        if any(b < a for a, b in zip(self.cal_x, self.cal_x[1:], strict=False)):
            raise ModelError("calibration x must be sorted")
        if any(b < a for a, b in zip(self.cal_y, self.cal_y[1:], strict=False)):
            raise ModelError("calibration must be monotone (y never decreasing)")
        if self.cal_y[0] < 0.0 or self.cal_y[-1] > 1.0:
            raise ModelError("calibrated probabilities must lie in 0..1")
        card = spec.get("card")
        self.card = card if isinstance(card, dict) else {}
        # The operating threshold training chose by cross-validated F1 (None in older files):
        # alerts and eval decide there when ALERT_THRESHOLD / --threshold do not say.
        t = self.card.get("decision_threshold")
        ok = isinstance(t, (int, float)) and not isinstance(t, bool) and 0.0 < t < 1.0
        self.decision_threshold = float(t) if ok else None

    # -- scoring --

    def calibrate(self, z: float) -> float:
        """The calibrated probability of a raw score: linear between the table's points,
        flat beyond its ends (as scikit-learn's IsotonicRegression predicts)."""
        xs: tuple[float, ...] = self.cal_x
        ys: tuple[float, ...] = self.cal_y
        x0: float = xs[0]
        if z <= x0:
            return ys[0]
        x1: float = xs[-1]
        if z >= x1:
            return ys[-1]
        # bisect_right, on C doubles and indexes in the compiled build (bisect compares
        # float objects)
        lo: cython.Py_ssize_t = 0
        hi: cython.Py_ssize_t = len(xs)
        mid: cython.Py_ssize_t
        while lo < hi:
            mid = (lo + hi) // 2
            x1 = xs[mid]
            if z < x1:
                hi = mid
            else:
                lo = mid + 1
        x0 = xs[lo - 1]
        x1 = xs[lo]
        if x1 == x0:
            return ys[lo]
        y0: float = ys[lo - 1]
        y1: float = ys[lo]
        return y0 + (y1 - y0) * (z - x0) / (x1 - x0)

    def _signal_sum(
        self,
        a: Analysis,
        low: str,
        title_end: int,
        title: str,
        history: TokenHistory | None,
        day: int | None,
        spaces: int,
        min_part: float,
        parts: list[tuple[float, str]],
    ) -> float:
        """The bias plus the signal features' parts (``parts`` gets those of at least
        ``min_part``; ``spaces``: how many ``low`` has): what adding up the dict of
        ``item_features`` by ``signals`` gives, in the same order (floats do not add
        associatively), read straight from the analysis through ``_keyed`` without making
        the dict or a name per feature.

        In that dict a feature set again keeps its place and value, and a signal given twice
        in the explanation adds its deltas: so does this walk. Only the rules' score and the
        explanation's deltas are not 1."""
        # typed as dicts: the compiled build then reads them directly, not by method call
        keyed: tuple[dict[str, tuple[float, str]], ...] = self._keyed
        named: dict = keyed[0]
        by_sig: dict = keyed[1]
        table: dict
        i: cython.Py_ssize_t
        j: cython.Py_ssize_t
        got: cython.Py_ssize_t
        z: float = self.bias
        c: float
        v: float
        hit: tuple[float, str] | None
        # (weight, name) of each feature present, in the dict's order, and its value
        hits: list[tuple[float, str]] = []
        values: list[float] = []
        hit = named.get("rules")
        if hit is not None:
            hits.append(hit)
            values.append(a.confidence - 0.5)
        got = len(hits)
        # The explanation as stored: the rules' (signal, delta, how, what) parts while it is
        # not worded (see explain_rules), else its entries.
        expl = explanation_stored(a)
        worded = True
        if expl.__class__ is Later:
            if expl.make is explain_rules:
                expl = expl.args[0]
                worded = False
            else:
                expl = a.explanation
        for e in expl:
            if worded:
                sig = e["signal"]
                delta = e["delta"]
            else:
                sig = e[0]
                delta = e[1]
            hit = by_sig.get(sig)  # (none for "clamp" and "proximity")
            if hit is None:
                if sig != "proximity":
                    continue
                detail = e["detail"] if worded else e[3]
                hit = by_sig.get("proximity1" if "tier-1" in detail else "proximity2")
                if hit is None:
                    continue
            for j in range(got, len(hits)):
                if hits[j] is hit:
                    values[j] = values[j] + float(delta)
                    break
            else:
                hits.append(hit)
                values.append(0.0 + float(delta))
        for i in range(len(hits)):
            hit = hits[i]
            c = hit[0]
            v = values[i]
            c = c * v
            z += c
            if c >= min_part or -c >= min_part:
                parts.append(hit if c == hit[0] else (c, hit[1]))
        # the rest are 1 where present: their parts are their weights
        hits = []
        kws: dict[str, list[str]] = a.keywords
        for i in range(4):
            labels = kws.get(_TIERS[i]) if i < 3 else a.negatives
            if labels:
                table = keyed[2 + i]
                got = len(hits)
                for label in labels:
                    hit = table.get(label)
                    if hit is None:
                        continue
                    for j in range(got, len(hits)):  # a label given twice is one feature
                        if hits[j] is hit:
                            break
                    else:
                        hits.append(hit)
        if a.urgency:
            table = keyed[6]
            hit = table.get(str(a.urgency.get("kind")))
            if hit is not None:
                hits.append(hit)
        head = low[:title_end]
        flags: list[str] = []  # by name
        if a.companies:
            flags.append("company")
            if len(a.companies) > 1:
                flags.append("companies:many")
            if head and "company:title" in named:
                matched = str(a.companies[0].get("matched") or "").lstrip("$").lower()
                if matched and f" {matched} " in head:
                    flags.append("company:title")
        d = a.discovered
        if d:
            flags.append("discovered")
            how = str(d.get("how") or "")
            flags.append("discovered:" + how)
            if d.get("weak") and how != "weak":  # else the same feature again
                flags.append("discovered:weak")
        if a.language != "en":
            flags.append("language:other")
            if a.language != "other":
                flags.append("language:" + a.language)
        if a.tokens:
            flags.append("ticker")
            if head and "ticker:title" in named:
                for t in a.tokens:
                    t = t.lower()
                    if f" {t} " in head or f" ${t} " in head:
                        flags.append("ticker:title")
                        break
        if not title_end:
            flags.append("title:none")
        if spaces < 30:
            flags.append("len:short")
        elif spaces > 160:
            flags.append("len:long")
        if title_end:
            t = title.strip()
            if t.endswith("?"):
                flags.append("title:question")
            if t == t.lower() and sum(ch.isalpha() for ch in t) > 8:
                flags.append("title:lower")
        if history is not None and day is not None:
            flags.extend(history.features(item_tickers(a, title), day))  # each 1.0
        for name in flags:
            hit = named.get(name)
            if hit is not None:
                hits.append(hit)
        for i in range(len(hits)):
            hit = hits[i]
            c = hit[0]
            z += c
            if c >= min_part or -c >= min_part:
                parts.append(hit)
        return z

    def contributions(
        self,
        a: Analysis,
        title: str,
        text: str,
        low: str | None = None,
        min_part: float = 0.0,
        history: TokenHistory | None = None,
        day: int | None = None,
        words: Words | None = None,
        url: str | None = None,
    ) -> tuple[float, list[tuple[float, str]]]:
        """The raw score (log-odds before calibration) and each feature's part of it (only
        the parts of at least ``min_part`` either way: scoring needs only those that can
        become a reason, and skipping the rest saves most of the work per phrase).

        The sum runs in a fixed order (signals as made, then the phrases in the order of a
        set of their indexes filled in match order): the same item always gets the very same
        float, compiled or not. Typed locals let the compiled build add C doubles.
        """
        if history is not None and not self.uses_history:
            history = None  # a model trained without it has no weights to give
        low, title_end = _text_and_head(title, text, low)
        z: float
        parts: list[tuple[float, str]] = []
        if words is None:  # the engine's, or else the words of the normalised text
            words = Words(low.encode())
        z = self._signal_sum(a, low, title_end, title, history, day, words.spaces, min_part, parts)
        if url and self.uses_url:  # the page's address: each feature 1.0, its weight its part
            named: dict = self._keyed[0]
            hit: tuple[float, str] | None
            c: float
            for name in url_features(url):
                hit = named.get(name)
                if hit is not None:
                    c = hit[0]
                    z += c
                    if c >= min_part or -c >= min_part:
                        parts.append(hit)
        if self.cjk:  # the phrases read the text with CJK characters apart (cjk_item_text)
            plow, title_end = cjk_item_text(title, text)
            if plow != low:
                low = plow
                words = Words(plow.encode())
        # Two phrase tables: phrases that count anywhere over the whole text, phrases that
        # count in the headline over the headline only (each finds only phrases it can use).
        # The indexes found go into a set in match order, and the sum follows the set.
        if self._any is not None:
            z = _add_phrases(
                self._any, words, -1, self._any_phrases, self._any_w, z, min_part, parts
            )
        if title_end and self._head is not None:
            # the headline's bytes (its offset in characters counts bytes in ASCII)
            limit = title_end + 1
            if len(words.data) != len(low):
                limit = len(low[:limit].encode())
            z = _add_phrases(
                self._head, words, limit, self._head_phrases, self._head_w, z, min_part, parts
            )
        return z, parts

    def raw_score(
        self,
        a: Analysis,
        title: str,
        text: str,
        history: TokenHistory | None = None,
        day: int | None = None,
        url: str | None = None,
    ) -> float:
        return self.contributions(a, title, text, None, 0.0, history, day, url=url)[0]

    def apply(
        self,
        a: Analysis,
        title: str,
        text: str,
        low: str | None = None,
        history: TokenHistory | None = None,
        day: int | None = None,
        words: Words | None = None,
        url: str | None = None,
    ) -> Analysis:
        """The engine's analysis with the calibrated probability as its confidence and the
        strongest reasons, in plain words, at the head of the explanation (worded when the
        explanation is first read: see ``_explain``). ``history`` and
        ``day`` (the item's UTC day number) give the token-history features; ``low`` and
        ``words`` are the normalised text and its words when the engine has them. A new
        analysis (sharing the lists of ``a``); ``a`` stays as it was."""
        return self.rescore(
            make_analysis(
                a.confidence,
                a.band,
                a.companies,
                a.tokens,
                a.keywords,
                a.urgency,
                a.negatives,
                a.explanation,
                a.discovered,
                a.language,
            ),
            title,
            text,
            low,
            history,
            day,
            words,
            url,
        )

    def rescore(
        self,
        a: Analysis,
        title: str,
        text: str,
        low: str | None = None,
        history: TokenHistory | None = None,
        day: int | None = None,
        words: Words | None = None,
        url: str | None = None,
    ) -> Analysis:
        """``apply`` in place: ``a``, the rules' analysis, becomes the model's and is
        returned. The engine's path: one analysis object per item instead of two.

        With a CJK partner attached (:func:`attach_cjk`), an item the engine detects as zh, ja
        or ko is the partner's instead, judged at the partner's threshold."""
        z: float
        p: float
        route = self.cjk_route
        if route is not None and a.language in CJK_LANGUAGES:
            a = route[0].rescore(a, title, text, low, history, day, words, url)
            a.judged_at = route[1]
            return a
        z, strong = self.contributions(a, title, text, low, MIN_REASON, history, day, words, url)
        p = self.calibrate(z)
        conf = math.floor(p * 1000 + 0.5) / 1000
        rules_conf = a.confidence
        rules_expl = explanation_stored(a)  # a list, or a Later worded with the model's
        a.confidence = conf
        a.band = "high" if conf >= HIGH else ("medium" if conf >= MEDIUM else "low")
        store_explanation(a, Later(self._explain, strong, p, z, conf, rules_conf, rules_expl))
        return a

    def _explain(
        self,
        a: Analysis,
        strong: list[tuple[float, str]],
        p: float,
        z: float,
        conf: float,
        rules_conf: float,
        rules_expl: Any,
    ) -> list[dict[str, Any]]:
        """The explanation ``rescore`` gives, made when it is first read: the strongest
        reasons in plain words, the model's line, then the rules' own explanation
        (``rules_conf`` and ``rules_expl``, the rules' confidence and explanation)."""
        c: float
        reasons: list[dict[str, Any]] = []
        if strong:
            strong.sort(key=_magnitude, reverse=True)
            # The strongest parts for the verdict, then the strongest one against it.
            verdict = p >= 0.5
            picked = [x for x in strong if (x[0] > 0) == verdict][: MAX_REASONS - 1]
            picked += [x for x in strong if (x[0] > 0) != verdict][:1]
            seen: set[str] = set()
            said: dict[str, str] = self._said
            for c, name in picked:
                detail = said.get(name)
                if detail is None:
                    detail = describe(name, a, c > 0)
                elif not detail:
                    continue  # "says 'a'" explains nothing, whatever its weight
                if detail in seen:
                    continue
                seen.add(detail)
                # What this one part moved the probability by (the rest held as it is); its
                # sign is the part's own even where the calibration is flat.
                delta = math.floor((p - self.calibrate(z - c)) * 1000 + 0.5) / 1000
                reasons.append(
                    {
                        "signal": "reason",
                        "detail": detail,
                        "delta": math.copysign(max(abs(delta), 0.001), c),
                    }
                )
        line = self._model_line.get(rules_conf)
        if line is None or (rules_conf == 0.0 and math.copysign(1.0, rules_conf) < 0.0):
            line = f"{self.name}: calibrated probability (rules alone: {rules_conf:.3f})"
        head = {
            "signal": "model",
            "detail": line,
            "delta": math.floor((conf - rules_conf) * 1000 + 0.5) / 1000,
        }
        if rules_expl.__class__ is Later:  # the rules' (or a model's before) not worded yet
            rules_expl = rules_expl.make(a, *rules_expl.args)
        return [*reasons, head, *rules_expl]


def _magnitude(part: tuple[float, str]) -> float:
    return abs(part[0])


# Function words: a phrase made only of these is never given as a reason.
_STOP = frozenset(
    """a about after all an and any are as at be been before but by can could did do does for
    from had has have he her his how i if in into is it its just more most my no not now of on
    once or our out over she so than that the their them then there these they this those to up
    was we were what when which who will with would you your s t""".split()
)


def _only_stop(name: str) -> bool:
    return _STOP.issuperset(name.split(":", 1)[1].split())


# --- files --------------------------------------------------------------------------------


def read_model(path: str | Path) -> TGEModel:
    """Parse and validate a model file; raise :class:`ModelError` saying what is wrong."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"no model file at {p}") from None
    except OSError as exc:
        raise ModelError(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        spec = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ModelError(f"{p} is not valid JSON ({exc})") from None
    return TGEModel(spec)


RULES_ONLY = ("none", "off", "rules")
DEFAULT_THRESHOLD = 0.5  # alerts with the rules alone, or a model whose card chose none


def alert_threshold(setting: float | None, model: TGEModel | None) -> float:
    """The confidence an alert needs: ``ALERT_THRESHOLD`` when set, else the model's decision
    threshold (chosen by cross-validated F1 when it was trained), else 0.5."""
    if setting is not None:
        return setting
    if model is not None and model.decision_threshold is not None:
        return model.decision_threshold
    return DEFAULT_THRESHOLD


def model_for_setting(
    value: str, cjk: str | None = "", threshold: float | None = None
) -> TGEModel | None:
    """The model ``SCORING_MODEL`` asks for: "" the bundled one, "none" no model, else a path;
    with the CJK model ``SCORING_MODEL_CJK`` asks for attached (``cjk``: "" the bundled one,
    "none" none, None not asked), its items judged at ``threshold`` (ALERT_THRESHOLD) when
    set, else at its card's threshold."""
    if value.strip().lower() in RULES_ONLY:
        log.info("scoring with the rules only (SCORING_MODEL=%s)", value.strip())
        return None
    model = load_model(value.strip() or None)
    if model is not None and cjk is not None:
        attach_cjk(model, cjk_model_for_setting(cjk), threshold)
    return model


def cjk_model_for_setting(value: str) -> TGEModel | None:
    """The CJK model ``SCORING_MODEL_CJK`` asks for: "" the bundled one, "none" none, else a
    path; None (one logged line) where it is off, missing or unusable."""
    if value.strip().lower() in RULES_ONLY:
        log.info("zh/ja/ko items scored by the main model (SCORING_MODEL_CJK=%s)", value.strip())
        return None
    p = Path(value.strip()) if value.strip() else BUNDLED_CJK_MODEL
    try:
        model = read_model(p)
        if not model.cjk:
            raise ModelError(f"{p} does not read CJK n-grams (features.cjk_ngrams)")
    except Exception as exc:  # a bad file is one line, never a crash
        why = str(exc) if isinstance(exc, ModelError) else f"{p} ({type(exc).__name__})"
        log.error("CJK scoring model not used, zh/ja/ko items scored by the main model: %s", why)
        return None
    log.debug("CJK scoring model %s loaded (%d phrases)", model.name, model.phrases)
    return model


def attach_cjk(model: TGEModel, cjk: TGEModel | None, threshold: float | None = None) -> None:
    """Route ``model``'s zh/ja/ko items to ``cjk`` (None: no routing), judged at
    ``threshold`` when set (ALERT_THRESHOLD), else at ``cjk``'s decision threshold."""
    if cjk is None:
        model.cjk_route = None
        return
    model.cjk_route = (cjk, alert_threshold(threshold, cjk))


def load_model(path: str | Path | None = None) -> TGEModel | None:
    """The model at ``path`` (default: the one shipped in the package), or ``None`` with one
    log line saying why the rules-only score is used instead. Never raises for a bad file."""
    p = Path(path) if path else BUNDLED_MODEL
    try:
        model = read_model(p)
    except ModelError as exc:
        log.warning("scoring model not used, scoring with the rules only: %s", exc)
        return None
    except Exception as exc:  # any other surprise in a file is still not a crash
        log.warning(
            "scoring model not used, scoring with the rules only: %s (%s)",
            p,
            type(exc).__name__,
        )
        return None
    log.debug("scoring model %s loaded (%d phrases)", model.name, model.phrases)
    return model
