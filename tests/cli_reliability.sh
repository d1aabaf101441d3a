#!/bin/bash
# tests/cli_reliability.sh - bounded memory and signals, through the real binary.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   --mem-limit    loaded mode (several configurations, OPT, curve) refuses a
#                  trace whose page ids would not fit, naming the streaming
#                  alternative; the same trace streams within the same limit
#   signals        SIGINT, SIGTERM and SIGHUP during replay, curve, batch,
#                  plot, gen, convert and validate leave no partial file and
#                  no temporary; curve and batch stop cleanly (exit 130) on
#                  the first signal and die at once, cleaning up, on a second
#                  one when the work is stuck (a stalled pipe, a slow gnuplot)
#
# Stalled inputs are FIFOs fed by `sh -c 'seq ...; exec sleep 60'`, so the
# writer's pid is the sleep's and killing it ends the input.  A script's
# background jobs start with SIGINT ignored (and vmsim keeps ignored signals
# ignored, as nohup users expect), so vmsim is started through launch, which
# restores the default first.
SRC=$(cd "$(dirname "$0")/.." && pwd)   # the source tree, before lib.sh moves to $T
. "$(dirname "$0")/lib.sh"
# launch CMD...: CMD in the background with SIGINT at its default; pid in $p
# (without env --default-signal, coreutils < 8.31, job control does it)
if env --default-signal=INT true 2>/dev/null; then
	defsig=(env --default-signal=INT)
else
	defsig=()
	set -m
fi
launch() {
	"${defsig[@]}" "$@" &
	p=$!
}
pids=()
cleanup_pids() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	pids=()
}
trap 'cleanup_pids; rm -rf "$T"' EXIT

# stalled NAME LINES: a FIFO that gives LINES text references, then stalls
stalled() {
	rm -f "$1"
	mkfifo "$1"
	sh -c "seq 1 $2; exec sleep 60" >"$1" &
	writer=$!
	pids+=("$writer")
}
# Hang guards scale with this machine now: SCALE is how many times longer
# than 100 ms a few normal runs take (at least 1), so a loaded machine or a
# sanitizer build waits longer before calling something hung.
t0=${EPOCHREALTIME/[.,]/}
"$VMSIM" gen -w uniform --pages 1000 --refs 200000 -o scale.vmt -q
"$VMSIM" replay scale.vmt -p lru,clock -n 64 -q -o /dev/null
"$VMSIM" curve scale.vmt -p fifo -n 1:8 -q -o /dev/null
t1=${EPOCHREALTIME/[.,]/}
SCALE=$(( (t1 - t0) / 100000 ))
[ "$SCALE" -ge 1 ] || SCALE=1
echo "hang guards: x$SCALE ($(( (t1 - t0) / 1000 )) ms of normal runs)"
rm -f scale.vmt
# wait_for SECONDS COMMAND...: poll until COMMAND succeeds; 1 on timeout
# (after SECONDS x SCALE)
wait_for() {
	local n=$(($1 * 20 * SCALE))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}
