"""Shared fixtures (kept small).

- `espeak` (session): a function `espeak(text, path, words_per_minute=150) -> path` that writes
  `text` spoken by `espeak-ng -w` (22.05 kHz mono WAV); fails (never skips) without espeak-ng,
  which `make test` installs.
- `speech_clip` (session): a short espeak-ng WAV of a spoken close, 22.05 kHz mono.
- `transcriber` (session): the bundled tiny.en `Transcriber`, loaded once
  (only for tests marked `@pytest.mark.model`).
"""

from __future__ import annotations

import os

# As closer/__init__.py does, but before any test module imports numpy on its own: OpenBLAS reads
# this once, and its spinning threads made the sentence encoder 20x slower on two busy cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import shutil
import subprocess
from pathlib import Path

import pytest

SPEECH_TEXT = "What does the next step in the process look like?"


def espeak_wav(text: str, path: Path, words_per_minute: int = 150) -> Path:
    """Write `text` spoken by espeak-ng to `path` (22.05 kHz mono WAV)."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing; `make test` installs it")
    subprocess.run(["espeak-ng", "-s", str(words_per_minute), "-w", str(path), text],
                   check=True, capture_output=True)
    return path


@pytest.fixture(scope="session")
def espeak():
    return espeak_wav


@pytest.fixture(scope="session")
def speech_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(SPEECH_TEXT, tmp_path_factory.mktemp("speech") / "close.wav")


@pytest.fixture(scope="session")
def transcriber():
    from closer.settings import TranscriberSettings
    from closer.speech.transcriber import load_transcriber

    return load_transcriber(TranscriberSettings())
