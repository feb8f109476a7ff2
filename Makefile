# vigil: the two set-up commands are `make demo` and `make test`.
# Both install missing Debian packages first (scripts/install-deps).

JOBS ?= $(shell nproc)
VIGIL := build/release/src/cli/vigil
DEMO_DATA ?= vigil-demo
DEMO_LISTEN ?= 127.0.0.1:8080

.PHONY: all deps build build-asan demo test test-release test-asan bench fuzz fuzz-smoke format format-check tidy clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

# Serve a generated demo mission with a simulated election day.
demo: build
	$(VIGIL) demo --data $(DEMO_DATA) --listen $(DEMO_LISTEN)

# The whole suite, optimised, then again under AddressSanitizer + UBSan, then
# a short fuzzing run of every parser.
test: format-check test-release test-asan fuzz-smoke

test-release: build
	ctest --preset release -j $(JOBS)

test-asan: build-asan
	ctest --preset asan -j $(JOBS)

# Fuzzing: each libFuzzer target of fuzz/ for FUZZ_SECONDS seconds (Clang,
# ASan + UBSan; docs/fuzzing.md). fuzz-smoke is the short run `make test` does.
FUZZ_SECONDS ?= 180
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

# Benchmarks: Google Benchmark programs and the HTTP load generator.
bench: build
	scripts/bench

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

format-check: deps
	@git ls-files '*.h' '*.cc' | xargs clang-format --dry-run --Werror

tidy: build
	@git ls-files 'src/*.cc' | xargs clang-tidy -p build/release --quiet

clean:
	rm -rf build
