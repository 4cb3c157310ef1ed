"""Sites the guard knows without a company: news and exchanges, platforms, URL shorteners.

Registrable domains only. News sites are the publishers of the bundled feeds
(`core/data/feeds/SOURCES.md`) and other large crypto newsrooms; exchanges are the large
spot exchanges whose listing posts are TGE sources. A link to them is `official` as a source
(they are who they say they are), not as a project's own site.
"""

from __future__ import annotations

NEWS = frozenset(
    {
        "coindesk.com",
        "cointelegraph.com",
        "beincrypto.com",
        "blockworks.co",
        "decrypt.co",
        "thedefiant.io",
        "theblock.co",
        "cryptoslate.com",
        "cryptonews.com",
        "bitcoinmagazine.com",
        "dlnews.com",
        "coingecko.com",
        "coinmarketcap.com",
        "messari.io",
        "bloomberg.com",
        "reuters.com",
        "forbes.com",
        "fortune.com",
        "techcrunch.com",
        "wsj.com",
        "ft.com",
    }
)

EXCHANGES = frozenset(
    {
        "binance.com",
        "coinbase.com",
        "kraken.com",
        "okx.com",
        "bybit.com",
        "kucoin.com",
        "gate.io",
        "gate.com",
        "bitget.com",
        "htx.com",
        "mexc.com",
        "upbit.com",
        "bithumb.com",
        "bitfinex.com",
        "gemini.com",
        "crypto.com",
        "bitstamp.net",
    }
)

# Anyone can publish here: the site is real, the page's author is not vouched for.
PLATFORMS = frozenset(
    {
        "x.com",
        "twitter.com",
        "t.me",
        "telegram.me",
        "telegram.org",
        "discord.gg",
        "discord.com",
        "medium.com",
        "mirror.xyz",
        "substack.com",
        "github.com",
        "github.io",
        "gitbook.io",
        "notion.site",
        "youtube.com",
        "youtu.be",
        "reddit.com",
        "google.com",
        "linktr.ee",
        "warpcast.com",
    }
)

X_HOSTS = frozenset({"x.com", "twitter.com"})

# A short link hides where it goes: the reader cannot check the domain before clicking.
SHORTENERS = frozenset(
    {
        "bit.ly",
        "t.co",
        "tinyurl.com",
        "goo.gl",
        "ow.ly",
        "is.gd",
        "v.gd",
        "buff.ly",
        "cutt.ly",
        "rebrand.ly",
        "shorturl.at",
        "t.ly",
        "rb.gy",
        "s.id",
        "tiny.cc",
        "bl.ink",
        "lnkd.in",
        "dub.sh",
        "shorte.st",
        "adf.ly",
        "tiny.one",
        "short.gy",
    }
)

# Words a drainer site puts next to a brand ("layerzero-claim.xyz", "claim-starknet.io").
BAIT_WORDS = (
    "claim",
    "airdrop",
    "drop",
    "reward",
    "bonus",
    "gift",
    "giveaway",
    "free",
    "mint",
    "distribution",
    "allocation",
    "eligib",
    "checker",
    "snapshot",
    "connect",
    "wallet",
    "verify",
    "verification",
    "validate",
    "migrat",
    "redeem",
    "receive",
    "unlock",
    "portal",
    "event",
    "official",
    "support",
    "restore",
    "rectify",
    "bridge",
    "stake",
    "presale",
    "whitelist",
)
