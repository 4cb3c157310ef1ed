"""Train the learned layer (``tge-monitor train``): features, grouped evaluation, calibration.

Why logistic regression (scikit-learn): it is small (one weight per feature, a JSON file of
a few hundred KB), its weights read as "this phrase pushes towards / away from a TGE", which
the alert's "why" line needs, it trains in seconds, and its scores calibrate well with a
monotone table. Gradient-boosted trees would need their own inference code and would
explain themselves less plainly; they are not used unless they clearly win, and on the real
corpus they did not (stacked on the engine signals and this model's score: average precision
0.749 against 0.756 on the same grouped folds; see ``core/data/model/README.md``).

Evaluation is by cross-validation grouped by company: every item about a project is in the
same fold, so the score says how the model does on projects it has never seen. Items name
their project by the ``company`` and ``token_symbol`` labels; items that share either are one
group (union-find), and an item with neither is grouped by the project the engine found, or
alone. Metrics are computed on the items of the ``--data`` files only; ``--train-only`` files
(text written for the project) may train but never count as evidence.

The run is reproducible: one seed fixes the folds, the simulated unlisted companies and the
solver; the same data and seed give a byte-identical model file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.bundled import COMPANIES_FILE
from core.errors import InvalidInput
from core.scoring.discovery import names_match
from core.scoring.engine import Analysis, CompanySpec, ScoringEngine
from core.scoring.evaluate import (
    average_precision,
    load_companies,
    load_items,
    parse_published,
    reliability_table,
)
from core.scoring.history import TokenHistory, day_of, headline_tickers, read_first_seen
from core.scoring.model import (
    CJK_LANGUAGES,
    FORMAT,
    FORMAT_VERSION,
    FORMAT_VERSION_URL,
    cjk_item_text,
    item_features,
    ngrams,
    url_features,
)

log = logging.getLogger(__name__)

HIGH = 0.7
# Thresholds at which the CV reports its out-of-fold F1, precision and recall (the card's curve).
CURVE = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
# The final test split of the real corpus (see `tge-monitor holdout`): never trained on.
FINAL_TEST_IDS = Path(__file__).resolve().parent.parent / "data" / "model" / "final-test-ids.txt"

_STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours s t""".split()
)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides the model besides the data; written into the model's card."""

    seed: int = 0
    ngram_max: int = 2
    min_df: int = 3  # a feature seen in fewer training items is dropped
    max_df: float = 0.25  # and a phrase in more than this share of them (the, of, to...)
    c_grid: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0)  # L2 strength, chosen by grouped CV
    folds: int = 5
    repeats: int = 5
    prune: float = 0.1  # phrase weights smaller than this are dropped (speed, file size)
    unlisted: float = 0.25  # share of projects left out of the companies table
    threshold: float = 0.5  # the CV's figures at this threshold (what the probabilities mean)
    # The operating threshold: chosen by F1 on out-of-fold scores of the training rows, from
    # these (nested in CV: each outer fold chooses on its own training part's inner scores).
    threshold_grid: tuple[float, ...] = tuple(round(0.1 + 0.01 * i, 2) for i in range(81))
    calibrate_min: int = 300  # real items needed to calibrate on real items alone
    jobs: int = 2  # processes for the independent fits of cross-validation
    # Token-history features (core.scoring.history): the bundled first-seen table and the real
    # items' own headlines, each counted only before the item's day.
    history: bool = True
    # Engine signals left out of training (their weight is then 0 in the scorer), e.g. the
    # length signals, which mark which collection gave an item a lead more than its content.
    drop: tuple[str, ...] = ()
    # Feature sets beyond the default: "pagekind", the item's address (host kind, path kind,
    # path words: core.scoring.model.url_features; the model file is then format version 2);
    # "cjk", phrases that read CJK runs as characters (core.scoring.model.cjk_item_text: the
    # model file says features.cjk_ngrams), its operating threshold chosen on the zh/ja/ko
    # items alone (the items such a model scores in the service) and its CV figures on them.
    features: tuple[str, ...] = ()
    # "isotonic" (a step table) or "centred": each flat step of the isotonic table replaced by
    # one point at its middle, linear in between, so items the raw score ranks apart are not
    # tied by a step (the same probabilities on average; ranking as the raw score's).
    calibration: str = "isotonic"


# TrainConfig's later options at their defaults, which the card leaves unsaid
_UNSAID: dict[str, Any] = {"drop": (), "features": (), "calibration": "isotonic"}


@dataclass
class Row:
    """One labelled item, analysed by the engine, with its features."""

    id: str
    title: str
    text: str
    label: int
    evidence: bool  # from a --data file (real text), not a --train-only one
    keys: list[str]  # project keys (normalised names and tickers) for grouping
    analysis: Analysis | None = None
    feats: dict[str, float] = field(default_factory=dict)
    group: str = ""
    company: str = ""  # the labels, to check a discovered name or ticker
    ticker: str = ""
    published: Any = None
    # The features with nobody in the companies table (a TGE item only): what the model sees
    # when the project is new to everyone (the discovery measure).
    unlisted: dict[str, float] | None = None
    found: dict[str, Any] | None = None  # the project discovery named then
    source: str = ""  # the file it was read from (the CV reports each --data file's own figures)
    url: str = ""  # the item's address (a feature only with TrainConfig.features "pagekind")


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(s).lower())


def _parts(label: Any) -> list[str]:
    if not label or not isinstance(label, str):
        return []
    return [p.strip() for p in re.split(r"[/(),;|]", label) if _norm(p)]


def project_keys(item: dict[str, Any]) -> list[str]:
    """Normalised project names and tickers an item is labelled with."""
    keys = [f"n:{_norm(p)}" for p in _parts(item.get("company"))]
    keys += [f"t:{_norm(p.lstrip('$'))}" for p in _parts(item.get("token_symbol"))]
    return keys


