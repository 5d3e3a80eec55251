# Two entry points (see README Quick start):
#   make replay  - set up .venv and replay the sample AdminInitiateAuth calls
#   make test    - set up .venv and run the test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup node-tools replay test lint sam-check ci clean

$(BIN)/harness: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,rie]'
	touch $(BIN)/harness

setup: $(BIN)/harness node-tools

# Node.js triggers: AWS's runtime interface clients and esbuild, pinned, built by npm once into a
# per-user cache (harness/invokers/node_tools.py; without npm only Node.js triggers cannot run).
node-tools: $(BIN)/harness
	@if command -v npm >/dev/null 2>&1; then $(BIN)/python -m harness.invokers.node_tools; \
	else echo "npm not found: Node.js triggers will not run (README: Runtimes)"; fi

replay: setup
	$(BIN)/harness replay events/replays/sample.ps1

# Every core: pytest-xdist spreads the suite over one worker more than the cores (tests/conftest.py:
# a worker that waits on a trigger's timeout or a server leaves its core to the others; slow
# tests included, run first; an idle worker takes tests from another's queue: worksteal;
# `pytest -m "not slow"` leaves them out locally).
test: setup
	$(BIN)/pytest -q -n auto --dist worksteal

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

sam-check: setup
	$(BIN)/sam validate --lint --template template.yaml
	$(BIN)/sam build --template template.yaml

clean:
	rm -rf $(VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache
