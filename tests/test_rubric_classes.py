"""Phrasing classes added after the third holdout, each with fresh cases (none from a corpus):
statements that name "what's next" without asking, follow-up "when's that?", hiring nouns that
lift a veto, counting/gap/channel questions, new trial-close shapes (making the case, chances,
weakest part, invitations to voice doubts, "say the same" tags, "offer it to me"), new tone
markers (daft question, never my strong point, rivals stronger, doubting own ability, sign-offs),
and the vetoes as data (`next_step.vetoed`, `trial_close.vetoed`)."""

from __future__ import annotations

import pytest

from closer.rubric import next_step, trial_close
from closer.rubric.text import clauses
from rubric_helpers import passed

NS_STATEMENTS_NOT_ASKS = [  # a statement naming what's next is not an ask
    "I'm looking forward to hearing about what comes next.",
    "I'll be waiting by the phone to find out what's next.",
    "We'll see where we go from here.",
    "really looking forward to what happens next",
    "I can't wait to see what's next for me here.",
    "I'm keen to see what the next step is.",
    # an imperative or wh-phrase inside a statement with its own subject
    "I'm sure you'll let me know the next steps.",
    "I'll wait for the recruiter to tell me the timeline.",
    "Thanks, I know HR will tell me when you decide.",
    "The recruiter already explained what happens next.",
]
NS_IMPERATIVES_ASK = [  # ...but at the start of a clause, or after "please", they ask
    "let me know the next steps", "ok great let me know what the timeline looks like",
    "and um yeah tell me what happens after this", "cool whats next",
    "thanks so much for today whats next", "if you could let me know the timeline that'd be great",
    "I'd really appreciate it if you could tell me the timeline.",
]


@pytest.mark.parametrize("text", NS_IMPERATIVES_ASK)
def test_imperatives_and_bare_wh_ask(text: str) -> None:
    assert passed(text, "next_step")
NS_ASKS = {  # class -> fresh asks
    "take it from here": ["So how do we move it forward from here?",
                          "where do you take things from here"],
    "what's the go / now": ["what's the plan from here", "So what happens now on your end?",
                            "what's the drill going forward"],
    "how many stages": ["How many rounds are there altogether?",
                        "how many more interviews would I have"],
    "gap between stages": ["What's the wait between today and the panel?",
                           "how much time is there between this interview and the next"],
    "which day / target date": ["What date are you hoping to make the decision by?",
                                "Is there a target date for the shortlist?",
                                "which week will you pick the finalists",
                                "What day do you expect to make offers?"],
    "how will I find out": ["How will I hear the outcome?", "how would candidates be notified",
                            "Once it's decided, how will we know?"],
    "till": ["how long till I hear", "roughly how long til you decide"],
    "hiring nouns lift a veto": ["When is the decision on the appointment?",
                                 "What's the timeline for the results?",
                                 "When's the deadline for the placement decision?"],
    "channel of the news": ["Will you contact me by phone or email?",
                            "When will you decide? Will it be by email or a call?"],
    "kindly / please": ["Kindly share the next steps.", "Please, the timeline for a decision?"],
    "when's (dropped apostrophe)": ["whens the next interview", "whens the decision due"],
}
NS_FOLLOW_UPS = [  # a short "when's that?" after a clause naming a stage
    "Would you be happy to pass me on to the next round? And when would that be?",
    "I'd love a shot at the panel interview. When is that likely to happen?",
]
NS_NOT = [  # a step/decision FOR something else; trial closes naming a round
    "What's the next step for the billing system once it's live?",
    "Is there anything in my portfolio you'd like me to improve before the final round?",
    "Have I earned my spot in the last interview?",
    "Would you agree I'm ready for the onsite?",
    "When's that product launch?",
]


@pytest.mark.parametrize("text", NS_STATEMENTS_NOT_ASKS)
def test_statement_naming_whats_next_is_not_an_ask(text: str) -> None:
    assert not passed(text, "next_step")


@pytest.mark.parametrize("text", [t for ts in NS_ASKS.values() for t in ts])
def test_next_step_classes(text: str) -> None:
    assert passed(text, "next_step")


@pytest.mark.parametrize("text", NS_FOLLOW_UPS)
def test_follow_up_after_a_named_stage(text: str) -> None:
    assert passed(text, "next_step")


@pytest.mark.parametrize("text", NS_NOT)
def test_not_next_step(text: str) -> None:
    assert not passed(text, "next_step")


def test_follow_up_needs_a_named_stage() -> None:
    assert not passed("I enjoyed the tour of the lab. When is that open?", "next_step")


