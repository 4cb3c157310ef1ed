"""The event draws' TRAINING screen (issue 20): a split that opts in
(`over_final19.Over19(..., screen_training=True)`, final33 on) screens its pool against every
batch its own TRAINING names, by draw_final8's match (normalised headline, text start or
address); a split that does not (final20 ... final32) reads draw_final9's five batches only, as
drawn, so its redraw is unchanged."""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from core.events.evaluate import PAIRS_FILE

HERE = PAIRS_FILE.parent
# final31's drawn items that are rows of labelled scoring batches 33 and 34 (README, "final31";
# tests/test_events_join.py FINAL31_IN_A_BATCH): 16 of its 118 items
FINAL31_IN_A_BATCH = (
    "n31-00061 n31-00128 n31-00139 n31-00149 n31-00151 n31-00157 n31-00018 n31-00022 n31-00025"
    " n31-00027 n31-00092 n31-00094 n31-00098 n31-00123 n31-00135 n31-00148"
).split()


def _module(name: str) -> Any:
    sys.path.insert(0, str(HERE))
    return importlib.import_module(name)


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def _page(n: int, title: str, text: str, url: str) -> dict[str, Any]:
    return {
        "id": f"q-{n:04d}",
        "title": title,
        "text": text,
        "source": "example.org",
        "date": "2026-05-0" + str(n),
        "url": url,
        "provenance": {"page": url},
        "project_hint": "",
    }


def test_read_pool_screens_every_screen_batch_by_the_draws_match_only_when_set(
    tmp_path,
) -> None:
    """draw_final8.read_pool drops a row of a SCREEN batch by headline or by address (the
    match it applies to TRAINING) and counts it apart; with SCREEN unset (every draw to
    final32) it reads TRAINING only and the same rows are kept, the counts as before."""
    f8 = _module("draw_final8")
    fixed = _write(
        tmp_path / "fixed.jsonl",
        [{"title": "Other Coin lists on Example", "text": "x" * 40, "url": "https://a.org/1"}],
    )
    later = _write(
        tmp_path / "later.jsonl",
        [
            {"title": "Alpha Token TGE set for May 2", "text": "", "url": "https://b.org/9"},
            {"title": "A labeller's own headline", "text": "", "url": "https://c.org/3"},
        ],
    )
    lead = "Delta airdrop claim opens for holders of the snapshot taken last week today."
    pool = _write(
        tmp_path / "pool.jsonl",
        [
            _page(1, "Beta mainnet goes live", "Beta went live.", "https://c.org/1"),
            _page(2, "Alpha  Token TGE set for May 2!", "Alpha's TGE.", "https://d.org/2"),
            _page(3, "Gamma lists on Example", "Gamma lists.", "http://www.c.org/3/"),
            _page(4, "Delta airdrop opens", lead, "https://c.org/4"),
        ],
    )
    # row 4 is a row of the fixed batch too, by its text's start
    _write(fixed, [*_rows(fixed), {"title": "Delta news", "text": lead, "url": ""}])

    def read(screen: tuple[Path, ...] | None) -> tuple[list[str], Counter[str]]:
        counts: Counter[str] = Counter()
        with mock.patch.object(f8, "TRAINING", [fixed]), mock.patch.object(f8, "SCREEN", screen):
            ids = [i["provenance"]["pool_id"] for i in f8.read_pool(pool, counts)]
        return ids, counts

    assert f8.SCREEN is None  # off unless a split opts in
    ids, counts = read(None)
    assert ids == ["q-0001", "q-0002", "q-0003"]
    assert counts == Counter({"in a scoring batch": 1})
    ids, counts = read((fixed, later))
    assert ids == ["q-0001"]  # q-0002 by headline, q-0003 by address
    assert counts == Counter({"in a scoring batch": 1, f8.SCREENED: 2})
    # the screen's count is there (0) whenever the screen is on
    ids, counts = read((fixed,))
    assert ids == ["q-0001", "q-0002", "q-0003"] and counts[f8.SCREENED] == 0
    assert f8.SCREENED in counts


@pytest.fixture(scope="module")
def final31() -> Any:
    return _module("draw_final31")


