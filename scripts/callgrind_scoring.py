"""Instructions per scored item, counted by valgrind's callgrind: the scorer's speed measure
that does not depend on the machine's load (wall-clock on the shared 2-core machine moves by
half between runs; this moves by under 0.5%).

    PYTHONHASHSEED=0 valgrind --tool=callgrind --instr-atstart=no \\
        --callgrind-out-file=/tmp/cg.out python scripts/callgrind_scoring.py model 500
    grep '^totals:' /tmp/cg.out          # instructions; divide by the items (500)

``model`` scores with the bundled model and its token history (what `run` does), ``rules``
with the rules alone. The items and companies are the bench's (`bench scoring`): 500 items of
about 1 KB from synthetic_items, scored against 10,000 synthetic companies plus the bundled
ones (10,028). The engine is built and every item scored once before counting starts (the
caches warm), then instrumentation is switched on (callgrind_control -i on) for one pass over
the same items, with the garbage collector paused, and off again. The count includes freeing
each analysis after it is returned.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from core.bundled import COMPANIES_FILE
from core.scoring import _native
from core.scoring.bench import synthetic_companies, synthetic_items
from core.scoring.engine import ScoringEngine
from core.scoring.evaluate import load_companies
from core.scoring.history import history_for
from core.scoring.model import BUNDLED_MODEL, load_model


def _instrument(on: bool) -> None:
    """Switch callgrind's counting on or off for this process."""
    command = ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())]
    subprocess.run(command, check=True, capture_output=True)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "model"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    specs = synthetic_companies(10000) + load_companies(COMPANIES_FILE)
    docs = synthetic_items(specs, n)
    engine = ScoringEngine(specs)
    if mode == "model":
        engine.model = load_model(BUNDLED_MODEL)
        engine.history = history_for(engine.model)
    analyze = engine.analyze
    for d in docs:
        analyze("", d)
    print(len(specs), "companies,", n, "items,", mode, dict(_native.status), file=sys.stderr)
    gc.collect()
    gc.disable()
    _instrument(True)
    for d in docs:
        analyze("", d)
    _instrument(False)
    gc.enable()


if __name__ == "__main__":
    main()
