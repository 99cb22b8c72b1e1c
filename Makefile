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

.PHONY: run test install install-dev system-packages system-test-packages migrate seed serve clean bench

run: system-packages install migrate seed
	@$(PY) manage.py demo_logins
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-packages system-test-packages install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

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

clean:
	rm -rf $(VENV) db.sqlite3 media
