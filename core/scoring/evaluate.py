"""Measure the scorer on labelled items: precision/recall/F1 at the alert threshold.

Quality is measured, not assumed: this is what ``tge-monitor eval`` prints, and what the
weights in :mod:`core.scoring.engine` are tuned against.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.scoring.engine import Analysis, CompanySpec, ScoringEngine, band_for
from core.scoring.history import history_for


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


def average_precision(scores: Sequence[float], labels: Sequence[int]) -> float | None:
    """Area under the precision-recall curve as a step sum over distinct score thresholds
    (tied scores enter together), the way scikit-learn's ``average_precision_score`` does."""
    pos = sum(1 for y in labels if y)
    if not pos:
        return None
    pairs = sorted(zip(scores, labels, strict=True), key=lambda t: -t[0])
    ap = 0.0
    tp = seen = 0
    prev_recall = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            tp += 1 if pairs[j][1] else 0
            j += 1
        seen = j
        recall = tp / pos
        ap += (recall - prev_recall) * (tp / seen)
        prev_recall = recall
        i = j
    return ap


def pr_curve(scores: Sequence[float], labels: Sequence[int]) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) at each distinct score, highest first."""
    pos = sum(1 for y in labels if y) or 1
    pairs = sorted(zip(scores, labels, strict=True), key=lambda t: -t[0])
    out: list[tuple[float, float, float]] = []
    tp = 0
    for k, (s, y) in enumerate(pairs, start=1):
        tp += 1 if y else 0
        if k == len(pairs) or pairs[k][0] != s:
            out.append((s, tp / k, tp / pos))
    return out


def reliability_table(
    scores: Sequence[float], labels: Sequence[int], bins: int = 10
) -> list[dict[str, Any]]:
    """Per confidence bin: items, mean predicted confidence, observed TGE rate. A calibrated
    scorer has the last two about equal in every bin."""
    acc = [[0, 0.0, 0] for _ in range(bins)]
    for s, y in zip(scores, labels, strict=True):
        b = min(bins - 1, max(0, int(s * bins)))
        acc[b][0] += 1
        acc[b][1] += s
        acc[b][2] += 1 if y else 0
    return [
        {
            "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
            "n": n,
            "mean_predicted": round(total / n, 4) if n else None,
            "observed": round(hits / n, 4) if n else None,
        }
        for b, (n, total, hits) in enumerate(acc)
    ]


def item_headlines(items: Iterable[dict[str, Any]]) -> list[tuple[str, datetime | None]]:
    """(headline, date) of labelled items, as a service that stored them would have them."""
    return [(str(i.get("title") or ""), parse_published(i.get("date"))) for i in items]


def analyses(
    items: list[dict[str, Any]], engine: ScoringEngine, encoder: Any = None
) -> Iterator[Analysis]:
    """Each item's analysis as the service makes it (``engine``: the linear model's; through
    ``encoder``, the encoder stage, when given). Labels are not read."""
    for item in items:
        title, text = item.get("title") or "", item.get("text") or ""
        a = engine.analyze(
            title,
            text,
            source_kind=item.get("source_kind") or "rss",
            published=parse_published(item.get("date")),
            url=item.get("url") or None,
        )
        yield a if encoder is None else encoder.rescore(a, title, text)


def set_engine(
    items: list[dict[str, Any]], companies_path: str | Path, model: Any, undated_now: bool = False
) -> ScoringEngine:
    """The engine ``evaluate`` scores a labelled set with: the bundled companies, and as
    token history what a service that had stored these items would know of their tickers."""
    engine = ScoringEngine(load_companies(companies_path), model=model, undated_now=undated_now)
    engine.history = history_for(model, item_headlines(items))
    return engine


def evaluate(
    data_path: str | Path,
    companies_path: str | Path,
    threshold: float = 0.5,
    *,
    model: Any = None,
    only_ids: set[str] | None = None,
    skip_ids: set[str] | None = None,
    undated_now: bool = False,
    encoder: Any = None,
) -> dict[str, Any]:
    """Score every item and report precision, recall, F1, per-band precision, average
    precision, Brier score, a reliability table and the worst misses.

    ``model`` is a loaded :class:`core.scoring.model.TGEModel`, or ``None`` for the rules
    alone; ``only_ids`` restricts the items (the final test split), ``skip_ids`` leaves
    some out. An undated item gets no token history, as in training (not "news today": the
    sets hold retellings of old launches on undated pages, which today's history would call
    already trading); ``undated_now`` scores it as of today instead, as eval did before.
    ``encoder``, a loaded :class:`core.scoring.encoder.EncoderStage`, rescores each item as the
    service does (the linear model's analysis through the stage)."""
    items = load_items(data_path)
    if only_ids is not None:
        items = [i for i in items if str(i.get("id")) in only_ids]
    if skip_ids:
        items = [i for i in items if str(i.get("id")) not in skip_ids]
    engine = set_engine(items, companies_path, model, undated_now)
    scores: list[float] = []
    labels: list[int] = []
    tp = fp = fn = tn = 0
    bands: dict[str, list[int]] = {"high": [0, 0], "medium": [0, 0], "low": [0, 0]}
    comp_ok = comp_n = 0
    fps: list[dict[str, Any]] = []
    fns: list[dict[str, Any]] = []
    for item, a in zip(items, analyses(items, engine, encoder), strict=True):
        truth = bool(item.get("is_tge"))
        scores.append(a.confidence)
        labels.append(int(truth))
        # an item the encoder stage left to the linear model is judged at its own threshold
        pred = a.confidence >= a.threshold(threshold)
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
        "scorer": (getattr(model, "name", None) or "rules")
        + (f" + {encoder.name}" if encoder is not None else ""),
        "average_precision": None
        if (ap := average_precision(scores, labels)) is None
        else round(ap, 4),
        "brier": round(
            sum((s - y) ** 2 for s, y in zip(scores, labels, strict=True)) / len(items), 4
        )
        if items
        else None,
        "reliability": reliability_table(scores, labels),
        "curve": {"scores": scores, "labels": labels},
        "worst_false_positives": fps[:5],
        "worst_false_negatives": fns[:5],
    }