def test_over19_screens_its_own_training_only_when_the_split_opts_in(
    final31, tmp_path, capsys
) -> None:
    """A split over draw_final19 whose TRAINING names a batch holding one of its pool's rows:
    without the opt-in the row is drawn as before (draw_final9's five batches are all the pool
    is screened against); with `screen_training=True` it is not, and `trial` prints the count."""
    rows = _rows(final31.POOL)[:40]
    pool = _write(tmp_path / "pool.jsonl", rows)
    f8 = final31.f11.f8
    # final31's settings on 40 of its rows: which are kept as draw items
    plain = dataclasses.replace(final31.OVER, pool=pool)
    items, counts = plain.split_of(final31.CAPS)[1](pool)
    kept = [i["provenance"]["pool_id"] for i in items]
    assert len(kept) >= 10 and f8.SCREENED not in counts
    row = next(r for r in rows if r["id"] == kept[3])
    batch = _write(tmp_path / "batch.jsonl", [{k: row[k] for k in ("id", "title", "text", "url")}])
    training = [*final31.f9.TRAINING, batch]
    off = dataclasses.replace(plain, training=training)
    on = dataclasses.replace(off, screen_training=True)
    assert not off.screen_training
    got_off, counts_off = off.split_of(final31.CAPS)[1](pool)
    assert [i["provenance"]["pool_id"] for i in got_off] == kept and counts_off == counts
    got_on, counts_on = on.split_of(final31.CAPS)[1](pool)
    assert [i["provenance"]["pool_id"] for i in got_on] == [k for k in kept if k != row["id"]]
    assert counts_on[f8.SCREENED] == 1 and counts_on["read"] == counts["read"] - 1
    assert f8.SCREEN is None  # restored after the call
    # trial: the screen's count beside the pool's
    capsys.readouterr()
    on.trial(pool, on.split_of(final31.CAPS)[1])
    out = capsys.readouterr().out
    assert f"TRAINING screen ({len(training)} batches): 1 pool rows dropped" in out
    assert "(0 of draw_final9's five, 1 of the others)" in out
    off.trial(pool, off.split_of(final31.CAPS)[1])
    assert "TRAINING screen" not in capsys.readouterr().out
    assert f8.SCREEN is None


@pytest.mark.parametrize(
    "split",
    [f"final{n}" for n in (20, 21, 22, 23, 24, 25, 26, 30, 31, 32)],
)
def test_every_drawn_split_keeps_the_old_screen(split) -> None:
    """final20 ... final32 were drawn reading draw_final9's five batches only: none opts in, so
    each redraws byte for byte (the redraw tests in test_events_join.py)."""
    assert _module(f"draw_{split}").OVER.screen_training is False


def test_final31_with_the_screen_would_drop_its_16_rows_of_batches_33_and_34(final31) -> None:
    """final31 screened against its own TRAINING (an opt-in it was not drawn with) drops 19 pool
    rows as rows of batches 33 (9) and 34 (10), among them the pool rows of all 16 drawn items
    that are rows of those batches; drawn as committed, it keeps them (166 items)."""
    items = _rows(HERE / "final31_items.jsonl")
    hit = {i["provenance"]["pool_id"] for i in items if i["id"] in FINAL31_IN_A_BATCH}
    assert len(hit) == 16
    plain, counts = final31.pool(final31.POOL)
    assert counts["kept"] == 166 and hit <= {i["provenance"]["pool_id"] for i in plain}
    on = dataclasses.replace(final31.OVER, screen_training=True)
    screened, counts_on = on.split_of(final31.CAPS)[1](final31.POOL)
    assert counts_on[final31.f11.f8.SCREENED] == 19 and "in a scoring batch" not in counts_on
    assert not hit & {i["provenance"]["pool_id"] for i in screened}
    assert counts_on["kept"] == 149
    # by batch, with the draw's match
    f8, f9 = final31.f11.f8, final31.f9
    rows = _rows(final31.POOL)
    per: dict[str, int] = {}
    with final31._final31(), final31.f11._final11():
        for path in final31.TRAINING:
            keys = f8._training([path])
            n = sum(
                f8.in_batches(
                    " ".join(str(r.get("title") or "").split()),
                    f9.f5._lead(str(r.get("text") or "")),
                    r,
                    keys,
                )
                for r in rows
            )
            if n:
                per[path.name] = n
    assert per == {"batch-2026-12-07-33.jsonl": 9, "batch-2026-12-07-34.jsonl": 10}
