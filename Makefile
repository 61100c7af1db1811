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

install: $(STAMP)

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

## Re-resolve the pinned dependency set after editing pyproject.toml.
lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) instance .pytest_cache
