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

    python scripts/build_common_words.py            # writes the table from every labelled file
    python scripts/build_common_words.py --check    # exit 1 when the table is not what its
                                                    # recorded files build

The table names the files it was built from, each with its sha256 (``# source`` lines), so it
stays reproducible when a new labelled batch lands: ``--check`` rebuilds from the recorded
files (and fails if one is missing or changed), and says how many labelled files are newer
than the table (a rebuild takes them in; that is a choice, since it can move the joiner).
"""

from __future__ import annotations

import argparse
import hashlib
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


def labelled_files(folder: Path = CORPUS) -> list[Path]:
    """Every labelled file, in name order (what a rebuild reads)."""
    return sorted(folder.glob("*.jsonl"))


def recorded_files(table: str) -> list[tuple[Path, str]]:
    """The files a table was built from and their sha256, from its ``# source`` lines."""
    rows = []
    for line in table.splitlines():
        if line.startswith("# source "):
            name, digest = line[len("# source ") :].rsplit(" sha256 ", 1)
            rows.append((ROOT / name, digest))
    return rows


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def documents(paths: list[Path] | None = None) -> list[str]:
    """Each labelled item's headline and lead once (an item relabelled later is one item)."""
    docs: dict[str, str] = {}
    for path in labelled_files() if paths is None else paths:
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


def render(paths: list[Path]) -> str:
    """The table built from `paths`: a summary line, one ``# source`` line a file, the words."""
    docs = documents(paths)
    words = common_words(docs)
    head = (
        f"# built by scripts/build_common_words.py from {len(docs)} labelled items; "
        f"{len(words)} words (min_lower {MIN_LOWER}, min_share {MIN_SHARE})\n"
    )
    sources = "".join(
        f"# source {p.relative_to(ROOT).as_posix()} sha256 {sha256(p)}\n" for p in paths
    )
    return head + sources + "".join(f"{w}\n" for w in words)


def check(out: Path = OUT) -> tuple[bool, str]:
    """Whether the table is what its recorded files build, and what to say about it."""
    if not out.exists():
        return False, f"{out} is missing"
    table = out.read_text(encoding="utf-8")
    recorded = recorded_files(table)
    if not recorded:
        return False, f"{out} names no source files"
    for path, digest in recorded:
        if not path.exists() or sha256(path) != digest:
            return (
                False,
                f"{path.relative_to(ROOT)} is missing or changed since the table was built",
            )
    if render([p for p, _ in recorded]) != table:
        return False, f"{out} differs from what its recorded files build"
    newer = sorted(set(labelled_files()) - {p for p, _ in recorded})
    note = f"; {len(newer)} labelled file(s) newer than the table" if newer else ""
    return True, "up to date" + note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    if args.check:
        same, message = check()
        print(message)
        return 0 if same else 1
    text = render(labelled_files())
    OUT.write_text(text, encoding="utf-8")
    words = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
    print(f"wrote {OUT}: {words} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