# wait_status PID: its exit status in $st, waiting at most 20 s x SCALE
# (then SIGKILL and 124)
wait_status() {
	local n=$((400 * SCALE))
	while kill -0 "$1" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1" 2>/dev/null
		st=124
		return
	fi
	wait "$1"
	st=$?
} 2>/dev/null   # and no "Hangup" notice from the shell
no_temps() { check "$1: no temporary left" "$(find "$T" -name '*.tmp.*' | sed "s#$T/##")" ""; }
# reading PID FILE: PID has FILE open (it got past open() on a FIFO)
reading() { ls -l "/proc/$1/fd" 2>/dev/null | grep -q "$2"; }

# ------------------------------------------------------------- --mem-limit
"$VMSIM" gen -w uniform --pages 1000 --refs 1000000 -o big.vmt -q
expect_ok "mem-limit in replay --help" "$VMSIM" replay --help
grep -q -- '--mem-limit SIZE' "$T/out" && ok || bad "replay --help lacks --mem-limit"
expect_ok "mem-limit in curve --help" "$VMSIM" curve --help
grep -q -- '--mem-limit SIZE' "$T/out" && ok || bad "curve --help lacks --mem-limit"
# 1M references are 4 MB of page ids: loaded mode refuses them under 1M...
expect_fail "loaded refused" 1 \
	'loading the trace needs more than 1 MiB .*more than --mem-limit 1M allows .*; replay one policy other than opt at one size to stream it' \
	"$VMSIM" replay big.vmt -p lru,clock -n 64 --mem-limit 1M -f csv -o loaded.csv
check "refused: no output" "$(ls loaded.csv* 2>/dev/null)" ""
expect_fail "curve refused" 1 'loading the trace needs .*to stream it instead' \
	"$VMSIM" curve big.vmt -p lru,clock -n 64 --mem-limit 1M -f csv -o curve.csv
check "curve refused: no output" "$(ls curve.csv* 2>/dev/null)" ""
expect_fail "opt refused" 1 'opt needs 3 MiB for next-use times .*try a streaming policy' \
	"$VMSIM" replay big.vmt -p opt -n 64 --mem-limit 6M -f csv
# ...while streaming the same trace works within the same limit, with the
# rows loaded mode gives when it has the room
expect_ok "streamed" "$VMSIM" replay big.vmt -p clock -n 64 --mem-limit 1M -f csv -o s.csv
expect_ok "loaded with room" "$VMSIM" replay big.vmt -p lru,clock -n 64 --mem-limit 64M -f csv -o l.csv
check "stream mode" "$(csv_get s.csv 1 mode)" stream
check "streamed = loaded" "$(cut -d, -f1-14 s.csv | tail -1)" "$(cut -d, -f1-14 l.csv | tail -1)"
expect_ok "curve with room" "$VMSIM" curve big.vmt -p clock -n 64 --mem-limit 64M -f csv -o c.csv
check "curve = stream" "$(cut -d, -f1-14 c.csv | tail -1)" "$(cut -d, -f1-14 s.csv | tail -1)"
# the translation model's id map counts too (300,000 pages of 4 KiB)
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "%d\n", i * 4096 }' >pages.txt
expect_fail "tlb id map refused" 1 'the translation id map needs .*more than --mem-limit 4M allows' \
	"$VMSIM" replay pages.txt -p lru -n 64 --tlb 64:4 --mem-limit 4M -f csv -o x.csv
check "tlb id map refused: no output" "$(ls x.csv* 2>/dev/null)" ""
expect_ok "tlb with room" "$VMSIM" replay pages.txt -p lru -n 64 --tlb 64:4 --mem-limit 400M -f csv
expect_fail "mem-limit junk" 2 "--mem-limit 'lots' is not a size" \
	"$VMSIM" replay big.vmt -p lru -n 4 --mem-limit lots
expect_fail "mem-limit zero" 2 "--mem-limit '0' is not a size" \
	"$VMSIM" curve big.vmt --mem-limit 0

# ------------------------------------------------------- replay, gen, convert
# replay dies of the signal at once, even blocked on a stalled input, and
# leaves nothing (its output is written only at the end)
for sig in INT TERM HUP; do
	stalled slow.txt 2000
	launch "$VMSIM" replay slow.txt -p lru -n 4 --input-format text -o r-$sig.csv 2>"$T/sig.err"
	wait_for 10 reading $p slow.txt || bad "replay $sig: never opened its input"
	{ kill -$sig $p; wait_status $p; } 2>/dev/null
	case $sig in INT) want=130 ;; TERM) want=143 ;; HUP) want=129 ;; esac
	check "replay SIG$sig: dies of it" "$st" "$want"
	check "replay SIG$sig: no output" "$(ls r-$sig.csv* 2>/dev/null)" ""
	cleanup_pids
done
# gen writes its trace as it goes: the signal removes the temporary
launch "$VMSIM" gen -w uniform --refs 2000000000 -o long.vmt -q
wait_for 10 sh -c 'ls long.vmt.tmp.* >/dev/null 2>&1' || bad "gen made no temporary to test with"
kill -INT $p
wait_status $p
check "gen SIGINT: dies of it" "$st" 130
check "gen SIGINT: nothing left" "$(ls long.vmt* 2>/dev/null)" ""
# the temporary is registered with the signals blocked from its creation on:
# a SIGINT the moment it appears never leaves it behind (the old window
# between mkstemp and registering it lost about 1 in 20)
left=0
for i in $(seq 1 30); do
	launch "$VMSIM" gen -w uniform --refs 2000000000 -o race.vmt -q
	n=0
	while ! ls race.vmt.tmp.* >/dev/null 2>&1 && [ $n -lt $((2000 * SCALE)) ]; do n=$((n + 1)); done
	kill -INT $p
	wait_status $p
	ls race.vmt* >/dev/null 2>&1 && left=$((left + 1))
	rm -f race.vmt*
