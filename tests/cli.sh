#!/bin/bash
# tests/cli.sh - end-to-end tests of replay, stat and convert.
#
# SPDX-License-Identifier: BSD-2-Clause
#
# Each case runs the real binary ($VMSIM, passed by the Makefile) and checks
# its exit status, its output (golden files in tests/golden, with the scratch
# path filtered out) and its error messages.  Prints "N passed, N failed".
. "$(dirname "$0")/lib.sh"

# ---------------------------------------------------------------- inputs
# Belady's string as a plain-text trace of page numbers (page size 1)
printf '1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n' >belady.txt
cat >small.lackey <<'L'
==4242== Lackey, an example Valgrind tool
==4242== Command: ./a.out
I  04000000,3
 L 1ffefff000,8
I  04000003,4
 S 1ffefff008,8
I  04000007,2
 M 0060a010,4
I  04001000,5
 L 0060a010,4
==4242== 
L
cat >kinds.txt <<'X'
# a comment line
R 0x1000
W 0x2000   # trailing comment
I 0x3000
0x1004
4096

r 8192
X

# ------------------------------------------------------------------ help
expect_ok "help" "$VMSIM" --help
for w in replay stat convert opt fifo random lru lfu clock lackey text native; do
	grep -qw "$w" "$T/out" && ok || bad "--help does not mention $w"
done
expect_ok "replay --help" "$VMSIM" replay --help
for o in --policy --frames --page-size --seed --lfu-aging --format --output --input-format; do
	grep -q -- "$o" "$T/out" && ok || bad "replay --help lacks $o"
done
grep -q 'default: 4K' "$T/out" && ok || bad "replay --help does not show the page-size default"
expect_ok "help replay" "$VMSIM" help replay
expect_ok "version" "$VMSIM" --version
grep -q '^vmsim [0-9]' "$T/out" && ok || bad "--version output"
expect_fail "no args" 2 "usage" "$VMSIM"
expect_fail "unknown command" 2 "unknown command 'frobnicate'" "$VMSIM" frobnicate

# ---------------------------------------------------------- golden results
# Belady's anomaly: FIFO faults 9 times with 3 frames and 10 times with 4.
expect_ok "belady fifo" "$VMSIM" replay belady.txt -p fifo -n 3,4 --page-size 1 -f csv
cp "$T/out" fifo.csv
check "fifo 3 frames" "$(csv_get fifo.csv 1 faults)" 9
check "fifo 4 frames" "$(csv_get fifo.csv 2 faults)" 10
check "fifo compulsory" "$(csv_get fifo.csv 1 compulsory)" 5
check "fifo evictions" "$(csv_get fifo.csv 1 evictions)" 6
# OPT 7 and 6, LRU 10 and 8 (worked by hand in tests/test_policies.c)
expect_ok "belady opt lru" "$VMSIM" replay belady.txt -p opt,lru -n 3,4 -s 1 -f csv -o all.csv
check "opt 3" "$(csv_get all.csv 1 faults)" 7
check "opt 4" "$(csv_get all.csv 2 faults)" 6
check "lru 3" "$(csv_get all.csv 3 faults)" 10
check "lru 4" "$(csv_get all.csv 4 faults)" 8
check "hit_rate" "$(csv_get all.csv 1 hit_rate)" 0.416666667
head -1 all.csv | grep -q '^trace,policy,frames,page_size,refs,hits,faults,hit_rate,compulsory,evictions,writebacks' \
	&& ok || bad "CSV header: $(head -1 all.csv)"
# a golden table of all six policies, the human format
expect_ok "six policies" "$VMSIM" replay belady.txt -p opt,fifo,random,lru,lfu,clock -n 3,4 -s 1 --seed 7
golden replay-belady.txt "$T/out"
expect_ok "json" "$VMSIM" replay belady.txt -p lru -n 3 -s 1 -f json
golden replay-belady.json "$T/out"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[0]["faults"] == 10' "$T/out" \
		&& ok || bad "JSON does not parse or has wrong faults"
fi

