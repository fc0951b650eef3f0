SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --warn-undefined-variables --no-builtin-rules

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PROTOS := $(wildcard proto/inspection/v1/*.proto)
# google/type/date.proto, vendored for buf (no registry is reachable); its Python module comes
# from googleapis-common-protos.
PROTO_INCLUDES := -I proto -I third_party
PROTOC_OUT = --plugin=protoc-gen-mypy=$(VENV)/bin/protoc-gen-mypy --plugin=protoc-gen-mypy_grpc=$(VENV)/bin/protoc-gen-mypy_grpc \
	--python_out=$(1) --grpc_python_out=$(1) --mypy_out=$(1) --mypy_grpc_out=$(1)
BUF_VERSION := 1.75.0
BUF := .tools/node_modules/.bin/buf

# The demo district's settings; only the targets that serve it see them, never the tests.
DEMO_ENV := INSPECTION_DATABASE_URL=$${INSPECTION_DATABASE_URL:-sqlite:///var/inspection.db} \
	INSPECTION_SIGNING_KEY_FILE=$${INSPECTION_SIGNING_KEY_FILE:-var/signing.key}

.PHONY: help venv proto proto-check proto-lint proto-breaking proto-baseline lint format test run demo migrate bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

venv: $(STAMP) ## create the virtual environment with every dependency

proto: $(STAMP) ## regenerate inspection/v1 from proto/
	$(PY) -m grpc_tools.protoc $(PROTO_INCLUDES) $(call PROTOC_OUT,.) $(PROTOS)

proto-check: $(STAMP) ## fail if the committed generated code is stale
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PY) -m grpc_tools.protoc $(PROTO_INCLUDES) $(call PROTOC_OUT,"$$tmp") $(PROTOS); \
	diff -r -x __init__.py -x __pycache__ "$$tmp/inspection/v1" inspection/v1 \
	  || { echo "inspection/v1 is stale: run 'make proto' and commit" >&2; exit 1; }

$(BUF):
	npm install --silent --no-audit --no-fund --prefix .tools @bufbuild/buf@$(BUF_VERSION)

proto-lint: $(BUF) ## buf lint (STANDARD and COMMENTS, exceptions in buf.yaml)
	$(BUF) lint

proto-breaking: $(BUF) ## fail if the protos break the published contract (proto/baseline.binpb)
	$(BUF) breaking --against proto/baseline.binpb

proto-baseline: $(BUF) ## publish the current contract as the baseline (a deliberate, reviewed break)
	$(BUF) build -o proto/baseline.binpb

lint: $(STAMP) ## ruff, ruff format --check, mypy --strict
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP) ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(STAMP) ## the whole suite (also on PostgreSQL when INSPECTION_TEST_POSTGRES_URL is set)
	$(PY) -m pytest -q

var/signing.key: | $(STAMP)
	mkdir -p var
	umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

migrate: $(STAMP) var/signing.key ## create or upgrade the database schema
	$(DEMO_ENV) $(VENV)/bin/inspection migrate

demo: migrate ## load the demo district if the database is empty, and write demo tokens
	$(DEMO_ENV) $(VENV)/bin/inspection demo load --tokens-file var/demo-tokens.env

run: demo ## set everything up and serve the demo district on 127.0.0.1:50051
	$(DEMO_ENV) $(VENV)/bin/inspection serve

bench: $(STAMP) ## measure the service against a bare gRPC baseline (figures under var/bench/)
	$(PY) -m bench

clean: ## remove the virtual environment and local data
	rm -rf $(VENV) var