done
check "30 SIGINTs as the temporary appears: none left behind" "$left" 0
stalled slow.txt 2000
launch "$VMSIM" convert slow.txt -o conv.txt.gz -q --input-format text
wait_for 10 sh -c 'ls conv.txt.gz.tmp.* >/dev/null 2>&1' || bad "convert made no temporary"
{ kill -HUP $p; wait_status $p; } 2>/dev/null   # no "Hangup" notice from the shell
check "convert SIGHUP: dies of it" "$st" 129
check "convert SIGHUP: nothing left" "$(ls conv.txt.gz* 2>/dev/null)" ""
cleanup_pids

# ------------------------------------------------------------------ curve
# one SIGINT: curve stops at its next check (here: when the input ends)
stalled slow.txt 2000
launch "$VMSIM" curve slow.txt --input-format text -s 1 -o c1.csv 2>"$T/c.err"
wait_for 10 reading $p slow.txt || bad "curve never opened its input"
kill -INT $p
sleep 0.3
kill -0 $p 2>/dev/null && ok || bad "curve died on the first SIGINT"
kill "$writer"                                     # the input ends
wait_status $p
check "curve SIGINT: exit 130" "$st" 130
grep -q 'interrupted; nothing written' "$T/c.err" && ok || bad "curve SIGINT: $(cat "$T/c.err")"
check "curve SIGINT: no output" "$(ls c1.csv* 2>/dev/null)" ""
cleanup_pids
# two: curve stuck on a stalled pipe dies at once of the second
for sig in INT TERM; do
	stalled slow.txt 2000
	launch "$VMSIM" curve slow.txt --input-format text -s 1 -o c2.csv 2>"$T/c.err"
	wait_for 10 reading $p slow.txt || bad "curve never opened its input"
	kill -$sig $p
	sleep 0.2
	kill -$sig $p
	wait_status $p
	check "curve 2x SIG$sig: dies of it at once" "$st" $([ $sig = INT ] && echo 130 || echo 143)
	grep -q 'interrupted' "$T/c.err" && bad "curve 2x SIG$sig: went on to the clean stop" || ok
	check "curve 2x SIG$sig: no output" "$(ls c2.csv* 2>/dev/null)" ""
	cleanup_pids
done

# ------------------------------------------------------------------ batch
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >belady.txt
# (AddressSanitizer reserves terabytes of address space: no ulimit -v there)
vlimit=262144
grep -qa __asan_init "$VMSIM" && vlimit=unlimited
mkdir -p bt
printf 'traces = slow.txt\npolicies = lru, fifo\nframes = 1:4\npage-sizes = 1\nfigures = none\n' >bt/spec.ini
# one SIGTERM while the cell reads a stalled trace: a clean stop, no cell
stalled bt/slow.txt 2000
launch "$VMSIM" batch bt/spec.ini -o bout -j 1 -q 2>"$T/b.err"
wait_for 10 reading $p slow.txt || bad "batch never opened its trace"
kill -TERM $p
sleep 0.3
kill -0 $p 2>/dev/null && ok || bad "batch died on the first SIGTERM"
kill "$writer"
wait_status $p
check "batch SIGTERM: exit 130" "$st" 130
grep -q 'interrupted: 0 of 1 cells done; run the same command again to resume' "$T/b.err" \
	&& ok || bad "batch SIGTERM: $(cat "$T/b.err")"
check "batch SIGTERM: no cell" "$(ls bout/cells)" ""
check "batch SIGTERM: no results" "$(ls bout)" cells
cleanup_pids
# two: dies at once
stalled bt/slow.txt 2000
launch "$VMSIM" batch bt/spec.ini -o bout -j 1 -q 2>"$T/b.err"
wait_for 10 reading $p slow.txt || bad "batch never opened its trace"
kill -TERM $p
sleep 0.2
kill -TERM $p
wait_status $p
check "batch 2x SIGTERM: dies of it at once" "$st" 143
check "batch 2x SIGTERM: no cell" "$(ls bout/cells)" ""
cleanup_pids
no_temps "batch"

