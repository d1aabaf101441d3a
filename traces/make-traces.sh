#!/bin/sh
# traces/make-traces.sh - rebuild the shipped real traces (run by `make traces`).
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Each program in traces/src/ is compiled with $CC -O2 and run under
# `vmsim collect`, which records its memory references with Valgrind's Lackey
# straight into traces/NAME.vmt.  The programs are deterministic (fixed
# seeds), but the traces depend on the compiler, the C library and the
# loader of the machine that makes them, so a rebuilt trace resembles the
# shipped one closely without being byte-identical.  traces/README.md says
# what each trace is.
set -eu
VMSIM=${VMSIM:-./vmsim}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/vmsim-traces.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v valgrind >/dev/null || { echo "make-traces: valgrind is missing; run ./deps.sh demo" >&2; exit 1; }

# NAME  SOURCE  ARGUMENTS
traces='
matmul          matmul.c          64
matmul-blocked  matmul-blocked.c  64 16
sort-merge      sort.c            merge 8192
sort-heap       sort.c            heap 8192
hashtab         hashtab.c         4096 4
compress        compress.c        24576 8
'

echo "$traces" | while read -r name src args; do
	[ -n "$name" ] || continue
	bin=$work/${src%.c}
	[ -x "$bin" ] || ${CC:-cc} -O2 -o "$bin" "$here/src/$src"
	# the environment is fixed so the loader's work does not depend on the caller's
	env -i PATH=/usr/bin:/bin "$VMSIM" collect -q -o "$here/$name.vmt" -- "$bin" $args >/dev/null
	printf '%-16s %9s bytes  ' "$name.vmt" "$(wc -c <"$here/$name.vmt")"
	"$VMSIM" stat -f csv "$here/$name.vmt" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ printf "%8d refs %8d instr %7d loads %7d stores %4d pages\n",
			$c["refs"], $c["instr"], $c["loads"], $c["stores"] + $c["modifies"], $c["distinct_pages"] }'
done
