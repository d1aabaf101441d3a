# vmsim 0.1.0 figure: sort-heap.vmt: page faults vs memory size
# The data is in the .dat beside this script: one block per series (gnuplot 'index'),
# columns memory_bytes, faults and a marker scale.  Restyle freely, then redraw with
#   gnuplot FIG.gp                        (FIG.png)
#   gnuplot -e "imgtype='pdf'" FIG.gp   (FIG.pdf; or svg)
if (!exists("stem")) stem = strlen(ARG0) > 3 ? ARG0[1:strlen(ARG0)-3] : "figure"
if (!exists("imgtype")) imgtype = "png"
if (!exists("datafile")) datafile = stem.".dat"
if (!exists("outfile")) outfile = stem.".".imgtype
if (imgtype eq "pdf") {
    set terminal pdfcairo size 5.699in,2.500in enhanced font "Sans,7" fontscale 1 linewidth 2 dashlength 2 pointscale 0.63 rounded
} else { if (imgtype eq "svg") {
    set terminal svg size 855,375 dynamic enhanced font "Sans,7" fontscale 2.0833 linewidth 2.0833 rounded
    set pointsize 1.9  # the svg terminal has no pointscale
} else {
    set terminal pngcairo size 1710,750 enhanced font "Sans,7" fontscale 4.1667 linewidth 4.1667 pointscale 2.6 rounded
}}
set output outfile
set encoding utf8
set border 3 lw 0.6
set tics nomirror out scale 0.6
set grid lc rgb "#dddddd" lw 0.5 lt 1
set key noenhanced box lw 0.5 opaque samplen 3 spacing 1.05 width 1
set key outside right top vertical Left reverse
set style line 1 lc rgb "#966700" lw 1.25 pt 9 dt 1
set style line 2 lc rgb "#EFC159" lw 1.25 pt 9 dt 2
set style line 3 lc rgb "#004A74" lw 1.25 pt 5 dt 1
set style line 4 lc rgb "#59A3CD" lw 1.25 pt 5 dt 2
set title " " noenhanced
set label 100 "sort-heap.vmt: page faults vs memory size" at screen 0.5, screen 0.9520 center front noenhanced
set logscale x 2
set xrange [3219.1210772122854:16010459.475054163]
set xtics ("4 KiB" 4096, "32 KiB" 32768, "256 KiB" 262144, "2 MiB" 2097152)
set logscale y 10
set yrange [4.7297774428761725:1114266.3822243563]
set ytics ("10^{1}" 10, "10^{2}" 100, "10^{3}" 1000, "10^{4}" 10000, "10^{5}" 100000, "10^{6}" 1000000)
set mytics 10
set xlabel "memory size" noenhanced
set ylabel "page faults (count)" noenhanced
plot \
    datafile index 0 using 1:2 with lines ls 1 notitle, \
    datafile index 1 using 1:2 with lines ls 2 notitle, \
    datafile index 2 using 1:2 with lines ls 3 notitle, \
    datafile index 3 using 1:2 with lines ls 4 notitle, \
    datafile index 0 every 3::0 using 1:2:3 with points ls 1 ps variable notitle, \
    datafile index 1 every 1::0 using 1:2:3 with points ls 2 ps variable notitle, \
    datafile index 2 every 3::0 using 1:2:3 with points ls 3 ps variable notitle, \
    datafile index 3 every 1::0 using 1:2:3 with points ls 4 ps variable notitle, \
    keyentry with linespoints ls 1 title "FIFO, 4 KiB pages", \
    keyentry with linespoints ls 2 title "FIFO, 2 MiB pages", \
    keyentry with linespoints ls 3 title "LRU, 4 KiB pages", \
    keyentry with linespoints ls 4 title "LRU, 2 MiB pages", \
    keyentry with lines lt nodraw title "long lines: every 3rd"
