#!/bin/bash
# tests/cli_hostile.sh - corrupt and hostile input, through the real binary.
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Every case of the table in tests/hostile.md is run here: truncated and
# corrupt gzip, truncated and bit-flipped native traces, an index past the
# end, headers that claim 2^60 references or blocks, lines of megabytes, NUL
# bytes, addresses beyond 64 bits, empty files, bad CSV and batch spec files.
# Each case checks
#
#   - the exit status, and the message (which names the file and the line or
#     byte offset), against the case's pattern;
#   - that nothing is left behind: no new file at all in the scratch folder
#     for a failing case (no output, no temporary);
#   - that nothing hangs or allocates without bound: every case has a
#     timeout of 100 times what normal runs of the script's own inputs took
#     on this machine just before (at least 20 s), so a loaded machine or a
#     sanitizer build scales it up and a hang is still caught; and every
#     case runs under `ulimit -v` of 200 MB (a 2^60-reference header, a 64 MB
#     line and a block claiming 16 MiB all fit in that), except under the
#     sanitizers, whose shadow memory cannot start inside such a limit.
#
# The table in tests/hostile.md is generated from these runs: the script
# compares the doc's table with what the binary printed, so the doc cannot
# drift.  After a deliberate change, regenerate it:
#
#   UPDATE_HOSTILE=1 VMSIM=build/vmsim tests/cli_hostile.sh
#
# Beyond the table, sweeps cut a gzip file and a native trace at many
# offsets (every block boundary, inside every block header, mid-block) and
# flip bytes all over a native trace: every one must be a clean error naming
# the file and a byte offset (or, for a few header fields, a clean success),
# never a crash, hang or leftover file.
DOC=$(cd "$(dirname "$0")" && pwd)/hostile.md
. "$(dirname "$0")/lib.sh"
H=$T/.hostile                  # bookkeeping, outside what the cases may touch
mkdir -p "$H"
TIMEOUT=20                     # until measured below, once the inputs exist
VMEM=200000                    # KiB for ulimit -v

# Under ASan/UBSan the binary cannot start inside a small ulimit -v.
if { (ulimit -v $VMEM; exec "$VMSIM" --version) >/dev/null 2>&1; } 2>/dev/null; then
	LIMIT=1
else
	LIMIT=0
	echo "note: $VMSIM cannot run under ulimit -v $VMEM (sanitizers?); memory not limited"
fi

# ------------------------------------------------------------------ helpers

# byte values: poke FILE OFFSET HEX... writes bytes in place
poke() {
	local f=$1 off=$2 s='' b
	shift 2
	for b in "$@"; do s="$s\\x$b"; done
	printf "$s" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
# put64 FILE OFFSET VALUE (decimal, < 2^63): little-endian
put64() {
	local hex i b=()
	hex=$(printf '%016x' "$3")
	for i in 14 12 10 8 6 4 2 0; do b+=("${hex:$i:2}"); done
	poke "$1" "$2" "${b[@]}"
}
# u8 FILE OFFSET, u32 FILE OFFSET: little-endian reads
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
u32() {
	local b
	b=($(od -An -tu1 -j "$2" -N4 "$1"))
	echo $((b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24))
}
# flip FILE OFFSET: invert every bit of one byte
flip() { poke "$1" "$2" "$(printf '%02x' $((255 ^ $(u8 "$1" "$2"))))"; }
# cut FILE LENGTH OUT: the first LENGTH bytes of FILE
cut_at() { head -c "$2" "$1" >"$3"; }

# limited CMD...: run under the time and memory limits (stdout, stderr, rc)
limited() {
	if [ "$LIMIT" = 1 ]; then
		(ulimit -v $VMEM; exec timeout $TIMEOUT "$@") >"$T/out" 2>"$T/err"
	else
		timeout $TIMEOUT "$@" >"$T/out" 2>"$T/err"
	fi
	rc=$?
}

# every path in the scratch folder but the bookkeeping and the captures
snapshot() { (cd "$T" && find . -mindepth 1 ! -path './.hostile*' ! -name out ! -name err | sort); }

# hcase ID INPUT STATUS PATTERN [ALLOW] -- CMD...
#   run one case of the table; ALLOW (optional) is a regex of paths the case
#   may create (its output, when it succeeds).  Appends the table row.
hcase() {
	local id=$1 input=$2 want=$3 pat=$4 allow='^$' shown msg new a
	shift 4
	if [ "$1" != -- ]; then allow=$1; shift; fi
	shift
	snapshot >"$H/before"
	limited "$@"
	snapshot >"$H/after"
	new=$(comm -13 "$H/before" "$H/after" | grep -Ev "$allow")
	msg=$(head -1 "$T/err")
	if [ "$rc" -eq 124 ]; then
		bad "$id: timed out after $TIMEOUT s"
	elif [ "$rc" -ne "$want" ]; then
		bad "$id: exit $rc, wanted $want: $msg"
	elif [ -z "$pat" ] && [ -s "$T/err" ]; then
		bad "$id: wanted no message: $msg"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$T/err"; then
		bad "$id: stderr does not match /$pat/: $msg"
	elif [ "$want" -ne 0 ] && [ -s "$T/out" ]; then
		bad "$id: printed output on failure"
	elif [ -n "$new" ]; then
		bad "$id: left behind: $(echo $new)"
	else
		ok
	fi
	shown=vmsim
	for a in "${@:2}"; do
		a=${a//$'\n'/\\n}     # a newline shows as \n, keeping the row one line
		case $a in *' '*|''|*'\n'*) shown="$shown '$a'" ;; *) shown="$shown $a" ;; esac
	done
	# a command whose words hold newlines is shown as the case gives it
	[ -n "${HSHOW:-}" ] && shown=$HSHOW
	[ -n "$msg" ] || msg='(nothing)'
	printf '| %s | %s | `%s` | %s | `%s` |\n' "$id" "$input" "$shown" "$rc" \
		"$(printf '%s' "$msg" | sed 's/|/\\|/g')" >>"$H/table"
}

