# The front door. `make help` lists every target from its ## comment.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA ?= data/portfolio data/history data/seed/nc-scjg-2019-zzxf.yaml
OUT ?= reports
# The 绩效评价报告 is always HTML; FORMATS adds its Word (docx) and PDF copies: `make reports FORMATS="docx pdf"`.
FORMATS ?= docx
CHROMIUM := /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help setup browser office system test lint reports lab bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

# An editable install is not byte-compiled, and PYTHONDONTWRITEBYTECODE (set in some shells and
# containers) stops Python from caching what it compiles: every `evalcore` run would compile the
# package again (~0.05 s). compileall does what a regular `pip install` does; it skips what is current.
setup: $(STAMP) ## create .venv and install evalcore with its test tools
	@$(BIN)/python -m compileall -q evalcore

lint: setup ## ruff (lint and format check) over the package, tests, benchmarks and scripts
	$(BIN)/ruff check evalcore tests benchmarks scripts
	$(BIN)/ruff format --check evalcore tests benchmarks scripts

# Debian packages that tests drive, as PROGRAM:PACKAGE: installed by scripts/apt_install.sh (as
# root, without recommended packages, waiting for another apt's lock) when PROGRAM is missing.
# The report browser test drives Debian's chromium through Playwright; `playwright install` (a
# browser download) is never used. The Word writer's test converts the .docx with LibreOffice and
# reads the PDF with poppler's pdftotext and pdfinfo.
BROWSER_PKGS := $(CHROMIUM):chromium
OFFICE_PKGS := /usr/bin/lowriter:libreoffice-writer /usr/bin/pdftotext:poppler-utils /usr/bin/pdfinfo:poppler-utils

browser: ## install Debian's chromium for the report browser test (apt, as root)
	@bash scripts/apt_install.sh $(BROWSER_PKGS)

office: ## install LibreOffice writer and poppler-utils for the Word/PDF tests (apt, as root)
	@bash scripts/apt_install.sh $(OFFICE_PKGS)

system: ## install every Debian package the tests need (browser and office, one apt-get update)
	@bash scripts/apt_install.sh $(BROWSER_PKGS) $(OFFICE_PKGS)

test: setup lint system ## set everything up and run the whole test suite
	$(BIN)/python -m pytest -q

reports: setup ## publish the sample portfolio to reports/ (reports, index.html, summaries) and score it
	$(BIN)/evalcore batch $(DATA) --out $(OUT) $(foreach f,$(FORMATS),--format $(f))
	$(BIN)/evalcore score $(DATA) --json > $(OUT)/scored.json
	COLUMNS=200 $(BIN)/evalcore score $(DATA) --summary > $(OUT)/scored.txt
	@echo "已发布：$(OUT)/index.html"

lab: setup ## open JupyterLab with the notebooks
	$(BIN)/jupyter lab --ip=127.0.0.1 --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/explore.ipynb

bench: setup ## run the benchmarks (prints figures; not part of the tests; takes a long while)
	$(BIN)/python benchmarks/bench_score.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_batch.py --large 1000
	$(BIN)/python benchmarks/bench_explore.py

# What `make reports` wrote, and nothing else: the output folder and the parameter files of that
# output (evalcore batch keeps them per output folder: parameters/<OUT>/<部门>/<编号>.yaml).
clean: ## remove what `make reports` wrote (reports/ and parameters/reports/)
	rm -rf $(OUT) parameters/$(patsubst %/,%,$(OUT))
