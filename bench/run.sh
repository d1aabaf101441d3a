#!/bin/bash
# bench/run.sh - vmsim's benchmark suite (`make bench`, `make bench-small`).
#
# SPDX-License-Identifier: BSD-2-Clause
#
# It makes its own inputs with `vmsim gen` (uniform, zipf 0.99 and zipf
# 0.99 with sequential runs, BENCH_REFS references over BENCH_PAGES pages),
# adds the real traces shipped in traces/, and measures, each the best of
# BENCH_REPS runs:
#
#   - with build/bench/vmsim-bench (bench/bench.c), phase by phase over a
#     trace in memory: raw inflate of the native blocks and a sequential scan
#     of the id array (the baselines), decoding to dense page ids, every
#     policy at one size, the next-use pass, the LRU and OPT curves; Lackey
#     text parsing beside fgets + sscanf and gzread; the TLB model and the
#     one-pass tlb-curve;
#   - with the vmsim binary, end to end: the LRU curve, a streaming replay,
#     and `vmsim curve` of all six policies at 32 sizes (run once: it is long).
#
# It writes BENCH_OUT/results.csv (one row per measurement, named columns,
# the machine in every row) and BENCH_OUT/README.md (the tables).  Rates are
# millions of references per second, and each is also given as a ratio to a
# baseline measured in the same run, because these machines are noisy.
# Nothing is asserted here: each target of issue 7 is written beside its
# number with "yes" or "no".
#
# Settings (environment):
#   BENCH_SMALL=1      about a million references: seconds, to see it work
#   BENCH_REFS         references per synthetic input (50000000; small 1000000)
#   BENCH_PAGES        pages they spread over (1000000; small 20000)
#   BENCH_CURVE_REFS   references for the all-policy curve (100000000; small BENCH_REFS)
#   BENCH_FRAMES       one-size memory for the synthetic inputs (65536; small 1024)
#   BENCH_BIG_FRAMES   LFU's second size (524288; small 8192)
#   BENCH_REAL_FRAMES  one-size memory for the real traces (32)
#   BENCH_REPS         runs per measurement, the best counts (3)
#   BENCH_SLOW         a measurement whose first run takes longer (seconds)
#                      runs once (20; small: never)
#   BENCH_THREADS      threads where a measurement uses several (all cores)
#   BENCH_OUT          where results.csv and README.md go (bench/)
#   BENCH_DATA         where generated inputs are kept between runs (build/bench/data)
#   BENCH_TRACES       the real traces (traces/)
#   BENCH_MEMORY=0     a full run skips bench/memory.sh (its section is kept)
set -eu

VMSIM=${VMSIM:?set VMSIM to the vmsim binary (make bench does)}
HELPER=${VMSIM_BENCH:?set VMSIM_BENCH to build/bench/vmsim-bench (make bench does)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ "${BENCH_SMALL:-0}" = 1 ]; then
	MODE=small
	REFS=${BENCH_REFS:-1000000}
	PAGES=${BENCH_PAGES:-20000}
	FRAMES=${BENCH_FRAMES:-1024}
	BIG=${BENCH_BIG_FRAMES:-8192}
	CURVE_REFS=${BENCH_CURVE_REFS:-$REFS}
	LACKEY_LINES=1000000
	SLOW=${BENCH_SLOW:-1000000}
else
	MODE=full
	REFS=${BENCH_REFS:-50000000}
	PAGES=${BENCH_PAGES:-1000000}
	FRAMES=${BENCH_FRAMES:-65536}
	BIG=${BENCH_BIG_FRAMES:-524288}
	CURVE_REFS=${BENCH_CURVE_REFS:-100000000}
	LACKEY_LINES=0
	SLOW=${BENCH_SLOW:-20}
fi
REAL_FRAMES=${BENCH_REAL_FRAMES:-32}
REPS=${BENCH_REPS:-3}
THREADS=${BENCH_THREADS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
OUT=${BENCH_OUT:-$ROOT/bench}
DATA=${BENCH_DATA:-$ROOT/build/bench/data}
TRACES=${BENCH_TRACES:-$ROOT/traces}

die() { echo "bench: $*" >&2; exit 1; }
say() { echo "bench: $*" >&2; }

for v in REFS PAGES FRAMES BIG CURVE_REFS REAL_FRAMES REPS THREADS SLOW; do
	eval "x=\$$v"
	case $x in
	'' | *[!0-9]* | 0) die "BENCH_$v must be a whole number above 0, not '$x'" ;;
	esac