# sweep NAME WANT PATTERN FILE -- CMD... (FILE in CMD is the cut or flipped copy):
# quiet per-offset checks that do not go into the table
sweep_check() {
	local name=$1 pat=$2 allow0=$3
	if [ "$rc" -eq 124 ]; then
		bad "$name: timed out"
	elif [ "$rc" -eq 0 ] && [ "$allow0" = 1 ]; then
		ok
	elif [ "$rc" -ne 1 ]; then
		bad "$name: exit $rc: $(head -1 "$T/err")"
	elif ! grep -qE -- "$pat" "$T/err"; then
		bad "$name: stderr does not match /$pat/: $(head -1 "$T/err")"
	else
		ok
	fi
}

# ------------------------------------------------------------------ inputs

printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 >belady.txt
seq 1 3000 | sed 's/^/0x/' >lines.txt           # 3000 references, ~20 KB of text
gzip -9 -c lines.txt >lines.txt.gz
sz=$(stat -c %s lines.txt.gz)

# A gzip file made of stored (uncompressed) deflate blocks, so its block
# boundaries are known to the byte: 10-byte header, then blocks of a 5-byte
# header and 700 bytes each, then the 8-byte trailer (CRC-32 and length,
# taken from gzip's own output for the same bytes).
seq 1 600 | head -c 2100 >stored.raw
{
	printf '\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03'
	for k in 0 1 2; do
		if [ $k -eq 2 ]; then printf '\x01'; else printf '\x00'; fi
		printf '\xbc\x02\x43\xfd'                        # LEN 700, NLEN ~700
		tail -c +$((k * 700 + 1)) stored.raw | head -c 700
	done
	gzip -c stored.raw | tail -c 8
} >stored.gz
"$VMSIM" stat stored.gz -f csv -o "$H/stored.csv" 2>/dev/null
check "hand-made stored gzip reads" "$(csv_get "$H/stored.csv" 1 refs)" \
	"$(grep -c . stored.raw)"
# block k (0, 1, 2) starts at 10 + 705 k; the trailer at 10 + 3 * 705
gzb1=715
gzmid=1000
gzend=$((10 + 3 * 705))

# two gzip members
printf '%s\n' 1 2 3 | gzip -c >two.gz
m1=$(stat -c %s two.gz)
printf '%s\n' 4 5 6 | gzip -c >>two.gz

# A native trace of 3 blocks: 150000 references, 65536 per block.
"$VMSIM" gen -w loop --pages 16 --refs 150000 -o n.vmt -q
nsz=$(stat -c %s n.vmt)
# walk the blocks: each is a 20-byte header and its compressed payload
blocks=()
off=64
while [ "$(head -c $((off + 4)) n.vmt | tail -c 4)" = VBLK ]; do
	blocks+=("$off")
	off=$((off + 20 + $(u32 n.vmt $((off + 8)))))
done
idx=$off
check "native test trace: 3 blocks, then the index" "${#blocks[*]} $(head -c $((idx + 4)) n.vmt | tail -c 4)" "3 VIDX"
b1=${blocks[1]}
nrefs=$(u32 n.vmt 24)

# The hang limit: 100 times a normal run of the inputs the cases corrupt
# (the native trace, the gzip'd and plain text, through stat, replay and
# opt), timed now with this binary on this machine, and at least 20 s.
t0=${EPOCHREALTIME/[.,]/}
"$VMSIM" stat n.vmt -q >/dev/null 2>&1
"$VMSIM" replay n.vmt -p opt,lru -n 4 -q -o /dev/null 2>&1
"$VMSIM" convert lines.txt.gz -o "$H/conv.vmt" -q 2>&1
"$VMSIM" replay lines.txt -p fifo -n 4 -q -o /dev/null 2>&1
t1=${EPOCHREALTIME/[.,]/}
TIMEOUT=$(( (t1 - t0) / 10000 ))          # microseconds x 100, in seconds
[ "$TIMEOUT" -ge 20 ] || TIMEOUT=20
echo "hang limit: $TIMEOUT s (normal runs took $(( (t1 - t0) / 1000 )) ms)"

# ------------------------------------------------------------------ cases

: >"$H/table"

# -- empty and unreadable
: >empty.txt
hcase empty-trace "an empty file" 1 '^vmsim replay: empty.txt: empty trace$' -- \
	"$VMSIM" replay empty.txt -p lru -n 4 -o r.csv
printf '' | gzip -c >empty.gz
hcase empty-gzip "gzip of nothing" 1 'empty.gz: empty trace \(its gzip data' -- \
	"$VMSIM" stat empty.gz
hcase missing "a file that does not exist" 1 'nosuch.vmt: cannot open: No such file' -- \
	"$VMSIM" stat nosuch.vmt
mkdir -p adir
hcase directory "a directory" 1 'adir: read error: Is a directory' -- \
	"$VMSIM" replay adir -p lru -n 4
hcase dev-zero "/dev/zero (endless NULs)" 1 '/dev/zero: unknown trace format.*00 00' -- \
	"$VMSIM" stat /dev/zero
head -c 4096 /dev/zero | tr '\0' '\377' >ff.bin
hcase junk "4 KB of 0xff bytes" 1 'ff.bin: unknown trace format .*ff ff' -- \
	"$VMSIM" replay ff.bin -p opt -n 4

# -- gzip
cut_at stored.gz 5 gz-hdr.gz
hcase gzip-in-header "gzip cut in its 10-byte header (5 bytes)" 1 \
	'gz-hdr.gz: truncated gzip stream at compressed byte [0-9]+' -- \
	"$VMSIM" stat gz-hdr.gz
cut_at stored.gz $gzb1 gz-block.gz
hcase gzip-at-block "gzip cut at a deflate block boundary (byte $gzb1)" 1 \
	"gz-block.gz: truncated gzip stream at compressed byte $gzb1" -- \
	"$VMSIM" replay gz-block.gz -p lru -n 4 -o r.csv
