"""Shared fixtures (kept small).

- `espeak` (session): a function `espeak(text, path, words_per_minute=150) -> path` that writes
  `text` spoken by `espeak-ng -w` (22.05 kHz mono WAV); fails (never skips) without espeak-ng,
  which `make test` installs.
- `speech_clip` (session): a short espeak-ng WAV of a spoken close, 22.05 kHz mono.
- The semantic layer's encoder keeps every embedding of the run (`pytest_configure`).
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


def pytest_configure(config: pytest.Config) -> None:
    """The corpus, golden, explain and rewrite tests score the same ~6,000 closes (and their
    stronger closes) through the semantic layer: one encoder cache big enough for all of them
    (~150 MB) encodes each clause once per run instead of three or four times."""
    from closer.rubric.semantic import hook
    from closer.rubric.semantic.encoder import EncoderSettings

    hook.ENCODER_SETTINGS = EncoderSettings(cache_texts=150_000)


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
