# bench/results.awk - bench/run.sh's raw rows into results.csv.
#
# SPDX-License-Identifier: BSD-2-Clause
#
# In:  input,kind,benchmark,refs,pages,frames,seconds_best,runs,peak_rss_kb,
#      bytes_per_ref,bytes_per_page,threads,note       (vmsim-bench's rows)
# Out: results.csv with a header: the rate of every row, its baseline from the
#      same input and the same run, the ratio to it, the issue's target for
#      it and whether it is met, and the machine (meta, from run.sh) on every
#      row.  Rows of the real traces are also summed into input "real-all".
# POSIX awk; run with -F, -v OFS=, -v meta=...

function baseline_of(b) {
	if (b == "decode" || b == "lru-curve-e2e" || b == "stream-lru" || b == "curve-all")
		return "inflate"
	if (b == "next-use" || b == "fifo" || b == "random" || b == "clock" || b == "lru" ||
	    b == "lfu" || b == "lfu-big" || b == "opt" || b == "lru-curve" ||
	    b == "lru-curve-32" || b == "opt-curve-32")
		return "scan"
	if (b == "lackey-parse")
		return "lackey-fgets-sscanf"
	if (b == "lackey-gz")
		return "lackey-inflate"
	if (b == "tlb")
		return "tlb-ref-scan"
	if (b == "tlb-curve")
		return "tlb-read"
	return ""
}

# the issue's target for a row, as "column>=value" (";" between two), or ""
function target_of(b, kind) {
	if (kind == "synthetic") {
		if (b == "decode") return "ratio_to_baseline>=0.85"
		if (b == "fifo" || b == "random") return "mrefs_per_s>=150"
		if (b == "clock") return "mrefs_per_s>=100"
		if (b == "lru") return "mrefs_per_s>=50"
		if (b == "opt" || b == "lfu" || b == "lfu-big" || b == "lru-curve" ||
		    b == "lru-curve-32")
			return "mrefs_per_s>=30"
		if (b == "lru-curve-e2e") return "mrefs_per_s>=35;bytes_per_page<=40"
		if (b == "opt-curve-32") return "mrefs_per_s>=2"
		if (b == "curve-all") return "seconds_per_100M<=180"
		return ""
	}
	if (b == "tlb") return "mrefs_per_s>=60"
	if (b == "tlb-curve") return "mrefs_per_s>=70"
	if (b == "lackey-gz") return "mrefs_per_s>=18"
	if (b == "lackey-parse") return "ratio_to_baseline>=8"
	return ""
}

# "yes" if every clause of t holds for the row's values, else "no"
function met_of(t, mrefs, ratio, bpp, secs100, n, i, c, k, v, x, parts) {
	if (t == "")
		return ""
	n = split(t, parts, ";")
	for (i = 1; i <= n; i++) {
		c = parts[i]
		if (index(c, ">=")) {
			k = substr(c, 1, index(c, ">=") - 1)
			v = substr(c, index(c, ">=") + 2) + 0
		} else {
			k = substr(c, 1, index(c, "<=") - 1)
			v = substr(c, index(c, "<=") + 2) + 0
		}
		if (k == "mrefs_per_s")
			x = mrefs
		else if (k == "ratio_to_baseline")
			x = ratio
		else if (k == "bytes_per_page")
			x = bpp
		else
			x = secs100
		if (x == "")
			return "no"
		if (index(c, ">=") && x + 0 < v)
			return "no"
		if (index(c, "<=") && x + 0 > v)
			return "no"
	}
	return "yes"
}

{
	n++
	for (i = 1; i <= 13; i++)
		f[n, i] = $i
	if ($2 == "real" && $1 != "real-lackey") {
		key = $3
		if (!(key in agg_refs)) {
			order[++nagg] = key
			agg_refs[key] = 0
			agg_secs[key] = 0
			agg_peak[key] = 0
			agg_runs[key] = $8
			agg_cnt[key] = 0
		}
		agg_refs[key] += $4
		agg_secs[key] += $7
		if ($9 > agg_peak[key])
			agg_peak[key] = $9
		agg_cnt[key]++
		if (!($1 in seen_real)) {
			seen_real[$1] = 1
			nreal++
		}
	}
}

END {
	# the real traces, summed: a row per benchmark that ran on every one
	for (j = 1; j <= nagg; j++) {
		key = order[j]
		if (agg_cnt[key] != nreal)
			continue
		n++
		f[n, 1] = "real-all"; f[n, 2] = "real"; f[n, 3] = key; f[n, 4] = agg_refs[key]
		f[n, 5] = 0; f[n, 6] = 0; f[n, 7] = agg_secs[key]; f[n, 8] = agg_runs[key]
		f[n, 9] = agg_peak[key]; f[n, 10] = 0; f[n, 11] = ""; f[n, 12] = 1
		f[n, 13] = "sum over the " nreal " real traces"
	}
	for (r = 1; r <= n; r++)
		if (f[r, 7] > 0)
			rate[f[r, 1], f[r, 3]] = f[r, 4] / f[r, 7] / 1e6
	print "benchmark,input,input_kind,refs,pages,frames,threads,runs,seconds_best," \
	      "mrefs_per_s,baseline,baseline_mrefs_per_s,ratio_to_baseline,peak_rss_kb," \
	      "bytes_per_ref,bytes_per_page,target,met,note,cpu,cores,mem_gb,kernel," \
	      "compiler,zlib,vmsim_version,git_commit,date,mode"
	for (r = 1; r <= n; r++) {
		input = f[r, 1]; b = f[r, 3]
		mrefs = f[r, 7] > 0 ? sprintf("%.6g", f[r, 4] / f[r, 7] / 1e6) : ""
		base = baseline_of(b)
		# the all-policy curve has its own, longer input: zipf's baseline
		binput = input == "zipf-curve" ? "zipf" : input
		brate = ""
		ratio = ""
		if (base != "" && ((binput, base) in rate)) {
			brate = sprintf("%.6g", rate[binput, base])
			if (mrefs != "" && rate[binput, base] > 0)
				ratio = sprintf("%.6g", mrefs / rate[binput, base])
		} else {
			base = ""
		}
		bpp = f[r, 5] > 0 ? f[r, 11] : ""
		secs100 = f[r, 4] > 0 ? f[r, 7] * 1e8 / f[r, 4] : ""
		t = target_of(b, f[r, 2])
		print b, input, f[r, 2], f[r, 4], f[r, 5], f[r, 6], f[r, 12], f[r, 8],
		      f[r, 7], mrefs, base, brate, ratio, f[r, 9], f[r, 10], bpp, t,
		      met_of(t, mrefs, ratio, bpp, secs100), f[r, 13], meta
	}
}