# ------------------------------------------- plot and batch with a slow gnuplot
# gnuplot draws into a registered temporary: a signal meanwhile removes it
mkdir -p fakebin
cat >fakebin/gnuplot <<'G'
#!/bin/sh
echo $$ >"$FAKE_GNUPLOT_PID"
exec sleep 60
G
chmod +x fakebin/gnuplot
"$VMSIM" curve belady.txt -s 1 -n 1:5 -f csv -o b.csv
export FAKE_GNUPLOT_PID=$T/gnuplot.pid
rm -f "$FAKE_GNUPLOT_PID"
launch env PATH=$T/fakebin:$PATH "$VMSIM" plot b.csv -o fig.png
wait_for 10 test -s "$FAKE_GNUPLOT_PID" || bad "plot never ran the fake gnuplot"
pids+=("$(cat "$FAKE_GNUPLOT_PID")")
wait_for 5 sh -c 'ls fig.png.tmp.* >/dev/null 2>&1' && ok || bad "plot made no image temporary"
kill -TERM $p
wait_status $p
check "plot SIGTERM: dies of it" "$st" 143
check "plot SIGTERM: no image, no temporary" "$(ls fig.png* 2>/dev/null)" ""
check "plot SIGTERM: the script and data are whole" "$(ls fig.gp fig.dat | wc -l)" 2
cleanup_pids
# a batch drawing its figures: the first SIGTERM waits for gnuplot, the
# second removes the image temporary and dies
printf 'traces = ../belady.txt\npolicies = lru, fifo\nframes = 1:4\npage-sizes = 1\nfigures = faults\n' >bt/fig.ini
rm -f "$FAKE_GNUPLOT_PID"
launch env PATH=$T/fakebin:$PATH "$VMSIM" batch bt/fig.ini -o fout -j 1 -q 2>"$T/b.err"
wait_for 10 test -s "$FAKE_GNUPLOT_PID" || bad "batch never ran the fake gnuplot"
pids+=("$(cat "$FAKE_GNUPLOT_PID")")
kill -TERM $p
sleep 0.3
kill -0 $p 2>/dev/null && ok || bad "batch died on the first SIGTERM while drawing"
kill -TERM $p
wait_status $p
check "batch drawing, 2x SIGTERM: dies of it" "$st" 143
check "batch drawing: no image" "$(ls fout/figures/*.png 2>/dev/null)" ""
cleanup_pids
# Ctrl-C reaches gnuplot as well as vmsim: gnuplot dies, the batch reports
# the interruption (exit 130) and a rerun draws the figures
rm -f "$FAKE_GNUPLOT_PID"
launch env PATH=$T/fakebin:$PATH "$VMSIM" batch bt/fig.ini -o fout -j 1 -q 2>"$T/b.err"
wait_for 10 test -s "$FAKE_GNUPLOT_PID" || bad "batch never ran the fake gnuplot"
g=$(cat "$FAKE_GNUPLOT_PID")
pids+=("$g")
kill -INT $p
sleep 0.2
kill -INT "$g"
wait_status $p
check "batch drawing, SIGINT to both: exit 130" "$st" 130
grep -q 'interrupted while writing the results (gnuplot failed .*); run the same command again' \
	"$T/b.err" && ok || bad "batch drawing, SIGINT: $(cat "$T/b.err")"
check "batch drawing, SIGINT: no image" "$(ls fout/figures/*.png 2>/dev/null)" ""
cleanup_pids
expect_ok "batch drawing: the rerun finishes" "$VMSIM" batch bt/fig.ini -o fout -j 1 --script-only -q
check "batch drawing: the rerun's index" "$(ls fout/index.md)" fout/index.md
no_temps "plot and batch"

# --------------------------------------------------------------- validate
# its trace lives in a temporary folder, which a signal must not leave
# behind.  SIGINT, SIGTERM, SIGHUP and SIGQUIT go to the program while it
# runs (validate then finishes and cleans up as usual); SIGPIPE (a closed
# -o - pipe) is not forwarded and kills vmsim, which must still clean up.
if command -v valgrind >/dev/null && "$VMSIM" counters -f csv -o /dev/null -- true 2>/dev/null; then
	mkdir -p vtmp
	launch env TMPDIR=$T/vtmp "$VMSIM" validate -- sleep 2 >/dev/null 2>"$T/v.err"
	wait_for 60 grep -q '2/3 counting' "$T/v.err" || bad "validate never reached its counted run"
	check "validate: its folder exists meanwhile" "$(ls vtmp | wc -l)" 1
	kill -PIPE $p
	wait_status $p
	check "validate SIGPIPE: dies of it" "$st" 141
	check "validate SIGPIPE: nothing left in TMPDIR" "$(ls -A vtmp)" ""
