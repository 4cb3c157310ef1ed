"""Benchmark the scorer against a naive baseline at many companies (``tge-monitor bench scoring``).

Both run in the same process on the same synthetic 1 KB items, so the ratio is meaningful on
any machine. The baseline is what the seed did: one compiled regex per company plus keyword
``in`` checks, i.e. cost that grows with the number of companies.
"""

from __future__ import annotations

import random
import re
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.bundled import COMPANIES_FILE
from core.scoring import _native
from core.scoring import keywords as kw
from core.scoring.engine import CompanySpec, ScoringEngine
from core.scoring.history import history_for
from core.scoring.model import (
    BUNDLED_CJK_MODEL,
    BUNDLED_MODEL,
    attach_cjk,
    cjk_model_for_setting,
    load_model,
)

DEFAULT_COMPANIES_PATH = COMPANIES_FILE

_SYLLABLES = (
    "ka lo ven tar ix mo ra zen qu bel dor fi nex sol ar vy lum tri oc py sar mir eth gal "
    "hel or bra cy dra el fen gor hy jin kor lys mav nor ost pra rho sil tor ul vex wyn xa "
    "yor zel ae bo ce du ga ki ne pi ru so ta vo zu"
).split()
_SUFFIXES = ("", "", " Protocol", " Network", " Labs", " Finance", " Chain", " Exchange", " AI")

_FILLER = (
    "Markets were mixed on the day as traders weighed macro data and central bank remarks.",
    "The team said the roadmap includes more integrations with wallets and bridges.",
    "Developers have been shipping updates to the explorer and the documentation portal.",
    "Analysts noted that on-chain activity has picked up across several networks this month.",
    "The community forum has been busy with governance proposals and grant requests.",
    "Several exchanges reported higher volumes as volatility returned to majors.",
    "A spokesperson declined to comment further on partnerships or timelines.",
    "The project previously ran a series of hackathons for builders in Asia and Europe.",
    "Regulators in several countries continue to publish guidance on digital asset custody.",
    "Bitcoin traded sideways while ether edged higher ahead of the options expiry.",
    "Industry groups said they expect more clarity on market structure rules next year.",
    "Stablecoin supply has been growing steadily, according to on-chain dashboards.",
)
_TEMPLATES = (
    "{name} announced its token generation event for {date}, with ${sym} claims opening at "
    "10:00 UTC.",
    "{name} will launch the {sym} token on {date}; the airdrop claim portal goes live then.",
    "The {name} airdrop is now claimable for eligible wallets, the team said on X.",
    "{name} price jumps 12% as traders rotate into {sym} after a whale bought in.",
    "{name} denied rumours of a token, saying there are no plans for a token this year.",
    "{name} raises $20M in a Series A led by a major fund to expand its mainnet.",
    "Binance will list {sym} tomorrow and open spot trading pairs for the new token.",
    "Hackers drained $4M from a {name} bridge in an exploit late on Sunday.",
    "{name} opened its points season and took a snapshot ahead of a possible airdrop.",
    "{name} launched a new dashboard for users, with mainnet metrics and staking stats.",
)
_DATES = ("March 3", "April 12, 2026", "tomorrow", "next week", "Q1 2026", "Friday", "in 2 hours")


def _name(rng: random.Random) -> str:
    core = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    return core.capitalize() + rng.choice(_SUFFIXES)


def synthetic_companies(n: int, seed: int = 7) -> list[CompanySpec]:
    """N made-up companies with aliases and unique 3-5 letter tickers."""
    rng = random.Random(seed)
    out: list[CompanySpec] = []
    names: set[str] = set()
    syms: set[str] = set()
    while len(out) < n:
        name = _name(rng)
        if name in names:
            continue
        names.add(name)
        base = name.split()[0]
        letters = re.sub(r"[aeiou]", "", base.upper()[1:])
        sym = (base[0].upper() + letters)[: rng.randint(3, 5)]
        k = 0
        while len(sym) < 3 or sym in syms:
            k += 1
            sym = (base[:2].upper() + letters)[: 5 - len(str(k))] + str(k)
        syms.add(sym)
        aliases = (f"{base} Foundation", f"{base} Labs") if rng.random() < 0.7 else (base,)
        out.append(
            CompanySpec(
                id=len(out) + 1,
                name=name,
                aliases=aliases,
                tokens=(sym,),
                priority=rng.choice(("LOW", "MEDIUM", "HIGH")),
            )
        )
    return out


