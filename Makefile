# Set-up is part of each target: a fresh machine needs only `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch 2.13.0 is the CPU wheel on this machine's disk; any other spec pulls a multi-GB CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

.PHONY: demo test test-slow train
demo: $(VENV)/.installed
	$(VENV)/bin/framing check data/examples/article.txt

test: $(VENV)/.installed
	$(PY) -m pytest -m "not slow"

test-slow: $(VENV)/.installed
	$(PY) -m pytest -m slow

train: $(VENV)/.installed
	cd training && PYTHONPATH=.. ../$(PY) train.py --out ../models/framing-default
