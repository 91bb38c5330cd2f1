# rDrive: `make run` starts the app on the embedded default (local disk + SQLite);
# `make test` installs what the tests need and runs every test, browser tests included.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV        := .venv
BIN         := $(CURDIR)/$(VENV)/bin
TOOLS       := $(CURDIR)/.tools
BUN         := $(TOOLS)/node_modules/.bin/bun
BUN_VERSION := 1.4.5
PYTHON      ?= python3

export PATH := $(TOOLS)/node_modules/.bin:$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_TELEMETRY_ENABLED := false
export RDRIVE_DATA_DIR ?= $(CURDIR)/data
PYTEST_WORKERS ?= 2

.PHONY: run test lint bench audit deps dev-deps bun chromium ffmpeg dav-clients bench-tools clean help

help:
	@echo "make run    - set up and start rDrive on http://localhost:3000 (local disk + SQLite)"
	@echo "make test   - set up and run every test (unit, contract, API, browser)"
	@echo "make lint   - ruff, import contracts (import-linter), types (mypy), module size, repeated code"
	@echo "make bench  - benchmarks (ratios against a baseline in the same run)"
	@echo "make audit  - known vulnerabilities in the installed Python and npm packages"

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip setuptools
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(BUN):
	npm install --prefix $(TOOLS) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)

deps: $(VENV)/.installed $(BUN)
dev-deps: $(VENV)/.dev-installed $(BUN)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Chromium for the browser tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's ffmpeg: only the tests and benches use it, as the reference the renditions are
# measured against (zscale tone mapping, command-line speed); the app uses PyAV's own FFmpeg.
ffmpeg:
	@command -v ffmpeg >/dev/null 2>&1 || { \
	  echo "installing Debian's ffmpeg for the rendition tests and bench (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; }

run: deps
	@mkdir -p "$(RDRIVE_DATA_DIR)"
	@$(BIN)/rdrive users ensure-first
	$(BIN)/reflex run

# The clients the tests drive: rclone and litmus against /dav/, Info-ZIP's unzip on the ZIPs.
dav-clients:
	@{ command -v rclone && command -v litmus && command -v unzip; } >/dev/null 2>&1 || { \
	  echo "installing rclone, litmus and unzip for the WebDAV and ZIP tests (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone litmus unzip >/dev/null; }

# libjpeg-turbo's djpeg: the thumbnail bench's baseline (the decoder's own scaled decode).
bench-tools:
	@command -v djpeg >/dev/null 2>&1 || { \
	  echo "installing libjpeg-turbo-progs for the thumbnail bench (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libjpeg-turbo-progs >/dev/null; }

test: dev-deps chromium ffmpeg dav-clients lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q

# The guards of ARCHITECTURE.md: style, the layer arrows, types, module size, repeated code.
# duplicates' pair count in rdrive_app: a ratchet (37 before the architecture issue); lower it
# when a pair goes, never raise it (ARCHITECTURE.md says what the remaining ones are).
MAX_DUPLICATES ?= 9
lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m tools.architecture_guard --max-duplicates $(MAX_DUPLICATES)

bench: dev-deps chromium ffmpeg dav-clients bench-tools
	$(BIN)/python -m bench

# Known vulnerabilities in what is installed: the venv (runtime + test deps), bun (.tools) and
# Reflex's generated frontend (.web/node_modules). pip-audit, `npm audit` and `bun audit` are asked
# first; whatever their advisory services can't answer for is said so and checked against local
# OSV advisory databases, `make audit ADVISORY_DB="DIR ..."` (a checkout or git dir of
# pypa/advisory-database or github/advisory-database, a folder of OSV records, an OSV zip).
# tools/audit-ignore.toml lists the advisories that don't apply, with why. Exit 1: a finding;
# 2: no finding, but some packages could not be audited.
audit: dev-deps
	$(BIN)/python -m tools.audit --python $(BIN)/python --bun $(BUN) --node-root $(TOOLS) \
	  --node-root $(CURDIR)/.web $(foreach db,$(ADVISORY_DB),--db $(db))

clean:
	rm -rf .web .states tests/screenshots

# AWS deployment (infra/; README "Deploying"). `make export` needs REFLEX_API_URL (the site's
# https:// origin); `make deploy DRY_RUN=1` prints every step and runs none.
.PHONY: export deploy
export: deps
	$(BIN)/python -m infra.export

deploy: dev-deps
	$(BIN)/python -m infra.deploy $(if $(DRY_RUN),--dry-run)
