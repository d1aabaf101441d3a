#!/bin/bash
# tests/cli_analysis.sh - end-to-end tests of curve, plot, merge and check.
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Each case runs the real binary ($VMSIM) and checks exit status, output
# (goldens in tests/golden/analysis-*, scratch path filtered) and messages:
#   curve  Belady's string at every size (hand-checked golden); every point
#          equals `vmsim replay` at that size, for all six policies, on a
#          random trace; thread count does not change a byte; bad arguments
#   plot   real gnuplot makes non-empty PNG, SVG and PDF whose .gp carry the
#          title and series; FIFO's Belady bump is in the data; bad arguments
#   merge  joins cells, drops exact repeats, names conflicting rows
#   check  identical results pass; a planted regression fails (and passes
#          within a tolerance); a missing row fails; JUnit XML
# (batch: tests/cli_batch.sh)
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- inputs
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >belady.txt
# a random trace with stores: 3000 references over about 90 pages (page size 1)
awk 'BEGIN { srand(11); for (i = 0; i < 3000; i++) {
	p = (rand() < 0.7) ? int(rand() * 12) : int(rand() * 90)
	printf "%s %d\n", (rand() < 0.25) ? "W" : "R", p } }' >rand.txt

# ------------------------------------------------------------------ help
expect_ok "help" "$VMSIM" --help
for w in curve plot batch merge check; do
	grep -qw "$w" "$T/out" && ok || bad "--help does not list $w"
done
expect_ok "curve --help" "$VMSIM" curve --help
for o in --policies --frames --jobs --page-size --seed --lfu-aging --format --output; do
	grep -q -- "$o" "$T/out" && ok || bad "curve --help lacks $o"
done

# ----------------------------------------------------------------- curve
# Belady's string, every size 1..6 (worked by hand in tests/test_curve.c):
# FIFO 12 12 9 10 5 5 (the anomaly: 9 faults at 3 frames, 10 at 4),
# LRU 12 12 10 8 5 5, OPT 12 9 7 6 5 5.
expect_ok "curve belady" "$VMSIM" curve belady.txt -s 1 -n 1:6 -f csv --seed 7 -j 2
cp "$T/out" curve-belady.csv
golden analysis-curve-belady.csv curve-belady.csv
faults_of() { awk -F, -v p="$2" -v n="$3" '$2 == p && $3 == n { print $7 }' "$1"; }
check "fifo 3" "$(faults_of curve-belady.csv fifo 3)" 9
check "fifo 4" "$(faults_of curve-belady.csv fifo 4)" 10
check "lru 3" "$(faults_of curve-belady.csv lru 3)" 10
check "opt 3" "$(faults_of curve-belady.csv opt 3)" 7
check "opt 4" "$(faults_of curve-belady.csv opt 4)" 6
head -1 curve-belady.csv | grep -qE '^trace,policy,frames,page_size,refs,hits,faults,hit_rate,compulsory,evictions,writebacks,distinct_pages,seed,lfu_aging,mode,version(,[a-z_]+)*$' \
	&& ok || bad "curve header differs from replay's: $(head -1 curve-belady.csv)"

# every point equals a single replay of that size (all columns but mode;
# one-pass OPT leaves writebacks empty, so those are compared separately)
sizes=1,2,3,5,8,12,13,20,40,89,90,120
expect_ok "curve rand" "$VMSIM" curve rand.txt -s 1 -n $sizes -f csv -o curve-rand.csv -j 3
for p in opt fifo random lru lfu clock; do
	expect_ok "replay $p" "$VMSIM" replay rand.txt -p $p -n $sizes -s 1 -f csv -o replay-$p.csv
	if [ $p = opt ]; then cols=1-10,12-14; else cols=1-14; fi
	got=$(awk -F, -v p=$p 'NR > 1 && $2 == p' curve-rand.csv | cut -d, -f$cols)
	want=$(tail -n +2 replay-$p.csv | cut -d, -f$cols)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then ok; else
		bad "curve $p differs from replay:"; diff <(echo "$want") <(echo "$got") | head -5
	fi