done
[ -x "$VMSIM" ] || die "VMSIM=$VMSIM is not an executable"
[ -x "$HELPER" ] || die "VMSIM_BENCH=$HELPER is not an executable (make build/bench/vmsim-bench)"
set -- "$TRACES"/*.vmt
[ -e "$1" ] || die "no real traces (*.vmt) in $TRACES"
REAL_TRACES="$*"
[ "$MODE" = full ] || REAL_TRACES=$1 # small: one is enough to see it work
mkdir -p "$OUT" "$DATA" || die "cannot create $OUT or $DATA"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vmsim-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
RAW=$WORK/raw.csv
: >"$RAW"
START=$(date +%s)

# ------------------------------------------------------------- the machine
clean() { tr ',\n' '; ' | sed 's/  */ /g; s/^ //; s/ $//'; }
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1 | clean)
[ -n "$CPU" ] || CPU=$(uname -m)
CORES=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
MEM_GB=$(awk '/^MemTotal:/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo "")
KERNEL=$(uname -sr | clean)
COMPILER=$(${CC:-cc} --version 2>/dev/null | head -1 | clean)
ZLIB=$("$HELPER" zlib)
VERSION=$("$VMSIM" --version | awk '{ print $NF }')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
	COMMIT="$COMMIT+changes"
fi
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# ----------------------------------------------------------------- helpers
# rows INPUT KIND CMD...: run a helper command, prefix its rows with the input
rows() {
	local input=$1 kind=$2
	shift 2
	"$@" >"$WORK/rows" || die "failed: $*"
	sed "s|^|$input,$kind,|" "$WORK/rows" >>"$RAW"
}

# gen NAME REFS ARGS...: the path of a generated input, made once and kept
gen() {
	local name=$1 refs=$2 f
	shift 2
	f=$DATA/$name-r$refs-p$PAGES.vmt
	if [ ! -s "$f" ]; then
		say "generating $f"
		"$VMSIM" gen --refs "$refs" --pages "$PAGES" --seed 1 -q -o "$f" "$@" ||
			die "vmsim gen failed for $name"
	fi
	echo "$f"
}

# col NAME BENCHMARK COLUMN: a cell of a helper row already in RAW
col() {
	awk -F, -v i="$1" -v b="$2" -v c="$3" '$1 == i && $3 == b { print $c; exit }' "$RAW"
}

# ---------------------------------------------------------------- synthetic
UNIFORM=$(gen uniform "$REFS" -w uniform)
ZIPF=$(gen zipf "$REFS" -w zipf --zipf-exp 0.99)
ZIPFRUN=$(gen zipfrun "$REFS" -w zipfrun --zipf-exp 0.99 --run-len 8)
for spec in "uniform $UNIFORM" "zipf $ZIPF" "zipfrun $ZIPFRUN"; do
	set -- $spec
	say "$1: decoding, policies, curves ($REPS runs each)"
	rows "$1" synthetic "$HELPER" native "$2" --reps "$REPS" --frames "$FRAMES" \
		--big-frames "$BIG" --threads "$THREADS" --slow "$SLOW"
	n=$(col "$1" decode 4)
	p=$(col "$1" decode 5)
	say "$1: vmsim curve -p lru, vmsim replay (streaming)"
	rows "$1" synthetic "$HELPER" exec lru-curve-e2e "$n" "$p" 4 --reps "$REPS" -- \
		"$VMSIM" curve "$2" -p lru -n auto -j "$THREADS" -q -f csv
	rows "$1" synthetic "$HELPER" exec stream-lru "$n" "$p" 0 --reps "$REPS" -- \
		"$VMSIM" replay "$2" -p lru -n "$FRAMES" -q -f csv
done

# all six policies at 32 sizes, end to end; once, since it takes minutes
CURVE=$(gen zipf "$CURVE_REFS" -w zipf --zipf-exp 0.99)
if [ "$CURVE" = "$ZIPF" ]; then
	p=$(col zipf decode 5)
else
	p=$("$VMSIM" stat "$CURVE" -f csv | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++)
		if ($i == "distinct_pages") c = i } NR == 2 { print $c }')
