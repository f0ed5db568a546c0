#!/bin/sh
# run.sh SUITE... - run the tests and end with one line "N passed, N failed"
# (totals over every suite).
#
# A SUITE is a build folder (build, build-asan): its cmocka unit binaries
# (TAP output) and tests/integration/test_*.py run against it with Debian's
# /usr/bin/python3; or "fuzz": every libFuzzer target in build-fuzz for
# FUZZ_SECONDS, then its regression inputs. Suites run concurrently (most
# integration time is waiting on sockets and processes; each test uses its
# own ports and temp folders), files within a suite one after another.
# A file that crashes or times out without a "not ok" line counts as one
# failure, so nothing can fail silently.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
log=${TEST_LOG_DIR:-$top/build/test-logs}
rm -rf "$log"
mkdir -p "$log"
only=${TESTS:-}            # e.g. TESTS=lmtp runs the files whose name contains it

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
export G_SLICE=always-malloc
export CMOCKA_MESSAGE_OUTPUT=TAP
export PYTHONPATH="$top/tests/lib"
export PYTHONDONTWRITEBYTECODE=1

# tally FILE NAME RC - one result line per test file, into the suite's summary
tally() {
	p=$(grep -cE '^ok( |$)' "$1")
	f=$(grep -cE '^not ok( |$)' "$1")
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $2 exited with status $3" >> "$1"
	fi
	printf '%-40s %4d passed %4d failed\n' "$2" "$p" "$f"
	grep -E '^not ok' "$1" | sed "s|^|    $2: |"
}

run_suite() {  # run_suite SUITE > summary
	b=$1
	if [ "$b" = fuzz ]; then
		out="$log/fuzz.log"
		FUZZ_SECONDS=${FUZZ_SECONDS:-10} timeout 900 sh tests/fuzz/run.sh > "$out" 2>&1
		tally "$out" "fuzz" $?
		return
	fi
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		name="$b/$(basename "$t")"
		case "$name" in *"$only"*) ;; *) continue ;; esac
		out="$log/$(echo "$name" | tr / _).log"
		timeout 300 "$t" > "$out" 2>&1
		tally "$out" "$name" $?
	done
	for t in tests/integration/test_*.py; do
		[ -f "$t" ] || continue
		name="$b/$(basename "$t" .py)"
		case "$name" in *"$only"*) ;; *) continue ;; esac
		out="$log/$(echo "$name" | tr / _).log"
		LIAISON_BUILD="$top/$b" timeout 900 /usr/bin/python3 "$t" > "$out" 2>&1
		tally "$out" "$name" $?
	done
}

for s in "$@"; do
	run_suite "$s" > "$log/summary.$s" 2>&1 &
done
wait

passed=0
failed=0
for s in "$@"; do
	cat "$log/summary.$s"
	p=$(awk '/ passed .* failed$/ { s += $(NF-3) } END { print s + 0 }' "$log/summary.$s")
	f=$(awk '/ passed .* failed$/ { s += $(NF-1) } END { print s + 0 }' "$log/summary.$s")
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "logs: $log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
