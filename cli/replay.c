/*
 * cli/replay.c - vmsim replay: replay a trace through physical memory with a policy.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct opt replay_opts[] = {
	{ "policy", 'p', "P[,P...]", NULL,
	  "replacement policies (required):", cli_policy_choices },
	{ "frames", 'n', "N[,N...]", NULL,
	  "physical memory sizes in page frames, each >= 1 (this or --memory is required)", NULL },
	{ "memory", 0, "SIZES", NULL,
	  "memory sizes in bytes instead of --frames: 64K,1M,1G or MIN:MAX[:STEP|:xF] (whole "
	  "pages; fractions of the footprint need vmsim curve)", NULL },
	OPT_PAGE_SIZE,
	{ "seed", 0, "S", "1", "seed for randomized policies (random)", NULL },
	{ "lfu-aging", 0, "K", "0",
	  "LFU halves its counters every K references; 0 = max(1024, 8 x frames)", NULL },
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_INPUT_FORMAT,
	{ "quiet", 'q', NULL, NULL, "no progress line on stderr", NULL },
	OPT_MEM_LIMIT,
	OPT_LABEL,
	/* address translation (issue 3); any of these turns the model on */
	{ "tlb", 0, "E:W[:P]", NULL,
	  "unified L1 TLB: ENTRIES:WAYS[:POLICY], WAYS a number or full (64:4, 64:full:fifo)", NULL },
	{ "itlb", 0, "E:W[:P]", NULL, "split L1: instruction TLB (with --dtlb)", NULL },
	{ "dtlb", 0, "E:W[:P]", NULL, "split L1: data TLB (with --itlb)", NULL },
	{ "stlb", 0, "E:W[:P]", NULL, "unified L2 TLB (1536:12)", NULL },
	{ "levels", 0, "N", NULL,
	  "page-table levels, 1 to 5 [default: from the page size and a 48-bit address]", NULL },
	{ "pt-bits", 0, "B,B,...", NULL,
	  "index bits per level, root first (10,10  9,9,9,9  9,9,9,9,9)", NULL },
	{ "pte-size", 0, "BYTES", "8", "bytes per page-table entry (4 for 32-bit layouts)", NULL },
	{ "pwc", 0, "N", "0", "page-walk cache entries per upper level; 0 = none", NULL },
	{ "huge", 0, "MODE", "off",
	  "huge pages: off, 2M, 1G (any size a level maps) or auto (promote, see --thp-fraction)", NULL },
	{ "thp-fraction", 0, "F", "0.5",
	  "--huge auto: promote a region once this fraction of its base pages is touched", NULL },
	{ "asid", 0, "on|off", "on",
	  "on: TLB entries tagged by address space; off: flush on every switch", NULL },
	{ "3c-reference", 0, "lru|same", "lru",
	  "capacity misses: those a fully associative LRU TLB (lru) or one of the TLB's own "
	  "policy (same, as Dinero IV) of as many entries takes too", NULL },
	{ "interleave", 0, "QUANTUM", NULL,
	  "replay several TRACEs round robin, QUANTUM references each, one address space each", NULL },
	{ "latency", 0, "K=NS,...", XLATE_DEFAULT_LATENCY,
	  "cost model in ns: L1 and L2 TLB lookup, memory and walk reference, fault, write-back", NULL },
	OPT_HELP,
	OPT_END,
};

/* ------------------------------------------------ address translation (issue 3) */

/*
 * With any translation option (or several traces), replay runs the
 * translation model (replay/xlate.c) beside the paging model and appends the
 * columns below to the shared result columns; TLBs that are not configured
 * leave their cells empty.
 */
static const char *const xlate_opt_names[] = {
	"tlb", "itlb", "dtlb", "stlb", "levels", "pt-bits", "pte-size", "pwc", "huge",
	"thp-fraction", "asid", "interleave", "latency", "3c-reference", NULL,
};

#define XLATE_TLB_COLS(p) \
	{ p "_hits", COL_U64 }, { p "_misses", COL_U64 }, { p "_compulsory", COL_U64 }, \
	{ p "_capacity", COL_U64 }, { p "_conflict", COL_U64 }, \
	{ p "_invalidation", COL_U64 }

