"""``tge-monitor bench encoder``: what the optional encoder stage costs on one core.

Real items (the bundled dev set's headlines and texts), each read alone as the service reads
it; reported beside ``bench scoring`` (the linear path, unchanged). A fresh interpreter also
times a start-up with the stage (import, linear model, companies, encoder, one item) and its
peak memory, so the figures are a process's own and not this one's.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from core.bundled import COMPANIES_FILE, DEV_EVAL_FILE
from core.scoring.encoder import ENCODER_DIR, EncoderStage

_STARTUP = """
import json, resource, sys, time
t0 = time.perf_counter()
from core.scoring import ScoringEngine
from core.scoring.encoder import EncoderStage
from core.scoring.evaluate import load_companies
from core.scoring.history import history_for
from core.scoring.model import load_model
model = load_model(None)
engine = ScoringEngine(load_companies(sys.argv[2]), model=model, history=history_for(model))
t1 = time.perf_counter()
stage = EncoderStage.load(sys.argv[1]) if sys.argv[1] else None
title, text = "Acme announces its token generation event", "Claims open on March 3."
a = engine.analyze(title, text)
if stage is not None:
    stage.rescore(a, title, text)
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rss = [x for x in open("/proc/self/status") if x.startswith("VmRSS")]
now = int(rss[0].split()[1]) / 1024 if rss else None
print(json.dumps({"startup_ms": (t2 - t0) * 1000, "encoder_ms": (t2 - t1) * 1000,
                  "peak_rss_mb": peak, "rss_mb": now}))
"""


def _fresh(card: str) -> dict[str, Any] | None:
    try:
        out = subprocess.run(
            [sys.executable, "-c", _STARTUP, card, str(COMPANIES_FILE)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError, OSError):
        return None


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def bench_encoder(path: str | Path | None = None, items: int = 300) -> dict[str, Any]:
    """Load the stage, then read at least ``items`` real items, each alone, in whole passes
    over the dev set (after a warm-up): items/s and ms an item (wall, p50 / p95; CPU
    median), load time, memory."""
    card = Path(path) if path else ENCODER_DIR
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    stage = EncoderStage.load(card)
    load_ms = (time.perf_counter() - t0) * 1000
    rows = [json.loads(x) for x in DEV_EVAL_FILE.read_text(encoding="utf-8").splitlines() if x]
    pairs = [(str(r.get("title") or ""), str(r.get("text") or "")) for r in rows]
    passes = max(1, -(-items // len(pairs)))
    for t, x in pairs[:20]:
        stage.p_encoder(t, x)
    wall: list[float] = []
    cpu: list[float] = []
    w_all = time.perf_counter()
    for _ in range(passes):
        for t, x in pairs:
            w, c = time.perf_counter(), time.process_time()
            stage.p_encoder(t, x)
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    total = time.perf_counter() - w_all
    fresh = _fresh(str(card)) or {}
    base = _fresh("") or {}
    return {
        "model": str(stage.card.model),
        "form": stage.card.form,
        "model_mb": round(stage.card.model.stat().st_size / 2**20, 1),
        "items": len(pairs),
        "scored": len(wall),
        "items_per_s": round(len(wall) / total, 1) if total else None,
        "ms_per_item_p50": round(statistics.median(wall), 2),
        "ms_per_item_p95": round(_pct(wall, 0.95), 2),
        "cpu_ms_per_item_median": round(statistics.median(cpu), 2),
        "load_ms": round(load_ms, 1),
        "rss_growth_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0, 1),
        "startup_ms_with_encoder": round(fresh["startup_ms"], 1) if fresh else None,
        "startup_ms_linear_only": round(base["startup_ms"], 1) if base else None,
        "rss_mb_with_encoder": round(fresh["rss_mb"], 1) if fresh.get("rss_mb") else None,
        "rss_mb_linear_only": round(base["rss_mb"], 1) if base.get("rss_mb") else None,
        "peak_rss_mb_with_encoder": round(fresh["peak_rss_mb"], 1) if fresh else None,
        "peak_rss_mb_linear_only": round(base["peak_rss_mb"], 1) if base else None,
    }
