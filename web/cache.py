"""Short-lived caches owned by one web application (never module-level).

The hot read path (GET /alerts, bearer-token auth) is answered from memory for a second
or so: alerts are immutable once written and new ones clear the cache at once (the
AlertService's on_created hook here, the bus in other processes), so the staleness a
reader can see is bounded by `ttl_s` and only for feedback counts.

`get_or_load` is single-flight: when an entry is missing or expired, the first caller
loads it and every concurrent caller of the same key awaits that one load, so an expiry
under load costs one database query, not one per connection.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class TTLCache(Generic[V]):
    """A small LRU with expiry; ttl_s <= 0 disables it."""

    def __init__(self, ttl_s: float, max_entries: int = 1024) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._data: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._loading: dict[str, asyncio.Future[V]] = {}
        self._generation = 0

    @property
    def enabled(self) -> bool:
        return self.ttl_s > 0

    def get(self, key: str) -> V | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            self._data.pop(key, None)
            return None
        return entry[1]

    def put(self, key: str, value: V, ttl_s: float | None = None) -> None:
        if not self.enabled:
            return
        self._data[key] = (time.monotonic() + (self.ttl_s if ttl_s is None else ttl_s), value)
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)

    async def get_or_load(
        self, key: str, load: Callable[[], Awaitable[V]], ttl_s: float | None = None
    ) -> V:
        """The cached value, or the result of one shared `load()` for concurrent callers.

        A failed load is not cached (every waiter sees its exception). A load that was
        running when `clear()` was called is still returned to its waiters, but not stored.
        """
        value = self.get(key)
        if value is not None:
            return value
        if not self.enabled:
            return await load()
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._load(key, load, ttl_s))
            pending.add_done_callback(_retrieve)  # no "never retrieved" if all waiters left
            self._loading[key] = pending
        # shielded: one caller going away must not cancel the load the others wait for
        return await asyncio.shield(pending)

    async def _load(self, key: str, load: Callable[[], Awaitable[V]], ttl_s: float | None) -> V:
        generation = self._generation
        try:
            value = await load()
        finally:
            if self._generation == generation:
                self._loading.pop(key, None)
        if self._generation == generation:
            self.put(key, value, ttl_s)
        return value

    def clear(self) -> None:
        self._generation += 1
        self._data.clear()
        self._loading.clear()

    def __len__(self) -> int:
        return len(self._data)


def _retrieve(future: asyncio.Future[object]) -> None:
    if not future.cancelled():
        future.exception()
