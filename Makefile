# Two commands on a fresh machine: `make run` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run test test-fast lint bench bench-torch data clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)  ## start the app on the bundled data
	$(PY) -m streamlit run serve.py --server.port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: lint  ## lint, then every test: core and pages on every core, then the browser ones
	$(PY) -m pytest -m "not browser" -n auto --dist load
	$(PY) -m pytest -m browser

test-fast: lint  ## lint and every test but the browser ones (on every core)
	$(PY) -m pytest -m "not browser" -n auto --dist load

bench: $(STAMP)  ## medians of the timings the issues ask for
	$(PY) -m bench

# Optional, for `make bench` (onnx_zoo): torchvision's classifiers exported to ONNX by both PyTorch
# exporters, in a throwaway venv (torch is never a project dependency; about 5.6 GB, and 27 GB of exports).
TORCH_VENV := .venv-torch
bench-torch: $(STAMP)
	test -x $(TORCH_VENV)/bin/python || $(PYTHON) -m venv $(TORCH_VENV)
	$(TORCH_VENV)/bin/python -m pip install --quiet torch==2.14.1 torchvision==0.29.1 onnx==1.23.2 onnxscript
	$(TORCH_VENV)/bin/python bench/torch_export.py .bench-cache/onnx-zoo
	$(PY) -m bench.onnx_zoo --make-variants

data: $(STAMP)  ## rebuild data/ from ../shared/qutibench with the project's importer
	$(PY) -m qb_core.measurements.build_data ../shared/qutibench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
