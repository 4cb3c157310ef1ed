"""The guard on real lookalike domains from public blocklists (tests/data/phishing/README.md).

Goals of issue #19: at least 95% of the lookalikes flagged `suspicious`; no official domain
ever flagged — here and over the whole bundled company catalogue.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from core.bundled import DATA_DIR
from core.linkguard import OFFICIAL, SUSPICIOUS, GuardCompany, LinkGuard, guard_companies

TABLE = Path(__file__).parent / "data" / "phishing" / "lookalikes.csv"


def _rows() -> list[dict[str, str]]:
    with TABLE.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _table_guard(rows: list[dict[str, str]]) -> LinkGuard:
    officials: dict[str, set[str]] = {}
    for row in rows:
        officials.setdefault(row["project"], set()).add(row["official"])
    return LinkGuard(GuardCompany(name, tuple(sorted(d))) for name, d in officials.items())


def table_results(*, with_context: bool = True) -> dict[str, list[tuple[dict[str, str], str]]]:
    rows = _rows()
    guard = _table_guard(rows)
    out: dict[str, list[tuple[dict[str, str], str]]] = {"lookalike": [], "allowlisted": []}
    for row in rows:
        context = (row["project"],) if with_context else ()
        verdict = guard.check(f"https://{row['domain']}/", context=context)
        out[row["kind"]].append((row, verdict.verdict))
    return out


def test_table_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 100
    assert {r["kind"] for r in rows} == {"lookalike", "allowlisted"}
    assert {r["source"] for r in rows} <= {"MM", "SS", "FIP"}
    domains = [r["domain"] for r in rows]
    assert len(domains) == len(set(domains)), "a domain listed twice"


def test_at_least_95_percent_of_lookalikes_are_suspicious() -> None:
    results = table_results()["lookalike"]
    missed = [row["domain"] for row, verdict in results if verdict != SUSPICIOUS]
    rate = 1 - len(missed) / len(results)
    assert rate >= 0.95, f"{rate:.3f} flagged; missed {missed}"


def test_lookalikes_without_context_mostly_flagged_too() -> None:
    """Checked with /check, no alert naming the project: still the large majority."""
    results = table_results(with_context=False)["lookalike"]
    flagged = sum(verdict == SUSPICIOUS for _, verdict in results)
    assert flagged / len(results) >= 0.9


def test_allowlisted_near_names_are_never_official() -> None:
    results = table_results()["allowlisted"]
    assert results
    assert all(verdict != OFFICIAL for _, verdict in results)


def test_no_official_domain_of_the_table_is_flagged() -> None:
    rows = _rows()
    guard = _table_guard(rows)
    for official in {r["official"] for r in rows}:
        for url in (
            f"https://{official}",
            f"https://www.{official}/claim?x=1",
            f"http://{official}.",
        ):
            assert guard.check(url).verdict == OFFICIAL, url


def _catalogue_rows() -> list[dict]:
    """Every bundled company list: the dev companies and, once it lands, the catalogue."""
    rows: list[dict] = []
    for path in (DATA_DIR / "companies.json", DATA_DIR / "catalogue" / "companies.json"):
        if path.exists():
            rows.extend(json.loads(path.read_text()))
    return rows


def test_no_official_domain_of_the_catalogue_is_ever_flagged() -> None:
    rows = _catalogue_rows()
    companies = guard_companies(rows)
    with_domains = [c for c in companies if c.domains]
    assert with_domains, "the bundled companies carry no official domains"
    guard = LinkGuard(companies)
    everyone = tuple(c.name for c in companies)
    checked = 0
    for company in with_domains:
        for domain in company.domains:
            host = domain.split("://", 1)[-1].split("/", 1)[0]
            for url in (f"https://{host}/", f"https://{host}/claim", f"https://app.{host}/x"):
                for context in ((), (company.name,), everyone[:50]):
                    verdict = guard.check(url, context=context)
                    assert verdict.verdict == OFFICIAL, (url, verdict)
                    checked += 1
    assert checked >= 9 * len(with_domains)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://layerzero.network/claim", OFFICIAL),
        ("https://layerzero-claim.xyz", SUSPICIOUS),
        ("https://bit.ly/3abc", SUSPICIOUS),
        ("https://x.com/LayerZero_Labs/status/1", OFFICIAL),
        ("https://x.com/LayerZero_Iabs", SUSPICIOUS),
        ("https://www.coindesk.com/markets/2024/06/20/zro", OFFICIAL),
        ("https://example.org/page", "unknown"),
        ("https://lаyerzero.network", SUSPICIOUS),  # Cyrillic а
        ("https://layerzero.network@drain.example", SUSPICIOUS),
        ("https://layerzero.vercel.app", SUSPICIOUS),
        ("https://203.0.113.7/claim", SUSPICIOUS),
        ("https://coinbase-airdrop.com", SUSPICIOUS),
    ],
)
def test_verdicts_for_each_trick(url: str, expected: str) -> None:
    guard = LinkGuard(
        [GuardCompany("LayerZero", ("layerzero.network",), ("LayerZero_Labs",), ("Layer Zero",))]
    )
    assert guard.check(url).verdict == expected


def test_real_links_of_the_labelled_corpus_are_rarely_flagged() -> None:
    """1,787 links from real published crypto news (core/data/labelled): not phishing, so
    what the guard flags there is its false-alarm rate (regional exchange domains such as
    binance.bh, until an admin adds them). Measured 20/1,787 with the full catalogue."""
    from core.bundled import LABELLED_CORPUS_FILE
    from core.linkguard import extract_urls

    guard = LinkGuard(guard_companies(_catalogue_rows()))
    urls: set[str] = set()
    for line in LABELLED_CORPUS_FILE.read_text().splitlines():
        row = json.loads(line)
        if isinstance(row.get("url"), str) and row["url"].startswith("http"):
            urls.add(row["url"])
        urls.update(extract_urls(row.get("title") or "", row.get("text") or ""))
    assert len(urls) > 1000
    flagged = [u for u in sorted(urls) if guard.check(u).verdict == SUSPICIOUS]
    assert len(flagged) / len(urls) <= 0.02, flagged


def test_a_project_name_as_the_whole_domain_is_not_called_fake_without_a_record() -> None:
    guard = LinkGuard([GuardCompany("Ethena"), GuardCompany("LayerZero", ("layerzero.network",))])
    assert guard.check("https://claim.ethena.fi").verdict == "unknown"
    assert guard.check("https://ethena-claim.fi").verdict == SUSPICIOUS
    assert guard.check("https://claim.layerzero.fi").verdict == SUSPICIOUS


def test_links_run_together_are_split() -> None:
    from core.linkguard import extract_urls

    text = "see https://cointelegraph.comhttps://cointelegraph.com/news/x and more"
    assert extract_urls(text) == ["https://cointelegraph.com", "https://cointelegraph.com/news/x"]
