"""Play a saved recording where the interviewer's voice plays (closer.audio.playback).

Decision: the same output rule as the speakers (`--output-device`: an index or a name substring;
None: the system default), read and played by the one WAV reader and output stream. When
PortAudio is missing or lists no output, `play_recording` returns False and the caller prints the
WAV path; it never raises for a machine without sound. A device the user named that does not
exist is a `DeviceError` (one sentence).
"""

from __future__ import annotations

from pathlib import Path


def play_recording(path: Path, output_device: str | None) -> bool:
    """Play `path` and block until done; False (nothing played) when there is no output device."""
    from closer.audio.playback import play_file

    return play_file(path, output_device)
