"""Experiment (not part of the service): do text features learned from UNLABELLED real crypto
news help the model on projects it has never seen?

Why: with ~2,600 labelled items the model cannot learn what most words mean; an item about a
new project phrased in words it never saw gets little from the n-grams. Word vectors fitted on
tens of thousands of unlabelled headlines and leads (LSA, i.e. TruncatedSVD of TF-IDF, or
word2vec) could carry what a word means to an item that has it. Result (2026-12-05): it does
not help enough to ship (see ``core/data/model/README.md``, "Tried and not kept").

It reads real text from local read-only git mirrors of public repositories (the search tool's
``fetch``) at the fixed commits in ``SOURCES``, drops every labelled item's text (corpus, dev
and written sets) and every item naming a final-test project, fits the word vectors, adds the
item's mean word vector as dense features beside the usual ones, and runs exactly
``tge-monitor train``'s procedure (same data, seed, folds, C grid; 5x5 grouped CV):

    python scripts/semi_supervised_experiment.py --variant lsa --dims 64 --alpha 3 --title
    python scripts/semi_supervised_experiment.py --variant none      # the model as shipped

``--variant w2v`` needs gensim (not a dependency of the project; the experiment only).
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_token_history import git_ls, git_show  # noqa: E402

from core.scoring import train as T  # noqa: E402
from core.scoring.model import item_text  # noqa: E402

# (repo, commit, path or glob, what it is): every text read, at the version read.
SOURCES = [
    (
        "nyu-tandon-capstone/crypto-team4",
        "7724548db828ece765f1098f664d96a8f04fe397",
        "data/cryptonews.csv",
        "Kaggle cryptonews copy, 2021-10..2022-07 (7,524 rows)",
    ),
    (
        "YiyunXia926/bitcoin-sentiment-segmentation-with-correlation-detection",
        "ef293bda92ec36e22effd78a52def427d95561c0",
        "cryptonews.csv",
        "Kaggle cryptonews, 2023-12",
    ),
    (
        "divyangjha22/Sentiment-analysis-on-Cryptocurrency",
        "31d89b2ae63e0b99eca618acda0c8cd09c080354",
        "cryptonews.csv",
        "NewsAPI dump, crypto",
    ),
    (
        "navidpourhadi/Crypto_RAG",
        "c52e74980e01260cb69f6abdb2abaefe66b7b83f",
        "crypto_news.csv",
        "news-API dump, 2024-06",
    ),
    (
        "uic-cs418/cs418-project-slamming-squad-1",
        "ef58862bbc39a66f2ed99445f8f629833e619992",
        "coindesk.csv cryptonews_content.csv cryptocurrencynews_content.csv",
        "article bodies 2019 (lead only)",
    ),
    (
        "zhigehe/bulwark",
        "91e82e6d748413c0e33f3ecf69ac04ad8bed41e9",
        "content/en/news/",
        "mirrored news feeds 2025 (title + summary; 20,261 files)",
    ),
    (
        "A13Club/BinanceAnnouncement",
        "9128890ae867e7b9a0613e626bca0ced1a0a08a4",
        "*.md",
        "Binance announcements 2025-26",
    ),
    (
        "fxmarty/binance-listing-announcement-price-analysis",
        "593e935340c45586dfab9c0748267bbbaff70ae7",
        "dat/annoucement_pages/",
        "Binance announcement pages 2017-21",
    ),
    (
        "segonse/token-listing-monitor",
        "08419d6617912564a1fa6067262b913a9dd0afa2",
        "tmp/bitgetAnn.txt tmp/ann.txt tmp/OKX.txt",
        "Bitget/OKX announcement titles",
    ),
]
LABELLED = [
    ROOT / "core/data/labelled/corpus.jsonl",
    ROOT / "core/data/eval/dev.jsonl",
    *(ROOT / f"tests/data/heldout/set{i}/items.jsonl" for i in (1, 2, 3, 4)),
]
# Labelled batches kept beside the corpus (not trained on: core/data/labelled/README.md); their
# texts are labelled too, so they never come back as unlabelled items.
BATCHES = sorted((ROOT / "core/data/labelled").glob("batch-*.jsonl"))
csv.field_size_limit(10**9)


def _lead(t: str, n: int = 600) -> str:
    t = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(t or "")).split())
    if len(t) <= n:
        return t
    k = t[:n].rfind(". ")
    return t[: k + 1] if k > 200 else t[:n]


def _batch(mirror: Path, commit: str, paths: list[str]) -> Iterator[str]:
    """Many files of one commit through one ``git cat-file --batch``."""
    p = subprocess.run(
        ["git", "-C", str(mirror), "cat-file", "--batch"],
        input="".join(f"{commit}:{x}\n" for x in paths).encode(),
        capture_output=True,
        check=True,
    )
    data, pos = p.stdout, 0
    while pos < len(data):
        nl = data.index(b"\n", pos)
        head = data[pos:nl].split()
        if head[-1] == b"missing":
            pos = nl + 1
            continue
        size = int(head[2])
        yield data[nl + 1 : nl + 1 + size].decode("utf-8", "replace")
        pos = nl + 2 + size


def unlabelled(mirrors: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(headline, lead, where from: repo, commit, path and row or line) of every source row."""
    for repo, commit, where, _what in SOURCES:
        m = mirrors / repo.replace("/", "+") / "repo"

        def at(path: str, row: int | None = None, **meta: Any) -> dict[str, Any]:
            """Where from; ``meta`` (date, publisher, url as the source gives them) in
            ``meta`` for callers that need it (``labelling_batch.py``)."""
            src: dict[str, Any] = {"repo": repo, "commit": commit, "path": path}  # noqa: B023
            src |= {} if row is None else {"row": row}
            return src | {"meta": meta}

        if repo.startswith(("nyu", "YiyunXia", "divyang", "navid")):
            delim = ";" if repo.startswith("nyu") else ","
            rd = csv.DictReader(io.StringIO(git_show(m, commit, where)), delimiter=delim)
            for i, r in enumerate(rd):
                text = _lead(r.get("text") or r.get("description") or "")
                meta = {
                    "date": r.get("date") or r.get("publishedAt") or r.get("time"),
                    "publisher": r.get("source"),
                    "url": r.get("url"),
                }
                yield r.get("title") or "", text, at(where, i, **meta)
        elif repo.startswith("uic"):
            for path in where.split():
                for i, r in enumerate(csv.DictReader(io.StringIO(git_show(m, commit, path)))):
                    yield "", _lead(r.get("text") or ""), at(path, i, date=r.get("date"))
        elif repo.startswith("zhigehe"):
            files = [f for f in git_ls(m, commit, where) if f.endswith(".md")]
            for f, body in zip(files, _batch(m, commit, files), strict=True):
                mt = re.search(r'^title: "(.*)"$', body, re.M)
                ms = re.search(r'^summary: "(.*)"$', body, re.M)
                md = re.search(r'^date: "(.*)"$', body, re.M)
                mc = re.search(r'^categories:\n\s*- "(.*)"$', body, re.M)
                meta = {"date": md and md.group(1), "publisher": mc and mc.group(1)}
                yield (mt.group(1) if mt else ""), (ms.group(1) if ms else ""), at(f, **meta)
        elif repo.startswith("A13Club"):
            files = [f for f in git_ls(m, commit) if f.endswith(".md")]
            for f, body in zip(files, _batch(m, commit, files), strict=True):
                lines = [x for x in body.splitlines() if x.strip()]
                title = lines[0].lstrip("# ").strip() if lines else ""
                lead = _lead(" ".join(re.sub(r"[#*\[\]()>|]", " ", x) for x in lines[1:8]))
                md = re.search(r"_(\d{8})\d{6}\.md$", f)
                yield title, lead, at(f, date=md and md.group(1), publisher="Binance")
        elif repo.startswith("fxmarty"):
            files = git_ls(m, commit, where)
            for f, body in zip(files, _batch(m, commit, files), strict=True):
                mt = re.search(r"<title>(.*?)</title>", body, re.S)
                body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
                k = body.find("Fellow Binancians")
                title = html.unescape(mt.group(1)).split("|")[0].strip() if mt else ""
                md = re.search(r'"publishDate":(\d{13})', body)
                meta = {
                    "date": md and int(md.group(1)) // 1000,
                    "publisher": "Binance (announcement)",
                }
                yield title, (_lead(body[k : k + 3000]) if k >= 0 else ""), at(f, **meta)
        else:
            for path in where.split():
                for i, line in enumerate(git_show(m, commit, path).splitlines()):
                    if len(t := line.split("\t")[-1].strip()) > 10:
                        day = line.split("\t")[0]  # a date in bitgetAnn.txt, an id in ann.txt
                        day = day if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else None
                        who = "Bitget" if "bitget" in path else "OKX"
                        yield t, "", at(path, i, date=day, publisher=who)


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", (s or "").lower())