static const struct col xlate_cols[] = {
	{ "asid", COL_STR }, { "interleave", COL_U64 }, { "huge", COL_STR },
	{ "thp_fraction", COL_F64 },
	{ "tlb", COL_STR }, { "itlb", COL_STR }, { "dtlb", COL_STR }, { "stlb", COL_STR },
	XLATE_TLB_COLS("tlb"), XLATE_TLB_COLS("itlb"), XLATE_TLB_COLS("dtlb"),
	XLATE_TLB_COLS("stlb"),
	{ "walks", COL_U64 }, { "walk_refs", COL_U64 }, { "refs_per_walk", COL_F64 },
	{ "pwc", COL_U64 }, { "pwc_hits", COL_U64 },
	{ "asids", COL_U64 }, { "switches", COL_U64 }, { "flushes", COL_U64 },
	{ "shootdowns", COL_U64 }, { "promotions", COL_U64 }, { "translations", COL_U64 },
	{ "pt_levels", COL_U64 }, { "pte_size", COL_U64 }, { "pt_pages", COL_U64 },
	{ "pt_bytes", COL_U64 }, { "pt_l1_pages", COL_U64 }, { "pt_l2_pages", COL_U64 },
	{ "pt_l3_pages", COL_U64 }, { "pt_l4_pages", COL_U64 }, { "pt_l5_pages", COL_U64 },
	{ "pt_linear_bytes", COL_U64 },
	{ "avg_xlate_ns", COL_F64 }, { "avg_access_ns", COL_F64 }, { "total_time_s", COL_F64 },
	{ "pt_tables", COL_U64 }, { "tlb_3c_reference", COL_STR },
	{ "pt_bits", COL_STR }, { "latency", COL_STR },
};
#define XLATE_NCOLS (sizeof xlate_cols / sizeof xlate_cols[0])

static int xlate_given(const struct args *a)
{
	const char *const *n;

	for (n = xlate_opt_names; *n; n++)
		if (a->val[cli_opt_index(a->cmd->opts, *n, strlen(*n), 0)])
			return 1;
	return a->npos > 1;
}

static int xlate_tlb_opt(const struct args *a, const char *name, struct tlb_config *c)
{
	const char *s = cli_arg(a, name);
	struct vm_diag d = { 0 };
	char opt[16];

	memset(c, 0, sizeof *c);
	if (!s)
		return 0;
	snprintf(opt, sizeof opt, "--%s", name);
	return tlb_parse(opt, s, c, &d) ? cli_fail(&d) : 0;
}

/* the translation options into xc; 0 or an exit code */
static int xlate_options(const struct args *a, uint32_t shift, uint64_t seed,
			 struct xlate_config *xc)
{
	struct vm_diag d = { 0 };
	const char *s;
	char *end;
	uint64_t v;
	int rc;

	memset(xc, 0, sizeof *xc);
	xc->page_shift = shift;
	xc->seed = seed;
	xc->lat = xlate_default_latency;
	if ((rc = xlate_tlb_opt(a, "tlb", &xc->tlb)) || (rc = xlate_tlb_opt(a, "itlb", &xc->itlb)) ||
	    (rc = xlate_tlb_opt(a, "dtlb", &xc->dtlb)) || (rc = xlate_tlb_opt(a, "stlb", &xc->stlb)))
		return rc;
	if (cli_arg(a, "levels")) {
		if ((rc = cli_u64(a, "levels", &v)))
			return rc;
		if (v < 1 || v > PT_MAX_LEVELS)
			return cli_usage("--levels %s is out of range: vmsim models 1 to %d levels",
					 cli_arg(a, "levels"), PT_MAX_LEVELS);
		xc->pt.levels = (uint32_t)v;
	}
	if ((rc = cli_u64(a, "pte-size", &v)))
		return rc;
	if (v < 1 || v > 64)
		return cli_usage("--pte-size %s must be a power of two from 1 to 64 bytes",
				 cli_arg(a, "pte-size"));
	xc->pt.pte_size = (uint32_t)v;
	if ((rc = cli_u64(a, "pwc", &v)))
		return rc;
	if (v > 65536)
		return cli_usage("--pwc %s: at most 65536 entries per level", cli_arg(a, "pwc"));
	xc->pt.pwc = (uint32_t)v;
	if ((s = cli_arg(a, "pt-bits")) && pt_parse_bits(s, &xc->pt, &d))
		return cli_fail(&d);
	if (xlate_parse_huge(cli_arg(a, "huge"), xc, &d))
		return cli_fail(&d);
	s = cli_arg(a, "thp-fraction");
	xc->thp_fraction = strtod(s, &end);
	if (end == s || *end || !(xc->thp_fraction > 0 && xc->thp_fraction <= 1))
		return cli_usage("--thp-fraction '%s' must be a number above 0 and at most 1", s);
	s = cli_arg(a, "asid");
	if (strcmp(s, "on") && strcmp(s, "off"))
		return cli_usage("--asid '%s' must be on or off", s);
	xc->asid_tagged = strcmp(s, "on") == 0;
	if (tlb_parse_ref3c("--3c-reference", cli_arg(a, "3c-reference"), &xc->ref3c, &d))
		return cli_fail(&d);
	if (cli_arg(a, "interleave")) {
		if ((rc = cli_u64(a, "interleave", &v)))
			return rc;
		if (v < 1 || v > UINT32_MAX)
			return cli_usage("--interleave %s must be from 1 to %u references per turn",
					 cli_arg(a, "interleave"), UINT32_MAX);
		xc->interleave = (uint32_t)v;
	}
	if (a->npos > 1 && !xc->interleave)
		return cli_usage("unexpected argument '%s': several traces replay only with "
				 "--interleave QUANTUM", a->pos[1]);
	if (xlate_parse_latency(cli_arg(a, "latency"), &xc->lat, &d) ||
	    xlate_config_check(xc, &d))
		return cli_fail(&d);
	return 0;
}

