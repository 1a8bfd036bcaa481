# BALIST - the two commands of the README, wrapping CMake.
#   make        build
#   make demo   install missing Debian packages (as root), build, run BALIST
#               on the bundled demo study
#   make test   build and run every test
#   make asan   the tests again, built with -fsanitize=address,undefined
#   make bench  benchmarks (never part of the tests)

BUILD ?= build
ASAN_BUILD ?= build-asan
WERROR ?= OFF
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all build deps browser-deps demo test asan bench clean format

all: build

build:
	@cmake -S . -B $(BUILD) -DBALIST_WERROR=$(WERROR) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

deps:
	@sh scripts/deps.sh

# playwright-core for the browser tests (npm; the browser is Debian's).
browser-deps:
	@[ -d tests/browser/node_modules/playwright-core ] || \
	    npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error

demo: deps build
	@echo
	@echo "== balist check data/demo"
	@./$(BUILD)/balist check data/demo
	@echo
	@echo "== balist derive data/demo --out out/demo"
	@./$(BUILD)/balist derive data/demo --out out/demo
	@echo
	@echo "== balist endpoints data/demo"
	@./$(BUILD)/balist endpoints data/demo
	@echo
	@echo "== balist safety data/demo --overview"
	@./$(BUILD)/balist safety data/demo --overview
	@echo
	@echo "== balist report data/demo --out out/report"
	@./$(BUILD)/balist report data/demo --out out/report
	@echo "The demo report: $(CURDIR)/out/report/report.pdf"
	@sh scripts/demo-serve.sh ./$(BUILD)/balist

test: deps browser-deps build
	@cd $(BUILD) && sh ../scripts/with-pg.sh ctest --output-on-failure -j $(JOBS)

asan: deps browser-deps
	@cmake -S . -B $(ASAN_BUILD) -DBALIST_SANITIZE=ON -DBALIST_WERROR=$(WERROR) \
	    -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    sh ../scripts/with-pg.sh ctest --output-on-failure -j $(JOBS) -LE slow

bench: deps build
	@sh scripts/with-pg.sh sh bench/run.sh $(BUILD)

format:
	@clang-format -i src/*/*.c src/*/*.h include/balist/*.h tests/unit/*.c tests/unit/*.h tests/probe/*.c

clean:
	@rm -rf $(BUILD) $(ASAN_BUILD)
