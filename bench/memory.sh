#!/bin/bash
# bench/memory.sh - peak memory of streaming replay does not grow with the
# trace's length.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   bench/memory.sh [OUT.csv]            measure (default OUT: bench/memory.csv)
#   bench/memory.sh --readme [OUT.csv]   only rewrite the README section from OUT.csv
#   VMSIM=build/vmsim REFS=10000000 PAGES=10000 bench/memory.sh
#
# Makes two synthetic traces with `vmsim gen` (uniform over PAGES pages, so
# both touch every page: the same distinct pages), one of REFS references and
# one 10x longer, and measures the peak resident set (getrusage's ru_maxrss,
# through /usr/bin/time -f %M) of:
#
#   stream   vmsim replay -p lru -n 1000            one streaming configuration
#   xlate    vmsim replay -p lru -n 1000 --tlb 64:4  the same with a TLB and walks
#   stat     vmsim stat                             one pass, distinct pages counted
#   loaded   vmsim replay -p lru,fifo -n 1000        for contrast: decodes the trace
#                                                    into 4 bytes per reference
#
# The first three should be flat (the same peak for 1x and 10x, within a few
# hundred KiB); loaded should grow by about 4 bytes per extra reference.  The
# results go to OUT.csv (one row per command and length; written to a
# temporary and renamed), a summary to stdout, and the section "Memory" of
# README.md beside OUT.csv, made from OUT.csv: it sits between two marker
# comments and is replaced (or appended) on every run, so bench/run.sh may
# rewrite the rest of that file and then call `memory.sh --readme`.  The
# script exits 1 if a streaming peak grows by more than 25% (and 1 MiB) from
# 1x to 10x.
set -u
here=$(cd "$(dirname "$0")" && pwd)
VMSIM=${VMSIM:-$here/../build/vmsim}
REFS=${REFS:-10000000}
PAGES=${PAGES:-10000}
readme_only=0
if [ "${1:-}" = --readme ]; then readme_only=1; shift; fi
out=${1:-$here/memory.csv}
readme=$(dirname "$out")/README.md
TIME=/usr/bin/time
tmp=$(mktemp -d /tmp/vmsim-mem.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# cell MODE REFS-RANK COLUMN: from OUT.csv, the row of MODE on the shorter
# (1) or longer (2) trace
cell() {
	awk -F, -v m="$1" -v k="$2" -v col="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == m { n++; if (n == k) print $c[col] }' "$out"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# the README section, from OUT.csv
write_readme() {
	local begin end m c a b r1 r10
	begin='<!-- bench/memory.sh writes this section from memory.csv; do not edit it by hand -->'
	end='<!-- end of the section bench/memory.sh writes -->'
	r1=$(cell stream 1 refs)
	r10=$(cell stream 2 refs)
	{
		echo "$begin"
		echo "## Memory"
		echo
		echo "Streaming replay keeps only per-page state, so its peak memory does not grow with the"
		echo "trace's length. \`bench/memory.sh\` makes two traces with \`vmsim gen -w uniform\`"
		echo "over $(cell stream 1 distinct_pages) pages (both touch all of them), one of $r1 references"
		echo "and one of $r10, and measures the peak resident set of each command on each"
		echo "with \`/usr/bin/time -f %M\` (getrusage's \`ru_maxrss\`). Rows: [memory.csv](memory.csv)."
		echo
		echo "| command | peak RSS, $r1 refs | peak RSS, $r10 refs | 10x / 1x |"
		echo "|---|---:|---:|---:|"
		for m in stream xlate stat loaded; do
			case $m in
			stream) c='`vmsim replay -p lru -n 1000` (streams)' ;;
			xlate) c='`vmsim replay -p lru -n 1000 --tlb 64:4` (streams)' ;;
			stat) c='`vmsim stat` (streams)' ;;
			loaded) c='`vmsim replay -p lru,fifo -n 1000` (loaded: 4 bytes per reference)' ;;
			esac
			a=$(cell $m 1 peak_rss_kb)
			b=$(cell $m 2 peak_rss_kb)
			echo "| $c | $(mib "$a") MiB | $(mib "$b") MiB | $(ratio "$a" "$b") |"
		done
		echo
		echo "vmsim $(cell stream 1 version). Loaded mode refuses a trace whose page ids would not"
		echo "fit in the memory available (or \`--mem-limit\`) and names the streaming alternative."
		echo "$end"
	} >"$tmp/section"
	if [ -f "$readme" ]; then
		awk -v b="$begin" -v e="$end" '$0 == b { skip = 1 } !skip { print } $0 == e { skip = 0 }' \
			"$readme" >"$tmp/readme"
		# one blank line between what was there and the section
		sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp/readme" >"$tmp/kept"
		{ cat "$tmp/kept"; [ -s "$tmp/kept" ] && echo; cat "$tmp/section"; } >"$tmp/readme"
	else
		cp "$tmp/section" "$tmp/readme"
	fi
	mv "$tmp/readme" "$readme.tmp.$$" && mv "$readme.tmp.$$" "$readme"
}

