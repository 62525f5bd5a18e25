#!/usr/bin/env bash
# The whole suite: lint, then pytest (unit, real-model and virtual-audio-device tests).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests scripts
exec .venv/bin/python -m pytest "$@"
