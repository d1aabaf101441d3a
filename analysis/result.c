/*
 * result.c - the one schema of replay results and the roles of its columns.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * `vmsim replay`, `vmsim curve` and every batch cell write rows of this
 * schema, so rows from any of them concatenate (vmsim merge), plot and compare
 * (vmsim check).  Columns are appended, never renamed: scripts select by name.
 *
 * Roles, for matching and comparing rows from different runs:
 *
 *   key     what was run: trace, policy, frames, page_size, seed, lfu_aging,
 *           and any column nobody has declared a metric (a safe default: an
 *           undeclared metric that changes shows up as a missing row, loudly,
 *           never as a silent pass)
 *   metric  what was measured: the counters and rates below, and by
 *           convention any column named *_hits, *_misses, *_faults, *_walks,
 *           *_refs, *_rate, *_ratio, *_compulsory, *_capacity, *_conflict,
 *           *_invalidation, *_pages, *_bytes, *_ns
 *   info    provenance that differs between equal runs: mode, version; and
 *           memory_bytes, which follows from frames and page_size
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "policy.h"

const struct col result_cols[] = {
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
	{ "memory_bytes", COL_U64 }, /* frames x page_size: compare page sizes by memory */
	{ "trace_id", COL_STR }, /* appended: see trace_ident() */
};
const size_t result_ncols = sizeof result_cols / sizeof result_cols[0];

size_t result_row(struct table *t, const char *trace, const struct engine_config *cfg,
		  const struct engine_stats *st, const char *mode, unsigned flags)
{
	size_t r = table_add_row(t);
	char *name = result_trace_path(trace);

	table_set_str(t, r, "trace", name);
	free(name);
	table_set_str(t, r, "policy", cfg->policy->name);
	table_set_u64(t, r, "frames", cfg->frames);
	table_set_u64(t, r, "page_size", 1ull << cfg->page_shift);
	table_set_u64(t, r, "refs", st->refs);
	table_set_u64(t, r, "hits", st->hits);
	table_set_u64(t, r, "faults", st->faults);
	table_set_f64(t, r, "hit_rate", st->refs ? (double)st->hits / (double)st->refs : 0.0);
	table_set_u64(t, r, "compulsory", st->compulsory);
	table_set_u64(t, r, "evictions", st->evictions);
	if (!(flags & RESULT_NO_WRITEBACKS))
		table_set_u64(t, r, "writebacks", st->writebacks);
	table_set_u64(t, r, "distinct_pages", st->distinct_pages);
	table_set_u64(t, r, "seed", cfg->seed);
	if (cfg->policy->flags & POLICY_AGING)
		table_set_u64(t, r, "lfu_aging", cfg->lfu_aging ? cfg->lfu_aging
					       : lfu_default_aging(cfg->frames));
	table_set_str(t, r, "mode", mode);
	table_set_str(t, r, "version", VMSIM_VERSION);
	table_set_u64(t, r, "memory_bytes", (uint64_t)cfg->frames << cfg->page_shift);
	return r;
}

static const char *const result_metrics[] = {
	"refs", "hits", "faults", "hit_rate", "miss_ratio", "compulsory",
	"evictions", "writebacks", "distinct_pages",
	/* translation (replay --tlb ...) */
	"walks", "refs_per_walk", "asids", "switches", "flushes", "shootdowns",
	"promotions", "translations", "total_time_s", NULL,
};

static const char *const result_metric_suffixes[] = {
	"_hits", "_misses", "_faults", "_walks", "_refs", "_rate", "_ratio",
	"_compulsory", "_capacity", "_conflict", "_invalidation", "_pages", "_bytes",
	"_ns", NULL,
};

static const char *const result_info[] = { "mode", "version", "memory_bytes", NULL };

static int in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

enum result_role result_col_role(const char *name)
{
	size_t n = strlen(name), k;
	const char *const *s;

	if (strcmp(name, "trace_id") == 0)
		return RESULT_TRACE_ID;
	if (in_list(result_info, name))
		return RESULT_INFO;
	if (in_list(result_metrics, name))
		return RESULT_METRIC;
	for (s = result_metric_suffixes; *s; s++) {
		k = strlen(*s);
		if (n > k && strcmp(name + n - k, *s) == 0)
			return RESULT_METRIC;
	}
	return RESULT_KEY;
}

/*
 * Which trace a row comes from: two columns, whose role is neither key nor
 * metric but the trace's (RESULT_TRACE_ID for trace_id).
 *
 *   trace_id the trace's content identity (replay/traceid.c): where both of
 *            two rows have one, it tells whether they come from the same
 *            trace, and the trace column (a path, spelt as typed or as
 *            labelled) is only shown; where either lacks one (an old file, a
 *            trace read from standard input) the normalised trace path decides
 *   trace    the path as given, normalised lexically: no "./", no "a/../",
 *            no doubled slashes; relative paths stay relative (a results
 *            file moves with its traces), absolute ones absolute.
 *            "traces/m.vmt", "./traces/m.vmt" and "traces/x/../m.vmt" all
 *            read "traces/m.vmt".  A symbolic link followed by ".." could make
 *            the lexical form name another file; trace_id is what tells
 *            traces apart.
 *
 * Lexical normalisation, component by component:
 *
 *   ""  and "."    dropped (doubled slashes, "./")
 *   ".."           drops the component before it, unless that is ".." too
 *                  or there is none (kept: "../x" stays) or the path is
 *                  absolute and at the root ("/.." is "/")
 *
 * An empty result is ".", "-" (standard input) stays "-".
 */
char *result_trace_path(const char *path)
{
	size_t n = strlen(path), o = 0, *starts, ns = 0;
	int abs = path[0] == '/';
	const char *p = path, *e;
	char *out;

	if (strcmp(path, "-") == 0 || n == 0)
		return xstrdup(path);
	out = xmalloc(n + 2);
	starts = xmalloc((n / 2 + 2) * sizeof *starts);
	if (abs)
		out[o++] = '/';
	while (*p) {
		size_t len;

		e = strchr(p, '/');
		len = e ? (size_t)(e - p) : strlen(p);
		if ((len == 1 && p[0] == '.') || len == 0) {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (ns && !(o - starts[ns - 1] == 2 && out[starts[ns - 1]] == '.' &&
				    out[starts[ns - 1] + 1] == '.')) {
				o = starts[--ns];
				if (o > (size_t)abs)
					o--; /* the slash before it */
			} else if (!abs) {
				if (o > 0)
					out[o++] = '/';
				starts[ns++] = o;
				out[o++] = '.';
				out[o++] = '.';
			}
		} else {
			if (o > (size_t)abs)
				out[o++] = '/';
			starts[ns++] = o;
			memcpy(out + o, p, len);
			o += len;
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = 0;
	free(starts);
	return out;
}

void result_trace_id(const char *path, char id[17])
{
	struct trace_ident ti;
	struct vm_diag d = { 0 };

	id[0] = 0;
	if (!path || strcmp(path, "-") == 0 || trace_ident(path, &ti, &d))
		return;
	memcpy(id, ti.id, sizeof ti.id);
}