else
	echo "skip: validate (no valgrind or no perf software events)"
fi

# ------------------------------------ --mem-limit counts every per-page part
# 300000 references to about 289000 distinct pages in a 1.1 MB native file,
# and 200000 distinct one-byte pages in a text file: their page maps alone
# pass 2 MB, so every mode (streaming included) and stat fail, naming the
# limit and what needed more, where they used to grow past it
"$VMSIM" gen -w uniform --pages 4000000 --refs 300000 -o many.vmt -q
seq 1 200000 >many.txt
for c in "replay many.vmt -p lru -n 10" "replay many.vmt -p opt -n 10" \
	 "replay many.vmt -p lru,fifo -n 10" "curve many.vmt -p fifo -n 10" \
	 "stat many.vmt" "stat many.txt -s 1" "replay many.txt -s 1 -p clock -n 100000"; do
	expect_fail "$c --mem-limit 2M" 1 'the page map needs [0-9]+ MiB more than --mem-limit 2M allows' \
		"$VMSIM" $c --mem-limit 2M -q -o mem.out
	check "$c --mem-limit 2M: no output" "$(ls mem.out* 2>/dev/null)" ""
done
expect_ok "stat many.vmt with room" "$VMSIM" stat many.vmt --mem-limit 64M -f csv -o st.csv
check "stat many.vmt: distinct pages" "$(csv_get st.csv 1 distinct_pages)" 289010
expect_fail "mem-limit in KiB is named so" 1 'more than --mem-limit 700K allows' \
	"$VMSIM" replay many.txt -s 1 -p fifo -n 1 --mem-limit 700K

# ------------------------------------------------ stat: asids are distinct ids
printf 'R 0x1000 0\nR 0x2000 7\nR 0x3000 7\nR 0x1000 0\n' >asids.txt
expect_ok "stat asids {0,7}" "$VMSIM" stat asids.txt -f csv -o as.csv
check "stat: asids {0,7} are 2" "$(csv_get as.csv 1 asids)" 2

# ------------------------------------------------ stale temporaries
# A SIGKILL leaves PATH.tmp.PID.HOST.XXXXXX behind; the next run writing PATH
# removes it, and only what is exactly ours and dead: a live process's
# temporary, another host's, another output's and near-miss names stay.
launch "$VMSIM" gen -w uniform --refs 2000000000 -o kill.vmt -q
wait_for 10 sh -c 'ls kill.vmt.tmp.* >/dev/null 2>&1' || bad "gen made no temporary to test with"
kill -KILL $p
wait_status $p
left=$(ls kill.vmt.tmp.*)
check "SIGKILL leaves a temporary named with the pid" "$(echo "$left" | grep -cE "^kill\.vmt\.tmp\.$p\.[0-9a-f]{8}\.[A-Za-z0-9]{6}$")" 1
host=$(echo "$left" | cut -d. -f5)
dead=$(( $(cat /proc/sys/kernel/pid_max) - 3 ))
kill -0 $dead 2>/dev/null && dead=$(( dead - 1 ))
sleep 300 & livep=$!
pids+=($livep)
for f in "kill.vmt.tmp.$dead.$host.Ab12Cd" "r.csv.tmp.$dead.$host.Zz99zz"; do : >"$f"; done
for f in "kill.vmt.tmp.$livep.$host.Ab12Cd" "kill.vmt.tmp.$dead.0bad0bad.Ab12Cd" \
	 "kill.vmt.tmp.$dead.$host.Ab12Cd.x" "kill.vmt.tmp.$dead.$host.Ab1" \
	 "other.vmt.tmp.$dead.$host.Ab12Cd" "r.csv.tmp.$livep.$host.Zz99zz"; do
	: >"$f"
