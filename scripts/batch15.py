"""Batch 15 (issue 11): a FRESH test set of real DATED crypto NEWS items (headline + lead as
published) from public repositories no labelled set has read, drawn WITHOUT any model's score,
for ``/work/notes/RULE_batch14.md`` (batches 14 and 15; its addendum allows half of batch 15
from a fixed word-list stratum). Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-15.jsonl``, ids ``c-23001`` ...) and never trained on.

Sources (``SOURCES``, ``core/data/labelled/sources/batch-15.md``): saved news-API responses,
saved RSS items and scraped headline lists in public repositories, read at fixed commits through
local read-only git mirrors (the search tool's ``fetch``), every version of each file named. Kept
as found: the headline and the publisher's own description (the feed's or the API's; HTML
stripped, entities unescaped, cut at a sentence boundary by ``semi_supervised_experiment._lead``;
a full article body gives its opening sentences the same way); title-only sources give an empty
lead. Nothing written, paraphrased or translated. ``source`` is the outlet the row names (a news
API's source name, the address's site); for CryptoPanic links the outlet is the site that hosts
the item's image where that is a news site; a CryptoPanic post that names no outlet (no image, or
one on a shared image host: Reddit posts, tweets, videos among them) is not read.

Pool (``collect``, then ``batch5.build``): ``labelling_batch.build_pool2`` on these items (only
items with the date their own row gives; none whose normalised headline or text is in a labelled
file, dev, the written sets or an event split; nothing naming a final-test project; one item per
headline), restricted as the addendum allows to crypto items (a crypto word of
``labelling_batch.CRYPTO``, or in the crypto feeds a coin, chain or venue of ``batch3.COINS``);
none whose headline or address is in a pool file another engineer holds now
(``/work/scratch/*/pool*.jsonl``). Written as ``pool15.jsonl`` in the event pools' format and
screened again by ``batch5.build``.

Batch: ``batch5.main``'s draw (``batch3.pick``) with seed 26 and first id ``c-23001``: up to half
at random among items carrying a word of ``STRATUM`` (fixed here before the draw), the rest at
random among all pool items; at most 6 items about one project (the rules engine's, no model
loaded) and 30 % of the batch from one outlet. No model score is computed or read at any step.
Readers see id, title, text, source and date under batch 5's RULES.md with batch 10's one more
hard case (``EXTRA = UNDATED_OWN_TOKEN``, as batches 10-13), every reader's packet included.

    python scripts/batch15.py collect   # /work/scratch/batch15/pool15.jsonl (and its sha256)
    python scripts/batch15.py draw --pools /work/scratch/batch15 --size 250
    python scripts/batch15.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch15.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch15.py add       # core/data/labelled/batch-2026-12-07-15.jsonl
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch3 as B3
import batch5 as B
import batch7 as B7  # flat (and the later stages): batch 7's, run on batch 15's files

B.SEED = 26
B.FIRST_ID = 23001  # c-23001 ... (batch 14 takes c-22001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-15.jsonl"
B.POOLS = ("pool15.jsonl",)
B.WORK = Path("/work/scratch/batch15")
B.BATCH_FILE, B.POOL_FILE = "batch15.jsonl", "pool15_all.jsonl"
# Batch 10's one more hard case (RULE_batch14.md: "same readers' rules"), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN
MIRRORS = Path("/work/.mirror")
POOL = "pool15.jsonl"

# The stratum (RULE_batch14.md addendum), fixed before the draw: at most half of the batch is drawn
# among items with one of these words in the headline or lead. ``batch3.pick`` takes its first
# half among ``labelling_batch.LAUNCH`` items; in this process that name holds this list.
STRATUM = re.compile(
    r"\b(tokens?|airdrops?|launch(es|ed|ing)?|listings?|lists?|listed|tge|token generation"
    r"|claims?|claimed|claiming|mainnet|sales?|pre-?sales?|points|snapshots?|ico|ido|ieo"
    r"|launchpads?|launchpools?|debuts?)\b",
    re.I,
)
B.LB.LAUNCH = STRATUM

# (repo, commit, paths, what): every file read, at every version up to the commit named.
SOURCES = [
    (
        "jimy-r/MA5851_Assessment3",
        "f1d6e0026ca39a28d48a47b5d64fe3740aa175e4",
        ("crypto_news.json",),
        "a study's collected crypto news (CryptoPanic posts, NewsAPI articles, Cointelegraph,"
        " CoinDesk, Bitcoin Magazine and ReadWrite RSS items): headline, description, link,"
        " publication time; 2024-07..08",
    ),
    (
        "SonGoku-real/JournalistTracker",
        "c519891ace28594892c5270eca2bdfe13db6bf64",
        ("crypto_news.json",),
        "a saved NewsAPI response for a crypto query: headline, description, source, time;"
        " 2025-04-30",
    ),
    (
        "konashevich/ozcryptonews",
        "78534e82c22c72d98c8423a469a26d2c97494d26",
        ("articles.csv", "old/decrypt_articles.csv"),
        "an Australian crypto-news bot's scraped headline list (date, site, link, headline);"
        " headlines only; 2022-12..2026-04",
    ),
    (
        "gywns0126/VERITY-data",
        "50970ddeb3ca7ffa698c4441babab079c60a92c9",
        ("crypto_news.json",),
        "a market dashboard's saved crypto RSS headlines (headline, link, outlet, time);"
        " headlines only; 2026-08",
    ),
    (
        "Aamir03209/cryptoverse",
        "ea0e6b8151fb89086503b1e048b4bf893b732f1e",
        ("src/test.js",),
        "a saved news-search API response (commented out in a test file): headline, link,"
        " publication time, outlet site; headlines only; 2023-12",
    ),
    (
        "reachmohdaltaf/news-website",
        "7f0f38f53fb5dc01b9f8a8dd9596937c00952057",
        ("response.js",),
        "a saved NewsAPI response (commented out): headline, description, source, time; 2024-10",
    ),
    (
        "AUNG-MIN-OO/swd_test",
        "c79160acd12135c531020bf8c08e070a06509d73",
        ("js/news.js",),
        "a saved NewsAPI response for a crypto query: headline, description, source, time; 2021-01",
    ),
    (
        "gerardopar/cuppa",
        "3b4ea410623a5fd67d90a9dc8f5efaccaa988bef",
        ("src/data/ARTICLE_DUMMY_DATA.ts",),
        "a saved NewsAPI response kept as front-end data: headline, description, source,"
        " time; 2025-01",
    ),
    (
        "Mehdizaiem/Vault-DueDiligence-4DS1",
        "a838d70ac823df99bc628f9ab8fa8db30b1021fb",
        ("data/crypto_news.csv",),
        "a project's scraped crypto articles (outlet, headline, link, body, publication time);"
        " the lead is the body's opening; 2025-02..03",
    ),
]
# Saved responses of general news searches (top headlines of every kind): their items need a crypto
# word; ``batch3.COINS`` alone ("ton", "miners", "wallet") finds too much general news there.
GENERAL = {"gerardopar/cuppa", "reachmohdaltaf/news-website"}
# Sites by the name they write themselves; any other site is its address's domain.
OUTLETS = {
    "cointelegraph.com": "Cointelegraph",
    "coindesk.com": "CoinDesk",
    "decrypt.co": "Decrypt",
    "bitcoinmagazine.com": "Bitcoin Magazine",
    "readwrite.com": "ReadWrite",
    "theblock.co": "The Block",
    "tbstat.com": "The Block",  # The Block's image host
    "beincrypto.com": "BeInCrypto",
    "u.today": "U.Today",
    "cryptopotato.com": "CryptoPotato",
    "cryptoslate.com": "CryptoSlate",
    "coinpedia.org": "Coinpedia",
    "cryptopolitan.com": "Cryptopolitan",
    "cryptonomist.ch": "The Cryptonomist",
    "bitcoinist.com": "Bitcoinist",
    "newsbtc.com": "NewsBTC",
    "ambcrypto.com": "AMBCrypto",
    "dailyhodl.com": "The Daily Hodl",
    "cryptobriefing.com": "Crypto Briefing",
    "cryptonews.com.au": "Crypto News Australia",
}
# ReadWrite's feed trailer ("… Continue reading <headline> The post <headline>…"), dropped as
# batch 3 drops the WordPress "The post X appeared first on Y." trailer.
READ_ON = re.compile(r"\s*…?\s*Continue reading .*$", re.S)
# Image hosts that are no outlet's own site: a CryptoPanic post with one (or none) names no outlet
# (Reddit posts, tweets, videos among them) and is not read.
CDNS = {"storyblok.com", "ytimg.com", "wp.com", "cloudfront.net", ""}


def site(url: Any) -> str:
    """The address's site without ``www.`` and a few image-host prefixes."""
    host = urlparse(str(url or "")).netloc.lower()
    return re.sub(r"^(www|images?|media|res|static|assets|cdn|editorial|en)\.", "", host)


