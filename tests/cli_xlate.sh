#!/bin/bash
# tests/cli_xlate.sh - end-to-end tests of address translation: replay's TLB,
# page-table, walk-cache, huge-page, ASID and cost options and columns, and
# vmsim tlb-curve.  Golden files are tests/golden/xlate-*.  Prints
# "N passed, N failed".
#
# SPDX-License-Identifier: BSD-2-Clause
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- inputs
# a 10-int loop (4-byte ints at 0x1000) for 16-byte pages
for i in 0 1 2 3 4 5 6 7 8 9; do printf 'R 0x%x\n' $((0x1000 + 4 * i)); done >loop10.txt
# 20000 references with locality over about 300 pages: Park-Miller (exact in
# doubles), a hot loop over 24 pages and some instruction fetches
awk 'BEGIN { x = 42
	for (i = 0; i < 20000; i++) {
		x = (x * 16807) % 2147483647
		r = x % 100
		if (r < 55) p = (i / 7) % 24; else if (r < 85) p = 24 + x % 64; else p = 100 + x % 300
		k = (x % 7 == 0) ? "I" : (x % 5 == 0 ? "W" : "R")
		printf "%s 0x%x\n", k, 0x400000 + p * 4096 + (x % 4096)
	} }' >gen.txt
# two processes touching the same two addresses
printf 'R 0x1000\nR 0x2000\nR 0x1000\nR 0x2000\n' >a.txt
cp a.txt b.txt

# ------------------------------------------------------------------ help
expect_ok "help" "$VMSIM" --help
grep -q 'tlb-curve' "$T/out" && ok || bad "--help does not list tlb-curve"
expect_ok "replay --help" "$VMSIM" replay --help
for o in --tlb --itlb --dtlb --stlb --levels --pt-bits --pte-size --pwc --huge --thp-fraction \
	--asid --interleave --latency --3c-reference; do
	grep -q -- "$o" "$T/out" && ok || bad "replay --help lacks $o"
done
grep -q 'default: tlb=1,stlb=7,mem=100,walk=100,fault=100000,writeback=100000' "$T/out" && ok ||
	bad "replay --help does not show the latency defaults"
expect_ok "tlb-curve --help" "$VMSIM" tlb-curve --help
for o in --entries --ways --sets --policy --page-size --huge --3c-reference; do
	grep -q -- "$o" "$T/out" && ok || bad "tlb-curve --help lacks $o"
done

# ------------------------------------------------------- golden: replay
# The textbook loop: 3 misses in 10 (70% hits); 3 walks of 5 levels (the
# default table for 16-byte pages is 8,9,9,9,9).
expect_ok "int loop" "$VMSIM" replay loop10.txt -p lru -n 4 -s 16 --tlb 4:full -f csv -o loop.csv
check "loop tlb_hits" "$(csv_get loop.csv 1 tlb_hits)" 7
check "loop tlb_misses" "$(csv_get loop.csv 1 tlb_misses)" 3
check "loop walks" "$(csv_get loop.csv 1 walks)" 3
check "loop walk_refs" "$(csv_get loop.csv 1 walk_refs)" 15
check "loop pt_levels" "$(csv_get loop.csv 1 pt_levels)" 5
check "loop unconfigured itlb" "$(csv_get loop.csv 1 itlb_hits)" ""
check "loop unconfigured stlb" "$(csv_get loop.csv 1 stlb_misses)" ""
check "loop tlb column" "$(csv_get loop.csv 1 tlb)" "4:full:lru"
# the old columns keep their names and order; the new ones come after
head -1 loop.csv | grep -qE '^trace,policy,frames,page_size,refs,hits,faults,hit_rate,compulsory,evictions,writebacks,distinct_pages,seed,lfu_aging,mode,version,([a-z_]+,)*asid,' \
	&& ok || bad "replay header: $(head -1 loop.csv | cut -c1-200)"
for c in tlb_hits tlb_misses itlb_hits itlb_misses dtlb_hits dtlb_misses stlb_hits stlb_misses \
	walks walk_refs pt_pages pt_bytes avg_access_ns; do
	head -1 loop.csv | tr , '\n' | grep -qx "$c" && ok || bad "replay header lacks $c"