done
check "one-pass opt writebacks empty" "$(awk -F, '$2 == "opt" { print $11 }' curve-rand.csv | sort -u)" ""
check "lru one-pass" "$(awk -F, '$2 == "lru" { print $15 }' curve-rand.csv | sort -u)" one-pass
check "fifo per size" "$(awk -F, '$2 == "fifo" { print $15 }' curve-rand.csv | sort -u)" loaded
# OPT per size (instead of the one-pass stack): every column, writebacks too
expect_ok "curve opt per-size" "$VMSIM" curve rand.txt -s 1 -p opt -n $sizes -f csv --opt-method per-size
check "opt per-size = replay" "$(tail -n +2 "$T/out" | cut -d, -f1-14)" "$(tail -n +2 replay-opt.csv | cut -d, -f1-14)"
expect_fail "curve bad opt-method" 2 "opt-method 'fast'" "$VMSIM" curve rand.txt --opt-method fast
# the thread count changes nothing
expect_ok "curve -j 1" "$VMSIM" curve rand.txt -s 1 -n $sizes -f csv -o curve-j1.csv -j 1
cmp -s curve-rand.csv curve-j1.csv && ok || bad "curve -j 1 and -j 3 differ"
# auto: every size up to the distinct pages when there are at most 100
expect_ok "curve auto" "$VMSIM" curve rand.txt -s 1 -p lru -f csv
check "auto sizes" "$(tail -n +2 "$T/out" | wc -l)" "$(awk -F, 'NR == 2 { print $12 }' "$T/out")"
expect_ok "curve json" "$VMSIM" curve belady.txt -s 1 -p fifo -n 3,4 -f json
grep -q '"faults": 10' "$T/out" && ok || bad "curve json lacks FIFO's 10 faults"

expect_fail "curve bad policy" 2 "unknown policy 'lur'; known: opt" \
	"$VMSIM" curve belady.txt -p lru,lur
expect_fail "curve bad frames" 2 "frames '8:2'" "$VMSIM" curve belady.txt -n 8:2
expect_fail "curve bad factor" 2 "FACTOR > 1" "$VMSIM" curve belady.txt -n 1:8:x0.5
expect_fail "curve missing trace" 1 "nonesuch.txt" "$VMSIM" curve nonesuch.txt -o never.csv
[ ! -e never.csv ] && ok || bad "a failed curve left never.csv"
expect_fail "curve bad jobs" 2 "jobs" "$VMSIM" curve belady.txt -j x

# ------------------------------------------------------------------ plot
for ext in png svg pdf; do
	expect_ok "plot $ext" "$VMSIM" plot curve-belady.csv -o fig-$ext.$ext --metric faults \
		--title "Belady's anomaly"
	[ -s fig-$ext.$ext ] && ok || bad "fig-$ext.$ext is missing or empty"
	grep -q "set label 100 \"Belady's anomaly\"" fig-$ext.gp && ok || bad "fig-$ext.gp lacks the title"
	for s in OPT FIFO Random LRU LFU Clock; do
		grep -q "title \"$s" fig-$ext.gp && ok || bad "fig-$ext.gp lacks series $s"
	done
	grep -q 'set ylabel "page faults (count)"' fig-$ext.gp && ok || bad "fig-$ext.gp: y label"
	grep -q 'set xlabel "memory size (frames of 1 B pages)"' fig-$ext.gp && ok || bad "fig-$ext.gp: x label"
