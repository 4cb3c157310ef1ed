"""Build ``core/data/events/token-names.json``: a ticker -> project name table the event joiner
reads as keys (`core.events.join.listed_names`).

Why: two items about one launch often share no written key: one writes the ticker ("LUNA
2.0 Skyrockets 40%"), the other the project's name ("New Terra Blockchain Goes Live"). A
public coin list ranked by market cap says which name a ticker stands for, when the ticker
is not shared by another coin as well known.

Source: ``minimal_marketcap_desc.json`` of github.com/ShaunLWM/CoinGeckoCustomApi (MIT, as its
package.json states), CoinGecko's coins sorted by market cap (13,415 coins, 2022-07-24): each
row's id, name and symbol; its position is its market-cap rank.

Kept, so that a ticker names one project: coins ranked within ``MAX_RANK``; a symbol only when
no other coin with it ranks within ``MAX_RANK`` nor within ``RIVAL_FACTOR`` times its rank
(TON: Tokamak Network 297 and TON 1296 in 2022, ambiguous, left out); not wrapped, bridged,
pegged or staked copies; not a name equal to its ticker ("BNB": the joiner reads that
already) nor a ticker or name made of common words (`core/data/events/common-words.txt`).

    python scripts/build_token_names.py MINIMAL_MARKETCAP_DESC_JSON   # writes the table
    python scripts/build_token_names.py MINIMAL_MARKETCAP_DESC_JSON --check
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.events.extract import common_name, common_words, normalise_name  # noqa: E402

OUT = ROOT / "core" / "data" / "events" / "token-names.json"
SOURCE = {
    "repository": "https://github.com/ShaunLWM/CoinGeckoCustomApi",
    "path": "minimal_marketcap_desc.json",
    "commit": "05d87f80e61bd43f35f22998d6ebbc90d7801048",
    "date": "2022-07-24",
    "licence": "MIT (package.json)",
}
MAX_RANK = 1000
RIVAL_FACTOR = 5
TICKER = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
COPY = re.compile(
    r"\b(?:wrapped|bridged|peg|pegged|wormhole|staked|binance-peg|heco-peg|bsc|old|legacy)\b",
    re.IGNORECASE,
)


def build(rows: list[dict]) -> dict[str, str]:
    """Ticker -> normalised name of its best-ranked coin, where that coin clearly owns it."""
    ranks: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for rank, row in enumerate(rows, 1):
        ranks[str(row.get("symbol") or "").upper()].append((rank, str(row.get("name") or "")))
    table = common_words()
    out: dict[str, str] = {}
    for tick, held in ranks.items():
        if not TICKER.match(tick):
            continue
        kept = [(r, n) for r, n in held if not COPY.search(n)]
        if not kept:
            continue
        (rank, name), *rivals = sorted(kept)
        if rank > MAX_RANK:
            continue
        if rivals and rivals[0][0] <= max(MAX_RANK, RIVAL_FACTOR * rank):
            continue  # two coins share the ticker and both are known: ambiguous
        low = normalise_name(name)
        if not low or low.replace(" ", "") == tick.lower():
            continue
        if tick.lower() in table or common_name(low):
            continue
        out[tick] = low
    return dict(sorted(out.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path, help="minimal_marketcap_desc.json at SOURCE's commit")
    ap.add_argument("--check", action="store_true", help="exit 1 if the table differs")
    args = ap.parse_args()
    raw = args.source.read_bytes()
    names = build(json.loads(raw))
    doc = {
        "source": {**SOURCE, "sha256": hashlib.sha256(raw).hexdigest()},
        "rule": f"rank <= {MAX_RANK}, no rival within max({MAX_RANK}, {RIVAL_FACTOR} x rank), "
        "no copies, no common words, no name equal to its ticker",
        "names": names,
    }
    text = json.dumps(doc, indent=0, ensure_ascii=False) + "\n"
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("token-names.json is what its source builds" if same else "token-names.json differs")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(names)} tickers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
