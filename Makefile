# icar — one command for the figures (`make`), one for the tests (`make test`).
SWIFT ?= swift
ICAR_RELEASE := .build/release/icar
PROFILE ?= paper
JOBS ?= $(shell nproc)
# STRICT=1 (CI): exit 5 when a checked theory row fails (icar run --strict).
STRICT ?=

.PHONY: all bootstrap build figures quick test faults bench bench-venv versions clean

all: figures

bootstrap:
	@scripts/bootstrap

.PHONY: slurm
slurm:
	@scripts/slurm-up

build: bootstrap
	$(SWIFT) build -c release --product icar

# Runs the whole pipeline; cached stages are skipped, so a second `make` is a no-op.
figures: build
	$(ICAR_RELEASE) run --profile $(PROFILE) --jobs $(JOBS)$(if $(STRICT), --strict)

# The same stages with small sizes, for a first look.
quick:
	$(MAKE) figures PROFILE=quick

# The Slurm executor's tests submit real jobs to the single-node cluster scripts/slurm-up starts (as root: it
# installs slurm-wlm and munge and starts munged, slurmctld and slurmd on 127.0.0.1; a no-op when it is up).
test: bootstrap slurm
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

# The bench-only Python environment for the PyTorch peer of `make bench` (scripts/bench/alpine_gpt_step.py); no test
# uses it, and `make bench` skips the peer with a one-line note while it is missing. A local CPU torch wheel
# (/opt/wheels) is preferred to PyPI's torch, whose Linux build brings several GB of CUDA libraries.
BENCH_VENV := .build/bench-venv
PYTHON3 ?= python3
bench-venv:
	@if $(BENCH_VENV)/bin/python -c "import numpy, torch" 2>/dev/null; then \
	  echo "bench-venv: ready ($(BENCH_VENV))"; \
	else \
	  set -e; $(PYTHON3) -m venv $(BENCH_VENV); \
	  wheel=$$(ls /opt/wheels/torch-*.whl 2>/dev/null | head -n 1); \
	  if [ -z "$$wheel" ] || ! $(BENCH_VENV)/bin/python -m pip install --quiet numpy "$$wheel"; then \
	    $(BENCH_VENV)/bin/python -m pip install --quiet numpy torch; \
	  fi; \
	  $(BENCH_VENV)/bin/python -c "import torch; print('bench-venv: torch', torch.__version__, 'in $(BENCH_VENV)')"; \
	fi

# After changing code: reruns the offline quick profile and, for each kind whose source closure changed, records the
# change if its stages wrote the same bytes from the same inputs (no bump, the cache stays valid), or says to bump.
versions:
	ICAR_RECORD_VERSIONS=1 $(SWIFT) test --filter ImplementationVersionTests

clean:
	rm -rf .build data figures