def synthetic_items(companies: Sequence[CompanySpec], n: int, seed: int = 11) -> list[str]:
    """N news-like items of about 1 KB: each is about one company (a headline-style sentence
    and one follow-up), sometimes mentions a second one, and is padded with filler."""
    rng = random.Random(seed)
    items: list[str] = []
    for _ in range(n):
        c = rng.choice(companies) if companies else None
        parts: list[str] = []
        if c is not None:
            for _k in range(2):
                parts.append(_template(rng, c))
            if rng.random() < 0.3:
                parts.append(_template(rng, rng.choice(companies)))
        size = sum(len(p) + 1 for p in parts)
        while size < 1024:
            f = rng.choice(_FILLER)
            parts.insert(rng.randint(1, len(parts)) if parts else 0, f)
            size += len(f) + 1
        items.append(" ".join(parts)[:1024])
    return items


def _template(rng: random.Random, c: CompanySpec) -> str:
    sym = c.tokens[0] if c.tokens else "TKN"
    return rng.choice(_TEMPLATES).format(name=c.name, sym=sym, date=rng.choice(_DATES))


class NaiveAnalyzer:
    """The seed's approach: a regex per company and ``in`` checks per keyword."""

    def __init__(self, companies: Sequence[CompanySpec]) -> None:
        self.patterns = []
        for c in companies:
            alts = [re.escape(a) for a in (c.name, *c.aliases, *c.tokens) if a]
            self.patterns.append((c, re.compile(r"\b(?:" + "|".join(alts) + r")\b", re.IGNORECASE)))
        self.tiers = ((0.4, kw.TIER1), (0.15, kw.TIER2), (0.02, kw.TIER3))
        self.negatives = [(pen, words) for pen, words in kw.NEGATIVES.values()]

    def analyze(self, title: str, text: str) -> tuple[float, list[str]]:
        body = f"{title} {text}"
        low = body.lower()
        found = [c.name for c, rx in self.patterns if rx.search(body)]
        score = 0.15 if found else 0.0
        for weight, words in self.tiers:
            score += weight * sum(1 for w in words if w in low)
        for pen, words in self.negatives:
            if any(w in low for w in words):
                score -= pen
        return max(0.0, min(1.0, score)), found


def _timed_passes(analyze: Any, docs: Sequence[str], passes: int) -> tuple[float, float]:
    """Median wall and CPU seconds of full passes over ``docs``, after a warm-up.

    On a shared machine wall time includes waiting for a core, CPU time does not, so the
    CPU figures are the one-core throughput."""
    for d in docs[:500]:  # warm caches
        analyze("", d)
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(passes):
        w0, c0 = time.perf_counter(), time.process_time()
        for d in docs:
            analyze("", d)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


_STARTUP = """
import sys, time
t0 = time.perf_counter()
from core.scoring import ScoringEngine
from core.scoring.evaluate import load_companies
from core.scoring.history import history_for
from core.scoring.model import attach_cjk, cjk_model_for_setting, load_model
model = load_model(sys.argv[1]) if sys.argv[1] else None
if model is not None and sys.argv[3]:
    attach_cjk(model, cjk_model_for_setting(sys.argv[3]))
engine = ScoringEngine(load_companies(sys.argv[2]), model=model, history=history_for(model))
engine.analyze("Acme announces its token generation event", "Claims open on March 3.")
print((time.perf_counter() - t0) * 1000)
"""


