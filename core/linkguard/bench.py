"""`tge-monitor bench links`: microseconds per link verdict (goal < 50 µs).

Links: every URL of the bundled real feeds (item links and links in their text) plus, for each
official domain of the bundled companies, the lookalike tricks the guard exists for (a letter
dropped, two swapped, a digit for a letter, a hyphenated claim word, another ending, a Cyrillic
letter, a subdomain of another site). `cold` clears the guard's per-host cache before every
round, so each host pays the full price (Public Suffix split aside, whose cache is process-wide
and is also cleared); `warm` is the steady state of a running service, where hosts repeat.
Times are CPU time of this process (`time.process_time`), the median of the rounds: on a
shared machine wall time mostly measures the other processes; `wall_*` is reported too.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from core.bundled import COMPANIES_FILE, FEEDS_DIR
from core.linkguard.domains import split_host
from core.linkguard.guard import SUSPICIOUS, LinkGuard, guard_companies
from core.linkguard.review import extract_urls
from core.monitors.rss import parse_feed


def _lookalikes(domain: str) -> list[str]:
    label, _, suffix = domain.partition(".")
    if len(label) < 4:
        return []
    swapped = label[0] + label[2] + label[1] + label[3:]
    return [
        f"https://{label[:-1]}.{suffix}/claim",
        f"https://{swapped}.{suffix}",
        f"https://{label.replace('o', '0').replace('l', '1')}.{suffix}",
        f"https://{label}-claim.xyz/airdrop",
        f"https://{label}.app",
        f"https://{label.replace('a', 'а', 1)}.{suffix}",  # Cyrillic а
        f"https://{label}.{suffix}.drop-portal.com/connect",
    ]


def bench_links(
    feeds_dir: Path | None = None,
    companies: Path | None = None,
    *,
    rounds: int = 15,
) -> dict[str, Any]:
    feeds_dir = feeds_dir or FEEDS_DIR
    companies = companies or COMPANIES_FILE
    rows = json.loads(companies.read_text()) if companies.is_file() else []
    catalogue = companies.parent / "catalogue" / "companies.json"  # the default catalogue
    if catalogue.is_file():
        rows += json.loads(catalogue.read_text())
    guard = LinkGuard(guard_companies(rows))
    urls: list[str] = []
    for path in sorted(feeds_dir.glob("*.xml")):
        for item in parse_feed(path.read_bytes()).items:
            urls.extend(extract_urls(item.url, item.text))
    feed_links = len(urls)
    for domain in guard.official_domains:
        urls.extend(_lookalikes(domain))
    if not urls:
        raise FileNotFoundError(f"no links in {feeds_dir} and no official domains")
    cold: list[float] = []
    warm: list[float] = []
    wall_cold: list[float] = []
    per = 1e6 / len(urls)
    for _ in range(rounds):
        guard.rebuild(guard_companies(rows))  # a fresh index: empty per-host cache
        split_host.cache_clear()
        cpu, wall = time.process_time(), time.perf_counter()
        for url in urls:
            guard.check(url)
        cold.append((time.process_time() - cpu) * per)
        wall_cold.append((time.perf_counter() - wall) * per)
        cpu = time.process_time()
        for url in urls:
            guard.check(url)
        warm.append((time.process_time() - cpu) * per)
    verdicts = [guard.check(u).verdict for u in urls]
    return {
        "links": len(urls),
        "feed_links": feed_links,
        "generated_lookalikes": len(urls) - feed_links,
        "suspicious": verdicts.count(SUSPICIOUS),
        "official_domains": len(guard.official_domains),
        "us_per_link_cold": round(statistics.median(cold), 2),
        "us_per_link_cold_worst_round": round(max(cold), 2),
        "us_per_link_warm": round(statistics.median(warm), 2),
        "wall_us_per_link_cold": round(statistics.median(wall_cold), 2),
        "rounds": rounds,
        "goal_us_per_link": 50,
    }
