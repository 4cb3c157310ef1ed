"""Rebuild core/data/catalogue/companies.json from two public, MIT-licensed datasets.

    python scripts/build_company_catalogue.py TOKENLIST_TOP_JSON ETHEREUM_LISTS_TOKENS_ETH_DIR

- TOKENLIST_TOP_JSON: `tokenlist.top.json` of github.com/cpuchain/coingecko-tokens (CoinGecko's
  token list cut to the symbols of CoinGecko's top 1000 by market cap): which projects are
  well known, with their name, ticker and Ethereum contract address.
- ETHEREUM_LISTS_TOKENS_ETH_DIR: `tokens/eth/` of github.com/ethereum-lists/tokens: the
  official website and X account a project registered for its contract address.

Only Ethereum-mainnet entries are kept (one contract address per project, so the two
datasets join on it); a ticker held by several tokens is kept only for the one that
registered its contract in ethereum-lists; bridged/wrapped/legacy copies and
derivative receipts (lower-case tickers such as cETH) are left out. Aliases come from the
bundled core/data/companies.json where a name matches. See core/data/catalogue/README.md.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "core" / "data" / "catalogue" / "companies.json"
BUNDLED = ROOT / "core" / "data" / "companies.json"
TICKER = re.compile(r"^[A-Z0-9]{1,15}$")
NOT_A_PROJECT = re.compile(
    r"\b(old|legacy|prev|migrated|wrapped|bridged|peg|wormhole|bitcoin|ether|eth)\b", re.I
)
X_URL = re.compile(r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/@?([A-Za-z0-9_]{1,15})/?$")


def _website(raw: str) -> str:
    raw = (raw or "").strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    return f"https://{parts.hostname.lower()}"


def _x_handle(social: dict) -> str:
    match = X_URL.match((social or {}).get("twitter", "").strip())
    return match.group(1) if match else ""


def build(top_path: Path, eth_dir: Path) -> list[dict]:
    tokens = json.loads(top_path.read_text())["tokens"]
    mainnet = [t for t in tokens if t.get("chainId") == 1]
    by_ticker: dict[str, list[dict]] = defaultdict(list)
    for token in mainnet:
        by_ticker[token["symbol"]].append(token)
    registered = {}
    for path in eth_dir.glob("*.json"):
        row = json.loads(path.read_text())
        registered[row["address"].lower()] = row
    aliases = {c["name"].lower(): c.get("aliases", []) for c in json.loads(BUNDLED.read_text())}
    out, names = [], set()
    for ticker, group in sorted(by_ticker.items()):
        if len(group) > 1:  # a shared ticker: keep the one project that registered its contract
            group = [t for t in group if t["address"].lower() in registered]
        if len(group) != 1 or not TICKER.match(ticker):
            continue
        token = group[0]
        name = " ".join(token["name"].split())
        if not name or len(name) > 64 or NOT_A_PROJECT.search(name) or name.lower() in names:
            continue
        names.add(name.lower())
        meta = registered.get(token["address"].lower(), {})
        out.append(
            {
                "name": name,
                "aliases": aliases.get(name.lower(), []),
                "tokens": [ticker],
                "website": _website(meta.get("website", "")),
                "x": _x_handle(meta.get("social", {})),
                "ethereum": token["address"],
            }
        )
    return sorted(out, key=lambda c: c["name"].lower())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    rows = build(Path(sys.argv[1]), Path(sys.argv[2]))
    OUT.write_text(json.dumps(rows, indent=0, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} companies to {OUT}")
