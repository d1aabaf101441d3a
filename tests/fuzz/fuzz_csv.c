/*
 * fuzz_csv.c - libFuzzer target: the CSV reader behind check, plot, merge
 * and batch (analysis/csv.c csv_parse), and what those commands do with a
 * table once it parses: merge it with itself, check it against itself, and
 * write it back out.  Beyond "no crash, no leak, no hang", two properties:
 * a table written by csv_write parses back to the same table, and a table
 * checked against itself has nothing beyond tolerance.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 if a and b hold the same header and cells */
static int same_table(const struct csv *a, const struct csv *b)
{
	size_t k;

	if (a->ncols != b->ncols || a->nrows != b->nrows)
		return 0;
	for (k = 0; k < a->ncols; k++)
		if (strcmp(a->cols[k], b->cols[k]))
			return 0;
	for (k = 0; k < a->nrows * a->ncols; k++)
		if (strcmp(a->cells[k], b->cells[k]))
			return 0;
	return 1;
}

/* csv_write c into memory and parse it again: it must come back unchanged */
static void round_trip(const struct csv *c)
{
	struct vm_diag d = { 0 };
	struct csv again;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	if (csv_write(c, f))
		abort();
	fclose(f);
	if (csv_parse(&again, "again", buf, len, &d)) {
		fprintf(stderr, "csv_write output does not parse: %s\n", d.msg);
		abort();
	}
	if (!same_table(c, &again)) {
		fprintf(stderr, "csv_write then csv_parse changed the table\n");
		abort();
	}
	csv_free(&again);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_diag d = { 0 };
	struct check_opts o = { 0 };
	struct check_report rep;
	struct csv c, two[2], m;

	if (csv_parse(&c, "fuzz.csv", (const char *)data, size, &d))
		return 0;
	round_trip(&c);
	two[0] = c;
	two[1] = c;
	if (csv_merge(&m, two, 2, &d) == 0) {
		/* a file merged with itself keeps each row once */
		if (m.nrows > c.nrows)
			abort();
		csv_free(&m);
	}
	memset(&rep, 0, sizeof rep);
	if (check_run(&c, &c, &o, &rep, &d) == 0 && (rep.failed || rep.missing))
		abort();
	check_report_free(&rep);
	csv_free(&c);
	return 0;
}
