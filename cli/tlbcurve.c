/*
 * cli/tlbcurve.c - vmsim tlb-curve: TLB misses at many sizes and associativities.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * One streaming pass over the trace drives one TLB alone (no paging, no page
 * walks, entries tagged by address space) at every (entries, ways) asked:
 * LRU sizes all come from one stack pass (replay/tlb.c), other policies run
 * one TLB per size over the same stream.  One row per (entries, ways).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define TC_MAX_POINTS 4096

static const struct opt tlbcurve_opts[] = {
	{ "entries", 'e', "SPEC", NULL,
	  "TLB sizes (required): N, LO:HI (doubling: 8:4096), LO:HI:STEP, LO:HI:xF, comma lists", NULL },
	{ "ways", 'w', "W[,W...]", "full",
	  "associativities: numbers, LO:HI (every one), or full", NULL },
	{ "sets", 0, "S", NULL,
	  "instead of --entries: a fixed number of sets; entries = S x each of --ways", NULL },
	{ "policy", 'p', "P", "lru",
	  "replacement within a set (lru: one pass for every size; opt is refused):", cli_policy_choices },
	OPT_PAGE_SIZE,
	{ "huge", 0, "SIZE", "off", "map every region with pages of SIZE (2M, 1G) or off", NULL },
	{ "seed", 0, "S", "1", "seed for randomized policies", NULL },
	{ "3c-reference", 0, "lru|same", "lru",
	  "capacity misses: those a fully associative LRU TLB (lru) or one of --policy (same, "
	  "as Dinero IV) of as many entries takes too", NULL },
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_INPUT_FORMAT,
	OPT_QUIET,
	OPT_LABEL,
	OPT_HELP,
	OPT_END,
};

static const struct col tlbcurve_cols[] = {
	{ "trace", COL_STR },
	{ "policy", COL_STR },
	{ "entries", COL_U64 },
	{ "ways", COL_U64 },
	{ "sets", COL_U64 },
	{ "page_size", COL_U64 },
	{ "huge", COL_STR },
	{ "refs", COL_U64 },
	{ "tlb_hits", COL_U64 },
	{ "tlb_misses", COL_U64 },
	{ "miss_rate", COL_F64 },
	{ "tlb_compulsory", COL_U64 },
	{ "tlb_capacity", COL_U64 },
	{ "tlb_conflict", COL_U64 },
	{ "translations", COL_U64 },
	{ "seed", COL_U64 },
	{ "mode", COL_STR },
	{ "version", COL_STR },
	{ "tlb_3c_reference", COL_STR },
	{ "trace_id", COL_STR }, /* see trace_ident() */
};

/* append v to list[*n] if new; -1 when full */
static int tc_add(uint64_t *list, size_t *n, uint64_t v)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (list[i] == v)
			return 0;
	if (*n == TC_MAX_POINTS)
		return -1;
	list[(*n)++] = v;
	return 0;
}

/*
 * A comma list of N, LO:HI, LO:HI:STEP and LO:HI:xF into list (in order, no
 * repeats).  LO:HI doubles when `doubling`, else steps by one.  "full" gives
 * 0 when full_ok.  0 or an exit code.
 */
static int tc_parse_list(const char *opt, const char *spec, int doubling, int full_ok,
			 uint64_t *list, size_t *n)
{
	char *s = xstrdup(spec), *items[256], *f[3], *q;
	int ni = cli_split_list(s, items, 256), i, nf, rc = EXIT_USAGE;
	uint64_t lo, hi, step, v;
	int geo;

	*n = 0;
	if (ni <= 0) {
		cli_usage("--%s '%s' is empty or too long", opt, spec);
		goto out;
	}
	for (i = 0; i < ni; i++) {
		if (full_ok && strcmp(items[i], "full") == 0) {
			if (tc_add(list, n, 0))
				goto toomany;
			continue;
		}
		nf = 0;
		for (q = items[i]; nf < 3;) {
			f[nf++] = q;
			q = strchr(q, ':');
			if (!q)
				break;
			*q++ = 0;
		}
		if (q || items[i][0] == '-' || parse_u64(f[0], &lo) || lo == 0 ||
		    lo > TLB_MAX_ENTRIES)
			goto bad;
		hi = lo;
		if (nf > 1 && (f[1][0] == '-' || parse_u64(f[1], &hi) || hi < lo ||
			       hi > TLB_MAX_ENTRIES))
			goto bad;
		geo = doubling;
		step = doubling ? 2 : 1;
		if (nf > 2) {
			geo = f[2][0] == 'x';
			if (parse_u64(f[2] + geo, &step) || step < 1 + (uint64_t)geo)
				goto bad;
		}
		for (v = lo;;) {
			if (tc_add(list, n, v))
				goto toomany;
			if (geo ? v > hi / step : hi - v < step)
				break;
			v = geo ? v * step : v + step;
		}
		if (geo && tc_add(list, n, hi)) /* a geometric range ends at HI */
			goto toomany;
	}
	rc = 0;
	goto out;
bad:
	cli_usage("--%s '%s': each item is N, LO:HI, LO:HI:STEP or LO:HI:xFACTOR with "
		  "1 <= LO <= HI <= %u%s", opt, spec, TLB_MAX_ENTRIES, full_ok ? ", or full" : "");
	goto out;
toomany:
	cli_usage("--%s '%s' gives more than %d values", opt, spec, TC_MAX_POINTS);
out:
	free(s);
	return rc;
}

