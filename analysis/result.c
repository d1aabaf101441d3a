/*
 * result.c - the one schema of replay results and the roles of its columns.
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
};
const size_t result_ncols = sizeof result_cols / sizeof result_cols[0];

size_t result_row(struct table *t, const char *trace, const struct engine_config *cfg,
		  const struct engine_stats *st, const char *mode, unsigned flags)
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