C_TOLERANCE = 0.005  # average precision given up for a simpler model (see choose_c)
HUB_LINKS = 4  # a name or ticker labelled beside this many others is a venue, not a project


def group_rows(rows: Sequence[Row]) -> None:
    """Give every row its group: rows sharing a project name or ticker are one group.

    A key seen beside many different others ("Binance" with every token it lists, "BTC" with
    every company that buys it) would chain unrelated projects into one giant group; such a
    hub joins nothing: an item labelled with it and another key goes by the other key, an
    item labelled with the hub alone is grouped under the hub."""
    links: dict[str, set[str]] = {}
    for r in rows:
        for k in r.keys:
            links.setdefault(k, set()).update(x for x in r.keys if x != k)
    hubs = {k for k, others in links.items() if len(others) >= HUB_LINKS}
    for r in rows:
        if len(r.keys) > 1 and hubs.intersection(r.keys):
            r.keys = [k for k in r.keys if k not in hubs] or r.keys[:1]
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in rows:
        keys = r.keys or [f"id:{r.id}"]
        for k in keys[1:]:
            union(keys[0], k)
        find(keys[0])
    for r in rows:
        r.group = find((r.keys or [f"id:{r.id}"])[0])


def _engine_keys(a: Analysis) -> list[str]:
    """For an item with no project label: the project the engine found, if any."""
    if a.companies:
        return [f"n:{_norm(a.companies[0]['name'])}"]
    if a.tokens:
        return [f"t:{_norm(a.tokens[0])}"]
    return []


def derived_companies(items: Iterable[dict[str, Any]]) -> list[CompanySpec]:
    """A companies table from the labels: name (first part), other parts as aliases, tickers."""
    by_name: dict[str, dict[str, Any]] = {}
    for item in items:
        parts = _parts(item.get("company"))
        if not parts:
            continue
        rec = by_name.setdefault(_norm(parts[0]), {"name": parts[0], "aliases": [], "tokens": []})
        for p in parts[1:]:
            if p not in rec["aliases"]:
                rec["aliases"].append(p)
        for t in _parts(item.get("token_symbol")):
            t = t.lstrip("$").upper()
            if t and t not in rec["tokens"]:
                rec["tokens"].append(t)
    return [
        CompanySpec(id=None, name=r["name"], aliases=tuple(r["aliases"]), tokens=tuple(r["tokens"]))
        for r in by_name.values()
    ]


def _spec_keys(c: CompanySpec) -> set[str]:
    keys = {f"n:{_norm(n)}" for n in (c.name, *c.aliases) if _norm(n)}
    keys |= {f"t:{_norm(t.lstrip('$'))}" for t in c.tokens if _norm(t)}
    return keys


def companies_table(
    data_files: Sequence[Path], items: Sequence[dict[str, Any]], unlisted: set[str]
) -> list[CompanySpec]:
    """The bundled companies, each data file's own ``companies.json`` when it has one, and
    the projects named in the labels; minus the projects chosen to stay unlisted."""
    specs: list[CompanySpec] = list(load_companies(COMPANIES_FILE))
    for f in data_files:
        side = f.parent / "companies.json"
        if side.is_file():
            specs += load_companies(side)
    known: set[str] = set()
    for c in specs:
        known |= _spec_keys(c)
    for c in derived_companies(items):
        if f"n:{_norm(c.name)}" not in known:
            specs.append(c)
            known |= _spec_keys(c)
    out = [c for c in specs if not (_spec_keys(c) & unlisted)]
    # Ids unique and stable (the engine reports them; the table is rebuilt identically).
    return [
        CompanySpec(
            id=i + 1,
            name=c.name,
            aliases=c.aliases,
            tokens=c.tokens,
            priority=c.priority,
            exclusions=c.exclusions,
        )
        for i, c in enumerate(out)
    ]


