"""Content as data: interviewer lines, objections, model lines and phrase lists.

They live in `prompts/*.toml`.

Decision: the prompts folder sits at the repository root (the project is installed
editable by `make`), and `CLOSER_PROMPTS_DIR` points elsewhere for custom content.
Files are read once per process.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Any

from closer.errors import UserError

_DEFAULT_DIR = Path(__file__).resolve().parents[2] / "prompts"


def prompts_dir() -> Path:
    return Path(os.environ.get("CLOSER_PROMPTS_DIR", _DEFAULT_DIR))


@functools.cache
def load(name: str) -> dict[str, Any]:
    """Return the parsed `prompts/<name>.toml`."""
    path = prompts_dir() / f"{name}.toml"
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise UserError(
            f"The prompt file {path} is missing; restore it from the repository.") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"The prompt file {path} is not valid TOML ({exc}).") from None
