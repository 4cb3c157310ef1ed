"""Joining retellings: does a new item belong to an existing event?

An item joins an event when both are about the same project and the item was published within
the event's window. Same project means: the same watched company, a shared ticker (quote assets
such as BTC or USDT never count), a ticker equal to a name ("SAGA", "Saga"; and a token's name
"ApeCoin" or "Ape Coin" for APE), a ticker that shortens a name ("PNUT" and "Peanut", "B3" and
"B3 Ethereum Gaming Chain"; not a common word, and not when the named side gives a token of its
own), a word a headline writes in capitals whose coin is the other side's name ("airdrops
ANIME" and "Animecoin"), a ticker and the name a public coin list ranked by market cap gives it
(`listed_names`, core/data/events/token-names.json: "LUNA" and "Terra", "FIL" and "Filecoin";
only tickers one well-known coin owns, no common words; a side's words in capitals, or the
headline word a side is known by, count as its tickers there), or project names that agree
(equal, or one the other plus a word: "Grass" and "Grass Network", measured with rapidfuzz's
token-set ratio and a shared first word). Headline similarity is deliberately not a join
signal: exchange notices share one template ("Binance Will List X (X)") across unrelated
launches, so similar headlines are as often different events as the same one. Text is used the
other way round, as mentions of the other side's name or ticker (a whole word): an item whose
headline names no project the scorer knows ("Guide to Claiming Your Retrospective Airdrop
Allocation") joins an event its text mentions; an event known only by such a headline word
joins an item its headlines name ("Binance Launchpad To Run Token Sale of Tokocrypto"); and two
items that name each other (a headline about BAYC "on ApeCoin Announcement", an ApeCoin item
that names BAYC) agree; a name in a headline counts when written as a name ("Sale of
Tokocrypto", not "raises $15 million"). One ticker is not one project when both sides name
themselves apart and neither names the other (WaterCoin's and Waterfall's WATER). When the
scorer's project is not in the headline (a ticker alone, or a company named only in the text),
the headline's lead word is a hint: it agrees with the other side's name, never with another
hint nor across two tickers ("Terra Reveals LUNA Airdrop" and the Terra 2.0 items known by
"Terra"). When no key meets, a rare proper name both sides write (`rare_shared`: a word the
labelled corpus seldom writes, in a headline of one side and the headline or lead of the other)
agrees, unless a side's headline names its project by keys the other never writes or two
tickers differ: a company and its token ("Chat App Kik" and "Kik's KIN") are one project; a
plural is one name.

The window: `JOIN_WINDOW` around the event's span, rolling from its latest item or its latest
dated phase (a claim date set weeks ahead), whichever is later. A launch still ahead (no
listing or claim yet) can be told for a year, from the first hint to the TGE (OpenSea's SEA:
announced February 2025, TGE 2026), so an item that agrees on the ticker *and* the name, or
on the project's own name ("Moonbeam Foundation", "Moonbeam"; not "Blast" and "Blast Royale"),
gets `LONG_WINDOW` while the event has not launched. After a launch a long gap means another launch
(a second airdrop season, an old token's new listing): `POST_LAUNCH_WINDOW` holds (pre-market
trading is no launch). Market news (a price move, a holders' vote) with no word of the launch
is news of a token that trades: it joins only within `MARKET_WINDOW`, and an item telling of
a price never gets the long window. More than `LAUNCH_STORY_GAP` from the event's span, both
sides must tell the token's launch story (`launch_story`: an airdrop, a sale, pre-market, a
listing (in Chinese too: 上线, 上市, 上币 "Coinbase将Billions (BILL)加入上币路线图"), a claim, a
token revealed; not an exchange's campaign or Earn product, a contest, a
market move): weeks apart, readers call a launch and later news of the token two events. A
partnership ("collaborates", not the adjective "collaborative") with no word of a launch is
side news (`side_news`).
An item that matches an event but is later news of its token (`later_news`: a buyback, a
review, a denial, an unlock, a freeze of holdings, in the languages the pages use, a regulator's
or court's action on the project, a supply or rewards milestone, with no word of the launch, in
English or in the Chinese, Korean or Japanese launch talk (`_CJK_LAUNCH_TALK`: a Launchpool
notice that "unlocks" the new token, 上线 ... 解锁, is its launch); or a price move whose event
is itself such news) is *coverage* (`relation`): linked from the event as
related news, never part of it (no phase, corroboration or update), and counted as a different
event by `eval --events`.
A later step of a launch may come years after it (a distribution two years after its
snapshot): an item sharing the event's token or name whose text recalls, with its year, a day
of the event in a sentence about a snapshot, airdrop or distribution (`recalls`) joins past
every window.
Chinese, Japanese and Korean write a Latin ticker or name against the text around it
("上线AEON，持有", "MOODENG飆漲"), where a regex word boundary sees no edge (CJK characters are
word characters to it): the patterns that read keys, tickers, names and phase words here and
in extraction take CJK characters for a Latin word's edge (`core.scoring.language.
latin_regex`), and a mention's edges are Latin letters and digits. Launch, sale and market
words in join's own patterns keep the plain boundary (measured: a Japanese explainer's past
"ICOで" read as a sale joined FIL's notices 50 days on, three false joins in final13).
Measured with `tge-monitor eval --events` on real pairs (core/data/eval/events/).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from core.events.extract import (
    HUB_TICKERS,
    PRE_LAUNCH_TRADING,
    Identity,
    common_words,
    generic,
    rare_names,
    written_days,
)
from core.scoring.language import latin_regex

JOIN_WINDOW = timedelta(days=90)
LONG_WINDOW = timedelta(days=365)  # an unlaunched token, agreeing on ticker and name
# After a launch (a listing, a claim) its first listings and reports follow within weeks; two
# months on, a token's news is of another launch (an exchange's later airdrop of it, a HODLer
# airdrop of a token on Binance Alpha since August) more often than of this one.
POST_LAUNCH_WINDOW = timedelta(days=60)
# A price move or a DAO vote about a token whose headline says nothing of its launch is news
# of a token that trades (ApeCoin's DAO vote 83 days after its airdrop, Pudgy Penguins' NFT
# prices): it joins only an event told within these days (a launch's first week of price
# swings). Over all labelled splits such joins 10 to 12 days on were all wrong (Arbitrum's FUD
# and whales 12 days after its airdrop, Axie's economic revamp, WLFI's and WEMIX's falls;
# final23, shaped: was 14 days) ...
MARKET_WINDOW = timedelta(days=7)
# ... unless its headline tells the swing as the launch's aftermath ("Plasma's XPL Token Dips
# Nearly 50% Amid Post-Launch Volatility", 14 days on: readers, the launch)
AFTERMATH_WINDOW = timedelta(days=14)
# Readers call two items weeks apart one event only when both tell the token's launch story
# (an airdrop's eligibility, a sale, pre-market, a listing, a claim); over all labelled splits
# the joins more than this far from the event's span held most false joins (an exchange's
# later campaign or Earn notice of a token that trades, a market story, a company update).
LAUNCH_STORY_GAP = timedelta(days=45)
# A later step of a launch may come years after its snapshot (Flare's FLR distributed in
# October-December 2022 to the XRP held on December 12, 2020): an item whose text recalls,
# with its year, a day this close to the event's span or dated phase speaks of that launch
RECALL_SLACK = timedelta(days=31)
NAME_SIMILARITY = 90.0
MIN_FUZZY_NAME = 4  # shorter names must be equal ("AI" is in too many names)
MAX_HEADLINES = 6  # an event keeps its latest headlines for mentions
TOKEN_SUFFIXES = ("coin", " coin", " token")  # "ApeCoin" is the name of APE
NAME_SUFFIXES = frozenset(
    "foundation labs network protocol finance dao ai chain blockchain".split()
)

# "Season 2", "OP Drop #2", "second airdrop": a later round is another launch of the project
_ROUND = re.compile(
    r"\b(?:(?:season|drop|airdrop|round|wave)\s*#?\s*(?P<n>[2-9]|two|three|four|ii|iii|iv)|"
    r"(?P<o>second|2nd|third|3rd|fourth|4th|fifth|5th)\s+(?:[A-Za-z]+\s+){0,2}?"
    r"(?:airdrops?|season|round|drop|wave|tranche))\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "second": "2",
    "2nd": "2",
    "third": "3",
    "3rd": "3",
    "fourth": "4",
    "4th": "4",
    "fifth": "5",
    "5th": "5",
    "two": "2",
    "three": "3",
    "four": "4",
    "ii": "2",
    "iii": "3",
    "iv": "4",
}
# A later round in the pages' other languages: 第二轮, 第2波, 第三弹, 第二季 (not 第二季度, a
# quarter), 2차, 시즌 2, シーズン2, 赛季 2 (rounds 2 to 5, in digits or 二三四五) ...
_CJK_COUNT = re.compile(
    r"(?<![\d一二三四五六七八九十])第?\s*(?P<n>[2-5二三四五])\s*(?:[轮輪波弹彈弾]|季(?!度)|차(?![량원]))"
    r"|(?:赛季|賽季|시즌|シーズン)\s*(?P<s>[2-5二三四五])(?![\d一二三四五六七八九十])"
)
# ... read as a round of the project's token only when its clause speaks of a token round (an
# airdrop, a sale, a claim: "Fabric Protocol (ROBO) 第二轮空投奖励申领", "2차 에어드랍"). An
# exchange's or platform's programme counts its editions with 期 ("Gate Booster 第五期上线",
# "币安HODLer空投上线第65期项目", "独家TGE第44期"), which is never a round here, and a campaign's
# tasks, prize pool or contest (任务, 奖池, 活动, 交易赛, 이벤트, 캠페인, キャンペーン) is the
# exchange's programme, not the token's round
_CJK_TOKEN_ROUND = re.compile(
    r"空投|代币|代幣|公售|公募|预售|預售|发售|發售|认购|認購|申领|申領|领取|領取|"
    r"에어드랍|에어드롭|판매|세일|청약|エアドロップ|セール|販売"
)
_CJK_CAMPAIGN = re.compile(
    r"任务|任務|奖池|獎池|活动|活動|交易赛|交易賽|竞赛|競賽|이벤트|캠페인|キャンペーン"
)
_CJK_CLAUSE = re.compile(r"[，。；、,;:：!?！？|]")
_CJK_NUMERALS = {"二": "2", "三": "3", "四": "4", "五": "5"}


def cjk_round(headline: str) -> str:
    """Which later round of the project's token sale or airdrop a Chinese, Korean or Japanese
    headline is about ("2" for "第二轮空投"), or "" (an exchange programme's edition: "第五期")."""
    for clause in _CJK_CLAUSE.split(headline or ""):
        m = _CJK_COUNT.search(clause)
        if m and _CJK_TOKEN_ROUND.search(clause) and not _CJK_CAMPAIGN.search(clause):
            n = m.group("n") or m.group("s")
            return _CJK_NUMERALS.get(n, n)
    return ""


# Price and market words: the token trades ("BONK Airdrop Now More Expensive Than the Device",
# "LUNA 2 tanks 70%"); such an item is never told before a launch, so it gets no long window.
_MARKET = re.compile(
    r"\b(?:prices?|rall(?:y|ies|ied)|soar\w*|jump(?:s|ed)?|surg(?:e|es|ed|ing)|skyrocket\w*|"
    r"tank(?:s|ed)?|plung\w*|dips?|dipped|dump(?:s|ed)?|pump(?:s|ed)?(?!\.\w)|falls?|fell|slump\w*|"
    r"crash\w*|new highs?|all-time highs?|record highs?|moves? higher|breakout|bullish|bearish|"
    # TVL: the money locked in a chain that runs ("MegaETH 如何让 TVL 在 TGE 一周内达到 700m")
    r"market swings|(?:more|less) expensive|market cap|tvl|"
    # the talk of a token that trades: fear, its whales, a sell-off ("Arbitrum FUD spooks the
    # market, but on-chain data shows whales accumulating ARB"; final23, shaped)
    r"fud|spook(?:s|ed)?|sell-?offs?|sells?-off|whales? (?:accumulat\w*|buy\w*|sell\w*|dump\w*)|"
    # a drop by a share of its price ("Token Drops 5.263% Amid ..."; a bare "Drop" is a
    # round's: "OP Drop #2"; final24, shaped)
    r"drop(?:s|ped)?\s+(?:by\s+|nearly\s+|over\s+|more than\s+)?\d[\d.,]*\s*%)"
    r"(?:\b|(?<=%))"
    # in the pages' languages: Chinese 暴跌/大跌/下跌 (crash, fall), 暴涨/大涨/上涨 (surge,
    # rise), Korean 폭락/급락/하락 (crash, plunge, fall), 급등 (surge), Japanese 暴落/急落/急騰
    # Korean 약세/강세 (trading weak, strong: "위믹스 ... 약세")
    r"|暴跌|大跌|下跌|跌破|暴涨|大涨|上涨|폭락|급락|하락|급등|약세|강세|暴落|急落|急騰|高騰",
    re.IGNORECASE,
)
# Talk of what came after a launch is no launch talk: "Plasma's XPL Token Dips Nearly 50%
# Amid Post-Launch Volatility" is a price move (`market_news`)
_AFTER_LAUNCH = re.compile(r"\bpost-?(?:launch|ico|tge|listing|airdrop|debut)\b", re.IGNORECASE)
# ... and a product rolled out after the launch is no launch talk ("Acala Hints Core Products
# Rollout Following Official Launch on Polkadot"; final17, shaped); a price move after it
# ("ApeCoin Soars After Launch") still is part of the launch's story (`market_news`)
_FOLLOWING_LAUNCH = re.compile(
    r"\b(?:following|after)\s+(?:(?:its|the|their)\s+)?(?:official\s+)?launch\b", re.IGNORECASE
)
# A company's results: news of a business (or its stock) that exists, like a price move
# ("HIVE Digital Reports Strong Q4 Earnings and Growth")
_RESULTS = re.compile(
    r"\b(?:earnings|quarterly results|financial results|(?:q[1-4]|annual|monthly|january|"
    r"february|march|april|may|june|july|august|september|october|november|december) "
    r"results|revenues?)\b",
    re.IGNORECASE,
)
# A contest for a token's traders: the token trades, so such an item is never told long
# before a launch ("TREE Trading Tournament: Trade to Share Up to 3,500,000 TREE Token
# Vouchers" eight months after Binance's Treehouse affiliate airdrop); near a launch it is
# part of it (Binance's "Trading Competition: Trade Tria (TRIA)" with its futures contract)
_CONTEST = re.compile(
    r"\btrading (?:tournament|competition|challenge)s?\b",
    re.IGNORECASE,
)
# A token written in a headline as the project's own, with the word naming it: "Travala
# (AVA)", "aixbt by Virtuals (AIXBT)" (the word before "by"), "Gifto (GIFTO)", "Flare
# Networks Spark Token (FLR)" (the word before "Token")
_OWN_TICKER = re.compile(
    r"([\w.\-]+)(?:\s+(?i:tokens?|coins?))?(?:\s+by\s+[\w.\-]+)?"
    r"\s*\(\s*\$?([A-Z][A-Z0-9]{1,14})\s*\)"
)
# ... or as its owner's: "Penguiana's $PENGU Token Presale"
_OWNED_TICKER = re.compile(r"([\w.\-]+)['’]s\s+\$([A-Z][A-Z0-9]{1,14})\b")
_PRE_MARKET = re.compile(rf"\bpre-?market\b|{PRE_LAUNCH_TRADING}", re.IGNORECASE)
# A partnership or integration, in words (`_SIDE`'s first kind; `_PARTNERS` alone)
# ("collaborative", an adjective, names no partner: "Animecoin Drop Aims to Fuel Collaborative
# Anime" is the airdrop's story; final25, shaped)
_PARTNER_WORDS = (
    r"partner(?:s|ship|ships|ed|ing)?|integrat\w*|collaborat(?!ive)\w*|teams? up|joins? forces|"
    r"unite[sd]?"
)
# Something a project does beside its token's launch: a partnership or integration, a
# product or marketplace, a staking or earn product, a challenge, a game, a company's results
# ("tZERO and Voatz Partner to Bring Blockchain Transparency ...", "OpenFlux is Live: The
# Dypius-Incubated NFT Marketplace ...", "World of Dypians Joins BNB Chain's ... Challenge").
# With no word of a launch in its headline such an item retells none (`side_news`).
_SIDE = re.compile(
    rf"\b(?:{_PARTNER_WORDS}|challenge|hackathon|marketplace|staking|leverage trading|"
    # a product or suite of products ("Galaxis Introduces AI-Powered Suite ...", "Acala Hints
    # Core Products Rollout ..."; final17, shaped)
    r"products?|suite|"
    r"(?:locked|flexible) products?|savings|apr|apy|"
    # a film about crypto ("A new HBO documentary claims it has the answer"; final15)
    r"documentar(?:y|ies)|docuseries|films?|movies?|"
    # coins anyone mints on a platform (its product), not the platform's own token: "Content
    # Coins: Zora and Base Explained", Portuguese "Cunhando em Zora" (minting on Zora), "Moedas
    # de Conteúdo", Spanish "monedas de contenido/creador"
    r"(?:content|creator|post) coins?|minting|mint(?:s|ed)? (?:on|a coin)|"
    r"cunh(?:ando|agem|ar|ou)|acuñ(?:ando|ar|ación|ó)|"
    r"(?:moedas?|monedas?) de (?:conte[uú]do|contenido|criador(?:es)?|creador(?:es)?))\b",
    re.IGNORECASE,
)
# a game, written as a word ("Strategy Game Elements"), not a ticker ("GAME by Virtuals")
_GAME = re.compile(r"\b[Gg](?:ames?|aming)\b")
# A vote of the token's holders: governance of a token that exists
_GOVERNANCE = re.compile(
    r"\b(?:dao|governance)\b[^.]{0,40}\b(?:vot\w*|favou?r\w*|approv\w*|reject\w*|"
    r"pass(?:es|ed)?)\b|\bvot(?:es|ed|ing)\b",
    re.IGNORECASE,
)
# What a retelling of a launch speaks of, whatever else its headline says
_LAUNCH_TALK = re.compile(
    r"\b(?:airdrop\w*|launch\w*|tge|token generation|list(?:s|ed|ing)?|"
    # a claim, not the verb of a report ("a documentary claims it has the answer", "a report
    # claimed that"; final15)
    r"claim(?!(?:s|ed)?\s+(?:that|it|to (?:be|have)|he|she|they|this|responsibility|credit)\b)\w*|"
    r"trading (?:is )?(?:now )?live|tokenomics|token economics|token sale|pre-?sale|"
    r"public sale|snapshot|debut\w*|goes live|distribut\w*|pre-?market|poolx|megadrop|"
    # exchanges' launch platforms by their names (OKX Jumpstart, MEXC Kickstarter, HTX
    # Primelist; final17, shaped), as Bitget's PoolX and Binance's Megadrop above
    r"jumpstart|kickstarter|primelist)\b",
    re.IGNORECASE,
)

# Launch talk in the pages' other languages (Chinese, Korean, Japanese): a listing (上线, 上市,
# 上币, 상장, 上場), an airdrop (空投, 에어드랍, エアドロップ), a token issued (发币, 发行代币), a
# claim (申领). A Launchpool notice that unlocks the new token ("AEON 即将上线 Bitget
# Launchpool，锁仓 BGB 和 AEON 解锁 116 万枚 AEON") or a token issued with its unlock schedule
# ("Backpack 交易所宣布发行代币，解锁时间表与 IPO 目标挂钩") tells the launch, not later news
# (`later_news`), as "launch" or "listing" beside "unlock" does in English (final30)
_CJK_LAUNCH_TALK = re.compile(
    r"上线|上線|上市|上币|上幣|空投|发币|發幣|发行代币|發行代幣|申领|申領|상장|에어드랍|에어드롭|"
    r"上場|エアドロップ"
)

# A token sale by the names launch talk does not give it (an ICO, IDO, IEO, a crowdsale or
# crowdloan): a headline naming one is about the sale, whatever else it tells (`later_news`)
_SALE_WORDS = r"ico|ido|ieo|crowdloan|crowdsale"
_SALE = re.compile(rf"\b(?:{_SALE_WORDS})\b", re.IGNORECASE)

# What a headline (or its lead) telling a launch's story speaks of: launch talk, a sale in
# any of its names, eligibility, allocation, unlocks, points (Chinese notices too)
_LAUNCH_STORY = re.compile(
    _LAUNCH_TALK.pattern.removesuffix(r")\b")
    + rf"|{_SALE_WORDS}|"
    + r"eligib\w*|allocations?|unlock\w*|points|\w+drops?|"
    r"(?:governance|native|utility) token|"
    # a token revealed is its launch told ("Ethereum NFT Brand Doodles Reveals Solana Token",
    # two months after it teased one; final26, shaped), not a plan for it revealed
    r"reveal(?:s|ed|ing)?\s+(?:[\w$'’\-]+\s+){0,2}?(?:tokens?|coins?)\b"
    r"(?!\s+(?:buy-?backs?|repurchases?|burns?|unlocks?|plans?|roadmap))|"
    # the sold tokens reaching their holders before trading, and the token's supply told in the
    # sale ("Now you Can Withdraw your BNK Tokens", "Bankera's Total Token Supply Explained";
    # final16, shaped)
    r"withdraw\w*\s+(?:[\w$]+\s+){0,2}?tokens?|token supply|"
    # a sale's demand ("a refund following a 122x oversubscription"; final24, shaped)
    r"oversubscri\w*)\b"
    r"|空投|上线|上市|预售|盘前|代币经济"
    # a coin's listing, as the exchanges write it ("Coinbase将Billions (BILL)加入上币路线图":
    # added to its listing roadmap; final30)
    r"|上币|上幣"
    # and more of the pages' languages: token issuance (发币, 发行代币), a public sale (公售,
    # 公募), a claim (申领); Korean listing and airdrop (상장, 에어드랍, 에어드롭); Japanese
    # listing and airdrop (上場, エアドロップ)
    r"|发币|發幣|发行代币|發行代幣|公售|公募|申领|申領|상장|에어드랍|에어드롭|上場|エアドロップ",
    re.IGNORECASE,
)
# An exchange's campaign or product for a token that trades: no part of its launch story
_CAMPAIGN = re.compile(
    r"\b(?:campaigns?|promotions?|tournaments?|competitions?|contests?|giveaways?|carnival|"
    r"festival|earn|locked products?|vip loan|convert|margin|"
    # a project's incentive programme for a token that trades ("The Dexalot Incentive Program"
    # seven months after its tokenomics; final17, shaped)
    r"incentives? program(?:me)?s?)\b",
    re.IGNORECASE,
)

# An exchange's products a newly listed token is added to (`first_products`)
_PRODUCTS = re.compile(r"\b(?:earn|convert|margin|futures|buy crypto)\b", re.IGNORECASE)
# An exchange's notice that it will list a token, whatever product its headline names
# ("margin trading supporting fil3x ...": "will list Filecoin (FIL) and support 3X margin
# trading"): for a token not yet launched, its first listing (`untold_over_weeks`)
_WILL_LIST = re.compile(r"\bwill (?:list|be listed)\b", re.IGNORECASE)
# Later news of a token that trades, whatever else its headline says (`later_news`): its
# buyback, a review, a denial of insiders selling, an unlock of vested tokens (final8: Lighter's
# LIT buybacks, "ZKsync Review", Plasma's CEO denying team sales, Hyperliquid's HYPE unlock)
# buybacks, a review, a denial, an unlock; a freeze or blacklist of holders' tokens (final10:
# "Justin Sun Faces Backlash After Urging WLFI to Unfreeze Tokens", "Justin Sun's blocked
# holdings"); and the same in the languages the pages use: Chinese 回购 (buyback), 解锁
# (unlock), 冻结 (freeze), 黑名单 (blacklist), 否认 (deny); Korean 바이백/자사주 매입, 언락,
# 동결; Japanese 買い戻し, 凍結; Vietnamese "mua lại" (buy back), "đóng băng" (freeze)
_LATER = re.compile(
    r"\b(?:buy-?backs?|reviews?|den(?:ies|ied|ial)|accusations?|unlocks?|"
    # an analysis of a project, as a review ("Analysis: Hamster Kombat & the HMSTR Token" six
    # months after its airdrop, "Chain dissection. Sei"; final23, shaped)
    r"analys[ie]s|dissections?|deep dives?|"
    r"(?:un)?freez(?:e|es|ing)|(?:un)?frozen|blacklist\w*|blocked holdings|"
    r"mua lại|đóng băng)\b"
    r"|回购|回購|解锁|解鎖|冻结|凍結|黑名单|否认|바이백|자사주 매입|언락|동결|買い戻し",
    re.IGNORECASE,
)
# A regulator's, government's, court's or police's action on a project or its token is later
# news of it, not its launch ("Kenya Appears to Have Flip-Flopped on Worldcoin's Data
# Practices" ten days after Worldcoin's launch; final19, shaped): an authority and an action
# in one headline, or an action only an authority (or a court) takes. Case-sensitive
# acronyms, so "sec" or "fca" in a word or name is no regulator.
_AUTHORITY = re.compile(
    r"\b(?:regulat(?:or|ors|ory)|watchdogs?|authorit(?:y|ies)|governments?|govt|ministry|"
    r"ministers?|courts?|judges?|police|prosecutors?|lawmakers?|senators?|attorneys? general|"
    r"data protection)\b|\b(?-i:SEC|CFTC|FCA|DOJ|FTC)\b",
    re.IGNORECASE,
)
# The actions no one but an authority (or a court) takes, which tell it without its name ...
_AUTHORITY_ONLY_WORDS = (
    r"prob(?:e|es|ed|ing)|investigat(?:ion|ions|es|ed|ing)|lawsuits?|sues?|sued|suing|"
    r"fined|indict\w*|subpoena\w*|crackdown|data practices"
)
_AUTHORITY_ONLY = re.compile(rf"\b(?:{_AUTHORITY_ONLY_WORDS})\b", re.IGNORECASE)
# ... and every action, those and the ones others take too, told beside an authority's name
_AUTHORITY_ACTION = re.compile(
    rf"\b(?:{_AUTHORITY_ONLY_WORDS}|investigat\w*|bans?|banned|banning|suspen\w*|"
    r"halt(?:s|ed|ing)?|order(?:s|ed)?|fines?|charges?|charged|crack(?:s|ing)? down|"
    r"raid(?:s|ed)?|seiz\w*|shut(?:s|ting)? down|cases?|privacy)\b",
    re.IGNORECASE,
)
# A token's supply or rewards milestone after its launch is later news of a token that trades
# ("WLD Token Milestone: Over 1% of Total Supply Circulating as Rewards" three months after
# Worldcoin's launch; final19, shaped): a share of its supply now circulating, a milestone of its
# supply or rewards, or rewards handed out so far. A presale's milestone ("KangaMoon (KANG)
# Surpasses $3.7M Milestone") speaks of no supply or rewards, and one with launch talk
# ("Catizen's First $CATI Token Airdrop: A Milestone") is the launch.
_SUPPLY_MILESTONE = re.compile(
    r"\b\d+(?:\.\d+)?\s*%\s+of\s+(?:the\s+|its\s+)?(?:total\s+|max(?:imum)?\s+|token\s+)?"
    r"supply\s+(?:now\s+)?(?:circulating|in circulation)\b",
    re.IGNORECASE,
)
_MILESTONE = re.compile(r"\bmilestones?\b", re.IGNORECASE)
_SUPPLY_OR_REWARDS = re.compile(
    r"\b(?:supply|circulat\w*|rewards?|grants?)\b",
    re.IGNORECASE,
)
# ... rewards handed out so far: their verbs (distributed, claimed) are no launch talk there
_REWARDS_SO_FAR = re.compile(
    r"\b(?:rewards?|grants?)\s+(?:[\w$]+\s+){0,2}?(?:distributed|claimed|paid out|handed out)"
    r"\s+(?:so far|to date)\b",
    re.IGNORECASE,
)

# The verb "launch" whose object is the token itself: the launch, not a buyback program's
# start ("Lighter launches its token LIT", "X launches native token", "launches $LIT")
_TOKEN_LAUNCH = re.compile(
    r"\blaunch(?:es|ed|ing)?\s+(?:(?:its|their|the|a)\s+)?(?:(?:own|native|governance|"
    r"utility|new)\s+)?(?:(?:tokens?|coins?)\b(?!\s+(?:buy-?backs?|repurchases?|burns?|"
    r"programs?|unlocks?|staking|vaults?)\b)|\$[A-Z])",
    re.IGNORECASE,
)

# The verb "launch" whose object is a product of the project, not its token: "The protocol has
# launched its own point system" in an overview seven months after the points were announced
# (final16, shaped). In a lead such a phrase tells no launch story (`launch_story`); "launches
# the platform's token" still does.
_PRODUCT_LAUNCH = re.compile(
    r"\blaunch(?:es|ed|ing)?\s+(?:(?:its|their|a|an|the)\s+)?(?:(?:own|new|first)\s+)?"
    # or a product after a few words that name no token ("MetaCene launches industry's 1st
    # ServerFi-inspired product CARRY", "launching an integration"; final17, shaped)
    r"(?:(?!(?:tokens?|coins?)\b)[\w'’\-]+\s+){0,3}?"
    r"(?:points?\s+(?:system|program(?:me)?)|(?:loyalty|referral|rewards?)\s+program(?:me)?|"
    r"apps?|platform|vaults?|dashboard|website|feature|products?|suite|integration)\b"
    r"(?!['’]s|\s+(?:tokens?|coins?)\b)",
    re.IGNORECASE,
)
# The bare verb "launch" (no token its object) in a partnership's headline: what the partners
# launch together ("MetaCene and Mantle Unite: MetaCene's Gold Rush Launches on Mantle";
# final17, shaped), not a token's launch
_BARE_LAUNCH = re.compile(
    r"\blaunch(?:es|ed|ing)?\b(?!\s+(?:(?:its|their|the|a)\s+)?(?:(?:own|native|governance|"
    r"utility|new)\s+)?(?:tokens?|coins?|\$[A-Z]))",
    re.IGNORECASE,
)
_PARTNERS = re.compile(rf"\b(?:{_PARTNER_WORDS})\b", re.IGNORECASE)

# Agreement levels of `agreement`
NONE, PROJECT, STRONG = 0, 1, 2
# How an item relates to an event it matches (`relation`): part of it, or news beside it
SAME, COVERAGE = "same", "coverage"


@dataclass(slots=True)
class EventKeys:
    """What an event is known by: the union of its items' identities, their headlines, its
    time span, its latest dated phase and whether the token has launched (listed, claimable)."""

    company_id: int | None
    names: set[str] = field(default_factory=set)
    tickers: set[str] = field(default_factory=set)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    headlines: list[str] = field(default_factory=list)
    weak: bool = False  # known only by headline words (no project the scorer named)
    phase_at: datetime | None = None
    launched: bool = False
    hints: set[str] = field(default_factory=set)  # headline words beside the names (Identity)
    rare: set[str] = field(default_factory=set)  # rare names of its items' headlines and leads
    scripted: set[str] = field(default_factory=set)  # romanised headline words (Identity)

    @classmethod
    def of(cls, ident: Identity, seen: datetime, headline: str = "") -> EventKeys:
        keys = cls(ident.company_id)
        keys.absorb(ident, seen, headline)
        return keys

    @classmethod
    def from_json(
        cls,
        company_id: int | None,
        stored: Mapping[str, Any] | None,
        first_seen: datetime | None = None,
        last_seen: datetime | None = None,
    ) -> EventKeys:
        """An event row's keys (its `keys` JSON column) back as EventKeys."""
        stored = stored or {}
        phase_at = stored.get("phase_at")
        return cls(
            company_id,
            set(stored.get("names") or []),
            set(stored.get("tickers") or []),
            first_seen,
            last_seen,
            list(stored.get("headlines") or []),
            bool(stored.get("weak")),
            datetime.fromisoformat(phase_at) if phase_at else None,
            bool(stored.get("launched")),
            set(stored.get("hints") or []),
            set(stored.get("rare") or []),
            set(stored.get("scripted") or []),
        )

    def to_json(self) -> dict[str, Any]:
        """What the event row stores (times other than the phase's are columns of their own)."""
        return {
            "names": sorted(self.names),
            "tickers": sorted(self.tickers),
            "headlines": self.headlines[-MAX_HEADLINES:],
            "weak": self.weak,
            "phase_at": self.phase_at.isoformat() if self.phase_at else None,
            "launched": self.launched,
            "hints": sorted(self.hints),
            "rare": sorted(self.rare),
            "scripted": sorted(self.scripted),
        }

    def absorb(self, ident: Identity, seen: datetime, headline: str = "") -> None:
        """Learn an item's names and tickers once it joined (so later items can match them)."""
        known = self.names or self.tickers or self.scripted
        self.weak = self.weak and ident.weak if known else ident.weak
        self.names |= ident.names
        self.tickers |= ident.tickers
        self.hints |= ident.hints
        self.rare |= ident.rare
        self.scripted |= ident.scripted
        if self.company_id is None:
            self.company_id = ident.company_id
        self.first_seen = min(self.first_seen or seen, seen)
        self.last_seen = max(self.last_seen or seen, seen)
        if headline and headline not in self.headlines:
            self.headlines = [*self.headlines, headline[:300]][-MAX_HEADLINES:]

    def phased(self, at: datetime | None, launched: bool) -> None:
        """Learn a phase: its date moves the window's end; a listing or claim ends the launch."""
        if at is not None and (self.phase_at is None or at > self.phase_at):
            self.phase_at = at
        self.launched = self.launched or launched


def names_agree(a: str, b: str) -> bool:
    """Two normalised names of one project ("ether fi", "etherfi", "ether fi foundation"; a
    long discovered name holding the other's whole: "trump backed world liberty financial
    clarifies wlfi" and "world liberty financial")."""
    if a == b or a.replace(" ", "") == b.replace(" ", ""):
        return True
    short, long = sorted((a, b), key=len)
    if long == f"{short}s" and len(short) > MIN_FUZZY_NAME:
        return True  # a plural of one name ("lightstream", "lightstreams"; final20, shaped)
    if len(short.split()) >= 2 and len(long.split()) >= 4 and f" {short} " in f" {long} ":
        return True
    if min(len(a), len(b)) < MIN_FUZZY_NAME:
        # a short name and itself with a word every project adds ("arc" and "arc network",
        # final17, shaped; "ai" and "ai network" are too short to tell)
        return (
            len(short) >= 3 and long.split()[:-1] == [short] and long.split()[-1] in NAME_SUFFIXES
        )
    return a.split()[0] == b.split()[0] and fuzz.token_set_ratio(a, b) >= NAME_SIMILARITY


def core_names(names: Iterable[str]) -> set[str]:
    """Names without the words every project adds ("moonbeam foundation" → "moonbeam"); a
    name that is only such words, or shorter than a fuzzy name, is left out."""
    out = set()
    for name in names:
        words = name.split()
        while len(words) > 1 and words[-1] in NAME_SUFFIXES:
            words.pop()
        core = "".join(words)
        if len(core) >= MIN_FUZZY_NAME and core not in NAME_SUFFIXES:
            out.add(core)
    return out


def ticker_names(tickers: Iterable[str]) -> set[str]:
    """The names a ticker goes by: itself ("saga") and its coin ("apecoin", "ape coin")."""
    out: set[str] = set()
    for tick in tickers:
        low = tick.lower()
        out.add(low)
        out.update(low + suffix for suffix in TOKEN_SUFFIXES)
    return out


TOKEN_NAMES_FILE = Path(__file__).resolve().parent.parent / "data" / "events" / "token-names.json"


@cache
def _token_names() -> Mapping[str, str]:
    """The public coin list's ticker -> name table (`scripts/build_token_names.py`), read once."""
    return json.loads(TOKEN_NAMES_FILE.read_text(encoding="utf-8"))["names"]


def listed_names(tickers: Iterable[str]) -> set[str]:
    """The project names a public coin list ranked by market cap gives these tickers, where the
    ticker is clearly one coin's and no common word ("LUNA" → "terra", "FIL" → "filecoin")."""
    table = _token_names()
    return {table[t] for t in tickers if t in table}


MIN_SHORTENED = 4  # a shorter ticker is a subsequence of too many words by chance


def _is_subsequence(short: str, word: str) -> bool:
    """Every letter of `short` in `word`, in order ("pnut" in "peanut")."""
    rest = iter(word)
    return all(ch in rest for ch in short)


def shortens(tick: str, name: str) -> bool:
    """A ticker written as a shortening of a name: the name's own first word leading a longer
    name ("B3" and "B3 Ethereum Gaming Chain"), or the first word's letters kept in order from
    its first, at least MIN_SHORTENED of them and most of the word ("PNUT" and "Peanut"). A
    common word (the corpus's table) shortened says nothing of a project."""
    low, words = tick.lower(), name.split()
    if not words or not low.isalnum():
        return False
    first = words[0]
    if first in common_words() or generic(first):
        return False
    if first == low:
        return len(words) >= 2 and len(low) >= 2
    return (
        len(low) >= MIN_SHORTENED
        and low[0] == first[0]
        and len(first) - len(low) <= 2
        and _is_subsequence(low, first)
    )


def written_tickers(side: EventKeys | Identity, headlines: Iterable[str] = ()) -> set[str]:
    """The tickers a side writes: its own, the words its headlines write in capitals ("LUNA 2.0
    Skyrockets", which the scorer keys as the word "luna"), and, for a side known only by a
    headline word, that word as a ticker ("Luna 2.0 Airdrop ...")."""
    heads = side.headlines if isinstance(side, EventKeys) else headlines
    weak = {n.upper() for n in side.names if n.isalnum()} if side.weak else set()
    return set(side.tickers) | capital_words(heads) | (weak - HUB_TICKERS)


def listed_agree(tickers: Iterable[str], names: Iterable[str]) -> bool:
    """A ticker's listed name (`listed_names`) is one of the names, set apart the words every
    project adds ("terra" and "terra blockchain")."""
    listed = listed_names(tickers)
    return bool(listed) and bool(core_names(listed) & core_names(names))


def ticker_shortens(tickers: Iterable[str], names: Iterable[str]) -> bool:
    """Some ticker of one side shortens some name of the other (`shortens`)."""
    names = tuple(names)
    return any(shortens(t, n) for t in tickers for n in names)


MIN_PREFIXED_NAME = 5  # a shorter word behind a prefix is too often a ticker's by chance
MAX_TICKER_PREFIX = 2


def prefixed_name(tickers: Iterable[str], names: Iterable[str]) -> bool:
    """Some ticker of one side is a one-word name of the other behind a prefix of one or two
    characters, as exchanges and projects write a token whose name is taken ("AIGENSYN" for
    Gensyn, "AI" before it): the name alphabetic, one word of at least MIN_PREFIXED_NAME
    letters and no common or generic word ("WCOMMON" is not "common")."""
    names = [n for n in names if n.isalpha() and len(n) >= MIN_PREFIXED_NAME]
    names = [n for n in names if n not in common_words() and not generic(n)]
    for tick in tickers:
        low = tick.lower()
        for name in names:
            extra = len(low) - len(name)
            if 1 <= extra <= MAX_TICKER_PREFIX and low.endswith(name):
                return True
    return False


# A word written in capitals in a headline ("Azuki founder airdrops ANIME"), read as a ticker
_CAPITALS = latin_regex(r"(?<![\w$])\$?([A-Z][A-Z0-9]{2,14})(?![\w])")


def capital_words(headlines: Iterable[str]) -> set[str]:
    """The words headlines write in capitals ("LUNA", "$ANIME"), quote assets left out."""
    return {m.group(1) for h in headlines for m in _CAPITALS.finditer(h or "")} - HUB_TICKERS


def capital_coins(headlines: Iterable[str]) -> set[str]:
    """The coin names of the words headlines write in capitals ("ANIME" → "animecoin", "anime
    coin", "anime token"; not the word itself, which is a plain word as often as a ticker):
    the scorer may take no ticker from such a headline, yet its coin is a project's name."""
    words = capital_words(headlines)
    return ticker_names(words) - {w.lower() for w in words}


def mentions(names: Iterable[str], tickers: Iterable[str], text: str) -> bool:
    """A ticker (as written: upper case; any case after a $) or a name (a whole word, any
    case) in text."""
    if not text:
        return False
    low = _folded(text)
    for tick in tickers:
        if f" {tick.lower()} " not in low:
            continue  # (cheap: most events' tickers are nowhere in the text)
        # a Latin word's edges, which CJK text is ("上线AEON，持有"; `\w` would be a letter)
        if re.search(rf"(?<![A-Za-z0-9_$])\$?{re.escape(tick)}(?![A-Za-z0-9_])", text) or re.search(
            rf"(?<![A-Za-z0-9_$])\${re.escape(tick)}(?![A-Za-z0-9_])", text, re.IGNORECASE
        ):
            return True
    return any(len(n) >= MIN_FUZZY_NAME and f" {n} " in low for n in names)


@lru_cache(maxsize=256)
def _folded(text: str) -> str:
    """Text as names are compared: lower case, runs of other characters one space, padded
    (one item's text is checked against every candidate event: fold it once)."""
    return f" {re.sub(r'[^a-z0-9]+', ' ', text.lower())} "


def names_in_headline(names: Iterable[str], tickers: Iterable[str], headline: str) -> bool:
    """A ticker, or a name written as a name (capitalised: "Sale of Tokocrypto", not
    "raises $15 million"), in a headline."""
    if mentions((), tickers, headline):
        return True
    low = _folded(headline)
    for name in names:
        if len(name) < MIN_FUZZY_NAME or f" {name} " not in low:
            continue
        spaced = r"[^A-Za-z0-9]*".join(re.escape(w) for w in name.split())
        for m in re.finditer(rf"(?<![A-Za-z0-9]){spaced}(?![A-Za-z0-9])", headline, re.I):
            if m.group(0)[0].isupper() or m.group(0)[0].isdigit():
                return True
    return False


def own_tickers(headlines: Iterable[str]) -> dict[str, set[str]]:
    """The tokens headlines give as their project's own, in brackets ("Travala (AVA)") or as
    an owner's ("Penguiana's $PENGU"), each with the words naming it ("travala"). A
    pre-market notice's ticker is a placeholder (Bitget's "Taiko (TKO)" before TAIKO,
    "HMSTRBG" before HMSTR): it gives none."""
    out: dict[str, set[str]] = {}
    for h in headlines:
        if not h or _PRE_MARKET.search(h):
            continue
        for m in (*_OWN_TICKER.finditer(h), *_OWNED_TICKER.finditer(h)):
            if m.group(2) not in HUB_TICKERS:
                out.setdefault(m.group(2), set()).add(m.group(1).lower())
    return out


def _owners_apart(
    ours: dict[str, set[str]], theirs: dict[str, set[str]], ours_h: str, theirs_h: str
) -> bool:
    """Two headlines giving one token to two owners, neither written in the other headline
    ("Penguiana's $PENGU" and "Pudgy Penguins (PENGU)"): a ticker two projects use.
    Compared without spaces and dots ("Etherfi (ETHFI)", "ether.fi (ETHFI)")."""

    def squashed(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", "", text.lower())

    for tick in ours.keys() & theirs.keys():
        mine = {squashed(w) for w in ours[tick] if not generic(w) and w.upper() != tick}
        other = {squashed(w) for w in theirs[tick] if not generic(w) and w.upper() != tick}
        if (
            mine
            and other
            and not mine & other
            and not any(w in squashed(theirs_h) for w in mine)
            and not any(w in squashed(ours_h) for w in other)
        ):
            return True
    return False


def round_of(headline: str) -> str:
    """Which later round of a launch a headline is about ("2" for "OP Drop #2"), or ""."""
    m = _ROUND.search(headline or "")
    if not m:
        return cjk_round(headline)
    word = (m.group("n") or m.group("o")).lower()
    return _ORDINALS.get(word, word)


def another_round(keys: EventKeys, text: str) -> bool:
    """The item's headline names a later round (season, drop) than any the event's do."""
    wanted = round_of(text.split("\n", 1)[0])
    return bool(wanted) and all(round_of(h) != wanted for h in keys.headlines)


def agreement(keys: EventKeys, ident: Identity, text: str = "") -> int:
    """How surely an item is about the event's project: NONE, PROJECT, or STRONG (its ticker
    and its name both agree: what a join over a long gap needs)."""
    headline = text.split("\n", 1)[0]
    ours, theirs = own_tickers(keys.headlines), own_tickers((headline,))
    our_words = set().union(*ours.values()) if ours else set()
    their_words = set().union(*theirs.values()) if theirs else set()
    if ours and theirs and not ours.keys() & theirs.keys() and not our_words & their_words:
        # each headline gives its own token and they differ: two tokens, whatever else they
        # share ("GoldVerse (GDV)" and "RabBitcoin (RBTC)" in Bitget's TON zone, "aixbt by
        # Virtuals (AIXBT)" and "GAME by Virtuals (GAME)", "Travala (AVA)" and "AVA (AVAAI)")
        return NONE
    if _owners_apart(ours, theirs, " ".join(keys.headlines), headline):
        return NONE
    shared_ticker = bool(keys.tickers & ident.tickers)
    # one side's ticker is the other's name (a side named after its own ticker says nothing)
    ticker_is_name = bool(
        ticker_names(keys.tickers - ident.tickers) & ident.names
        or ticker_names(ident.tickers - keys.tickers) & keys.names
        # or shortens it ("PNUT" and "Peanut", "B3" and "B3 Ethereum Gaming Chain"; final25,
        # final26, shaped) when the named side gives no other token ("DOGE" and "Doge Jones
        # Industrial Average (DJI)" are two)
        or (
            not ident.tickers - keys.tickers
            and ticker_shortens(keys.tickers - ident.tickers, ident.names)
        )
        or (
            not keys.tickers - ident.tickers
            and ticker_shortens(ident.tickers - keys.tickers, keys.names)
        )
        # or is the name behind a prefix of one or two characters ("AIGENSYN" and "Gensyn")
        # (or the written ticker of a side known by it: Bitget's "AIGENSYN 即将上线 Bitget PoolX")
        or prefixed_name(written_tickers(keys) - ident.tickers, ident.names)
        or prefixed_name(written_tickers(ident, (headline,)) - keys.tickers, keys.names)
        # or is the name a public coin list gives it ("LUNA" and "New Terra Blockchain")
        or listed_agree(written_tickers(keys) - ident.tickers, ident.names)
        or listed_agree(written_tickers(ident, (headline,)) - keys.tickers, keys.names)
    )
    same_company = keys.company_id is not None and keys.company_id == ident.company_id
    names_match = any(names_agree(a, b) for a in keys.names for b in ident.names)
    if not (keys.weak and ident.weak) and core_names(keys.names) & core_names(ident.names):
        return STRONG  # one project name ("Moonbeam Foundation", "Moonbeam"), not a look-alike
    # a headline that leads with the project's own name ("OpenSea CMO In-Depth Analysis: ...
    # $SEA Airdrop", whose discovered name is "Generation Event"), unless two tickers differ
    hint_is_name = (not keys.weak and core_names(keys.names) & core_names(ident.hints)) or (
        not ident.weak and core_names(ident.names) & core_names(keys.hints)
    )
    if hint_is_name and (shared_ticker or not (keys.tickers and ident.tickers)):
        return STRONG
    if shared_ticker and keys.company_id is not None and not ident.names and not same_company:
        # a watched company's token told by its ticker alone ("MEGAUSDT Perpetual Contract
        # Pre-Market Trading" and MegaETH's MEGA)
        return STRONG
    # the item names the event's project (or the word its headline leads with)
    # or, beside the shared one, the event's other token ("The upcoming XRP airdrop ...
    # Spark (FLR) tokens" and a FLR notice "to users who are holding XRP")
    named_back = mentions(keys.names | keys.hints, keys.tickers - ident.tickers, text)
    # or our headlines write the item's name ("Crypto Whale Invests $11,695 in PawFury (PAW)
    # Presale", whose scorer found no name, and "Pawfury Presale Nears $5M Mark")
    named_in_ours = any(names_in_headline(ident.names, (), h) for h in keys.headlines)
    if shared_ticker and (same_company or names_match or named_back or named_in_ours):
        return STRONG  # (its own name may be off, "Generation Event", when its text names ours)
    if shared_ticker and keys.names and ident.names and not ticker_is_name:
        # one ticker, two projects that name themselves apart and never each other
        # (WaterCoin and Waterfall's WATER): no agreement unless a headline names the item's
        if not any(names_in_headline(ident.names, (), h) for h in keys.headlines):
            return NONE
    if ticker_is_name and mentions(keys.names, keys.tickers, text):
        return STRONG  # "SAGA" and "Saga", and the item writes "$Saga" or "Saga"
    if same_company or shared_ticker or ticker_is_name or names_match:
        return PROJECT
    if (shared_ticker or not (keys.tickers and ident.tickers)) and (
        capital_coins((headline,)) & keys.names or capital_coins(keys.headlines) & ident.names
    ):
        return PROJECT  # "airdrops ANIME" and "Animecoin" (final25, shaped)
    if script_agrees(keys, ident) and (shared_ticker or not (keys.tickers and ident.tickers)):
        return PROJECT  # "카이아" and KAIA, "アロワナ" and Arowana (two tickers: two tokens)
    if not (keys.tickers and ident.tickers) and (
        _spelt_in(_codes(keys.names, keys.tickers, keys.headlines), (headline,))
        or _spelt_in(_codes(ident.names, ident.tickers, (headline,)), keys.headlines)
    ):
        return PROJECT  # "amid BOME frenzy" and "Book of Meme's Meteoric Rise"
    hinted = core_names(keys.hints) & core_names(ident.names) or core_names(
        keys.names
    ) & core_names(ident.hints)
    headline = text.split("\n", 1)[0]
    hinted = (
        hinted
        or names_in_headline(keys.hints, (), headline)
        or any(names_in_headline(ident.hints, (), h) for h in keys.headlines)
    )
    if hinted and not (keys.tickers and ident.tickers):
        # "Terra Reveals LUNA Airdrop" leads with the word "Terra 2.0 ... airdrop" is known by
        # (two tickers that differ are two tokens, whatever the headlines lead with)
        return PROJECT
    if ident.weak and mentions(keys.names, keys.tickers, text):
        return PROJECT
    if names_in_headline(keys.names, (), headline) and mentions((), keys.tickers, text):
        # the item's headline names the event's project and its text writes the event's ticker
        # ("$QSK token economy of Quicksilver project": "the Quicksilver token, QCK"), whatever
        # ticker it gives itself (final17, shaped)
        return PROJECT
    if keys.weak and not ident.names and names_in_headline(keys.names, (), text):
        # an item known by a ticker alone ("LUNA Rallies ...") names, as a name, the word the
        # event is known by ("the new Terra chain's LUNA"); an item with a name of its own
        # merely mentions it ("Ethereum Layer 2 network Arbitrum")
        return PROJECT
    if rare_shared(keys, ident, text):
        return PROJECT
    named = any(names_in_headline(ident.names, ident.tickers, h) for h in keys.headlines)
    if named and keys.weak and ident.weak:
        return NONE  # two headline words, one naming the other: "Meme" in "Charity Meme Coin"
    if named and (keys.weak or mentions(keys.names, keys.tickers, text)):
        return PROJECT  # our headlines name the item's project, and it names ours
    return NONE


def _compared(forms: Iterable[str]) -> set[str]:
    """Words as romanised words are compared: r read as l (Hangul's ㄹ is either: 아로와나 is
    "alowana" for anyascii, "Arowana" for its project), 3 letters or more."""
    return {f.replace("r", "l") for f in forms if len(f) >= 3}


def _latin_forms(names: Iterable[str], tickers: Iterable[str]) -> set[str]:
    """A side's Latin names and tickers as romanised words are compared: letters and digits
    only, lower case (`_compared`)."""
    return _compared(re.sub(r"[^a-z0-9]+", "", f.lower()) for f in (*names, *tickers))


def script_agrees(keys: EventKeys, ident: Identity) -> bool:
    """One side's headline writes, in another script, a word whose romanised form is the
    other side's Latin name or ticker (Korean "'네카오 코인' 카이아, 업비트 상장" and KAIA;
    final24, shaped). Romanised words never meet each other: two Korean headlines share
    words of the language (상장, listing), not names."""
    return bool(
        _compared(keys.scripted) & _latin_forms(ident.names, ident.tickers)
        or _compared(ident.scripted) & _latin_forms(keys.names, keys.tickers)
    )


MIN_SPELT = 4  # a shorter ticker is spelt by too many runs of headline words by chance
# Words a name's ticker skips ("Book of Meme": BOME)
_SKIPPED = frozenset("of the and for on in de".split())
_HEADLINE_WORD = latin_regex(r"[A-Za-z][A-Za-z0-9]*")


def _codes(names: Iterable[str], tickers: Iterable[str], headlines: Iterable[str]) -> set[str]:
    """A side's tickers, and its one-word names its headlines write in capitals ("amid BOME
    frenzy", a headline word), MIN_SPELT letters or more."""
    written = " ".join(headlines)
    out = {t for t in tickers if len(t) >= MIN_SPELT and t.isalpha()}
    for name in names:
        code = name.upper()
        spelt = len(code) >= MIN_SPELT and code.isalpha()
        if spelt and re.search(rf"(?<![A-Za-z0-9]){code}(?![A-Za-z0-9])", written):
            out.add(code)
    return out


def spells(code: str, words: Sequence[str]) -> bool:
    """`code` is non-empty prefixes of `words`, each in order, one a word ("Book of Meme":
    BO + ME = BOME; initials are such prefixes), the words `_SKIPPED` giving none or theirs."""
    code = code.lower()

    @cache
    def rest(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(code)
        word = words[j].lower()
        if word in _SKIPPED and rest(i, j + 1):
            return True
        return any(
            code[i:k] == word[: k - i] and rest(k, j + 1)
            for k in range(i + 1, min(len(code), i + len(word)) + 1)
        )

    return rest(0, 0)


def _spelt_in(codes: set[str], headlines: Iterable[str]) -> bool:
    """A code of one side (`_codes`) spelt by a run of two or more capitalised words of the
    other side's headlines (`spells`: a name written out, "Book of Meme" for BOME; final24,
    shaped), the run not holding the code itself."""
    if not codes:
        return False
    for headline in headlines:
        for clause in _CLAUSES.split(headline):
            if _spelt_in_words(codes, _HEADLINE_WORD.findall(clause)):
                return True
    return False


# What a name is not written across ("Tokemak: The DeGenesis")
_CLAUSES = latin_regex(r"[:;,|!?()\[\]{}\"“”«»—–]|\s-\s")


def _spelt_in_words(codes: set[str], words: Sequence[str]) -> bool:
    """`_spelt_in` on one clause's words: a run from a capitalised word to a capitalised word,
    neither of them `_SKIPPED` ("Tokemak The" is no name), lower-case words between only if
    skipped ("Book of Meme")."""
    for start, first in enumerate(words):
        if not first[0].isupper() or first.lower() in _SKIPPED:
            continue
        for end in range(start + 2, len(words) + 1):
            last = words[end - 1]
            if last.lower() in _SKIPPED:
                continue
            if not last[0].isupper():
                break
            run = tuple(words[start:end])
            for code in codes:
                if code not in (w.upper() for w in run) and spells(code, run):
                    return True
    return False


def rare_shared(keys: EventKeys, ident: Identity, text: str) -> bool:
    """Both sides write one rare proper name (`rare_names`), a headline of one of them
    writes it, and neither headline names its project by keys the other side never writes:
    a company and its token ("Chat App Kik to Launch Token Sale" and "Kik's KIN ICO Review",
    whose lead says "called Kin"), or a project the scorer keyed by a lead word ("SEC Halts
    ... 'Munchee' ICO" and "Munchee"); not "Bored Ape Yacht Club (BAYC) ... on ApeCoin
    Announcement" and an ApeCoin story that never writes BAYC. A side known by a headline
    word alone (weak: "Halts", "Alert") names nothing apart. Two tickers that differ are two
    tokens ("Blast" and "BLAST HOGE")."""
    shared = keys.rare & ident.rare
    if not shared or (keys.tickers and ident.tickers):
        return False
    headline = text.split("\n", 1)[0]
    ours = " \n ".join(keys.headlines)
    if not shared & (rare_names(ours) | rare_names(headline)):
        return False
    if not keys.weak and _named_apart(keys.names, keys.tickers, ours, ident.rare, text):
        return False
    return ident.weak or not _named_apart(ident.names, ident.tickers, headline, keys.rare, ours)


def _named_apart(
    names: Iterable[str],
    tickers: Iterable[str],
    headlines: str,
    other_rare: set[str] | frozenset[str],
    other: str,
) -> bool:
    """A side's headlines name its project, and only by keys the other side (its rare names,
    its text) never writes; a name made of common words ("basic attention") cannot tell."""
    written = [n for n in names if names_in_headline((n,), (), headlines)]
    written_tickers = [t for t in tickers if mentions((), (t,), headlines)]
    if not (written or written_tickers):
        return False
    for tick in written_tickers:
        if tick.lower() in other_rare or mentions((), (tick,), other):
            return False
    table = common_words()
    for name in written:
        words = [w for w in name.split() if len(w) >= 3 and w not in table]
        if not words or any(w in other_rare or f" {w} " in _folded(other) for w in words):
            return False
    return True


def same_project(keys: EventKeys, ident: Identity, text: str = "") -> bool:
    return agreement(keys, ident, text) > NONE


def market_news(headline: str) -> bool:
    """A price move, market swing or holders' vote, with no word of a launch: news about a
    token that trades, not a retelling of its launch."""
    return bool(
        (_MARKET.search(headline) or _GOVERNANCE.search(headline) or _RESULTS.search(headline))
        and not _LAUNCH_TALK.search(_AFTER_LAUNCH.sub(" ", headline))
    )


def side_news(headline: str) -> bool:
    """A partnership, product, staking offer, challenge, game or company results, with no
    word of a launch: news of what a project does, not a retelling of its token's launch."""
    if not (_SIDE.search(headline) or _GAME.search(headline) or _RESULTS.search(headline)):
        return False  # the launch words are read only for what is side news by its kind
    talk = _FOLLOWING_LAUNCH.sub(" ", _AFTER_LAUNCH.sub(" ", _PRODUCT_LAUNCH.sub(" ", headline)))
    if _PARTNERS.search(talk):
        talk = _BARE_LAUNCH.sub(" ", talk)
    return not _LAUNCH_TALK.search(talk)


def side_lead(headline: str, lead: str) -> bool:
    """An item whose headline says nothing of a launch and whose lead's first sentence tells
    of a partnership or integration (`_PARTNERS`; a lead's staking or product is often a
    token's own story), with no word of a launch's story left when the
    products launched there are set aside ("MetaMask Allows iPhone Users to Buy Crypto With
    Apple Pay": "... by launching an integration with the firm's payments platform"; final17,
    shaped): news of what a project does, as `side_news` is by its headline."""
    first = re.split(r"(?<=[.!?])\s", lead[:300], maxsplit=1)[0]
    if not first or _LAUNCH_TALK.search(headline) or not _PARTNERS.search(first):
        return False
    return not _LAUNCH_STORY.search(_PRODUCT_LAUNCH.sub(" ", first))


def launch_story(headline: str, lead: str = "") -> bool:
    """An item telling its token's launch story: launch talk in the headline or the lead's
    first sentences (a product launched there is none: `_PRODUCT_LAUNCH`), and a headline
    that is no campaign, product, contest, market move, vote or company result ("Binance Will
    Add Midnight (NIGHT) on Earn, ... Margin" is an exchange's product for a token that
    trades; "Bitget Will List ..." is the story)."""
    if _CAMPAIGN.search(headline) or _CONTEST.search(headline) or _MARKET.search(headline):
        return False
    if _RESULTS.search(headline) or _GOVERNANCE.search(headline) or side_news(headline):
        return False
    lead = _PRODUCT_LAUNCH.sub(" ", lead[:300])  # a points system or app launched: no token
    return bool(_LAUNCH_STORY.search(headline) or _LAUNCH_STORY.search(lead))


def launch_words(text: str) -> bool:
    """Any word of a launch's story in an item's headline or its lead's first sentences
    (`_LAUNCH_STORY`), whatever else the headline says. Items known only by headline words
    (the scorer named no project) that write none are general news ("Australian regulator
    shuts down thousands of scam crypto sites", "Australia's ASIC Crushes Over 600 Crypto
    Scams": "Australian", "Australia"): one founds no launch event the other joins (final15)."""
    headline, _nl, lead = text.partition("\n")
    return bool(_LAUNCH_STORY.search(headline) or _LAUNCH_STORY.search(lead[:300]))


def first_products(headline: str) -> bool:
    """An exchange adding a token to several of its products at once ("Binance sẽ thêm Plasma
    (XPL) trên Earn, Mua tiền mã hóa, Convert, Margin và Futures"): Binance's notice of a
    token's spot listing day. For a token not yet launched it is the launch (its first
    listing), weeks after the sale; for one that trades it is a product (`_CAMPAIGN`)."""
    return len({m.group(0).lower() for m in _PRODUCTS.finditer(headline)}) >= 2


def span_gap(keys: EventKeys, published: datetime) -> timedelta:
    """How far an item is from the event's span (zero inside it)."""
    if keys.first_seen is None or keys.last_seen is None:
        return timedelta(0)
    return max(published - keys.last_seen, keys.first_seen - published, timedelta(0))


def untold_over_weeks(keys: EventKeys, published: datetime, text: str) -> bool:
    """More than LAUNCH_STORY_GAP from the event's span, and the item (its headline, or its
    lead) or every headline of the event tells no launch story. An exchange adding a token
    not yet launched to its products (`first_products`), or saying in its lead that it will
    list it whatever product its headline names (`_WILL_LIST`), tells its first listing."""
    if span_gap(keys, published) <= LAUNCH_STORY_GAP:
        return False
    headline, _nl, lead = text.partition("\n")
    first = first_products(headline) or bool(_WILL_LIST.search(lead[:300]))
    if not launch_story(headline, lead) and (keys.launched or not first):
        return True
    return bool(keys.headlines) and not any(launch_story(h) for h in keys.headlines)


def in_window(
    keys: EventKeys,
    published: datetime,
    strong: bool = False,
    market: bool = False,
    aftermath: bool = False,
) -> bool:
    """Within the window around the event's span; the long one for an unlaunched token told
    by its ticker and name; the short one for market news (`market_news`), a little longer
    for market news told as the launch's aftermath."""
    if keys.first_seen is None or keys.last_seen is None:
        return True
    if market:
        window = AFTERMATH_WINDOW if aftermath else MARKET_WINDOW
    elif keys.launched:
        window = POST_LAUNCH_WINDOW
    else:
        window = LONG_WINDOW if strong else JOIN_WINDOW
    end = keys.last_seen
    if keys.phase_at is not None and keys.phase_at > end:
        end = min(keys.phase_at, keys.last_seen + LONG_WINDOW)  # a far-off date is no licence
    return keys.first_seen - window <= published <= end + window


def join_level(keys: EventKeys, ident: Identity, published: datetime, text: str = "") -> int:
    """How surely an item joins the event (NONE: it does not): same project, not another
    round, within the window (the long one only for STRONG agreement and an item that does
    not tell of a token trading; the short one for market news)."""
    if ident.empty or another_round(keys, text):
        return NONE
    headline, _nl, lead = text.partition("\n")
    if side_news(headline) or (bool(keys.headlines) and all(map(side_news, keys.headlines))):
        return NONE  # a partnership, product or game, not the launch (either way round)
    if side_lead(headline, lead):
        return NONE
    if ident.weak and text and not launch_words(text) and (keys.weak or not later_news(headline)):
        # an item known by headline words alone that says nothing of a launch joins no event
        # whose headlines say nothing of one either, whatever the event is known by ("Web3
        # Innovation: KOLZ Users Thrive with AI-Powered Influencer Replicas" and KOLZ's product
        # release a month earlier; final17, shaped; before, only two headline-word sides); later
        # news of a named event's token ("ZKsync Review") stays its coverage
        if not any(map(launch_words, keys.headlines)):
            return NONE  # headline words of news that says nothing of a launch: no project
    level = agreement(keys, ident, text)
    if level == NONE:
        return NONE
    if text and untold_over_weeks(keys, published, text):
        return NONE  # weeks apart, one side tells no launch story (readers: different)
    long_ok = level == STRONG and not (_MARKET.search(headline) or _CONTEST.search(headline))
    market = market_news(headline)
    if in_window(keys, published, long_ok, market, bool(_AFTER_LAUNCH.search(headline))):
        return level
    return level if not market and recalls(keys, ident, text) else NONE


def recalls(keys: EventKeys, ident: Identity, text: str) -> bool:
    """The item is a later step of the event's launch however late: it shares the event's
    ticker or own name, and a sentence of it about a snapshot, airdrop, distribution or claim
    writes, with its year, a day within RECALL_SLACK of the event's span or dated phase
    ("distribute Flare (FLR) token airdrops to users who are holding XRP at the snapshot
    time, 12:00 am on December 12, 2020 UTC", two years after the snapshot's notices)."""
    if keys.first_seen is None or keys.last_seen is None:
        return False
    if not (keys.tickers & ident.tickers or core_names(keys.names) & core_names(ident.names)):
        return False
    start = (keys.first_seen - RECALL_SLACK).date()
    end = (max(keys.last_seen, keys.phase_at or keys.last_seen) + RECALL_SLACK).date()
    return any(start <= day <= end for day in written_days(text))


def authority_action(headline: str) -> bool:
    """A headline telling of a regulator's, government's, court's or police's action (a probe,
    a ban, a fine, a lawsuit, charges, its data practices): news of a project that exists."""
    if _AUTHORITY_ONLY.search(headline):
        return True
    return bool(_AUTHORITY.search(headline) and _AUTHORITY_ACTION.search(headline))


def supply_milestone(headline: str) -> bool:
    """A headline telling how much of a token's supply circulates, a milestone of its supply or
    rewards, or the rewards handed out so far: news of a token that trades."""
    if _SUPPLY_MILESTONE.search(headline) or _REWARDS_SO_FAR.search(headline):
        return True
    return bool(_MILESTONE.search(headline) and _SUPPLY_OR_REWARDS.search(headline))


# The verb "launch" in its forms (not the launch platforms, Launchpool, Launchpad, LaunchX)
_LAUNCH_VERB = re.compile(r"launch(?:es|ed|ing)?", re.IGNORECASE)


def later_news(headline: str) -> bool:
    """News of a token after its launch: a buyback, a review, a denial, an unlock of vested
    tokens, with no word of the launch beside it (a buyback program "launches": that verb is
    no launch of the token; "Exchanges back 'Terra 2.0 revival plan' via airdrops, listing,
    buyback" is the launch story); a regulator's, court's or police's action on the project
    (`authority_action`); a token's supply or rewards milestone (`supply_milestone`)."""
    if not (_LATER.search(headline) or authority_action(headline) or supply_milestone(headline)):
        return False
    if _TOKEN_LAUNCH.search(headline):
        return False  # "Lighter launches its token LIT: ... revenue ... for buybacks" (f9-020)
    if _SALE.search(_AFTER_LAUNCH.sub(" ", headline)):
        # a review of a sale, an authority's action on it: news of the launch, which readers
        # call the sale itself ("SEC Halts ... 'Munchee' ICO", "A Review of Clinicoin's ICO";
        # final20, shaped); a post-ICO story is not
        return False
    talk = _REWARDS_SO_FAR.sub(" ", headline)
    if _CJK_LAUNCH_TALK.search(talk):
        return False
    # the verb "launch" is no launch talk here (a buyback program launches), but an exchange's
    # launch platform is: "Bitget Launchpool 项目 AEON 现已开放投入，锁仓 BGB 和 AEON 解锁 116 万枚
    # AEON" is the token's launch, whatever it unlocks (final31)
    return all(_LAUNCH_VERB.fullmatch(m.group(0)) for m in _LAUNCH_TALK.finditer(talk))


def tells_launch(keys: EventKeys, text: str) -> bool:
    """Whether a matching item is part of the event (a phase, a corroboration, an update)
    rather than later news beside it (coverage): an item that is `later_news` never is, and a
    price move or vote (`market_news`) is not when every headline of the event is such news
    too (two retellings of one crash: readers, *different*). Near a launch a price move is
    part of its story ("LUNA 2 tanks 70% in two days", readers: same event)."""
    headline = text.partition("\n")[0]
    if later_news(headline):
        return False
    if market_news(headline) and keys.headlines:
        return not all(later_news(h) or market_news(h) for h in keys.headlines)
    return True


def relation(keys: EventKeys, ident: Identity, published: datetime, text: str = "") -> str:
    """SAME (the item joins the event), COVERAGE (news of the event's project within its
    windows that tells no launch story: linked from the event, never a phase), or ""."""
    if join_level(keys, ident, published, text) == NONE:
        return ""
    return SAME if tells_launch(keys, text) else COVERAGE


def joins(keys: EventKeys, ident: Identity, published: datetime, text: str = "") -> bool:
    """True when an item about `ident`, published at `published`, is part of the event
    (coverage is not: `relation`).

    `text`: the item's headline and text (mentions of the event's name or ticker)."""
    return relation(keys, ident, published, text) == SAME


@dataclass(frozen=True, slots=True)
class Match:
    """The event an item belongs to, and how: SAME or COVERAGE."""

    event_id: int
    kind: str


def best_match(
    candidates: Iterable[tuple[int, EventKeys]],
    ident: Identity,
    published: datetime,
    text: str = "",
) -> Match | None:
    """The event an item joins: of those it is part of, the one it agrees with most surely
    (its own project's event before one whose headline merely names it), then the most
    recently seen; failing any, the event it is coverage of, chosen the same way."""
    best: dict[str, tuple[int, datetime, int]] = {}
    for event_id, keys in candidates:
        level = join_level(keys, ident, published, text)
        if level == NONE:
            continue
        kind = SAME if tells_launch(keys, text) else COVERAGE
        rank = (level, keys.last_seen or published, event_id)
        if kind not in best or rank[:2] > best[kind][:2]:
            best[kind] = rank
    for kind in (SAME, COVERAGE):
        if kind in best:
            return Match(best[kind][2], kind)
    return None


def best_event(
    candidates: Iterable[tuple[int, EventKeys]],
    ident: Identity,
    published: datetime,
    text: str = "",
) -> int | None:
    """The id of the event an item is part of (`best_match`; coverage is not), or None."""
    match = best_match(candidates, ident, published, text)
    return match.event_id if match is not None and match.kind == SAME else None
