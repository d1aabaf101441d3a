#!/bin/sh
# docs/figures/make.sh - the figure gallery: one figure of each kind vmsim
# draws, as PNG and PDF, from the shipped traces and `vmsim gen`.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   make figures          (or: VMSIM=build/vmsim docs/figures/make.sh [OUTDIR])
#
# Writes OUTDIR (default: this folder) NAME.png, NAME.pdf, NAME.gp, NAME.dat
# for each figure, from results computed in a scratch folder:
#
#   policy-linear   six policies on a real trace (hashtab), miss ratio
#   policy-log      six policies on sort-merge, page faults, log-log
#   belady          Belady's anomaly: FIFO faults more with 4 frames than 3
#   ostep-loop      OSTEP's looping workload (50 pages): LRU and FIFO fault
#                   on every reference until all 50 fit
#   ostep-8020      OSTEP's 80-20 workload: hit rate of every policy
#   tlb-ways        TLB misses against entries, one line per associativity
#                   (fully associative: "full")
#   memory-pages    4 KiB against 2 MiB pages on a memory axis (bytes)
#   facets          a batch overview: one panel per trace, shared axes
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
VMSIM=${VMSIM:-$root/build/vmsim}
out=${1:-$here}
tr=$root/traces
mkdir -p "$out"
tmp=$(mktemp -d /tmp/vmsim-figures.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# draw NAME CSV [plot options...]: NAME.png and NAME.pdf (one .gp/.dat)
draw() {
	name=$1 csv=$2
	shift 2
	"$VMSIM" plot "$csv" -o "$out/$name.png" "$@"
	"$VMSIM" plot "$csv" -o "$out/$name.pdf" "$@"
	echo "figures: $out/$name.png .pdf"
}

q="-q -f csv"

# policy curves on a real trace
"$VMSIM" curve "$tr/hashtab.vmt" -n 2:64:2 $q -o "$tmp/ht.csv"
draw policy-linear "$tmp/ht.csv" --metric miss-ratio
"$VMSIM" curve "$tr/sort-merge.vmt" -n 1:256:x1.3 $q -o "$tmp/sm.csv"
draw policy-log "$tmp/sm.csv" --metric faults --log-x --log-y

# Belady's anomaly (Belady, Nelson and Shedler 1969)
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >"$tmp/belady.txt"
"$VMSIM" curve "$tmp/belady.txt" -s 1 -n 1:6 $q -o "$tmp/belady.csv"
draw belady "$tmp/belady.csv" --metric faults --title "Belady's anomaly (12 references, 5 pages)"

# OSTEP's paging-policy workloads (10,000 references each)
"$VMSIM" gen -w loop --pages 50 -o "$tmp/looping.txt" -q
"$VMSIM" curve "$tmp/looping.txt" -n 1:60 $q -o "$tmp/looping.csv"
draw ostep-loop "$tmp/looping.csv" --metric hit-rate --title "OSTEP looping workload (50 pages)"
"$VMSIM" gen -w hotcold --pages 100 --hot-frac 0.2 --hot-refs 0.8 -o "$tmp/8020.txt" -q
"$VMSIM" curve "$tmp/8020.txt" -n 1:100 $q -o "$tmp/8020.csv"
draw ostep-8020 "$tmp/8020.csv" --metric hit-rate --title "OSTEP 80-20 workload (100 pages)"

# a TLB sweep: entries x ways, fully associative as one line
"$VMSIM" tlb-curve "$tr/sort-heap.vmt" --entries 4:1024:x2 --ways 1,2,4,full $q -o "$tmp/tlb.csv"
draw tlb-ways "$tmp/tlb.csv" --x entries --metric tlb_misses --log-x --log-y

# 4 KiB against 2 MiB pages: frames are not comparable, bytes are
"$VMSIM" curve "$tr/sort-heap.vmt" -p lru,fifo -n auto $q -o "$tmp/4k.csv"
"$VMSIM" curve "$tr/sort-heap.vmt" -p lru,fifo -s 2M -n auto $q -o "$tmp/2m.csv"
"$VMSIM" merge "$tmp/4k.csv" "$tmp/2m.csv" -o "$tmp/pages.csv"
draw memory-pages "$tmp/pages.csv" --x memory --metric faults --log-x --log-y

# a batch overview: one panel per trace, shared axes
for t in matmul-blocked sort-merge sort-heap hashtab; do
	"$VMSIM" curve "$tr/$t.vmt" -p opt,lru,fifo,clock -n 1:256:x1.5 $q -o "$tmp/f-$t.csv"
done
"$VMSIM" merge "$tmp"/f-*.csv -o "$tmp/facets.csv"
draw facets "$tmp/facets.csv" --metric faults --log-x --log-y --facet trace
