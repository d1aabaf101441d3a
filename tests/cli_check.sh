#!/bin/bash
# tests/cli_check.sh - vmsim check as CI uses it, and the identity of traces in results.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   readme CI   the README's CI block, taken from README.md (the fenced yaml
#               block that runs `vmsim check`) and run command by command,
#               verbatim, in a fresh `git clone` of this repository: the clone
#               builds its own ./vmsim with the block's `make vmsim` (nothing
#               of this checkout's build is used), runs curve and check against
#               the shipped results/baseline/policies.csv, and must leave the
#               artifact the block uploads (a JUnit file with no failure).  The
#               clone holds the last commit: uncommitted edits are not tested.
#               (In a source tree that is no git checkout, a clean copy of it.)
#   identity    rows match by trace_id whatever the spelling of the path and the
#               working directory; the trace column is the path normalised; old
#               baselines without trace_id still match by path; --label names a
#               trace read from standard input (no trace_id) or overrides the
#               name; a regenerated trace (new content, same path) is another
#               trace; replay, tlb-curve and stat carry the same trace_id
#   --update    writes or refreshes the baseline atomically, and leaves it
#               untouched when the result cannot be read
#   JUnit/JSON  classnames without the trace file name's dots; -f json values
#               as numbers
#   merge       any number of arguments
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/lib.sh"
TRACES=${TRACES:-$REPO/traces}

# ------------------------------------------------------------ README CI block