def outlet(url: Any) -> str:
    s = site(url)
    for dom, name in OUTLETS.items():
        if s == dom or s.endswith("." + dom):
            return name
    return s


def _js(text: str) -> Any:
    """The data of a JS/TS file holding one object literal (commented out or not): only the
    commented lines where most are, bare keys quoted, single-quoted values as JSON strings,
    trailing commas dropped, then the first JSON value."""
    lines = text.splitlines()
    if sum(x.lstrip().startswith("//") for x in lines) > len(lines) / 2:
        lines = [re.sub(r"^\s*// ?", "", x) for x in lines if x.lstrip().startswith("//")]
    body = "\n".join(lines)
    at = re.search(r"\b(const|let|var)\s+\w+(\s*:\s*[\w<>\[\]]+)?\s*=\s*[{\[]", body)
    start = at.end() - 1 if at else min(i for i in (body.find("{"), body.find("[")) if i >= 0)
    body = re.sub(r"(?m)^(\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', body[start:])
    body = re.sub(
        r"(:\s*)'((?:[^'\\\n]|\\.)*)'(?=\s*[,}\n])",
        lambda m: m[1] + json.dumps(m[2].replace("\\'", "'")),
        body,
    )
    body = re.sub(r",(\s*[}\]])", r"\1", body)
    return json.JSONDecoder().raw_decode(body)[0]


def _rows(path: str, text: str) -> list[dict[str, Any]]:
    """The item rows of one file version (a list, a NewsAPI ``articles`` or an ``items`` list,
    or CSV rows)."""
    if path.endswith(".csv"):
        return list(csv.DictReader(io.StringIO(text)))
    try:
        data = _js(text) if path.endswith((".js", ".ts")) else json.loads(text)
    except (ValueError, StopIteration):
        return []
    if isinstance(data, dict):
        data = data.get("articles") or data.get("items") or []
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def _item(repo: str, r: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """(headline, lead, meta) of one row as its source gives them, or None (no headline, no
    link, or no outlet named)."""
    title = r.get("title") or r.get("headline")
    url = r.get("url") or r.get("link")
    if not title or not url:
        return None
    src = r.get("source")
    if isinstance(src, dict):
        name = src.get("name")
    elif repo.startswith("konashevich"):  # its "source" is the site it scraped
        name = outlet(url)
    elif repo.startswith("Aamir"):
        name = outlet(r.get("source_url"))
    elif "cryptopanic.com" in url:
        img = site(r.get("urlToImage"))
        cdn = img in CDNS or any(img.endswith("." + c) for c in CDNS)
        name = None if cdn else outlet(r.get("urlToImage"))
    else:
        name = src if isinstance(src, str) and src else outlet(url)
    if not name:
        return None
    date: Any = r.get("publishedAt") or r.get("published_datetime_utc") or r.get("time")
    date = date or r.get("date")
    if repo.startswith("Mehdizaiem") and str(date).isdigit():
        date = int(date) // 1000  # epoch milliseconds
    elif isinstance(date, str) and not re.match(r"\d{4}", date):
        date = _rfc822(date)
    lead = r.get("description") or r.get("summary") or ""
    if repo.startswith("Mehdizaiem"):
        lead = r.get("content") or ""
    lead = B3._clean(re.sub(r"<[^>]+>", " ", B3._clean(lead)))
    lead = B.S._lead(READ_ON.sub("", B3.TRAILER.sub(" ", lead)).strip())
    meta = {"date": date, "url": url, "publisher": name}
    return B3._clean(title), lead, meta


def _rfc822(raw: str) -> str | None:
    """An RSS date ("Mon, 19 Aug 2024 12:54:55 +0100") as ISO, in the zone it was written in
    (so its day is the day the source states), or None."""
    try:
        return parsedate_to_datetime(raw).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def items(mirrors: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(headline, lead, where from + ``meta``) of every row of ``SOURCES``, a link once (at the
    first version that holds it)."""
    for repo, commit, paths, _what in SOURCES:
        m = mirrors / repo.replace("/", "+") / "repo"
        seen: set[str] = set()
        for version, path, text in _versions(m, commit, paths):
            for n, r in enumerate(_rows(path, text)):
                got = _item(repo, r)
                if got is None or got[2]["url"] in seen:
                    continue
                seen.add(got[2]["url"])
                src = {"repo": repo, "commit": version, "path": path, "row": n}
                yield got[0], got[1], src | {"meta": got[2]}


def _versions(mirror: Path, head: str, paths: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
    """(commit, path, text) of every version of ``paths`` up to ``head``, oldest first (one
    read per distinct blob); ``batch3._versions`` keeps JSON files only."""
    seen: set[str] = set()
    for commit in B3._git(mirror, "rev-list", "--reverse", head, "--", *paths).split():
        for line in B3._git(mirror, "ls-tree", "-r", commit, "--", *paths).splitlines():
            meta, path = line.split("\t", 1)
            blob = meta.split()[2]
            if blob not in seen:
                seen.add(blob)
                yield commit, path, B3._git(mirror, "cat-file", "-p", blob)


def other_pools() -> tuple[set[str], set[str]]:
    """Headlines (``batch5.norm``) and addresses of every pool file another engineer's scratch
    folder holds now: no item of this pool is in one."""
    titles, urls = set(), set()
    for f in sorted(Path("/work/scratch").glob("*/pool*.jsonl")):
        if f.parent == B.WORK:
            continue
        for o in B._rows(f):
            titles.add(B.norm(o.get("title")))
            urls.add(B.nurl(o.get("url")))
    return titles - {""}, urls - {""}


def collect(mirrors: Path, work: Path) -> None:
    """``pool15.jsonl``: the crypto, dated, unlabelled items, in the event pools' format."""
    titles, urls = other_pools()
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
            row = {"id": f"q15-{n:04d}", **it, "project_hint": None}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print("repos", Counter(it["provenance"]["repo"] for it in kept).most_common())
    print("sources", Counter(it["source"] for it in kept).most_common(12))
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
