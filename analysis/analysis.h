/*
 * analysis.h - results as tables with named columns, and the writers that
 * print them as an aligned human table, CSV or JSON (one schema, three
 * spellings), plus atomic output files.
 */
#ifndef VMSIM_ANALYSIS_H
#define VMSIM_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

enum col_type {
	COL_STR, /* text; CSV-quoted when needed, JSON string */
	COL_U64, /* unsigned integer */
	COL_F64, /* real number, printed with 6 decimals */
};

struct col {
	const char *name;   /* stable column name: what scripts select by */
	enum col_type type; /* how cells are printed */
};

struct cell {
	int set;      /* 0: empty cell (CSV nothing, JSON null) */
	char *s;      /* COL_STR value, owned */
	uint64_t u;   /* COL_U64 value */
	double f;     /* COL_F64 value */
};

struct table {
	const struct col *cols; /* the schema */
	size_t ncols;           /* columns */
	struct cell *cells;     /* nrows * ncols, row-major */
	size_t nrows;           /* rows used */
	size_t cap;             /* rows allocated */
};

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

void table_init(struct table *t, const struct col *cols, size_t ncols);
void table_free(struct table *t);
size_t table_add_row(struct table *t);            /* index of the new row */
int table_col(const struct table *t, const char *name); /* index or -1 */
void table_set_str(struct table *t, size_t row, const char *col, const char *v);
void table_set_u64(struct table *t, size_t row, const char *col, uint64_t v);
void table_set_f64(struct table *t, size_t row, const char *col, double v);
/* Parse "table", "csv", "json"; -1 if unknown. */
int report_format_parse(const char *s);
int table_write(const struct table *t, FILE *f, enum report_format fmt);

#endif
