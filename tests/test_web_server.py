"""The page's server through Starlette's test client: the token, Host and Origin checks, body
limits, the headers, the history endpoints, and a drill over the WebSocket with the real flow,
listening, rubric and history (fakes only for the voice, Whisper and the voice detector)."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest
from starlette.testclient import TestClient

from closer.history.store import Attempt, open_history
from closer.web.app import make_app
from closer.web.runner import Drills
from closer.web.security import WebSettings, content_security_policy, host_ok, origin_ok
from web_fakes import fake_deps, pcm, services

PORT = 8799
TOKEN = "test-token-0123456789"
BASE = f"http://127.0.0.1:{PORT}"


def _attempt(score: int = 70, audio: bool = True) -> Attempt:
    checks = {"next_step": {"passed": True, "evidence": "what's next", "tip": None},
              "trial_close": {"passed": score > 50, "evidence": None, "tip": "Ask."},
              "confident_tone": {"passed": True, "evidence": None, "tip": None}}
    return Attempt(created_at="2026-12-01T10:00:00+00:00", mode="drill", round="first",
                   exchange=[], transcript="what's next?", checks=checks, delivery=None,
                   score=score, passed=score > 50, order_ok=True, extra={},
                   audio=np.zeros(1600, dtype=np.float32) + 0.1 if audio else None)


@pytest.fixture()
def history(tmp_path):
    h = open_history(tmp_path / "data")
    yield h
    h.close()


@pytest.fixture()
def client(history):
    svc = services(history)
    app = make_app(WebSettings(port=PORT, token=TOKEN, max_body_bytes=1024), svc,
                   Drills(svc, make_deps=fake_deps))
    with TestClient(app, base_url=BASE) as c:
        yield c


def q(path: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}token={TOKEN}"


# ---- the pure checks ------------------------------------------------------------------------

@pytest.mark.parametrize(("host", "ok"), [
    (f"127.0.0.1:{PORT}", True), (f"localhost:{PORT}", True), (f"LOCALHOST:{PORT}", True),
    ("127.0.0.1", False), (f"evil.example:{PORT}", False), (f"127.0.0.1:{PORT + 1}", False),
    ("", False), (None, False), (f"192.168.1.5:{PORT}", False)])
def test_host_check(host, ok):
    assert host_ok(host, PORT) is ok


@pytest.mark.parametrize(("origin", "ok"), [
    (f"http://127.0.0.1:{PORT}", True), (f"http://localhost:{PORT}", True),
    (f"https://127.0.0.1:{PORT}", False), ("http://evil.example", False), ("null", False),
    (None, False), (f"http://127.0.0.1:{PORT}.evil.example", False)])
def test_origin_check(origin, ok):
    assert origin_ok(origin, PORT) is ok


def test_csp_allows_only_this_origin():
    csp = content_security_policy(PORT)
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert re.findall(r"(?:https?|wss?)://[^\s;]+", csp) == [
        f"ws://127.0.0.1:{PORT}", f"ws://localhost:{PORT}"]


# ---- token, host, limits, headers ------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/config", "/api/attempts",
                                  "/api/export?format=csv", "/api/progress.svg"])
def test_every_route_needs_the_token(client, path):
    assert client.get(path).status_code == 403
    assert client.get(path + ("&" if "?" in path else "?") + "token=wrong").status_code == 403


def test_token_in_a_header_works(client):
    assert client.get("/api/config", headers={"x-closer-token": TOKEN}).status_code == 200


def test_other_host_refused(client):
    r = client.get(q("/"), headers={"host": "evil.example"})
    assert r.status_code == 403
    assert "127.0.0.1 or localhost" in r.text


def test_page_has_the_token_and_headers(client):
    r = client.get(q("/"))
    assert r.status_code == 200
    assert TOKEN in r.text and "__TOKEN__" not in r.text
    assert r.headers["content-security-policy"] == content_security_policy(PORT)
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_page_loads_nothing_from_elsewhere(client):
    for name in ("", "static/app.js", "static/style.css", "static/mic-worklet.js"):
        body = client.get(q(f"/{name}")).text
        assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", body), name
        assert "@import" not in body and "fonts.googleapis" not in body


def test_automation_contract_in_the_page(client):
    html = client.get(q("/")).text
    assert re.search(r"<button id=\"start\" type=\"button\">Start drill</button>", html)
    assert re.search(r"<label for=\"round\">Round</label>\s*<select id=\"round\"", html)
    assert re.findall(r"<option value=\"(\w+)\">", html)[:3] == ["first", "second", "final"]
    assert "window.closerEvents = []" in client.get(q("/static/app.js")).text


@pytest.mark.parametrize("name", ["../app.py", "..%2F__init__.py", "nope.js", "index.py"])
def test_static_serves_only_its_files(client, name):
    assert client.get(q(f"/static/{name}")).status_code == 404


def test_body_limit(client, history):
    history.add(_attempt())
    r = client.request("DELETE", q("/api/attempts/1"), content=b"x" * 2048)
    assert r.status_code == 413
    assert len(history.all()) == 1  # nothing was done


# ---- history ------------------------------------------------------------------------------

def test_history_endpoints(client, history):
    first = history.add(_attempt(80))
    second = history.add(_attempt(40, audio=False))
    rows = client.get(q("/api/attempts")).json()
    assert [r["id"] for r in rows] == [second, first]
    assert rows[1]["checks"] == {"next_step": True, "trial_close": True, "confident_tone": True}
    assert rows[1]["has_audio"] and not rows[0]["has_audio"]
    assert rows[0]["scenario"] is None  # the page's Scenario column shows a dash
    one = client.get(q(f"/api/attempts/{first}")).json()
    assert one["score"] == 80 and "audio_path" not in one
    wav = client.get(q(f"/api/attempts/{first}/audio"))
    assert wav.status_code == 200 and wav.content[:4] == b"RIFF"
    assert client.get(q(f"/api/attempts/{second}/audio")).status_code == 404
    csv = client.get(q("/api/export?format=csv"))
    assert csv.status_code == 200 and csv.text.count("\n") >= 3
    assert "attachment" in csv.headers["content-disposition"]
    assert len(json.loads(client.get(q("/api/export?format=json")).text)) == 2
    assert client.get(q("/api/export?format=xml")).status_code == 400
    svg = client.get(q("/api/progress.svg"))
    assert svg.status_code == 200 and svg.text.lstrip().startswith("<?xml")
    assert not re.search(r"href=\"(?:https?:)?//", svg.text)


def test_delete_removes_row_and_recording(client, history):
    attempt_id = history.add(_attempt())
    wav = history.get(attempt_id).audio_path
    assert wav is not None and wav.exists()
    assert client.delete(q(f"/api/attempts/{attempt_id}")).json() == {"deleted": attempt_id}
    assert not wav.exists() and history.all() == []
    assert client.delete(q(f"/api/attempts/{attempt_id}")).status_code == 404


@pytest.mark.parametrize("bad", ["0", "-1", "abc", str(2**63), "1.5"])
def test_attempt_ids_checked(client, bad):
    assert client.get(q(f"/api/attempts/{bad}")).status_code == 404
    assert client.delete(q(f"/api/attempts/{bad}")).status_code in (404, 405)


def test_progress_without_attempts_says_so(client):
    r = client.get(q("/api/progress.svg"))
    assert r.status_code == 404 and "first drill" in r.json()["error"]


# ---- the drill socket ---------------------------------------------------------------------

HOST = {"host": f"127.0.0.1:{PORT}"}  # the test client's sockets say "testserver"
ORIGIN = {"origin": BASE, **HOST}


def test_socket_needs_origin_and_token(client):
    from starlette.websockets import WebSocketDisconnect

    for path, headers, why in [
            (q("/ws"), {"origin": "http://evil.example", **HOST}, "own page"),
            (q("/ws"), HOST, "own page"), ("/ws?token=wrong", ORIGIN, "token"),
            (q("/ws"), {"origin": BASE, "host": "evil.example"}, "127.0.0.1")]:
        with pytest.raises(WebSocketDisconnect) as err, \
                client.websocket_connect(path, headers=headers) as ws:
            ws.receive_text()
        assert err.value.code == 1008 and why in err.value.reason


def _events_until(ws, kinds, feed=None, limit=400):
    """Receive until an event of `kinds`; answer each line played; `feed(event)` on listening."""
    seen = []
    pending = None
    for _ in range(limit):
        message = ws.receive()
        if message.get("bytes") is not None:
            assert message["bytes"][:4] == b"RIFF"
            ws.send_text(json.dumps({"type": "played", "id": pending["id"]}))
            continue
        event = json.loads(message["text"])
        seen.append(event)
        if event["event"] == "play":
            pending = event
        if event["event"] == "listening" and feed is not None:
            feed(ws)
        if event["event"] in kinds:
            return seen
        if event["event"] in ("error", "ended"):  # nothing more will come: fail, do not hang
            raise AssertionError(f"no {kinds} before {event} in {seen}")
    raise AssertionError(f"no {kinds} in {seen}")


def _speak(ws, seconds=1.0, level=0.3, trailing_s=3.5):
    ws.send_bytes(pcm(0.3, 0.0))
    ws.send_bytes(pcm(seconds, level))
    for _ in range(int(trailing_s / 0.25)):
        ws.send_bytes(pcm(0.25, 0.0))


def test_a_drill_over_the_socket_is_scored_and_saved(client, history):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"type": "start", "round": "first", "mode": "drill",
                                 "once": True, "seed": 3}))
        seen = _events_until(ws, {"ended"}, feed=_speak)
    kinds = [e["event"] for e in seen]
    assert kinds.index("say") < kinds.index("listening") < kinds.index("heard") \
        < kinds.index("result")
    result = next(e for e in seen if e["event"] == "result")
    assert result["checks"]["next_step"]["passed"] and result["checks"]["trial_close"]["passed"]
    assert result["attempt_id"] is not None
    stored = history.get(result["attempt_id"])
    assert stored.transcript == result["transcript"] and stored.audio_path is not None
    assert any(e["event"] == "status" and e["state"] == "hearing" for e in seen)
    assert seen[-1] == {"event": "ended", "ended": "complete", "saved": 1}


def test_audio_while_the_interviewer_speaks_is_dropped(client, history):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"type": "start", "once": True}))
        message = json.loads(ws.receive_text())
        while message["event"] != "play":
            message = json.loads(ws.receive_text())
        ws.receive_bytes()
        ws.send_bytes(pcm(1.0, 0.3))  # the candidate talks over the interviewer's line
        time.sleep(0.2)
        ws.send_text(json.dumps({"type": "played", "id": message["id"]}))
        seen = _events_until(ws, {"ended"}, feed=_speak)
    result = next(e for e in seen if e["event"] == "result")
    heard = history.get(result["attempt_id"])
    # only the answer after "listening" was recorded (1 s of tone plus a little padding)
    assert heard.audio_path is not None


def test_done_button_ends_the_answer(client):
    def speak_then_done(ws):
        ws.send_bytes(pcm(1.0, 0.3))
        ws.send_text(json.dumps({"type": "done"}))
        for _ in range(4):
            ws.send_bytes(pcm(0.25, 0.3))  # still sound: only Done can end it this soon

    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"type": "start", "once": True}))
        t0 = time.monotonic()
        seen = _events_until(ws, {"result"}, feed=speak_then_done)
    assert any(e["event"] == "heard" for e in seen)
    assert time.monotonic() - t0 < 10


@pytest.mark.parametrize(("message", "sentence"), [
    ({"type": "start", "round": "fourth"}, "Round must be one of first, second, final."),
    ({"type": "start", "mode": "karaoke"},
     "Mode must be one of drill, once, rehearse, hands_free."),
    ({"type": "start", "mode": "rehearse", "time_limit_s": 2},
     "The answer time limit must be 10 to 300 seconds."),
    ({"type": "start", "minutes": "ten"}, "Minutes must be a number."),
])
def test_bad_start_gets_one_sentence(client, message, sentence):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps(message))
        assert json.loads(ws.receive_text()) == {"event": "error", "text": sentence}
        ws.send_text("not json")
        assert json.loads(ws.receive_text())["event"] == "error"


def test_second_tab_is_told_a_drill_runs(client):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as one, \
            client.websocket_connect(q("/ws"), headers=ORIGIN) as two:
        one.send_text(json.dumps({"type": "start", "once": True}))
        assert json.loads(one.receive_text())["event"] in ("play", "say")
        two.send_text(json.dumps({"type": "start", "once": True}))
        reply = json.loads(two.receive_text())
        assert reply["event"] == "error" and "another tab" in reply["text"]
        _events_until(one, {"ended"}, feed=_speak)


def test_socket_dropped_mid_answer_keeps_the_answer(client, history):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"type": "start", "once": True}))
        _events_until(ws, {"listening"})
        ws.send_bytes(pcm(0.3, 0.0))
        ws.send_bytes(pcm(1.5, 0.3))
        time.sleep(0.3)
    deadline = time.monotonic() + 10
    while not history.all() and time.monotonic() < deadline:
        time.sleep(0.1)
    saved = history.all()
    assert len(saved) == 1 and saved[0].extra["ended"] == "device_error"
    assert saved[0].transcript  # what was said before the page went is scored


def test_stop_ends_the_session(client, history):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"type": "start"}))
        _events_until(ws, {"listening"})
        ws.send_text(json.dumps({"type": "stop"}))
        for _ in range(4):
            ws.send_bytes(pcm(0.25, 0.0))
        seen = _events_until(ws, {"ended"})
    assert seen[-1]["ended"] == "stopped" and history.all() == [], seen


# ---- the scenario form ---------------------------------------------------------------------

SCENARIO = '''company = "Acme"
role = "data engineer"
weak_spots = ["no production Kubernetes"]
'''


def test_a_scenario_drill_is_that_interview(client, history):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"type": "start", "once": True, "seed": 1,
                                 "scenario": SCENARIO}))
        seen = _events_until(ws, {"ended"}, feed=_speak)
    first_line = next(e for e in seen if e["event"] == "say")["text"]
    assert "Acme" in first_line or "data engineer" in first_line, first_line
    result = next(e for e in seen if e["event"] == "result")
    assert result["scenario"] and "Acme" in result["scenario"]


def test_a_malformed_scenario_gets_one_sentence(client):
    with client.websocket_connect(q("/ws"), headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"type": "start", "scenario": 'company = "Acme\nrole = 3\n'}))
        reply = json.loads(ws.receive_text())
    assert reply["event"] == "error" and "scenario form" in reply["text"]
    assert reply["text"].count("\n") == 0


def test_scenario_from_a_pasted_job_ad(client):
    job = ("Data Engineer at Acme Analytics\n\nRequirements:\n- 3+ years of Python\n"
           "- Production experience with Kubernetes\n- SQL and Airflow\n")
    r = client.post(q("/api/scenario"), json={"job": job, "resume": "I write Python and SQL."})
    assert r.status_code == 200, r.text
    toml = r.json()["toml"]
    assert "Kubernetes" in toml
    from closer.scenario import load_scenario_text

    assert load_scenario_text(toml, "echo").role
    assert client.post(q("/api/scenario"), json={"job": " "}).status_code == 400
    assert client.post(q("/api/scenario"), content=b"{not json",
                       headers={"content-type": "application/json"}).status_code == 400


# ---- the page's modes are the CLI's ----------------------------------------------------------

def _settings(message):
    from closer.web.runner import parse_start, session_settings

    return session_settings(parse_start(message), save_audio=True)


def test_modes_map_to_the_cli_sessions():
    drill, limit = _settings({"round": "second"})
    assert (drill.mode, drill.round, drill.max_drills, drill.once, limit) == (
        "drill", "second", 1, False, None)
    once, _ = _settings({"mode": "once"})
    assert once.once and once.max_drills == 1
    rehearse, limit = _settings({"mode": "rehearse", "time_limit_s": 30})
    assert (rehearse.mode, rehearse.cycle_rounds, rehearse.max_drills, limit) == (
        "rehearse", True, 3, 30.0)
    timed, _ = _settings({"mode": "rehearse", "minutes": 5})
    assert timed.max_drills is None and timed.minutes == 5.0
    hands_free, _ = _settings({"mode": "hands_free"})
    assert hands_free.hands_free and hands_free.max_drills is None
    pinned, _ = _settings({"mode": "rehearse", "round": "first",
                           "scenario": 'round = "final"\ncompany = "Acme"\n'})
    assert pinned.round == "final" and not pinned.cycle_rounds
    assert pinned.scenario is not None and pinned.scenario.company == "Acme"


@pytest.fixture
def page_mic():
    """A page microphone (0.5 s gap) and the sink that arms it, on an event loop of their own
    (the sink only queues events on it; nothing here runs the loop)."""
    import asyncio

    from closer.web.bridge import Outbox, PageMicrophone, PageSink

    loop = asyncio.new_event_loop()
    mic = PageMicrophone(gap_s=0.5)
    yield mic, PageSink(Outbox(loop), mic)
    loop.close()


def test_audio_sent_on_listening_is_kept_before_the_mic_is_read(page_mic):
    """The page sends the answer as soon as it reads "listening"; on a busy machine that can be
    before the engine's thread calls chunks(). Those blocks belong to the answer; blocks while
    the interviewer speaks (before "listening") do not. Done takes effect in its place among
    the blocks: what was sent before it is still heard."""
    mic, sink = page_mic
    mic.feed(pcm(0.5, 0.3))  # over the interviewer: dropped
    sink.listening()
    mic.feed(pcm(1.0, 0.3))
    mic.press_done()
    mic.feed(pcm(0.5, 0.3))
    assert mic.blocks_dropped == 1 and not mic.done_pressed()
    got = []
    for chunk in mic.chunks():
        got.append(chunk)
        if mic.done_pressed():
            break
    assert 16_000 <= sum(c.size for c in got) < 16_000 + 2 * 512  # the second, then Done
    mic.close()
    mic.fail("The page went away.")
    with pytest.raises(Exception, match="The page went away"):
        list(mic.chunks())


def test_a_page_gone_after_sending_its_answer_still_gives_the_answer(page_mic):
    mic, sink = page_mic
    sink.listening()
    mic.feed(pcm(1.0, 0.3))
    mic.fail("The page went away.")  # before the engine read a block
    got = []
    with pytest.raises(Exception, match="The page went away"):
        for chunk in mic.chunks():
            got.append(chunk)
    assert sum(c.size for c in got) >= 16_000 - 512
