"""The Cython build of the scorer: same answers as the source, and never stale.

Each case runs a fresh interpreter, because which build is used is settled once per process
when ``core.scoring`` is imported.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from core.bundled import COMPANIES_FILE, DEV_EVAL_FILE
from core.scoring import _native

ROOT = Path(__file__).resolve().parents[1]
DEV = DEV_EVAL_FILE
COMPANIES = COMPANIES_FILE

compiled_only = pytest.mark.skipif(
    set(_native.status.values()) != {"compiled"} and os.environ.get("CI") != "true",
    reason="no fresh compiled scorer build here (needs a C compiler at install time, and "
    "`pip install -e .` again after the sources change); CI always has one",
)

# Scores a fixed corpus and prints every analysis as JSON.
SCORE_CORPUS = r"""
import json, sys
from datetime import datetime, timezone
from pathlib import Path
from core.scoring import _native
from core.scoring.bench import synthetic_companies, synthetic_items
from core.scoring.engine import ScoringEngine
from core.scoring.evaluate import load_companies

dev, companies = Path(sys.argv[1]), Path(sys.argv[2])
specs = synthetic_companies(500) + (load_companies(companies) if companies.exists() else [])
items = []
if dev.exists():
    for line in dev.read_text().splitlines():
        row = json.loads(line)
        items.append((row.get("title", ""), row.get("text", "")))
items += [("", doc) for doc in synthetic_items(specs, 300, seed=5)]
items += [
    ("<b>Berachain</b> TGE &amp; $BERA airdrop claims open tomorrow", "Snapshot 2026-03-03."),
    ("WILL JUPITER LAUNCH A TOKEN?", "no plans for a token, the team said \u2014 in 2 hours"),
    ("🚀 Pump.fun \u201cPUMP\u201d token generation event", "on March 3\u00a0at 10:00 UTC"),
    ("", "<script>alert(1)</script>Send 1 ETH to receive 2 ETH in the LayerZero drop"),
    ("空投TGE", "Hyperliquid (HYPE) listing on Q1 2026, ticker HYPE"),
    ("币安Alpha将上线XYZ代币（XYZ），TGE时间为12月8日", "空投已开放领取。详情见公告"),
    ("업비트 원화 마켓 상장", "에어드랍 일정: 12월 8일, TGE 예정"),
]
published = datetime(2026, 3, 1, tzinfo=timezone.utc)
from core.scoring.model import load_model
engine = ScoringEngine(specs)
out = [engine.analyze(t, x, published=p).to_dict() for t, x in items for p in (None, published)]
engine.model = load_model()  # the learned layer (compiled too) on top
out += [engine.analyze(t, x, published=p).to_dict() for t, x in items for p in (None, published)]
from core.scoring.model import attach_cjk, cjk_model_for_setting
attach_cjk(engine.model, cjk_model_for_setting(""))  # zh/ja/ko items by the CJK model (MZ)
out += [engine.analyze(t, x, published=p).to_dict() for t, x in items for p in (None, published)]
print(json.dumps({"build": _native.status, "analyses": out}, sort_keys=True))
"""


def _run(code: str, *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> dict:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return {"stdout": json.loads(proc.stdout), "stderr": proc.stderr}


@compiled_only
def test_compiled_build_scores_exactly_like_the_source() -> None:
    compiled = _run(SCORE_CORPUS, str(DEV), str(COMPANIES))["stdout"]
    source = _run(SCORE_CORPUS, str(DEV), str(COMPANIES), env={_native.PURE_ENV: "1"})["stdout"]
    assert set(compiled["build"].values()) == {"compiled"}
    assert all(how.startswith("source") for how in source["build"].values())
    assert len(compiled["analyses"]) > 600
    assert any(a["band"] == "high" for a in compiled["analyses"])
    assert compiled["analyses"] == source["analyses"]


@compiled_only
def test_a_build_older_than_its_source_is_skipped(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "core", tmp_path / "core", ignore=shutil.ignore_patterns("__pycache__"))
    edited = tmp_path / "core" / "scoring" / "engine.py"
    edited.write_text(edited.read_text() + "\nEDITED_AFTER_THE_BUILD = True\n")
    code = (
        "import logging; logging.basicConfig(level=logging.INFO)\n"
        "import json, core, core.scoring.engine as e, core.scoring.text as t\n"
        "import core.scoring.language as lang\n"
        "from core.scoring import _native\n"
        "from core.scoring.bench import synthetic_companies\n"
        "from core.scoring.model import load_model\n"
        "engine = e.ScoringEngine(synthetic_companies(50))\n"
        "engine.model = load_model()\n"
        "a = engine.analyze('Berachain TGE: $BERA airdrop claims open tomorrow', '')\n"
        "print(json.dumps({'core': core.__file__, 'build': _native.status,"
        " 'engine': e.__file__, 'text': t.__file__, 'language': lang.__file__,"
        " 'edited': getattr(e, 'EDITED_AFTER_THE_BUILD', False), 'score': a.confidence}))"
    )
    result = _run(code, env={"PYTHONPATH": str(tmp_path)}, cwd=tmp_path)
    seen = result["stdout"]
    assert seen["core"].startswith(str(tmp_path))
    assert seen["build"]["engine"] == "source (compiled build is stale)"
    assert seen["engine"].endswith("engine.py") and seen["edited"] is True
    # the fresh builds are not mixed with a source: compiled modules check the types they
    # are handed, and the model path failed on such a mix (TypeError: expected dict)
    assert seen["text"].endswith(".py") and seen["language"].endswith(".py")
    assert seen["build"]["text"] == "source (the build of engine is stale)"
    assert all(how.startswith("source") for how in seen["build"].values())
    assert seen["score"] > 0
    assert "rebuild with: pip install -e ." in result["stderr"]


def test_pure_python_switch_loads_every_source() -> None:
    code = (
        "import json, core.scoring.engine as e, core.scoring.text as t, core.scoring.urgency as u\n"
        "import core.scoring.model as m\n"
        "from core.scoring import _native\n"
        "print(json.dumps({'build': _native.status, 'files': [e.__file__, t.__file__,"
        " u.__file__, m.__file__]}))"
    )
    seen = _run(code, env={_native.PURE_ENV: "1"})["stdout"]
    assert all(f.endswith(".py") for f in seen["files"])
    assert set(seen["build"]) == {"text", "urgency", "language", "history", "engine", "model"}
    assert all(how.startswith("source") for how in seen["build"].values())
