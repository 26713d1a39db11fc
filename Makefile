# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= localhost
PORT ?= 8501
DEMO_CASES ?= 3000
DEMO_SEED ?= 2024
PYTEST_ARGS ?=

.PHONY: run test install install-test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/workbench db upgrade
	$(BIN)/workbench demo load --if-empty --cases $(DEMO_CASES) --seed $(DEMO_SEED)
	$(BIN)/python -m streamlit run workbench/server.py --server.address $(HOST) --server.port $(PORT)

test: install-test
	$(BIN)/ruff check .
	scripts/ensure-chromium.sh
	scripts/ensure-fonts.sh
	scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

bench: install-test
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
