"""The objection reply is judged against the objection it answers: it passes only when it takes up
that concern (its topic, evidence or a plan about it) and closes again. Objections worded from
weak spots, the skills lexicon's topic words ("EKS", "clusters", "k8s" for Kubernetes), and
replies about something else. Cases written for these tests."""

from __future__ import annotations

import pytest

from closer.rubric import evaluate_objection_reply
from closer.rubric.objection import _spoken
from closer.scenario.objections import word_weak_spot
from closer.scenario.skills import lexicon
from closer.types import Transcript

RC = " Does that address your concern?"
K8S = "You haven't worked with Kubernetes in production, have you?"
GAP = "I see a gap of about two years on your CV, and I'm wondering how current your skills are."

# (objection, reply, takes it up and closes again)
CASES = [
    (K8S, "I ran our EKS clusters in staging and I've done the CKA; does that address it?", True),
    (K8S, "I deploy services with Helm charts onto our k8s cluster every week." + RC, True),
    (K8S, "I'd take the CKA course in my first month and pair with the platform team. Would "
          "that settle it?", True),
    (K8S, "I live ninety minutes away but the train is direct and I'm happy to commute." + RC,
     False),
    (K8S, "I have managed a team of twelve people for years." + RC, False),
    (K8S, "My salary expectations are flexible and negotiable." + RC, False),
    (K8S, "I ran our EKS clusters in staging and I've done the CKA.", False),  # no re-close
    ("You don't have much experience with Kafka, do you?",
     "I built two event streaming services that consume Kafka topics at work." + RC, True),
    ("You don't have much experience with Kafka, do you?",
     "I have worked on many projects over the years and I always deliver." + RC, False),
    ("You'd be about 90 minutes away from the office; won't that commute wear you down?",
     "The train is direct and I already commute that far today, so it works for me." + RC, True),
    ("You'd be about 90 minutes away from the office; won't that commute wear you down?",
     "I ran our EKS clusters for years and hold the CKA." + RC, False),
    (GAP, "I was caring for my father and I kept my skills current with two courses." + RC, True),
    (GAP, "I really enjoy working with my team on hard problems every day." + RC, False),
    ("The role asks for ACLS, and I don't see it on your CV.",
     "I'm booked on the advanced life support course next month and I've done BLS for years."
     + RC, True),
    ("The role asks for ACLS, and I don't see it on your CV.",
     "I'm very comfortable working night shifts and weekends." + RC, False),
    ("The role asks for a degree, and I don't see one on your CV.",
     "I don't have a degree, but I have eight years of equivalent work leading analytics." + RC,
     True),
    ("The role asks for a degree, and I don't see one on your CV.",
     "I live close to the office and can start next week." + RC, False),
    ("You haven't worked as an account executive before, have you?",
     "I beat my sales targets every year for eight years as a store manager." + RC, True),
    ("You haven't worked as an account executive before, have you?",
     "I'm fine with the salary range you mentioned." + RC, False),
    ("Your background is in retail, and I'm not sure how quickly you'd adapt to this industry.",
     "Retail taught me to sell every day, and those skills transfer directly to software." + RC,
     True),
    ("Your background is in retail, and I'm not sure how quickly you'd adapt to this industry.",
     "My notice period is only two weeks, so I could start soon." + RC, False),
    ("You'd need visa sponsorship, and that's not something we usually offer.",
     "I already hold a work permit that lets me stay for three more years." + RC, True),
    ("You'd need visa sponsorship, and that's not something we usually offer.",
     "I have led teams of ten engineers across two countries." + RC, False),
    ("Honestly, you might be overqualified for this; would you get bored?",
     "I want to be hands on again and I plan to stay for the long term." + RC, True),
    ("Honestly, you might be overqualified for this; would you get bored?",
     "I'm a fast learner with Python and SQL." + RC, False),
    ("You haven't managed a team before, and this role has people reporting to it.",
     "I led four engineers on our migration project and mentored two juniors." + RC, True),
    ("You haven't managed a team before, and this role has people reporting to it.",
     "The commute is fine for me, I live close by." + RC, False),
    ("You don't have much experience with warehouse management system, do you?",
     "I used the WMS scanners at FreshMart every day for picking and putaway." + RC, True),
    ("You don't have much experience with warehouse management system, do you?",
     "I have plenty of experience leading a shift of eighteen people." + RC, False),
    ("I'm a little worried about your accent.",
     "My accent has never stopped clients understanding me; I present to boards monthly." + RC,
     True),
    ("I'm a little worried about your accent.", "I have five years of Python experience." + RC,
     False),
]


@pytest.mark.parametrize(("objection", "reply", "expected"), CASES,
                         ids=[f"{'on' if e else 'off'}-{i}" for i, (_, _, e) in enumerate(CASES)])
def test_the_reply_must_take_up_this_objection(objection: str, reply: str,
                                               expected: bool) -> None:
    result = evaluate_objection_reply(objection, Transcript(reply), "second")
    assert result.passed is expected, result


def test_every_weak_spot_objection_of_a_skill_is_taken_up_by_its_aliases() -> None:
    """For every lexicon entry with a spoken name: the objection worded from "no experience with
    <name>" is taken up by a reply naming another of its names, and not by one about the commute."""
    checked = 0
    for skill in lexicon().skills.values():
        names = [a for a in skill.aliases if _spoken(a)]
        if not names:
            continue
        spot = f"no {skill.name}" if skill.kind == "credential" else \
            f"no experience with {skill.name}"
        other = names[1] if len(names) > 1 else (skill.related or (names[0],))[0]
        for objection in word_weak_spot(spot).options:
            on = f"At my last job I used {other} every single week for three years." + RC
            off = "My notice period is two weeks, so I could start soon." + RC
            assert evaluate_objection_reply(objection, Transcript(on), "first").passed, \
                (objection, on)
            assert not evaluate_objection_reply(objection, Transcript(off), "first").passed, \
                (objection, off)
            checked += 1
    assert checked > 300
