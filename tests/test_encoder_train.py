"""train-encoder's candidate options (issue 11, RULE_batch16's R4): with none given it is the
committed model's (R8's, RULE_batch24) rebuild; R5p's and E's stay reachable by options; the
relabel verdicts land in copies exactly as scripts/relabel_undated.py writes them, and never in
the labelled files; bad options are clear errors. No torch needed."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from core.errors import InvalidInput
from core.scoring import encoder_train as ET
from tge_monitor.cli import encoder_options, parser

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "core" / "data" / "labelled"
CARD = ROOT / "core" / "data" / "model" / "encoder" / "encoder.json"
VERDICTS = LABELLED / "relabel-2026-12-07.jsonl"
R4_TRAIN = [
    *(LABELLED / f for f in ET.E_TRAIN_FILES),
    *(LABELLED / f"batch-2026-12-07-{i}.jsonl" for i in (8, 9, 10, 11, 12)),
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _args(**over: object) -> argparse.Namespace:
    base = {"train": None, "relabel": None, "calibrate": None, "name": None, "rule": None}
    base |= {"max_len": None, "encoder_weight": None}
    return argparse.Namespace(**(base | over))


def test_defaults_are_the_committed_cards_choices(tmp_path: Path) -> None:
    """No option: rebuild gets no keyword, and the defaults name exactly the files (by sha256),
    relabel verdicts, calibration sets, name, rule and command the committed card (R8's)
    records; the command rebuild() writes for the defaults is that card's ``rebuild``."""
    card = json.loads(CARD.read_text())
    assert encoder_options(_args()) == {}
    assert [ET.shown(f) for f in ET.default_train()] == [d["file"] for d in card["training_data"]]
    assert [_sha(f) for f in ET.default_train()] == [d["sha256"] for d in card["training_data"]]
    relabel = ET.default_relabel()
    assert (ET.shown(relabel), _sha(relabel)) == (
        card["relabel"]["file"],
        card["relabel"]["sha256"],
    )
    pool = card["choice"]["shaped_pool"]
    assert [(k, ET.shown(f), _sha(f)) for k, f in ET.default_calibrate().items()] == [
        (d["set"], d["file"], d["sha256"]) for d in pool
    ]
    assert ET.GUARD_SET in ET.default_calibrate()
    assert card["choice"]["rule"] == ET.RULE and card["rebuild"] == ET.DEFAULT_REBUILD
    assert card["name"] == ET.NAME == "R8"
    cmd = ET.rebuild_command(ET.default_train(), relabel, ET.default_calibrate(), ET.NAME, ET.RULE)
    assert cmd == card["rebuild"]
    ET.check_disjoint(ET.default_train(), ET.default_calibrate())
    # every verdict lands in the default training files' copies, changing what the card says
    _copies, changed = ET.apply_relabel(ET.default_train(), relabel, tmp_path)
    assert changed == card["relabel"]["changed"]


def test_r5ps_recipe_is_reachable_by_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """R5p's command (RULE_batch19: corpus + batches 4-16, the same relabel verdicts, batch 17
    and batch 3 to calibrate on) gives rebuild R5p's files, verdicts, sets, name and rule; it is
    the ``rebuild`` R5p's card (sha256 7e5e0e74..., in history at 659d776) recorded, whose
    sha256 is pinned here."""
    monkeypatch.chdir(ROOT)  # the command's paths are the checkout's
    r5p_card_rebuild = "881cdb9e0cf3fa3dab39f8fb3fbe6b7bc8f3b2a396673b8cf93bc1d3426d6d7c"
    assert hashlib.sha256(ET.R5P_REBUILD.encode()).hexdigest() == r5p_card_rebuild
    opts = encoder_options(parser().parse_args(ET.R5P_REBUILD.split()[1:]))
    assert [ET.shown(f) for f in opts["train_files"]] == [
        "core/data/labelled/" + f for f in ET.R5P_TRAIN_FILES
    ]
    assert [f.resolve() for f in opts["train_files"]] == ET.default_train()[:14]  # R8's start
    assert opts["relabel"].resolve() == VERDICTS
    assert {k: ET.shown(f) for k, f in opts["calibrate"].items()} == {
        "17": "core/data/labelled/batch-2026-12-07-17.jsonl",
        "3": "core/data/labelled/batch-2026-12-06-3.jsonl",
    }
    assert opts["name"] == "R5p" and opts["rule"] == "RULE_batch19"
    assert opts["rebuild_cmd"] == ET.R5P_REBUILD
    ET.check_disjoint(opts["train_files"], opts["calibrate"])


def test_r7us_recipe_is_reachable_by_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """R7u's command (RULE_batch23: R7's corpus + batches 4-20, the relabel verdicts, batch 21
    and batch 3 to calibrate on, read unpadded) gives rebuild R7u's files, sets, name and rule;
    it is the ``rebuild`` R7u's card (bce739ec..., in history at 311e86a) recorded."""
    monkeypatch.chdir(ROOT)  # the command's paths are the checkout's
    r7u_card_rebuild = "021c51f262793c8fc7aea18a63c249e1815ccc2c4482244e0e91450fbb8c744e"
    assert hashlib.sha256(ET.R7U_REBUILD.encode()).hexdigest() == r7u_card_rebuild
    opts = encoder_options(parser().parse_args(ET.R7U_REBUILD.split()[1:]))
    assert [f.resolve() for f in opts["train_files"]] == ET.default_train()[:18]  # to batch 20
    assert {k: ET.shown(f) for k, f in opts["calibrate"].items()} == {
        "21": "core/data/labelled/batch-2026-12-07-21.jsonl",
        "3": "core/data/labelled/batch-2026-12-06-3.jsonl",
    }
    assert opts["name"] == "R7u" and opts["rule"] == "RULE_batch23"
    ET.check_disjoint(opts["train_files"], opts["calibrate"])


def test_es_recipe_is_reachable_by_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """E's command (RULE_batch14: corpus + batches 4-7, no relabel, the shaped pool S) gives
    rebuild E's files, sets, name and rule as E's card (sha256 8c0111da..., in history at
    13b3a1b) recorded them; the module docstring spells out the same command."""
    monkeypatch.chdir(ROOT)  # the command's paths are the checkout's
    words = ET.E_REBUILD.split()
    assert words[:4] == ["tge-monitor", "train-encoder", "--out", "DIR"]
    opts = encoder_options(parser().parse_args(words[1:]))
    assert [ET.shown(f) for f in opts["train_files"]] == [
        "core/data/labelled/" + f for f in ET.E_TRAIN_FILES
    ]
    assert "relabel" in opts and opts["relabel"] is None
    assert {k: ET.shown(f) for k, f in opts["calibrate"].items()} == {
        k: "core/data/labelled/" + f for k, f in ET.SHAPED.items()
    }
    assert opts["name"] == "E" and opts["rule"] == ET.E_RULE
    assert opts["rebuild_cmd"] == ET.E_REBUILD
    doc = ET.__doc__ or ""
    block = doc[
        doc.index("    tge-monitor train-encoder --out DIR --train") : doc.index("\n\nNeeds")
    ]
    assert " ".join(block.replace("\\\n", " ").split()) == ET.E_REBUILD
    ET.check_disjoint(opts["train_files"], opts["calibrate"])


def test_default_card_fields_are_r8s(tmp_path: Path) -> None:
    """write_card with the defaults writes R8's name, training files, reading, recipe and
    rebuild command, as the committed card holds them."""
    for f in ET.FORMS.values():
        (tmp_path / f).write_bytes(b"model")
    (tmp_path / "tokenizer.json").write_bytes(b"{}")
    made = json.loads(ET.write_card(tmp_path, "int8", (1.0, 0.0), 0.5).read_text())
    card = json.loads(CARD.read_text())
    for key in ("name", "training_data", "reading", "partner", "combine", "recipe", "rebuild"):
        assert made[key] == card[key], key


def test_relabel_copies_match_the_scripts_apply_and_leave_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """apply_relabel's copies are byte for byte what ``relabel_undated.py apply`` writes into
    (copies of) the labelled files: 61 labels changed; the labelled files keep their sha256."""
    before = {f: _sha(f) for f in R4_TRAIN}
    copies, changed = ET.apply_relabel(R4_TRAIN, VERDICTS, tmp_path / "mine")
    assert changed == 61
    assert [c.name for c in copies] == [f.name for f in R4_TRAIN]
    assert {f: _sha(f) for f in R4_TRAIN} == before
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    for f in R4_TRAIN:
        shutil.copyfile(f, theirs / f.name)
    sys.path.insert(0, str(ROOT / "scripts"))
    import relabel_undated as RU

    monkeypatch.setattr(RU, "LABELLED", theirs)
    monkeypatch.setattr(RU, "VERDICTS", VERDICTS)
    RU.apply()
    for c in copies:
        assert c.read_bytes() == (theirs / c.name).read_bytes(), c.name
    # batches 10-12 were labelled under the rule already: their copies are the files
    for i in (10, 11, 12):
        name = f"batch-2026-12-07-{i}.jsonl"
        assert _sha(tmp_path / "mine" / name) == _sha(LABELLED / name)
    flipped = [
        r
        for c in copies
        for r in ET.read_jsonl(c)
        if "relabel" in r and r["relabel"]["before"] != r["is_tge"]
    ]
    assert len(flipped) == 61 and not any(r["is_tge"] for r in flipped)


def test_a_verdict_that_lands_nowhere_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ET.TrainEncoderError, match="match no row"):
        ET.apply_relabel(R4_TRAIN[:1], VERDICTS, tmp_path / "out")  # batches 4-9's verdicts
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(ET.TrainEncoderError, match="without id, file and is_tge"):
        ET.apply_relabel(R4_TRAIN[:1], bad, tmp_path / "out")
    bad.write_text("not json\n")
    with pytest.raises(ET.TrainEncoderError, match="not JSON Lines"):
        ET.apply_relabel(R4_TRAIN[:1], bad, tmp_path / "out")


