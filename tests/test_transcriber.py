"""closer.speech.transcriber: the prompt guard (pure, exhaustive), model resolution, and the real
model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from closer.errors import ModelError
from closer.settings import TranscriberSettings
from closer.speech.transcriber import (
    MODELS_DIR,
    GuardSettings,
    SegmentStats,
    content_frames,
    encoder_frames,
    keep_segment,
    load_transcriber,
    prompt_guard,
    resolve_model,
    to_transcript,
)
from closer.types import Word

PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."


def seg(text: str, start: float = 0.0, end: float = 2.0, *, logprob: float = -0.3,
        no_speech: float = 0.05, ratio: float = 1.2, words: tuple[Word, ...] | None = None
        ) -> SegmentStats:
    if words is None:
        tokens = text.split()
        step = (end - start) / max(len(tokens), 1)
        words = tuple(Word(t, start + i * step, start + (i + 1) * step)
                      for i, t in enumerate(tokens))
    return SegmentStats(text, start, end, logprob, no_speech, ratio, words)


# --- prompt_guard ----------------------------------------------------------------------------

def test_clean_close_with_fillers_passes() -> None:
    segs = [seg("Um, what does the next step look like?", 0.0, 3.0),
            seg("Uh, is there any reason you wouldn't pass me on?", 3.2, 6.0)]
    assert prompt_guard(segs, PROMPT, audio_s=6.5) is None


def test_no_segments_passes() -> None:
    assert prompt_guard([], PROMPT, audio_s=3.0) is None


@pytest.mark.parametrize("text", [
    "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking.",  # whole prompt
    "here's what I'm like thinking what are the next steps",  # tail of the prompt
    "UMM LET ME THINK about the next step",  # case and punctuation do not hide it
])
def test_prompt_echo_trips(text: str) -> None:
    assert prompt_guard([seg(text)], PROMPT, audio_s=3.0) == "prompt echo"


def test_echo_split_across_segments_trips() -> None:
    segs = [seg("so umm let", 0.0, 1.0), seg("me think about it", 1.0, 2.0)]
    assert prompt_guard(segs, PROMPT, audio_s=3.0) == "prompt echo"


def test_three_prompt_words_are_not_an_echo() -> None:
    # "let me think" is ordinary speech; only 4+ consecutive prompt words count.
    assert prompt_guard([seg("let me think, what is the next step?")], PROMPT, 3.0) is None


def test_short_prompt_echo_uses_whole_prompt() -> None:
    assert prompt_guard([seg("um uh okay")], "Um, uh.", audio_s=3.0) == "prompt echo"
    assert prompt_guard([seg("um okay")], "Um, uh.", audio_s=3.0) is None


def test_empty_prompt_never_echoes() -> None:
    assert prompt_guard([seg("anything at all here")], "", audio_s=3.0) is None


def test_high_compression_ratio_trips() -> None:
    assert prompt_guard([seg("next step", ratio=2.5)], PROMPT, 3.0) == "high compression ratio"
    assert prompt_guard([seg("next step", ratio=2.4)], PROMPT, 3.0) is None


@pytest.mark.parametrize(("text", "looped"), [
    ("the next step the next step the next step", True),
    ("thank you thank you thank you", True),
    ("what is the next step and what is the next step", False),  # twice is speech
    ("um um um um", False),  # a single repeated filler is a real stammer, not a loop
    ("is there any reason is there any reason", False),
])
def test_repeated_ngram_loop(text: str, looped: bool) -> None:
    lenient = GuardSettings(max_compression_ratio=9)  # look at the n-gram rule alone
    got = prompt_guard([seg(text)], PROMPT, audio_s=3.0, settings=lenient)
    assert (got == "repeated n-gram") is looped


def test_loop_across_segment_boundary_trips() -> None:
    segs = [seg("next round next round", 0.0, 1.0), seg("next round please", 1.0, 2.0)]
    assert prompt_guard(segs, PROMPT, audio_s=3.0) == "repeated n-gram"


@pytest.mark.parametrize(("start", "end", "word_end", "trips"), [
    (0.0, 3.0, 3.0, False),
    (0.0, 3.4, 3.4, False),  # within the 0.5 s slack
    (0.0, 3.6, 3.0, True),  # the segment runs past the audio
    (0.0, 3.0, 3.7, True),  # a word runs past the audio
    (-0.2, 3.0, 3.0, True),  # starts before the audio
])
def test_words_outside_audio_span(start: float, end: float, word_end: float, trips: bool) -> None:
    words = (Word("what", max(start, 0.0), 1.0), Word("next", 1.0, word_end))
    got = prompt_guard([seg("what next", start, end, words=words)], PROMPT, audio_s=3.0)
    assert (got == "words outside the audio") is trips


def test_word_starting_before_zero_trips() -> None:
    words = (Word("what", -0.3, 0.5), Word("next", 0.5, 1.0))
    got = prompt_guard([seg("what next", 0.0, 1.0, words=words)], PROMPT, audio_s=3.0)
    assert got == "words outside the audio"


@pytest.mark.parametrize(("no_speech", "logprob", "trips"), [
    (0.74, -0.82, True),  # the classic tail "Thank you." on silence
    (0.5, -0.8, True),  # both thresholds are inclusive
    (0.49, -2.0, False),  # unsure but clearly speech
    (0.95, -0.3, False),  # confident text
    (0.05, -0.3, False),
])
def test_likely_invented_segment(no_speech: float, logprob: float, trips: bool) -> None:
    segs = [seg("So what happens next?", 0, 2), seg("Thank you.", 2, 3, no_speech=no_speech,
                                                      logprob=logprob)]
    assert (prompt_guard(segs, PROMPT, audio_s=3.0) == "likely invented segment") is trips


def test_guard_settings_are_honoured() -> None:
    strict = GuardSettings(echo_ngram_words=3)
    assert prompt_guard([seg("let me think")], PROMPT, 3.0, strict) == "prompt echo"


# --- keep_segment / to_transcript --------------------------------------------------------------

@pytest.mark.parametrize(("text", "no_speech", "logprob", "kept"), [
    ("What happens next?", 0.1, -0.3, True),
    ("Thank you.", 0.8, -1.2, False),  # Whisper's own silence rule
    ("Thank you.", 0.8, -0.5, True),
    ("Thank you.", 0.5, -1.5, True),
    (" ... ", 0.0, -0.1, False),  # punctuation only
    ("", 0.0, -0.1, False),
])
def test_keep_segment(text: str, no_speech: float, logprob: float, kept: bool) -> None:
    assert keep_segment(seg(text, no_speech=no_speech, logprob=logprob)) is kept


def test_to_transcript_joins_text_and_words() -> None:
    t = to_transcript([seg(" Um, what's next?", 0, 1), seg(" Any concerns?", 1.5, 2.5)], 3.0)
    assert t.text == "Um, what's next? Any concerns?"
    assert [w.text for w in t.words] == ["Um,", "what's", "next?", "Any", "concerns?"]
    assert t.duration_s == 3.0


# --- encoder trimming ---------------------------------------------------------------------

@pytest.mark.parametrize(("content", "expected"), [
    (0, 500),  # at least 5 s
    (150, 500),
    (301, 600),  # content + 2 s margin, rounded up to whole seconds
    (900, 1100),
    (2850, 3000),  # never more than the window
    (3000, 3000),
])
def test_encoder_frames(content: int, expected: int) -> None:
    assert encoder_frames(content, 3000) == expected


def test_content_frames_finds_the_zero_padding() -> None:
    feats = np.zeros((80, 3000), np.float32)
    assert content_frames(feats) == 0
    feats[:, :420] = -0.5
    feats[3, 700] = 0.25  # one non-zero bin still counts as content
    assert content_frames(feats) == 701
    assert content_frames(feats[np.newaxis]) == 701  # batched (1, 80, frames)


# --- resolve_model / load errors --------------------------------------------------------------

def test_resolve_default_is_the_bundled_model() -> None:
    path = Path(resolve_model(None))
    assert (path / "model.bin").is_file()


def test_resolve_dir_and_size_name(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    assert resolve_model(str(tmp_path)) == str(tmp_path.resolve())
    assert resolve_model("base.en") == "base.en"


def test_resolve_bare_name_under_repo_models(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "model.bin").write_bytes(b"x")
    monkeypatch.setattr("closer.speech.transcriber.MODELS_DIR", tmp_path)
    assert resolve_model("mine") == str((tmp_path / "mine").resolve())
    assert MODELS_DIR.name == "models"


@pytest.mark.parametrize("kind", ["missing", "no model.bin", "a file", "unknown name"])
def test_resolve_errors(tmp_path: Path, kind: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "file.bin").write_bytes(b"x")
    arg = {"missing": str(tmp_path / "nope"), "no model.bin": str(tmp_path / "empty"),
           "a file": str(tmp_path / "file.bin"), "unknown name": "gigantic.en"}[kind]
    with pytest.raises(ModelError) as info:
        resolve_model(arg)
    assert info.value.code == 2 and "\n" not in str(info.value) and str(info.value).endswith(".")


def test_corrupt_model_bin_is_a_model_error(tmp_path: Path) -> None:
    bundled = Path(resolve_model(None))
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (tmp_path / name).write_bytes((bundled / name).read_bytes())
    (tmp_path / "model.bin").write_bytes(b"\x00garbage" * 100)
    with pytest.raises(ModelError, match="damaged"):
        load_transcriber(TranscriberSettings(model=str(tmp_path)))


# --- the real bundled model -------------------------------------------------------------------

@pytest.mark.model
def test_prompt_keeps_a_spoken_um(transcriber) -> None:
    # Piper with its noise scales at 0 renders the same samples every time; espeak-ng drifts
    # slightly from one utterance to the next in a process, and this "um" is on the edge.
    import speech_fixtures

    speak = speech_fixtures.load_piper(speech_fixtures.load_manifest())
    pad = np.zeros(8000, np.float32)
    audio = np.concatenate([pad, speak("So, uh, I was wondering, um, what happens after today?"),
                            pad])
    t = transcriber.transcribe(audio)
    words = [w.text.strip(",.?").lower() for w in t.words]
    assert "um" in words or "umm" in words, t.text
    assert "today" in words
    assert all(0 <= w.start <= w.end <= t.duration_s + 0.5 for w in t.words)


@pytest.mark.model
def test_silence_gives_empty_transcript(transcriber) -> None:
    t = transcriber.transcribe(np.zeros(16000 * 4, np.float32))
    assert t.text == "" and t.words == () and t.duration_s == 4.0


@pytest.mark.model
def test_white_noise_gives_empty_transcript(transcriber) -> None:
    rng = np.random.default_rng(1234)
    for level in (0.05, 0.3):
        noise = np.clip(level * rng.standard_normal(16000 * 4), -1, 1).astype(np.float32)
        assert transcriber.transcribe(noise).text == ""


@pytest.mark.model
def test_empty_audio(transcriber) -> None:
    assert transcriber.transcribe(np.zeros(0, np.float32)).text == ""


def test_failed_download_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import faster_whisper

    class Offline:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise ConnectionError("no route to huggingface.co")

    monkeypatch.setattr(faster_whisper, "WhisperModel", Offline)  # never touch the network
    with pytest.raises(ModelError, match="could not be downloaded") as info:
        load_transcriber(TranscriberSettings(model="base.en"))
    assert "\n" not in str(info.value)


# --- the fallback wiring, with a fake faster-whisper model ----------------------------------

class _FakeWhisper:
    """Echoes the prompt when given one, says the truth without; records the calls."""

    def __init__(self) -> None:
        from types import SimpleNamespace

        import tokenizers

        bundled = Path(resolve_model(None))
        self.hf_tokenizer = tokenizers.Tokenizer.from_file(str(bundled / "tokenizer.json"))
        self.model = SimpleNamespace(is_multilingual=False)
        self.prompts: list[object] = []

    def transcribe(self, audio: np.ndarray, **options: object) -> tuple[list[object], None]:
        from types import SimpleNamespace

        prompt = options["initial_prompt"]
        self.prompts.append(prompt)
        text = " Umm, let me think like, hmm..." if prompt else " What's the next step?"
        words = [SimpleNamespace(word=w, start=i * 0.3, end=i * 0.3 + 0.25, probability=0.9)
                 for i, w in enumerate(text.split())]
        return [SimpleNamespace(text=text, start=0.0, end=1.5, avg_logprob=-0.2,
                                no_speech_prob=0.01, compression_ratio=1.1, words=words)], None


def test_prompt_echo_falls_back_to_an_unprompted_pass() -> None:
    from closer.speech.transcriber import WhisperTranscriber

    fake = _FakeWhisper()
    t = WhisperTranscriber(fake, TranscriberSettings()).transcribe(np.zeros(32000, np.float32))
    assert t.text == "What's the next step?"
    assert len(fake.prompts) == 2 and fake.prompts[1] is None
    tokens = fake.prompts[0]
    assert isinstance(tokens, list) and tokens[0] != tokens[-1]  # <|0.00|> ... <|3.00|>
    assert "let me think" in fake.hf_tokenizer.decode(tokens[1:-1])


def test_keep_fillers_off_means_one_unprompted_pass() -> None:
    from closer.speech.transcriber import WhisperTranscriber

    fake = _FakeWhisper()
    settings = TranscriberSettings(keep_fillers=False)
    WhisperTranscriber(fake, settings).transcribe(np.zeros(32000, np.float32))
    assert fake.prompts == [None]


# --- hard audio: when the greedy pass is decoded again --------------------------------------

def test_hard_audio_reasons() -> None:
    from closer.speech.transcriber import hard_audio

    s = TranscriberSettings()
    assert hard_audio([seg("What's the next step?")], True, s) is None
    assert hard_audio([], False, s) is None  # silence or noise: nothing to find
    assert hard_audio([], True, s) == "speech heard but nothing transcribed"
    assert hard_audio([seg("next stop", logprob=-0.9)], True, s).startswith("low log-prob")
    assert hard_audio([seg("a b a b", ratio=2.3)], True, s).startswith("high compression")
    assert hard_audio([seg("hmm", no_speech=0.95)], True, s).startswith("likely silence")
    assert hard_audio([seg("next step", no_speech=0.7)], True, s) is None  # prompted clean speech
    lenient = TranscriberSettings(hard_avg_logprob=-1.0)
    assert hard_audio([seg("next stop", logprob=-0.9)], True, lenient) is None


class _HardFake(_FakeWhisper):
    """Unsure (log-prob -1.2) when greedy, sure with beams; records each pass's options."""

    def __init__(self) -> None:
        super().__init__()
        self.passes: list[tuple[object, object, object]] = []

    def transcribe(self, audio: np.ndarray, **options: object) -> tuple[list[object], None]:
        from types import SimpleNamespace

        self.passes.append((options["beam_size"], options["vad_filter"],
                            options["initial_prompt"] is not None))
        greedy = options["beam_size"] == 1
        text = " What's the next stop?" if greedy else " What's the next step?"
        return [SimpleNamespace(text=text, start=0.0, end=1.5,
                                avg_logprob=-1.2 if greedy else -0.3, no_speech_prob=0.01,
                                compression_ratio=1.1, words=[])], None