# the fenced ```yaml blocks of README.md that run `vmsim check`
awk '/^```yaml/ { on = 1; buf = ""; next }
	on && /^```/ { on = 0; if (buf ~ /vmsim check/) { n++; printf "%s", buf > ("block." n) } next }
	on { buf = buf $0 "\n" }' "$REPO/README.md"
check "README has one CI block" "$(ls block.* 2>/dev/null | wc -l)" 1
sed -n 's/^ *- run: //p' block.1 >ci-commands
sed -n 's/.*path: *\([^ },]*\).*/\1/p' block.1 >ci-artifact
check "CI block: make, curve, check" "$(grep -c -e '^make vmsim' -e '^\./vmsim curve' -e '^\./vmsim check' ci-commands)" 3

if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
	if [ -n "$(git -C "$REPO" status --porcelain -- README.md results 2>/dev/null)" ]; then
		echo "note: README.md or results/ has uncommitted changes; the clone tests the last commit"
	fi
	git clone -q "$REPO" clone
else
	# a source tree that is no git checkout (an unpacked release): the
	# block runs in a copy of it without what builds and runs leave behind
	echo "note: $REPO is not a git checkout; the CI block runs in a clean copy of it"
	mkdir clone
	(cd "$REPO" && tar cf - --exclude='./build*' --exclude=./vmsim --exclude='./results/*' .) |
		(cd clone && tar xf -)
	mkdir -p clone/results
	cp -R "$REPO/results/baseline" clone/results/
fi
if [ -d clone ]; then
	check "the clone ships the baseline" "$(test -f clone/results/baseline/policies.csv && echo yes)" yes
	n=0
	while IFS= read -r cmd; do
		n=$((n + 1))
		# as a GitHub runner does: bash -eo pipefail, CI=true in the
		# environment; none of this make's settings (SANITIZE, -j) leak in
		(cd clone && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES CI=true \
			bash --noprofile --norc -eo pipefail -c "$cmd") >"ci-out.$n" 2>&1
		rc=$?
		if [ "$rc" -eq 0 ]; then ok; else
			bad "README CI step '$cmd': exit $rc: $(tail -3 "ci-out.$n")"
		fi
	done <ci-commands
	art=$(cat ci-artifact)
	check "CI artifact named" "$art" check.xml
	if xmllint --noout "clone/$art" 2>/dev/null; then ok; else bad "clone/$art is not well-formed XML"; fi
	check "CI JUnit: 24 cases, no failure" \
		"$(grep -o '<testsuites name="vmsim check" tests="[0-9]*" failures="[0-9]*"' "clone/$art")" \
		'<testsuites name="vmsim check" tests="24" failures="0"'
	check "CI verdict" "$(grep -c '^vmsim check: ok: 24 rows, 192 values compared: 0 changed' ci-out.*)" \
		"$(printf 'ci-out.1:0\nci-out.2:0\nci-out.3:1')"
	# reproducible: the block's own check (tolerance 0, every row there, no
	# new row) is the proof that its curve remakes the shipped baseline
	rm -rf clone
fi

# the baseline is what the README's commands make (reproducible), found
# from another folder through trace_id
mkdir -p sub
(cd sub && "$VMSIM" curve "$REPO/traces/matmul.vmt" --frames 8:64:x2 -f csv -o ../abs.csv -q)
expect_ok "baseline matches a run from another folder" \
	"$VMSIM" check abs.csv --baseline "$REPO/results/baseline/policies.csv"
check "abs: trace column as given, normalised" "$(csv_get abs.csv 1 trace)" "$REPO/traces/matmul.vmt"

# ------------------------------------------------------------------ identity

mkdir -p traces
cp "$TRACES/matmul.vmt" traces/m.vmt
expect_ok "curve traces/m.vmt" "$VMSIM" curve traces/m.vmt --frames 8:64:x2 -f csv -o base.csv -q
id=$(csv_get base.csv 1 trace_id)
check "trace_id: 16 hex digits" "$(echo "$id" | grep -cx '[0-9a-f]\{16\}')" 1
# col FILE NAME: every cell of column NAME
col() { awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$1"; }
check "one trace_id on every row" "$(col base.csv trace_id | sort -u)" "$id"
# issue 11: ./traces/m.vmt against a baseline of traces/m.vmt
expect_ok "curve ./traces/m.vmt" "$VMSIM" curve ./traces/m.vmt --frames 8:64:x2 -f csv -o dot.csv -q
check "./ is normalised away" "$(csv_get dot.csv 1 trace)" traces/m.vmt
expect_ok "check ./traces/m.vmt vs traces/m.vmt" "$VMSIM" check dot.csv --baseline base.csv
grep -q 'ok: 24 rows, 192 values compared: 0 changed, 0 beyond tolerance, 0 rows missing, 0 new rows' \
	"$T/err" && ok || bad "dot check summary: $(cat "$T/err")"
mkdir -p x
expect_ok "curve x/../traces//m.vmt" "$VMSIM" curve x/../traces//m.vmt -n 8 -p lru -f csv -o dd.csv -q
check "x/../ and // normalised" "$(csv_get dd.csv 1 trace)" traces/m.vmt
# another working directory
(cd sub && "$VMSIM" curve ../traces/m.vmt --frames 8:64:x2 -f csv -o ../up.csv -q)
check "relative stays relative" "$(csv_get up.csv 1 trace)" ../traces/m.vmt
expect_ok "check from another folder" "$VMSIM" check up.csv --baseline base.csv
grep -q ' 0 rows missing, 0 new rows' "$T/err" && ok || bad "up check: $(cat "$T/err")"
# the reverse: a baseline made in sub, a result from the top folder
expect_ok "check, baseline from another folder" "$VMSIM" check base.csv --baseline up.csv
# an old baseline: no trace_id column, the path spelt with ./
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "trace_id") k = i }
	{ o = ""; for (i = 1; i <= NF; i++) if (i != k) o = o (o == "" ? "" : ",") $i; print o }' base.csv |
	sed '2,$s#^#./#' >old.csv
check "old baseline has no trace_id" "$(head -1 old.csv | tr , '\n' | grep -c trace_id)" 0
expect_ok "old baseline checks by path" "$VMSIM" check dot.csv --baseline old.csv
grep -q ' 192 values compared: 0 changed.* 0 rows missing, 0 new rows' "$T/err" && ok \
	|| bad "old baseline: $(cat "$T/err")"
# by path only, another folder's path is another trace: said, not hidden
run "$VMSIM" check up.csv --baseline old.csv
check "old baseline, other folder: missing" "$rc" 1
grep -q '24 rows missing, 24 new rows' "$T/err" && ok || bad "old baseline, other folder: $(cat "$T/err")"
# standard input: --label names it, and it has no trace_id
expect_ok "curve - --label" sh -c "\"$VMSIM\" curve - --label traces/m.vmt --frames 8:64:x2 -f csv -q <traces/m.vmt >stdin.csv"
check "stdin: label in trace" "$(csv_get stdin.csv 1 trace)" traces/m.vmt
check "stdin: trace_id empty" "$(csv_get stdin.csv 1 trace_id)" ""
expect_ok "stdin result checks by its label" "$VMSIM" check stdin.csv --baseline base.csv
grep -q ' 0 rows missing, 0 new rows' "$T/err" && ok || bad "stdin check: $(cat "$T/err")"
expect_ok "curve - without label" sh -c "\"$VMSIM\" curve - -n 8 -p lru -f csv -q <traces/m.vmt >nolabel.csv"
check "stdin without label: trace -" "$(csv_get nolabel.csv 1 trace)" "-"
# --label on a file: the name changes, the identity does not
expect_ok "curve --label on a file" "$VMSIM" curve traces/m.vmt --label matmul --frames 8:64:x2 -f csv -o lab.csv -q
check "label: trace" "$(csv_get lab.csv 1 trace)" matmul
check "label: trace_id kept" "$(csv_get lab.csv 1 trace_id)" "$id"
expect_ok "a relabelled result matches by trace_id" "$VMSIM" check lab.csv --baseline base.csv
# replay, tlb-curve and stat carry the same identity and take --label
expect_ok "replay" "$VMSIM" replay ./traces/m.vmt -p lru -n 8 -f csv -q
check "replay trace" "$(csv_get "$T/out" 1 trace)" traces/m.vmt
check "replay trace_id" "$(csv_get "$T/out" 1 trace_id)" "$id"
expect_ok "replay stdin --label" sh -c "\"$VMSIM\" replay - -p lru -n 8 -f csv -q --label mm <traces/m.vmt"
check "replay stdin: label, no id" "$(csv_get "$T/out" 1 trace),$(csv_get "$T/out" 1 trace_id)" "mm,"
expect_ok "tlb-curve" "$VMSIM" tlb-curve traces/./m.vmt --entries 16 -f csv -q
check "tlb-curve trace, trace_id" "$(csv_get "$T/out" 1 trace),$(csv_get "$T/out" 1 trace_id)" \
	"traces/m.vmt,$id"
expect_ok "tlb-curve --label" "$VMSIM" tlb-curve traces/m.vmt --entries 16 -f csv -q --label t
check "tlb-curve label" "$(csv_get "$T/out" 1 trace)" t
expect_ok "stat" "$VMSIM" stat ./traces/m.vmt -f csv -q
check "stat trace, trace_id" "$(csv_get "$T/out" 1 trace),$(csv_get "$T/out" 1 trace_id)" "traces/m.vmt,$id"
expect_ok "stat stdin --label" sh -c "\"$VMSIM\" stat - -f csv -q --label s <traces/m.vmt"
check "stat stdin: label, no id" "$(csv_get "$T/out" 1 trace),$(csv_get "$T/out" 1 trace_id)" "s,"
# interleaved traces: the names and the ids joined by +
printf '%s\n' 1 2 3 4 >a.txt
printf '%s\n' 5 6 7 >b.txt
expect_ok "replay interleave" "$VMSIM" replay ./a.txt b.txt --interleave 1 -p lru -n 2 -s 1 -f csv -q
"$VMSIM" stat a.txt -f csv -q -o sa.csv
"$VMSIM" stat b.txt -f csv -q -o sb.csv
ida=$(csv_get sa.csv 1 trace_id)
idb=$(csv_get sb.csv 1 trace_id)
check "interleave trace" "$(csv_get "$T/out" 1 trace)" "a.txt+b.txt"
check "interleave trace_id" "$(csv_get "$T/out" 1 trace_id)" "$ida+$idb"
# a regenerated trace at the same path is another trace
"$VMSIM" gen -w uniform --pages 300 --refs 20000 --seed 5 -o traces/m.vmt -q
expect_ok "curve regenerated" "$VMSIM" curve traces/m.vmt --frames 8:64:x2 -f csv -o regen.csv -q
run "$VMSIM" check regen.csv --baseline base.csv
check "regenerated trace: FAIL" "$rc" 1
grep -q '24 rows missing, 24 new rows' "$T/err" && ok || bad "regenerated: $(cat "$T/err")"
cp "$TRACES/matmul.vmt" traces/m.vmt

# ------------------------------------------------------------------- --update

expect_ok "update creates a baseline" "$VMSIM" check dot.csv --baseline new.csv --update
grep -q 'wrote the new baseline new.csv: 24 rows' "$T/err" && ok || bad "update new: $(cat "$T/err")"
cmp -s dot.csv new.csv && ok || bad "the new baseline is not the result"
sed '3s/,1280,/,1300,/' dot.csv >regressed.csv
run "$VMSIM" check regressed.csv --baseline new.csv
check "regressed fails" "$rc" 1
expect_ok "update refreshes" "$VMSIM" check regressed.csv --baseline new.csv --update --junit up.xml
check "update refresh: what it did" "$(cat "$T/err")" \
	"$(printf '%s\n' 'vmsim check: before the update: 1 changed, 1 beyond tolerance, 0 rows missing, 0 new rows' \
		'vmsim check: updated new.csv: 24 rows')"
grep -q '^status *FAIL' "$T/out" && ok || bad "update shows what changed: $(cat "$T/out")"
cmp -s regressed.csv new.csv && ok || bad "the refreshed baseline is not the result"
expect_ok "after update: passes" "$VMSIM" check regressed.csv --baseline new.csv
cp new.csv keep.csv
printf 'not,a\n"csv\n' >broken.csv
expect_fail "update from a broken result" 1 'broken.csv:2: a quoted cell is not closed' \
	"$VMSIM" check broken.csv --baseline new.csv --update
cmp -s keep.csv new.csv && ok || bad "a failed update touched the baseline"
expect_fail "update into a missing folder" 1 'nodir/b.csv' \
	"$VMSIM" check dot.csv --baseline nodir/b.csv --update
# a result that cannot be a baseline (one configuration twice) is refused
{ cat dot.csv; tail -1 dot.csv; } >twice.csv
expect_fail "update from a result with a row twice" 1 \
	'twice.csv cannot be a baseline: twice.csv:25 and line 26: the same configuration' \
	"$VMSIM" check twice.csv --baseline new.csv --update
cmp -s keep.csv new.csv && ok || bad "a refused update touched the baseline"
# a baseline of another schema (a key column the result lacks) is replaced,
# with a note
printf 'trace,policy,frames,tlb,faults\nx,lru,4,64:4,1\n' >schema.csv
expect_ok "update over another schema" "$VMSIM" check dot.csv --baseline schema.csv --update
check "update over another schema: note" "$(head -1 "$T/err")" \
	"vmsim check: note: not compared with the old baseline (dot.csv has no column 'tlb', which the baseline schema.csv has); replacing it"
cmp -s dot.csv schema.csv && ok || bad "the other schema was not replaced"
check "no temporaries left" "$(find . -name '*.tmp.*')" ""

# ------------------------------------------------------------ JUnit and JSON

run "$VMSIM" check regressed.csv --baseline dot.csv --junit j.xml -f json -o d.json
check "check regressed exit" "$rc" 1
check "classname without the file name's dots" "$(grep -o 'classname="[^"]*"' j.xml | sort -u)" \
	'classname="vmsim.check.m_vmt"'
check "json values are numbers" "$(jq -r '.[0] | [.baseline, .result, .delta] | map(type) | join(",")' d.json)" \
	number,number,number
check "json values" "$(jq -c '.[0] | [.baseline, .result, .delta]' d.json)" '[1280,1300,20]'

# --------------------------------------------------------------------- merge

mkdir -p many
for i in $(seq 1 20); do
	printf '%s\n' $i $((i + 1)) $i >many/t$i.txt
	"$VMSIM" replay many/t$i.txt -p lru -n 1 -s 1 -f csv -o many/r$i.csv -q
done
expect_ok "merge 20 files" "$VMSIM" merge $(for i in $(seq 1 20); do echo many/r$i.csv; done) -o m20.csv
check "merged rows" "$(tail -n +2 m20.csv | wc -l)" 20

finish
