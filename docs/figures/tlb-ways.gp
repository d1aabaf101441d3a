# vmsim 0.1.0 figure: sort-heap.vmt: TLB misses vs TLB entries
# The data is in the .dat beside this script: one block per series (gnuplot 'index'),
# columns entries, tlb_misses and a marker scale.  Restyle freely, then redraw with
#   gnuplot FIG.gp                        (FIG.png)
#   gnuplot -e "imgtype='pdf'" FIG.gp   (FIG.pdf; or svg)
if (!exists("stem")) stem = strlen(ARG0) > 3 ? ARG0[1:strlen(ARG0)-3] : "figure"
if (!exists("imgtype")) imgtype = "png"
if (!exists("datafile")) datafile = stem.".dat"
if (!exists("outfile")) outfile = stem.".".imgtype
if (imgtype eq "pdf") {
    set terminal pdfcairo size 3.500in,2.500in enhanced font "Sans,7" fontscale 1 linewidth 2 dashlength 2 pointscale 0.63 rounded
} else { if (imgtype eq "svg") {
    set terminal svg size 525,375 dynamic enhanced font "Sans,7" fontscale 2.0833 linewidth 2.0833 rounded
    set pointsize 1.9  # the svg terminal has no pointscale
} else {
    set terminal pngcairo size 1050,750 enhanced font "Sans,7" fontscale 4.1667 linewidth 4.1667 pointscale 2.6 rounded
}}
set output outfile
set encoding utf8
set border 3 lw 0.6
set tics nomirror out scale 0.6
set grid lc rgb "#dddddd" lw 0.5 lt 1
set key noenhanced box lw 0.5 opaque samplen 3 spacing 1.05 width 1
set key inside top right Left reverse vertical
set style line 1 lc rgb "#440154" lw 1.25 pt 7 dt 1
set style line 2 lc rgb "#3B528B" lw 1.25 pt 5 dt 1
set style line 3 lc rgb "#21908C" lw 1.25 pt 9 dt 1
set style line 4 lc rgb "#9BD93C" lw 1.25 pt 11 dt 1
set title " " noenhanced
set label 100 "sort-heap.vmt: TLB misses vs TLB entries" at screen 0.5, screen 0.9520 center front noenhanced
set logscale x 2
set xrange [3.386981249450109:1209.336485303839]
set xtics ("4" 4, "16" 16, "64" 64, "256" 256, "1024" 1024)
set logscale y 10
set yrange [147.99948934778274:668790.11837268132]
set ytics ("1000" 1000, "10k" 10000, "100k" 100000)
set mytics 10
set xlabel "TLB entries" noenhanced
set ylabel "TLB misses (count)" noenhanced
plot \
    datafile index 0 using 1:2 with lines ls 1 notitle, \
    datafile index 1 using 1:2 with lines ls 2 notitle, \
    datafile index 2 using 1:2 with lines ls 3 notitle, \
    datafile index 3 using 1:2 with lines ls 4 notitle, \
    datafile index 0 every 1::0 using 1:2:3 with points ls 1 ps variable notitle, \
    datafile index 1 every 1::0 using 1:2:3 with points ls 2 ps variable notitle, \
    datafile index 2 every 1::0 using 1:2:3 with points ls 3 ps variable notitle, \
    datafile index 3 every 1::0 using 1:2:3 with points ls 4 ps variable notitle, \
    keyentry with linespoints ls 1 title "LRU, 1-way", \
    keyentry with linespoints ls 2 title "LRU, 2-way", \
    keyentry with linespoints ls 3 title "LRU, 4-way", \
    keyentry with linespoints ls 4 title "LRU, full"
