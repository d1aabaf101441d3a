#!/bin/bash
# tests/cli_collect.sh - end-to-end tests of collect, counters, validate, gen
# and the shipped traces.
#
# SPDX-License-Identifier: BSD-2-Clause
#
# The collector is checked against Lackey itself (same reference counts by
# kind for the same program), on programs that exit non-zero, are killed, or
# get SIGTERM through vmsim, and with a stand-in "valgrind" (--valgrind) that
# writes known Lackey lines, so output naming, formats and cut-off lines are
# tested without valgrind's cost.  The real valgrind runs are few and short
# (/bin/true and sh loops, about half a second each).  Prints "N passed, N failed".
. "$(dirname "$0")/lib.sh"

TRACES=${TRACES:-$(cd "$(dirname "$0")/../traces" && pwd)}
VG=$(command -v valgrind || true)
CLEAN_ENV="env -i PATH=$PATH HOME=$T"

# stat FILE COLUMN: one column of `vmsim stat -f csv`
statc() { "$VMSIM" stat -f csv "$1" >"$T/stat.csv" 2>/dev/null && csv_get "$T/stat.csv" 1 "$2"; }

# a stand-in valgrind: three Lackey lines on fd 99, then the program, natively
cat >fakevg <<'S'
#!/bin/sh
printf '==1== Lackey, an example Valgrind tool\nI  04000000,3\n L 1ffefff000,8\n S 0060a010,4\n' >/proc/self/fd/99
while [ $# -gt 0 ]; do case $1 in --*) shift ;; *) break ;; esac; done
exec "$@"
S
# and one killed while Lackey was half-way through a line
cat >cutvg <<'S'
#!/bin/sh
printf 'I  04000000,3\n L 1ffefff000,8\n S 0060a010,4\n M 0060a0' >/proc/self/fd/99
kill -KILL $$
S
chmod +x fakevg cutvg

# ------------------------------------------------------------------ help
expect_ok "help" "$VMSIM" --help
for w in collect counters validate gen; do
	grep -qw "$w" "$T/out" && ok || bad "--help does not list $w"
done
expect_ok "collect --help" "$VMSIM" collect --help
for o in --output --data-only --max-refs --asid --valgrind; do
	grep -q -- "$o" "$T/out" && ok || bad "collect --help lacks $o"
done
expect_ok "gen --help" "$VMSIM" gen --help
for w in uniform hotcold loop zipf scan stride --hot-frac --hot-refs --zipf-exp --seed; do
	grep -q -- "$w" "$T/out" && ok || bad "gen --help lacks $w"
done
expect_ok "counters --help" "$VMSIM" counters --help
grep -q "dtlb-misses" "$T/out" && ok || bad "counters --help does not show the default events"

# ------------------------------------------------- collect: no valgrind cost
expect_ok "fake valgrind" "$VMSIM" collect --valgrind ./fakevg -o fake.vmt -- /bin/echo hello
check "program's stdout untouched" "$(cat "$T/out")" "hello"
grep -q "wrote fake.vmt: 3 references (1 instr, 1 loads, 1 stores, 0 modifies)" "$T/err" \
	&& ok || bad "collect summary: $(head -2 "$T/err")"
grep -q "smaller" "$T/err" && ok || bad "no compression ratio in the summary: $(cat "$T/err")"
check "fake refs" "$(statc fake.vmt refs)" 3
check "fake format" "$(statc fake.vmt format)" native
run "$VMSIM" collect --valgrind ./fakevg -q -o st.vmt -- /bin/sh -c 'exit 7'
check "exit status passed on" "$rc" 7
check "trace of a failing program" "$(statc st.vmt refs)" 3
mkdir -p sub && (cd sub && "$VMSIM" collect --valgrind ../fakevg -q -- /bin/true)
check "default output PROGRAM.vmt" "$(ls sub)" "true.vmt"
expect_ok "lackey.gz output" "$VMSIM" collect --valgrind ./fakevg -q -o f.lackey.gz -- /bin/true
check "lackey.gz format" "$(statc f.lackey.gz format)" lackey
check "lackey.gz gzip" "$(statc f.lackey.gz gzip)" 1
expect_ok "asid and data-only" "$VMSIM" collect --valgrind ./fakevg -q --asid 9 --data-only -o a.vmt -- /bin/true
check "data-only refs" "$(statc a.vmt refs)" 2
check "data-only instr" "$(statc a.vmt instr)" 0
check "asid (one distinct id, 9)" "$(statc a.vmt asids)" 1
run "$VMSIM" collect --valgrind ./cutvg -o cut.vmt -- /bin/true
check "killed valgrind status" "$rc" 137
check "cut line dropped" "$(statc cut.vmt refs)" 3
grep -q "dropped the last 9 bytes" "$T/err" && ok || bad "no note of the cut line: $(cat "$T/err")"
grep -q "killed by signal 9" "$T/err" && ok || bad "no note of the kill: $(cat "$T/err")"

# a full disk: the trace cannot be written, and collect must not claim the
# output keeps references it lost.  /dev/full (through a symbolic link, so
# the name has a format) fails at the last flush; a 64 KiB tmpfs, when this
# user may mount one, fills mid-run, and the temporary is removed.
ln -s /dev/full full.txt
expect_fail "collect onto /dev/full" 1 'full.txt: write error: No space left on device' \
	"$VMSIM" collect --valgrind ./fakevg -q -o full.txt -- /bin/true
grep -q "keeps" "$T/err" && bad "/dev/full: claims to keep references: $(cat "$T/err")" || ok
grep -q "nothing of this run was kept in full.txt (3 references were read" "$T/err" && ok ||
	bad "/dev/full: no note that nothing was kept: $(cat "$T/err")"
cat >bigvg <<'S'
#!/bin/sh
seq 1 200000 | sed 's/^/ L 1000/; s/$/,8/' >/proc/self/fd/99
S
chmod +x bigvg
mkdir -p small
if mount -t tmpfs -o size=64k tmpfs small 2>/dev/null; then
	expect_fail "collect onto a full tmpfs" 1 'small/t.txt: .*No space left on device' \
		"$VMSIM" collect --valgrind ./bigvg -q -o small/t.txt -- /bin/true
	grep -q "keeps" "$T/err" && bad "full tmpfs: claims to keep references: $(cat "$T/err")" || ok
	grep -q "nothing of this run was kept in small/t.txt" "$T/err" && ok ||
		bad "full tmpfs: no note that nothing was kept: $(cat "$T/err")"
	check "full tmpfs: no file left" "$(ls -A small)" ""
	umount small
else
	echo "skip: full tmpfs (cannot mount here)"
fi

# bad command lines and missing tools: nothing runs, nothing is written
expect_fail "no program" 2 "no program given" "$VMSIM" collect
expect_fail "unknown option" 2 "unknown option '--bogus'" "$VMSIM" collect --bogus -- /bin/true
expect_fail "bad extension" 2 "cannot tell the trace format from 'x.dat'" "$VMSIM" collect -o x.dat -- /bin/true
expect_fail "asid too big" 2 "--asid 4294967296 is larger" "$VMSIM" collect --asid 4294967296 -- /bin/true
expect_fail "max-refs junk" 2 "--max-refs 'lots'" "$VMSIM" collect --max-refs lots -- /bin/true
expect_fail "missing program" 127 "no-such-prog-x1: not found in PATH" "$VMSIM" collect -o np.vmt -- no-such-prog-x1
expect_fail "missing valgrind" 1 "install the Debian package 'valgrind'" \
	env PATH=/nonexistent "$VMSIM" collect -o nv.vmt -- /bin/true
expect_fail "valgrind option" 1 "Debian package 'valgrind'" "$VMSIM" collect --valgrind /nonexistent/valgrind -o nv.vmt -- /bin/true
expect_fail "unwritable trace" 1 "/nonexistent/dir/x.vmt" "$VMSIM" collect --valgrind ./fakevg -o /nonexistent/dir/x.vmt -- /bin/echo ran
check "no trace left" "$(ls np.vmt* nv.vmt* 2>/dev/null)" ""

# ------------------------------------------------ collect: the real valgrind
if [ -n "$VG" ]; then
	# the same program, the same environment: the same counts as Lackey's text
	run $CLEAN_ENV "$VMSIM" collect -q -o true.vmt -- /bin/true
	check "collect true" "$rc" 0
	$CLEAN_ENV "$VG" --tool=lackey --trace-mem=yes --basic-counts=no --trace-children=no \
		--log-fd=99 /bin/true 99>true.lackey
	for c in refs instr loads stores modifies distinct_pages; do
		check "lackey vs collect: $c" "$(statc true.vmt $c)" "$(statc true.lackey $c)"
	done
	[ "$(statc true.vmt refs)" -gt 10000 ] && ok || bad "too few references for /bin/true"
	[ "$(wc -c <true.vmt)" -lt $(($(wc -c <true.lackey) / 10)) ] && ok || bad "trace not 10x smaller than Lackey's text"

	# killed: a closed, readable trace and the status
	run "$VMSIM" collect -o killed.vmt -- /bin/sh -c 'i=0; while [ $i -lt 100 ]; do i=$((i+1)); done; kill -KILL $$'
	check "killed status" "$rc" 137
	[ "$(statc killed.vmt refs)" -gt 10000 ] 2>/dev/null && ok || bad "killed trace unreadable: $(cat "$T/err")"

	# SIGTERM to vmsim reaches the program, and the trace is still closed
	"$VMSIM" collect -q -o term.vmt -- /bin/sleep 30 >/dev/null 2>&1 &
	pid=$!
	# wait until valgrind runs under vmsim (at most 10 s), then a little more
	for i in $(seq 100); do
		[ -n "$(ps -o pid= --ppid $pid 2>/dev/null)" ] && break
		sleep 0.1
	done
	sleep 0.5
	kill -TERM $pid
	wait $pid
	check "SIGTERM passed on" "$?" 143
	[ "$(statc term.vmt refs)" -gt 1000 ] 2>/dev/null && ok || bad "trace after SIGTERM unreadable"

	# --max-refs stops an endless program
	run "$VMSIM" collect -o max.vmt --max-refs 2000 --data-only -- /bin/sh -c 'while :; do :; done'
	check "max-refs exit" "$rc" 0
	check "max-refs refs" "$(statc max.vmt refs)" 2000
	check "max-refs data only" "$(statc max.vmt instr)" 0
	grep -q "stopped /bin/sh after 2000 references" "$T/err" && ok || bad "max-refs note: $(cat "$T/err")"
else
	echo "valgrind is not installed: the real-valgrind cases are skipped"
fi

# -------------------------------------------------------------- counters
expect_ok "counters software" "$VMSIM" counters --events page-faults,minor-faults,major-faults \
	-f csv -o c.csv -- /bin/true
check "page-faults counted" "$(csv_get c.csv 1 status)" counted
[ "$(csv_get c.csv 1 value)" -gt 0 ] && ok || bad "no page faults counted: $(cat c.csv)"
[ "$(csv_get c.csv 2 value)" -le "$(csv_get c.csv 1 value)" ] && ok || bad "minor > all faults"
run "$VMSIM" counters --events page-faults -- /bin/sh -c 'echo out; exit 3'
check "counters exit status" "$rc" 3
check "counters leaves stdout to the program" "$(cat "$T/out")" "out"
grep -q "page-faults" "$T/err" && ok || bad "counters table not on stderr"
expect_ok "counters defaults" "$VMSIM" counters -f csv -o d.csv -- /bin/true
check "eight events" "$(($(wc -l <d.csv) - 1))" 8
# every event is counted or says why not
awk -F, 'NR > 1 && $4 != "counted" && $8 == "" { exit 1 }' d.csv && ok || bad "an event unavailable without a reason"
if [ ! -e /sys/bus/event_source/devices/cpu ] && [ ! -e /sys/bus/event_source/devices/cpu_core ]; then
	grep -q '^/bin/true,instructions,,unavailable,.*PMU' d.csv && ok || bad "no-PMU reason: $(grep instructions d.csv)"
fi
if [ ! -e /sys/bus/event_source/devices/cpu ] && [ ! -e /sys/bus/event_source/devices/cpu_core ]; then
	# libpfm4 told it is a Skylake: it encodes the walk events, the kernel has no PMU for them
	run env LIBPFM_FORCE_PMU=skl "$VMSIM" counters --events dtlb-walks,page-faults -f csv -o - -- /bin/true
	check "forced skl exit" "$rc" 0
	grep -q '^/bin/true,dtlb-walks,,unavailable,[^,]*,,skl::DTLB_LOAD_MISSES:WALK_COMPLETED,.*no hardware PMU' "$T/out" \
		&& ok || bad "walk events on a PMU-less machine: $(cat "$T/out")"
fi
# perf_event_paranoid >= 2 confines an ordinary user to user mode: counted, and said so
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
   [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 2 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 2 ]; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$VMSIM" counters --events page-faults -f csv -o - -- /bin/true
	check "unprivileged counters" "$rc" 0
	grep -q '^/bin/true,page-faults,[1-9][0-9]*,counted,user,' "$T/out" && ok || bad "user-only fallback: $(cat "$T/out")"
	grep -q "perf_event_paranoid is 2" "$T/err" && ok || bad "no paranoid note: $(cat "$T/err")"
fi
expect_ok "counters --list" "$VMSIM" counters --list
grep -q "page-faults .*available" "$T/out" && ok || bad "--list: $(head -3 "$T/out")"
expect_fail "unknown event" 2 "unknown event 'bogus-evt'" "$VMSIM" counters --events page-faults,bogus-evt -- /bin/true
expect_fail "counters no program" 2 "no program given" "$VMSIM" counters
expect_fail "counters missing program" 127 "not found in PATH" "$VMSIM" counters -- no-such-prog-x1

# -------------------------------------------------------------- validate
if [ -n "$VG" ]; then
	expect_ok "validate" "$VMSIM" validate -f csv -o v.csv -- /bin/true
	for m in instructions page_faults minor_faults major_faults dtlb_misses itlb_misses page_walks; do
		grep -q "^/bin/true,$m," v.csv && ok || bad "validate lacks $m"
	done
	row=$(awk -F, '$2 == "page_faults" { print NR - 1 }' v.csv)
	[ "$(csv_get v.csv "$row" measured)" -gt 0 ] && ok || bad "validate measured no faults"
	[ "$(csv_get v.csv "$row" simulated)" -gt 10 ] && ok || bad "validate simulated no faults"
	row=$(awk -F, '$2 == "instructions" { print NR - 1 }' v.csv)
	[ "$(csv_get v.csv "$row" simulated)" -gt 10000 ] && ok || bad "validate: no instruction fetches"
fi
expect_fail "validate bad tlb" 2 "--dtlb 0 must be" "$VMSIM" validate --dtlb 0 -- /bin/true
expect_fail "validate no program" 2 "no program given" "$VMSIM" validate

# ------------------------------------------------------------------- gen
expect_ok "gen zipf" "$VMSIM" gen -w zipf --pages 1000 --refs 20000 --seed 5 -o z1.vmt
expect_ok "gen zipf again" "$VMSIM" gen -w zipf --pages 1000 --refs 20000 --seed 5 -o z2.vmt -q
cmp -s z1.vmt z2.vmt && ok || bad "same seed, different bytes"
"$VMSIM" gen -w zipf --pages 1000 --refs 20000 --seed 6 -o z3.vmt -q
cmp -s z1.vmt z3.vmt && bad "another seed, same bytes" || ok
"$VMSIM" gen -w hotcold --refs 5000 --seed 5 -o h1.txt.gz -q
"$VMSIM" gen -w hotcold --refs 5000 --seed 5 -o h2.txt.gz -q
cmp -s h1.txt.gz h2.txt.gz && ok || bad "gzip'd text not reproducible"
check "hotcold gz format" "$(statc h1.txt.gz format)" text
# OSTEP's three workloads, one command each (10,000 references)
expect_ok "ostep no-locality" "$VMSIM" gen -w uniform --pages 100 -o noloc.txt
check "no-locality refs" "$(statc noloc.txt refs)" 10000
check "no-locality pages" "$(statc noloc.txt distinct_pages)" 100
expect_ok "ostep 80-20" "$VMSIM" gen -w hotcold --pages 100 --hot-frac 0.2 --hot-refs 0.8 -o 80-20.txt
# hot pages 0..19 are the addresses 0x0, 0x1000, ..., 0x13000
hot=$(grep -cE '^R 0x(0|[1-9a-f]000|1[0-3]000)$' 80-20.txt)
# 8000 expected, sd 40
[ "$hot" -gt 7800 ] && [ "$hot" -lt 8200 ] && ok || bad "80-20: $hot of 10000 to the hot pages"
check "80-20 pages" "$(statc 80-20.txt distinct_pages)" 100
expect_ok "ostep looping" "$VMSIM" gen -w loop --pages 50 -o looping.txt
check "looping order" "$(sed -n '1p;2p;50p;51p' looping.txt | tr '\n' ' ')" "R 0x0 R 0x1000 R 0x31000 R 0x0 "
check "looping pages" "$(statc looping.txt distinct_pages)" 50
# what the loop promises LRU: 49 frames fault every time, 50 only the first 50
expect_ok "loop under lru" "$VMSIM" replay looping.txt -p lru -n 49,50 -f csv -o loop.csv
check "loop 49 frames" "$(csv_get loop.csv 1 faults)" 10000
check "loop 50 frames" "$(csv_get loop.csv 2 faults)" 50
expect_ok "gen to stdout" "$VMSIM" gen -w stride --pages 4 --refs 4 --stride 6K -o -
check "stride by hand" "$(tr '\n' ' ' <"$T/out")" "R 0x0 R 0x1800 R 0x3000 R 0x800 "
expect_ok "gen stores" "$VMSIM" gen -w scan --refs 10000 --write-frac 0.5 -o w.vmt -q
s=$(statc w.vmt stores)
[ "$s" -gt 4700 ] && [ "$s" -lt 5300 ] && ok || bad "write-frac 0.5 gave $s stores"
expect_fail "gen no workload" 2 "--workload is required" "$VMSIM" gen -o x.vmt
expect_fail "gen unknown workload" 2 "unknown workload 'lru'; known: uniform hotcold loop zipf scan stride" \
	"$VMSIM" gen -w lru -o x.vmt
expect_fail "gen no output" 2 "--output FILE is required" "$VMSIM" gen -w loop
expect_fail "gen hot-frac" 2 "--hot-frac 2 is not a fraction" "$VMSIM" gen -w hotcold --hot-frac 2 -o x.vmt
expect_fail "gen write-frac junk" 2 "--write-frac 'half'" "$VMSIM" gen -w loop --write-frac half -o x.vmt
expect_fail "gen pages 0" 2 "--pages must be at least 1" "$VMSIM" gen -w loop --pages 0 -o x.vmt
expect_fail "gen zipf-exp" 2 "--zipf-exp -1" "$VMSIM" gen -w zipf --zipf-exp -1 -o x.vmt
expect_fail "gen stride junk" 2 "--stride 'far'" "$VMSIM" gen -w stride --stride far -o x.vmt
expect_fail "gen bad extension" 2 "cannot tell the output format" "$VMSIM" gen -w loop -o x.dat
check "gen left nothing" "$(ls x.* 2>/dev/null)" ""

# ------------------------------------------------------- shipped traces
n=0
total=0
for t in "$TRACES"/*.vmt; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	name=$(basename "$t")
	refs=$(statc "$t" refs)
	[ "${refs:-0}" -ge 100000 ] && [ "$refs" -le 10000000 ] && ok || bad "$name: $refs references"
	check "$name is native" "$(statc "$t" format)" native
	expect_ok "replay $name" "$VMSIM" replay "$t" -p lru -n 32 -q
	grep -q "$name" "$TRACES/README.md" && ok || bad "$name is not in traces/README.md"
	total=$((total + $(wc -c <"$t")))
done
[ "$n" -ge 5 ] && ok || bad "only $n shipped traces"
[ "$total" -lt $((15 * 1000 * 1000)) ] && ok || bad "shipped traces take $total bytes"

finish