# streaming (one config) and loaded (several) give the same row
expect_ok "stream" "$VMSIM" replay small.lackey -p clock -n 2 -f csv -o s.csv
expect_ok "loaded" "$VMSIM" replay small.lackey -p clock,lru -n 2 -f csv -o l.csv
check "stream mode" "$(csv_get s.csv 1 mode)" stream
check "loaded mode" "$(csv_get l.csv 1 mode)" loaded
check "stream = loaded" "$(cut -d, -f1-13 s.csv | tail -1)" "$(cut -d, -f1-13 l.csv | sed -n 2p)"
# write-backs: the store and the modify dirty two pages; 1 frame evicts them
expect_ok "writebacks" "$VMSIM" replay small.lackey -p fifo -n 1 -f csv -o wb.csv
check "wb refs" "$(csv_get wb.csv 1 refs)" 8
check "wb faults" "$(csv_get wb.csv 1 faults)" 8
check "wb writebacks" "$(csv_get wb.csv 1 writebacks)" 2
# page size changes distinct pages
expect_ok "page size 1G" "$VMSIM" replay small.lackey -p lru -n 1 -s 1G -f csv -o g.csv
check "1G pages" "$(csv_get g.csv 1 distinct_pages)" 2
# random is reproducible
"$VMSIM" replay belady.txt -p random -n 3 -s 1 --seed 42 -f csv >r1.csv
"$VMSIM" replay belady.txt -p random -n 3 -s 1 --seed 42 -f csv >r2.csv
cmp -s r1.csv r2.csv && ok || bad "random with the same seed differs"

# ------------------------------------------------------------------ stat
expect_ok "stat" "$VMSIM" stat kinds.txt -f csv -o st.csv
check "stat refs" "$(csv_get st.csv 1 refs)" 6
check "stat loads" "$(csv_get st.csv 1 loads)" 4
check "stat stores" "$(csv_get st.csv 1 stores)" 1
check "stat instr" "$(csv_get st.csv 1 instr)" 1
check "stat pages" "$(csv_get st.csv 1 distinct_pages)" 3
check "stat footprint" "$(csv_get st.csv 1 footprint_bytes)" 12288
check "stat first" "$(csv_get st.csv 1 first_addr)" 0x1000
check "stat last" "$(csv_get st.csv 1 last_addr)" 0x2000
check "stat max" "$(csv_get st.csv 1 max_addr)" 0x3000
check "stat format" "$(csv_get st.csv 1 format)" text
expect_ok "stat lackey" "$VMSIM" stat small.lackey
golden stat-small.txt "$T/out"

# --------------------------------------------------------------- convert
expect_ok "to native" "$VMSIM" convert small.lackey -o small.vmt -q
expect_ok "to text.gz" "$VMSIM" convert small.vmt -o small.txt.gz -q
expect_ok "to lackey" "$VMSIM" convert small.txt.gz -o back.lackey -q
expect_ok "to text" "$VMSIM" convert back.lackey -o back.txt -q
expect_ok "orig text" "$VMSIM" convert small.lackey -o orig.txt -q
cmp -s back.txt orig.txt && ok || bad "round trip lackey->native->text.gz->lackey->text changed the trace"
check "gzip detected" "$(head -c2 small.txt.gz | od -An -tx1 | tr -d ' ')" 1f8b
"$VMSIM" stat small.vmt -f csv -o sv.csv
check "native detected" "$(csv_get sv.csv 1 format)" native
check "native refs" "$(csv_get sv.csv 1 refs)" 8
# detection from content, not from the name
cp small.vmt misleading.lackey
expect_ok "misleading name" "$VMSIM" stat misleading.lackey -f csv
grep -q ',native,' "$T/out" && ok || bad "native file named .lackey not detected"
expect_fail "convert unknown ext" 2 "cannot tell the output format" "$VMSIM" convert small.lackey -o x.foo
check "no output for unknown ext" "$(ls x.foo* 2>/dev/null)" ""

