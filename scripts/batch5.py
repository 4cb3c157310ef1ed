"""Batch 5 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, drawn WITHOUT any model's score, labelled by blind readers before any candidate model
scores it, kept beside the corpus (``core/data/labelled/batch-2026-12-06-5.jsonl``, ids
``c-13001`` ...) and never trained on.

Why: batch 4 (real pages, AP 0.519) has been used to choose between two models, so it is no
longer clean; the candidate models need one honest look at unseen pages gathered the same way.

Sources: two pools of stored public web pages gathered on 2026-12-06 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-5.md``): ``pool5.jsonl`` (engineer
``batch5``: projects whose name starts with M-Z or a digit) and ``pool9.jsonl`` (engineer
``pages9``: A-L), both in the event pools' format (id, title, text, source, url, date or null,
provenance {page, via, query}, project_hint). Headline and lead as found; the date only where
the page or its address states it (undated pages are kept, date null).

Pool (``build``): the two pools, one item per address and per headline; none whose address or
headline is labelled (corpus, every batch, dev, the written sets) or in an event split, none
whose text is labelled, nothing naming a final-test project (its names and tickers, as every
batch: ``semi_supervised_experiment.clean_set``'s tests, with headlines compared after a
Unicode-aware normalisation so that two Chinese or Korean headlines are not one "repeat").

Batch (``--size``, ``numpy.random.default_rng(SEED)``), no score read or written at any step:
up to half at random among items with a launch, listing, airdrop or sale word
(``labelling_batch.LAUNCH``), the rest at random among all pool items; at most ``PER_PROJECT``
items about one project (both the project the rules engine names, no model loaded, and the
project the page was gathered for) and ``PER_SOURCE`` of the batch from one publisher.
Readers see id, title, text, source and date (no address).

    python scripts/batch5.py draw       # pool5_all.jsonl, batch5.jsonl, packet/ (both readers)
    python scripts/batch5.py compare    # kappa of A and B, packet_C/ (their disagreements)
    python scripts/batch5.py add        # core/data/labelled/batch-2026-12-06-5.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch3 as B3  # noqa: E402
import labelling_batch as LB  # noqa: E402
import semi_supervised_experiment as S  # noqa: E402

from core.bundled import COMPANIES_FILE  # noqa: E402
from core.scoring import train as T  # noqa: E402
from core.scoring.engine import ScoringEngine  # noqa: E402
from core.scoring.evaluate import load_companies, parse_published  # noqa: E402

SEED = 16
FIRST_ID = 13001  # c-13001 ... (batch 4 ends below c-12200)
PER_PROJECT = 6
PER_SOURCE = 0.30
OUT = LB.CORPUS.parent / "batch-2026-12-06-5.jsonl"
POOLS = ("pool5.jsonl", "pool9.jsonl")  # pool9 only when its collector wrote POOL_DONE_9
# The pages read of each pool: pool9 as its collector first announced it done (15:25 UTC, 123
# pages, sha256 ef3f32b1...); 20 pages appended after the draw (q9-0124 ...) are not read.
READ = {"pool5.jsonl": 146, "pool9.jsonl": 123}
FIELDS = ("id", "title", "text", "source", "date")
# Where a run keeps its files, and their names (a later batch sets these, see batch6.py).
WORK = Path("/work/scratch/batch5")
BATCH_FILE, POOL_FILE = "batch5.jsonl", "pool5_all.jsonl"
EVENTS = ROOT / "core/data/eval/events"
# A later batch's extra rule for its readers (every packet, the third reader's too; batch10.py
# sets it); empty for batches 5-9, whose packets stay as they were.
EXTRA = ""
# The one more hard case RULE_batch10.md fixed before batch 10 existed (batches 8 and 9's readers
# split on such pages): batches 10 and 11 set it as EXTRA; scripts/relabel_undated.py reads the
# training labels again under it.
UNDATED_OWN_TOKEN = """
One more hard case for this batch (it adds to the "Hard cases" at the end of the rules below):

- An undated page where a project describes its own token (docs, tokenomics, FAQ, a token page) is
  the project's reveal (true) only when the page itself presents the token as new or still to
  come: a TGE, launch, claim, airdrop or sale that has not yet happened, eligibility to check,
  "will be", "upcoming". It is false when the page describes the token as live (where to buy or
  trade it, its contract address in use, staking, governance or fees paid in it, exchanges already
  listing it) or gives no sign either way (a plain description of supply, allocation and utility).
