"""Discovery: name the project and ticker of a TGE item about a project nobody listed yet.

The engine recognises watched companies through the automaton. A launch is often news before
anyone adds the project, so when an item has TGE signals but names no watched company this
module reads the project from the way launch news is written: "Pudgy Penguins (PENGU)",
"Binance Will List Linea (LINEA)", "LayerZero's ZRO token", "Starknet reveals ... airdrop",
"MegaETH TGE", "$ABC airdrop". It runs only for such items (a few regex searches over the
headline and the sentences that carry signals), so it costs nothing on the rest.
"""

from __future__ import annotations

import re
from typing import Any

from core.markets import QUOTES
from core.scoring.keywords import ACRONYMS

# Words a project name never contains: launch-news vocabulary, ending the name before it.
_KEYWORD = r"(?:token|tokens|airdrop|airdrops|tge|claim|claims|launch|launches|genesis|coin|ico)"
# One word of a name: capitalised ("Jupiter", "MegaETH", "Pump.fun", "Layer-2", "0G"), or a
# lower-case domain-like brand ("friend.tech", "pump.fun").
_WORD = (
    rf"(?!(?i:{_KEYWORD})\b)"
    r"(?:[A-Z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*"
    r"|[a-z]{1,3}[A-Z][A-Za-z0-9]*"  # a lower-case start in camel case: aPriori, deBridge
    r"|[a-z][a-z0-9]*\.(?:fun|tech|xyz|io|finance|money|trade|market|app|gg|so|ai)"
    r"|[0-9][A-Za-z0-9]*)"
)
_NAME = rf"(?<![\w.$@#])(?P<name>{_WORD}(?: {_WORD}){{0,5}})"
_TICK = r"\$?(?P<tick>[A-Z][A-Z0-9]{1,9})"

# In order of trust: a ticker in brackets after the name says most.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "name (TICKER)",
        re.compile(_NAME + r"\s*[(（]\$?(?P<tick>[A-Z0-9][A-Z0-9]{0,14})[)）]"),
    ),
    (
        "TICKER (name)",
        re.compile(r"(?<![\w$])\$?(?P<tick>[A-Z][A-Z0-9]{1,9})\s*[(（]" + _NAME[:-1] + r")[)）]"),
    ),
    (
        "name's token",
        re.compile(
            _NAME + r"['’]s\s+(?:(?i:new|native|own|first|governance|utility|long-awaited|much-"
            r"anticipated|highly[- ]anticipated|upcoming|official)\s+)*"
            r"(?:\$?(?P<tick>[A-Z][A-Z0-9]{1,9})\s+)?"
            r"(?i:tokens?\b|airdrops?\b|tge\b|coin\b|claims?\b|token generation|genesis|"
            r"debuts?\b|launch(?:es)?\b|goes live|is live|lists?\b|listing|begins|becomes)"
        ),
    ),
    (
        "name announces",
        re.compile(
            r"^[\s\W]*(?:[A-Z][\w.]*(?: [A-Z][\w.]*){0,2}['’]s\s+)?"
            + _NAME
            + r"\s+(?:(?i:officially|formally|finally|has|have|will|is|"
            r"are|set to|to|now|just|also)\s+)*"
            r"(?i:announce[sd]?|launch(?:es|ed|ing)?|unveil(?:s|ed)?|reveal(?:s|ed)?|"
            r"confirm(?:s|ed)?|open(?:s|ed)?|debut(?:s|ed)?|introduce[sd]?|kick(?:s|ed)? off|"
            r"airdrop(?:s|ed|ping)?|sets?|schedule[sd]?|go(?:es)? live|begin(?:s)?|"
            r"start(?:s|ed)?|distribut\w+|roll(?:s|ed)? out|details|outlines|drops|"
            r"release[sd]?|issue[sd]?|mint(?:s|ed)?)\b"
        ),
    ),
    (
        "exchange adds name",
        re.compile(
            r"(?:\b[Ll]ist(?:s|ing)?|\b[Aa]dds|\b[Tt]aps|\b[Ww]elcomes|\b[Ii]ntroducing|"
            r"\b[Ff]eatures|\b[Ss]upports)\s+"
            + _NAME
            + r"(?=\s*(?:[;,:.!]|$|\s+(?:as|for|on|to|with|in)\b))"
        ),
    ),
    (
        "exchange completes name",
        re.compile(
            r"\b[Cc]ompletes (?:the )?"
            + _NAME
            + r" (?:Lottery|Subscription|Token Sale|Launchpad|Launchpool|IEO)"
        ),
    ),
    (
        "name TGE",
        re.compile(
            _NAME + r"\s+(?:\$?(?P<tick>[A-Z][A-Z0-9]{1,9})\s+)?"
            r"(?i:tge\b|token generation|token launch|airdrop|tokens?\b|genesis|claim|ico\b|"
            r"presale|token sale|mainnet and token)"
        ),
    ),
)

