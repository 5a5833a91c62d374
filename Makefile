# Casustafel: `make run` sets up and starts the app, `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
OIDC_STAMP := tests/oidc/node_modules/.installed
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
HTMX_VERSION := 4.0.1
UTRECHT_CSS_VERSION := 9.0.4
DEJAVU_VERSION := 2.37.3

.PHONY: install run test lint system-deps lock vendor bench

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# The Nu HTML Checker (vnu.jar) for the browser tests, pinned in package-lock.json. Without its
# install script, which would download a Java of its own: the tests run it on the machine's Java.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NODE_STAMP)

# The OpenID Provider the single sign-on tests log in at (oidc-provider 8: 9 wants Node 22).
$(OIDC_STAMP): tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund
	touch $(OIDC_STAMP)

run: install
	$(BIN)/casustafel db upgrade
	$(BIN)/casustafel seed-demo --if-empty
	$(BIN)/casustafel serve --demo

# What the tests need from the machine: Chromium for the browser tests, PostgreSQL's server
# programs and pg_dump, qpdf to check downloaded PDFs, npm and Java for the Nu HTML Checker, and a
# `postgres` system user to run the throwaway server as.
system-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; }
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends postgresql; }
	@command -v pg_dump >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends postgresql-client; }
	@command -v qpdf >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends qpdf; }
	@command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends npm; }
	@command -v java >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends default-jre-headless; }
	@if [ "$$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --no-create-home postgres; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install system-deps lint $(NODE_STAMP) $(OIDC_STAMP)
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/pytest

# Speed figures of the live meeting and the verslag on SQLite and PostgreSQL (not a test: it reports).
bench: install system-deps
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/python -m tests.benchmarks.bench_live
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/python -m tests.benchmarks.bench_minutes
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/python -m tests.benchmarks.bench_dashboard

# Pin what is installed now (after adding a dependency to pyproject.toml and installing it).
lock: install
	$(BIN)/pip freeze --exclude-editable > requirements.lock

# Refresh the vendored front-end files from the npm registry, at the versions above.
vendor:
	rm -rf var/vendor && mkdir -p var/vendor
	cd var/vendor && npm pack --silent htmx.org@$(HTMX_VERSION) @utrecht/component-library-css@$(UTRECHT_CSS_VERSION) dejavu-fonts-ttf@$(DEJAVU_VERSION) >/dev/null
	cd var/vendor && for archive in *.tgz; do mkdir -p "$${archive%.tgz}" && tar -xzf "$$archive" -C "$${archive%.tgz}"; done
	cp var/vendor/htmx.org-$(HTMX_VERSION)/package/dist/htmx.min.js static/vendor/htmx-$(HTMX_VERSION).min.js
	cp var/vendor/htmx.org-$(HTMX_VERSION)/package/LICENSE static/vendor/htmx-$(HTMX_VERSION).LICENSE
	cp var/vendor/utrecht-component-library-css-$(UTRECHT_CSS_VERSION)/package/dist/index.css static/vendor/utrecht-component-library-css-$(UTRECHT_CSS_VERSION).css
	cp var/vendor/utrecht-component-library-css-$(UTRECHT_CSS_VERSION)/package/LICENSE.md static/vendor/utrecht-component-library-css-$(UTRECHT_CSS_VERSION).LICENSE.md
	mkdir -p static/fonts/dejavu-$(DEJAVU_VERSION)
	cp var/vendor/dejavu-fonts-ttf-$(DEJAVU_VERSION)/package/ttf/DejaVuSans.ttf var/vendor/dejavu-fonts-ttf-$(DEJAVU_VERSION)/package/ttf/DejaVuSans-Bold.ttf var/vendor/dejavu-fonts-ttf-$(DEJAVU_VERSION)/package/LICENSE static/fonts/dejavu-$(DEJAVU_VERSION)/