if [ $readme_only = 1 ]; then
	[ -s "$out" ] || { echo "memory.sh: no $out to make the section from" >&2; exit 2; }
	write_readme
	exit 0
fi

[ -x "$VMSIM" ] || { echo "memory.sh: no vmsim at $VMSIM (make vmsim, or set VMSIM)" >&2; exit 2; }
[ -x "$TIME" ] || { echo "memory.sh: needs GNU time at $TIME (apt-get install time)" >&2; exit 2; }
version=$("$VMSIM" --version | awk '{ print $2 }')

# gen LENGTH FILE
gen() {
	"$VMSIM" gen -w uniform --pages "$PAGES" --refs "$1" --seed 1 -o "$2" -q || exit 1
}
# measure NAME FILE CMD...: one row
measure() {
	local name=$1 file=$2 refs pages kb secs
	shift 2
	"$TIME" -f '%M %e' -o "$tmp/time" "$@" >"$tmp/res" 2>"$tmp/err" ||
		{ echo "memory.sh: $name on $file failed: $(head -3 "$tmp/err")" >&2; exit 1; }
	read -r kb secs <"$tmp/time"
	refs=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "refs") c = i } NR == 2 { print $c }' "$tmp/res")
	pages=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "distinct_pages") c = i } NR == 2 { print $c }' "$tmp/res")
	# the command is quoted: it has commas (-p lru,fifo)
	echo "$name,$refs,$pages,$kb,$secs,\"$*\"" | sed "s#$tmp/##; s#$VMSIM#vmsim#" >>"$tmp/rows"
}

echo "memory.sh: generating traces of $REFS and $((REFS * 10)) references over $PAGES pages" >&2
gen "$REFS" "$tmp/t1.vmt"
gen $((REFS * 10)) "$tmp/t10.vmt"
: >"$tmp/rows"
for t in t1 t10; do
	f=$tmp/$t.vmt
	measure stream "$f" "$VMSIM" replay "$f" -p lru -n 1000 -q -f csv
	measure xlate "$f" "$VMSIM" replay "$f" -p lru -n 1000 --tlb 64:4 -q -f csv
	measure stat "$f" "$VMSIM" stat "$f" -f csv
	measure loaded "$f" "$VMSIM" replay "$f" -p lru,fifo -n 1000 -q -f csv
done
rm -f "$tmp"/t1.vmt "$tmp"/t10.vmt
{
	echo "mode,refs,distinct_pages,peak_rss_kb,wall_s,command,workload,version"
	sed "s/\$/,uniform $PAGES pages,$version/" "$tmp/rows"
} >"$tmp/memory.csv"
mv "$tmp/memory.csv" "$out.tmp.$$" && mv "$out.tmp.$$" "$out"
write_readme

rc=0
printf '%-8s %14s %14s %8s\n' mode "peak 1x (KiB)" "peak 10x (KiB)" ratio
for m in stream xlate stat loaded; do
	a=$(cell $m 1 peak_rss_kb)
	b=$(cell $m 2 peak_rss_kb)
	printf '%-8s %14s %14s %8s\n' "$m" "$a" "$b" "$(ratio "$a" "$b")"
	if [ "$m" != loaded ] && [ $((b - a)) -gt 1024 ] && [ $((b * 4)) -gt $((a * 5)) ]; then
		echo "memory.sh: $m grows from $a KiB to $b KiB with a 10x longer trace" >&2
		rc=1
	fi
done
echo "(rows in $out, the section Memory in $readme)"
exit $rc
