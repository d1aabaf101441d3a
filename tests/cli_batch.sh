#!/bin/bash
# tests/cli_batch.sh - vmsim batch end to end, on one machine and as the
# plans other engines run (issue 11 items 4, 5, 7, 8; issue 18 items 2, 3, 5, 7).
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   local      results folder, figures in every format, a rerun redoes nothing,
#              --max-cells, killed mid-run (TERM and KILL) it resumes without
#              redoing or duplicating cells, bad specs name their line
#   groups     the README's [huge-pages] example, verbatim: the traces named
#              before any section run as group "main" beside the section
#   identity   the same spec from another directory sees the same cells done;
#              a regenerated trace reruns its cells, a touched one does not
#   --cell     runs cell I (or I-J, or NAME) only; a done cell is not touched;
#              a bad index is refused; by name on a worker holding one trace
#   --join     never computes: exit 1 naming missing cells; once the cells
#              are in, results equal a local batch's byte for byte
#   failures   a corrupt trace's cell is recorded (cells/NAME.failed,
#              status.tsv, index.md) and reported by --join; resume retries it
#   recipes    the README's Snakefile, GNU Parallel from the TSV plan, and its
#              no-shared-disk recipe through a stand-in ssh (where installed)
#   plans      GNU Parallel job lines run by sh; a Slurm submit script run
#              against a fake sbatch (ids, arrays chunked below 1001 tasks,
#              bundles, the join's dependency); TSV and JSON (valid for
#              names that are not UTF-8); hostile names quoted, refused where
#              a line-per-command file cannot carry them
#   jobs       -j 0 counts the CPUs this process may use (taskset); a huge
#              --jobs is capped with a note; -o '' is refused
README=$(cd "$(dirname "$0")/.." && pwd)/README.md
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- inputs
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >belady.txt
awk 'BEGIN { srand(11); for (i = 0; i < 3000; i++) {
	p = (rand() < 0.7) ? int(rand() * 12) : int(rand() * 90)
	printf "%s %d\n", (rand() < 0.25) ? "W" : "R", p } }' >rand.txt