cut_at stored.gz $gzmid gz-mid.gz
hcase gzip-mid-block "gzip cut inside a block (byte $gzmid)" 1 \
	"gz-mid.gz: truncated gzip stream at compressed byte $gzmid" -- \
	"$VMSIM" replay gz-mid.gz -p lru -n 4 -o r.csv
cut_at stored.gz $gzend gz-trailer.gz
hcase gzip-no-trailer "gzip cut after its last block, before the CRC and length" 1 \
	"gz-trailer.gz: truncated gzip stream at compressed byte $gzend" -- \
	"$VMSIM" convert gz-trailer.gz -o conv.vmt
cp stored.gz gz-crc.gz
flip gz-crc.gz $((gzend + 1))
hcase gzip-bad-crc "gzip whose CRC-32 does not match" 1 \
	'gz-crc.gz: corrupt gzip data at compressed byte [0-9]+: incorrect data check' -- \
	"$VMSIM" convert gz-crc.gz -o conv.txt
cp lines.txt.gz gz-flip.gz
flip gz-flip.gz $((sz / 2))
hcase gzip-corrupt "gzip with a flipped byte mid-stream" 1 \
	'gz-flip.gz: corrupt gzip data at compressed byte [0-9]+' -- \
	"$VMSIM" stat gz-flip.gz
{ cat stored.gz; printf 'junk'; } >gz-junk.gz
hcase gzip-trailing "gzip followed by 4 bytes of junk" 1 \
	'gz-junk.gz: trailing garbage after gzip data at compressed byte [0-9]+' -- \
	"$VMSIM" stat gz-junk.gz
cut_at two.gz "$m1" gz-member.gz
hcase gzip-at-member "two gzip members, cut exactly between them: a valid, shorter file (nothing to detect; use native)" 0 \
	'' -- "$VMSIM" stat gz-member.gz -q -f csv

# -- native
cut_at n.vmt 40 nat-hdr.vmt
hcase native-in-header "native trace cut in its 64-byte header (40 bytes)" 1 \
	'nat-hdr.vmt: truncated native header at byte 40' -- \
	"$VMSIM" stat nat-hdr.vmt
cut_at n.vmt "$b1" nat-block.vmt
hcase native-at-block "native trace cut at a block boundary (byte $b1)" 1 \
	"nat-block.vmt: truncated native trace at byte $b1 \\(the index is missing" -- \
	"$VMSIM" replay nat-block.vmt -p opt -n 4 -o r.csv
cut_at n.vmt $((b1 + 10)) nat-bhdr.vmt
hcase native-in-block-header "native trace cut inside a block header" 1 \
	"nat-bhdr.vmt: truncated native trace at byte $((b1 + 10)) \\(in a block header" -- \
	"$VMSIM" stat nat-bhdr.vmt
cut_at n.vmt $((b1 + 200)) nat-mid.vmt
hcase native-mid-block "native trace cut mid-block" 1 \
	"nat-mid.vmt: truncated native trace at byte [0-9]+ \\(in a block's payload" -- \
	"$VMSIM" convert nat-mid.vmt -o conv.vmt
cut_at n.vmt $((idx + 20)) nat-idx.vmt
hcase native-in-index "native trace cut in its index" 1 \
	'nat-idx.vmt: truncated native trace at byte [0-9]+ \(in the index' -- \
	"$VMSIM" stat nat-idx.vmt
cut_at n.vmt $((b1 + 200)) nat-torn.vmt
poke nat-torn.vmt 16 00
hcase native-unfinished "an unfinished native trace (COMPLETE clear: its writer was killed), cut mid-block: its whole blocks are read" 0 \
	'' 'r\.csv' -- "$VMSIM" replay nat-torn.vmt -p lru -n 4 -f csv -o r.csv
rm -f r.csv
cp n.vmt nat-magic.vmt
flip nat-magic.vmt 0
hcase native-bad-magic "flipped byte 0 (magic), read as native" 1 \
	'nat-magic.vmt: not a vmsim native trace \(bad magic at byte 0\)' -- \
	"$VMSIM" stat nat-magic.vmt --input-format native
cp n.vmt nat-version.vmt
flip nat-version.vmt 8
hcase native-bad-version "flipped byte 8 (version)" 1 \
	'nat-version.vmt: unsupported native trace version [0-9]+ at byte 8' -- \
	"$VMSIM" stat nat-version.vmt
cp n.vmt nat-flags.vmt
flip nat-flags.vmt 17
hcase native-bad-flags "flipped byte 17 (flags)" 1 \
	'nat-flags.vmt: unknown native header flags 0x[0-9a-f]+ at byte 16' -- \
	"$VMSIM" stat nat-flags.vmt
cp n.vmt nat-payload.vmt
flip nat-payload.vmt $((b1 + 100))
hcase native-bad-payload "flipped byte in a block's compressed payload" 1 \
	"nat-payload.vmt: corrupt native block at byte $b1" -- \
	"$VMSIM" replay nat-payload.vmt -p fifo -n 4 -o r.csv
cp n.vmt nat-rawlen.vmt
poke nat-rawlen.vmt $((b1 + 4)) ff ff ff ff
hcase native-bad-rawlen "block header claiming 4 GiB of records" 1 \
	"nat-rawlen.vmt: corrupt native block at byte $b1: raw length 4294967295 is outside 1..16777216" -- \
	"$VMSIM" stat nat-rawlen.vmt
cp n.vmt nat-16m.vmt
poke nat-16m.vmt $((b1 + 4)) 00 00 00 01
hcase native-16mib-block "block header claiming 16 MiB of records (allowed) with a payload of ~1 KB" 1 \
	"nat-16m.vmt: corrupt native block at byte $b1: payload of [0-9]+ bytes does not inflate to 16777216" -- \
	"$VMSIM" stat nat-16m.vmt