def naming(names: set[str], tickers: set[str]) -> re.Pattern[str]:
    """What finds an item naming one of these projects: a name as a word (Binance the venue
    aside) or a ticker of 3+ characters, bare or with its '$'."""
    names = {x for x in names if x} - {"Binance"}
    alt = "|".join(re.escape(x) for x in sorted(names, key=len, reverse=True))
    talt = "|".join(re.escape(x) for x in sorted(tickers, key=len, reverse=True) if len(x) >= 3)
    parts = [rf"\b({alt})\b"] if alt else []
    parts += [rf"(?<![A-Za-z0-9])\$?({talt})(?![A-Za-z0-9])"] if talt else []
    return re.compile("|".join(parts) or "(?!)")


def clean_set(
    mirrors: Path,
    raw: bool = False,
    items: Iterable[tuple[str, str, dict[str, Any]]] | None = None,
) -> list[Any]:
    """The unlabelled items' normalised texts (``raw``: their (headline, lead, source) as
    read): deduplicated, with no labelled item's text and nothing that names a final-test
    project (its names and tickers, Binance the venue aside). ``items``: read these
    (headline, lead, source) instead of ``SOURCES`` (``labelling_batch.py``'s later rounds)."""
    titles, texts, names, tickers = set(), set(), set(), set()
    held = T.read_ids(T.FINAL_TEST_IDS)
    for f in LABELLED + BATCHES:
        for line in f.read_text(encoding="utf-8").splitlines():
            o = json.loads(line)
            if _norm(o.get("title")):
                titles.add(_norm(o.get("title")))
            if len(_norm(o.get("text"))) > 30:
                texts.add(_norm(o.get("text"))[:80])
            if o.get("id") in held and f.name == "corpus.jsonl":
                names |= {p for p in T._parts(o.get("company")) if len(p) >= 3}
                tickers |= {t.lstrip("$").upper() for t in T._parts(o.get("token_symbol"))}
    held_re = naming(names, tickers)
    seen: set[str] = set()
    out: list[Any] = []
    counts = {"read": 0, "repeated": 0, "labelled": 0, "final-test project": 0}
    for title, text, source in unlabelled(mirrors) if items is None else items:
        title = " ".join(title.split())
        counts["read"] += 1
        key = _norm(title) + "|" + _norm(text)[:80]
        if key in seen or not key.strip("|"):
            counts["repeated"] += 1
            continue
        seen.add(key)
        if _norm(title) in titles or (len(_norm(text)) > 30 and _norm(text)[:80] in texts):
            counts["labelled"] += 1
        elif held_re.search(f"{title} {text}"):
            counts["final-test project"] += 1
        else:
            out.append((title, text, source) if raw else item_text(title, text)[0])
    print(f"unlabelled set: {len(out)} kept; {counts}", flush=True)
    return out


