# Every target here is a command the README documents.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install test check lint demo bench reference clean spec-drift sdk-conformance dist

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv (if missing) and install msgprof with its test tools

test: $(STAMP)  ## run the test suite, one worker per core (pytest-xdist)
	$(PY) -m pytest -n auto

lint: $(STAMP)  ## layer contracts (and their probes), ruff, mypy on the package and the tests
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/probe_contracts.py
	$(PY) -m ruff check msgprof_cli tests scripts $(wildcard bench)
	$(PY) -m mypy msgprof_cli tests

check: lint test  ## ruff, mypy and the tests

demo: $(STAMP)  ## start the sandbox, create a profile from sample-configs/, list, stop
	bash scripts/demo.sh

bench: $(STAMP)  ## benchmark msgprof against plain requests and curl
	$(PY) bench/bench.py

reference: $(STAMP)  ## regenerate docs/reference.md from every command's --help (a test fails when stale)
	$(PY) scripts/gen_reference.py

dist: $(STAMP)  ## build the sdist and the wheel into dist/ (python -m build) and check them (twine check --strict)
	rm -rf dist
	$(PY) -m build --outdir dist .
	$(PY) -m twine check --strict dist/*

SDK_VENV ?= .venv-sdk

spec-drift: $(STAMP)  ## request fields where msgprof's rules and the newest official telnyx SDK differ (needs the network)
	$(PY) scripts/spec_drift.py

sdk-conformance:  ## the official telnyx SDK, strict, against the sandbox: every operation (installs telnyx in .venv-sdk)
	test -x $(SDK_VENV)/bin/python || python3 -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade telnyx
	$(SDK_VENV)/bin/python scripts/sdk_conformance.py

.PHONY: sdk-example
sdk-example:  ## the example SDK test suite (examples/sdk-suite) on the pytest plugin (installs telnyx in .venv-sdk)
	test -x $(SDK_VENV)/bin/python || python3 -m venv $(SDK_VENV)
	$(SDK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade telnyx pytest -e .
	$(SDK_VENV)/bin/python -m pytest -q -p no:cacheprovider examples/sdk-suite

clean:
	rm -rf $(VENV) $(SDK_VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
