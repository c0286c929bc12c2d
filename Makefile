# Ducha — two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: run test lint bench clean install

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(BIN)/ducha migrate --noinput
	$(BIN)/ducha demo --if-empty
	PORT=$(PORT) $(BIN)/ducha serve

# Runs every test on SQLite, then again on a throwaway PostgreSQL cluster,
# then the browser flows (Playwright + Debian's Chromium).
test: $(STAMP)
	$(BIN)/ruff check ducha bench
	sh scripts/grep-rules.sh
	$(BIN)/python scripts/runtests.py

lint: $(STAMP)
	$(BIN)/ruff check ducha bench

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/run.py --postgres

clean:
	rm -rf $(VENV) var/*.sqlite3* .pytest_cache
