#!/bin/sh
# tests/fuzz/run.sh SECONDS TARGET... - run each libFuzzer target for SECONDS
# from its seed corpus (tests/fuzz/corpus/NAME, copied so the repository is
# not changed).  A crash, leak, hang or sanitizer report fails the target; its
# input is kept under build-fuzz/artifacts/ to become a regression test.
# Prints "N passed, N failed" like every other test script.
#
# SPDX-License-Identifier: BSD-2-Clause
set -u
secs=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
pass=0
fail=0
for t in "$@"; do
	name=$(basename "$t" | sed 's/^fuzz_//')
	dir=$(dirname "$t")
	work=$dir/corpus-$name
	mkdir -p "$work" "$dir/artifacts"
	if "$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-artifact_prefix="$dir/artifacts/$name-" -print_final_stats=1 \
		"$work" "$here/corpus/$name" >"$dir/$name.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/$name.log")
		echo "fuzz $name: ok, ${runs:-?} inputs in ${secs}s"
		pass=$((pass + 1))
	else
		echo "FAIL: fuzz $name (log: $dir/$name.log)"
		grep -m5 -E 'ERROR|SUMMARY|Test unit written' "$dir/$name.log"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
