# `make demo` and `make test` are all a fresh machine needs (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,team,aws]'
	# bytecode now, as pip does for regular installs: even where PYTHONDONTWRITEBYTECODE is
	# set, `dango` then starts without compiling its own modules
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

demo: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bash examples/demo.sh

test: install
	$(BIN)/python -m pytest -n 2 --dist worksteal -q

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV)
