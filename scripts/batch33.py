"""Batch 33 (issue 11): a FRESH test set of 500 real NEWS articles from a second news stream
nobody gathered by topic, built exactly as batch 31 (``scripts/batch31.py``):
``scripts/batch5.py``'s functions, only parametrised here; the readers' packet, the prediction
writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-33.jsonl``, ids ``c-41001`` ...):
read once as RULE_batch33's test.

Why: ``core/data/model/decisions/RULE_batch33.md`` (written before this batch existed): batch 31
was the one fresh reading on a news stream (10 TGE); batch 33 reads M0 and the committed stage
(R8) on a second stream. The stream the rule chose is in Chinese (flash news of ChainCatcher,
PANews, Odaily and BlockBeats, 2026-02 ... 2026-08): the first fresh reading of the scorer on
non-English news.

Source: one pool, ``pool33_rssbot.jsonl``: every article of the public repository
brucey0017-cloud/rss-bot's ``digests/*.json`` (commit ab67f93b..., fetched on 2026-12-07 by story
collector ev30b; ``core/data/labelled/sources/batch-33.md``): one item per address and per headline,
the outlet's headline, the outlet's feed summary as text (150-400 characters, cut at a sentence
end); articles whose address, headline or opening a labelled file, event split, scoring batch or
story pool held were left out before the pool was written (``held.py``), and ``build`` screens
again.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 73 and first id
``c-41001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. The launch-word half reads RULE_batch33's
Amendment 1 (``LAUNCH_CJK`` below: batch 5's words, with CJK characters as word boundaries, and
the launch words of Chinese, Korean and Japanese news). Readers see id, title, text, source and
date under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``).

    python scripts/batch33.py draw --pools /work/scratch/batch33 --size 500
    python scripts/batch33.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch33.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch33.py add       # core/data/labelled/batch-2026-12-07-33.jsonl
    python scripts/batch33.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 33's files

from core.scoring.language import latin_regex

B.SEED = 73
B.FIRST_ID = 41001  # c-41001 ... (batch 31 took c-39001 ..., the abandoned batch 32 c-40001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-33.jsonl"
B.POOLS = ("pool33_rssbot.jsonl",)
# The articles read of the pool: all of it as written.
B.READ = {"pool33_rssbot.jsonl": 44150}
B.WORK = Path("/work/scratch/batch33")
B.BATCH_FILE, B.POOL_FILE = "batch33.jsonl", "pool33_all.jsonl"
# Batch 10's one more hard case (RULE_batch33.md keeps batch 10's rules), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN

# RULE_batch33's Amendment 1, fixed before the stream was chosen: a Latin word touching a CJK
# character has no word boundary (``latin_regex`` takes CJK characters for its edges), and
# Chinese, Korean and Japanese news say "launch" in their words.
_WORDS = B.LB.LAUNCH.pattern.removeprefix(r"\b(").removesuffix(r")\b")
LAUNCH_CJK = re.compile(
    latin_regex(rf"\b(?:{_WORDS})\b").pattern
    + "|空投|代币生成|上线|上架|开盘|申购|认购|预售|公售|快照|领取|申领|首发|发币|代币发行"
    "|에어드랍|에어드롭|상장|토큰 발행|エアドロップ|上場|トークン発行",
    re.I,
)
# ``batch3.pick`` takes its first half among ``labelling_batch.LAUNCH`` items; in this process
# that name holds the amended test (as batch 15 and 18 set their strata).
B.LB.LAUNCH = LAUNCH_CJK


if __name__ == "__main__":
    B7.cli()
