# Host-side checks of the memory manager, included by the top-level Makefile.
# Every recipe is a script that runs from the repository root; build output
# goes to build/hosted, build/fuzz and build/bench.
#
#   make hosted-test   unit tests (cmocka, ASan + UBSan)
#   make fuzz          every libFuzzer target for FUZZ_SECONDS each
#   make fuzz-smoke    every libFuzzer target for 15 seconds
#   make bench         wall-clock benchmarks against the seed, glibc and the guest (bench/run.sh)

FUZZ_SECONDS ?= 60

# Wherever this file is included, it must not become the default goal.
HOSTED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

.PHONY: hosted-test fuzz fuzz-smoke bench

hosted-test:
	tests/hosted/run.sh

fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke:
	tests/fuzz/run.sh 15

bench: deps
	bench/run.sh

.DEFAULT_GOAL := $(HOSTED_DEFAULT_GOAL)
