"""`closer score`'s read-ahead: files read two at a time, lines in the order given."""

from __future__ import annotations

import threading
import time

import pytest

from closer.commands.score import UnreadableText, _workers, read_in_order
from closer.errors import AudioDecodeError, ModelError
from closer.types import Transcript


def _reader(delays: dict[str, float], running: list[int], peak: list[int]):
    lock = threading.Lock()

    def read(name: str) -> tuple[Transcript, None]:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(delays.get(name, 0.01))
            if name.startswith("bad"):
                raise AudioDecodeError(f"{name} cannot be decoded as audio.")
            if name.startswith("empty"):
                raise UnreadableText(f"{name} is empty.")
            if name == "model":
                raise ModelError("The model could not be loaded.")
            return Transcript(text=name), None
        finally:
            with lock:
                running[0] -= 1

    return read


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_lines_come_in_the_order_given_whatever_finishes_first(workers: int) -> None:
    names = ["slow", "a", "bad.wav", "b", "empty.txt", "c"]
    running, peak = [0], [0]
    out = list(read_in_order(names, _reader({"slow": 0.2}, running, peak), workers))
    assert [n for n, _ in out] == names
    assert [o[0].text for n, o in out if isinstance(o, tuple)] == ["slow", "a", "b", "c"]
    assert isinstance(out[2][1], AudioDecodeError) and isinstance(out[4][1], UnreadableText)
    assert peak[0] <= workers


def test_two_workers_really_overlap() -> None:
    running, peak = [0], [0]
    start = time.perf_counter()
    list(read_in_order(["a", "b", "c", "d"], _reader({n: 0.15 for n in "abcd"}, running, peak), 2))
    assert peak[0] == 2 and time.perf_counter() - start < 0.5  # 4 x 0.15 s in two lanes


def test_an_error_that_is_not_the_files_own_is_raised_at_its_turn() -> None:
    got = []
    with pytest.raises(ModelError):
        for name, _ in read_in_order(["a", "model", "b"], _reader({}, [0], [0]), 2):
            got.append(name)
    assert got == ["a"]


@pytest.mark.parametrize(("files", "cores", "expected"), [
    (["a.wav", "b.wav"], 2, 2), (["a.wav"], 2, 1), (["a.txt", "b.txt", "c.wav"], 2, 1),
    (["a.wav", "b.m4a"], 1, 1), (["-", "a.wav", "b.flac"], 4, 2)])
def test_two_readers_only_for_two_audio_files_on_two_cores(
        monkeypatch: pytest.MonkeyPatch, files: list[str], cores: int, expected: int) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    assert _workers(files) == expected


def test_a_read_still_running_stops_at_its_next_part_once_the_command_ends() -> None:
    """Ctrl-C or a model error ends the command: a reader in the middle of a long recording
    must not keep the process alive to its end."""
    from closer.commands.score import _Cancelled, _Scorer
    from closer.settings import TranscriberSettings

    scorer = _Scorer(TranscriberSettings())
    scorer.cancelled.set()
    with pytest.raises(_Cancelled):
        scorer.transcribe(None)
