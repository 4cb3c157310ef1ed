"""final6: a same-event split of real items that no reader, split or fix has seen, drawn
(seeded) before the joiner fixed after final5 was run on any of them.

Why: final5 was measured once (0.791 / 0.981) and fixes were then shaped on it, so it no longer
measures them; the labelled corpus has no clean positive pair left. final6 reads the same public
sources as final5 (`draw_final5.SOURCES`: repositories at fixed commits, through local read-only
git mirrors, each item keeping repository, commit, path and row or line) and keeps only items
that final5 did not draw and that no other split, the corpus or the eval sets hold.

Run from the repository root (writes final6_items.jsonl, final6_drawn.jsonl and
pairs_final6_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final6.py --mirrors /work/.mirror

How (the README's final6 section says the counts):
1. draw_final5's reading and filters, with every item of final5 (its drawn items and every
   pair of pairs.jsonl and of every pairs_final*_unlabelled.jsonl) dropped as "shown before",
   and every item naming a project of the scorer's final test split dropped. An item's project
   is the one ticker it writes (draw_final5.project_of), else the organisation its headline
   says did something ("Acme Announces ...", `subject_of`; exchanges and generic subjects
   excepted), so that one company's press releases over time meet. An item is about a launch
   when its headline or its lead's first LEAD characters have launch words (draw_final5.LAUNCH).
2. Pairs, each item in at most MAX_USES pairs, drawn with random.Random(SEED), in four kinds:
   - same_ticker: two items of one ticker, at least one about a launch (retellings, and other
     news of a token; near and far alternating);
   - launch_vs_other: a ticker's launch item and another item of the same ticker that tells of
     something else or of a later round (a campaign, partnership, competition, game, staking,
     price news, a second season; near and far alternating) - the class of final5's false joins;
   - look_alike: two tickers whose names share their first word, or one ticker the prefix of
     the other;
   - near_in_time: two launch items of different tickers within NEAR_DAYS, the most similar
     headlines first.
   At most PER_KIND pairs of one kind and PER_PROJECT same-ticker pairs in all a ticker. The
   pairs are shuffled; readers see headline, lead, source and date only.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final5 as f5  # noqa: E402  (a sibling script, not a package)

SEED = 6113
PER_PROJECT = 6
PER_KIND = 4
MAX_USES = 2
LEAD = 300  # characters of the lead read for launch words
NEAR_DAYS = f5.NEAR_DAYS
FAR_DAYS = f5.FAR_DAYS
SAME_TICKER = 50
LAUNCH_VS_OTHER = 50
LOOK_ALIKE = 25
NEAR_IN_TIME = 60

# Headline words of news about a token that is not its launch, or of a later round of it.
OTHER = re.compile(
    r"\b(campaign|partner\w*|collaborat\w*|integrat\w*|competition|tournament|contest|"
    r"challenge|carnival|festival|giveaway|quest|promotion|trading event|game|gaming|staking|"
    r"stake|earn|rewards?|price|rall(y|ies)|surges?|soars?|plunges?|jumps?|drops?|"
    r"season \d|round \d|second|third|fourth|2nd|3rd|4th|phase \d|stage \d|"
    r"upgrade|mainnet|burn\w*|buyback|unlock\w*|delist\w*|hack\w*|exploit\w*)\b",
    re.IGNORECASE,
)


# The subject of a headline that tells what one organisation did ("Pandoshi Announces ...",
# "Legends of Elysium Partners With ..."): the project of an item that writes no ticker, so that
# one company's releases over time (a presale, then a partnership, a campaign, a listing) meet.
_SUBJECT = re.compile(
    r"^([A-Z][\w.\-]*(?:\s+(?:of|the|[A-Z0-9][\w.\-]*)){0,3}?)(?:'s)?\s+"
    r"(?:Announces?|Launch(?:es)?|Unveils?|Partners?|Introduces?|Secures?|Raises?|Completes?|"
    r"Opens?|Reaches|Lists|Expands?|Debuts?|Releases?|Enters?|Joins?|Integrates?|Surpasses|"
    r"Hits|Celebrates?|Kicks|Sets?|Goes|Rolls|Begins?|Starts?|Teams|Collaborates?|Adds|"
    r"Welcomes|Reveals?|Confirms?|Closes|Extends?|Brings|Taps|Selects?|Wins|Named|Ranks)\b"
)
_NOT_SUBJECT = frozenset(
    "binance bitget coinbase okx bybit kucoin mexc gate gate.io huobi htx kraken bitmart "
    "coinw lbank xt bingx crypto bitcoin ethereum solana the this new a an why how what top "
    "best us uk eu sec report study former ceo cto founder analyst analysts whale whales "
    "trader traders investors investor users community".split()
)


def subject_of(item: dict[str, Any]) -> str:
    """The project key `name:<subject>` of a headline saying what one organisation did."""
    m = _SUBJECT.match(item["title"])
    if not m:
        return ""
    subject = m.group(1).strip()
    if subject.split()[0].lower() in _NOT_SUBJECT or len(subject) < 3:
        return ""
    return "name:" + f5._norm(subject)


def _seen(split: str = "final6") -> tuple[set[str], set[str]]:
    """Normalised headlines and text starts of every item anyone has labelled or been shown,
    every split before `split` included (its items files and its unlabelled pairs)."""
    titles, texts = set(), set()

    def add(o: dict[str, Any]) -> None:
        if f5._norm(o.get("title")):
            titles.add(f5._norm(o.get("title")))
        if len(f5._norm(o.get("text"))) > 30:
            texts.add(f5._norm(o.get("text"))[:80])

    for f in f5.LABELLED:
        for line in f.read_text(encoding="utf-8").splitlines():
            add(json.loads(line))
    before = f5.split_number(split)
    for f in sorted(HERE.glob("final*_items.jsonl")):
        if f5.split_number(f.name) < before:
            for line in f.read_text(encoding="utf-8").splitlines():
                add(json.loads(line))
    for item in f5.shown_pairs(before):
        add(item)
    return titles, texts


def pool(
    mirrors: Path,
    read: Callable[[Path], Iterable[dict[str, Any]]] = f5.read_sources,
    split: str = "final6",
    launch: re.Pattern[str] = f5.LAUNCH,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Dated one-ticker items nobody has been shown, none naming a final-test project (`read`:
    the sources' items; an item's `ticker_hint`, the symbol its source files it under, is its
    project when it writes no single ticker; `launch`: the launch words)."""
    titles, texts = _seen(split)
    held = f5._held_out()
    counts: dict[str, int] = defaultdict(int)
    keep: dict[str, dict[str, Any]] = {}
    for item in read(mirrors):
        counts["read"] += 1
        if not item["date"] or not item["title"]:
            counts["undated or no headline"] += 1
            continue
        key = f5._norm(item["title"])
        if key in keep:
            counts["repeated"] += 1
            continue
        text_key = f5._norm(item["text"])[:80]
        if key in titles or (len(f5._norm(item["text"])) > 30 and text_key in texts):
            counts["labelled or shown before (final5 included)"] += 1
            continue
        if held.search(f"{item['title']} {item['text']}"):
            counts["final-test project"] += 1
            continue
        item["project"] = (
            f5.project_of(item) or subject_of(item) or item.pop("ticker_hint", "") or ""
        )
        # about a launch: launch words in the headline or the lead's first sentences
        lead = item["text"][:LEAD]
        item["launch"] = bool(launch.search(item["title"]) or launch.search(lead))
        item["other"] = bool(OTHER.search(item["title"]))
        if not item["project"]:
            counts["no single ticker, no subject"] += 1
            continue
        keep[key] = item
    items = sorted(keep.values(), key=lambda i: (i["date"], i["provenance"]["repo"], i["title"]))
    for n, item in enumerate(items):
        item["id"] = f"n{split.removeprefix('final')}-{n:05d}"
    counts["kept"] = len(items)
    counts["kept, launch words in headline or lead"] = sum(i["launch"] for i in items)
    counts["kept, other-news headline"] = sum(i["other"] for i in items)
    return items, dict(counts)


