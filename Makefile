# Everyday commands. `make run` and `make test` do all the set-up they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench commands clean

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

run: $(STAMP)  ## load the bundled official data into ./parity.db, print the overview, build the report (HTML and PDF)
	$(BIN)/parity import bundled
	$(BIN)/parity overview
	$(BIN)/parity report build --out out/report --pdf

test: $(STAMP)  ## the whole test suite, on SQLite and PostgreSQL
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

format: $(STAMP)
	$(BIN)/ruff format src tests bench

commands: $(STAMP)  ## rewrite src/parity/commands.json (the command list `parity` registers lazily) from the code, and forces/forces.json from forces.yaml
	$(BIN)/python -c "from parity.cli import write_command_list; write_command_list()"
	$(BIN)/python -c "from parity.forces.registry import write_parsed; write_parsed()"

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) parity.db
