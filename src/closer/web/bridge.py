"""The page's Microphone, Speaker and EventSink: the drill flow's seams, over one WebSocket.

The drill runs in a worker thread (the engine blocks, as it does at the desk mic); the socket
lives in the server's event loop. Between them:
- `Outbox`: the worker's messages to the page, put on the loop's queue in order
  (`call_soon_threadsafe`), sent by one task so they never interleave.
- `PageMicrophone`: blocks of 16-bit PCM from the page's AudioWorklet (16 kHz mono) come in by
  `feed()` from the loop; `chunks()` yields them as 512-sample float32 chunks. Half-duplex: audio
  is kept only between `chunks()` and `close()`, so what the mic heard while the interviewer
  spoke is dropped. A dropped socket, a page that stops sending, or a mic the page could not
  open ends the stream with `DeviceError`, which the flow handles as at the desk (the answer so
  far is kept and scored).
- `PageSpeaker`: renders the line with the CLI's voice (`closer.speech.tts.Speech`), sends it as
  a WAV, and returns when the page reports it has finished playing it (or after its length plus
  a margin, or at once when the page is gone) - the same contract as a desk speaker's `say`.
- `PageSink`: the events of `closer drill --json`, the same objects, plus the listening status
  (state, level, elapsed and left, the running transcript) for the page's live view.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from closer.drill.events import DictSink
from closer.errors import DeviceError
from closer.interfaces import CHUNK_SAMPLES

if TYPE_CHECKING:
    import numpy as np

    from closer.turn.listen import ListenStatus

_LOGGER = logging.getLogger(__name__)

AUDIO_GAP_S = 3.0  # no mic audio from the page this long while listening: its mic has stopped
PLAY_MARGIN_S = 5.0  # a line not reported played after its length plus this: carry on


class Outbox:
    """Messages from any thread to the page, in order: dicts (JSON) and bytes (binary)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.queue: asyncio.Queue[dict[str, Any] | bytes | None] = asyncio.Queue()
        self.closed = threading.Event()

    def put(self, message: dict[str, Any] | bytes) -> None:
        if self.closed.is_set():
            return
        try:
            self._loop.call_soon_threadsafe(self.queue.put_nowait, message)
        except RuntimeError:  # the loop has stopped: the server is going down
            self.closed.set()

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(RuntimeError):  # the loop has stopped already
            self._loop.call_soon_threadsafe(self.queue.put_nowait, None)


def pcm16_to_float(data: bytes) -> np.ndarray:
    import numpy as np

    usable = len(data) - len(data) % 2
    return np.frombuffer(data[:usable], dtype="<i2").astype(np.float32) / 32768.0


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """16-bit mono WAV of float samples in [-1, 1], in memory."""
    from closer.audio.decode import write_wav

    buf = io.BytesIO()
    write_wav(buf, samples, rate)
    return buf.getvalue()


class Stopped(KeyboardInterrupt):
    """Stop in the page: the session ends as Ctrl-C ends it at the terminal (finished attempts
    saved, the drill under way dropped)."""


_DONE = object()  # the Done button's place in the page's audio (PageMicrophone)


class PageMicrophone:
    """The page's microphone (see the module docstring). Thread-safe."""

    def __init__(self, gap_s: float = AUDIO_GAP_S) -> None:
        # page audio in arrival order; None: the stream ends; _DONE: the Done button, in its
        # place among the blocks, so the audio sent before it is still part of the answer
        self._q: queue.Queue[np.ndarray | object | None] = queue.Queue()
        self._open = threading.Event()
        self._gone: str | None = None  # why the page's audio cannot come any more
        self._done = threading.Event()
        self._stopped = threading.Event()
        self.gap_s = gap_s
        self.blocks_dropped = 0  # arrived while closed (the interviewer was speaking)

    def feed(self, data: bytes) -> None:
        """A block of 16 kHz mono little-endian int16 PCM from the page."""
        if not self._open.is_set():
            self.blocks_dropped += 1
            return
        self._q.put(pcm16_to_float(data))

    def fail(self, sentence: str) -> None:
        """The page's audio has stopped for good (socket dropped, mic denied or lost)."""
        self._gone = sentence
        self._q.put(None)

    def press_done(self) -> None:
        """The page's Done button (or Space/Enter on it): end this answer now."""
        if self._open.is_set():
            self._q.put(_DONE)

    def done_pressed(self) -> bool:
        return self._done.is_set()

    def stop(self) -> None:
        """Stop in the page: this answer and every later one raise `Stopped`."""
        self._stopped.set()
        self.close()

    def arm(self) -> None:
        """Take the page's audio from now on, for the answer about to be listened to: called as
        "listening" goes to the page, because the page starts sending the answer the moment it
        reads that event, before this side's `chunks()` may be running (a busy machine)."""
        if not self._open.is_set() and not self._gone:
            self._drain()
            self._done.clear()
            self._open.set()

    def chunks(self) -> Iterator[np.ndarray]:
        import numpy as np

        if self._stopped.is_set():
            raise Stopped()
        if self._gone and not self._open.is_set():
            raise DeviceError(self._gone)
        # Armed already (PageSink.listening), the page may have sent the answer and gone: what
        # came is read up to the end marker `fail` put after it, then the failure is raised.
        self.arm()  # already armed by PageSink.listening: what came since is this answer's
        pending = np.zeros(0, dtype=np.float32)
        try:
            while self._open.is_set():
                try:
                    block = self._q.get(timeout=self.gap_s)
                except queue.Empty:
                    raise DeviceError("The page stopped sending microphone audio.") from None
                if block is _DONE:
                    # what came before Done is read; one padded chunk carries it so that the
                    # listener, which asks done_pressed() after each chunk, stops right here
                    self._done.set()
                    tail = np.zeros(CHUNK_SAMPLES, dtype=np.float32)
                    tail[:len(pending)] = pending
                    pending = np.zeros(0, dtype=np.float32)
                    yield tail
                    continue
                if block is None:
                    if self._stopped.is_set():
                        raise Stopped()
                    if self._gone:
                        raise DeviceError(self._gone)
                    return
                assert isinstance(block, np.ndarray)
                pending = np.concatenate([pending, block])
                while len(pending) >= CHUNK_SAMPLES:
                    yield pending[:CHUNK_SAMPLES]
                    pending = pending[CHUNK_SAMPLES:]
        finally:
            self._open.clear()

    def close(self) -> None:
        was_open = self._open.is_set()
        self._open.clear()
        self._drain()  # what came in is not this answer's any more
        if was_open:
            self._q.put(None)  # wakes a chunks() waiting for audio

    def _drain(self) -> None:
        while True:
            try:
                self._q.get_nowait()
            except queue.Empty:
                return


