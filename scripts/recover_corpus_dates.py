"""Give undated corpus items the date their own source states, and say how in provenance.

Why: the token-history features need an item's day; an item without one gets no history at all.
Some items are undated only because the collector missed a field that the very file they came
from carries. Only such dates are taken: a field of the same file, read at the item's commit.
Nothing is inferred (not the order of a list, not a commit date, not a date in the text).

Recovered today (``date_from`` in the item's provenance says which field):

* saved Binance announcement pages (``fxmarty/binance-listing-announcement-price-analysis``,
  ``dat/annoucement_pages/*.html``): the article object's ``publishDate`` (epoch ms, UTC), the
  field that follows the article's title, body and code in the page's embedded JSON.

Looked at and left undated: the OKX titles (``segonse/token-listing-monitor``, ``tmp/ann.txt``)
carry an internal id and no date anywhere in that repository; the web pages' stored copies
that were checked carry no date either.

    python scripts/recover_corpus_dates.py --mirrors /work/.mirror  # rewrites corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_token_history import git_show

CORPUS = Path(__file__).resolve().parent.parent / "core" / "data" / "labelled" / "corpus.jsonl"
BINANCE_PAGES = "fxmarty/binance-listing-announcement-price-analysis"
# The article object of a saved Binance page: title, body, code, then its publish time.
ARTICLE = re.compile(
    r'"title":"((?:[^"\\]|\\.)*)","body":"(?:[^"\\]|\\.)*","code":"[^"]*","publishDate":(\d{12,13})'
)


def binance_page_date(page: str, title: str) -> tuple[str, int] | None:
    """(UTC day, epoch ms) of the page's article whose title is ``title``, if the page says."""
    for m in ARTICLE.finditer(page):
        if json.loads(f'"{m.group(1)}"').strip() == title.strip():
            ms = int(m.group(2))
            return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d"), ms
    return None


def recover(rows: list[dict], mirrors: Path) -> int:
    """Fill ``date`` where the item's own file states it; return how many were filled."""
    done = 0
    for r in rows:
        prov = r.get("provenance") or {}
        if r.get("date") or prov.get("repo") != BINANCE_PAGES:
            continue
        mirror = mirrors / BINANCE_PAGES.replace("/", "+") / "repo"
        found = binance_page_date(git_show(mirror, prov["commit"], prov["path"]), r["title"])
        if found:
            r["date"] = found[0]
            prov["date_from"] = f"publishDate of the page's article object ({found[1]} ms, UTC)"
            done += 1
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", default="/work/.mirror", help="folder of owner+name/repo mirrors")
    ap.add_argument("--corpus", default=str(CORPUS))
    args = ap.parse_args()
    path = Path(args.corpus)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    n = recover(rows, Path(args.mirrors))
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    print(f"{n} dates recovered; {sum(1 for r in rows if not r.get('date'))} items stay undated")


if __name__ == "__main__":
    main()
