"""The default catalogues: public news/exchange feeds and well-known crypto projects.

A fresh database gets both, once (so a first `tge-monitor run` watches something real and
`/watch LayerZero` works without an admin typing it in); a SystemMetrics row named
`catalogue_seeded` (with the counts) records that it happened, whichever command first
created the schema, so removed entries never come back on a restart.

Catalogue feeds are ordinary Feed rows marked with `state["catalogue"] = key`;
`DEFAULT_SOURCES=false` keeps them off (not loaded the first time, and disabled, with that
reason, if they were loaded before). Only the serving commands and `migrate` call `seed()`:
tests, the demo, `eval` and the benches open the App without it, so they never poll a
catalogue address.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.bundled import COMPANIES_CATALOGUE_FILE, SOURCES_CATALOGUE_FILE
from core.errors import InvalidInput, NotFound
from core.models import Company, Feed, FeedKind, Priority, SystemMetrics

log = logging.getLogger(__name__)

OFF_BY_SETTING = "DEFAULT_SOURCES=false"
SEEDED = "catalogue_seeded"


@dataclass(frozen=True)
class CatalogueSource:
    """One entry of sources.json: where it is, how often to poll, where the address came from."""

    key: str
    name: str
    kind: str
    url: str
    interval_s: int
    note: str


def load_sources(path: Path = SOURCES_CATALOGUE_FILE) -> list[CatalogueSource]:
    rows = json.loads(path.read_text())
    return [
        CatalogueSource(
            key=r["key"],
            name=r["name"],
            kind=r["kind"],
            url=r["url"],
            interval_s=int(r["interval_s"]),
            note=r["note"],
        )
        for r in rows
    ]


def load_companies(path: Path = COMPANIES_CATALOGUE_FILE) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text())
    return rows


class Catalogue:
    """Seeds, lists and switches the default catalogues (the `sources` CLI uses it)."""

    def __init__(
        self,
        app: Any,
        sources_file: Path = SOURCES_CATALOGUE_FILE,
        companies_file: Path = COMPANIES_CATALOGUE_FILE,
    ) -> None:
        self.app = app
        self.sources_file = sources_file
        self.companies_file = companies_file

    def sources(self) -> list[CatalogueSource]:
        return load_sources(self.sources_file)

    async def seed(self) -> dict[str, int]:
        """First time on this database: load both catalogues. Always apply DEFAULT_SOURCES.

        Returns what was added now (`first` is 1 when this call did the one-time load).
        """
        counts = {"sources": 0, "companies": 0, "first": 0}
        if not await SystemMetrics.filter(name=SEEDED).exists():
            counts["first"] = 1
            if self.app.settings.default_companies:
                counts["companies"] = await self.load_companies()
            if self.app.settings.default_sources:
                for source in self.sources():
                    await self._add(source)
                    counts["sources"] += 1
            await SystemMetrics.create(
                name=SEEDED,
                value=1,
                labels={"sources": counts["sources"], "companies": counts["companies"]},
            )
            log.info(
                "first start: loaded %d catalogue sources and %d catalogue companies",
                counts["sources"],
                counts["companies"],
            )
        await self.apply_setting()
        return counts

    async def apply_setting(self) -> None:
        """DEFAULT_SOURCES=false turns catalogue feeds off; true turns back on only those."""
        feeds = await self._catalogue_feeds()
        off = not self.app.settings.default_sources
        for feed in feeds.values():
            if off and feed.enabled:
                feed.enabled = False
                feed.disabled_reason = OFF_BY_SETTING
                await feed.save(update_fields=["enabled", "disabled_reason"])
            elif not off and not feed.enabled and feed.disabled_reason == OFF_BY_SETTING:
                await self.app.feeds.set_enabled(feed.id, True)

    async def listing(self) -> list[tuple[CatalogueSource, Feed | None]]:
        feeds = await self._catalogue_feeds()
        return [(source, feeds.get(source.key)) for source in self.sources()]

    async def set_enabled(self, key: str, enabled: bool) -> list[Feed]:
        """Switch one entry (or `all`); enabling an entry that was never loaded adds it."""
        sources = self.sources()
        chosen = sources if key == "all" else [s for s in sources if s.key == key]
        if not chosen:
            known = ", ".join(s.key for s in sources)
            raise NotFound(f"no catalogue source {key!r}; known: {known}", field="key")
        feeds = await self._catalogue_feeds()
        changed = []
        for source in chosen:
            feed = feeds.get(source.key)
            if feed is None:
                if not enabled:
                    continue
                feed = await self._add(source)
            else:
                feed = await self.app.feeds.set_enabled(feed.id, enabled)
            changed.append(feed)
        return changed

    async def load_companies(self) -> int:
        """Add catalogue projects that are not there yet (one engine rebuild); returns count."""
        existing = {n.lower() for n in await Company.all().values_list("name", flat=True)}
        new = []
        for row in load_companies(self.companies_file):
            name = str(row.get("name", "")).strip()
            if not name or name.lower() in existing:
                continue
            existing.add(name.lower())
            website = str(row.get("website") or "")
            host = (urlsplit(website).hostname or "") if website else ""
            new.append(
                Company(
                    name=name[:128],
                    aliases=list(row.get("aliases") or []),
                    tokens=list(row.get("tokens") or []),
                    priority=Priority.LOW,
                    domains=[host] if host else [],
                    handles=[row["x"]] if row.get("x") else [],
                )
            )
        if new:
            await Company.bulk_create(new, batch_size=200)
            await self.app.companies.rebuild_now()
        return len(new)

    async def _catalogue_feeds(self) -> dict[str, Feed]:
        """Catalogue key -> its Feed row. Every row's state is read as a plain value and only
        the catalogue's rows are loaded as Feed objects: every start asks (apply_setting),
        and at 5,000 feeds a Feed object per row was ~10 MB at start-up."""
        keys = {s.key for s in self.sources()}
        ids: dict[int, str] = {}
        for fid, state in await Feed.all().order_by("id").values_list("id", "state"):
            key = (state or {}).get("catalogue")
            if key in keys:
                ids[fid] = key
        out: dict[str, Feed] = {}
        if ids:
            for feed in await Feed.filter(id__in=list(ids)).order_by("id"):
                out[ids[feed.id]] = feed
        return out

    async def _add(self, source: CatalogueSource) -> Feed:
        """A Feed row for the entry (or the existing one with that URL, now marked)."""
        try:
            kind = FeedKind(source.kind)
        except ValueError:
            raise InvalidInput(f"catalogue source {source.key}: unknown kind") from None
        feed = await Feed.filter(kind=kind, url=source.url).first()
        if feed is None:
            # no DNS check here (FeedService.add does one): the addresses are fixed and the
            # fetcher still refuses a private address at connect time
            feed = await Feed.create(
                kind=kind,
                url=source.url,
                name=source.name[:128],
                interval_s=source.interval_s,
                state={"catalogue": source.key},
                next_poll_at=datetime.now(UTC),
            )
        elif (feed.state or {}).get("catalogue") != source.key:
            feed.state = {**(feed.state or {}), "catalogue": source.key}
            await feed.save(update_fields=["state"])
        return feed
