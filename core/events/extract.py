"""What one scored item says about a launch: who (identity keys), which phase, and when.

Pure functions over an item's title, text and the scorer's analysis, so the live joiner
(`core.events.service`) and the offline measurement (`core.events.evaluate`) decide alike.

Dates: the scorer's urgency date (a pinned day) is the phase's date; a time of day with its
zone ("13:00 (UTC)", "8 AM ET") is read from the same text. A time without a zone is taken
as UTC, and a date without a time is an all-day phase stored at 00:00 UTC of that day
(reminders count back from that midnight). Quarters and months ("Q1 2026") leave a phase
undated: nothing can be reminded of a quarter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from anyascii import anyascii

from core.markets import EXCHANGE_QUALIFIERS, EXCHANGES, QUOTE_ASSETS, QUOTES
from core.models import PhaseKind
from core.scoring.language import latin_regex

# Exchanges and launch venues: they name many launches and are the project of none of them
# when another name is given (an item about Binance alone still goes by Binance). With the
# exchanges, the words of Binance's products ("Binance Wallet", "Binance Alpha", "Binance
# Futures", its Launchpool and Launchpad) and a launch calendar, CoinMarketCal.
VENUES = EXCHANGES | frozenset("wallet alpha futures launchpool launchpad coinmarketcal".split())
# Quote and base assets that appear beside every listing ("LUNA/BTC", "XYZUSDT").
HUB_TICKERS = frozenset(
    "BTC ETH BNB USDT USDC BUSD FDUSD SOL TRY EUR USD DAI TUSD USD1 TGE NFT DAO AI UTC".split()
)
# Phases after which the token exists: a long gap after one of these is another launch.
LAUNCH_PHASES = frozenset({PhaseKind.LISTING, PhaseKind.CLAIM_OPEN})
# A token written as a trading pair: glued to a dollar quote ("ESPUSDT", "1000PEPEUSDC"), or
# with a separator to any common quote ("XPL/USDT", "LUNA-BTC", "ARB_USDC"). A token may
# start with a digit ("0GUSDT" is 0G's; "1000PEPEUSDT" is PEPE's, in thousands). The pair may
# sit inside Chinese or Korean text ("币安合约将上线CUDISUSDT", "SAPIENUSDT 永续合约"), so
# its edges are "no Latin letter or digit", not word boundaries.
_EDGE_L, _EDGE_R = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
_PAIR_RE = latin_regex(
    rf"{_EDGE_L}(?:1000+(?=[A-Z]))?([A-Z0-9]{{2,15}}?)(?:USDT|USDC){_EDGE_R}"
    rf"|{_EDGE_L}(?:1000+(?=[A-Z]))?([A-Z0-9]{{2,15}})\s?[/_-]\s?(?:{QUOTES}){_EDGE_R}"
)
# Glued to "USD", "BUSD" or "FDUSD" it is a pair only as a contract's name ("Binance Futures
# Will Launch USDⓈ-Margined ESPUSDT Perpetual Contract"): many stablecoins end in "USD"
_CONTRACT_RE = latin_regex(
    rf"{_EDGE_L}(?:1000+(?=[A-Z]))?([A-Z0-9]{{2,15}}?)(?:USD|BUSD|FDUSD){_EDGE_R}"
    r"(?=[^.]{0,40}(?:\b(?i:perpetual|futures|contract|pre-market)\b|永续|合约|盘前|무기한|선물))"
)
# A token named before its contract ("Gate Has Listed BAS Contract (USDT-M)"), or before
# the name it stands for ("World Premiere | SOMI (Somnia) Will Be Listed in LBank")
_NAMED_RE = latin_regex(
    r"(?<![\w$])([A-Z][A-Z0-9]{1,14})\s+(?:(?:Perpetual|Futures)\s+)?Contracts?\b"
    r"|(?<![\w$])([A-Z][A-Z0-9]{1,14})\s*\((?=[^()]*[a-z])[^()]{2,60}\)"
)
# Dollar stablecoins whose names end in "USD": the whole word is the coin ("FDUSD-Margined
# Perpetual Contract" is no token FD's contract), where "ENAUSD Perpetual" is ENA's
USD_STABLECOINS = frozenset("FDUSD BUSD TUSD PYUSD RLUSD BFUSD LISUSD FRXUSD".split())
# What a pair's quote asset is, to tell a glued pair ("SAPIENUSDT") from a name
_PAIR_QUOTES = ("USDT", "USDC", "BUSD", "FDUSD", "USD")
_QUOTES = frozenset(QUOTE_ASSETS)
# Dated steps in an item are phases only when these words say what the date is for.
_LAUNCH_WORDS = latin_regex(
    r"\b(tge|token generation|launch\w*|airdrop\w*|listing|list|lists|trading|claim\w*|"
    r"snapshot|debut\w*|go(es)? live|mainnet|token sale|launchpool|launchpad)\b"
)

# First match wins: a delay or cancellation is news about an earlier phase.
# Pre-market under another name ("Storm Trade launches Pre-launch futures trading on Notcoin";
# final17, shaped): a phase rule here and pre-market talk for the joiner (``join._PRE_MARKET``).
PRE_LAUNCH_TRADING = r"\bpre-?launch (?:futures|trading|market)\b"
_PHASE_RULES: tuple[tuple[PhaseKind, re.Pattern[str]], ...] = (
    (
        PhaseKind.CANCELLED,
        latin_regex(r"\b(cancel(l)?ed|cancels|called off|scrapped|scraps|abandon(s|ed))\b"),
    ),
    (
        PhaseKind.DELAYED,
        latin_regex(
            r"\b(delay(s|ed)?|postpone(s|d)?|pushed (back|to)|push(es)? back|reschedul\w+|"
            r"(launch|tge|airdrop|listing) (moved|moves) to)\b"
        ),
    ),
    # trading a token before it exists is no listing of it ("Pre-market: Bitget adds
    # EigenLayer (EIGEN) tokens ... before launch"; Binance Futures' pre-market contracts;
    # a future delivering it in months: "FIL6 Liquidity Futures (Filecoin 6-Month) Listing")
    (
        PhaseKind.ANNOUNCED,
        latin_regex(
            r"\bpre-?market\b|\bfutures?\s*\([^()]*\b\d{1,2}-months?\)|\b\d{1,2}-months? futures?\b"
            rf"|{PRE_LAUNCH_TRADING}"
        ),
    ),
    (PhaseKind.SNAPSHOT, latin_regex(r"\bsnapshots?\b")),
    (
        PhaseKind.CLAIM_OPEN,
        latin_regex(
            r"\b(claims? (is |are )?(now )?(open|live)|claim (portal|page)|claiming (is )?open|"
            r"can (now )?(be )?claim(ed)?|now claimable|airdrop (is )?(now )?live|"
            r"claims? open(s|ed)?|begins? distribution|distribution (begins|starts)|"
            r"(start(s|ing)?|begins?|beginning) (to )?distribut(e|ing)|"
            # farming or mining a token hands it out: it exists ("MIR Token Farming")
            r"airdropped|distributes|token farming|liquidity mining)\b"
        ),
    ),
    (
        PhaseKind.LISTING,
        latin_regex(
            r"\b(will list|lists|listing|listed|list on|open(s)? trading|opens? for trading|"
            r"trading (is )?(now )?(live|open)|spot trading|available on binance|"
            r"tokens? (?:(?:is|are|goes|go|went|now) )+live|"
            r"launchpool|hodler airdrops?|perpetual contract|initial listing)\b"
        ),
    ),
)

_ZONES = {
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "et": -5,
    "est": -5,
    "edt": -4,
    "pt": -8,
    "pst": -8,
    "pdt": -7,
    "cet": 1,
    "cest": 2,
    "sgt": 8,
    "hkt": 8,
    "kst": 9,
    "jst": 9,
}
_TIME_RE = latin_regex(
    r"(?<![\d:])(?P<h>[01]?\d|2[0-3])(?::(?P<m>[0-5]\d))?(?::[0-5]\d)?\s*"
    r"(?P<ampm>[ap]\.?m\.?)?\s*\(?\s*"
    r"(?P<zone>utc|gmt|edt|est|et|pdt|pst|pt|cest|cet|sgt|hkt|kst|jst)?"
    r"(?P<off>\s*[+-]\s*\d{1,2}(?::?\d\d)?)?\s*\)?(?![\w])",
    re.IGNORECASE,
)
# Headline words that name no project: the products, places and crowds of launch news
# ("Binance Staking completes ... Terra 2.0 airdrop", "Exchanges back 'Terra 2.0 revival plan'",
# "FIL Coin-Margined Perpetual Contract Listing Postponed"). Neither a headline-word identity
# nor a discovered name is made of one of these alone.
GENERIC_WORDS = frozenset(
    "staking exchange exchanges margined postponed power meme memes games charity futures "
    "perpetual contract contracts premarket pre market markets wallet users holders investors "
    "traders trading list lists listed listing listings deposit deposits withdrawal withdrawals "
    "reward rewards "
    "update updates report reports breaking exclusive analysis guide opinion week weekly daily "
    "today top best why rallies surge surges soars plunges "
    "community ecosystem mainnet testnet blockchain project projects platform investors "
    "announcement announces reveals unveils introduces introducing completes launches "
    # the verb's other forms lead headlines too ("Announcing Fuzuki Inu - The Shiba Kanji:
    # Pre-Sale!"; final17, shaped)
    "announce announced announcing introduce introduced unveiled unveiling revealed revealing "
    "initial sale presale ico ido campaign program competition giveaway event events season".split()
)
_STOP = frozenset(
    "the a an and or of for to in on at by with from as is are was be this that its their new "
    "how why what when who will can now more first token tokens airdrop airdrops launch tge "
    "crypto coin coins network protocol foundation price after before amid over into has have had "
    "been".split()
)
# Exchanges' headline templates whose opening words are no project ("World Premiere | MITO
# (MITO) Will Be Listed in LBank")
_TEMPLATE = latin_regex(r"^\s*world premiere\s*[|:\-]\s*", re.IGNORECASE)


def normalise_name(name: str) -> str:
    """The comparable form of a project name: lower case, punctuation and spaces folded."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


