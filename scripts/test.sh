#!/usr/bin/env bash
# The whole suite: lint, then pytest (unit, real-model and virtual-audio-device tests).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests scripts
# the slowest tests, printed at the end, keep the 15-minute budget in view
exec .venv/bin/python -m pytest --durations=25 "$@"
