"""Batch 18 (issue 11): a FRESH test set of real DATED crypto NEWS items (headline + lead as
published) from public repositories no labelled set, pool or event split has read, drawn WITHOUT
any model's score, for ``/work/notes/RULE_batch17.md`` (batch 18: drawn as batch 15; seed 30,
first id c-26001; at most half from the fixed word-list stratum). Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-18.jsonl``, ids ``c-26001`` ...) and never trained on.

Batch 15's pattern (``scripts/batch15.py``): its readers (``site``, ``outlet``, ``_rows``,
``_versions``, ``_rfc822``, ``other_pools``), its stratum (``batch15.STRATUM``, the same words,
fixed before this draw) and batch 5's/7's stages, with this batch's sources and settings only.
Sources (``SOURCES``, ``core/data/labelled/sources/batch-18.md``): saved news-API responses and a
saved RSS headline list in public repositories, read at fixed commits through local read-only git
mirrors (the search tool's ``fetch``), every version of each file named. Kept as found: the
headline and the publisher's own description (the news API's; HTML stripped, entities
unescaped, cut at a sentence boundary by ``semi_supervised_experiment._lead``); the RSS list's
descriptions were cut by its app ("…") and are not kept: those items carry an empty lead.
Nothing written, paraphrased or translated; headlines in Chinese (two Taiwanese feeds of the RSS
list) are not read; video rows of the news API (YouTube links) are not read.

Pool (``collect``, then ``batch5.build``): as batch 15 (``labelling_batch.build_pool2``: only
items with the date their own row gives; none whose normalised headline or text is labelled, in
dev, the written sets or an event split; nothing naming a final-test project; one item per
headline; crypto items only), and none whose headline or address is in a pool file another
engineer holds now (``/work/scratch/*/pool*.jsonl``: batch 17's ``pool17a``/``pool17b``/
``pool17e`` among them). Written as ``pool18.jsonl`` and screened again by ``batch5.build``.

Batch: ``batch5.main``'s draw (``batch3.pick``) with seed 30 and first id ``c-26001``: up to half
at random among items carrying a word of ``STRATUM``, the rest at random among all pool items; at
most 6 items about one project (the rules engine's, no model loaded) and 30 % of the batch from
one outlet. No model score is computed or read at any step. Readers see id, title, text, source
and date under batch 5's RULES.md with batch 10's one more hard case (``EXTRA =
UNDATED_OWN_TOKEN``), as batches 10-16.

    python scripts/batch18.py collect   # /work/scratch/batch18/pool18.jsonl (and its sha256)
    python scripts/batch18.py draw --pools /work/scratch/batch18 --size 250
    python scripts/batch18.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch18.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch18.py add       # core/data/labelled/batch-2026-12-07-18.jsonl
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch3 as B3
import batch5 as B
import batch7 as B7  # flat (and the later stages): batch 7's, run on batch 18's files
import batch15 as B15  # the readers and the stratum; its settings are replaced below

B.SEED = 30
B.FIRST_ID = 26001  # c-26001 ... (batch 17 takes c-25001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-18.jsonl"
B.POOLS = ("pool18.jsonl",)
B.WORK = Path("/work/scratch/batch18")
B.BATCH_FILE, B.POOL_FILE = "batch18.jsonl", "pool18_all.jsonl"
B.EXTRA = B.UNDATED_OWN_TOKEN  # batch 10's one more hard case, as batches 10-16
MIRRORS = Path("/work/.mirror")
POOL = "pool18.jsonl"

# The stratum, fixed before the draw: batch 15's word list unchanged (RULE_batch17: "drawn as
# batch 15"). ``batch3.pick`` takes its first half among ``labelling_batch.LAUNCH`` items; in this
# process that name holds this list.
STRATUM = B15.STRATUM
B.LB.LAUNCH = STRATUM

# (repo, commit, paths, what): every file read, at every version up to the commit named.
SOURCES = [
    (
        "trading-smart/crash-aug23-analysis",
        "c1da8021a638918aab1c0030b2b38575dd6b1fe6",
        ("data/cryptonews.json",),
        "a saved CryptoNews API (snapi) response, crypto news of 2023-08-01..21: headline,"
        " description, outlet, link, publication time",
    ),
    (
        "wangh050816-svg/crypto-news-app",
        "f67aeb33699ce264589b6001814d0372273f13dc",
        ("crypto_news.json",),
        "a daily-fetch app's saved RSS items (CoinDesk, CoinTelegraph; two Chinese feeds not"
        " read): headline, link, pubDate; its descriptions are cut by the app: headlines only;"
        " 2026-07..08",
    ),
    (
        "Ashutoshwahane/junk-data",
        "f00da19c23c82567633e558bb711301b94808f17",
        ("crypto_news.json",),
        "a saved CryptoNews API (snapi) response: headline, description, outlet, link,"
        " publication time; 2021-07..08",
    ),
]
# Saved responses of news searches not restricted to crypto feeds (their items need a crypto
# word): none among these sources; kept for batch 15's filter.
GENERAL: set[str] = set()
HEADLINES_ONLY = {"wangh050816-svg/crypto-news-app"}
_ROWS15 = B15._rows
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def _item(repo: str, r: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """(headline, lead, meta) of one row as its source gives them, or None (no headline, no
    link, no outlet named, a video row, or a headline not in English)."""
    if "news_url" in r:  # CryptoNews API (snapi)
        if str(r.get("type") or "Article") != "Article":
            return None
        title, url, name = r.get("title"), r.get("news_url"), r.get("source_name")
        date: Any = B15._rfc822(str(r.get("date") or ""))
        lead = r.get("text") or ""
    else:
        title, url = r.get("title"), r.get("url") or r.get("link")
        src = r.get("source")
        name = src.get("name") if isinstance(src, dict) else src
        name = name or B15.outlet(url)
        date = r.get("publishedAt") or r.get("published")
        if isinstance(date, str) and not re.match(r"\d{4}", date):
            date = B15._rfc822(date)
        lead = "" if repo in HEADLINES_ONLY else (r.get("description") or "")
    if not title or not url or not name or CJK.search(str(title)):
        return None
    lead = B3._clean(re.sub(r"<[^>]+>", " ", B3._clean(lead)))
    lead = B.S._lead(B15.READ_ON.sub("", B3.TRAILER.sub(" ", lead)).strip())
    meta = {"date": date, "url": url, "publisher": name}
    return B3._clean(title), lead, meta


def items(mirrors: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(headline, lead, where from + ``meta``) of every row of ``SOURCES``, a link once (at the
    first version that holds it)."""
    for repo, commit, paths, _what in SOURCES:
        m = mirrors / repo.replace("/", "+") / "repo"
        seen: set[str] = set()
        for version, path, text in B15._versions(m, commit, paths):
            for n, r in enumerate(_rows(path, text)):
                got = _item(repo, r)
                if got is None or got[2]["url"] in seen:
                    continue
                seen.add(got[2]["url"])
                src = {"repo": repo, "commit": version, "path": path, "row": n}
                yield got[0], got[1], src | {"meta": got[2]}


