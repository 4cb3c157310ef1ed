"""`tge-monitor bench ingest`: parse + dedup-key + score the bundled real feeds, in process.

Measures the CPU side of ingestion (no network, no database): what one core sustains when
feeds arrive faster than we can read them. Goal: >= 5,000 items/s (issue #15), with parsing
as correct as feedparser's (the fast path takes the feeds it reads the same way). Items above
the alert threshold also get the phishing guard's link review, as in the ingestor;
`guard_share` is the part of the time it took.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from core.bundled import COMPANIES_FILE, FEEDS_DIR
from core.linkguard import LinkGuard, guard_companies, review
from core.monitors.dedup import canonical_url, title_fingerprint
from core.monitors.rss import parse_feed
from core.scoring import CompanySpec, ScoringEngine


def load_company_specs(path: Path) -> list[CompanySpec]:
    rows = json.loads(path.read_text())
    return [
        CompanySpec(
            id=i + 1,
            name=row["name"],
            aliases=tuple(row.get("aliases") or ()),
            tokens=tuple(row.get("tokens") or ()),
            priority=row.get("priority", "MEDIUM"),
        )
        for i, row in enumerate(rows)
    ]


def bench_ingest(
    feeds_dir: Path | None = None,
    companies: Path | None = None,
    *,
    min_seconds: float = 2.0,
    threshold: float = 0.5,
) -> dict[str, Any]:
    """Repeat parse+score over every bundled feed until `min_seconds` have passed."""
    feeds_dir = feeds_dir or FEEDS_DIR
    companies = companies or COMPANIES_FILE
    docs = [p.read_bytes() for p in sorted(feeds_dir.glob("*.xml"))]
    if not docs:
        raise FileNotFoundError(f"no *.xml feeds in {feeds_dir}")
    engine = ScoringEngine(load_company_specs(companies) if companies.is_file() else ())
    rows = json.loads(companies.read_text()) if companies.is_file() else []
    guard = LinkGuard(guard_companies(rows))
    items = rounds = above = 0
    paths: Counter[str] = Counter()
    guard_s = 0.0
    started = time.perf_counter()
    while True:
        for body in docs:
            parsed = parse_feed(body)
            if rounds == 0:
                paths[parsed.parser] += 1
            for item in parsed.items:
                canonical_url(item.url)
                title_fingerprint(item.title)
                analysis = engine.analyze(item.title, item.text, published=item.published)
                items += 1
                if analysis.confidence >= threshold:
                    t0 = time.perf_counter()
                    review(guard, analysis, title=item.title, text=item.text, url=item.url)
                    guard_s += time.perf_counter() - t0
                    if rounds == 0:
                        above += 1
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            break
    return {
        "items": items,
        "items_per_s": round(items / elapsed, 1),
        "feeds": len(docs),
        "rounds": rounds,
        "seconds": round(elapsed, 3),
        "items_per_round": items // rounds,
        "above_threshold_per_round": above,
        "guard_share": round(guard_s / elapsed, 4),
        "companies": engine.company_count,
        "feeds_by_parser": dict(paths),  # "fast" or "feedparser" (the fallback)
        "goal_items_per_s": 5000,
    }
