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
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import ahocorasick_rs

from core.scoring import keywords as kw
from core.scoring.text import SENT, clean, normalise, pattern_key, sentences_marked
from core.scoring.urgency import Urgency, find_all

log = logging.getLogger(__name__)

HIGH = 0.7
MEDIUM = 0.4

# Payload kinds, stored as small tuples: (kind, ...).
_KW, _FAM, _NEG, _TIME, _COMP, _SYM, _EXCL = range(7)
# Company case rules: any case / must be capitalised (plain words like "Jupiter") / exact.
_CI, _CAP, _EXACT = range(3)

# Ticker in context: "$ABC", "ABC token", "(ABC)", "ticker ABC".
_TOKEN_CTX = re.compile(
    r"\$(?P<d>[A-Za-z][A-Za-z0-9]{0,9})\b"
    r"|\b(?P<t>[A-Z][A-Z0-9]{0,9}|[a-z]{1,3}[A-Z]{2,6})(?:'s)?\s+(?:tokens?|coins?|airdrop)\b"
    r"|\((?P<p>[A-Z][A-Z0-9]{1,9})\)"
    r"|\b(?:ticker|symbol|token)\s+\$?(?P<k>[A-Z][A-Z0-9]{1,9})\b"
)


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
    payloads: tuple[tuple[tuple[Any, ...], ...], ...]
    companies: tuple[CompanySpec, ...]
    symbols: dict[str, tuple[int, ...]]  # upper-case ticker -> company indexes


def _vocab_entries() -> dict[str, list[tuple[Any, ...]]]:
    """Static vocabulary payloads, computed once per process."""
    table: dict[str, list[tuple[Any, ...]]] = {}

    def add(phrase: str, entry: tuple[Any, ...]) -> None:
        key = pattern_key(phrase)
        if key:
            table.setdefault(key, []).append(entry)

    for tier, words in ((1, kw.TIER1), (2, kw.TIER2), (3, kw.TIER3)):
        for w in words:
            add(w, (_KW, tier, w))
    for fam, words in kw.FAMILIES.items():
        for w in words:
            add(w, (_FAM, fam))
    for cat, (_pen, words) in kw.NEGATIVES.items():
        for w in words:
            add(w, (_NEG, cat, w))
    for w in kw.TIME_HINTS:
        add(w, (_TIME,))
    return table


_VOCAB = _vocab_entries()


def _case_rule(alias: str) -> int:
    """Multi-word, long or oddly cased names match in any case; plain words need a capital."""
    letters = [c for c in alias if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return _EXACT  # "TON", "FTM", "PENGU": upper-case only, or "a ton of" would match
    if " " in alias.strip() or any(not c.isalpha() for c in alias):
        return _CI
    if any(c.isupper() for c in alias[1:]):
        return _CI  # LayerZero, MegaETH: distinctive enough
    return _CAP


def _build(companies: Iterable[CompanySpec]) -> _Snapshot:
    comps = tuple(companies)
    table: dict[str, list[tuple[Any, ...]]] = {k: list(v) for k, v in _VOCAB.items()}
    symbols: dict[str, list[int]] = {}
    for idx, c in enumerate(comps):
        seen: set[str] = set()
        for alias in (c.name, *c.aliases):
            key = pattern_key(alias)
            if not key or key in seen:
                continue
            seen.add(key)
            table.setdefault(key, []).append((_COMP, idx, alias.strip(), _case_rule(alias)))
        for sym in c.tokens:
            s = sym.strip().lstrip("$")
            if not s:
                continue
            symbols.setdefault(s.upper(), []).append(idx)
            if len(s) >= 2:
                key = pattern_key(s)
                if key not in seen:
                    table.setdefault(key, []).append((_SYM, s, idx))
        for phrase in c.exclusions:
            key = pattern_key(phrase)
            if key:
                table.setdefault(key, []).append((_EXCL, idx))
    keys = list(table)
    automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MATCHKIND_STANDARD)
    payloads = tuple(tuple(table[k]) for k in keys)
    return _Snapshot(automaton, payloads, comps, {k: tuple(v) for k, v in symbols.items()})


def _mostly_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


