# Two commands: `make demo` and `make test`. Both create .venv and install the project on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: demo test install clean-workspace

install: $(STAMP)

# Reinstall when the dependency list changes. torch and torchvision come from the registry
# together (a CPU-only torch on its own cannot load torchvision's compiled ops).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/workbench demo --port $(PORT)

test: $(STAMP)
	bash scripts/ensure_chromium.sh  # the browser test (tests/e2e) drives headless Chromium
	$(BIN)/python -m pytest -q

clean-workspace:
	rm -rf workspace
