# vmsim 0.1.0 figure: page faults vs memory size, per trace
# The data is in the .dat beside this script: one block per series (gnuplot 'index'),
# columns frames, faults and a marker scale.  Restyle freely, then redraw with
#   gnuplot FIG.gp                        (FIG.png)
#   gnuplot -e "imgtype='pdf'" FIG.gp   (FIG.pdf; or svg)
if (!exists("stem")) stem = strlen(ARG0) > 3 ? ARG0[1:strlen(ARG0)-3] : "figure"
if (!exists("imgtype")) imgtype = "png"
if (!exists("datafile")) datafile = stem.".dat"
if (!exists("outfile")) outfile = stem.".".imgtype
if (imgtype eq "pdf") {
    set terminal pdfcairo size 6.160in,4.800in enhanced font "Sans,7" fontscale 1 linewidth 2 dashlength 2 pointscale 0.63 rounded
} else { if (imgtype eq "svg") {
    set terminal svg size 924,720 dynamic enhanced font "Sans,7" fontscale 2.0833 linewidth 2.0833 rounded
    set pointsize 1.9  # the svg terminal has no pointscale
} else {
    set terminal pngcairo size 1848,1440 enhanced font "Sans,7" fontscale 4.1667 linewidth 4.1667 pointscale 2.6 rounded
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
set style line 3 lc rgb "#0072B2" lw 1.25 pt 5 dt 1
set style line 4 lc rgb "#56B4E9" lw 1.25 pt 15 dt 1
set style line 5 lc rgb "#000000" lw 1.25 pt 7 dt 2
set style line 6 lc rgb "#E69F00" lw 1.25 pt 9 dt 1
set style line 7 lc rgb "#0072B2" lw 1.25 pt 5 dt 1
set style line 8 lc rgb "#56B4E9" lw 1.25 pt 15 dt 1
set style line 9 lc rgb "#000000" lw 1.25 pt 7 dt 2
set style line 10 lc rgb "#E69F00" lw 1.25 pt 9 dt 1
set style line 11 lc rgb "#0072B2" lw 1.25 pt 5 dt 1
set style line 12 lc rgb "#56B4E9" lw 1.25 pt 15 dt 1
set style line 13 lc rgb "#000000" lw 1.25 pt 7 dt 2
set style line 14 lc rgb "#E69F00" lw 1.25 pt 9 dt 1
set style line 15 lc rgb "#0072B2" lw 1.25 pt 5 dt 1
set style line 16 lc rgb "#56B4E9" lw 1.25 pt 15 dt 1
set multiplot title "page faults vs memory size, per trace" noenhanced layout 2,2 margins 0.1217,0.8117,0.1250,0.8750 spacing 0.0406,0.0833
set label 101 "memory size (frames of 4 KiB pages)" at screen 0.4667, screen 0.0250 center noenhanced
set label 102 "page faults (count)" at screen 0.0243, screen 0.5000 center rotate by 90 noenhanced
unset xlabel
unset ylabel
set title "hashtab.vmt" noenhanced
set logscale x 2
set xrange [0.84674531236252726:302.33412132595976]
set xtics ("" 1, "" 4, "" 16, "" 64, "" 256)
set logscale y 10
set yrange [144.65448969206068:2146016.7925713398]
set ytics ("10^{3}" 1000, "10^{4}" 10000, "10^{5}" 100000, "10^{6}" 1000000)
set mytics 10
set key at screen 0.8198, screen 0.8750 top left
plot \
    datafile index 0 using 1:2 with lines ls 1 notitle, \
    datafile index 1 using 1:2 with lines ls 2 notitle, \
    datafile index 2 using 1:2 with lines ls 3 notitle, \
    datafile index 3 using 1:2 with lines ls 4 notitle, \
    datafile index 0 every 1::0 using 1:2:3 with points ls 1 ps variable notitle, \
    datafile index 1 every 1::0 using 1:2:3 with points ls 2 ps variable notitle, \
    datafile index 2 every 1::0 using 1:2:3 with points ls 3 ps variable notitle, \
    datafile index 3 every 1::0 using 1:2:3 with points ls 4 ps variable notitle, \
    keyentry with linespoints ls 1 title "OPT", \
    keyentry with linespoints ls 2 title "FIFO", \
    keyentry with linespoints ls 3 title "LRU", \
    keyentry with linespoints ls 4 title "Clock"
unset label 101
unset label 102
set title "matmul-blocked.vmt" noenhanced
set logscale x 2
set xrange [0.84674531236252726:302.33412132595976]
set xtics ("" 1, "" 4, "" 16, "" 64, "" 256)
set logscale y 10
set yrange [144.65448969206068:2146016.7925713398]
set ytics ("" 1000, "" 10000, "" 100000, "" 1000000)
set mytics 10
unset key
plot \
    datafile index 4 using 1:2 with lines ls 5 notitle, \
    datafile index 5 using 1:2 with lines ls 6 notitle, \
    datafile index 6 using 1:2 with lines ls 7 notitle, \
    datafile index 7 using 1:2 with lines ls 8 notitle, \
    datafile index 4 every 1::0 using 1:2:3 with points ls 5 ps variable notitle, \
    datafile index 5 every 1::0 using 1:2:3 with points ls 6 ps variable notitle, \
    datafile index 6 every 1::0 using 1:2:3 with points ls 7 ps variable notitle, \
    datafile index 7 every 1::0 using 1:2:3 with points ls 8 ps variable notitle
unset label 101
unset label 102
set title "sort-heap.vmt" noenhanced
set logscale x 2
set xrange [0.84674531236252726:302.33412132595976]
set xtics ("1" 1, "4" 4, "16" 16, "64" 64, "256" 256)
set logscale y 10
set yrange [144.65448969206068:2146016.7925713398]
set ytics ("10^{3}" 1000, "10^{4}" 10000, "10^{5}" 100000, "10^{6}" 1000000)
set mytics 10
unset key
plot \
    datafile index 8 using 1:2 with lines ls 9 notitle, \
    datafile index 9 using 1:2 with lines ls 10 notitle, \
    datafile index 10 using 1:2 with lines ls 11 notitle, \
    datafile index 11 using 1:2 with lines ls 12 notitle, \
    datafile index 8 every 1::0 using 1:2:3 with points ls 9 ps variable notitle, \
    datafile index 9 every 1::0 using 1:2:3 with points ls 10 ps variable notitle, \
    datafile index 10 every 1::0 using 1:2:3 with points ls 11 ps variable notitle, \
    datafile index 11 every 1::0 using 1:2:3 with points ls 12 ps variable notitle
unset label 101
unset label 102
set title "sort-merge.vmt" noenhanced
set logscale x 2
set xrange [0.84674531236252726:302.33412132595976]
set xtics ("1" 1, "4" 4, "16" 16, "64" 64, "256" 256)
set logscale y 10
set yrange [144.65448969206068:2146016.7925713398]
set ytics ("" 1000, "" 10000, "" 100000, "" 1000000)
set mytics 10
unset key
plot \
    datafile index 12 using 1:2 with lines ls 13 notitle, \
    datafile index 13 using 1:2 with lines ls 14 notitle, \
    datafile index 14 using 1:2 with lines ls 15 notitle, \
    datafile index 15 using 1:2 with lines ls 16 notitle, \
    datafile index 12 every 1::0 using 1:2:3 with points ls 13 ps variable notitle, \
    datafile index 13 every 1::0 using 1:2:3 with points ls 14 ps variable notitle, \
    datafile index 14 every 1::0 using 1:2:3 with points ls 15 ps variable notitle, \
    datafile index 15 every 1::0 using 1:2:3 with points ls 16 ps variable notitle
unset multiplot
