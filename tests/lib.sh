# tests/lib.sh - what every end-to-end script (tests/cli*.sh) shares: a scratch
# directory, pass/fail counting, and checks on exit status, stderr, CSV cells
# and golden files.  Source it, write cases, end with `finish`.
#
# SPDX-License-Identifier: BSD-2-Clause
set -u
VMSIM=${VMSIM:?set VMSIM to the vmsim binary (make test does)}
GOLDEN=$(cd "$(dirname "$0")" && pwd)/golden
T=$(mktemp -d /tmp/vmsim-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
pass=0
fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run CMD...: captures stdout in $T/out, stderr in $T/err, status in $rc
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; }

# expect_ok NAME CMD...: exit 0
expect_ok() {
	local name=$1; shift
	run "$@"
	if [ "$rc" -eq 0 ]; then ok; else bad "$name: exit $rc: $(head -3 "$T/err")"; fi
}

# expect_fail NAME STATUS PATTERN CMD...: exit STATUS and stderr matches PATTERN
expect_fail() {
	local name=$1 want=$2 pat=$3; shift 3
	run "$@"
	if [ "$rc" -ne "$want" ]; then
		bad "$name: exit $rc, wanted $want: $(head -3 "$T/err")"
	elif ! grep -qE -- "$pat" "$T/err"; then
		bad "$name: stderr does not match /$pat/: $(head -3 "$T/err")"
	elif [ -s "$T/out" ]; then
		bad "$name: printed output on failure"
	else
		ok
	fi
}

# csv_get FILE ROW COLUMN: a cell by column name (ROW counts from 1)
csv_get() {
	awk -F, -v row="$2" -v col="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		NR == row + 1 { print $c }' "$1"
}

# check NAME GOT WANT
check() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', wanted '$3'"; fi; }

# golden NAME FILE: compare FILE (scratch dir filtered to TMP) with tests/golden/NAME
golden() {
	sed "s#$T#TMP#g" "$2" >"$T/golden.got"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$T/golden.got" "$GOLDEN/$1"; fi
	if diff -u "$GOLDEN/$1" "$T/golden.got" >"$T/golden.diff"; then ok; else
		bad "golden $1 differs:"; head -20 "$T/golden.diff"
	fi
}

# finish: the closing line and the exit status
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