"""


def norm(s: Any) -> str:
    """Case-folded letters and digits of any script (``S._norm`` keeps a-z0-9 only)."""
    return re.sub(r"[\W_]+", "", str(s or "").casefold())


def nurl(u: Any) -> str:
    """An address without scheme, www., query, fragment or trailing slash, lower-cased."""
    u = re.sub(r"^https?://(www\.|m\.)?", "", str(u or "").strip().lower())
    return u.split("#")[0].split("?")[0].rstrip("/")


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _seen() -> tuple[set[str], set[str], set[str]]:
    """Addresses, headlines (``norm``) and text openings of every labelled or event item."""
    urls, titles, texts = set(), set(), set()

    def walk(o: Any) -> None:
        if isinstance(o, dict):
            for k in ("url", "page"):
                if isinstance(o.get(k), str) and o[k].startswith("http"):
                    urls.add(nurl(o[k]))
            if isinstance(o.get("title"), str) and norm(o["title"]):
                titles.add(norm(o["title"]))
            if isinstance(o.get("text"), str) and len(norm(o["text"])) > 30:
                texts.add(norm(o["text"])[:80])
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    for f in S.LABELLED + S.BATCHES + sorted(EVENTS.glob("*.jsonl")):
        for o in _rows(f):
            walk(o)
    return urls, titles, texts


def _held_naming() -> re.Pattern[str]:
    """``clean_set``'s test of an item naming a final-test project (names and tickers)."""
    held = T.read_ids(T.FINAL_TEST_IDS)
    names, tickers = set(), set()
    for o in _rows(LB.CORPUS):
        if o.get("id") in held:
            names |= {p for p in T._parts(o.get("company")) if len(p) >= 3}
            tickers |= {t.lstrip("$").upper() for t in T._parts(o.get("token_symbol"))}
    return S.naming(names, tickers)


def build(pool_dir: Path, pools: list[str]) -> list[dict[str, Any]]:
    """The pool: every page of ``pools`` (in order), screened as the module says."""
    urls, titles, texts = _seen()
    held_re = _held_naming()
    counts: Counter[str] = Counter()
    taken_u: set[str] = set()
    taken_t: set[str] = set()
    out = []
    for name in pools:
        for o in _rows(pool_dir / name)[: READ[name]]:
            counts["read"] += 1
            title, text = " ".join(o["title"].split()), " ".join(o["text"].split())
            u, t = nurl(o["url"]), norm(title)
            if u in taken_u or (t and t in taken_t):
                counts["repeated"] += 1
                continue
            taken_u.add(u)
            taken_t.add(t)
            if u in urls or (t and t in titles):
                counts["address or headline labelled"] += 1
            elif len(norm(text)) > 30 and norm(text)[:80] in texts:
                counts["text labelled"] += 1
            elif held_re.search(f"{title} {text}"):
                counts["final-test project"] += 1
            else:
                prov = dict(o["provenance"])
                prov |= {"pool_id": o["id"], "project_hint": o.get("project_hint")}
                out.append(
                    {
                        "title": title,
                        "text": text,
                        "source": o["source"],
                        "date": LB.day(o.get("date")),
                        "url": o["url"],
                        "provenance": prov,
                    }
                )
    counts["kept"] = len(out)
    print("pool:", dict(counts))
    return out


def name_projects(pool: list[dict[str, Any]]) -> None:
    """The project the rules engine names on every pool item (no model: nothing is scored)."""
    specs = list(load_companies(COMPANIES_FILE)) + T.derived_companies(_rows(LB.CORPUS))
    engine = ScoringEngine(specs)
    for item in pool:
        a = engine.analyze_rules(
            item["title"], item["text"], published=parse_published(item["date"])
        )
        item["project"] = LB.project_of(a)


