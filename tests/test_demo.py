"""`closer demo`: a whole round with nobody at the mic, run as the user runs it."""

from __future__ import annotations

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


@pytest.mark.model
def test_demo_runs_a_full_round_without_a_sound_card(tmp_path: Path) -> None:
    from closer.speech.tts import output_devices

    out_dir = tmp_path / "demo"
    start = time.monotonic()
    proc = subprocess.run([CLOSER, "demo", "--round", "final", "--out-dir", str(out_dir)],
                          capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    wrap_up = prompts.load("interviewer")["final"]["wrap_up"][0]
    close = prompts.load("demo")["final"]["close"]
    assert f"Interviewer: {wrap_up}" in out
    assert f"Candidate (synthesized): {close}" in out
    assert re.search(r"^Heard \(final round\): (PASS|FAIL), score \d+/100$", out, re.M), out
    assert re.search(r'\[pass\] trial close\n\s+heard: ".*offer', out), out
    assert "Audio saved to" not in out  # pyttsx3's own chatter stays out
    assert elapsed < 60, f"demo took {elapsed:.1f} s"
    if output_devices() is not None:
        return  # it played on the speakers instead of writing files
    paths = [Path(p) for p in re.findall(r"\(no speakers: saved (.+\.wav)\)", out)]
    assert len(paths) == 3, out  # wrap-up line, candidate close, spoken verdict
    assert all(p.parent == out_dir for p in paths)
    for path in paths:
        with wave.open(str(path)) as wav:
            assert wav.getnframes() / wav.getframerate() > 1.0
