# Vigie — developer and CI entry points.
#
#   make install   venv + editable install (skipped when up to date) + translations
#   make run       migrate, load demo data if empty, start web + Redis + worker
#   make test      system deps, install, ruff, import contracts, suite on SQLite then PostgreSQL
#   make lint      ruff check, ruff format --check, mypy, import contracts
#   make bench     benchmarks (bench/__main__.py), against throwaway PostgreSQL
#   make clean     remove .venv, .test-services, instance/
#
# Variables: PYTHON, HOST, PORT, PYTEST_ARGS (e.g. make test PYTEST_ARGS='-x -k audit'),
# BENCH_ARGS.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := install
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV := .venv
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# Two workers (the machines have two cores), whole files per worker so a file's module
# fixtures are built once and its tests run in file order; each worker has its own database.
# The files themselves may run in any order.
PYTEST_PARALLEL ?= -n 2 --dist loadfile
BENCH_ARGS ?=

STAMP := $(VENV)/.installed
TEST_SERVICES := scripts/test-services.sh

.PHONY: install run test lint bench clean sysdeps

# `make test` / `make bench` first make sure the system packages are there
# (postgresql, redis, chromium...), before the venv is created or installed.
SYSDEPS := $(if $(filter test bench,$(MAKECMDGOALS)),sysdeps)

sysdeps:
	@bash scripts/system-deps.sh

install: $(SYSDEPS) $(STAMP)
	@if [ -d app/translations ]; then
		# One -D per gettext domain present (usually just "messages").
		domains=$$(find app/translations -path '*/LC_MESSAGES/*.po' -printf '%f\n' | sed 's/\.po$$//' | sort -u | tr '\n' ' ')
		if [ -n "$$domains" ]; then
			$(VENV)/bin/pybabel -q compile -d app/translations -D "$${domains% }"
		fi
	fi

# Missing or dangling (e.g. its interpreter was removed): (re)create the venv.
$(VENV)/bin/python: | $(SYSDEPS)
	$(PYTHON) -m venv --clear $(VENV)

# Reinstall only when pyproject.toml or constraints.txt changed (or no venv).
$(STAMP): pyproject.toml constraints.txt | $(SYSDEPS) $(VENV)/bin/python
	@if ! $(VENV)/bin/python -c 'import pip, sys; sys.exit(int(pip.__version__.split(".")[0]) < 23)' 2>/dev/null; then
		echo "$(VENV)/bin/python -m pip install -q --upgrade pip"
		$(VENV)/bin/python -m pip install -q --upgrade pip
	fi
	echo "$(VENV)/bin/pip install -q -c constraints.txt -e '.[dev]'"
	$(VENV)/bin/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

run: install
	@export VIGIE_DEMO="$${VIGIE_DEMO-1}"
	$(VENV)/bin/vigie db upgrade
	$(VENV)/bin/vigie demo load --if-empty
	exec $(VENV)/bin/vigie run --host $(HOST) --port $(PORT)

# One shell for the whole recipe, so that the trap stops the services whatever
# happens (test failure, Ctrl-C). Exit status: non-zero if either run failed;
# pytest's 5 ("no tests collected") counts as a failure.
test: install
	@now_ms() { local t=$${EPOCHREALTIME/[.,]/}; echo $$((t / 1000)); }
	fmt_duration() {  # milliseconds -> 4.2s / 2m05.3s
		local ds=$$(( ($$1 + 50) / 100 ))
		if (( ds >= 600 )); then
			printf '%dm%02d.%ds' $$((ds / 600)) $$((ds % 600 / 10)) $$((ds % 10))
		else
			printf '%d.%ds' $$((ds / 10)) $$((ds % 10))
		fi
	}
	t_start=$$(now_ms)
	echo "==> ruff check, ruff format --check, import contracts"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	trap 'echo "==> stopping test services"; bash $(TEST_SERVICES) stop || true' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	echo "==> starting test services"
	bash $(TEST_SERVICES) start
	eval "$$(bash $(TEST_SERVICES) env)"
	export VIGIE_TEST_PG_URL VIGIE_TEST_REDIS_URL
	summary=()
	failed=0
	run_suite() {
		local label=$$1 db_url=$$2 t0 rc=0 verdict detail
		t0=$$(now_ms)
		echo "==> pytest on $$label"
		if [ -n "$$db_url" ]; then
			VIGIE_TEST_DATABASE_URL=$$db_url $(VENV)/bin/python -m pytest -p no:cacheprovider -q $(PYTEST_PARALLEL) $(PYTEST_ARGS) || rc=$$?
		else
			env -u VIGIE_TEST_DATABASE_URL $(VENV)/bin/python -m pytest -p no:cacheprovider -q $(PYTEST_PARALLEL) $(PYTEST_ARGS) || rc=$$?
		fi
		case $$rc in
			0) verdict="passed"; detail="" ;;
			5) verdict="FAILED"; detail=" (no tests collected, pytest exit 5)"; failed=1 ;;
			*) verdict="FAILED"; detail=" (pytest exit $$rc)"; failed=1 ;;
		esac
		summary+=("$$(printf '  %-11s %-8s in %s' "$$label" "$$verdict" "$$(fmt_duration $$(( $$(now_ms) - t0 )))")$$detail")
	}
	run_suite sqlite ""
	run_suite postgresql "$$VIGIE_TEST_PG_URL"
	echo "==> summary"
	printf '%s\n' "$${summary[@]}"
	printf '  %-11s %-8s in %s\n' total "$$( ((failed)) && echo FAILED || echo passed )" "$$(fmt_duration $$(( $$(now_ms) - t_start )))"
	exit $$failed

lint: install
	@rc=0
	echo "==> ruff check"
	$(VENV)/bin/ruff check . || rc=1
	echo "==> ruff format --check"
	$(VENV)/bin/ruff format --check . || rc=1
	echo "==> mypy"
	$(VENV)/bin/mypy || rc=1
	echo "==> import contracts (lint-imports)"
	$(VENV)/bin/lint-imports --no-cache || rc=1
	exit $$rc

bench: install
	@if [ ! -f bench/__main__.py ]; then
		echo "No benchmark exists yet (bench/__main__.py is missing)."
		exit 0
	fi
	trap 'echo "==> stopping test services"; bash $(TEST_SERVICES) stop || true' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	bash $(TEST_SERVICES) start
	eval "$$(bash $(TEST_SERVICES) env)"
	export VIGIE_TEST_PG_URL VIGIE_TEST_REDIS_URL
	export VIGIE_TEST_DATABASE_URL="$$VIGIE_TEST_PG_URL"
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	@if [ -f $(TEST_SERVICES) ]; then bash $(TEST_SERVICES) stop || true; fi
	rm -rf $(VENV) .test-services instance
