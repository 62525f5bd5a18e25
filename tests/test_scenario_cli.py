"""`closer drill|rehearse --scenario FILE | --job JOB [--resume CV]` end to end with the fakes of
tests/test_drill_cli.py (no sound card, no model; the real rubric scores): the interviewer's
lines come from the scenario, --round wins over the file's round, the result and history carry
the scenario, and a bad file is one sentence before any device opens."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import closer.commands.drill as drill_cmd
from closer.cli import main
from closer.drill.script import DrillSetup, new_seed, pick_script
from closer.scenario import load_scenario_file
from drill_fakes import said
from test_drill_cli import NS, TC, json_lines, rig  # noqa: F401  (rig is a fixture)

DATA = Path(__file__).parent / "data" / "scenario"
SCENARIO = """company = "Acme Analytics"
role = "data engineer"
round = "second"
next_step = "a system design interview with two senior engineers"
interviewer = { name = "Dana Whitfield", title = "Head of Data" }
weak_spots = ["no production Kubernetes"]
"""
ANSWER = ("I ran our EKS clusters in staging and I've done the CKA. Does that address your "
          "concern, and is there anything else that would keep you from moving me forward?")


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.toml"
    path.write_text(SCENARIO)
    return path


def _objection_seed(path: Path, round_: str) -> tuple[int, object]:
    """A session seed whose first drill raises an objection, and that drill's script."""
    scenario = load_scenario_file(path)
    for seed in range(200):
        script = pick_script(DrillSetup(round_, False, new_seed(random.Random(seed)), scenario))  # type: ignore[arg-type]
        if script.reply_kind == "objection" and "Kubernetes" in script.reply:
            return seed, script
    raise AssertionError("no seed raises the weak-spot objection")


def test_a_scenario_drill_speaks_the_scenario_and_saves_it(rig, capsys, scenario_file):  # noqa: F811
    seed, script = _objection_seed(scenario_file, "second")
    rig.answers[:] = [said(NS), said(TC), said(ANSWER)]
    assert main(["drill", "--json", "--seed", str(seed), "--scenario", str(scenario_file)]) == 0
    events = json_lines(capsys.readouterr().out)
    lines = [e["text"] for e in events if e["event"] == "say"]
    assert lines[0].startswith(("I'm Dana Whitfield", "Thanks for coming in"))
    assert "data engineer role at Acme Analytics" in lines[0]
    assert "a system design interview with two senior engineers." in lines[1]  # the real one
    assert "Kubernetes in production" in lines[2]
    result = events[-1]
    assert result["scenario"] == "data engineer at Acme Analytics" and result["round"] == "second"
    assert result["objection_handling"]["passed"] is True
    assert result["objection_handling"]["line"] == script.reply
    saved = rig.history.added[0]
    assert saved["scenario"] == "data engineer at Acme Analytics" and saved["round"] == "second"
    assert saved["objection"] == script.reply


def test_round_on_the_command_line_wins_over_the_file(rig, capsys, scenario_file):  # noqa: F811
    rig.answers[:] = [said(NS), said("How big is the team?")]
    assert main(["drill", "--json", "--seed", "1", "--round", "final",
                 "--scenario", str(scenario_file)]) == 0
    events = json_lines(capsys.readouterr().out)
    assert events[-1]["round"] == "final" and rig.history.added[0]["round"] == "final"
    # the file's next_step follows the file's round: the final round answers generically
    assert all("system design" not in e["text"] for e in events if e["event"] == "say")


def test_a_generic_drill_has_no_scenario(rig, capsys):  # noqa: F811
    rig.answers[:] = [said("How big is the team?")]
    assert main(["drill", "--json", "--once", "--seed", "2"]) == 0
    result = next(e for e in json_lines(capsys.readouterr().out) if e["event"] == "result")
    assert result["scenario"] is None and rig.history.added[0]["scenario"] is None


def test_job_and_resume_make_the_scenario(rig, capsys):  # noqa: F811
    rig.answers[:] = [said("How big is the team?")]
    assert main(["drill", "--json", "--once", "--seed", "2",
                 "--job", str(DATA / "job_icu_nurse.txt"),
                 "--resume", str(DATA / "resume_icu_nurse.txt")]) == 0
    events = json_lines(capsys.readouterr().out)
    assert "the Registered Nurse role at St. Brigid's Hospital" in events[0]["text"]
    result = next(e for e in events if e["event"] == "result")
    assert result["scenario"] == "Registered Nurse at St. Brigid's Hospital"


def test_rehearse_keeps_to_the_scenario_round(rig, capsys, scenario_file):  # noqa: F811
    rig.answers[:] = [said("How big is the team?"), said("What tools?"), said("What budget?")]
    assert main(["rehearse", "--reps", "3", "--json", "--seed", "7",
                 "--scenario", str(scenario_file)]) == 0
    events = json_lines(capsys.readouterr().out)
    assert [e["round"] for e in events if e["event"] == "result"] == ["second"] * 3
    assert {a["scenario"] for a in rig.history.added} == {"data engineer at Acme Analytics"}


def test_rehearse_cycles_when_the_scenario_has_no_round(rig, capsys, tmp_path):  # noqa: F811
    path = tmp_path / "any.toml"
    path.write_text('company = "Acme"\n')
    rig.answers[:] = [said("How big is the team?"), said("What tools?"), said("What budget?")]
    assert main(["rehearse", "--reps", "3", "--json", "--seed", "7", "--scenario", str(path)]) == 0
    events = json_lines(capsys.readouterr().out)
    assert [e["round"] for e in events if e["event"] == "result"] == ["first", "second", "final"]


@pytest.mark.parametrize(("args", "expected"), [
    (["--scenario", "{tmp}/bad.toml"], "bad.toml line 2: round must be first, second or final, "
                                       'not "third".'),
    (["--scenario", "{tmp}/nope.toml"], "The scenario file {tmp}/nope.toml does not exist."),
    (["--scenario", "{tmp}/bad.toml", "--job", "{data}/job_icu_nurse.txt"],
     "Give --scenario FILE.toml or --job JOB.txt, not both"),
    (["--resume", "{data}/resume_icu_nurse.txt"], "--resume is read against a job ad"),
    (["--job", "{tmp}/bad.toml", "--resume", "{tmp}/cv.doc"], "is an old Word document"),
])
@pytest.mark.parametrize("command", ["drill", "rehearse"])
def test_a_bad_scenario_is_one_sentence_before_any_device(
        monkeypatch, capsys, tmp_path, command, args, expected):
    (tmp_path / "bad.toml").write_text('company = "Acme"\nround = "third"\n')
    (tmp_path / "cv.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    opened = []
    monkeypatch.setattr(drill_cmd, "make_microphone", lambda device: opened.append(device))
    argv = [a.format(tmp=tmp_path, data=DATA) for a in args]
    assert main([command, "--json", *argv]) == 2
    captured = capsys.readouterr()
    assert opened == [] and captured.out == ""
    err = captured.err.strip()
    assert err.startswith("closer: ") and expected.format(tmp=tmp_path) in err
    assert len(err.splitlines()) == 1
