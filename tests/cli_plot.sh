#!/bin/bash
# tests/cli_plot.sh - figures end to end: real gnuplot on real results.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   belady     Belady's string drawn: every policy's colour and marker in the
#              script, Clock keyed "(= FIFO)" and dashed, every point marked,
#              a PNG and a PDF of the same physical size (when pdftoppm is
#              installed: the PDF rasterised at 300 dpi has the PNG's pixels)
#   one script x.png then x.pdf leave one .gp and .dat, and the .gp redraws
#              either by hand
#   ranges     hit rate never leaves [0, 1]; counts start at 0; a log axis
#              drops zeros with a note that counts them
#   memory     --memory on replay and curve; 4 KiB and 2 MiB pages on a
#              memory axis are two series with KiB/MiB ticks
#   tlb        a --ways 1,2,full sweep: the one-set rows are one series "full"
#   facets     --facet trace draws a multiplot image, one panel per trace
#   safety     an output that is the input is refused; names and titles with
#              newlines and gnuplot code run nothing (more in cli_hostile.sh)
#   help       plot --help describes the options
. "$(dirname "$0")/lib.sh"

has() { grep -qF -- "$2" "$1" && ok || bad "$1 lacks: $2"; }

printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >belady.txt
expect_ok "curve belady" "$VMSIM" curve belady.txt -s 1 -n 1:6 -f csv -o b.csv -q

# ---------------------------------------------------------------- belady
expect_ok "plot belady png" "$VMSIM" plot b.csv -o belady.png --metric faults
expect_ok "plot belady pdf" "$VMSIM" plot b.csv -o belady.pdf --metric faults
[ -s belady.png ] && [ -s belady.pdf ] && ok || bad "no belady image"
check "png magic" "$(head -c 4 belady.png | od -An -c | tr -d ' ')" '211PNG'
check "pdf magic" "$(head -c 5 belady.pdf)" '%PDF-'
# every policy's colour, in its own line style, with its marker
for c in '"#000000" lw 1.25 pt 7' '"#E69F00" lw 1.25 pt 9' '"#009E73" lw 1.25 pt 13' \
	'"#0072B2" lw 1.25 pt 5' '"#D55E00" lw 1.25 pt 11' '"#56B4E9" lw 1.25 pt 15'; do
	has belady.gp "$c"
done
check "six key entries" "$(grep -c 'keyentry with linespoints' belady.gp)" 6
has belady.gp 'title "Clock (= FIFO)"'
has belady.gp 'title "LFU (= LRU)"'
has belady.gp 'set style line 6 lc rgb "#56B4E9" lw 1.25 pt 15 dt 2'
# every point has a marker: OPT and Random each on all six; FIFO and Clock
# (equal) take turns along their shared line, as do LRU and LFU
check "every point marked" "$(grep -c 'every 1::0 using 1:2:3 with points' belady.gp)" 2
check "equal series take turns" "$(grep -c 'every 2::[01] using 1:2:3 with points' belady.gp)" 4
# FIFO's anomaly is in the data: 9 faults at 3 frames, 10 at 4
check "fifo bump" "$(awk '/^# index 1: FIFO/ { on = 1; next } /^#/ { on = 0 } on && NF { printf "%s:%s ", $1, $2 }' belady.dat)" \
	"1:12 2:12 3:9 4:10 5:5 6:5 "
has belady.gp 'set yrange [0:'
has belady.gp 'set ylabel "page faults (count)"'
# the same physical size: the PDF at 300 dpi is the PNG's size in pixels
if command -v pdftoppm >/dev/null 2>&1; then
	pdftoppm -r 300 -png belady.pdf raster
	png_wh() { od -An -tu1 -j16 -N8 "$1" | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }'; }
	check "pdf at 300 dpi = png" "$(png_wh raster-1.png)" "$(png_wh belady.png)"
else
	echo "note: pdftoppm missing (poppler-utils): the PDF's size is not compared"
fi

# ------------------------------------------------------------ one script
cp belady.gp from-pdf.gp
cp belady.dat from-pdf.dat
expect_ok "plot png again" "$VMSIM" plot b.csv -o belady.png --metric faults
cmp -s belady.gp from-pdf.gp && cmp -s belady.dat from-pdf.dat && ok || bad "x.png and x.pdf wrote different .gp/.dat"
# the script redraws by hand, from its own name
rm -f belady.png
(gnuplot belady.gp) 2>"$T/gp.err" && [ -s belady.png ] && ok || bad "gnuplot belady.gp: $(head -2 "$T/gp.err")"
(gnuplot -e "imgtype='svg'" belady.gp) 2>"$T/gp.err" && grep -q '<svg' belady.svg && ok || bad "gnuplot svg by hand"
# no file name in the script but through variables
grep -qE 'belady\.(png|pdf|svg|dat|gp)' belady.gp && bad "the script names a file" || ok

