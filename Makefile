PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test soak lint format bench install clean admin messages

# Create the virtualenv and install the service with its development tools.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: migrate, then serve the web app, the relay and one worker (PORT, default 8000)
run: $(STAMP)
	$(PY) scripts/compile_messages.py
	$(PY) scripts/run.py

## make test: install, then run the whole suite (SQLite unless DATABASE_URL is set)
test: $(STAMP)
	$(PY) scripts/compile_messages.py
	$(PY) -m pytest $(PYTEST_ARGS)

## make soak: the full fault-injection storm on PostgreSQL (DATABASE_URL, default the local
## postgres); prints its report and fails if an order lost its document or got two
soak: $(STAMP)
	$(PY) -m tests.storm.driver $(SOAK_ARGS)

## make admin: create an operator account for /admin/ (local, DEBUG on)
admin: $(STAMP)
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py createsuperuser

## make messages: collect the pages' English texts into locale/sv/.../django.po (needs GNU
## gettext's xgettext), then compile every .po to .mo in Python (no msgfmt needed)
messages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages -l sv --no-location --no-obsolete \
		--ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks --ignore='*/sandbox/*'
	$(PY) scripts/compile_messages.py

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## make bench: measure against the performance targets on loopback (QUICK=1: < 2 min);
## needs PostgreSQL (DATABASE_URL or postgres@127.0.0.1), wrk, and REDIS_URL for Redis
bench: $(STAMP)
	QUICK=$(QUICK) $(PY) -m benchmarks

clean:
	rm -rf $(VENV) var/db.sqlite3
