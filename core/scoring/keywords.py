"""Vocabulary of the scorer: keyword tiers, word families for proximity rules, negatives.

Modelled on the concepts in ``core/data/eval/README.md`` (what counts as a TGE and what
does not), not on particular items or companies, so it transfers to unseen projects.
Every phrase is matched as whole words by the shared automaton (see ``text.pattern_key``).
"""

from __future__ import annotations

# Word lists stay packed: one phrase per line would make them unreadable.
# fmt: off

# Tier 1: the item itself says a token is generated, launched, claimable or on sale.
TIER1: tuple[str, ...] = (
    "token generation event", "token generation", "tge", "genesis event", "token genesis",
    "genesis airdrop", "airdrop claim", "airdrop claims", "airdrop is live", "airdrop goes live",
    "airdrop went live", "airdrop has gone live", "claims open", "claim opens", "claims opened",
    "claiming opens", "claim portal", "claimable", "token launch", "token launches",
    "token launched", "token debut", "token debuts", "launches token", "launched token",
    "launches its token", "token sale", "public sale", "ico", "initial coin offering",
    "ido", "ieo", "hodler airdrop", "hodler airdrops", "launchpool", "megadrop",
    "token drop", "token airdrop", "token distribution", "distributing tokens",
    "distribute tokens", "reveals token", "unveils token", "announces token",
    "launch date", "listing date", "ticker",
)

# Tier 2: launch vocabulary that is common outside TGEs too.
TIER2: tuple[str, ...] = (
    "airdrop", "airdrops", "airdropped", "mainnet", "mainnet launch", "listing", "will list",
    "to list", "lists", "trading pairs", "spot trading", "tokenomics", "distribution",
    "eligible", "eligibility", "allocation", "allocations", "native token", "governance token",
    "utility token", "claim", "claims", "unveils", "unveiled", "unveil", "reveals", "revealed",
    "launch", "launches", "launched", "launching", "debut", "debuts", "debuted",
    "genesis", "go live", "auction", "coinlist", "binance launchpool", "begins trading",
    "starts trading", "trading begins", "trading starts", "open trading", "opens trading",
    "pre-market", "seed tag", "goes live", "went live", "has gone live", "has launched",
)

# Tier 3: weak words that only help in company with stronger signals.
TIER3: tuple[str, ...] = (
    "token", "tokens", "coin", "wallets", "users", "community", "rewards", "soon", "upcoming",
    "anticipated", "highly anticipated", "announce", "announces", "announced", "announcement",
    "official", "officially", "confirmed", "confirms", "finally", "set to", "holders",
    "supply", "stakers", "early users",
)

# Word families for proximity rules ("claim ... live", "launch ... token").
FAMILIES: dict[str, tuple[str, ...]] = {
    "token": (
        "token", "tokens", "coin", "native token", "governance token", "utility token",
        "tokenomics",
    ),
    "launch": (
        "launch", "launches", "launched", "launching", "unveil", "unveils", "unveiled",
        "reveal", "reveals", "revealed", "release", "releases", "released", "releasing",
        "introduce", "introduces", "introduced", "debut", "debuts", "debuted", "issue",
        "issues", "issued", "distribute", "distributes", "distributed", "distributing",
        "arrive", "arrives", "arrived", "arriving", "goes live", "go live", "went live",
        "gone live", "is live", "are live", "is coming", "coming soon", "airdrops",
        "airdropped", "airdropping",
    ),
    # Verbs that put a ticker on the market: "$ZORA launches", "XYZ goes live".
    "debut": (
        "launch", "launches", "launched", "launching", "debut", "debuts", "debuted",
        "goes live", "go live", "went live", "is live", "is now live",
    ),
    "claim": ("claim", "claims", "claimable", "claiming", "claimed"),
    "open": (
        "open", "opens", "opened", "opening", "live", "begin", "begins", "began", "start",
        "starts", "started", "starting", "available", "became", "now",
    ),
    "airdrop": ("airdrop", "airdrops", "airdropped", "token drop"),
    "list": ("list", "lists", "listing", "listed", "trading pairs"),
}

