# Entry points only; the work is in scripts/ (one job each). See README.md.
#   make                 apply the series, build, boot every machine, run its tests, summary
#   make check           all of that, plus the series checks (checkpatch, bisect, sparse, export)
#   make run MACHINE=m   boot one machine with a shell
#   make export          write the kernel tree's commits back into series/
#   make bench           base and series kernels booted alternately, benchmark table (BENCH_REPS)
#   make base-record     the debug machines with the base kernel, their splats and leaks
#                        set beside the series' (MACHINE: one debug machine)
# Variables: MACHINE, KERNEL_SRC (your own git checkout), O (build directory), V=1.
SHELL := /bin/bash
MACHINE ?=
export KERNEL_SRC O V VARIANT BENCH_REPS

.PHONY: all check run export bench base-record deps clean
all:
	@rc=0; start=$$(date +%s); scripts/run-machines $(MACHINE) || rc=1; \
	echo "time: make total $$(( $$(date +%s) - start ))s" >&2; \
	scripts/summary $(MACHINE) || rc=1; exit $$rc

check:
	@rc=0; start=$$(date +%s); scripts/run-machines $(MACHINE) || rc=1; \
	scripts/check-series || rc=1; \
	echo "time: make check total $$(( $$(date +%s) - start ))s" >&2; \
	scripts/summary $(MACHINE) || rc=1; exit $$rc

run:
	@test -n "$(MACHINE)" || { echo "make run: set MACHINE= one of: $$(ls machines | sed -n 's/\.conf$$//p' | tr '\n' ' ')"; exit 1; }
	@scripts/run-machines --build-only $(MACHINE) && scripts/boot-machine $(MACHINE) --interactive

export:
	@scripts/export-series

bench:
	@scripts/bench $(MACHINE)

base-record:
	@scripts/base-record $(MACHINE)

deps:
	@scripts/install-host-deps

clean:
	rm -rf build results
