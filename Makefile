# Two commands on a fresh clone: `make report` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= data/sales.duckdb
export SALESANALYSIS_DB ?= $(DB)
export MPLBACKEND := Agg

.PHONY: install report test lab bench lint clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=77' wheel
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

## Build the sample store if absent, render the monthly review for the latest complete month.
report: $(STAMP)
	test -f $(DB) || $(BIN)/salesanalysis --db $(DB) init --sample
	$(BIN)/salesanalysis --db $(DB) report monthly_review

## Unit tests, then every notebook under nbval.
test: $(STAMP)
	$(BIN)/ruff check salesanalysis tests benchmarks scripts
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q tests
	test -f $(DB) || $(BIN)/salesanalysis --db $(DB) init --sample
	$(BIN)/python -m pytest -q --nbval-lax salesanalysis/reports/notebooks

## JupyterLab on the notebooks; as root (a container) it needs --allow-root to start.
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) salesanalysis/reports/notebooks

## The scale ladder (10k, 100k, 300k customers; BENCH_MAX=1000000 adds 1M), then bench_*.py.
BENCH_MAX ?= 300000
bench: $(STAMP)
	BENCH_MAX=$(BENCH_MAX) $(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check --fix salesanalysis tests benchmarks scripts

clean:
	rm -rf $(VENV) build *.egg-info