# ----------------------------------------------------------------- local
mkdir -p exp/tr
cp belady.txt rand.txt exp/tr/
cat >exp/spec.ini <<'S'
# two traces, all policies, two page sizes
title = Batch test
traces = tr/*.txt
policies = all
frames = 1:6
page-sizes = 1, 2
metrics = hit-rate, faults
figure-format = svg, pdf
log-y = yes
S
expect_ok "batch" "$VMSIM" batch exp/spec.ini -o bout -j 2
check "batch cells" "$(ls bout/cells/*.csv | wc -l)" 4
check "batch rows" "$(tail -n +2 bout/results.csv | wc -l)" $((4 * 6 * 6))
for f in belady-hit-rate belady-faults rand-hit-rate rand-faults; do
	for x in svg pdf; do
		[ -s bout/figures/$f.$x ] && ok || bad "batch figure $f.$x missing"
	done
	grep -q "set logscale y" bout/figures/$f.gp && ok || bad "log-y = yes: $f.gp has no log y axis"
	grep -q "figures/$f.svg" bout/index.md && ok || bad "index.md does not show $f"
done
# two traces: an overview first, one panel per trace (plot's --facet trace)
for m in hit-rate faults; do
	for x in svg pdf; do
		[ -s bout/figures/overview-$m.$x ] && ok || bad "overview-$m.$x missing"
	done
	grep -q "set multiplot" bout/figures/overview-$m.gp && ok || bad "overview-$m.gp is not faceted"
	check "overview-$m panels" "$(grep -c '^plot ' bout/figures/overview-$m.gp)" 2
done
grep -q "figures/overview-faults.svg" bout/index.md && ok || bad "index.md does not show the overview"
# the rows name the trace as the spec does (relative to it), whatever the cwd
check "trace column" "$(csv_get bout/results.csv 1 trace)" tr/belady.txt
grep -q '^| tr/rand\\.txt | main | 1 | 6 | \*\*' bout/index.md && ok || bad "index.md best-policy row: $(grep rand bout/index.md | head -2)"
check "status.tsv lines" "$(tail -n +2 bout/status.tsv | cut -f9 | sort | uniq -c | tr -s ' ')" " 4 done"
# a rerun redoes nothing
touch -d '2001-01-01' bout/cells/*.csv
expect_ok "batch rerun" "$VMSIM" batch exp/spec.ini -o bout
grep -q '4 done before, 0 to run' "$T/err" && ok || bad "rerun: $(head -2 "$T/err")"
check "cells untouched" "$(find bout/cells -name '*.csv' -newer exp/spec.ini | wc -l)" 0
# --max-cells stops early; the next run does the rest
expect_ok "batch max-cells" "$VMSIM" batch exp/spec.ini -o partial --max-cells 1 --script-only
check "one cell" "$(ls partial/cells/*.csv | wc -l)" 1
grep -q '1 of 4 cells done' partial/index.md && ok || bad "partial index.md"
expect_ok "batch rest" "$VMSIM" batch exp/spec.ini -o partial --script-only
grep -q '1 done before, 3 to run' "$T/err" && ok || bad "rest: $(head -1 "$T/err")"
cmp -s partial/results.csv bout/results.csv && ok || bad "resumed results differ"

# ------------------------------------------------------------- identity
# the spec from its own folder, the output spelt differently: the same cells
(cd exp && "$VMSIM" batch spec.ini -o ../bout --plan=tsv >"$T/plan.tsv" 2>"$T/err")
check "from the spec's folder: done" "$(tail -n +2 "$T/plan.tsv" | cut -f12 | sort -u)" 1
grep -q '4 done, 0 pending' "$T/err" && ok || bad "from the spec's folder: $(cat "$T/err")"
"$VMSIM" batch ./exp/../exp/spec.ini -o ./bout/ --plan=tsv >"$T/plan2.tsv" 2>/dev/null
check "another spelling: done" "$(tail -n +2 "$T/plan2.tsv" | cut -f12 | sort -u)" 1
check "same cell names" "$(cut -f8 "$T/plan.tsv")" "$(cut -f8 "$T/plan2.tsv")"
# a regenerated trace reruns its cells (issue 18 item 5); a touched one does not
cp -r exp ident
"$VMSIM" batch ident/spec.ini -o iout -q --script-only
touch -d '2002-02-02' ident/tr/belady.txt
expect_ok "touched trace" "$VMSIM" batch ident/spec.ini -o iout --script-only
grep -q '4 done before, 0 to run' "$T/err" && ok || bad "a touched trace reran: $(head -1 "$T/err")"
printf '%s\n' 1 2 3 4 5 6 7 8 9 1 2 3 >ident/tr/belady.txt   # same size, other content
expect_ok "regenerated trace" "$VMSIM" batch ident/spec.ini -o iout --script-only
grep -q '2 done before, 2 to run' "$T/err" && ok || bad "regenerated trace: $(head -1 "$T/err")"
check "fifo at 6 frames on the new trace" \
	"$("$VMSIM" curve ident/tr/belady.txt -p fifo -n 6 -s 1 -f csv -q | csv_get /dev/stdin 1 faults)" \
	"$(awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["trace"] == "tr/belady.txt" && $c["policy"] == "fifo" && $c["frames"] == 6 &&
		$c["page_size"] == 1 { print $c["faults"] }' iout/results.csv)"

# ---------------------------------------------------------------- groups
# the README's [huge-pages] example, verbatim: top-level traces are the group
# "main" (4K), and the section runs them again at 2M
mkdir -p readme/traces
for t in sort-heap sort-merge matmul-blocked; do ln -s "$TRACES/$t.vmt" readme/traces/; done
awk '/^```ini$/ { on = 1; next } on && /^```$/ { exit } on' "$README" >readme/exp.ini
grep -q '^\[huge-pages\]' readme/exp.ini && ok || bad "README's spec example not found: $(head -3 readme/exp.ini)"
expect_ok "README spec" "$VMSIM" batch readme/exp.ini -o readme/out --script-only -q
n=$(ls readme/traces | wc -l)
check "README spec: cells" "$(ls readme/out/cells/*.csv | wc -l)" $((2 * n))
check "README spec: main cells at 4K" "$(ls readme/out/cells/ | grep -c '^main-.*-4K-')" "$n"
check "README spec: huge-pages cells at 2M" "$(ls readme/out/cells/ | grep -c '^huge-pages-.*-2M-')" "$n"
grep -q 'Groups that ran: \*\*main\*\* (the traces before any section, 3 cells, 3 done), \*\*huge\\-pages\*\* (a section, 3 cells, 3 done)' \
	readme/out/index.md && ok || bad "index.md groups: $(grep Groups readme/out/index.md)"
run "$VMSIM" batch readme/exp.ini -o readme/out --plan
grep -q 'cells in groups main, huge-pages; 6 done, 0 pending' "$T/err" && ok || bad "plan groups: $(cat "$T/err")"
check "plan of a done batch" "$(wc -l <"$T/out")" 0

# ---------------------------------------------------------------- --cell
expect_ok "cell 3" "$VMSIM" batch exp/spec.ini -o cout --cell 3 -q
check "cell 3 only" "$(ls cout/cells/*.csv | wc -l)" 1
c3=$(ls cout/cells/*.csv)
check "cell 3 is the 3rd cell" "$(basename "$c3" .csv)" "$(sed -n 4p "$T/plan.tsv" | cut -f8)"
cmp -s "$c3" "bout/cells/$(basename "$c3")" && ok || bad "cell 3 differs from the local run"
ino=$(ls -i "$c3")
expect_ok "cell 3 again" "$VMSIM" batch exp/spec.ini -o cout --cell 3 -q
check "a done cell is not redone" "$(ls -i "$c3")" "$ino"
expect_ok "cells 1-2" "$VMSIM" batch exp/spec.ini -o cout --cell 1-2 -q
check "cells 1-3" "$(ls cout/cells/*.csv | wc -l)" 3
# by name (as --plan=tsv gives it): on a worker that holds only that cell's trace
name4=$(sed -n 5p "$T/plan.tsv" | cut -f8)
mkdir -p worker/tr
cp exp/spec.ini worker/
cp exp/tr/rand.txt worker/tr/
expect_ok "cell by name on a worker" "$VMSIM" batch worker/spec.ini -o worker/out --cell "$name4" -q
cmp -s "worker/out/cells/$name4.csv" "bout/cells/$name4.csv" && ok || bad "the worker's cell differs"
expect_fail "cell by name, trace absent" 1 "no cell named 'main-belady-1-" \
	"$VMSIM" batch worker/spec.ini -o worker/out --cell "$(sed -n 2p "$T/plan.tsv" | cut -f8)"
expect_fail "cell 5 of 4" 1 'cell 5: the spec has 4 cells' "$VMSIM" batch exp/spec.ini -o cout --cell 5
expect_fail "cell 0" 2 "cell '0' is not I or I-J" "$VMSIM" batch exp/spec.ini -o cout --cell 0
expect_fail "cell 3-2" 2 "cell '3-2' is not I or I-J" "$VMSIM" batch exp/spec.ini -o cout --cell 3-2
expect_fail "cell and join" 2 'do not go together' "$VMSIM" batch exp/spec.ini -o cout --cell 1 --join

# ---------------------------------------------------------------- --join
expect_fail "join with a cell missing" 1 'not joined: 1 of 4 cells missing, 0 failed: 4 \(main-rand-2-' \
	"$VMSIM" batch exp/spec.ini -o cout --join
[ -e cout/results.csv ] && bad "join wrote results.csv with a cell missing" || ok
check "join computed nothing" "$(ls cout/cells/*.csv | wc -l)" 3
grep -q '| 4 | main-rand-2-[0-9a-f]* | tr/rand\\.txt | [0-9a-f]* | 2 | pending |' cout/index.md \
	&& ok || bad "index.md after a failed join: $(grep rand cout/index.md)"
expect_fail "join of nothing" 1 'not joined: 4 of 4 cells missing' "$VMSIM" batch exp/spec.ini -o nothing --join
[ -e nothing ] && bad "join of nothing made a folder" || ok
expect_ok "cell 4" "$VMSIM" batch exp/spec.ini -o cout --cell 4 -q
expect_ok "join" "$VMSIM" batch exp/spec.ini -o cout --join --script-only -q
cmp -s cout/results.csv bout/results.csv && ok || bad "joined results differ from the local run's"

# -------------------------------------------------------------- failures
mkdir -p fexp/tr
cp belady.txt fexp/tr/
# 200 KB, a bad line in the middle: fixing it keeps the trace's identity (size,
# first and last 64 KiB), so the retry is the same cell
awk 'BEGIN { for (i = 1; i <= 30000; i++) print (i == 15000) ? "bogus!" : "R 0x10" }' >fexp/tr/broken.txt
printf 'traces = tr/*.txt\npolicies = lru\nframes = 1:3\npage-sizes = 1\nmetrics = none\n' >fexp/spec.ini
run "$VMSIM" batch fexp/spec.ini -o fout -q
check "failed cell exit" "$rc" 1
grep -q 'cell 2 (main-broken-1-[0-9a-f]*) failed: .*broken.txt:15000' "$T/err" && ok || bad "failed cell message: $(cat "$T/err")"
check "other cells done" "$(ls fout/cells/*.csv | wc -l)" 1
check "failure recorded" "$(ls fout/cells/*.failed | wc -l)" 1
grep -q "broken.txt:15000:1: malformed text line" fout/cells/*.failed && ok || bad "failure file: $(cat fout/cells/*.failed)"
check "status.tsv: failed" "$(awk -F'\t' '$1 == 2 { print $9 }' fout/status.tsv)" failed
awk -F'\t' '$1 == 2 { print $10 }' fout/status.tsv | grep -q 'broken.txt:15000:1: malformed' && ok || bad "status.tsv message: $(cat fout/status.tsv)"
grep -q '\*\*failed\*\*' fout/index.md && ok || bad "index.md does not show the failed cell"
grep -q '^- 2, main-broken-1-[0-9a-f]*: fexp/tr/broken\\.txt\\:15000\\:1\\: malformed text line' fout/index.md \
	&& ok || bad "index.md failure message: $(grep -A3 'Failed cells' fout/index.md)"
expect_fail "join reports the failure" 1 \
	'1 failed: 2 \(main-broken-1-[0-9a-f]*, failed\); first failure: .*broken.txt:15000:1' \
	"$VMSIM" batch fexp/spec.ini -o fout --join
run "$VMSIM" batch fexp/spec.ini -o fout --plan=json
grep -q '"state": "failed", "done": false, "message": "fexp/tr/broken.txt:15000:1: malformed' "$T/out" \
	&& ok || bad "json failure: $(grep broken "$T/out")"
# fixed, the resume retries it and the record goes
sed -i 's/^bogus!$/R 0x20/' fexp/tr/broken.txt
expect_ok "retry after fix" "$VMSIM" batch fexp/spec.ini -o fout -q
check "failure record removed" "$(ls fout/cells/ | grep -c failed)" 0
check "status.tsv: all done" "$(tail -n +2 fout/status.tsv | cut -f9 | sort -u)" done

# ------------------------------------------------------------ interrupted
mkdir -p slow/tr
for i in 1 2 3 4 5 6; do
	awk -v s=$i 'BEGIN { srand(s); for (i = 0; i < 200000; i++)
		printf "%d\n", (rand() < 0.8) ? int(rand() * 300) : int(rand() * 3000) }' >slow/tr/t$i.txt
done
printf 'traces = tr/*.txt\nframes = auto\npage-sizes = 1\nfigures = none\n' >slow/spec.ini
for sig in TERM KILL; do
	rm -rf slow-out
	"$VMSIM" batch slow/spec.ini -o slow-out -j 1 >/dev/null 2>"$T/batch.err" &
	pid=$!
	for _ in $(seq 1 600); do
		[ "$(ls slow-out/cells/*.csv 2>/dev/null | wc -l)" -ge 1 ] && break
		sleep 0.05
	done
	kill -$sig $pid
	wait $pid 2>/dev/null
	brc=$?
	before=$(ls slow-out/cells/*.csv 2>/dev/null | wc -l)
	if [ "$before" -ge 1 ] && [ "$before" -lt 6 ]; then ok; else
		bad "$sig: $before cells done when killed (wanted 1..5; machine too fast or too slow?)"
	fi
	if [ $sig = TERM ]; then
		check "TERM exit" "$brc" 130
		grep -q 'interrupted: [0-9] of 6 cells done; run the same command again' "$T/batch.err" \
			&& ok || bad "TERM message: $(cat "$T/batch.err")"
		ls slow-out/cells/ | grep -q 'tmp\|failed' && bad "TERM left a temporary or a failure" || ok
	fi
	ls -i slow-out/cells/*.csv | sort >inodes.before
	expect_ok "$sig resume" "$VMSIM" batch slow/spec.ini -o slow-out -j 2
	grep -q "$before done before, $((6 - before)) to run" "$T/err" && ok || bad "$sig resume: $(head -1 "$T/err")"
	ls -i slow-out/cells/*.csv | sort | grep -Fxf inodes.before | wc -l >kept
	check "$sig: done cells not redone" "$(cat kept)" "$before"
	check "$sig: all cells" "$(ls slow-out/cells/*.csv | wc -l)" 6
	check "$sig: no duplicate rows" "$(tail -n +2 slow-out/results.csv | sort | uniq -d | wc -l)" 0
	check "$sig: rows" "$(tail -n +2 slow-out/results.csv | wc -l)" \
		"$(cat slow-out/cells/*.csv | grep -vc '^trace,')"
done

# ------------------------------------------------------------- bad specs
printf 'traces = tr/*.txt\npolicies = lru\nframez = 4\n' >exp/bad.ini
expect_fail "spec unknown key" 1 "exp/bad.ini:3: unknown key 'framez'" "$VMSIM" batch exp/bad.ini -o bad
printf 'traces = tr/*.txt\n\npolicies = lru,lur\n' >exp/bad.ini
expect_fail "spec bad policy" 1 "exp/bad.ini:3: policies: unknown policy 'lur'" "$VMSIM" batch exp/bad.ini -o bad
printf '# no match\ntraces = tr/*.gz\n' >exp/bad.ini
expect_fail "spec no match" 1 "exp/bad.ini:2: 'tr/\*.gz' matches no file" "$VMSIM" batch exp/bad.ini -o bad
printf 'traces = tr/*.txt\nfigure-format = png, gif\n' >exp/bad.ini
expect_fail "spec bad format" 1 "exp/bad.ini:2: figure-format: 'gif' is not png, svg or pdf" "$VMSIM" batch exp/bad.ini -o bad
printf 'traces = tr/*.txt\nmetrics = faults, speed\n' >exp/bad.ini
expect_fail "spec bad metric" 1 "exp/bad.ini:2: metrics: unknown metric 'speed'" "$VMSIM" batch exp/bad.ini -o bad
printf 'traces = tr/*.txt\nmem = 4 G\n' >exp/bad.ini
expect_fail "spec bad mem" 1 "exp/bad.ini:2: mem: '4 G' has a blank" "$VMSIM" batch exp/bad.ini -o bad
printf 'traces = tr/*.txt\n[main]\npage-sizes = 2\n' >exp/bad.ini
expect_fail "spec section main" 1 "exp/bad.ini:2: section \[main\] would clash" "$VMSIM" batch exp/bad.ini -o bad
expect_fail "spec missing" 1 "nonesuch.ini: cannot open" "$VMSIM" batch exp/nonesuch.ini
[ -e bad ] && bad "a bad spec left a folder" || ok
# an empty output folder (an unset variable) is refused, never '/'
expect_fail "-o ''" 2 "an empty folder name" "$VMSIM" batch exp/spec.ini -o ''
expect_fail "-o '' --join" 2 "an empty folder name" "$VMSIM" batch exp/spec.ini -o '' --join
expect_fail "-o '' --plan" 2 "an empty folder name" "$VMSIM" batch exp/spec.ini -o '' --plan=slurm

# ------------------------------------------------------------------ jobs
if command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null; then
	rm -rf jout
	run taskset -c 0 "$VMSIM" batch exp/spec.ini -o jout -j 0 --script-only
	check "-j 0 under taskset -c 0" "$(grep -o '[0-9]* at a time' "$T/err")" "1 at a time"
else
	echo "note: no taskset; -j 0 under an affinity mask not tested"
fi
rm -rf jout
run "$VMSIM" batch exp/spec.ini -o jout --jobs 100000 --script-only
check "--jobs 100000 runs" "$rc" 0
grep -q "note: --jobs 100000 capped at the [0-9]* CPUs this process may use" "$T/err" && ok || bad "--jobs 100000: $(head -2 "$T/err")"

# ----------------------------------------------------------------- plans
# GNU Parallel job file: one command per line, pending cells only, each a --cell
expect_ok "plan" "$VMSIM" batch exp/spec.ini -o planned --plan --vmsim "$VMSIM"
check "plan lines" "$(wc -l <"$T/out")" 4
grep -qx "$VMSIM batch exp/spec.ini -o planned --cell 2 -j 1 --threads 1 -q" "$T/out" && ok || bad "plan line: $(sed -n 2p "$T/out")"
"$VMSIM" batch exp/spec.ini -o planned --plan=parallel --vmsim "$VMSIM" 2>/dev/null | cmp -s - "$T/out" \
	&& ok || bad "--plan is not --plan=parallel"
[ -e planned ] && bad "planning made the folder" || ok
sh "$T/out" && ok || bad "plan lines failed"
for f in bout/cells/*.csv; do
	cmp -s "$f" "planned/cells/$(basename "$f")" && ok || bad "plan cell $(basename "$f") differs"
done
expect_ok "join after the plan" "$VMSIM" batch exp/spec.ini -o planned --join --script-only
cmp -s planned/results.csv bout/results.csv && ok || bad "planned results differ"
check "plan when done" "$("$VMSIM" batch exp/spec.ini -o planned --plan 2>/dev/null | wc -l)" 0
# curve -o makes the folders above its output (a cells path on a fresh worker)
expect_ok "curve -o new folders" "$VMSIM" curve belady.txt -s 1 -n 1:3 -q -f csv -o fresh/a/b/c.csv
[ -s fresh/a/b/c.csv ] && ok || bad "curve -o did not create fresh/a/b/"

# Slurm: the submit script against a fake sbatch that records its arguments
# and runs each array task (SLURM_ARRAY_TASK_ID) and the join in turn
mkdir -p fakebin
cat >fakebin/sbatch <<'F'
#!/bin/sh
# a stand-in for sbatch --parsable: log, run the job now, print an id
n=$(( $(cat "$FAKE_SLURM/next" 2>/dev/null || echo 100) + 1 ))
echo $n >"$FAKE_SLURM/next"
printf '%s\n' "$*" >>"$FAKE_SLURM/log"
array= dir=.
for a; do
	case $a in
	--array=0-*) array=${a#--array=0-} ;;
	--chdir=*) dir=${a#--chdir=} ;;
	--*) ;;
	*) break ;;
	esac
	shift
done
if [ -n "$array" ]; then
	i=0
	while [ $i -le "$array" ]; do
		(cd "$dir" && SLURM_ARRAY_TASK_ID=$i sh "$@") || echo "task $i failed" >>"$FAKE_SLURM/log"
		i=$((i + 1))
	done
else
	(cd "$dir" && sh "$@") >>"$FAKE_SLURM/join.out" 2>&1 || echo "join failed" >>"$FAKE_SLURM/log"
fi
echo "$n;cluster"
F
chmod +x fakebin/sbatch
export FAKE_SLURM=$T/fakeslurm
mkdir -p "$FAKE_SLURM"
expect_ok "plan slurm" "$VMSIM" batch exp/spec.ini -o slurm-out --plan=slurm --vmsim "$VMSIM" \
	--bundle 3 --mem 1G --time 5 --cpus-per-task 1
cp "$T/out" submit.sh
(cd / && PATH=$T/fakebin:$PATH sh "$T/submit.sh") >"$T/ids" 2>"$T/err" && ok || bad "submit.sh: $(cat "$T/err")"
check "job ids, the join's last" "$(cat "$T/ids" | tr '\n' ' ')" "101 102 "
grep -q -- '--array=0-1 --cpus-per-task=1 --mem=1G --time=5 ' "$FAKE_SLURM/log" && ok || bad "array options: $(cat "$FAKE_SLURM/log")"
grep -q -- '--dependency=afterok:101 --kill-on-invalid-dep=yes' "$FAKE_SLURM/log" && ok || bad "join dependency: $(cat "$FAKE_SLURM/log")"
grep -q failed "$FAKE_SLURM/log" && bad "a task failed: $(cat "$FAKE_SLURM/log")" || ok
cmp -s slurm-out/results.csv bout/results.csv && ok || bad "Slurm results differ from the local run's"
# more than 1000 tasks: array jobs of at most 1000, offsets carried along
mkdir -p many/tr
for i in $(seq 1 35); do echo $i >many/tr/t$i.txt; done
printf 'traces = tr/*.txt\npolicies = lru\nframes = 1\npage-sizes = 1,2,4,8,16,32,64,128,256,512,1K,2K,4K,8K,16K,32K,64K,128K,256K,512K,1M,2M,4M,8M,16M,32M,64M,128M,256M,512M,1G\nmetrics = none\n' >many/spec.ini
expect_ok "plan slurm, 1085 cells" "$VMSIM" batch many/spec.ini -o many-out --plan=slurm
check "array jobs" "$(grep -o -- '--array=0-[0-9]*' "$T/out" | tr '\n' ' ')" "--array=0-999 --array=0-84 "
grep -q '"$VMSIM" "$SPEC" "$OUT" 1000 1 1085 0 0)' "$T/out" && ok || bad "second array's offset: $(grep OUT\" "$T/out")"
grep -q 'dependency=afterok$ids' "$T/out" && ok || bad "join depends on every array"
expect_ok "plan slurm, bundles of 10" "$VMSIM" batch many/spec.ini -o many-out --plan=slurm --bundle 10
check "one array of 109 tasks" "$(grep -o -- '--array=0-[0-9]*' "$T/out")" "--array=0-108"
# the task script runs the right cells: task 1000 of the first plan is cell 1001
expect_ok "plan slurm again" "$VMSIM" batch many/spec.ini -o many-out --plan=slurm --vmsim "$VMSIM"
sed -n "/<<'VMSIM_TASK_END'/,/^VMSIM_TASK_END/p" "$T/out" | sed '1d;$d' >task.sh
SLURM_ARRAY_TASK_ID=84 sh task.sh "$VMSIM" many/spec.ini many-out 1000 1 1085 1 1 && ok || bad "task 1084 failed"
check "task 1084 ran cell 1085 only" "$(ls many-out/cells | wc -l)" 1
check "cell 1085 is the last trace at 1G" "$(ls many-out/cells)" \
	"$("$VMSIM" batch many/spec.ini -o many-out --plan=tsv 2>/dev/null | awk -F'\t' '$1 == 1085 { print $8 ".csv" }')"

# the README's recipes, where their engines are installed (the suite does not
# need them): the Snakefile verbatim, and GNU Parallel driven by the TSV plan
mkdir -p recipes/traces
cp belady.txt rand.txt recipes/traces/
printf 'traces = traces/*.txt\npolicies = lru,fifo\nframes = 1:4\npage-sizes = 1, 2\nmetrics = none\n' >recipes/exp.ini
"$VMSIM" batch recipes/exp.ini -o recipes/ref -q
if command -v snakemake >/dev/null; then
	awk '/^```python$/ { on = 1; next } on && /^```$/ { exit } on' "$README" >recipes/Snakefile
	(cd recipes && PATH=$(dirname "$VMSIM"):$PATH snakemake --cores 2 -q >"$T/sm.log" 2>&1) \
		&& ok || bad "README's Snakefile: $(tail -5 "$T/sm.log")"
	cmp -s recipes/ref/results.csv recipes/results/exp/results.csv && ok || bad "Snakemake's results differ"
else
	echo "note: no snakemake; the README's Snakefile not run"
fi
if command -v parallel >/dev/null; then
	(cd recipes && "$VMSIM" batch exp.ini -o par --plan=tsv >cells.tsv 2>/dev/null &&
		parallel --colsep '\t' --header : "$VMSIM" batch exp.ini -o par --cell {index} -j 1 \
			--threads 1 -q :::: cells.tsv && "$VMSIM" batch exp.ini -o par --join -q) \
		&& ok || bad "GNU Parallel from the TSV plan failed"
	cmp -s recipes/ref/results.csv recipes/par/results.csv && ok || bad "GNU Parallel's results differ"
else
	echo "note: no GNU Parallel; the TSV recipe not run"
fi
# the no-shared-disk recipe, verbatim but for the hosts: a stand-in for ssh
# whose "remote machine" is an empty folder, so Parallel's rsync copies the
# program, the spec and each trace there and each cell back
if command -v parallel >/dev/null && command -v rsync >/dev/null; then
	cat >fakessh <<'F'
#!/bin/sh
# ssh [options] HOST [--] COMMAND: run COMMAND in $FAKE_REMOTE
while [ $# -gt 0 ]; do
	case $1 in -o|-p|-l|-i|-S|-e) shift 2 ;; -*) shift ;; *) break ;; esac
done
shift
[ "${1:-}" = -- ] && shift
# as sshd does: the login shell in SHELL (Parallel's worker runs the job with
# $SHELL, and CI may run with none set)
SHELL=$(getent passwd "$(id -u)" | cut -d: -f7)
export SHELL="${SHELL:-/bin/sh}"
cd "$FAKE_REMOTE" && exec sh -c "$*"
F
	chmod +x fakessh
	mkdir -p remote
	awk '/^parallel --sshloginfile hosts --colsep/ { on = 1 } on { print } on && !/\\$/ { exit }' "$README" |
		sed "s#--sshloginfile hosts#--ssh $T/fakessh -S 1/fakehost#" >recipes/noshare.sh
	grep -q -- '--transferfile {trace} --return {output}' recipes/noshare.sh && ok || bad "README's no-shared-disk recipe not found"
	cp "$VMSIM" recipes/vmsim
	(cd recipes && rm -rf results && ./vmsim batch exp.ini -o results/exp --plan=tsv >cells.tsv 2>/dev/null &&
		FAKE_REMOTE=$T/remote sh noshare.sh >"$T/ns.log" 2>&1 &&
		./vmsim batch exp.ini -o results/exp --join -q) && ok || bad "no-shared-disk recipe: $(tail -5 "$T/ns.log")"
	cmp -s recipes/ref/results.csv recipes/results/exp/results.csv && ok || bad "no-shared-disk results differ"
	check "the remote is clean afterwards" "$(find remote -type f | wc -l)" 0
else
	echo "note: no GNU Parallel or rsync; the no-shared-disk recipe not run"
fi

# TSV and JSON carry every cell as data
expect_ok "plan tsv" "$VMSIM" batch exp/spec.ini -o bout --plan=tsv
check "tsv header" "$(head -1 "$T/out")" "$(printf 'index\tgroup\ttrace\tlabel\ttrace_id\ttrace_bytes\tpage_size\tcell\toutput\tfailure_file\tstate\tdone')"
check "tsv rows" "$(tail -n +2 "$T/out" | cut -f1 | tr '\n' ' ')" "1 2 3 4 "
check "tsv trace, label" "$(sed -n 2p "$T/out" | cut -f3,4)" "$(printf 'exp/tr/belady.txt\ttr/belady.txt')"
check "tsv trace_id" "$(sed -n 2p "$T/out" | cut -f5)" "$(sed -n 2p bout/status.tsv | cut -f5)"
expect_ok "plan json" "$VMSIM" batch exp/spec.ini -o bout --plan=json
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert [c["index"] for c in d["cells"]] == [1, 2, 3, 4]; assert d["groups"] == ["main"]; assert all(c["done"] for c in d["cells"])' "$T/out" \
		&& ok || bad "json: $(head -3 "$T/out")"
else
	grep -c '"index": ' "$T/out" | grep -qx 4 && ok || bad "json cells"
fi

# hostile names: the spec and the output folder reach the plan lines (trace
# names never do: a cell is its index); each is one shell word, a leading '-'
# is never an option, and a job file refuses a newline
mkdir -p 'we$(touch pwned_a)ird;`touch pwned_b`'\''x' hn/tr
cp belady.txt hn/tr/
printf 'traces = tr/*.txt\npolicies = lru\nframes = 1:2\npage-sizes = 1\nmetrics = none\n' >hn/spec.ini
cp hn/spec.ini -- '-spec.ini'
mkdir -p tr && cp belady.txt tr/
odir='we$(touch pwned_a)ird;`touch pwned_b`'\''x/o u t'
expect_ok "hostile plan" "$VMSIM" batch -o "$odir" --plan --vmsim "$VMSIM" -- -spec.ini
sh "$T/out" && ok || bad "hostile plan lines failed: $(head -2 "$T/out")"
check "hostile plan ran" "$(ls "$odir/cells" | wc -l)" 1
grep -q -- ' batch ./-spec.ini -o ' "$T/out" && ok || bad "leading '-' not made ./: $(head -1 "$T/out")"
ls pwned_* 2>/dev/null && bad "a name ran a command" || ok
expect_fail "newline in a job file" 2 "a line break: a GNU Parallel job file is one command per line" \
	"$VMSIM" batch hn/spec.ini -o "$(printf 'o\ntouch pwned_nl')" --plan=parallel
expect_ok "newline in a Slurm script" "$VMSIM" batch hn/spec.ini -o "$(printf 'o\ntouch pwned_nl')" --plan=slurm
grep -q "^OUT='o\$" "$T/out" && ok || bad "newline quoted: $(grep OUT= "$T/out")"
sh -n "$T/out" && ok || bad "the Slurm script is not valid sh"
ls pwned_* 2>/dev/null && bad "a name ran a command" || ok

finish
