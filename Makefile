# Coprod: `make run` starts the bot, `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint typecheck browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

# With Slack tokens (environment or .env): the bot; without: the local sandbox.
run: $(RUN_STAMP)
	@if $(BIN)/python -c "import sys; from bot.config import load_settings; sys.exit(0 if load_settings().slack_bot_token else 1)" 2>/dev/null; then \
		$(BIN)/coprod db upgrade && $(BIN)/coprod serve; \
	else \
		$(BIN)/coprod sandbox; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check bot handlers storage tests bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy bot handlers storage

# The browser test drives Debian's chromium through Playwright (never a downloaded browser).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser test..."; \
		(DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)) || \
		echo "Could not install chromium: the browser test will be skipped."; \
	else echo "chromium is not installed: the browser test will be skipped."; fi; }

test: lint typecheck browser
	$(BIN)/python -m pytest

# make bench BENCH_DATABASE_URL=postgresql://... runs the same benches on PostgreSQL
# (an empty database: each bench empties it first).
BENCH_DB = $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL))

bench: $(TEST_STAMP)
	$(BIN)/python -m bench.incident_latency $(BENCH_DB)
	$(BIN)/python -m bench.reminders $(BENCH_DB)
	$(BIN)/python -m bench.ack_latency $(BENCH_DB)
	$(BIN)/python -m bench.startup $(BENCH_DB)
	$(BIN)/python -m bench.app_home $(BENCH_DB)
	$(BIN)/python -m bench.socket_mode $(BENCH_DB)
	$(BIN)/python -m bench.web_processes $(BENCH_DB)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