def _startup_ms(
    model_path: str | Path | None, cjk_model_path: str | Path | None = None
) -> float | None:
    """Wall time for a fresh interpreter to import the scorer, load the model (and the CJK
    model beside it) and the bundled companies, and score one item (the interpreter's own
    start excluded)."""
    import subprocess

    try:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                _STARTUP,
                str(model_path or ""),
                str(COMPANIES_FILE),
                str(cjk_model_path or ""),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return round(float(out.stdout.strip().splitlines()[-1]), 1)
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return None


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def bench_scoring(
    companies: int = 10000,
    items: int = 2000,
    *,
    companies_path: str | Path | None = DEFAULT_COMPANIES_PATH,
    baseline_items: int | None = None,
    rounds: int = 5,
    min_scored: int = 10_000,
    rebuild_rounds: int = 5,
    model_path: str | Path | None = BUNDLED_MODEL,
    startup: bool = True,
    cjk_model_path: str | Path | None = BUNDLED_CJK_MODEL,
) -> dict[str, Any]:
    """Time the scorer (engine + learned model) and the naive baseline on the same items;
    report items/s and ratio, and the engine alone (``rules_*``) beside it.

    The scorer scores the items in at least ``rounds`` passes and at least ``min_scored``
    items in all, after a warm-up. The baseline is measured on a subset (it is ~100x
    slower) and scaled to items/s. ``model_path=None`` measures the rules alone. With
    ``startup``, a fresh interpreter times importing the scorer, loading the model and
    building the automaton for the bundled companies (what a process does at start).
    ``cjk_model_path``: the CJK model loaded beside the model (None: not loaded), as the
    service loads it (its load counted in ``model_load_ms``).
    """
    model = None
    model_load_ms = None
    if model_path is not None:
        t0 = time.perf_counter()
        model = load_model(model_path)
        if model is not None and cjk_model_path is not None:
            attach_cjk(model, cjk_model_for_setting(str(cjk_model_path)))
        model_load_ms = round((time.perf_counter() - t0) * 1000, 1)
    real: list[CompanySpec] = []
    if companies_path and Path(companies_path).exists():
        from core.scoring.evaluate import load_companies

        real = load_companies(companies_path)
    specs = synthetic_companies(companies) + real
    docs = synthetic_items(specs, items)

    t0 = time.perf_counter()
    engine = ScoringEngine(specs)
    build_ms = (time.perf_counter() - t0) * 1000
    # A rebuild happens when companies change: one new company on top of the same set, each
    # time a different one. The median of several is reported, and the slowest.
    rebuilds: list[float] = []
    for k in range(rebuild_rounds):
        changed = [*specs, CompanySpec(id=None, name=f"Rebuildtest{k} Labs", tokens=("RBLT",))]
        t0 = time.perf_counter()
        engine.rebuild(changed)
        rebuilds.append((time.perf_counter() - t0) * 1000)
    engine.rebuild(specs)

    passes = max(rounds, -(-min_scored // max(1, len(docs))))
    engine.model = None
    rules_s, rules_cpu_s = _timed_passes(engine.analyze, docs, passes)
    engine.model = model
    engine.history = history_for(model)  # the bundled first-seen table, as a start-up loads
    engine_s, engine_cpu_s = _timed_passes(engine.analyze, docs, passes)

    naive = NaiveAnalyzer(specs)
    sub = docs[: baseline_items or max(5, min(len(docs), 50))]
    t0 = time.perf_counter()
    for d in sub:
        naive.analyze("", d)
    naive_s = time.perf_counter() - t0

    ips = len(docs) / engine_s if engine_s else 0.0
    ips_cpu = len(docs) / engine_cpu_s if engine_cpu_s else 0.0
    base_ips = len(sub) / naive_s if naive_s else 0.0
    return {
        "companies": len(specs),
        "items": len(docs),
        "item_bytes": round(sum(len(d.encode()) for d in docs) / max(1, len(docs))),
        "items_per_s": round(ips, 1),
        "items_per_s_cpu": round(ips_cpu, 1),
        "us_per_item_cpu": round(1e6 / ips_cpu, 1) if ips_cpu else None,
        "scored": len(docs) * passes,
        "model": model.name if model is not None else None,
        "cjk_model": model.cjk_route[0].name
        if model is not None and model.cjk_route is not None
        else None,
        "rules_items_per_s": round(len(docs) / rules_s, 1) if rules_s else 0.0,
        "rules_items_per_s_cpu": round(len(docs) / rules_cpu_s, 1) if rules_cpu_s else 0.0,
        "model_us_per_item_cpu": round(1e6 * (engine_cpu_s - rules_cpu_s) / len(docs), 1)
        if model is not None and docs
        else None,
        "model_load_ms": model_load_ms,
        "startup_ms": _startup_ms(model_path, cjk_model_path if model_path else None)
        if startup
        else None,
        "baseline_items": len(sub),
        "baseline_items_per_s": round(base_ips, 1),
        "ratio": round(ips / base_ips, 1) if base_ips else None,
        "build_ms": round(build_ms, 1),
        "rebuild_ms": round(statistics.median(rebuilds), 1),
        "rebuild_ms_max": round(max(rebuilds), 1),
        "peak_rss_mb": _peak_rss_mb(),
        # Which scorer modules ran compiled (setup.py) and which from source.
        "build": dict(_native.status),
    }