class ScoringEngine:
    """Scores items against the current company set; safe to rebuild while scoring."""

    def __init__(self, companies: Iterable[CompanySpec] = ()) -> None:
        self._snap: _Snapshot = _build(companies)

    @property
    def companies(self) -> tuple[CompanySpec, ...]:
        return self._snap.companies

    def rebuild(self, companies: Iterable[CompanySpec]) -> None:
        """Build a new automaton off to the side, then swap one reference (atomic in CPython)."""
        snap = _build(companies)
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
        title_c = clean(title or "")
        marked = sentences_marked(title_c, clean(text or ""))
        has_title = bool(title_c.strip())
        cased, low = normalise(marked)

        # Sentence boundaries for proximity.
        bounds: list[int] = []
        i = low.find(SENT)
        while i != -1:
            bounds.append(i)
            i = low.find(SENT, i + 1)

        kw_hits: dict[str, tuple[int, int]] = {}  # label -> (tier, first sentence)
        fam_sents: dict[str, set[int]] = {}
        fam_pos: dict[str, list[tuple[int, int]]] = {}
        neg_hits: dict[str, dict[str, int]] = {}  # category -> phrase -> first sentence
        comp_hits: list[tuple[int, str, int, int]] = []  # (company idx, alias, sentence, pos)
        sym_hits: list[tuple[str, int, int]] = []  # (symbol, sentence, pos)
        excluded: set[tuple[int, int]] = set()
        has_time = False
        upper_cache: dict[int, bool] = {}

        def sentence_upper(si: int) -> bool:
            if si not in upper_cache:
                a = bounds[si - 1] if si > 0 else 0
                b = bounds[si] if si < len(bounds) else len(cased)
                upper_cache[si] = _mostly_upper(cased[a:b])
            return upper_cache[si]

        payloads = snap.payloads
        for pi, s, e in snap.automaton.find_matches_as_indexes(low, overlapping=True):
            si = bisect_right(bounds, s)
            for entry in payloads[pi]:
                kind = entry[0]
                if kind == _KW:
                    label = entry[2]
                    if label not in kw_hits:
                        kw_hits[label] = (entry[1], si)
                elif kind == _FAM:
                    fam = entry[1]
                    fam_sents.setdefault(fam, set()).add(si)
                    fam_pos.setdefault(fam, []).append((si, s))
                elif kind == _NEG:
                    neg_hits.setdefault(entry[1], {}).setdefault(entry[2], si)
                elif kind == _TIME:
                    has_time = True
                elif kind == _COMP:
                    rule = entry[3]
                    word = cased[s + 1 : e - 1]
                    if rule == _CAP and not word[:1].isupper():
                        low_sent = not any(ch.isupper() for ch in _sentence(cased, bounds, si))
                        if not low_sent:
                            continue
                    elif rule == _EXACT and (word != entry[2].upper() or sentence_upper(si)):
                        continue
                    comp_hits.append((entry[1], entry[2], si, s))
                elif kind == _SYM:
                    word = cased[s + 1 : e - 1]
                    sym = entry[1]
                    if (
                        word == sym
                        and len(sym) >= 4
                        and sym.upper() not in kw.ACRONYMS
                        and not sentence_upper(si)
                    ):
                        sym_hits.append((sym.upper(), si, s))
                elif kind == _EXCL:
                    excluded.add((entry[1], si))

        # Tickers in context ("$ABC", "ABC token", "(ABC)") from the cased marked text.
        tokens: dict[str, int] = {}
        for m in _TOKEN_CTX.finditer(marked):
            sym = m.group("d") or m.group("t") or m.group("p") or m.group("k")
            up = sym.upper()
            if up in kw.ACRONYMS and (m.group("p") or up not in snap.symbols):
                continue  # "(ATH)" is all-time high; "NFT airdrop" is not a ticker
            if m.group("d") is not None and not any(ch.isupper() for ch in sym):
                if up not in snap.symbols:
                    continue  # "$btc"-style lower case only counts for watched symbols
            si = marked.count(SENT, 0, m.start())
            tokens.setdefault(up, si)
        for sym, si, _pos in sym_hits:
            tokens.setdefault(sym, si)

        # Companies: by name/alias, or by one of their tickers seen in context.
        comp_best: dict[int, list[Any]] = {}  # idx -> [score, alias, first pos, sentences]
        for idx, alias, si, pos in comp_hits:
            if (idx, si) in excluded:
                continue
            rec = comp_best.setdefault(idx, [0.0, alias, pos, set()])
            rec[0] += 1.0 + (1.0 if has_title and si == 0 else 0.0)
            if pos < rec[2]:
                rec[1], rec[2] = alias, pos
            rec[3].add(si)
        for sym, si in tokens.items():
            for idx in snap.symbols.get(sym, ()):
                if (idx, si) in excluded:
                    continue
                rec = comp_best.setdefault(idx, [0.0, f"${sym}", 10**9, set()])
                rec[0] += 0.8
                rec[3].add(si)
        ranked = sorted(comp_best.items(), key=lambda kv: (-kv[1][0], kv[1][2]))
        companies = [
            {
                "id": snap.companies[idx].id,
                "name": snap.companies[idx].name,
                "matched": rec[1],
                "priority": snap.companies[idx].priority,
            }
            for idx, rec in ranked
        ]
        comp_sents: set[int] = set()
        for _idx, rec in ranked:
            comp_sents |= rec[3]
        token_sents = set(tokens.values())

        urg: list[tuple[Urgency, int]] = []
        if has_time:
            urg = [(u, marked.count(SENT, 0, u.start)) for u in find_all(marked, published)]

        question = has_title and bool(_SPECULATIVE_TITLE.match(title_c.strip()))
        return _score(
            kw_hits, fam_sents, fam_pos, neg_hits, companies, comp_sents, tokens,
            token_sents, urg, has_title, question, published is not None,
            (published or datetime.now()).date(),
        )


