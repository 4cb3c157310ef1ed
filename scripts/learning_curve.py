"""Experiment (not part of the service): does the model gain from MORE labelled real news?

Why: three sessions of feature work (character n-grams, boosting, embeddings, distillation,
token history) all landed within ~+0.01 average precision of the shipped model. Whether the
words-only model is at its ceiling for this much data, or for this model, a learning curve
tells: the same procedure trained on a growing share of the same data.

Protocol (fixed before the run, 2026-12-06 06:40 UTC): exactly ``tge-monitor train``'s 5x5
grouped CV (same data, seed 0, the same outer folds and test parts, the final test's projects
dropped before any feature is made, C 0.3 as the shipped training chose it, calibration and
the operating threshold chosen inside each training part as ``cross_validate`` does). For
each outer fold the training part's REAL (corpus) rows are subsampled by project group: the
groups in a seeded random order (``numpy.random.default_rng(seed + 1000*repeat + fold)``),
taken until they hold the size's share of the part's real rows; the sizes are nested (the
25 % set is inside the 50 % one ...). The written sets (``--train-only``) stay in every size:
the question is about real data. Test parts are untouched, so every size is scored on the
same items. Per size, over the 5 repeats (each repeat's 5 test parts pooled, as the card's
CV does): average precision, F1 at the threshold each fold chose on its own training part
(nested) and at the fixed 0.39, high-band (>= 0.7) precision; mean +- spread (population sd).

    nice -n 10 python scripts/learning_curve.py [--sizes 0.25 0.5 0.75 1.0] [--repeats 5]
    nice -n 10 python scripts/learning_curve.py --added FILE [FILE ...]  # new items, training only

``--added`` (a file of labelled items in the corpus's format: a batch labelled later, e.g.
``core/data/labelled/batch-2026-12-06.jsonl`` from ``labelling_batch.py``): the same folds and
test parts as above, the yardstick's rows exactly as ``train`` builds them WITHOUT the batch
(features, groups, hidden projects), and the batch's items added to every training part, except
those about a project of the fold's test part (grouped with the yardstick's rows by name and
ticker, as ``train`` groups) and those about a final-test project. The batch's rows are made the
way ``load_rows`` makes rows: the yardstick's companies table plus the batch's labelled projects
(a seeded quarter of the batch's new projects left unlisted), the token history of all real
headlines. Scored on the yardstick's items only, so the figures compare with it; the paired base
(the same run without the batch) is printed beside.

Result (2026-12-06, base 2540f72; 2,606 real items scored, 470 TGE; load ~5 on 2 cores,
2.9 min). Mean +- sd over the 5 repeats; F1 at the nested threshold / at a fixed 0.39:

    share  real rows  AP              F1 nested       F1 at 0.39      high-band precision
    25 %     552      0.685 +- 0.010  0.660 +- 0.008  0.652 +- 0.016  0.792 +- 0.036
    50 %   1,054      0.720 +- 0.003  0.688 +- 0.008  0.688 +- 0.010  0.823 +- 0.015
    75 %   1,579      0.744 +- 0.009  0.700 +- 0.007  0.697 +- 0.011  0.819 +- 0.010
    100 %  2,085      0.761 +- 0.006  0.709 +- 0.008  0.708 +- 0.004  0.812 +- 0.022

100 % is the card's CV exactly. AP gains ~+0.038 per doubling of real data with no bend yet;
F1 gains less each doubling; high-band precision does not move. So more labelled real data
is a lever (log-linear: ~20x the data for AP 0.93), which feature work was not.

``--added core/data/labelled/batch-2026-12-06.jsonl`` (1,172 items, 55 TGE; ~1,089 added to each
training part), same 2,606 test items, base = the same run without it: AP 0.761 +- 0.004 ->
0.745 +- 0.004 (paired by repeat -0.016 +- 0.006, lower in all 5), F1 nested 0.715 -> 0.702,
high band 0.832 -> 0.813. The batch (95 % negatives, half general business news) is not like
the corpus the curve was drawn on; see ``core/data/model/README.md``, "More labelled data".

``--added core/data/labelled/batch-2026-12-06-2.jsonl`` (the second batch, drawn from new crypto
sources like the corpus; 1,175 items, 107 TGE; ~1,104 added to each training part), same 2,606
test items: AP 0.757 +- 0.006 -> 0.762 +- 0.004 (paired +0.0045 +- 0.0038, higher in 4 of 5),
F1 nested 0.711 -> 0.714, high band 0.840 -> 0.839: below the +0.01 fixed beforehand.

``--ngram-max N`` / ``--drop SIGNAL ...`` also run the variant with those training options
(``tge-monitor train --ngram-max`` / ``--drop``) on the same rows, folds and test items, with
and without ``--added``; each run's AP is paired by repeat with the base (2026-12-06, issue
11, candidates for batch 5; ``--added`` batch 2 + notices; base AP 0.7577 +- 0.0031):
word trigrams -0.0131 +- 0.0049 alone, -0.0002 +- 0.0047 with the batches; without the length
signals (``len:short``, ``len:long``) +0.0006 +- 0.0016 alone, +0.0066 +- 0.0029 with the
batches (higher in 5 of 5; the batches alone +0.0046 +- 0.0037), +0.0032 +- 0.0030 with the
notices only.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.scoring import train as T  # noqa: E402
from core.scoring.engine import ScoringEngine  # noqa: E402
from core.scoring.evaluate import load_items  # noqa: E402

DATA = [ROOT / "core/data/labelled/corpus.jsonl"]
TRAIN_ONLY = [
    ROOT / "core/data/eval/dev.jsonl",
    *(ROOT / f"tests/data/heldout/set{i}/items.jsonl" for i in (1, 2, 3, 4)),
]
C = 0.3  # the shipped model's choice (card.training.c_chosen)
FIXED = 0.39  # the shipped decision threshold


def subsample(M: Any, groups: Any, tr: Any, share: float, seed: int) -> Any:
    """The training rows ``tr`` with the real rows cut to ``share`` by whole project groups
    (seeded order, nested across shares); the written (train-only) rows all kept."""
    if share >= 1.0:
        return tr
    real = tr[M.evidence[tr]]
    order = np.random.default_rng(seed).permutation(sorted(set(groups[real])))
    by_group: dict[str, list[int]] = {}
    for i in real:
        by_group.setdefault(groups[i], []).append(int(i))
    want = share * len(real)
    kept: list[int] = []
    for g in order:
        if len(kept) >= want:
            break
        kept += by_group[g]
    return np.sort(np.concatenate([np.array(kept, dtype=int), tr[~M.evidence[tr]]]))


def summary(vals: list[float]) -> dict[str, float]:
    mean = sum(vals) / len(vals)
    sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals))
    return {"mean": round(mean, 4), "sd": round(sd, 4)}


def batch_rows(
    base: list[T.Row], data: list[Path], added: list[dict[str, Any]], config: Any, held: set[str]
) -> tuple[list[T.Row], list[str]]:
    """The batch's rows, made as ``load_rows`` makes rows, beside the yardstick's ``base``
    rows (whose features stay as they were); and every row's group over both (base first)."""
    everything = list(base)
    # load_rows' own choice of unlisted projects, over all rows before the final test's drop
    all_rows, _t = T.load_rows(data, TRAIN_ONLY, config=config)
    groups = sorted({r.group for r in all_rows if r.keys})
    hidden = set(random.Random(config.seed).sample(groups, round(len(groups) * config.unlisted)))
    unlisted = {k for r in all_rows if r.group in hidden for k in r.keys}
    rows = [
        T.Row(
            id=str(it["id"]),
            title=str(it.get("title") or ""),
            text=str(it.get("text") or ""),
            label=int(bool(it.get("is_tge"))),
            evidence=True,
            keys=T.project_keys(it),
            company=str(it.get("company") or ""),
            ticker=str(it.get("token_symbol") or ""),
            published=T.parse_published(it.get("date")),
        )
        for it in added
    ]
    first = ScoringEngine(T.companies_table([*data, *TRAIN_ONLY], added, set()))
    for r in rows:
        if not r.keys:
            r.keys = T._engine_keys(first.analyze_rules(r.title, r.text, published=r.published))
    # groups over base and batch together: a batch row joins the project of a base row
    joint = [
        T.Row(id=r.id, title="", text="", label=0, evidence=True, keys=list(r.keys))
        for r in all_rows + rows
    ]
    T.group_rows(joint)
    group_of = {r.id: r.group for r in joint}
    # a batch row joined to a final-test project is dropped (the add step keeps out those
    # labelled with one; this catches the ones the engine names)
    held_groups = {group_of[i] for i in held if i in group_of}
    rows = [r for r in rows if group_of[r.id] not in held_groups]
    known = {k for r in all_rows for k in r.keys}
    new_groups = sorted({group_of[r.id] for r in rows if r.keys and not set(r.keys) & known})
    rng = random.Random(config.seed)
    hide_new = set(rng.sample(new_groups, round(len(new_groups) * config.unlisted)))
    unlisted |= {k for r in rows if group_of[r.id] in hide_new for k in r.keys}
    specs = T.companies_table([*data, *TRAIN_ONLY], load_items(data[0]) + added, unlisted)
    engine = ScoringEngine(specs)
    history = T.training_history(everything + rows)
    for r in rows:
        day = T.day_of(r.published)
        r.analysis = engine.analyze_rules(r.title, r.text, published=r.published)
        r.feats = T.row_features(r.analysis, r.title, r.text, config, history, day)
    return rows, [group_of[r.id] for r in everything + rows]


