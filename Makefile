# icar — one command for the figures (`make`), one for the tests (`make test`).
SWIFT ?= swift
ICAR_RELEASE := .build/release/icar
PROFILE ?= paper
JOBS ?= $(shell nproc)
# STRICT=1 (CI): exit 5 when a checked theory row fails (icar run --strict).
STRICT ?=

.PHONY: all bootstrap build figures quick test faults bench versions clean

all: figures

bootstrap:
	@scripts/bootstrap

build: bootstrap
	$(SWIFT) build -c release --product icar

# Runs the whole pipeline; cached stages are skipped, so a second `make` is a no-op.
figures: build
	$(ICAR_RELEASE) run --profile $(PROFILE) --jobs $(JOBS)$(if $(STRICT), --strict)

# The same stages with small sizes, for a first look.
quick:
	$(MAKE) figures PROFILE=quick

test: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Only the fault suite (Tests/EndToEndTests/Faults, issue #11): kills, bit flips, malformed pipelines, full disk,
# read-only store, diverging trainings. `make test` runs it too.
faults: bootstrap
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter Faults

# Runs the pipeline first (a no-op when cached), so the no-op figure is measured on the full pipeline.
bench: figures
	$(SWIFT) build -c release --product icar-bench
	.build/release/icar-bench

# After changing code: reruns the offline quick profile and, for each kind whose source closure changed, records the
# change if its stages wrote the same bytes from the same inputs (no bump, the cache stays valid), or says to bump.
versions:
	ICAR_RECORD_VERSIONS=1 $(SWIFT) test --filter ImplementationVersionTests

clean:
	rm -rf .build data figures