def data_hash(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


_REPO = Path(__file__).resolve().parent.parent.parent


def file_entry(p: Path, evidence: bool) -> dict[str, Any]:
    """A training file as the card lists it: its path (from the repository's root when it is
    in it, so the card does not depend on where train was run), the SHA-256 of its bytes (what
    ``sha256sum`` prints) and whether it counts as evidence."""
    try:
        name = p.resolve().relative_to(_REPO).as_posix()
    except ValueError:
        name = p.name
    return {
        "file": name,
        "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
        "evidence": evidence,
    }


def read_ids(path: str | Path) -> set[str]:
    """Ids listed one a line ('#' starts a comment)."""
    out: set[str] = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(line)
    return out


def load_rows(
    data: Sequence[Path],
    train_only: Sequence[Path] = (),
    *,
    config: TrainConfig,
    held: set[str] | frozenset[str] = frozenset(),
    dropped: list[int] | None = None,
) -> tuple[list[Row], list[CompanySpec]]:
    """Read the labelled files, drop repeated texts, group by project, run the engine.

    The projects of the ``held`` ids (the final test split) are dropped before any feature
    is made, so their items never reach training, not even as another item's history
    (how many were dropped is appended to ``dropped``)."""
    raw: list[tuple[dict[str, Any], bool, str]] = []
    seen_text: set[str] = set()
    # a file goes by its name, or by its path where two --data files share a name
    names = [p.name for p in data]
    label = {p: p.name if names.count(p.name) == 1 else str(p) for p in data}
    for paths, evidence in ((data, True), (train_only, False)):
        for p in paths:
            if not p.is_file():
                raise InvalidInput(f"file not found: {p}")
            try:
                items = load_items(p)
            except (ValueError, UnicodeDecodeError) as exc:
                raise InvalidInput(f"{p}: not JSON Lines ({exc})") from None
            for n, item in enumerate(items, start=1):
                if not isinstance(item, dict) or "is_tge" not in item:
                    raise InvalidInput(f"{p}: item {n} has no is_tge label")
                key = " ".join(f"{item.get('title') or ''} {item.get('text') or ''}".split())
                if key.lower() in seen_text:
                    continue  # the same text twice would sit on both sides of a split
                seen_text.add(key.lower())
                raw.append((item, evidence, label.get(p, p.name)))
    rows = [
        Row(
            id=str(item.get("id") or f"item-{i}"),
            title=str(item.get("title") or ""),
            text=str(item.get("text") or ""),
            label=int(bool(item.get("is_tge"))),
            evidence=evidence,
            keys=project_keys(item),
            company=str(item.get("company") or ""),
            ticker=str(item.get("token_symbol") or ""),
            published=parse_published(item.get("date")),
            source=source,
            url=str(item.get("url") or ""),
        )
        for i, (item, evidence, source) in enumerate(raw)
    ]
    # A first engine pass over the full table names the project of unlabelled items.
    all_items = [item for item, _, _ in raw]
    everything = ScoringEngine(companies_table([*data, *train_only], all_items, set()))
    for r, (item, _, _) in zip(rows, raw, strict=True):
        if not r.keys:
            a = everything.analyze_rules(
                r.title, r.text, published=parse_published(item.get("date"))
            )
            r.keys = _engine_keys(a)
    group_rows(rows)
    # Some projects stay out of the table, as projects nobody listed yet will be.
    groups = sorted({r.group for r in rows if r.keys})
    rng = random.Random(config.seed)
    hidden = set(rng.sample(groups, round(len(groups) * config.unlisted)))
    unlisted: set[str] = set()
    for r in rows:
        if r.group in hidden:
            unlisted.update(r.keys)
    table = companies_table([*data, *train_only], all_items, unlisted)
    if held:
        held_groups = {r.group for r in rows if r.id in held}
        kept = [r for r in rows if r.group not in held_groups]
        if dropped is not None:
            dropped.append(len(rows) - len(kept))
        rows = kept
    engine = ScoringEngine(table)
    nobody = ScoringEngine([])
    history = training_history(rows) if config.history else None
    for r in rows:
        day = day_of(r.published) if history is not None else None
        r.analysis = engine.analyze_rules(r.title, r.text, published=r.published)
        r.feats = row_features(r.analysis, r.title, r.text, config, history, day, r.url)
        if r.evidence and r.label:
            alone = nobody.analyze_rules(r.title, r.text, published=r.published)
            if alone.new_project:
                r.unlisted = row_features(alone, r.title, r.text, config, history, day, r.url)
                r.found = alone.discovered
    return rows, table


def training_history(rows: Sequence[Row]) -> TokenHistory:
    """What the service would know of tickers' pasts: the bundled first-seen table plus the
    headlines of the real items (as the items table gives at run time). Labels are never
    read, and a row's features count only sightings before its own day
    (:meth:`TokenHistory.features`), so nothing from the future leaks in."""
    history = TokenHistory(read_first_seen())
    for r in rows:
        if r.evidence and r.published is not None:
            history.see(headline_tickers(r.title), r.published)
    return history


def row_features(
    a: Analysis,
    title: str,
    text: str,
    config: TrainConfig,
    history: TokenHistory | None = None,
    day: int | None = None,
    url: str = "",
) -> dict[str, float]:
    """All features of one analysed item: the engine's signals and the word n-grams (and,
    with the "pagekind" features, its address's)."""
    low, title_end, feats = item_features(a, title, text, None, history, day)
    for name in config.drop:
        feats.pop(name, None)
    if "pagekind" in config.features:
        for name in url_features(url):
            feats[name] = 1.0
    if "cjk" in config.features:
        low, title_end = cjk_item_text(title, text)
    for g in ngrams(low, config.ngram_max):
        feats["w:" + g] = 1.0
    if title_end:
        for g in ngrams(low[:title_end], config.ngram_max):
            feats["tw:" + g] = 1.0
    return feats


# --- learning (scikit-learn, imported only here) -----------------------------------------


def _require_sklearn() -> None:
    try:
        import numpy  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        raise InvalidInput(
            "training needs scikit-learn and numpy: pip install 'tge-monitor[train]'"
        ) from None


class _Matrix:
    """All rows' features as one sparse matrix over one global vocabulary."""

    def __init__(self, rows: Sequence[Row]) -> None:
        import numpy as np
        from scipy import sparse

        vocab: dict[str, int] = {}
        self.vocab = vocab
        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for r in rows:
            for name in sorted(r.feats):
                indices.append(vocab.setdefault(name, len(vocab)))
                values.append(r.feats[name])
            indptr.append(len(indices))
        self.names = sorted(vocab, key=vocab.__getitem__)
        self.X = sparse.csr_matrix(
            (np.array(values), np.array(indices), np.array(indptr)),
            shape=(len(rows), len(vocab)),
        )
        self.y = np.array([r.label for r in rows])
        self.evidence = np.array([r.evidence for r in rows], dtype=bool)
        self.cjk = np.array(
            [r.analysis is not None and r.analysis.language in CJK_LANGUAGES for r in rows],
            dtype=bool,
        )
        self.phrase = np.array([n.startswith(("w:", "tw:")) for n in self.names], dtype=bool)
        # Phrases made only of function words ("of the", "it is") say nothing about a launch
        # and would cost a match in nearly every item.
        self.usable = np.array(
            [
                not n.startswith(("w:", "tw:")) or not _STOP.issuperset(n.split(":", 1)[1].split())
                for n in self.names
            ],
            dtype=bool,
        )

    def transform(self, feats: Sequence[dict[str, float] | None]) -> Any:
        """Other feature dicts over this vocabulary (names it does not know are dropped)."""
        import numpy as np
        from scipy import sparse

        indptr = [0]
        indices: list[int] = []
        values: list[float] = []
        for f in feats:
            for name, value in sorted((f or {}).items()):
                j = self.vocab.get(name)
                if j is not None:
                    indices.append(j)
                    values.append(value)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.array(values, dtype=float), np.array(indices, dtype=int), np.array(indptr)),
            shape=(len(feats), len(self.names)),
        )


