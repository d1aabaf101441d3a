#!/bin/sh
# traces/demo.sh - the main job end to end, on a real program (run by `make demo`):
#   1. build a small program (a naive matrix multiply, traces/src/matmul.c),
#   2. record its memory references with `vmsim collect`, which runs it under
#      Valgrind's lackey and streams the references straight into vmsim's
#      compressed native format (no text file on disk),
#   3. describe the trace (vmsim stat),
#   4. replay it through all six policies at several memory sizes.
# Everything lands in results/demo/.  DEMO_N=48 makes a smaller run (.ci/run).
# Every command run here must come from deps.sh's demo set, which `make demo`
# installs: tests/cli_install.sh reads this script and checks that.
#
# SPDX-License-Identifier: BSD-2-Clause
set -eu
VMSIM=${VMSIM:-./vmsim}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/results/demo
N=${DEMO_N:-96}
mkdir -p "$out"

command -v valgrind >/dev/null || { echo "demo: valgrind is missing; run ./deps.sh demo" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "demo: gnuplot is missing; run ./deps.sh demo" >&2; exit 1; }

echo "== 1. building traces/src/matmul.c (N=$N)"
${CC:-gcc} -O1 -o "$out/matmul" "$here/traces/src/matmul.c"

echo "== 2. vmsim collect -o $out/matmul.vmt -- matmul $N"
# valgrind --tool=lackey --trace-mem=yes, its log piped into the trace; the
# program's own output goes to the terminal as usual, and the summary (with
# the compression against Lackey's text) to stderr.
"$VMSIM" collect -o "$out/matmul.vmt" -- "$out/matmul" "$N"

echo "== 3. vmsim stat $out/matmul.vmt"
"$VMSIM" stat "$out/matmul.vmt"

echo "== 4. vmsim replay: six policies x four memory sizes (4 KiB pages)"
cd "$out"
"$VMSIM" replay matmul.vmt --policy opt,fifo,random,lru,lfu,clock \
	--frames 16,32,64,128 --format csv -o replay.csv
"$VMSIM" replay matmul.vmt --policy opt,fifo,random,lru,lfu,clock \
	--frames 16,32,64,128
echo
echo "results: $out/replay.csv"

echo "== 5. vmsim curve: all six policies at every memory size, the trace read once"
# LRU and OPT take one pass for every size (stack algorithms); FIFO, Clock,
# Random and LFU replay once per size, on all cores.
"$VMSIM" curve matmul.vmt --policies all --frames auto,16,32 --format csv -o curve.csv
awk -F, 'NR > 1 && ($3 == 16 || $3 == 32) { printf "   %-6s %4s frames: %8s faults\n", $2, $3, $7 }' curve.csv

echo "== 6. vmsim plot: the figure (gnuplot; the .gp and .dat are beside it)"
"$VMSIM" plot curve.csv -o curve.png --metric faults --log-x --log-y \
	--title "matmul (N = $N) under valgrind: page faults vs memory size"
echo
echo "curves: $out/curve.csv   figure: $out/curve.png (restyle: gnuplot curve.gp)"