cp n.vmt nat-2e60.vmt
put64 nat-2e60.vmt 24 1152921504606846976
hcase native-2e60-refs "header claiming 2^60 references" 1 \
	"nat-2e60.vmt: corrupt native trace: the header promises 1152921504606846976 refs at byte 24, the blocks hold $nrefs" -- \
	"$VMSIM" replay nat-2e60.vmt -p opt,lru -n 4 -o r.csv
cp n.vmt nat-2e60b.vmt
put64 nat-2e60b.vmt 32 1152921504606846976
hcase native-2e60-blocks "header claiming 2^60 blocks" 1 \
	'nat-2e60b.vmt: corrupt native trace: the index at byte [0-9]+ lists 3 blocks, the header 1152921504606846976, the file has 3' -- \
	"$VMSIM" stat nat-2e60b.vmt
cp n.vmt nat-idxoff.vmt
put64 nat-idxoff.vmt 40 1099511627776
hcase native-index-past-end "header's index offset past the end (2^40)" 1 \
	"nat-idxoff.vmt: corrupt native trace: index at byte $idx, but the header says 1099511627776" -- \
	"$VMSIM" stat nat-idxoff.vmt
cp n.vmt nat-idxn.vmt
put64 nat-idxn.vmt $((idx + 4)) 1152921504606846976
hcase native-index-count "index claiming 2^60 entries" 1 \
	"nat-idxn.vmt: corrupt native trace: the index at byte $idx lists 1152921504606846976 blocks" -- \
	"$VMSIM" stat nat-idxn.vmt
cp n.vmt nat-idxent.vmt
flip nat-idxent.vmt $((idx + 13))
hcase native-index-entry "a flipped byte in an index entry" 1 \
	"nat-idxent.vmt: corrupt native trace: the index at byte $idx does not match the blocks" -- \
	"$VMSIM" stat nat-idxent.vmt
{ cat n.vmt; printf 'more'; } >nat-after.vmt
hcase native-after-index "4 bytes after the index" 1 \
	"nat-after.vmt: corrupt native trace: unexpected data after the index at byte $nsz" -- \
	"$VMSIM" stat nat-after.vmt
gzip -c n.vmt | head -c 150 >nat.vmt.gz
hcase native-gzip-cut "a gzip'd native trace, cut" 1 \
	'nat.vmt.gz: truncated gzip stream at compressed byte 150' -- \
	"$VMSIM" stat nat.vmt.gz

# -- text and lackey lines
{ printf '1\n2\n'; head -c 2000000 /dev/zero | tr '\0' 7; printf '\n3\n'; } >line2m.txt
hcase line-2mb "a 2 MB line (line 3)" 1 \
	'line2m.txt:3: line longer than 1048576 bytes' -- \
	"$VMSIM" replay line2m.txt -p lru -n 4 -o r.csv
head -c 67108864 /dev/zero | tr '\0' 7 >line64m.txt
hcase line-64mb "a 64 MB file that is one line, no newline" 1 \
	'line64m.txt:1: line longer than 1048576 bytes' -- \
	"$VMSIM" replay line64m.txt -p opt -n 4 --input-format text
gzip -1 -c line64m.txt >line64m.txt.gz
rm -f line64m.txt
hcase line-64mb-gzip "the same, gzip'd (300 KB inflating to 64 MB)" 1 \
	'line64m.txt.gz:1: line longer than 1048576 bytes' -- \
	"$VMSIM" stat line64m.txt.gz
printf '0x10\n0x20\n0x3\0000\n' >nul.txt
hcase text-nul "a NUL byte in a text trace" 1 \
	"nul.txt:3:4: malformed text line \\(NUL byte\\)" -- \
	"$VMSIM" stat nul.txt --input-format text
printf 'I  04000000,3\n L 1ffefff0\00000,8\n' >nul.lackey
hcase lackey-nul "a NUL byte in a lackey trace" 1 \
	"nul.lackey:2:12: malformed lackey line \\(NUL byte\\)" -- \
	"$VMSIM" stat nul.lackey --input-format lackey
printf '0x10\nW 0x10000000000000000\n' >wide.txt
hcase text-wide-hex "a 65-bit hex address" 1 \
	'wide.txt:2:[0-9]+: address beyond 64 bits in text line' -- \
	"$VMSIM" replay wide.txt -p lru -n 4
printf '16\n18446744073709551616\n' >wide-dec.txt
hcase text-wide-dec "2^64 in decimal" 1 \
	'wide-dec.txt:2:[0-9]+: address beyond 64 bits in text line' -- \
	"$VMSIM" stat wide-dec.txt
printf 'I  04000000,3\n S 1ffffffffffffffff0,8\n' >wide.lackey
hcase lackey-wide "a 69-bit lackey address" 1 \
	'wide.lackey:2:[0-9]+: address beyond 64 bits in lackey line' -- \
	"$VMSIM" stat wide.lackey
printf 'I  04000000,3\n L 04000010,65536\n' >size.lackey
hcase lackey-size "a lackey access of 65536 bytes" 1 \
	'size.lackey:2:[0-9]+: size beyond 65535 in lackey line' -- \
	"$VMSIM" stat size.lackey
printf '1\n2\nthree\n' >word.txt
hcase text-malformed "a word where an address belongs" 1 \
	'word.txt:3:1: malformed text line' -- \
	"$VMSIM" replay word.txt -p lru -n 4 -s 1 -o r.csv

# -- loaded mode beyond the memory it may use
"$VMSIM" gen -w uniform --pages 1000 --refs 1000000 -o big.vmt -q
hcase loaded-over-limit "1M references (4 MB of page ids) under --mem-limit 1M" 1 \
	'loading the trace needs more than 1 MiB .*more than --mem-limit 1M allows.*replay one policy other than opt at one size to stream it' -- \
	"$VMSIM" replay big.vmt -p lru,fifo -n 100 --mem-limit 1M -o r.csv
hcase streamed-over-limit "the same trace, one streaming configuration" 0 '' -- \
	"$VMSIM" replay big.vmt -p lru -n 100 --mem-limit 1M -q
