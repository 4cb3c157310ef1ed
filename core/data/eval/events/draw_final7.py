"""final7: a same-event split of real items from sources no earlier split read, drawn (seeded)
before the joiner frozen for it was run on any of them.

Why: final6 was measured once (0.786 / 0.898) and the joiner was then changed on the labels of
final2-final6, so none of them measures it; final5's and final6's sources are spent (their
newest snapshots are the commits they read). final7 reads new public sources, at fixed
commits, through local read-only git mirrors (the search tool's `fetch`), each item keeping
repository, commit and path (and row).

Run from the repository root (writes final7_items.jsonl, final7_drawn.jsonl and
pairs_final7_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final7.py --mirrors /work/.mirror

How (the README's final7 section says the counts): draw_final6's pool and draw, by import
(`draw_final6.pool`, `draw_final6.draw`): every item any split, the corpus or the eval sets
hold is dropped, so is every item naming a project of the scorer's final test split; an item's
project is the one ticker it writes, else the organisation its headline says acted, else the
symbol its source files it under (an exchange's notice of "XYZUSDT" in Chinese). Launch words
are draw_final5's plus the Chinese ones of the exchanges' notices (上线, 空投, 盘前...). Pairs:
launch vs other news of one ticker, same ticker (an exchange's and another exchange's notices
of one token the same week: retellings, or a later listing of a token that trades),
look-alikes and near in time, each item in at most two pairs, shuffled; readers see headline,
lead, source and date only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final5 as f5  # noqa: E402  (sibling scripts, not a package)
import draw_final6 as f6  # noqa: E402

SPLIT = "final7"
SEED = 7219
# launch vs other news, same ticker, look-alikes, near in time
QUOTAS = (45, 100, 25, 80)

# (repo, commit, where, kind, what it is): every text read, at the version read.
SOURCES = [
    (
        "r-hou/cex_crawler",
        "310caa464c69d85cfcbade857b1106190fd708f6",
        "output/",
        "cex_json",
        "a scraper's saved notices of 14 exchanges, one JSON a notice, 2024-05..2025-09",
    ),
    (
        "aizhan-abc/crypto-announcement-bot",
        "23f82402f72c8ec3893d157c6907a23a94fbf84c",
        "daily_cache.json",
        "daily_cache",
        "a listing bot's cache of Bybit and Bitget notice titles by day, 2025-10",
    ),
    (
        "Ruin2itive/ruin2itive-site",
        "bef2703a89bb1dc44c72572862cae5ca595a6571",
        "data/crypto.json",
        "feed_history",
        "Decrypt RSS headlines, 2026-02..08 (every version of the file; an item at the commit "
        "that first holds it)",
    ),
    (
        "Ibook000/crypto-news-analyzer",
        "01a8288fa75b7f020f1b43b59f4bbcc7e1dabc65",
        "data/",
        "rss_json",
        "saved CoinDesk, Cointelegraph and CryptoSlate RSS items, 2025-11",
    ),
    (
        "jiajia09199-source/llm4crypto",
        "9292e71f0fe486ad51f455d1b612e185247fd53b",
        "data/",
        "rss_json",
        "saved CoinDesk and Cointelegraph RSS items, 2026-05",
    ),
]
RSS_FILES = ("coindesk.json", "cointelegraph.json", "cryptoslate.json")
# Launch words of the exchanges' Chinese notices (list, launch, airdrop, pre-market, debut,
# subscription) beside draw_final5's English ones
LAUNCH = re.compile(
    rf"{f5.LAUNCH.pattern}|\b(?:perpetual futures|gets listed|new (?:spot )?listing|"
    r"initial listing|launchpool|pre-?market)\b|上线|上架|首发|空投|盘前|申购|新币",
    re.IGNORECASE,
)
EXCHANGES = {
    "binance": "Binance",
    "bingx": "BingX",
    "bitget": "Bitget",
    "bitunix": "Bitunix",
    "blofin": "BloFin",
    "btcc": "BTCC",
    "bybit": "Bybit",
    "coinex": "CoinEx",
    "gate": "Gate",
    "lbank": "LBank",
    "mexc": "MEXC",
    "okx": "OKX",
    "upbit": "Upbit",
    "weex": "WEEX",
}
_QUOTE = re.compile(r"[/_\-]?(?:USDT|USDC|USD|BTC|ETH|EUR|KRW)$")


def _exchange(folder: str, title: str) -> str:
    """The exchange a notice is from: its folder, unless its headline opens with another
    exchange's name (the scraper filed some CoinEx notices under Upbit)."""
    first = (title.split() or [""])[0].lower()
    if first in EXCHANGES and first != folder:
        return EXCHANGES[first]
    return EXCHANGES.get(folder, folder)


def _hint(symbols: set[str]) -> str:
    """The one token a notice is filed under ("BSUUSDT", "USD1/USDT" → BSU, USD1), or ""."""
    bases = {_QUOTE.sub("", s.strip().upper()) for s in symbols if s and s.strip()}
    bases.discard("")
    return next(iter(bases)) if len(bases) == 1 and not any("," in b for b in bases) else ""