def test_candidate_options_become_rebuild_keywords(tmp_path: Path) -> None:
    extra = tmp_path / "batch-2026-12-07-14.jsonl"
    shutil.copyfile(LABELLED / "batch-2026-12-07-13.jsonl", extra)
    three = str(LABELLED / "batch-2026-12-06-3.jsonl")
    opts = encoder_options(
        _args(
            train=[str(f) for f in R4_TRAIN],
            relabel=str(VERDICTS),
            calibrate=[three, f"fresh={extra}", str(LABELLED / "batch-2026-12-06b.jsonl")],
            name="R4",
            rule="RULE_batch16.md",
        )
    )
    assert opts["train_files"] == R4_TRAIN and opts["relabel"] == VERDICTS
    assert list(opts["calibrate"]) == ["3", "fresh", "notices"]
    assert opts["name"] == "R4" and opts["rule"] == "RULE_batch16.md"
    assert opts["rebuild_cmd"].startswith(ET.REBUILD + " --train ")
    assert "--name R4" in opts["rebuild_cmd"]
    assert ET.calibration_key(extra) == "14"


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"train": ["/nonexistent.jsonl"]}, "--train: file not found"),
        ({"relabel": "/nonexistent.jsonl"}, "--relabel: file not found"),
        ({"calibrate": ["1=/nonexistent.jsonl"]}, "--calibrate: file not found"),
        ({"calibrate": [str(LABELLED / "batch-2026-12-06.jsonl")]}, "must include batch 3"),
        (
            {"calibrate": [str(LABELLED / "batch-2026-12-06-3.jsonl")] * 2},
            "set 3 given twice",
        ),
        ({"name": "R 4; rm"}, "--name"),
        ({"max_len": 4}, "--max-len must be 8..512"),
        ({"max_len": 1024}, "--max-len must be 8..512"),
        ({"encoder_weight": 0.0}, r"--encoder-weight must lie in \(0, 1\]"),
        ({"encoder_weight": 1.2}, r"--encoder-weight must lie in \(0, 1\]"),
    ],
)
def test_bad_options_are_clear_errors(over: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        encoder_options(_args(**over))


def test_max_len_is_an_option_the_card_and_its_command_record(tmp_path: Path) -> None:
    """R9L and R10L (RULE_batch26/27: the recipe reading 128 word pieces) are rebuildable by
    ``--max-len 128``: the option reaches rebuild, its command says it, and the card records
    the length it is read with and trained on; the recipe's own length leaves every command
    as it was (R8's default command, pinned above, has no ``--max-len``)."""
    opts = encoder_options(parser().parse_args(["train-encoder", "--out", "X", "--max-len", "128"]))
    assert opts["max_len"] == 128 and opts["rebuild_cmd"].endswith("--max-len 128")
    assert encoder_options(_args()) == {}
    files, sets = ET.default_train(), ET.default_calibrate()
    relabel = ET.default_relabel()
    plain = ET.rebuild_command(files, relabel, sets, "R9", "RULE_batch26")
    longer = ET.rebuild_command(files, relabel, sets, "R9L", "RULE_batch26", 128)
    assert "--max-len" not in plain and longer.endswith("--rule RULE_batch26 --max-len 128")
    assert ET.rebuild_command(files, relabel, sets, ET.NAME, ET.RULE, ET.MAX_LEN) == (
        ET.DEFAULT_REBUILD
    )
    for f in ET.FORMS.values():
        (tmp_path / f).write_bytes(b"model")
    (tmp_path / "tokenizer.json").write_bytes(b"{}")
    card = json.loads(ET.write_card(tmp_path, "int8", (1.0, 0.0), 0.5, max_len=128).read_text())
    assert card["reading"]["max_len"] == 128 and "128 word pieces" in card["recipe"]


def test_encoder_weight_is_an_option_the_fit_the_card_and_its_command_record(
    tmp_path: Path,
) -> None:
    """R8w (RULE_batch29: R8's model, the encoder weighted 0.8 in the fused score) is rebuildable
    by ``--encoder-weight 0.8``: the option reaches rebuild, its command says it, the Platt map is
    fit on the weighted score, and the card records the weight the stage reads; the plain
    mean's 0.5 leaves every command and card as it was."""
    opts = encoder_options(
        parser().parse_args(["train-encoder", "--out", "X", "--encoder-weight", "0.8"])
    )
    assert opts["encoder_weight"] == 0.8 and opts["rebuild_cmd"].endswith("--encoder-weight 0.8")
    files, sets, relabel = ET.default_train(), ET.default_calibrate(), ET.default_relabel()
    weighted = ET.rebuild_command(files, relabel, sets, "R8w", "RULE_batch29", 64, 0.8)
    assert weighted.endswith("--rule RULE_batch29 --encoder-weight 0.8")
    assert ET.rebuild_command(files, relabel, sets, ET.NAME, ET.RULE, 64, 0.5) == (
        ET.DEFAULT_REBUILD
    )
    rng = np.random.default_rng(0)
    y = [int(v) for v in rng.random(400) < 0.2]
    m0 = [float(min(0.99, max(0.01, 0.3 * t + rng.random() * 0.5))) for t in y]
    enc = [float(min(0.99, max(0.01, 0.6 * t + rng.random() * 0.4))) for t in y]
    guard = rng.random(100) * 0.2
    scores = {
        "9": {"y": y, "M0": m0, "int8": enc},
        "3": {"y": [0] * 100, "M0": list(guard), "int8": list(guard)},
    }
    plain, heavy = ET.choose(scores, ("int8",)), ET.choose(scores, ("int8",), 0.8)
    s = np.array(
        [0.8 * e + 0.2 * m for m, e in zip(m0 + list(guard), enc + list(guard), strict=True)]
    )
    a, b = ET.fit_platt(s, np.array(y + [0] * 100))
    assert heavy["forms"]["int8"]["platt"] == pytest.approx([a, b])
    assert heavy["forms"]["int8"]["platt"] != pytest.approx(plain["forms"]["int8"]["platt"])
    for f in ET.FORMS.values():
        (tmp_path / f).write_bytes(b"model")
    (tmp_path / "tokenizer.json").write_bytes(b"{}")
    card = json.loads(
        ET.write_card(tmp_path, "int8", (1.1, 0.0), 0.5, encoder_weight=0.8).read_text()
    )
    assert card["calibration"]["encoder_weight"] == 0.8 and "w p_encoder" in card["combine"]
    assert ET.read_card(tmp_path / "encoder.json").encoder_weight == 0.8
    card = json.loads(ET.write_card(tmp_path, "int8", (1.1, 0.0), 0.5).read_text())
    assert "encoder_weight" not in card["calibration"] and card["combine"].startswith("s = mean")


def test_calibration_items_must_not_be_trained_on() -> None:
    with pytest.raises(ET.TrainEncoderError, match=r"shares \d+ ids with the training"):
        ET.check_disjoint(R4_TRAIN, {"3": LABELLED / "batch-2026-12-07-12.jsonl"})
    ET.check_disjoint(
        R4_TRAIN,
        {k: v for k, v in ET.default_calibrate().items() if k in ("1", "2", "3", "notices")},
    )
