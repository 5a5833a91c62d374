# Casustafel: `make run` sets up and starts the app, `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PRODUCTION_LOCK := requirements/production.txt
DEVELOPMENT_LOCK := requirements/development.txt
PRODUCTION_STAMP := $(VENV)/.installed-production
DEVELOPMENT_STAMP := $(VENV)/.installed-development
NODE_STAMP := node_modules/.installed
OIDC_STAMP := tests/oidc/node_modules/.installed
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
HTMX_VERSION := 4.0.1
UTRECHT_CSS_VERSION := 9.0.4
DEJAVU_VERSION := 2.37.3

.PHONY: install run test lint system-deps lock vendor assets bench loadtest image-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every file checked against its hash in the lock; then the app itself, without dependencies (the
# lock holds them) and built with the locked setuptools rather than one fetched unchecked.
$(PRODUCTION_STAMP): pyproject.toml $(PRODUCTION_LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(PRODUCTION_LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The development lock holds the production pins too (tests/test_dependencies.py), so it serves both.
$(DEVELOPMENT_STAMP): pyproject.toml $(PRODUCTION_LOCK) $(DEVELOPMENT_LOCK) | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(DEVELOPMENT_LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(PRODUCTION_STAMP)

install: $(PRODUCTION_STAMP)

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

lint: $(DEVELOPMENT_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(DEVELOPMENT_STAMP) system-deps lint $(NODE_STAMP) $(OIDC_STAMP)
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/pytest

# Speed figures of the live meeting and the verslag on SQLite and PostgreSQL (not a test: it reports).
bench: $(DEVELOPMENT_STAMP) system-deps
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/python -m tests.benchmarks.bench_live
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/python -m tests.benchmarks.bench_minutes
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/python -m tests.benchmarks.bench_dashboard

# Two minutes of a meeting's load on two serve processes and PostgreSQL (not a test: it reports);
# `make loadtest LOADTEST_ARGS="--seconds 20"` for a quick try.
loadtest: $(DEVELOPMENT_STAMP) system-deps
	PATH="$$PATH:$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)" $(BIN)/python -m tests.loadtest.run $(LOADTEST_ARGS)

# Build the container image (Containerfile) here and try it: readiness and a demo login from outside
# (not part of `make test`: it installs podman, buildah and mmdebstrap and takes minutes cold).
image-test:
	$(PYTHON) -m tests.image.smoke

# Both locks from pyproject.toml, with the hashes of every file of each pinned release. Pins already
# in a lock stay as they are: only what is new is resolved (`make lock LOCK_ARGS=--upgrade` or
# `LOCK_ARGS="--upgrade-package fastapi"` to move). Development is constrained to production's pins.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --build-deps-for=editable --no-emit-index-url --no-emit-find-links
lock: $(DEVELOPMENT_STAMP)
	$(PIP_COMPILE) $(LOCK_ARGS) --output-file=$(PRODUCTION_LOCK) pyproject.toml
	$(PIP_COMPILE) $(LOCK_ARGS) --extra=dev --constraint=$(PRODUCTION_LOCK) \
		--output-file=$(DEVELOPMENT_LOCK) pyproject.toml

# Refresh the vendored front-end files from the npm registry, at the versions above, and build.
vendor:
	rm -rf var/vendor && mkdir -p var/vendor
	cd var/vendor && npm pack --silent htmx.org@$(HTMX_VERSION) @utrecht/component-library-css@$(UTRECHT_CSS_VERSION) dejavu-fonts-ttf@$(DEJAVU_VERSION) >/dev/null
	cd var/vendor && for archive in *.tgz; do mkdir -p "$${archive%.tgz}" && tar -xzf "$$archive" -C "$${archive%.tgz}"; done
	cp var/vendor/htmx.org-$(HTMX_VERSION)/package/dist/htmx.min.js static/vendor/htmx-$(HTMX_VERSION).min.js
	cp var/vendor/htmx.org-$(HTMX_VERSION)/package/LICENSE static/vendor/htmx-$(HTMX_VERSION).LICENSE
	cp var/vendor/utrecht-component-library-css-$(UTRECHT_CSS_VERSION)/package/dist/index.css assets/utrecht-component-library-css-$(UTRECHT_CSS_VERSION).css
	cp var/vendor/utrecht-component-library-css-$(UTRECHT_CSS_VERSION)/package/LICENSE.md static/vendor/utrecht-component-library-css-$(UTRECHT_CSS_VERSION).LICENSE.md
	mkdir -p static/fonts/dejavu-$(DEJAVU_VERSION)
	cp var/vendor/dejavu-fonts-ttf-$(DEJAVU_VERSION)/package/ttf/DejaVuSans.ttf var/vendor/dejavu-fonts-ttf-$(DEJAVU_VERSION)/package/ttf/DejaVuSans-Bold.ttf var/vendor/dejavu-fonts-ttf-$(DEJAVU_VERSION)/package/LICENSE static/fonts/dejavu-$(DEJAVU_VERSION)/
	$(MAKE) assets

# What the pages load, built from assets/ and static/ (assets/build-static.mjs: PurgeCSS, CSSO,
# Brotli and gzip) and committed. Run after changing static/ or the Utrecht classes a template uses.
assets: $(NODE_STAMP)
	node assets/build-static.mjs $(UTRECHT_CSS_VERSION)
