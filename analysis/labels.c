/*
 * labels.c - what a results column means to a reader: its label and unit.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * One table, used by every figure vmsim draws (plot.c, and batch through
 * it) and by anything else that names a column to a person: "tlb_misses"
 * is "TLB misses (count)", "avg_xlate_ns" is "average translation time
 * (ns)".  The kind of a column decides how an axis of it is drawn:
 *
 *   COL_KIND_COUNT  a count of events: a linear axis starts at 0, ticks
 *                   read 250k, 1.5M; a log axis starts at the data
 *   COL_KIND_RATE   a fraction in [0, 1]: the axis never leaves [0, 1]
 *   COL_KIND_BYTES  a size in bytes: ticks in KiB, MiB, GiB
 *   COL_KIND_SIZE   a configuration size (frames, entries, ways): like a
 *                   count, but the data decides where the axis starts
 *   COL_KIND_VALUE  any other number (times, ratios above 1)
 *
 * Columns not in the table are labelled by rule: itlb_misses is "ITLB
 * misses (count)", l2_hit_rate "L2 hit rate", *_rate a rate, *_bytes a size in bytes, *_ns a time in
 * ns; anything else is its own name, as a plain value.
 */
#include <stdio.h>
#include <string.h>

#include "analysis.h"

static const struct col_label col_labels[] = {
	{ "frames", "memory size", "page frames", COL_KIND_SIZE },
	{ "memory_bytes", "memory size", "bytes", COL_KIND_BYTES },
	{ "memory", "memory size", "bytes", COL_KIND_BYTES },
	{ "page_size", "page size", "bytes", COL_KIND_BYTES },
	{ "refs", "references", "count", COL_KIND_COUNT },
	{ "hits", "page hits", "count", COL_KIND_COUNT },
	{ "faults", "page faults", "count", COL_KIND_COUNT },
	{ "hit_rate", "hit rate", "hits / references", COL_KIND_RATE },
	{ "miss_ratio", "miss ratio", "faults / references", COL_KIND_RATE },
	{ "compulsory", "compulsory faults", "count", COL_KIND_COUNT },
	{ "evictions", "evictions", "count", COL_KIND_COUNT },
	{ "writebacks", "write-backs", "count", COL_KIND_COUNT },
	{ "distinct_pages", "distinct pages", "count", COL_KIND_COUNT },
	{ "entries", "TLB entries", NULL, COL_KIND_SIZE },
	{ "ways", "TLB associativity", "ways", COL_KIND_SIZE },
	{ "sets", "TLB sets", NULL, COL_KIND_SIZE },
	{ "tlb_hits", "TLB hits", "count", COL_KIND_COUNT },
	{ "tlb_misses", "TLB misses", "count", COL_KIND_COUNT },
	{ "miss_rate", "TLB miss rate", "misses / references", COL_KIND_RATE },
	{ "tlb_compulsory", "compulsory TLB misses", "count", COL_KIND_COUNT },
	{ "tlb_capacity", "capacity TLB misses", "count", COL_KIND_COUNT },
	{ "tlb_conflict", "conflict TLB misses", "count", COL_KIND_COUNT },
	{ "translations", "translations", "count", COL_KIND_COUNT },
	{ "walks", "page walks", "count", COL_KIND_COUNT },
	{ "walk_refs", "page-walk memory references", "count", COL_KIND_COUNT },
	{ "refs_per_walk", "memory references per walk", NULL, COL_KIND_VALUE },
	{ "pwc", "page-walk cache entries", NULL, COL_KIND_SIZE },
	{ "pwc_hits", "page-walk cache hits", "count", COL_KIND_COUNT },
	{ "switches", "address-space switches", "count", COL_KIND_COUNT },
	{ "flushes", "TLB flushes", "count", COL_KIND_COUNT },
	{ "shootdowns", "TLB shootdowns", "count", COL_KIND_COUNT },
	{ "promotions", "huge-page promotions", "count", COL_KIND_COUNT },
	{ "thp_fraction", "huge-page fraction", "of the footprint", COL_KIND_RATE },
	{ "pt_levels", "page-table levels", NULL, COL_KIND_SIZE },
	{ "pt_pages", "page tables", "count", COL_KIND_COUNT },
	{ "pt_tables", "page tables", "count", COL_KIND_COUNT },
	{ "pt_bytes", "page-table size", "bytes", COL_KIND_BYTES },
	{ "avg_xlate_ns", "average translation time", "ns", COL_KIND_VALUE },
	{ "avg_access_ns", "average access time", "ns", COL_KIND_VALUE },
	{ "total_time_s", "total modelled time", "s", COL_KIND_VALUE },
	{ "lfu_aging", "LFU aging period", "references", COL_KIND_SIZE },
	{ "seed", "seed", NULL, COL_KIND_VALUE },
};

