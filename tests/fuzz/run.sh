#!/bin/sh
# run.sh - run every fuzz target in build-fuzz for FUZZ_SECONDS, then replay
# the regression inputs (tests/fuzz/regress/NAME/*: crashes found earlier).
# Prints one TAP line per target and a total of executions.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-30}
work=build-fuzz/work
fail=0
total=0
for bin in build-fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin" | sed 's/^fuzz_//')
	corpus="$work/corpus/$name"
	mkdir -p "$corpus" "$work/crashes/$name"
	seeds=""
	[ -d "tests/fuzz/corpus/$name" ] && seeds="$seeds tests/fuzz/corpus/$name"
	case "$name" in
	mail|fields|mime|mime_mem) [ "$name" = mime_mem ] && seeds="$seeds tests/fuzz/corpus/mime"
		[ -d tests/corpus ] && seeds="$seeds tests/corpus"
		[ -d ../shared/corpora ] && seeds="$seeds $(find ../shared/corpora -type d -name '*testmsgs' | tr '\n' ' ')" ;;
	esac
	dict=""
	case "$name" in
	lmtp*) dict="-dict=tests/fuzz/lmtp.dict" ;;
	*) dict="-dict=tests/fuzz/labels.dict" ;;
	esac
	log="$work/$name.log"
	# -rss_limit_mb bounds memory; -timeout flags a single input that hangs.
	"$bin" $dict -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
	    -artifact_prefix="$work/crashes/$name/" -print_final_stats=1 "$corpus" $seeds > "$log" 2>&1
	rc=$?
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
	execs=${execs:-0}
	total=$((total + execs))
	if [ $rc -ne 0 ]; then
		fail=1
		echo "not ok - fuzz $name: crash or leak after $execs runs (see $log and $work/crashes/$name/)"
	else
		echo "ok - fuzz $name: $execs runs, no crash"
	fi
	if [ -d "tests/fuzz/regress/$name" ]; then
		if "$bin" tests/fuzz/regress/"$name"/* > "$work/$name.regress.log" 2>&1; then
			echo "ok - fuzz $name: regression inputs replayed"
		else
			fail=1
			echo "not ok - fuzz $name: a regression input fails again (see $work/$name.regress.log)"
		fi
	fi
done
echo "# fuzz: $total executions in all"
exit $fail
