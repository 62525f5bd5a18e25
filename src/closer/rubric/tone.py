"""The confident-tone check: no cluster of weak language, and no hesitancy in what a sentence does.

Markers are fillers, hedges, apologies and permission-seeking from `prompts/phrases_tone.toml`,
plus, for a spoken close, delivery markers: a pace far outside conversation, a very long pause, or
repeated uptalk. One mild marker is still confident; two or more, any self-deprecation, or an
empty/near-empty close is not. Nor is any of the four KINDS of hesitancy that need no filler word
(`HESITANCY_KINDS`): worry about how the interview went ("I hope that came across okay"), backing
down before the answer ("it's totally your call, of course"), a disclaimer that takes the ask back
("I'm not expecting anything"), a way out for the interviewer ("skip this one if you'd rather not
say"). Each is read by who the worry, the deference or the release is about, so "I hope to bring
that to your team" and "it's your call how the panel is scheduled" stay confident. Worry may be
told as regret or fear ("I'm kicking myself over...", "I've a feeling I lost you") or as an own
answer judged poor or unconvincing ("my answers were thinner than they should have been", "I could
tell you weren't convinced by my estimate"; not "..., so here it is in full"), backing down as
any answer accepted ahead ("either answer is fine by me", "I won't push"), a disclaimer as the ask
struck out or half meant ("scrap that last part", "who am I to ask"), a way out as the candidate
offering to drop the question ("say if that's confidential and I'll leave it"); leaving only the
decision's TIMING to the interviewer ("no rush on the decision itself, but...", "you don't have to
decide today") keeps the ask, and so does a question asking what to improve. The tip names
the kind heard first (`tip_key`). A hesitant sentence the candidate takes straight back up
("I'm not assuming anything, which is exactly why I'm asking: ...") is lifted [keeps_the_ask], and
so is a disclaimer the candidate insists past ("I'm not after a promise in this room. Even so, I'd
like to hear..."); worry about how it went is not (`LIFTED_BY_THE_ASK`).
Leave to ask put as a question ("is it okay if I ask", "if I'm allowed to ask") is
permission-seeking, one mild marker like "if I may"; a candidate calling themselves a long shot
("I'm an outside bet") runs themselves down. `assess` takes an optional `steps` list and records
the markers and kinds it found and whether they cluster (`closer.rubric.explain`).
"""

from __future__ import annotations

from dataclasses import dataclass

from closer.rubric import explain, lexicon
from closer.rubric.explain import GATE, LIFT, MARKER, RESULT, VETO, Step
from closer.rubric.text import normalise
from closer.types import Delivery

MARKER_LISTS = ("fillers", "hedges", "apologies", "permission")  # each hit is one marker
# Hesitancy in what a sentence does: any one makes the close not confident (and names the tip).
HESITANCY_KINDS = ("worry_how_it_went", "backing_down", "disclaimer", "way_out")
# The kinds that undo the ask, and so can be taken back by taking the ask straight back up
# [keeps_the_ask]; worry about how it went is no retreat from the ask, and asking does not lift it
# ("I made a mess of that. Still, I'd like to know where I stand").
LIFTED_BY_THE_ASK = ("backing_down", "disclaimer", "way_out")


@dataclass(frozen=True)
class ToneSettings:
    """Delivery thresholds. A clear close read by a TTS voice at 120-200 wpm stays confident."""

    slow_wpm: float = 90.0  # words per minute below which the pace counts as a marker
    fast_wpm: float = 240.0  # words per minute above which the pace counts as a marker
    long_pause_s: float = 3.0  # seconds of silence inside the close that count as a marker
    min_speech_s: float = 2.0  # seconds of speech needed before the pace is judged
    uptalk_min_count: int = 2  # statements ending with rising pitch, at least
    uptalk_min_share: float = 0.5  # ...and at least this share of all statements
    max_markers: int = 1  # more than this many markers is a cluster


@dataclass(frozen=True)
class ToneResult:
    confident: bool
    markers: tuple[str, ...]
    self_deprecating: bool
    near_empty: bool
    hesitancy: tuple[str, ...] = ()  # the kinds heard (HESITANCY_KINDS), the first heard first


