# The two commands: `make publish` (the bundled example into output/) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: publish test check bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

publish: $(STAMP)
	$(BIN)/syndicate publish --config config/example.toml

test: $(STAMP)
	$(BIN)/coverage erase && $(BIN)/coverage run -m pytest -q && $(BIN)/coverage combine -q && $(BIN)/coverage report

check: $(STAMP)
	$(BIN)/syndicate check --config config/example.toml

lint: $(STAMP)
	$(BIN)/mypy
	$(BIN)/ruff check syndicate tests

bench: $(STAMP)
	$(BIN)/python bench/bench_publish.py

clean:
	rm -rf $(VENV) config/state
	find output -mindepth 1 ! -name README.md -delete