# Last resort, in a headline written in sentence case: its leading capitalised words are
# its subject ("Story Protocol turns the page with ... token launch").
_SUBJECT = re.compile(r"^[\s\W]*" + _NAME + r"(?= [a-z])")

# The same shapes in all-lower-case text ("renzo has opened rez airdrop claims", "scroll's
# airdrop is now claimable"), where nothing is capitalised: one or two words only.
_LWORD = rf"(?!{_KEYWORD}\b)[a-z][a-z0-9]*(?:[.\-][a-z0-9]+)*"
_LNAME = rf"(?<![\w.$@#])(?P<name>{_LWORD}(?: {_LWORD})?)"
_LOWER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "name's token",
        re.compile(
            _LNAME + r"['’]s\s+(?:(?:new|native|own|first|governance|upcoming|official)\s+)*"
            r"(?:\$?[a-z][a-z0-9]{1,9}\s+)?(?:tokens?\b|airdrops?\b|tge\b|claims?\b)"
        ),
    ),
    (
        "name announces",
        re.compile(
            r"^[\s\W]*" + _LNAME + r"\s+(?:(?:officially|finally|has|have|will|is|just)\s+)*"
            r"(?:announce[sd]?|launch(?:es|ed)?|open(?:s|ed)?|unveil(?:s|ed)?|debut(?:s|ed)?|"
            r"airdrop(?:s|ed)?)\b"
        ),
    ),
    ("name TGE", re.compile(_LNAME + r"\s+(?:tge\b|airdrop\b|token generation)")),
)
_TRADING_FOR = re.compile(
    r"\b[Tt]rading [Ff]or \$?([A-Z][A-Z0-9]{1,9})\b"
    rf"|(?<![\w$/])([A-Z][A-Z0-9]{{1,9}})/(?:{QUOTES})\b"  # PENGU/USDT
)
_LOWER_TICKER = re.compile(r"(?<![\w$])\$([a-z][a-z0-9]{1,7})\b")
_QUANTITY = re.compile(r"^\d+(?:[.,]\d+)*(?:[kmb]|bn|mn|st|nd|rd|th|s|x|%)?$", re.IGNORECASE)

