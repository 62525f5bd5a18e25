"""`closer demo`: one complete round with nobody at the mic.

The interviewer's wrap-up line is spoken (Piper's joe by default), a sample candidate close
(prompts/demo.toml) is synthesized in a voice told apart from it (espeak-ng's RP voice), then
transcribed by the real model, scored, and the verdict printed and spoken. Each line names the
voice that spoke it. Without speakers every utterance goes to a WAV file whose path is printed,
so the demo runs anywhere.
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


def candidate_voice(wanted: str, interviewer: Any) -> Any:
    """The sample candidate's voice: demo.toml's, unless that is the interviewer's own; then
    another engine's, so the two can always be told apart."""
    from closer.speech import voices

    chosen = voices.resolve(wanted)
    if chosen.label != interviewer.label:
        return chosen
    if interviewer.engine == "espeak":
        joe = voices.default_piper()
        if joe is not None:
            return joe
        return voices.choose("gmw/en-us" if interviewer.id != "gmw/en-us" else "gmw/en",
                             voices.espeak_voices())
    return voices.choose("espeak", voices.espeak_voices())


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
    from closer.speech.tts import Speech, make_speaker

    started = time.monotonic()
    demo = prompts.load("demo")
    wrap_up = prompts.load("interviewer")[args.round]["wrap_up"][0]
    close = demo[args.round]["close"]
    out_dir = Path(args.out_dir) if args.out_dir else _default_out_dir()

    def saved(path: Path, _text: str) -> None:
        print(f"  (no speakers: saved {path})", flush=True)

    interviewer = make_speaker(TtsSettings(rate_wpm=args.rate, voice=args.voice),
                               args.output_device, out_dir, on_saved=saved)
    try:
        interviewer.speech.ready()  # Piper loaded, or espeak-ng chosen: name the voice truly
        voice = interviewer.speech.label
        print(f"closer demo, {args.round} round, nobody at the mic.\n", flush=True)
        print(f"Interviewer ({voice}): {wrap_up}", flush=True)
        interviewer.say(wrap_up)

        candidate = Speech(TtsSettings(rate_wpm=int(demo["candidate_rate_wpm"])),
                           candidate_voice(demo["candidate_voice"], interviewer.speech.voice),
                           cache=None)
        samples, rate = candidate.render(close)
        print(f"\nCandidate (synthesized, {candidate.label}): {close}", flush=True)
        interviewer.play(samples, rate, "candidate close")

        pad = np.zeros(int(float(demo["candidate_pad_s"]) * SAMPLE_RATE_HZ), dtype=np.float32)
        audio = np.concatenate([pad, resample(samples, rate, SAMPLE_RATE_HZ), pad])
        transcriber = load_transcriber(TranscriberSettings(model=args.model))
        transcript = transcriber.transcribe(audio)
        delivery = measure(audio, transcript)
        verdict = evaluate(transcript, args.round, delivery, fallback_from_env())
        print("\n" + format_verdict("Heard", transcript, verdict, delivery,
                                    color=sys.stdout.isatty()), flush=True)
        summary = spoken_summary(verdict, demo["spoken"])
        print(f"\nInterviewer ({interviewer.speech.label}): {summary}", flush=True)
        interviewer.say(summary)
    finally:
        interviewer.close()
    _LOGGER.info("demo took %.1f s", time.monotonic() - started)
    return 0
