#!/bin/bash
# tests/cli_repro.sh - reproducibility, through the real binary.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   - the same command with the same seed gives byte-identical output, run
#     after run: replay (every policy, table, CSV and JSON), curve, tlb-curve,
#     replay with a random TLB, stat, gen (native, text, gzip'd) and convert;
#   - across thread counts: curve -j 1, 2 and 3 (every policy, both OPT
#     methods) and batch -j 1 and 2 (cells, results.csv, index.md and the
#     figures' .gp and .dat) give the same bytes;
#   - the seed matters (another seed moves random's faults) and is recorded;
#   - every results file records the vmsim version, the seed and the
#     configuration that produced it, under stable column names.
. "$(dirname "$0")/lib.sh"

# same NAME FILE1 FILE2: byte-identical
same() { if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ: $(cmp "$2" "$3" 2>&1 | head -1)"; fi; }
# twice NAME CMD... (with OUT in CMD replaced by the output file): run CMD
# twice, writing a.out then b.out, and compare them
twice() {
	local name=$1 f args a
	shift
	for f in a b; do
		args=()
		for a in "$@"; do args+=("${a//OUT/$f.out}"); done
		run "${args[@]}"
		[ "$rc" -eq 0 ] || bad "$name ($f): exit $rc: $(head -2 "$T/err")"
	done
	same "$name" a.out b.out
	rm -f a.out b.out
}
VERSION=$("$VMSIM" --version | awk '{ print $2 }')

# ------------------------------------------------------------------ inputs
"$VMSIM" gen -w hotcold --pages 200 --refs 20000 --write-frac 0.3 --seed 3 -o hc.vmt -q
"$VMSIM" gen -w zipf --pages 300 --refs 20000 --seed 4 -o zipf.txt -q
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >belady.txt

# ---------------------------------------------------- run after run: the same
for f in csv json table; do
	twice "replay all policies -f $f" "$VMSIM" replay hc.vmt -p opt,fifo,random,lru,lfu,clock \
		-n 8,32,64 --seed 11 -f $f -o OUT
done
twice "replay random, streaming" "$VMSIM" replay hc.vmt -p random -n 16 --seed 11 -f csv -o OUT
twice "curve" "$VMSIM" curve zipf.txt --seed 5 -f csv -o OUT
twice "tlb-curve random" "$VMSIM" tlb-curve hc.vmt --entries 4:64 --ways 1,4,full --policy random \
	--seed 9 -f csv -o OUT
twice "replay, random TLB" "$VMSIM" replay hc.vmt -p lru -n 64 --tlb 16:4:random --stlb 64:8:random \
	--seed 9 -f csv -o OUT
twice "stat" "$VMSIM" stat hc.vmt -f json -o OUT
for to in native text lackey "text --gzip"; do
	twice "gen --to $to" "$VMSIM" gen -w scan --pages 500 --refs 30000 --write-frac 0.1 --seed 8 -q \
		-o OUT --to $to
done
twice "convert" "$VMSIM" convert zipf.txt -o OUT --to native -q

# -------------------------------------------------- across thread counts
for m in auto one-pass per-size; do
	for j in 1 2 3; do
		expect_ok "curve -j $j --opt-method $m" "$VMSIM" curve hc.vmt -n 1:80 --seed 13 \
			--lfu-aging 500 --opt-method $m -j $j -f csv -o curve-$m-$j.csv
	done
	same "curve --opt-method $m: -j 1 vs -j 2" curve-$m-1.csv curve-$m-2.csv
	same "curve --opt-method $m: -j 1 vs -j 3" curve-$m-1.csv curve-$m-3.csv
done
check "curve rows: 6 policies x 80 sizes" "$(tail -n +2 curve-auto-1.csv | wc -l)" 480
# batch: cells one at a time (each with every core) and two at a time (one
# thread each), into the same folder name, as its files name it
mkdir -p spec/tr
cp hc.vmt zipf.txt belady.txt spec/tr/
cat >spec/exp.ini <<'S'
traces = tr/*
policies = all
frames = 1:40
page-sizes = 1, 4K
seed = 5
lfu-aging = 200
figures = hit-rate, faults
S
for j in 1 2; do
	rm -rf bout
	expect_ok "batch -j $j" "$VMSIM" batch spec/exp.ini -o bout -j $j --script-only -q
	mv bout bout-$j
done
check "batch cells" "$(ls bout-1/cells | wc -l)" 6
for f in $(cd bout-1 && find . -type f | sort); do
	same "batch -j 1 vs -j 2: $f" "bout-1/$f" "bout-2/$f"
done
check "batch files" "$(cd bout-1 && find . -type f | sort | tr '\n' ' ')" \
	"$(cd bout-2 && find . -type f | sort | tr '\n' ' ')"

# ------------------------------------------------------ the seed matters
"$VMSIM" replay hc.vmt -p random -n 32 --seed 1 -f csv -o s1.csv
"$VMSIM" replay hc.vmt -p random -n 32 --seed 2 -f csv -o s2.csv
[ "$(csv_get s1.csv 1 faults)" != "$(csv_get s2.csv 1 faults)" ] && ok ||
	bad "random: seeds 1 and 2 give the same faults"
check "seed recorded (1)" "$(csv_get s1.csv 1 seed)" 1
check "seed recorded (2)" "$(csv_get s2.csv 1 seed)" 2
"$VMSIM" gen -w uniform --refs 1000 --seed 1 -o g1.txt -q
"$VMSIM" gen -w uniform --refs 1000 --seed 2 -o g2.txt -q
cmp -s g1.txt g2.txt && bad "gen: seeds 1 and 2 give the same trace" || ok

# ------------------------------------ what made a result is in the result
# replay: every row names the trace, policy, frames, page size, seed, LFU's
# aging period (for LFU) and the version
"$VMSIM" replay hc.vmt -p lfu,random -n 24 -s 8K --seed 77 --lfu-aging 300 -f csv -o cfg.csv
for col in trace policy frames page_size seed lfu_aging mode version; do
	head -1 cfg.csv | tr ',' '\n' | grep -qx "$col" && ok || bad "replay CSV lacks '$col'"
done
check "replay trace" "$(csv_get cfg.csv 1 trace)" hc.vmt
check "replay policy" "$(csv_get cfg.csv 2 policy)" random
check "replay frames" "$(csv_get cfg.csv 1 frames)" 24
check "replay page_size" "$(csv_get cfg.csv 1 page_size)" 8192
check "replay seed" "$(csv_get cfg.csv 2 seed)" 77
check "replay lfu_aging" "$(csv_get cfg.csv 1 lfu_aging)" 300
check "replay version" "$(csv_get cfg.csv 1 version)" "$VERSION"
# a row is enough to rerun it: the same options from the row, the same row
"$VMSIM" replay "$(csv_get cfg.csv 1 trace)" -p "$(csv_get cfg.csv 1 policy)" \
	-n "$(csv_get cfg.csv 1 frames)" -s "$(csv_get cfg.csv 1 page_size)" \
	--seed "$(csv_get cfg.csv 1 seed)" --lfu-aging "$(csv_get cfg.csv 1 lfu_aging)" \
	-f csv -o rerun.csv
check "rerun from the row" "$(sed -n 2p rerun.csv | cut -d, -f1-14)" "$(sed -n 2p cfg.csv | cut -d, -f1-14)"
# curve and batch cells: the same schema, the spec's seed and aging
check "curve seed" "$(csv_get curve-auto-1.csv 1 seed)" 13
check "curve version" "$(csv_get curve-auto-1.csv 1 version)" "$VERSION"
cell=$(ls bout-1/cells/*.csv | head -1)
check "batch cell seed" "$(csv_get "$cell" 1 seed)" 5
check "batch cell version" "$(csv_get "$cell" 1 version)" "$VERSION"
check "batch results version" "$(csv_get bout-1/results.csv 1 version)" "$VERSION"
grep -q "Made by vmsim $VERSION from" bout-1/index.md && ok || bad "index.md does not name the version"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "lfu_aging") c = i; next }
	$2 == "lfu" && $c != 200 { bad = 1 } END { exit bad }' bout-1/results.csv \
	&& ok || bad "batch: lfu rows do not carry the spec's lfu-aging 200"
# translation: the TLBs, page table, huge pages, ASIDs and latencies used
"$VMSIM" replay hc.vmt -p lru -n 64 --tlb 32:4:fifo --stlb 256:8 --levels 5 --pwc 8 --huge 2M \
	--latency walk=30 --seed 3 -f csv -o x.csv
for kv in tlb=32:4:fifo stlb=256:8:lru pt_levels=5 pwc=8 huge=2048K asid=on seed=3 \
	version=$VERSION; do
	check "translation row: ${kv%%=*}" "$(csv_get x.csv 1 "${kv%%=*}")" "${kv#*=}"
done
# the last two columns hold commas, so they are quoted
check "translation row: pt_bits, latency" "$(head -1 x.csv | tr ',' '\n' | tail -2 | tr '\n' ' ')" \
	"pt_bits latency "
tail -1 x.csv | grep -q ',"9,9,9,9,9","tlb=1,stlb=7,mem=100,walk=30,' && ok ||
	bad "pt_bits and latency: $(tail -1 x.csv | cut -c1-40)..."
# tlb-curve, stat, counters, check's JUnit
"$VMSIM" tlb-curve hc.vmt --entries 8 --policy random --seed 21 -f csv -o t.csv
check "tlb-curve seed" "$(csv_get t.csv 1 seed)" 21
check "tlb-curve version" "$(csv_get t.csv 1 version)" "$VERSION"
"$VMSIM" stat hc.vmt -s 2M -f csv -o st.csv
check "stat page_size" "$(csv_get st.csv 1 page_size)" 2097152
check "stat version" "$(csv_get st.csv 1 version)" "$VERSION"
"$VMSIM" counters -f csv -o ctr.csv -- true
check "counters version" "$(csv_get ctr.csv 1 version)" "$VERSION"
"$VMSIM" check cfg.csv --baseline cfg.csv --junit j.xml 2>/dev/null
grep -q "<property name=\"vmsim_version\" value=\"$VERSION\"/>" j.xml && ok || bad "JUnit lacks the version"

finish
