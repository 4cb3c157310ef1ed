"""Companies: the watched projects, and the scoring engine built from them.

A write asks for a rebuild of the engine's automaton; rebuilds are coalesced (every change
made while one is pending or running is picked up by the next one) and run in a thread off to
the side, then swapped in, so scoring never waits for them. A write waits for its rebuild at
most `answer_within_s`, and only when the rebuild can land in that time (then it answers; the
company is matched once the rebuild lands, a few seconds at 50,000 companies).
`import_rows` loads thousands of companies with one bulk insert and one rebuild.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core.db import transaction
from core.errors import Conflict, InvalidInput, NotFound
from core.faults import LoopFaults
from core.linkguard import GuardCompany, LinkGuard
from core.linkguard.domains import is_ip, normalise_host
from core.memory import release_free_memory
from core.models import Company, CompanyStatus, Priority, in_id_range
from core.scoring import CompanySpec, ScoringEngine
from core.xhandles import x_handle

log = logging.getLogger(__name__)

NAME_MAX = 128
LIST_FIELDS = ("aliases", "tokens", "domains", "handles", "exclusions")
TOKEN_RE = re.compile(r"^\$?[A-Za-z0-9]{1,15}$")
HOST_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
MAX_LIST = 50


def _clean_name(value: Any, field: str = "name") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{field} is required", field=field)
    cleaned = " ".join(value.split())
    if len(cleaned) > NAME_MAX:
        raise InvalidInput(f"{field} must be at most {NAME_MAX} characters", field=field)
    return cleaned


def _clean_list(value: Any, field: str) -> list[str]:
    """Accept a list or a comma-separated string; dedupe case-insensitively, keep order."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",")]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{field} must be a list of strings", field=field)
    out: list[str] = []
    seen: set[str] = set()
    for raw in value:
        item = " ".join(raw.split())
        if not item:
            continue
        if field == "domains":
            item = clean_domain(item)
        elif field == "handles":
            item = clean_handle(item)
        if field == "tokens":
            if not TOKEN_RE.match(item):
                raise InvalidInput(
                    f"token symbol {item!r} must be 1-15 letters or digits", field=field
                )
            item = item.lstrip("$").upper()
        if len(item) > NAME_MAX:
            raise InvalidInput(
                f"{field} entries must be at most {NAME_MAX} characters", field=field
            )
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    if len(out) > MAX_LIST:
        raise InvalidInput(f"{field} may hold at most {MAX_LIST} entries", field=field)
    return out


def clean_domain(value: str) -> str:
    """`https://www.LayerZero.network/` → `www.layerzero.network`; refuses what is not a host."""
    host = normalise_host(value)
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        ascii_host = ""
    if not ascii_host or is_ip(ascii_host) or not HOST_RE.match(ascii_host):
        raise InvalidInput(
            f"{value!r} is not a domain name (e.g. layerzero.network)", field="domains"
        )
    return host


def clean_handle(value: str) -> str:
    """`@LayerZero_Labs`, `https://x.com/LayerZero_Labs` → `LayerZero_Labs`."""
    text = x_handle(value)
    if text is None:
        raise InvalidInput(
            f"{value!r} is not an X handle (1-15 letters, digits or _)", field="handles"
        )
    return text


def _priority(value: Any) -> Priority:
    try:
        return Priority(str(value).upper())
    except ValueError:
        raise InvalidInput("priority must be HIGH, MEDIUM or LOW", field="priority") from None


# What the engine and the link guard read of a company, and how many rows a read takes.
_ENGINE_FIELDS = ("id", "name", "aliases", "tokens", "priority", "exclusions", "domains", "handles")
LOAD_PAGE = 5000


def _priority_name(value: Any) -> str:
    """ "HIGH"/"MEDIUM"/"LOW" as one shared string each, not one copy per company."""
    return sys.intern(str(value))


def to_spec(company: Company) -> CompanySpec:
    return CompanySpec(
        id=company.id,
        name=company.name,
        aliases=tuple(company.aliases or ()),
        tokens=tuple(company.tokens or ()),
        priority=_priority_name(company.priority),
        exclusions=tuple(company.exclusions or ()),
    )