# Words that end a name's run from the left: keep what follows the last of them
# ("Binance Will List Pudgy Penguins" -> "Pudgy Penguins"). The larger exchanges are among
# them, not all of core.markets.EXCHANGES: with every exchange here (measured 2026-12-06 on
# the labelled sets) 15 items changed, none alerting either way, but an exchange's own news
# ("BitMart Unveils ...", labelled BitMart) lost its right name and text behind a stopped
# headline became names ("IntroductionPlasma", "Generation Event").
_STOP = frozenset(
    """a an the and or of on in for to at by with from as via is are was were will would can
    could may might should has have had be been being it its it's their his her our your my
    we you they this that these those here here's what why how when who where which new list
    lists listing listed lists launch launches launched launching introducing announcing
    announces announced announce breaking exclusive update updates project projects quick
    overview guide explained today tomorrow yesterday week weekly daily binance coinbase bybit
    okx kucoin kraken upbit bithumb bitget mexc gate gate.io htx hodler launchpool launchpad
    megadrop issue spot futures perpetual support supports supported adds add opens open
    details reveals unveils confirms did does qualify just now finally officially report
    reports says said rumor rumors rumour after before ahead amid over into than then about
    first second third next last all more most every some any one two three top best how-to
    vs versus ceo cto founder co-founder chief head team deposits deposit withdrawals
    trading users holders eligible wallets participants stakers community pre-market premarket
    receive receives get gets earn earns giving gives give take takes make makes newly
    controversial retrospective majority criticism criticisms approaches approaching despite
    governance utility native innovative anticipated long-awaited much-anticipated highly
    dry run introduces bemoans
    """.split()
)
# Descriptions written before a name ("Ethereum Restaking Protocol EigenLayer"): dropped from
# the left while more words follow.
_DESCRIPTIVE = frozenset(
    """ethereum solana bitcoin btc eth sol bnb base arbitrum layer layer-1 layer-2 layer1 layer2
    l1 l2 l3 scaling solution restaking liquid staking protocol defi dex cex nft nfts
    blockchain network platform exchange wallet memecoin meme ai web3 crypto decentralized
    perpetual perp perps based rollup zk chain iconic brand popular social media startup firm
    company derivatives trading lending yield gaming game modular interoperability bridge
    aggregator oracle infrastructure privacy prediction market markets
    """.split()
)
# Exchange event words written after a project's name.
_EVENT_WORDS = frozenset("subscription lottery draw launchpad launchpool sale ieo".split())
# A whole name that is not a project.
_NOT_A_NAME = frozenset(
    """bitcoin ethereum solana crypto cryptocurrency sec cftc us u.s uk eu tge airdrop token
    tokens ico ido ieo defi nft web3 dao monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december q1 q2 q3 q4 ceo cto founder co-founder x twitter telegram discord eth btc sol
    usd usdt usdc mainnet testnet season points
    """.split()
)
_MAX_SENTENCES = 6  # the headline and the first signal sentences are enough


def _trim(raw: str) -> str | None:
    """The project inside a run of capitalised words, or None when nothing is left."""
    words = raw.split()
    for i in range(len(words) - 1, -1, -1):
        w = words[i].lower()
        if w in _STOP or w.endswith("-based") or _QUANTITY.match(words[i]):
            words = words[i + 1 :]
            break
    while len(words) > 1 and words[0].lower() in _DESCRIPTIVE:
        words = words[1:]
    while len(words) > 1 and words[-1].lower() in _EVENT_WORDS:
        words = words[:-1]  # "Tokocrypto Subscription (Launchpad)": the event, not the name
    if not words:
        return None
    name = " ".join(words)
    low = name.lower()
    if low in _NOT_A_NAME or low in _DESCRIPTIVE or name.isdigit() or len(name) < 2:
        return None
    if name.isupper() and len(words) == 1 and name in ACRONYMS:
        return None
    return name


# Acronyms that are never a project's ticker, even written "SEC's ..." before a keyword.
_NEVER_TICKER = frozenset(
    "SEC CEO CTO US UK EU UAE TGE NFT ETF DAO AI CFTC FBI DOJ IRS USD ICO IDO IEO DEX CEX".split()
)


def _ticker_ok(tick: str | None) -> bool:
    return bool(tick) and tick not in ACRONYMS  # type: ignore[operator]


def _sentence_case(text: str) -> bool:
    """Most words start in lower case (not a Title Case Headline)."""
    words = [w for w in text.split() if w[:1].isalpha()]
    return sum(w[0].islower() for w in words) * 2 >= len(words)


def _spelled_out(tick: str | None, name: str) -> bool:
    """ "IEO (Initial Exchange Offering)": the bracket spells out an acronym."""
    initials = "".join(w[0] for w in re.split(r"[\s\-]+", name) if w).upper()
    return bool(tick) and initials == tick


