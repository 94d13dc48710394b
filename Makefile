# Two commands: `make run` sets everything up and starts the app; `make test` sets up and runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run serve test lint simulate bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) demo
	$(BIN)/python deploy/serve.py

# Production: N gevent workers on one port (PRIORITAS_WORKERS, default 2-4), on DATABASE_URL (PostgreSQL) with
# REDIS_URL and SECRET_KEY set; see docs/deploy.md.
serve: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py

test: $(VENV)/.dev
	$(BIN)/python tests/preflight.py
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(VENV)/.dev
	$(BIN)/ruff check .

# Re-extract every translatable string, merge it into each language's .po and compile the .mo files (which are
# committed, so `run` and `test` need no compile step; tests/i18n checks that the .mo match the .po).
translations: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-location=file --sort-output \
		--project Prioritas -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching \
		--ignore-obsolete
	$(BIN)/pybabel compile -d app/translations --statistics

# Forty simulated phones join the demo workshop and vote over HTTP and Socket.IO (start `make run` first).
simulate: $(VENV)/.runtime
	$(BIN)/python bench/simulate.py --phones 40

bench: $(VENV)/.dev
	$(BIN)/python bench/aggregation.py
	$(BIN)/python bench/connections.py --clients 2000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