def _delivery_markers(d: Delivery, text_fillers: int, s: ToneSettings) -> list[str]:
    lines = lexicon.model_lines()["delivery"]
    out: list[str] = []
    if d.speech_s >= s.min_speech_s and d.words_per_minute > 0:
        if d.words_per_minute < s.slow_wpm:
            out.append(lines["slow"].format(wpm=d.words_per_minute))
        elif d.words_per_minute > s.fast_wpm:
            out.append(lines["fast"].format(wpm=d.words_per_minute))
    if d.longest_pause_s >= s.long_pause_s:
        out.append(lines["pause"].format(pause=d.longest_pause_s))
    if (d.uptalk_count >= s.uptalk_min_count and d.statement_count
            and d.uptalk_count / d.statement_count >= s.uptalk_min_share):
        out.append(lines["uptalk"].format(uptalk=d.uptalk_count, statements=d.statement_count))
    # The delivery's filler count covers the same um/uh as the text: add only what the text lacks.
    out.extend(["um"] * max(0, d.filler_count - text_fillers))
    return out


def _content_words(text: str) -> int:
    """Words besides sign-offs and fillers ("cheers, that's it" has none)."""
    norm = normalise(text)
    for name in ("sign_off", "noise"):
        norm = lexicon.pattern(name).sub(" ", norm)
    return len(norm.split())


def keeps_the_ask(after: str) -> bool:
    """The words right after a hesitant sentence take the ask back up ("I'm not assuming anything,
    WHICH IS EXACTLY WHY I'M ASKING: ..."): the sentence is a reason to ask, not a retreat."""
    return lexicon.pattern("keeps_the_ask", anchored=True).match(after.lstrip(" ,")) is not None


def assess(text: str, delivery: Delivery | None = None,
           settings: ToneSettings | None = None, steps: list[Step] | None = None) -> ToneResult:
    s = settings or ToneSettings()
    norm = normalise(text, keep_commas=True)
    found = {name: lexicon.find_all(name, norm) for name in MARKER_LISTS}
    markers = [m for words in found.values() for m in words]
    selfdep = lexicon.find_all("self_deprecation", norm)
    markers.extend(m for m in selfdep if m not in markers)
    at: dict[str, list[tuple[int, str]]] = {}
    lifted: list[str] = []  # hesitant sentences the candidate took straight back up
    for kind in HESITANCY_KINDS:
        at[kind] = []
        for start, end in lexicon.spans(kind, norm):
            words = norm[start:end].strip(" ,")
            lift = kind in LIFTED_BY_THE_ASK and keeps_the_ask(norm[end:])
            (lifted if lift else at[kind]).append((start, words))
    kinds = {kind: [w for _, w in found_at] for kind, found_at in at.items()}
    # a hesitant sentence already shown as part of a marker ("i fumbled the") is not shown twice
    markers.extend(m for words in kinds.values() for m in words
                   if not any(m in shown for shown in markers))
    spoken = _delivery_markers(delivery, len(found["fillers"]), s) if delivery is not None else []
    markers.extend(spoken)
    near_empty = _content_words(text) < int(lexicon.phrases()["min_words"])
    heard = tuple(sorted((k for k in HESITANCY_KINDS if at[k]), key=lambda k: at[k][0][0]))
    confident = (not near_empty and not selfdep and not heard
                 and len(markers) <= s.max_markers)
    if steps is not None:
        for name, words in [*found.items(), ("delivery", spoken)]:
            explain.note(steps, name, bool(words), MARKER, ", ".join(words) or None)
        explain.note(steps, "self_deprecation", bool(selfdep), VETO, ", ".join(selfdep) or None)
        for kind, words in kinds.items():
            explain.note(steps, kind, bool(words), VETO, ", ".join(words) or None)
        if lifted:
            explain.note(steps, "keeps_the_ask", True, LIFT, ", ".join(w for _, w in lifted))
        explain.note(steps, "near_empty", near_empty, VETO)
        explain.note(steps, "tone_cluster", len(markers) > s.max_markers, GATE)
        explain.note(steps, "confident_tone", confident, RESULT)
    return ToneResult(confident, tuple(markers), bool(selfdep), near_empty, heard)


def tip_key(t: ToneResult) -> str:
    """The key of the tip in `prompts/model_lines.toml` [why] for a close that is not confident:
    near-empty first, then self-deprecation, then the kind of hesitancy heard first, else the
    cluster of markers."""
    if t.near_empty:
        return "confident_tone_empty"
    if t.self_deprecating:
        return kind_tip_key(SELF_DEPRECATION)
    if t.hesitancy:
        return kind_tip_key(t.hesitancy[0])
    return "confident_tone"


SELF_DEPRECATION = "self_deprecation"


def kind_tip_key(kind: str) -> str:
    """The tip key for one kind heard (HESITANCY_KINDS or SELF_DEPRECATION), for the rules and
    the semantic layer alike."""
    return "confident_tone_self" if kind == SELF_DEPRECATION else f"confident_tone_{kind}"