def _possessive_ticker(raw: str) -> str | None:
    """ "MON's airdrop": an all-caps word owning the keyword is a ticker, acronym or not."""
    word = raw.strip()
    if 2 <= len(word) <= 6 and word.isalnum() and word.isupper() and word not in _NEVER_TICKER:
        return word
    return None


def _sentence_text(marked: str, bounds: list[int], si: int) -> str:
    if si > len(bounds):
        return ""
    start = bounds[si - 1] + 1 if si > 0 else 0
    end = bounds[si] if si < len(bounds) else len(marked)
    return marked[start:end].strip(" .\x0e")


def discover(
    marked: str,
    bounds: list[int],
    tokens: dict[str, tuple[int, int]],
    signal_sents: set[int],
) -> dict[str, Any] | None:
    """Name and ticker of the project an item is about, from its headline and signal
    sentences: ``{"name", "ticker", "sentence", "how", "weak"}``, or None when nothing fits.

    ``tokens`` are the engine's tickers (``$ABC``, ``ABC token``, ``(ABC)``) with their
    sentence; ``signal_sents`` the sentences holding TGE keywords.
    """
    order = [0, *sorted(signal_sents - {0})]
    for si in range(1, 3):  # the lead, where the subject is named
        if si not in signal_sents:
            order.append(si)
    name: str | None = None
    tick: str | None = None
    where, how = 0, ""
    for si in order[:_MAX_SENTENCES]:
        text = _sentence_text(marked, bounds, si)
        if not text:
            continue
        patterns = _LOWER_PATTERNS if text == text.lower() else _PATTERNS
        for label, pattern in patterns:
            for m in pattern.finditer(text):
                found = _trim(m.group("name"))
                if found is None:
                    if label == "name's token" and (t := _possessive_ticker(m.group("name"))):
                        tick, where, how = t, si, label
                        break
                    continue
                t = m.groupdict().get("tick")
                if t and not any(ch.isalpha() for ch in t):
                    continue  # "(2024)": a year, not a ticker
                if label == "TICKER (name)" and _spelled_out(t, found):
                    continue  # "IEO (Initial Exchange Offering)": a term, not a project
                if patterns is _LOWER_PATTERNS and "." not in found:
                    found = found[0].upper() + found[1:]  # "renzo" -> "Renzo"
                    t = None
                name, where, how = found, si, label
                bracketed = label in ("name (TICKER)", "TICKER (name)")  # "Monad (MON)"
                tick = t if _ticker_ok(t) or (bracketed and t not in _NEVER_TICKER) else None
                if tick is None and _possessive_ticker(found) and " " not in found:
                    name, tick = None, found  # "Introducing SWELL", "the IMX token"
                break
            if name or tick:
                break
        if name or tick:
            break
    if name is None and tick is None:
        headline = _sentence_text(marked, bounds, 0)
        m = _SUBJECT.match(headline)
        if m and _sentence_case(headline) and (found := _trim(m.group("name"))):
            name, where, how = found, 0, "headline subject"
    if tick is None and tokens:
        # the engine's tickers: one in the name's sentence first, else the first one seen
        same = [t for t, (si, _p) in tokens.items() if si == where]
        tick = (same or list(tokens))[0]
        if name is None:
            where, how = tokens[tick][0], "$TICKER"
    if tick is None:  # "... Will Open Trading for TKO"; "$jto claim just went live"
        for si in order[:3]:
            text = _sentence_text(marked, bounds, si)
            m = _TRADING_FOR.search(text)
            if m and (m.group(1) or m.group(2)) not in ACRONYMS:
                tick = m.group(1) or m.group(2)
                if name is None:
                    where, how = si, "trading for TICKER"
                break
            m = _LOWER_TICKER.search(text)
            if m and m.group(1).upper() not in ACRONYMS:
                tick = m.group(1).upper()
                if name is None:
                    where, how = si, "$TICKER"
                break
    if name is None and tick is None:
        return None
    if name and name == tick:
        name = None  # "ZRO airdrop": the ticker, not a name
    # a guess from the headline's shape alone names the project but adds nothing to the score
    weak = how == "headline subject" and tick is None
    return {"name": name, "ticker": tick, "sentence": where, "how": how, "weak": weak}