done
# a plain replay is unchanged: no translation columns
expect_ok "plain replay" "$VMSIM" replay loop10.txt -p lru -n 4 -s 16 -f csv
check "plain header" "$(head -1 "$T/out" | tr , '\n' | grep -cx -e asid -e tlb)" "0"

# 32-bit x86: 4 KiB pages, two levels of 10 bits, 4-byte entries: a single
# page needs the directory and one table (8 KiB); the linear table is 4 MiB
printf 'R 0x1000\n' >one.txt
expect_ok "x86 32" "$VMSIM" replay one.txt -p lru -n 1 --pt-bits 10,10 --pte-size 4 -f csv -o x86.csv
check "x86 pt_pages" "$(csv_get x86.csv 1 pt_pages)" 2
check "x86 pt_bytes" "$(csv_get x86.csv 1 pt_bytes)" 8192
check "x86 linear" "$(csv_get x86.csv 1 pt_linear_bytes)" 4194304
check "x86 walk_refs" "$(csv_get x86.csv 1 walk_refs)" 2
expect_ok "la57" "$VMSIM" replay one.txt -p lru -n 1 --levels 5 -f csv -o la57.csv
check "la57 walk_refs" "$(csv_get la57.csv 1 walk_refs)" 5
check "la57 pt_l5_pages" "$(csv_get la57.csv 1 pt_l5_pages)" 1

# One run reports frames, TLB levels, walks, the page-table footprint and
# modelled time together; the human table is a golden file.
expect_ok "golden replay" "$VMSIM" replay gen.txt -p lru -n 64 --tlb 16:4 --stlb 64:8 --pwc 4
golden xlate-replay.txt "$T/out"
expect_ok "golden replay split" "$VMSIM" replay gen.txt -p lru,fifo -n 24,200 --itlb 8:2 \
	--dtlb 16:4:fifo --stlb 48:4 --huge auto --thp-fraction 0.05 --latency walk=30 -f csv
golden xlate-replay-split.csv "$T/out"

# a fully associative LRU TLB of E entries misses as LRU paging with E frames faults
expect_ok "lru paging" "$VMSIM" replay gen.txt -p lru -n 8,16,32,64 -f csv -o paging.csv
expect_ok "fa curve" "$VMSIM" tlb-curve gen.txt --entries 8:64 -f csv -o fa.csv
for r in 1 2 3 4; do
	check "fa $r" "$(csv_get fa.csv $r tlb_misses)" "$(csv_get paging.csv $r faults)"
done
check "fa entries" "$(csv_get fa.csv 4 entries)" 64
check "fa mode" "$(csv_get fa.csv 1 mode)" one-pass
# ... and a curve row equals replay with that TLB (and room for every page)
expect_ok "curve 48:4" "$VMSIM" tlb-curve gen.txt --entries 48,64 --ways 4 -f csv -o c4.csv
expect_ok "replay 48:4" "$VMSIM" replay gen.txt -p lru -n 1000 --tlb 48:4 -f csv -o r48.csv
expect_ok "replay 64:4" "$VMSIM" replay gen.txt -p fifo -n 1000 --tlb 64:4 -f csv -o r64.csv
check "curve = replay 48:4" "$(csv_get c4.csv 1 tlb_misses)" "$(csv_get r48.csv 1 tlb_misses)"
check "curve = replay 64:4" "$(csv_get c4.csv 2 tlb_misses)" "$(csv_get r64.csv 1 tlb_misses)"
check "curve 3C = replay 3C" "$(csv_get c4.csv 1 tlb_conflict)" "$(csv_get r48.csv 1 tlb_conflict)"
check "curve sets" "$(csv_get c4.csv 1 sets)" 12
expect_ok "curve fifo" "$VMSIM" tlb-curve gen.txt --entries 64 --ways 4 --policy fifo -f csv -o cf.csv
check "curve fifo mode" "$(csv_get cf.csv 1 mode)" per-size
expect_ok "replay fifo tlb" "$VMSIM" replay gen.txt -p lru -n 1000 --tlb 64:4:fifo -f csv -o rf.csv
check "curve fifo = replay" "$(csv_get cf.csv 1 tlb_misses)" "$(csv_get rf.csv 1 tlb_misses)"
# a fixed set count, every associativity in one pass; more ways never miss more
expect_ok "curve sets" "$VMSIM" tlb-curve gen.txt --sets 4 --ways 1:8 -f csv -o cs.csv
check "curve sets rows" "$(($(wc -l <cs.csv) - 1))" 8
check "curve sets entries" "$(csv_get cs.csv 8 entries)" 32
prev=999999999
for r in 1 2 3 4 5 6 7 8; do
	m=$(csv_get cs.csv $r tlb_misses)
	[ "$m" -le "$prev" ] && ok || bad "4 sets: $r ways miss $m, more than $prev"
	prev=$m
