"""What the scorer says about a fixed sample, pinned: speed work must not change it.

The sample is the dev set (126 real published items) and the first 200 bench items at
10,028 companies, each scored by the rules alone and with the bundled model, undated and on
its own date (``scripts/scoring_snapshot.py``: every field of ``to_dict``, ``why()`` and
the confidence's ``repr``). The digest below is main's at a577fbe. A change that is meant to
change scores or explanations (a new model, new rules) updates it: run
``python scripts/scoring_snapshot.py --sample`` and write the digest here, saying why in the
commit. For a change that is not (speed work), the digest must stay; to see what moved,
compare full snapshots of both checkouts (the script's docstring says how).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import scoring_snapshot

SAMPLE_ANALYSES = 1304
SAMPLE_SHA256 = "4ed30ca426b1c88a72f2259e85690939716ade800af3477cee3d3cad44dab048"


def test_sample_analyses_unchanged() -> None:
    n, digest = scoring_snapshot.sample_digest()
    assert n == SAMPLE_ANALYSES
    assert digest == SAMPLE_SHA256, (
        "the scorer's output on the fixed sample changed; if that is intended, "
        "run `python scripts/scoring_snapshot.py --sample` and update SAMPLE_SHA256"
    )
