"""Measure the scorer on labelled items: precision/recall/F1 at the alert threshold.

Quality is measured, not assumed: this is what ``tge-monitor eval`` prints, and what the
weights in :mod:`core.scoring.engine` are tuned against.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from core.scoring.engine import Analysis, CompanySpec, ScoringEngine, band_for


def load_companies(path: str | Path) -> list[CompanySpec]:
    """Read a companies file (``core/data/companies.json`` format) into specs."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(raw, dict):
        raw = raw.get("companies", [])
    specs: list[CompanySpec] = []
    for i, c in enumerate(raw, start=1):
        specs.append(
            CompanySpec(
                id=c.get("id", i),
                name=c["name"],
                aliases=tuple(c.get("aliases") or ()),
                tokens=tuple(c.get("tokens") or ()),
                priority=c.get("priority") or "MEDIUM",
                exclusions=tuple(c.get("exclusions") or ()),
            )
        )
    return specs


def load_items(path: str | Path) -> list[dict[str, Any]]:
    """Read a ``.jsonl`` file of labelled items, skipping blank lines."""
    items = []
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                items.append(json.loads(line))
    return items


_DATE_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_published(raw: Any) -> datetime | None:
    """Best effort: the eval files carry "2024-06-20", "2024-02", ISO stamps or nothing."""
    if not raw or not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        pass
    m = _DATE_PREFIX.match(raw.strip())
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        return datetime(year, month, day)
    except ValueError:
        return None


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", s.lower())


def company_matches(label: str | None, analysis: Analysis) -> bool:
    """True when the top company names the labelled one ("Sonic (Fantom)" matches "Sonic")."""
    if not label or not analysis.companies:
        return False
    top = _norm(analysis.companies[0]["name"])
    if not top:
        return False
    parts = [_norm(p) for p in re.split(r"[/(),]", label) if _norm(p)]
    return any(top == p or top in p or p in top for p in parts)


def _case(item: dict[str, Any], a: Analysis) -> dict[str, Any]:
    return {
        "id": item.get("id"),
        "title": item.get("title") or (item.get("text") or "")[:100],
        "confidence": a.confidence,
        "why": a.why(),
        "explanation": a.explanation,
    }


def evaluate(
    data_path: str | Path, companies_path: str | Path, threshold: float = 0.5
) -> dict[str, Any]:
    """Score every item and report precision, recall, F1, per-band precision and misses."""
    engine = ScoringEngine(load_companies(companies_path))
    items = load_items(data_path)
    tp = fp = fn = tn = 0
    bands: dict[str, list[int]] = {"high": [0, 0], "medium": [0, 0], "low": [0, 0]}
    comp_ok = comp_n = 0
    fps: list[dict[str, Any]] = []
    fns: list[dict[str, Any]] = []
    for item in items:
        a = engine.analyze(
            item.get("title") or "",
            item.get("text") or "",
            source_kind=item.get("source_kind") or "rss",
            published=parse_published(item.get("date")),
        )
        truth = bool(item.get("is_tge"))
        pred = a.confidence >= threshold
        band = band_for(a.confidence)
        bands[band][0] += 1
        bands[band][1] += int(truth)
        if truth:
            comp_n += 1
            comp_ok += int(company_matches(item.get("company"), a))
        if pred and truth:
            tp += 1
        elif pred:
            fp += 1
            fps.append(_case(item, a))
        elif truth:
            fn += 1
            fns.append(_case(item, a))
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fps.sort(key=lambda c: -c["confidence"])
    fns.sort(key=lambda c: c["confidence"])
    return {
        "n": len(items),
        "threshold": threshold,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "band_precision": {
            b: {"n": n, "tge": t, "precision": round(t / n, 4) if n else None}
            for b, (n, t) in bands.items()
        },
        "company_accuracy": round(comp_ok / comp_n, 4) if comp_n else None,
        "worst_false_positives": fps[:5],
        "worst_false_negatives": fns[:5],
    }


def format_report(result: dict[str, Any]) -> str:
    """Human-readable summary of :func:`evaluate` for the terminal."""
    lines = [
        f"items: {result['n']}  threshold: {result['threshold']}",
        f"precision: {result['precision']:.3f}  recall: {result['recall']:.3f}  "
        f"F1: {result['f1']:.3f}  (tp {result['tp']}, fp {result['fp']}, "
        f"fn {result['fn']}, tn {result['tn']})",
    ]
    bp = result["band_precision"]
    lines.append(
        "precision by band: "
        + "  ".join(
            f"{b} {v['precision']:.3f} ({v['tge']}/{v['n']})" if v["n"] else f"{b} - (0/0)"
            for b, v in bp.items()
        )
    )
    acc = result.get("company_accuracy")
    lines.append("company accuracy on TGE items: " + (f"{acc:.3f}" if acc is not None else "-"))
    for key, label in (
        ("worst_false_positives", "false positives"),
        ("worst_false_negatives", "false negatives"),
    ):
        cases = result.get(key) or []
        if cases:
            lines.append(f"worst {label}:")
            for c in cases:
                lines.append(f"  {c['confidence']:.3f}  {c['title'][:90]}")
                lines.append(f"         {c['why']}")
    return "\n".join(lines)
