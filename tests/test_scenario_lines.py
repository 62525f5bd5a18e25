"""A scenario's drill lines (closer.drill.script.pick_script with DrillSetup.scenario) and the
objections worded from weak spots (closer.scenario.objections): tailored, seeded, and the generic
drill unchanged."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from closer import prompts
from closer.drill.script import DrillSetup, pick_script
from closer.drill.session import next_setup
from closer.scenario import Interviewer, Scenario
from closer.scenario.objections import objection_for, word_weak_spot

ACME = Scenario(
    name="data engineer at Acme", company="Acme", role="data engineer",
    interviewer=Interviewer("Dana Whitfield", "Head of Data"), round="second",
    next_step="a system design interview with two senior engineers",
    weak_spots=("no production Kubernetes", "lives 90 minutes away", "a two-year gap"),
    skills=("Airflow",))
SEEDS = range(60)


def scripts(scenario: Scenario | None, round_: str = "second", harder: bool = True) -> list:
    return [pick_script(DrillSetup(round_, harder, s, scenario)) for s in SEEDS]  # type: ignore[arg-type]


def test_the_opener_names_role_company_and_who_speaks() -> None:
    for s in scripts(ACME):
        assert "the data engineer role at Acme" in s.wrap_up
        assert "Dana Whitfield" in s.wrap_up and "Head of Data" in s.wrap_up


@pytest.mark.parametrize(("scenario", "said", "not_said"), [
    (Scenario("x", role="a nurse role"), "the nurse role", "Acme"),  # article and "role" dropped
    (Scenario("x", company="Acme"), "Thanks for coming in to Acme today.", "role"),
    (Scenario("x", interviewer=Interviewer(title="VP of Sales")), "As VP of Sales,", "role"),
])
def test_the_opener_says_only_what_the_scenario_gives(scenario: Scenario, said: str,
                                                      not_said: str) -> None:
    for s in scripts(scenario, "first"):
        assert said in s.wrap_up and not_said not in s.wrap_up.split("?")[0].split(".")[0]


def test_an_empty_scenario_keeps_the_generic_lines() -> None:
    assert scripts(Scenario("empty")) == scripts(None)


def test_the_generic_lines_stay_and_only_three_lines_change() -> None:
    for plain, tailored in zip(scripts(None, harder=False), scripts(ACME, harder=False),
                               strict=True):
        assert tailored.wrap_up.endswith(plain.wrap_up) and tailored.wrap_up != plain.wrap_up
        assert (tailored.follow_up, tailored.closing, tailored.reply_kind) == \
            (plain.follow_up, plain.closing, plain.reply_kind)
        assert (tailored.reprompt_question, tailored.reprompt_reply) == \
            (plain.reprompt_question, plain.reprompt_reply)
        if plain.reply_kind == "rebuttal":
            assert tailored.reply == plain.reply


def test_the_next_step_answer_is_the_real_one_in_the_scenario_round_only() -> None:
    answers = {s.next_step_answer for s in scripts(ACME, "second")}
    assert answers and all("a system design interview with two senior engineers." in a
                           for a in answers)
    assert all("system design" not in s.next_step_answer for s in scripts(ACME, "final"))
    anyround = replace(ACME, round=None)
    assert all("system design" in s.next_step_answer for s in scripts(anyround, "final"))


def test_a_next_step_sentence_is_said_as_written() -> None:
    sentence = "If we move forward, you'll meet the CTO on Friday."
    sc = replace(ACME, next_step=sentence)
    assert {s.next_step_answer for s in scripts(sc)} == {sentence}
    phrase = replace(ACME, next_step="A panel with the CTO")
    assert all("is a panel with the CTO." in s.next_step_answer or
               "be a panel with the CTO." in s.next_step_answer for s in scripts(phrase))


def test_objections_come_from_the_weak_spots_and_the_generic_ones() -> None:
    replies = [s.reply for s in scripts(ACME)]
    from_spots = {r for r in replies if any(r in word_weak_spot(w).options
                                            for w in ACME.weak_spots)}
    assert 0.6 <= len([r for r in replies if r in from_spots]) / len(replies) <= 0.9
    assert any("Kubernetes in production" in r for r in replies)
    assert any("90 minutes" in r for r in replies) and any("two years" in r for r in replies)
    generic = [r for r in replies if r not in from_spots]
    assert generic and all(r in _generic("second", "Airflow") for r in generic)


def _generic(round_: str, skill: str) -> set[str]:
    lines = prompts.load("interviewer")[round_]["objection"]
    return {line.replace("{skill}", skill) for line in lines}


def test_the_generic_skill_objection_uses_the_scenario_skills() -> None:
    sc = Scenario("x", skills=("Snowflake", "dbt"))
    replies = {s.reply for s in scripts(sc, "first")}
    assert any("Snowflake" in r for r in replies) and any("dbt" in r for r in replies)
    assert not any("Kubernetes" in r or "B2B sales" in r for r in replies)


def test_same_seed_same_lines_and_again_repeats_the_scenario() -> None:
    setup = DrillSetup("second", False, 17, ACME)
    assert pick_script(setup) == pick_script(DrillSetup("second", False, 17, ACME))
    assert next_setup(setup, "again", 99, cycle=True) is setup
    nxt = next_setup(setup, "next", 99, cycle=True)
    assert nxt.scenario is ACME and nxt.round == "final" and nxt.seed == 99
    hard = next_setup(setup, "harder", 5, cycle=False)
    assert hard.scenario is ACME and hard.objections_only and hard.round == "final"
    assert len({pick_script(DrillSetup("second", True, s, ACME)).reply for s in SEEDS}) > 3


def _kinds() -> list[dict]:
    return prompts.load("weak_spots")["kinds"]


@pytest.mark.parametrize("kind", _kinds(), ids=[k["name"] for k in _kinds()])
def test_every_kind_words_its_own_example(kind: dict) -> None:
    worded = word_weak_spot(kind["example"])
    assert worded.kind == kind["name"]
    assert kind["says"] in worded.options


@pytest.mark.parametrize(("spot", "kind", "said"), [
    ("no production Kubernetes", "skill", "You haven't worked with Kubernetes in production, "
                                          "have you?"),
    ("No production k8s", "skill", "You haven't worked with k8s in production, have you?"),
    ("never used Terraform", "skill", "You don't have much experience with Terraform, do you?"),
    ("little experience with React Native", "skill", "React Native matters a lot here"),
    ("no commercial Python experience", "skill", "You haven't worked with Python commercially"),
    ("rusty SQL.", "skill", "I didn't hear much about SQL from you"),
    ("never worked in an ICU", "skill", "You don't have much experience with ICU, do you?"),
    ("lives 90 minutes away", "commute", "You'd be about 90 minutes away from the office"),
    ("a commute of an hour each way", "commute", "a commute of about an hour each way"),
    ("a two-year gap", "gap", "a gap of about two years on your CV"),
    ("18 month career break", "gap", "out of work for about 18 months"),
    ("based in Leeds, would have to relocate", "relocation", "You're based in Leeds"),
    ("needs visa sponsorship", "visa", "visa sponsorship"),
    ("never managed a team", "leadership", "You haven't managed a team before"),
    ("overqualified", "senior", "overqualified"),
    ("only two years of experience", "junior", "You've got about two years of experience"),
    ("career change from teaching to UX", "industry", "Your background is in teaching"),
    ("no degree", "qualification", "The role asks for a degree"),
    ("no MBA", "qualification", "an MBA"),
    ("no ACLS", "qualification", "The role asks for ACLS, and I don't see it on your CV."),
    ("no bachelor's", "qualification", "a bachelor's degree"),
    ("never worked as an account executive", "new_role", "as an account executive"),
    ("my accent", "other", "I'm a little worried about your accent."),
    ("I talk too fast when I'm nervous", "other",
     "One thing worries me: you talk too fast when you're nervous."),
])
def test_weak_spots_are_worded_by_meaning(spot: str, kind: str, said: str) -> None:
    worded = word_weak_spot(spot)
    assert worded.kind == kind
    assert any(said in option for option in worded.options), worded.options
    assert all("{" not in o and "  " not in o and o[0].isupper() for o in worded.options)


def test_objection_for_is_one_seeded_choice() -> None:
    spot = "no experience with Kafka"
    picks = [objection_for(spot, random.Random(s)) for s in range(40)]
    assert picks == [objection_for(spot, random.Random(s)) for s in range(40)]
    assert set(picks) == set(word_weak_spot(spot).options) and len(set(picks)) > 1


# ---- the stronger close's added asks, worded for the scenario ------------------------------

def _close_lines(scenario: Scenario | None, round_: str) -> dict:
    from closer.scenario.lines import close_lines

    return close_lines(scenario, round_, prompts.load("model_lines")["scenario"])  # type: ignore[arg-type]


def test_the_added_asks_name_the_company_the_real_next_step_and_the_role() -> None:
    second = _close_lines(ACME, "second")
    assert second["next_step_line"] == (
        "What does the next step in Acme's interview process look like?")
    assert second["trial_close_line"].endswith(
        "passing me on to a system design interview with two senior engineers?")
    first = _close_lines(ACME, "first")  # the file's next step is the second round's
    assert first["trial_close_line"] is None and "Acme's" in first["next_step_line"]
    final = _close_lines(ACME, "final")
    assert final["trial_close_line"].endswith("offering me the data engineer role?")
    assert "when do you expect Acme to make a decision" in final["next_step_line"]


@pytest.mark.parametrize("scenario", [
    None, Scenario("x"), Scenario("x", next_step="We'll call you on Friday.", round="first"),
    Scenario("x", role="nurse")], ids=["generic", "empty", "sentence", "role-only"])
def test_what_the_scenario_does_not_give_keeps_the_model_lines(scenario: Scenario | None) -> None:
    lines = _close_lines(scenario, "first")
    assert lines == {"next_step_line": None, "trial_close_line": None}


def test_every_example_scenario_worded_close_passes_all_checks() -> None:
    """What the stronger close adds must itself pass, in every round, for every shipped example
    (a worded ask the rubric misses would teach the wrong thing)."""
    from closer.rubric import evaluate
    from closer.rubric.rewrite import stronger_close
    from closer.scenario.load import load_scenario_file
    from closer.types import Transcript

    files = sorted((prompts.prompts_dir() / "scenarios").glob("*.toml"))
    assert files
    for path in files:
        scenario = load_scenario_file(path)
        for round_ in ("first", "second", "final"):
            lines = _close_lines(scenario, round_)
            for said in ("Thanks for today.", "Um, sorry, I guess that's all from me."):
                better = stronger_close(said, evaluate(Transcript(said), round_), **lines)
                verdict = evaluate(Transcript(better), round_)
                assert verdict.passed and verdict.order_ok is not False, (path.name, better)
                assert all(line is None or line in better for line in lines.values())


def test_a_scenario_drill_words_the_stronger_close_for_it() -> None:
    from closer.drill.flow import run_drill
    from closer.report import result_json
    from drill_fakes import Rig, said

    setup = DrillSetup(round="second", seed=3, scenario=ACME)
    rig = Rig()
    deps = replace(rig.deps([said("Thanks, I enjoyed hearing about the platform."),
                             said("Thanks, that's fair.")]), result_json=result_json)
    r = run_drill(setup, pick_script(setup), deps)
    assert r.result is not None
    assert "Acme's interview process" in r.result["stronger_close"]
    assert "a system design interview with two senior engineers?" in r.result["stronger_close"]
