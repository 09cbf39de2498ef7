# The two commands: `make publish` (the bundled example into output/) and `make test`.
# Two stamps: `make publish` installs only what publishing needs (`pip install -e .`);
# `make test` (and lint, bench) add the test extra on top (`pip install -e '.[test]'`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
STAMP  := $(VENV)/.installed

.PHONY: publish test check bench lint clean

$(RUNTIME_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

publish: $(RUNTIME_STAMP)
	$(BIN)/syndicate publish --config config/example.toml

test: $(STAMP)
	$(BIN)/coverage erase && $(BIN)/coverage run -m pytest -q && $(BIN)/coverage combine -q && $(BIN)/coverage report

check: $(RUNTIME_STAMP)
	$(BIN)/syndicate check --config config/example.toml

lint: $(STAMP)
	$(BIN)/mypy
	$(BIN)/ruff check syndicate tests
	$(BIN)/ruff format --check syndicate tests bench

bench: $(STAMP)
	$(BIN)/python bench/bench_publish.py

clean:
	rm -rf $(VENV) config/state
	find output -mindepth 1 ! -name README.md -delete
