"""closer.scenario.load: a scenario from TOML text or a file, and one sentence for every way it
can be wrong (bad TOML with its line, an unknown key, a wrong type, a bad round, unreadable,
empty or binary files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from closer.errors import UserError
from closer.scenario import Interviewer, Scenario, load_scenario_file, load_scenario_text
from closer.scenario.load import read_text_file

ROOT = Path(__file__).resolve().parents[1]

FULL = '''company = "Acme Analytics"
role = "data engineer"
round = "Second round"
next_step = "a system design interview"
interviewer = { name = "Dana Whitfield", title = "Head of Data" }
skills = ["Airflow", "dbt"]
weak_spots = ["no production Kubernetes", "  lives 90   minutes away ", "",
              "No production Kubernetes"]
'''


def test_every_key_is_read_and_cleaned() -> None:
    s = load_scenario_text(FULL, "acme.toml")
    assert s == Scenario(
        name="data engineer at Acme Analytics", company="Acme Analytics", role="data engineer",
        interviewer=Interviewer("Dana Whitfield", "Head of Data"), round="second",
        next_step="a system design interview", skills=("Airflow", "dbt"),
        weak_spots=("no production Kubernetes", "lives 90 minutes away"))  # blank and repeat gone


@pytest.mark.parametrize(("text", "name"), [
    ("", "thursday"),  # every key is optional: the file's stem names it
    ('company = "Acme"', "Acme"),
    ('role = "nurse"', "nurse"),
    ('company = "  "\nrole = ""', "thursday"),  # blank is absent
])
def test_the_name_is_role_at_company_or_either_or_the_file_stem(text: str, name: str) -> None:
    assert load_scenario_text(text, "plans/thursday.toml").name == name


def test_interviewer_as_a_table_and_the_web_form_name() -> None:
    s = load_scenario_text('round = "final"\n[interviewer]\ntitle = "VP of Sales"\n',
                           "the scenario form")
    assert s.interviewer == Interviewer(None, "VP of Sales") and s.round == "final"
    assert s.name == "the scenario form"


def one_sentence(text: str, name: str = "acme.toml") -> str:
    with pytest.raises(UserError) as err:
        load_scenario_text(text, name)
    message = str(err.value)
    assert err.value.code == 2
    assert message.endswith(".") and "\n" not in message and message.startswith(name)
    return message


@pytest.mark.parametrize(("text", "expected"), [
    ('company = "Acme"\nrole = \n', 'acme.toml line 2 is not valid TOML: invalid value.'),
    ('company = "Acme\n', "acme.toml line 1 is not valid TOML: illegal character '\\n'."),
    ('round = "first"\nround = "final"\n', "acme.toml line 2 is not valid TOML: "
                                            "cannot overwrite a value."),
    ('weak_spots = ["a gap",\n', "acme.toml line 1 (the end of the file) is not valid TOML: "
                                 "invalid value."),
])
def test_bad_toml_names_its_line(text: str, expected: str) -> None:
    assert one_sentence(text) == expected


@pytest.mark.parametrize(("text", "line", "field", "hint"), [
    ('company = "Acme"\nweak_spot = ["a gap"]\n', 2, '"weak_spot"', 'did you mean "weak_spots"'),
    ('colour = "blue"\n', 1, '"colour"', "it takes company, role"),
    ('[interviewer]\nname = "Dana"\nrank = "VP"\n', 3, '"rank"', "it takes name, title"),
])
def test_an_unknown_key_is_named_with_its_line(text: str, line: int, field: str,
                                               hint: str) -> None:
    message = one_sentence(text)
    assert message.startswith(f"acme.toml line {line}: ") and field in message and hint in message


@pytest.mark.parametrize(("text", "line", "field"), [
    ("company = 3\n", 1, "company must be text"),
    ('role = "x"\nnext_step = ["a panel"]\n', 2, "next_step must be text"),
    ('weak_spots = "a two-year gap"\n', 1, "weak_spots must be a list of texts"),
    ('weak_spots = ["a gap", 2]\n', 1, "weak_spots must be a list of texts"),
    ('skills = {python = true}\n', 1, "skills must be a list of texts"),
    ('interviewer = "Dana Whitfield"\n', 1, "interviewer must be a table"),
    ('role = "x"\n\ninterviewer = { name = 5 }\n', 3, "interviewer.name must be text"),
    ('[interviewer]\ntitle = ["VP"]\n', 2, "interviewer.title must be text"),
])
def test_a_wrong_type_names_the_field_its_line_and_an_example(text: str, line: int,
                                                              field: str) -> None:
    message = one_sentence(text)
    assert message.startswith(f"acme.toml line {line}: {field}") and "e.g." in message


@pytest.mark.parametrize(("value", "shown"), [('"third"', '"third"'), ("2", "2"),
                                              ('"semi-final"', '"semi-final"')])
def test_a_bad_round_says_the_three_rounds(value: str, shown: str) -> None:
    message = one_sentence(f'company = "Acme"\nround = {value}\n')
    assert message == f"acme.toml line 2: round must be first, second or final, not {shown}."


def test_a_file_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "thursday.toml"
    path.write_text('round = "fourth"\n')
    with pytest.raises(UserError, match=r"thursday\.toml line 1: round must be"):
        load_scenario_file(path)
    path.write_text('company = "Acme"\n')
    assert load_scenario_file(path).name == "Acme"


@pytest.mark.parametrize(("content", "expected"), [
    (None, "does not exist"),
    (b"", "is empty"),
    (b"  \n\t\n", "is empty"),
    (b"%PDF-1.7\n...", "is a PDF, not plain text"),
    (b"PK\x03\x04docx", "is a Word document or a zip file"),
    (b"text\x00\x01\x02binary", "is a binary file"),
    (b"x" * 1_000_001, "is over 1 MB"),
])
def test_unreadable_empty_or_binary_text_files_are_one_sentence(
        tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "job.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UserError) as err:
        read_text_file(path, "job ad")
    assert expected in str(err.value) and str(err.value).startswith(f"The job ad {path}")
    assert err.value.code == 2


def test_a_folder_is_not_a_text_file(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a folder"):
        read_text_file(tmp_path, "resume")


def test_windows_1252_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cv.txt"
    path.write_bytes("Caf\xe9 manager \u2013 5 years".encode("cp1252"))
    assert read_text_file(path, "resume") == "Caf\xe9 manager \u2013 5 years"


def test_the_shipped_examples_load_and_use_every_key() -> None:
    examples = sorted((ROOT / "prompts" / "scenarios").glob("*.toml"))
    assert len(examples) >= 3
    scenarios = [load_scenario_file(p) for p in examples]
    used = {k for s in scenarios for k in ("company", "role", "round", "next_step", "weak_spots",
                                            "skills") if getattr(s, k)}
    assert used == {"company", "role", "round", "next_step", "weak_spots", "skills"}
    assert all(s.weak_spots for s in scenarios) and any(s.interviewer.name for s in scenarios)
    assert all(p.read_text().startswith("#") for p in examples)  # commented for the reader
