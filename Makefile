# Both targets install what is missing first (see scripts/setup.sh) and skip what is done.
.PHONY: setup demo test lint bench lock

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/closer demo

test:
	@bash scripts/setup.sh --tests
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check src tests scripts

bench: setup
	.venv/bin/python scripts/bench.py

# Rewrites the sha256 hashes in the lock files from their pins (see README, Set-up).
lock:
	bash scripts/lock.sh