def _speech_like() -> np.ndarray:
    t = np.arange(48000) / 16000
    return (0.003 * np.sin(2 * np.pi * 200 * t) * (t > 1) * (t < 2)).astype(np.float32)


def test_unsure_greedy_pass_is_decoded_again_with_beams_unprompted() -> None:
    from closer.speech.transcriber import WhisperTranscriber

    fake = _HardFake()
    t = WhisperTranscriber(fake, TranscriberSettings()).transcribe(_speech_like())
    assert t.text == "What's the next step?"
    assert fake.passes == [(1, False, True), (5, False, False)]


def test_escalation_off_keeps_the_greedy_pass() -> None:
    from closer.speech.transcriber import WhisperTranscriber

    fake = _HardFake()
    settings = TranscriberSettings(escalate=False)
    assert WhisperTranscriber(fake, settings).transcribe(_speech_like()).text == \
        "What's the next stop?"
    assert len(fake.passes) == 1


def test_gain_is_applied_before_the_model() -> None:
    from closer.speech.transcriber import WhisperTranscriber

    seen: list[float] = []

    class Spy(_FakeWhisper):
        def transcribe(self, audio: np.ndarray, **options: object) -> tuple[list[object], None]:
            seen.append(float(np.abs(audio).max()))
            return [], None

    WhisperTranscriber(Spy(), TranscriberSettings()).transcribe(_speech_like())
    WhisperTranscriber(Spy(), TranscriberSettings(normalize_gain=False)).transcribe(
        _speech_like())
    assert seen[0] > 0.05  # -53 dBFS speech lifted by the gain (and then decoded again)
    assert seen[-1] == pytest.approx(0.003, rel=1e-3)


