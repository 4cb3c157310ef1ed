"""Short-lived caches owned by one web application (never module-level).

The hot read path (GET /alerts, bearer-token auth) is answered from memory for a second
or so: alerts are immutable once written and new ones clear the cache at once (the
AlertService's on_created hook here, the bus in other processes), so the staleness a
reader can see is bounded by `ttl_s` and only for feedback counts.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class TTLCache(Generic[V]):
    """A small LRU with expiry; ttl_s <= 0 disables it."""

    def __init__(self, ttl_s: float, max_entries: int = 1024) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._data: OrderedDict[str, tuple[float, V]] = OrderedDict()

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

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