# ------------------------------------------------------------ bad inputs
expect_fail "missing file" 1 "nosuch.txt" "$VMSIM" replay nosuch.txt -p lru -n 4
head -c 3000 /dev/urandom >junk.bin
printf '\x00\x01\x02garbage' | cat - junk.bin >junk2.bin
expect_fail "unknown format" 1 "junk2.bin.*(unknown|format)" "$VMSIM" replay junk2.bin -p lru -n 4
printf '1\n2\nthree\n4\n' >badline.txt
expect_fail "malformed text line" 1 "badline.txt:3" "$VMSIM" replay badline.txt -p lru -n 4 -s 1
sed '5s/.*/ X nonsense/' small.lackey >badline.lackey
expect_fail "malformed lackey line" 1 "badline.lackey:5" "$VMSIM" replay badline.lackey -p lru -n 4
seq 1 200000 | gzip -c >big.txt.gz
head -c $(( $(stat -c %s big.txt.gz) / 2 )) big.txt.gz >trunc.txt.gz
expect_fail "truncated gzip" 1 "trunc.txt.gz.*(truncated|unexpected end)" "$VMSIM" replay trunc.txt.gz -p lru -n 4
cp big.txt.gz corrupt.txt.gz
printf '\xff\xff\xff\xff' | dd of=corrupt.txt.gz bs=1 seek=2000 conv=notrunc 2>/dev/null
expect_fail "corrupt gzip" 1 "corrupt.txt.gz" "$VMSIM" replay corrupt.txt.gz -p lru -n 4
cp small.vmt badhdr.vmt
printf '\x09' | dd of=badhdr.vmt bs=1 seek=8 conv=notrunc 2>/dev/null
expect_fail "corrupt native header" 1 "badhdr.vmt.*version" "$VMSIM" replay badhdr.vmt -p lru -n 4 --input-format native
expect_fail "zero frames" 2 "frames.*'0'" "$VMSIM" replay belady.txt -p lru -n 0
expect_fail "negative frames" 2 "frames.*'-3'" "$VMSIM" replay belady.txt -p lru -n -3
expect_fail "junk frames" 2 "frames.*'12x'" "$VMSIM" replay belady.txt -p lru -n 12x
expect_fail "page size not pow2" 2 "page-size 3000 is not a power of two" "$VMSIM" replay belady.txt -p lru -n 4 -s 3000
expect_fail "page size too big" 2 "larger than the 1G" "$VMSIM" replay belady.txt -p lru -n 4 -s 2G
expect_fail "page size junk" 2 "page-size 'big'" "$VMSIM" replay belady.txt -p lru -n 4 -s big
expect_fail "unknown policy" 2 "unknown policy 'lur'; known: opt fifo random lru lfu clock" "$VMSIM" replay belady.txt -p lur -n 4
expect_fail "missing policy" 2 "--policy is required" "$VMSIM" replay belady.txt -n 4
expect_fail "missing frames" 2 "--frames is required" "$VMSIM" replay belady.txt -p lru
expect_fail "unknown option" 2 "unknown option '--frame'" "$VMSIM" replay belady.txt -p lru --frame 4
expect_fail "bad format" 2 "--format 'xml'" "$VMSIM" replay belady.txt -p lru -n 4 -f xml
expect_fail "bad input format" 2 "unknown trace format 'din'" "$VMSIM" replay belady.txt -p lru -n 4 --input-format din
expect_fail "seed junk" 2 "--seed 'x'" "$VMSIM" replay belady.txt -p random -n 4 --seed x
expect_fail "missing trace" 2 "missing argument" "$VMSIM" replay -p lru -n 4
expect_fail "extra argument" 2 "unexpected argument" "$VMSIM" replay a b -p lru -n 4
: >empty.txt
expect_fail "empty file" 1 "empty.txt.*empty" "$VMSIM" replay empty.txt -p lru -n 4
# nothing partial left behind: results and converted traces
expect_fail "no partial result" 1 "badline.txt:3" "$VMSIM" replay badline.txt -p lru,fifo -n 4 -s 1 -o res.csv
check "no result file" "$(ls res.csv* 2>/dev/null)" ""
expect_fail "no partial convert" 1 "trunc.txt.gz" "$VMSIM" convert trunc.txt.gz -o conv.vmt
check "no converted file" "$(ls conv.vmt* 2>/dev/null)" ""
# a signal mid-way removes the temporary: convert blocks reading a slow pipe
rm -f sig.vmt*
{ seq 1 1000; sleep 30; } | "$VMSIM" convert - -o sig.vmt -q --input-format text &
vpid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do ls sig.vmt.tmp.* >/dev/null 2>&1 && break; sleep 0.2; done
ls sig.vmt.tmp.* >/dev/null 2>&1 && ok || bad "convert made no temporary to test with"
kill -TERM $vpid
wait $vpid
check "SIGTERM exit status" "$?" 143
check "no file after SIGTERM" "$(ls sig.vmt* 2>/dev/null)" ""
expect_fail "unwritable output" 1 "cannot create" "$VMSIM" replay belady.txt -p lru -n 4 -o /nonexistent/dir/x.csv

finish
