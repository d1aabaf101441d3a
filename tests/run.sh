#!/bin/sh
# tests/run.sh - run every cmocka test binary given, then every end-to-end
# script tests/cli*.sh, and print one closing line "N passed, N failed" over all of them.
# The Makefile passes VMSIM (the binary), TRACES and TESTDATA.
#
# SPDX-License-Identifier: BSD-2-Clause
set -u
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# arguments: cmocka binaries, then "--", then fuzz targets
fuzzers=
while [ $# -gt 0 ]; do
	case $1 in --) shift; fuzzers="$*"; break ;; esac
	t=$1
	shift
	echo "== $t"
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	# a binary that crashed or exited non-zero without a summary still fails
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!! $t exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

for s in tests/cli*.sh ${fuzzers:+tests/fuzz/run.sh}; do
	echo "== $s"
	case $s in
	tests/fuzz/run.sh) "$s" "${FUZZ_SECONDS:-10}" $fuzzers >"$log" 2>&1 ;;
	*) "$s" >"$log" 2>&1 ;;
	esac
	rc=$?
	cat "$log"
	p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "!! $s exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
