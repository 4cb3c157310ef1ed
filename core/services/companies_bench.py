"""`tge-monitor bench companies`: the bulk import and a single write at scale.

Measures, on a scratch SQLite database: importing 10,000 companies (until the import
answers and until the scoring engine has them), then, with 50,000 companies loaded, how
long adding one more takes to answer and to be matched.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from core.config import Settings


def _rows(start: int, n: int) -> list[dict[str, Any]]:
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
            await companies.import_rows(_rows(0, first))
            answered = time.perf_counter() - started
            await companies.rebuilt(within_s=600)
            ready = time.perf_counter() - started
            rebuilds_for_import = companies.rebuilds
            await companies.import_rows(_rows(first, total - first))
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
