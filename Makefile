# IGNY8-rs developer commands. `make run` starts the product; `make test` runs the whole test suite.
SHELL := /bin/bash
CARGO ?= cargo
JOBS ?= 2
PG_LOCAL := postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run test lint fmt bench web openapi

## run: build the web app when present, then start API + web app + worker on SQLite in ./data
run: web
	$(CARGO) run -j $(JOBS) --bin igny8 -- serve

## test: every test; on PostgreSQL too when IGNY8_TEST_DATABASE_URL is set or a local server answers
test:
	@if [ -z "$$IGNY8_TEST_DATABASE_URL" ] && command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "make test: using the local PostgreSQL ($(PG_LOCAL)) as well as SQLite"; \
		export IGNY8_TEST_DATABASE_URL=$(PG_LOCAL); \
	fi; \
	$(CARGO) test --workspace -j $(JOBS)
	@if [ -f web/package.json ]; then cd web && npm test; fi

## lint: formatting and clippy with warnings as errors
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -j $(JOBS) -- -D warnings

fmt:
	$(CARGO) fmt --all

## bench: HTTP throughput on loopback (release build) and the crate benchmarks
bench:
	scripts/bench-http.sh

## web: build web/dist when the web app exists
web:
	@if [ -f web/package.json ]; then cd web && npm ci && npm run build; else echo "web/ not present yet: serving the API only"; fi

## openapi: write the schema to web/openapi.json
openapi:
	$(CARGO) run -q --bin igny8 -- openapi --output openapi.json
