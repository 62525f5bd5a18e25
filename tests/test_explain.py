"""Explanations: the steps the checks record while they decide, their plain words, and
`closer score --explain` (human lines and the "explain" key of --json)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest

from closer import cli
from closer.audio.decode import write_wav
from closer.rubric import evaluate, explain, next_step, tone, trial_close, verdict
from closer.rubric.explain import (
    CONTEXT,
    EVIDENCE,
    GATE,
    LIFT,
    MARKER,
    NEED,
    RESULT,
    ROLES,
    VETO,
    Step,
    Trace,
)
from closer.types import Delivery, Transcript, Word

RUBRIC = Path(explain.__file__).parent
DATA = Path(__file__).parent / "data"
NEXT_STEP_CLOSE = "What does the next step in the interview process look like?"
TRIAL_CLOSE = ("Is there any reason why you wouldn't feel comfortable passing me on to the next "
               "round?")
GOOD = f"{NEXT_STEP_CLOSE} {TRIAL_CLOSE}"


def _traced(text: str, round: str = "first", **kw) -> tuple[object, Trace]:
    trace = Trace()
    return evaluate(Transcript(text), round, trace=trace, **kw), trace


def _fired(steps: list[Step]) -> list[tuple[str, str]]:
    return [(s.concept, s.role) for s in steps if s.fired]


# --- the trace, close by close ---------------------------------------------------------------

def test_a_next_step_question_records_ask_forward_and_process():
    verdict, trace = _traced(NEXT_STEP_CLOSE)
    steps = trace.checks[(0, "next_step")]
    assert _fired(steps) == [("asks", GATE), ("ns_forward", EVIDENCE), ("ns_process", EVIDENCE),
                             ("ns_about_process", NEED), ("next_step", RESULT)]
    assert verdict.checks["next_step"].passed
    assert explain.line(steps) == ('asks | forward in time "next" | about the hiring process '
                                   '"step" -> next-step question')


def test_a_next_step_about_a_product_is_vetoed():
    verdict, trace = _traced("What are the next steps for the product launch?")
    steps = trace.checks[(0, "next_step")]
    fired = _fired(steps)
    assert ("ns_forward", EVIDENCE) in fired and ("ns_veto", VETO) in fired
    assert ("ns_hiring", LIFT) not in fired
    assert steps[-1] == Step("next_step", False, RESULT)
    assert not verdict.checks["next_step"].passed
    line = explain.line(steps)
    assert line.startswith('asks | forward in time "next"')
    assert '"product" (veto)' in line and line.endswith("-> not a next-step question")


def test_a_statement_of_the_next_steps_does_not_ask():
    verdict, trace = _traced("I look forward to the next steps.")
    steps = trace.checks[(0, "next_step")]
    assert steps == [Step("asks", False, GATE), Step("next_step", False, RESULT)]
    assert explain.line(steps) == "does not ask -> not a next-step question"
    assert not verdict.checks["next_step"].passed


def test_a_follow_up_ask_reads_the_stage_named_before():
    _, trace = _traced("Would you be comfortable passing me on to the final round? When is that?")
    steps = trace.checks[(1, "next_step")]
    assert _fired(steps)[-3:] == [("ns_names_stage", CONTEXT), ("ns_followup", GATE),
                                  ("next_step", RESULT)]
    assert "the clause before: names a stage of the hiring" in explain.line(steps)


def test_a_trial_close_records_the_advancement_and_the_objection_it_invites():
    verdict, trace = _traced(TRIAL_CLOSE)
    steps = trace.checks[(0, "trial_close")]
    fired = [c for c, _ in _fired(steps)]
    assert {"asks", "tc_direction_pair", "tc_candidate", "tc_reservation"} <= set(fired)
    assert steps[-1] == Step("trial_close", True, RESULT)
    assert verdict.checks["trial_close"].passed
    line = explain.line(steps)
    assert "asks to move me on to the next stage" in line and "invites an objection" in line
    assert line.endswith("-> trial close")


def test_the_trial_close_veto_and_what_lifts_it():
    _, trace = _traced("Is there anything about the salary that worries you?")
    assert ("tc_veto", VETO) in _fired(trace.checks[(0, "trial_close")])
    assert trace.checks[(0, "trial_close")][-1] == Step("trial_close", False, RESULT)
    _, trace = _traced("Is there any concern about the team that would stop you from moving me "
                       "forward?")
    steps = trace.checks[(0, "trial_close")]
    assert ("tc_veto", VETO) in _fired(steps) and ("tc_advance_lifts", LIFT) in _fired(steps)
    assert "but about my advancement (lifts the veto)" in explain.line(steps)
    assert steps[-1] == Step("trial_close", True, RESULT)


def test_an_agreement_tag_reads_the_judgement_before_it():
    _, trace = _traced("I think I'm a fantastic fit for this role. Do you agree?")
    steps = trace.checks[(1, "trial_close")]
    assert _fired(steps)[-4:] == [("agreement_tags", EVIDENCE), ("tag_short", GATE),
                                  ("tc_judgement", CONTEXT), ("trial_close", RESULT)]


def test_a_next_round_only_close_is_not_enough_in_the_final_round():
    verdict, trace = _traced(TRIAL_CLOSE, "final")
    steps = trace.checks[(0, "trial_close")]
    assert [s for s in steps if s.role == RESULT] == [
        Step("trial_close", True, RESULT), Step("trial_close_final_round", False, RESULT)]
    assert ("final_round_next_round", VETO) in _fired(steps)
    assert explain.line(steps).endswith(
        "asks for the next round only, in the final round (veto) -> not enough in the final round")
    assert not verdict.checks["trial_close"].passed
    # the first round takes the same close
    assert _traced(TRIAL_CLOSE, "first")[0].checks["trial_close"].passed


def test_tone_markers_that_cluster():
    verdict, trace = _traced("Um, sorry, I guess I just wanted to say, like, thanks for your time.")
    markers = {s.concept: s.heard for s in trace.tone if s.fired and s.role == MARKER}
    assert markers["fillers"] == "um, like" and markers["apologies"] == "sorry"
    assert "i guess" in markers["hedges"]
    assert Step("tone_cluster", True, GATE) in trace.tone
    assert trace.tone[-1] == Step("confident_tone", False, RESULT)
    assert not verdict.checks["confident_tone"].passed
    assert "more than one marker: they cluster -> not a confident tone" in explain.line(trace.tone)


def test_one_marker_does_not_cluster():
    _, trace = _traced("Maybe we could talk about the next steps?")
    assert _fired(trace.tone) == [("hedges", MARKER), ("confident_tone", RESULT)]
    assert explain.line(trace.tone) == ('hedges "maybe" | at most one marker: no cluster -> '
                                        "confident tone")


def test_delivery_markers_are_recorded():
    slow = Delivery(duration_s=20.0, speech_s=18.0, words_per_minute=60.0, filler_count=0,
                    longest_pause_s=4.0)
    trace = Trace()
    evaluate(Transcript(GOOD), "first", slow, trace=trace)
    delivery = next(s for s in trace.tone if s.concept == "delivery")
    assert delivery.fired and "60 wpm" in delivery.heard and "4.0 s" in delivery.heard


def test_a_semantic_layer_pass_is_recorded_on_its_clause():
    text = "Thanks for today. Is there anything else I should know?"

    def fake(cl, round, rules):
        assert rules == {"next_step": False, "trial_close": False, "confident_tone": True}
        return {"next_step": 1}

    verdict, trace = _traced(text, fallback=fake)
    steps = trace.checks[(1, "next_step")]
    assert steps[-2:] == [Step("semantic_next_step", True, EVIDENCE),
                          Step("next_step", True, RESULT)]
    assert Step("next_step", False, RESULT) in steps  # the rules' own answer comes first
    assert trace.semantic == {"next_step": 1}
    assert verdict.checks["next_step"].passed
    assert explain.line(steps).endswith(
        "; similar in meaning to next-step questions (semantic layer) -> next-step question")
    assert explain.describe(trace)["semantic"] == {"consulted": True, "added": {"next_step": 1}}


def test_without_a_fallback_the_semantic_layer_is_not_consulted():
    _, trace = _traced("Is there anything else I should know?")
    assert trace.semantic is None


def test_an_empty_close():
    _, trace = _traced("   ")
    assert trace.clauses == [] and trace.checks == {}
    assert explain.line(trace.tone) == "nothing was said (veto) -> not a confident tone"


def test_clauses_after_the_decision_are_not_looked_at():
    # the next step passes at the first clause, an offer-aimed trial close at the second
    _, trace = _traced(f"{NEXT_STEP_CLOSE} Would you be comfortable offering me the role? "
                       "Thanks again.")
    assert (1, "next_step") not in trace.checks and (1, "trial_close") in trace.checks
    last = len(trace.clauses) - 1
    assert trace.clauses[last].raw == "Thanks again."
    assert (last, "next_step") not in trace.checks and (last, "trial_close") not in trace.checks
    assert explain.describe(trace)["clauses"][last]["checks"] == {}


def test_the_check_functions_record_only_when_given_steps():
    from closer.rubric.text import clauses

    cl = clauses(TRIAL_CLOSE)
    steps: list[Step] = []
    assert trial_close.is_close(cl[0], None, steps) is trial_close.is_close(cl[0], None)
    assert steps and steps[0] == Step("asks", True, GATE)
    steps = []
    assert next_step.is_next_step(cl[0], None, steps) is next_step.is_next_step(cl[0])
    assert Step("ns_trial_close", True, VETO) in steps
    steps = []
    assert tone.assess("um, sorry", None, None, steps) == tone.assess("um, sorry")
    assert steps[-1] == Step("confident_tone", False, RESULT)


# --- the trace never changes a decision, and every concept has plain words ---------------------

def _labelled() -> list[dict]:
    files = sorted(DATA.glob("closes*.jsonl")) + sorted((DATA / "unseen").glob("closes*.jsonl"))
    return [json.loads(line) for f in files for line in f.read_text().splitlines()
            if line.strip()]


@pytest.fixture(scope="module")
def corpus_traces() -> list[Trace]:
    """Every labelled close, traced (rules only); its verdict equals the untraced one."""
    traces = []
    for row in _labelled()[::2]:
        trace = Trace()
        assert (evaluate(Transcript(row["text"]), row["round"], trace=trace)
                == evaluate(Transcript(row["text"]), row["round"])), row["id"]
        traces.append(trace)
    return traces


# Recording calls whose concept is not a literal: the values it can take, by file and argument.
_DYNAMIC = {
    ("next_step.py", "name"): next_step.STRONG_VETOES,
    ("trial_close.py", "name"): trial_close._ADVANCE,
    ("tone.py", "name"): (*tone.MARKER_LISTS, "delivery"),
    ("tone.py", "kind"): tone.HESITANCY_KINDS,
    ("verdict.py", "f'semantic_{check}'"): ("semantic_next_step", "semantic_trial_close"),
    ("verdict.py", "check"): ("next_step", "trial_close"),
    ("verdict.py", "f'semantic_{kind}'"): tuple(f"semantic_{k}" for k in verdict.HESITANCY_TIPS),
}
_ROLE_NAMES = {"GATE": GATE, "NEED": NEED, "EVIDENCE": EVIDENCE, "VETO": VETO, "LIFT": LIFT,
               "CONTEXT": CONTEXT, "MARKER": MARKER, "RESULT": RESULT}


def _recordable() -> set[tuple[str, str]]:
    """(concept, role) of every `explain.has`/`explain.note` call in the rubric's checks; a role
    passed through a parameter (`role`) may be evidence or context."""
    out: set[tuple[str, str]] = set()
    for path in sorted(RUBRIC.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "explain"
                    and node.func.attr in ("has", "note")):
                continue
            concept, role = node.args[1], ast.unparse(node.args[3])
            roles = [_ROLE_NAMES[role]] if role in _ROLE_NAMES else [EVIDENCE, CONTEXT]
            if isinstance(concept, ast.Constant):
                names = (concept.value,)
            else:
                key = (path.name, ast.unparse(concept))
                assert key in _DYNAMIC, f"{key}: add the concepts it records to _DYNAMIC"
                names = _DYNAMIC[key]
            out |= {(n, r) for n in names for r in roles}
    return out


def test_every_concept_a_check_can_record_has_plain_words():
    table = explain.table()
    recordable = _recordable()
    assert {"asks", "ns_veto", "tc_reservation", "fillers", "next_step"} <= {c for c, _ in
                                                                             recordable}
    missing = sorted({c for c, _ in recordable} - set(table["words"]))
    assert not missing, f"prompts/explain.toml [words] lacks {missing}"
    shown_absent = {c for c, r in recordable if r in (GATE, NEED, RESULT)}
    missing = sorted(shown_absent - set(table["absent"]))
    assert not missing, f"prompts/explain.toml [absent] lacks {missing}"
    assert set(table["roles"]) == set(ROLES)
    stale = sorted(set(table["words"]) - {c for c, _ in recordable})
    assert not stale, f"prompts/explain.toml has words for concepts nothing records: {stale}"


def test_the_corpus_records_only_known_concepts_and_decides_the_same(corpus_traces):
    recordable = _recordable()
    seen = {(s.concept, s.role) for t in corpus_traces
            for steps in [*t.checks.values(), t.tone] for s in steps}
    assert seen <= recordable, sorted(seen - recordable)
    for t in corpus_traces[:200]:
        explain.describe(t)  # every step has words


# --- closer score --explain -------------------------------------------------------------------

@pytest.fixture
def rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSER_SEMANTIC", "0")


@pytest.fixture
def close_file(tmp_path: Path) -> Path:
    path = tmp_path / "close.txt"
    path.write_text(GOOD + "\n", encoding="utf-8")
    return path


def test_human_output_says_why_clause_by_clause(capsys, rules_only, close_file):
    assert cli.main(["score", "--explain", str(close_file)]) == 0
    out = capsys.readouterr().out
    assert "  why:\n" in out
    assert f'    1. "{NEXT_STEP_CLOSE}"' in out
    assert ('       next-step question: asks | forward in time "next" | about the hiring process'
            in out)
    assert "-> trial close" in out
    assert "    confident tone: at most one marker: no cluster -> confident tone" in out
    assert cli.main(["score", str(close_file)]) == 0
    assert "why:" not in capsys.readouterr().out


def test_human_output_from_stdin(capsys, monkeypatch, rules_only):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(
        b"I look forward to the next steps.")))
    assert cli.main(["score", "--explain", "-"]) == 1
    assert "next-step question: does not ask -> not a next-step question" in (
        capsys.readouterr().out)


def test_json_explain_is_opt_in_and_only_adds_a_key(capsys, rules_only, close_file):
    assert cli.main(["score", "--json", str(close_file)]) == 0
    plain = capsys.readouterr().out
    assert "explain" not in json.loads(plain)
    assert cli.main(["score", "--json", "--explain", str(close_file)]) == 0
    row = json.loads(capsys.readouterr().out)
    why = row.pop("explain")
    assert json.dumps(row, ensure_ascii=False) + "\n" == plain  # byte for byte without the key
    assert list(why) == ["clauses", "tone", "semantic"]
    assert why["semantic"] == {"consulted": False, "added": {}}
    assert [c["index"] for c in why["clauses"]] == list(range(len(why["clauses"])))
    for clause in why["clauses"]:
        assert list(clause) == ["index", "text", "asks", "checks"]
        assert set(clause["checks"]) <= {"next_step", "trial_close"}
        for decision in clause["checks"].values():
            _assert_decision(decision)
    _assert_decision(why["tone"])
    first = why["clauses"][0]["checks"]["next_step"]
    assert first["result"] is True and first["line"].endswith("-> next-step question")
    assert {"concept": "ns_forward", "fired": True, "role": "evidence",
            "words": "forward in time", "heard": "next"} in first["steps"]


def _assert_decision(decision: dict) -> None:
    assert list(decision) == ["steps", "result", "line"]
    assert decision["result"] in (True, False)
    assert isinstance(decision["line"], str) and " -> " in f" {decision['line']}"
    for step in decision["steps"]:
        assert list(step) == ["concept", "fired", "role", "words", "heard"]
        assert step["role"] in ROLES and isinstance(step["words"], str)


def test_audio_is_explained_from_its_transcript(capsys, monkeypatch, rules_only, tmp_path):
    words = tuple(Word(w, 0.5 + i * 0.3, 0.7 + i * 0.3) for i, w in enumerate(GOOD.split()))

    class Fake:
        def transcribe(self, audio: np.ndarray) -> Transcript:
            return Transcript(GOOD, words, duration_s=15.0)

    monkeypatch.setattr("closer.speech.transcriber.load_transcriber", lambda settings: Fake())
    wav = tmp_path / "close.wav"
    write_wav(wav, 0.1 * np.sin(np.arange(16000) / 5.0).astype(np.float32))
    assert cli.main(["score", "--json", "--explain", str(wav)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["delivery"] is not None
    assert row["explain"]["clauses"][0]["text"] == NEXT_STEP_CLOSE
    assert any(s["concept"] == "delivery" for s in row["explain"]["tone"]["steps"])