@dataclass(frozen=True, slots=True)
class Identity:
    """Who an item is about: the project's display name and its matching keys."""

    project: str
    company_id: int | None = None
    names: frozenset[str] = field(default_factory=frozenset)  # normalised names
    tickers: frozenset[str] = field(default_factory=frozenset)
    weak: bool = False  # only a headline word: the scorer named no project
    # the headline's first name-like word when the headline writes none of `names` (the
    # scorer's project is in the text only, or it gave a ticker alone): "Terra Reveals LUNA
    # Airdrop" is LUNA's and hints at Terra; weaker than a name (see core.events.join)
    hints: frozenset[str] = field(default_factory=frozenset)
    # the rare proper names of its headline and lead (`rare_names`: "Munchee", "Kik"), which
    # the joiner compares when the keys above do not meet
    rare: frozenset[str] = field(default_factory=frozenset)
    # the romanised words of a headline written in another script (`script_names`: Korean
    # 카이아 → "kaia"), which meet only the other side's Latin names and tickers (see
    # core.events.join.script_agrees); an item with nothing else is known by them (weak)
    scripted: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> str:
        """The key an event of this project is filed under (company, else name, else ticker,
        else its headline's romanised words)."""
        if self.company_id is not None:
            return f"company:{self.company_id}"
        if self.names:
            return f"name:{sorted(self.names, key=len)[0]}"
        if self.tickers:
            return f"ticker:{sorted(self.tickers)[0]}"
        if self.scripted:
            return f"script:{sorted(self.scripted)[0]}"
        return ""

    @property
    def empty(self) -> bool:
        return not (self.company_id or self.names or self.tickers or self.scripted)


def identity_of(
    analysis: dict[str, Any],
    title: str = "",
    known: Mapping[int, tuple[Sequence[str], Sequence[str]]] | None = None,
    text: str = "",
    url: str = "",
) -> Identity:
    """The project an analysed item is about; venues count only when nothing else is named.

    `known`: company id -> (aliases, tokens) from the companies table, so a watched company's
    item carries its aliases and token tickers even when the text names neither. `text`: the
    item's text, where a company the headline does not write and the text names only in a
    comparison ("从 WLFI 到 Pumpfun 再到 Plasma") is not what the item is about
    (`compared_only`). An airdrop or distribution to a token's holders ("JUST (JST) Airdrop
    Program for TRON (TRX) Holders", "空投TRON(TRX)用户") is the launch of the token handed
    out, not news of the holders' chain: the holders' company, name and tickers (`held`) are
    left out when something else is left to key the item by. `url`: the item's address; a
    project's own blog names the project (`own_blog`)."""
    held = ident = None
    if _GIVES.search(f"{title}\n{text}"):
        held = _held(title, text)
        ident = _identity(analysis, title, known, text, held)
    if ident is None:
        # (nothing but the holders' chain names it: keyed by it, yet a headline word of last
        # resort is never the holders' "ONT" of "Bithumb Global将对ONT持有者分发ONG的公告")
        ident = _identity(analysis, title, known, text, skip=held) or Identity("")
    return _with_text_names(own_blog(ident, url, f"{title}\n{text}"), title, text)


def _with_text_names(ident: Identity, title: str, text: str) -> Identity:
    """`ident` with its rare names and its headline's romanised words; an item nothing else
    names is known by the latter alone, as by a headline word (weak)."""
    scripted = script_names(title)
    weak = ident.weak or (ident.empty and bool(scripted))
    return replace(ident, rare=rare_names(title, text), scripted=scripted, weak=weak)


