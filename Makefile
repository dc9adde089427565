# The two commands in the README are `make demo` and `make test`; keep them true on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-postgres lint static chromium clean

# A virtual environment with Divert and its test tools, rebuilt when the pins change.
$(BIN)/divert: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The DfE validators in their own environment (they pin pandas < 2): Divert runs them as a subprocess.
VALIDATORS := .venv-validators
$(VALIDATORS)/bin/python: requirements-validators.txt
	$(PYTHON) -m venv $(VALIDATORS)
	$(VALIDATORS)/bin/pip install --quiet --upgrade pip
	$(VALIDATORS)/bin/pip install --quiet -r requirements-validators.txt
	touch $@

# Run the app on SQLite with the synthetic demo authority and a demo user for every role.
demo: $(BIN)/divert $(VALIDATORS)/bin/python
	DEBUG=1 $(BIN)/divert migrate --no-input
	DEBUG=1 $(BIN)/divert synth --if-empty
	DEBUG=1 $(BIN)/divert demo-users
	@# The task worker (imports, validations) runs beside the web server and stops with it.
	DEBUG=1 $(BIN)/divert db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/divert runserver 127.0.0.1:8000

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The whole test suite (SQLite unless DATABASE_URL is set), browser tests included.
test: $(BIN)/divert $(VALIDATORS)/bin/python chromium
	$(BIN)/pytest

lint: $(BIN)/divert
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	DEBUG=1 $(BIN)/divert makemigrations --check --dry-run
	# No new secret in the repository: every finding must be in the audited .secrets.baseline
	# (mark a known non-secret there, or with a "pragma: allowlist secret" comment). The hook is
	# given a copy, as it rewrites the baseline's line numbers (exit 3) when lines merely move.
	cp .secrets.baseline $(VENV)/secrets.baseline
	$(BIN)/detect-secrets-hook --baseline $(VENV)/secrets.baseline $$(git ls-files ':!.secrets.baseline') || [ $$? -eq 3 ]

# Rebuild the committed GOV.UK Frontend assets from the pinned npm packages.
static:
	bash scripts/import-static.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