static int tlbcurve_run(struct args *a)
{
	static uint64_t ent[TC_MAX_POINTS], ways[TC_MAX_POINTS];
	struct tlb_curve_point *pts = NULL;
	const struct policy_ops *pol;
	const struct trace_format *fmt;
	struct xlate_source *src = NULL;
	struct xlate_config xc = { 0 };
	struct vm_diag d = { 0 };
	struct table t;
	enum report_format rf;
	size_t ne = 0, nw = 0, np = 0, i, j, r, skipped = 0;
	enum tlb_ref3c ref3c;
	uint64_t sets = 0, seed, e, w;
	uint32_t shift;
	char names[128], buf[32], id[17] = "", *name = NULL;
	const char *path = a->pos[0];
	int rc;

	if ((rc = cli_page_shift(a, &shift)) || (rc = cli_report_format(a, &rf)) ||
	    (rc = cli_input_format(a, &fmt)) || (rc = cli_u64(a, "seed", &seed)))
		return rc;
	pol = policy_find(cli_arg(a, "policy"));
	if (!pol)
		return cli_usage("unknown policy '%s'; known: %s", cli_arg(a, "policy"),
				 policy_names(names, sizeof names, " "));
	if (pol->flags & POLICY_NEEDS_FUTURE)
		return cli_usage("policy '%s' needs the future, which a TLB does not know", pol->name);
	if (tlb_parse_ref3c("--3c-reference", cli_arg(a, "3c-reference"), &ref3c, &d))
		return cli_fail(&d);
	if (cli_arg(a, "sets")) {
		if (cli_arg(a, "entries"))
			return cli_usage("--sets and --entries exclude each other");
		if ((rc = cli_u64(a, "sets", &sets)))
			return rc;
		if (sets < 1 || sets > TLB_MAX_ENTRIES)
			return cli_usage("--sets %s must be from 1 to %u", cli_arg(a, "sets"),
					 TLB_MAX_ENTRIES);
	} else if (!cli_arg(a, "entries")) {
		return cli_usage("--entries is required (for example 8:4096), or --sets");
	}
	if ((rc = tc_parse_list("ways", cli_arg(a, "ways"), 0, 1, ways, &nw)))
		return rc;
	if (!sets && (rc = tc_parse_list("entries", cli_arg(a, "entries"), 1, 0, ent, &ne)))
		return rc;
	if (sets) {
		ne = 1;
		for (j = 0; j < nw; j++)
			if (!ways[j])
				return cli_usage("--ways full makes no sense with --sets (one set)");
	}
	pts = xcalloc(ne * nw, sizeof *pts);
	for (i = 0; i < ne; i++) {
		for (j = 0; j < nw; j++) {
			w = ways[j];
			e = sets ? sets * w : ent[i];
			if (!w)
				w = e;
			if (e > TLB_MAX_ENTRIES) {
				rc = cli_usage("%llu sets x %llu ways is more than %u entries",
					       (unsigned long long)sets, (unsigned long long)w,
					       TLB_MAX_ENTRIES);
				goto out;
			}
			if (w > e || e % w) {
				/* E = sets x W: no such TLB; skip the pair */
				skipped++;
				continue;
			}
			pts[np].tlb.entries = (uint32_t)e;
			pts[np].tlb.ways = (uint32_t)w;
			pts[np].tlb.policy = pol;
			pts[np].tlb.ref3c = ref3c;
			if (tlb_check("tlb-curve:", &pts[np].tlb, &d)) {
				rc = cli_fail(&d);
				goto out;
			}
			np++;
		}
	}
	if (!np) {
		rc = cli_usage("no (entries, ways) pair is a TLB: ways must divide the entries "
			       "(entries = sets x ways); give divisors of --entries, or full");
		goto out;
	}
	if (skipped)
		fprintf(stderr, "%s: skipped %zu of %zu (entries, ways) pairs whose ways do not "
			"divide the entries (entries = sets x ways)\n", cli_cmd_name, skipped,
			ne * nw);
	xc.page_shift = shift;
	xc.tlb_only = 1;
	xc.seed = seed;
	if (xlate_parse_huge(cli_arg(a, "huge"), &xc, &d))
		goto fail;
	rc = EXIT_FAILURE;
	cli_progress_start(path, cli_flag(a, "quiet"));
	result_trace_id(path, id);
	name = result_trace_path(cli_arg(a, "label") ? cli_arg(a, "label") : path);
	rc = xlate_source_open(&src, a->pos, 1, fmt, 0, &d);
	if (!rc)
		rc = xlate_tlb_curve(src, &xc, pts, np, cli_progress_refs, &d);
	cli_progress_done();
	xlate_source_close(src);
	if (rc)
		goto fail;
	table_init(&t, tlbcurve_cols, sizeof tlbcurve_cols / sizeof tlbcurve_cols[0]);
	for (i = 0; i < np; i++) {
		const struct tlb_stats *st = &pts[i].st;
		uint64_t refs = st->hits + st->misses;

		r = table_add_row(&t);
		table_set_str(&t, r, "trace", name);
		if (*id)
			table_set_str(&t, r, "trace_id", id);
		table_set_str(&t, r, "policy", pol->name);
		table_set_u64(&t, r, "entries", pts[i].tlb.entries);
		table_set_u64(&t, r, "ways", pts[i].tlb.ways);
		table_set_u64(&t, r, "sets", pts[i].tlb.entries / pts[i].tlb.ways);
		table_set_u64(&t, r, "page_size", 1ull << shift);
		if (xc.huge == XLATE_HUGE_OFF)
			snprintf(buf, sizeof buf, "off");
		else
			snprintf(buf, sizeof buf, "%lluK", 1ull << xc.huge_shift >> 10);
		table_set_str(&t, r, "huge", buf);
		table_set_u64(&t, r, "refs", refs);
		table_set_u64(&t, r, "tlb_hits", st->hits);
		table_set_u64(&t, r, "tlb_misses", st->misses);
		table_set_f64(&t, r, "miss_rate", refs ? (double)st->misses / (double)refs : 0.0);
		table_set_u64(&t, r, "tlb_compulsory", st->compulsory);
		table_set_u64(&t, r, "tlb_capacity", st->capacity);
		table_set_u64(&t, r, "tlb_conflict", st->conflict);
		table_set_u64(&t, r, "translations", st->compulsory);
		table_set_u64(&t, r, "seed", seed);
		table_set_str(&t, r, "mode", pts[i].one_pass ? "one-pass" : "per-size");
		table_set_str(&t, r, "version", VMSIM_VERSION);
		table_set_str(&t, r, "tlb_3c_reference", tlb_ref3c_name(ref3c));
	}
	rc = cli_write_table(a, &t, rf);
	table_free(&t);
	goto out;
fail:
	rc = cli_fail(&d);
out:
	free(name);
	free(pts);
	return rc;
}

const struct cmd tlbcurve_cmd = {
	.name = "tlb-curve",
	.usage = "TRACE --entries SPEC [--ways W,...] [options]",
	.summary = "TLB misses at many sizes and associativities, one pass for LRU",
	.details = "One row per (entries, ways): a single TLB, entries tagged by address space, no\n"
		"paging and no page walks; the set is VPN mod sets.  Misses are split into\n"
		"compulsory, capacity (a fully associative TLB of the same size misses too: LRU,\n"
		"or --policy with --3c-reference same) and conflict.  Pairs whose ways do not\n"
		"divide the entries are skipped, with a note on stderr.  LRU computes every size in one pass over the trace (a recency\n"
		"stack per set, Mattson et al. 1970); other policies run one TLB per size over\n"
		"the same pass.  The memory used grows with distinct pages, not the trace.  The\n"
		"rows equal `vmsim replay --tlb E:W` with enough frames that nothing is evicted.",
	.opts = tlbcurve_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = tlbcurve_run,
};
