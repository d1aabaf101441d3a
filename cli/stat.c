/*
 * cli/stat.c - vmsim stat: what is in a trace.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct opt stat_opts[] = {
	OPT_PAGE_SIZE,
	OPT_LABEL,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_INPUT_FORMAT,
	{ "quiet", 'q', NULL, NULL, "no progress line on stderr", NULL },
	OPT_MEM_LIMIT,
	OPT_HELP,
	OPT_END,
};


static const struct col stat_cols[] = {
	{ "trace", COL_STR },
	{ "format", COL_STR },
	{ "gzip", COL_U64 },
	{ "refs", COL_U64 },
	{ "instr", COL_U64 },
	{ "loads", COL_U64 },
	{ "stores", COL_U64 },
	{ "modifies", COL_U64 },
	{ "page_size", COL_U64 },
	{ "distinct_pages", COL_U64 },
	{ "footprint_bytes", COL_U64 },
	{ "first_addr", COL_STR },
	{ "last_addr", COL_STR },
	{ "min_addr", COL_STR },
	{ "max_addr", COL_STR },
	{ "asids", COL_U64 },
	{ "version", COL_STR }, /* the vmsim that counted (appended: no column moves) */
	{ "trace_id", COL_STR }, /* see trace_ident() */
};

static int stat_run(struct args *a)
{
	const struct trace_format *fmt;
	struct trace_stats st;
	struct vm_diag d = { 0 };
	struct table t;
	enum report_format rf = REPORT_TABLE;
	uint32_t shift;
	char hex[32];
	size_t r;
	int rc;

	if ((rc = cli_page_shift(a, &shift)) || (rc = cli_report_format(a, &rf)) ||
	    (rc = cli_input_format(a, &fmt)) || (rc = cli_mem_limit(a)))
		return rc;
	cli_progress_start(a->pos[0], cli_flag(a, "quiet"));
	rc = trace_stat(a->pos[0], fmt, shift, &st, cli_progress_refs, &d);
	cli_progress_done();
	if (rc)
		return cli_fail(&d);
	table_init(&t, stat_cols, sizeof stat_cols / sizeof stat_cols[0]);
	r = table_add_row(&t);
	{
		const char *label = cli_arg(a, "label");
		char *name = result_trace_path(label ? label : a->pos[0]), id[17];

		table_set_str(&t, r, "trace", name);
		free(name);
		result_trace_id(a->pos[0], id);
		if (*id)
			table_set_str(&t, r, "trace_id", id);
	}
	table_set_str(&t, r, "format", st.format);
	table_set_u64(&t, r, "gzip", (uint64_t)st.gzip);
	table_set_u64(&t, r, "refs", st.refs);
	table_set_u64(&t, r, "instr", st.by_kind[REF_INSTR]);
	table_set_u64(&t, r, "loads", st.by_kind[REF_LOAD]);
	table_set_u64(&t, r, "stores", st.by_kind[REF_STORE]);
	table_set_u64(&t, r, "modifies", st.by_kind[REF_MODIFY]);
	table_set_u64(&t, r, "page_size", 1ull << shift);
	table_set_u64(&t, r, "distinct_pages", st.distinct_pages);
	table_set_u64(&t, r, "footprint_bytes", st.distinct_pages << shift);
	if (st.refs) {
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)st.first_addr);
		table_set_str(&t, r, "first_addr", hex);
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)st.last_addr);
		table_set_str(&t, r, "last_addr", hex);
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)st.min_addr);
		table_set_str(&t, r, "min_addr", hex);
		snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)st.max_addr);
		table_set_str(&t, r, "max_addr", hex);
		table_set_u64(&t, r, "asids", st.asids);
	}
	table_set_str(&t, r, "version", VMSIM_VERSION);
	rc = cli_write_table(a, &t, rf);
	table_free(&t);
	return rc;
}

const struct cmd stat_cmd = {
	.name = "stat",
	.usage = "TRACE [options]",
	.summary = "references by kind, distinct pages, footprint and address range",
	.details = NULL,
	.opts = stat_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = stat_run,
};
