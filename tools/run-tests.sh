#!/bin/bash
# The whole test suite: build with -Werror, make check, make distcheck (its
# inner check runs the quick tests: the full suite already ran), then make
# check again with AddressSanitizer and UndefinedBehaviorSanitizer.
# Ends with one summary line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)
jobs=$(nproc 2> /dev/null || echo 2)
passed=0 failed=0 skipped=0 status=0

step() { printf '\n=== %s\n' "$*"; }

# add the counts of every TAP log under $1 to the totals
count_results() {
	local p f s
	p=$(cat $(find "$1" -name '*.trs') 2> /dev/null | grep -c '^:test-result: PASS')
	f=$(cat $(find "$1" -name '*.trs') 2> /dev/null | grep -cE '^:test-result: (FAIL|ERROR|XPASS)')
	s=$(cat $(find "$1" -name '*.trs') 2> /dev/null | grep -cE '^:test-result: (SKIP|XFAIL)')
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# run_check BUILDDIR CONFIGURE-ARGS...
run_check() {
	local dir=$1
	shift
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || return 1
	"$src/configure" --enable-werror -q "$@" || return 1
	make -j"$jobs" -s > make.log 2>&1 || { cat make.log; return 1; }
	make -j"$jobs" check || { cat test-suite.log 2> /dev/null | tail -200; count_results .; cd "$src"; return 1; }
	count_results .
	cd "$src"
}

step "autoreconf"
autoreconf -fi > /dev/null 2>&1 || autoreconf -fi || exit 1

step "build and test (-Werror)"
run_check "$src/_build" || status=1

if [ "${SKIP_DISTCHECK:-}" != 1 ]; then
	step "make distcheck"
	quick="$(cd "$src" && ls tests/unit/test_*.c | sed 's/\.c$//' | tr '\n' ' ')"
	quick="$quick tests/integration/cli.sh tests/integration/plugins.sh tests/integration/golden-ra.sh"
	(cd "$src/_build" && make -s distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
		TESTS="$quick" > distcheck.log 2>&1) ||
		{ tail -50 "$src/_build/distcheck.log"; echo "make distcheck FAILED"; status=1; failed=$((failed + 1)); }
	grep -E "archives ready for distribution|ready for distribution" "$src/_build/distcheck.log" || true
fi

step "sanitizers: AddressSanitizer + UndefinedBehaviorSanitizer"
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ARGUS_TEST_SANITIZER=1
run_check "$src/_build-asan" \
	CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	LDFLAGS="-fsanitize=address,undefined" || status=1

if [ "${SKIP_FUZZ:-}" != 1 ]; then
	# a short libFuzzer run of every fuzz target (make fuzz; skipped when
	# clang or libFuzzer is missing); the sanitizer build above has config.h
	step "fuzz: every target for ${FUZZ_SECONDS:-20} s under libFuzzer"
	if FUZZ_SECONDS=${FUZZ_SECONDS:-20} FUZZ_WORKDIR="$src/_build-asan/fuzz-work" \
		bash "$src/tests/fuzz/run-fuzz.sh" "$src" "$src/_build-asan" > "$src/_build-asan/fuzz.log" 2>&1; then
		grep -E "^fuzz_[a-z_]*: .*executions|SKIP" "$src/_build-asan/fuzz.log" || tail -5 "$src/_build-asan/fuzz.log"
		if grep -q "SKIP" "$src/_build-asan/fuzz.log"; then skipped=$((skipped + 1)); else passed=$((passed + 1)); fi
	else
		tail -40 "$src/_build-asan/fuzz.log"
		echo "fuzzing FAILED (crash inputs under _build-asan/fuzz-work/*/crashes/)"
		failed=$((failed + 1))
	fi
fi

[ "$failed" -gt 0 ] && status=1
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