done
expect_ok "gen after a SIGKILL" "$VMSIM" gen -w uniform --refs 100 -o kill.vmt -q
check "stale temporaries of kill.vmt removed, others kept" "$(ls kill.vmt* other.vmt* | sort | tr '\n' ' ')" \
	"$(printf '%s\n' kill.vmt "kill.vmt.tmp.$dead.0bad0bad.Ab12Cd" "kill.vmt.tmp.$dead.$host.Ab1" \
	   "kill.vmt.tmp.$dead.$host.Ab12Cd.x" "kill.vmt.tmp.$livep.$host.Ab12Cd" \
	   "other.vmt.tmp.$dead.$host.Ab12Cd" | sort | tr '\n' ' ')"
expect_ok "replay -o r.csv" "$VMSIM" replay belady.txt -p lru -n 3 -s 1 -o r.csv
check "outfile: the dead one's temporary removed, the live one's kept" "$(ls r.csv*)" \
	"$(printf '%s\n' r.csv "r.csv.tmp.$livep.$host.Zz99zz")"
kill $livep
rm -f kill.vmt.tmp.* other.vmt.tmp.* r.csv.tmp.*

# --------------------------------------------- hostile names in the output
# A trace named with terminal escape codes (colour, window title, BEL), a C1
# control, bytes that are not UTF-8, a backslash and a valid accent: the
# human table shows every unsafe byte as \xNN (no raw control byte reaches
# the terminal), and JSON stays valid UTF-8 (controls as \u00NN, stray bytes
# as U+FFFD).
hn=$(printf 'n\033[31mred\033]0;title\007\xff\xfe\xc2\x85\\b\xc3\xa9.txt')
cp belady.txt "$hn"
expect_ok "hostile name: table" "$VMSIM" replay "$hn" -p lru,fifo -n 3 -s 1 -o tbl.txt
check "table: no control byte" "$(LC_ALL=C tr -d '\n' <tbl.txt | LC_ALL=C tr -d '\040-\176\200-\377' | wc -c)" 0
check "table: escaped name" "$(LC_ALL=C grep -c 'n\\x1b\[31mred\\x1b\]0;title\\x07\\xff\\xfe\\xc2\\x85\\x5cb'"$(printf '\xc3\xa9')"'\.txt  lru' tbl.txt)" 1
expect_ok "hostile name: one-row table" "$VMSIM" replay "$hn" -p lru -n 3 -s 1 -o one.txt
check "one-row table: escaped" "$(LC_ALL=C grep -c '^trace  *n\\x1b\[31m' one.txt)" 1
expect_ok "hostile name: json" "$VMSIM" replay "$hn" -p lru -n 3 -s 1 -f json -o j.json
iconv -f UTF-8 -t UTF-8 j.json >/dev/null 2>&1 && ok || bad "json is not valid UTF-8: $(od -c j.json | head -3)"
check "json: escaped name" "$(grep -c '"trace": "n\\u001b\[31mred\\u001b\]0;title\\u0007\\ufffd\\ufffd'"$(printf '\xc2\x85')"'\\\\b'"$(printf '\xc3\xa9')"'\.txt"' j.json)" 1
if command -v python3 >/dev/null; then
	check "json: parses" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["policy"])' j.json)" lru
fi
rm -f -- "$hn"

# ---------------------------------------------------------------- the build
# After a plain make (./vmsim exists, newer than anything), a sanitized build
# must still compile (it used to print "Nothing to be done": a bare
# .SECONDARY: made the missing sanitized binary a skippable intermediate),
# and ./vmsim must follow the build last made.  Checked with make -n in a
# scratch tree of links to the sources.
if [ -f "$SRC/Makefile" ] && command -v make >/dev/null; then
	mkdir -p mk
	for f in Makefile deps.sh vmsim.c replay policies collect analysis cli tests; do
		ln -s "$SRC/$f" mk/$f
	done
	mkdir -p mk/build && : >mk/build/vmsim && ln -s build/vmsim mk/vmsim
	make -n -C mk SANITIZE=address,undefined >mk.out 2>&1
	grep -q -- '-fsanitize=address,undefined .* -c vmsim.c -o build-san/vmsim.o' mk.out && ok ||
		bad "make SANITIZE after make: $(head -3 mk.out)"
	grep -q 'ln -sf build-san/vmsim vmsim' mk.out && ok || bad "./vmsim not relinked to the sanitized build"
	rm -rf mk mk.out
