"""Scoring engine: one Aho-Corasick automaton over companies, symbols and vocabulary.

``ScoringEngine.analyze`` turns a news item into an explainable :class:`Analysis`. All
phrase matching happens in a single automaton pass over a word-delimited copy of the text
(see :mod:`core.scoring.text`), so cost grows with the length of the item, not with the
number of watched companies. ``rebuild`` builds a new immutable snapshot off to the side
and swaps one reference, so in-flight ``analyze`` calls keep using the old one.
"""

from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from math import floor
from typing import Any

import ahocorasick_rs

from core.scoring import keywords as kw
from core.scoring.text import clean, normalise, pattern_key, sentence_bounds, sentences_marked
from core.scoring.urgency import find_raw, kind_of, resolve

log = logging.getLogger(__name__)

HIGH = 0.7
MEDIUM = 0.4

# Payload kinds, stored as small tuples: (kind, ...).
_VOC, _COMP, _SYM, _EXCL = range(4)
# Company case rules: any case / must be capitalised (plain words like "Jupiter") / exact.
_CI, _CAP, _EXACT = range(3)


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
    explanation: list[dict[str, Any]] = field(default_factory=list)

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
        }

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
        )

    def why(self) -> str:
        """One short human line: who, which token, the strongest keyword, when, what hurt."""
        parts: list[str] = []
        if self.companies:
            c = self.companies[0]
            matched = c.get("matched")
            if matched and matched.lower() != str(c.get("name", "")).lower():
                parts.append(f"{c['name']} (alias '{matched}')")
            else:
                parts.append(str(c.get("name")))
        if self.tokens:
            parts.append(" ".join(f"${t}" for t in self.tokens[:2]))
        for tier in ("tier1", "tier2"):
            if self.keywords.get(tier):
                parts.append(f"{tier.replace('tier', 'tier-')} '{self.keywords[tier][0]}'")
                break
        if self.urgency:
            u = self.urgency
            parts.append(f"date {u['date']}" if u.get("date") else f"when '{u['text']}'")
        if self.negatives:
            parts.append("but " + ", ".join(self.negatives[:2]))
        return " · ".join(parts) if parts else "no TGE signals"


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """Immutable matcher state; replaced wholesale by ``rebuild``."""

    automaton: Any
    payloads: list[list[tuple[Any, ...]]]  # per pattern index; never mutated once built
    companies: tuple[CompanySpec, ...]
    symbols: dict[str, tuple[_Ref, ...]]  # upper-case ticker -> companies


