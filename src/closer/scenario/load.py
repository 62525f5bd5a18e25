"""Reading a scenario: TOML text or a file -> `Scenario`, or one sentence naming the line and field.

Decisions:
- Every key is optional; an unknown key, a value of the wrong type or a round that is not first,
  second or final is an error (a typo must not silently drop the weak spot it was meant to hold).
  The round may be written in any case and with " round" after it ("Second round").
- Blank strings count as absent; repeated list entries are kept once, in order.
- TOML syntax errors give tomllib's own line; a wrong field gives the line its key is on when it
  can be found (a best-effort scan: nothing depends on it but the message).
- Plain-text inputs (job ads, resumes, scenario files) share one reader: missing, a folder,
  unreadable, empty, binary (NUL bytes, a PDF, a Word or zip file) or over 1 MB is one sentence.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from closer.errors import UserError
from closer.scenario.model import Interviewer, Scenario, scenario_name
from closer.types import ROUNDS

KEYS = ("company", "role", "interviewer", "round", "next_step", "weak_spots", "skills")
INTERVIEWER_KEYS = ("name", "title")
MAX_TEXT_BYTES = 1_000_000  # a job ad or a resume is a few kB; more is the wrong file

_EXAMPLES = {
    "company": 'company = "Acme Analytics"',
    "role": 'role = "data engineer"',
    "next_step": 'next_step = "a technical interview with two engineers"',
    "weak_spots": 'weak_spots = ["no production Kubernetes", "a two-year gap"]',
    "skills": 'skills = ["Python", "SQL"]',
    "interviewer": 'interviewer = { name = "Dana Whitfield", title = "Head of Data" }',
    "interviewer.name": 'name = "Dana Whitfield"',
    "interviewer.title": 'title = "Head of Data"',
}


def load_scenario_text(text: str, name: str) -> Scenario:
    """Parse a scenario from TOML `text`. `name` says where the text came from (a file name, "the
    scenario form"): it starts every error message, and its stem (".toml" dropped) names the
    scenario when the text names no company or role. Raises UserError (exit 2), one sentence."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(_syntax_message(str(exc), text, name)) from None
    return _from_table(data, text, name)


def load_scenario_file(path: str | Path) -> Scenario:
    """`load_scenario_text` of a file, named after it."""
    p = Path(path)
    return load_scenario_text(read_text_file(p, "scenario file"), str(p))


def read_text_file(path: Path, what: str) -> str:
    """The text of a small plain-text file (UTF-8, or Windows-1252 as pasted from a Word
    document); anything else is one sentence naming the file."""
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"The {what} {shown} does not exist.") from None
    except IsADirectoryError:
        raise UserError(f"The {what} {shown} is a folder, not a text file.") from None
    except OSError as exc:
        raise UserError(f"Cannot read the {what} {shown} ({exc.strerror}).") from None
    if len(data) > MAX_TEXT_BYTES:
        raise UserError(f"The {what} {shown} is over 1 MB; give a plain-text file.")
    kind = _binary_kind(data)
    if kind:
        raise UserError(f"The {what} {shown} is {kind}, not plain text; save it as a .txt file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UserError(f"The {what} {shown} is not text in UTF-8; save it as a UTF-8 "
                            ".txt file.") from None
    if not text.strip():
        raise UserError(f"The {what} {shown} is empty.")
    return text