fi

# ------------------------------------------- memories beyond the footprint
# belady.txt: 12 references to 5 pages.  A memory of 2^31 - 1 frames must
# not allocate per frame (the engine sizes per-frame state by the pages it
# has seen): under a 64 MB address-space limit it still runs, streaming and
# loaded, and gives the row of 5 frames (frames, lfu_aging aside).
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >belady.txt
# (AddressSanitizer reserves terabytes of address space: no ulimit -v there)
vlimit=262144
grep -qa __asan_init "$VMSIM" && vlimit=unlimited
for pol in fifo lru clock lfu random opt; do
	"$VMSIM" replay belady.txt -p $pol -n 5 -s 1 -f csv -o at5.csv
	(ulimit -v $vlimit; exec "$VMSIM" replay belady.txt -p $pol -n 2147483647 -s 1 -f csv -o huge.csv)
	check "$pol, 2^31-1 frames: runs in 256 MB of address space" "$?" 0
	check "$pol, 2^31-1 frames = 5 frames" "$(cut -d, -f1,2,4-13,15 huge.csv)" "$(cut -d, -f1,2,4-13,15 at5.csv)"
done
(ulimit -v $vlimit; exec "$VMSIM" replay belady.txt -p fifo,lru,opt -n 3,2147483647 -s 1 -f csv -o huge.csv)
check "loaded, 2^31-1 frames: runs" "$?" 0
check "loaded, 2^31-1 frames: no evictions" "$(awk -F, '$3 == 2147483647 { print $10 }' huge.csv | sort -u)" 0
# curve: every size at or beyond the footprint is the footprint's row,
# without a run of its own
expect_ok "curve 1:20000" "$VMSIM" curve belady.txt -p fifo,clock,lru -n 1:20000 -s 1 -f csv -o big.csv -q
check "curve: rows" "$(wc -l <big.csv)" 60001
check "curve: sizes >= 5 all equal" "$(awk -F, 'NR > 1 && $3 >= 5 { print $2, $6, $7, $10 }' big.csv | sort -u | tr '\n' ' ')" \
	"clock 7 5 0 fifo 7 5 0 lru 7 5 0 "
expect_fail "curve beyond the size limit" 2 "more than 1048576 sizes" \
	"$VMSIM" curve belady.txt -n 1:100000000 -s 1
# --jobs beyond the CPUs available is capped, with a note
ncpu=$(nproc)
expect_ok "curve --jobs 100000" "$VMSIM" curve belady.txt -p fifo -n 1:8 -s 1 -j 100000 -f csv -o j.csv
grep -q -- "--jobs 100000: capped at the $ncpu CPUs available" "$T/err" && ok || bad "no --jobs note: $(cat "$T/err")"
"$VMSIM" curve belady.txt -p fifo -n 1:8 -s 1 -j 1 -f csv -o j1.csv
check "capped --jobs: same rows" "$(cat j.csv)" "$(cat j1.csv)"
expect_ok "curve --jobs 100000 -q: no note" "$VMSIM" curve belady.txt -p fifo -n 1:8 -s 1 -j 100000 -q -f csv -o j.csv
check "-q: no note" "$(cat "$T/err")" ""

# ------------------------------------------- a stop during curve's last run
# VMSIM_TEST_STOP_AFTER=N makes curve raise SIGTERM itself right after its
# N-th run is done, so the signal lands in the last run deterministically
for n in 1 3; do
	run env VMSIM_TEST_STOP_AFTER=$n "$VMSIM" curve belady.txt -p fifo -n 1:3 -s 1 -j 1 -f csv -o stop$n.csv
	check "curve, SIGTERM after run $n of 3: exit 130" "$rc" 130
	grep -q "interrupted; nothing written" "$T/err" && ok || bad "stop $n: $(cat "$T/err")"
	check "curve, SIGTERM after run $n of 3: no output" "$(ls stop$n.csv* 2>/dev/null)" ""
done
run env VMSIM_TEST_STOP_AFTER=3 "$VMSIM" curve belady.txt -p fifo -n 1:3 -s 1 -j 1 -f csv
check "curve to stdout, SIGTERM after the last run: exit 130" "$rc" 130
check "curve to stdout, SIGTERM after the last run: nothing printed" "$(cat "$T/out")" ""

no_temps "all"
finish
