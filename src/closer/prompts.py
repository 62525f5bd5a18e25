"""Content as data: interviewer lines, objections, model lines and phrase lists.

They live in `prompts/*.toml`.

Decision: the prompts folder sits at the repository root and ships as the package data of
`closer._prompts` (`src/closer/_prompts` is a symlink to `../../prompts`; a wheel carries real
copies), found with `importlib.resources`, so an editable install and `pip install .` read the same
files. `CLOSER_PROMPTS_DIR` points elsewhere for custom content. Files are read once per process.
"""

from __future__ import annotations

import functools
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from closer.errors import UserError


def prompts_dir() -> Path:
    """The folder of the prompt files, on disk (files inside it are read as paths)."""
    custom = os.environ.get("CLOSER_PROMPTS_DIR")
    if custom:
        return Path(custom)
    # `files()` of the regular package `closer` is a directory on disk in a wheel or editable
    # install; `resolve()` turns the repository's symlink into `prompts/` for error messages.
    return Path(str(resources.files("closer") / "_prompts")).resolve()


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