def format_report(result: dict[str, Any]) -> str:
    """Human-readable summary of :func:`evaluate` for the terminal."""
    lines = [
        f"scorer: {result.get('scorer', 'rules')}  items: {result['n']}  "
        f"threshold: {result['threshold']}",
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
    ap, brier = result.get("average_precision"), result.get("brier")
    lines.append(
        "average precision: "
        + (f"{ap:.3f}" if ap is not None else "-")
        + "  Brier score: "
        + (f"{brier:.4f}" if brier is not None else "-")
    )
    lines.append("reliability:  bin       items  mean predicted  observed")
    for row in result.get("reliability") or []:
        if row["n"]:
            lines.append(
                f"              {row['bin']}  {row['n']:>5}  {row['mean_predicted']:>14.3f}"
                f"  {row['observed']:>8.3f}"
            )
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


def plot(result: dict[str, Any], path: str | Path) -> Path:
    """Draw the precision-recall curve and the reliability diagram side by side into a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InvalidInput(
            "--plot needs matplotlib: pip install matplotlib (or the [dev] extra)"
        ) from None
    scores = result["curve"]["scores"]
    labels = result["curve"]["labels"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.8))
    curve = pr_curve(scores, labels)
    left.step([r for _t, _p, r in curve], [p for _t, p, _r in curve], where="post")
    ap = result.get("average_precision")
    left.set_title(
        f"Precision-recall ({result.get('scorer', 'rules')}, AP "
        + (f"{ap:.3f}" if ap is not None else "-")
        + ")"
    )
    left.set_xlabel("recall")
    left.set_ylabel("precision")
    left.set_xlim(0, 1.02)
    left.set_ylim(0, 1.02)
    rows = [r for r in result["reliability"] if r["n"]]
    right.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    right.plot(
        [r["mean_predicted"] for r in rows],
        [r["observed"] for r in rows],
        marker="o",
        label="observed TGE rate",
    )
    for r in rows:
        right.annotate(str(r["n"]), (r["mean_predicted"], r["observed"]), fontsize=7)
    right.set_title(f"Reliability (Brier {result.get('brier')})")
    right.set_xlabel("mean predicted confidence (bin)")
    right.set_ylabel("observed share of TGEs")
    right.set_xlim(0, 1)
    right.set_ylim(0, 1.02)
    right.legend(loc="upper left")
    fig.tight_layout()
    out = Path(path)
    try:
        fig.savefig(out, format="png", dpi=100)
    except OSError as exc:
        raise InvalidInput(f"--plot: cannot write {out}: {exc.strerror or exc}") from None
    finally:
        plt.close(fig)
    return out
