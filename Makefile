# The two commands: `make run` and `make test`. Both create .venv and install on first use:
# `make run` what the bot needs at run time (requirements.txt), `make test` the dev tools too.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME_STAMP := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check eval bench clean teams-schemas

$(RUNTIME_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(RUNTIME_STAMP)
	$(PY) scripts/foreground.py $(PY) app.py

# The suite on TEST_WORKERS processes (pytest-xdist), each taking the next test when it is free
# (worksteal). Most of the suite's time is waiting — bot processes starting, real timers and
# reminders, servers on 127.0.0.1 — so two workers per core of a 2-core machine; each test has its
# own database (a SQLite file, a PostgreSQL schema) and ports. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 4

test: $(STAMP) lint typecheck teams-schemas
	$(PY) app.py eval eval/facts.yaml
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist worksteal

lint: $(STAMP)
	$(PY) -m ruff check .

typecheck: $(STAMP)
	$(PY) -m mypy

check: $(RUNTIME_STAMP)
	$(PY) app.py check

# The project's fact set (must pass), the held-out set and the known gaps (measured).
eval: $(STAMP)
	$(PY) app.py eval eval/facts.yaml
	-$(PY) app.py eval eval/holdout.yaml | tail -n 5
	-$(PY) app.py eval eval/gaps.yaml | tail -n 5

bench: $(STAMP)
	$(PY) bench/engine.py

# The Teams app manifest JSON schemas, from the npm package @microsoft/app-manifest (not
# committed): tests/test_teams_package.py validates the generated manifest.json against
# .cache/app-manifest/package/build/json-schemas/teams/v<manifestVersion>/.
APP_MANIFEST_PACKAGE := @microsoft/app-manifest@1.1.2
APP_MANIFEST_DIR := .cache/app-manifest
APP_MANIFEST_STAMP := $(APP_MANIFEST_DIR)/.fetched-1.1.2

teams-schemas: $(APP_MANIFEST_STAMP)

$(APP_MANIFEST_STAMP):
	@command -v npm >/dev/null 2>&1 || { echo "teams-schemas: npm (Node.js) is required to fetch $(APP_MANIFEST_PACKAGE); install it, e.g. apt-get install npm" >&2; exit 1; }
	rm -rf $(APP_MANIFEST_DIR) && mkdir -p $(APP_MANIFEST_DIR)
	npm pack --silent --pack-destination $(APP_MANIFEST_DIR) $(APP_MANIFEST_PACKAGE) >/dev/null
	tar -xzf $(APP_MANIFEST_DIR)/microsoft-app-manifest-*.tgz -C $(APP_MANIFEST_DIR)
	test -d $(APP_MANIFEST_DIR)/package/build/json-schemas/teams
	touch $@

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