# A word of a script other than Latin (and other than Chinese characters, whose romanised
# syllables are no name, and hiragana, Japanese particles and endings): Hangul, katakana
# (with its long mark), Cyrillic, Greek, Armenian, Georgian, Thai, Arabic, Hebrew
_SCRIPT_WORD = latin_regex(
    r"[\uac00-\ud7a3]+|[\u30a0-\u30ff\u31f0-\u31ff]+|"
    r"[\u0400-\u04ff]+|[\u0370-\u03ff]+|[\u0530-\u058f]+|[\u10a0-\u10ff]+|"
    r"[\u0e00-\u0e7f]+|[\u0600-\u06ff]+|[\u0590-\u05ff]+"
)
# What Korean writes glued after a name, longest first: its kind (토큰 token, 코인 coin) and
# the particles of its case (이/가, 은/는, 을/를, 의, 에, 에서, 와/과, 도, 로/으로, 만, 까지,
# 부터, 이다/이며). Japanese particles are hiragana, a run apart from a katakana name
_KOREAN_TAILS = (
    "토큰", "코인", "에서", "으로", "까지", "부터", "이다", "이며",
    "이", "가", "은", "는", "을", "를", "의", "에", "와", "과", "도", "로", "만",
)  # fmt: skip


def romanised(word: str) -> str:
    """A word of another script in Latin letters (`anyascii`: 카이아 → "kaia", カイア →
    "kaia", Телеграм → "telegram"), lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]+", "", anyascii(word).lower())


def script_names(title: str) -> frozenset[str]:
    """The romanised forms of a headline's words written in another script (not Chinese
    characters), each also without what Korean glues after a name ("아로와나토큰" →
    "alowanatokeun", "alowana"; "카이아," → "kaia"); hiragana, Japanese particles and
    endings, is no name. Forms shorter than 3 letters are left out. These are candidates
    only: which of them names the project, the other side's Latin keys decide."""
    out: set[str] = set()
    for m in _SCRIPT_WORD.finditer(title or ""):
        word = m.group(0)
        forms = {word}
        for tail in _KOREAN_TAILS:
            if word.endswith(tail) and len(word) - len(tail) >= 2:
                forms.add(word[: -len(tail)])
                break
        out.update(f for f in map(romanised, forms) if len(f) >= 3)
    return frozenset(out)


# A project's own blog: "medium.com/sifchain-finance/...", "umamifinance.medium.com",
# "mirror.xyz/name", "name.substack.com", "blog.name.io" (not a person's "medium.com/@name")
_BLOG = latin_regex(
    r"^https?://(?:www\.)?(?:(?:medium\.com|mirror\.xyz)/(?P<path>[a-z0-9][\w.\-]*)"
    r"|(?P<sub>[a-z0-9][\w\-]*)\.(?:medium\.com|mirror\.xyz|substack\.com)"
    r"|blog\.(?P<site>[a-z0-9][\w\-]*)\.[a-z]{2,}(?:\.[a-z]{2,})?)(?:[/?#]|$)",
    re.IGNORECASE,
)
# Words a blog's address adds to its project's name ("lition-blog", "bellaofficial", "orca-so")
_BLOG_WORDS = ("blog", "official", "medium", "news", "team", "hq", "app", "so", "io")
# ... and the words a slug puts before it, written apart: a call to join or get it, an article
# ("medium.com/join-civil" is Civil's, "the-quantum-resistant-ledger" the ledger's; final23,
# shaped); glued they may be the name's own ("golffprotocol")
_BLOG_LEADS = ("join", "get", "go", "the", "official", "team", "hello")
# The words a project adds to its name, written glued in an address ("umamifinance")
_GLUED = ("foundation", "protocol", "finance", "network", "labs", "chain", "dao")


def blog_name(url: str) -> str:
    """The name of the project whose own blog `url` is on, as its address writes it ("sifchain
    finance", "umami finance"), or "" (no blog address; a venue's or a generic word)."""
    m = _BLOG.match(url or "")
    if m is None:
        return ""
    slug = (m.group("path") or m.group("sub") or m.group("site")).lower()
    words = [w for w in re.split(r"[-_.]+", slug) if w]
    while len(words) > 1 and words[-1] in _BLOG_WORDS:
        words.pop()
    while len(words) > 1 and words[0] in _BLOG_LEADS:
        words.pop(0)
    if len(words) == 1:
        for suffix in (*_BLOG_WORDS, *_GLUED):
            if words[0].endswith(suffix) and len(words[0]) - len(suffix) >= 4:
                stem = words[0][: -len(suffix)]
                words = [stem] if suffix in _BLOG_WORDS else [stem, suffix]
                break
    name = " ".join(words)
    if len(name.replace(" ", "")) < 3 or generic(name) or words[0] in VENUES:
        return ""
    return name


def own_blog(ident: Identity, url: str, blob: str) -> Identity:
    """A project's own blog post names its project (final15: Sifchain's Medium posts of its
    token sale, "Benefits of Dynamic Pricing Model in Public Token Sale" naming only its token
    Rowan): the blog's name, and its stem ("sifchain"), are names of an item the scorer named
    that writes it ("How You Can Use Sifchain's Native Crypto-Currency"); else the name is a
    hint, which agrees with another item's name, never with a hint: a blog publishing many
    projects' news ("Lition AMA with Wolf Crypto" on Wolf Crypto's) gives each post one hint."""
    name = blog_name(url)
    if not name or name in ident.names or ident.empty:
        return ident
    words = name.split()
    while len(words) > 1 and words[-1] in _GLUED:
        words.pop()
    stem = " ".join(words)
    if ident.weak or f" {stem} " not in f" {normalise_name(blob)} ":
        return replace(ident, hints=ident.hints | {name})
    return replace(ident, names=ident.names | {name, stem}, hints=ident.hints - {name, stem})


