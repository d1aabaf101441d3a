# bench/readme.awk - results.csv into bench/README.md, the tables of one run.
# POSIX awk; run.sh passes the settings with -v.
#
# SPDX-License-Identifier: BSD-2-Clause

function what(b) {
	if (b == "inflate") return "baseline: raw zlib inflate of the native blocks, nothing else"
	if (b == "scan") return "baseline: a sequential pass over the id array"
	if (b == "decode") return "native file to dense page ids: read, inflate, CRC, decode, remap"
	if (b == "next-use") return "OPT's backward next-use pass alone"
	if (b == "fifo") return "FIFO at one size, from ids"
	if (b == "random") return "Random at one size, from ids"
	if (b == "clock") return "Clock at one size, from ids"
	if (b == "lru") return "LRU at one size, from ids"
	if (b == "lfu") return "LFU with aging at one size, from ids"
	if (b == "lfu-big") return "LFU with aging at the larger size, from ids"
	if (b == "opt") return "OPT at one size, from ids, its next-use pass included"
	if (b == "lru-curve") return "exact LRU curve counted per distance (every size), from ids"
	if (b == "lru-curve-32") return "exact LRU curve binned at 32 requested sizes, from ids"
	if (b == "opt-curve-32") return "OPT curve at 32 sizes (`curve_run`, next-use pass included)"
	if (b == "lru-curve-e2e") return "`vmsim curve -p lru -n auto` (about 100 sizes, binned), end to end from the file"
	if (b == "stream-lru") return "`vmsim replay -p lru` at one size, streaming, end to end"
	if (b == "curve-all") return "`vmsim curve`, six policies x 32 sizes, end to end"
	if (b == "tlb-ref-scan") return "baseline: a pass over the references in memory"
	if (b == "tlb") return "TLB 64:4 + 1536:12, walk caches, LRU paging; refs in memory"
	if (b == "tlb-read") return "baseline: reading the file's references"
	if (b == "tlb-curve") return "`tlb-curve` 64 sets x ways 1..16 in one pass, from the file"
	if (b == "lackey-fgets-sscanf") return "baseline: fgets + sscanf of Lackey's text"
	if (b == "lackey-parse") return "vmsim's Lackey reader, plain text"
	if (b == "lackey-inflate") return "baseline: gzread of the gzip'd text"
	if (b == "lackey-gz") return "vmsim's Lackey reader, gzip'd text (zlib)"
	return ""
}

function cell(r,   s) {
	s = sprintf("%.1f", v[r, "mrefs_per_s"])
	if (v[r, "ratio_to_baseline"] != "")
		s = s sprintf(" (%.2f)", v[r, "ratio_to_baseline"])
	return s
}

NR == 1 {
	for (i = 1; i <= NF; i++)
		name[i] = $i
	next
}

{
	n++
	for (i = 1; i <= NF; i++)
		v[n, name[i]] = $i
	row[$2, $1] = n
	if (!($1 in bseen)) {
		bseen[$1] = 1
		border[++nb] = $1
	}
}