def draw(
    items: list[dict[str, Any]],
    seed: int = SEED,
    split: str = "final6",
    quotas: tuple[int, int, int, int] = (LAUNCH_VS_OTHER, SAME_TICKER, LOOK_ALIKE, NEAR_IN_TIME),
) -> list[dict[str, Any]]:
    """Pairs of the four kinds (`quotas`: launch vs other, same ticker, look-alike, near in
    time), shuffled, numbered `f<n>-001`... after the split."""
    launch_vs_other, same_ticker_n, look_alike_n, near_in_time_n = quotas
    rng = random.Random(seed)
    uses: dict[str, int] = defaultdict(int)
    per_tick: dict[str, int] = defaultdict(int)
    taken: set[frozenset[str]] = set()
    pairs: list[dict[str, Any]] = []

    def take(a: dict[str, Any], b: dict[str, Any], how: str) -> bool:
        k = frozenset((a["id"], b["id"]))
        if (
            a["id"] == b["id"]
            or k in taken
            or uses[a["id"]] >= MAX_USES
            or uses[b["id"]] >= MAX_USES
            or f5._norm(a["title"]) == f5._norm(b["title"])
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

    def launch_only(i: dict[str, Any]) -> bool:
        return i["launch"] and not i["other"]

    def other_news(i: dict[str, Any]) -> bool:
        return i["other"] or not i["launch"]

    def same_ticker(kind: str, target: int, fits: Any) -> None:
        """Up to `target` pairs of one ticker that `fits`, near and far alternating, at most
        PER_KIND a ticker of this kind and PER_PROJECT over both same-ticker kinds."""
        groups = [t for t, g in sorted(by_tick.items()) if len(g) >= 2]
        rng.shuffle(groups)
        got = 0
        for t in groups:
            if got >= target:
                break
            g = by_tick[t]
            cands = [(a, b) for n, a in enumerate(g) for b in g[n + 1 :] if fits(a, b)]
            near = [p for p in cands if f5._days(*p) <= NEAR_DAYS]
            far = [p for p in cands if f5._days(*p) > FAR_DAYS]
            rng.shuffle(near)
            rng.shuffle(far)
            mine = 0
            for n in range(PER_PROJECT * 2):
                src = far if n % 2 else near
                while src and per_tick[t] < PER_PROJECT and mine < PER_KIND and got < target:
                    if take(*src.pop(), kind):
                        per_tick[t] += 1
                        mine += 1
                        got += 1
                        break

    # launch vs other news first: the scarcer kind gets its pick of the tickers
    same_ticker(
        "launch_vs_other",
        launch_vs_other,
        lambda a, b: (launch_only(a) and other_news(b)) or (launch_only(b) and other_news(a)),
    )
    same_ticker("same_ticker", same_ticker_n, lambda a, b: a["launch"] or b["launch"])
    # look-alikes: names sharing their first word, or one ticker the prefix of another
    launch = [i for i in items if i["launch"]]
    firsts: dict[str, set[str]] = defaultdict(set)
    for t, g in by_tick.items():
        for i in g:
            nm = f5.name_of(i, t).lower().split()
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
        if got >= look_alike_n:
            break
        ga = [i for i in by_tick[ta] if i["launch"] and uses[i["id"]] < MAX_USES]
        gb = [i for i in by_tick[tb] if i["launch"] and uses[i["id"]] < MAX_USES]
        if not (ga or gb):
            continue  # at least one side about a launch
        free_a = ga or [i for i in by_tick[ta] if uses[i["id"]] < MAX_USES]
        free_b = gb or [i for i in by_tick[tb] if uses[i["id"]] < MAX_USES]
        if free_a and free_b:
            got += take(rng.choice(free_a), rng.choice(free_b), "look_alike")
    # near in time: different tickers within NEAR_DAYS, most similar headlines first
    cands = []
    by_day = sorted(launch, key=lambda i: i["date"])
    for n, a in enumerate(by_day):
        for b in by_day[n + 1 : n + 200]:
            if f5._days(a, b) > NEAR_DAYS:
                break
            if a["project"] != b["project"]:
                cands.append((fuzz.token_set_ratio(a["title"], b["title"]), a["id"], b["id"], a, b))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    got = 0
    used_near: set[str] = set()
    for _s, _x, _y, a, b in cands:
        if got >= near_in_time_n:
            break
        if a["id"] in used_near or b["id"] in used_near:
            continue
        if take(a, b, "near_in_time"):
            used_near |= {a["id"], b["id"]}
            got += 1
    rng.shuffle(pairs)
    for n, p in enumerate(pairs, 1):
        p["pair"] = f"f{split.removeprefix('final')}-{n:03d}"
    return pairs


def main() -> None:
    args = f5.arguments(__doc__ or "")
    items, counts = pool(args.mirrors)
    print(json.dumps(counts))
    sources = f5.write_split(args.out, "final6", items, draw(items))
    print(f"items by source: {sources}")


if __name__ == "__main__":
    main()