done
expect_ok "golden curve" "$VMSIM" tlb-curve gen.txt --entries 4:64 --ways 1,2,full -f csv
golden xlate-tlbcurve.csv "$T/out"
# streaming (one configuration) and loaded (several) agree
expect_ok "stream" "$VMSIM" replay gen.txt -p clock -n 40 --itlb 8:2 --dtlb 16:4 --stlb 64:8:random --pwc 2 -f csv -o s.csv
expect_ok "loaded" "$VMSIM" replay gen.txt -p clock,lru -n 40 --itlb 8:2 --dtlb 16:4 --stlb 64:8:random --pwc 2 -f csv -o l.csv
check "stream mode" "$(csv_get s.csv 1 mode)" stream
check "stream = loaded" "$(cut -d, -f1-14,17-80 s.csv | tail -1)" "$(cut -d, -f1-14,17-80 l.csv | sed -n 2p)"

# huge pages: 2M maps the whole trace (under 2M of addresses) with one
# translation; walks are one level shorter; no leaf tables
expect_ok "huge 2M" "$VMSIM" replay gen.txt -p lru -n 1000 --tlb 16:4 --huge 2M -f csv -o h.csv
check "2M translations" "$(csv_get h.csv 1 translations)" 1
check "2M misses" "$(csv_get h.csv 1 tlb_misses)" 1
check "2M walk_refs" "$(csv_get h.csv 1 walk_refs)" 3
check "2M leaf tables" "$(csv_get h.csv 1 pt_l1_pages)" 0
check "2M huge" "$(csv_get h.csv 1 huge)" 2048K
expect_ok "huge auto" "$VMSIM" replay gen.txt -p lru -n 1000 --tlb 16:4 --huge auto --thp-fraction 0.1 -f csv -o ha.csv
check "auto promotions" "$(csv_get ha.csv 1 promotions)" 1
check "auto huge" "$(csv_get ha.csv 1 huge)" auto:2048K
check "auto fraction" "$(csv_get ha.csv 1 thp_fraction)" 0.100000

# ASIDs: two interleaved processes, two references a turn: 3 switches.
# Tagged, the 4 translations fit a 4-entry TLB (4 compulsory misses);
# flushed, every turn misses twice (4 more, invalidation misses).
expect_ok "asid on" "$VMSIM" replay a.txt b.txt -p lru -n 16 --tlb 4:full --interleave 2 -f csv -o on.csv
expect_ok "asid off" "$VMSIM" replay a.txt b.txt -p lru -n 16 --tlb 4:full --interleave 2 --asid off -f csv -o off.csv
check "interleave trace" "$(csv_get on.csv 1 trace)" "a.txt+b.txt"
check "interleave refs" "$(csv_get on.csv 1 refs)" 8
check "interleave pages" "$(csv_get on.csv 1 distinct_pages)" 4
check "asid on misses" "$(csv_get on.csv 1 tlb_misses)" 4
check "asid on switches" "$(csv_get on.csv 1 switches)" 3
check "asid on flushes" "$(csv_get on.csv 1 flushes)" 0
check "asid off misses" "$(csv_get off.csv 1 tlb_misses)" 8
check "asid off invalidation" "$(csv_get off.csv 1 tlb_invalidation)" 4
check "asid off flushes" "$(csv_get off.csv 1 flushes)" 3
check "asids" "$(csv_get off.csv 1 asids)" 2
check "two page tables" "$(csv_get off.csv 1 pt_pages)" 8

