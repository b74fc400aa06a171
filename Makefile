PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench install clean admin

# Create the virtualenv and install the service with its development tools.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: migrate, then serve the web app and one worker (PORT, default 8000)
run: $(STAMP)
	$(PY) scripts/run.py

## make test: install, then run the whole suite (SQLite unless DATABASE_URL is set)
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## make admin: create an operator account for /admin/ (local, DEBUG on)
admin: $(STAMP)
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py createsuperuser

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) var/db.sqlite3