static void xlate_tlb_cells(struct table *t, size_t r, const char *p,
			    const struct tlb_config *c, const struct tlb_stats *st)
{
	char col[32], buf[64];

	if (!c->entries)
		return;
	table_set_str(t, r, p, tlb_format(c, buf, sizeof buf));
#define XCELL(f) \
	do { snprintf(col, sizeof col, "%s_" #f, p); table_set_u64(t, r, col, st->f); } while (0)
	XCELL(hits);
	XCELL(misses);
	XCELL(compulsory);
	XCELL(capacity);
	XCELL(conflict);
	XCELL(invalidation);
#undef XCELL
}

static void xlate_cells(struct table *t, size_t r, const struct xlate_config *xc,
			const struct xlate_stats *x)
{
	char buf[128];
	uint32_t l;

	table_set_str(t, r, "asid", xc->asid_tagged ? "on" : "off");
	if (xc->interleave)
		table_set_u64(t, r, "interleave", xc->interleave);
	if (xc->huge == XLATE_HUGE_OFF) {
		table_set_str(t, r, "huge", "off");
	} else {
		snprintf(buf, sizeof buf, "%s%lluK", xc->huge == XLATE_HUGE_AUTO ? "auto:" : "",
			 1ull << xc->huge_shift >> 10);
		table_set_str(t, r, "huge", buf);
		if (xc->huge == XLATE_HUGE_AUTO)
			table_set_f64(t, r, "thp_fraction", xc->thp_fraction);
	}
	xlate_tlb_cells(t, r, "tlb", &xc->tlb, &x->tlb);
	xlate_tlb_cells(t, r, "itlb", &xc->itlb, &x->itlb);
	xlate_tlb_cells(t, r, "dtlb", &xc->dtlb, &x->dtlb);
	xlate_tlb_cells(t, r, "stlb", &xc->stlb, &x->stlb);
	table_set_u64(t, r, "walks", x->walks);
	table_set_u64(t, r, "walk_refs", x->walk_refs);
	if (x->walks)
		table_set_f64(t, r, "refs_per_walk", (double)x->walk_refs / (double)x->walks);
	table_set_u64(t, r, "pwc", xc->pt.pwc);
	table_set_u64(t, r, "pwc_hits", x->pwc_hits);
	table_set_u64(t, r, "asids", x->asids);
	table_set_u64(t, r, "switches", x->switches);
	table_set_u64(t, r, "flushes", x->flushes);
	table_set_u64(t, r, "shootdowns", x->shootdowns);
	table_set_u64(t, r, "promotions", x->promotions);
	table_set_u64(t, r, "translations", x->translations);
	table_set_u64(t, r, "pt_levels", xc->pt.levels);
	table_set_u64(t, r, "pte_size", xc->pt.pte_size);
	table_set_u64(t, r, "pt_pages", x->pt_pages);
	table_set_u64(t, r, "pt_bytes", x->pt_bytes);
	for (l = 1; l <= xc->pt.levels; l++) {
		snprintf(buf, sizeof buf, "pt_l%u_pages", l);
		table_set_u64(t, r, buf, x->pt_level_pages[l - 1]);
	}
	if (x->pt_linear_bytes != UINT64_MAX)
		table_set_u64(t, r, "pt_linear_bytes", x->pt_linear_bytes);
	if (x->refs) {
		table_set_f64(t, r, "avg_xlate_ns", x->xlate_ns / (double)x->refs);
		table_set_f64(t, r, "avg_access_ns", x->access_ns / (double)x->refs);
	}
	table_set_f64(t, r, "total_time_s", x->access_ns * 1e-9);
	table_set_u64(t, r, "pt_tables", x->pt_pages); /* pt_pages counts tables too */
	table_set_str(t, r, "tlb_3c_reference", tlb_ref3c_name(xc->ref3c));
	table_set_str(t, r, "pt_bits", pt_bits_format(&xc->pt, buf, sizeof buf));
	table_set_str(t, r, "latency", xlate_latency_format(&xc->lat, buf, sizeof buf));
}

/* Stream one configuration through the source, with a progress line. */
static int xlate_stream(struct xlate_source *src, const struct xlate_config *xc,
			const struct engine_config *cfg, struct engine_stats *est,
			struct xlate_stats *xst, struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct ref *buf = xmalloc(BATCH * sizeof *buf);
	struct xlate *x = NULL;
	long got = 0;
	int rc;

	rc = xlate_new(&x, xc, cfg, d);
	if (rc)
		goto out;
	while ((got = xlate_source_read(src, buf, BATCH)) > 0) {
		if ((rc = xlate_refs(x, buf, (size_t)got, d)))
			goto out;
		cli_progress_refs(xlate_source_nread(src));
	}
	rc = got < 0 ? (int)got : xlate_result(x, est, xst, d);
out:
	cli_progress_done();
	xlate_free(x);
	free(buf);
	return rc;
}

/* replay with the translation model: every (policy, frames) pair */
static int replay_xlate(struct args *a, const struct policy_ops *const *pols, int np,
			const uint32_t *frames, int nf, struct engine_config *cfg,
			const struct trace_format *fmt, enum report_format rf, int need_future)
{
	struct xlate_source *src = NULL;
	struct xlate_trace *xt = NULL;
	struct xlate_config xc;
	struct xlate_stats xst;
	struct engine_stats st;
	struct vm_diag d = { 0 };
	struct table t;
	struct col *cols;
	char name[1024] = "", ids[1024] = "", id[17];
	size_t r, used = 0, idused = 0;
	int i, j, rc, loaded = need_future || np * nf > 1, all_ids = 1;

	if ((rc = xlate_options(a, cfg->page_shift, cfg->seed, &xc)))
		return rc;
	for (i = 0; i < a->npos; i++) {
		char *p = result_trace_path(a->pos[i]);

		used += (size_t)snprintf(name + used, used < sizeof name ? sizeof name - used : 0,
					 "%s%s", i ? "+" : "", p);
		free(p);
		result_trace_id(a->pos[i], id); /* several traces: their ids joined by + */
		all_ids &= *id != 0;
		idused += (size_t)snprintf(ids + idused, idused < sizeof ids ? sizeof ids - idused : 0,
					   "%s%s", i ? "+" : "", id);
	}
	if (!all_ids || idused >= sizeof ids)
		ids[0] = 0; /* one without an id: none for the row */
	cols = xmalloc((result_ncols + XLATE_NCOLS) * sizeof *cols);
	memcpy(cols, result_cols, result_ncols * sizeof *cols);
	memcpy(cols + result_ncols, xlate_cols, sizeof xlate_cols);
	table_init(&t, cols, result_ncols + XLATE_NCOLS);
	cli_progress_start(name, cli_flag(a, "quiet"));
	if (loaded) {
		rc = xlate_source_open(&src, a->pos, a->npos, fmt, xc.interleave, &d);
		if (!rc)
			rc = xlate_load(&xt, src, &xc, need_future, cli_progress_refs, &d);
		cli_progress_done();
		xlate_source_close(src);
		src = NULL;
		if (rc)
			goto fail;
	}
	for (i = 0; i < np; i++) {
		for (j = 0; j < nf; j++) {
			cfg->policy = pols[i];
			cfg->frames = frames[j];
			if (loaded) {
				rc = xlate_run_loaded(xt, cfg, &st, &xst, &d);
			} else {
				rc = xlate_source_open(&src, a->pos, a->npos, fmt, xc.interleave, &d);
				if (!rc)
					rc = xlate_stream(src, &xc, cfg, &st, &xst, &d);
				xlate_source_close(src);
				src = NULL;
			}
			if (rc)
				goto fail;
			r = result_row(&t, cli_arg(a, "label") ? cli_arg(a, "label") : name, cfg,
				       &st, loaded ? "loaded" : "stream", 0);
			if (*ids)
				table_set_str(&t, r, "trace_id", ids);
			xlate_cells(&t, r, &xc, &xst);
		}
	}
	rc = cli_write_table(a, &t, rf);
	goto out;
fail:
	rc = cli_fail(&d);
out:
	xlate_trace_free(xt);
	table_free(&t);
	free(cols);
	return rc;
}

/* Stream one configuration through the trace, with a progress line. */
static int replay_stream(const char *path, const struct trace_format *fmt,
			 const struct engine_config *cfg, struct engine_stats *st,
			 struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct sim *s = NULL;
	struct ref *buf = xmalloc(BATCH * sizeof *buf);
	long got;
	int rc;

	rc = sim_new(&s, cfg, d);
	if (!rc)
		rc = trace_open(&r, path, fmt, d);
	if (rc)
		goto out;
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = sim_refs(s, buf, (size_t)got);
		if (rc) {
			rc = rc == VM_ERR_MEMLIMIT ? vm_mem_report(d, path) :
				vm_fail(d, rc, "%s: %s", path, rc == VM_ERR_LIMIT ?
					"more than 2^31 distinct pages" : "out of memory");
			goto out;
		}
		cli_progress_refs(r->nread);
	}
	rc = got < 0 ? (int)got : 0;
	if (!rc)
		sim_result(s, st);
out:
	cli_progress_done();
	trace_close(r);
	sim_free(s);
	free(buf);
	return rc;
}

static int replay_run(struct args *a)
{
	char *pol_s = NULL, *fr_s = NULL, *pol_v[64], *fr_v[256], names[128];
	const struct policy_ops *pols[64];
	uint32_t frames[256], shift;
	size_t r;
	const struct trace_format *fmt;
	const char *path = a->pos[0], *label = cli_arg(a, "label");
	struct engine_config cfg = { 0 };
	struct engine_stats st;
	struct loaded_trace lt = { 0 };
	struct vm_diag d = { 0 };
	struct table t;
	enum report_format rf = REPORT_TABLE;
	uint64_t v;
	char id[17];
	int np, nf, i, j, rc, need_future = 0, loaded;

	if (!cli_arg(a, "policy"))
		return cli_usage("--policy is required (one of: %s)",
				   policy_names(names, sizeof names, ", "));
	if (!cli_arg(a, "frames") && !cli_arg(a, "memory"))
		return cli_usage("--frames is required (a number of page frames >= 1), or --memory");
	if ((rc = cli_page_shift(a, &shift)) || (rc = cli_report_format(a, &rf)) ||
	    (rc = cli_input_format(a, &fmt)) || (rc = cli_u64(a, "seed", &cfg.seed)) ||
	    (rc = cli_u64(a, "lfu-aging", &cfg.lfu_aging)) || (rc = cli_mem_limit(a)))
		return rc;

	pol_s = xstrdup(cli_arg(a, "policy"));
	if (cli_arg(a, "memory")) {
		/* bytes as a frames list: every size of it, as --frames would take it */
		char *spec = NULL;
		uint32_t *sz = NULL;
		size_t nsz = 0, k;
		char *list = NULL;
		size_t listn = 0;
		FILE *m;

		if (cli_arg(a, "frames")) {
			free(pol_s);
			return cli_usage("--frames and --memory: give one of them");
		}
		if (strchr(cli_arg(a, "memory"), '%')) {
			free(pol_s);
			return cli_usage("--memory '%s': fractions of the footprint need the whole "
					 "trace first; use vmsim curve --memory", cli_arg(a, "memory"));
		}
		if (curve_memory_spec(cli_arg(a, "memory"), shift, 0, &spec, &d) ||
		    curve_frames_parse(spec, 0, &sz, &nsz, &d)) {
			free(spec);
			free(pol_s);
			return cli_fail(&d);
		}
		m = open_memstream(&list, &listn);
		for (k = 0; m && k < nsz; k++)
			fprintf(m, "%s%u", k ? "," : "", sz[k]);
		if (m)
			fclose(m);
		free(spec);
		free(sz);
		fr_s = list ? list : xstrdup("");
	} else {
		fr_s = xstrdup(cli_arg(a, "frames"));
	}
	rc = EXIT_USAGE;
	np = cli_split_list(pol_s, pol_v, 64);
	nf = cli_split_list(fr_s, fr_v, 256);
	if (np <= 0) {
		cli_usage("--policy needs at least one policy (at most 64)");
		goto done;
	}
	if (nf <= 0) {
		cli_usage("--frames needs at least one size (at most 256)");
		goto done;
	}
	for (i = 0; i < np; i++) {
		pols[i] = policy_find(pol_v[i]);
		if (!pols[i]) {
			cli_usage("unknown policy '%s'; known: %s", pol_v[i],
				    policy_names(names, sizeof names, " "));
			goto done;
		}
		need_future |= (pols[i]->flags & POLICY_NEEDS_FUTURE) != 0;
	}
	for (j = 0; j < nf; j++) {
		int prc = parse_u64(fr_v[j], &v);

		if (fr_v[j][0] == '-' || prc || v == 0 || v > 0x7fffffffu) {
			cli_usage("--frames '%s' must be a whole number from 1 to 2147483647",
				    fr_v[j]);
			goto done;
		}
		frames[j] = (uint32_t)v;
	}

	rc = EXIT_FAILURE;
	cfg.page_shift = shift;
	if (xlate_given(a)) {
		rc = replay_xlate(a, pols, np, frames, nf, &cfg, fmt, rf, need_future);
		goto done;
	}
	loaded = need_future || np * nf > 1;
	result_trace_id(path, id);
	cli_progress_start(path, cli_flag(a, "quiet"));
	if (loaded) {
		rc = loaded_read_file(&lt, path, fmt, shift, cli_progress_refs, &d);
		cli_progress_done();
		if (rc ||
		    (need_future && loaded_compute_next(&lt, &d))) {
			rc = cli_fail(&d);
			goto done;
		}
	}
	table_init(&t, result_cols, result_ncols);
	for (i = 0; i < np; i++) {
		for (j = 0; j < nf; j++) {
			cfg.policy = pols[i];
			cfg.frames = frames[j];
			if (loaded)
				rc = sim_run_loaded(&lt, &cfg, &st, &d);
			else
				rc = replay_stream(path, fmt, &cfg, &st, &d);
			if (rc) {
				rc = cli_fail(&d);
				table_free(&t);
				goto done;
			}
			r = result_row(&t, label ? label : path, &cfg, &st,
				       loaded ? "loaded" : "stream", 0);
			if (*id)
				table_set_str(&t, r, "trace_id", id);
		}
	}
	rc = cli_write_table(a, &t, rf);
	table_free(&t);
done:
	loaded_free(&lt);
	free(pol_s);
	free(fr_s);
	return rc;
}

const struct cmd replay_cmd = {
	.name = "replay",
	.usage = "TRACE [TRACE...] --policy P --frames N [options]",
	.summary = "replay a trace through physical memory with a replacement policy",
	.details = "One row per (policy, frames).  A single streaming policy at a single size\n"
		"reads the trace as a stream (memory bounded by its distinct pages); several\n"
		"configurations, or OPT (which needs each reference's next use), decode the\n"
		"trace once into page ids (4 bytes per reference, 4 more for OPT) and replay\n"
		"every configuration over that.  A reference counts against the page of its\n"
		"first byte; a store or modify makes its page dirty, and evicting a dirty\n"
		"page counts a write-back.\n\n"
		"Address translation: any of --tlb, --itlb/--dtlb, --stlb, --levels, --pt-bits,\n"
		"--pte-size, --pwc, --huge, --asid, --interleave, --latency translates every\n"
		"reference through the TLBs and a radix page table beside the paging model\n"
		"(a TLB miss walks the table; an evicted page's translation is shot down) and\n"
		"adds TLB, walk, page-table and cost columns.  Several TRACEs need --interleave.",
	.opts = replay_opts,
	.min_pos = 1,
	.max_pos = XLATE_MAX_TRACES, /* several only with --interleave */
	.run = replay_run,
};