# the cost model: 10 lookups x 1 + 15 walk refs x 100 = 1510 ns to translate;
# + 10 x 100 memory + 3 faults x 100000 = 302510 ns: 30251 ns a reference
check "avg_xlate_ns" "$(csv_get loop.csv 1 avg_xlate_ns)" 151.000000
check "avg_access_ns" "$(csv_get loop.csv 1 avg_access_ns)" 30251.000000
expect_ok "latency" "$VMSIM" replay loop10.txt -p lru -n 4 -s 16 --tlb 4:full --latency walk=10,fault=0,mem=1 -f csv -o lat.csv
# 10 x 1 + 15 walk refs x 10 + 10 x 1 memory + 3 faults x 0 = 170 ns
check "latency avg_access_ns" "$(csv_get lat.csv 1 avg_access_ns)" 17.000000

# tlb-curve skips the (entries, ways) pairs that are no TLB (ways must divide
# the entries) and says how many: 4:64 doubling with 8 ways drops 4
expect_ok "curve skips" "$VMSIM" tlb-curve gen.txt --entries 4:64 --ways 8 -f csv -o skip.csv
check "curve skips rows" "$(($(wc -l <skip.csv) - 1))" 4
check "curve skips first" "$(csv_get skip.csv 1 entries)" 8
grep -q "skipped 1 of 5 (entries, ways) pairs" "$T/err" && ok || bad "no skip note: $(cat "$T/err")"
expect_ok "curve skips 2" "$VMSIM" tlb-curve gen.txt --entries 4:64 --ways 1,8,full -f csv -o skip2.csv
check "curve skips 2 rows" "$(($(wc -l <skip2.csv) - 1))" 14
grep -q "skipped 1 of 15" "$T/err" && ok || bad "no skip note: $(cat "$T/err")"

# --3c-reference: fully associative FIFO of 2 entries on pages 1 2 1 3 1
# (hand-worked in test_xlate.c): 4 misses, 3 compulsory; the last one is a
# conflict against an LRU reference, a capacity miss against FIFO (same)
printf '1\n2\n1\n3\n1\n' >abaca.txt
for r in lru same; do
	expect_ok "3c $r" "$VMSIM" replay abaca.txt -s 1 -p lru -n 8 --tlb 2:full:fifo --3c-reference $r -f csv -o 3c-$r.csv
	check "3c $r column" "$(csv_get 3c-$r.csv 1 tlb_3c_reference)" $r
	check "3c $r misses" "$(csv_get 3c-$r.csv 1 tlb_misses)" 4
	check "3c $r compulsory" "$(csv_get 3c-$r.csv 1 tlb_compulsory)" 3
done
check "3c lru split" "$(csv_get 3c-lru.csv 1 tlb_capacity),$(csv_get 3c-lru.csv 1 tlb_conflict)" 0,1
check "3c same split" "$(csv_get 3c-same.csv 1 tlb_capacity),$(csv_get 3c-same.csv 1 tlb_conflict)" 1,0
expect_ok "3c curve same" "$VMSIM" tlb-curve gen.txt --entries 8:64 --policy fifo --3c-reference same -f csv -o 3cc.csv
for r in 1 2 3 4; do
	check "3c curve fa conflict $r" "$(csv_get 3cc.csv $r tlb_conflict)" 0
done
check "3c curve column" "$(csv_get 3cc.csv 1 tlb_3c_reference)" same

