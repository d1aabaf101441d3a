/*
 * report.c - one results table, three spellings.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A table is a schema (named, typed columns) and rows of cells.  The same
 * table prints as:
 *   table  aligned columns for people (one row: "name  value" lines instead,
 *          which reads better than a 20-column line);
 *   csv    RFC 4180: a header row of column names, then one line per row;
 *   json   an array of objects keyed by column name; empty cells are null.
 * Scripts select by column name, so columns may be added but never renamed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

void table_init(struct table *t, const struct col *cols, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].s);
	free(t->cells);
	memset(t, 0, sizeof *t);
}

size_t table_add_row(struct table *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cells);
	return t->nrows++;
}

int table_col(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

static struct cell *table_cell(struct table *t, size_t row, const char *col,
			       enum col_type type)
{
	int c = table_col(t, col);

	/* a wrong name or type is a programming error, not an input error */
	if (c < 0 || t->cols[c].type != type || row >= t->nrows) {
		fprintf(stderr, "vmsim: internal error: bad cell %s\n", col);
		abort();
	}
	return &t->cells[row * t->ncols + (size_t)c];
}

void table_set_str(struct table *t, size_t row, const char *col, const char *v)
{
	struct cell *c = table_cell(t, row, col, COL_STR);

	free(c->s);
	c->s = xstrdup(v);
	c->set = 1;
}

void table_set_num(struct table *t, size_t row, const char *col, const char *v)
{
	struct cell *c = table_cell(t, row, col, COL_NUM);

	free(c->s);
	c->s = xstrdup(v);
	c->set = 1;
}

void table_set_u64(struct table *t, size_t row, const char *col, uint64_t v)
{
	struct cell *c = table_cell(t, row, col, COL_U64);

	c->u = v;
	c->set = 1;
}

void table_set_f64(struct table *t, size_t row, const char *col, double v)
{
	struct cell *c = table_cell(t, row, col, COL_F64);

	c->f = v;
	c->set = 1;
}

int report_format_parse(const char *s)
{
	if (strcmp(s, "table") == 0)
		return REPORT_TABLE;
	if (strcmp(s, "csv") == 0)
		return REPORT_CSV;
	if (strcmp(s, "json") == 0)
		return REPORT_JSON;
	return -1;
}

/* The plain text of a cell, as CSV and the human table show it. */
static const char *cell_text(const struct cell *c, enum col_type type,
			     char *buf, size_t n)
{
	if (!c->set)
		return "";
	switch (type) {
	case COL_STR:
	case COL_NUM:
		return c->s;
	case COL_U64:
		snprintf(buf, n, "%llu", (unsigned long long)c->u);
		return buf;
	case COL_F64:
		if (!isfinite(c->f))
			return "";
		/* six decimals when they say it exactly; else nine significant
		 * digits, which recover counts below 10^9 from a rate, and just
		 * below 1 enough decimals that 1 - x keeps four digits */
		snprintf(buf, n, "%.6f", c->f);
		if (strtod(buf, NULL) == c->f)
			return buf;
		if (c->f > 0.999 && c->f < 1)
			snprintf(buf, n, "%.*f", (int)fmin(17, 3 - floor(log10(1 - c->f)) + 1), c->f);
		else
			snprintf(buf, n, "%.9g", c->f);
		return buf;
	}
	return "";
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The length (2-4) of the well-formed UTF-8 sequence of a non-ASCII
 * character at s, 0 if the bytes there are not one (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	for (i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
		if (s[i] < lo || s[i] > hi)
			return 0;
	return n;
}

/* JSON must be Unicode: a byte that is not part of well-formed UTF-8 (a
 * file name in Latin-1, say) becomes U+FFFD, the replacement character;
 * controls are escaped. */
static void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	fputc('"', f);
	while (*p) {
		unsigned char ch = *p;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else if (ch < 0x80)
			fputc(ch, f);
		else if ((n = utf8_len(p)) != 0) {
			fwrite(p, 1, n, f);
			p += n;
			continue;
		} else
			fputs("\\ufffd", f);
		p++;
	}
	fputc('"', f);
}

/* The bytes at p that make one character (*n of them), and whether a
 * terminal must see them escaped: control characters (ESC starts the codes
 * that move the cursor, retitle the window or worse), DEL, the C1 controls
 * U+0080-U+009F, a byte that is not UTF-8, and the backslash itself. */
static int term_unsafe(const unsigned char *p, size_t *n)
{
	if (*p < 0x80) {
		*n = 1;
		return *p < 0x20 || *p == 0x7f || *p == '\\';
	}
	*n = utf8_len(p);
	if (*n == 0) {
		*n = 1;
		return 1;
	}
	return p[0] == 0xc2 && p[1] < 0xa0;
}

/* s as a terminal may show it: each unsafe byte becomes \xNN, so the text
 * cannot act on the terminal and stays readable.  Returns s itself when
 * nothing needs escaping, else a copy left in *tmp (free it). */
static const char *term_text(const char *s, char **tmp)
{
	const unsigned char *p;
	size_t n, i, len = 0, bad = 0;
	char *o;

	*tmp = NULL;
	for (p = (const unsigned char *)s; *p; p += n, len += n)
		if (term_unsafe(p, &n))
			bad += n;
	if (!bad)
		return s;
	o = *tmp = xmalloc(len + 3 * bad + 1);
	for (p = (const unsigned char *)s; *p; p += n) {
		if (term_unsafe(p, &n)) {
			for (i = 0; i < n; i++)
				o += snprintf(o, 5, "\\x%02x", p[i]);
		} else {
			memcpy(o, p, n);
			o += n;
		}
	}
	*o = 0;
	return *tmp;
}

static void write_csv(const struct table *t, FILE *f)
{
	char buf[64];
	size_t r, c;

	for (c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', f);
		csv_field(f, t->cols[c].name);
	}
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', f);
			csv_field(f, cell_text(&t->cells[r * t->ncols + c],
					       t->cols[c].type, buf, sizeof buf));
		}
		fputc('\n', f);
	}
}

