# cxlab — the two commands a new user needs: `make reports` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DATA   ?= data/sample
OUT    ?= reports

.PHONY: help install reports test lab sample bench clean

help:
	@echo "make reports  - install cxlib in $(VENV) and render every notebook on $(DATA) into $(OUT)/"
	@echo "make test     - install the test dependencies and run the whole test suite"
	@echo "make lab      - JupyterLab on the project"
	@echo "make sample   - regenerate the sample shop in data/sample/ (seed 42)"

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

install: $(STAMP)

reports: $(STAMP)
	$(BIN)/cxlab run --all --data $(DATA) --out $(OUT)

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab --notebook-dir=.

sample: $(STAMP)
	$(BIN)/cxlab sample --seed 42 --out data/sample

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
