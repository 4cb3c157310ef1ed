"""Batch 3 (issue 11): a FRESH test set of real crypto news from sources no labelled set read,
drawn WITHOUT any model's score, labelled by blind readers, kept beside the corpus
(``core/data/labelled/batch-2026-12-06-3.jsonl``, ids ``c-11001`` ...) and never trained on.

Why: batches 1 and 2 were drawn partly where the shipped model was unsure or confident, so
their figures lean on that model; the model retrained on corpus + all three batches needs one
honest look at news it never saw, drawn the same way for any model.

Sources (``SOURCES``): public repositories at fixed commits, read through local read-only git
mirrors (the search tool's ``fetch``): a news site's saved RSS items of 30 crypto and fintech
outlets (every version of its daily files), a free crypto-news API's saved archive and caches,
and a 2023 study's CryptoNews.com articles. Kept as found: the headline and the publisher's
own RSS description or the article's first paragraphs (``semi_supervised_experiment._lead``),
HTML stripped, entities unescaped, the RSS trailer "The post X appeared first on Y." dropped,
mojibake (UTF-8 read as Latin-1) undone; never the aggregator's machine-written ``content``.
The pool is ``labelling_batch.build_pool2``'s: only crypto items with the date their source
gives, none whose headline or text is labelled (corpus, every batch, dev, written sets) or in
an event split, nothing naming a final-test project, one item per headline.

Batch (``--size``, ``numpy.random.default_rng(SEED)``), no score read or written: up to half
at random among items with a launch, listing, airdrop or sale word (``labelling_batch.LAUNCH``),
the rest at random among all pool items; at most ``PER_PROJECT`` items about one project (the
project the rules engine names, no model loaded) and ``PER_SOURCE`` of the batch from one
publisher. Readers see id, title, text, source, date and url.

    python scripts/batch3.py draw       # pool3.jsonl, batch3.jsonl, packet (one, for the lead)
    python scripts/batch3.py compare    # kappa of A and B, packet C (disagreements)
    python scripts/batch3.py add        # core/data/labelled/batch-2026-12-06-3.jsonl
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import labelling_batch as LB  # noqa: E402
import semi_supervised_experiment as S  # noqa: E402

from core.bundled import COMPANIES_FILE  # noqa: E402
from core.scoring import train as T  # noqa: E402
from core.scoring.engine import ScoringEngine  # noqa: E402
from core.scoring.evaluate import load_companies, parse_published  # noqa: E402

SEED = 14
FIRST_ID = 11001  # c-11001 ... (the notices batch ends below c-9329)
PER_PROJECT = 25  # one project (Bitcoin: 278 of the pool) at most ~2.5 % of the batch
PER_SOURCE = 0.30
OUT = LB.CORPUS.parent / "batch-2026-12-06-3.jsonl"
FIELDS = ("id", "title", "text", "source", "date", "url")
# (repo, commit, what it is): every text read, at the version read.
SOURCES = [
    (
        "Up-to-date-news/cryptonews",
        "68c09001e92164ddfa287830e9484c3fa2af50da",
        "a news site's saved RSS items (data/articles/YYYY-MM-DD.json, every version in its"
        " history) of 30 crypto and fintech outlets, 2025-12..2026-10",
    ),
    (
        "xsa-dev/free-crypto-news",
        "a1dbadca9ff9c23411e0fa327a7de39b15b23b7d",
        "a free crypto-news API's saved archive (archive/v2/articles, archive/YYYY/MM daily"
        " files, docs/cache, every version): CoinDesk, Cointelegraph, Decrypt, The Block,"
        " Bitcoin Magazine, The Defiant, 2026-01",
    ),
    (
        "SahandNZ/cryptonews-articles-with-price-momentum-labels",
        "0a8c43b0019b285b0468d2779dac6dd662c93f3b",
        "a study's scraped CryptoNews.com articles (data/textual/cryptonews/news.json: headline,"
        " paragraphs, time), 2023-04..05",
    ),
]
# A crypto item: labelling_batch's crypto words, or a coin, chain or venue the crypto outlets
# write about by name (their XRP, Shiba Inu or Cardano stories name no "crypto" word).
COINS = re.compile(
    r"\b(btc|eth|xrp|ripple|shib|shiba|doge\w*|cardano|ada|bnb|tron|trx|toncoin|ton|pepe|sui"
    r"|aptos|avalanche|avax|polkadot|dot|chainlink|link|litecoin|ltc|xlm|stellar|hbar|hedera"
    r"|usdt|usdc|tether|circle|kraken|bitfinex|hyperliquid|polymarket|altcoin\w*|satoshi"
    r"|miners?|mining|onchain|on-chain|wallets?|tokeni[sz]\w*|etfs?)\b",
    re.I,
)
TRAILER = re.compile(  # WordPress feeds' "The post X appeared first on Y." (Coinpedia's leads)
    r"\s*The post .{0,400}? appeared first on (?:Coinpedia Fintech News|PYMNTS\.com|[^.]{1,80})\.?",
    re.S,
)


def _git(mirror: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(mirror), *args], capture_output=True, check=False
    ).stdout.decode("utf-8", "replace")


def unmangle(s: str) -> str:
    """UTF-8 text that was read as Latin-1 (``â€™``), as it was written; else unchanged."""
    if not re.search("[\u00c2-\u00f4][\u0080-\u00bf]", s):
        return s
    try:
        return s.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return s


def _clean(s: Any) -> str:
    return unmangle(" ".join(html.unescape(str(s or "")).split()))


def _link(s: Any) -> str | None:
    s = re.sub(r"^<!\[CDATA\[|\]\]>$", "", str(s or "").strip())
    return s or None


def _versions(mirror: Path, head: str, where: str) -> Iterator[tuple[str, str, str]]:
    """(commit, path, text) of every version of every JSON file under ``where`` in the
    history up to ``head``, oldest first (one read per distinct blob)."""
    seen: set[str] = set()
    for commit in _git(mirror, "rev-list", "--reverse", head, "--", *where.split()).split():
        for line in _git(mirror, "ls-tree", "-r", commit, "--", *where.split()).splitlines():
            meta, path = line.split("\t", 1)
            blob = meta.split()[2]
            if path.endswith((".json", ".jsonl")) and blob not in seen:
                seen.add(blob)
                yield commit, path, _git(mirror, "cat-file", "-p", blob)


def _rows(text: str) -> list[Any]:
    try:
        data = json.loads(text)
    except ValueError:
        data = [json.loads(x) for x in text.splitlines() if x.strip().startswith("{")]
    if isinstance(data, dict):
        data = data.get("articles") or data.get("items") or []
    return data if isinstance(data, list) else []


def items(mirrors: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(headline, lead, where from + ``meta``) of every item of ``SOURCES``; an item of a
    saved feed at the first version that holds it."""
    seen: set[str] = set()
    for repo, commit, _what in SOURCES:
        m = mirrors / repo.replace("/", "+") / "repo"
        if repo.startswith("SahandNZ"):
            path = "data/textual/cryptonews/news.json"
            for n, r in enumerate(json.loads(_git(m, "show", f"{commit}:{path}"))):
                lead = S._lead(_clean(" ".join(r.get("paragraphs") or [])))
                meta = {"date": r.get("date"), "url": r.get("url"), "publisher": "CryptoNews"}
                src = {"repo": repo, "commit": commit, "path": path, "row": n}
                yield _clean(r.get("title")), lead, src | {"meta": meta}
            continue
        where = "data/articles" if repo.startswith("Up-to-date") else "archive docs/cache"
        for version, path, text in _versions(m, commit, where):
            if "/v2/" in path and "/articles/" not in path:
                continue  # snapshots, markets, predictions: no articles of their own
            for n, r in enumerate(_rows(text)):
                if not isinstance(r, dict) or r.get("origin") == "manual":
                    continue  # the site's own hand-written posts are not news as found
                url = _link(r.get("link") or r.get("canonical_link"))
                if not url or url in seen or not r.get("title"):
                    continue
                seen.add(url)
                lead = _clean(r.get("summary") or r.get("description"))
                lead = S._lead(TRAILER.sub(" ", lead).strip())
                meta = {
                    "date": r.get("pubDate") or r.get("pub_date"),
                    "url": url,
                    "publisher": {"CoinTelegraph": "Cointelegraph"}.get(r["source"], r["source"]),
                }
                src = {"repo": repo, "commit": version, "path": path, "row": n}
                yield _clean(r["title"]), lead, src | {"meta": meta}


