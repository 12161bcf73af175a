# goodterms — `make run` starts the app, `make test` runs every test. `make help` lists the rest.
PYTHON ?= python3
# Development data of the tone coach (never shipped): the Stanford Politeness Corpus, both halves; warm and
# tough offers; real business mail; Reddit comments labelled with emotions.
DATA ?= ../shared/data
POLITENESS_DATA ?= $(DATA)/politeness/wikipedia.annotated.csv $(DATA)/politeness/stack-exchange.annotated.csv
OFFERS_DATA ?= $(DATA)/offers/phone_offers.csv
ENRON_DATA ?= $(DATA)/enron/sent-dev.jsonl
GOEMOTIONS_DATA ?= $(DATA)/goemotions/train.tsv
VENV := .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist): the machines have two cores; TEST_JOBS=1 for a quiet one, auto for a big one.
TEST_JOBS ?= 2
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
# requirements.lock pins every package, the build tools included, with its hashes: `make lock` writes it.
PIP_COMPILE := $(BIN)/pip-compile --quiet --extra dev --all-build-deps --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock

.DEFAULT_GOAL := help
.PHONY: help install lock run test test-quick lint format docs bench-web bench-tone bench-plan bench-send bench-insights train-tone eval-tone clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(STAMP): pyproject.toml requirements.lock
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@# byte-compiled as a wheel's install would be: the first analyze() and the web's start-up then read
	@# .pyc files even where PYTHONDONTWRITEBYTECODE is set
	$(BIN)/python -m compileall -q src > /dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

# Development-only front-end tools from the npm registry (axe-core for the accessibility test), pinned with
# their hashes in package-lock.json. Without npm the install goes on and that test is skipped.
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error; \
	else echo "npm not found: skipping axe-core (the survey's accessibility test will be skipped)"; fi

install: $(STAMP) $(NODE_STAMP)  ## create .venv and install goodterms with its development tools

lock: $(STAMP)  ## pin the dependencies of pyproject.toml, with hashes, into requirements.lock (ARGS=--upgrade: all to their newest)
	$(PIP_COMPILE) $(ARGS) pyproject.toml

run: $(STAMP)  ## set up and serve goodterms at http://127.0.0.1:8000 (PORT to change), with its worker
	$(BIN)/goodterms run

test: $(STAMP) $(NODE_STAMP)  ## run every test (on PostgreSQL too when DATABASE_URL points there)
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadgroup $(PYTEST_ARGS)

test-quick: $(STAMP)  ## the inner loop: every test but the slow ones and the browser (about a minute)
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadgroup -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(STAMP)  ## ruff (lint and format check), mypy, the import contracts, generated docs up to date
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/cog --check docs/cli.md docs/tone-rules.md docs/playbooks.md docs/messages.md

docs: $(STAMP)  ## regenerate the generated parts of docs/cli.md, docs/tone-rules.md and docs/playbooks.md
	$(BIN)/cog -r docs/cli.md docs/tone-rules.md docs/playbooks.md docs/messages.md

format: $(STAMP)  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench-web: $(STAMP)  ## seed 20,000 clients and 100,000 contacts; p50/p95 of list, search, detail on SQLite and PostgreSQL
	$(BIN)/python -m bench.bench_web

bench-tone: $(STAMP)  ## the tone coach against proselint and VADER on the same messages: messages/s, MB/s, p50/p99, memory
	$(BIN)/python bench/bench_tone.py

bench-plan: $(STAMP)  ## the plan engine (plans/s, p99; business days beside numpy) and the exit pages with 500 exits
	$(BIN)/python -m bench.bench_plan

bench-send: $(STAMP)  ## queue 1,000 goodbyes and deliver them to a local SMTP server (4 and 1 workers) beside send_mass_mail
	$(BIN)/python -m bench.bench_send

bench-insights: $(STAMP)  ## the insights page with 1,000 exits on SQLite: p50/p95 beside the exit list (target < 300 ms)
	$(BIN)/python -m bench.bench_insights

train-tone: $(STAMP)  ## retrain the shipped politeness model from $(POLITENESS_DATA) and $(OFFERS_DATA)
	$(BIN)/python -m goodterms.tone.politeness.train --data $(POLITENESS_DATA) --offers $(OFFERS_DATA) --folds 5

eval-tone: $(STAMP)  ## held-out politeness accuracy beside the paper's; false alarms on mail; anger recall
	$(BIN)/python -m goodterms.tone.evaluate --politeness $(POLITENESS_DATA) --offers $(OFFERS_DATA) \
		--enron $(ENRON_DATA) --goemotions $(GOEMOTIONS_DATA)

clean:  ## remove the virtualenv and caches (keeps ./var, your data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
