# The two set-up commands: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# System packages: fonts and HarfBuzz subsetting for PDFs, Chromium for the browser tests.
APT_PACKAGES := fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 poppler-utils gettext
APT_TEST_PACKAGES := chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev system-packages system-test-packages migrate seed serve clean bench bench-reports bench-pages messages

run: system-packages install migrate seed
	@$(PY) manage.py demo_logins
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-packages system-test-packages install-dev node_modules/.installed
	$(BIN)/pytest $(PYTEST_ARGS)

# axe-core (the accessibility check in the browser tests) comes from the npm registry.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --silent
	@touch $@

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# apt-get only when something is missing, so a prepared machine is not touched.
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

system-test-packages:
	@missing=$$(for p in $(APT_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages for the browser tests: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

migrate: install
	$(PY) manage.py migrate --no-input

seed: install
	$(PY) manage.py seed_demo

bench: install-dev
	$(PY) bench/page_weight.py

# Reports on 100,000 learners and 1,000,000 lesson-progress rows (PostgreSQL; built once, reused).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mka_bench
bench-reports: install-dev
	$(PY) bench/reports.py --database-url $(BENCH_DATABASE_URL)

# The learner's pages under gunicorn next to a bare view, and 200 learners taking their exam at once.
bench-pages: install-dev
	$(PY) bench/pages.py --database-url $(BENCH_DATABASE_URL)

clean:
	rm -rf $(VENV) db.sqlite3 media

# Interface translations: refresh locale/*/LC_MESSAGES/django.po from the code and templates,
# then compile the .mo files (committed, so running the site needs no gettext).
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=media --ignore=node_modules
messages: install
	$(PY) manage.py makemessages --locale=ru --locale=ar --no-obsolete $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages --locale=ru --locale=ar --ignore=.venv
