"""`closer devices` (list inputs and outputs) and `closer mic-check` (level for a few seconds,
then speech level, noise floor and SNR, and what to change: a quiet but clear mic passes)."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from closer.errors import DeviceError


@dataclass(frozen=True)
class LevelThresholds:
    """What mic-check accepts. Levels are per 32 ms chunk; speech is judged against the room.

    closer normalises gain before listening (closer.audio.gain, up to +40 dB), so a quiet mic is
    fine as
    long as the voice stands well clear of the background: SNR decides, not the absolute level.
    """

    silent_dbfs: float = -70.0  # loudest chunk below this: nothing reaches the mic, dBFS
    min_speech_s: float = 0.3  # seconds of chunks well above the floor that count as speaking
    speech_margin_db: float = 10.0  # a chunk this far above the floor may be speech, dB
    floor_percentile: float = 10.0  # percent of chunks at or below the noise floor
    too_faint_dbfs: float = -58.0  # speech below this is past what the gain can lift, dBFS
    min_snr_db: float = 12.0  # speech this little above the background is hard to hear, dB
    close_up_dbfs: float = -35.0  # with poor SNR, speech under this: moving closer helps, dBFS
    clip_peak: float = 0.99  # sample magnitude (0..1) counted as clipping
    clip_fraction: float = 0.01  # share of chunks with a clipped sample that means clipping


@dataclass(frozen=True)
class MicReport:
    verdict: str  # ok | silent | no_speech | clipping | faint | noisy
    speech_dbfs: float | None  # active speech level (None: no speech heard)
    floor_dbfs: float | None  # noise floor: a low percentile of chunk levels (None: no audio)
    snr_db: float | None  # speech_dbfs - floor_dbfs
    sentence: str  # what it means and what to change, one sentence

    @property
    def passed(self) -> bool:
        return self.verdict == "ok"


def _levels(rms_dbfs: Sequence[float], t: LevelThresholds, chunk_s: float
            ) -> tuple[float, float | None]:
    """(noise floor, active speech level or None) from chunk levels, as closer.audio.gain judges
    them."""
    levels = sorted(rms_dbfs)
    rank = (len(levels) - 1) * t.floor_percentile / 100.0
    low, frac = int(rank), rank - int(rank)
    floor = levels[low] + (levels[min(low + 1, len(levels) - 1)] - levels[low]) * frac
    active = [v for v in levels if v >= floor + t.speech_margin_db and v >= levels[-1] - 30.0]
    if len(active) * chunk_s < t.min_speech_s:
        return floor, None
    power = sum(10.0 ** (v / 10.0) for v in active) / len(active)
    return floor, 10.0 * math.log10(power)


def judge_mic(rms_dbfs: Sequence[float], peaks: Sequence[float],
              t: LevelThresholds = LevelThresholds(), chunk_s: float = 0.032) -> MicReport:
    """Speech level, noise floor, SNR and one sentence of advice from per-chunk RMS levels (dBFS)
    and peaks (0..1); pure."""
    if not rms_dbfs:
        return MicReport("silent", None, None, None, "No sound came from the microphone; "
                         "check it is plugged in and unmuted.")
    floor, speech = _levels(rms_dbfs, t, chunk_s)
    snr = None if speech is None else speech - floor
    if max(rms_dbfs) < t.silent_dbfs:
        return MicReport("silent", None, floor, None, "The microphone is silent; check it is "
                         "unmuted and chosen (`closer devices`, then --input-device).")
    clipped = sum(1 for p in peaks if p >= t.clip_peak) / max(1, len(peaks))
    if clipped > t.clip_fraction:
        return MicReport("clipping", speech, floor, snr, "The microphone is clipping; lower its "
                         "input gain or sit a little further away.")
    if speech is None or snr is None:
        return MicReport("no_speech", None, floor, None, f"Only background was heard (at "
                         f"{floor:.0f} dBFS); say a sentence or two during the check, close to "
                         "the microphone.")
    figures = f"speech {speech:.0f} dBFS, background {floor:.0f} dBFS, SNR {snr:.0f} dB"
    if speech < t.too_faint_dbfs:
        return MicReport("faint", speech, floor, snr, f"Your voice is too faint ({figures}); "
                         "raise the input gain or move closer to the microphone.")
    if snr < t.min_snr_db:
        fix = ("move closer to the microphone" if speech < t.close_up_dbfs
               else "find a quieter room")
        return MicReport("noisy", speech, floor, snr, f"Your voice barely stands out of the "
                         f"background ({figures}); {fix}.")
    return MicReport("ok", speech, floor, snr, f"The microphone sounds fine ({figures}).")


def format_devices(devices: list[dict[str, Any]], default_in: int | None,
                   default_out: int | None) -> list[str]:
    """Table lines: kind, index, name, channels, default rate; '*' marks the defaults."""
    lines = []
    for kind, key, default in (("input", "max_input_channels", default_in),
                               ("output", "max_output_channels", default_out)):
        lines.append(f"{kind}s:")
        rows = [d for d in devices if d.get(key, 0) > 0]
        if not rows:
            lines.append("  (none)")
        for d in rows:
            mark = "*" if d["index"] == default else " "
            lines.append(f" {mark}{d['index']:>3}  {d['name']}  ({d[key]} ch, "
                         f"{d.get('default_samplerate', 0):.0f} Hz)")
    return lines


def list_devices() -> int:
    from closer.audio.devices import default_devices
    from closer.audio.mic import NO_MIC, import_sounddevice, query_devices

    sd = import_sounddevice()
    devices = query_devices(sd)
    if not devices:
        raise DeviceError(NO_MIC)
    print("\n".join(format_devices(devices, *default_devices(sd))))
    return 0


def mic_check(input_device: str | None, seconds: float) -> int:
    import numpy as np

    from closer.audio.meter import MeterLine
    from closer.audio.mic import make_microphone
    from closer.settings import SAMPLE_RATE_HZ
    from closer.turn.listen import ListenStatus, level_dbfs

    mic = make_microphone(input_device)
    meter = MeterLine()
    rms, peaks = [], []
    chunk_s = 512 / SAMPLE_RATE_HZ
    name = getattr(mic, "name", "") or "the microphone"
    print(f"Listening for {seconds:.0f} s on {name}: say a sentence or two.",
          file=sys.stderr)
    try:
        for chunk in mic.chunks():
            rms.append(level_dbfs(chunk))
            peaks.append(float(np.abs(chunk).max()))
            elapsed = len(rms) * chunk_s
            if len(rms) % 3 == 0:
                meter.update(ListenStatus("listening", elapsed, max(rms[-3:]), seconds - elapsed))
            if elapsed >= seconds:
                break
    finally:
        mic.close()
        meter.clear()
    report = judge_mic(rms, peaks, chunk_s=chunk_s)
    print(report.sentence)
    return 0 if report.passed else 1


def run(args: argparse.Namespace) -> int:
    if args.command == "mic-check":
        return mic_check(args.input_device, args.seconds)
    return list_devices()
