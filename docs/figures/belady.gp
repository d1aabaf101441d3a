# vmsim 0.1.0 figure: Belady's anomaly (12 references, 5 pages)
# The data is in the .dat beside this script: one block per series (gnuplot 'index'),
# columns frames, faults and a marker scale.  Restyle freely, then redraw with
#   gnuplot FIG.gp                        (FIG.png)
#   gnuplot -e "imgtype='pdf'" FIG.gp   (FIG.pdf; or svg)
if (!exists("stem")) stem = strlen(ARG0) > 3 ? ARG0[1:strlen(ARG0)-3] : "figure"
if (!exists("imgtype")) imgtype = "png"
if (!exists("datafile")) datafile = stem.".dat"
if (!exists("outfile")) outfile = stem.".".imgtype
if (imgtype eq "pdf") {
    set terminal pdfcairo size 5.223in,2.500in enhanced font "Sans,7" fontscale 1 linewidth 2 dashlength 2 pointscale 0.63 rounded
} else { if (imgtype eq "svg") {
    set terminal svg size 783,375 dynamic enhanced font "Sans,7" fontscale 2.0833 linewidth 2.0833 rounded
    set pointsize 1.9  # the svg terminal has no pointscale
} else {
    set terminal pngcairo size 1567,750 enhanced font "Sans,7" fontscale 4.1667 linewidth 4.1667 pointscale 2.6 rounded
}}
set output outfile
set encoding utf8
set border 3 lw 0.6
set tics nomirror out scale 0.6
set grid lc rgb "#dddddd" lw 0.5 lt 1
set key noenhanced box lw 0.5 opaque samplen 3 spacing 1.05 width 1
set key outside right top vertical Left reverse
set style line 1 lc rgb "#000000" lw 1.25 pt 7 dt 2
set style line 2 lc rgb "#E69F00" lw 1.25 pt 9 dt 1
set style line 3 lc rgb "#009E73" lw 1.25 pt 13 dt 1
set style line 4 lc rgb "#0072B2" lw 1.25 pt 5 dt 1
set style line 5 lc rgb "#D55E00" lw 1.25 pt 11 dt 2
set style line 6 lc rgb "#56B4E9" lw 1.25 pt 15 dt 2
set title " " noenhanced
set label 100 "Belady's anomaly (12 references, 5 pages)" at screen 0.5, screen 0.9520 center front noenhanced
set xrange [0.84999999999999998:6.1500000000000004]
set xtics ("1" 1, "2" 2, "3" 3, "4" 4, "5" 5, "6" 6)
set yrange [0:12.35]
set ytics ("0" 0, "5" 5, "10" 10)
set xlabel "memory size (frames of 1 B pages)" noenhanced
set ylabel "page faults (count)" noenhanced
plot \
    datafile index 0 using 1:2 with lines ls 1 notitle, \
    datafile index 1 using 1:2 with lines ls 2 notitle, \
    datafile index 2 using 1:2 with lines ls 3 notitle, \
    datafile index 3 using 1:2 with lines ls 4 notitle, \
    datafile index 4 using 1:2 with lines ls 5 notitle, \
    datafile index 5 using 1:2 with lines ls 6 notitle, \
    datafile index 0 every 1::0 using 1:2:3 with points ls 1 ps variable notitle, \
    datafile index 1 every 2::0 using 1:2:3 with points ls 2 ps variable notitle, \
    datafile index 2 every 1::0 using 1:2:3 with points ls 3 ps variable notitle, \
    datafile index 3 every 2::0 using 1:2:3 with points ls 4 ps variable notitle, \
    datafile index 4 every 2::1 using 1:2:3 with points ls 5 ps variable notitle, \
    datafile index 5 every 2::1 using 1:2:3 with points ls 6 ps variable notitle, \
    keyentry with linespoints ls 1 title "OPT", \
    keyentry with linespoints ls 2 title "FIFO", \
    keyentry with linespoints ls 3 title "Random", \
    keyentry with linespoints ls 4 title "LRU", \
    keyentry with linespoints ls 5 title "LFU (= LRU)", \
    keyentry with linespoints ls 6 title "Clock (= FIFO)"