def score(
    M: Any, y_rows: int, tasks: list[Any], done: list[Any], scored: Any, repeats: int
) -> dict[str, list[float]]:
    """Per repeat (its test parts pooled): AP, F1 at the nested and the fixed threshold,
    high-band precision, on the ``scored`` rows."""
    runs: dict[str, list[float]] = {
        k: [] for k in ("ap", "f1_nested", "f1_fixed", "high", "threshold")
    }
    for rep in range(repeats):
        p = np.full(y_rows, np.nan)
        hit = np.zeros(y_rows, dtype=bool)
        for (r, _k, _tr, te), (probs, _alone, t) in zip(tasks, done, strict=True):
            if r == rep:
                p[te] = probs
                hit[te] = probs >= t
                runs["threshold"].append(t)
        m = T.metrics(list(p[scored]), list(M.y[scored]), FIXED)
        nested = T.metrics(list(hit[scored].astype(float)), list(M.y[scored]), 1.0)
        runs["ap"].append(m["average_precision"])
        runs["f1_fixed"].append(m["f1"])
        runs["f1_nested"].append(nested["f1"])
        runs["high"].append(m["high_precision"] or 0.0)
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument(
        "--added",
        type=Path,
        nargs="+",
        help="labelled items (JSONL files, read together) added to training only",
    )
    ap.add_argument(
        "--ngram-max",
        type=int,
        help="also run the variant whose word n-grams go up to this length (same folds)",
    )
    ap.add_argument(
        "--drop",
        nargs="+",
        default=[],
        help="also run the variant without these engine signals (e.g. len:short; same folds)",
    )
    ap.add_argument("--corpus", type=Path, default=DATA[0], help="the labelled corpus")
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = ap.parse_args()
    config = T.TrainConfig(repeats=args.repeats)
    t0 = time.time()
    held = T.read_ids(T.FINAL_TEST_IDS)
    data = [args.corpus]
    rows, _table = T.load_rows(data, TRAIN_ONLY, config=config, held=held)
    M = T._Matrix(rows)
    groups = np.array([r.group for r in rows])
    everyone = np.arange(len(rows))
    ev = M.evidence
    print(
        f"{len(rows)} rows ({int(ev.sum())} real, {int(M.y[ev].sum())} TGE);"
        f" {time.time() - t0:.0f} s"
    )
    tasks = [
        (rep, k, tr, te)
        for rep in range(config.repeats)
        for k, (tr, te) in enumerate(
            T._splits(M, groups, everyone, config.folds, config.seed + 1000 * rep)
        )
    ]
    out: dict[str, Any] = {}
    # (name, features config, the yardstick's rows made with it): the base, and the variant
    variants = [("", config, rows)]
    if args.ngram_max or args.drop:
        cv = replace(config, ngram_max=args.ngram_max or config.ngram_max, drop=tuple(args.drop))
        rows_v, _t = T.load_rows(data, TRAIN_ONLY, config=cv, held=held)
        assert [r.group for r in rows_v] == list(groups)  # the same rows, so the same folds
        name = " ".join([f"ngram{args.ngram_max}"] * bool(args.ngram_max) + args.drop)
        variants.append((f"{name} ", cv, rows_v))
    if args.added or len(variants) > 1:
        added = [it for f in args.added or () for it in load_items(f)]
        for prefix, cfg, base_rows in variants:
            new, joint = batch_rows(base_rows, data, added, cfg, held) if added else ([], groups)
            n = len(base_rows)
            scored = np.concatenate([ev, np.zeros(len(new), dtype=bool)])
            rows_all = base_rows + new
            MA = T._Matrix(rows_all)
            ga = np.array(joint)
            DA = MA.transform([r.unlisted for r in rows_all])
            new_idx = np.arange(n, len(rows_all))
            plus = []
            for _rep, _k, tr, te in tasks:
                near = set(ga[te])
                plus.append(np.concatenate([tr, [i for i in new_idx if ga[i] not in near]]))
            if added:
                extra = np.mean([len(p) - len(t[2]) for p, t in zip(plus, tasks, strict=True)])
                print(
                    f"{prefix}batch: {len(new)} rows ({sum(r.label for r in new)} TGE); added to"
                    f" a training part: {extra:.0f} on average"
                )
            named = [("base", [t[2] for t in tasks])] + ([("added", plus)] if added else [])
            for name, parts in named:
                t1 = time.time()
                done = T._parallel(cfg)(
                    T._outer_fold(MA, ga, tr, te, C, cfg, cfg.seed + 1000 * rep + 1, DA)
                    for tr, (rep, _k, _tr, te) in zip(parts, tasks, strict=True)
                )
                runs = score(MA, len(rows_all), tasks, done, scored, config.repeats)
                key = prefix + name
                out[key] = {k: summary(v) for k, v in runs.items()} | {
                    "ap_by_repeat": [round(v, 4) for v in runs["ap"]]
                }
                print(f"{key}: {json.dumps(out[key])} ({time.time() - t1:.0f} s)", flush=True)
        for key in [k for k in out if k != "base"]:
            by = zip(out[key]["ap_by_repeat"], out["base"]["ap_by_repeat"], strict=True)
            out[f"ap_gain_paired {key}"] = summary([a - b for a, b in by])
            print(f"AP gain of {key} over base, paired by repeat: {out[f'ap_gain_paired {key}']}")
    D = M.transform([r.unlisted for r in rows])
    for share in [] if args.added or len(variants) > 1 else args.sizes:
        t1 = time.time()
        subs = [
            subsample(M, groups, tr, share, config.seed + 1000 * rep + k)
            for rep, k, tr, _te in tasks
        ]
        done = T._parallel(config)(
            T._outer_fold(M, groups, sub, te, C, config, config.seed + 1000 * rep + 1, D)
            for sub, (rep, _k, _tr, te) in zip(subs, tasks, strict=True)
        )
        runs = score(M, len(rows), tasks, done, ev, config.repeats)
        real_train = [int(ev[s].sum()) for s in subs]
        out[str(share)] = {k: summary(v) for k, v in runs.items() if v} | {
            "real_train_rows": summary([float(x) for x in real_train])
        }
        print(
            f"share {share}: {json.dumps(out[str(share)])} ({time.time() - t1:.0f} s)", flush=True
        )
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