def _fit(M: _Matrix, train: Any, C: float, config: TrainConfig) -> tuple[Any, float]:
    """Fit on the ``train`` rows; return (weights over the whole vocabulary, bias)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    X = M.X[train]
    df = np.asarray((X != 0).sum(axis=0)).ravel()
    keep = df >= config.min_df
    keep &= ~(M.phrase & (df > config.max_df * X.shape[0]))
    cols = np.flatnonzero(keep & M.usable)
    clf = LogisticRegression(
        C=C, solver="liblinear", max_iter=1000, random_state=config.seed, tol=1e-6
    )
    clf.fit(X[:, cols], M.y[train])
    w = np.zeros(M.X.shape[1])
    w[cols] = clf.coef_[0]
    w[M.phrase & (np.abs(w) < config.prune)] = 0.0
    return w, float(clf.intercept_[0])


def _splits(M: _Matrix, groups: Any, idx: Any, k: int, seed: int) -> list[tuple[Any, Any]]:
    """Grouped, label-stratified folds over the rows ``idx``."""
    from sklearn.model_selection import StratifiedGroupKFold

    sgk = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return [(idx[a], idx[b]) for a, b in sgk.split(idx, M.y[idx], groups[idx])]


def _oof(M: _Matrix, groups: Any, idx: Any, C: float, config: TrainConfig, seed: int) -> Any:
    """Out-of-fold raw scores for the rows ``idx`` (grouped folds)."""
    import numpy as np

    z = np.zeros(M.X.shape[0])
    for tr, te in _splits(M, groups, idx, config.folds, seed):
        w, b = _fit(M, tr, C, config)
        z[te] = M.X[te] @ w + b
    return z[idx]


def _calibration_rows(M: _Matrix, idx: Any, config: TrainConfig) -> Any:
    """Which rows fit the calibration: the real (evidence) ones when there are enough of
    them, since real news is what the probabilities must hold on; else all rows."""
    ev = idx[M.evidence[idx]]
    if len(ev) >= config.calibrate_min and M.y[ev].sum() >= config.calibrate_min // 10:
        return ev
    return idx


def _threshold_rows(M: _Matrix, cal: Any, config: TrainConfig) -> Any:
    """Of the calibration rows ``cal``, those the operating threshold is chosen on: all of
    them, or with the "cjk" features the zh/ja/ko ones (where there are any)."""
    import numpy as np

    if "cjk" not in config.features:
        return np.arange(len(cal))
    mine = np.flatnonzero(M.cjk[cal])
    return mine if len(mine) else np.arange(len(cal))


def _isotonic(z: Any, y: Any, how: str = "isotonic") -> tuple[list[float], list[float]]:
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(z, y)
    xs = [float(x) for x in iso.X_thresholds_]
    ys = [float(v) for v in iso.y_thresholds_]
    return centred(xs, ys) if how == "centred" else (xs, ys)


def centred(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    """An isotonic table with each flat step (equal y over several x) made one point at the
    middle of its x range: linear between steps' middles, so the probability keeps rising
    where the raw score does (a step ties every item on it), flat beyond the ends."""
    cx: list[float] = []
    cy: list[float] = []
    i = 0
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and ys[j + 1] == ys[i]:
            j += 1
        cx.append((xs[i] + xs[j]) / 2)
        cy.append(ys[i])
        i = j + 1
    if len(cx) == 1:  # one step: a flat table still needs two points
        cx, cy = [xs[0], xs[-1]], [ys[0], ys[0]]
        if cx[0] == cx[1]:
            cx[1] = cx[0] + 1.0
    return cx, cy


def _apply_cal(xs: Sequence[float], ys: Sequence[float], z: Any) -> Any:
    import numpy as np

    return np.interp(z, xs, ys)


def metrics(p: Sequence[float], y: Sequence[int], threshold: float = 0.5) -> dict[str, Any]:
    """F1, precision, recall at ``threshold``, average precision, Brier, high-band precision."""
    tp = sum(1 for pi, yi in zip(p, y, strict=True) if pi >= threshold and yi)
    fp = sum(1 for pi, yi in zip(p, y, strict=True) if pi >= threshold and not yi)
    fn = sum(1 for pi, yi in zip(p, y, strict=True) if pi < threshold and yi)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    hi = [yi for pi, yi in zip(p, y, strict=True) if pi >= HIGH]
    return {
        "n": len(y),
        "positives": int(sum(y)),
        "precision": prec,
        "recall": rec,
        "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
        "average_precision": average_precision(p, y),
        "brier": sum((pi - yi) ** 2 for pi, yi in zip(p, y, strict=True)) / len(y),
        "high_precision": sum(hi) / len(hi) if hi else None,
        "high_n": len(hi),
    }


def choose_threshold(p: Sequence[float], y: Sequence[int], grid: Sequence[float]) -> float:
    """The threshold of ``grid`` with the best F1 on these scores; of a run of equally good
    ones (calibrated scores are steps, so F1 is flat between them) the middle one."""
    import numpy as np

    pa, ya = np.asarray(p, dtype=float), np.asarray(y, dtype=int)
    pos = int(ya.sum())
    f1s = []
    for t in grid:
        hit = pa >= t
        tp = int((hit & (ya == 1)).sum())
        f1s.append(2 * tp / (int(hit.sum()) + pos) if tp else 0.0)
    best = max(f1s)
    ties = [t for t, f in zip(grid, f1s, strict=True) if f >= best - 1e-12]
    return float(ties[len(ties) // 2])


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in (
        "f1",
        "precision",
        "recall",
        "average_precision",
        "brier",
        "high_precision",
        "recognised",
        "right_name_or_ticker",
    ):
        vals = [r[k] for r in runs if r.get(k) is not None]
        if vals:
            mean = sum(vals) / len(vals)
            sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / len(vals))
            out[k] = {"mean": round(mean, 4), "sd": round(sd, 4), "min": round(min(vals), 4)}
    return out


def _parallel(config: TrainConfig) -> Any:
    """Independent fits on ``config.jobs`` cores; results do not depend on how many."""
    from joblib import Parallel

    return Parallel(n_jobs=config.jobs, backend="loky") if config.jobs > 1 else _Serial()


class _Serial:
    def __call__(self, calls: Iterable[Any]) -> list[Any]:
        return [fn(*args, **kwargs) for fn, args, kwargs in calls]


def _delayed(fn: Any) -> Any:
    from joblib import delayed

    return delayed(fn)


def _outer_fold_impl(
    M: _Matrix,
    groups: Any,
    tr: Any,
    te: Any,
    C: float,
    config: TrainConfig,
    seed: int,
    D: Any = None,
) -> Any:
    """One outer fold: calibration fitted on out-of-fold scores inside the training part,
    then the model fitted on all of it scores the test part (and, given ``D``, the test
    part's rows as they read with nobody in the companies table, and the operating
    threshold chosen on the training part's own out-of-fold scores)."""
    import numpy as np

    z_in = _oof(M, groups, tr, C, config, seed)
    cal = _calibration_rows(M, tr, config)
    z_cal = z_in[np.searchsorted(tr, cal)]
    xs, ys = _isotonic(z_cal, M.y[cal], config.calibration)
    w, b = _fit(M, tr, C, config)
    probs = _apply_cal(xs, ys, M.X[te] @ w + b)
    if D is None:
        return probs
    on = _threshold_rows(M, cal, config)
    chosen = choose_threshold(_apply_cal(xs, ys, z_cal[on]), M.y[cal][on], config.threshold_grid)
    return probs, _apply_cal(xs, ys, D[te] @ w + b), chosen


def _outer_fold(*args: Any) -> Any:
    return _delayed(_outer_fold_impl)(*args)


def _oof_ap_impl(M: _Matrix, groups: Any, C: float, config: TrainConfig) -> float:
    import numpy as np

    z = _oof(M, groups, np.arange(len(M.y)), C, config, config.seed + 7)
    return float(average_precision(list(z[M.evidence]), list(M.y[M.evidence])) or 0.0)


def cross_validate(
    M: _Matrix, rows: Sequence[Row], C: float, config: TrainConfig
) -> dict[str, Any]:
    """Repeated grouped CV with calibration fitted inside each training part (nested), so the
    reported probabilities are as honest as the ones the shipped model gives. Scored on the
    evidence rows only."""
    import numpy as np

    groups = np.array([r.group for r in rows])
    evidence = np.array([r.evidence for r in rows])
    everyone = np.arange(len(rows))
    runs: list[dict[str, Any]] = []
    pooled_p: list[float] = []
    pooled_y: list[int] = []
    tasks = [
        (rep, tr, te)
        for rep in range(config.repeats)
        for tr, te in _splits(M, groups, everyone, config.folds, config.seed + 1000 * rep)
    ]
    D = M.transform([r.unlisted for r in rows])
    done = _parallel(config)(
        _outer_fold(M, groups, tr, te, C, config, config.seed + 1000 * rep + 1, D)
        for rep, tr, te in tasks
    )
    disc_runs: list[dict[str, Any]] = []
    chosen_runs: list[dict[str, Any]] = []  # each fold at the threshold its training part chose
    disc_chosen: list[dict[str, Any]] = []
    chosen: list[float] = []
    curve: dict[float, list[dict[str, Any]]] = {t: [] for t in CURVE}
    # each --data file's own figures from the same out-of-fold scores (no extra fit)
    sources = list(dict.fromkeys(r.source for r in rows if r.evidence))  # --data order
    source = np.array([r.source for r in rows])
    by_file: dict[str, dict[str, list[Any]]] = {
        f: {"runs": [], "chosen": [], "disc": [], "disc_chosen": [], "p": [], "y": []}
        for f in sources
    }
    # with the "cjk" features, the zh/ja/ko evidence rows' own figures (what MZ scores)
    cjk_rows = evidence & M.cjk if "cjk" in config.features else None
    cjk_acc: dict[str, list[Any]] = {"runs": [], "chosen": [], "false_alerts": []}
    for rep in range(config.repeats):
        p = np.full(len(rows), np.nan)
        p_alone = np.full(len(rows), np.nan)
        hit = np.zeros(len(rows), dtype=bool)
        hit_alone = np.zeros(len(rows), dtype=bool)
        for (r, _tr, te), (probs, alone, t) in zip(tasks, done, strict=True):
            if r == rep:
                p[te] = probs
                p_alone[te] = alone
                hit[te] = probs >= t
                hit_alone[te] = alone >= t
                chosen.append(t)
        sel = evidence
        run = metrics(list(p[sel]), list(M.y[sel]), config.threshold)
        runs.append(run)
        # a hit is a score of 1 at threshold 1: the fold's own threshold applied per row
        chosen_runs.append(metrics(list(hit[sel].astype(float)), list(M.y[sel]), 1.0))
        for t in CURVE:
            curve[t].append(metrics(list(p[sel]), list(M.y[sel]), t))
        pooled_p += list(p[sel])
        pooled_y += [int(v) for v in M.y[sel]]
        disc_runs.append(discovery_metrics(rows, p_alone, config.threshold))
        disc_chosen.append(discovery_metrics(rows, hit_alone.astype(float), 1.0))
        for f, acc in by_file.items():
            one = evidence & (source == f)
            acc["runs"].append(metrics(list(p[one]), list(M.y[one]), config.threshold))
            acc["chosen"].append(metrics(list(hit[one].astype(float)), list(M.y[one]), 1.0))
            acc["disc"].append(discovery_metrics(rows, p_alone, config.threshold, f))
            acc["disc_chosen"].append(discovery_metrics(rows, hit_alone.astype(float), 1.0, f))
            acc["p"] += list(p[one])
            acc["y"] += [int(v) for v in M.y[one]]
        if cjk_rows is not None and cjk_rows.any():
            cjk_acc["runs"].append(metrics(list(p[cjk_rows]), list(M.y[cjk_rows]), 0.5))
            cjk_acc["chosen"].append(
                metrics(list(hit[cjk_rows].astype(float)), list(M.y[cjk_rows]), 1.0)
            )
            cjk_acc["false_alerts"].append(int((hit & cjk_rows & (M.y == 0)).sum()))
    keys = ("f1", "precision", "recall")
    files: dict[str, Any] = {}
    if len(sources) > 1:
        for f, acc in by_file.items():
            one = evidence & (source == f)
            files[f] = {
                "n": int(one.sum()),
                "positives": int(M.y[one].sum()),
                "groups": len({r.group for r in rows if r.evidence and r.source == f}),
                "summary": _summary(acc["runs"]),
                "at_chosen": {k: v for k, v in _summary(acc["chosen"]).items() if k in keys},
                "discovery": _summary(acc["disc"]) | {"tge_items": acc["disc"][0]["tge_items"]},
                "discovery_at_chosen": {
                    k: v for k, v in _summary(acc["disc_chosen"]).items() if k == "recognised"
                },
                "reliability": reliability_table(acc["p"], acc["y"]),
            }
    return (
        {
            "C": C,
            "repeats": config.repeats,
            "folds": config.folds,
            "n": int(evidence.sum()),
            "positives": int(M.y[evidence].sum()),
            "groups": len({r.group for r in rows if r.evidence}),
            "summary": _summary(runs),
            "reliability": reliability_table(pooled_p, pooled_y),
            "discovery": _summary(disc_runs) | {"tge_items": disc_runs[0]["tge_items"]},
            # Nested choice of the operating threshold: each outer fold's threshold is chosen on
            # its training part's inner out-of-fold scores, its figures are its test part's.
            "threshold": {
                "grid": [min(config.threshold_grid), max(config.threshold_grid)],
                "chosen": {
                    "mean": round(sum(chosen) / len(chosen), 4),
                    "min": min(chosen),
                    "max": max(chosen),
                },
                "at_chosen": {k: v for k, v in _summary(chosen_runs).items() if k in keys},
                "f1_gain": _summary(
                    [{"f1": a["f1"] - b["f1"]} for a, b in zip(chosen_runs, runs, strict=True)]
                )["f1"],
                "f1_by_repeat": [  # [at config.threshold, at the chosen ones]
                    [round(b["f1"], 4), round(a["f1"], 4)]
                    for a, b in zip(chosen_runs, runs, strict=True)
                ],
                "discovery_at_chosen": {
                    k: v for k, v in _summary(disc_chosen).items() if k == "recognised"
                },
                "curve": [
                    {"threshold": t}
                    | {k: v["mean"] for k, v in _summary(curve[t]).items() if k in keys}
                    for t in CURVE
                ],
            },
        }
        | ({"by_file": files} if files else {})
        | _cjk_figures(cjk_rows, M, cjk_acc)
    )


def _cjk_figures(rows: Any, M: _Matrix, acc: dict[str, list[Any]]) -> dict[str, Any]:
    """The zh/ja/ko evidence rows' CV figures (the "cjk" features only): AP and the rest at
    0.5, F1, precision, recall and false alerts at each fold's own threshold (chosen on its
    training part's zh/ja/ko rows)."""
    if rows is None or not acc["runs"]:
        return {}
    keys = ("f1", "precision", "recall")
    fa = acc["false_alerts"]
    return {
        "cjk": {
            "n": int(rows.sum()),
            "positives": int(M.y[rows].sum()),
            "summary": _summary(acc["runs"]),
            "at_chosen": {k: v for k, v in _summary(acc["chosen"]).items() if k in keys},
            "false_alerts_by_repeat": fa,
        }
    }


def discovery_metrics(
    rows: Sequence[Row], p_alone: Any, threshold: float, source: str | None = None
) -> dict[str, Any]:
    """On the real TGE items scored as if nobody had listed their project (out of fold):
    the share recognised as a new project at ``threshold``, and of those the share whose
    discovered name or ticker is the labelled one (as ``eval --discovery`` counts); given
    ``source``, on that file's items only."""
    tge = recognised = right = 0
    for i, r in enumerate(rows):
        if not (r.evidence and r.label) or (source is not None and r.source != source):
            continue
        tge += 1
        if r.unlisted is None or not p_alone[i] >= threshold:
            continue
        recognised += 1
        right += int(names_match(r.found, r.company, r.ticker))
    return {
        "tge_items": tge,
        "recognised": recognised / tge if tge else None,
        "right_name_or_ticker": right / recognised if recognised else None,
    }


def choose_c(
    M: _Matrix, rows: Sequence[Row], config: TrainConfig
) -> tuple[float, dict[str, float]]:
    """The L2 strength chosen by grouped-CV average precision (one repeat, raw scores)."""
    import numpy as np

    groups = np.array([r.group for r in rows])
    scores: dict[str, float] = {}
    aps = _parallel(config)(_delayed(_oof_ap_impl)(M, groups, C, config) for C in config.c_grid)
    for C, ap in zip(config.c_grid, aps, strict=True):
        scores[str(C)] = round(ap, 4)
    # The strongest regularisation within C_TOLERANCE of the best: as good on unseen projects,
    # fewer phrases (a smaller file, fewer matches per item).
    top = max(aps)
    best = min(C for C, ap in zip(config.c_grid, aps, strict=True) if ap >= top - C_TOLERANCE)
    return best, scores


def export(
    M: _Matrix, w: Any, b: float, cal: tuple[list[float], list[float]], config: TrainConfig
) -> tuple[float, dict[str, float], list[list[Any]]]:
    """Weights in the model file's shape: bias, signal weights, [phrase, any, headline]."""
    signals: dict[str, float] = {}
    phrases: dict[str, list[float]] = {}
    for name, weight in zip(M.names, w, strict=True):
        if not weight:
            continue
        wt = round(float(weight), 6)
        if name.startswith("w:"):
            phrases.setdefault(name[2:], [0.0, 0.0])[0] = wt
        elif name.startswith("tw:"):
            phrases.setdefault(name[3:], [0.0, 0.0])[1] = wt
        else:
            signals[name] = wt
    rows = [[g, a, t] for g, (a, t) in sorted(phrases.items())]
    return round(b, 6), dict(sorted(signals.items())), rows


def train(
    data: Sequence[str | Path],
    train_only: Sequence[str | Path] = (),
    *,
    holdout: str | Path | None = None,
    config: TrainConfig | None = None,
    name: str = "tge-model-v1",
) -> dict[str, Any]:
    """Train, evaluate by repeated grouped CV and calibrate; return the model file's content."""
    _require_sklearn()
    import numpy as np

    config = config or TrainConfig()
    data_p = [Path(p) for p in data]
    extra_p = [Path(p) for p in train_only]
    if not data_p:
        raise InvalidInput("--data: at least one labelled file is needed")
    held: set[str] = set()
    if holdout is not None:
        hp = Path(holdout)
        if not hp.is_file():
            raise InvalidInput(f"--holdout: file not found: {hp}")
        held = read_ids(hp)
    # The final test's projects stay out of training entirely, from every file.
    dropped: list[int] = []
    rows, table = load_rows(data_p, extra_p, config=config, held=held, dropped=dropped)
    excluded = sum(dropped)
    if sum(r.label for r in rows) < config.folds or sum(1 - r.label for r in rows) < config.folds:
        raise InvalidInput(f"training needs at least {config.folds} TGE and non-TGE items")
    if len({r.group for r in rows}) < config.folds:
        raise InvalidInput(f"training needs items about at least {config.folds} projects")
    M = _Matrix(rows)
    C, c_scores = choose_c(M, rows, config)
    cv = cross_validate(M, rows, C, config)
    groups = np.array([r.group for r in rows])
    everyone = np.arange(len(rows))
    z_oof = _oof(M, groups, everyone, C, config, config.seed + 7)
    cal = _calibration_rows(M, everyone, config)
    xs, ys = _isotonic(z_oof[cal], M.y[cal], config.calibration)
    on = _threshold_rows(M, cal, config)
    decision = choose_threshold(
        _apply_cal(xs, ys, z_oof[cal][on]), M.y[cal][on], config.threshold_grid
    )
    w, b = _fit(M, everyone, C, config)
    bias, signals, phrases = export(M, w, b, (xs, ys), config)
    by_url = "pagekind" in config.features
    features: dict[str, Any] = {
        "ngram_max": config.ngram_max,
        "signals": "engine signals (core.scoring.model.item_features)",
        "phrases": "word n-grams anywhere (w) and in the headline (tw)",
    }
    if "cjk" in config.features:
        features["cjk_ngrams"] = True
        features["phrases"] += "; CJK runs as character n-grams (core.scoring.model.cjk_item_text)"
    if by_url:
        features["url"] = True
        features["address"] = "the item's address (core.scoring.model.url_features): url:, u:"
    method = "isotonic on out-of-fold raw scores (grouped folds)"
    if config.calibration == "centred":
        method += ", each flat step made one point at its middle"
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION_URL if by_url else FORMAT_VERSION,
        "name": name,
        "features": features,
        "bias": bias,
        "signals": signals,
        "phrases": phrases,
        "calibration": {
            "method": method,
            "x": [round(x, 6) for x in xs],
            "y": [round(y, 6) for y in ys],
        },
        "card": {
            "training": {
                "data": [file_entry(p, True) for p in data_p]
                + [file_entry(p, False) for p in extra_p],
                "data_sha256": data_hash([*data_p, *extra_p]),
                "items": len(rows),
                "positives": int(sum(r.label for r in rows)),
                "projects": len({r.group for r in rows}),
                "companies_in_table": len(table),
                "holdout_ids_sha256": data_hash([Path(holdout)]) if holdout else None,
                "excluded_for_final_test": excluded,
                "config": {
                    # the options added later only when used, so an older command still gives
                    # the same bytes
                    **{
                        k: v
                        for k, v in asdict(config).items()
                        if k not in _UNSAID or v != _UNSAID[k]
                    },
                    "c_grid": list(config.c_grid),
                    "threshold_grid": [config.threshold_grid[0], config.threshold_grid[-1], 0.01],
                },
                "c_chosen": C,
                "c_grid_average_precision": c_scores,
            },
            "cv": cv,
            # Alerts and eval decide at this probability unless told otherwise (ALERT_THRESHOLD,
            # --threshold): the best F1 on the training rows' out-of-fold scores, chosen the
            # way each CV fold chose its own (cv.threshold). The probabilities are unchanged.
            "decision_threshold": decision,
            "weights": {"signals": len(signals), "phrases": len(phrases)},
            "limits": [
                "English text only; other languages fall back on tickers and names",
                "trained on headlines and leads; long articles were rarely seen",
                "a project's first news (unlisted) relies on the text alone",
            ],
        },
    }


