#!/bin/sh
# traces/demo.sh - the main job end to end, on a real program (run by `make demo`):
#   1. build a small program (a naive matrix multiply, traces/src/matmul.c),
#   2. record its memory references with Valgrind's lackey, streamed straight
#      into vmsim's compressed native format (no text file on disk),
#   3. describe the trace (vmsim stat),
#   4. replay it through all six policies at several memory sizes.
# Everything lands in results/demo/.
set -eu
VMSIM=${VMSIM:-./vmsim}
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/results/demo
N=${DEMO_N:-96}
mkdir -p "$out"

command -v valgrind >/dev/null || { echo "demo: valgrind is missing; run ./deps.sh demo" >&2; exit 1; }

echo "== 1. building traces/src/matmul.c (N=$N)"
${CC:-gcc} -O1 -o "$out/matmul" "$here/traces/src/matmul.c"

echo "== 2. recording with valgrind --tool=lackey --trace-mem=yes"
# lackey writes the trace to its log descriptor (3 here), which is piped into
# vmsim; the program's own output goes to the terminal as usual.
valgrind --tool=lackey --trace-mem=yes --log-fd=3 "$out/matmul" "$N" 3>&1 1>&2 \
	| "$VMSIM" convert - -o "$out/matmul.vmt"
ls -l "$out/matmul.vmt" | awk '{ printf "   %s: %d bytes\n", $NF, $5 }'

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
