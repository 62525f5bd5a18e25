"""Debian's Chromium, headless, driven by Playwright, with a fake mic that plays a WAV file;
and a `closer web` server in a subprocess. Shared by the page's end-to-end test and
scripts/bench_web.py.

Playwright's own browser download is not reachable here: `executable_path` points at
/usr/bin/chromium (set-up installs Debian's `chromium` for `make test`). The page's CSP forbids
string evaluation, so waiting is done by polling `window.closerEvents` with `page.evaluate`
(which the CSP does not govern), never with `wait_for_function`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
CLOSER = ROOT / ".venv" / "bin" / "closer"
# The flags of a quiet, offline Chromium (no update checks, no sync) plus the fake media stream.
QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage"]


def fake_mic_flags(wav: Path) -> list[str]:
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop"]


def write_answer(samples_16k: np.ndarray, out: Path, lead_s: float, tail_s: float = 6.0) -> Path:
    """The fake mic's file: `lead_s` of silence (the interviewer speaks meanwhile), the answer,
    then silence so the turn can end."""
    import wave

    lead = np.zeros(int(lead_s * 16000), dtype=np.float32)
    tail = np.zeros(int(tail_s * 16000), dtype=np.float32)
    audio = np.concatenate([lead, np.asarray(samples_16k, dtype=np.float32), tail])
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return out


class WebServer:
    """`closer web --no-browser --port 0` in a subprocess, with its own data dir."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.env = {**(env or os.environ), "CLOSER_DATA_DIR": str(data_dir)}
        self.proc = subprocess.Popen(
            [str(CLOSER), "web", "--no-browser", "--port", "0", *args], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=self.env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", line)
        if not found:
            self.proc.kill()
            raise RuntimeError(f"closer web printed {line!r}; stderr: {self.proc.stderr.read()}")
        self.url = found.group(0)
        self.port = int(found.group(1))
        self.token = found.group(2)

    def api(self, path: str) -> Any:
        sep = "&" if "?" in path else "?"
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}{sep}token={self.token}",
                                    timeout=10) as resp:
            return json.load(resp)

    def wait_ready(self, timeout_s: float = 180.0) -> float:
        """Seconds until the voice and the speech model are loaded."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise RuntimeError(f"closer web exited: {self.proc.stderr.read()}")
            if self.api("/api/config")["ready"]:
                return time.monotonic() - t0
            time.sleep(0.2)
        raise TimeoutError("closer web did not get ready")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a user stops it: (exit code, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err


@contextmanager
def browser_page(fake_mic: Path | None, requests: list[str] | None = None) -> Iterator[Any]:
    """A fresh headless Chromium page (new profile), the fake mic playing `fake_mic`."""
    from playwright.sync_api import sync_playwright

    flags = QUIET_FLAGS + (fake_mic_flags(fake_mic) if fake_mic is not None else [])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=flags)
        try:
            page = browser.new_page()
            if requests is not None:
                page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: print(f"page console: {m.text}", file=sys.stderr))
            yield page
        finally:
            browser.close()


def wait_for_event(page: Any, kind: str, timeout_s: float) -> list[dict[str, Any]]:
    """Poll `window.closerEvents` until an event of `kind`; returns them all."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        events = page.evaluate("window.closerEvents")
        if any(e.get("event") == kind for e in events):
            return events
        message = page.evaluate("document.getElementById('message').hidden ? '' : "
                                "document.getElementById('message').textContent")
        if message:
            raise AssertionError(f"the page says: {message}")
        time.sleep(0.1)
    raise TimeoutError(f"no {kind} event in {timeout_s} s: {page.evaluate('window.closerEvents')}")
