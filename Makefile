# The two quick-start commands of the README are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install system-deps demo test check bench docs clean

$(BIN)/ordersync: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(BIN)/ordersync

install: $(BIN)/ordersync

demo: install
	$(BIN)/ordersync serve --demo

system-deps:
	bash scripts/system-deps.sh

# scripts/test_services.py gives the tests a PostgreSQL role (and Redis password) of their own where the
# defaults cannot log in, e.g. on a fresh Debian or Ubuntu machine
# -n auto: one test process per core (at most 4: each holds PostgreSQL connections of its own); every test
# has its own database, ports and temp dirs, so the processes share nothing. Tests marked `serial` run
# afterwards on their own (exit code 5: the selection held none of them).
test: install system-deps
	$(BIN)/python scripts/test_services.py
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4 -m "not serial" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

# static checks, configured in pyproject.toml: lint, formatting, types (strict for domain/ and channels/sdk/)
# and dead code (vulture_whitelist.py lists what only a framework calls)
check: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/vulture

bench: install system-deps
	$(BIN)/python scripts/test_services.py
	$(BIN)/python bench/run.py

docs: install
	$(BIN)/ordersync docs

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info .ordersync-test
