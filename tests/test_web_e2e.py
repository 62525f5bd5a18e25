"""The page end to end: `closer web` in a subprocess, headless Chromium (Debian's) with a fake
mic playing a paused Piper answer, the real voice, Whisper, listening and rubric.

The answer (p12, final round: "Given everything we've talked about, | are you comfortable
recommending me for the offer, and | what would the timeline look like after that?", thinking
pauses after a dangling clause and after a conjunction) starts after a lead of silence long
enough for the interviewer's wrap-up line to play first; audio the page sends while the
interviewer speaks is dropped by the server.
"""

from __future__ import annotations

import subprocess
import time
import wave

import numpy as np
import pytest

import speech_fixtures
from web_browser import CHROMIUM, CLOSER, WebServer, browser_page, wait_for_event, write_answer

pytestmark = pytest.mark.model

LEAD_S = 8.5  # Start -> wrap-up line made and played (about 3 s of speech) -> listening


def _clip(clip_id: str) -> tuple[np.ndarray, dict]:
    clip = next(c for c in speech_fixtures.paused_clips("piper") if c.id == clip_id)
    with wave.open(str(clip.path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return data.astype(np.float32) / 32768.0, clip.record


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory):
    samples, record = _clip("p12-piper")
    out = tmp_path_factory.mktemp("fake-mic") / "answer.wav"
    return write_answer(samples, out, LEAD_S), record


def test_page_drill_end_to_end(answer_wav, tmp_path):
    assert CHROMIUM.exists(), "set-up installs Debian's chromium for make test"
    wav, record = answer_wav
    server = WebServer(tmp_path / "data", "--round", "final")
    requests: list[str] = []
    try:
        server.wait_ready()
        with browser_page(wav, requests) as page:
            page.goto(server.url)
            assert page.get_by_label("Round").input_value() == "final"
            page.get_by_label("Mode").select_option("once")
            _press_start_with_the_keyboard(page)
            events = wait_for_event(page, "result", timeout_s=150)
            page.get_by_text("Trial close", exact=True).wait_for()
            page.screenshot(path=str(tmp_path / "verdict.png"), full_page=True)
            card = page.locator("#card").inner_text()
            marks = page.locator("#card mark").all_inner_texts()
            time.sleep(0.5)
            rows = server.api("/api/attempts")
    finally:
        code, err = server.stop()
    kinds = [e["event"] for e in events]
    assert kinds[:2] == ["say", "listening"], kinds
    heard = [e for e in events if e["event"] == "heard"]
    assert len(heard) == 1, "one answer: the thinking pauses did not end it"
    result = next(e for e in events if e["event"] == "result")
    transcript = result["transcript"].lower()
    assert "offer" in transcript and "timeline" in transcript, transcript  # not cut
    assert events[0]["text"].lower().split()[0] not in transcript.split()[:1]  # no interviewer
    assert record["trial_close"] and record["next_step"], record
    assert result["checks"]["trial_close"]["passed"], result
    assert result["checks"]["next_step"]["passed"], result
    assert result["round"] == "final"
    assert "Trial close" in card and "Confident tone" in card and "/100" in card
    assert any("offer" in m.lower() for m in marks), marks
    assert (tmp_path / "verdict.png").stat().st_size > 10_000
    # the same history as the CLI's
    assert [r["id"] for r in rows] == [result["attempt_id"]]
    listed = subprocess.run([str(CLOSER), "history"], capture_output=True, text=True,
                            env=server.env, timeout=60)
    assert listed.returncode == 0 and f"{result['attempt_id']}" in listed.stdout
    # nothing but this server was asked for anything
    local = (f"http://127.0.0.1:{server.port}/", f"ws://127.0.0.1:{server.port}/", "data:")
    assert requests and all(u.startswith(local) for u in requests), requests
    # Ctrl-C stops it cleanly
    assert code == 0, err
    assert "Traceback" not in err


def _press_start_with_the_keyboard(page) -> None:
    """Tab from the top of the page to Start drill, then Enter (keyboard only works)."""
    page.locator("body").focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "start":
            break
    assert page.evaluate("document.activeElement.textContent") == "Start drill"
    page.keyboard.press("Enter")


def test_server_stopped_under_an_open_page(answer_wav, tmp_path):
    """Ctrl-C on the server while the page listens: the page says so in one sentence, and
    the controls come back."""
    wav, _ = answer_wav
    server = WebServer(tmp_path / "data")
    try:
        server.wait_ready()
        with browser_page(wav) as page:
            page.goto(server.url)
            page.get_by_role("button", name="Start drill").click()
            wait_for_event(page, "listening", timeout_s=90)
            code, _ = server.stop()
            message = page.locator("#message")
            message.wait_for(state="visible", timeout=20_000)
            text = message.inner_text()
            assert page.get_by_role("button", name="Start drill").is_enabled()
    finally:
        server.stop()
    assert "connection to closer was lost" in text and "saved" in text, text
    assert code == 0


def test_page_with_mic_permission_denied(tmp_path):
    """No fake-UI flag: headless Chromium denies the mic; the page says so in one sentence."""
    server = WebServer(tmp_path / "data")
    try:
        from playwright.sync_api import sync_playwright

        from web_browser import QUIET_FLAGS

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                        args=[*QUIET_FLAGS, "--deny-permission-prompts"])
            page = browser.new_page()
            page.goto(server.url)
            page.get_by_role("button", name="Start drill").click()
            message = page.locator("#message")
            message.wait_for(state="visible", timeout=30_000)
            text = message.inner_text()
            assert page.get_by_role("button", name="Start drill").is_enabled()
            browser.close()
    finally:
        code, _ = server.stop()
    assert "microphone" in text.lower() and text.count(".") <= 2, text
    assert code == 0
