"""final5: a same-event split of NEW real items (none in the labelled corpus, the eval sets or
an earlier split), drawn (seeded) before the frozen joiner was run on any of them.

Why: the labelled corpus has no clean positive pair left (its unseen dated TGE items have no
second item of their project), so final5 reads real published news and exchange notices from
public repositories, at fixed commits, through local read-only git mirrors (the search tool's
`fetch`), and keeps each item's provenance (repository, commit, path, row).

Run from the repository root (writes final5_items.jsonl, final5_drawn.jsonl and
pairs_final5_unlabelled.jsonl beside this file):

    python core/data/eval/events/draw_final5.py --mirrors /work/.mirror

How (the README's final5 section says the counts):
1. Every dated row of the sources below; items in the labelled corpus, the dev set, the
   held-out sets or any events split (same normalised headline, or same first 80 characters
   of text) are dropped, and so is every item naming a project of the scorer's final test
   split (core/data/model/final-test-ids.txt: its companies' names and tickers).
2. An item is about a token launch when its headline has launch words (TGE, airdrop, listing,
   launchpool, pre-market, token sale, claim, ...). Its project is the one ticker its headline
   writes ("Name (TICK)", "$TICK", "TICKUSDT Perpetual"), else the one its text writes.
3. Pairs, each item in at most MAX_USES pairs, drawn with random.Random(SEED):
   - same_project: two items of one ticker, at least one about a launch, near in time (within
     NEAR_DAYS) and far apart alternating, at most PER_PROJECT a ticker (retellings, and a
     launched token's later news: hard negatives);
   - look_alike: two tickers whose names share their first word, or one ticker the prefix of
     the other (BABY, BABYDOGE);
   - near_in_time: two launch items of different tickers within NEAR_DAYS, the most similar
     headlines first (exchange notices share one template across launches).
   The pairs are shuffled; readers see headline, lead, source and date only.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import random
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
SEED = 5507
PER_PROJECT = 4
MAX_USES = 2
NEAR_DAYS = 14
FAR_DAYS = 30
SAME_PROJECT = 90
LOOK_ALIKE = 20
NEAR_IN_TIME = 40

# (repo, commit, path, kind, what it is): every text read, at the version read.
SOURCES = [
    (
        "nyu-tandon-capstone/crypto-team4",
        "7724548db828ece765f1098f664d96a8f04fe397",
        "data/cryptonews.csv",
        "kaggle_dmy",
        "Kaggle cryptonews copy, 2021-10..2022-07",
    ),
    (
        "YiyunXia926/bitcoin-sentiment-segmentation-with-correlation-detection",
        "ef293bda92ec36e22effd78a52def427d95561c0",
        "cryptonews.csv",
        "kaggle_ymd",
        "Kaggle cryptonews, 2023-12",
    ),
    (
        "divyangjha22/Sentiment-analysis-on-Cryptocurrency",
        "31d89b2ae63e0b99eca618acda0c8cd09c080354",
        "cryptonews.csv",
        "newsapi",
        "NewsAPI dump, crypto, 2022-12",
    ),
    (
        "navidpourhadi/Crypto_RAG",
        "c52e74980e01260cb69f6abdb2abaefe66b7b83f",
        "crypto_news.csv",
        "rag",
        "news-API dump, 2024-06",
    ),
    (
        "zhigehe/bulwark",
        "91e82e6d748413c0e33f3ecf69ac04ad8bed41e9",
        "content/en/news/",
        "bulwark",
        "mirrored news feeds 2025 (title + summary)",
    ),
    (
        "Newsworthyai/press-release-archive",
        "9b2f3f325098dd60c940f8bffb80e66bb83b152a",
        "",
        "press",
        "press-release wires 2023-26 (crypto releases: a crypto word in headline or lead)",
    ),
    (
        "segonse/token-listing-monitor",
        "08419d6617912564a1fa6067262b913a9dd0afa2",
        "tmp/bitgetAnn.txt",
        "bitget_tsv",
        "Bitget announcement titles with dates, 2023-12..2025-04 (titles only)",
    ),
    (
        "A13Club/BinanceAnnouncement",
        "9128890ae867e7b9a0613e626bca0ced1a0a08a4",
        "",
        "binance_md",
        "Binance announcements 2025-26",
    ),
]
LABELLED = [
    ROOT / "core/data/labelled/corpus.jsonl",
    ROOT / "core/data/eval/dev.jsonl",
    *(ROOT / f"tests/data/heldout/set{i}/items.jsonl" for i in (1, 2, 3, 4)),
]
PAIRS = HERE / "pairs.jsonl"
FINAL_TEST_IDS = ROOT / "core/data/model/final-test-ids.txt"

LAUNCH = re.compile(
    r"\b(tge|token generation|airdrops?|launchpool|launchpad|megadrop|hodler airdrops?|"
    r"pre-?market|will list|lists|listing|listed|token sale|pre-?sale|public sale|ico|ido|"
    r"claim\w*|snapshot|token launch|launch(es|ed)? (its |a |the )?(native |governance )?token|"
    r"binance alpha|seed tag|initial listing|perpetual contract)\b",
    re.IGNORECASE,
)
CRYPTO = re.compile(
    r"\b(crypto\w*|blockchain|token\w*|airdrop\w*|web3|defi|nft\w*|bitcoin|ethereum|solana|"
    r"memecoin|presale|tge|dex|layer ?2|staking)\b",
    re.IGNORECASE,
)
HUBS = frozenset(
    "BTC ETH BNB USDT USDC BUSD FDUSD SOL TRY EUR USD DAI TUSD USD1 UTC TGE NFT DAO AI API "
    "CEO CTO US UK EU SEC ETF APR APY KYC DEX CEX IPO ICO IDO FAQ AMA OTC P2P RWA VIP UTC GMT "
    "PST EST ET AM PM DEFI NFTS TVL USDS XRP ADA DOGE TRX".split()
)
_TICK_PAREN = re.compile(r"\(\$?([A-Z0-9]{2,12})\)")
_TICK_DOLLAR = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z0-9]{1,11})\b")
_TICK_CONTRACT = re.compile(r"\b([A-Z0-9]{2,12}?)USDT\b(?=[^.]{0,40}\b(?:Perpetual|Contract))")
_NAME_TICK = re.compile(r"([A-Z][\w.\-]*(?:\s+[A-Z0-9][\w.\-]*){0,3})\s*\(\$?([A-Z0-9]{2,12})\)")


def _norm(s: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "", (s or "").lower())


def _lead(t: str, n: int = 600) -> str:
    t = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(t or "")).split())
    if len(t) <= n:
        return t
    k = t[:n].rfind(". ")
    return t[: k + 1] if k > 200 else t[:n]


def _git(mirror: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", "-C", str(mirror), *args], input=data, capture_output=True, check=True
    ).stdout


def _batch(mirror: Path, commit: str, paths: list[str]) -> Iterator[tuple[str, str]]:
    """(path, text) of many files of one commit through one `git cat-file --batch`."""
    out = _git(
        mirror, "cat-file", "--batch", data="".join(f"{commit}:{p}\n" for p in paths).encode()
    )
    pos = 0
    for path in paths:
        nl = out.index(b"\n", pos)
        head = out[pos:nl].split()
        if head[-1] == b"missing":
            pos = nl + 1
            continue
        size = int(head[2])
        yield path, out[nl + 1 : nl + 1 + size].decode("utf-8", "replace")
        pos = nl + 2 + size


def _day(raw: str, kind: str) -> str | None:
    raw = (raw or "").strip()
    try:
        if kind == "kaggle_dmy":
            d, m, y = raw.split()[0].split("-")
            return date(int(y), int(m), int(d)).isoformat()
        if kind == "kaggle_ymd":
            y, m, d = raw.split()[0].split("/")
            return date(int(y), int(m), int(d)).isoformat()
        if kind == "rag":
            return parsedate_to_datetime(raw).astimezone(UTC).date().isoformat()
        return date.fromisoformat(raw[:10]).isoformat()
    except (ValueError, TypeError, IndexError):
        return None


def read_sources(mirrors: Path) -> Iterator[dict[str, Any]]:
    """Every dated item of the sources, with its provenance."""
    for repo, commit, where, kind, what in SOURCES:
        m = mirrors / repo.replace("/", "+") / "repo"
        base = {"repo": repo, "commit": commit}
        if kind.startswith(("kaggle", "newsapi", "rag")):
            body = _git(m, "show", f"{commit}:{where}").decode("utf-8", "replace")
            delim = ";" if kind == "kaggle_dmy" else ","
            for n, r in enumerate(csv.DictReader(io.StringIO(body), delimiter=delim)):
                day = _day(r.get("date") or r.get("time") or r.get("publishedAt") or "", kind)
                source = r.get("source") or what
                if kind == "newsapi":
                    source = re.sub(r".*'name': '([^']*)'.*", r"\1", source)
                text = r.get("text") or r.get("description") or ""
                yield {
                    "title": " ".join((r.get("title") or "").split()),
                    "text": _lead(text),
                    "source": source,
                    "date": day,
                    "url": r.get("url") or None,
                    "provenance": {**base, "path": where, "row": n},
                }
        elif kind == "bulwark":
            files = [
                f
                for f in _git(m, "ls-tree", "-r", "--name-only", commit, where).decode().split("\n")
                if f.endswith(".md")
            ]
            for path, body in _batch(m, commit, files):
                mt = re.search(r'^title: "(.*)"$', body, re.M)
                ms = re.search(r'^summary: "(.*)"$', body, re.M)
                md = re.search(r'^date: "(.*)"$', body, re.M)
                if not CRYPTO.search(f"{mt.group(1) if mt else ''} {ms.group(1) if ms else ''}"):
                    continue  # the feeds mirror stock and world news too
                yield {
                    "title": " ".join(html.unescape(mt.group(1) if mt else "").split()),
                    "text": _lead(ms.group(1) if ms else ""),
                    "source": path.split("/")[3] + " (mirrored feed)",
                    "date": _day(md.group(1) if md else "", kind),
                    "url": None,
                    "provenance": {**base, "path": path},
                }
        elif kind == "bitget_tsv":
            body = _git(m, "show", f"{commit}:{where}").decode("utf-8", "replace")
            for n, line in enumerate(body.splitlines()):
                day, _tab, title = line.partition("\t")
                yield {
                    "title": " ".join(title.split()),
                    "text": "",
                    "source": "Bitget (announcement)",
                    "date": _day(day, kind),
                    "url": None,
                    "provenance": {**base, "path": where, "line": n + 1},
                }
        elif kind == "press":
            files = [
                f
                for f in _git(m, "ls-tree", "-r", "--name-only", commit).decode().split("\n")
                if f.endswith(".md") and re.match(r"[^/]+/\d{4}/\d{4}/", f)
            ]
            for path, body in _batch(m, commit, files):
                lines = [x.strip() for x in body.splitlines() if x.strip()]
                title = lines[0].lstrip("# ").strip() if lines else ""
                rest = " ".join(x for x in lines[1:8] if not x.startswith("!["))
                if not CRYPTO.search(f"{title} {rest[:400]}"):
                    continue
                wire, year, mmdd = path.split("/")[:3]
                yield {
                    "title": " ".join(title.split()),
                    "text": _lead(re.sub(r"[#*>|]|\[|\]\([^)]*\)", " ", rest)),
                    "source": f"{wire} (press release)",
                    "date": _day(f"{year}-{mmdd[:2]}-{mmdd[2:]}", kind),
                    "url": None,
                    "provenance": {**base, "path": path},
                }
        else:  # binance_md: one announcement a file, published at the stamp in its name
            files = [
                f
                for f in _git(m, "ls-tree", "-r", "--name-only", commit).decode().split("\n")
                if f.endswith(".md")
            ]
            for path, body in _batch(m, commit, files):
                stamp = re.search(r"_(\d{8})\d{6}\.md$", path)
                lines = [x.strip() for x in body.splitlines() if x.strip()]
                title = lines[0].lstrip("# ").strip() if lines else ""
                rest = [
                    x
                    for x in lines[1:12]
                    if not x.startswith("This is a general announcement")
                    and x != "Fellow Binancians,"
                ]
                yield {
                    "title": title,
                    "text": _lead(" ".join(re.sub(r"[#*>|]", " ", x) for x in rest)),
                    "source": "Binance (announcement)",
                    "date": (
                        datetime.strptime(stamp.group(1), "%Y%m%d").date().isoformat()
                        if stamp
                        else None
                    ),
                    "url": None,
                    "provenance": {**base, "path": path},
                }


def split_number(name: str) -> int:
    """The number of a final split named in `name` ("final6", "pairs_final6_unlabelled.jsonl"),
    0 for none (dev, test, the first pairs)."""
    m = re.search(r"final(\d+)", name or "")
    return int(m.group(1)) if m else 0


def shown_pairs(before: int) -> Iterator[dict[str, Any]]:
    """Both items of every pair shown to readers before split `before` was drawn: pairs.jsonl's
    rows of earlier splits and earlier splits' unlabelled pairs (so that a draw reproduces its
    files byte for byte after later splits are added)."""
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if split_number(row.get("split", "")) < before:
            yield row["a"]
            yield row["b"]
    for f in sorted(HERE.glob("pairs_final*_unlabelled.jsonl")):
        if split_number(f.name) < before:
            for line in f.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                yield row["a"]
                yield row["b"]


def _seen() -> tuple[set[str], set[str]]:
    """Normalised headlines and text starts of every item anyone has labelled or been shown."""
    titles, texts = set(), set()

    def add(o: dict[str, Any]) -> None:
        if _norm(o.get("title")):
            titles.add(_norm(o.get("title")))
        if len(_norm(o.get("text"))) > 30:
            texts.add(_norm(o.get("text"))[:80])

    for f in LABELLED:
        for line in f.read_text(encoding="utf-8").splitlines():
            add(json.loads(line))
    for item in shown_pairs(5):
        add(item)
    return titles, texts


def _held_out() -> re.Pattern[str]:
    """Names and tickers of the scorer's final-test projects (never scored again)."""
    ids = {
        x.split("#", 1)[0].strip()
        for x in FINAL_TEST_IDS.read_text().splitlines()
        if x.split("#", 1)[0].strip()
    }
    names, tickers = set(), set()
    for line in LABELLED[0].read_text(encoding="utf-8").splitlines():
        o = json.loads(line)
        if o.get("id") in ids:
            for p in re.split(r"[/(),;|]", o.get("company") or ""):
                if len(p.strip()) >= 3:
                    names.add(p.strip())
            for p in re.split(r"[/(),;|]", o.get("token_symbol") or ""):
                if p.strip():
                    tickers.add(p.strip().lstrip("$").upper())
    names.discard("Binance")
    alt = "|".join(re.escape(x) for x in sorted(names, key=len, reverse=True))
    talt = "|".join(re.escape(x) for x in sorted(tickers, key=len, reverse=True) if len(x) >= 3)
    return re.compile(rf"\b({alt})\b|(?<![A-Za-z0-9])\$?({talt})(?![A-Za-z0-9])")


