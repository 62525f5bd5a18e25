"""A one-line level meter on stderr: state, level bar, elapsed time and countdown.

`render()` is pure; `MeterLine` rewrites one terminal line and does nothing when its stream is
not a terminal (pipes, `--json`, CI logs).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from closer.turn.listen import ListenStatus

FLOOR_DBFS = -60.0  # the empty end of the bar
BAR_CELLS = 20


def bar(level_dbfs: float, cells: int = BAR_CELLS) -> str:
    """A bar from FLOOR_DBFS (empty) to 0 dBFS (full)."""
    fraction = min(1.0, max(0.0, (level_dbfs - FLOOR_DBFS) / -FLOOR_DBFS))
    filled = round(fraction * cells)
    return "#" * filled + "." * (cells - filled)


def render(status: ListenStatus) -> str:
    """One line: `hearing   [#######.............] -24 dB  0:07  38 s left`."""
    level = f"{status.level_dbfs:4.0f} dB" if status.level_dbfs > -100 else "  -- dB"
    minutes, seconds = divmod(int(status.elapsed_s), 60)
    line = f"{status.state:<9} [{bar(status.level_dbfs)}] {level}  {minutes}:{seconds:02d}"
    if status.remaining_s is not None:
        line += f"  {status.remaining_s:3.0f} s left"
    return line


class MeterLine:
    """Renders ListenStatus to one line of `stream` (stderr), only when it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._width = 0

    def __call__(self, status: ListenStatus) -> None:
        self.update(status)

    def update(self, status: ListenStatus) -> None:
        if not self.enabled:
            return
        if status.state == "thinking":  # the answer is over: leave the line clean for the verdict
            self.clear()
            return
        line = render(status)
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(line))

    def clear(self) -> None:
        """Erase the line (call before printing anything else)."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
