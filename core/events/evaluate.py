"""`tge-monitor eval --events`: precision and recall of "same event" on labelled real pairs.

Each pair is two real published items (core/data/eval/events/pairs.jsonl, provenance in each
item). The scorer analyses both, exactly as the ingest path does; the earlier item founds an
event and the joiner (`core.events.join`) decides whether the later one joins it. An item that
would only be coverage of the event (later news of its token: `relation`) is *not* the same
event, as the readers label it, and later news founds no event for another item to join.
The labels were given by a reader who saw only the rules (README there) and the two items.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.events.extract import LAUNCH_PHASES, Identity, identity_of, phase_of, when_of
from core.events.join import EventKeys, joins, later_news
from core.scoring.evaluate import load_companies, parse_published

PAIRS_FILE = Path(__file__).resolve().parent.parent / "data" / "eval" / "events" / "pairs.jsonl"


def _when(item: dict[str, Any]) -> datetime:
    published = parse_published(item.get("date"))
    if isinstance(published, datetime):
        return published if published.tzinfo else published.replace(tzinfo=UTC)
    if published is not None:
        return datetime(published.year, published.month, published.day, tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


class PairJudge:
    """Decides a pair as the ingest path would: the scorer analyses both items, the earlier
    founds an event (its identity, headline and phase), and the joiner takes or leaves the
    later one. Shared by `eval --events` and the tests, so both measure the same thing."""

    def __init__(self, companies_path: str | Path) -> None:
        from core.scoring import ScoringEngine

        specs = load_companies(companies_path)
        self.engine = ScoringEngine(specs)
        self.known = {s.id: (s.aliases, s.tokens) for s in specs}

    def identity(self, item: dict[str, Any]) -> tuple[Identity, dict[str, Any]]:
        analysis = self.engine.analyze(
            item.get("title") or "",
            item.get("text") or "",
            source_kind="rss",
            published=parse_published(item.get("date")),
        ).to_dict()
        title, text = item.get("title") or "", item.get("text") or ""
        return identity_of(analysis, title, self.known, text, item.get("url") or ""), analysis

    def event_of(self, item: dict[str, Any]) -> tuple[EventKeys, Identity]:
        """The keys of an event founded by `item`, and the item's identity."""
        ident, analysis = self.identity(item)
        title, text = item.get("title") or "", item.get("text") or ""
        keys = EventKeys.of(ident, _when(item), title)
        when = when_of(analysis, title, text)
        keys.phased(when.at if when else None, phase_of(title, text) in LAUNCH_PHASES)
        return keys, ident

    def same(self, a: dict[str, Any], b: dict[str, Any]) -> tuple[bool, Identity, Identity]:
        """Whether the later item joins the earlier one's event, and both identities."""
        first, second = sorted((a, b), key=_when)
        keys, founder = self.event_of(first)
        ident, _analysis = self.identity(second)
        if later_news(first.get("title") or ""):
            return False, founder, ident  # later news founds no event (EventService.attach)
        blob = f"{second.get('title') or ''}\n{second.get('text') or ''}"
        return joins(keys, ident, _when(second), blob), founder, ident


def evaluate_events(
    pairs_path: str | Path, companies_path: str | Path, split: str | None = None
) -> dict[str, Any]:
    """Score every pair (or one split: dev, test, final2) and count agreements with labels."""
    judge = PairJudge(companies_path)
    rows = [json.loads(line) for line in Path(pairs_path).read_text().splitlines() if line]
    if split:
        rows = [r for r in rows if r.get("split") == split]
    verdicts: list[tuple[bool, bool]] = []
    wrong: list[dict[str, Any]] = []
    for row in rows:
        first, second = sorted((row["a"], row["b"]), key=_when)
        predicted, *idents = judge.same(first, second)
        truth = bool(row["same_event"])
        verdicts.append((predicted, truth))
        if predicted != truth:
            wrong.append(
                {
                    "pair": row["pair"],
                    "label": truth,
                    "a": first.get("title", "")[:90],
                    "b": second.get("title", "")[:90],
                    "keys_a": sorted(idents[0].names | idents[0].tickers),
                    "keys_b": sorted(idents[1].names | idents[1].tickers),
                }
            )
    return {"pairs": len(rows), "split": split or "all", **confusion(verdicts), "wrong": wrong}


def confusion(verdicts: list[tuple[bool, bool]], digits: int = 4) -> dict[str, Any]:
    """Counts and precision/recall of (predicted, labelled) same-event verdicts; shared by
    `eval --events` and the one-time scoring of a new split (score_final5.py)."""
    tp = sum(p and t for p, t in verdicts)
    fp = sum(p and not t for p, t in verdicts)
    fn = sum(t and not p for p, t in verdicts)
    tn = sum(not p and not t for p, t in verdicts)
    return {
        "same": tp + fn,
        "different": fp + tn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(tp / (tp + fp), digits) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), digits) if tp + fn else 0.0,
    }


def format_events(result: dict[str, Any]) -> str:
    # From the counts, not the 4-place figures: 53/54 = 0.98148 must read 0.981, not 0.982.
    tp, fp, fn = result["tp"], result["fp"], result["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    lines = [
        f"same-event joining on {result['pairs']} real pairs ({result['split']}): "
        f"{result['same']} same, {result['different']} different",
        f"precision {precision:.3f}  recall {recall:.3f}  "
        f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}, tn {result['tn']})",
    ]
    for w in result["wrong"]:
        verdict = "missed" if w["label"] else "wrongly joined"
        lines.append(f"  {w['pair']} {verdict}: {w['a']!r} / {w['b']!r}")
        lines.append(f"      keys {w['keys_a']} / {w['keys_b']}")
    return "\n".join(lines)