def _rows(path: str, text: str) -> list[dict[str, Any]]:
    """Batch 15's rows, and the snapi responses' ``data`` list."""
    rows = _ROWS15(path, text)
    if rows or not path.endswith(".json"):
        return rows
    try:
        data = json.loads(text)
    except ValueError:
        return []
    data = data.get("data") if isinstance(data, dict) else None
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def collect(mirrors: Path, work: Path) -> None:
    """``pool18.jsonl``: the crypto, dated, unlabelled items, in the event pools' format."""
    titles, urls = B15.other_pools()
    pool = [
        it
        for it in B.LB.build_pool2(mirrors, items(mirrors), crypto_only=False)
        if B.LB.CRYPTO.search(f"{it['title']} {it['text']}")
        or (
            it["provenance"]["repo"] not in GENERAL
            and B3.COINS.search(f"{it['title']} {it['text']}")
        )
    ]
    kept = [
        it for it in pool if B.norm(it["title"]) not in titles and B.nurl(it["url"]) not in urls
    ]
    print(f"pool: {len(pool)} crypto, dated, unlabelled; {len(pool) - len(kept)} in another pool")
    work.mkdir(parents=True, exist_ok=True)
    with (work / POOL).open("w", encoding="utf-8") as f:
        for n, it in enumerate(kept, 1):
            row = {"id": f"q18-{n:04d}", **it, "project_hint": None}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print("repos", Counter(it["provenance"]["repo"] for it in kept).most_common())
    print("sources", Counter(it["source"] for it in kept).most_common(12))
    print("years", sorted(Counter(it["date"][:4] for it in kept).items()))
    print("stratum", sum(bool(STRATUM.search(f"{x['title']} {x['text']}")) for x in kept))
    print("sha256", hashlib.sha256((work / POOL).read_bytes()).hexdigest())


def main() -> None:
    if sys.argv[1:2] == ["collect"]:
        collect(MIRRORS, B.WORK)
        return
    if sys.argv[1:2] == ["draw"]:  # every line of the pool as ``collect`` wrote it
        B.READ = {POOL: len(B._rows(B.WORK / POOL))}
    B7.cli()


if __name__ == "__main__":
    main()
