"""The real labelled corpus keeps its promises: provenance on every item, enough positives and
projects, two readers' verdicts per item, and nothing of the dev set in it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from core.bundled import DEV_EVAL_FILE, LABELLED_CORPUS_FILE


def _rows(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_every_item_is_real_text_with_provenance_and_two_verdicts() -> None:
    rows = _rows(LABELLED_CORPUS_FILE)
    assert len({r["id"] for r in rows}) == len(rows) >= 1500
    for r in rows:
        assert (r["title"] or r["text"]).strip(), r["id"]
        prov = r["provenance"]
        assert prov.get("page") or (
            prov.get("repo") and prov.get("path") and re.fullmatch(r"[0-9a-f]{40}", prov["commit"])
        ), r["id"]
        assert {"A", "B"} <= set(r["labels"]), r["id"]
        if r["labels"]["A"] != r["labels"]["B"]:
            assert r["borderline"] and r["labels"]["C"] == r["is_tge"], r["id"]
        else:
            assert r["is_tge"] == r["labels"]["A"], r["id"]


def test_enough_positives_and_projects() -> None:
    rows = _rows(LABELLED_CORPUS_FILE)
    positives = [r for r in rows if r["is_tge"]]
    projects = {re.sub(r"[^a-z0-9]", "", r["company"].lower()) for r in positives if r["company"]}
    assert len(positives) >= 350 and len(projects) >= 150


def test_no_dev_item_is_in_the_corpus() -> None:
    def key(r):
        return re.sub(r"[^a-z0-9]+", " ", r["title"].lower()).strip()

    dev = {key(r) for r in _rows(DEV_EVAL_FILE) if len(key(r)) > 15}
    assert not [r["id"] for r in _rows(LABELLED_CORPUS_FILE) if key(r) in dev]


def test_exchange_documentation_examples_are_labelled_rows() -> None:
    """The new-token listings the exchange monitors are tested with are corpus rows too."""
    from pathlib import Path

    fixtures = Path(__file__).parent / "data" / "exchanges"
    kucoin = json.loads((fixtures / "kucoin_announcements.json").read_text())
    bybit = json.loads((fixtures / "bybit_announcements.json").read_text())
    titles = [i["annTitle"].strip("\u200b") for i in kucoin["data"]["items"]]
    titles += [i["title"] for i in bybit["result"]["list"]]
    rows = {r["title"]: r for r in _rows(LABELLED_CORPUS_FILE)}
    assert all(t in rows for t in titles)
    assert rows["NAYM (NAYM) Gets Listed on KuCoin! World Premiere!"]["is_tge"] is True


def test_labelled_batch_beside_the_corpus_is_real_labelled_text_not_in_the_corpus() -> None:
    """The 2026-12-06 batch is kept in its own file beside `corpus.jsonl` (the shipped model
    trains on the corpus alone: see core/data/model/README.md); it keeps the corpus's promises
    itself."""
    batch = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-06.jsonl")
    corpus = _rows(LABELLED_CORPUS_FILE)
    assert len({r["id"] for r in batch}) == len(batch) == 1172
    assert not {r["id"] for r in batch} & {r["id"] for r in corpus}
    assert not {r["title"] for r in batch if r["title"]} & {r["title"] for r in corpus}
    for r in batch:
        assert re.fullmatch(r"c-[56]\d{3}", r["id"]) and r["date"], r["id"]
        assert r["provenance"]["repo"] and re.fullmatch(r"[0-9a-f]{40}", r["provenance"]["commit"])
        verdicts = r["labels"]
        final = verdicts["C"] if verdicts["A"] != verdicts["B"] else verdicts["A"]
        assert r["is_tge"] == final, r["id"]


BATCHES = sorted(LABELLED_CORPUS_FILE.parent.glob("batch-*.jsonl"))


def test_every_labelled_batch_is_real_labelled_text_apart_from_corpus_dev_and_final_split() -> None:
    """Each batch kept beside the corpus (issue 11) is real labelled text with provenance and a
    date (a stored web page's only where the page states it), shares no id or headline with
    the corpus, dev or another batch, and names no project of the final test split, so the
    split stays as it was if a batch ever joins the corpus."""
    from core.scoring import train as T

    corpus = _rows(LABELLED_CORPUS_FILE)
    held = T.read_ids(T.FINAL_TEST_IDS)
    held_keys = {k for r in corpus if r["id"] in held for k in T.project_keys(r)}
    seen_ids = {r["id"] for r in corpus}
    seen_titles = {r["title"] for r in corpus + _rows(DEV_EVAL_FILE) if r["title"]}
    assert len(BATCHES) >= 2
    for path in BATCHES:
        batch = _rows(path)
        ids = {r["id"] for r in batch}
        assert len(ids) == len(batch) and not ids & seen_ids, path.name
        assert not ids & held, path.name
        assert not {r["title"] for r in batch if r["title"]} & seen_titles, path.name
        for r in batch:
            assert (r["title"] or r["text"]).strip(), r["id"]
            prov = r["provenance"]
            if prov.get("page"):  # a stored web page (batch 4): dated only where it says when
                assert prov["page"] == r["url"], r["id"]
            else:
                assert r["date"] and prov["repo"] and prov["path"], r["id"]
                assert re.fullmatch(r"[0-9a-f]{40}", prov["commit"]), r["id"]
            verdicts = r["labels"]
            final = verdicts["C"] if verdicts["A"] != verdicts["B"] else verdicts["A"]
            assert r["is_tge"] == final, r["id"]
            assert r["borderline"] or verdicts["A"] == verdicts["B"], r["id"]
            assert not set(T.project_keys(r)) & held_keys, r["id"]
        seen_ids |= ids
        seen_titles |= {r["title"] for r in batch if r["title"]}


def test_second_batch_is_the_drawn_one_from_new_sources() -> None:
    """Batch 2 (``labelling_batch.py --round 2``): its ids, and every item from a source of
    ``ROUND2_SOURCES`` at the commit listed there (the feed history's items at their own)."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-06-2.jsonl")
    assert len(rows) == 1175 and sum(r["is_tge"] for r in rows) == 107
    sources = {
        "Newsworthyai/press-release-archive": "9b2f3f325098dd60c940f8bffb80e66bb83b152a",
        "Ruin2itive/ruin2itive-site": None,
        "Ibook000/crypto-news-analyzer": "01a8288fa75b7f020f1b43b59f4bbcc7e1dabc65",
        "jiajia09199-source/llm4crypto": "9292e71f0fe486ad51f455d1b612e185247fd53b",
    }
    for r in rows:
        assert re.fullmatch(r"c-(7\d{3}|8[0-2]\d{2})", r["id"]), r["id"]
        assert r["provenance"]["repo"] in sources, r["id"]
        commit = sources[r["provenance"]["repo"]]
        assert commit is None or r["provenance"]["commit"] == commit, r["id"]


def test_exchange_notice_batch_is_the_drawn_one_from_its_two_scrapers() -> None:
    """The exchange-notice batch (``notices_batch.py``): its ids and counts, every item from
    one of its two sources (the bot's cache at the commit listed there), the venue as source."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-06b.jsonl")
    assert len(rows) == 323 and sum(r["is_tge"] for r in rows) == 40
    venues = "BingX Bitget WEEX Gate LBank CoinEx BloFin Bitunix Upbit BTCC Bybit".split()
    for r in rows:
        assert re.fullmatch(r"c-9[0-3]\d{2}", r["id"]) and r["source"] in venues, r["id"]
        prov = r["provenance"]
        assert prov["repo"] in ("r-hou/cex_crawler", "aizhan-abc/crypto-announcement-bot")
        if prov["repo"] == "aizhan-abc/crypto-announcement-bot":
            assert prov["commit"] == "23f82402f72c8ec3893d157c6907a23a94fbf84c", r["id"]


def test_third_batch_is_the_unscored_draw_from_three_new_sources() -> None:
    """Batch 3 (``batch3.py``, a fresh test never trained on): its ids and counts, every item
    from one of its three repositories (the 2023 scrape at the commit listed there) with the
    address it was published at, and nothing of a model's score or of the draw kept."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-06-3.jsonl")
    assert len(rows) == 774 and sum(r["is_tge"] for r in rows) == 4
    sources = {
        "Up-to-date-news/cryptonews": None,
        "xsa-dev/free-crypto-news": None,
        "SahandNZ/cryptonews-articles-with-price-momentum-labels": (
            "0a8c43b0019b285b0468d2779dac6dd662c93f3b"
        ),
    }
    for r in rows:
        assert re.fullmatch(r"c-11[0-8]\d{2}", r["id"]) and r["url"], r["id"]
        assert not {"score", "project", "drawn_as"} & set(r), r["id"]
        commit = sources[r["provenance"]["repo"]]
        assert commit is None or r["provenance"]["commit"] == commit, r["id"]


def test_fourth_batch_is_the_unscored_draw_of_stored_web_pages() -> None:
    """Batch 4 (``batch4.py``, a fresh test never trained on): its ids and counts, every item a
    stored public page (its address, the query that found it, the headline and lead as found,
    a date only where the page states one), the two third verdicts, the four items labelled
    with a final-test project left out, and nothing of a model's score or of the draw kept."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-06-4.jsonl")
    assert len(rows) == 153 and sum(r["is_tge"] for r in rows) == 35
    ids = {r["id"] for r in rows}
    assert len(ids) == 153 and not {"c-12091", "c-12117", "c-12118", "c-12125"} & ids
    for r in rows:
        assert re.fullmatch(r"c-12(0\d\d|1[0-5]\d)", r["id"]) and r["url"], r["id"]
        assert not {"score", "project", "drawn_as"} & set(r), r["id"]
        prov = r["provenance"]
        assert prov["page"] == r["url"] and prov["via"] == "search pages corpus", r["id"]
        assert prov["query"] and len(r["text"]) <= 600, r["id"]
        assert r["date"] is None or re.fullmatch(r"20\d\d-\d\d-\d\d", r["date"]), r["id"]
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {"c-12005": False, "c-12154": True}


def test_fifth_batch_is_the_unscored_draw_of_two_page_pools() -> None:
    """Batch 5 (``batch5.py``, a fresh test never trained on, labelled before any candidate
    model scored it): its ids and counts, every item a stored public page of pool5 or pool9
    (its address, the query that found it, headline and lead as found, a date only where the
    page states one), the four third verdicts, the two items left out for the final test, and
    nothing of a model's score or of the draw kept."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-06-5.jsonl")
    assert len(rows) == 206 and sum(r["is_tge"] for r in rows) == 67
    ids = {r["id"] for r in rows}
    assert len(ids) == 206 and not {"c-13080", "c-13161"} & ids
    for r in rows:
        assert re.fullmatch(r"c-13(0\d\d|1\d\d|20[0-8])", r["id"]) and r["url"], r["id"]
        assert not {"score", "project", "drawn_as"} & set(r), r["id"]
        prov = r["provenance"]
        assert prov["page"] == r["url"] and prov["via"] == "search pages corpus", r["id"]
        assert re.fullmatch(r"q[59]-0\d{3}", prov["pool_id"]) and prov["project_hint"], r["id"]
        assert prov["query"] and len(r["text"]) <= 600, r["id"]
        assert r["date"] is None or re.fullmatch(r"20\d\d-\d\d-\d\d", r["date"]), r["id"]
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {"c-13008": False, "c-13118": True, "c-13122": False, "c-13196": False}


def test_sixth_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 6 (``batch6.py``: batch 5's code with seed 17; a fresh test never trained on,
    labelled before any candidate model scored it): its ids and counts, every item a stored
    public page of pool6 (its address, the query that found it, headline and lead as found, a
    date only where the page states one), the seven third verdicts, the three items left out
    for the final test, and nothing of a model's score or of the draw kept."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-06-6.jsonl")
    assert len(rows) == 207 and sum(r["is_tge"] for r in rows) == 66
    ids = {r["id"] for r in rows}
    assert len(ids) == 207 and not {"c-14052", "c-14053", "c-14054"} & ids
    for r in rows:
        assert re.fullmatch(r"c-14(0\d\d|1\d\d|20\d|210)", r["id"]) and r["url"], r["id"]
        assert not {"score", "project", "drawn_as"} & set(r), r["id"]
        prov = r["provenance"]
        assert prov["page"] == r["url"] and prov["via"] == "search pages corpus", r["id"]
        assert re.fullmatch(r"q6-0\d{3}", prov["pool_id"]) and "project_hint" in prov, r["id"]
        assert prov["query"] and len(r["text"]) <= 600, r["id"]
        assert r["date"] is None or re.fullmatch(r"20\d\d-\d\d-\d\d", r["date"]), r["id"]
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {
        "c-14004": False,
        "c-14067": True,
        "c-14087": True,
        "c-14094": True,
        "c-14141": True,
        "c-14147": False,
        "c-14170": True,
    }


def test_seventh_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 7 (``batch7.py``: batch 5's code with seed 18; a fresh test never trained on,
    labelled before any candidate model's figures): its ids and counts, every item a stored
    public page of pool7 (its address, the query that found it, headline and lead as found, a
    date only where the page states one), the three third verdicts, and nothing of a model's
    score or of the draw kept."""
    rows = _unscored_page_batch("batch-2026-12-07-7.jsonl", r"q7-0\d{3}")
    assert len(rows) == 210 and sum(r["is_tge"] for r in rows) == 37
    assert [r["id"] for r in rows] == [f"c-{15001 + n}" for n in range(210)]
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {"c-15049": True, "c-15110": True, "c-15111": True}


def _unscored_page_batch(name: str, pool_id: str) -> list[dict]:
    """A page batch's rows, each a stored public page of its pool (address, query, headline
    and lead as found, a date only where the page states one), nothing of a model's score or
    of the draw kept."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / name)
    for r in rows:
        assert r["url"] and not {"score", "project", "drawn_as"} & set(r), r["id"]
        prov = r["provenance"]
        assert prov["page"] == r["url"] and prov["via"] == "search pages corpus", r["id"]
        assert re.fullmatch(pool_id, prov["pool_id"]) and "project_hint" in prov, r["id"]
        assert prov["query"] and len(r["text"]) <= 600, r["id"]
        assert r["date"] is None or re.fullmatch(r"20\d\d-\d\d-\d\d", r["date"]), r["id"]
    return rows


def test_eighth_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 8 (``batch8.py``: batch 5's code with seed 19; a fresh test labelled after the
    candidates' predictions were written): ids, counts, provenance, and the third reader's 24
    verdicts (4 TGE)."""
    rows = _unscored_page_batch("batch-2026-12-07-8.jsonl", r"q8-\d{4}")
    assert len(rows) == 250 and sum(r["is_tge"] for r in rows) == 52
    assert [r["id"] for r in rows] == [f"c-{16001 + n}" for n in range(250)]
    third = [r["labels"]["C"] for r in rows if "C" in r["labels"]]
    assert len(third) == 24 and sum(third) == 4


def test_ninth_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 9 (``batch9.py``: batch 5's code with seed 20): the five items labelled with a
    final-test project are left out (c-17001 ... c-17005), the rest kept in order; the third
    reader's 25 verdicts (24 TGE)."""
    rows = _unscored_page_batch("batch-2026-12-07-9.jsonl", r"q9b-\d{4}")
    assert len(rows) == 245 and sum(r["is_tge"] for r in rows) == 69
    assert [r["id"] for r in rows] == [f"c-{17006 + n}" for n in range(245)]
    third = [r["labels"]["C"] for r in rows if "C" in r["labels"]]
    assert len(third) == 25 and sum(third) == 24


def test_tenth_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 10 (``batch10.py``: batch 5's code with seed 21, readers given one more hard case
    for undated pages of a project's own token): the four items the engine groups with a
    final-test project are left out (c-18153 ... c-18156), the rest kept in order; the readers
    disagreed once and the third said not TGE."""
    rows = _unscored_page_batch("batch-2026-12-07-10.jsonl", r"q10b-\d{4}")
    assert len(rows) == 246 and sum(r["is_tge"] for r in rows) == 31
    left_out = {f"c-{n}" for n in range(18153, 18157)}
    assert [r["id"] for r in rows] == [
        f"c-{n}" for n in range(18001, 18251) if f"c-{n}" not in left_out
    ]
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {"c-18182": False}


def test_eleventh_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 11 (``batch11.py``: batch 5's code with seed 22, batch 10's readers' rules): every
    drawn item kept in order; the third reader's two verdicts."""
    rows = _unscored_page_batch("batch-2026-12-07-11.jsonl", r"q11b-\d{4}")
    assert len(rows) == 250 and sum(r["is_tge"] for r in rows) == 49
    assert [r["id"] for r in rows] == [f"c-{19001 + n}" for n in range(250)]
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {"c-19149": True, "c-19241": False}


def test_relabelled_verdicts_name_undated_tge_items_of_the_training_files_only() -> None:
    """The undated TGE labels read again (``relabel-2026-12-07.jsonl``) sit beside the files:
    each names an undated item its file labels TGE, outside the final test, with two readers'
    verdicts (a third's where they differ, which is then the verdict)."""
    from core.scoring import train as T

    verdicts = _rows(LABELLED_CORPUS_FILE.parent / "relabel-2026-12-07.jsonl")
    held = T.read_ids(T.FINAL_TEST_IDS)
    by_file: dict[str, dict[str, dict]] = {}
    for v in verdicts:
        if v["file"] not in by_file:
            by_file[v["file"]] = {
                r["id"]: r for r in _rows(LABELLED_CORPUS_FILE.parent / v["file"])
            }
        row = by_file[v["file"]][v["id"]]
        assert row["date"] is None and row["is_tge"] and v["before"] is True, v["id"]
        assert v["id"] not in held, v["id"]
        readers = v["readers"]
        if readers["A"] == readers["B"]:
            assert "C" not in readers and v["is_tge"] == readers["A"], v["id"]
        else:
            assert v["is_tge"] == readers["C"], v["id"]
    assert len(verdicts) == 393 and sum(not v["is_tge"] for v in verdicts) == 61


def test_twelfth_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 12 (``batch12.py``: batch 5's code with seed 23, batch 10's readers' rules; 48
    headlines empty where the page showed none): every drawn item kept in order; the third
    reader's two verdicts."""
    rows = _unscored_page_batch("batch-2026-12-07-12.jsonl", r"q12b-\d{4}")
    assert len(rows) == 250 and sum(r["is_tge"] for r in rows) == 53
    assert [r["id"] for r in rows] == [f"c-{20001 + n}" for n in range(250)]
    assert sum(not r["title"] for r in rows) == 48
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {"c-20134": False, "c-20185": True}


def test_thirteenth_batch_is_the_unscored_draw_of_dated_news() -> None:
    """Batch 13 (``batch13.py``: batch 5's code with seed 24, dated news only): every item
    dated, the two readers agreed on all, one launch among 63."""
    rows = _unscored_page_batch("batch-2026-12-07-13.jsonl", r"q13b-\d{4}")
    assert len(rows) == 63 and sum(r["is_tge"] for r in rows) == 1
    assert [r["id"] for r in rows] == [f"c-{21001 + n}" for n in range(63)]
    assert all(r["date"] for r in rows) and not any("C" in r["labels"] for r in rows)


def test_fourteenth_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 14 (``batch14.py``: batch 5's code with seed 25, batch 10's readers' rules; the page
    half of RULE_batch14): every drawn item kept in order, 62 headlines empty where the page
    showed none; the third reader's ten verdicts (5 TGE)."""
    rows = _unscored_page_batch("batch-2026-12-07-14.jsonl", r"q14b-\d{4}")
    assert len(rows) == 250 and sum(r["is_tge"] for r in rows) == 35
    assert [r["id"] for r in rows] == [f"c-{22001 + n}" for n in range(250)]
    assert sum(not r["title"] for r in rows) == 62 and sum(bool(r["date"]) for r in rows) == 54
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {
        "c-22021": True,
        "c-22028": True,
        "c-22047": False,
        "c-22065": True,
        "c-22102": False,
        "c-22117": True,
        "c-22132": False,
        "c-22139": False,
        "c-22190": True,
        "c-22209": False,
    }
    assert (sum(r["labels"]["A"] for r in rows), sum(r["labels"]["B"] for r in rows)) == (37, 33)


def test_sixteenth_batch_is_the_unscored_draw_of_one_fresh_page_pool() -> None:
    """Batch 16 (``batch16.py``: batch 5's code with seed 27, batch 10's readers' rules; the set
    of RULE_batch16): c-24006 left out (the rules engine groups its page with a final-test
    project), the rest kept in order, 65 headlines empty where the page showed none; the third
    reader's four verdicts (3 TGE)."""
    rows = _unscored_page_batch("batch-2026-12-07-16.jsonl", r"q16b-\d{4}")
    assert len(rows) == 249 and sum(r["is_tge"] for r in rows) == 28
    assert [r["id"] for r in rows] == [f"c-{n}" for n in range(24001, 24251) if n != 24006]
    assert sum(not r["title"] for r in rows) == 65 and sum(bool(r["date"]) for r in rows) == 61
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {"c-24039": False, "c-24074": True, "c-24155": True, "c-24207": True}
    assert (sum(r["labels"]["A"] for r in rows), sum(r["labels"]["B"] for r in rows)) == (27, 27)


def test_seventeenth_batch_is_the_unscored_draw_of_two_collectors_pools() -> None:
    """Batch 17 (``batch17.py``: batch 5's code with seed 29 on two collectors' pools, batch 10's
    readers' rules; the page set of RULE_batch17): all 500 drawn items kept in order, 135
    headlines empty where the page showed none; the third reader's eleven verdicts (5 TGE)."""
    rows = _unscored_page_batch("batch-2026-12-07-17.jsonl", r"q17[ab]-\d{4}")
    assert len(rows) == 500 and sum(r["is_tge"] for r in rows) == 67
    assert [r["id"] for r in rows] == [f"c-{25001 + n}" for n in range(500)]
    assert sum(not r["title"] for r in rows) == 135 and sum(bool(r["date"]) for r in rows) == 106
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {
        "c-25096": True,
        "c-25144": True,
        "c-25151": False,
        "c-25161": False,
        "c-25169": False,
        "c-25200": False,
        "c-25201": False,
        "c-25204": False,
        "c-25276": True,
        "c-25420": True,
        "c-25427": True,
    }
    assert (sum(r["labels"]["A"] for r in rows), sum(r["labels"]["B"] for r in rows)) == (62, 73)


def test_nineteenth_batch_is_the_unscored_draw_of_two_collectors_pools() -> None:
    """Batch 19 (``batch19.py``: batch 5's code with seed 31 on two collectors' pools, batch 10's
    readers' rules; the page set of RULE_batch19): six pages the rules engine groups with a
    final-test project left out, the rest kept in order, 164 headlines empty where the page
    showed none; the third reader's seven verdicts (5 TGE)."""
    rows = _unscored_page_batch("batch-2026-12-07-19.jsonl", r"q19[ab]-\d{4}")
    assert len(rows) == 494 and sum(r["is_tge"] for r in rows) == 48
    left_out = set(range(27266, 27272))
    assert [r["id"] for r in rows] == [f"c-{n}" for n in range(27001, 27501) if n not in left_out]
    assert sum(not r["title"] for r in rows) == 164 and sum(bool(r["date"]) for r in rows) == 87
    third = {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]}
    assert third == {
        "c-27011": False,
        "c-27094": True,
        "c-27130": True,
        "c-27191": True,
        "c-27282": True,
        "c-27295": False,
        "c-27325": True,
    }
    assert (sum(r["labels"]["A"] for r in rows), sum(r["labels"]["B"] for r in rows)) == (47, 46)


@dataclass(frozen=True)
class PageBatch:
    """What one page batch of batch 5's draw holds (``scripts/batchNN.py``: batch 5's code with
    its own seed on its collectors' pools, batch 10's readers' rules): its file, its pool ids,
    the ids it kept in order (the first id up to the last, less the pages left out for naming a
    final-test project or grouped with one by the engine), its TGE, the headlines left empty
    where the page showed none, its dated pages, the third reader's verdicts and each blind
    reader's TGE count."""

    number: int
    pool_id: str
    first: int
    last: int
    tge: int
    empty_titles: int
    dated: int
    third: dict[str, bool]
    readers: tuple[int, int]
    left_out: frozenset[int] = frozenset()


PAGE_BATCHES = [
    # RULE_batch21: all 500 drawn items kept
    PageBatch(
        number=21,
        pool_id=r"q21[ab]-\d{4}",
        first=29001,
        last=29500,
        tge=40,
        empty_titles=145,
        dated=116,
        third={
            "c-29025": True,
            "c-29061": True,
            "c-29074": True,
            "c-29300": False,
            "c-29341": False,
            "c-29400": True,
            "c-29402": True,
        },
        readers=(38, 39),
    ),
    # RULE_batch22: two pages the rules engine groups with a final-test project left out
    PageBatch(
        number=22,
        pool_id=r"q22[ab]-\d{4}",
        first=30001,
        last=30500,
        tge=29,
        empty_titles=133,
        dated=97,
        third={"c-30016": True, "c-30071": True, "c-30166": False, "c-30271": True},
        readers=(27, 29),
        left_out=frozenset({30133, 30315}),
    ),
    # RULE_batch23: all 500 drawn items kept
    PageBatch(
        number=23,
        pool_id=r"q23[ab]-\d{4}",
        first=31001,
        last=31500,
        tge=54,
        empty_titles=137,
        dated=102,
        third={
            "c-31008": True,
            "c-31018": False,
            "c-31031": True,
            "c-31249": True,
            "c-31380": False,
            "c-31422": True,
        },
        readers=(54, 52),
    ),
    # RULE_batch24: the 428 items the caps let through
    PageBatch(
        number=24,
        pool_id=r"q24[ab]-\d{4}",
        first=32001,
        last=32428,
        tge=37,
        empty_titles=121,
        dated=110,
        third={
            "c-32056": True,
            "c-32166": False,
            "c-32189": True,
            "c-32221": True,
            "c-32277": True,
            "c-32290": True,
            "c-32297": True,
        },
        readers=(33, 36),
    ),
    # RULE_batch25 (the replication set): one item labelled with a final-test project left out
    PageBatch(
        number=25,
        pool_id=r"q25[ab]-\d{4}",
        first=33001,
        last=33500,
        tge=31,
        empty_titles=154,
        dated=115,
        third={
            "c-33022": False,
            "c-33026": True,
            "c-33201": True,
            "c-33305": False,
            "c-33309": True,
            "c-33333": True,
            "c-33403": True,
            "c-33464": True,
        },
        readers=(28, 30),
        left_out=frozenset({33408}),
    ),
    # RULE_batch26, six collectors' pools: six items grouped with a final-test project left out
    PageBatch(
        number=26,
        pool_id=r"q26[a-f]-\d{4}",
        first=34001,
        last=34500,
        tge=60,
        empty_titles=91,
        dated=113,
        third={"c-34005": True, "c-34007": True, "c-34234": True, "c-34294": False},
        readers=(61, 57),
        left_out=frozenset(range(34395, 34401)),
    ),
    # RULE_batch27, four collectors' pools: one item grouped with a final-test project left out
    PageBatch(
        number=27,
        pool_id=r"q27[g-j]-\d{4}",
        first=35001,
        last=35500,
        tge=36,
        empty_titles=219,
        dated=136,
        third={"c-35182": True, "c-35415": False},
        readers=(36, 36),
        left_out=frozenset({35307}),
    ),
    # RULE_batch28, four collectors' pools (small): every kept page drawn
    PageBatch(
        number=28,
        pool_id=r"q28[k-n]-\d{4}",
        first=36001,
        last=36149,
        tge=7,
        empty_titles=42,
        dated=33,
        third={"c-36058": True, "c-36113": True, "c-36138": True},
        readers=(5, 6),
    ),
    # RULE_batch29, five collectors' pools (small: the domains ran dry): every drawn page kept
    PageBatch(
        number=29,
        pool_id=r"q29[a-e]-\d{4}",
        first=37001,
        last=37302,
        tge=25,
        empty_titles=112,
        dated=59,
        third={"c-37019": False, "c-37250": True},
        readers=(24, 26),
    ),
    # RULE_batch30, four collectors' pools by language: every drawn page kept
    PageBatch(
        number=30,
        pool_id=r"q30[f-i]-\d{4}",
        first=38001,
        last=38294,
        tge=20,
        empty_titles=150,
        dated=74,
        third={"c-38203": True},
        readers=(19, 20),
    ),
]


@pytest.mark.parametrize("batch", PAGE_BATCHES, ids=lambda b: f"batch{b.number}")
def test_page_batch_is_the_unscored_draw_of_its_collectors_pools(batch: PageBatch) -> None:
    """Batches 21-30: each a stored page of its pools with nothing of a model's score or of the
    draw kept (``_unscored_page_batch``), its ids in order, its counts as labelled, the third
    reader's verdicts and the blind readers' TGE counts."""
    rows = _unscored_page_batch(f"batch-2026-12-07-{batch.number}.jsonl", batch.pool_id)
    kept = [f"c-{n}" for n in range(batch.first, batch.last + 1) if n not in batch.left_out]
    assert [r["id"] for r in rows] == kept
    assert sum(r["is_tge"] for r in rows) == batch.tge
    assert sum(not r["title"] for r in rows) == batch.empty_titles
    assert sum(bool(r["date"]) for r in rows) == batch.dated
    assert {r["id"]: r["labels"]["C"] for r in rows if "C" in r["labels"]} == batch.third
    readers = (sum(r["labels"]["A"] for r in rows), sum(r["labels"]["B"] for r in rows))
    assert readers == batch.readers


def test_eighteenth_batch_is_dated_news_of_three_unread_repositories_with_no_launch() -> None:
    """Batch 18 (``batch18.py``: seed 30, the news set of RULE_batch17): every item a dated row
    of one of its three repositories, nothing of a model's score or of the draw kept; three
    left out for naming a final-test project; both readers said no TGE for every item."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-07-18.jsonl")
    left_out = {26052, 26132, 26223}
    assert [r["id"] for r in rows] == [f"c-{n}" for n in range(26001, 26251) if n not in left_out]
    repos = {
        "trading-smart/crash-aug23-analysis",
        "wangh050816-svg/crypto-news-app",
        "Ashutoshwahane/junk-data",
    }
    for r in rows:
        assert r["url"] and r["date"] and not {"score", "project", "drawn_as"} & set(r), r["id"]
        assert r["provenance"]["repo"] in repos and not r["is_tge"], r["id"]
        assert r["labels"] == {"A": False, "B": False}, r["id"]


def test_twentieth_batch_is_the_rest_of_batch_18s_pool_with_no_launch() -> None:
    """Batch 20 (``batch20.py``: seed 32, RULE_batch19's news set): items of batch 18's three
    repositories that batch 18 did not draw, none in batch 18; four left out for naming a
    final-test project; both readers said no TGE for every item."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-07-20.jsonl")
    left_out = {28031, 28064, 28100, 28128}
    assert [r["id"] for r in rows] == [f"c-{n}" for n in range(28001, 28152) if n not in left_out]
    b18 = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-07-18.jsonl")
    assert not {r["provenance"]["pool_id"] for r in rows} & {
        r["provenance"]["pool_id"] for r in b18
    }
    assert {r["provenance"]["repo"] for r in rows} == {r["provenance"]["repo"] for r in b18}
    for r in rows:
        assert r["url"] and r["date"] and not {"score", "project", "drawn_as"} & set(r), r["id"]
        assert not r["is_tge"] and r["labels"] == {"A": False, "B": False}, r["id"]


def test_fifteenth_batch_is_the_unscored_draw_of_dated_news_from_nine_repositories() -> None:
    """Batch 15 (``batch15.py``: seed 26, the news half of RULE_batch14): every item a dated
    row of one of its nine repositories with the address it was published at, nothing of a
    model's score or of the draw kept; c-23045 left out for naming a final-test project; the
    readers agreed on all, three launches."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-07-15.jsonl")
    assert len(rows) == 249 and sum(r["is_tge"] for r in rows) == 3
    assert [r["id"] for r in rows] == [f"c-{n}" for n in range(23001, 23251) if n != 23045]
    repos = {
        "jimy-r/MA5851_Assessment3",
        "SonGoku-real/JournalistTracker",
        "konashevich/ozcryptonews",
        "gywns0126/VERITY-data",
        "Aamir03209/cryptoverse",
        "reachmohdaltaf/news-website",
        "AUNG-MIN-OO/swd_test",
        "gerardopar/cuppa",
        "Mehdizaiem/Vault-DueDiligence-4DS1",
    }
    for r in rows:
        assert r["url"] and r["date"] and not {"score", "project", "drawn_as"} & set(r), r["id"]
        prov = r["provenance"]
        assert prov["repo"] in repos and re.fullmatch(r"q15-\d{4}", prov["pool_id"]), r["id"]
        assert re.fullmatch(r"[0-9a-f]{40}", prov["commit"]) and prov["path"], r["id"]
    assert sum(not r["text"] for r in rows) == 96
    assert [r["id"] for r in rows if r["is_tge"]] == ["c-23077", "c-23121", "c-23244"]
    assert not any("C" in r["labels"] for r in rows)


def test_thirty_first_batch_is_the_unscored_draw_of_one_news_stream() -> None:
    """Batch 31 (``batch31.py``: batch 5's code with seed 67 on one pool of every article of a
    Google News dump, the news set of RULE_batch31): every item a row of the daily dumps of
    Xtra-Computing/CryptoTrade at one commit, dated by its file's day, with the outlet's address
    or its Google News link and the headline as the dump wrote it, nothing of a model's score or
    of the draw kept; nine items labelled with a final-test project and three the engine groups
    with one left out, the rest in order; both readers agreed on all 500 (10 TGE each), no third
    reader; no address another labelled file or dev holds."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-07-31.jsonl")
    left_out = {39087, 39088, 39091, 39098, 39113, 39134, 39204, 39227, 39262, 39340, 39349, 39350}
    assert [r["id"] for r in rows] == [f"c-{n}" for n in range(39001, 39501) if n not in left_out]
    assert [r["id"] for r in rows if r["is_tge"]] == [
        "c-39002",
        "c-39052",
        "c-39077",
        "c-39081",
        "c-39140",
        "c-39145",
        "c-39150",
        "c-39218",
        "c-39246",
        "c-39278",
    ]
    path = r"data/(gnews|selected_(bitcoin|bnb|solana|xrp)_202301_202401)/(\d{4}-\d\d-\d\d)\.json"
    for r in rows:
        assert r["url"] and r["date"] and not {"score", "project", "drawn_as"} & set(r), r["id"]
        prov = r["provenance"]
        assert prov["repo"] == "Xtra-Computing/CryptoTrade" and prov["via"] == "fetch", r["id"]
        assert prov["commit"] == "210da73af5f17992be425e61305524a5c24dae40", r["id"]
        day = re.fullmatch(path, prov["path"])
        assert day and day[3] == r["date"] and isinstance(prov["row"], int), r["id"]
        assert re.fullmatch(r"n31-\d{5}", prov["pool_id"]) and prov["project_hint"] is None, r["id"]
        assert prov["google_news"].startswith("https://news.google.com/"), r["id"]
        assert r["title"] and prov["raw_title"].startswith(r["title"]), r["id"]
        assert 0 < len(r["text"]) <= 400, r["id"]
        assert r["labels"] == {"A": r["is_tge"], "B": r["is_tge"]}, r["id"]
    assert sum(r["url"] == r["provenance"]["google_news"] for r in rows) == 74
    assert sum(r["borderline"] for r in rows) == 16
    others = [p for p in BATCHES if not p.name.endswith("-31.jsonl")]
    held = {o.get("url") for p in [LABELLED_CORPUS_FILE, DEV_EVAL_FILE, *others] for o in _rows(p)}
    assert not {r["url"] for r in rows} & (held - {None, ""})


RSS_BOT_COMMIT = "ab67f93ba5938f802396745460779aea59529ca6"
RSS_BOT_OUTLETS = {
    "ChainCatcher": "www.chaincatcher.com",
    "PANews": "www.panewslab.com",
    "Odaily": "www.odaily.news",
    "BlockBeats": "m.theblockbeats.info",
}


def _rss_bot_batch(
    number: int, first: int, size: int, left_out: set[int], pool: str = "s33"
) -> list[dict]:
    """A batch of brucey0017-cloud/rss-bot's Chinese flash news (batches 33, 34, 35, 37 and 39;
    ``pool`` the prefix of its pool's ids: batches 37 and 39 keep batch 35's): the ids in order
    less those left out, every item a row of a digest of the bot at one commit, dated on or
    before its digest's day, the outlet's address, the bot's summary (at most 200 characters)
    as text, nothing of a model's score or of the draw kept, and no address another labelled
    file or dev holds."""
    rows = _rows(LABELLED_CORPUS_FILE.parent / f"batch-2026-12-07-{number}.jsonl")
    expected = [f"c-{n}" for n in range(first, first + size) if n not in left_out]
    assert [r["id"] for r in rows] == expected
    for r in rows:
        assert r["url"] and r["date"] and not {"score", "project", "drawn_as"} & set(r), r["id"]
        prov = r["provenance"]
        assert prov["repo"] == "brucey0017-cloud/rss-bot" and prov["via"] == "fetch", r["id"]
        assert prov["commit"] == RSS_BOT_COMMIT and isinstance(prov["row"], int), r["id"]
        day = re.fullmatch(r"digests/digest-(\d{4})(\d\d)(\d\d)-\d{4}\.json", prov["path"])
        assert day and r["date"] <= "-".join(day.groups()), r["id"]
        assert re.fullmatch(pool + r"-\d{5}", prov["pool_id"]), r["id"]
        assert prov["project_hint"] is None, r["id"]
        assert re.fullmatch(r"[0-9a-f]{64}", prov["guid"]), r["id"]
        assert r["url"].startswith(f"https://{RSS_BOT_OUTLETS[r['source']]}/"), r["id"]
        assert r["title"] and len(r["text"]) <= 200, r["id"]
        assert re.search(r"[\u4e00-\u9fff]", r["title"] + r["text"]), r["id"]
    others = [p for p in BATCHES if not p.name.endswith(f"-{number}.jsonl")]
    held = {o.get("url") for p in [LABELLED_CORPUS_FILE, DEV_EVAL_FILE, *others] for o in _rows(p)}
    assert not {r["url"] for r in rows} & (held - {None, ""})
    return rows


def test_thirty_third_batch_is_the_unscored_draw_of_a_chinese_news_stream() -> None:
    """Batch 33 (``batch33.py``: batch 5's code with seed 73 and RULE_batch33 Amendment 1's
    launch-word test on one pool of every article of brucey0017-cloud/rss-bot's digests, the
    news set of RULE_batch33): 34 items labelled with a final-test project and 7 the engine
    groups with one left out, the rest in order; 11 TGE; readers A 12 / B 13 agreed on 499 of
    500, and the third reader called the one disagreement (c-41278) a TGE."""
    left_out = {
        *(41006, 41032, 41042, 41044, 41055, 41066, 41070, 41097, 41099, 41111, 41123, 41131),
        *(41142, 41153, 41158, 41161, 41176, 41227, 41241, 41244, 41248, 41249, 41264, 41287),
        *(41288, 41323, 41327, 41338, 41363, 41365, 41376, 41377, 41436, 41477),
        *(41005, 41061, 41064, 41177, 41361, 41449, 41489),
    }
    rows = _rss_bot_batch(33, 41001, 500, left_out)
    assert len(rows) == 459
    assert [r["id"] for r in rows if r["is_tge"]] == [
        "c-41074",
        "c-41075",
        "c-41162",
        "c-41235",
        "c-41278",
        "c-41289",
        "c-41331",
        "c-41370",
        "c-41445",
        "c-41469",
        "c-41481",
    ]
    third = {r["id"]: r["labels"] for r in rows if "C" in r["labels"]}
    assert third == {"c-41278": {"A": False, "B": True, "C": True}}
    assert sum(r["borderline"] for r in rows) == 19


def test_thirty_fourth_batch_is_the_rest_of_batch_33s_stream() -> None:
    """Batch 34 (``batch34.py``: batch 33's pool less the 500 it drew, seed 79, the news set of
    RULE_batch34): 18 items labelled with a final-test project and 16 the engine groups with one
    left out, the rest in order; 21 TGE; readers A 20 / B 19 agreed on 597 of 600, and the third
    reader called all three disagreements (c-42020, c-42251, c-42352) TGE; none of batch 33's."""
    left_out = {
        *(42019, 42021, 42068, 42130, 42133, 42162, 42285, 42315, 42377, 42404, 42409, 42433),
        *(42434, 42436, 42488, 42529, 42557, 42594),
        *(42118, 42152, 42165, 42237, 42250, 42268, 42270, 42317, 42405, 42406, 42440, 42465),
        *(42541, 42554, 42575, 42595),
    }
    rows = _rss_bot_batch(34, 42001, 600, left_out)
    assert len(rows) == 566
    assert [r["id"] for r in rows if r["is_tge"]] == [
        "c-42010",
        "c-42020",
        "c-42023",
        "c-42040",
        "c-42041",
        "c-42057",
        "c-42092",
        "c-42151",
        "c-42242",
        "c-42251",
        "c-42314",
        "c-42329",
        "c-42335",
        "c-42340",
        "c-42352",
        "c-42367",
        "c-42372",
        "c-42439",
        "c-42446",
        "c-42544",
        "c-42563",
    ]
    third = {r["id"]: r["labels"] for r in rows if "C" in r["labels"]}
    assert third == {
        "c-42020": {"A": False, "B": True, "C": True},
        "c-42251": {"A": True, "B": False, "C": True},
        "c-42352": {"A": True, "B": False, "C": True},
    }
    assert all(r["is_tge"] and r["borderline"] for r in rows if r["id"] in third)
    assert sum(r["borderline"] for r in rows) == 34
    batch33 = _rows(LABELLED_CORPUS_FILE.parent / "batch-2026-12-07-33.jsonl")
    pool_ids = {r["provenance"]["pool_id"] for r in batch33}
    assert not {r["provenance"]["pool_id"] for r in rows} & pool_ids


def test_thirty_fifth_batch_is_batch_33s_stream_rebuilt_less_what_is_held() -> None:
    """Batch 35 (``batch35.py``: batch 33's pool builder run again, less every article a labelled
    file, event split or story pool held, seed 83, the news set of RULE_batch35): 21 items
    labelled with a final-test project and 19 the engine groups with one left out, the rest in
    order; 20 TGE; readers A 24 / B 19 agreed on 595 of 600, and the third reader decided the
    five disagreements (all A true, B false): c-43176 and c-43311 (kept) and c-43023 and c-43340
    (left out, grouped) TGE, c-43165 not; no headline or address of batches 33 and 34."""
    left_out = {
        *(43015, 43018, 43025, 43113, 43118, 43169, 43170, 43213, 43242, 43325, 43343, 43367),
        *(43369, 43439, 43446, 43450, 43497, 43503, 43522, 43536, 43578),
        *(43020, 43023, 43040, 43135, 43168, 43203, 43206, 43230, 43236, 43239, 43290, 43301),
        *(43324, 43340, 43435, 43489, 43490, 43505, 43554),
    }
    rows = _rss_bot_batch(35, 43001, 600, left_out, pool="s35")
    assert len(rows) == 560
    assert [r["id"] for r in rows if r["is_tge"]] == [
        "c-43074",
        "c-43100",
        "c-43123",
        "c-43127",
        "c-43133",
        "c-43176",
        "c-43195",
        "c-43205",
        "c-43226",
        "c-43228",
        "c-43254",
        "c-43270",
        "c-43282",
        "c-43288",
        "c-43311",
        "c-43337",
        "c-43345",
        "c-43350",
        "c-43360",
        "c-43406",
    ]
    third = {r["id"]: r["labels"] for r in rows if "C" in r["labels"]}
    assert third == {
        "c-43165": {"A": True, "B": False, "C": False},
        "c-43176": {"A": True, "B": False, "C": True},
        "c-43311": {"A": True, "B": False, "C": True},
    }
    assert all(r["borderline"] for r in rows if r["id"] in third)
    assert sum(r["borderline"] for r in rows) == 40
    earlier = [
        r
        for n in (33, 34)
        for r in _rows(LABELLED_CORPUS_FILE.parent / f"batch-2026-12-07-{n}.jsonl")
    ]
    assert not {r["title"] for r in rows} & {r["title"] for r in earlier}
    assert not {r["url"] for r in rows} & {r["url"] for r in earlier}


def _rss_bot_earlier(rows: list[dict], numbers: tuple[int, ...]) -> None:
    """No headline, address or pool id of the earlier batches of the stream."""
    earlier = [
        r
        for n in numbers
        for r in _rows(LABELLED_CORPUS_FILE.parent / f"batch-2026-12-07-{n}.jsonl")
    ]
    assert not {r["title"] for r in rows} & {r["title"] for r in earlier}
    assert not {r["url"] for r in rows} & {r["url"] for r in earlier}
    pool_ids = {r["provenance"]["pool_id"] for r in earlier}
    assert not {r["provenance"]["pool_id"] for r in rows} & pool_ids


def test_thirty_seventh_batch_is_batch_35s_pool_less_its_draw() -> None:
    """Batch 37 (``batch37.py``: batch 35's pool less the 600 articles batch 35 drew, seed 97, the
    news set of RULE_batch37): 26 items labelled with a final-test project (Binance on 20) and 4
    the engine groups with one (c-45430, Cap's CAP, a TGE, among them) left out, the rest in
    order; 15 TGE; readers A 16 / B 15 agreed on 599 of 600, and the third reader called the one
    disagreement (c-45415, A true, B false) a TGE; no headline, address or pool id of batches 33,
    34 and 35."""
    left_out = {
        *(45041, 45055, 45094, 45106, 45117, 45158, 45186, 45219, 45237, 45284, 45309, 45330),
        *(45345, 45373, 45375, 45378, 45387, 45388, 45432, 45449, 45473, 45531, 45558, 45578),
        *(45579, 45595),
        *(45102, 45249, 45430, 45454),
    }
    rows = _rss_bot_batch(37, 45001, 600, left_out, pool="s35")
    assert len(rows) == 570
    assert [r["id"] for r in rows if r["is_tge"]] == [
        "c-45007",
        "c-45028",
        "c-45034",
        "c-45071",
        "c-45246",
        "c-45248",
        "c-45252",
        "c-45312",
        "c-45361",
        "c-45405",
        "c-45415",
        "c-45419",
        "c-45471",
        "c-45524",
        "c-45589",
    ]
    third = {r["id"]: r["labels"] for r in rows if "C" in r["labels"]}
    assert third == {"c-45415": {"A": True, "B": False, "C": True}}
    assert all(r["is_tge"] and r["borderline"] for r in rows if r["id"] in third)
    assert sum(r["borderline"] for r in rows) == 30
    _rss_bot_earlier(rows, (33, 34, 35))


def test_thirty_ninth_batch_is_batch_37s_pool_less_its_draw() -> None:
    """Batch 39 (``batch39.py``: batch 37's pool less the 600 articles batch 37 drew, seed 101,
    the news set of RULE_batch39): 27 items labelled with a final-test project (Binance on 22)
    and 5 the engine groups with one left out, the rest in order; 10 TGE; readers A 10 / B 10
    agreed on all 600 (no third reader); no headline, address or pool id of batches 33, 34, 35
    and 37."""
    left_out = {
        *(47012, 47044, 47045, 47047, 47052, 47096, 47102, 47107, 47140, 47155, 47168, 47234),
        *(47281, 47282, 47283, 47353, 47363, 47423, 47426, 47461, 47470, 47486, 47491, 47528),
        *(47530, 47557, 47598),
        *(47001, 47111, 47349, 47492, 47595),
    }
    rows = _rss_bot_batch(39, 47001, 600, left_out, pool="s35")
    assert len(rows) == 568
    assert [r["id"] for r in rows if r["is_tge"]] == [
        "c-47021",
        "c-47112",
        "c-47117",
        "c-47118",
        "c-47127",
        "c-47135",
        "c-47238",
        "c-47434",
        "c-47538",
        "c-47558",
    ]
    assert all(r["labels"] == {"A": r["is_tge"], "B": r["is_tge"]} for r in rows)
    assert sum(r["borderline"] for r in rows) == 20
    _rss_bot_earlier(rows, (33, 34, 35, 37))