def _identity(
    analysis: dict[str, Any],
    title: str,
    known: Mapping[int, tuple[Sequence[str], Sequence[str]]] | None,
    text: str,
    held: Callable[[str], bool] | None = None,
    skip: Callable[[str], bool] | None = None,
) -> Identity | None:
    """`identity_of`, leaving out every company, name and ticker `held` says is the holders'
    (None then when nothing else names the item); a headline word `skip` says is the
    holders' is no name of last resort."""

    def is_held(form: str) -> bool:
        return held is not None and bool(form) and held(form)

    companies = [c for c in analysis.get("companies") or [] if c.get("name")]
    dropped: set[str] = set()
    holders = False
    if text or held is not None:
        kept = []
        for c in companies:
            cid = c.get("id")
            aliases, tokens = (known or {}).get(int(cid), ((), ())) if cid is not None else ((), ())
            forms = [str(c["name"]), str(c.get("matched") or ""), *(c.get("aliases") or ())]
            if held is not None and any(is_held(str(f)) for f in (*forms, *aliases, *tokens)):
                dropped.update(str(t).upper() for t in tokens)
                holders = True
            elif text and compared_only([*forms, *aliases], tokens, title, text):
                dropped.update(str(t).upper() for t in tokens)
            else:
                kept.append(c)
        companies = kept
    projects = [c for c in companies if normalise_name(str(c["name"])) not in VENUES]
    # (a venue is no key of an item whose project was the holders' chain)
    chosen = projects or ([] if holders else companies)
    names: set[str] = {normalise_name(str(c["name"])) for c in chosen}
    listed: list[Any] = [t for t in analysis.get("tokens") or [] if str(t).upper() not in dropped]
    for c in chosen:
        cid = c.get("id")
        aliases, tokens = (known or {}).get(int(cid), ((), ())) if cid is not None else ((), ())
        names.update(normalise_name(str(a)) for a in (*(c.get("aliases") or ()), *aliases) if a)
        listed.extend(tokens)
    tickers = {str(t).upper() for t in listed if t and len(str(t)) >= 2}
    tickers -= HUB_TICKERS
    held_tickers = {t for t in tickers if is_held(t)}
    tickers -= held_tickers
    pairs = contract_tickers(title)
    tickers |= pairs
    found = analysis.get("discovered") or {}
    found_name = _trimmed(normalise_name(str(found.get("name") or "")))
    tick = str(found.get("ticker") or "").upper()
    if (
        found_name
        and not tick
        and common_name(found_name)
        and found_name not in launch_names(title, text)
    ):
        # common words the scorer took for a name ("Commission", "SEC Charges"); a name
        # given with its ticker stays ("Symbol (XYM)", "MAJOR POINTS (MAJOR)"), and so does
        # one written as a sale's ("The Civil Token Sale", "Civil's Token Sale": `launch_names`)
        found_name = ""
    # a pair is its token, never a name of its own ("SAPIENUSDT" is SAPIEN's)
    if found_name and not tick:
        # a description the lead gives its subject by is no name; the subject's is
        found_name = described(str(found.get("name") or "").strip(), text) or found_name
    # the scorer's discovered name may be a headline's first word that the text writes as
    # a common word ("Criptomoeda wormhole despenca ...": `common_word`)
    found_common = common_word(str(found.get("name") or "").strip(), text)
    held_name = bool(found_name) and is_held(str(found.get("name") or ""))
    if (
        found_name
        and found_name not in VENUES
        and not generic(found_name)
        and not found_common
        and not held_name
    ):
        if not _pair_of(found_name, pairs):
            names.add(found_name)
    if tick and tick not in HUB_TICKERS and len(tick) >= 2:
        if is_held(tick):
            held_tickers.add(tick)
        else:
            tickers.add(tick)
    tickers = {t for t in tickers if not _pair_of(t, pairs)}
    blob = f"{title}\n{text}"
    tickers = {t for t in tickers if t in pairs or not public_body(t, blob)}
    bases, base_names = underlying(tickers, blob, known)
    tickers |= bases
    names |= base_names
    holders = holders or bool(held_tickers) or held_name
    holders = holders or any(map(is_held, _TICKERS.findall(blob)))
    if holders:
        # an airdrop to another token's holders: the name its text gives the token handed out
        names |= token_names(tickers, blob)
    names.discard("")
    if held is not None and not (names or tickers):
        return None  # nothing but the holders' chain names it ("DIA airdrop for DIA holders")
    company_id = None
    display = ""
    if chosen:
        company_id = int(chosen[0]["id"]) if chosen[0].get("id") is not None else None
        display = str(chosen[0]["name"])
    elif found_name in names:
        display = str(found["name"])
    elif tickers:
        display = sorted(tickers)[0]
    weak = False
    if not names and not tickers and company_id is None:
        word = title_name(title, text, skip)
        if word:
            names.add(word)
            display = word.title()
            weak = True
    hints: set[str] = set()
    if not weak:
        word = title_name(title, text)
        folded = f" {normalise_name(title)} "
        if (
            word
            and word not in names
            and word.upper() not in tickers
            and not any(f" {n} " in folded for n in names)
        ):
            hints.add(word)
    # the name the lead introduces its subject by ("Blockchain journalism startup Civil has
    # announced", "Popular meme coin Floki has accused"): a hint, as the headline's lead word
    hints |= {w for w in lead_subjects(text) if w not in names and w.upper() not in tickers}
    return Identity(
        display[:128], company_id, frozenset(names), frozenset(tickers), weak, frozenset(hints)
    )


# An exchange notice's verbs before a token's name ("Binance Will Add Falcon Finance (FF)")
_NOTICE_VERBS = frozenset("add adds added support supports supporting welcome welcomes".split())


def token_names(tickers: Iterable[str], blob: str) -> set[str]:
    """The names an item writes beside its tokens' tickers: "Symbol's (XYM)", "Spark Tokens
    (FLR)", "Bitcoin Gold (BTG)" before it, "XYM (Symbol)", "BEL (Bella Protocol)" after it.
    A name is the run of up to three capitalised words there, without the launch words,
    venues and stop words it starts with ("List FreeStyle Classic Token (FST)"), and its last
    word has a small letter ("JUST (JST)" gives none); never the ticker itself."""
    word = r"[A-Z][A-Za-z0-9\-]*(?:\.[A-Za-z0-9]+)*"  # "Pump.fun", not "BTG." ending a sentence
    run = rf"(?<![A-Za-z0-9.])((?:{word}\s+){{0,2}}{word}?)"
    out: set[str] = set()
    for tick in tickers:
        t = re.escape(tick)
        found = [
            m.group(1)
            for m in re.finditer(
                rf"{run}(?:['’]s)?(?:\s+(?i:tokens?|coins?))?\s*\(\s*\$?{t}\s*\)", blob
            )
        ]
        found += [
            m.group(1)
            for m in re.finditer(
                rf"(?<![A-Za-z0-9$]){t}\s*\(\s*((?:{word}\s+){{0,2}}{word})\s*\)", blob
            )
        ]
        for written in found:
            words = written.split()
            while words and words[-1].lower() in ("token", "tokens", "coin", "coins"):
                words.pop()
            while words and (
                generic(words[0]) or words[0].lower() in VENUES | _STOP | _NOTICE_VERBS
            ):
                words.pop(0)
            name = normalise_name(" ".join(words))
            if (
                words
                and any(c.islower() for c in words[-1])
                and name.replace(" ", "").upper() != tick
                and not generic(name)
                and len(name) >= 3
            ):
                out.add(name)
    return out


