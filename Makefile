# TĐKT Flow — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint bench lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## Browser assets from npm (package-lock.json), copied into the git-ignored webui/static/vendor/.
NODE_STAMP := node_modules/.installed-stamp
VENDOR_STAMP := webui/static/vendor/.stamp
## The studio's editors and the case-page viewer, bundled by esbuild from webui/assets/ (git-ignored output).
BUILD_STAMP := webui/static/build/.stamp
ASSET_SOURCES := $(wildcard webui/assets/*)
## Message catalogues: only the .po files are in git.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard webui/translations/*/LC_MESSAGES/*.po))

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

$(VENDOR_STAMP): $(NODE_STAMP)
	npm run --silent vendor
	touch $(VENDOR_STAMP)

$(BUILD_STAMP): $(NODE_STAMP) $(ASSET_SOURCES)
	npm run --silent build
	touch $(BUILD_STAMP)

webui/translations/%.mo: webui/translations/%.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

## The browser tests drive Debian's chromium (Playwright's own browser download is not used).
install: $(STAMP) $(VENDOR_STAMP) $(BUILD_STAMP) $(MO_FILES)
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium fonts-liberation)

## Set up, migrate the SQLite database under instance/, load processes/ and forms/, seed demo data, serve.
run: install
	$(BIN)/tdkt demo
	$(BIN)/tdkt serve --host $${HOST:-127.0.0.1} --port $${PORT:-5000}

## Set up and run the whole test suite (SQLite by default; TDKT_DATABASE_URL selects another database).
test: install
	$(BIN)/ruff check engine webui tests bench
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check engine webui tests bench

bench: install
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/timers.py

## Re-resolve the pinned dependency set after editing pyproject.toml.
lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) instance .pytest_cache