def _binary_kind(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "a PDF"
    if data.startswith(b"PK\x03\x04"):
        return "a Word document or a zip file"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Word document"
    if b"\x00" in data[:8192]:
        return "a binary file"
    return None


def _syntax_message(message: str, text: str, name: str) -> str:
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        reason = message[:found.start()]
        return f"{name} line {found.group(1)} is not valid TOML: {_lower_first(reason)}."
    reason = re.sub(r"\s*\(at end of document\)$", "", message)
    last = max(1, len(text.rstrip("\n").splitlines()))
    return f"{name} line {last} (the end of the file) is not valid TOML: {_lower_first(reason)}."


def _lower_first(s: str) -> str:
    return s[:1].lower() + s[1:] if s[1:2].islower() else s


def _from_table(data: dict[str, Any], text: str, name: str) -> Scenario:
    for key in data:
        if key not in KEYS:
            raise _field_error(text, name, (key,), _unknown(key, KEYS, "a scenario"))
    company = _string(data, "company", text, name)
    role = _string(data, "role", text, name)
    fallback = Path(name).stem if name.lower().endswith(".toml") else name
    return Scenario(
        name=scenario_name(company, role, fallback),
        company=company,
        role=role,
        interviewer=_interviewer(data.get("interviewer"), text, name),
        round=_round(data.get("round"), text, name),
        next_step=_string(data, "next_step", text, name),
        weak_spots=_strings(data, "weak_spots", text, name),
        skills=_strings(data, "skills", text, name),
    )


def _unknown(key: str, known: tuple[str, ...], what: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f' (did you mean "{close[0]}"?)' if close else ""
    return f'"{key}" is not a key of {what}{hint}; it takes {", ".join(known)}'


def _string(data: dict[str, Any], key: str, text: str, name: str,
            where: tuple[str, ...] = ()) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    field = ".".join((*where, key))
    if not isinstance(value, str):
        raise _field_error(text, name, (*where, key),
                           f"{field} must be text in quotes, e.g. {_EXAMPLES[field]}")
    return " ".join(value.split()) or None


def _strings(data: dict[str, Any], key: str, text: str, name: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _field_error(text, name, (key,),
                           f"{key} must be a list of texts in quotes, e.g. {_EXAMPLES[key]}")
    seen: dict[str, str] = {}
    for v in value:
        clean = " ".join(v.split())
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return tuple(seen.values())


def _interviewer(value: Any, text: str, name: str) -> Interviewer:
    if value is None:
        return Interviewer()
    if not isinstance(value, dict):
        raise _field_error(text, name, ("interviewer",),
                           f"interviewer must be a table, e.g. {_EXAMPLES['interviewer']}")
    for key in value:
        if key not in INTERVIEWER_KEYS:
            raise _field_error(text, name, ("interviewer", key),
                               _unknown(key, INTERVIEWER_KEYS, "the interviewer table"))
    return Interviewer(name=_string(value, "name", text, name, ("interviewer",)),
                       title=_string(value, "title", text, name, ("interviewer",)))


def _round(value: Any, text: str, name: str) -> Any:
    if value is None:
        return None
    shown = f'"{value}"' if isinstance(value, str) else repr(value)
    if isinstance(value, str):
        clean = re.sub(r"\s+round$", "", value.strip().lower())
        if clean in ROUNDS:
            return clean
    raise _field_error(text, name, ("round",),
                       f"round must be first, second or final, not {shown}")


def _field_error(text: str, name: str, path: tuple[str, ...], problem: str) -> UserError:
    line = _line_of(text, path)
    where = f"{name} line {line}" if line else name
    return UserError(f"{where}: {problem}.")


_HEADER = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\"' -]+?)\s*\]\s*(#.*)?$")


def _key_at(line: str, key: str) -> bool:
    return re.match(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*[=.]""",
                    line) is not None


def _line_of(text: str, path: tuple[str, ...]) -> int | None:
    """The line number of the key at `path` (("round",), ("interviewer", "name")), if found."""
    table = ""
    parent_line = None
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = header.group(1).strip().strip("\"'")
            if len(path) > 1 and table == path[0]:
                parent_line = number
            if len(path) == 1 and table == path[0]:
                return number  # [interviewer] where a value was expected
            continue
        if len(path) == 1 and table == "" and _key_at(line, path[0]):
            return number
        if len(path) > 1:
            if table == "" and _key_at(line, path[0]):
                return number  # inline table or dotted key: its line
            if table == path[0] and _key_at(line, path[1]):
                return number
    return parent_line
