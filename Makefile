# `make demo`: set up and clean the built-in samples; `make test`: set up and run the test suite;
# `make mutation`: mutation testing of the costliest modules, `make soak`: the suite 20 times in a row under
# load (neither is CI; README, "Testing").
VENV ?= .venv
PY := $(VENV)/bin/python

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e ".[test,ray]"
	touch $@

.PHONY: demo test mutation soak
demo: $(VENV)/.installed
	$(VENV)/bin/scraper clean samples -o articles.jsonl
	@echo "wrote articles.jsonl: $$(wc -l < articles.jsonl) pages cleaned, one JSON line each"

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

mutation: $(VENV)/.installed
	$(PY) -m pip install -q -e ".[test,ray,mutation]"
	rm -rf mutants
	NEWSCLEAN_SHARED=$(abspath ../shared) $(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results

soak: $(VENV)/.installed
	bash .ci/soak 20
