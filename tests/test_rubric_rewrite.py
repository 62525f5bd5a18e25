"""The stronger close (closer.rubric.rewrite): the candidate's own words that worked, cleaned, in
the seeds' order, with what was missing added.

Two properties over every labelled close (tests/data/closes*.jsonl and tests/data/unseen/*.jsonl),
each close's verdict taken as a user gets it (rules and the shipped semantic fallback):
(a) the stronger close passes all three checks, by the rules alone, for that close's round, with
the next-step question first; (b) it keeps at least half of the original's content words when the
original asked anything (`rewrite.content_words`, `rewrite.asked_anything`). Then the cleaning,
the order and the round, one behaviour a test.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path

import pytest

from closer.rubric import evaluate, lexicon, rewrite
from closer.rubric.rewrite import stronger_close
from closer.types import Transcript, Verdict
from rubric_helpers import SHIPPED, prime_corpus_embeddings, shipped_verdict

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("closes*.jsonl")) + sorted((DATA / "unseen").glob("*.jsonl"))


@functools.cache
def corpus() -> tuple[dict, ...]:
    rows = [json.loads(line) for f in FILES for line in f.read_text().splitlines() if line.strip()]
    return tuple(rows)


@functools.cache
def rewrites() -> tuple[tuple[dict, Verdict, str], ...]:
    """Every labelled close, its verdict as shipped and its stronger close."""
    prime_corpus_embeddings()
    out = []
    for row in corpus():
        verdict = shipped_verdict(row["text"], row["round"])
        out.append((row, verdict, stronger_close(row["text"], verdict)))
    return tuple(out)


def test_the_corpus_is_all_there() -> None:
    assert len(corpus()) >= 3000
    assert {p.parent.name for p in FILES} == {"data", "unseen"}


def test_every_stronger_close_passes_all_three_checks_in_order() -> None:
    failing = []
    for row, _, better in rewrites():
        v = evaluate(Transcript(better), row["round"])  # the rules alone
        if not v.passed or v.order_ok is False:
            failed = [c for c, r in v.checks.items() if not r.passed] or ["order"]
            failing.append(f"{row['id']} ({row['round']}) {failed}: {better!r}")
    assert not failing, f"{len(failing)} stronger closes fail:\n" + "\n".join(failing[:30])


def test_every_stronger_close_keeps_half_the_words_of_a_close_that_asked() -> None:
    asked = [(row, better) for row, _, better in rewrites() if rewrite.asked_anything(row["text"])]
    assert len(asked) >= 2000
    shares = [(row, better, rewrite.kept_share(row["text"], better)) for row, better in asked]
    short = [f"{row['id']} kept {share:.2f}: {row['text']!r} -> {better!r}"
             for row, better, share in shares if share < 0.5]
    assert not short, f"{len(short)} stronger closes keep too few words:\n" + "\n".join(short[:30])


def test_a_close_that_passes_comes_back_as_said_when_it_was_already_clean() -> None:
    kept = [(row, better) for row, v, better in rewrites()
            if v.passed and v.checks["confident_tone"].evidence is None and v.order_ok]
    assert len(kept) >= 100
    changed = [(row["id"], row["text"], better) for row, better in kept
               if rewrite.content_words(better) != rewrite.content_words(row["text"])]
    assert len(changed) <= len(kept) // 20, changed[:10]


# --- the cleaning, the order and the round ------------------------------------------------------

def better(text: str, round: str = "first", **lines: str) -> str:
    return stronger_close(text, evaluate(Transcript(text), round, fallback=SHIPPED), **lines)


def model(round: str, key: str) -> str:
    return str(lexicon.model_lines()[round][key])


def test_fillers_and_hedges_are_dropped_and_the_words_kept() -> None:
    out = better("Um, so, I guess what are the next steps? And, uh, is there maybe any reason you "
                 "wouldn't move me forward?")
    assert out == "What are the next steps? Is there any reason you wouldn't move me forward?"


def test_an_apology_and_permission_are_dropped() -> None:
    out = better("Sorry, if that's okay, what's the next step? Would you recommend me for the "
                 "panel, if you don't mind me asking?")
    assert out == "What's the next step? Would you recommend me for the panel?"


def test_self_deprecation_goes_with_its_clause() -> None:
    out = better("I know I'm not the strongest candidate. What happens next, and would you pass "
                 "me on?")
    assert "strongest" not in out and out.startswith("What happens next")
    assert evaluate(Transcript(out)).passed


def test_a_hesitant_sentence_goes_whole() -> None:
    out = better("What are the next steps? Would you move me forward? It's totally your call, of "
                 "course.", "second")
    assert out == "What are the next steps? Would you move me forward?"


def test_thanks_and_substance_stay_first_in_their_words() -> None:
    said = ("Thanks for showing me the lab, Ana. I loved the sequencing work. What are the next "
            "steps?")
    out = better(said)
    assert out.startswith("Thanks for showing me the lab, Ana. I loved the sequencing work. "
                          "What are the next steps? ")
    assert out.endswith(model("first", "trial_close"))


def test_the_next_step_question_comes_before_the_trial_close() -> None:
    out = better("Is there anything that would stop you moving me forward? And what happens "
                 "after today?")
    assert out == ("What happens after today? Is there anything that would stop you moving me "
                   "forward?")


def test_a_missing_next_step_question_is_added_before_the_trial_close() -> None:
    out = better("Would you be comfortable passing me on to the panel?")
    assert out == (f"{model('first', 'next_step')} Would you be comfortable passing me on to the "
                   "panel?")


def test_the_final_round_asks_for_the_offer_in_the_candidates_words() -> None:
    said = "What are the next steps? Would you be comfortable passing me on to the next round?"
    assert better(said, "second") == said
    out = better(said, "final")
    assert out == ("What are the next steps? Will there be a next round? Would you be "
                   "comfortable offering me the job?")
    assert evaluate(Transcript(out), "final").passed


def test_the_final_round_gets_the_offer_line_when_no_words_turn() -> None:
    out = better("What are the next steps? Is there anything more you need from me?", "final")
    assert out.endswith(model("final", "trial_close"))


@pytest.mark.parametrize(("said", "turned"), [
    ("would anything stop you from sending me to the next stage?",
     "would anything stop you from offering me the job?"),
    ("would you put me through to the next round", "would you offer me the job"),
    ("Can I count on moving to the next round?", "Can I count on an offer?"),
    ("Will you send me on to a round with the CEO as well?", "Will you offer me the job as well?"),
    ("anything that would keep me out of round two", "anything that would keep you from offering "
     "me the job"),
    ("what's the weather like", None),
])
def test_an_ask_for_another_round_is_turned_to_the_offer(said: str, turned: str | None) -> None:
    assert rewrite.to_the_offer(said) == turned


def test_the_other_round_is_asked_about_with_whom_it_is() -> None:
    said = "Are you going to bring me back to meet the trustees in a further round?"
    assert rewrite.to_the_offer(said) == "Are you going to offer me the job?"
    assert rewrite.round_questions(said) == ["Will there be a further round with the trustees?",
                                             "Will there be a further round?"]


def test_a_frame_stays_with_its_ask() -> None:
    out = better("Based on what we discussed, um, is there any reason you wouldn't pass me on? "
                 "What's next?")
    assert out == ("What's next? Based on what we discussed, is there any reason you wouldn't "
                   "pass me on?")


def test_a_request_left_by_a_dropped_hedge_is_asked_again() -> None:
    out = better("I was wondering if you could walk me through the next steps.")
    assert out.startswith("Could you walk me through the next steps? ")


def test_a_transcript_comes_back_as_sentences() -> None:
    out = better("um so what are the next steps and is there any reason you wouldnt move me "
                 "forward")
    assert out == "What are the next steps? Is there any reason you wouldnt move me forward?"


def test_nothing_said_gets_the_model_lines() -> None:
    assert better("", "second") == (f"{model('second', 'next_step')} "
                                    f"{model('second', 'trial_close')}")


def test_a_scenario_words_what_is_added() -> None:
    ns = "What does the next stage of the Acme interview process look like?"
    tc = "Is there any reason you wouldn't put me through to the Acme panel?"
    out = better("Thanks for today.", next_step_line=ns, trial_close_line=tc)
    assert out == f"Thanks for today. {ns} {tc}"


def test_a_scenario_line_that_does_not_pass_gives_way_to_the_model_line() -> None:
    out = better("Thanks for today.", trial_close_line="Cheers then.")
    assert out.endswith(model("first", "trial_close"))


def test_the_words_dropped_are_the_tone_checks_own_lists() -> None:
    from closer.rubric import tone, weak_words

    assert set(weak_words.WEAK_LISTS) == {*tone.MARKER_LISTS, "self_deprecation",
                                          *tone.HESITANCY_KINDS}
    assert set(weak_words.READ_LISTS) == {*weak_words.WEAK_LISTS, "sign_off"}


def test_content_words_leave_out_function_words_and_weak_language() -> None:
    assert rewrite.content_words("Um, sorry, I guess what are the next steps?") == {"next",
                                                                                 "steps"}
    assert rewrite.asked_anything("What are the next steps?")
    assert not rewrite.asked_anything("I look forward to the next steps.")
    assert rewrite.kept_share("I look forward to it.", "I look forward.") == 1.0


@pytest.mark.parametrize("round", ["first", "second", "final"])
def test_the_model_lines_pass_on_their_own(round: str) -> None:
    lines = f"{model(round, 'next_step')} {model(round, 'trial_close')}"
    v = evaluate(Transcript(lines), round)
    assert v.passed and v.order_ok


# --- where it is shown: closer score (JSON and human), the drill's result and verdict text -------

def test_score_json_and_human_output_carry_the_stronger_close(capsys, monkeypatch, tmp_path):
    from closer import cli

    monkeypatch.setenv("CLOSER_SEMANTIC", "0")
    said = "Um, sorry, what are the next steps?"
    (tmp_path / "close.txt").write_text(said, encoding="utf-8")
    expected = stronger_close(said, evaluate(Transcript(said)))
    assert expected.startswith("What are the next steps? ")
    assert cli.main(["score", "--json", str(tmp_path / "close.txt")]) == 1
    assert json.loads(capsys.readouterr().out)["stronger_close"] == expected
    assert cli.main(["score", str(tmp_path / "close.txt")]) == 1
    out = capsys.readouterr().out
    assert '  A stronger close: "What are the next steps?' in out
    assert " ".join(out.split()).endswith(f'A stronger close: "{expected}"')


def test_result_json_words_the_added_asks_for_a_scenario() -> None:
    from closer.report import result_json

    said = Transcript("Thanks for today.")
    v = evaluate(said)
    ns = "What does the next stage of the Acme interview process look like?"
    row = result_json(None, "first", said, v, None, next_step_line=ns)
    assert row["stronger_close"] == f"Thanks for today. {ns} {model('first', 'trial_close')}"


def test_the_drill_result_and_verdict_text_carry_the_stronger_close() -> None:
    from closer.drill.flow import run_drill
    from closer.drill.script import DrillSetup, pick_script
    from closer.report import result_json
    from drill_fakes import Rig, said

    setup = DrillSetup(round="second", seed=3)
    rig = Rig()
    deps = replace(rig.deps([said("Um, what happens after today?"), said("Thanks, that's fair.")]),
                   evaluate=lambda t, r, d=None: evaluate(t, r, d), result_json=result_json)
    texts: list[str] = []
    shown = rig.sink.result
    rig.sink.result = lambda result, text: (texts.append(text), shown(result, text))  # type: ignore
    r = run_drill(setup, pick_script(setup), deps)
    assert r.result is not None and r.verdict is not None
    better = r.result["stronger_close"]
    assert better == stronger_close(r.transcript.text, r.verdict)
    assert "What happens after today? " in better and "Um" not in better
    assert next(e for e in rig.sink.events if e["event"] == "result")["stronger_close"] == better
    assert texts and texts[-1].endswith(f'\nA stronger close: "{better}"')


def test_verdict_text_ends_with_the_stronger_close_only_when_there_is_one() -> None:
    from closer.drill.feedback import one_thing, verdict_text

    v = evaluate(Transcript("What happens next?"))
    thing = one_thing(v, None)
    plain = verdict_text("first", v, None, thing)
    assert "stronger close" not in plain
    text = verdict_text("first", v, None, thing, "What happens next? Would you pass me on?")
    assert text == plain + '\nA stronger close: "What happens next? Would you pass me on?"'
