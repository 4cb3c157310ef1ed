"""Announcement pages: extract (link, title) entries and turn only new ones into items.

No HTML library is needed for this: the stdlib HTMLParser tracks the open-element stack and a
small CSS subset (`tag`, `.class`, `#id`, `tag.a.b`, `[attr]`, descendant combinators and `,`
groups) picks the region to read. The first poll records a baseline (an index page lists
old news too); later polls yield entries whose canonical URL was not seen before.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from core.errors import InvalidInput
from core.models import Feed
from core.monitors.base import PollError, PollResult, RawItem, conditional_get
from core.monitors.dedup import canonical_url
from core.monitors.fetch import SafeFetcher

log = logging.getLogger(__name__)

MAX_SEEN = 2_000
MAX_ENTRIES = 300
_SIMPLE = re.compile(r"^(?P<tag>[a-zA-Z][a-zA-Z0-9-]*|\*)?(?P<rest>(?:[.#][\w-]+|\[[\w-]+\])*)$")
_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)\]")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{4})"
    r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?(?:\s*\(?utc\)?)?)?"
)
# "… for spot trading Published on Nov 11, 2025": the date a link wraps is not its title
_TRAILING_DATE = re.compile(
    rf"\s*[-–—|·•,]?\s*(?:(?:published|posted|updated|released|date)(?:\s+on)?:?\s*)?"
    rf"{_DATE}\s*$",
    re.IGNORECASE,
)
# where a page cannot be read, the same source on X can (an exchange's announcements)
X_ACCOUNTS = {
    "binance.com": "@binance",
    "coinbase.com": "@coinbase",
    "okx.com": "@okx",
    "bybit.com": "@Bybit_Official",
}


@dataclass(frozen=True)
class Simple:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    attrs: tuple[str, ...]

    def matches(self, tag: str, attrs: dict[str, str]) -> bool:
        if self.tag and self.tag != tag:
            return False
        if any(attrs.get("id") != i for i in self.ids):
            return False
        classes = attrs.get("class", "").split()
        if any(c not in classes for c in self.classes):
            return False
        return all(a in attrs for a in self.attrs)


Selector = tuple[tuple[Simple, ...], ...]  # groups of descendant chains


def parse_selector(text: str) -> Selector:
    """Parse the supported CSS subset; InvalidInput(field="selector") says what is not."""
    if len(text) > 256:
        raise InvalidInput("selector must be at most 256 characters", field="selector")
    groups = []
    for group in text.split(","):
        chain = []
        for token in group.split():
            m = _SIMPLE.match(token)
            if not m or token == "":
                raise InvalidInput(
                    f"unsupported selector part {token!r} (use tag, .class, #id, [attr], "
                    "descendants and commas)",
                    field="selector",
                )
            ids, classes, attrs = [], [], []
            for kind, name, attr in _PART.findall(m.group("rest")):
                if attr:
                    attrs.append(attr.lower())
                elif kind == "#":
                    ids.append(name)
                else:
                    classes.append(name)
            tag = m.group("tag")
            chain.append(
                Simple(
                    None if tag in (None, "*") else tag.lower(),
                    tuple(ids),
                    tuple(classes),
                    tuple(attrs),
                )
            )
        if not chain:
            raise InvalidInput("empty selector group", field="selector")
        groups.append(tuple(chain))
    return tuple(groups)


def _chain_matches(chain: tuple[Simple, ...], stack: list[tuple[str, dict[str, str]]]) -> bool:
    """Does the innermost element of `stack` (or an ancestor) end a match of `chain`?"""
    # the last simple selector must match some element in the stack, earlier ones ancestors
    need = len(chain) - 1
    for pos in range(len(stack) - 1, -1, -1):
        if chain[need].matches(*stack[pos]):
            need -= 1
            if need < 0:
                return True
    return False


class _LinkExtractor(HTMLParser):
    def __init__(self, base_url: str, selector: Selector | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.selector = selector
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []
        self._skip = 0

    def _inside(self) -> bool:
        if self.selector is None:
            return True
        return any(_chain_matches(chain, self.stack) for chain in self.selector)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        amap = {k.lower(): (v or "") for k, v in attrs}
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag not in _VOID:
            self.stack.append((tag, amap))
            if len(self.stack) > 512:  # hostile nesting: stop tracking depth
                self.stack.pop(0)
        if tag == "a" and amap.get("href") and self._inside():
            self._href = amap["href"]
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
        if tag == "a" and self._href is not None:
            title = clean_title(" ".join(" ".join(self._text).split()))
            try:
                href = urljoin(self.base_url, self._href.strip())
                scheme = urlsplit(href).scheme
            except ValueError:  # "http://[::1" (a broken IPv6 host) in the link or the base
                scheme = ""
            if scheme in ("http", "https") and title:
                self.links.append((href, title[:500]))
            self._href = None
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._href is not None and not self._skip:
            self._text.append(data)


def clean_title(title: str) -> str:
    """The link's own words: trailing dates ("Published on Nov 11, 2025") removed."""
    while True:
        shorter = _TRAILING_DATE.sub("", title).strip()
        if shorter == title or not shorter:
            return title
        title = shorter


