# The two quick-start commands are `make demo` and `make test`; everything
# else here is what they are built from. Only Python 3.11+, git and make are
# assumed: the first run creates .venv and installs actreg into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   ?= demo.db
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast durations lint format bench clean

# The suite runs on every core (pytest-xdist); --dist loadgroup keeps tests that
# share one outside resource (the tmux server) on one worker.
PYTEST_PARALLEL := -n auto --dist loadgroup

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "actreg needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## make demo: create the demo register (once) and open it
demo: $(STAMP)
	@test -f $(DEMO) || $(BIN)/actreg --db $(DEMO) demo
	$(BIN)/actreg --db $(DEMO)

## make test: lint, the import contracts and types (pyproject.toml), then the whole test suite
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

## make test-fast: the inner loop: every test not marked slow, in parallel, no lint
test-fast: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not slow" -q

## make durations: record each test's time (tests/durations.json marks the slow ones)
durations: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -q --record-durations

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: build a 100,000-action register once, then print every benchmark
BIG ?= /tmp/actreg-bench-100k.db
bench: $(STAMP)
	@test -f $(BIG) || $(BIN)/python -m bench.make_register $(BIG)
	$(BIN)/python -m bench.cycles_bench $(BIG)
	$(BIN)/python -m bench.verify_bench $(BIG)
	$(BIN)/python -m bench.tui_bench $(BIG)
	$(BIN)/python -m bench.export_bench
	$(BIN)/python -m bench.import_bench

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .hypothesis \
		.mypy_cache .import_linter_cache .grimp_cache