END {
	split("uniform zipf zipfrun", ins, " ")
	print "# vmsim benchmarks"
	print ""
	printf "Written by `make bench` (`bench/run.sh`, mode %s) on %s in %d s; every number is in\n",
	       v[1, "mode"], v[1, "date"], elapsed
	print "[results.csv](results.csv). README.md's Performance section says what they mean."
	print ""
	printf "Machine: %s, %s cores, %s GB; %s; %s; zlib %s. vmsim %s (commit %s).\n",
	       v[1, "cpu"], v[1, "cores"], v[1, "mem_gb"], v[1, "kernel"], v[1, "compiler"],
	       v[1, "zlib"], v[1, "vmsim_version"], v[1, "git_commit"]
	print ""
	printf "Each figure is the best of %d runs, in millions of references per second, with its\n", reps
	print "ratio to a baseline measured in the same run in brackets (the baseline row named"
	print "in results.csv: raw inflate of the same file for whole-file work, a scan of the id array"
	print "for work over ids). Single thread unless the `threads` column says otherwise."
	print ""
	printf "## Synthetic inputs: %d references over %d pages\n\n", refs, pages
	printf "One size is %d frames (LFU's larger size %d). `zipfrun` is zipf 0.99 with sequential\n", frames, big
	print "runs of mean length 8 pages. A target applies to every input."
	print ""
	print "| benchmark | what | uniform | zipf 0.99 | zipfrun | target | met |"
	print "|---|---|---:|---:|---:|---|---|"
	for (j = 1; j <= nb; j++) {
		b = border[j]
		if (b == "curve-all" || !(("uniform", b) in row))
			continue
		line = "| " b " | " what(b)
		t = ""
		met = ""
		miss = ""
		for (k = 1; k <= 3; k++) {
			if ((ins[k], b) in row) {
				r = row[ins[k], b]
				line = line " | " cell(r)
				t = v[r, "target"]
				if (v[r, "met"] == "no")
					miss = miss (miss == "" ? "" : ", ") ins[k]
				met = v[r, "met"]
			} else {
				line = line " | "
			}
		}
		if (t != "")
			met = miss == "" ? "yes" : "no: " miss
		gsub(/;/, ", ", t)
		print line " | " t " | " met " |"
	}
	if (("zipf-curve", "curve-all") in row) {
		r = row["zipf-curve", "curve-all"]
		print ""
		printf "`vmsim curve` of all six policies at 32 sizes over %d zipf 0.99 references, %d threads,\n",
		       v[r, "refs"], v[r, "threads"]
		printf "run once: **%.1f s** wall (%.1f M refs/s of trace), peak RSS %.0f MB; the target is under\n",
		       v[r, "seconds_best"], v[r, "mrefs_per_s"], v[r, "peak_rss_kb"] / 1024
		printf "180 s per 100 M references: %s.\n", v[r, "met"]
	}
	print ""
	print "## Peak memory per distinct page (synthetic inputs)"
	print ""
	print "Peak resident set of the process, and what remains per distinct page after the"
	print "per-reference arrays (`bytes_per_ref` x refs: 4 for page ids, 8 with next-use times) and"
	print "the helper's own start-up size are taken out."
	print ""
	print "| benchmark | bytes per ref | uniform: peak MB, bytes/page | zipf 0.99 | zipfrun |"
	print "|---|---:|---:|---:|---:|"
	split("decode lru opt lfu-big lru-curve lru-curve-e2e stream-lru", mb, " ")
	for (j = 1; mb[j] != ""; j++) {
		b = mb[j]
		if (!(("uniform", b) in row))
			continue
		line = "| " b " | " v[row["uniform", b], "bytes_per_ref"]
		for (k = 1; k <= 3; k++)
			if ((ins[k], b) in row) {
				r = row[ins[k], b]
				line = line sprintf(" | %.0f MB, %.1f", v[r, "peak_rss_kb"] / 1024,
						    v[r, "bytes_per_page"])
			} else {
				line = line " | "
			}
		print line " |"
	}
	print ""
	print "## Real traces (the six in traces/, summed)"
	print ""
	printf "One size is %d frames (LFU's larger size %d); the traces touch 174 to 225 pages each.\n",
	       real_frames, real_frames * 4
	print ""
	print "| benchmark | what | M refs/s (ratio) | baseline | target | met |"
	print "|---|---|---:|---|---|---|"
	for (j = 1; j <= nb; j++) {
		b = border[j]
		if (("real-all", b) in row)
			r = row["real-all", b]
		else if (("real-lackey", b) in row)
			r = row["real-lackey", b]
		else
			continue
		t = v[r, "target"]
		gsub(/;/, ", ", t)
		print "| " b " | " what(b) " | " cell(r) " | " v[r, "baseline"] " | " t " | " v[r, "met"] " |"
	}
	print ""
	print "## Commands"
	print ""
	print "```sh"
	print "make bench                         # this table: about 10-15 minutes on 2 cores"
	print "make bench-small                   # about a million references, seconds"
	print "BENCH_REFS=10000000 make bench     # other sizes: BENCH_PAGES, BENCH_FRAMES, BENCH_REPS, ..."
	print "```"
	printf "\nThis run: BENCH_REFS=%d BENCH_PAGES=%d BENCH_FRAMES=%d BENCH_BIG_FRAMES=%d\n", refs, pages, frames, big
	printf "BENCH_CURVE_REFS=%d BENCH_REAL_FRAMES=%d BENCH_REPS=%d BENCH_THREADS=%d.\n",
	       curve_refs, real_frames, reps, threads
}
