"""`closer demo`: one complete round with nobody at the mic.

The interviewer's wrap-up line is spoken, a sample candidate close (prompts/demo.toml) is
synthesized, transcribed by the real model, scored, and the verdict printed and spoken. Without
speakers every utterance goes to a WAV file whose path is printed, so the demo runs anywhere.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

_LOGGER = logging.getLogger(__name__)


def spoken_summary(verdict: Any, lines: dict[str, str]) -> str:
    """What the demo says after the verdict: the score, and the first tip when a check failed."""
    total = len(verdict.checks)
    score = sum(1 for c in verdict.checks.values() if c.passed)
    if score == total:
        return lines["passed"].format(score=score, total=total)
    tip = next((c.tip for c in verdict.checks.values() if not c.passed and c.tip), "")
    return lines["failed"].format(score=score, total=total, tip=tip).strip()


def _default_out_dir() -> Path:
    import platformdirs

    out = Path(platformdirs.user_cache_dir("closer")) / "demo"
    for old in out.glob("[0-9][0-9]-*.wav"):  # the previous demo's files, not the user's
        old.unlink(missing_ok=True)
    return out


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from closer import prompts
    from closer.audio.decode import resample
    from closer.delivery import measure
    from closer.report import format_verdict
    from closer.rubric import evaluate
    from closer.rubric.semantic.hook import fallback_from_env
    from closer.settings import SAMPLE_RATE_HZ, TranscriberSettings, TtsSettings
    from closer.speech.transcriber import load_transcriber
    from closer.speech.tts import make_speaker, render

    started = time.monotonic()
    demo = prompts.load("demo")
    wrap_up = prompts.load("interviewer")[args.round]["wrap_up"][0]
    close = demo[args.round]["close"]
    out_dir = Path(args.out_dir) if args.out_dir else _default_out_dir()

    def saved(path: Path, _text: str) -> None:
        print(f"  (no speakers: saved {path})", flush=True)

    interviewer = make_speaker(TtsSettings(rate_wpm=args.rate, voice=args.voice),
                               args.output_device, out_dir, on_saved=saved)
    print(f"closer demo, {args.round} round, nobody at the mic.\n", flush=True)
    print(f"Interviewer: {wrap_up}", flush=True)
    interviewer.say(wrap_up)

    candidate = TtsSettings(rate_wpm=int(demo["candidate_rate_wpm"]), voice=demo["candidate_voice"])
    samples, rate = render(close, candidate)
    print(f"\nCandidate (synthesized): {close}", flush=True)
    interviewer.play(samples, rate, "candidate close")

    pad = np.zeros(int(float(demo["candidate_pad_s"]) * SAMPLE_RATE_HZ), dtype=np.float32)
    audio = np.concatenate([pad, resample(samples, rate, SAMPLE_RATE_HZ), pad])
    transcriber = load_transcriber(TranscriberSettings(model=args.model))
    transcript = transcriber.transcribe(audio)
    delivery = measure(audio, transcript)
    verdict = evaluate(transcript, args.round, delivery, fallback_from_env())
    print("\n" + format_verdict("Heard", transcript, verdict, delivery,
                                color=sys.stdout.isatty()), flush=True)
    interviewer.say(spoken_summary(verdict, demo["spoken"]))
    _LOGGER.info("demo took %.1f s", time.monotonic() - started)
    return 0