def tickers_of(s: str) -> set[str]:
    found = set(_TICK_PAREN.findall(s)) | set(_TICK_CONTRACT.findall(s))
    found |= {t.upper() for t in _TICK_DOLLAR.findall(s)}
    return {t for t in found if t not in HUBS and not t.isdigit()}


def project_of(item: dict[str, Any]) -> str:
    """The one ticker the headline writes, else the one the text writes, else ""."""
    for part in (item["title"], item["text"]):
        ticks = tickers_of(part)
        if len(ticks) == 1:
            return next(iter(ticks))
        if ticks:
            return ""
    return ""


_NOT_NAME = frozenset(
    "bitget binance okx coinw mexc kucoin bybit gate will list lists listing initial is are "
    "the a of poolx launchpool introducing announces welcomes new token coin trade trading "
    "competition hold enjoy earn futures alpha wallet learn share underlying".split()
)


def name_of(item: dict[str, Any], tick: str) -> str:
    """The name written before "(TICK)", without venue and launch words ("Bitget Will List
    Andy" → "Andy")."""
    for m in _NAME_TICK.finditer(f"{item['title']} {item['text']}"):
        if m.group(2) == tick:
            words = m.group(1).split()
            while words and words[0].lower() in _NOT_NAME:
                words.pop(0)
            return " ".join(words)
    return ""


