# The two commands a new user needs: `make demo` and `make test`. Both create the venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO   ?= fixtures/notes/apparel_bullets.md

.PHONY: venv demo test goldens bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/ltv-optimizer plan $(DEMO)

test: $(STAMP)
	$(PY) -m pytest -q

# Rewrite golden plans on purpose after a deliberate rule or template change; review the diff.
goldens: $(STAMP)
	UPDATE_GOLDENS=1 $(PY) -m pytest -q tests/test_goldens.py

bench: $(STAMP)
	$(PY) bench/plan_latency.py

clean:
	rm -rf $(VENV) build dist *.egg-info
