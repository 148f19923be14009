# make demo  — the portal on SQLite with demo data at http://127.0.0.1:5000
# make test  — the whole test suite: SQLite, PostgreSQL 15 and the browser tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYTHON

.PHONY: demo test system-packages system-packages-test venv bench check-scenarios clean

system-packages:
	@scripts/system-packages.sh

system-packages-test:
	@scripts/system-packages.sh --test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

demo: system-packages venv
	mkdir -p instance
	PORTAL_DEMO=1 $(BIN)/flask --app wsgi db upgrade
	PORTAL_DEMO=1 $(BIN)/flask --app wsgi demo --if-empty
	@echo "Resultaatportaal: http://127.0.0.1:5000"
	PORTAL_DEMO=1 $(BIN)/flask --app wsgi run --host 127.0.0.1 --port 5000

test: system-packages-test venv
	$(BIN)/python -m pytest -q -p no:cacheprovider

check-scenarios: venv
	$(BIN)/python ../shared/tools/check_scenarios.py --python $(BIN)/python
	$(BIN)/python ../shared/tools/check_scenarios.py --python $(BIN)/python --db

bench: venv
	$(BIN)/python bench/bench_settlement.py
	$(BIN)/python bench/bench_invoice_pdf.py

clean:
	rm -rf $(VENV) instance .pytest_cache
