"""The next-step check: asks about the hiring process going forward; hard negatives (product,
project, career, onboarding, statements); timeline vocabulary and what-is-next-for-X vetoes."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate
from closer.types import Transcript


def check(text: str, round: str = "first") -> bool:
    return evaluate(Transcript(text), round).checks["next_step"].passed  # type: ignore[arg-type]


POS = [
    "What does the next step in the interview process look like?",
    "what are the next steps",
    "Could you walk me through the next steps in the process?",
    "I'd love to know what the next stage looks like.",
    "whats the timeline for a decision",
    "When can I expect to hear back from you?",
    "Who would I meet in the next round?",
    "Where do we go from here?",
    "What happens after today?",
    "so um what comes next",
    "Can you tell me about the rest of the process",
    "im curious what the hiring timeline looks like",
    "How soon will you be making a decision?",
    "and when do you think you'll make a decision on the role",
    "What does the rest of the hiring process involve?",
    "so what happens from here on your end",
    "Could you tell me how many more rounds there are?",
    "Who else would I be talking to before a decision?",
    "When might I hear something?",
    "please share what the upcoming stages look like",
    "I'd love to hear about the following steps",
    "what should i expect after this interview",
    "is there another interview after this one",
    "When are you hoping to wrap up the search?",
    "What comes after the technical round?",
    "I'm wondering what the timeline looks like on your side.",
    "how soon should i expect some feedback",
    "What does the interview loop look like from here?",
    "and what would the next conversation be about",
    "Can you give me an idea of when you'll be making your choice?",
    "where does my application go after today",
    "Is there a further stage after this?",
    "What's the process for next steps?",
    "How do things proceed from here?",
    "I'd be curious how the decision gets made from here.",
    "Would it be possible to know when the panel will decide?",
]
NEG = [
    "What are the next steps for the product roadmap?",
    "What is the next step for the migration project?",
    "This role is the natural next step in my career.",
    "What are the first steps once I start?",
    "I look forward to the next steps.",
    "What does onboarding look like in the first week?",
    "What does the process of onboarding look like?",
    "If I make it through the final round, is there anything that would prevent you from "
    "offering me the job?",
    "Thanks for your time today.",
    "what is the timeline for the platform launch",
    "Can I count on moving to the next step?",
    "What's next for the mobile app?",
    "What are the next steps for the data platform migration?",
    "What would my first few weeks look like once I start?",
    "What's the next step in my career here, realistically?",
    "I'm excited about the next round.",
    "What's the timeline for the new feature launch?",
    "Could you tell me more about the team?",
    "I'd love to hear more about how you run sprints.",
    "When will the team start the new initiative?",
    "What happens after the product goes live?",
    "Could you walk me through the onboarding process?",
    "What is the next milestone for the payments team?",
    "What's the next phase of the cloud rollout?",
    "I see this job as the next step for my growth.",
    "What do new hires do in their first month?",
    "How does the team decide what to build next?",
]

# Class: the hiring timeline in other words: decision dates, turnaround, how the outcome is
# communicated, making up one's mind, who gets the job, what to expect after today (any tense).
TIMELINE = [
    ("Is there a target decision date?", True),
    ("what's the closing date for this decision", True),
    ("Do you have a hiring deadline in mind?", True),
    ("Is there a deadline for the final decision?", True),
    ("roughly what's the turnaround after this round", True),
    ("What's the usual turnaround between this call and the panel?", True),
    ("How will you let candidates know the outcome?", True),
    ("how are you communicating the final decision to us", True),
    ("Will you be telling me the outcome by email or phone?", True),
    ("How do you notify people of the hiring decision?", True),
    ("When does the panel make up its mind?", True),
    ("when will the board be making their minds up", True),
    ("So when's the committee making its mind up?", True),
    ("Who gets the role, and when is that decided?", True),
    ("When do you find out who gets the job?", True),
    ("What can I expect after today?", True),
    ("what should we expect following this conversation", True),
    ("What happened after today with previous candidates?", True),
    ("And what comes after this interview?", True),
    ("what follows after our chat today", True),
    ("What would happen after this call?", True),
    ("What did the rest of the process look like for others?", True),
    ("sorry when do you guys decide", True),
    ("when is the selection day", True),
    ("When do you think you'll have an answer for me?", True),
    ("when might i get a response", True),
    ("When do I get an answer on the bug report?", False),
    ("What's the turnaround on the new billing feature?", False),
    ("Is there a decision date for the vendor contract?", False),
    ("what's the deadline for the product launch", False),
    ("How will you let customers know about the outage outcome of the project?", False),
    ("I expect to hear the outcome soon.", False),
    ("The decision date is next Friday.", False),
    ("When does the team make up its mind on the roadmap?", False),
    ("Who gets the project once it launches?", False),
    ("What happens after the migration ships?", False),
    ("What comes after the pilot for the clients?", False),
    ("What should I expect after I start?", False),
    ("What happens in my first week after I join?", False),
    ("We had a fast turnaround on that release.", False),
    ("I let my team know the outcome of every retro.", False),
    ("what's the turnaround for features on your platform", False),
    ("How do you announce the decision on the new office to staff?", False),
    ("When will the pricing decision come out for the app?", False),
    ("The committee made its mind up quickly on the budget.", False),
]

# Class: what the forward concept is about when it is not the hiring (next for X), with the
# hiring words kept even around an unknown or misheard word ("next step in the inter view process").
VETO = [
    ("What's next for the school's move to the new timetable?", False),
    ("what comes next for the patient portal", False),
    ("What's next for your data team this year?", False),
    ("What happens next for the billing service?", False),
    ("so what is next for the mobile rollout", False),
    ("What comes next for their pricing model?", False),
    ("What's next for the office once the lease ends?", False),
    ("What comes next for the clinics once they are onboarded?", False),
    ("Is there anything next for the partner portal?", False),
    ("What's next for the charity's fundraising drive?", False),
    ("What happens next for our users after sign up?", False),
    ("What comes next for this quarter's goals?", False),
    ("What comes next on the agenda for the offsite?", False),
    ("What's next on your plate this week?", False),
    ("What comes next on the hiring side?", True),
    ("What are the next steps after the salary discussion, and could we talk about pay later?",
     False),
    ("Is there any reason you'd rather not discuss the salary range until the offer stage?", False),
    ("When will we talk about the compensation package in the next round?", False),
    ("What's next for the onboarding of the new clients?", False),
    ("What are the next steps once I'm onboarded?", False),
    ("What does the next step in the inter view process look like?", True),
    ("what does the next step in the intermue process look like", True),
    ("What's the next stage of the hiring panel process?", True),
    ("What are the next steps in your recruiting process?", True),
    ("What's the next step in the selection process here?", True),
    ("What is the next phase in the graduate recruitment process?", True),
    ("What's next for the hiring process?", True),
    ("What's next for my application?", True),
    ("What comes next for the role?", True),
    ("What's next for the interview process on your side?", True),
    ("What happens next for the shortlist?", True),
    ("What's next for me?", True),
    ("What's next for the candidates from today?", True),
    ("What are the next steps in the panel interview process?", True),
    ("What's the next step of the senior engineer interview process?", True),
    ("what comes next in the uh interview process", True),
    ("what are the remaining steps in the assessment centre process", True),
    ("What's the rest on the process like?", True),
    ("what's the rest in the process look like", True),
    ("So what's the remainder of the process?", True),
    ("What's the next step in the new data pipeline?", False),
    ("What's the next step on the road map for the app?", False),
    ("What are the next steps in the release process for the mobile app?", False),
    ("What's the next stage of the product?", False),
    ("What's the rest of the project plan?", False),
]


@pytest.mark.parametrize("text", POS)
def test_next_step_passes(text: str) -> None:
    assert check(text)


@pytest.mark.parametrize("text", NEG)
def test_next_step_hard_negatives(text: str) -> None:
    assert not check(text)


@pytest.mark.parametrize("text,expected", TIMELINE)
def test_timeline_vocabulary(text: str, expected: bool) -> None:
    assert check(text, "final") is expected


@pytest.mark.parametrize("text,expected", VETO)
def test_what_the_forward_concept_is_about(text: str, expected: bool) -> None:
    assert check(text, "second") is expected


def test_classes_have_enough_fresh_cases() -> None:
    assert len(TIMELINE) >= 40 and len(VETO) >= 40
