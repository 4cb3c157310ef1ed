"""The optional second stage: a fine-tuned MiniLM text classifier read beside the linear model.

Why: the linear model (M0) knows only the words it saw labelled; a sentence encoder fine-tuned
on the same data knows that "debuts its native coin" is close to "launches its token". On the
746 fresh pages of batches 10-12 the plain mean of the two, Platt-calibrated, raised average
precision from 0.544 to 0.650 (``core/data/model/README.md``, "Batch 12 and the pooled
reading"). It costs a second runtime (onnxruntime + tokenizers, the ``[encoder]`` extra) and a
~22 MiB model file, so it is optional; and it is off unless asked for, because on fresh pages it
did not beat the linear model (batch 14: AP 0.515 against 0.511; ``decisions/RULE_batch14.md``,
and the model README's "Batches 14 and 15"). On news it alerts less.

Everything the stage needs beside the model is in its **card** (``encoder.json`` beside the
model): the model's and the tokenizer's sha256 (a file that is not the one the card was
written for is refused), how an item is read (``max_len`` word pieces, padded to ``pad_to``),
Platt's (a, b) for the mean score, the decision threshold, and how the files were made.

An item is read alone (never in a batch): the int8 model quantises its activations per run, so
a score read in a batch would depend on its neighbours. An item in a language the model does not
read (the card's ``skips_languages``; zh, ja and ko when it does not say: MiniLM's vocabulary is
English) is not read at all: it keeps the linear model's score and threshold (R8L, issue 11).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.scoring.engine import Analysis, Later, band_for, explanation_stored, store_explanation
from core.scoring.language import CJK_LANGUAGES, LANGUAGE_NAMES

log = logging.getLogger(__name__)

ENCODER_DIR = Path(__file__).resolve().parent.parent / "data" / "model" / "encoder"
CARD_NAME = "encoder.json"
CARD_FORMAT = 1
EPS = 1e-6  # the mean score is clipped to [EPS, 1 - EPS] before its logit (as it was fit)
EXTRA_HINT = "pip install 'tge-monitor[encoder]'"
# The tokenizer reads the whole string before it keeps the first max_len word pieces; a word
# piece spans at most ~100 characters, so this prefix holds them all and bounds the cost.
MAX_CHARS = 20_000


class EncoderError(ValueError):
    """The encoder stage cannot be used; the message says why in one line."""


def item_input(title: str, text: str) -> str:
    """What the encoder reads: the headline, then the text (the headline once when the text
    repeats it). The recipe's own reading (``scripts/embedding_experiment.py`` imports it)."""
    title, text = " ".join(title.split()), " ".join(text.split())
    if title and text.startswith(title):
        text = text[len(title) :].lstrip(" .:-|")
    return f"{title}. {text}" if title and text else (title or text)


def mean_score(p_linear: float, p_encoder: float, encoder_weight: float = 0.5) -> float:
    """The stage's uncalibrated score: the mean of the two probabilities, the encoder's
    weighted ``encoder_weight`` (0.5, the plain mean, unless the card says otherwise: on hard
    pages the linear model ranks far below the encoder and a plain mean lets it drag)."""
    return encoder_weight * p_encoder + (1.0 - encoder_weight) * p_linear


def logit(s: float) -> float:
    s = min(max(s, EPS), 1.0 - EPS)
    return math.log(s / (1.0 - s))


def platt(s: float, a: float, b: float) -> float:
    """Platt's map of the mean score: 1 / (1 + exp(-(a logit(s) + b)))."""
    z = a * logit(s) + b
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def round3(p: float) -> float:
    """A probability as the service stores it: three places, as the linear model rounds."""
    return math.floor(p * 1000 + 0.5) / 1000


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def said(p_encoder: float) -> str:
    """The encoder's part in plain words, for the alert's "why"."""
    if p_encoder >= 0.5:
        return f"the text model reads this as a launch announcement: {p_encoder:.2f}"
    return f"the text model does not read this as a launch announcement: {p_encoder:.2f}"


@dataclass(frozen=True)
class EncoderCard:
    """What ``encoder.json`` says (validated); paths resolved beside the card."""

    path: Path
    name: str
    form: str
    model: Path
    model_sha256: str
    tokenizer: Path
    tokenizer_sha256: str
    max_len: int
    pad_to: int
    platt_a: float
    platt_b: float
    threshold: float
    partner_sha256: str
    raw: dict[str, Any]
    encoder_weight: float = 0.5  # the calibration's weight of the encoder in the mean
    # the languages (``Analysis.language``) the model cannot read: such an item is not read
    skips_languages: frozenset[str] = CJK_LANGUAGES


