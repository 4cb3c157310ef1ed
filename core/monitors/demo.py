"""`tge-monitor demo`: replay the bundled real feeds through the real pipeline, offline.

Serves the bundled `core/data/feeds/` from a local HTTP server, registers each file as a
feed, imports
the bundled companies, polls once (real fetcher, parser, dedup, scoring, alert service) and
prints the alerts with their reasons. Runs on a throw-away SQLite database.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from core.bundled import COMPANIES_FILE, FEEDS_DIR
from core.config import Settings
from core.errors import InvalidInput
from core.monitors.scheduler import Poller
from core.scoring import Analysis


async def _serve(directory: Path) -> tuple[web.AppRunner, int]:
    app = web.Application()
    app.router.add_static("/feeds/", directory, show_index=False)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


async def run_demo(
    settings: Settings,
    *,
    feeds_dir: Path | None = None,
    companies: Path | None = None,
    out: Callable[[str], Any] = print,
) -> int:
    """Returns the number of alerts created; missing inputs are an InvalidInput."""
    from core.runtime import create_app

    feeds_dir = feeds_dir or FEEDS_DIR
    companies = companies or COMPANIES_FILE
    files = sorted(feeds_dir.glob("*.xml"))
    if not files:
        raise InvalidInput(f"no *.xml feeds found in {feeds_dir}", field="feeds")
    if not companies.is_file():
        raise InvalidInput(f"companies file not found: {companies}", field="companies")
    with tempfile.TemporaryDirectory(prefix="tge-demo-") as tmp:
        demo_settings = dataclasses.replace(
            settings,
            data_dir=Path(tmp),
            database_url=f"sqlite://{Path(tmp) / 'demo.db'}",
            redis_url="",
            fetch_allow_private_networks=True,  # the demo's feeds are on 127.0.0.1
            default_sources=False,  # the demo never polls the catalogue's real addresses
        )
        app = create_app(demo_settings)
        runner, port = await _serve(feeds_dir)
        try:
            await app.open()
            imported = await app.companies.import_file(companies)
            await app.companies.rebuilt()  # the demo scores right away: wait for the engine
            out(f"imported {imported['created']} companies from {companies.name}")
            for file in files:
                await app.feeds.add(f"http://127.0.0.1:{port}/feeds/{file.name}", name=file.stem)
            out(f"registered {len(files)} feeds served from http://127.0.0.1:{port}/feeds/")
            poller = Poller(app)
            outcomes = await poller.poll_due()
            stats = [o.stats for o in outcomes if o.stats]
            new = sum(s.new for s in stats)
            corroborated = sum(s.corroborated for s in stats)
            failed = [o for o in outcomes if o.status not in ("ok", "not_modified")]
            out(
                f"polled once: {sum(s.seen for s in stats)} entries, {new} new items, "
                f"{corroborated} duplicates merged across feeds, {len(failed)} feeds failed"
            )
            for o in failed:
                out(f"  feed {o.feed_id}: {o.status} ({o.error})")
            alerts = [a for s in stats for a in s.alerts]
            out(f"{len(alerts)} alert(s) at confidence >= {app.settings.alert_threshold:.2f}:")
            for alert in sorted(alerts, key=lambda a: -a.confidence):
                why = Analysis.from_dict(alert.analysis or {}).why()
                out(f"  {alert.confidence:.2f} [{alert.band}] {alert.title}")
                out(f"       why: {why}")
                out(f"       {alert.url}")
            await poller.stop()
            return len(alerts)
        finally:
            await app.stop()
            await runner.cleanup()
