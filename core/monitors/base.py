"""What every monitor returns: raw items plus the feed state to store, or a classified failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from core.models import Feed

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
        return RawItem(
            guid=(self.guid or self.url or self.title)[:MAX_GUID],
            title=self.title[:MAX_TITLE],
            text=self.text[:MAX_TEXT],
            url=self.url[:MAX_URL],
            author=self.author[:256],
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


class PollError(Exception):
    """A failed poll, classified for the scheduler.

    permanent: counts toward auto-disable (404/410/401/403, DNS, refused address).
    retry_after: the server asked us to wait this long (429/503), applied per host.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status


class Monitor(Protocol):
    """One source kind; `poll` fetches and parses, storing nothing."""

    kind: str

    async def poll(self, feed: Feed) -> PollResult: ...
