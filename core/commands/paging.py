"""Long lists in pages with ◀ ▶ buttons, instead of cutting them silently.

A page is a `page` parameter of the command itself, so typing `/companies page=3` and
pressing ▶ do the same thing on every door; the buttons only carry that command line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.commands.registry import Button, Param, ParamType, command_button

T = TypeVar("T")

PAGE = Param("page", ParamType.INTEGER, "which page of the list (1 is the first)", min_value=1)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int  # 1-based, within 1..pages
    pages: int
    total: int

    @property
    def label(self) -> str:
        """' · page 2 of 6' (nothing for a one-page list)."""
        return f" · page {self.number} of {self.pages}" if self.pages > 1 else ""


def page_of(items: Sequence[T], page: int | None, size: int) -> Page[T]:
    """One page of `items`; a page past the end shows the last one."""
    pages = max(1, math.ceil(len(items) / size))
    number = min(max(page or 1, 1), pages)
    start = (number - 1) * size
    return Page(list(items[start : start + size]), number, pages, len(items))


def pager(command: str, page: Page[T], *args: str) -> tuple[list[Button], str]:
    """◀ ▶ buttons for `page` (each runs `/command page=N args`), and a hint to type instead
    when a button would not fit the platforms' callback limit."""
    buttons: list[Button] = []
    hint = ""
    for label, number in (("◀ Previous", page.number - 1), ("Next ▶", page.number + 1)):
        if not 1 <= number <= page.pages:
            continue
        button = command_button(label, command, f"page={number}", *args)
        if button is None:
            hint = f"\nMore: /{command} page={number} " + " ".join(args)
        else:
            buttons.append(button)
    return buttons, hint.rstrip()
