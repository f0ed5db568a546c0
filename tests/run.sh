#!/bin/sh
# run.sh BUILD_DIR... - run every unit and integration test against each build
# and end with one line "N passed, N failed" (totals over everything).
#
# Unit tests are cmocka binaries (TAP output); integration tests are
# tests/integration/test_*.py run with Debian's /usr/bin/python3, printing TAP
# lines too. A test file that crashes or times out without a "not ok" line
# counts as one failure, so nothing can fail silently.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
passed=0
failed=0
log=${TEST_LOG_DIR:-$top/build/test-logs}
mkdir -p "$log"
only=${TESTS:-}            # e.g. TESTS=lmtp to run files whose name contains it

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
export G_SLICE=always-malloc
export CMOCKA_MESSAGE_OUTPUT=TAP
export PYTHONPATH="$top/tests/lib"
export PYTHONDONTWRITEBYTECODE=1

count() {  # count FILE NAME RC
	p=$(grep -cE '^ok( |$)' "$1")
	f=$(grep -cE '^not ok( |$)' "$1")
	if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $2 exited with status $3 (see $1)"
	fi
	grep -E '^not ok' "$1" | sed "s|^|  $2: |"
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-40s %4d passed %4d failed\n' "$2" "$p" "$f"
}

for b in "$@"; do
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		name="$b/$(basename "$t")"
		case "$name" in *"$only"*) ;; *) continue ;; esac
		out="$log/$(echo "$name" | tr / _).log"
		timeout 300 "$t" > "$out" 2>&1
		count "$out" "$name" $?
	done
	for t in tests/integration/test_*.py; do
		[ -f "$t" ] || continue
		name="$b/$(basename "$t" .py)"
		case "$name" in *"$only"*) ;; *) continue ;; esac
		out="$log/$(echo "$name" | tr / _).log"
		LIAISON_BUILD="$top/$b" timeout 600 /usr/bin/python3 "$t" > "$out" 2>&1
		count "$out" "$name" $?
	done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