@pytest.mark.model
@pytest.mark.parametrize("level", [1e-4, 1e-3, 0.01, 0.05, 0.3])
def test_pink_noise_at_any_level_gives_empty_transcript(transcriber, level: float) -> None:
    rng = np.random.default_rng(99)
    white = rng.standard_normal(16000 * 4)
    spectrum = np.fft.rfft(white)
    spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))
    pink = np.fft.irfft(spectrum, n=white.size)
    noise = np.clip(pink * level / pink.std(), -1, 1).astype(np.float32)
    assert transcriber.transcribe(noise).text == ""


@pytest.mark.model
@pytest.mark.parametrize("level", [1e-4, 1e-3, 0.01])
def test_quiet_white_noise_gives_empty_transcript(transcriber, level: float) -> None:
    rng = np.random.default_rng(98)
    noise = (level * rng.standard_normal(16000 * 4)).astype(np.float32)
    assert transcriber.transcribe(noise).text == ""


@pytest.mark.model
def test_quiet_speech_is_heard(transcriber, speech_clip) -> None:
    from closer.audio.decode import load_audio
    from closer.audio.gain import measure

    audio = load_audio(speech_clip)
    quiet = audio * 10 ** ((-45.0 - measure(audio).speech_dbfs) / 20)
    assert "next step" in transcriber.transcribe(quiet.astype(np.float32)).text.lower()


