"""`pip install .` gives a working `closer`: the wheel carries prompts/, and its `closer score`
runs from anywhere on text and on audio.

Offline: the wheel is built from a copy of the sources with the .venv's setuptools (in the lock),
installed with `--no-index --no-deps` into a fresh venv under tmp_path, which sees the .venv's
packages through a .pth line (a path line in a .pth does not process that folder's own .pth files,
so the editable closer of the .venv stays invisible).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.model  # the WAV goes through the bundled Whisper model

ROOT = Path(__file__).resolve().parents[1]
CLOSE_TEXT = "What does the next step look like?"
CLOSE_SPOKEN = (
    "What does the next step in the interview process look like? Based on what we talked about "
    "today, is there any reason why you wouldn't feel comfortable passing me on to the next round?"
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLOSER_PROMPTS_DIR", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _run(*cmd: str | Path, cwd: Path) -> str:
    out = subprocess.run([str(c) for c in cmd], cwd=cwd, env=_env(), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode in (0, 1), f"{cmd} exited {out.returncode}:\n{out.stderr[-3000:]}"
    return out.stdout


def _build_wheel(tmp: Path) -> Path:
    # A copy, so a stale build/ in the work tree cannot leak old modules into the wheel.
    src = tmp / "project"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "prompts", src / "prompts")
    shutil.copytree(ROOT / "src", src / "src", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", dist, src, cwd=tmp)
    (wheel,) = dist.glob("closer-*.whl")
    return wheel


def _venv_with(wheel: Path, tmp: Path) -> Path:
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
         "--no-index", wheel, cwd=tmp)
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                     cwd=tmp).strip())
    (site / "_closer_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_carries_every_prompt_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "prompts").iterdir() if p.is_file()}
    assert shipped
    assert {n for n in shipped if f"closer/_prompts/{n}" not in names} == set()
    scenarios = {p.name for p in (ROOT / "prompts" / "scenarios").glob("*.toml")}
    assert {n for n in scenarios if f"closer/_prompts/scenarios/{n}" not in names} == set()


def test_the_wheel_carries_the_page(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    page = {p.name for p in (ROOT / "src" / "closer" / "web" / "static").iterdir()}
    assert {"index.html", "app.js", "mic-worklet.js", "style.css"} <= page
    assert {n for n in page if f"closer/web/static/{n}" not in names} == set()


def test_installed_wheel_scores_text_and_audio_from_anywhere(wheel: Path, tmp_path: Path,
                                                            espeak) -> None:
    venv = _venv_with(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    code = "import closer, closer.prompts as p; print(closer.__file__); print(p.prompts_dir())"
    where = _run(venv / "bin" / "python", "-c", code, cwd=elsewhere).splitlines()
    assert all(Path(line).is_relative_to(venv) for line in where), where
    assert (Path(where[1]) / "semantic_prototypes.npz").is_file()

    text = elsewhere / "close.txt"
    text.write_text(CLOSE_TEXT + "\n")
    wav = espeak(CLOSE_SPOKEN, elsewhere / "close.wav")
    lines = _run(venv / "bin" / "closer", "score", "--json", text, wav, cwd=elsewhere).splitlines()
    written, spoken = (json.loads(line) for line in lines)

    assert written["transcript"] == CLOSE_TEXT
    assert written["checks"]["next_step"]["passed"] is True
    assert written["checks"]["trial_close"]["passed"] is False
    assert written["delivery"] is None
    assert spoken["checks"]["trial_close"]["passed"] is True
    assert spoken["checks"]["next_step"]["passed"] is True
    assert spoken["delivery"]["speech_s"] > 5
