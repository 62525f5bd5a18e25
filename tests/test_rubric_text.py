"""The clause analysis under every check (closer.rubric.text): how a close is cut into sentences
and clauses, and which of them ask."""

from __future__ import annotations

import pytest

from closer.rubric.text import clauses, sentences

SPLIT = ("Thank you for your time today. Is there any reason why? You wouldn't feel comfortable "
         "passing me onto the next round. I'd love to keep the conversation going.")


def test_a_question_cut_at_a_pause_is_one_sentence_again() -> None:
    assert sentences(SPLIT) == [
        "Thank you for your time today.",
        "Is there any reason why you wouldn't feel comfortable passing me onto the next round?",
        "I'd love to keep the conversation going.",
    ]
    asks = [c.raw for c in clauses(SPLIT) if c.asks]
    assert asks == ["Is there any reason why you wouldn't feel comfortable passing me onto the "
                    "next round?"]


@pytest.mark.parametrize(("text", "joined"), [
    ("What would stop you from? Moving me on.", "What would stop you from moving me on?"),
    ("Would you be happy to? Put me forward for the panel.",
     "Would you be happy to put me forward for the panel?"),
    ("Do you have any doubts about? My leadership experience.",
     "Do you have any doubts about my leadership experience?"),
    ("Could you tell me whether... I'm through to the final?",
     "Could you tell me whether I'm through to the final?"),
    ("Is there anything that? Would stop you hiring me.",
     "Is there anything that would stop you hiring me?"),
])
def test_dangling_ends_take_the_next_sentence(text: str, joined: str) -> None:
    assert sentences(text) == [joined]


@pytest.mark.parametrize("text", [
    "Why? Because I love this work.",  # a one-word question and its answer
    "Is there any reason why? Because I'd hate to guess.",  # the next sentence answers
    "Is there any reason why? Would you pass me on?",  # the next sentence asks on its own
    "Is there a reason why? I'd love to know the next steps.",  # a request of its own
    "How do you feel about that? I think it went well.",  # "that" as a pronoun ends it
    "Who would I report to? My last manager was remote.",  # a stranded "to" ends it
    "What if? I moved closer.",  # "what if" is whole
    "Is there any reason why. You wouldn't pass me on.",  # no "?" or "...": two statements
])
def test_whole_questions_and_answers_stay_apart(text: str) -> None:
    assert len(sentences(text)) == 2


def test_an_answer_after_why_is_no_ask() -> None:
    cl = clauses("Why? Because I love this work.")
    assert [c.asks for c in cl] == [True, False]


@pytest.mark.parametrize(("text", "core"), [
    ("Could I, sort of, have the job?", "could i have the job"),
    ("Would you, kind of, see me in the final?", "would you see me in the final"),
    ("Will we, um, have the offer by Friday?", "will we have the offer by friday"),
])
def test_a_modal_inversion_waits_for_its_verb_across_a_pause(text: str, core: str) -> None:
    """A pause after "could I" or "would you" starts no new clause: the verb is still to come."""
    asks = [c for c in clauses(text) if c.asks]
    assert [c.core for c in asks] == [core]


@pytest.mark.parametrize("text", [
    "If any doubt remains about my record, now's the time to say so.",
    "If something in my answers bothered you, nows the moment to tell me.",
])
def test_nows_the_time_is_an_invitation(text: str) -> None:
    """"now's" expands to "now is", so the invitation after the condition asks."""
    assert any(c.asks for c in clauses(text))
