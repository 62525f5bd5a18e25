"""Frozen settings with a unit on every field.

The CLI builds them; core code never sees argparse.
"""

from __future__ import annotations

from dataclasses import dataclass

SAMPLE_RATE_HZ = 16_000  # what Whisper and Silero VAD expect


@dataclass(frozen=True)
class TranscriberSettings:
    model: str | None = None  # None: the bundled tiny.en; else a CTranslate2 dir or a size name
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0  # threads in all; 0: the cores (at most 4)
    workers: int = 1  # clips decoded at once, each on cpu_threads / workers threads
    beam_size: int = 1  # greedy: the rubric needs the words, not the last 0.1% WER
    keep_fillers: bool = True  # coax Whisper into writing "um"/"uh" with a short prompt
    normalize_gain: bool = True  # bring speech to a working level first (closer.audio.gain)
    escalate: bool = True  # re-decode hard audio (see closer.speech.transcriber.hard_audio)
    hard_avg_logprob: float = -0.6  # nats; a segment less sure than this makes the audio hard
    hard_compression_ratio: float = 2.0  # gzip ratio; above it a segment may be a loop
    hard_no_speech_prob: float = 0.9  # 0..1; prompted clean speech often reads 0.5-0.75
    escalation_beam_size: int = 5  # beams for the second pass over hard audio


@dataclass(frozen=True)
class TtsSettings:
    rate_wpm: int = 160  # words a minute, on espeak-ng's scale for both engines (speech/piper.py)
    voice: str | None = None  # an id or unique substring (`closer voices`) or an engine name
    #                           (piper, espeak); None: Piper's joe, espeak-ng if Piper cannot load
    volume: float = 1.0  # 0..1
    sentence_pause_s: float = 0.2  # seconds of silence between sentences, on top of the voice's