class PageSpeaker:
    """Says lines through the page (see the module docstring)."""

    def __init__(self, outbox: Outbox, speech: Any, margin_s: float = PLAY_MARGIN_S) -> None:
        self._outbox = outbox
        self._speech = speech  # closer.speech.tts.Speech (or a fake with render(text))
        self._margin_s = margin_s
        self._played: dict[int, threading.Event] = {}
        self._next_id = 0
        self._lock = threading.Lock()
        self.first_sound = threading.Event()  # the drill command's model-loading gate
        self._cancelled = threading.Event()  # stopped or gone: say nothing more

    def say(self, text: str) -> None:
        if not text.strip() or self._outbox.closed.is_set() or self._cancelled.is_set():
            return
        samples, rate = self._speech.render(text)
        duration = len(samples) / float(rate or 1)
        with self._lock:
            self._next_id += 1
            line_id = self._next_id
            played = self._played[line_id] = threading.Event()
        self._outbox.put({"event": "play", "id": line_id, "duration_s": round(duration, 3)})
        self._outbox.put(wav_bytes(samples, rate))
        self.first_sound.set()
        started = time.monotonic()
        while not played.wait(0.1):
            if self._outbox.closed.is_set() or self._cancelled.is_set():
                break
            if time.monotonic() - started > duration + self._margin_s:
                _LOGGER.warning("line %d not reported played; carrying on", line_id)
                break
        with self._lock:
            self._played.pop(line_id, None)

    def played(self, line_id: int) -> None:
        """The page has finished playing line `line_id`."""
        with self._lock:
            event = self._played.get(line_id)
        if event is not None:
            event.set()

    def cancel(self) -> None:
        """Stop or a closed page: the line playing now and every later one return at once."""
        self._cancelled.set()
        with self._lock:
            events = list(self._played.values())
        for event in events:
            event.set()


class PageSink(DictSink):
    """The drill's events for the page: the objects of `closer drill --json`, in order."""

    def __init__(self, outbox: Outbox, mic: PageMicrophone | None = None) -> None:
        self._outbox = outbox
        self._mic = mic

    def _emit(self, obj: dict[str, Any]) -> None:
        self._outbox.put(obj)

    def listening(self) -> None:
        if self._mic is not None:
            self._mic.arm()  # before the page hears of it: its first block must not be dropped
        super().listening()

    def status(self, status: ListenStatus) -> None:
        """The listening line's figures (not a drill event: the page's live view only)."""
        self._outbox.put({
            "event": "status", "state": status.state, "elapsed_s": round(status.elapsed_s, 2),
            "level_dbfs": round(status.level_dbfs, 1),
            "remaining_s": None if status.remaining_s is None else round(status.remaining_s, 1),
            "transcript": getattr(status, "transcript", ""),
        })


def with_done_button(listen: Callable[..., Any], mic: PageMicrophone) -> Callable[..., Any]:
    """`listen(mic, transcriber, settings, on_status)` that the page's Done button ends."""

    def listen_until_done(mic_: Any, transcriber: Any, settings: Any, on_status: Any) -> Any:
        return listen(mic_, transcriber, settings, on_status, stop=mic.done_pressed)

    return listen_until_done

