"""A later split's settings over draw_final19's module, for one call of its split_of, trial or
build_pool: how draw_final20, draw_final21 and draw_final22 reuse draw_final19's rule, ladder,
trial and pool builder without copying their loops (and leave draw_final19 as it was).

Why one helper: each of those draws had the same ~45 lines (a patching context, split_of,
trial, build_pool) with only its name in them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final11 as f11  # noqa: E402  (sibling scripts, not a package)
import draw_final19 as f19  # noqa: E402


@dataclass(frozen=True)
class Over19:
    """One split's name, seed, pool file, sources, left-out rows and batches, put over
    draw_final19's module settings for the length of a call."""

    split: str
    seed: int
    pool: Path
    sources: tuple[Path, ...]
    left_out: dict[str, str]
    training: list[Path]

    def context(self) -> AbstractContextManager[Any]:
        """draw_final19 with this split's settings, restored on exit."""
        return mock.patch.multiple(
            f19,
            SPLIT=self.split,
            SEED=self.seed,
            POOL=self.pool,
            SOURCES=self.sources,
            LEFT_OUT=self.left_out,
            TRAINING=self.training,
        )

    def split_of(
        self, caps: f19.Caps
    ) -> tuple[Callable[[], AbstractContextManager[None]], f11.Pool, f11.Draw]:
        """This split with `caps` over draw_final11's settings: its context, pool and draw."""
        with self.context():
            return f19.split_of(caps)

    def trial(self, path: Path, pool: f11.Pool) -> tuple[list[int], int]:
        """Pairs drawn at each rung of draw_final19's ladder (counts only) and the rung picked,
        on this split's pool function."""
        with self.context(), mock.patch.object(f19, "pool", pool):
            return f19.trial(path)

    def build_pool(self, sources: tuple[Path, ...], out: Path) -> dict[str, int]:
        """draw_final19's pool builder (dated rows, each line as written) for this split."""
        with self.context():
            return f19.build_pool(sources, out)
