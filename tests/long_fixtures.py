"""Long mock-interview recordings with a known amount of speech, for tests/test_longform.py and
scripts/bench_long.py.

A recording is the candidate's side of an interview: answers ("turns") of one to three spoken
closes from tests/data/closes.jsonl (espeak-ng, 16 kHz, each clip trimmed to its audible part),
separated inside a turn by thinking pauses of 0.3-2.0 s and between turns by the interviewer's
silence of 4-20 s, over a seeded noise floor at about -60 dBFS, written as 16-bit WAV. Everything
comes from one seed, so the same arguments give the same bytes; the truth is written next to the
WAV (`<name>.json`): duration, the turn spans and their sum (`speech_s`, the figure
`closer score` should report), the spoken clips alone, the longest pause inside a turn.

Files go to tests/.cache/long/ (gitignored), named by a hash of everything that shapes them.
Run `python tests/long_fixtures.py 600` to build one and print its path.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache" / "long"
CORPUS = ROOT / "data" / "closes.jsonl"
RATE = 16_000
_FORMAT = "1"  # bump when the rendering below changes what it writes


@dataclass(frozen=True)
class LongSpec:
    duration_s: float  # total length of the recording (seconds)
    seed: int = 7
    lead_s: float = 2.0  # silence before the first turn (seconds)
    pause_s: tuple[float, float] = (0.3, 2.0)  # thinking pauses inside a turn (seconds)
    gap_s: tuple[float, float] = (6.0, 20.0)  # silence between turns (seconds), > turn_gap_s
    clips_per_turn: tuple[int, int] = (1, 3)
    noise_dbfs: float = -60.0  # RMS of the background noise (dB re full scale)
    speech_wpm: tuple[int, int] = (140, 175)  # espeak-ng rate range, one per clip


@dataclass(frozen=True)
class LongFile:
    path: Path
    truth: dict[str, Any]


def _espeak_version() -> str:
    out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True)
    return out.stdout.strip()


def _texts() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def _clip(text: str, wpm: int, tmp: Path) -> Any:
    """One close spoken by espeak-ng, 16 kHz float32, trimmed to where it is audible."""
    import numpy as np

    from closer.audio.decode import load_audio

    wav = tmp / "clip.wav"
    subprocess.run(["espeak-ng", "-s", str(wpm), "-w", str(wav), text], check=True,
                   capture_output=True)
    x = load_audio(wav)
    loud = np.flatnonzero(np.abs(x) > 10 ** (-40 / 20) * np.abs(x).max())
    return x[loud[0]:loud[-1] + 1]


def build(spec: LongSpec) -> LongFile:
    """Build (or find) the recording `spec` describes; return its path and truth."""
    key = json.dumps([_FORMAT, asdict(spec), _espeak_version()], sort_keys=True)
    name = f"long_{int(spec.duration_s)}s_{hashlib.sha256(key.encode()).hexdigest()[:10]}"
    path, meta = CACHE / f"{name}.wav", CACHE / f"{name}.json"
    if path.exists() and meta.exists():
        return LongFile(path, json.loads(meta.read_text()))
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        truth = _render(spec, path.with_suffix(".part"), Path(tmp))
    path.with_suffix(".part").rename(path)
    meta.write_text(json.dumps(truth, indent=1))
    return LongFile(path, truth)


def _render(spec: LongSpec, out: Path, tmp: Path) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(spec.seed)
    texts = _texts()
    total = int(spec.duration_s * RATE)
    pieces: list[tuple[int, Any]] = []  # (start sample, clip)
    turns: list[list[float]] = []
    pauses: list[float] = []
    words = 0
    t = int(spec.lead_s * RATE)
    order = rng.permutation(len(texts))
    k = 0
    while True:
        n_clips = int(rng.integers(spec.clips_per_turn[0], spec.clips_per_turn[1] + 1))
        clips = []
        for _ in range(n_clips):
            text = texts[int(order[k % len(order)])]
            k += 1
            wpm = int(rng.integers(spec.speech_wpm[0], spec.speech_wpm[1] + 1))
            clips.append((_clip(text, wpm, tmp), len(text.split())))
        gaps = [int(rng.uniform(*spec.pause_s) * RATE) for _ in clips[1:]]
        length = sum(c.size for c, _ in clips) + sum(gaps)
        if t + length > total - RATE:  # keep a second of silence at the end
            break
        turns.append([t / RATE, (t + length) / RATE])
        for i, (clip, n_words) in enumerate(clips):
            pieces.append((t, clip))
            words += n_words
            t += clip.size
            if i < len(gaps):
                pauses.append(gaps[i] / RATE)
                t += gaps[i]
        t += int(rng.uniform(*spec.gap_s) * RATE)
    _write(out, total, pieces, spec, rng)
    return {"duration_s": total / RATE, "speech_s": sum(e - s for s, e in turns),
            "spoken_s": sum(c.size for _, c in pieces) / RATE, "words": words,
            "turns": turns, "longest_pause_s": max(pauses, default=0.0)}


def _write(out: Path, total: int, pieces: list[tuple[int, Any]], spec: LongSpec,
           rng: Any) -> None:
    """Noise floor plus the clips, written a minute at a time (the builder stays small too)."""
    import numpy as np

    step = 60 * RATE
    noise_rms = 10 ** (spec.noise_dbfs / 20)
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        for lo in range(0, total, step):
            hi = min(lo + step, total)
            buf = (rng.standard_normal(hi - lo) * noise_rms).astype(np.float32)
            for start, clip in pieces:
                a, b = max(start, lo), min(start + clip.size, hi)
                if a < b:
                    buf[a - lo:b - lo] += clip[a - start:b - start]
            w.writeframes((np.clip(buf, -1, 1) * 32767).astype("<i2").tobytes())


if __name__ == "__main__":
    made = build(LongSpec(duration_s=float(sys.argv[1]) if len(sys.argv) > 1 else 600.0))
    print(made.path)
    print({k: v for k, v in made.truth.items() if k != "turns"})
