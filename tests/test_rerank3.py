"""Candidate R3's frozen predictor (``scripts/rerank3.py``): the parts that need no model file.
Its calibration is Platt's map of the clipped mean score, its thresholds lie on the rule's grid,
and ``predict`` refuses model files other than the frozen ones before it scores anything."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import rerank3


def test_calibration_is_platt_on_the_clipped_logit() -> None:
    s = np.array([0.0, 1e-9, 0.2, 0.5, 0.8, 1.0])
    p = rerank3.calibrate(s, 2.0, -0.5)
    assert np.all(np.diff(p) >= 0) and p[0] == p[1]  # clipped at 1e-6 alike
    assert p[3] == pytest.approx(1 / (1 + np.exp(0.5)))
    assert p[4] == pytest.approx(1 / (1 + np.exp(-(2.0 * np.log(4.0) - 0.5))))


def test_platt_fit_recovers_a_known_map() -> None:
    rng = np.random.default_rng(0)
    s = rng.uniform(0.01, 0.99, 20_000)
    y = (rng.uniform(size=s.size) < rerank3.calibrate(s, 1.5, -1.0)).astype(int)
    a, b = rerank3.fit_platt(s, y)
    assert a == pytest.approx(1.5, abs=0.1) and b == pytest.approx(-1.0, abs=0.1)


def test_frozen_thresholds_lie_on_the_rules_grid() -> None:
    assert rerank3.GRID[0] == 0.1 and rerank3.GRID[-1] == 0.9 and len(rerank3.GRID) == 81
    frozen = rerank3.FROZEN
    assert frozen is not None, "R3 must be frozen before batch 10's predictions"
    for name in ("R3", "R3fp32", "M0b"):
        assert frozen[name]["threshold"] in rerank3.GRID
    for name in ("R3", "R3fp32"):
        assert frozen[name]["platt"][0] > 0  # a higher mean is never less likely TGE
    assert set(frozen["sha256"]) == {*rerank3.FORMS.values(), "tge-model-v1.json"}


def test_predict_refuses_other_model_files(tmp_path: Path) -> None:
    for f in rerank3.FORMS.values():
        (tmp_path / f).write_bytes(b"not the frozen model")
    packet = tmp_path / "packet.jsonl"
    packet.write_text('{"id": "c-1", "title": "t", "text": "x", "date": null}\n')
    with pytest.raises(SystemExit, match="not the frozen one"):
        rerank3.predict(packet, tmp_path / "out", tmp_path)
    assert not (tmp_path / "out").exists()
