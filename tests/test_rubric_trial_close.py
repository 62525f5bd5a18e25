"""The trial-close check: asks the interviewer to commit to moving the candidate forward or to
say what stands in the way; hard negatives (reservations about other things, statements); the final
round; classes: the offer named as a stage, advancement verbs and rounds, agreement tags."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate
from closer.types import Transcript


def check(text: str, round: str = "first") -> bool:
    return evaluate(Transcript(text), round).checks["trial_close"].passed  # type: ignore[arg-type]


POS = [
    "Based on what we've talked about today, is there any reason why you wouldn't feel comfortable "
    "passing me on to the next round?",
    "Do you have any hesitations about my qualifications?",
    "Have I convinced you that I'm the right candidate?",
    "Can I count on moving to the next step?",
    "Is there anything that would keep you from recommending me?",
    "Can you see me being successful here?",
    "Based on our conversation, I think this is a fantastic fit. Do you agree?",
    "Is there anything about my background that gives you pause?",
    "is there any reason you wouldnt move me forward",
    "any concerns about me moving to the next stage",
    "do you see any gaps in my experience for this role",
    "Given everything we covered, how confident are you in moving me to the final round?",
    "what would it take for me to get the offer",
    "Is there anything that would stop you from moving me to the next round?",
    "Would you recommend me for the next stage?",
    "Do you have any concerns about my fit for the team?",
    "Is there any part of my experience you're unsure about?",
    "would you be willing to put me forward",
    "Is there anything I'm missing that would make you hesitate to hire me?",
    "Could you share any concerns you have about my background?",
    "Will you be taking me forward to the next round?",
    "What are the next steps, and would anything stop you from hiring me?",
    "Is there any reason you wouldn't want me on your team?",
    "Do you see anything that might hold my application back?",
    "Could I ask whether you'd be happy to hire me?",
    "do you feel im a good match for what you need",
    "Can I expect to move forward to the final round?",
    "What gaps do you see in my profile?",
]
NEG = [
    "Is there any reason you wouldn't feel comfortable sharing the salary range?",
    "Is there any reason the role opened up?",
    "Do you have any concerns about the team's workload?",
    "Are there any concerns about the product's direction?",
    "I'm confident I'm the right fit.",
    "I hope you'll consider me.",
    "What does success look like in this role?",
    "What are the next steps?",
    "Do you have any concerns about the team's budget?",
    "Is there any reason the last hire left?",
    "What would make someone successful in this role?",
    "I think I'd be a great fit here.",
    "Any reason you can't tell me the salary band?",
    "Are there any concerns about the roadmap?",
    "What would make me successful here?",
    "Are there any concerns about the office move?",
    "Is there any reason the team is growing so fast?",
    "I'm sure I'm the candidate you need.",
    "Any hesitations about the new pricing?",
    "Would you be willing to tell me how success is measured?",
]

FINAL_POS = [
    "Are you comfortable offering me the position?",
    "Is there anything I'm missing that would make you hesitate to hire me?",
    "Do you think I'm the right person for this role?",
    "Is there anything I should address before you decide on me?",
    "Can you see me succeeding in this job?",
    "Is there any hesitation about bringing me on board?",
    "Would you advocate for me with the hiring committee?",
    "do you feel im a good match for what you need",
    "What are the next steps, and would anything stop you from hiring me?",
]


@pytest.mark.parametrize("text", FINAL_POS)
def test_final_round_offer_or_neutral_passes(text: str) -> None:
    assert check(text, "final")


def test_final_round_needs_the_offer() -> None:
    next_round = ("Is there any reason you wouldn't feel comfortable passing me on "
                  "to the next round?")
    offer = "Is there any reason you wouldn't feel comfortable giving me the offer?"
    assert check(next_round, "first") and check(next_round, "second")
    assert not check(next_round, "final")
    assert check(offer, "final") and check(offer, "first")
    assert check("Do you have any hesitations about my qualifications?", "final")
    assert check("Will you be taking me forward to the next round?", "second")
    assert not check("Will you be taking me forward to the next round?", "final")
    v = evaluate(Transcript(next_round), "final")
    assert "offer" in (v.checks["trial_close"].tip or "")


# Class: what moves the candidate forward: the offer named as a STAGE is not an ask for it;
# appointing/employing; "I should be in the final round"; where I come up short; reservations about
# relocation, visas or pay stay vetoed.
ADVANCE = [
    ("Could you walk me through how the offer stage works from here?", "final", False),
    ("what does the offer process usually involve", "final", False),
    ("Is there any reason you'd hold back the salary until the offer stage?", "final", False),
    ("Are there any concerns about the offer letter template?", "first", False),
    ("Is there any reason the offer timeline is so long?", "final", False),
    ("Do you have any concerns with the offer negotiation approach here?", "final", False),
    ("Any reason the offer call happens on a Friday?", "final", False),
    ("Is there anything that would keep you from making me the offer?", "final", True),
    ("Is there anything that would stop you extending an offer to me?", "final", True),
    ("Would you be happy to appoint me?", "final", True),
    ("After the observation, would you feel comfortable appointing me?", "final", True),
    ("is there any reason you wouldnt employ me", "final", True),
    ("Would the panel be willing to appoint me to the post?", "final", True),
    ("Do you see any reason not to employ me?", "final", True),
    ("Would you agree I should be in the final round?", "second", True),
    ("Do you think I should go through to the next stage?", "first", True),
    ("Can I go on to the next round?", "first", True),
    ("Do you feel I deserve to move on to the final interview?", "second", True),
    ("would you say i ought to be on the shortlist", "first", True),
    ("Do you think I could advance to the next phase?", "first", True),
    ("Would you agree I should be in the final round?", "final", False),
    ("I'd really value hearing where you see me coming up short.", "first", True),
    ("Where do you think I fall short for this position?", "first", True),
    ("could you tell me where i came up short today", "second", True),
    ("Is there anywhere you feel I'm falling short?", "first", True),
    ("Where did the last project come up short?", "first", False),
    ("Where does the product fall short for customers?", "first", False),
    ("Is there any reason the relocation support wouldn't apply if I'm moving from Leeds?",
     "first", False),
    ("Is there any reason my visa sponsorship would be an issue for the company?", "first", False),
    ("Are there any concerns about relocating the team to Dublin?", "first", False),
    ("Any reason the sponsorship process takes so long?", "first", False),
    ("Do you have concerns about my relocation timeline?", "first", False),
    ("Is there any reason you'd rather not discuss the salary range until the offer stage?",
     "final", False),
    ("Is there any reason you wouldn't feel comfortable passing on to the next round?",
     "first", True),
    ("any reason you wouldnt be comfortable moving on to the next stage", "second", True),
    ("Any reason we wouldn't move on to the next stage of the project?", "first", False),
    ("Is there any reason you wouldn't send me through to the final panel?", "second", True),
    ("Is there anything that would stop you from taking me on?", "final", True),
    ("Would you be comfortable bringing me on board?", "final", True),
    ("Do you think I'd be a good fit for the team?", "final", True),
    ("I'd be a great addition to the team, would you agree?", "final", True),
    ("Any concerns I can address right now?", "first", True),
    ("Is there anything I could clarify for you?", "first", True),
    ("Would you like me to join the team?", "final", True),
    ("Would you like me to join the call on Friday?", "final", False),
    ("Do you have any concerns about the team?", "final", False),
    ("Is there any reason you would not hire someone like me?", "final", True),
    ("What would stop you from hiring for this role this year?", "final", False),
    ("Do you think the team should be in the final stage of the migration?", "first", False),
]

# Class: a statement of fit turned into an ask by a tag, including a bare "would you?" and a hedge
# between ("..., maybe, would you agree?"); "what you're after" as a judgement of the candidate.
TAGS = [
    ("I reckon I'm what you're after, maybe, would you agree?", "final", True),
    ("I think I'm exactly who you are looking for. Would you agree?", "final", True),
    ("I feel like I'm the person you've been searching for, would you say so?", "first", True),
    ("I believe I'm what you need for this team. Do you agree?", "final", True),
    ("I'm what you're after, right?", "final", True),
    ("I'd like to think I'm the candidate you were hoping to find. Would you agree?", "final",
     True),
    ("I'm hoping you'd see me as a fit for the final, would you?", "second", True),
    ("I think I'd be a strong fit here, do you?", "first", True),
    ("You can picture me in the role, can you?", "first", True),
    ("I've shown I can handle this role, have you seen that?", "first", False),
    ("I'd be a great addition to the team, would you not?", "first", True),
    ("I think I'm a natural fit, wouldn't you?", "first", True),
    ("My experience lines up with what you need, don't you think?", "final", True),
    ("I'm a strong match for the role. Would you?", "first", True),
    ("I see myself thriving here, and I think you do, do you?", "first", True),
    ("I'm a good fit, uh, I think, would you agree?", "first", True),
    ("I'm the right person for this, kind of, you know, do you agree?", "final", True),
    ("I'd be a solid hire, honestly, would you agree?", "final", True),
    ("I'm a strong fit. Maybe. Do you agree?", "final", True),
    ("I'm the candidate you've been looking for, right?", "final", True),
    ("I love the product. Would you?", "first", False),
    ("The team seems great. Do you agree?", "first", False),
    ("The roadmap is ambitious, would you agree?", "first", False),
    ("I think the role is a great opportunity, would you?", "first", False),
    ("This project is what you're after, right?", "first", False),
    ("What are you after in a candidate?", "first", False),
    ("Who are you looking for in this role?", "first", False),
    ("What you're after is someone senior, I think.", "first", False),
    ("I know what you're after.", "first", False),
    ("Would you?", "first", False),
    ("We covered a lot. Do you agree?", "first", False),
    ("The process was clear. Would you agree?", "first", False),
    ("I enjoyed today, did you?", "first", False),
    ("Sounds like a busy quarter, would you say?", "first", False),
    ("I'd like to learn more about the tools you use, would you mind?", "first", False),
    ("I'm confident I'm what you're after.", "final", False),
    ("I think I am the person you need.", "final", False),
    ("I am who you are looking for.", "final", False),
    ("So do you think I'm what you're looking for?", "final", True),
    ("Am I the kind of person you're after?", "final", True),
    ("Would you say I'm who you need?", "final", True),
    ("Do you feel I'm what you want in this role?", "final", True),
]


@pytest.mark.parametrize("text", POS)
def test_trial_close_passes(text: str) -> None:
    assert check(text)


@pytest.mark.parametrize("text", NEG)
def test_trial_close_hard_negatives(text: str) -> None:
    assert not check(text)


@pytest.mark.parametrize("text,round,expected", ADVANCE)
def test_what_moves_the_candidate_forward(text: str, round: str, expected: bool) -> None:
    assert check(text, round) is expected


@pytest.mark.parametrize("text,round,expected", TAGS)
def test_agreement_tags_and_judgements(text: str, round: str, expected: bool) -> None:
    assert check(text, round) is expected


def test_agreement_tag_evidence_includes_the_fit_statement() -> None:
    text = "Based on our conversation, I think this is a fantastic fit. Do you agree?"
    assert evaluate(Transcript(text)).checks["trial_close"].evidence == text
    hedged = "I reckon I'm what you're after, maybe, would you agree?"
    assert "after" in (evaluate(Transcript(hedged)).checks["trial_close"].evidence or "")


def test_classes_have_enough_fresh_cases() -> None:
    assert len(ADVANCE) >= 40 and len(TAGS) >= 40