hcase curve-over-limit "the same trace through curve" 1 \
	'loading the trace needs more than 1 MiB.*to stream it' -- \
	"$VMSIM" curve big.vmt -n 10:100:10 --mem-limit 1M -o c.csv
hcase opt-over-limit "OPT's next-use times beyond --mem-limit 6M" 1 \
	'opt needs 3 MiB for next-use times beside the 4 MiB of page ids, more than --mem-limit 6M allows' -- \
	"$VMSIM" replay big.vmt -p opt -n 100 --mem-limit 6M

# -- memories, sizes and budgets far beyond what a tiny trace can use
hcase frames-2e31 "12 references to 5 pages in a memory of 2^31 - 1 frames (per-frame state sized by the pages seen)" 0 '' -- \
	"$VMSIM" replay belady.txt -p fifo,lru,lfu -n 2147483647 -s 1 -q -f csv
hcase frames-2e31-stream "the same, streaming one policy" 0 '' -- \
	"$VMSIM" replay belady.txt -p clock -n 2147483647 -s 1 -q -f csv
hcase curve-1e8-sizes "a curve over 10^8 sizes" 2 \
	"frames '1:100000000': more than 1048576 sizes" -- \
	"$VMSIM" curve belady.txt -n 1:100000000 -s 1
hcase curve-beyond-footprint "a curve over 10000 sizes of a 5-page trace (sizes past 5 copied, not run)" 0 '' '^./c.csv$' -- \
	"$VMSIM" curve belady.txt -p fifo,clock -n 1:10000 -s 1 -q -f csv -o c.csv
rm -f c.csv
seq 1 200000 >many.txt
hcase mem-limit-pagemap "200000 distinct pages under --mem-limit 1M (the page map counts, streaming too)" 1 \
	'many.txt: the page map needs 1 MiB more than --mem-limit 1M allows' -- \
	"$VMSIM" replay many.txt -s 1 -p clock -n 100000 --mem-limit 1M -o r.csv
hcase mem-limit-stat "the same through stat" 1 \
	'many.txt: the page map needs 1 MiB more than --mem-limit 1M allows' -- \
	"$VMSIM" stat many.txt -s 1 --mem-limit 1M

# -- CSV files (check, plot, merge)
"$VMSIM" replay belady.txt -p fifo,lru -n 3,4 -s 1 -f csv -o base.csv
: >empty.csv
hcase csv-empty "an empty CSV" 1 '^vmsim check: empty.csv: empty \(no header line\)' -- \
	"$VMSIM" check empty.csv --baseline base.csv --junit j.xml
printf 'a,b,c\n1,2,3\n4,5\n' >ragged.csv
hcase csv-ragged "a row with too few cells" 1 'ragged.csv:3: 2 cells, but the header has 3' -- \
	"$VMSIM" merge ragged.csv base.csv -o m.csv
printf 'trace,policy\n"belady.txt,lru\n' >quote.csv
hcase csv-open-quote "a quoted cell that never closes" 1 'quote.csv:2: a quoted cell is not closed' -- \
	"$VMSIM" plot quote.csv -o p.png
printf 'trace,policy\nx,l\000u\n' >nul.csv
hcase csv-nul "a NUL byte" 1 'nul.csv:2: a NUL byte' -- \
	"$VMSIM" check base.csv --baseline nul.csv
printf 'trace,policy\nx,l"ru\n' >q2.csv
hcase csv-stray-quote "a quote inside an unquoted cell" 1 'q2.csv:2: a quote inside an unquoted cell' -- \
	"$VMSIM" merge q2.csv
printf 'frames,faults,frames\n' >dupcol.csv
hcase csv-dup-column "a column named twice" 1 "dupcol.csv:1: column 'frames' appears twice" -- \
	"$VMSIM" plot dupcol.csv -o p.svg
seq -s, 1 2000 >wide.csv
hcase csv-2000-columns "a header of 2000 columns" 1 'wide.csv:1: more than 1024 cells' -- \
	"$VMSIM" merge wide.csv -o m.csv
{ printf 'trace,policy\nx,"'; head -c 16777216 /dev/zero | tr '\0' a; printf '"\n'; } >bigcell.csv
hcase csv-16mb-cell "a 16 MB quoted cell" 1 "bigcell.csv has no column 'frames', which the baseline base.csv has" -- \
	"$VMSIM" check bigcell.csv --baseline base.csv
rm -f bigcell.csv
printf 'trace,policy,faults\nx,lru,1\n' >nokey.csv
hcase check-missing-column "a result without a column the baseline has" 1 \
	"nokey.csv has no column 'frames', which the baseline base.csv has" -- \
	"$VMSIM" check nokey.csv --baseline base.csv --junit j.xml -o diff.txt
{ cat base.csv; tail -1 base.csv; } >twice.csv
hcase check-duplicate-row "the same configuration twice" 1 \
	'twice.csv:5 and line 6: the same configuration \(.*\) twice' -- \
	"$VMSIM" check twice.csv --baseline base.csv
# -- hostile trace names in check's JUnit and JSON: the name of a real trace
# file (so it reaches the trace column as replay writes it) holding markup,
# quotes, a tab, ESC, a newline and a byte that is not UTF-8.  The JUnit file
# must be well-formed XML in valid UTF-8 (xmllint, iconv), the JSON well-formed
# with the ASCII of the name intact (jq) and baseline/result as numbers.
hname=$'h<&"\'\t\x1b[31m\n\xff.txt'
printf '%s\n' 1 2 3 4 1 2 5 1 2 3 4 5 6 >"$hname"     # belady.txt and one more
"$VMSIM" replay "$hname" -p lru,fifo -n 2,3 -s 1 -f csv -o hb.csv
"$VMSIM" replay belady.txt -p lru,fifo -n 2,3 -s 1 -f csv | tail -n +2 >>hb.csv
sed -E 's/,lru,2,1,13,([0-9]+),([0-9]+),/,lru,2,1,13,\1,99,/' hb.csv >hr.csv
hcase check-hostile-names "a trace named with < & \" ' tab ESC newline and a non-UTF-8 byte (its replay beside belady.txt's), one value changed" 1 \
	'^vmsim check: FAIL: 8 rows, 64 values compared: 1 changed, 1 beyond tolerance' \
	'^\./(j\.xml|d\.json)$' -- \
	"$VMSIM" check hr.csv --baseline hb.csv --junit j.xml -f json -o d.json