# An item handing a token out: an airdrop, a distribution, a snapshot, a swap or fork, in the
# languages the pages use (Chinese 空投/分发/發放/发放/快照, Japanese エアドロップ, Korean
# 에어드랍/에어드롭, Vietnamese "phân phối", Portuguese/Spanish/Italian distribui/distribuye)
_GIVES = latin_regex(
    r"(?i:\bairdrop\w*|\bdistribut\w*|\bsnapshots?\b|\bswap\b|\bfork\b|\bphân phối|"
    r"\bdistribu(?:i|ye|isce)\w*)|空投|分发|分發|发放|發放|快照|エアドロップ|에어드[랍롭]"
)
# A token's holders, written after it: "TRON (TRX) holders", "NEM (XEM) Holders", "XRP
# holdings", "XEM held by its users" (not "BCHSV balances were distributed": handed out);
# Chinese "TRX持有者", "QTUM持币用户", "持仓用户"; Japanese "保有者", "ホルダー"; Korean "보유자",
# "홀더"
_HELD_AFTER = (
    r"\)?(?:\s*\([^()]{1,40}\))?\s*(?:(?:(?i:tokens?|coins?|nfts?))\s+)?"
    r"(?:(?i:holders?|holdings?|hodlers?|held)\b|持有者|持币用户|持幣用戶|持仓用户|"
    r"持倉用戶|持有用户|持有用戶|保有者|ホルダー|보유자|홀더)"
)
# ... or before it: "holders of XEM", "holding XRP", "snapshot of all Bitcoin Cash (BCC)",
# Chinese "持有Ontology(ONT)的用户", Vietnamese "người nắm giữ Tron (TRX)", "sở hữu ít nhất 100
# TRX", Italian "possessori di", Spanish "poseedores/tenedores de", Portuguese "detentores de"
_HELD_BEFORE = (
    r"(?:(?i:holders?\s+of|holding|snapshot\s+of|người\s+nắm\s+giữ|sở\s+hữu(?:\s+ít\s+nhất)?|"
    r"possessori\s+di|detentori\s+di|poseedores\s+de|tenedores\s+de|titulares\s+de|"
    r"detentores\s+de)|持有)\s*(?:(?i:any|all|their|your|the|[\d.,]+)\s+)*"
    r"(?:(?:[A-Za-z0-9.\-]{2,30}\s+){0,2}[A-Za-z0-9.\-]{2,30}\s*\(\s*)?"
)
# A word written as a ticker ("XRP", "TRX")
_TICKERS = latin_regex(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]{1,9}(?![A-Za-z0-9])")
# ... or as the users an airdrop goes to: "JUST(JST)空投TRON(TRX)用户"
_AIRDROP_TO = r"空投\s*(?:[A-Za-z0-9.\-]{2,30}\s*\(\s*)?"
# A token written as the one handed out: "a JUNO airdrop", "DIA (DIA) Airdrop Program",
# "airdrop of BEL", "distribute Flare (FLR)"
_GIVEN_AFTER = r"\)?(?:\s*\([^()]{1,40}\))?\s+(?i:(?:tokens?\s+)?airdrops?)\b"
_GIVEN_BEFORE = r"(?i:airdrops?\s+of|distribut\w*)\s+(?i:the\s+)?(?:[A-Za-z0-9.\-]{2,30}\s*\(\s*)?"


def _held(title: str, text: str) -> Callable[[str], bool]:
    """Whether a name or ticker is written as the holders' token of an airdrop ("for TRON
    (TRX) holders": TRON and TRX; `_HELD_AFTER`, `_HELD_BEFORE`) and nowhere as the token
    handed out ("the JUNO holder ... gaming a JUNO airdrop": JUNO's own airdrop): a ticker as
    written (upper case), a name in any case."""
    blob = f"{title}\n{text}"

    def held(form: str) -> bool:
        form = form.strip()
        if len(form) < 2:
            return False
        word = re.escape(form) if form.isupper() else f"(?i:{re.escape(form)})"
        word = rf"(?<![A-Za-z0-9]){word}(?![A-Za-z0-9])"
        if re.search(word + _GIVEN_AFTER, blob) or re.search(_GIVEN_BEFORE + word, blob):
            return False
        return bool(
            re.search(word + _HELD_AFTER, blob)
            or re.search(_HELD_BEFORE + word, blob)
            or re.search(_AIRDROP_TO + word + r"\)?(?:\s*\([^()]{1,40}\))?\s*用户", blob)
        )

    return held


# A comparison or a list of projects: "从 WLFI 到 Pumpfun 再到 Plasma" ("from ... to ... to"),
# "from Pump.fun to Plasma", "WLFI、Pump.fun、Plasma", "MegaETH vs Monad". A project named only
# there is a point of comparison, not what the item is about.
_COMPARISON = latin_regex(
    r"(?:从|從|\bfrom\b)[^。.!?！？；;,，]{1,60}?(?:到|\bto\b)[^。!?！？；;,，]{1,80}"
    r"|[^\s、,，。]{2,30}(?:\s*、\s*[^\s、,，。]{2,30})+"
    r"|[^\s,，。]{2,30}\s+(?:vs\.?|versus)\s+[^\s,，。]{2,30}",
    re.IGNORECASE,
)


def compared_only(names: Sequence[str], tokens: Sequence[str], title: str, text: str) -> bool:
    """A project the headline does not write (no name, alias or ticker) and the text names
    only inside comparisons or lists of projects (`_COMPARISON`)."""
    forms = {n.lower() for n in names if n and len(n) >= 3}
    ticks = {str(t) for t in tokens if t}
    head = (title or "").lower()
    if any(f in head for f in forms) or any(
        re.search(rf"(?<![A-Za-z0-9]){re.escape(t)}(?![A-Za-z0-9])", title or "") for t in ticks
    ):
        return False
    low = (text or "").lower()
    spots = [m.start() for f in forms for m in re.finditer(re.escape(f), low)]
    if not spots:
        return False
    spans = [m.span() for m in _COMPARISON.finditer(text or "")]
    return all(any(a <= at < b for a, b in spans) for at in spots)


# A dated future of a token written as its ticker and the months to delivery: "FIL6
# Liquidity Futures (Filecoin 6-Month)" is FIL delivered in six months
_DATED = latin_regex(r"([A-Z][A-Z0-9]{1,9}?)(\d{1,2})")


def underlying(
    tickers: Iterable[str],
    blob: str,
    known: Mapping[int, tuple[Sequence[str], Sequence[str]]] | None = None,
) -> tuple[set[str], set[str]]:
    """The tokens these tickers are dated futures of (`_DATED`), and the names the text gives
    them with the months: "FIL6 Liquidity Futures (Filecoin 6-Month)" → FIL, "filecoin". Only
    when the text writes the future as one (futures, or its months) right after it, the base
    is a known token (the bundled first-seen table, or a watched company's) and no quote
    asset, and the ticker itself is no known token ("AI3" is Autonomys', "API3" API3's)."""
    out: set[str] = set()
    names: set[str] = set()
    tokens: frozenset[str] | None = None  # read on the first ticker written as a future
    for tick in tickers:
        m = _DATED.fullmatch(tick)
        if m is None or m.group(1) in HUB_TICKERS:
            continue
        base, months = m.groups()
        future = rf"(?<![A-Za-z0-9]){tick}(?![A-Za-z0-9])[^.\n]{{0,60}}?"
        future += rf"(?i:\bfutures?\b|(?<!\d){months}[- ]?months?\b)"
        if not re.search(future, blob):
            continue
        if tokens is None:
            watched = {str(t).upper() for _a, ts in (known or {}).values() for t in ts}
            tokens = known_tokens() | watched
        if base in tokens and tick not in tokens:
            out.add(base)
            word = r"[A-Z][A-Za-z0-9]+"
            named = rf"(?<![A-Za-z0-9]){tick}[^()\n]{{0,40}}\(\s*((?:{word}\s+){{0,2}}{word})"
            dated = rf"{named}\s+{months}-months?\s*\)"
            for found in re.finditer(dated, blob, re.IGNORECASE):
                if not generic(found.group(1)):
                    names.add(normalise_name(found.group(1)))
    return out, names


