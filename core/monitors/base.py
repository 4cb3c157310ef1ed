"""What every monitor returns: raw items plus the feed state to store, or a classified failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from core.models import Feed
from core.monitors.fetch import FetchError

if TYPE_CHECKING:
    from core.monitors.fetch import FetchResult, SafeFetcher

MAX_TITLE = 1_000
MAX_TEXT = 20_000
MAX_GUID = 512
MAX_URL = 2_048


@dataclass(slots=True)
class RawItem:
    """One entry as a source gave it, already sanitised to plain text."""

    guid: str
    title: str
    text: str = ""
    url: str = ""
    author: str = ""
    published: datetime | None = None

    def clipped(self) -> RawItem:
        """Bounded copy: hostile feeds can send megabyte titles."""
        # NUL (&#0; in a feed) is dropped: PostgreSQL text cannot store it
        return RawItem(
            guid=(self.guid or self.url or self.title).replace("\x00", "")[:MAX_GUID],
            title=self.title.replace("\x00", "")[:MAX_TITLE],
            text=self.text.replace("\x00", "")[:MAX_TEXT],
            url=self.url.replace("\x00", "")[:MAX_URL],
            author=self.author.replace("\x00", "")[:256],
            published=self.published,
        )


@dataclass(slots=True)
class PollResult:
    """A successful poll: new entries (maybe none) and state for the next conditional request."""

    items: list[RawItem] = field(default_factory=list)
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    state: dict[str, Any] | None = None
    bozo: str | None = None
    retry_after: float | None = None  # the source asked us to slow down (rate limit headers)
    hub: str | None = None  # a WebSub hub the document names (rel="hub")
    topic: str | None = None  # the document's own address for the hub (rel="self")


class PollError(Exception):
    """A failed poll, classified for the scheduler.

    permanent: counts toward auto-disable (404/410/401/403, DNS, refused address).
    retry_after: the server asked us to wait this long (429/503), applied per host.
    needs_admin: retrying cannot help (bad credentials, no credits, a plan cap, a page that
    has nothing to read): the feed is disabled at once with this message.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
        needs_admin: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status
        self.needs_admin = needs_admin


class Monitor(Protocol):
    """One source kind; `poll` fetches and parses, storing nothing."""

    kind: str

    async def poll(self, feed: Feed) -> PollResult: ...


def classify_fetch_error(exc: FetchError) -> PollError:
    """Refused and DNS failures are permanent (count toward auto-disable); others back off."""
    return PollError(exc.message, permanent=exc.kind in ("refused", "dns"))


def classify_status(status: int, retry_after: float | None) -> PollError:
    if status in (429, 503) and retry_after is not None:
        return PollError(f"HTTP {status}", retry_after=retry_after, status=status)
    if status in (401, 403, 404, 410):
        return PollError(f"HTTP {status}", permanent=True, status=status)
    return PollError(f"HTTP {status}", status=status)


async def conditional_get(fetcher: SafeFetcher, feed: Feed, accept: str) -> FetchResult | None:
    """GET with the feed's stored validators; None on 304, a classified PollError on failure."""
    headers = {"Accept": accept}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        res = await fetcher.fetch(feed.url or "", headers=headers)
    except FetchError as exc:
        raise classify_fetch_error(exc) from None
    if res.status == 304:
        return None
    if not res.ok:
        raise classify_status(res.status, res.retry_after())
    return res
