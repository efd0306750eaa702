# Two commands matter: `make run` (the whole service on this machine) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# python3.13 is the Lambda runtime; find a working interpreter (a bare pyenv shim can exist
# and still fail, so each candidate is asked for its version before it is trusted).
PYTHON313 ?= $(shell for c in python3.13 "$$(PYENV_VERSION=3.13.0 pyenv which python 2>/dev/null)" "$$(ls -d $$HOME/.pyenv/versions/3.13*/bin/python 2>/dev/null | tail -1)"; do \
	[ -n "$$c" ] && "$$c" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null && { command -v "$$c" || echo "$$c"; } && break; done)

VENV := .venv
TOOLS := .venv-tools
PY := $(VENV)/bin/python
export SAM_CLI_TELEMETRY := 0
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

SEED ?=

.PHONY: help setup lint build test test-fast run clean python313

help:
	@echo "make run    start the local stack (moto, simulators, Lambda runner) on 127.0.0.1"
	@echo "make test   set up if needed, lint, and run the whole test suite"
	@echo "make setup | lint | build | clean"

python313:
	@if [ -z "$(PYTHON313)" ]; then \
	  echo "python3.13 not found: install it with 'pyenv install 3.13.0' (or your OS package python3.13), then re-run make."; \
	  exit 1; fi

$(VENV)/.stamp: requirements-dev.txt layers/shared/requirements.in layers/shared/requirements.txt | python313
	@[ -x $(PY) ] || $(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

$(TOOLS)/.stamp: requirements-tools.txt | python313
	@[ -x $(TOOLS)/bin/python ] || $(PYTHON313) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --upgrade pip
	$(TOOLS)/bin/python -m pip install -q -r requirements-tools.txt
	@touch $@

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here).
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: browser tests will be skipped"; \
	else echo "chromium missing: install Debian's chromium (apt-get install chromium) for the browser tests"; fi

# axe-core from npm, which the browser tests inject into every page they check.
AXE := tests/support/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/support/axe/package.json
	@if command -v npm >/dev/null; then npm install --prefix tests/support/axe --no-audit --no-fund --silent \
	  || echo "axe-core could not be installed: the accessibility checks will be skipped"; \
	else echo "npm missing: install it (apt-get install npm) for the accessibility checks"; fi

setup: $(VENV)/.stamp $(TOOLS)/.stamp | $(CHROMIUM) $(AXE)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(TOOLS)/bin/sam validate --lint --region eu-west-1 --template template.yaml
	$(TOOLS)/bin/cfn-lint template.yaml --append-rules cfn_lint_serverless.rules

build: setup
	$(TOOLS)/bin/sam build --template template.yaml --parallel --cached

# pytest's defaults (pyproject addopts) run it on two xdist workers, one test module per group.
test: setup lint
	$(PY) -m pytest

run: setup
	$(PY) -m local $(if $(SEED),--seed $(SEED),)

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache

# Benchmarks: figures in bench/results/latest.{json,md}. N records for the import (10,000 by
# default, at five times the APIs' limits; N=25000 goes past Tripletex's 10,000-result limit).
N ?= 10000
.PHONY: bench bench-storm bench-unscaled chaos property storm-test
bench: setup
	$(PY) -m bench --n $(N)

# The storm at the issue's size: 5,000 product changes, an import of 5,000, 50 quiet tenants
# (at the real limits: some 30 minutes on the local stack, not yet timed). Figures in bench/results/storm/
bench-storm: setup
	$(PY) -m bench --only storm --n 5000 --storm-n 5000 --out bench/results/storm

# The import alone at the APIs' real limits (1,000 records, about three minutes): the pacing
# holds at x1. Figures in bench/results/unscaled/.
bench-unscaled: setup
	$(PY) -m bench --only initial_sync --n 1000 --rate-scale 1 --no-baseline --out bench/results/unscaled

# Reliability suites at full size: fuzzing with many more cases per operation, then the full-size
# chaos suites (marked slow; `make test` runs them at CI size).
FUZZ_EXAMPLES ?= 400
# The storm alone: tests/bench/test_storm.py (in `make test` too) and the quick benchmark's storm figures.
storm-test: setup
	STORM_TEST=1 $(PY) -m pytest -n 0 tests/bench/test_storm.py tests/bench/test_bench_quick.py -k storm

chaos: setup
	FUZZ_EXAMPLES_PER_OPERATION=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/fuzz tests/security -p no:cacheprovider
	$(PY) -m pytest -m slow

# Property tests at full size: 200 generated vendor records per entity (issue 11's proof), about
# 15 minutes on 2 cores. `make test` (and so CI) runs the same tests at 25 per entity.
property: setup
	HYPOTHESIS_PROFILE=ci $(PY) -m pytest tests/property -p no:cacheprovider
