"""The page against the CLI, side by side in one run: end of speech -> verdict, and page load.

For each paused Piper answer that ends in a trial close (tests/speech_fixtures.py), alternately:
- the CLI: `closer drill --once --json` in a private PulseAudio room, the answer played into it
  when "listening" comes (scripts/bench_live.py's one_run, Piper interviewer, voice cache warm);
  speech end = the first loud block on the room's monitor + the answer's spoken length;
- the page: one `closer web` server for the bench, a fresh headless Chromium per answer whose
  fake mic plays the same answer after a lead of silence (tests/web_browser.py); speech end = the
  first loud 32 ms block the page's worklet saw after "listening" + the same spoken length; the
  verdict = the "result" event's arrival in the page (window.closerTimes).
Both measure the same thing the same way (first loud sound + known length -> result), so the
difference is the page's own cost: the socket, the browser's audio path. Goal: at most 0.1 s
more than the CLI (median).

Page load to interactive: navigation start -> the page's `closer-interactive` mark (init done,
every control bound), and the browser's own domInteractive.

    .venv/bin/python scripts/bench_web.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_live  # noqa: E402
import speech_fixtures  # noqa: E402
from closer.turn.reading import read  # noqa: E402
from pulse import PulseRoom, RoomRecorder  # noqa: E402
from web_browser import WebServer, browser_page, wait_for_event, write_answer  # noqa: E402

LEAD_S = 8.5
GOAL_EXTRA_S = 0.1


def spoken_s(clip: speech_fixtures.Clip) -> float:
    parts = clip.record["offsets"]["parts"]
    return (parts[-1][1] - parts[0][0]) / 16000


def page_run(server: WebServer, clip: speech_fixtures.Clip, folder: Path) -> dict[str, float]:
    with wave.open(str(clip.path), "rb") as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2") / 32768.0
    wav = write_answer(samples, folder / f"{clip.id}.wav", LEAD_S)
    with browser_page(wav) as page:
        page.goto(server.url)
        loaded = page.evaluate(
            "({mark: performance.getEntriesByName('closer-interactive')[0].startTime,"
            " dom: performance.getEntriesByType('navigation')[0].domInteractive})")
        page.get_by_label("Round").select_option(clip.record["round"])
        page.get_by_label("Mode").select_option("once")
        page.get_by_role("button", name="Start drill").click()
        events = wait_for_event(page, "result", timeout_s=120)
        times = page.evaluate("window.closerTimes")
        loud = page.evaluate("window.closerLoudAt")
    i = next(k for k, e in enumerate(events) if e["event"] == "result")
    out = {"interactive_ms": loaded["mark"], "dom_ms": loaded["dom"]}
    if loud is not None:
        out["latency_s"] = (times[i] - loud) / 1000 - spoken_s(clip)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=6, help="answers ending in a trial close")
    args = ap.parse_args()
    clips = [c for c in speech_fixtures.paused_clips("piper")
             if c.record["ends_with"] == "question"
             and read(c.record["text"]).ask == "trial_close"][:args.runs]
    rows = []
    with tempfile.TemporaryDirectory(prefix="closer-bench-web-") as tmp:
        tmpdir = Path(tmp)
        cache = tmpdir / "warm-piper"
        print(bench_live.warm_cache(cache, "piper"), flush=True)
        room = PulseRoom.start(tmpdir / "pulse")
        monitor = RoomRecorder(room, loud_dbfs=bench_live.LOUD_DBFS)
        time.sleep(bench_live.ROOM_WAKE_S)
        server = WebServer(tmpdir / "web-data", env={**room.env(),
                                                     "CLOSER_VOICE_CACHE": str(cache)})
        try:
            print(f"closer web ready in {server.wait_ready():.1f} s", flush=True)
            for i, clip in enumerate(clips):
                cli = bench_live.one_run(room, monitor, clip, i, tmpdir, "piper", cache)
                web = page_run(server, clip, tmpdir)
                row = {"id": clip.id, "cli": cli.get("latency_s"), "page": web.get("latency_s"),
                       "cut": bool(cli.get("cut_off")), **web}
                rows.append(row)
                print(f"{clip.id:10s} speech end -> verdict: CLI {bench_live._f(row['cli'])} s"
                      f"  page {bench_live._f(row['page'])} s   page interactive "
                      f"{row['interactive_ms']:.0f} ms", flush=True)
        finally:
            server.stop()
            monitor.stop()
            room.stop()
    pairs = [(r["cli"], r["page"]) for r in rows
             if isinstance(r["cli"], float) and isinstance(r["page"], float) and not r["cut"]]
    if not pairs:
        print("no complete pair")
        return 1
    cli_m = statistics.median(p[0] for p in pairs)
    page_m = statistics.median(p[1] for p in pairs)
    extra = statistics.median(p[1] - p[0] for p in pairs)
    inter = [r["interactive_ms"] for r in rows]
    print(f"\nspeech end -> verdict, median of {len(pairs)}: CLI {cli_m:.2f} s, "
          f"page {page_m:.2f} s; page - CLI per answer: median {extra:+.2f} s "
          f"(goal <= +{GOAL_EXTRA_S:.1f} s) {'PASS' if extra <= GOAL_EXTRA_S else 'FAIL'}")
    print(f"page load -> interactive: median {statistics.median(inter):.0f} ms "
          f"(domInteractive {statistics.median(r['dom_ms'] for r in rows):.0f} ms)")
    return 0 if extra <= GOAL_EXTRA_S else 1


if __name__ == "__main__":
    sys.exit(main())
