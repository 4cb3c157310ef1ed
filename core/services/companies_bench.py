"""`tge-monitor bench companies`: the bulk import and a single write at scale.

Measures, on a scratch SQLite database: importing 10,000 companies (until the import
answers and until the scoring engine has them), then, with 50,000 companies loaded, how
long adding one more takes to answer and to be matched. The same through the doors a user
has: `tge-monitor companies import FILE` (the whole command, process start to exit; see
`bench_companies_cli`) and the REST API (web.bench.bench_companies_rest).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from core.config import Settings

GOAL_IMPORT_S = 10.0  # 10,000 companies imported
GOAL_ADD_ONE_MS = 100.0  # one more company at 50,000 answers


def rows(start: int, n: int) -> list[dict[str, Any]]:
    return [
        {"name": f"Bench Project {i}", "tokens": [f"BP{i}"], "aliases": [f"Benchco {i}"]}
        for i in range(start, start + n)
    ]


async def bench_companies(first: int = 10_000, total: int = 50_000) -> dict[str, Any]:
    from core.runtime import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            {"DATA_DIR": str(Path(tmp) / "data"), "SECRET_KEY": "bench-" + "x" * 40}
        )
        app = create_app(settings)
        await app.open()
        try:
            companies = app.companies
            started = time.perf_counter()
            await companies.import_rows(rows(0, first))
            answered = time.perf_counter() - started
            await companies.rebuilt(within_s=600)
            ready = time.perf_counter() - started
            rebuilds_for_import = companies.rebuilds
            await companies.import_rows(rows(first, total - first))
            await companies.rebuilt(within_s=600)
            started = time.perf_counter()
            await companies.create("One More Project", tokens=["ONEMORE"])
            add_answered = time.perf_counter() - started
            await companies.rebuilt(within_s=600)
            add_matched = time.perf_counter() - started
            hit = app.scoring.analyze("One More Project announces ONEMORE token airdrop", "")
            return {
                "import_companies": first,
                "import_answered_s": round(answered, 3),
                "import_engine_ready_s": round(ready, 3),
                "rebuilds_for_import": rebuilds_for_import - 1,  # minus open()'s
                "companies_total": total + 1,
                "add_one_answered_ms": round(add_answered * 1000, 1),
                "add_one_matched_ms": round(add_matched * 1000, 1),
                "add_one_matched": any(c["name"] == "One More Project" for c in hit.companies),
            }
        finally:
            await app.stop()


def bench_companies_cli(companies: int = 10_000) -> dict[str, Any]:
    """`tge-monitor companies import FILE` of `companies` new companies, timed as a user
    sees it: from starting the command (a fresh database: migrations too) to its exit."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "companies.json"
        path.write_text(json.dumps(rows(0, companies)))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
            "DATA_DIR": str(Path(tmp) / "data"),
            "SECRET_KEY": "bench-" + "x" * 40,
            "LOG_LEVEL": "WARNING",
        }
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "tge_monitor.cli", "companies", "import", str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"companies import failed: {done.stderr.strip()[-500:]}")
    return {
        "cli_import_companies": companies,
        "cli_import_s": round(took, 2),
        "cli_import_output": done.stdout.strip(),
    }
