"""Spoken lines kept on disk: a line Piper has made once plays at once the next time.

The interviewer's lines are a fixed set (prompts/interviewer.toml), and making one takes Piper
about half its length after a 1.5 s load; a drill's first line read from here sounds within a
few hundred milliseconds of start-up while Piper and Whisper load behind it. A file is named by
a hash of everything that shapes the samples (the engine's key: version, voice files, pace,
level) and the text, so a change to any of them is simply a miss. 16-bit WAV at the voice's
rate, written atomically; the oldest files go beyond `limit_files`.

The folder is `CLOSER_VOICE_CACHE` when set (`off` turns the cache off), else `voices/` in the
user cache dir.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from closer.errors import UserError

if TYPE_CHECKING:
    import numpy as np

_LOGGER = logging.getLogger(__name__)

LIMIT_FILES = 500  # about 100 KB each: tens of MB at most


class VoiceCache:
    def __init__(self, folder: Path, limit_files: int = LIMIT_FILES) -> None:
        self.folder = Path(folder)
        self.limit_files = limit_files

    @classmethod
    def from_env(cls) -> VoiceCache | None:
        """The cache `CLOSER_VOICE_CACHE` names (None when `off`), else the user cache dir's."""
        env = os.environ.get("CLOSER_VOICE_CACHE")
        if env is not None and env.strip().lower() in ("", "off", "0", "no"):
            return None
        if env:
            return cls(Path(env).expanduser())
        import platformdirs

        return cls(Path(platformdirs.user_cache_dir("closer")) / "voices")

    def path(self, key: str, text: str) -> Path:
        digest = hashlib.sha256(f"{key}\n{text}".encode()).hexdigest()[:32]
        return self.folder / f"{digest}.wav"

    def get(self, key: str, text: str) -> tuple[np.ndarray, int] | None:
        from closer.audio.decode import read_wav

        path = self.path(key, text)
        if not path.is_file():
            return None
        try:
            samples, rate = read_wav(path)
        except UserError as exc:  # a damaged file is a miss, and is replaced
            _LOGGER.info("voice cache: %s", exc)
            return None
        if not samples.size:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # the oldest unused lines are the ones pruned
        return samples, rate

    def put(self, key: str, text: str, samples: np.ndarray, rate: int) -> None:
        """Keep the line; a cache that cannot be written is only a slower next start."""
        from closer.audio.decode import write_wav

        path = self.path(key, text)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".line-", suffix=".wav", dir=self.folder)
            os.close(fd)
            try:
                write_wav(tmp, samples, rate)
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
            self._prune()
        except OSError as exc:
            _LOGGER.info("voice cache not written (%s)", exc)

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        for old in files[: max(0, len(files) - self.limit_files)]:
            old.unlink(missing_ok=True)
