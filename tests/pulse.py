"""A private PulseAudio daemon with a virtual room for end-to-end audio tests.

The daemon has a null sink `room` (where the assistant's voice and the test's played answers go)
and a virtual source `mic` that records the room's monitor. PortAudio reaches it through ALSA's
pulse plugin (Debian's /etc/alsa/conf.d/99-pulse.conf makes `default` point at PulseAudio when a
server answers); `PULSE_SERVER` in the child's environment names our socket, so nothing outside
the test's own environment changes. The daemon is stopped by its pid at `stop()`.

    with PulseRoom.start(tmp_path) as room:
        subprocess.run([...], env=room.env())
        room.play(wav_path)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


class PulseUnavailable(RuntimeError):
    """The daemon could not be started here (not installed, or refused)."""


class PulseRoom:
    def __init__(self, root: Path, pid: int) -> None:
        self.root = root
        self.pid = pid
        self.socket = root / "run" / "native"

    @classmethod
    def start(cls, root: Path, timeout_s: float = 10.0) -> PulseRoom:
        if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
            raise PulseUnavailable("pulseaudio and pulseaudio-utils are not installed")
        run, home = root / "run", root / "home"
        run.mkdir(parents=True, exist_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        daemon_env = dict(os.environ, XDG_RUNTIME_DIR=str(run), HOME=str(home),
                          XDG_CONFIG_HOME=str(home / ".config"))
        daemon_env.pop("PULSE_SERVER", None)
        cmd = ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n",
               f"--load=module-native-protocol-unix socket={run / 'native'} auth-anonymous=1",
               "--load=module-null-sink sink_name=room",
               "--load=module-virtual-source source_name=mic master=room.monitor"]
        done = subprocess.run(cmd, env=daemon_env, capture_output=True, text=True,
                              timeout=timeout_s, check=False)
        if done.returncode != 0:
            raise PulseUnavailable(f"pulseaudio failed: {done.stderr.strip()[-300:]}")
        pid_file = run / "pulse" / "pid"
        deadline = time.monotonic() + timeout_s
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if not pid_file.exists():
            raise PulseUnavailable("pulseaudio started but wrote no pid file")
        room = cls(root, int(pid_file.read_text().split()[0]))
        room.wait_ready(deadline)
        return room

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment for children that talk to this daemon (PortAudio, paplay, parec)."""
        env = dict(os.environ if base is None else base)
        env["PULSE_SERVER"] = f"unix:{self.socket}"
        env["PULSE_SINK"] = "room"
        env["PULSE_SOURCE"] = "mic"
        return env

    def wait_ready(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            probe = subprocess.run(["pactl", "list", "short", "sources"], env=self.env(),
                                   capture_output=True, text=True, check=False)
            if probe.returncode == 0 and "mic" in probe.stdout:
                return
            time.sleep(0.1)
        self.stop()
        raise PulseUnavailable("pulseaudio did not answer on its socket")

    def play(self, wav: Path, wait: bool = True) -> subprocess.Popen[bytes]:
        """Play a WAV file into the room sink (what the mic hears)."""
        proc = subprocess.Popen(["paplay", "--device=room", str(wav)], env=self.env())
        if wait:
            proc.wait(timeout=120)
        return proc

    def stop(self) -> None:
        """Stop the daemon this room started, by its pid."""
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)

    def __enter__(self) -> PulseRoom:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class RoomRecorder:
    """parec on the room's monitor (what a listener in the room hears): 10 ms blocks with their
    arrival times on `clock` (time.monotonic for in-process timings, time.time to compare with
    another process's wall-clock stamps). `keep_audio=False` keeps only the times of loud blocks
    (a long bench); True keeps every block (a test that transcribes the room)."""

    BLOCK_BYTES = 320  # 10 ms of 16 kHz 16-bit mono

    def __init__(self, room: PulseRoom, clock: Callable[[], float] = time.monotonic,
                 keep_audio: bool = False, loud_dbfs: float = -40.0) -> None:
        import threading

        self.clock = clock
        self.keep_audio = keep_audio
        self.loud_floor = 10 ** (loud_dbfs / 20)
        self.loud: list[float] = []  # arrival times of blocks louder than loud_dbfs
        self.blocks: list[tuple[float, Any]] = []  # (arrival, samples) when keep_audio
        self._proc = subprocess.Popen(
            ["parec", "-d", "room.monitor", "--raw", "--format=s16le", "--rate=16000",
             "--channels=1", "--latency-msec=10"], env=room.env(), stdout=subprocess.PIPE)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        import numpy as np

        assert self._proc.stdout is not None
        while True:
            data = self._proc.stdout.read(self.BLOCK_BYTES)
            if len(data) < self.BLOCK_BYTES:
                return
            now = self.clock()
            x = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768
            if np.sqrt(np.mean(x ** 2)) > self.loud_floor:
                self.loud.append(now)
            if self.keep_audio:
                self.blocks.append((now, x))

    def first_after(self, t: float) -> float | None:
        return next((x for x in self.loud if x > t), None)

    def last_between(self, a: float, b: float) -> float | None:
        inside = [x for x in self.loud if a < x < b]
        return inside[-1] if inside else None

    def audio(self) -> Any:
        import numpy as np

        return np.concatenate([x for _, x in self.blocks])

    def stop(self) -> None:
        self._proc.kill()
        self._proc.wait()
        self._thread.join(2)