if xmllint --noout j.xml 2>"$H/xmllint"; then ok; else bad "JUnit of hostile names is not well-formed: $(head -2 "$H/xmllint")"; fi
if iconv -f UTF-8 -t UTF-8 j.xml >/dev/null 2>&1; then ok; else bad "JUnit of hostile names is not UTF-8"; fi
check "JUnit classname of a hostile name" \
	"$(grep -o 'classname="vmsim.check.h[^"]*"' j.xml | sort -u)" \
	'classname="vmsim.check.h&lt;&amp;&quot;&apos;&#9;\x1b[31m&#10;\xff_txt"'
check "JSON of hostile names parses, numbers stay numbers" \
	"$(jq -r '.[0] | [(.row | startswith("trace=h<&\"'"'"'\t\u001b[31m\n")), (.baseline | type), (.result | type)] | @tsv' d.json 2>&1)" \
	"$(printf 'true\tnumber\tnumber')"
# The JSON's bytes that are not UTF-8 are escaped by report.c (table_write).
if iconv -f UTF-8 -t UTF-8 d.json >/dev/null 2>&1; then ok; else bad "check JSON of hostile names is not UTF-8"; fi
rm -f j.xml d.json "$hname" hb.csv hr.csv

sed '2s/,9,/,8,/' base.csv >other.csv
hcase merge-conflict "two files, one configuration, different results" 1 \
	'base.csv:2 and other.csv:2: the same configuration \(.*\) with different results' -- \
	"$VMSIM" merge base.csv other.csv -o m.csv
printf 'trace,policy,frames,faults\nx,lru,4,lots\n' >nan.csv
hcase plot-non-numeric "a metric that is not a number" 1 \
	"nan.csv: no rows with a numeric 'frames' and faults" -- \
	"$VMSIM" plot nan.csv -o p.png -m faults

# -- names and titles that try to run commands through gnuplot's script
# (gnuplot runs `system("...")` and `backquotes`): every string reaches the
# .gp as one quoted line, so no marker file may appear.  Output names with a
# newline are written under exactly that name.
"$VMSIM" curve belady.txt -s 1 -n 1:6 -f csv -o b.csv -q
nl=$'n\nsystem("touch pwned_outnl")\n'
HSHOW="vmsim plot b.csv -o \$'n\\nsystem(\"touch pwned_outnl\")\\n.png'" \
hcase plot-output-newline "an output name with newlines and gnuplot code" 0 '' '.' -- \
	"$VMSIM" plot b.csv -o "$nl.png"
[ ! -e pwned_outnl ] && [ -s "$nl.png" ] && [ -s "$nl.gp" ] && ok || bad "plot-output-newline: ran the name or wrote no figure"
rm -f "$nl".*
tn=$'z\nsystem("id > pwned_default")\n.txt'
cp belady.txt "$tn"
"$VMSIM" curve "$tn" -s 1 -n 1:6 -f csv -o zn.csv -q
HSHOW="vmsim plot zn.csv -o zn.png  (the trace column: \$'z\\nsystem(\"id > pwned_default\")\\n.txt')" \
hcase plot-trace-newline "a trace name with newlines and gnuplot code, in the title and key" 0 '' '^\./zn\.' -- \
	"$VMSIM" plot zn.csv -o zn.png
[ ! -e pwned_default ] && grep -q 'system(\\042id > pwned_default\\042)' zn.gp && ok || bad "plot-trace-newline: the name ran or is not quoted"
rm -f "$tn" zn.*
HSHOW="vmsim plot b.csv -o -t.svg --title TITLE" \
hcase plot-title-shell "TITLE: a leading -, \$(touch ...), a backquoted touch, both quotes, ';' and gnuplot's system(); an output name with a leading -" 0 '' '^\./-t\.' -- \
	"$VMSIM" plot b.csv -o -t.svg --title "-\$(touch pwned_dollar); \`touch pwned_bt\`; '\"; system(\"touch pwned_q\") #"
[ ! -e pwned_dollar ] && [ ! -e pwned_bt ] && [ ! -e pwned_q ] && [ -s ./-t.svg ] && ok || bad "plot-title-shell: a command ran"
rm -f ./-t.*
HSHOW="vmsim plot b.csv -o ti.png --title \$'\\xff\\xfe bytes \\x1b[31m'" \
hcase plot-title-bytes "a title of non-UTF-8 bytes and a terminal escape" 0 '' '^\./ti\.' -- \
	"$VMSIM" plot b.csv -o ti.png --title $'\xff\xfe bytes \x1b[31m'
LC_ALL=C grep -q '[^[:print:]]' ti.gp && bad "plot-title-bytes: raw bytes in the script" || ok
rm -f ti.*
# an output that is the input file: refused before anything is written
cp b.csv fig.dat
hcase plot-output-is-input "the input as the figure's own .dat" 2 'fig.dat is the input fig.dat: refusing to overwrite it' -- \
	"$VMSIM" plot fig.dat -o fig.png
ln -s b.csv link.gp
hcase plot-output-is-input-link "a symlink to the input where the .gp goes" 2 'link.gp is the input b.csv' -- \
	"$VMSIM" plot b.csv -o link.png
cmp -s b.csv fig.dat && ok || bad "plot-output-is-input: the input changed"
rm -f fig.dat link.gp b.csv

# -- batch spec files
mkdir -p sp
printf 'traces = ../belady.txt\npolcy = lru\n' >sp/key.ini
hcase spec-unknown-key "a misspelt key" 1 "sp/key.ini:2: unknown key 'polcy' \\(known: traces, policies" -- \
	"$VMSIM" batch sp/key.ini -o bdir
printf 'traces = ../belady.txt\nseed = 1\nseed = 2\n' >sp/twice.ini
hcase spec-key-twice "a key given twice" 1 'sp/twice.ini:3: seed is given twice \(first at line 2\)' -- \
	"$VMSIM" batch sp/twice.ini -o bdir
printf 'traces = ../belady.txt\n[huge pages]\n' >sp/sec.ini
hcase spec-bad-section "a section name with a blank" 1 'sp/sec.ini:2: a section is \[NAME\]' -- \
	"$VMSIM" batch sp/sec.ini -o bdir
printf 'traces = ../belady.txt\nframes = 4:1\n' >sp/frames.ini
hcase spec-bad-frames "frames 4:1 (MIN above MAX)" 1 "sp/frames.ini:2: frames: frames '4:1'" -- \
	"$VMSIM" batch sp/frames.ini -o bdir
printf 'traces = "../belady.txt\n' >sp/q.ini
hcase spec-open-quote "a quoted pattern that never closes" 1 'sp/q.ini:1: a quoted pattern is not closed' -- \
	"$VMSIM" batch sp/q.ini -o bdir
printf 'traces = ../belady.txt\nseed = 1\000\n' >sp/nul.ini
hcase spec-nul "a NUL byte" 1 'sp/nul.ini:2: a NUL byte \(not a text file\)' -- \
	"$VMSIM" batch sp/nul.ini -o bdir
{ printf 'title = '; head -c 70000 /dev/zero | tr '\0' t; printf '\n'; } >sp/long.ini
hcase spec-long-line "a 70 KB line" 1 'sp/long.ini:1: a line longer than 64 KiB' -- \
	"$VMSIM" batch sp/long.ini -o bdir
printf 'policies = lru\n' >sp/none.ini
hcase spec-no-traces "no traces" 1 'sp/none.ini: names no traces' -- \
	"$VMSIM" batch sp/none.ini -o bdir
printf 'traces = ../nothing-*.vmt\n' >sp/glob.ini
hcase spec-no-match "a pattern that matches no file" 1 "sp/glob.ini:1: '../nothing-\\*.vmt' matches no file" -- \
	"$VMSIM" batch sp/glob.ini -o bdir
: >sp/empty.ini
hcase spec-empty "an empty spec" 1 'sp/empty.ini: names no traces' -- \
	"$VMSIM" batch sp/empty.ini -o bdir
head -c 17000000 /dev/zero | tr '\0' '#' >sp/huge.ini
hcase spec-17mb "a 17 MB spec" 1 'sp/huge.ini: larger than 16 MiB; not a spec' -- \
	"$VMSIM" batch sp/huge.ini -o bdir
rm -f sp/huge.ini
hcase spec-directory "a directory as the spec" 1 'sp: read error: Is a directory' -- \
	"$VMSIM" batch sp -o bdir

# -- hostile trace and folder names in a batch (issue 18 items 2, 3, 7): no
# name runs a command (a marker file would be "left behind"), index.md
# escapes them, plans quote them, JSON stays valid, a newline is refused
# where a line-per-command file cannot carry it
mkdir -p hn/tr
for n in "$(printf 'z\nsystem("touch pwned_gp")\n.txt')" "$(printf 'g\ntouch pwned_nl\n.txt')" \
	'a$(touch pwned_dollar).txt' 'b`touch pwned_tick`.txt' "c'q\"uote.txt" \
	'd;touch pwned_semi.txt' 'e s p a c e.txt' '-lead.txt' "$(printf 'f\xff\xfe.txt')" \
	'<img src=x onerror=alert(1)>[x](javascript:alert(1)).txt'; do
	printf '1\n2\n3\n1\n' >"hn/tr/$n"
done
printf 'traces = tr/*\npolicies = lru,fifo\nframes = 1:3\npage-sizes = 1\nfigure-format = svg\n' >hn/spec.ini
hcase batch-hostile-names "10 traces named with a newline and gnuplot's system(), \$(), backticks, quotes, ;, blanks, a leading -, bytes not UTF-8, HTML and a Markdown link" \
	0 '' '^\./hout' -- "$VMSIM" batch hn/spec.ini -o hout -q
check "hostile names: 10 cells done" "$(ls hout/cells/*.csv 2>/dev/null | wc -l)" 10
grep -qE '(^|[^\\])(<img|\]\(javascript)' hout/index.md && bad "index.md carries a name's HTML or link raw" || ok
check "hostile names: one index.md line per cell" "$(grep -c '^| [0-9]* | \[main-' hout/index.md)" 10
hcase batch-plan-hostile-names "the same batch, planned into a folder named with \$(), a quote, ; and a blank" \
	0 '' -- "$VMSIM" batch hn/spec.ini -o 'p$(touch pwned_p);x'"'"'y z' --plan -q
PATH=$(dirname "$VMSIM"):$PATH sh "$T/out" >/dev/null 2>&1 && ok || bad "the hostile plan's lines failed"
check "hostile plan: 10 cells" "$(ls 'p$(touch pwned_p);x'"'"'y z/cells/' | wc -l)" 10
ls pwned_* 2>/dev/null && bad "a name in a plan ran a command" || ok
rm -rf 'p$(touch pwned_p);x'"'"'y z'
hcase batch-plan-newline "an output folder with a newline, into a GNU Parallel job file" 2 \
	'has a line break: a GNU Parallel job file is one command per line' -- \
	"$VMSIM" batch hn/spec.ini -o "$(printf 'o\ntouch pwned_o')" --plan=parallel
hcase batch-plan-json "the hostile names as JSON" 0 '' -- "$VMSIM" batch hn/spec.ini -o hout --plan=json -q
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1], encoding="utf-8")); assert len(d["cells"]) == 10; assert any(bytes.fromhex(c["trace_hex"]) == b"hn/tr/f\xff\xfe.txt" for c in d["cells"])' "$T/out" \
		&& ok || bad "plan JSON invalid or lossy: $(head -c 300 "$T/out")"
