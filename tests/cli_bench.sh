#!/bin/bash
# tests/cli_bench.sh - the benchmark driver's small mode works (issue 7's
# regression guard).  Nothing is timed against anything: the numbers are
# recorded, never asserted.  What is checked is that `bench/run.sh` in small
# mode, writing into a scratch directory (never into bench/), produces a
# well-formed results.csv: the named columns, a row for every benchmark on
# every input, positive times, rates, ratios and sizes, the machine and the
# vmsim version on every row, targets judged yes or no; and its README table.
# Bad settings fail with a message.
#
# SPDX-License-Identifier: BSD-2-Clause
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib.sh"

HELPER=${VMSIM_BENCH:-$(dirname "$VMSIM")/bench/vmsim-bench}
TRACES=${TRACES:-$ROOT/traces}
if [ ! -x "$HELPER" ]; then
	bad "no benchmark helper at $HELPER (the Makefile builds it with make test)"
	finish
	exit
fi
# bench/ must not change: remember what is there
before=$(cd "$ROOT/bench" && ls -l --time-style=+%s.%N 2>/dev/null | md5sum)

bench() {
	env VMSIM="$VMSIM" VMSIM_BENCH="$HELPER" BENCH_SMALL=1 BENCH_OUT="$T/res" \
		BENCH_DATA="$T/data" BENCH_TRACES="$TRACES" "$@" "$ROOT/bench/run.sh"
}

run bench
if [ "$rc" -eq 0 ]; then ok; else bad "bench/run.sh small: exit $rc: $(tail -3 "$T/err")"; fi
CSV=$T/res/results.csv
[ -s "$T/res/README.md" ] && ok || bad "no README.md"
if [ ! -s "$CSV" ]; then
	bad "no results.csv"
	finish
	exit
fi
after=$(cd "$ROOT/bench" && ls -l --time-style=+%s.%N 2>/dev/null | md5sum)
check "bench/ untouched" "$after" "$before"

# ----------------------------------------------------------------- columns
header=$(head -1 "$CSV")
for c in benchmark input input_kind refs pages frames threads runs seconds_best mrefs_per_s \
	baseline baseline_mrefs_per_s ratio_to_baseline peak_rss_kb bytes_per_ref \
	bytes_per_page target met note cpu cores kernel compiler zlib vmsim_version date mode; do
	case ",$header," in *",$c,"*) ok ;; *) bad "results.csv lacks column $c" ;; esac
done
ncols=$(head -1 "$CSV" | awk -F, '{ print NF }')
check "every row has every column" \
	"$(awk -F, -v n="$ncols" 'NF != n { print NR ": " NF }' "$CSV" | head -3)" ""

# ------------------------------------------------------------------- rows
# has INPUT BENCHMARK: exactly one row
has() {
	local got
	got=$(awk -F, -v i="$1" -v b="$2" '$1 == b && $2 == i' "$CSV" | wc -l)
	check "row $1 $2" "$got" 1
}
for input in uniform zipf zipfrun; do
	for b in inflate decode scan next-use fifo random clock lru lfu lfu-big opt lru-curve \
		lru-curve-32 opt-curve-32 lru-curve-e2e stream-lru; do
		has $input $b
	done
done
has zipf-curve curve-all
for b in inflate decode scan fifo lru opt lru-curve opt-curve-32 lru-curve-e2e tlb-ref-scan \
	tlb tlb-read tlb-curve; do
	has real-all $b
done
for b in lackey-fgets-sscanf lackey-parse lackey-inflate lackey-gz; do
	has real-lackey $b
done

# ----------------------------------------------------------------- numbers
# column NAME of every data row, one per line
col() { awk -F, -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
	{ print $k }' "$CSV"; }
positive() {
	local bads
	bads=$(col "$1" | awk '!($1 + 0 > 0)' | sort -u | head -3 | tr '\n' ' ')
	check "$1 all positive" "$bads" ""
}
for c in refs seconds_best mrefs_per_s runs peak_rss_kb cores; do
	positive $c
done
# a ratio wherever a baseline is named, and only there; baselines are positive
check "ratio iff baseline" "$(awk -F, 'NR > 1 && (($11 == "") != ($13 == "")) { print $1 }' "$CSV")" ""
check "ratios positive" "$(awk -F, 'NR > 1 && $11 != "" && !($13 + 0 > 0 && $12 + 0 > 0) { print $1 }' "$CSV")" ""
check "decode's baseline" "$(awk -F, '$1 == "decode" && $2 == "zipf" { print $11 }' "$CSV")" inflate
check "lru's baseline" "$(awk -F, '$1 == "lru" && $2 == "zipf" { print $11 }' "$CSV")" scan
# the rate is refs / seconds
check "rate = refs / seconds" "$(awk -F, 'NR > 1 { r = $4 / $9 / 1e6
	if (r / $10 > 1.001 || r / $10 < 0.999) print $1 }' "$CSV" | head -3)" ""
# runs: the best of 3 (curve-all runs once)
check "runs" "$(awk -F, 'NR > 1 && $1 != "curve-all" { print $8 }' "$CSV" | sort -u)" 3
# the inputs are what small mode promises: a million references, 20000 pages
check "uniform refs" "$(awk -F, '$1 == "decode" && $2 == "uniform" { print $4 }' "$CSV")" 1000000
pages=$(awk -F, '$1 == "decode" && $2 == "uniform" { print $5 }' "$CSV")
[ "$pages" -gt 19000 ] && [ "$pages" -le 20000 ] && ok || bad "uniform touches $pages pages"
# targets are judged, never left blank where one is set
check "met is yes or no" \
	"$(awk -F, 'NR > 1 && $17 != "" && $18 != "yes" && $18 != "no" { print $1 }' "$CSV")" ""
check "lru target" "$(awk -F, '$1 == "lru" && $2 == "uniform" { print $17 }' "$CSV")" \
	"mrefs_per_s>=50"
# the machine and the version on every row
check "version" "$(col vmsim_version | sort -u)" "$("$VMSIM" --version | awk '{ print $NF }')"
check "mode" "$(col mode | sort -u)" small
check "one cpu" "$(col cpu | sort -u | wc -l)" 1
# the README's table has a row per synthetic benchmark
grep -q '^| benchmark | what | uniform | zipf 0.99 | zipfrun | target | met |$' "$T/res/README.md" \
	&& ok || bad "README.md lacks the synthetic table"
grep -q '^| lru | LRU at one size' "$T/res/README.md" && ok || bad "README.md lacks the lru row"

# a second run reuses the generated inputs
ls "$T/data" >"$T/data.1"
run bench BENCH_REPS=1
if [ "$rc" -eq 0 ]; then ok; else bad "second run: exit $rc: $(tail -3 "$T/err")"; fi
grep -q generating "$T/err" && bad "second run generated its inputs again" || ok
check "runs 1" "$(awk -F, 'NR > 1 { print $8 }' "$CSV" | sort -u)" 1

# ------------------------------------------------------------ bad settings
expect_fail "bad BENCH_REFS" 1 "BENCH_REFS must be a whole number above 0, not 'many'" \
	bench BENCH_REFS=many
expect_fail "zero BENCH_REPS" 1 "BENCH_REPS must be" bench BENCH_REPS=0
expect_fail "no helper" 1 "VMSIM_BENCH=/nonexistent is not an executable" \
	env VMSIM="$VMSIM" VMSIM_BENCH=/nonexistent BENCH_SMALL=1 BENCH_OUT="$T/o2" "$ROOT/bench/run.sh"
expect_fail "no traces" 1 "no real traces" bench BENCH_TRACES="$T/none"
finish
