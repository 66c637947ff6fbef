# The front door. `make help` lists every target from its ## comment.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA ?= data/portfolio data/seed/nc-scjg-2019-zzxf.yaml
OUT ?= reports

.DEFAULT_GOAL := help
.PHONY: help setup test lint reports bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install evalcore with its test tools

lint: setup ## ruff over the package, tests, benchmarks and scripts
	$(BIN)/ruff check evalcore tests benchmarks scripts

test: setup lint ## set everything up and run the whole test suite
	$(BIN)/python -m pytest -q

reports: setup ## score the sample portfolio into reports/ (summary.json, summary.txt)
	@mkdir -p $(OUT)
	$(BIN)/evalcore score $(DATA) --json > $(OUT)/summary.json
	COLUMNS=200 $(BIN)/evalcore score $(DATA) --summary > $(OUT)/summary.txt
	@echo "已写出 $(OUT)/summary.json 与 $(OUT)/summary.txt"

bench: setup ## run the benchmarks (prints figures; not part of the tests)
	$(BIN)/python benchmarks/bench_score.py

clean: ## remove generated output
	rm -rf $(OUT) .pytest_cache .ruff_cache .hypothesis
