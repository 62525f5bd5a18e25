"""Compile the rubric's grammar ahead of the first close, in a background thread.

Why: Python compiles a regex on first use, and the rubric's concepts are large alternations;
compiling them all costs about a second of pure Python per process, which `closer score` would
otherwise pay after the transcription and a drill in the middle of the candidate's first answer.
The model load and the decoding run in C++ with the GIL released, so the compilation overlaps
them almost for free. `warm_in_background()` starts it; nothing waits for it: a pattern asked
for before it is ready is compiled on the spot, as before (the lexicon caches are thread-safe:
the worst case is one pattern compiled twice).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

_LOGGER = logging.getLogger(__name__)


def warm() -> None:
    """Compile every concept the code uses (and the tables the clause splitter reads)."""
    from closer.rubric import lexicon
    from closer.rubric.text import clauses

    t0 = time.perf_counter()
    for name in sorted(lexicon.CONCEPTS):
        lexicon.pattern(name)
    lexicon.contractions()
    lexicon.model_lines()
    clauses("What are the next steps? Is there any reason you wouldn't pass me on?")
    _LOGGER.debug("rubric warm in %.2f s", time.perf_counter() - t0)


def warm_in_background(*also: Callable[[], object]) -> threading.Thread:
    """Start `warm()` in a daemon thread, then each of `also` (the semantic layer's load:
    `closer.rubric.semantic.hook.warm`); errors surface later, where the rubric is used."""

    def run() -> None:
        try:
            warm()
            for step in also:
                step()
        except Exception as exc:  # a broken prompt file is reported where it is used
            _LOGGER.debug("rubric warm-up stopped: %s", exc)

    thread = threading.Thread(target=run, name="closer-rubric-warm", daemon=True)
    thread.start()
    return thread
