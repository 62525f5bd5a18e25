"""The manual override of turn-taking: Enter in the terminal ends the answer at once.

Polled, not read in a thread: `pressed()` looks at the terminal without blocking (select on the
file descriptor) once per 32 ms chunk, so nothing else competes for stdin (the "another drill?"
prompt between drills reads it normally). `arm()` drops keys typed while the interviewer was
speaking, so an early Enter does not end the next answer before it starts. Only for a terminal:
piped input and hands-free mode keep their own controls.
"""

from __future__ import annotations

import logging
import os
import select
import sys
from typing import Any, TextIO

_LOGGER = logging.getLogger(__name__)


class EnterKey:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._fd = (stream or sys.stdin).fileno()

    @classmethod
    def for_terminal(cls, stream: TextIO | None = None) -> EnterKey | None:
        """An EnterKey when `stream` (stdin) is a terminal, else None."""
        stream = stream or sys.stdin
        try:
            return cls(stream) if stream.isatty() else None
        except (AttributeError, ValueError, OSError):  # closed or fake stdin
            return None

    def arm(self) -> None:
        """Forget anything typed so far."""
        try:
            import termios

            termios.tcflush(self._fd, termios.TCIFLUSH)
        except (ImportError, OSError) as exc:  # not a terminal after all: drain what is there
            _LOGGER.debug("tcflush failed (%s); draining instead", exc)
            while self._readable():
                if not os.read(self._fd, 4096):
                    break

    def _readable(self) -> bool:
        return bool(select.select([self._fd], [], [], 0)[0])

    def pressed(self) -> bool:
        """True once a line (Enter) has been typed since the last call; never blocks."""
        if not self._readable():
            return False
        data = os.read(self._fd, 4096)
        return b"\n" in data or b"\r" in data

    def wrap(self, listen: Any) -> Any:
        """`listen(mic, transcriber, settings, on_status)` that Enter can end."""

        def listen_with_enter(mic: Any, transcriber: Any, settings: Any, on_status: Any) -> Any:
            self.arm()
            return listen(mic, transcriber, settings, on_status, stop=self.pressed)

        return listen_with_enter
