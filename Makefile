# Percorsi: `make run` to try it, `make test` to test it. Both install what they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
PERCORSI := $(VENV)/bin/percorsi
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install static messages pdf-deps migrate demo serve lint format browser browser-deps clean

# Find Python 3.12 or newer: the first of python3.14, python3.13, python3.12, python3, python that is
# recent enough (with pyenv, `python3` in this folder is the 3.12 that .python-version names).
PYTHON_FOR_VENV := $(shell for c in python3.14 python3.13 python3.12 python3 python; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
	  echo "Percorsi needs Python 3.12 or newer, and none was found."; \
	  echo "Install it: 'pyenv install 3.12' (any system), or your distribution's package where it has one"; \
	  echo "(Debian 13 and Ubuntu 24.04: 'apt install python3 python3-venv'), then run this command again."; \
	  exit 1; fi
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "Percorsi needs Node.js and npm for its front-end packages (apt install nodejs npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP) static messages pdf-deps

static: $(STAMP) $(NODE_STAMP)
	@$(PERCORSI) collectstatic --noinput -v 0

messages: $(STAMP)
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get install -y -q gettext >/dev/null; \
	  else echo "Percorsi needs GNU gettext to compile its translations (apt install gettext)."; exit 1; fi; }
	@cd src/percorsi && ../../$(PERCORSI) compilemessages -v 0

# What the plan document (a PDF made by WeasyPrint) needs from the system: Pango with HarfBuzz, and
# fonts for the scripts of the people followed (Arabic, Ethiopic for Tigrinya, Bengali; DejaVu for the
# rest). Installed with apt-get only when something is missing: as root, or with sudo when it asks no
# password; otherwise a warning says what to install (docs/operations.md).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core fonts-dejavu-core
PDF_FONTS := "Noto Sans" "Noto Sans Arabic" "Noto Sans Ethiopic" "Noto Sans Bengali" "DejaVu Sans"

pdf-deps: $(STAMP)
	@missing=; \
	$(PY) -W error::DeprecationWarning -c 'import weasyprint' >/dev/null 2>&1 || missing="Pango or HarfBuzz"; \
	if command -v fc-list >/dev/null; then \
	  for family in $(PDF_FONTS); do fc-list "$$family" family | grep -q . || missing="the font $$family"; done; \
	else missing=fontconfig; fi; \
	if [ -n "$$missing" ]; then \
	  install="apt-get install -y -q --no-install-recommends $(PDF_PACKAGES)"; \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    $$install >/dev/null || { apt-get update -q >/dev/null && $$install >/dev/null; }; \
	  elif command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo $$install >/dev/null || { sudo apt-get update -q >/dev/null && sudo $$install >/dev/null; }; \
	  else \
	    echo "warning: the plan document (PDF) needs $$missing: install $(PDF_PACKAGES) (docs/operations.md)."; \
	  fi; \
	fi

migrate: install
	@$(PERCORSI) migrate --noinput -v 0

demo: migrate
	@$(PERCORSI) demo

run: demo
	@echo ""
	@echo "Percorsi is at http://$(HOST):$(PORT)/  (stop it with Ctrl+C)"
	@$(PERCORSI) runserver $(HOST):$(PORT) --noreload --skip-checks

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Only the browser tests, failing (not skipping) if Chromium cannot run; screenshots in test-results/.
browser: install browser-deps
	PERCORSI_REQUIRE_BROWSER=1 $(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser-deps:
	@test -x /usr/lib/chromium/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium fonts-noto-core >/dev/null; \
	  else sudo apt-get install -y -q chromium fonts-noto-core >/dev/null; fi; }

clean:
	rm -rf $(VENV) node_modules var/static