# the default layout follows the hardware: tables of one page up to 64K, 4 KiB
# tables under bigger (huge) pages; tiny pages spread 48 bits over 5 levels
for sp in 1:8,10,10,10,10 16:8,9,9,9,9 4K:9,9,9,9 16K:1,11,11,11 64K:6,13,13 2M:9,9,9 1G:9,9; do
	expect_ok "layout ${sp%%:*}" "$VMSIM" replay one.txt -p lru -n 1 -s ${sp%%:*} --tlb 4:full -f csv -o lay.csv
	grep -q ",\"${sp#*:}\",\"tlb=" lay.csv && ok || bad "layout ${sp%%:*}: $(tail -1 lay.csv)"
done
check "1G walk_refs (9,9)" "$(csv_get lay.csv 1 walk_refs)" 2
# pt_tables counts tables of any size (pt_pages, the old name, the same)
expect_ok "tables" "$VMSIM" replay gen.txt -p lru -n 1000 --pt-bits 12,12,12 -f csv -o tab.csv
check "pt_tables = pt_pages" "$(csv_get tab.csv 1 pt_tables)" "$(csv_get tab.csv 1 pt_pages)"
check "pt_bytes" "$(csv_get tab.csv 1 pt_bytes)" $(( $(csv_get tab.csv 1 pt_tables) * 4096 * 8 ))

# a fully associative TLB larger than the footprint equals one of the
# footprint's size (and costs memory by the footprint): every TLB column
expect_ok "fa huge" "$VMSIM" replay gen.txt -p lru -n 1000 --tlb 16777216:full -f csv -o fabig.csv
n=$(csv_get fabig.csv 1 translations)
expect_ok "fa footprint" "$VMSIM" replay gen.txt -p lru -n 1000 --tlb $n:full -f csv -o fafoot.csv
for c in tlb_hits tlb_misses tlb_compulsory tlb_capacity tlb_conflict walks avg_access_ns; do
	check "fa beyond footprint $c" "$(csv_get fabig.csv 1 $c)" "$(csv_get fafoot.csv 1 $c)"
done
expect_ok "many sets" "$VMSIM" replay gen.txt -p lru -n 1000 --tlb 16777216:1:lfu --stlb 16777216:2:random -f csv -o sets.csv
check "many sets misses" "$(csv_get sets.csv 1 tlb_misses)" "$(csv_get sets.csv 1 translations)"
# --asid off flushes by generation: a switch every reference through a
# 4096-entry fully associative TLB; every switch flushes, and every miss
# after the first touch is an invalidation
expect_ok "flush storm" "$VMSIM" replay gen.txt gen.txt --interleave 1 -p lru -n 1000 --tlb 4096:full \
	--asid off -f csv -o storm.csv
check "storm flushes" "$(csv_get storm.csv 1 flushes)" 39999
check "storm misses" "$(csv_get storm.csv 1 tlb_misses)" \
	$(( $(csv_get storm.csv 1 tlb_compulsory) + $(csv_get storm.csv 1 tlb_invalidation) ))

