# The README's commands. Everything runs from the project's own virtual environment.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run serve test install migrate seed lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# requirements-dev.txt holds the runtime lock's pins too, plus the test and lint tools.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
	@# axe-core for the browser tests' accessibility checks (package.json); skipped where npm is absent.
	@if [ -f package.json ] && [ ! -d node_modules ] && command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; fi

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seed

run: seed
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-style serving: static files collected (WhiteNoise serves them, hashed names cached for
# a year), the deploy checks, then gunicorn with tracker/gunicorn.conf.py. Needs the production
# environment (DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS; docs/operations.md).
serve: migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	PORT=$(PORT) $(BIN)/gunicorn --config tracker/gunicorn.conf.py tracker.wsgi

test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A small benchmark (2,000 demo commitments) on the database DATABASE_URL names, or on
# bench/bench.sqlite3 without it. The full run: bench/run.py --commitments 100000 on PostgreSQL.
bench: install
	$(BIN)/python bench/run.py --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