def _vocab_entries() -> dict[str, list[tuple[Any, ...]]]:
    """Static vocabulary payloads, computed once per process.

    Each phrase gets ONE merged entry ``(_VOC, tier, label, families, negatives, lookback,
    ticker_before, ticker_after)``: "token" is a tier-3 word, a family member and a ticker
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
    for fam, words in kw.FAMILIES.items():
        for w in words:
            if (r := role(w)) is not None and fam not in r["fams"]:
                r["fams"].append(fam)
    for cat, (_pen, words) in kw.NEGATIVES.items():
        for w in words:
            if (r := role(w)) is not None:
                r["negs"].append((cat, w))
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
        key: [
            (
                _VOC,
                r["tier"],
                r["label"],
                tuple(r["fams"]),
                tuple(r["negs"]),
                r["back"],
                r["prev"],
                r["next"],
            )
        ]
        for key, r in roles.items()
    }


_VOCAB = _vocab_entries()


def _case_rule(alias: str) -> int:
    """Multi-word, long or oddly cased names match in any case; plain words need a capital."""
    a = alias.strip()
    if len(a) >= 2 and a.isupper():
        return _EXACT  # "TON", "FTM", "PENGU": upper-case only, or "a ton of" would match
    if not a.isalpha() or not a[1:].islower():
        return _CI  # "Layer Zero", "Pump.fun", "LayerZero", "MegaETH": distinctive enough
    return _CAP  # "Jupiter", "Optimism", "Drift": capitalised, unless the sentence is lower case


class _Ref:
    """Identity handle for a company inside snapshots (hashes by id, unlike the dataclass)."""

    __slots__ = ("spec",)

    def __init__(self, spec: CompanySpec) -> None:
        self.spec = spec


# A company's ready-made (key, payload) pairs. Cached per CompanySpec (frozen, hashable) so a
# rebuild after one company changed recompiles one company, not ten thousand.
_Compiled = tuple[tuple[str, tuple[Any, ...]], ...]


def _compile_company(c: CompanySpec) -> _Compiled:
    ref = _Ref(c)
    out: list[tuple[str, tuple[Any, ...]]] = []
    seen: set[str] = set()
    for alias in (c.name, *c.aliases):
        key = pattern_key(alias)
        if not key or key in seen:
            continue
        seen.add(key)
        a = alias.strip()
        out.append((key, (_COMP, ref, a, _case_rule(a), a.upper())))
    for sym in c.tokens:
        t = sym.strip().lstrip("$")
        if not t:
            continue
        out.append(("", (_SYM, ref, t.upper())))  # ticker table entry, no pattern
        # Only tickers of 4+ characters can stand alone ("STRK"); shorter ones ("S", "OP",
        # "MON") need "$S"/"S token" context, found around "$" and "token" instead.
        if len(t) >= 4:
            key = pattern_key(t)
            if key not in seen:
                out.append((key, (_SYM, ref, t)))
    for phrase in c.exclusions:
        key = pattern_key(phrase)
        if key:
            out.append((key, (_EXCL, ref)))
    return tuple(out)


def _build(
    companies: Iterable[CompanySpec], cache: dict[CompanySpec, _Compiled] | None = None
) -> tuple[_Snapshot, dict[CompanySpec, _Compiled]]:
    """Compile companies (reusing ``cache``) plus the vocabulary into one automaton."""
    comps = tuple(companies)
    old = cache or {}
    new_cache: dict[CompanySpec, _Compiled] = {}
    table: dict[str, list[tuple[Any, ...]]] = {k: list(v) for k, v in _VOCAB.items()}
    symbols: dict[str, list[_Ref]] = {}
    for c in comps:
        compiled = old.get(c)
        if compiled is None:
            compiled = _compile_company(c)
        new_cache[c] = compiled
        for key, entry in compiled:
            if not key:
                symbols.setdefault(entry[2], []).append(entry[1])
                continue
            bucket = table.get(key)
            if bucket is None:
                table[key] = [entry]
            else:
                bucket.append(entry)
    automaton = ahocorasick_rs.AhoCorasick(list(table), matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
    payloads = list(table.values())
    snap = _Snapshot(automaton, payloads, comps, {k: tuple(v) for k, v in symbols.items()})
    return snap, new_cache


class ScoringEngine:
    """Scores items against the current company set; safe to rebuild while scoring."""

    def __init__(self, companies: Iterable[CompanySpec] = ()) -> None:
        self._lock = threading.Lock()  # serialises rebuilds only; analyze never takes it
        self._snap, self._cache = _build(companies)

    @property
    def companies(self) -> tuple[CompanySpec, ...]:
        return self._snap.companies

    def rebuild(self, companies: Iterable[CompanySpec]) -> None:
        """Build a new automaton off to the side, then swap one reference (atomic in CPython).

        In-flight ``analyze`` calls keep the snapshot they started with.
        """
        with self._lock:
            snap, self._cache = _build(companies, self._cache)
            self._snap = snap
        log.info("scoring automaton rebuilt for %d companies", len(snap.companies))

    def analyze(
        self,
        title: str,
        text: str,
        *,
        source_kind: str = "rss",
        published: datetime | None = None,
    ) -> Analysis:
        """Score one item. ``source_kind`` is accepted for callers; scoring is source-neutral."""
        snap = self._snap  # one read: a concurrent rebuild cannot change it under us
        title_c = clean(title) if title else ""
        has_title = bool(title_c.strip())
        marked = sentences_marked(title_c, clean(text) if text else "")
        cased, low = normalise(marked)

        # Sentence boundaries for proximity (sentence 0 is the headline when there is one).
        bounds = sentence_bounds(marked)

        tiers: tuple[dict[str, int], ...] = ({}, {}, {}, {})  # [tier][label] = first sentence
        fam_pos: dict[str, list[tuple[int, int]]] = {}  # family -> [(sentence, offset)]
        neg_hits: dict[str, dict[str, int]] = {}  # category -> phrase -> first sentence
        comp_hits: list[tuple[_Ref, str, int, int]] = []  # (company, alias, sentence, pos)
        tokens: dict[str, tuple[int, int]] = {}  # ticker -> (sentence, pos)
        excluded: set[tuple[_Ref, int]] = set()
        time_hints: list[tuple[int, int, int]] = []  # (start, end, words to look back)
        upper_cache: dict[int, bool] = {}

        def sentence_upper(si: int) -> bool:
            """All-caps headlines make every word look like a ticker; detect them."""
            r = upper_cache.get(si)
            if r is None:
                a = bounds[si - 1] if si > 0 else 0
                b = bounds[si] if si < len(bounds) else len(cased)
                seg = cased[a:b]
                r = upper_cache[si] = seg.isupper() and len(seg) > 12
            return r

        payloads = snap.payloads
        symbols = snap.symbols
        for pi, s, e in snap.automaton.find_matches_as_indexes(low, overlapping=True):
            si = bisect_right(bounds, s)
            for entry in payloads[pi]:
                kind = entry[0]
                if kind == _VOC:
                    _k, tier, label, fams, negs, back, before, after = entry
                    if tier:
                        hits = tiers[tier]
                        if label not in hits:
                            hits[label] = si
                    if fams:
                        for fam in fams:
                            lst = fam_pos.get(fam)
                            if lst is None:
                                fam_pos[fam] = [(si, s)]
                            else:
                                lst.append((si, s))
                    if negs:
                        for cat, phrase in negs:
                            neg_hits.setdefault(cat, {}).setdefault(phrase, si)
                    if back >= 0:
                        time_hints.append((s, e, back))
                    if before:  # "ABC token", "ABC's airdrop"
                        c = cased[s - 1]
                        if not c.islower() or c == "s":
                            word, ws = _prev_word(cased, s)
                            if word == "s":
                                word, ws = _prev_word(cased, ws - 1)
                            if (
                                (_TICKER.fullmatch(word) and word not in kw.ACRONYMS)
                                or (word.upper() in symbols and word == word.upper())
                            ) and not sentence_upper(si):
                                tokens.setdefault(word.upper(), (si, ws))
                    if after and cased[e : e + 1].isupper():  # "ticker ABC", "token ABC"
                        word = _next_word(cased, e - 1)
                        if (
                            _TICKER.fullmatch(word)
                            and word not in kw.ACRONYMS
                            and not sentence_upper(si)
                        ):
                            tokens.setdefault(word.upper(), (si, e))
                elif kind == _COMP:
                    rule = entry[3]
                    if rule == _CAP:
                        if not cased[s + 1].isupper():
                            seg = _sentence(cased, bounds, si)
                            if seg != seg.lower():
                                continue  # "optimism" in a normally cased sentence
                    elif rule == _EXACT:
                        if cased[s + 1 : e - 1] != entry[4] or sentence_upper(si):
                            continue
                    comp_hits.append((entry[1], entry[2], si, s))
                elif kind == _SYM:
                    sym = entry[2]
                    if (
                        cased[s + 1 : e - 1] == sym
                        and sym.upper() not in kw.ACRONYMS
                        and not sentence_upper(si)
                    ):
                        tokens.setdefault(sym.upper(), (si, s))
                elif kind == _EXCL:
                    excluded.add((entry[1], si))

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
                    tokens.setdefault(up, (bisect_right(bounds, j), j))
            j = cased.find("$", j + 1)
        # "(ABC)" after a name: "Pudgy Penguins (PENGU)".
        j = marked.find("(")
        while j != -1:
            m = _PAREN.match(marked, j)
            if m and m.group(1) not in kw.ACRONYMS:
                tokens.setdefault(m.group(1), (bisect_right(bounds, j), j))
            j = marked.find("(", j + 1)

        # Companies: by name/alias, or by one of their tickers seen in context.
        comp_best: dict[_Ref, list[Any]] = {}  # company -> [score, alias, first pos, sentences]
        for idx, alias, si, pos in comp_hits:
            if (idx, si) in excluded:
                continue
            rec = comp_best.get(idx)
            if rec is None:
                rec = comp_best[idx] = [0.0, alias, pos, {si}]
            elif pos < rec[2] or (pos == rec[2] and len(alias) > len(rec[1])):
                rec[1], rec[2] = alias, pos  # earliest mention, longest alias there
            rec[0] += 2.0 if has_title and si == 0 else 1.0
            rec[3].add(si)
        for sym, (si, _pos) in tokens.items():
            for idx in symbols.get(sym, ()):
                if (idx, si) in excluded:
                    continue
                rec = comp_best.get(idx)
                if rec is None:
                    rec = comp_best[idx] = [0.0, f"${sym}", 1 << 30, set()]
                rec[0] += 0.8
                rec[3].add(si)
        companies: list[dict[str, Any]] = []
        comp_sents: set[int] = set()
        if comp_best:
            ranked = sorted(comp_best.items(), key=lambda kv: (-kv[1][0], kv[1][2]))
            for idx, rec in ranked:
                c = idx.spec
                companies.append(
                    {"id": c.id, "name": c.name, "matched": rec[1], "priority": c.priority}
                )
                comp_sents |= rec[3]

        urg: list[tuple[re.Match[str], int]] = []
        if time_hints:
            urg = [(m, bisect_right(bounds, m.start())) for m in find_raw(low, time_hints)]

        question = has_title and bool(_SPECULATIVE_TITLE.match(title_c.strip()))
        return _score(
            tiers,
            fam_pos,
            neg_hits,
            companies,
            comp_sents,
            tokens,
            urg,
            has_title,
            question,
            published,
            cased,
        )


# "Will X launch a token?", "Wen airdrop?": the headline itself is speculation.
_SPECULATIVE_TITLE = re.compile(
    r"(?i)^(?:will|would|could|can|might|may|is|are|does|do|should|wen|when|why)\b.*\?\s*$"
)
_TICKER = re.compile(r"[A-Z][A-Z0-9]{0,9}|[a-z]{1,3}[A-Z]{2,6}")
_MIXED_TICKER = re.compile(r"[a-z]{1,3}[A-Z]{2,6}")
_TICKER_AT = re.compile(r"[A-Za-z][A-Za-z0-9]{0,9}(?![A-Za-z0-9_])")
_PAREN = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)")


def _prev_word(cased: str, s: int) -> tuple[str, int]:
    """The word ending before offset ``s`` (a space) and its start offset."""
    j = s
    while j > 0 and cased[j - 1] == " ":
        j -= 1
    i = cased.rfind(" ", 0, j)
    return cased[i + 1 : j], i + 1


def _next_word(cased: str, e: int) -> str:
    """The word starting after offset ``e`` (a space)."""
    n = len(cased)
    while e < n and cased[e] == " ":
        e += 1
    k = cased.find(" ", e)
    return cased[e : k if k != -1 else n]


def _sentence(cased: str, bounds: list[int], si: int) -> str:
    a = bounds[si - 1] if si > 0 else 0
    b = bounds[si] if si < len(bounds) else len(cased)
    return cased[a:b]


def _drop_contained(hits: dict[str, int]) -> None:
    """Report "token generation event" once, not also "token generation" inside it."""
    for k in [k for k in hits if k in _CONTAINED and not _CONTAINED[k].isdisjoint(hits)]:
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


def _near(a: list[tuple[int, int]], b: list[tuple[int, int]], window: int) -> int | None:
    """First sentence where a word of family ``a`` is within ``window`` chars of one of ``b``."""
    for sa, pa in a:
        for sb, pb in b:
            if sa == sb and abs(pa - pb) <= window:
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
_RANK = {"date": 0, "relative": 1, "weekday": 2, "time": 3, "quarter": 4, "month": 5, "year": 6}


def _score(
    tiers: tuple[dict[str, int], ...],
    fam_pos: dict[str, list[tuple[int, int]]],
    neg_hits: dict[str, dict[str, int]],
    companies: list[dict[str, Any]],
    comp_sents: set[int],
    tokens: dict[str, tuple[int, int]],
    urg: list[tuple[re.Match[str], int]],
    has_title: bool,
    question: bool,
    published: datetime | None,
    cased: str,
) -> Analysis:
    """Add up the signals. Kept as one flat function: it runs for every item."""
    expl: list[dict[str, Any]] = []
    score = 0.0
    _, t1, t2, t3 = tiers
    direct_t1 = bool(t1)

    # Proximity rules: "claim ... live/open", "launch ... token", "<SYM> airdrop".
    if fam_pos:
        claim = fam_pos.get("claim")
        opened = fam_pos.get("open")
        if claim and opened:
            both = {si for si, _ in claim}.intersection([si for si, _ in opened])
            if both:
                t1.setdefault("claim ... live", min(both))
        launch = fam_pos.get("launch")
        if launch:
            token = fam_pos.get("token")
            if token:
                lt = _near(launch, token, 60)
                if lt is not None:
                    t1.setdefault("launch ... token", lt)
        airdrop = fam_pos.get("airdrop")
        if airdrop and tokens:
            airdrop_sents = {si for si, _ in airdrop}
            for sym, (si, _pos) in tokens.items():
                if si in airdrop_sents:
                    t1.setdefault(sym + " airdrop", si)
                    break

    if len(t1) > 1:
        _drop_contained(t1)
    if len(t2) > 1:
        _drop_contained(t2)
    if t1:
        d = (W_TIER1 if direct_t1 else W_TIER1_RULE) + W_TIER1_EXTRA * min(len(t1) - 1, 2)
        expl.append({"signal": "tier1", "detail": ", ".join(list(t1)[:3]), "delta": d})
        score += d
        if t2:
            d = W_TIER2_WITH_T1 * min(len(t2), 3)
            expl.append({"signal": "tier2", "detail": ", ".join(list(t2)[:3]), "delta": d})
            score += d
    elif t2:
        d = W_TIER2 + W_TIER2_EXTRA * min(len(t2) - 1, 3)
        expl.append({"signal": "tier2", "detail": ", ".join(list(t2)[:4]), "delta": d})
        score += d
    positive = bool(t1 or t2)
    if t3 and positive:
        d = W_TIER3 * min(len(t3), 3)
        expl.append({"signal": "tier3", "detail": ", ".join(list(t3)[:3]), "delta": d})
        score += d

    strong_sents = set(t1.values())
    mid_sents = set(t2.values())
    signal_sents = strong_sents | mid_sents

    if companies:
        c = companies[0]
        expl.append(
            {"signal": "company", "detail": f"{c['name']} ('{c['matched']}')", "delta": W_COMPANY}
        )
        score += W_COMPANY
    if tokens:
        expl.append(
            {"signal": "token", "detail": ", ".join("$" + t for t in tokens), "delta": W_TOKEN}
        )
        score += W_TOKEN

    # Proximity: a TGE keyword in the same sentence as the company or its token.
    if positive and (comp_sents or tokens):
        subject_sents = comp_sents | {si for si, _ in tokens.values()}
        if strong_sents & subject_sents:
            expl.append(
                {
                    "signal": "proximity",
                    "detail": "tier-1 keyword next to company/token",
                    "delta": W_PROX_T1,
                }
            )
            score += W_PROX_T1
        elif mid_sents & subject_sents:
            expl.append(
                {
                    "signal": "proximity",
                    "detail": "tier-2 keyword next to company/token",
                    "delta": W_PROX_T2,
                }
            )
            score += W_PROX_T2

    urgency: dict[str, Any] | None = None
    stale = False
    if urg:
        near = [p for p in urg if p[1] in signal_sents]
        pool = near or urg
        # Most specific first (an exact day beats "Q2"), then earliest.
        best = min(pool, key=lambda p: (_RANK[kind_of(p[0])], p[0].start()))
        u = resolve(best[0], published, cased)
        if u is not None:
            urgency = u.to_dict()
            if (
                u.date
                and u.kind in ("date", "month", "quarter")
                and not any(kind_of(m) in ("relative", "weekday") for m, _ in urg)
            ):
                ref = published.date() if published else datetime.now().date()
                age = (ref - date.fromisoformat(u.date)).days
                # A launch date long before publication is a retrospective, not news.
                stale = age > (60 if published else 300)
            if positive:
                if stale:
                    expl.append(
                        {
                            "signal": "negative:stale",
                            "detail": f"{u.text!r} is long before publication",
                            "delta": -W_STALE,
                        }
                    )
                    score -= W_STALE
                else:
                    d = W_DATE + (W_DATE_NEAR if near else 0.0)
                    expl.append(
                        {
                            "signal": "urgency",
                            "detail": repr(u.text) + (f" -> {u.date}" if u.date else ""),
                            "delta": d,
                        }
                    )
                    score += d

    negatives: list[str] = ["stale"] if stale and positive else []
    if question and positive:
        negatives.append("speculation")
        expl.append(
            {
                "signal": "negative:question",
                "detail": "headline asks whether it will happen",
                "delta": -W_QUESTION,
            }
        )
        score -= W_QUESTION
    for cat, phrases in neg_hits.items():
        factor = NEG_FAR
        for si in phrases.values():
            if si in strong_sents or (si == 0 and has_title):
                factor = 1.0
                break
            if si in mid_sents:
                factor = NEG_T2
        pen = _PENALTY[cat] * factor * _REPEAT[min(len(phrases), 3)]
        if cat not in negatives:
            negatives.append(cat)
        expl.append(
            {
                "signal": "negative:" + cat,
                "detail": ", ".join([repr(p) for p in phrases][:3]),
                "delta": -pen,
            }
        )
        score -= pen

    # floor(x * 1000 + 0.5) / 1000 rounds like round(x, 3) here at a fraction of the cost.
    conf = 1.0 if score > 1.0 else (0.0 if score < 0.0 else score)
    conf = floor(conf * 1000 + 0.5) / 1000
    for e in expl:
        e["delta"] = floor(e["delta"] * 1000 + 0.5) / 1000
    raw = floor(score * 1000 + 0.5) / 1000
    if conf != raw:
        expl.append(
            {
                "signal": "clamp",
                "detail": "kept within 0..1",
                "delta": floor((conf - raw) * 1000 + 0.5) / 1000,
            }
        )
    return Analysis(
        confidence=conf,
        band=band_for(conf),
        companies=companies,
        tokens=list(tokens),
        keywords={"tier1": list(t1), "tier2": list(t2), "tier3": list(t3)},
        urgency=urgency,
        negatives=negatives,
        explanation=expl,
    )
