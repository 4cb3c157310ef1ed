"""A later split's settings over draw_final19's module, for one call of its split_of, trial or
build_pool: how draw_final20, draw_final21 and draw_final22 reuse draw_final19's rule, ladder,
trial and pool builder without copying their loops (and leave draw_final19 as it was).

Why one helper: each of those draws had the same ~45 lines (a patching context, split_of,
trial, build_pool) with only its name in them. `Script` is the rest they (and draw_final23
and draw_final24) had alike: the check that every batch TRAINING names is in the checkout
(draw_final22 on), the trial on the script's pool and the `pool` / `trial` / `draw` command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
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
    # Screen the pool against every batch `training` names (draw_final8.SCREEN), not only
    # draw_final9's five: draw_final9's `_final9`, entered inside every pool, sets
    # draw_final8.TRAINING to its five batches, so the split's own list was never read (final31
    # drew 16 rows of batches 33 and 34). Off by default so that final20 ... final32 redraw
    # byte for byte as drawn; final33 and every later split pass True.
    screen_training: bool = False

    def screen(self) -> AbstractContextManager[Any]:
        """draw_final8's pool screen set to this split's TRAINING if it opts in, else nothing."""
        if not self.screen_training:
            return nullcontext()
        return mock.patch.object(f11.f8, "SCREEN", tuple(self.training))

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
        """This split with `caps` over draw_final11's settings: its context, pool (screened
        against every TRAINING batch if the split opts in) and draw."""
        with self.context():
            context, pool, draw = f19.split_of(caps)
        if not self.screen_training:
            return context, pool, draw

        def screened_pool(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
            with self.screen():
                return pool(path)

        return context, screened_pool, draw

    def trial(self, path: Path, pool: f11.Pool) -> tuple[list[int], int]:
        """Pairs drawn at each rung of draw_final19's ladder (counts only) and the rung picked,
        on this split's pool function (screened if the split opts in; the screen's count is
        printed beside the pool's)."""
        with self.context(), self.screen(), mock.patch.object(f19, "pool", pool):
            return f19.trial(path)

    def build_pool(
        self, sources: tuple[Path, ...] | None = None, out: Path | None = None
    ) -> dict[str, int]:
        """draw_final19's pool builder (dated rows, each line as written, less left_out) for
        this split: from `sources` (this split's if not given) into `out` (its pool file)."""
        with self.context():
            return f19.build_pool(
                self.sources if sources is None else sources, self.pool if out is None else out
            )


class MissingTraining(FileNotFoundError):
    """A batch TRAINING names is not in this checkout: the draw would know fewer pages."""


@dataclass(frozen=True)
class Script:
    """One draw script's TRAINING check, trial and command. Each reads the script's module
    (its SPLIT, POOL, HERE, TRAINING, OVER, pool, trial, build_pool and draw) when called, as
    the script's own functions did: a batch put in its TRAINING later is checked too."""

    module: ModuleType
    pool_help: str  # the `pool` subcommand's help: what the split's pool is written from

    def missing_training(self) -> list[Path]:
        """The files TRAINING names that this checkout does not hold."""
        return [p for p in self.module.TRAINING if not p.exists()]

    def check_training(self) -> None:
        """MissingTraining, naming them, if a file TRAINING names is not in the checkout."""
        missing = self.missing_training()
        if missing:
            names = ", ".join(str(p.relative_to(f11.f9.f5.ROOT)) for p in missing)
            raise MissingTraining(
                f"{self.module.SPLIT}: TRAINING names {len(missing)} file(s) not in this "
                f"checkout: {names} "
                "(land them on the branch, e.g. rebase on main, before the pool is drawn)"
            )

    def checked(self, pool: f11.Pool) -> f11.Pool:
        """`pool` (draw_final11's under the split's settings), once every TRAINING file is
        here."""

        def checked_pool(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
            self.check_training()
            return pool(path)

        return checked_pool

    def trial(self, path: Path) -> tuple[list[int], int]:
        """Pairs drawn at each rung of LADDER (counts only: nothing written) and the rung
        picked: draw_final19's trial with the split's pool and settings."""
        return self.module.OVER.trial(path, self.module.pool)

    def main(self) -> None:
        """`pool` (write the split's pool file), `trial` (counts only) or `draw` (at CAPS,
        writing the split); a missing TRAINING batch stops the command with its message."""
        m = self.module
        ap = argparse.ArgumentParser(description=(m.__doc__ or "").split("\n\n")[0])
        sub = ap.add_subparsers(dest="cmd", required=True)
        sub.add_parser("pool", help=self.pool_help)
        t = sub.add_parser("trial", help="pairs drawn at each rung of the ladder (counts only)")
        t.add_argument("--pool", type=Path, default=m.POOL)
        d = sub.add_parser("draw", help="draw at CAPS and write the split")
        d.add_argument("--pool", type=Path, default=m.POOL)
        d.add_argument("--out", type=Path, default=m.HERE)
        args = ap.parse_args()
        try:
            if args.cmd == "pool":
                print(json.dumps(m.build_pool()))
            elif args.cmd == "trial":
                m.trial(args.pool)
            else:
                items, counts = m.pool(args.pool)
                print(json.dumps(counts, ensure_ascii=False))
                f11.f9.report(args.out, m.SPLIT, items, m.draw(items))
        except MissingTraining as err:
            sys.exit(str(err))
