"""Real data shipped inside the package, so a plain clone or a wheel has what the demo,
`eval`, the benches and the tests read. Provenance: `data/feeds/SOURCES.md`,
`data/eval/README.md`; copied from the project's shared data folder (2026-12-05)."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
FEEDS_DIR = DATA_DIR / "feeds"
COMPANIES_FILE = DATA_DIR / "companies.json"
DEV_EVAL_FILE = DATA_DIR / "eval" / "dev.jsonl"
LABELLED_CORPUS_FILE = DATA_DIR / "labelled" / "corpus.jsonl"
# Default catalogues loaded on a fresh database (provenance: data/catalogue/README.md).
SOURCES_CATALOGUE_FILE = DATA_DIR / "catalogue" / "sources.json"
COMPANIES_CATALOGUE_FILE = DATA_DIR / "catalogue" / "companies.json"
