# IGNY8-rs developer commands. `make run` starts the product; `make test` runs the whole test suite.
SHELL := /bin/bash
CARGO ?= cargo
JOBS ?= 2
PG_LOCAL := postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-rust test-faults test-wordpress test-web lint fmt bench web web-test openapi openapi-check

## run: build the web app when present, then start API + web app + worker on SQLite in ./data
run: web
	$(CARGO) run -j $(JOBS) --bin igny8 -- serve

## test: every test: Rust (SQLite, and PostgreSQL when IGNY8_TEST_DATABASE_URL is set or a local server
## answers), the fault test (PostgreSQL), the WordPress test (a real WordPress), then the web app (unit tests, API
## types check, production build, end-to-end in Chromium)
test: test-rust test-faults test-wordpress test-web

test-rust:
	@if [ -z "$$IGNY8_TEST_DATABASE_URL" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "make test: using the local PostgreSQL ($(PG_LOCAL)) as well as SQLite"; \
		export IGNY8_TEST_DATABASE_URL=$(PG_LOCAL); \
	fi; \
	$(CARGO) test --workspace -j $(JOBS)

## test-faults: the production shape as processes (API node, two workers) on a fresh PostgreSQL database under
## faults: connections cut, the API and a worker killed, 50 concurrent AI jobs (scripts/test-faults.py; about a
## minute). Skipped with a message when no PostgreSQL answers.
test-faults:
	@if [ -n "$$IGNY8_TEST_DATABASE_URL" ] || (command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432); then \
		$(CARGO) build -q -j $(JOBS) --bin igny8 && \
		IGNY8_TEST_DATABASE_URL=$${IGNY8_TEST_DATABASE_URL:-$(PG_LOCAL)} python3 scripts/test-faults.py; \
	else echo "make test-faults: skipped (no PostgreSQL on 127.0.0.1:5432 and IGNY8_TEST_DATABASE_URL unset)"; fi

## test-wordpress: a real WordPress on loopback (Debian's packages, installed when missing; scripts/wordpress-local.sh)
## and `igny8 serve`: the connection test through the outbound guard (core REST and the bridge plugin), then the
## bridge plugin's own checks (scripts/wordpress-bridge-check.sh). About 30 s once the packages are installed.
test-wordpress:
	$(CARGO) build -q -j $(JOBS) --bin igny8
	python3 scripts/test-wordpress.py

## test-web: needs target/debug/igny8 (built by test-rust) and Chromium (installed when missing and root)
test-web:
	scripts/ensure-chromium.sh
	cd web && npm ci --no-audit --no-fund && npm test && npm run check:api && npm run build && npm run e2e

## lint: formatting, clippy with warnings as errors, and no import circle between the server crate's modules
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -j $(JOBS) -- -D warnings
	python3 scripts/module-graph.py --src crates/server/src

fmt:
	$(CARGO) fmt --all

## bench: HTTP throughput on loopback (release build, wrk), job-queue throughput (SQLite, and PostgreSQL
## when IGNY8_TEST_DATABASE_URL is set or a local server answers), the clustering engine (10k/100k keywords,
## fixture ARI/NMI) and the planner (100k-keyword CSV import, keyword list latency on PostgreSQL)
bench:
	scripts/bench-http.sh
	$(CARGO) bench -j $(JOBS) -p ai --bench cluster
	scripts/bench-planner.sh
	@if [ -z "$$IGNY8_TEST_DATABASE_URL" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
		export IGNY8_TEST_DATABASE_URL=$(PG_LOCAL); \
	fi; \
	$(CARGO) bench -j $(JOBS) -p jobs --bench throughput

## web: build web/dist when the web app exists
web:
	@if [ -f web/package.json ]; then cd web && npm ci && npm run build; else echo "web/ not present yet: serving the API only"; fi

## web-test: the web app's unit tests (Vitest), then its end-to-end flow in headless Chromium against
## target/debug/igny8 (needs /usr/bin/chromium: `apt-get install -y chromium`)
web-test: web
	cd web && npm test && npm run e2e

## openapi-check: fail when web/src/api/schema.d.ts differs from what target/debug/igny8's schema generates
openapi-check:
	@if [ ! -d web/node_modules ]; then cd web && npm ci; fi
	cd web && npm run check:api

## openapi: regenerate the web app's API types from the server's schema
openapi:
	$(CARGO) build -q -j $(JOBS) --bin igny8
	cd web && npm run gen:api
