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

.PHONY: demo test lint test-slow train evaluate babe-cv accuracy score-allsides
demo: $(VENV)/.installed
	$(VENV)/bin/framing check data/examples/article.txt

# the tests, then every module's documented examples (doctests), then the linter
test: $(VENV)/.installed
	$(PY) -m pytest -m "not slow"
	$(PY) -m pytest -q --doctest-modules framing
	$(MAKE) lint

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check framing scripts tests bench docs

test-slow: $(VENV)/.installed
	$(PY) -m pytest -m slow

train: $(VENV)/.installed
	$(PY) scripts/train.py --out models/framing-default

# The README's accuracy table: `make evaluate` (a few minutes) gives every row but the BABE
# cross-validation, which `make babe-cv` retrains five models for (66 minutes measured while sharing the cores).
# `make evaluate EVAL_FLAGS=--update-model` also writes the table into the model card.
DATA ?= ../shared/data
PTC := $(DATA)/ptc_semeval2020_task11
evaluate: $(VENV)/.installed
	$(VENV)/bin/framing evaluate --model models/framing-default \
	  --data framing:data/framing/dev.jsonl \
	  --data ptc:$(PTC)/dev-articles,$(PTC)/dev-task-flc-tc.labels \
	  --data babe:$(DATA)/babe/final_labels_SG2.csv \
	  --data mbic:$(DATA)/mbic/final_labels_MBIC.csv \
	  --out reports/default $(EVAL_FLAGS)

babe-cv: $(VENV)/.installed
	$(PY) scripts/babe_cv.py --out docs/babe_cv.json

accuracy: evaluate babe-cv

# framing score over the AllSides articles in ../shared/data, then the per-outlet report (CSV + PNG) in scores/allsides/
# for the 14 outlets with at least 20 articles (one article gives no interval worth plotting).
# Rerun after an interruption: it continues where it stopped.
ALLSIDES := $(DATA)/allsides_article_bias_subset/articles_media_valid.jsonl
score-allsides: $(VENV)/.installed
	$(VENV)/bin/framing score $(ALLSIDES) --id-field ID --text-field content_original --out scores/allsides/tables
	$(VENV)/bin/framing report scores/allsides/tables --by source --min-docs 20 --out scores/allsides/by-source.csv