def _need(spec: dict[str, Any], key: str, kind: type | tuple[type, ...], where: Path) -> Any:
    value = spec.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise EncoderError(f"{where}: card field {key!r} is missing or malformed")
    return value


def _sha_field(spec: dict[str, Any], key: str, where: Path) -> str:
    value = _need(spec, key, str, where).lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise EncoderError(f"{where}: card field {key!r} is not a sha256")
    return value


def _languages_field(spec: dict[str, Any], key: str, where: Path) -> frozenset[str]:
    """An optional list of language codes (those ``core.scoring.language.detect`` gives);
    absent: zh, ja and ko (the cards before it were all of an English model)."""
    if key not in spec:
        return CJK_LANGUAGES
    value = spec[key]
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise EncoderError(f"{where}: card field {key!r} must be a list of language codes")
    unknown = sorted(set(value) - LANGUAGE_NAMES.keys())
    if unknown:
        raise EncoderError(
            f"{where}: card field {key!r} names unknown language codes {unknown}"
            f" (known: {', '.join(LANGUAGE_NAMES)})"
        )
    return frozenset(value)


def read_card(path: str | Path) -> EncoderCard:
    """Parse and validate an encoder card (a file, or a folder holding ``encoder.json``)."""
    p = Path(path)
    if p.is_dir():
        p = p / CARD_NAME
    raw = _read(p, "encoder card")
    try:
        spec = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise EncoderError(f"{p} is not valid JSON ({exc})") from None
    if not isinstance(spec, dict) or spec.get("format") != CARD_FORMAT:
        raise EncoderError(f"{p}: not an encoder card of format {CARD_FORMAT}")
    model = _need(spec, "model", dict, p)
    tok = _need(spec, "tokenizer", dict, p)
    reading = _need(spec, "reading", dict, p)
    cal = _need(spec, "calibration", dict, p)
    partner = _need(spec, "partner", dict, p)
    a = float(_need(cal, "a", (int, float), p))
    b = float(_need(cal, "b", (int, float), p))
    threshold = float(_need(spec, "threshold", (int, float), p))
    weight = cal.get("encoder_weight", 0.5)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool):
        raise EncoderError(f"{p}: card field 'encoder_weight' is malformed")
    if not 0.0 < float(weight) <= 1.0:
        raise EncoderError(f"{p}: calibration.encoder_weight must lie in (0, 1]")
    max_len = int(_need(reading, "max_len", int, p))
    pad_to = int(_need(reading, "pad_to", int, p))
    if not (math.isfinite(a) and math.isfinite(b) and a > 0):
        raise EncoderError(f"{p}: the calibration must be finite with a > 0")
    if not 0.0 < threshold < 1.0:
        raise EncoderError(f"{p}: threshold must lie between 0 and 1")
    if not 2 <= max_len <= 512 or not (pad_to == 0 or max_len <= pad_to <= 512):
        raise EncoderError(f"{p}: reading.max_len / pad_to out of range")
    for part in (model, tok):
        name = _need(part, "file", str, p)
        if Path(name).name != name:
            raise EncoderError(f"{p}: {name!r} must be a file name beside the card")
    return EncoderCard(
        path=p,
        name=str(spec.get("name") or "encoder"),
        form=str(_need(spec, "form", str, p)),
        model=p.parent / model["file"],
        model_sha256=_sha_field(model, "sha256", p),
        tokenizer=p.parent / tok["file"],
        tokenizer_sha256=_sha_field(tok, "sha256", p),
        max_len=max_len,
        pad_to=pad_to,
        platt_a=a,
        platt_b=b,
        threshold=threshold,
        partner_sha256=_sha_field(partner, "sha256", p),
        raw=spec,
        encoder_weight=float(weight),
        skips_languages=_languages_field(spec, "skips_languages", p),
    )


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise EncoderError(f"no {what} at {path}") from None
    except OSError as exc:
        raise EncoderError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read_verified(path: Path, sha: str, what: str) -> bytes:
    data = _read(path, f"{what} file")
    if sha256_of(data) != sha:
        raise EncoderError(f"{path}: sha256 is not the one its card names (another {what} file)")
    return data


