"""Everything the scorer says about every labelled item, written out to compare two versions.

Why: speed work on the scorer (core/scoring) must not move one score or one word of an
explanation. Run this on the commit you started from and on yours, then compare:

    PYTHONPATH=/path/to/base-checkout python scripts/scoring_snapshot.py /tmp/base.jsonl
    python scripts/scoring_snapshot.py /tmp/new.jsonl --compare /tmp/base.jsonl

(``PYTHONPATH`` makes the script score with that checkout's ``core``; build its compiled
modules first with ``python setup.py build_ext --inplace`` there, or set
``TGE_MONITOR_PURE_PYTHON=1`` to compare the sources.)

Items: every object with a ``text`` in core/data/labelled/*.jsonl, core/data/eval/**.jsonl
(pairs give their ``a`` and ``b``) and tests/data/heldout/*/items.jsonl, scored against the
bundled companies (a held-out set also against its own), plus the bench's synthetic items
against its 10,028 companies. Each is scored by the rules alone and with the bundled model
and its token history, undated and on its own date. A line holds the analysis as
``to_dict`` gives it, ``why()`` and ``repr`` of the confidence; the labels are not read.

An undated item is scored against today, so the clock is held at ``SNAPSHOT_NOW`` while
scoring (time-machine: it stops ``time.time`` and ``datetime.now`` at the C level, so the
engine's cached clock and the token history read the same instant); otherwise the digest
would change every midnight.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import time_machine

from core.bundled import COMPANIES_FILE
from core.scoring import _native
from core.scoring.bench import synthetic_companies, synthetic_items
from core.scoring.engine import CompanySpec, ScoringEngine
from core.scoring.evaluate import load_companies, parse_published
from core.scoring.history import history_for
from core.scoring.model import BUNDLED_MODEL, load_model

ROOT = Path(__file__).resolve().parents[1]
# the instant an undated item is scored at (the pinned digest was made on this day)
SNAPSHOT_NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
BENCH_ITEMS = 1500
# The fixed sample tests/test_scoring_snapshot.py pins (see sample_digest).
SAMPLE_SET = "core/data/eval/dev.jsonl"
SAMPLE_BENCH_ITEMS = 200


def _items_of(obj: Any) -> Iterator[dict[str, Any]]:
    """The scoreable items of one JSON line: itself, or a pair's two sides."""
    if not isinstance(obj, dict):
        return
    if isinstance(obj.get("text"), str):
        yield obj
    for side in ("a", "b"):
        if isinstance(obj.get(side), dict):
            yield from _items_of(obj[side])


def _read(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            items.extend(_items_of(json.loads(line)))
    return items


def _bench_set(bundled: list[CompanySpec], n: int) -> tuple[str, list[dict[str, Any]], list]:
    bench = synthetic_companies(10000) + bundled
    return "bench", [{"title": "", "text": d} for d in synthetic_items(bench, n)], bench


def _sample_sets() -> Iterator[tuple[str, list[dict[str, Any]], list[CompanySpec]]]:
    """The fixed sample: the dev set (real published text) and the first bench items."""
    bundled = load_companies(COMPANIES_FILE)
    yield SAMPLE_SET, _read(ROOT / SAMPLE_SET), bundled
    yield _bench_set(bundled, SAMPLE_BENCH_ITEMS)


def _sets() -> Iterator[tuple[str, list[dict[str, Any]], list[CompanySpec]]]:
    """(name, items, companies) for each set scored."""
    bundled = load_companies(COMPANIES_FILE)
    files = sorted((ROOT / "core" / "data" / "labelled").glob("*.jsonl"))
    files += sorted((ROOT / "core" / "data" / "eval").rglob("*.jsonl"))
    for path in files:
        yield str(path.relative_to(ROOT)), _read(path), bundled
    for path in sorted((ROOT / "tests" / "data" / "heldout").glob("*/items.jsonl")):
        name = str(path.relative_to(ROOT))
        items = _read(path)
        yield name, items, bundled
        own = path.parent / "companies.json"
        if own.exists():
            yield name + "+own", items, load_companies(own)
    yield _bench_set(bundled, BENCH_ITEMS)


def _said(a: Any) -> str:
    return json.dumps([a.to_dict(), a.why(), repr(a.confidence)], ensure_ascii=False)


def snapshot(
    out: Path | None, sets: Iterable[tuple[str, list, list]] | None = None
) -> tuple[int, str]:
    """Write one line per (set, item, scorer, date) to ``out`` (None: only count and hash
    them); return the count and the digest of the lines."""
    with time_machine.travel(SNAPSHOT_NOW, tick=False):
        return _snapshot(out, sets)


def _snapshot(out: Path | None, sets: Iterable[tuple[str, list, list]] | None) -> tuple[int, str]:
    model = load_model(BUNDLED_MODEL)
    history = history_for(model)
    digest = hashlib.sha256()
    n = 0
    with out.open("w", encoding="utf-8") if out is not None else nullcontext() as fh:
        for name, items, companies in _sets() if sets is None else sets:
            engine = ScoringEngine(companies, undated_now=False)
            for i, item in enumerate(items):
                title = item.get("title") or ""
                text = item.get("text") or ""
                url = item.get("url") if isinstance(item.get("url"), str) else None
                for scorer in ("rules", "model"):
                    engine.model = model if scorer == "model" else None
                    engine.history = history if scorer == "model" else None
                    for dated in ("undated", "dated"):
                        published = parse_published(item.get("date")) if dated == "dated" else None
                        a = engine.analyze(title, text, published=published, url=url)
                        line = f"{name}\t{i}\t{scorer}\t{dated}\t{_said(a)}\n"
                        if fh is not None:
                            fh.write(line)
                        digest.update(line.encode())
                        n += 1
    return n, digest.hexdigest()


def sample_digest() -> tuple[int, str]:
    """The count and digest of the fixed sample's analyses (tests/test_scoring_snapshot.py)."""
    return snapshot(None, _sample_sets())


def compare(new: Path, base: Path, show: int = 5) -> int:
    """Print the first lines that differ; return how many differ (0: identical)."""
    a = new.read_text(encoding="utf-8").splitlines()
    b = base.read_text(encoding="utf-8").splitlines()
    if len(a) != len(b):
        print(f"line counts differ: {len(a)} here, {len(b)} in {base}")
    differ = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    for x, y in differ[:show]:
        print("-", y[:400], "\n+", x[:400])
    return len(differ) + abs(len(a) - len(b))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, nargs="?", help="where to write the snapshot (.jsonl)")
    p.add_argument("--compare", type=Path, help="a snapshot to compare with, line by line")
    p.add_argument(
        "--sample", action="store_true", help="print the fixed sample's count and digest only"
    )
    args = p.parse_args(argv)
    if args.sample:
        n, digest = sample_digest()
        print(f"{n} analyses, sha256 {digest}")
        return 0
    if args.out is None:
        p.error("give the snapshot's path, or --sample")
    n, digest = snapshot(args.out)
    print(f"{n} analyses, sha256 {digest}, build {dict(_native.status)}")
    if args.compare is None:
        return 0
    if not args.compare.exists():
        print(f"no snapshot at {args.compare}", file=sys.stderr)
        return 2
    differ = compare(args.out, args.compare)
    print("identical" if not differ else f"{differ} lines differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
