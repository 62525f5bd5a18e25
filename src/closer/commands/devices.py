"""`closer devices` (list inputs and outputs) and `closer mic-check` (level for a few seconds,
then whether the mic is silent, clipping or noisy)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from closer.errors import DeviceError


@dataclass(frozen=True)
class LevelThresholds:
    silent_dbfs: float = -60.0  # loudest 100 ms window below this: nothing reaches the mic
    quiet_dbfs: float = -35.0  # loudest window below this: speech is too faint
    clip_peak: float = 0.99  # sample magnitude (0..1) counted as clipping
    clip_fraction: float = 0.01  # share of chunks with a clipped sample that means clipping
    noisy_floor_dbfs: float = -40.0  # quietest 10 % of chunks above this: a noisy room or hum


def judge_levels(rms_dbfs: Sequence[float], peaks: Sequence[float],
                 t: LevelThresholds = LevelThresholds()) -> tuple[str, str]:
    """(verdict, sentence) from per-chunk RMS levels (dBFS) and peaks (0..1); pure."""
    if not rms_dbfs:
        return "silent", "No sound came from the microphone; check it is plugged in and unmuted."
    levels = sorted(rms_dbfs)
    loudest, floor = levels[-1], levels[len(levels) // 10]
    if loudest < t.silent_dbfs:
        return "silent", ("The microphone is silent; check it is unmuted and chosen "
                          "(`closer devices`, then --input-device).")
    clipped = sum(1 for p in peaks if p >= t.clip_peak) / max(1, len(peaks))
    if clipped > t.clip_fraction:
        return "clipping", ("The microphone is clipping; lower its input gain or "
                            "sit a little further away.")
    if floor > t.noisy_floor_dbfs:
        return "noisy", (f"The room is noisy (background at {floor:.0f} dBFS); find a quieter "
                         "spot or move closer to the microphone.")
    if loudest < t.quiet_dbfs:
        return "quiet", (f"Your voice is faint (peak {loudest:.0f} dBFS); raise the input gain "
                         "or move closer.")
    return "ok", (f"The microphone sounds fine (speech at {loudest:.0f} dBFS, "
                  f"background at {floor:.0f} dBFS).")


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


def _defaults(sd: Any) -> tuple[int | None, int | None]:
    try:
        pair = tuple(sd.default.device)
    except Exception:  # no defaults known
        return None, None
    return tuple(None if i is None or int(i) < 0 else int(i) for i in pair)  # type: ignore[return-value]


def list_devices() -> int:
    from closer.mic import NO_MIC, import_sounddevice, query_devices

    sd = import_sounddevice()
    devices = query_devices(sd)
    if not devices:
        raise DeviceError(NO_MIC)
    print("\n".join(format_devices(devices, *_defaults(sd))))
    return 0


def mic_check(input_device: str | None, seconds: float) -> int:
    import numpy as np

    from closer.listen import ListenStatus, level_dbfs
    from closer.meter import MeterLine
    from closer.mic import make_microphone
    from closer.settings import SAMPLE_RATE_HZ

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
    verdict, sentence = judge_levels(rms, peaks)
    print(sentence)
    return 0 if verdict == "ok" else 1


def run(args: argparse.Namespace) -> int:
    if args.command == "mic-check":
        return mic_check(args.input_device, args.seconds)
    return list_devices()
