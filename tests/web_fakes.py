"""Fakes for the page's server tests: a voice that renders tones, a transcriber that says what
the test scripted, a voice detector that hears energy. The rubric, listening, turn-taking, the
drill flow and the history are the real ones."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import numpy as np

from closer.settings import SAMPLE_RATE_HZ
from closer.types import Transcript
from closer.web.runner import DrillRun, Services, WebDrillOptions

CLOSE = ("What does the next step in the interview process look like? Based on what we've "
         "talked about today, is there any reason you wouldn't feel comfortable passing me on "
         "to the next round?")


class ToneSpeech:
    """`render(text)`: a short tone per line (no voice model)."""

    label = "fake:tone"

    def __init__(self, seconds: float = 0.3) -> None:
        self.seconds = seconds
        self.lines: list[str] = []

    def render(self, text: str) -> tuple[np.ndarray, int]:
        self.lines.append(text)
        t = np.arange(int(self.seconds * 22050)) / 22050
        return (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 22050


class ScriptTranscriber:
    """Any audio with energy in it 'says' `text`."""

    def __init__(self, text: str = CLOSE) -> None:
        self.text = text

    def transcribe(self, audio: np.ndarray) -> Transcript:
        audio = np.asarray(audio, dtype=np.float32)
        if not len(audio) or float(np.sqrt(np.mean(audio ** 2))) < 0.01:
            return Transcript("", (), len(audio) / SAMPLE_RATE_HZ)
        return Transcript(self.text, (), len(audio) / SAMPLE_RATE_HZ)


class EnergyVad:
    """Speech where a chunk is louder than -40 dBFS."""

    def reset(self) -> None:
        pass

    def probability(self, chunk: np.ndarray) -> float:
        return 1.0 if float(np.sqrt(np.mean(np.square(chunk)))) > 0.01 else 0.0


def services(history: Any, text: str = CLOSE) -> Services:
    future: Future[Any] = Future()
    future.set_result(ScriptTranscriber(text))
    return Services(WebDrillOptions(), history, transcriber=future, speech=ToneSpeech())


def fake_deps(run: DrillRun, settings: Any, max_answer_s: float | None) -> Any:
    """The page's real build_deps, with the energy detector in place of Silero."""
    import functools

    from closer.turn import listen as listen_mod
    from closer.web import runner

    deps = runner.build_deps(run, settings, max_answer_s)
    vad = EnergyVad()
    real = listen_mod.listen

    def listen(mic: Any, transcriber: Any, s: Any, on_status: Any, stop: Any = None) -> Any:
        return real(mic, transcriber, s, on_status, vad, stop=stop)

    done = run.mic.done_pressed if not settings.hands_free else None
    deps.listen = functools.partial(listen, stop=done)
    deps.measure = None
    return deps


def pcm(seconds: float, level: float) -> bytes:
    """16 kHz int16 PCM: a 300 Hz tone at `level` (0: silence)."""
    t = np.arange(int(seconds * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    x = level * np.sin(2 * np.pi * 300 * t)
    return (x * 32767).astype("<i2").tobytes()
