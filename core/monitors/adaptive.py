"""How often to poll: each feed's interval follows how often it publishes, within bounds.

A feed keeps in its state an estimate of the time between its new items (`gap_s`, an
exponentially weighted mean) and when it last had one. After a poll with new items the
observed gap is folded in; after a quiet poll the estimate can only grow (a source silent for
a day is not one that publishes every ten minutes). The next interval is a sixth of the
estimated gap, so an item waits on average about a twelfth of the gap, kept between the lower
and upper bounds: a busy feed is polled as fast as the bounds allow, a quiet one slowly.
A feed with no history yet is polled at its configured interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SMOOTHING = 0.3  # weight of the newest observed gap
POLLS_PER_GAP = 6.0


@dataclass(frozen=True, slots=True)
class Bounds:
    lower_s: float
    upper_s: float

    @classmethod
    def for_feed(cls, interval_s: float, min_s: float, max_s: float) -> Bounds:
        """The settings' bounds, widened to the feed's own interval (an admin's explicit
        5-second exchange feed may poll every 5 s; a 2-hour one may wait 2 hours)."""
        return cls(min(float(interval_s), float(min_s)), max(float(interval_s), float(max_s)))


def next_interval(
    state: dict[str, Any], *, new: int, now: float, interval_s: float, bounds: Bounds
) -> tuple[float, dict[str, Any]]:
    """(seconds to the next poll, the feed's updated adaptive state); `now` is epoch seconds."""
    adaptive = dict(state.get("adaptive") or {})
    last_new = adaptive.get("last_new_at")
    gap = adaptive.get("gap_s")
    if new > 0:
        if isinstance(last_new, (int, float)) and now > last_new:
            observed = (now - last_new) / new
            gap = observed if gap is None else SMOOTHING * observed + (1 - SMOOTHING) * gap
        adaptive["last_new_at"] = now
    elif isinstance(last_new, (int, float)) and gap is not None:
        gap = max(gap, now - last_new)  # quiet for longer than we thought: slow down
    if gap is None:
        interval = float(interval_s)
    else:
        adaptive["gap_s"] = round(float(gap), 3)
        interval = gap / POLLS_PER_GAP
    interval = min(bounds.upper_s, max(bounds.lower_s, interval))
    adaptive["interval_s"] = round(interval, 3)
    return interval, {**state, "adaptive": adaptive}