@lru_cache(maxsize=1)
def known_tokens() -> frozenset[str]:
    """The tickers the bundled token history knows (core/data/history/first-seen.json), read
    once, on the first ticker that looks like a dated future."""
    from core.scoring.history import read_first_seen

    return frozenset(read_first_seen())


def contract_tickers(title: str) -> set[str]:
    """The tokens a headline writes as a trading pair or a contract, read as their tickers:
    "XPL/USDT", "XPLUSDT", "XPL-USDT" → XPL; "Binance Futures Will Launch USDⓈ-Margined
    ESPUSDT Perpetual Contract" → ESP; "SAPIENUSDT 永续合约全新上线" → SAPIEN; "Gate Has
    Listed BAS Contract (USDT-M)" → BAS; "SOMI (Somnia) Will Be Listed" → SOMI. Quote assets
    (USDT, BTC ...), dollar stablecoins written whole ("FDUSD-Margined": not FD's) and
    numbers are no token."""
    title = title or ""
    found = [m.group(1) or m.group(2) for m in _PAIR_RE.finditer(title)]
    found += [m.group(1) for m in _CONTRACT_RE.finditer(title) if not _stablecoin(m.group(0))]
    for m in _NAMED_RE.finditer(title):
        if m.group(1):
            found.append(m.group(1))
        elif m.group(2) != _initials(m.group(0)[m.group(0).index("(") + 1 : -1]):
            found.append(m.group(2))  # not an abbreviation: "AMA (Ask Me Anything)"
    tokens = {
        t
        for t in found
        if t and t not in HUB_TICKERS | USD_STABLECOINS and t not in _QUOTES and not t.isdigit()
    }
    # "ESPUSDT Perpetual Contract" (ESP); "BTCFDUSD Perpetual Contract" (a hub's pair)
    return {t for t in tokens if not _pair_of(t, tokens | HUB_TICKERS)}


def _stablecoin(word: str) -> bool:
    """A dollar stablecoin written whole ("FDUSD", "PYUSD"), not a token glued to "USD"."""
    return re.sub(r"^1000+", "", word) in USD_STABLECOINS


def _initials(words: str) -> str:
    """The first letters of words, upper case ("Ask Me Anything" → "AMA")."""
    return "".join(w[0] for w in re.findall(r"[A-Za-z0-9]+", words)).upper()


# A public body's acronym is no token: a regulator or agency the item names ("Australian
# Securities and Investments Commission (ASIC)", "The Monetary Authority of Singapore (MAS)",
# "SEC sues ..."). Spelt out, any body whose words hold one of these; written alone, the
# regulators crypto news names by their acronyms, unless the item writes it as a token
# ("$MAS", "Massa (MAS)").
_BODY_WORDS = frozenset(
    "commission authority agency administration department bureau board office council "
    "ministry regulator supervisor directorate tribunal court reserve service".split()
)
_CONNECTORS = frozenset("of and for the on in & de des du".split())
REGULATORS = frozenset(
    "SEC CFTC FCA ESMA ASIC FINMA FINRA OCC FDIC FINCEN OFAC IRS DOJ FBI FSA FSC FSS SFC MAS "
    "AMF CONSOB CNMV VARA NYDFS SEBI RBI PBOC ECB FATF IOSCO AUSTRAC FSCA CYSEC".split()
)


def public_body(tick: str, blob: str) -> bool:
    """Whether the item writes `tick` as a public body's acronym, not a token's ticker: spelt
    out before it in brackets by words one of which names a body and whose initials it is
    ("Securities and Exchange Commission (SEC)", "Department of Justice (DOJ)"), or a known
    regulator's (`REGULATORS`) never written as a token ("$MAS", "Massa (MAS)")."""
    bracketed = list(re.finditer(rf"\(\s*{re.escape(tick)}\s*\)", blob))
    for m in bracketed:
        words = re.findall(r"[\w'’&.\-]+", blob[max(0, m.start() - 160) : m.start()])
        run: list[str] = []
        for word in reversed(words):
            if not (word[0].isupper() or word.lower() in _CONNECTORS):
                break
            run.insert(0, word)
        if not any(w.lower() in _BODY_WORDS for w in run):
            continue
        for i in range(len(run)):
            rest = run[i:]
            caps = "".join(w[0] for w in rest if w.lower() not in _CONNECTORS)
            if tick.upper() in (caps.upper(), "".join(w[0] for w in rest).upper()):
                return True
    if tick not in REGULATORS:
        return False
    return not bracketed and not re.search(rf"\${re.escape(tick)}(?![A-Za-z0-9])", blob)


def _pair_of(word: str, bases: set[str]) -> bool:
    """A word that is one of these tokens glued to its quote ("sapienusdt", "CROUSDT")."""
    up = word.replace(" ", "").upper()
    return any(up == base + quote for base in bases for quote in _PAIR_QUOTES)


