# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
SIZE ?= L
export SQLX_OFFLINE := true

.PHONY: run test deps ui app rust-checks rust-tests ui-checks e2e bench bindings sqlx-prepare fmt

## Installs what is missing, builds, and starts the app on its built-in demo systems.
run: ui
	@scripts/deps.sh run
	cargo build -p control-tower
	@if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display here. Run the app under a virtual one:"; \
	  echo "  xvfb-run -a -s '-screen 0 1440x900x24' scripts/with-keyring.sh ./target/debug/control-tower"; \
	  exit 1; \
	fi
	@if [ -z "$${DBUS_SESSION_BUS_ADDRESS:-}" ]; then scripts/with-keyring.sh ./target/debug/control-tower; \
	 else ./target/debug/control-tower; fi

## Installs what is missing and runs every test: formatting, lints, Rust tests, UI checks, end-to-end.
test:
	@scripts/deps.sh test
	$(MAKE) ui
	$(MAKE) rust-checks
	$(MAKE) rust-tests
	$(MAKE) ui-checks
	$(MAKE) e2e

deps:
	@scripts/deps.sh test

ui:
	@[ -d ui/node_modules ] || (cd ui && npm ci --no-audit --no-fund)
	cd ui && npm run build

rust-checks:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

rust-tests:
	scripts/with-keyring.sh cargo test --workspace

ui-checks:
	cd ui && npm run typecheck && npm run lint && npm test

e2e:
	scripts/e2e.sh

## Prints the speed figures of DESIGN.md §5 (SIZE=L by default, SIZE=demo for a quick run), with
## dlt (Python, in a virtualenv under target/bench) loading the same pages as the peer.
BENCH_VENV := target/bench/venv
bench: $(BENCH_VENV)/.installed
	cargo run --release -p cli -- bench --size $(SIZE) --dlt-python $(BENCH_VENV)/bin/python

$(BENCH_VENV)/.installed:
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet "dlt[sqlalchemy]" requests
	touch $@

## Regenerates ui/src/bindings.ts from the Rust commands and types.
bindings:
	UPDATE_BINDINGS=1 cargo test -p control-tower --test bindings

## Regenerates the committed sqlx query data after a query or migration changed.
sqlx-prepare:
	scripts/sqlx-prepare.sh

fmt:
	cargo fmt --all
