"""Why the joiner as checked out decides each pair of a split as it does (analysis only).

Run from the repository root:

    python core/data/eval/events/gates.py final20 > gates_final20.jsonl

One line a pair: the label, the verdict (`PairJudge.same`), both sides' keys, and every gate
that says no, in the joiner's order: the earlier item is later news and founds no event
(`later_news`: `_LATER`'s word, `authority_action`, `supply_milestone`); the later item has no
identity; another round; side news; a side lead; headline words with no launch words on either
side; no agreement on the project (`agreement` NONE); weeks apart with one side telling no
launch story (`untold_over_weeks`); outside the window (`in_window`, `recalls`); coverage, not
part of the event (`tells_launch`). Each gate is the joiner's own function on the same inputs,
so a pair joins exactly when no gate says no (checked for every pair). Written after final20's
one measurement to read its misses; it changes nothing and scores nothing.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))

from core.bundled import COMPANIES_FILE
from core.events import join as J
from core.events.evaluate import PAIRS_FILE, PairJudge, _when


def _later_why(headline: str) -> str:
    out = []
    if m := J._LATER.search(headline):
        out.append(f"word '{m.group(0)}'")
    if J.authority_action(headline):
        out.append("authority_action")
    if J.supply_milestone(headline):
        out.append("supply_milestone")
    return ", ".join(out)


def gates(judge: PairJudge, row: dict) -> dict:
    first, second = sorted((row["a"], row["b"]), key=_when)
    keys, founder = judge.event_of(first)
    ident, _analysis = judge.identity(second)
    t1, t2 = first.get("title") or "", second.get("title") or ""
    text = f"{t2}\n{second.get('text') or ''}"
    lead = text.partition("\n")[2]
    published = _when(second)
    gap = (published - _when(first)).days
    no = []
    if J.later_news(t1):
        no.append(f"founder later_news ({_later_why(t1)})")
    if ident.empty:
        no.append("no identity")
    if J.another_round(keys, text):
        no.append("another_round")
    if J.side_news(t2) or (keys.headlines and all(map(J.side_news, keys.headlines))):
        no.append("side_news")
    if J.side_lead(t2, lead):
        no.append("side_lead")
    if (
        ident.weak
        and not J.launch_words(text)
        and (keys.weak or not J.later_news(t2))
        and not any(map(J.launch_words, keys.headlines))
    ):
        no.append("headline words, no launch words")
    level = J.agreement(keys, ident, text)
    if level == J.NONE:
        no.append("agreement NONE")
    if J.untold_over_weeks(keys, published, text):
        no.append(f"untold_over_weeks ({gap} d)")
    long_ok = level == J.STRONG and not (J._MARKET.search(t2) or J._CONTEST.search(t2))
    market = J.market_news(t2)
    recalled = not market and J.recalls(keys, ident, text)
    if not J.in_window(keys, published, long_ok, market) and not recalled:
        no.append(f"out of window ({gap} d, long window {long_ok}, launched {keys.launched})")
    if not J.tells_launch(keys, text):
        why = _later_why(t2) if J.later_news(t2) else "market news"
        no.append(f"coverage ({why})")
    joined = judge.same(first, second)[0]
    if joined != (not no):
        raise SystemExit(f"{row['pair']}: the gates do not give the joiner's verdict")
    return {
        "pair": row["pair"],
        "label": row["same_event"],
        "joined": joined,
        "borderline": row["borderline"],
        "drawn_as": row["drawn_as"],
        "gap_days": gap,
        "first": t1,
        "second": t2,
        "keys": [sorted(founder.names | founder.tickers), sorted(ident.names | ident.tickers)],
        "weak": [founder.weak, ident.weak],
        "agreement": level,
        "gates": no,
    }


def main() -> None:
    split = sys.argv[1]
    judge = PairJudge(COMPANIES_FILE)
    rows = [json.loads(x) for x in PAIRS_FILE.read_text(encoding="utf-8").splitlines() if x]
    for row in rows:
        if row["split"] == split:
            print(json.dumps(gates(judge, row), ensure_ascii=False))


if __name__ == "__main__":
    main()