# Negative context: category -> (penalty, phrases). Penalties are applied once per category.
NEGATIVES: dict[str, tuple[float, tuple[str, ...]]] = {
    "denial": (0.45, (
        "no plans", "no plan", "no immediate plans", "not confirmed any plans",
        "not confirmed", "has not confirmed", "have not confirmed", "dismisses", "dismissed",
        "denies", "denied", "refutes", "refuted", "refuting", "quashes", "quashed",
        "no token", "not launching", "will not launch", "won't launch", "no intention",
        "incorrect", "false reports", "disregard", "fake news", "no new token",
        "no definitive plans", "without a token", "without a new token",
        "not involve a new token",
    )),
    "speculation": (0.3, (
        "rumor", "rumors", "rumour", "rumours", "rumored", "rumoured", "speculation",
        "speculate", "speculates", "speculating", "maybe", "hint", "hints", "hinted",
        "hinting", "tease", "teases", "teased", "teasing", "considering", "could launch",
        "might launch", "may launch", "potential token", "possible token", "potential native",
        "possible native", "wen", "reportedly", "leaked", "leak", "leaks", "odds", "bet",
        "betting", "prediction market", "predicts", "expected to launch", "market resolves",
        "resolves yes", "will resolve", "explore", "explores", "exploring", "early stage",
        "might arrive", "could arrive", "any token",
    )),
    "price": (0.25, (
        "price", "prices", "priced", "surge", "surges", "surged", "soar", "soars", "soared",
        "jump", "jumps", "jumped", "rally", "rallies", "rallied", "plummet", "plummets",
        "plummeted", "tank", "tanks", "tanked", "dropped by", "falls", "fell", "falling",
        "crash", "crashes", "crashed", "dump", "dumps", "dumped", "dumping", "bullish",
        "bearish", "all-time high", "liquidations", "sell-off", "selloff", "pullback",
        "nosedive", "correction", "losses", "paper losses", "inflows", "outflows", "whale",
        "whales", "price prediction", "technical analysis", "support level",
        "resistance", "breakout", "volatility", "record high", "all-time highs", "climbs",
        "climbed", "slides", "slid", "plunge", "plunges", "plunged", "tumbles", "tumbled",
        "slumps", "slumped", "depeg", "depegs", "depegged", "rebounds", "rebounded",
        "slips", "slipped", "sheds", "shed", "loses", "swings", "whipsawed", "surging",
        "soaring", "jumping", "plunging", "tumbling", "sliding", "taking profits",
        "profit-taking", "profit taking", "new high", "new highs", "notches", "lose value",
        "lost value", "loses value",
    )),
    "hack": (0.4, (
        "hack", "hacks", "hacked", "hacker", "hackers", "exploit", "exploited", "exploits",
        "stolen", "heist", "breach", "drained", "drainer", "cyber attack", "cyberattack",
        "compromised", "attacker", "attackers", "vulnerability",
    )),
    "legal": (0.35, (
        "lawsuit", "lawsuits", "sues", "sued", "court", "restraining order", "indictment",
        "indicted", "charged with", "settlement", "fined", "ban", "bans", "banned",
        "investigation", "probe", "enforcement action", "wells notice", "money laundering",
        "arrested", "arrest", "subpoena", "class action", "sec charges",
        "regulators", "regulatory", "legislation", "lawmakers", "senate", "congress",
    )),
    "guide": (0.2, (
        "how to", "guide", "what is", "what are", "explained", "explainer",
        "everything you need to know", "step-by-step", "step by step", "tutorial",
        "warning signs", "prevention", "tips", "beginner", "beginners",
    )),
    "recap": (0.25, (
        "recap", "roundup", "round-up", "what happened", "this week in", "weekly",
        "newsletter", "live updates", "year in review", "in review", "retrospective",
        "looking back", "lessons", "teaches", "since then", "to watch", "top 3", "top 5",
        "top 10", "top three", "top five", "top ten", "upcoming airdrops", "airdrops to",
    )),
    "scam": (0.45, (
        "scam", "scams", "scammer", "scammers", "fake", "phishing", "send to receive",
        "fraud", "fraudulent", "impersonating", "impersonation", "beware", "scam warning",
        "rug pull", "rugpull", "ponzi",
    )),
    "prelaunch": (0.3, (
        "snapshot", "sybil", "sybils", "self-report", "self-reporting", "points program",
        "points season", "points system", "season two", "play-to-airdrop",
        "eligibility checker", "airdrop checker", "allocation checker", "checker", "farming",
        "farm points", "airdrop farmers", "quest", "quests", "whitelist",
        "airdrop registration", "registration closes", "register an address",
        "register a wallet",
        "waitlist", "points campaign", "earn points", "loyalty program", "testnet points",
    )),
    "undated": (0.3, (
        "no date", "no launch date", "no timeline", "no timeframe", "yet to be announced",
        "to be announced", "yet to announce", "in the coming weeks", "in the coming months",
        "when or if", "eventual airdrop", "eventual token", "tba", "tbd", "date soon",
        "not announced a date", "not set a date", "no date yet", "yet to set a date",
        "no new date", "not yet announced", "declined to give a date", "no specific timeline",
        "no specific timelines", "still not out",
    )),
    "testnet": (0.3, ("testnet", "devnet", "incentivized testnet", "public testnet")),
    "postlaunch": (0.15, (
        "controversy", "controversial", "backlash", "fiasco", "criticism", "critics",
        "allegations", "after the tge", "since the tge", "post-tge", "a year after",
        "months after", "refund", "vesting", "dilution",
        "sell pressure", "selling pressure", "analysis", "commentary", "questions", "marred",
        "days after", "weeks after", "since launch", "post-launch", "after its launch",
        "complained", "complaints", "draws ire", "outrage", "frustration", "disappointed",
        "first week of trading", "first hours of trading", "unclaimed", "claim deadline",
        "years after", "years on", "earlier this year", "redistribute", "redistribution",
    )),
    "product": (0.35, (
        "stablecoin", "stablecoins", "etf", "etfs", "exchange-traded", "wrapped bitcoin",
        "wrapped btc", "wbtc", "cbbtc", "tokenized", "tokenization", "tokenised",
        "tokenisation", "rwa", "stock", "stocks", "shares", "equity", "treasuries",
        "treasury bills", "t-bills", "treasury fund", "bonds", "brokerage", "cbdc",
        "nft collection", "liquid staking", "liquid restaking", "restaked", "restaking token",
        "liquid staked", "yield-bearing",
    )),
    "funding": (0.35, (
        "raises", "raised", "funding round", "vc funding", "series a", "series b", "series c",
        "seed round", "strategic round", "private round", "led by", "leads", "valuation",
        "venture capital", "backed by", "acquisition", "acquires", "acquired", "ipo",
    )),
    "swap": (0.3, (
        "token swap", "swap", "swaps", "rebrand", "rebrands", "rebranded", "rebranding",
        "renamed", "renames", "redenomination", "token migration", "ticker change",
    )),
    "unlock": (0.35, (
        "token unlock", "token unlocks", "tokens unlock", "unlock event", "cliff unlock",
        "cliff ends", "vesting cliff", "enter circulation", "entering circulation",
    )),
    "second_round": (0.25, (
        "second airdrop", "second round", "season 2", "round 2", "another airdrop",
        "next airdrop", "phase 2", "second season", "third airdrop", "new season", "season 3",
        "round two", "phase two", "next season", "round 3", "s2",
    )),
    "promo": (0.4, (
        "partnercontent", "sponsored", "presale", "pre-sale", "100x", "1000x",
        "multi-millionaires", "millionaires", "could turn", "paid promotion",
        "top-performing", "next big", "best crypto to buy", "buy now", "moonshot",
        "memecoin", "meme coin", "sponsored content", "paid content", "advertorial",
    )),
    "old_listing": (0.3, (
        "futures listing", "perpetual futures", "perpetual contract", "perpetual contracts",
        "perpetual swap", "perpetual swaps",
        "perps", "relist", "relisting", "delist", "delisting", "margin trading",
        "already trading", "has been trading", "already trades", "already listed",
        "has traded", "have traded", "already traded",
    )),
}

