"""`tge-monitor parse-check DIR`: does our parser read a directory of feeds as feedparser does?

For every feed file it compares `parse_feed` (the fast path, or the fallback) with
`feedparser_parse` (feedparser's reading in our item shape) on the number of items and, item by
item, the visible title, link and date (the agreement that counts), and also guid and text. It
names the kind of each disagreement a user would notice: a title cut short, a date off by a
time-zone offset, a feed that silently looks empty. It also reports which path each feed took.

HTTP headers for a file can be given in its leading comment as `Header: Name: value` lines (the
convention of feedparser's own test corpus), so charset tests run as they were meant to.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.monitors.base import RawItem
from core.monitors.rss import FeedParseError, ParsedFeed, feedparser_parse, parse_feed

FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
CORE_FIELDS = ("title", "url", "published")
OTHER_FIELDS = ("guid", "text", "author")
_HEADER = re.compile(rb"^Header:\s+([^:\r\n]+):(.*)$", re.M)


@dataclass
class FileCheck:
    path: str
    path_taken: str  # "fast", "feedparser", or "error"
    fallback_reason: str | None
    reference_entries: int  # entries feedparser found, before the keep rule
    reference_items: int
    our_items: int
    agree: bool  # count, title, link and date
    agree_all: bool  # and guid, text, author
    problems: list[str] = field(default_factory=list)


def headers_from_comment(body: bytes) -> dict[str, str]:
    """`Header: Content-Type: text/xml; charset=...` lines from the document's first 4 KB."""
    found = _HEADER.findall(body[:4096])
    return {k.strip().decode("latin-1"): v.strip().decode("latin-1") for k, v in found}


def _timezone_shift(ours: Any, ref: Any) -> bool:
    """Off by whole minutes, at most 14 hours: a zone read wrongly (e.g. as UTC)."""
    if ours is None or ref is None:
        return False
    delta = abs((ours - ref).total_seconds())
    return 0 < delta <= 14 * 3600 and delta % 60 == 0


def compare_items(ours: list[RawItem], ref: list[RawItem]) -> tuple[list[str], list[str]]:
    """(core problems, other problems) between our items and the reference's."""
    core: list[str] = []
    other: list[str] = []
    if len(ours) != len(ref):
        core.append(f"count {len(ours)} != {len(ref)}")
        if ref and not ours:
            core.append("silently empty")
    for i, (a, b) in enumerate(zip(ours, ref, strict=False)):
        if a.title != b.title:
            cut = bool(a.title) and len(a.title) < len(b.title) and b.title.startswith(a.title)
            cut = cut or (not a.title and bool(b.title))
            kind = "cut title" if cut else "title"
            core.append(f"#{i} {kind}: {a.title[:60]!r} != {b.title[:60]!r}")
        if a.url != b.url:
            core.append(f"#{i} link: {a.url[:80]!r} != {b.url[:80]!r}")
        if a.published != b.published:
            kind = "timezone as UTC" if _timezone_shift(a.published, b.published) else "date"
            core.append(f"#{i} {kind}: {a.published} != {b.published}")
        for name in OTHER_FIELDS:
            if getattr(a, name) != getattr(b, name):
                other.append(f"#{i} {name}: {getattr(a, name)[:60]!r} != {getattr(b, name)[:60]!r}")
    return core, other


def check_document(
    body: bytes, headers: Mapping[str, str] | None = None, url: str | None = None, name: str = ""
) -> FileCheck:
    """Compare our reading of one document with feedparser's."""
    try:
        ref: ParsedFeed | None = feedparser_parse(body, headers, url)
    except FeedParseError:
        ref = None
    try:
        ours: ParsedFeed | None = parse_feed(body, headers, url)
    except FeedParseError as exc:
        ours = None
        error = str(exc)
    ref_items = ref.items if ref else []
    our_items = ours.items if ours else []
    core, other = compare_items(our_items, ref_items)
    if ours is None and ref_items:
        core.insert(0, f"refused: {error[:120]}")
    return FileCheck(
        path=name,
        path_taken=ours.parser if ours else "error",
        fallback_reason=ours.fallback_reason if ours else None,
        reference_entries=ref.entries_seen if ref else 0,
        reference_items=len(ref_items),
        our_items=len(our_items),
        agree=not core,
        agree_all=not core and not other,
        problems=core + other,
    )


def _reason_kind(reason: str) -> str:
    """'encoding b'iso-8859-1'' -> 'encoding': group fallback reasons by what triggered them."""
    return reason.split(" '")[0].split(" b'")[0].split(" (")[0][:48]


def feed_files(root: Path) -> Iterable[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in FEED_SUFFIXES)


def check_directory(root: Path) -> dict[str, Any]:
    """Every feed file under `root`, compared; totals first, then the differing files."""
    if not root.is_dir():
        raise FileNotFoundError(f"not a directory: {root}")
    checks = []
    for path in feed_files(root):
        body = path.read_bytes()
        name = str(path.relative_to(root))
        checks.append(check_document(body, headers_from_comment(body), name=name))
    if not checks:
        raise FileNotFoundError(f"no feed files ({', '.join(FEED_SUFFIXES)}) under {root}")
    with_entries = [c for c in checks if c.reference_entries or c.our_items]
    agree = sum(c.agree for c in with_entries)
    kinds: Counter[str] = Counter()
    for c in with_entries:
        for problem in c.problems:
            for kind in ("cut title", "timezone as UTC", "silently empty"):
                if kind in problem:
                    kinds[kind] += 1
    paths = Counter(c.path_taken for c in checks)
    paths_with_entries = Counter(c.path_taken for c in with_entries)
    reasons = Counter(_reason_kind(c.fallback_reason) for c in checks if c.fallback_reason)
    return {
        "files": len(checks),
        "with_entries": len(with_entries),
        "agree": agree,
        "agree_pct": round(100 * agree / len(with_entries), 2) if with_entries else 100.0,
        "agree_all_fields": sum(c.agree_all for c in with_entries),
        "cut_titles": kinds["cut title"],
        "timezone_as_utc": kinds["timezone as UTC"],
        "silently_empty": kinds["silently empty"],
        "path": dict(paths),
        "path_with_entries": dict(paths_with_entries),
        "fast_share_with_entries_pct": round(
            100 * paths_with_entries["fast"] / len(with_entries), 1
        )
        if with_entries
        else 0.0,
        "fallback_reasons": dict(reasons.most_common(12)),
        "differing": [asdict(c) for c in with_entries if not c.agree_all],
    }


def format_report(result: dict[str, Any], limit: int = 60) -> str:
    lines = [
        f"files: {result['files']} (with entries: {result['with_entries']})",
        f"agree on count, title, link, date: {result['agree']}/{result['with_entries']}"
        f" ({result['agree_pct']}%); on every field: {result['agree_all_fields']}",
        f"cut titles: {result['cut_titles']}, timezone-as-UTC dates: {result['timezone_as_utc']},"
        f" silently empty: {result['silently_empty']}",
        f"path taken: {result['path']} (feeds with entries: {result['path_with_entries']},"
        f" fast {result['fast_share_with_entries_pct']}%)",
    ]
    differing = result["differing"]
    if differing:
        lines.append(f"differing files ({len(differing)}):")
        for c in differing[:limit]:
            lines.append(f"  {c['path']} [{c['path_taken']}]: {'; '.join(c['problems'][:3])}")
        if len(differing) > limit:
            lines.append(f"  ... {len(differing) - limit} more (--json lists them all)")
    return "\n".join(lines)