def label(found: dict[str, Any] | None) -> str:
    """'X ($ABC)', 'X' or '$ABC' for alerts and explanations."""
    if not found:
        return ""
    name, tick = found.get("name"), found.get("ticker")
    if name and tick:
        return f"{name} (${tick})"
    return str(name or f"${tick}")


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "", (text or "").lower())


def names_match(found: dict[str, Any] | None, company: str | None, ticker: str | None) -> bool:
    """Whether a discovery names the labelled project: its name (either contains the other,
    "Eigen" ~ "EigenLayer", "Sonic (Fantom)" ~ "Fantom Sonic") or its ticker."""
    if not found:
        return False
    name = _norm(found.get("name"))
    parts = [_norm(p) for p in re.split(r"[/(),]", company or "") if _norm(p)]
    if name and any(name == p or name in p or p in name for p in parts):
        return True
    want = (ticker or "").lstrip("$").upper()
    return bool(want) and (found.get("ticker") or "") == want


def is_listed(company: str | None, listed: Any) -> bool:
    """Whether a labelled item's project is one of the ``listed`` CompanySpecs."""
    names = {_norm(c.name) for c in listed} | {_norm(a) for c in listed for a in c.aliases}
    return any(_norm(part) in names for part in re.split(r"[/(),]", company or "") if part)


def evaluate_discovery(
    items: list[dict[str, Any]], engine: Any, threshold: float = 0.5
) -> dict[str, Any]:
    """On labelled items scored by ``engine`` (usually with their projects left out of its
    companies): the share of real TGEs recognised as a new project at ``threshold``, and
    of those, the share whose name or ticker is the labelled one."""
    from core.scoring.evaluate import parse_published

    tge = recognised = right = alerted_negatives = negatives = 0
    misses: list[dict[str, Any]] = []
    for item in items:
        a = engine.analyze(
            item.get("title") or "",
            item.get("text") or "",
            published=parse_published(item.get("date")),
        )
        hit = a.confidence >= threshold and a.new_project
        if not item.get("is_tge"):
            negatives += 1
            alerted_negatives += int(a.confidence >= threshold)
            continue
        tge += 1
        ok = hit and names_match(a.discovered, item.get("company"), item.get("token_symbol"))
        recognised += int(hit)
        right += int(ok)
        if not ok:
            misses.append(
                {
                    "id": item.get("id"),
                    "title": item.get("title") or (item.get("text") or "")[:100],
                    "confidence": a.confidence,
                    "discovered": label(a.discovered) if a.discovered else None,
                    "label": f"{item.get('company')} (${item.get('token_symbol')})",
                }
            )
    return {
        "tge_items": tge,
        "recognised": recognised,
        "recognised_share": round(recognised / tge, 4) if tge else None,
        "right_name_or_ticker": right,
        "right_share": round(right / recognised, 4) if recognised else None,
        "negatives": negatives,
        "alerted_negatives": alerted_negatives,
        "threshold": threshold,
        "misses": misses,
    }


def format_discovery(result: dict[str, Any]) -> str:
    """Terminal summary of :func:`evaluate_discovery`."""
    lines = [
        f"TGE items about unlisted projects: {result['tge_items']}  "
        f"threshold: {result['threshold']}  scored by: {result.get('scorer', 'rules only')}",
        f"recognised as a new project: {result['recognised']} "
        f"({(result['recognised_share'] or 0):.3f})",
        f"right name or ticker among them: {result['right_name_or_ticker']} "
        f"({(result['right_share'] or 0):.3f})",
        f"negatives alerted: {result['alerted_negatives']} of {result['negatives']}",
    ]
    if result["misses"]:
        lines.append("missed or misnamed:")
        for m in result["misses"][:15]:
            lines.append(
                f"  {m['confidence']:.3f}  {m['title'][:80]}  -> {m['discovered'] or '-'}"
                f"  (label {m['label']})"
            )
    return "\n".join(lines)
