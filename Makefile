# The portal's front door. `make run` and `make test` work on a fresh machine of this kind.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)

.PHONY: install run test test-fast bench lint messages system-packages

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstalls only when the dependencies change.
$(STAMP): pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	[ -n "$(FOR_TESTS)" ] && [ ! -x /usr/bin/chromium ] && missing="$$missing chromium"; \
	[ -n "$(FOR_TESTS)" ] && ! command -v redis-server >/dev/null && missing="$$missing redis-server"; \
	[ -n "$(FOR_TESTS)" ] && ! command -v pg_dump >/dev/null && missing="$$missing postgresql-client"; \
	[ -n "$(FOR_TESTS)" ] && [ ! -x /usr/sbin/dovecot ] && missing="$$missing dovecot-imapd"; \
	[ -n "$(FOR_TESTS)" ] && ! command -v npm >/dev/null && missing="$$missing nodejs npm"; \
	lean=""; \
	[ -n "$(FOR_TESTS)" ] && ! command -v soffice >/dev/null && \
	  lean="libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui"; \
	if [ -n "$$missing$$lean" ]; then \
	  if [ "$(ROOT)" = yes ]; then \
	    echo "Installing Debian packages:$$missing $$lean"; \
	    apt-get update -qq; \
	    [ -z "$$missing" ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    [ -z "$$lean" ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$lean >/dev/null; \
	  else \
	    echo "Please install these Debian packages:$$missing $$lean" >&2; exit 1; \
	  fi; \
	fi

messages: system-packages $(STAMP)
	$(PY) manage.py compilemessages --ignore '.venv' -v 0

install: $(STAMP) messages

run: install
	$(PY) manage.py migrate --no-input -v 0
	PORTAL_DEMO=1 $(PY) manage.py load_demo
	PORTAL_DEMO=1 bash bin/run-dev

# The OpenID provider of the sign-in tests (tests/oidc/: npm's oidc-provider, pinned by its
# package-lock.json); tests/oidc/conftest.py runs the same `npm ci` when it is missing.
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --silent

# axe-core, the accessibility rules the browser tests run in each page (tests/browser/: npm's
# axe-core, pinned by its package-lock.json); tests/browser/axe.py runs the same `npm ci`.
tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --silent

test: FOR_TESTS=yes
test: install tests/oidc/node_modules/.package-lock.json tests/browser/node_modules/.package-lock.json
	bash bin/test

bench: install
	$(PY) bench/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
