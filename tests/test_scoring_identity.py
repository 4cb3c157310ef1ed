"""The fast scoring path gives the very same numbers as the model's plain definition.

The learned layer is tuned for speed (phrases found by the engine's own automaton pass, name
caches, typed locals in the compiled build). None of that may move a score by one bit: here
every item of the labelled corpus is scored and its raw score compared, exactly, with the
definition written out plainly (training's n-grams, weights read from the model file), and
the analysis the engine returns with the one the model makes on its own.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from core.bundled import COMPANIES_FILE
from core.scoring.engine import Analysis, ScoringEngine
from core.scoring.evaluate import load_companies, load_items, parse_published
from core.scoring.history import TokenHistory, day_of, history_for, today
from core.scoring.model import BUNDLED_MODEL, TGEModel, item_features, load_model, ngrams

CORPUS = Path(__file__).resolve().parents[1] / "core" / "data" / "labelled" / "corpus.jsonl"


@cache
def _corpus() -> list[dict[str, Any]]:
    return load_items(CORPUS)


@cache
def _spec() -> dict[str, Any]:
    return json.loads(BUNDLED_MODEL.read_text())


def reference_z(
    model: TGEModel,
    spec: dict[str, Any],
    a: Analysis,
    title: str,
    text: str,
    history: TokenHistory | None,
    day: int | None,
) -> float:
    """The raw score by its definition: bias, signal weights, then the weights of the word
    n-grams training sees (``ngrams``), anywhere and in the headline.

    The order of the sum is part of the definition (floats do not add associatively): the
    phrases with a non-zero weight are numbered in file order, and their numbers go into a
    set in the order the phrases first end in the text (the longer first when two end at
    the same place); the sum follows that set's order.
    """
    low, title_end, feats = item_features(a, title, text, None, history, day)
    z = model.bias
    for name, value in feats.items():
        w = model.signals.get(name)
        if w:
            z += w * value
    max_n = spec["features"]["ngram_max"]
    for column, text_part, search_in in (
        (1, low, low),
        (2, low[:title_end], low[: title_end + 1]),
    ):
        if column == 2 and not title_end:
            break
        rows = [(r[0], r[column]) for r in spec["phrases"] if r[column]]
        number = {p: i for i, (p, _w) in enumerate(rows)}
        present = [p for p in ngrams(text_part, max_n) if p in number]
        present.sort(key=lambda p: (search_in.find(f" {p} ") + len(p) + 2, -len(p)))
        order: set[int] = set()
        for p in present:
            order.add(number[p])
        for i in order:
            z += rows[i][1]
    return z


@pytest.mark.parametrize("table", ["companies", "empty"])
def test_every_corpus_item_scores_exactly_as_the_definition(table: str) -> None:
    model = load_model()
    assert model is not None
    spec = _spec()
    history = history_for(model)
    engine = ScoringEngine(load_companies(COMPANIES_FILE) if table == "companies" else [])
    items = _corpus()
    assert len(items) > 3000
    for item in items:
        title, text = item.get("title") or "", item.get("text") or ""
        published = parse_published(item.get("date"))
        day = day_of(published) if published is not None else today()
        a = engine.analyze_rules(title, text, published=published)
        z, _parts = model.contributions(a, title, text, None, 0.0, history, day)
        assert z == reference_z(model, spec, a, title, text, history, day), item["id"]


@pytest.mark.parametrize("table", ["companies", "empty"])
def test_engine_with_the_model_answers_as_the_model_alone(table: str) -> None:
    """The engine's path (the model's phrases found in the engine's own automaton pass) and
    the model applied on its own to the rules' analysis agree on every field."""
    model = load_model()
    assert model is not None
    history = history_for(model)
    companies = load_companies(COMPANIES_FILE) if table == "companies" else []
    engine = ScoringEngine(companies, model=model, history=history)
    rules = ScoringEngine(companies)
    for item in _corpus():
        title, text = item.get("title") or "", item.get("text") or ""
        published = parse_published(item.get("date"))
        day = day_of(published) if published is not None else today()
        got = engine.analyze(title, text, published=published)
        a = rules.analyze_rules(title, text, published=published)
        alone = model.apply(a, title, text, None, history, day)
        assert got.to_dict() == alone.to_dict(), item["id"]


@pytest.mark.parametrize("conf", [0.0, -0.0, 0.123, 0.4567, 0.7, 1.0])
def test_the_model_line_gives_the_rules_confidence_as_formatted(conf: float) -> None:
    """The line is looked up per rules' confidence; any other value is formatted as before."""
    model = load_model()
    assert model is not None
    a = model.apply(Analysis(conf, "low"), "", "no launch here")
    [line] = [e["detail"] for e in a.explanation if e["signal"] == "model"]
    assert line == f"{model.name}: calibrated probability (rules alone: {conf:.3f})"