fi
hcase batch-plan-tsv "the hostile names as TSV" 0 '' -- "$VMSIM" batch hn/spec.ini -o hout --plan=tsv -q
check "TSV: one line per cell, 12 fields each" "$(awk -F'\t' '{ print NF }' "$T/out" | sort -u | tr '\n' ' ')$(wc -l <"$T/out")" "12 11"
printf 'traces = hn/tr/e*\npolicies = lru\nframes = 1\nmetrics = none\n' >-dash.ini
hcase batch-spec-leading-dash "a spec named -dash.ini" 0 '' -- "$VMSIM" batch -o dout --plan -q -- -dash.ini
grep -q ' batch ./-dash.ini -o dout --cell 1 ' "$T/out" && ok || bad "a leading - reached a plan line: $(cat "$T/out")"
rm -f -- -dash.ini
hcase batch-output-empty "an empty output folder (an unset variable)" 2 "an empty folder name" -- \
	"$VMSIM" batch hn/spec.ini -o ''

# ------------------------------------------------------------------ sweeps

# every truncation of the stored-block gzip near its header, each block
# boundary and the trailer, and every 7th byte elsewhere: an error naming
# the file and the compressed byte
n=0
for ((i = 1; i < $(stat -c %s stored.gz); i++)); do
	near=0
	for b in 10 715 1420 2125 $((gzend + 8)); do
		[ $i -ge $((b - 6)) ] && [ $i -le $((b + 6)) ] && near=1
	done
	[ $near = 1 ] || [ $((i % 7)) = 0 ] || continue
	cut_at stored.gz $i cut.gz
	limited "$VMSIM" stat cut.gz
	sweep_check "stored gzip cut at $i" "cut.gz: truncated gzip stream at compressed byte $i" 0
	n=$((n + 1))
