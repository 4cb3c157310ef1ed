"""The unscored draw of the test batches (``scripts/batch3.py``, ``scripts/batch5.py``; batches
6 and 7 are batch5's with their seeds) on a made-up pool: which items it takes, in which part
of the draw, and their ids are pinned, so that a change to the scripts that would redraw a
committed batch differently fails here (the real pools are not kept with the repository)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import batch3
import batch5


def pool() -> list[dict[str, Any]]:
    """60 items over 4 publishers and 7 projects (every fifth unnamed), a collector's hint on
    every other one, a launch word on every third: enough for each cap to bind."""
    return [
        {
            "title": f"Item {n} " + ("airdrop claim opens" if n % 3 == 0 else "market update"),
            "text": f"Text of item {n}.",
            "source": f"S{n % 4}",
            "project": f"p{n % 7}" if n % 5 else None,
            "provenance": {"repo": f"r{n % 2}", "project_hint": f"Hint {n % 3}" if n % 2 else None},
        }
        for n in range(60)
    ]


def drawn(batch: list[dict[str, Any]], first_id: int) -> str:
    """'index:L' (launch word) or 'index:R' (random) of each drawn item, ids checked."""
    assert [it["id"] for it in batch] == [f"c-{first_id + n}" for n in range(len(batch))]
    return " ".join(f"{it['title'].split()[1]}:{it['drawn_as'][0].upper()}" for it in batch)


def test_batch3_draw_is_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch3, "PER_PROJECT", 3)  # batch 3's 25 would not bind on 60 items
    items = pool()
    batch = batch3.draw(items, 20)
    assert drawn(batch, batch3.FIRST_ID) == PINNED3
    assert {it["drawn_as"] for it in batch} == {"launch word", "random crypto"}
    assert max(Counter(it["project"] for it in batch if it["project"]).values()) <= 3
    assert max(Counter(it["source"] for it in batch).values()) <= int(0.30 * 20)


@pytest.mark.parametrize(("seed", "first_id"), [(16, 13001), (17, 14001), (18, 15001)])
def test_batch5_draw_is_pinned(monkeypatch: pytest.MonkeyPatch, seed: int, first_id: int) -> None:
    """Batches 5, 6 and 7: batch5.draw with each batch's seed and first id, set on the module
    as batch6.py and batch7.py set them."""
    monkeypatch.setattr(batch5, "SEED", seed)
    monkeypatch.setattr(batch5, "FIRST_ID", first_id)
    monkeypatch.setattr(batch5, "PER_PROJECT", 3)
    batch = batch5.draw(pool(), 20)
    assert drawn(batch, first_id) == PINNED5[seed]
    assert {it["drawn_as"] for it in batch} == {"launch word", "random"}
    hints = Counter(it["provenance"]["project_hint"] for it in batch)
    assert max(n for h, n in hints.items() if h) <= 3


# Drawn by the scripts as they were before their draw loops became one (commit of this test).
PINNED3 = (
    "2:R 4:R 9:L 10:R 11:R 12:L 15:L 21:L 27:L 30:L 32:R 33:R 42:L 48:L 49:R 51:R 54:L 55:R"
    " 57:L 59:R"
)
PINNED5 = {
    16: "0:L 3:L 5:R 8:R 10:R 12:L 15:L 18:L 24:L 26:R 29:R 30:L 36:L 37:R 42:R 46:R 48:L 49:R"
    " 51:L 55:R",
    17: "9:L 12:L 13:R 15:L 17:R 18:L 23:R 24:L 31:R 34:R 35:R 36:L 40:R 42:L 43:R 46:R 48:L 50:R"
    " 51:L 54:L",
    18: "0:L 6:L 8:R 17:R 18:R 21:L 23:R 24:L 30:L 33:L 36:L 42:L 43:R 48:R 51:L 53:R 54:L 55:R"
    " 56:R 58:R",
}