# ---------------------------------------------------------------- ranges
awk 'BEGIN { srand(3); for (i = 0; i < 4000; i++) print int(rand() * rand() * 60) }' >skew.txt
expect_ok "curve skew" "$VMSIM" curve skew.txt -s 1 -n 1:80 -f csv -o skew.csv -q
expect_ok "plot hit rate" "$VMSIM" plot skew.csv -o hr.svg --script-only
lo=$(sed -n 's/^set yrange \[\(.*\):\(.*\)\]/\1 \2/p' hr.gp)
awk -v r="$lo" 'BEGIN { split(r, a, " "); exit !(a[1] >= 0 && a[2] <= 1) }' && ok || bad "hit rate range $lo"
expect_ok "plot faults log" "$VMSIM" plot skew.csv -o lf.svg --script-only --metric faults --log-x --log-y
grep -q 'e+0\|"[0-9.]*m"' lf.gp && bad "SI or e+ ticks in lf.gp" || ok
printf 'trace,policy,frames,faults\nt,lru,1,10\nt,lru,2,0\nt,lru,4,0\n' >zeros.csv
expect_ok "plot zeros on log" "$VMSIM" plot zeros.csv -o z.svg --script-only --metric faults --log-y
grep -q 'note: .*2 points with a zero or negative value left out' "$T/err" && ok || bad "no note of dropped points: $(cat "$T/err")"

# ---------------------------------------------------------------- memory
expect_ok "replay --memory" "$VMSIM" replay belady.txt -p lru --memory 2,4 -s 1 -f csv
check "replay memory frames" "$(csv_get "$T/out" 2 frames),$(csv_get "$T/out" 2 memory_bytes)" "4,4"
expect_fail "replay --memory %" 2 "need the whole trace" "$VMSIM" replay belady.txt -p lru --memory 50% -s 1
expect_fail "replay --memory below a page" 2 "at least one 4096-byte page" "$VMSIM" replay belady.txt -p lru --memory 1K
expect_ok "curve --memory 4K" "$VMSIM" curve "$TRACES/sort-merge.vmt" -p lru --memory 4K:64K:x2 -f csv -o m4k.csv -q
check "curve memory rows" "$(tail -n +2 m4k.csv | wc -l)" 5
expect_ok "curve --memory 2M" "$VMSIM" curve "$TRACES/sort-merge.vmt" -p lru -s 2M --memory '50%:100%' -f csv -o m2m.csv -q
expect_ok "merge pages" "$VMSIM" merge m4k.csv m2m.csv -o pages.csv
expect_ok "plot memory" "$VMSIM" plot pages.csv -o mem.png --x memory --metric faults --log-x --log-y
has mem.gp 'title "LRU, 4 KiB pages"'
has mem.gp 'title "LRU, 2 MiB pages"'
has mem.gp 'KiB"'
has mem.gp 'set xlabel "memory size"'

# ------------------------------------------------------------------- tlb
expect_ok "tlb-curve" "$VMSIM" tlb-curve "$TRACES/sort-heap.vmt" --entries 4:64:x2 --ways 1,2,full -f csv -o tlb.csv -q
expect_ok "plot tlb" "$VMSIM" plot tlb.csv -o tlb.png --x entries --metric tlb_misses --log-x
check "tlb series" "$(grep -c 'keyentry with linespoints' tlb.gp)" 3
has tlb.gp 'title "LRU, full"'
has tlb.gp 'set ylabel "TLB misses (count)"'
has tlb.gp 'set xlabel "TLB entries"'

# ---------------------------------------------------------------- facets
cp belady.txt other.txt
expect_ok "curve other" "$VMSIM" curve other.txt -s 1 -n 1:6 -p lru,fifo -f csv -o o.csv -q
expect_ok "merge facets" "$VMSIM" merge b.csv o.csv -o two.csv
expect_ok "plot facets" "$VMSIM" plot two.csv -o facets.png --metric faults --facet trace
[ -s facets.png ] && ok || bad "no facet image"
has facets.gp 'layout 1,2'
has facets.gp 'set title "other.txt"'
expect_fail "facet bad column" 2 "no column 'nope' to draw panels by" "$VMSIM" plot two.csv -o f.png --facet nope

# ---------------------------------------------------------------- safety
cp b.csv in.dat
expect_fail "output is input" 2 "in.dat is the input in.dat: refusing" "$VMSIM" plot in.dat -o in.png
cmp -s b.csv in.dat && ok || bad "the input changed"
expect_ok "plot hostile name" "$VMSIM" plot b.csv -o $'x\nsystem("touch pwned")\n.png' --title $'t\nsystem("touch pwned2")'
[ ! -e pwned ] && [ ! -e pwned2 ] && ok || bad "a name or title ran a command"
ls ./*.tmp.* >/dev/null 2>&1 && bad "plot left temporary files" || ok

# ------------------------------------------------------------------ help
expect_ok "plot --help" "$VMSIM" plot --help
for o in --facet --x --log-x --log-y --series --trace --script-only memory imgtype; do
	grep -q -- "$o" "$T/out" && ok || bad "plot --help lacks $o"
done

finish