/* 1 if s is a number as JSON spells one: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		if (!(*++s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == 0;
}

/* A COL_NUM cell: as given when JSON spells it so, else the number it is
 * ("+5", " 5", "0x10") in the shortest exact form, else (not a number) a string. */
static void json_num_text(FILE *f, const char *s)
{
	char *end;
	double v;

	if (json_number(s)) {
		fputs(s, f);
		return;
	}
	v = strtod(s, &end);
	if (end != s && *end == 0 && isfinite(v))
		fprintf(f, "%.17g", v);
	else
		json_string(f, s);
}

static void write_json(const struct table *t, FILE *f)
{
	char buf[64];
	size_t r, c;

	fputs("[", f);
	for (r = 0; r < t->nrows; r++) {
		fputs(r ? ",\n  {" : "\n  {", f);
		for (c = 0; c < t->ncols; c++) {
			const struct cell *ce = &t->cells[r * t->ncols + c];

			if (c)
				fputs(", ", f);
			json_string(f, t->cols[c].name);
			fputs(": ", f);
			if (!ce->set || (t->cols[c].type == COL_F64 && !isfinite(ce->f)))
				fputs("null", f);
			else if (t->cols[c].type == COL_NUM)
				json_num_text(f, ce->s);
			else if (t->cols[c].type == COL_STR)
				json_string(f, ce->s);
			else
				fputs(cell_text(ce, t->cols[c].type, buf, sizeof buf), f);
		}
		fputs("}", f);
	}
	fputs(t->nrows ? "\n]\n" : "]\n", f);
}

/* left-aligned in the human table (COL_NUM too: a diff's values may be text) */
static int is_text(enum col_type type)
{
	return type == COL_STR || type == COL_NUM;
}

static void write_human(const struct table *t, FILE *f)
{
	char buf[64], *tmp;
	size_t r, c, *w, namew = 0;

	if (t->nrows == 1) {
		for (c = 0; c < t->ncols; c++)
			if (strlen(t->cols[c].name) > namew)
				namew = strlen(t->cols[c].name);
		for (c = 0; c < t->ncols; c++) {
			fprintf(f, "%-*s  %s\n", (int)namew, t->cols[c].name,
				term_text(cell_text(&t->cells[c], t->cols[c].type, buf,
						    sizeof buf), &tmp));
			free(tmp);
		}
		return;
	}
	w = xcalloc(t->ncols, sizeof *w);
	for (c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->cols[c].name);
		for (r = 0; r < t->nrows; r++) {
			size_t n = strlen(term_text(cell_text(&t->cells[r * t->ncols + c],
							      t->cols[c].type, buf, sizeof buf),
						    &tmp));
			free(tmp);
			if (n > w[c])
				w[c] = n;
		}
	}
	for (c = 0; c < t->ncols; c++) {
		if (is_text(t->cols[c].type) && c + 1 < t->ncols)
			fprintf(f, "%-*s", (int)w[c], t->cols[c].name);
		else if (is_text(t->cols[c].type))
			fputs(t->cols[c].name, f);
		else
			fprintf(f, "%*s", (int)w[c], t->cols[c].name);
		fputs(c + 1 < t->ncols ? "  " : "\n", f);
	}
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = term_text(cell_text(&t->cells[r * t->ncols + c],
							    t->cols[c].type, buf, sizeof buf),
						  &tmp);
			/* text left-aligned, numbers right-aligned */
			if (is_text(t->cols[c].type) && c + 1 < t->ncols)
				fprintf(f, "%-*s", (int)w[c], s);
			else if (is_text(t->cols[c].type))
				fputs(s, f); /* no trailing blanks */
			else
				fprintf(f, "%*s", (int)w[c], s);
			fputs(c + 1 < t->ncols ? "  " : "\n", f);
			free(tmp);
		}
	free(w);
}

int table_write(const struct table *t, FILE *f, enum report_format fmt)
{
	switch (fmt) {
	case REPORT_TABLE:
		write_human(t, f);
		break;
	case REPORT_CSV:
		write_csv(t, f);
		break;
	case REPORT_JSON:
		write_json(t, f);
		break;
	}
	return ferror(f) ? VM_ERR_IO : 0;
}