def read_sources(mirrors: Path) -> Iterator[dict[str, Any]]:
    """Every dated item of the sources, with its provenance."""
    readers = {
        "cex_json": _cex_json,
        "daily_cache": _daily_cache,
        "feed_history": _feed_history,
        "rss_json": _rss_json,
    }
    for repo, commit, where, kind, _what in SOURCES:
        m = mirrors / repo.replace("/", "+") / "repo"
        yield from readers[kind](m, {"repo": repo, "commit": commit}, commit, where)


def _daily_cache(m: Path, base: dict[str, str], commit: str, where: str) -> Iterator[dict]:
    """A listing bot's cache: notice titles keyed by the day it saw them."""
    days = json.loads(f5._git(m, "show", f"{commit}:{where}"))
    for day, rows in sorted(days.items()):
        for n, r in enumerate(rows):
            exchange = str(r.get("exchange") or "").lower()
            yield {
                "title": " ".join(str(r.get("title") or "").split()),
                "text": "",
                "source": f"{EXCHANGES.get(exchange, exchange.title())} (announcement)",
                "date": f5._day(day, "daily_cache"),
                "url": r.get("url") or None,
                "provenance": {**base, "path": where, "row": f"{day}/{n}"},
            }


def _feed_history(m: Path, base: dict[str, str], commit: str, where: str) -> Iterator[dict]:
    """A site's saved feed file, rewritten with the newest items on every build: each item at
    the oldest commit that holds it (its provenance), in history order."""
    commits = f5._git(m, "log", "--reverse", "--format=%H", commit, "--", where).decode().split()
    seen: set[str] = set()
    for c in commits:
        try:
            body = json.loads(f5._git(m, "show", f"{c}:{where}"))
        except (json.JSONDecodeError, subprocess.CalledProcessError):
            continue
        label = str((body.get("meta") or {}).get("label") or "feed")
        for r in body.get("items") or []:
            key = str(r.get("url") or r.get("title") or "")
            if not key or key in seen:
                continue
            seen.add(key)
            if not f5.CRYPTO.search(str(r.get("title") or "")):
                continue  # the feed carries AI and tech news too
            yield {
                "title": " ".join(str(r.get("title") or "").split()),
                "text": f5._lead(str(r.get("summary") or r.get("description") or "")),
                "source": f"{label.title()} (RSS)",
                "date": f5._day(str(r.get("date") or ""), "feed_history"),
                "url": r.get("url") or None,
                "provenance": {"repo": base["repo"], "commit": c, "path": where},
            }


def _rss_json(m: Path, base: dict[str, str], commit: str, where: str) -> Iterator[dict]:
    """Saved RSS items, one JSON list a feed."""
    for name in RSS_FILES:
        try:
            rows = json.loads(f5._git(m, "show", f"{commit}:{where}{name}"))
        except subprocess.CalledProcessError:
            continue
        for n, r in enumerate(rows):
            extra = r.get("extra") or {}
            title = r.get("title") or extra.get("title") or r.get("content") or ""
            yield {
                "title": " ".join(str(title).split()),
                "text": f5._lead(str(r.get("description") or extra.get("summary") or "")),
                "source": f"{r.get('source') or name.split('.')[0]} (RSS)",
                "date": f5._day(str(r.get("published_at") or r.get("timestamp") or ""), "iso"),
                "url": r.get("link") or r.get("url") or None,
                "provenance": {**base, "path": f"{where}{name}", "row": n},
            }


# Where a saved notice page's own words start, after the site's menus and the title
_SALUTATION = re.compile(r"亲爱的用户|尊敬的|Dear |Fellow ")


def _body(text: str) -> str:
    """A saved notice page's text from its salutation on (the menus before it say nothing)."""
    m = _SALUTATION.search(text[:1500])
    return text[m.start() :] if m else text


def _cex_json(m: Path, base: dict[str, str], commit: str, where: str) -> Iterator[dict]:
    """A scraper's saved exchange notices, one JSON a notice (a notice of several pairs is
    saved once per pair)."""
    files = [
        f
        for f in f5._git(m, "ls-tree", "-r", "--name-only", commit, where).decode().split("\n")
        if f.endswith(".json")
    ]
    for path, body in f5._batch(m, commit, files):
        rows = json.loads(body)
        rows = rows if isinstance(rows, list) else [rows]
        rows = [r for r in rows if isinstance(r, dict) and r.get("title")]
        if not rows:
            continue
        # one notice a file; a notice of several pairs is saved once per pair
        first = rows[0]
        title = " ".join(str(first["title"]).split())
        text = _body(str(first.get("content") or first.get("text") or ""))
        yield {
            "title": title,
            "text": f5._lead(text),
            "source": f"{_exchange(path.split('/')[1], title)} (announcement)",
            "date": f5._day(str(first.get("release_time") or ""), "iso"),
            "url": first.get("url") or None,
            "provenance": {**base, "path": path},
            "ticker_hint": _hint({str(r.get("symbol") or "") for r in rows}),
        }


def main() -> None:
    args = f5.arguments(__doc__ or "")
    items, counts = f6.pool(args.mirrors, read_sources, SPLIT, LAUNCH)
    print(json.dumps(counts, ensure_ascii=False))
    pairs = f6.draw(items, SEED, SPLIT, QUOTAS)
    print(f"items by source: {f5.write_split(args.out, SPLIT, items, pairs)}")


if __name__ == "__main__":
    main()