class EncoderStage:
    """The loaded encoder: one ONNX session on one thread, its tokenizer and its card.

    ``rescore`` turns the linear model's analysis into the stage's (in place, as the linear
    model's own rescore does); ``rescore_async`` runs it on the stage's own worker thread so
    the event loop never waits on inference (one item at a time, one core at most)."""

    def __init__(self, card: EncoderCard, session: Any, tokenizer: Any) -> None:
        self.card = card
        self.session = session
        self.tokenizer = tokenizer
        self.threshold = card.threshold
        # What an item the encoder cannot read is judged at: the linear model's own threshold
        # (its card's, or the operator's ALERT_THRESHOLD), set by whoever uses the stage
        # (core.runtime.App); None: the stage's own.
        self.linear_threshold: float | None = None
        self.name = card.name
        self._executor: ThreadPoolExecutor | None = None

    @classmethod
    def load(cls, path: str | Path) -> EncoderStage:
        """Read the card, check both files' sha256, open the session; raise EncoderError."""
        return cls.from_card(read_card(path))

    @classmethod
    def from_card(cls, card: EncoderCard) -> EncoderStage:
        """The stage a (validated) card describes; both files' sha256 checked."""
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            missing = getattr(exc, "name", None) or "onnxruntime/tokenizers"
            raise EncoderError(
                f"the encoder stage needs the [encoder] extra ({missing} is not installed):"
                f" {EXTRA_HINT}"
            ) from None
        model = _read_verified(card.model, card.model_sha256, "encoder model")
        tok_bytes = _read_verified(card.tokenizer, card.tokenizer_sha256, "tokenizer")
        try:
            tokenizer = Tokenizer.from_str(tok_bytes.decode("utf-8"))
            tokenizer.enable_truncation(card.max_len)
            if card.pad_to:
                tokenizer.enable_padding(length=card.pad_to)
            else:
                tokenizer.no_padding()
        except Exception as exc:
            raise EncoderError(f"{card.tokenizer}: not a usable tokenizer ({exc})") from None
        so = ort.SessionOptions()
        so.intra_op_num_threads = so.inter_op_num_threads = 1
        so.log_severity_level = 3  # onnxruntime's own warnings are not the operator's business
        try:
            session = ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
        except Exception as exc:
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
            raise EncoderError(
                f"{card.model}: onnxruntime cannot read it ({type(exc).__name__}: {first})"
            ) from None
        stage = cls(card, session, tokenizer)
        try:  # a model of the wrong shape fails here, not on the first live item
            probe = stage.p_encoder("Acme announces its token generation event", "")
        except Exception as exc:
            raise EncoderError(
                f"{card.model}: does not score an item ({type(exc).__name__}: {exc})"
            ) from None
        if not 0.0 <= probe <= 1.0:
            raise EncoderError(f"{card.model}: gives {probe!r}, not a probability")
        return stage

    def p_encoder(self, title: str, text: str) -> float:
        """The encoder's probability of TGE for one item, read alone."""
        import numpy as np

        e = self.tokenizer.encode(item_input(title or "", text or "")[:MAX_CHARS])
        feed = {
            "input_ids": np.array([e.ids], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask], dtype=np.int64),
        }
        p = float(self.session.run(None, feed)[0][0])
        if not math.isfinite(p):
            raise ValueError("the encoder gave a non-finite score")
        return p

    def combine(self, p_linear: float, p_encoder: float) -> float:
        """The stage's calibrated probability (not rounded)."""
        s = mean_score(p_linear, p_encoder, self.card.encoder_weight)
        return platt(s, self.card.platt_a, self.card.platt_b)

    def reads(self, a: Analysis) -> bool:
        """Whether the model reads an item in ``a.language`` (the engine's detection)."""
        return a.language not in self.card.skips_languages

    def rescore(self, a: Analysis, title: str, text: str) -> Analysis:
        """The linear model's analysis ``a`` becomes the stage's (and is returned): the
        calibrated mean as its confidence, the encoder's part at the head of the explanation.
        An item in a language the model does not read is not run: :meth:`unavailable`."""
        if not self.reads(a):
            return self.unavailable(a, a.language)
        p_linear = a.confidence
        p_enc = self.p_encoder(title, text)
        conf = round3(self.combine(p_linear, p_enc))
        before = explanation_stored(a)
        a.confidence = conf
        a.band = band_for(conf)
        store_explanation(a, Later(_explain, p_enc, conf, p_linear, before))
        return a

    async def rescore_async(self, a: Analysis, title: str, text: str) -> Analysis:
        """``rescore`` on the stage's worker thread; on a failure, ``a`` as it was (logged).
        An item the model does not read needs no thread: :meth:`unavailable` at once."""
        if not self.reads(a):
            return self.unavailable(a, a.language)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="encoder")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, self.rescore, a, title, text)
        except Exception as exc:  # an item the encoder cannot read keeps the linear score
            log.warning("encoder stage skipped an item: %s: %s", type(exc).__name__, exc)
            return self.unavailable(a)

    def unavailable(self, a: Analysis, language: str | None = None) -> Analysis:
        """``a`` (the linear model's analysis) for an item the encoder could not read (or, with
        ``language``, does not read: its language): its score unchanged, judged at the linear
        model's threshold (not the stage's, which is for the calibrated mean), and the why says
        so."""
        threshold = self.threshold if self.linear_threshold is None else self.linear_threshold
        if a.judged_at is not None:  # the linear model's own (the CJK model's, for zh/ja/ko)
            threshold = a.judged_at
        a.judged_at = threshold
        before = explanation_stored(a)
        store_explanation(a, Later(_explain_unavailable, threshold, before, language))
        return a

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _linear_explanation(a: Analysis, before: Any) -> list[dict[str, Any]]:
    """The linear model's explanation of ``a`` as stored before the stage's line (worded now if
    it was not)."""
    return before.make(a, *before.args) if before.__class__ is Later else before


