"""`closer voices`: the voices closer can speak with, one a line (engine, id, language, default).

`--json` prints one object a line: {"engine", "id", "language", "default": bool}. Any id, or a
unique part of one, goes to `--voice` of drill, rehearse and demo; so does an engine's name.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from closer.errors import UserError
from closer.speech.voices import Voice


def format_voices(found: Sequence[Voice]) -> list[str]:
    """Aligned lines: engine, id, language, and `default` on the one used without --voice."""
    width = max((len(v.id) for v in found), default=0)
    return [f"{v.engine:<7} {v.id:<{width}}  {v.language:<14}{'  default' if v.default else ''}"
            .rstrip() for v in found]


def run(args: argparse.Namespace) -> int:
    from closer.speech.voices import all_voices

    found = all_voices()
    if not found:
        raise UserError("No voice is installed: neither Piper's joe voice nor espeak-ng; "
                        "run the set-up (make) again.")
    if args.json:
        for v in found:
            print(json.dumps(v.as_json()))
    else:
        print("\n".join(format_voices(found)))
    return 0