TC_ASKS = {
    "made the case / done enough": ["Do you think I've made a strong case for the role?",
                                    "Have I shown enough today to go through?"],
    "chances": ["How do you rate my odds of getting to the panel?",
                "Am I in with a shot at the offer?", "what are my chances of making the shortlist"],
    "someone you'd want": ["Would I be the kind of person you'd hire?",
                           "am i somebody you'd want in the team"],
    "weakest part": ["Which is the weakest area of my CV, in your view?",
                     "what's the weaker side of my profile"],
    "voice the doubts": ["Please lay any doubts about me on the table.",
                         "Kindly tell me any concerns you still have about my experience."],
    "what would make you say yes": ["What would get you to pick me for the last stage?"],
    "want me to address": ["Is there anything on my CV you'd want me to explain further?"],
    "stop you doing": ["Would anything keep you recommending me?"],
    "ready / good enough": ["Do you feel I'm ready to step into this role?",
                            "do you think im experienced enough for the next stage"],
    "where am I weak": ["Be straight with me, where am I weakest?"],
    "a shot at it": ["Do I have a real shot at this?", "do i stand any chance of the offer"],
    "unease verbs": ["Tell me honestly if anything's bothering you about my background.",
                     "Is something about my CV putting you off?"],
    "money on me": ["Would you put your money on me?"],
    "or not": ["you will put me forward or not"],
    "offer it to me": ["would you give it to me", "Could you see yourselves offering me it?"],
}
TC_TAGS = [  # a fit statement, then a "same" tag
    "My background in retail lines up well with what you need. Would you say the same?",
    "I think I'm just what your clinic needs. Do you see it the same way?",
    "I'd be really good at this. Would you see it that way?",
    "I'm the right fit for this team. Do you see it differently?",
]
TC_NOT = [
    "Would you say the same about the team's culture?",
    "What are the chances the role goes remote?",
    "I'm confident I've made the case.",
    "Do I have a chance to meet the team?",
    "Is anything bothering you about the budget?",
    "Do you see it differently?",
    "Please lay out the next steps.",
]


@pytest.mark.parametrize("text", [t for ts in TC_ASKS.values() for t in ts])
def test_trial_close_classes(text: str) -> None:
    assert passed(text, "trial_close")


@pytest.mark.parametrize("text", TC_TAGS)
def test_same_way_tags(text: str) -> None:
    assert passed(text, "trial_close")


@pytest.mark.parametrize("text", TC_NOT)
def test_not_trial_close(text: str) -> None:
    assert not passed(text, "trial_close")


NOT_CONFIDENT = [
    "Possibly a daft question, but what happens next?",
    "Public speaking has never been my forte. Is there anything stopping you moving me forward?",
    "The other applicants probably are more experienced, but would you pass me on?",
    "I'm not sure I'd be much use at the budgeting part, but what are the next steps?",
    "I don't think I'm the strongest on paper. Any concerns about me?",
    "Just wanted to ask, kind of, what the next steps are.",
    "um so what would my like first task be",
    "nah all good",
    "no, I'm all set, cheers",
    "ok cheers mate, nah that's me done",
]
CONFIDENT = [
    "Sorry, what are the next steps? And is there any reason you wouldn't move me forward?",
    "I'd be good at this role. What would stop you recommending me?",
    "Does anything in my portfolio make you doubt I'm ready for the panel?",
    "What would my first project be if I joined?",
]


@pytest.mark.parametrize("text", NOT_CONFIDENT)
def test_new_weak_markers(text: str) -> None:
    assert not passed(text, "confident_tone")


@pytest.mark.parametrize("text", CONFIDENT)
def test_still_confident(text: str) -> None:
    assert passed(text, "confident_tone")


def test_vetoes_are_data() -> None:
    product = clauses("What's the next step for the mobile app?")[0]
    assert next_step.vetoed(product) and next_step.vetoes(product)
    assert not next_step.vetoed(clauses("What are the next steps in the process?")[0])
    assert next_step.vetoed("what are the first steps once i start")
    pay = clauses("Any reason you'd hesitate to share the pay band?")[0]
    assert trial_close.vetoes(pay) == ("tc_veto",)
    assert not trial_close.vetoed(clauses("Any reason you'd hesitate to move me on?")[0])
    nxt = "is there anything stopping you passing me to the next round"
    assert trial_close.vetoes(nxt, "final") == ("final_round_next_round",)
    assert not trial_close.vetoed(nxt, "second")
    assert not trial_close.vetoed("anything stopping you offering me the job", "final")