def _tokens(low: str) -> list[str]:
    return [t for t in low.split() if any(c.isalnum() for c in t)]


def word_vectors(docs: list[str], variant: str, dims: int) -> dict[str, Any]:
    """Centred unit-length word vectors fitted on the unlabelled texts only."""
    if variant == "lsa":
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec = TfidfVectorizer(
            tokenizer=_tokens,
            lowercase=False,
            token_pattern=None,
            min_df=3,
            max_df=0.5,
            sublinear_tf=True,
        )
        svd = TruncatedSVD(dims, random_state=0, n_iter=7).fit(vec.fit_transform(docs))
        table = {w: svd.components_[:, i] for w, i in vec.vocabulary_.items()}
    else:
        from gensim.models import Word2Vec

        m = Word2Vec(
            [_tokens(d) for d in docs],
            vector_size=dims,
            window=5,
            min_count=3,
            sg=1,
            epochs=10,
            workers=1,
            seed=0,
        )
        table = {w: m.wv[w] for w in m.wv.index_to_key}
    mu = np.mean(np.stack(list(table.values())), axis=0)
    return {w: (v - mu) / (np.linalg.norm(v - mu) + 1e-9) for w, v in table.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--variant", choices=("none", "lsa", "w2v"), default="lsa")
    ap.add_argument("--dims", type=int, default=64)
    ap.add_argument("--alpha", type=float, default=3.0, help="scale of the dense features")
    ap.add_argument(
        "--norm",
        choices=("l2", "mean", "sum"),
        default="l2",
        help="l2: unit-length item vector; mean: plain mean, sum: sum over distinct words / 10"
        " (both fold into one scalar per word at run time)",
    )
    ap.add_argument("--title", action="store_true", help="the headline's vector as well")
    args = ap.parse_args()
    if args.variant != "none":
        t0 = time.process_time()
        table = word_vectors(clean_set(args.mirrors), args.variant, args.dims)
        print(f"{len(table)} words x {args.dims}, {time.process_time() - t0:.0f} s CPU")
        base = T.row_features

        def row_features(a: Any, title: str, text: str, config: Any, *rest: Any) -> dict:
            f = base(a, title, text, config, *rest)
            low = item_text(title, text)[0]
            k = low.find("\x0e")
            parts = [("emb", low)] + ([("embt", low[:k] if k >= 0 else low)] if args.title else [])
            for prefix, seg in parts:
                words = sorted(set(_tokens(seg))) if args.norm == "sum" else _tokens(seg)
                vs = [table[t] for t in words if t in table]
                if vs:
                    v = np.sum(vs, axis=0) / 10 if args.norm == "sum" else np.mean(vs, axis=0)
                    if args.norm == "l2":
                        v = v / (np.linalg.norm(v) + 1e-9)
                    f.update({f"{prefix}:{i:02d}": float(x) for i, x in enumerate(v * args.alpha)})
            return f

        T.row_features = row_features  # load_rows looks it up at call time
    model = T.train([LABELLED[0]], LABELLED[1:], holdout=T.FINAL_TEST_IDS, config=T.TrainConfig())
    print(T.format_cv(model))


if __name__ == "__main__":
    main()