def test_a_segment_that_repeats_the_one_before_is_dropped():
    from closer.speech.transcriber import SegmentStats, to_transcript

    def seg(text: str, start: float) -> SegmentStats:
        return SegmentStats(text, start, start + 2, -0.3, 0.1, 1.2)

    same = " Is there anything that would stop you from making me an offer?"
    t = to_transcript([seg(" So given all of that.", 0), seg(same, 2), seg(same, 4),
                       seg(same.lower(), 6), seg(" Thanks.", 8), seg(" Thanks.", 9)], 10.0)
    assert t.text == ("So given all of that. Is there anything that would stop you from making "
                      "me an offer? Thanks. Thanks.")


def test_words_said_again_right_after_themselves_are_dropped():
    from closer.speech.transcriber import collapse_repeats
    from closer.types import Word

    said = "What does the next step? What does the next step? look like? Thanks, thanks."
    words = [Word(w, i, i + 0.5) for i, w in enumerate(said.split())]
    kept = " ".join(w.text for w in collapse_repeats(words))
    assert kept == "What does the next step? look like? Thanks, thanks."
    assert collapse_repeats(words[:5]) == words[:5]


@pytest.mark.parametrize(("variable", "ours", "users"), [
    ("OMP_WAIT_POLICY", "PASSIVE", "ACTIVE"),
    ("OPENBLAS_NUM_THREADS", "1", "2"),
], ids=["openmp-threads-sleep", "openblas-one-thread"])
def test_thread_pools_do_not_spin_on_a_busy_machine_unless_the_user_says_otherwise(
        variable: str, ours: str, users: str) -> None:
    """closer/__init__.py: idle CTranslate2 threads spinning starved decoding on a busy machine
    (9-35x slower with the model loaded in a background thread), and OpenBLAS's threads made the
    sentence encoder 20x slower; both libraries read these when first imported, after closer."""
    import subprocess
    import sys

    code = f"import os, closer, ctranslate2, numpy; print(os.environ['{variable}'])"
    env = {k: v for k, v in __import__("os").environ.items() if k != variable}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ours
    mine = subprocess.run([sys.executable, "-c", code], env={**env, variable: users},
                          capture_output=True, text=True, check=True).stdout.strip()
    assert mine == users
