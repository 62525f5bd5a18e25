"""`closer demo`: a whole round with nobody at the mic, run as the user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import wave
from pathlib import Path
from types import SimpleNamespace

import pytest

from closer import prompts
from closer.commands.demo import spoken_summary
from closer.types import ROUNDS, Transcript

CLOSER = str(Path(sys.executable).with_name("closer"))


@pytest.mark.parametrize("round_", ROUNDS)
def test_sample_close_is_a_good_close_for_its_round(round_: str) -> None:
    from closer.rubric import evaluate
    from closer.rubric.semantic.hook import fallback_from_env

    verdict = evaluate(Transcript(text=prompts.load("demo")[round_]["close"]), round_, None,
                       fallback_from_env({}))
    assert verdict.passed, verdict.checks


def _verdict(*passed: bool, tips: tuple[str | None, ...] = ()) -> SimpleNamespace:
    tips = tips or (None,) * len(passed)
    pairs = enumerate(zip(passed, tips, strict=True))
    checks = {f"c{i}": SimpleNamespace(passed=p, tip=t) for i, (p, t) in pairs}
    return SimpleNamespace(checks=checks)


def test_spoken_summary_says_the_score_and_the_first_tip() -> None:
    lines = prompts.load("demo")["spoken"]
    assert spoken_summary(_verdict(True, True, True), lines) == \
        "Your close passed all 3 checks. Well done."
    said = spoken_summary(_verdict(True, False, False, tips=(None, "Ask for the job.", "Slow")),
                          lines)
    assert said == "Your close passed 1 of 3 checks. Ask for the job."


def _run_demo(out_dir: Path, env: dict[str, str] | None = None,
              *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLOSER, "demo", "--round", "final", "--out-dir", str(out_dir), *extra],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.model
def test_demo_runs_a_full_round_without_a_sound_card(tmp_path: Path) -> None:
    from closer.audio.playback import output_devices

    out_dir = tmp_path / "demo"
    start = time.monotonic()
    proc = _run_demo(out_dir, {**os.environ, "CLOSER_VOICE_CACHE": str(tmp_path / "voices")})
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    wrap_up = prompts.load("interviewer")["final"]["wrap_up"][0]
    close = prompts.load("demo")["final"]["close"]
    # each line names the voice that spoke it: Piper's joe, and a voice told apart from it
    assert f"Interviewer (piper:en_US-joe-medium): {wrap_up}" in out
    assert f"Candidate (synthesized, espeak:gmw/en-gb-x-rp): {close}" in out
    assert re.search(r"^Interviewer \(piper:en_US-joe-medium\): Your close passed", out, re.M)
    assert re.search(r"^Heard \(final round\): (PASS|FAIL), score \d+/100$", out, re.M), out
    assert re.search(r'\[pass\] trial close\n\s+heard: ".*offer', out), out
    assert "Audio saved to" not in out  # pyttsx3's own chatter stays out
    assert proc.stderr == ""  # Piper loaded: nothing to say about a fallback
    assert elapsed < 60, f"demo took {elapsed:.1f} s"
    if output_devices() is not None:
        return  # it played on the speakers instead of writing files
    paths = [Path(p) for p in re.findall(r"\(no speakers: saved (.+\.wav)\)", out)]
    assert len(paths) == 3, out  # wrap-up line, candidate close, spoken verdict
    assert all(p.parent == out_dir for p in paths)
    for path in paths:
        with wave.open(str(path)) as wav:
            assert wav.getnframes() / wav.getframerate() > 1.0


@pytest.mark.model
def test_demo_with_piper_unloadable_speaks_with_espeak_and_says_so(tmp_path: Path) -> None:
    """A `piper` package that fails to import stands in for a broken install."""
    shadow = tmp_path / "shadow" / "piper"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("piper is broken here")\n')
    env = {**os.environ, "PYTHONPATH": str(shadow.parent), "CLOSER_VOICE_CACHE": "off"}
    proc = _run_demo(tmp_path / "demo", env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr  # one line says so, nothing else
    assert "Piper cannot load" in lines[0] and "espeak-ng" in lines[0]
    # the interviewer now speaks with espeak-ng's own voice; the candidate keeps another one
    interviewer = re.search(r"^Interviewer \((espeak:[^)]+)\): ", proc.stdout, re.M)
    candidate = re.search(r"^Candidate \(synthesized, ([^)]+)\): ", proc.stdout, re.M)
    assert interviewer and candidate, proc.stdout
    assert interviewer.group(1) != candidate.group(1)


def test_the_candidate_voice_is_never_the_interviewers() -> None:
    from closer.commands.demo import candidate_voice
    from closer.speech import voices

    joe = voices.resolve(None)
    rp = voices.resolve("gmw/en-gb-x-rp")
    assert candidate_voice("gmw/en-gb-x-rp", joe).label == "espeak:gmw/en-gb-x-rp"
    assert candidate_voice("gmw/en-gb-x-rp", rp).label == joe.label  # --voice rp: joe answers