COMMON_WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "events" / "common-words.txt"


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The words real crypto news writes as common words (`scripts/build_common_words.py`:
    from the labelled corpus, "platforms", "investor", "cryptocurrency"), read once."""
    lines = COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w and not w.startswith("#"))


def common_name(name: str) -> bool:
    """A name made only of words real crypto news writes as common words ("sec charges",
    "commission", "platforms"; not "chat app kik"): a headline's lead words, no project's key."""
    words = normalise_name(name).split()
    table = common_words()
    return bool(words) and all(w in table or w in _STOP for w in words)


# How much of an item's text is its lead, where a rare name says what the item is about
LEAD_CHARS = 400
_PROPER = latin_regex(r"(?<![A-Za-z0-9$])[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?![A-Za-z0-9])")


def rare_names(title: str, text: str = "") -> frozenset[str]:
    """The proper names of a headline and its lead that real news seldom writes (capitalised,
    not a common word of the labelled corpus, no launch word nor venue: "Munchee", "Unikrn",
    "Kik"; not "Commission", "Platforms"), lower case."""
    table = common_words()
    found = (w.lower() for w in _PROPER.findall(f"{title or ''}\n{(text or '')[:LEAD_CHARS]}"))
    out = {low for low in found if _names_a_project(low) and low not in table}
    # a name written as a sale's is a name, however common the word ("The Civil Token Sale")
    return frozenset(out | launch_names(title, text))


# A sale or airdrop written right after its project's name, or its owner's: "The Civil Token
# Sale", "Civil’s Token Sale", "the Telegram ICO", "Blum airdrop" (not a bare "token": "an
# Ethereum token" is no project's)
_NAMED_LAUNCH = latin_regex(
    r"(?<![A-Za-z0-9$'’])([A-Z][a-z][A-Za-z0-9]*)(?:['’]s)?\s+"
    r"(?i:token\s+sales?|token\s+generation|icos?|idos?|ieos?|crowdsales?|pre-?sales?|"
    r"airdrops?)\b"
)
# Words that tell a token's kind, not its project ("Governance Token Sale", "Public Sale")
_TOKEN_KINDS = frozenset(
    "governance native utility security reward rewards platform stable official public "
    "private community second third final next upcoming".split()
)


def launch_names(title: str, text: str = "") -> frozenset[str]:
    """The names a headline or its lead writes as a sale's or airdrop's ("The Civil Token
    Sale", "Civil's Token Sale"), lower case: a project's name even when real news writes the
    word as a common word ("civil"; final23, shaped)."""
    found = _NAMED_LAUNCH.finditer(f"{title or ''}\n{(text or '')[:LEAD_CHARS]}")
    return frozenset(
        low
        for low in (m.group(1).lower() for m in found)
        if _names_a_project(low) and low not in _TOKEN_KINDS
    )


def _names_a_project(low: str) -> bool:
    """A lower-case word that can be a project's own name: three letters or more, no stop
    word, no word that names no project, no venue."""
    return len(low) >= 3 and low not in _STOP and low not in GENERIC_WORDS and low not in VENUES


# The lead's first sentence introducing its subject by what it is, in lower case, then its
# name: "Blockchain journalism startup Civil has announced", "Popular meme coin Floki has
# accused", "Messaging app provider Telegram says"
_SUBJECT = latin_regex(
    r"(?<![A-Za-z0-9])(?:startup|company|firm|project|protocol|platform|app|provider|network|"
    r"coin|memecoin|token|game|marketplace|developer|studio|blockchain|dao)\s+"
    r"([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)(?![A-Za-z0-9'’])"
)


def described(name: str, text: str) -> str:
    """The lead's subject (`lead_subjects`) when the scorer's name is its description, words
    the lead writes in lower case before it ("Journalism Startup Cancels" of "Blockchain
    journalism startup Civil has announced": "civil"), else ""."""
    words = name.split()
    if not words or not common_word(words[0], text):
        return ""
    first, subjects = _first_sentence(text), lead_subjects(text)
    for m in _SUBJECT.finditer(first):
        before = first[: m.start(1)].split()[-4:]
        if words[0].lower() in map(str.lower, before) and m.group(1).lower() in subjects:
            return m.group(1).lower()
    return ""


def _first_sentence(text: str) -> str:
    """The lead's first sentence, where a lead introduces its subject."""
    return re.split(r"(?<=[.!?])\s", (text or "")[:LEAD_CHARS], maxsplit=1)[0]


def lead_subjects(text: str) -> frozenset[str]:
    """The names the lead's first sentence gives after a lower-case word saying what the
    project is ("journalism startup Civil", "meme coin Floki"; not an exchange: "crypto
    exchange Bitget" names a venue), lower case (final23, shaped)."""
    return frozenset(
        m.group(1).lower()
        for m in _SUBJECT.finditer(_first_sentence(text))
        if _names_a_project(m.group(1).lower()) and m.group(1).upper() not in HUB_TICKERS
    )


def generic(name: str) -> bool:
    """A name made only of words that name no project ("Staking", "Pre-Market", "postponed")."""
    words = normalise_name(name).split()
    return bool(words) and all(w in GENERIC_WORDS or w in _STOP for w in words)


# A network's stage written after a project's name: never part of the name ("Filecoin
# mainnet launch hype" is Filecoin's, whose FIL notices write "Filecoin (FIL)")
_STAGES = frozenset({"mainnet", "testnet"})


def _trimmed(name: str) -> str:
    """A discovered name without the launch words after it ("real pedro dancing racoon meme"
    is the Real Pedro Dancing Racoon's, as its text writes it); a name it would leave with
    fewer than two words of its own keeps them ("book of meme", "the meme games"), except
    for a network's stage (`_STAGES`: "filecoin mainnet" is Filecoin's)."""
    words = name.split()
    while len(words) > 1 and words[-1] in _STAGES:
        words.pop()
    while words and words[-1] in GENERIC_WORDS:
        rest = words[:-1]
        if sum(w not in _STOP and w not in GENERIC_WORDS for w in rest) < 2:
            break
        words = rest
    return " ".join(words)


# A headline word in Latin letters, accented ones included (so "Szczegóły" is one word, not
# "Szczeg"), ending where another script begins ("XPL公售遭大户疯抢" → "XPL")
_LATIN_WORD = latin_regex(
    r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff][A-Za-z0-9_.\-\u00c0-\u024f\u1e00-\u1eff]*"
)


# A word made with a past participle, describing what follows ("UFC-Licensed", "Trump-Backed",
# "Solana-Based"): no name
_DESCRIBED_BY = latin_regex(r"-[a-z]+ed$", re.IGNORECASE)


def title_name(title: str, text: str = "", skip: Callable[[str], bool] | None = None) -> str:
    """Last resort for an item naming no known or discoverable project: its headline's first
    capitalised word that is not launch vocabulary ("The Evmos Rektdrop" → "evmos"); an
    exchange's template opening ("World Premiere | ...", LBank's) is no name. A headline
    capitalises its first word whatever it is, so a word the item's own `text` writes in
    lower case as a common word, and never capitalised where no sentence starts, is no name
    (`common_word`: "Criptomoeda wormhole despenca ...", "A criptomoeda wormhole estreou").
    An exchange's own name with the word it carries after it ("Huobi Global",
    `EXCHANGE_QUALIFIERS`) is no name. A headline written all in lower case (made from a page's
    address: "polkadot token dot") capitalises nothing: its words are read as the text writes
    them (`cased`: "blockchain Polkadot"). A word real news writes as a common word
    (`common_words`: "ICO Platforms Beware", "Investor sues ... Unikrn") gives way to a later,
    rarer one, and is the name only when the headline has nothing else."""
    title = _TEMPLATE.sub("", title or "")
    lowered = not any(c.isupper() for c in title)
    after_venue = False
    first = ""  # the first candidate that real news writes as a common word
    for m in _LATIN_WORD.finditer(title):
        # a sentence's full stop, a dash or a trailing dot is no part of the word ("... on
        # Binance.": a venue), as those inside it are ("Fight.ID", "Pump.fun")
        word = m.group(0).rstrip(".-_")
        low = word.lower()
        qualifier = after_venue and low in EXCHANGE_QUALIFIERS
        gap = title[m.end() : m.end() + 1]
        after_venue = low in VENUES and gap.isspace()
        if lowered:
            word = cased(word, text)
        if (
            word.isascii()  # "Szczegóły", "Phân": a word of the headline's language, no name
            and word[0].isupper()
            and not qualifier
            and not (skip is not None and skip(word))
            and not common_word(word, text)
            and low not in _STOP
            and not generic(word)
            and low not in VENUES
            and word.upper() not in HUB_TICKERS
            and len(low) >= 3
            and not _DESCRIBED_BY.search(word)
        ):
            if low not in common_words():
                return normalise_name(word)
            first = first or normalise_name(word)
    if first:
        return first  # only common words ("Symbol Launch Weekend"): the first, as before
    # a two-letter name is a name only as a coin's: "the (π)Pi coin"
    coin = r"(?<![\w.])([A-Z][a-z]|[A-Z]{2})\s+(?:coin|token)s?\b"
    short = re.search(coin, title or "")
    if short and short.group(1).lower() not in _STOP and short.group(1).upper() not in HUB_TICKERS:
        return short.group(1).lower()
    return ""


def cased(word: str, text: str) -> str:
    """A lower-case headline word as the item's text writes it: capitalised where no sentence
    starts ("i token della blockchain Polkadot": "Polkadot") or in capitals ("i DOT": "DOT"),
    and never in lower case (a common word: "dot", "launch"); else the word as it was."""
    if not text:
        return word
    edge = r"(?<![A-Za-z0-9\u00c0-\u024f])", r"(?![A-Za-z0-9\u00c0-\u024f])"
    if re.search(edge[0] + re.escape(word) + edge[1], text):
        return word
    for m in re.finditer(edge[0] + "(?i:" + re.escape(word) + ")" + edge[1], text):
        form = m.group(0)
        before = text[: m.start()].rstrip(" \t\"'“‘«(")
        if form[0].isupper() and before and before[-1] not in ".!?:;\n。！？":
            return form
    return word


def common_word(word: str, text: str) -> bool:
    """The text writes `word` in lower case (a common word of its language: "a criptomoeda")
    and never capitalised where no sentence starts (a sentence's first word is capitalised
    whatever it is). A name the text never writes says nothing either way, nor does a word
    with capitals past its first ("ZkSync", whose text writes "zkSync")."""
    if not word[:1].isupper() or not word[1:].islower() or not text:  # "ZkSync", "PENGU"
        return False
    low = word[0].lower() + word[1:]
    edge = r"(?<![A-Za-z0-9\u00c0-\u024f])", r"(?![A-Za-z0-9\u00c0-\u024f])"
    if not re.search(edge[0] + re.escape(low) + edge[1], text):
        return False
    for m in re.finditer(edge[0] + re.escape(word) + edge[1], text):
        before = text[: m.start()].rstrip(" \t\"'“‘«(")
        if before and before[-1] not in ".!?:;\n。！？":
            return False
    return True


# A sentence about a launch's steps, whose dates say which launch it is ("holding XRP at the
# snapshot time, 12:00 am on December 12, 2020"; "eligible for the Spark token airdrop")
_STEP_WORDS = latin_regex(
    r"(?i:snapshot|airdrop|distribut|eligib|claim|tge|token generation)|快照|空投|分发|發放|发放|"
    r"スナップショット|エアドロップ|스냅샷|에어드[랍롭]"
)
_CJK_DAY = latin_regex(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def written_days(text: str) -> set[date]:
    """The days, written with their year, in the sentences of `text` that speak of a
    snapshot, an airdrop, a distribution, eligibility or a claim ("on December 12, 2020",
    "12 December 2020", "2020-12-12", "2020年12月12日"): the days a later notice recalls of
    the launch it belongs to. A day without its year says nothing of which launch."""
    from core.scoring.text import normalise
    from core.scoring.urgency import _safe_date, find_raw, resolve_fields

    out: set[date] = set()
    for sentence in re.split(r"(?<=[.!?。！？])\s+|\n", text or ""):
        if not _STEP_WORDS.search(sentence):
            continue
        for m in _CJK_DAY.finditer(sentence):
            day = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if day is not None:
                out.add(day)
        _cased, low = normalise(f" {sentence} ")
        hints = [(i, i + 2, 0) for i in range(len(low) - 1) if low[i] == " " and low[i + 1] != " "]
        for m in find_raw(low, hints):
            if m.lastgroup in ("iso", "md", "dm") and any(m.group(g) for g in ("iy", "mdy", "dmy")):
                found = resolve_fields(m, date(2000, 1, 1))
                if found is not None and found[1] is not None:
                    out.add(found[1])
    return out


def phase_of(title: str, text: str) -> PhaseKind:
    """Which step of a launch an item reports, the headline first (it says what is new)."""
    t = (title or "").lower()
    for kind, rule in _PHASE_RULES:
        if rule.search(t):
            return kind
    body = (text or "").lower()[:600]
    for kind, rule in _PHASE_RULES:
        if rule.search(body):
            return kind
    return PhaseKind.ANNOUNCED


@dataclass(frozen=True, slots=True)
class When:
    """A phase's date: UTC instant, whether only a day was given, and the zone as written."""

    at: datetime
    all_day: bool
    zone: str
    text: str


def _zone_offset(zone: str | None, off: str | None) -> tuple[timezone, str] | None:
    if not zone and not off:
        return None
    hours = _ZONES.get((zone or "utc").lower(), 0)
    label = (zone or "UTC").upper()
    if off:
        raw = off.replace(" ", "")
        sign = -1 if raw.startswith("-") else 1
        digits = raw[1:].replace(":", "")
        h = int(digits[:2] if len(digits) > 2 else digits)
        m = int(digits[2:]) if len(digits) > 2 else 0
        hours += sign * (h + m / 60)
        label += raw
    return timezone(timedelta(hours=hours)), label


def find_time(text: str) -> tuple[int, int, timezone, str] | None:
    """A time of day with its zone in `text` ("13:00 (UTC)", "8 AM ET", "10:00 AM (UTC)").

    A bare number is no time: it needs minutes, am/pm or a zone after it."""
    for m in _TIME_RE.finditer(text or ""):
        if not (m.group("m") or m.group("ampm") or m.group("zone")):
            continue
        if not m.group("zone") and not m.group("ampm") and not m.group("m"):
            continue
        hour = int(m.group("h"))
        ampm = (m.group("ampm") or "").lower().replace(".", "")
        if ampm:
            if hour > 12 or hour == 0:
                continue
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        elif not m.group("m") and not m.group("zone"):
            continue
        zone = _zone_offset(m.group("zone"), m.group("off"))
        if zone is None:
            if not m.group("m"):
                continue
            tz, label = UTC, ""
        else:
            tz, label = zone
        return hour, int(m.group("m") or 0), tz, label
    return None


def when_of(analysis: dict[str, Any], title: str, text: str) -> When | None:
    """The phase's date from the scorer's urgency (a pinned day), with a time when given."""
    urgency = analysis.get("urgency") or {}
    raw = urgency.get("date")
    if not raw or urgency.get("kind") in ("quarter", "month", "year"):
        return None
    try:
        day = date.fromisoformat(str(raw)[:10])
    except ValueError:
        return None
    blob = f"{title}\n{text}"
    if not _LAUNCH_WORDS.search(blob.lower()):
        return None
    found = find_time(blob)
    written = str(urgency.get("text") or raw)[:128]
    if found is None:
        return When(datetime(day.year, day.month, day.day, tzinfo=UTC), True, "", written)
    hour, minute, tz, label = found
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    return When(local.astimezone(UTC), False, label or "UTC", written)
