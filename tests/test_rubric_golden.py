"""Every labelled close keeps the verdict recorded in tests/data/golden_verdicts.jsonl.

The golden file pins the rubric's current answers (right or wrong) so that a rewrite of the
grammar or the house changes nothing by accident. A deliberate change: rerun
`scripts/golden_verdicts.py --write` and add a test of its own for the fixed close.
"""

import importlib.util
from pathlib import Path

from rubric_helpers import evaluate_shipped_once, prime_corpus_embeddings

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "golden_verdicts.py"
_spec = importlib.util.spec_from_file_location("golden_verdicts", _SCRIPT)
assert _spec and _spec.loader
golden_verdicts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden_verdicts)
golden_verdicts.evaluate = evaluate_shipped_once  # one verdict per close per run


def test_every_labelled_close_keeps_its_golden_verdict():
    prime_corpus_embeddings()
    diff = golden_verdicts.differences(golden_verdicts.current(), golden_verdicts.golden())
    assert not diff, "\n".join(diff[:40])


def test_the_golden_file_covers_the_labelled_corpus():
    was = golden_verdicts.golden()
    assert len(was) >= 2300
    assert {g["round"] for g in was.values()} == {"first", "second", "final"}
    # a file that joins the tuned set (the newest unseen one once a newer comes) is pinned too
    unpinned = sorted({r["id"] for r in golden_verdicts.rows()} - set(was))
    assert not unpinned, f"{len(unpinned)} labelled closes not in the golden file: {unpinned[:5]}"