def write_model(model: dict[str, Any], out: str | Path) -> Path:
    """Write the model as stable, compact JSON (same content, same bytes)."""
    p = Path(out)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    return p


def final_test_split(data: Sequence[str | Path], fraction: float = 0.2, seed: int = 0) -> list[str]:
    """Ids of a grouped, label-stratified ~``fraction`` of the items (by project)."""
    _require_sklearn()
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    config = TrainConfig(seed=seed)
    rows, _table = load_rows([Path(p) for p in data], config=config)
    k = max(2, round(1 / fraction))
    y = np.array([r.label for r in rows])
    groups = np.array([r.group for r in rows])
    sgk = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    _train, test = next(iter(sgk.split(np.zeros(len(rows)), y, groups)))
    return sorted(rows[i].id for i in test)


def config_threshold(model: dict[str, Any]) -> float:
    """The threshold the card's CV figures are at (0.5 unless trained otherwise)."""
    return float(model["card"]["training"]["config"].get("threshold", 0.5))


def format_cv(model: dict[str, Any]) -> str:
    """The card's grouped-CV figures for the terminal."""
    cv = model["card"]["cv"]
    tr = model["card"]["training"]
    lines = [
        f"trained on {tr['items']} items ({tr['positives']} TGE) about {tr['projects']} projects;"
        f" {tr['excluded_for_final_test']} left out for the final test",
        f"C chosen by grouped CV: {tr['c_chosen']} "
        f"(average precision by C: {tr['c_grid_average_precision']})",
        f"grouped CV ({cv['repeats']}x{cv['folds']}, by project) on {cv['n']} evidence items "
        f"({cv['positives']} TGE, {cv['groups']} projects):",
    ]
    for k, v in cv["summary"].items():
        lines.append(f"  {k:<18} {v['mean']:.3f} ± {v['sd']:.3f}  (min {v['min']:.3f})")
    lines.append("reliability (pooled over repeats): bin  n  mean predicted  observed")
    for r in cv["reliability"]:
        if r["n"]:
            lines.append(
                f"  {r['bin']}  {r['n']:>5}  {r['mean_predicted']:.3f}  {r['observed']:.3f}"
            )
    disc = cv.get("discovery") or {}
    if disc.get("recognised"):
        lines.append(
            f"discovery (same folds, companies table empty) on {disc['tge_items']} real TGE items:"
        )
        for k in ("recognised", "right_name_or_ticker"):
            if k in disc:
                v = disc[k]
                lines.append(f"  {k:<21}{v['mean']:.3f} ± {v['sd']:.3f}  (min {v['min']:.3f})")
    th = cv.get("threshold")
    if th:
        ch = th["chosen"]
        lines.append(
            f"operating threshold, chosen by F1 on each fold's own training part (nested): "
            f"{ch['mean']:.3f} on average ({ch['min']:.2f}..{ch['max']:.2f}); test folds there:"
        )
        for k, v in th["at_chosen"].items():
            lines.append(f"  {k:<18} {v['mean']:.3f} ± {v['sd']:.3f}  (min {v['min']:.3f})")
        for k, v in th.get("discovery_at_chosen", {}).items():
            lines.append(f"  discovery {k:<8} {v['mean']:.3f} ± {v['sd']:.3f}")
        if "f1_gain" in th:
            g = th["f1_gain"]
            lines.append(
                f"  F1 gain over {config_threshold(model)} (same folds, per repeat): "
                f"{g['mean']:+.3f} ± {g['sd']:.3f} (min {g['min']:+.3f})"
            )
        lines.append(
            "out-of-fold F1 / precision / recall by threshold: "
            + ", ".join(
                f"{r['threshold']:.2f}: {r['f1']:.3f}/{r['precision']:.3f}/{r['recall']:.3f}"
                for r in th["curve"]
            )
        )
    for f, one in cv.get("by_file", {}).items():
        s, c = one["summary"], one["at_chosen"]
        if "average_precision" not in s:  # a file without a TGE item has no AP
            lines.append(f"  of which {f} ({one['n']} items, {one['positives']} TGE)")
            continue
        lines.append(
            f"  of which {f} ({one['n']} items, {one['positives']} TGE): AP "
            f"{s['average_precision']['mean']:.3f} ± {s['average_precision']['sd']:.3f}, F1 "
            f"{s['f1']['mean']:.3f} at {config_threshold(model)}, {c['f1']['mean']:.3f} nested"
        )
    cjk = cv.get("cjk")
    if cjk:
        s, c = cjk["summary"], cjk["at_chosen"]
        lines.append(
            f"zh/ja/ko items ({cjk['n']}, {cjk['positives']} TGE; the threshold is chosen on"
            f" these): AP {s['average_precision']['mean']:.3f} ± "
            f"{s['average_precision']['sd']:.3f}; nested F1 {c['f1']['mean']:.3f} ± "
            f"{c['f1']['sd']:.3f}, precision {c['precision']['mean']:.3f}, recall "
            f"{c['recall']['mean']:.3f}; false alerts by repeat {cjk['false_alerts_by_repeat']}"
        )
    if "decision_threshold" in model["card"]:
        lines.append(f"decision threshold (card): {model['card']['decision_threshold']:.2f}")
    w = model["card"]["weights"]
    lines.append(f"model: {w['signals']} signal weights, {w['phrases']} phrases")
    return "\n".join(lines)
