# Parcours Assmat: `make run` serves the app with demo data, `make test` runs the whole suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := ONBOARDING_ENV=$${ONBOARDING_ENV:-development} $(BIN)/flask --app onboarding
DSFR_DIST := node_modules/@gouvfr/dsfr/dist
LEAFLET_DIST := node_modules/leaflet/dist
VENDOR := static/vendor
INSTALLED := $(VENV)/.installed
ASSETS := $(VENDOR)/dsfr/dsfr.min.css $(VENDOR)/leaflet/leaflet.js

.PHONY: run test bench quality install lock assets system-packages migration-check clean

# Debian packages the suite needs: WeasyPrint's text stack, the headless browser of the UI tests and
# the Java runtime of the W3C checker (vnu.jar, from npm's vnu-jar).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium default-jre-headless

run: install assets
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo
	@echo "Parcours Assmat: http://127.0.0.1:5000  (staff sign-in: http://127.0.0.1:5000/auth/login)"
	$(FLASK) run --host 127.0.0.1 --port 5000

# One test process a CPU (pytest-xdist), each with databases of its own; a browser module and the
# load tests stay together on one worker (--dist loadgroup, see tests/conftest.py).
test: install assets system-packages
	$(BIN)/pytest -n auto --dist loadgroup

# Every benchmark against its budget (DESIGN.md) on SQLite and, given BENCH_DATABASE_URL, on
# PostgreSQL; a JSON summary in benchmarks/results/. BENCH_ARGS=--small: a quick check.
bench: install assets
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) --no-print-directory migration-check

# Fails when the models and the migrations disagree: upgrade an empty database, then compare.
migration-check:
	@tmp=$$(mktemp -d) && \
	ONBOARDING_ENV=testing SECRET_KEY=check DATABASE_URL="sqlite:///$$tmp/check.sqlite" \
		$(BIN)/flask --app onboarding db upgrade >/dev/null 2>&1 && \
	ONBOARDING_ENV=testing SECRET_KEY=check DATABASE_URL="sqlite:///$$tmp/check.sqlite" \
		$(BIN)/flask --app onboarding db check; \
	status=$$?; rm -rf "$$tmp"; exit $$status

install: $(INSTALLED)

# Every dependency at the version and hashes of requirements.lock, then the project itself,
# editable (its dependencies are already there: pip adds only what the lock lacks).
$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet -e '.[test,prod]'
	touch $@

# Regenerates requirements.lock from pyproject.toml alone (every extra, every platform, Python
# 3.11, with hashes) with uv: the newest versions that fit, as PyPI had them on LOCK_DATE, so the
# same pyproject.toml gives the same lock whoever runs it and whenever. Move LOCK_DATE forward to
# take newer releases.
LOCK_DATE := 2026-12-05T00:00:00Z

lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv>=0.5'
	$(BIN)/python -m uv pip compile pyproject.toml --extra test --extra prod --universal \
		--python-version 3.11 --generate-hashes --upgrade --exclude-newer $(LOCK_DATE) \
		--custom-compile-command "make lock" --quiet --output-file requirements.lock

# The French State design system and Leaflet (the search's map), from npm into ignored static
# files (never committed). DSFR's install script wants a project scaffold we do not use: only the
# dist files are needed.
assets: $(ASSETS)

$(ASSETS) &: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(VENDOR)/dsfr
	mkdir -p $(VENDOR)/dsfr/utility/icons
	cp $(DSFR_DIST)/dsfr.min.css $(DSFR_DIST)/dsfr.module.min.js $(DSFR_DIST)/dsfr.nomodule.min.js $(VENDOR)/dsfr/
	cp -r $(DSFR_DIST)/fonts $(DSFR_DIST)/icons $(DSFR_DIST)/favicon $(DSFR_DIST)/artwork $(VENDOR)/dsfr/
	cp $(DSFR_DIST)/utility/icons/icons.min.css $(VENDOR)/dsfr/utility/icons/
	rm -rf $(VENDOR)/leaflet
	mkdir -p $(VENDOR)/leaflet
	cp -r $(LEAFLET_DIST)/leaflet.js $(LEAFLET_DIST)/leaflet.css $(LEAFLET_DIST)/images $(VENDOR)/leaflet/

# Installs what is missing when run as root on Debian; otherwise says what to install.
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing: $$missing"; \
			apt-get install -y -q $$missing >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null; }; \
		else \
			echo "Missing Debian packages (install them as root): $$missing"; \
		fi; \
	fi

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache .ruff_cache