fi
SIZES=$("$HELPER" sizes "$p" 32)
say "zipf: vmsim curve, all six policies at 32 sizes, $CURVE_REFS references (once)"
rows "zipf-curve" synthetic "$HELPER" exec curve-all "$CURVE_REFS" "$p" 8 --reps 1 -- \
	"$VMSIM" curve "$CURVE" -n "$SIZES" -j "$THREADS" -q -f csv

# ------------------------------------------------------------------- real
for f in $REAL_TRACES; do
	name=$(basename "$f" .vmt)
	say "$name: decoding, policies, curves, TLB"
	rows "$name" real "$HELPER" native "$f" --reps "$REPS" --frames "$REAL_FRAMES" \
		--big-frames $((REAL_FRAMES * 4)) --threads "$THREADS"
	rows "$name" real "$HELPER" exec lru-curve-e2e "$(col "$name" decode 4)" \
		"$(col "$name" decode 5)" 4 --reps "$REPS" -- \
		"$VMSIM" curve "$f" -p lru -n auto -j "$THREADS" -q -f csv
	rows "$name" real "$HELPER" tlb "$f" --reps "$REPS"
done

# Lackey's text of the real traces, plain and gzip'd (kept with the inputs)
# (small mode: the first LACKEY_LINES lines of the first trace)
TEXT=$DATA/real-$MODE.lackey
if [ ! -s "$TEXT.gz" ]; then
	say "writing $TEXT and $TEXT.gz"
	: >"$TEXT.tmp" || die "cannot write $TEXT.tmp"
	for f in $REAL_TRACES; do
		"$VMSIM" convert "$f" -o "$WORK/one.lackey" -q || die "vmsim convert $f failed"
		if [ "$LACKEY_LINES" -gt 0 ]; then
			head -n "$LACKEY_LINES" "$WORK/one.lackey" >>"$TEXT.tmp"
			break
		fi
		cat "$WORK/one.lackey" >>"$TEXT.tmp"
	done
	rm -f "$WORK/one.lackey"
	gzip -6 -c "$TEXT.tmp" >"$TEXT.gz.tmp" || die "gzip failed"
	mv "$TEXT.tmp" "$TEXT"
	mv "$TEXT.gz.tmp" "$TEXT.gz"
fi
say "lackey text: parser, fgets + sscanf, gzread, gzip'd parse"
rows "real-lackey" real "$HELPER" lackey "$TEXT" "$TEXT.gz" --reps "$REPS"

# ------------------------------------------------------------ the results
ELAPSED=$(($(date +%s) - START))
META="$CPU,$CORES,$MEM_GB,$KERNEL,$COMPILER,$ZLIB,$VERSION,$COMMIT,$DATE,$MODE"
awk -F, -v OFS=, -v meta="$META" -f "$ROOT/bench/results.awk" "$RAW" >"$WORK/results.csv" ||
	die "cannot compute the results"
awk -F, -v elapsed="$ELAPSED" -v refs="$REFS" -v pages="$PAGES" -v frames="$FRAMES" \
	-v big="$BIG" -v real_frames="$REAL_FRAMES" -v reps="$REPS" -v threads="$THREADS" \
	-v curve_refs="$CURVE_REFS" -f "$ROOT/bench/readme.awk" "$WORK/results.csv" \
	>"$WORK/README.md" || die "cannot write the table"
mv "$WORK/results.csv" "$OUT/results.csv"
mv "$WORK/README.md" "$OUT/README.md"

# The bounded-memory benchmark (bench/memory.sh) has its own rows, in
# memory.csv beside results.csv, and its own section of README.md, which it
# writes after ours.  A full run measures it afresh (BENCH_MEMORY=0 skips
# that); otherwise the section is remade from the memory.csv already there.
MEMORY=$ROOT/bench/memory.sh
if [ -x "$MEMORY" ]; then
	if [ "$MODE" = full ] && [ "${BENCH_MEMORY:-1}" = 1 ]; then
		say "bench/memory.sh: streaming memory against trace length (into $OUT/memory.csv)"
		VMSIM=$VMSIM "$MEMORY" "$OUT/memory.csv" >&2 ||
			say "bench/memory.sh failed or found growth; see above"
	elif [ -s "$OUT/memory.csv" ]; then
		"$MEMORY" --readme "$OUT/memory.csv" >&2 || say "bench/memory.sh --readme failed"
	fi
fi
say "wrote $OUT/results.csv and $OUT/README.md in $(($(date +%s) - START))s"