/* Rules for columns not in the table, by suffix. */
static const struct col_label col_suffixes[] = {
	{ "_hits", " hits", "count", COL_KIND_COUNT },
	{ "_misses", " misses", "count", COL_KIND_COUNT },
	{ "_faults", " faults", "count", COL_KIND_COUNT },
	{ "_compulsory", " compulsory misses", "count", COL_KIND_COUNT },
	{ "_capacity", " capacity misses", "count", COL_KIND_COUNT },
	{ "_conflict", " conflict misses", "count", COL_KIND_COUNT },
	{ "_invalidation", " invalidation misses", "count", COL_KIND_COUNT },
	{ "_rate", " rate", NULL, COL_KIND_RATE },
	{ "_ratio", " ratio", NULL, COL_KIND_RATE },
	{ "_bytes", " size", "bytes", COL_KIND_BYTES },
	{ "_ns", " time", "ns", COL_KIND_VALUE },
};

const struct col_label *col_label_find(const char *col)
{
	size_t i;

	for (i = 0; i < sizeof col_labels / sizeof col_labels[0]; i++)
		if (strcmp(col_labels[i].col, col) == 0)
			return &col_labels[i];
	return NULL;
}

enum col_kind col_kind_of(const char *col)
{
	const struct col_label *l = col_label_find(col);
	size_t i, n = strlen(col), k;

	if (l)
		return l->kind;
	for (i = 0; i < sizeof col_suffixes / sizeof col_suffixes[0]; i++) {
		k = strlen(col_suffixes[i].col);
		if (n > k && strcmp(col + n - k, col_suffixes[i].col) == 0)
			return col_suffixes[i].kind;
	}
	return COL_KIND_VALUE;
}

const char *col_label_text(const char *col, char *buf, size_t n)
{
	const struct col_label *l = col_label_find(col);
	size_t i, len = strlen(col), k;

	if (l) {
		if (l->unit)
			snprintf(buf, n, "%s (%s)", l->label, l->unit);
		else
			snprintf(buf, n, "%s", l->label);
		return buf;
	}
	for (i = 0; i < sizeof col_suffixes / sizeof col_suffixes[0]; i++) {
		const struct col_label *s = &col_suffixes[i];
		char pre[128];
		size_t j;

		k = strlen(s->col);
		if (len <= k || strcmp(col + len - k, s->col) != 0)
			continue;
		/* the prefix's first word names a structure: itlb, l2, pwc... in
		 * capitals; the rest are words */
		snprintf(pre, sizeof pre, "%.*s", (int)(len - k), col);
		for (j = 0; pre[j] && pre[j] != '_'; j++)
			if (pre[j] >= 'a' && pre[j] <= 'z')
				pre[j] = (char)(pre[j] - 'a' + 'A');
		for (; pre[j]; j++)
			if (pre[j] == '_')
				pre[j] = ' ';
		if (s->unit)
			snprintf(buf, n, "%s%s (%s)", pre, s->label, s->unit);
		else
			snprintf(buf, n, "%s%s", pre, s->label);
		return buf;
	}
	snprintf(buf, n, "%s", col);
	return buf;
}