# "Will X launch a token?", "Wen airdrop?": the headline itself is speculation.
_SPECULATIVE_TITLE = re.compile(
    r"(?i)^(?:will|would|could|can|might|may|is|are|does|do|should|wen|when|why)\b.*\?\s*$"
)


def _sentence(cased: str, bounds: list[int], si: int) -> str:
    a = bounds[si - 1] if si > 0 else 0
    b = bounds[si] if si < len(bounds) else len(cased)
    return cased[a:b]


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
W_QUESTION = 0.25
W_STALE = 0.2
NEG_T2 = 0.8  # a negative next to a tier-2 signal only (not the headline or tier-1 sentence)
NEG_FAR = 0.5  # a negative in a sentence with no TGE signal counts half
NEG_REPEAT = 0.25  # each further distinct phrase of the same category, up to two
_RANK = {"date": 0, "relative": 1, "weekday": 2, "time": 3, "quarter": 4, "month": 5, "year": 6}


def _score(
    kw_hits: dict[str, tuple[int, int]],
    fam_sents: dict[str, set[int]],
    fam_pos: dict[str, list[tuple[int, int]]],
    neg_hits: dict[str, dict[str, int]],
    companies: list[dict[str, Any]],
    comp_sents: set[int],
    tokens: dict[str, int],
    token_sents: set[int],
    urg: list[tuple[Urgency, int]],
    has_title: bool,
    question: bool,
    dated: bool,
    ref: date,
) -> Analysis:
    expl: list[dict[str, Any]] = []
    score = 0.0

    def add(signal: str, detail: str, delta: float) -> None:
        nonlocal score
        expl.append({"signal": signal, "detail": detail, "delta": delta})
        score += delta

    tiers: dict[int, dict[str, int]] = {1: {}, 2: {}, 3: {}}
    for label, (tier, si) in kw_hits.items():
        tiers[tier][label] = si
    direct_t1 = bool(tiers[1])

    # Proximity rules: "claim ... live/open", "launch ... token", "<SYM> airdrop".
    claim_open = fam_sents.get("claim", set()) & fam_sents.get("open", set())
    if claim_open:
        tiers[1].setdefault("claim ... live", min(claim_open))
    lt = _near(fam_pos.get("launch", []), fam_pos.get("token", []), 60)
    if lt is not None:
        tiers[1].setdefault("launch ... token", lt)
    airdrop_sents = fam_sents.get("airdrop", set())
    for sym, si in tokens.items():
        if si in airdrop_sents:
            tiers[1].setdefault(f"{sym} airdrop", si)
            break

    t1 = sorted(tiers[1].items(), key=lambda kv: kv[1])
    t2 = sorted(tiers[2].items(), key=lambda kv: kv[1])
    t3 = sorted(tiers[3].items(), key=lambda kv: kv[1])
    if t1:
        base = W_TIER1 if direct_t1 else W_TIER1_RULE
        add("tier1", ", ".join(k for k, _ in t1[:3]), base + W_TIER1_EXTRA * min(len(t1) - 1, 2))
        if t2:
            add("tier2", ", ".join(k for k, _ in t2[:3]), W_TIER2_WITH_T1 * min(len(t2), 3))
    elif t2:
        add("tier2", ", ".join(k for k, _ in t2[:4]), W_TIER2 + W_TIER2_EXTRA * min(len(t2) - 1, 3))
    if t3 and (t1 or t2):
        add("tier3", ", ".join(k for k, _ in t3[:3]), W_TIER3 * min(len(t3), 3))

    strong_sents = {si for _, si in t1}
    mid_sents = {si for _, si in t2}
    signal_sents = strong_sents | mid_sents

    if companies:
        c = companies[0]
        add("company", f"{c['name']} ('{c['matched']}')", W_COMPANY)
    if tokens:
        add("token", ", ".join(f"${t}" for t in tokens), W_TOKEN)

    # Proximity: a TGE keyword in the same sentence as the company or its token.
    subject_sents = comp_sents | token_sents
    if strong_sents & subject_sents:
        add("proximity", "tier-1 keyword next to company/token", W_PROX_T1)
    elif mid_sents & subject_sents:
        add("proximity", "tier-2 keyword next to company/token", W_PROX_T2)

    urgency: dict[str, Any] | None = None
    stale = False
    if urg:
        near = [(u, si) for u, si in urg if si in signal_sents]
        pool = near or urg
        u, _si = min(pool, key=lambda p: (_RANK[p[0].kind], p[0].start))
        urgency = u.to_dict()
        if u.date and u.kind in ("date", "month", "quarter") and not any(
            v.kind in ("relative", "weekday") for v, _ in urg
        ):
            age = (ref - date.fromisoformat(u.date)).days
            stale = age > (60 if dated else 300)
        if stale and (t1 or t2):
            add("negative:stale", f"{u.text!r} is long before publication", -W_STALE)
        elif t1 or t2:
            add("urgency", f"{u.text!r}" + (f" -> {u.date}" if u.date else ""),
                W_DATE + (W_DATE_NEAR if near else 0.0))

    negatives: list[str] = ["stale"] if stale and (t1 or t2) else []
    if question and (t1 or t2):
        negatives.append("speculation")
        add("negative:question", "headline asks whether it will happen", -W_QUESTION)
    for cat, phrases in sorted(neg_hits.items(), key=lambda kv: min(kv[1].values())):
        sis = set(phrases.values())
        if (has_title and 0 in sis) or sis & strong_sents:
            factor = 1.0
        elif sis & mid_sents:
            factor = NEG_T2
        else:
            factor = NEG_FAR
        pen = kw.NEGATIVES[cat][0] * factor * (1 + NEG_REPEAT * min(len(phrases) - 1, 2))
        if cat not in negatives:
            negatives.append(cat)
        add(f"negative:{cat}", ", ".join(repr(p) for p in list(phrases)[:3]), -pen)

    conf = round(min(1.0, max(0.0, score)), 3)
    if conf != round(score, 3):
        expl.append({"signal": "clamp", "detail": "kept within 0..1",
                     "delta": round(conf - score, 3)})
    for e in expl:
        e["delta"] = round(e["delta"], 3)
    return Analysis(
        confidence=conf,
        band=band_for(conf),
        companies=companies,
        tokens=list(tokens),
        keywords={
            "tier1": [k for k, _ in t1],
            "tier2": [k for k, _ in t2],
            "tier3": [k for k, _ in t3],
        },
        urgency=urgency,
        negatives=negatives,
        explanation=expl,
    )
