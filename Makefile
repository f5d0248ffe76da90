# Two commands on a fresh machine: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run test test-fast lint bench data clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)  ## start the app on the bundled data
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: lint  ## lint, then every test: core and pages on every core, then the browser ones
	$(PY) -m pytest -m "not browser" -n auto --dist load
	$(PY) -m pytest -m browser

test-fast: lint  ## lint and every test but the browser ones (on every core)
	$(PY) -m pytest -m "not browser" -n auto --dist load

bench: $(STAMP)  ## medians of the timings the issues ask for
	$(PY) -m bench

data: $(STAMP)  ## rebuild data/ from ../shared/qutibench with the project's importer
	$(PY) -m qb_core.build_data ../shared/qutibench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
