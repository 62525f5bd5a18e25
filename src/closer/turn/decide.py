"""The end-of-turn decision: one pure function over plain values.

`decide(evidence, settings)` answers "is the candidate done?" from what was said (a
`closer.turn.reading.Reading` of the running transcript), how it was said (an
`closer.turn.prosody.Ending`), and how long they have been silent. The waits, in order:

- `ceiling_s` (3 s) of silence ends the turn whatever was said;
- a finished trial close (the last question of the technique) ends it after `ask_end_s`, unless
  the voice stopped as if mid-sentence (level pitch, no fade), then after `held_ask_end_s`;
- a finished ask whose last word usually takes a destination ("Would you feel confident putting
  me forward" [2 s] "to the hiring manager?") waits `after_ask_end_s`: the candidate may be
  thinking of where to, and cutting them off costs more than a second and a half of waiting;
- a finished next-step question ends it after `ask_end_s` once the trial close has been made,
  else after `next_step_end_s`: it is the second-to-last question, and the pause after it is
  where a candidate gathers the trial close ("What are the next steps ... and the timeline?").
  Ending there is still a fair turn (the interviewer answers it and invites the last question),
  so this wait is shorter than the wait after a statement;
- another finished question, or a statement after the candidate has asked something, waits
  `after_ask_end_s`, longer than the longest thinking pause we promise to wait out (2 s);
- an answer that has asked nothing yet, a dangling clause, a filler, a conjunction or a question
  cut before its verb waits for the ceiling: the candidate is there to ask, and has not.
- text that does not cover the latest speech (a transcription still running), or that ends more
  than `untranscribed_tail_s` before the voice did (Whisper often drops a trailing "and" or
  "um", which would make "...for the offer, and" read as a finished ask), counts as unknown
  and waits `unknown_end_s`.
"""

from __future__ import annotations

from dataclasses import dataclass

from closer.turn.prosody import Ending
from closer.turn.reading import Reading


@dataclass(frozen=True)
class TurnSettings:
    ceiling_s: float = 3.0  # seconds of silence that end any turn
    ask_end_s: float = 0.45  # seconds of silence after a finished next-step question/trial close
    held_ask_end_s: float = 1.0  # seconds after a finished ask spoken with a held, level ending
    next_step_end_s: float = 1.5  # seconds after a next-step question before any trial close
    after_ask_end_s: float = 2.3  # seconds after another question or a statement once asked
    unknown_end_s: float = 2.5  # seconds when the text does not yet cover the latest speech
    untranscribed_tail_s: float = 0.25  # speech this long after the last word: text incomplete
    held_pitch_st: float = 1.0  # |final pitch movement| below this (semitones) is level
    held_drop_db: float = 3.0  # a final fade smaller than this (dB) is no fade

    def __post_init__(self) -> None:
        waits = (self.ask_end_s, self.held_ask_end_s, self.next_step_end_s,
                 self.after_ask_end_s, self.unknown_end_s)
        if not all(0 < w <= self.ceiling_s for w in waits):
            raise ValueError("every turn wait must be positive and at most the ceiling")


@dataclass(frozen=True)
class Evidence:
    """What is known after `silence_s` seconds of silence following speech."""

    silence_s: float  # seconds since the last speech chunk
    reading: Reading | None  # None: no transcript covers the speech up to its end yet
    ending: Ending | None = None  # None: no prosody measured
    untranscribed_s: float | None = None  # voice end minus the last word's end (s); None: unknown


@dataclass(frozen=True)
class Decision:
    end: bool
    wait_s: float  # the silence this evidence needs before the turn ends
    why: str


def wait_for(evidence: Evidence, settings: TurnSettings) -> tuple[float, str]:
    """How many seconds of silence end the turn on this evidence, and why."""
    r = evidence.reading
    if r is None:
        return settings.unknown_end_s, "transcript not ready"
    gap = evidence.untranscribed_s
    if gap is not None and gap > settings.untranscribed_tail_s and r.end == "finished_ask":
        return settings.unknown_end_s, f"speech for {gap:.2f} s after the last transcribed word"
    if r.end == "finished_ask" and r.ask in ("trial_close", "next_step") and r.awaits:
        return settings.after_ask_end_s, f"{r.why}, on {r.awaits!r}: a destination may follow"
    if r.end == "finished_ask" and r.ask in ("trial_close", "next_step"):
        held = evidence.ending is not None and evidence.ending.held(
            settings.held_pitch_st, settings.held_drop_db)
        if held:
            return settings.held_ask_end_s, f"{r.why}, said with a held ending"
        if r.ask == "next_step" and not r.trial_close:
            return settings.next_step_end_s, f"{r.why}; no trial close yet"
        return settings.ask_end_s, r.why
    if r.end in ("finished_ask", "statement") and (r.asked or r.end == "finished_ask"):
        return settings.after_ask_end_s, r.why
    if r.end == "statement":
        return settings.ceiling_s, "nothing asked yet"
    return settings.ceiling_s, r.why


def decide(evidence: Evidence, settings: TurnSettings = TurnSettings()) -> Decision:
    """End the turn when the silence so far reaches the wait this evidence calls for."""
    wait, why = wait_for(evidence, settings)
    return Decision(evidence.silence_s >= wait - 1e-9, wait, why)
