"""Audio devices, listed and chosen once for input and output.

`match_device` is the one pure rule for a device the user names: an index, or a case-insensitive
substring of its name, among the devices of that kind (inputs or outputs). The mic
(`closer.audio.mic`), the speakers and replay, and `closer devices` all go through it, so
`--input-device` and `--output-device` read the same way. sounddevice is imported lazily
(`import_sounddevice`), because PortAudio may be missing and `closer --help` must stay light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from closer.errors import DeviceError

Kind = Literal["input", "output"]
_CHANNELS = {"input": "max_input_channels", "output": "max_output_channels"}
NO_DEVICES = "Audio devices cannot be listed ({why}); try `closer score FILE` or `closer demo`."


def import_sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise DeviceError("The PortAudio library is missing (install libportaudio2); "
                          "try `closer score FILE` or `closer demo`.") from exc
    return sounddevice


def query_devices(sd: Any) -> list[dict[str, Any]]:
    """Every device as a dict with its `index`."""
    try:
        return [dict(d, index=i) for i, d in enumerate(sd.query_devices())]
    except Exception as exc:  # PortAudioError when the host API cannot start
        raise DeviceError(NO_DEVICES.format(why=exc)) from exc


def of_kind(devices: Sequence[dict[str, Any]], kind: Kind) -> list[dict[str, Any]]:
    """The devices with channels of that kind, each with its `index` (list position if absent)."""
    key = _CHANNELS[kind]
    return [dict(d, index=d.get("index", i)) for i, d in enumerate(devices)
            if d.get(key, 0) > 0]


def match_device(devices: Sequence[dict[str, Any]], wanted: str, kind: Kind) -> int | None:
    """The index of the `kind` device that `wanted` names (an index or a name substring, any
    case; the first match wins), or None when none does."""
    candidates = of_kind(devices, kind)
    if wanted.strip().isdigit():
        index = int(wanted)
        return index if any(d["index"] == index for d in candidates) else None
    needle = wanted.lower()
    return next((int(d["index"]) for d in candidates
                 if needle in str(d.get("name", "")).lower()), None)


def default_devices(sd: Any) -> tuple[int | None, int | None]:
    """The system's default (input, output) device indexes; None where none is set."""
    try:
        pair = tuple(sd.default.device)
    except Exception:  # no defaults known
        return None, None
    a, b = (None if i is None or int(i) < 0 else int(i) for i in pair[:2])
    return a, b