def draw(pool: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """Up to half among launch-word items, the rest among all (``batch3.pick``); at most
    PER_PROJECT items a project (the engine's and the collector's) and PER_SOURCE of ``size``
    from one publisher. SEED and FIRST_ID are read when called (batch6.py, batch7.py set them)."""

    def keys(it: dict[str, Any]) -> list[tuple[str, str]]:
        out = [("s", it["source"])]
        if it["project"]:
            out.append(("p", it["project"]))
        if it["provenance"].get("project_hint"):
            out.append(("h", S._norm(it["provenance"]["project_hint"])))
        return out

    cap = {"p": PER_PROJECT, "h": PER_PROJECT, "s": int(PER_SOURCE * size)}
    batch = B3.pick(
        pool, size, seed=SEED, first_id=FIRST_ID, cap=cap, keys=keys, random_as="random"
    )
    print("drawn as", dict(Counter(it["drawn_as"] for it in batch)))
    print("largest sources", Counter(it["source"] for it in batch).most_common(5))
    print("largest projects", Counter(it["project"] for it in batch).most_common(5))
    return batch


# The reader task: batch 4's (labelling_batch's, one packet for the lead's readers), with the
# rules in the same file and no address shown.
INSTRUCTIONS = (
    LB.INSTRUCTIONS.replace(
        "The rules are in RULES.md (this folder): read\nthem", "The rules are below: read\nthem"
    )
    .replace("labels.jsonl (this folder)", "the output file the lead names")
    .replace("append their output lines to labels.jsonl", "append their output lines to it")
    .replace("real crypto and financial news items", "real crypto news items and web pages")
)


def packet(folder: Path, items: list[dict[str, Any]], extra: str = "") -> None:
    """A readers' folder: RULES.md (the task, then the rules and hard cases of
    ``core/data/eval/README.md``) and items.jsonl (``FIELDS`` only)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = INSTRUCTIONS + extra + "\n" + LB.rules_text()
    (folder / "RULES.md").write_text(text, encoding="utf-8")
    with (folder / "items.jsonl").open("w", encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps({k: it[k] for k in FIELDS}, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stage", choices=("draw", "compare", "add"))
    ap.add_argument("--pools", type=Path, default=Path("/work/scratch/pool"))
    ap.add_argument("--with-pool9", action="store_true", help="pool9 is done: draw from both")
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("--size", type=int, default=250)
    ap.add_argument("--out", type=Path, default=OUT, help="the labelled batch (add)")
    ap.add_argument("--labels", type=Path, nargs=3, metavar=("A", "B", "C"), default=None)
    args = ap.parse_args()
    batch_file = args.work / BATCH_FILE
    if args.stage == "draw":
        pool = build(args.pools, list(POOLS if args.with_pool9 else POOLS[:1]))
        name_projects(pool)
        with (args.work / POOL_FILE).open("w", encoding="utf-8") as f:
            for it in pool:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")
        batch = draw(pool, args.size)
        with batch_file.open("w", encoding="utf-8") as f:
            for it in batch:
                f.write(json.dumps(it, ensure_ascii=False) + "\n")
        dated = sum(it["date"] is not None for it in batch)
        print(f"pool {len(pool)} items; batch {len(batch)} ({dated} dated)")
        packet(args.work / "packet", batch, EXTRA)
        return
    batch = _rows(batch_file)
    ids = [it["id"] for it in batch]
    paths = args.labels or [args.work / f"labels_{x}.jsonl" for x in "ABC"]
    A, B = LB.read_labels(paths[0], ids), LB.read_labels(paths[1], ids)
    a = [bool(A[i]["is_tge"]) for i in ids]
    b = [bool(B[i]["is_tge"]) for i in ids]
    differ = [it for it, x, y in zip(batch, a, b, strict=True) if x != y]
    if args.stage == "compare":
        print(
            f"A {sum(a)} TGE, B {sum(b)} TGE of {len(ids)}; agree {len(ids) - len(differ)},"
            f" kappa {LB.kappa(a, b):.3f}; {len(differ)} to the third reader"
        )
        packet(
            args.work / "packet_C",
            differ,
            EXTRA + "\nThese items are ones two earlier readers disagreed on; you do not see their"
            " labels. Decide each by the rules as usual.\n",
        )
        return
    C = LB.read_labels(paths[2], [it["id"] for it in differ]) if differ else {}
    print(f"kappa A/B {LB.kappa(a, b):.3f}; {len(differ)} decided by C")
    LB.add(batch, A, B, C, args.out)


if __name__ == "__main__":
    main()