done
check "png magic" "$(head -c 4 fig-png.png | od -An -c | tr -d ' ')" '211PNG'
grep -q '<svg' fig-svg.svg && ok || bad "fig-svg.svg is not SVG"
check "pdf magic" "$(head -c 5 fig-pdf.pdf)" '%PDF-'
ls ./*.tmp.* >/dev/null 2>&1 && bad "plot left temporary files" || ok
# FIFO's bump (Belady's anomaly) is in the figure's data: 9 at 3, 10 at 4
expect_ok "plot fifo" "$VMSIM" plot curve-belady.csv -o belady-fifo.png --metric faults
awk '/^# index 1: FIFO/ { on = 1; next } /^#/ { on = 0 } on && NF { print $1, $2 }' belady-fifo.dat >fifo.dat
check "fifo bump" "$(tr '\n' ' ' <fifo.dat)" "1 12 2 12 3 9 4 10 5 5 6 5 "
expect_ok "plot log-x hit-rate" "$VMSIM" plot curve-rand.csv -o rand.svg --log-x
grep -q 'set logscale x 2' rand.gp && ok || bad "--log-x not in rand.gp"
grep -q 'set label 100 "rand.txt: hit rate vs memory size"' rand.gp && ok || bad "default title: $(grep title rand.gp | head -1)"
expect_ok "plot miss-ratio" "$VMSIM" plot curve-rand.csv -o miss.png --metric miss-ratio --script-only
[ -s miss.gp ] && [ ! -e miss.png ] && ok || bad "--script-only made an image or no script"
expect_fail "plot no output" 2 "--output" "$VMSIM" plot curve-rand.csv
expect_fail "plot bad type" 2 ".png, .svg or .pdf" "$VMSIM" plot curve-rand.csv -o x.gif
expect_fail "plot bad metric" 2 "no column 'speed'" "$VMSIM" plot curve-rand.csv -o x.png -m speed
expect_fail "plot missing csv" 1 "nonesuch.csv" "$VMSIM" plot nonesuch.csv -o x.png
printf 'a,b\n1,2,3\n' >bad.csv
expect_fail "plot bad csv" 1 "bad.csv:2: 3 cells, but the header has 2" "$VMSIM" plot bad.csv -o x.png

# ----------------------------------------------------------------- merge
expect_ok "curve part 1" "$VMSIM" curve belady.txt -s 1 -p fifo -n 3,4 -f csv -o part1.csv
expect_ok "curve part 2" "$VMSIM" curve belady.txt -s 1 -p fifo,lru -n 4,5 -f csv -o part2.csv
expect_ok "merge" "$VMSIM" merge part1.csv part2.csv -o merged.csv
# fifo 4 is in both: kept once
check "merged rows" "$(tail -n +2 merged.csv | wc -l)" 5
check "merged fifo 4" "$(grep -c ',fifo,4,' merged.csv)" 1
sed 's/,fifo,4,1,12,2,10,/,fifo,4,1,12,3,9,/' part1.csv >part1-bad.csv
expect_fail "merge conflict" 1 "part1-bad.csv:3 and part2.csv:2: the same configuration" \
	"$VMSIM" merge part1-bad.csv part2.csv

# ----------------------------------------------------------------- check
expect_ok "check identical" "$VMSIM" check curve-rand.csv --baseline curve-j1.csv
grep -q 'ok: 72 rows, 576 values compared: 0 changed' "$T/err" && ok || bad "check summary: $(cat "$T/err")"
# plant a regression: LRU at 8 frames faults 7 more times
awk -F, 'BEGIN { OFS = "," } $2 == "lru" && $3 == 8 { $7 += 7; $6 -= 7 } { print }' \
	curve-rand.csv >regressed.csv
run "$VMSIM" check regressed.csv --baseline curve-rand.csv --junit junit.xml
check "check regression exit" "$rc" 1
grep -q 'FAIL.*policy=lru frames=8.*faults' "$T/out" && ok || bad "diff table: $(head -5 "$T/out")"
grep -q 'FAIL: 72 rows.*2 beyond tolerance, 0 rows missing' "$T/err" && ok || bad "summary: $(cat "$T/err")"
grep -q 'failures="1"' junit.xml && ok || bad "junit: $(head -3 junit.xml)"
grep -q '<failure type="regression" message="hits' junit.xml && ok || bad "junit failure: $(grep failure junit.xml)"
expect_ok "check within tolerance" "$VMSIM" check regressed.csv --baseline curve-rand.csv --tolerance 5%
grep -q 'within' "$T/out" && ok || bad "tolerated change not listed: $(cat "$T/out")"
grep -v ',clock,40,' curve-rand.csv >missing.csv
run "$VMSIM" check missing.csv --baseline curve-rand.csv -f csv
check "check missing exit" "$rc" 1
grep -q '^missing,policy=clock frames=40,-' "$T/out" && ok || bad "missing row not listed: $(cat "$T/out")"
run "$VMSIM" check curve-rand.csv --baseline missing.csv
check "new rows pass" "$rc" 0
expect_fail "check no baseline" 2 "--baseline" "$VMSIM" check curve-rand.csv
expect_fail "check bad tolerance" 2 "tolerance" "$VMSIM" check curve-rand.csv -b curve-j1.csv -t lots
expect_fail "check bad key" 2 "no column 'nope'" "$VMSIM" check curve-rand.csv -b curve-j1.csv --key nope
run "$VMSIM" check regressed.csv --baseline curve-rand.csv --tolerance 1e-9 -f csv
check "check golden exit" "$rc" 1
golden analysis-check-regressed.csv "$T/out"

finish
