"""closer.rubric.warm: the grammar compiled ahead of the first close, in the background."""

from closer.rubric import evaluate, lexicon
from closer.rubric.warm import warm, warm_in_background
from closer.types import Transcript

CLOSE = "What are the next steps? Is there any reason you wouldn't pass me on to the next round?"


def test_warm_compiles_every_concept_the_code_uses():
    lexicon.pattern.cache_clear()
    warm()
    assert lexicon.pattern.cache_info().currsize >= len(lexicon.CONCEPTS)


def test_a_close_scored_during_the_warm_up_gets_the_same_verdict():
    before = evaluate(Transcript(CLOSE))
    lexicon.pattern.cache_clear()
    thread = warm_in_background()
    during = evaluate(Transcript(CLOSE))
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert during == before == evaluate(Transcript(CLOSE))
