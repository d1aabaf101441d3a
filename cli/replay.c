/*
 * cli/replay.c - vmsim replay: replay a trace through physical memory with a policy.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct opt replay_opts[] = {
	{ "policy", 'p', "P[,P...]", NULL,
	  "replacement policies (required):", cli_policy_choices },
	{ "frames", 'n', "N[,N...]", NULL,
	  "physical memory sizes in page frames, each >= 1 (required)", NULL },
	OPT_PAGE_SIZE,
	{ "seed", 0, "S", "1", "seed for randomized policies (random)", NULL },
	{ "lfu-aging", 0, "K", "0",
	  "LFU halves its counters every K references; 0 = max(1024, 8 x frames)", NULL },
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_INPUT_FORMAT,
	{ "quiet", 'q', NULL, NULL, "no progress line on stderr", NULL },
	OPT_HELP,
	OPT_END,
};


static const struct col replay_cols[] = {
	{ "trace", COL_STR },
	{ "policy", COL_STR },
	{ "frames", COL_U64 },
	{ "page_size", COL_U64 },
	{ "refs", COL_U64 },
	{ "hits", COL_U64 },
	{ "faults", COL_U64 },
	{ "hit_rate", COL_F64 },
	{ "compulsory", COL_U64 },
	{ "evictions", COL_U64 },
	{ "writebacks", COL_U64 },
	{ "distinct_pages", COL_U64 },
	{ "seed", COL_U64 },
	{ "lfu_aging", COL_U64 },
	{ "mode", COL_STR },
	{ "version", COL_STR },
};


static void replay_row(struct table *t, const char *trace, const struct engine_config *cfg,
		       const struct engine_stats *st, const char *mode)
{
	size_t r = table_add_row(t);

	table_set_str(t, r, "trace", trace);
	table_set_str(t, r, "policy", cfg->policy->name);
	table_set_u64(t, r, "frames", cfg->frames);
	table_set_u64(t, r, "page_size", 1ull << cfg->page_shift);
	table_set_u64(t, r, "refs", st->refs);
	table_set_u64(t, r, "hits", st->hits);
	table_set_u64(t, r, "faults", st->faults);
	table_set_f64(t, r, "hit_rate", st->refs ? (double)st->hits / (double)st->refs : 0.0);
	table_set_u64(t, r, "compulsory", st->compulsory);
	table_set_u64(t, r, "evictions", st->evictions);
	table_set_u64(t, r, "writebacks", st->writebacks);
	table_set_u64(t, r, "distinct_pages", st->distinct_pages);
	table_set_u64(t, r, "seed", cfg->seed);
	if (cfg->policy->flags & POLICY_AGING)
		table_set_u64(t, r, "lfu_aging", cfg->lfu_aging ? cfg->lfu_aging
					       : lfu_default_aging(cfg->frames));
	table_set_str(t, r, "mode", mode);
	table_set_str(t, r, "version", VMSIM_VERSION);
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
			rc = vm_fail(d, rc, "%s: %s", path, rc == VM_ERR_LIMIT ?
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

/* Decode the whole trace into page ids (loaded mode), with a progress line. */
static int replay_load(const char *path, const struct trace_format *fmt,
		       uint32_t shift, struct loaded_trace *lt, struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct ref *buf = xmalloc(BATCH * sizeof *buf);
	long got;
	int rc;

	rc = loaded_init(lt, shift, d);
	if (rc)
		goto out;
	rc = trace_open(&r, path, fmt, d);
	if (rc)
		goto out;
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = loaded_add(lt, buf, (size_t)got, d);
		if (rc)
			goto out;
		cli_progress_refs(r->nread);
	}
	rc = got < 0 ? (int)got : 0;
out:
	cli_progress_done();
	trace_close(r);
	free(buf);
	loaded_finish(lt);
	return rc;
}

static int replay_run(struct args *a)
{
	char *pol_s = NULL, *fr_s = NULL, *pol_v[64], *fr_v[256], names[128];
	const struct policy_ops *pols[64];
	uint32_t frames[256], shift;
	const struct trace_format *fmt;
	const char *path = a->pos[0];
	struct engine_config cfg = { 0 };
	struct engine_stats st;
	struct loaded_trace lt = { 0 };
	struct vm_diag d = { 0 };
	struct table t;
	enum report_format rf = REPORT_TABLE;
	uint64_t v;
	int np, nf, i, j, rc, need_future = 0, loaded;

	if (!cli_arg(a, "policy"))
		return cli_usage("--policy is required (one of: %s)",
				   policy_names(names, sizeof names, ", "));
	if (!cli_arg(a, "frames"))
		return cli_usage("--frames is required (a number of page frames >= 1)");
	if ((rc = cli_page_shift(a, &shift)) || (rc = cli_report_format(a, &rf)) ||
	    (rc = cli_input_format(a, &fmt)) || (rc = cli_u64(a, "seed", &cfg.seed)) ||
	    (rc = cli_u64(a, "lfu-aging", &cfg.lfu_aging)))
		return rc;

	pol_s = xstrdup(cli_arg(a, "policy"));
	fr_s = xstrdup(cli_arg(a, "frames"));
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
	loaded = need_future || np * nf > 1;
	cli_progress_start(path, cli_flag(a, "quiet"));
	if (loaded) {
		if (replay_load(path, fmt, shift, &lt, &d) ||
		    (need_future && loaded_compute_next(&lt, &d))) {
			rc = cli_fail(&d);
			goto done;
		}
	}
	table_init(&t, replay_cols, sizeof replay_cols / sizeof replay_cols[0]);
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
			replay_row(&t, path, &cfg, &st, loaded ? "loaded" : "stream");
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
	.usage = "TRACE --policy P --frames N [options]",
	.summary = "replay a trace through physical memory with a replacement policy",
	.details = "One row per (policy, frames).  A single streaming policy at a single size\n"
		"reads the trace as a stream (memory bounded by its distinct pages); several\n"
		"configurations, or OPT (which needs each reference's next use), decode the\n"
		"trace once into page ids (4 bytes per reference, 4 more for OPT) and replay\n"
		"every configuration over that.  A reference counts against the page of its\n"
		"first byte; a store or modify makes its page dirty, and evicting a dirty\n"
		"page counts a write-back.",
	.opts = replay_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = replay_run,
};