class _Shape(HTMLParser):
    """How much a person could read on a page without running its scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts = 0
        self.links = 0
        self.words = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag in ("script", "style", "template", "noscript"):
            self._skip += 1
        if tag == "a":
            self.links += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "noscript") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.words += len(data.split())


def empty_page_error(html: str, url: str, selector: str | None = None) -> str:
    """Why a page gave no entries, in words an admin can act on."""
    shape = _Shape()
    shape.feed(html)
    shape.close()
    if selector:
        return (
            f"no links match the selector {selector!r} on this page ({shape.links} links in "
            "all); check it against the page's HTML"
        )
    if shape.scripts and shape.words < 150:
        message = (
            f"this page is rendered by JavaScript (its HTML is {shape.scripts} script(s) and "
            f"{shape.words} words of text, no readable entries), so there is nothing to watch; "
            "use its RSS feed or API instead"
        )
    else:
        message = (
            "no headline links (3 or more words) on this page; add selector:CSS naming the "
            "list of announcements"
        )
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    for domain, handle in X_ACCOUNTS.items():
        if host == domain or host.endswith("." + domain):
            message += f"; its announcements are also posted on X: /feed_add {handle}"
    return message


def extract_entries(html: str, base_url: str, selector: str | None = None) -> list[tuple[str, str]]:
    """(absolute URL, title) pairs, first occurrence of each URL, page order.

    Without a selector only links that read like headlines (3+ words) are kept, which drops
    navigation, footers and "read more".
    """
    parsed = parse_selector(selector) if selector else None
    extractor = _LinkExtractor(base_url, parsed)
    extractor.feed(html)
    extractor.close()
    seen: set[str] = set()
    out = []
    for href, title in extractor.links:
        if parsed is None and len(title.split()) < 3:
            continue
        key = canonical_url(href)
        if key in seen:
            continue
        seen.add(key)
        out.append((href, title))
        if len(out) >= MAX_ENTRIES:
            break
    return out


def _key(url: str) -> str:
    return hashlib.blake2b(canonical_url(url).encode(), digest_size=8).hexdigest()


class PageMonitor:
    """Fetches an index page and yields entries not seen on earlier polls."""

    kind = "page"

    def __init__(self, fetcher: SafeFetcher) -> None:
        self.fetcher = fetcher

    async def poll(self, feed: Feed) -> PollResult:
        res = await conditional_get(
            self.fetcher, feed, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
        )
        if res is None:
            return PollResult(not_modified=True, etag=feed.etag, last_modified=feed.last_modified)
        try:
            entries = extract_entries(res.text(), res.url, feed.selector)
        except InvalidInput as exc:
            raise PollError(f"bad selector: {exc.message}", permanent=True) from None
        state = dict(feed.state or {})
        if not entries:  # scripts only, or a selector that no longer matches: say so at once
            raise PollError(
                empty_page_error(res.text(), res.url, feed.selector),
                permanent=True,
                needs_admin=not state.get("baseline"),
            )
        seen: list[str] = list(state.get("seen") or [])
        seen_set = set(seen)
        first = not state.get("baseline")
        items = []
        for href, title in entries:
            key = _key(href)
            if key in seen_set:
                continue
            seen.append(key)
            seen_set.add(key)
            if not first:
                items.append(RawItem(guid=canonical_url(href), url=href, title=title).clipped())
        state["seen"] = seen[-MAX_SEEN:]
        state["baseline"] = True
        if first:
            log.info("page feed %s: baseline of %d entries", feed.id, len(entries))
        return PollResult(
            items=items,
            state=state,
            etag=(res.headers.get("ETag") or "")[:256] or None,
            last_modified=(res.headers.get("Last-Modified") or "")[:64] or None,
        )