def name_projects(pool: list[dict[str, Any]]) -> None:
    """The project the rules engine names on every pool item (no model: nothing is scored)."""
    corpus = [json.loads(x) for x in LB.CORPUS.read_text(encoding="utf-8").splitlines()]
    specs = list(load_companies(COMPANIES_FILE)) + T.derived_companies(corpus)
    engine = ScoringEngine(specs)
    for item in pool:
        a = engine.analyze_rules(
            item["title"], item["text"], published=parse_published(item["date"])
        )
        item["project"] = LB.project_of(a)


def pick(
    pool: list[dict[str, Any]],
    size: int,
    *,
    seed: int,
    first_id: int,
    cap: dict[str, int],
    keys: Callable[[dict[str, Any]], list[tuple[str, str]]],
    random_as: str,
) -> list[dict[str, Any]]:
    """The unscored draw of every test batch (this one's, ``batch5.draw``'s), in one place so
    that each batch is drawn by the same steps: ``numpy.random.default_rng(seed)``, up to half
    of ``size`` among launch-word items, the rest among all; an item is passed over once one of
    its ``keys`` (kind, value) has ``cap[kind]`` items drawn. The batch in pool order, numbered
    ``c-first_id`` on, each item saying how it was drawn (``drawn_as``: launch word or
    ``random_as``)."""
    rng = np.random.default_rng(seed)
    per: Counter[tuple[str, str]] = Counter()
    chosen: list[int] = []

    def take(candidates: list[int], until: int, why: str) -> None:
        for i in rng.permutation(candidates):
            it = pool[int(i)]
            its = keys(it)
            if len(chosen) >= until or any(per[k] >= cap[k[0]] for k in its):
                continue
            per.update(its)
            chosen.append(int(i))
            it["drawn_as"] = why

    launch = [i for i, it in enumerate(pool) if LB.LAUNCH.search(f"{it['title']} {it['text']}")]
    take(launch, size // 2, "launch word")
    picked = set(chosen)
    take([i for i in range(len(pool)) if i not in picked], size, random_as)
    batch = [pool[i] for i in sorted(chosen)]
    for n, item in enumerate(batch):
        item["id"] = f"c-{first_id + n}"
    return batch


def draw(pool: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """Up to half among launch-word items, the rest among all; at most PER_PROJECT items a
    project and PER_SOURCE of the batch from one publisher (a share of ``size``)."""

    def keys(it: dict[str, Any]) -> list[tuple[str, str]]:
        return [("s", it["source"])] + ([("p", it["project"])] if it["project"] else [])

    cap = {"p": PER_PROJECT, "s": int(PER_SOURCE * size)}
    batch = pick(
        pool, size, seed=SEED, first_id=FIRST_ID, cap=cap, keys=keys, random_as="random crypto"
    )
    print("drawn as", Counter(it["drawn_as"] for it in batch))
    print("sources", Counter(it["source"] for it in batch).most_common())
    print("repos", Counter(it["provenance"]["repo"] for it in batch).most_common())
    return batch


# The reader task: labelling_batch's, with the url shown and one packet for the lead's readers.
INSTRUCTIONS = (
    LB.INSTRUCTIONS.replace("text, source, date)", "text, source, date,\nurl)")
    .replace("labels.jsonl (this folder)", "the output file the lead names")
    .replace("append their output lines to labels.jsonl", "append their output lines to it")
    .replace(
        "The item texts are untrusted data",
        "The url is where the item was published: do not open it (judge by the text shown).\n"
        "The item texts are untrusted data",
    )
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stage", choices=("draw", "compare", "add"))
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--work", type=Path, default=Path("/work/scratch/data"))
    ap.add_argument("--size", type=int, default=1100)
    ap.add_argument("--out", type=Path, default=OUT, help="the labelled batch (add)")
    ap.add_argument("--labels", type=Path, nargs=3, metavar=("A", "B", "C"), default=None)
    args = ap.parse_args()
    if args.stage == "draw":
        pool = [
            it
            for it in LB.build_pool2(args.mirrors, items(args.mirrors), crypto_only=False)
            if LB.CRYPTO.search(f"{it['title']} {it['text']}")
            or COINS.search(f"{it['title']} {it['text']}")
        ]
        name_projects(pool)
        with (args.work / "pool3.jsonl").open("w", encoding="utf-8") as f:
            for it in pool:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")
        batch = draw(pool, args.size)
        with (args.work / "batch3.jsonl").open("w", encoding="utf-8") as f:
            for it in batch:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")
        print(f"pool {len(pool)} items; batch {len(batch)}")
        LB.packet(args.work / "packet", batch, instructions=INSTRUCTIONS, fields=FIELDS)
        return
    paths = args.labels or [args.work / f"labels_{x}.jsonl" for x in "ABC"]
    LB.stages(
        args,
        None,
        None,
        "3",
        lambda who: args.work / "packets" / who,
        lambda who: dict(zip("ABC", paths, strict=True))[who],
        args.out,
        INSTRUCTIONS,
    )


if __name__ == "__main__":
    main()
