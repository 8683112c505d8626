# The two commands that matter: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
VENDOR := src/schakel/web/static/vendor
ASSETS_STAMP := $(VENDOR)/.stamp
# Noto Sans and Noto Serif (the theme's fonts), Latin and Latin Extended, served by the app.
FONT_FACES := $(foreach w,400 600 700,noto-sans/latin-$(w) noto-sans/latin-ext-$(w)) \
	noto-sans/latin-400-italic noto-sans/latin-ext-400-italic \
	$(foreach w,400 700,noto-serif/latin-$(w) noto-serif/latin-ext-$(w))
PYTEST_ARGS ?=

.PHONY: demo test install assets lint typecheck contracts migrations-check messages compile-messages clean openapi bench-smoke

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[dev,spark,rq]"
	touch $(STAMP)

install: $(STAMP) $(ASSETS_STAMP)

# Front-end assets come from the npm registry and are served by the app itself (no CDN).
$(ASSETS_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && \
		mkdir -p $(VENDOR) && \
		cp node_modules/@utrecht/component-library-css/dist/index.css $(VENDOR)/utrecht.css && \
		cp node_modules/@nl-design-system-unstable/voorbeeld-design-tokens/dist/theme.css $(VENDOR)/design-tokens.css && \
		cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js && \
		mkdir -p $(VENDOR)/fonts && rm -f $(VENDOR)/fonts.css && \
		for face in $(FONT_FACES); do \
			sed -e 's|url(./files/|url(fonts/|g' -e "s|, url(fonts/[^)]*\.woff) format('woff')||g" \
				node_modules/@fontsource/$$face.css >> $(VENDOR)/fonts.css && \
			grep -o 'fonts/[^)]*\.woff2' $(VENDOR)/fonts.css | sort -u | while read file; do \
				cp node_modules/@fontsource/$${face%%/*}/files/$${file#fonts/} $(VENDOR)/$$file 2>/dev/null || true; done; \
		done && \
		touch $(ASSETS_STAMP); \
	else \
		echo "npm not found: pages work, but without the NL Design System styles and htmx."; \
	fi

assets: $(ASSETS_STAMP)

demo: install
	$(BIN)/schakel demo

test: install
	$(BIN)/pytest -q -n 2 $(PYTEST_ARGS)

# Every script in benchmarks/ at its smallest size (a few minutes): a benchmark cannot rot.
bench-smoke: $(STAMP)
	$(BIN)/python benchmarks/smoke.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy src/schakel/engine src/schakel/web

contracts: $(STAMP)
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	SCHAKEL_DATA_DIR=$$(mktemp -d) DJANGO_SETTINGS_MODULE=schakel.web.test_settings $(BIN)/django-admin makemigrations --check --dry-run

# Re-extract the strings to translate after changing source strings (needs GNU gettext).
messages: $(STAMP)
	cd src/schakel/web && DJANGO_SETTINGS_MODULE=schakel.web.test_settings ../../../$(BIN)/django-admin makemessages -l nl -l en --no-location --no-obsolete

compile-messages: $(STAMP)
	cd src/schakel/web && DJANGO_SETTINGS_MODULE=schakel.web.test_settings ../../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) node_modules $(VENDOR)

# Write the committed OpenAPI description after changing an endpoint (a test checks it).
openapi: $(STAMP)
	SCHAKEL_DATA_DIR=$$(mktemp -d) DJANGO_SETTINGS_MODULE=schakel.web.test_settings $(BIN)/python -c 'import django, json; django.setup(); from schakel.web.api.main import api; print(json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True))' > docs/api/openapi.json
