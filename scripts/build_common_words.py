"""Build ``core/data/events/common-words.txt``: the words real crypto news writes as common
words, never as a project's key.

Why: a headline's lead word or the scorer's discovered name becomes an event's project key
("ICO Platforms Beware", "Investor sues ... Unikrn", "Chat App Kik"), and two items keyed by
such words never meet nor stand apart for the right reason. Which words are common is read
from the labelled corpus (``core/data/labelled/*.jsonl``, real published headlines and leads),
not listed by hand: a word is common when the corpus writes it in lower case in at least
``MIN_LOWER`` items and in at least as many items as it capitalises it where no sentence starts
("platforms", "investor", "healthcare"), or when it is in at least ``MIN_SHARE`` of all items
("commission", "sec": the regulator's story of many projects). A project's name is capitalised
wherever it stands and is in few items ("Munchee", "Unikrn", "Lampix").

    python scripts/build_common_words.py            # writes the table
    python scripts/build_common_words.py --check    # exit 1 when the table is not what it builds
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "core" / "data" / "labelled"
OUT = ROOT / "core" / "data" / "events" / "common-words.txt"
MIN_LOWER = 3
MIN_SHARE = 0.005
MIN_LENGTH = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_SENTENCE_END = ".!?:;\n|-–—"


def documents(folder: Path = CORPUS) -> list[str]:
    """Each labelled item's headline and lead once (an item relabelled later is one item)."""
    docs: dict[str, str] = {}
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if "title" in item and item.get("id") not in docs:
                docs[item["id"]] = f"{item.get('title') or ''}\n{item.get('text') or ''}"
    return [docs[k] for k in sorted(docs)]


def common_words(docs: list[str]) -> list[str]:
    """The common words of `docs`, sorted (see the module's docstring)."""
    seen: dict[str, int] = {}
    lower: dict[str, int] = {}
    capital: dict[str, int] = {}
    for text in docs:
        words, low, cap = set(), set(), set()
        for m in _WORD.finditer(text):
            word = m.group(0)
            key = word.lower()
            words.add(key)
            before = text[: m.start()].rstrip(" \t\"'“‘«(")
            if word.islower():
                low.add(key)
            elif word[0].isupper() and before and before[-1] not in _SENTENCE_END:
                cap.add(key)
        for table, keys in ((seen, words), (lower, low), (capital, cap)):
            for key in keys:
                table[key] = table.get(key, 0) + 1
    floor = MIN_SHARE * len(docs)
    return sorted(
        w
        for w, n in seen.items()
        if len(w) >= MIN_LENGTH
        and not w.isdigit()
        and ((lower.get(w, 0) >= MIN_LOWER and lower.get(w, 0) >= capital.get(w, 0)) or n >= floor)
    )


def render(docs: list[str]) -> str:
    words = common_words(docs)
    head = (
        f"# built by scripts/build_common_words.py from {len(docs)} labelled items; "
        f"{len(words)} words (min_lower {MIN_LOWER}, min_share {MIN_SHARE})\n"
    )
    return head + "".join(f"{w}\n" for w in words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    text = render(documents())
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from what the corpus builds")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}: {text.count(chr(10)) - 1} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