# Negative phrases that mean something else inside a longer phrase: "price feeds" is oracle
# data, not price talk; a "retrospective airdrop" is a new airdrop.
NEGATIVE_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    "price": (
        "price feed", "price feeds", "price oracle", "price oracles", "price data",
        "opening price", "listing price", "launch price",
    ),
    "retrospective": ("retrospective airdrop",),
    # Who gets an airdrop, not a testnet launch.
    "testnet": (
        "testnet participants", "testnet users", "testnet contributors", "testnet players",
        "testnet campaign participants", "out of testnet",
    ),
    # A past snapshot as who qualifies, in a claim post: not a step still to come.
    "snapshot": ("before the snapshot", "at the snapshot", "in the snapshot", "by the snapshot"),
    "stablecoin": ("stablecoin focused", "stablecoin chain"),
    "swaps": ("perpetual swaps",),
    "swap": ("perpetual swap",),
    "settlement": ("settlement layer", "delivery and settlement", "settlement network"),
}

# Words right before a launch word that say it is not being announced: negated ("no launch
# date"), looking back ("since the token launched") or conditional ("once the token launches").
NOT_ANNOUNCING: frozenset[str] = frozenset(
    "no not never without since after once until if whether unless".split()
)

# Urgency hints: word -> how many words before it a date expression may start ("the 20th of
# February" starts two words before "february"). The date regex is only tried at those few
# word starts, which keeps items without dates (and with many) cheap.
_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_UNITS = "week weeks month months hour hours minute minutes day days weekend".split()
_ZONES = "utc gmt et est edt pt pst pdt cet sgt kst jst".split()
TIME_HINTS: dict[str, int] = {
    **dict.fromkeys(_MONTHS, 2),
    **dict.fromkeys(_WEEKDAYS, 1),
    **dict.fromkeys(("today", "tonight", "tomorrow", "yesterday"), 1),
    **dict.fromkeys(_UNITS, 4),
    **dict.fromkeys(("q1", "q2", "q3", "q4"), 0),
    **dict.fromkeys(_ZONES, 4),
    **dict.fromkeys([str(y) for y in range(2020, 2036)], 4),
}

