"""Long recordings (a whole mock interview) scored in bounded memory, block by block.

Why blocks: faster-whisper computes the log-mel spectrogram of the whole array before decoding
(its STFT intermediate is many times the audio's size), and the audio itself is 230 MB per hour
as float32. So the file is decoded as a stream (`closer.audio.decode.stream_audio`) and cut into
blocks
of at most `BlockSettings.max_block_s` at the longest silence of each block's last stretch.
Each block is split again at silences longer than `drop_silence_s` (the interviewer's turns),
which are left out, and each part, roughly one answer, goes through the `Transcriber` protocol on
its own, so whatever that adapter does (gain normalisation, decoding fallbacks, guards) applies
per answer, as it does to a single close. Word times are offset by the part's start and the
words joined; the pitch that uptalk needs is tracked around each part's statement ends while the
part is still in memory, so nothing grows with the recording's length but the words and a few
frames of pitch per statement.

Silence: a frame (20 ms) is quiet when its RMS is within `quiet_db` of the block's noise floor
(the `floor_percentile` percentile of frame levels) and `below_loud_db` under its speech level,
levels relative to the recording rather than absolute ones, so a quiet mic cuts as well as a
loud one. When a stretch has no quiet frame at all the cut goes at its quietest frame.

A recording no longer than `max_block_s` is one block: a close is transcribed exactly as before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from closer.delivery import (
    TurnSettings,
    UptalkSettings,
    from_pitch,
    pitch_near,
    statement_end_times,
)
from closer.settings import SAMPLE_RATE_HZ
from closer.types import Delivery, Transcript, Word

if TYPE_CHECKING:
    import numpy as np

    from closer.interfaces import Transcriber

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class BlockSettings:
    max_block_s: float = 90.0  # seconds: the longest block handed to the transcriber
    min_block_s: float = 45.0  # seconds: a cut is looked for between this and max_block_s
    frame_s: float = 0.02  # seconds per level frame when looking for silence
    floor_percentile: float = 10.0  # percent: the frame level taken as the noise floor
    loud_percentile: float = 95.0  # percent: the frame level taken as the speech level
    quiet_db: float = 10.0  # dB above the noise floor still counted as silence ...
    below_loud_db: float = 20.0  # ... and at least this far below the speech level (dB)
    drop_silence_s: float = 3.0  # seconds: silences longer than this are not transcribed ...
    keep_silence_s: float = 0.25  # ... but this much at each edge (seconds; onset slack)


@dataclass(frozen=True)
class Block:
    """A stretch of the recording: where it starts (seconds) and its 16 kHz samples."""

    start_s: float
    samples: np.ndarray


def _levels(samples: np.ndarray, settings: BlockSettings) -> tuple[np.ndarray, np.ndarray, int]:
    """(frame levels in dB, quiet mask, samples per frame) relative to the block's own floor."""
    import numpy as np

    n = max(int(settings.frame_s * SAMPLE_RATE_HZ), 1)
    frames = len(samples) // n
    x = np.asarray(samples[:frames * n], dtype=np.float32).reshape(frames, n)
    level = 10 * np.log10(np.mean(x * x, axis=1, dtype=np.float64) + 1e-12)
    if frames == 0:
        return level, level.astype(bool), n
    floor, loud = np.percentile(level, [settings.floor_percentile, settings.loud_percentile])
    quiet = level <= min(floor + settings.quiet_db, loud - settings.below_loud_db)
    return level, quiet, n


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of True in a boolean array."""
    import numpy as np

    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return edges[::2], edges[1::2]


def speech_parts(block: Block, settings: BlockSettings = BlockSettings()) -> list[Block]:
    """The block split at each silence longer than `drop_silence_s`, that silence left out
    but for `keep_silence_s` at each edge: in an interview, roughly one answer per part.

    Why: a recorded interview is half silence (the interviewer's turns). Decoding it costs time,
    invites Whisper to invent words and lets word timings stretch across a turn boundary; and an
    answer on its own is what the transcriber is tuned on (its encoder trimming, its prompt and
    its hard-audio fallback judge one close at a time; given a minute of answers, one doubtful
    segment re-decoded the whole minute). Silence means quiet against this block's own floor
    and speech level, so a block that is all silence or all noise is one part, left whole for
    the transcriber to judge.
    """
    _level, quiet, n = _levels(block.samples, settings)
    starts, ends = _runs(quiet)
    edge = int(settings.keep_silence_s * SAMPLE_RATE_HZ)
    frames = quiet.size
    if (frames and quiet.all()) or not starts.size:
        return [block]
    # a silence at the block's start or end goes whole: there is no speech beside it
    cuts = [(0 if s == 0 else s * n + edge, len(block.samples) if e == frames else e * n - edge)
            for s, e in zip(starts, ends, strict=True)
            if (e - s) * n > settings.drop_silence_s * SAMPLE_RATE_HZ]
    if not cuts:
        return [block]
    parts, pos = [], 0
    for lo, hi in [*cuts, (len(block.samples), len(block.samples))]:
        if lo > pos:
            parts.append(Block(block.start_s + pos / SAMPLE_RATE_HZ, block.samples[pos:lo]))
        pos = hi
    return parts


def cut_point(samples: np.ndarray, lo: int, hi: int,
              settings: BlockSettings = BlockSettings()) -> int:
    """Where to end a block inside samples[lo:hi]: the middle of the longest quiet run.

    Pure. Levels are judged against the noise floor of all of `samples`; ties go to the later
    run (a longer block); no quiet frame at all means the quietest frame.
    """
    import numpy as np

    level, quiet, n = _levels(samples, settings)
    frames = level.size
    if frames == 0 or hi <= lo:
        return max(min(hi, len(samples)), 1)
    f_lo, f_hi = lo // n, min(-(-hi // n), frames)
    window = level[f_lo:f_hi]
    if window.size == 0:
        return max(min(hi, len(samples)), 1)
    quiet = quiet[f_lo:f_hi]
    if not quiet.any():
        return int(min(max((f_lo + int(np.argmin(window))) * n + n // 2, lo), hi))
    starts, ends = _runs(quiet)
    lengths = ends - starts
    best = len(lengths) - 1 - int(np.argmax(lengths[::-1]))  # the last of the longest
    middle = (starts[best] + ends[best]) // 2
    return int(min(max((f_lo + middle) * n + n // 2, lo), hi))


def split_blocks(pieces: Iterable[np.ndarray],
                 settings: BlockSettings = BlockSettings()) -> Iterator[Block]:
    """Blocks of at most `max_block_s` (plus one decoded piece) cut at silences, in order.

    Holds at most one block's worth of pending samples, whatever the recording's length.
    """
    import numpy as np

    max_n = int(settings.max_block_s * SAMPLE_RATE_HZ)
    min_n = min(int(settings.min_block_s * SAMPLE_RATE_HZ), max_n)
    pending: list[np.ndarray] = []
    count = 0
    offset = 0
    for piece in pieces:
        pending.append(piece)
        count += piece.size
        if count < max_n:
            continue
        buf = np.concatenate(pending)
        pending = []
        while buf.size >= max_n:
            cut = cut_point(buf[:max_n], min_n, max_n, settings)
            yield Block(offset / SAMPLE_RATE_HZ, buf[:cut])
            offset += cut
            buf = buf[cut:].copy()  # drop the block just handed over
        pending, count = [buf], buf.size
    if count:
        buf = pending[0] if len(pending) == 1 else np.concatenate(pending)
        yield Block(offset / SAMPLE_RATE_HZ, buf)


def _shifted(words: Iterable[Word], by_s: float) -> list[Word]:
    return [Word(w.text, w.start + by_s, w.end + by_s, w.probability) for w in words]


def score_blocks(blocks: Iterable[Block], transcriber: Transcriber,
                 settings: BlockSettings | None = None, uptalk: UptalkSettings | None = None,
                 turns: TurnSettings | None = None) -> tuple[Transcript, Delivery]:
    """Transcribe each block's speech parts through `transcriber`, join the words at their
    recording times, measure the delivery.

    The pitch around every statement end a block could hold (its own last words count as an
    end, so the final statement is never missed) is tracked while the block is in memory.
    """
    settings = settings or BlockSettings()
    uptalk = uptalk or UptalkSettings()
    turns = turns or TurnSettings()
    texts: list[str] = []
    words: list[Word] = []
    times: list[float] = []
    f0: list[float] = []
    end_s = 0.0
    for whole in blocks:
        parts = speech_parts(whole, settings)
        whole_s = len(whole.samples) / SAMPLE_RATE_HZ
        end_s = whole.start_s + whole_s
        for block in parts:
            part = transcriber.transcribe(block.samples)
            if parts[0] is whole and part.duration_s is not None:  # a close: as transcribed
                end_s = whole.start_s + part.duration_s
            _LOGGER.debug("part at %.1f s (%.1f s): %d words", block.start_s,
                          len(block.samples) / SAMPLE_RATE_HZ, len(part.words))
            if part.text.strip():
                texts.append(part.text.strip())
            words += _shifted(part.words, block.start_s)
            ends = statement_end_times(part.words)
            if ends and len(block.samples) > 3 * SAMPLE_RATE_HZ / uptalk.pitch_floor_hz:
                t, f = pitch_near(block.samples, ends, uptalk)
                times += [x + block.start_s for x in t]
                f0 += f
    transcript = Transcript(text=" ".join(texts), words=tuple(words), duration_s=end_s)
    return transcript, from_pitch(transcript, times, f0, end_s, uptalk, turns)


def score_file(path: str | Path, transcriber: Transcriber,
               settings: BlockSettings = BlockSettings()) -> tuple[Transcript, Delivery]:
    """Decode, transcribe and measure a recording of any length; `AudioDecodeError` as usual."""
    from closer.audio.decode import stream_audio

    return score_blocks(split_blocks(stream_audio(path), settings), transcriber, settings)