def pool(mirrors: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    titles, texts = _seen()
    held = _held_out()
    counts: dict[str, int] = defaultdict(int)
    keep: dict[str, dict[str, Any]] = {}
    for item in read_sources(mirrors):
        counts["read"] += 1
        if not item["date"] or not item["title"]:
            counts["undated or no headline"] += 1
            continue
        key = _norm(item["title"])
        if key in keep:
            counts["repeated"] += 1
            continue
        if key in titles or (len(_norm(item["text"])) > 30 and _norm(item["text"])[:80] in texts):
            counts["labelled or shown before"] += 1
            continue
        if held.search(f"{item['title']} {item['text']}"):
            counts["final-test project"] += 1
            continue
        item["project"] = project_of(item)
        item["launch"] = bool(LAUNCH.search(item["title"]))
        if not item["project"]:
            counts["no single ticker"] += 1
            continue
        keep[key] = item
    items = sorted(keep.values(), key=lambda i: (i["date"], i["provenance"]["repo"], i["title"]))
    for n, item in enumerate(items):
        item["id"] = f"n5-{n:05d}"
    counts["kept"] = len(items)
    counts["kept, launch headline"] = sum(i["launch"] for i in items)
    return items, dict(counts)


def _days(a: dict[str, Any], b: dict[str, Any]) -> int:
    return abs((date.fromisoformat(a["date"]) - date.fromisoformat(b["date"])).days)


def draw(items: list[dict[str, Any]], seed: int = SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    uses: dict[str, int] = defaultdict(int)
    taken: set[frozenset[str]] = set()
    pairs: list[dict[str, Any]] = []

    def take(a: dict[str, Any], b: dict[str, Any], how: str) -> bool:
        k = frozenset((a["id"], b["id"]))
        if (
            a["id"] == b["id"]
            or k in taken
            or uses[a["id"]] >= MAX_USES
            or uses[b["id"]] >= MAX_USES
            or _norm(a["title"]) == _norm(b["title"])
        ):
            return False
        taken.add(k)
        uses[a["id"]] += 1
        uses[b["id"]] += 1
        pairs.append({"a": a, "b": b, "drawn_as": how})
        return True

    by_tick: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in items:
        by_tick[i["project"]].append(i)
    # same project: tickers with a launch item and a second item, near and far alternating
    groups = [t for t, g in sorted(by_tick.items()) if len(g) >= 2 and any(i["launch"] for i in g)]
    rng.shuffle(groups)
    same = 0
    for t in groups:
        if same >= SAME_PROJECT:
            break
        g = by_tick[t]
        cands = [(a, b) for n, a in enumerate(g) for b in g[n + 1 :] if a["launch"] or b["launch"]]
        near = [p for p in cands if _days(*p) <= NEAR_DAYS]
        far = [p for p in cands if _days(*p) > FAR_DAYS]
        rng.shuffle(near)
        rng.shuffle(far)
        got = 0
        for n in range(PER_PROJECT * 2):
            src = far if n % 2 else near
            while src and got < PER_PROJECT and same < SAME_PROJECT:
                if take(*src.pop(), "same_project"):
                    got += 1
                    same += 1
                    break
    # look-alikes: names sharing their first word, or one ticker the prefix of another
    launch = [i for i in items if i["launch"]]
    firsts: dict[str, set[str]] = defaultdict(set)
    for t, g in by_tick.items():
        for i in g:
            nm = name_of(i, t).lower().split()
            if nm and len(nm[0]) >= 4:
                firsts[nm[0]].add(t)
    alike: list[tuple[str, str]] = []
    for _word, ts in sorted(firsts.items()):
        ts_sorted = sorted(ts)
        alike += [(a, b) for n, a in enumerate(ts_sorted) for b in ts_sorted[n + 1 :]]
    ticks = sorted(t for t in by_tick if len(t) >= 3 and any(i["launch"] for i in by_tick[t]))
    alike += [(a, b) for a in ticks for b in ticks if a != b and b.startswith(a)]
    alike = sorted(set(alike))
    rng.shuffle(alike)
    got = 0
    for ta, tb in alike:
        if got >= LOOK_ALIKE:
            break
        ga = [i for i in by_tick[ta] if i["launch"]]
        gb = [i for i in by_tick[tb] if i["launch"]]
        if not (ga and gb):
            continue  # two launches that look alike, not a launch and an unrelated item
        a, b = rng.choice(ga), rng.choice(gb)
        got += take(a, b, "look_alike")
    # near in time: different tickers within NEAR_DAYS, most similar headlines first
    cands = []
    by_day = sorted(launch, key=lambda i: i["date"])
    for n, a in enumerate(by_day):
        for b in by_day[n + 1 : n + 200]:
            if _days(a, b) > NEAR_DAYS:
                break
            if a["project"] != b["project"]:
                cands.append((fuzz.token_set_ratio(a["title"], b["title"]), a["id"], b["id"], a, b))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    got = 0
    used_near: set[str] = set()
    for _s, _x, _y, a, b in cands:
        if got >= NEAR_IN_TIME:
            break
        if a["id"] in used_near or b["id"] in used_near:
            continue
        if take(a, b, "near_in_time"):
            used_near |= {a["id"], b["id"]}
            got += 1
    rng.shuffle(pairs)
    for n, p in enumerate(pairs, 1):
        p["pair"] = f"f5-{n:03d}"
    return pairs


def shown(item: dict[str, Any]) -> dict[str, Any]:
    """What a reader sees of an item."""
    return {k: item[k] for k in ("title", "text", "source", "date")}


def write_split(
    out: Path, split: str, items: list[dict[str, Any]], pairs: list[dict[str, Any]]
) -> dict[str, int]:
    """Write a drawn split beside this file: `<split>_items.jsonl` (the drawn items in full, with
    provenance, in pool order), `<split>_drawn.jsonl` (which items and how drawn) and
    `pairs_<split>_unlabelled.jsonl` (what the readers see). Shared by every draw_final*.py;
    returns the items drawn by source repository."""
    used = {p[s]["id"] for p in pairs for s in "ab"}
    fields = ("id", "title", "text", "source", "date", "url", "provenance")
    with open(out / f"{split}_items.jsonl", "w", encoding="utf-8") as f:
        for i in items:
            if i["id"] in used:
                f.write(json.dumps({k: i[k] for k in fields}, ensure_ascii=False) + "\n")
    with open(out / f"{split}_drawn.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            row = {"pair": p["pair"], "a": p["a"]["id"], "b": p["b"]["id"]}
            f.write(json.dumps({**row, "drawn_as": p["drawn_as"]}) + "\n")
    with open(out / f"pairs_{split}_unlabelled.jsonl", "w", encoding="utf-8") as f:
        for p in pairs:
            row = {"pair": p["pair"], "a": shown(p["a"]), "b": shown(p["b"])}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    how: dict[str, int] = defaultdict(int)
    for p in pairs:
        how[p["drawn_as"]] += 1
    sources: dict[str, int] = defaultdict(int)
    for i in items:
        if i["id"] in used:
            sources[i["provenance"]["repo"]] += 1
    print(f"{len(pairs)} pairs of {len(used)} items: {dict(how)}")
    return dict(sources)


def arguments(doc: str) -> argparse.Namespace:
    """The draws' command line: where the mirrors are, where the files go."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--out", type=Path, default=HERE)
    return ap.parse_args()


def main() -> None:
    args = arguments(__doc__ or "")
    items, counts = pool(args.mirrors)
    print(json.dumps(counts))
    write_split(args.out, "final5", items, draw(items))


if __name__ == "__main__":
    main()