# ------------------------------------------------------------ bad options
R="$VMSIM replay gen.txt -p lru -n 4"
expect_fail "ways not dividing" 2 "--tlb 64:3: 3 ways do not divide 64 entries" $R --tlb 64:3
expect_fail "more ways" 2 "--stlb 64:128: more ways" $R --tlb 4:1 --stlb 64:128
expect_fail "tlb syntax" 2 "--tlb '64' is not ENTRIES:WAYS" $R --tlb 64
expect_fail "tlb policy" 2 "unknown policy 'lur'" $R --tlb 64:4:lur
expect_fail "tlb opt" 2 "needs the future" $R --tlb 64:4:opt
expect_fail "levels 6" 2 "--levels 6 is out of range: vmsim models 1 to 5 levels" $R --levels 6
expect_fail "levels 0" 2 "--levels 0 is out of range" $R --levels 0
expect_fail "tlb terabyte" 2 "--tlb 1000000000000:full: entries must be from 1 to 16777216" $R --tlb 1000000000000:full
expect_fail "tlb policy ways" 2 "--tlb 16777216:full:lfu: policy lfu keeps state per way; at most 65536 ways" $R --tlb 16777216:full:lfu
expect_fail "3c same limit" 2 "--3c-reference same needs a fully associative clock TLB of 131072 entries; at most 65536" $R --tlb 131072:2:clock --3c-reference same
expect_fail "3c junk" 2 "--3c-reference 'dinero' must be lru" $R --tlb 64:4 --3c-reference dinero
expect_fail "levels tiny pages" 2 "--levels 5: a 1-byte page holds fewer than 2 entries of 8 bytes; give --pt-bits" $R -s 1 --levels 5
expect_ok "bits wide" $R -s 1 --pt-bits 30,30 --pwc 65536 -f csv -o wide.csv
# one walk of 2 references, then the level-2 walk cache holds the one upper entry
check "bits wide walk_refs" "$(csv_get wide.csv 1 walk_refs)" "$(( 1 + $(csv_get wide.csv 1 walks) ))"
expect_fail "levels vs bits" 2 "--levels 3 does not match --pt-bits 9,9,9,9" $R --levels 3 --pt-bits 9,9,9,9
expect_fail "bits too wide" 2 "72-bit address, more than 64" $R --pt-bits 20,20,20
expect_fail "bits syntax" 2 "--pt-bits '9;9'" $R --pt-bits '9;9'
expect_fail "bits per level" 2 "1 to 32 bits" $R --pt-bits 40,9
expect_fail "pte size" 2 "--pte-size 6 must be a power of two" $R --pte-size 6
expect_fail "huge level" 2 "--huge 4M does not match a page-table level.*2M, 1G, 512G" $R --huge 4M
expect_fail "huge junk" 2 "--huge '3M'" $R --huge 3M
expect_fail "thp fraction" 2 "--thp-fraction '2'" $R --huge auto --thp-fraction 2
expect_fail "stlb alone" 2 "--stlb needs an L1 TLB" $R --stlb 64:4
expect_fail "itlb alone" 2 "--itlb and --dtlb go together" $R --itlb 64:4
expect_fail "tlb and itlb" 2 "exclude each other" $R --tlb 64:4 --itlb 8:1 --dtlb 8:1
expect_fail "asid junk" 2 "--asid 'maybe' must be on or off" $R --asid maybe
expect_fail "latency key" 2 "--latency: unknown key 'dram'" $R --latency dram=5
expect_fail "latency value" 2 "--latency: walk needs a number" $R --latency walk=fast
expect_fail "two traces" 2 "unexpected argument 'b.txt': several traces replay only with --interleave" "$VMSIM" replay a.txt b.txt -p lru -n 4
expect_fail "interleave 0" 2 "--interleave 0 must be from 1" "$VMSIM" replay a.txt b.txt -p lru -n 4 --interleave 0
printf 'R 0x100000000\n' >high.txt
expect_fail "beyond 32 bits" 1 "address 0x100000000 \(reference 1\) is beyond the 32-bit virtual address space" \
	"$VMSIM" replay high.txt -p lru -n 4 --pt-bits 10,10 --pte-size 4 -o high.csv
check "no partial result" "$(ls high.csv* 2>/dev/null)" ""
C="$VMSIM tlb-curve gen.txt"
expect_fail "curve no entries" 2 "--entries is required" $C
expect_fail "curve ways" 2 "no \(entries, ways\) pair is a TLB: ways must divide the entries" $C --entries 64 --ways 3
expect_fail "curve ways limit" 2 "policy lfu keeps state per way; at most 65536 ways" $C --entries 131072 --policy lfu
expect_fail "curve 3c junk" 2 "--3c-reference 'fifo' must be lru" $C --entries 64 --3c-reference fifo
expect_fail "curve sets+entries" 2 "--sets and --entries exclude each other" $C --entries 64 --sets 4
expect_fail "curve entries syntax" 2 "--entries '8:x'" $C --entries 8:x
expect_fail "curve opt" 2 "needs the future" $C --entries 64 --policy opt
expect_fail "curve huge auto" 2 "--huge auto needs the page table" $C --entries 64 --huge auto
expect_fail "curve missing file" 1 "nosuch.txt" "$VMSIM" tlb-curve nosuch.txt --entries 64

finish
