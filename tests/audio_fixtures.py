"""Spoken closes for the audio accuracy tests and scripts/bench.py, synthesised on demand.

tests/data/audio_manifest.json names the corpus ids (tests/data/closes.jsonl), the TTS voice and
rate, and the variants (plain, slow, noisy). Clips are rendered with closer's own TTS (pyttsx3 ->
espeak-ng), resampled to 16 kHz, padded with silence as a microphone would record, and written as
16-bit WAV files into a gitignored cache (`$CLOSER_TEST_CACHE` or tests/.cache), in a folder
named by a hash of everything that shapes the audio. espeak-ng's output drifts very slightly from
one utterance to the next within a process, so the whole set is always rendered in one fresh
subprocess, in manifest order: the same inputs give the same bytes. Levels and pink noise come
from tests/degrade.py, shared with the degraded fixtures.

Run `python tests/audio_fixtures.py` to build (or find) the cache and print its folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from degrade import active_power, pink_noise

CACHE_ROOT = Path(__file__).resolve().parent / ".cache"
DATA_DIR = Path(__file__).resolve().parent / "data"
MANIFEST_PATH = DATA_DIR / "audio_manifest.json"
CORPUS_PATH = DATA_DIR / "closes.jsonl"
_FORMAT_VERSION = "5"  # bump when the rendering code below changes what it writes


@dataclass(frozen=True)
class Clip:
    id: str
    variant: str
    path: Path
    record: dict[str, Any]  # the corpus line: text, round, labels, tags


def load_manifest() -> dict[str, Any]:
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def load_corpus() -> dict[str, dict[str, Any]]:
    lines = CORPUS_PATH.read_text(encoding="utf-8").splitlines()
    records = (json.loads(line) for line in lines if line.strip())
    return {r["id"]: r for r in records}


def _engine_version() -> str:
    try:
        out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True)
        return out.stdout.strip()
    except OSError:
        return "unknown"


def cache_root() -> Path:
    """Where fixture caches live: `$CLOSER_TEST_CACHE`, else tests/.cache (gitignored)."""
    return Path(os.environ.get("CLOSER_TEST_CACHE", CACHE_ROOT))


def cache_dir(manifest: dict[str, Any] | None = None,
              corpus: dict[str, dict[str, Any]] | None = None) -> Path:
    """The folder for this manifest, these texts and this espeak-ng (not necessarily built)."""
    manifest = manifest or load_manifest()
    corpus = corpus or load_corpus()
    texts = [corpus[i]["text"] if i in corpus else None for i in manifest["ids"]]
    blob = json.dumps([_FORMAT_VERSION, manifest, texts, _engine_version()], sort_keys=True)
    return cache_root() / hashlib.sha256(blob.encode()).hexdigest()[:16]


def clips(variant: str, limit: int | None = None) -> list[Clip]:
    """The clips of one variant (building the cache first if needed), in manifest order."""
    manifest, corpus = load_manifest(), load_corpus()
    if variant not in manifest["variants"]:
        raise KeyError(f"unknown variant {variant!r}")
    folder = ensure_built(manifest, corpus)
    ids = manifest["ids"][:limit] if limit else manifest["ids"]
    return [Clip(i, variant, folder / variant / f"{i}.wav", corpus[i]) for i in ids]


def ensure_built(manifest: dict[str, Any] | None = None,
                 corpus: dict[str, dict[str, Any]] | None = None) -> Path:
    """Build the whole cache in a fresh subprocess unless it is complete; return its folder."""
    folder = cache_dir(manifest, corpus)
    if (folder / "complete").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        subprocess.run([sys.executable, __file__, "--render-into", str(tmp)], check=True,
                       stdout=subprocess.DEVNULL)
        (tmp / "complete").write_text("ok\n")
        try:
            tmp.rename(folder)
        except OSError:  # another process finished first: theirs is identical
            if not (folder / "complete").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _render_all(out: Path) -> None:
    """Render every variant of every manifest id into `out/<variant>/<id>.wav` (16 kHz PCM16)."""
    import numpy as np

    from closer.audio.decode import resample, write_wav
    from closer.settings import SAMPLE_RATE_HZ, TtsSettings
    from closer.speech.tts import render

    manifest, corpus = load_manifest(), load_corpus()
    tts, variants = manifest["tts"], manifest["variants"]
    pad = np.zeros(int(manifest["pad_s"] * SAMPLE_RATE_HZ), dtype=np.float32)
    rendered: dict[str, dict[str, Any]] = {}
    for name, spec in variants.items():  # TTS renders first, in manifest order
        if "rate_wpm" not in spec:
            continue
        settings = TtsSettings(rate_wpm=int(spec["rate_wpm"]), voice=tts["voice"],
                               volume=float(tts["volume"]))
        rendered[name] = {}
        for clip_id in manifest["ids"]:
            samples, rate = render(corpus[clip_id]["text"], settings)
            rendered[name][clip_id] = resample(samples, rate, SAMPLE_RATE_HZ)
    for name, spec in variants.items():
        (out / name).mkdir(parents=True, exist_ok=True)
        for clip_id in manifest["ids"]:
            speech = rendered[spec.get("from", name)][clip_id]
            audio = np.concatenate([pad, speech, pad])
            if "snr_db" in spec:  # noise over the whole clip, scaled to the speech's power
                audio = _add_noise(audio, speech, float(spec["snr_db"]), spec["noise"],
                                   [int(spec["seed"]), zlib.crc32(clip_id.encode())])
            audio = np.clip(audio, -1.0, 1.0)
            write_wav(out / name / f"{clip_id}.wav", audio, SAMPLE_RATE_HZ)


def _add_noise(audio: Any, speech: Any, snr_db: float, colour: str, seed: list[int]) -> Any:
    """`audio` plus seeded white or pink noise `snr_db` below the active power of `speech`."""
    import numpy as np

    if colour == "pink":  # 1/f power, shared with tests/degrade.py
        noise = pink_noise(audio.size, seed)
    else:
        noise = np.random.default_rng(seed).standard_normal(audio.size)
    noise *= np.sqrt(active_power(speech) / 10 ** (snr_db / 10) / np.mean(noise**2))
    return (audio + noise).astype(np.float32)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--render-into":
        _render_all(Path(sys.argv[2]))
    else:
        print(ensure_built())