done
echo "gzip sweep: $n truncations of a stored-block gzip"
# a real gzip (dynamic Huffman blocks), every 37th byte
n=0
for ((i = 1; i < sz; i += 37)); do
	cut_at lines.txt.gz $i cut.gz
	limited "$VMSIM" stat cut.gz
	sweep_check "gzip cut at $i" "cut.gz: ((truncated gzip stream|corrupt gzip data) at compressed byte [0-9]+|unknown trace format.* 1f$)" 0
	n=$((n + 1))
done
echo "gzip sweep: $n truncations of gzip -9 output"

# the native trace cut at every block boundary, every byte of every block
# header and the index, and every 50th payload byte
n=0
for ((i = 1; i < nsz; i++)); do
	near=0
	for b in 64 "${blocks[@]}" $idx; do
		[ $i -ge $((b - 2)) ] && [ $i -le $((b + 22)) ] && near=1
	done
	[ $i -gt $idx ] && near=1
	[ $near = 1 ] || [ $((i % 50)) = 0 ] || continue
	cut_at n.vmt $i cut.vmt
	limited "$VMSIM" stat cut.vmt
	if [ $i -lt 64 ]; then
		sweep_check "native cut at $i" "cut.vmt: truncated native header at byte $i" 0
	else
		sweep_check "native cut at $i" "cut.vmt: truncated native trace at byte [0-9]+" 0
	fi
	n=$((n + 1))
done
echo "native sweep: $n truncations"

# every byte of the header, of each block header and of the index flipped,
# and every 40th payload byte: a clean error naming the file and a byte, or
# (a few header fields: the page-shift hint, the reserved bytes, the high
# bytes of the per-block maximum) a clean success with the same references
n=0
accepted=
for ((i = 0; i < nsz; i++)); do
	near=0
	[ $i -lt 64 ] && near=1
	for b in "${blocks[@]}" $idx; do
		[ $i -ge $b ] && [ $i -lt $((b + 20)) ] && near=1
	done
	[ $i -ge $idx ] && near=1
	[ $near = 1 ] || [ $((i % 40)) = 0 ] || continue
	cp n.vmt flip.vmt
	flip flip.vmt $i
	limited "$VMSIM" stat flip.vmt -f csv
	sweep_check "native byte $i flipped" "flip.vmt: .*(byte [0-9]+|unknown trace format)" 1
	if [ "$rc" -eq 0 ]; then
		accepted="$accepted $i"
		check "byte $i flipped, accepted: same refs" "$(csv_get "$T/out" 1 refs)" "$nrefs"
	fi
	n=$((n + 1))
done
echo "native flips: $n bytes flipped; accepted:$accepted"
# exactly the per-block maximum (48-51: every flip only raises it above the
# 65536 used) and the reserved bytes (52-63), which readers ignore
check "flips accepted" "$accepted" "$(seq -s ' ' -f ' %g' 48 63 | tr -s ' ')"
check "leftovers after the sweeps" "$(find "$T" -name '*.tmp.*')" ""

# ------------------------------------------------------------------ the doc

# The table in tests/hostile.md is exactly what ran.
begin='<!-- cases: generated by tests/cli_hostile.sh, do not edit by hand -->'
end='<!-- end of cases -->'
{
	echo '| case | input | command | exit | message (first line of stderr) |'
	echo '|---|---|---|---|---|'
	cat "$H/table"
} >"$H/table.md"
if [ -n "${UPDATE_HOSTILE:-}" ]; then
	awk -v b="$begin" -v e="$end" -v t="$H/table.md" '
		$0 == b { print; while ((getline l < t) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip' "$DOC" >"$H/doc" && cp "$H/doc" "$DOC"
fi
awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$DOC" >"$H/doc.table"
if diff -u "$H/doc.table" "$H/table.md" >"$H/doc.diff"; then
	ok
else
	bad "tests/hostile.md's table differs from what vmsim did (UPDATE_HOSTILE=1 regenerates it):"
	head -30 "$H/doc.diff"
fi
echo "$(grep -c '^| ' "$H/table") cases in the table"

finish
