# The README names these targets; each installs what it needs first.
SHELL := /bin/bash
PORT ?= 8000
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# A local run is a development run: debug pages, console e-mail, SQLite unless DATABASE_URL says otherwise.
RUN_ENV := DEBUG=true

.PHONY: install run test quality lint format lock territories-data clean bench

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements/dev.txt .python-version
	@$(PYTHON) -c 'import sys; v = "$(PYTHON_VERSION)"; sys.exit(0 if "%d.%d" % sys.version_info[:2] == v else "Python " + v + " est requis (trouvé : " + sys.version.split()[0] + ").")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: install
	$(RUN_ENV) $(MANAGE) migrate --no-input
	$(RUN_ENV) $(MANAGE) load_territories
	$(RUN_ENV) $(MANAGE) load_structures
	$(RUN_ENV) $(MANAGE) seed_demo
	@# The worker sends the e-mails (printed on the console) beside the server; Ctrl-C stops both.
	@# The links of the e-mails point at this server, whatever its port.
	$(RUN_ENV) SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(RUN_ENV) SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/djlint templates --check
	$(RUN_ENV) $(MANAGE) makemigrations --check --dry-run
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=fabrique.example.org \
		DATABASE_URL=sqlite:///:memory: EMAIL_URL=smtp+tls://user:pass@smtp.example.org:587 \
		$(MANAGE) check --deploy --fail-level WARNING

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat

# Serve the volume data (seed_volume) on the local PostgreSQL with gunicorn and production settings, time the pages
# and write docs/benchmarks.md. RESEED=1 loads the volume again; BENCH_N, BENCH_BUDGET: see bench/run.py.
bench: install
	$(BIN)/python bench/run.py

# Regenerate the locked requirements after a change to pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --python-version $(PYTHON_VERSION) --generate-hashes -q -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --group dev --python-version $(PYTHON_VERSION) --generate-hashes -q -o requirements/dev.txt

# Regenerate the shipped Brittany file from the package version pinned in package.json (see docs/territories.md).
territories-data: install
	$(RUN_ENV) $(MANAGE) build_territories_file --source node_modules/@etalab/decoupage-administratif/data \
		--region 53 --output territories/data/bretagne.json

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