# Words around a ticker: "ABC token", "ABC's airdrop" / "ticker ABC", "token ABC".
TICKER_BEFORE: tuple[str, ...] = (
    "token", "tokens", "coin", "coins", "airdrop", "airdrops", "governance token",
    "native token", "utility token", "claim", "claims", "holders", "listing", "tokenomics",
    "token sale", "staking", "price", "tge", "is live", "is now live", "goes live", "went live",
)
TICKER_AFTER: tuple[str, ...] = ("ticker", "symbol", "token")

# Upper-case words that look like tickers but are usually acronyms; need `$X`/"X token".
ACRONYMS: frozenset[str] = frozenset(
    """ATH ATL ETF ETFS NFT NFTS DEX CEX CEO CTO CFO SEC CFTC USD USA EUR GBP API APY APR
    TVL DAO DAOS DEFI AI AGI IPO ICO IDO IEO TGE KYC AML OTC PVP PVE UTC EST EDT PST GMT
    ET PT AM PM US UK EU UAE FAQ CEO VC VCS L1 L2 L3 EVM ZK P2P RWA RWAS ATM GPU CPU NYSE
    DTCC FBI DOJ IRS IMF ECB FED GDP CPI PCE OK NEW THE AND FOR YOU ALL NOW WEN GM GN HODL
    FOMO FUD DYOR NGMI WAGMI LFG MON TUE WED THU FRI SAT SUN JAN FEB MAR APR MAY JUN JUL AUG
    SEP OCT NOV DEC BTC ETH SOL A I V2 V3 NEW L D""".split()  # L D: elided "l'", "d'"
)
# fmt: on
