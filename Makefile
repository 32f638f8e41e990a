# hocvuso — two set-up commands: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Fall back to the in-repo data dir; DATABASE_URL from the environment wins.
export HOCVUSO_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test install install-test system-deps browser lint messages serve clean bench

$(VENV)/.installed: pyproject.toml scripts/find-python
	@PYBIN="$$(scripts/find-python)" || exit 1; \
	echo "Using $$PYBIN ($$($$PYBIN --version))"; \
	test -x $(PY) || $$PYBIN -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: system-deps $(VENV)/.installed messages

install-test: install $(VENV)/.installed-test browser

# Debian packages the project needs: gettext to compile translations, ICU for
# PyICU, and the fonts/pango stack WeasyPrint renders with. Installed only when missing.
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	pkg-config --exists icu-uc 2>/dev/null || missing="$$missing libicu-dev pkg-config"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	fi

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's Chromium for browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Please install chromium (sudo apt-get install chromium)"; exit 1; fi; \
	fi

messages: $(VENV)/.installed
	@cd $(CURDIR) && env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages --ignore ".venv" --verbosity 0

# The demo runs as production does (DEBUG off, hashed and compressed static
# files); only the secret key is generated locally.
SECRET_FILE := $(HOCVUSO_DATA_DIR)/secret_key
RUN := SECRET_KEY="$$(cat $(SECRET_FILE))" $(BIN)/hocvuso

$(SECRET_FILE):
	@mkdir -p $(HOCVUSO_DATA_DIR)
	@$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

demo: install $(SECRET_FILE)
	$(RUN) migrate --no-input
	$(RUN) createcachetable
	$(RUN) load_units
	$(RUN) load_curriculum
	$(RUN) seed_demo
	@$(RUN) demo_logins
	$(RUN) serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	HOCVUSO_TESTING=1 $(BIN)/hocvuso makemigrations --check --dry-run
	$(BIN)/pytest -q

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Each benchmark prints its figures and PASS or FAIL; with DATABASE_URL set
# (a database whose name contains "bench") they run on PostgreSQL.
bench: install
	$(PY) bench/import_roster.py
	$(PY) bench/learning_pages.py
	$(PY) bench/campaign_scale.py
	$(PY) bench/xapi_ingest.py
	$(PY) bench/xapi_query.py

clean:
	rm -rf $(VENV) var