def _handed_over(items: list[Any]) -> Iterator[Any]:
    """The items of a list in order, each let go by the list once read: whoever reads them
    keeps only what it needs of each."""
    for i in range(len(items)):
        item = items[i]
        items[i] = None
        yield item
    items.clear()


class Companies:
    """CRUD over Company rows that keeps the live scoring engine in step."""

    def __init__(
        self,
        engine: ScoringEngine,
        guard: LinkGuard | None = None,
        *,
        coalesce_s: float = 0.05,
        answer_within_s: float = 0.02,
    ) -> None:
        self.engine = engine
        self.guard = guard
        self.coalesce_s = coalesce_s  # gather the changes of a burst into one rebuild
        self.answer_within_s = answer_within_s  # how long a write waits for its rebuild
        self._last_build_s = 0.0  # how long the latest rebuild took (read and build)
        self.rebuilds = 0
        self._wanted = 0  # generation of the newest change
        self._built = 0  # generation the live engine reflects
        self._rebuild_faults = LoopFaults("scoring engine rebuild", log)
        self._task: asyncio.Task[None] | None = None
        self._changed: asyncio.Condition | None = None
        self._held = False  # hold_rebuilds(): reload_engine() will build every change

    async def _active(self) -> tuple[list[CompanySpec], list[GuardCompany]]:
        """Every active company as the engine and the link guard need it.

        Read page by page as plain values: no ORM object per company (at 50,000 companies
        the model instances were the largest thing the process ever held, if briefly).
        """
        specs: list[CompanySpec] = []
        guarded: list[GuardCompany] = []
        last = 0
        while True:
            page = (
                await Company.filter(status=CompanyStatus.ACTIVE, id__gt=last)
                .order_by("id")
                .limit(LOAD_PAGE)
                .values_list(*_ENGINE_FIELDS)
            )
            for cid, name, aliases, tokens, priority, exclusions, domains, handles in page:
                spec = CompanySpec(
                    id=cid,
                    name=name,
                    aliases=tuple(aliases or ()),
                    tokens=tuple(tokens or ()),
                    priority=_priority_name(priority),
                    exclusions=tuple(exclusions or ()),
                )
                specs.append(spec)
                guarded.append(
                    GuardCompany(
                        name=name,
                        domains=tuple(map(str, domains or ())),
                        handles=tuple(map(str, handles or ())),
                        aliases=spec.aliases,
                    )
                )
            if len(page) < LOAD_PAGE:
                return specs, guarded
            last = page[-1][0]

    def _rebuild_from(self, loaded: tuple[list[CompanySpec], list[GuardCompany]]) -> None:
        """The link guard's index, then the automaton, each built aside and swapped in.

        The lists are emptied as they are read: the guard's input goes before the engine
        builds, and the engine lets each company go once it has read it, so at 50,000
        companies the guard's build (~16 MB at its height) and the load (~20 MB) are gone
        when the engine's build is at its height."""
        specs, guarded = loaded
        if self.guard is not None:
            self.guard.rebuild(guarded)
        guarded.clear()
        self.engine.rebuild(_handed_over(specs))

    async def reload_engine(self) -> int:
        """Rebuild the automaton (and the link guard's index) from every active company now."""
        self._held = False
        target = self._wanted  # changes made while this reads are built by the next rebuild
        started = time.perf_counter()
        loaded = await self._active()
        count = len(loaded[0])
        self._rebuild_from(loaded)
        self._last_build_s = time.perf_counter() - started
        del loaded
        release_free_memory()  # the old snapshot's and the load's pages go back to the system
        self.rebuilds += 1
        self._built = max(self._built, target)
        async with self._condition():
            self._condition().notify_all()
        if self._built < self._wanted:
            self._spawn_rebuild()
        return count

    def hold_rebuilds(self) -> None:
        """Until the next `reload_engine`, changes are only noted (it builds them all)."""
        self._held = True

    async def rebuild_now(self) -> None:
        """After a bulk write: rebuild at once, unless start-up holds rebuilds (its one build
        then picks the change up; at 50,000 companies a second build here cost ~20 MB of
        peak, the old snapshot live while the new one is built)."""
        if self._held:
            self.request_rebuild()
            return
        await self.reload_engine()

    def request_rebuild(self) -> int:
        """Note a change; one background task rebuilds for every change so far."""
        self._wanted += 1
        if self._held:
            return self._wanted
        return self._spawn_rebuild()

    def _spawn_rebuild(self) -> int:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._rebuild_loop(), name="companies-rebuild")
        return self._wanted

    async def _rebuild_once(self) -> None:
        started = time.perf_counter()
        await asyncio.to_thread(self._rebuild_from, await self._active())
        self._last_build_s = time.perf_counter() - started
        # the old snapshot's and the load's pages go back to the system (ctypes lets go of
        # the interpreter lock, so scoring goes on meanwhile)
        await asyncio.to_thread(release_free_memory)

    async def _rebuild_loop(self) -> None:
        while self._built < self._wanted:
            await asyncio.sleep(self.coalesce_s)
            target = self._wanted
            if not await self._rebuild_faults.attempt(self._rebuild_once()):
                await asyncio.sleep(1.0)  # and again: the changes are still wanted
                continue
            self.rebuilds += 1
            self._built = target
            async with self._condition():
                self._condition().notify_all()

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def rebuilt(self, generation: int | None = None, within_s: float | None = None) -> bool:
        """Wait until the engine reflects change `generation` (default: every change so far)."""
        target = self._wanted if generation is None else generation

        async def done() -> None:
            async with self._condition():
                await self._condition().wait_for(lambda: self._built >= target)

        if self._built >= target:
            return True
        try:
            await asyncio.wait_for(done(), within_s)
        except TimeoutError:
            return False
        return True

    async def _changed_now(self) -> None:
        """After a write: ask for a rebuild, and wait for it (at most `answer_within_s`) only
        when it can land in that time, the coalescing pause plus the last rebuild's time:
        otherwise the wait only delays the answer (by the whole 20 ms, at 50,000 companies
        whose rebuild takes seconds)."""
        generation = self.request_rebuild()
        if self.coalesce_s + self._last_build_s <= self.answer_within_s:
            await self.rebuilt(generation, within_s=self.answer_within_s)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    @staticmethod
    def to_json(company: Company) -> dict[str, Any]:
        return {
            "id": company.id,
            "name": company.name,
            "aliases": list(company.aliases or []),
            "tokens": list(company.tokens or []),
            "priority": str(company.priority),
            "status": str(company.status),
            "domains": list(company.domains or []),
            "handles": list(company.handles or []),
            "exclusions": list(company.exclusions or []),
            "created_at": company.created_at.isoformat() if company.created_at else None,
        }

    async def list(
        self, search: str | None = None, *, limit: int = 100, include_inactive: bool = False
    ) -> list[Company]:
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            raise InvalidInput("limit must be 1-1000", field="limit")
        query = Company.all() if include_inactive else Company.filter(status=CompanyStatus.ACTIVE)
        companies = await query.order_by("name")
        if search:
            needle = search.strip().lower()
            companies = [c for c in companies if needle in self._names(c, lower=True)]
        return companies[:limit]

    @staticmethod
    def _names(company: Company, *, lower: bool = False) -> str:
        names = [company.name, *(company.aliases or []), *(company.tokens or [])]
        joined = "\n".join(names)
        return joined.lower() if lower else joined

    async def get(self, ref: Any) -> Company:
        """By id, name, alias or token symbol (case-insensitive); NotFound suggests names."""
        if isinstance(ref, int) and not isinstance(ref, bool):
            company = await Company.get_or_none(id=ref) if in_id_range(ref) else None
            if company is None:
                raise NotFound(f"company {ref} not found")
            return company
        if not isinstance(ref, str) or not ref.strip():
            raise InvalidInput("company name is required", field="company")
        text = ref.strip()
        if text.isdecimal() and in_id_range(int(text)):
            company = await Company.get_or_none(id=int(text))
            if company is not None:
                return company
        wanted = text.lstrip("$").lower()
        company = await Company.filter(Q(name__iexact=text)).first()
        if company is not None:
            return company
        for candidate in await Company.all():
            if wanted in (a.lower() for a in (candidate.aliases or [])) or wanted in (
                t.lower() for t in (candidate.tokens or [])
            ):
                return candidate
        suggestions = await self.suggest(text)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise NotFound(f"company {text!r} not found{hint}", suggestions=suggestions)

    async def suggest(self, text: str, *, limit: int = 5) -> list[str]:
        """Close names for typos and autocomplete (prefix matches first, then fuzzy)."""
        names = await Company.filter(status=CompanyStatus.ACTIVE).values_list("name", flat=True)
        needle = (text or "").strip().lower()
        if not needle:
            return sorted(names)[:limit]
        prefix = [n for n in sorted(names) if n.lower().startswith(needle)]
        contains = [n for n in sorted(names) if needle in n.lower() and n not in prefix]
        by_lower = {n.lower(): n for n in names}
        fuzzy = [
            by_lower[m]
            for m in difflib.get_close_matches(needle, list(by_lower), n=limit, cutoff=0.6)
            if by_lower[m] not in prefix and by_lower[m] not in contains
        ]
        return (prefix + contains + fuzzy)[:limit]

    async def create(
        self,
        name: Any,
        *,
        tokens: Any = (),
        aliases: Any = (),
        priority: Any = "MEDIUM",
        domains: Any = (),
        handles: Any = (),
        exclusions: Any = (),
    ) -> Company:
        clean = _clean_name(name)
        if await Company.filter(name__iexact=clean).exists():
            raise Conflict(f"company {clean!r} already exists", field="name")
        try:
            company = await Company.create(
                name=clean,
                tokens=_clean_list(list(tokens) if isinstance(tokens, tuple) else tokens, "tokens"),
                aliases=_clean_list(
                    list(aliases) if isinstance(aliases, tuple) else aliases, "aliases"
                ),
                priority=_priority(priority),
                domains=_clean_list(
                    list(domains) if isinstance(domains, tuple) else domains, "domains"
                ),
                handles=_clean_list(
                    list(handles) if isinstance(handles, tuple) else handles, "handles"
                ),
                exclusions=_clean_list(
                    list(exclusions) if isinstance(exclusions, tuple) else exclusions,
                    "exclusions",
                ),
            )
        except IntegrityError:
            raise Conflict(f"company {clean!r} already exists", field="name") from None
        await self._changed_now()
        log.info("company %s created", company.id)
        return company

    async def update(self, ref: Any, **changes: Any) -> Company:
        company = await self.get(ref)
        allowed = {"name", "priority", "status", *LIST_FIELDS}
        unknown = set(changes) - allowed
        if unknown:
            field = sorted(unknown)[0]
            raise InvalidInput(f"unknown field {field!r}", field=field)
        if "name" in changes:
            clean = _clean_name(changes["name"])
            clash = await Company.filter(name__iexact=clean).exclude(id=company.id).exists()
            if clash:
                raise Conflict(f"company {clean!r} already exists", field="name")
            company.name = clean
        if "priority" in changes:
            company.priority = _priority(changes["priority"])
        if "status" in changes:
            try:
                company.status = CompanyStatus(str(changes["status"]).lower())
            except ValueError:
                raise InvalidInput("status must be active or inactive", field="status") from None
        for field in LIST_FIELDS:
            if field in changes:
                setattr(company, field, _clean_list(changes[field], field))
        await company.save()
        await self._changed_now()
        return company

    async def add_alias(self, ref: Any, alias: Any) -> Company:
        company = await self.get(ref)
        new = _clean_list([alias] if isinstance(alias, str) else alias, "aliases")
        if not new:
            raise InvalidInput("alias is required", field="alias")
        return await self.update(company.id, aliases=[*(company.aliases or []), *new])

    async def edit_official(self, ref: Any, action: str, value: Any) -> tuple[Company, str, str]:
        """Add or remove one official domain or X handle (`@name` or an x.com link).

        Returns (company, "domain"|"handle", the cleaned value)."""
        company = await self.get(ref)
        if action not in ("add", "remove"):
            raise InvalidInput("action must be add or remove", field="action")
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput("a domain or @handle is required", field="value")
        text = value.strip()
        lowered = text.lower()
        is_handle = text.startswith("@") or lowered.startswith(
            ("x.com/", "twitter.com/", "https://x.com/", "https://twitter.com/")
        )
        field = "handles" if is_handle else "domains"
        clean = clean_handle(text) if is_handle else clean_domain(text)
        current = list(getattr(company, field) or [])
        if action == "add":
            if clean.lower() in (v.lower() for v in current):
                raise Conflict(f"{company.name} already has {clean}", field="value")
            updated = [*current, clean]
        else:
            updated = [v for v in current if v.lower() != clean.lower()]
            if len(updated) == len(current):
                listed = ", ".join(current) or "none"
                raise NotFound(
                    f"{company.name} has no {field[:-1]} {clean} (it has: {listed})",
                    field="value",
                )
        company = await self.update(company.id, **{field: updated})
        return company, field[:-1], clean

    async def delete(self, ref: Any) -> Company:
        company = await self.get(ref)
        await company.delete()
        await self._changed_now()
        log.info("company %s deleted", company.id)
        return company

    async def import_file(self, path: str | Path) -> dict[str, int]:
        """Upsert companies from a companies.json file (a JSON list); see `import_rows`."""
        try:
            rows = json.loads(await asyncio.to_thread(Path(path).read_text))
        except (OSError, ValueError) as exc:
            raise InvalidInput(f"cannot read companies file: {exc}", field="path") from None
        return await self.import_rows(rows)

    async def import_rows(self, rows: Any) -> dict[str, int]:
        """Upsert many companies with one bulk insert and one engine rebuild.

        Every row is checked before anything is written, so a bad row (its index is in the
        error) loses nothing and changes nothing. Names match case-insensitively; an
        existing company gets the fields the row gives. Returns created/updated/unchanged.
        """
        if not isinstance(rows, list):
            raise InvalidInput("companies must be a JSON list", field="companies")
        clean: dict[str, dict[str, Any]] = {}
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or "name" not in row:
                raise InvalidInput(f"company #{i}: a name is required", field=f"companies[{i}]")
            try:
                name = _clean_name(row["name"])
                fields: dict[str, Any] = {
                    f: _clean_list(row[f], f) for f in LIST_FIELDS if f in row
                }
                if "priority" in row:
                    fields["priority"] = _priority(row["priority"])
            except InvalidInput as exc:
                raise InvalidInput(
                    f"company #{i} ({str(row.get('name'))[:60]!r}): {exc.message}",
                    field=f"companies[{i}]",
                ) from None
            merged = clean.setdefault(name.lower(), {"name": name})
            merged.update(fields)  # a name given twice: the later row's fields win
        # lower-case name -> id (plain values: at 50,000 companies, no ORM object each)
        existing = {
            name.lower(): cid
            for cid, name in await Company.filter(
                name__in=[v["name"] for v in clean.values()]
            ).values_list("id", "name")
        }
        if len(existing) < len(clean):  # case-insensitive matches the IN list missed
            for cid, name in await Company.all().values_list("id", "name"):
                existing.setdefault(name.lower(), cid)
        new = [
            Company(name=v["name"], **{k: x for k, x in v.items() if k != "name"})
            for key, v in clean.items()
            if key not in existing
        ]
        updated = unchanged = 0
        async with transaction():
            for start in range(0, len(new), 1000):
                await Company.bulk_create(new[start : start + 1000])
            for key, v in clean.items():
                company_id = existing.get(key)
                if company_id is None:
                    continue
                changes = {k: x for k, x in v.items() if k != "name"}
                if not changes:
                    unchanged += 1
                    continue
                await Company.filter(id=company_id).update(**changes)
                updated += 1
        if new or updated:
            await self._changed_now()
        log.info("companies imported: %d new, %d updated", len(new), updated)
        return {"created": len(new), "updated": updated, "unchanged": unchanged}
