# DotMac Edge. The two set-up commands: `make demo` and `make test`.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# Two pytest processes, each with its own servers; a test module stays on one of them.
# PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= 2

.PHONY: help demo demo-clean test lint bench schemas golden client client-check system-deps-test system-deps-demo system-deps-bench clean

help:
	@echo "make demo     run the hub on embedded defaults (http://127.0.0.1:8080/docs)"
	@echo "make test     install everything (system packages as root, .venv) and run the tests"
	@echo "make lint     ruff + mypy (strict on protocol/) + import contracts + ansible-lint"
	@echo "make bench    performance figures (ours vs a baseline, printed as ratios)"
	@echo "make schemas  export protocol JSON Schemas and examples to protocol/schema/"
	@echo "make golden   rewrite tests/agent_snmp/golden/ from the snmpsim recordings (review the diff)"
	@echo "make client   regenerate the Python client clients/python/ from the hub's OpenAPI document"
	@echo "make client-check  fail if clients/python/ differs from a fresh generation (CI)"
	@echo "make demo-clean  forget the demo's state (.dotmac/); make clean also removes .venv and caches"

$(STAMP): pyproject.toml scripts/bootstrap-venv.sh clients/python/pyproject.toml
	scripts/bootstrap-venv.sh
	$(BIN)/python -m pip install -q -e clients/python
	touch $@

system-deps-test:
	scripts/system-deps.sh test

system-deps-demo:
	scripts/system-deps.sh demo

system-deps-bench:
	scripts/system-deps.sh bench

demo: $(STAMP) system-deps-demo
	$(BIN)/python scripts/demo.py

demo-clean:
	rm -rf .dotmac

test: $(STAMP) system-deps-test
	$(BIN)/python -m protocol.schema_export --check
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo
	cd ansible && PATH="$(CURDIR)/$(BIN):$$PATH" ansible-lint --profile production
	cd ansible && PATH="$(CURDIR)/$(BIN):$$PATH" ansible-playbook --syntax-check -i inventory/example site.yml

bench: $(STAMP) system-deps-bench
	$(BIN)/python bench/run.py

schemas: $(STAMP)
	$(BIN)/python -m protocol.schema_export

golden: $(STAMP)
	$(BIN)/python scripts/golden.py --update

# The client is generated from the app's own OpenAPI document (clients/generate.py); commit
# the result. tests/clients/test_client_drift.py runs the same check in `make test`.
client: $(STAMP)
	$(BIN)/python clients/generate.py

client-check: $(STAMP)
	$(BIN)/python clients/generate.py --check

clean:
	rm -rf $(VENV) .dotmac .cache .pytest_cache .mypy_cache .ruff_cache build *.egg-info
