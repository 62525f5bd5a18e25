"""Record what the turn decision sees on the paused natural-voice answers, for tests.

Each paused fixture (tests/speech_fixtures.py, both voices) is replayed through `listen()` with
the real Silero VAD and the bundled model in lockstep (tests/live_replay.py); the VAD trace, the
running transcripts and the measured endings go to tests/data/turn_traces.json with where the
answer's last words end. tests/test_turn_traces.py replays them through the pure decision with
no audio and no model. Re-run after a change to the listening path:

    .venv/bin/python scripts/record_turn_traces.py
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import speech_fixtures  # noqa: E402
from live_replay import replay  # noqa: E402

OUT = ROOT / "tests" / "data" / "turn_traces.json"


def main() -> int:
    from closer.audio.decode import load_audio
    from closer.settings import TranscriberSettings
    from closer.speech.transcriber import load_transcriber

    transcriber = load_transcriber(TranscriberSettings())
    rows = []
    for clip in speech_fixtures.paused_clips():
        ans = replay(load_audio(clip.path), transcriber)
        assert ans.trace is not None
        trace = dataclasses.asdict(ans.trace)
        trace["probs"] = [round(p, 4) for p in trace["probs"]]
        rows.append({"id": clip.id, "text": clip.record["text"],
                     "ends_with": clip.record["ends_with"],
                     "last_word_end_s": clip.record["offsets"]["parts"][-1][1] / 16000,
                     "heard": ans.transcript.text, "trace": trace})
        print(f"{clip.id}: {ans.ended_by} after {ans.silence_waited_s:.2f} s", flush=True)
    OUT.write_text(json.dumps({"description": __doc__.splitlines()[0], "traces": rows},
                              indent=None, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