def _explain(
    a: Analysis, p_enc: float, conf: float, p_linear: float, before: Any
) -> list[dict[str, Any]]:
    """The stage's line, then the linear model's explanation."""
    head = {
        "signal": "encoder",
        "detail": said(p_enc),
        "delta": round3(conf - p_linear),
        "p_encoder": round3(p_enc),
    }
    return [head, *_linear_explanation(a, before)]


def _explain_unavailable(
    a: Analysis, threshold: float, before: Any, language: str | None = None
) -> list[dict[str, Any]]:
    """The line an item the encoder could not read (or does not read: ``language``) gets, then
    the linear model's explanation."""
    why = (
        "the text model was unavailable for this item"
        if language is None
        else f"this item is in {LANGUAGE_NAMES.get(language, language)}, which the text model"
        " does not read"
    )
    head = {
        "signal": "encoder",
        "detail": (
            f"{why}: scored by the linear model alone, judged at its threshold {threshold:.2f}"
        ),
        "delta": 0.0,
    }
    return [head, *_linear_explanation(a, before)]


def file_sha256(path: str | Path) -> str | None:
    try:
        return sha256_of(Path(path).read_bytes())
    except OSError:
        return None


def check_partner(card: EncoderCard, partner: str | Path) -> None:
    """Raise EncoderError unless ``partner`` is the linear model file the card's calibration
    was fit with (the mean's Platt map is for one linear model)."""
    if file_sha256(partner) != card.partner_sha256:
        raise EncoderError(
            f"its calibration is for another linear model than {partner}"
            " (the card's partner sha256 differs)"
        )


def stage_for_setting(mode: str, path: str, partner: str | Path | None) -> EncoderStage | None:
    """The stage ``SCORING_ENCODER`` asks for: ``off`` none; ``auto`` the stage when its extra,
    card and model are all there and right, else one log line and the linear model alone;
    ``on`` the stage or :class:`core.errors.StartupError` saying what is wrong. ``partner`` is
    the linear model file in use (None: rules only); the card's calibration is for one file."""
    from core.errors import StartupError

    if mode == "off":
        return None
    where = Path(path) if path else ENCODER_DIR
    try:
        card = read_card(where)
        if partner is None:
            raise EncoderError("the encoder stage needs the linear model (SCORING_MODEL=none)")
        check_partner(card, partner)
        stage = EncoderStage.from_card(card)
    except EncoderError as exc:
        if mode == "on":
            raise StartupError(
                f"SCORING_ENCODER=on but the encoder stage cannot load: {exc}"
            ) from None
        log.warning("encoder stage not used, scoring with the linear model alone: %s", exc)
        return None
    log.info(
        "encoder stage %s (%s) loaded from %s: threshold %.2f",
        stage.name,
        stage.card.form,
        stage.card.model,
        stage.threshold,
    )
    return stage
