/*
 * csv.c - reading results files back: the CSV reader that plot, check,
 * merge and batch share, and the joiner behind `vmsim merge`.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Grammar (RFC 4180, plus what spreadsheets add):
 *
 *   file    = [BOM] record *(EOL record) [EOL]
 *   record  = cell *("," cell)            the first record is the header
 *   cell    = plain / quoted
 *   plain   = *(any byte but , " CR LF NUL)
 *   quoted  = '"' *(any byte but " NUL / '""') '"'     may hold , CR LF
 *   EOL     = LF / CR LF
 *
 * Empty lines are skipped.  Every record must have as many cells as the
 * header, whose names must be non-empty and distinct.  Errors name the file
 * and the line ("r.csv:7: 5 cells, but the header has 16"); a quoted cell
 * that never closes is reported at the line where it opened.
 *
 * Memory: the file is read whole (results files are small; more than
 * CSV_MAX_BYTES is refused), and every cell is copied once, unescaped, into
 * one store, so a table of R rows and C columns costs about the file's size
 * plus R x C pointers.  No per-cell allocation.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"

/* ------------------------------------------------------------ strbuf */

void sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = 0;
}

void sb_puts(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k <= 0)
		return;
	if (b->n + (size_t)k + 1 > b->cap) {
		b->cap = (b->n + (size_t)k + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)k;
}

void sb_shell_word(struct strbuf *b, const char *s)
{
	const char *p;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789@%+=:,./_-") == strlen(s)) {
		sb_puts(b, s);
		return;
	}
	sb_puts(b, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			sb_puts(b, "'\\''");
		else
			sb_add(b, p, 1);
	}
	sb_puts(b, "'");
}

char *sb_take(struct strbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	memset(b, 0, sizeof *b);
	return s;
}

uint32_t fnv1a(const char *s, uint32_t h)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* ------------------------------------------------------------- parser */

struct offvec {
	size_t *v;    /* offsets into the store */
	size_t n;     /* used */
	size_t cap;   /* allocated */
};

static int off_push(struct offvec *o, size_t x)
{
	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 256;
		size_t *p = realloc(o->v, ncap * sizeof *p);

		if (!p)
			return VM_ERR_NOMEM;
		o->v = p;
		o->cap = ncap;
	}
	o->v[o->n++] = x;
	return 0;
}

void csv_free(struct csv *c)
{
	free(c->name);
	free(c->cols);
	free(c->cells);
	free(c->line);
	free(c->store);
	memset(c, 0, sizeof *c);
}

int csv_parse(struct csv *c, const char *name, const char *buf, size_t len,
	      struct vm_diag *d)
{
	struct offvec cells = { 0 }, rows = { 0 };
	size_t i = 0, out = 0, rec_start, ncells, k, r;
	uint64_t line = 1, rec_line, open_line;
	char *st;
	int rc = 0;

	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	if (len > CSV_MAX_BYTES) {
		rc = vm_fail(d, VM_ERR_LIMIT, "%s: larger than %llu bytes", name,
			     (unsigned long long)CSV_MAX_BYTES);
		goto fail;
	}
	/* unescaped cells never grow; each gets one NUL */
	st = c->store = malloc(2 * len + 2);
	if (!st)
		goto nomem;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len) {
		if (buf[i] == '\n' || (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')) {
			i += buf[i] == '\r' ? 2 : 1;
			line++;
			continue; /* an empty line */
		}
		rec_start = cells.n;
		rec_line = line;
		for (;;) { /* one cell */
			if (off_push(&cells, out))
				goto nomem;
			if (i < len && buf[i] == '"') {
				open_line = line;
				for (i++;; i++) {
					if (i >= len) {
						rc = vm_fail(d, VM_ERR_FORMAT,
							     "%s:%llu: a quoted cell is not closed",
							     name, (unsigned long long)open_line);
						goto fail;
					}
					if (buf[i] == '"') {
						if (i + 1 < len && buf[i + 1] == '"') {
							st[out++] = '"';
							i++;
							continue;
						}
						i++;
						break;
					}
					if (buf[i] == 0)
						goto nul;
					if (buf[i] == '\n')
						line++;
					st[out++] = buf[i];
				}
				if (i < len && buf[i] != ',' && buf[i] != '\n' &&
				    !(buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')) {
					rc = vm_fail(d, VM_ERR_FORMAT,
						     "%s:%llu: text after a closing quote", name,
						     (unsigned long long)line);
					goto fail;
				}
			} else {
				for (; i < len && buf[i] != ',' && buf[i] != '\n'; i++) {
					if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
						break;
					if (buf[i] == 0)
						goto nul;
					if (buf[i] == '"' || buf[i] == '\r') {
						rc = vm_fail(d, VM_ERR_FORMAT,
							     "%s:%llu: a %s inside an unquoted cell",
							     name, (unsigned long long)line,
							     buf[i] == '"' ? "quote" : "carriage return");
						goto fail;
					}
					st[out++] = buf[i];
				}
			}
			st[out++] = 0;
			if (i < len && buf[i] == ',') {
				i++;
				if (cells.n - rec_start >= CSV_MAX_COLS) {
					rc = vm_fail(d, VM_ERR_LIMIT, "%s:%llu: more than %u cells",
						     name, (unsigned long long)rec_line,
						     CSV_MAX_COLS);
					goto fail;
				}
				continue;
			}
			break; /* end of line or of input */
		}
		if (i < len) {
			i += buf[i] == '\r' ? 2 : 1;
			line++;
		}
		ncells = cells.n - rec_start;
		if (rows.n == 0 && c->ncols == 0) {
			c->ncols = ncells; /* the header */
			for (k = 0; k < ncells; k++) {
				const char *nm = st + cells.v[rec_start + k];

				if (!*nm) {
					rc = vm_fail(d, VM_ERR_FORMAT,
						     "%s:%llu: column %zu of the header has no name",
						     name, (unsigned long long)rec_line, k + 1);
					goto fail;
				}
				for (r = 0; r < k; r++)
					if (strcmp(nm, st + cells.v[rec_start + r]) == 0) {
						rc = vm_fail(d, VM_ERR_FORMAT,
							     "%s:%llu: column '%s' appears twice",
							     name, (unsigned long long)rec_line, nm);
						goto fail;
					}
			}
			continue;
		}
		if (ncells != c->ncols) {
			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%llu: %zu cells, but the header has %zu",
				     name, (unsigned long long)rec_line, ncells, c->ncols);
			goto fail;
		}
		if (off_push(&rows, (size_t)rec_line))
			goto nomem;
	}
	if (c->ncols == 0) {
		rc = vm_fail(d, VM_ERR_FORMAT, "%s: empty (no header line)", name);
		goto fail;
	}
	c->nrows = rows.n;
	c->cols = malloc(c->ncols * sizeof *c->cols);
	c->cells = malloc((c->nrows * c->ncols + 1) * sizeof *c->cells);
	c->line = malloc((c->nrows + 1) * sizeof *c->line);
	if (!c->cols || !c->cells || !c->line)
		goto nomem;
	for (k = 0; k < c->ncols; k++)
		c->cols[k] = st + cells.v[k];
	for (k = 0; k < c->nrows * c->ncols; k++)
		c->cells[k] = st + cells.v[c->ncols + k];
	for (r = 0; r < c->nrows; r++)
		c->line[r] = rows.v[r];
	free(cells.v);
	free(rows.v);
	return 0;
nul:
	rc = vm_fail(d, VM_ERR_FORMAT, "%s:%llu: a NUL byte", name, (unsigned long long)line);
	goto fail;
nomem:
	rc = vm_fail(d, VM_ERR_NOMEM, "%s: out of memory", name);
fail:
	free(cells.v);
	free(rows.v);
	csv_free(c);
	return rc;
}

int csv_read(struct csv *c, const char *path, struct vm_diag *d)
{
	struct stream *s = NULL;
	char *buf = NULL, *p;
	size_t n = 0, cap = 0;
	long got;
	int rc;

	memset(c, 0, sizeof *c);
	rc = stream_open(&s, path, d);
	if (rc)
		return rc;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 16;
			if (cap > CSV_MAX_BYTES + (1 << 17)) {
				rc = vm_fail(d, VM_ERR_LIMIT, "%s: larger than %llu bytes", path,
					     (unsigned long long)CSV_MAX_BYTES);
				goto out;
			}
			p = realloc(buf, cap);
			if (!p) {
				rc = vm_fail(d, VM_ERR_NOMEM, "%s: out of memory", path);
				goto out;
			}
			buf = p;
		}
		got = stream_read(s, buf + n, cap - n);
		if (got < 0) {
			rc = (int)got;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	rc = csv_parse(c, path, buf ? buf : "", n, d);
out:
	free(buf);
	stream_close(s);
	return rc;
}

int csv_col(const struct csv *c, const char *name)
{
	size_t k;

	for (k = 0; k < c->ncols; k++)
		if (strcmp(c->cols[k], name) == 0)
			return (int)k;
	return -1;
}

const char *csv_cell(const struct csv *c, size_t row, int col)
{
	if (col < 0 || (size_t)col >= c->ncols || row >= c->nrows)
		return "";
	return c->cells[row * c->ncols + (size_t)col];
}

int csv_cell_f64(const struct csv *c, size_t row, int col, double *out)
{
	const char *s = csv_cell(c, row, col);
	char *end;
	double v;

	if (!*s)
		return VM_ERR_FORMAT;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return VM_ERR_FORMAT;
	*out = v;
	return 0;
}

/*
 * One cell, quoted when the reader would otherwise take it differently: it
 * holds a comma, quote, CR or LF; it is the only cell of its row and empty
 * (an empty line is skipped, so "" keeps the row); or it starts the file
 * with what reads as a byte-order mark (force).
 */
static void csv_put(FILE *f, const char *s, int force)
{
	if (!force && !strpbrk(s, ",\"\n\r")) {
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

int csv_write(const struct csv *c, FILE *f)
{
	size_t r, k;

	for (k = 0; k < c->ncols; k++) {
		if (k)
			fputc(',', f);
		csv_put(f, c->cols[k], k == 0 && strncmp(c->cols[k], "\xef\xbb\xbf", 3) == 0);
	}
	fputc('\n', f);
	for (r = 0; r < c->nrows; r++) {
		for (k = 0; k < c->ncols; k++) {
			if (k)
				fputc(',', f);
			csv_put(f, c->cells[r * c->ncols + k],
				c->ncols == 1 && !*c->cells[r * c->ncols + k]);
		}
		fputc('\n', f);
	}
	return ferror(f) ? VM_ERR_IO : 0;
}

/* ------------------------------------------------------------ helpers */

char *csv_row_key(const struct csv *c, size_t row, const int *cols, size_t n,
		  const char *sep, int names)
{
	struct strbuf b = { 0 };
	size_t k;

	for (k = 0; k < n; k++) {
		const char *v = csv_cell(c, row, cols[k]);

		if (names && !*v)
			continue; /* "lfu_aging=" says nothing */
		if (b.n || (!names && k))
			sb_puts(&b, sep);
		if (names)
			sb_printf(&b, "%s=", c->cols[cols[k]]);
		sb_puts(&b, v);
	}
	return sb_take(&b);
}

size_t csv_cols_by_role(const struct csv *c, enum result_role role, int *out)
{
	size_t k, n = 0;

	for (k = 0; k < c->ncols; k++)
		if (result_col_role(c->cols[k]) == role)
			out[n++] = (int)k;
	return n;
}

int csv_cols_by_name(const struct csv *c, const char *names, int *out, size_t *n,
		     struct vm_diag *d)
{
	const char *p = names, *e;
	char nm[256];
	size_t len;
	int k;

	*n = 0;
	for (;;) {
		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= sizeof nm)
			return vm_fail(d, VM_ERR_USAGE, "'%s': an empty or overlong column name", names);
		memcpy(nm, p, len);
		nm[len] = 0;
		k = csv_col(c, nm);
		if (k < 0)
			return vm_fail(d, VM_ERR_USAGE, "%s has no column '%s'", c->name, nm);
		if (*n < c->ncols)
			out[(*n)++] = k;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* -------------------------------------------------------------- merge */

struct mrow {
	const struct csv *src; /* input it comes from */
	size_t row;            /* row there */
	char *key;             /* configuration, joined */
	char *all;             /* configuration and metrics, joined */
	size_t order;          /* position in the output */
};

static int mrow_cmp(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* The cells of in's row r for out's columns (one joined string), by role.
 * The trace is its normalised path and its trace_id where the row has one:
 * two spellings of one path join, and copies of one trace under two names
 * (a batch over duplicated files) stay two traces, never merged into one.
 * check.c matches by the id alone, across names, on purpose. */
static char *mrow_join(const struct csv *in, size_t r, char **cols, size_t ncols,
		       int want_metrics)
{
	const char *id = csv_cell(in, r, csv_col(in, "trace_id"));
	struct strbuf b = { 0 };
	size_t k;

	for (k = 0; k < ncols; k++) {
		enum result_role role = result_col_role(cols[k]);
		const char *v = csv_cell(in, r, csv_col(in, cols[k]));

		if (role == RESULT_INFO || role == RESULT_TRACE_ID ||
		    (role == RESULT_METRIC && !want_metrics))
			continue;
		if (strcmp(cols[k], "trace") == 0) {
			char *p = result_trace_path(v);

			sb_puts(&b, "#");
			sb_puts(&b, id);
			sb_puts(&b, "@");
			sb_puts(&b, p);
			free(p);
		} else {
			sb_puts(&b, v);
		}
		sb_add(&b, "\x1f", 1);
	}
	return sb_take(&b);
}

/* 1 if a and b differ only where one of them has an empty metric cell;
 * *ea and *eb count the empty metric cells of each. */
static int mrow_compatible(const struct mrow *a, const struct mrow *b, char **cols,
			   size_t ncols, int *ea, int *eb)
{
	size_t k;

	*ea = *eb = 0;
	for (k = 0; k < ncols; k++) {
		const char *x, *y;

		if (result_col_role(cols[k]) != RESULT_METRIC)
			continue;
		x = csv_cell(a->src, a->row, csv_col(a->src, cols[k]));
		y = csv_cell(b->src, b->row, csv_col(b->src, cols[k]));
		*ea += !*x;
		*eb += !*y;
		if (*x && *y && strcmp(x, y))
			return 0;
	}
	return 1;
}

int csv_merge(struct csv *out, const struct csv *in, size_t n, struct vm_diag *d)
{
	struct mrow *rows = NULL;
	char **cols = NULL;
	size_t ncols = 0, nrows = 0, i, k, r, m, bytes = 0, kept = 0, nkept = 0;
	const struct mrow **order = NULL;
	char *st;
	unsigned char *drop = NULL;
	int rc = 0, kc[CSV_MAX_COLS];

	memset(out, 0, sizeof *out);
	for (i = 0; i < n; i++)
		nrows += in[i].nrows;
	cols = xmalloc((CSV_MAX_COLS + 1) * sizeof *cols);
	for (i = 0; i < n; i++)
		for (k = 0; k < in[i].ncols; k++) {
			for (m = 0; m < ncols && strcmp(cols[m], in[i].cols[k]); m++)
				;
			if (m == ncols) {
				if (ncols == CSV_MAX_COLS) {
					free(cols);
					return vm_fail(d, VM_ERR_LIMIT, "more than %u columns in all",
						       CSV_MAX_COLS);
				}
				cols[ncols++] = in[i].cols[k];
			}
		}
	rows = xcalloc(nrows + 1, sizeof *rows);
	for (i = 0, m = 0; i < n; i++)
		for (r = 0; r < in[i].nrows; r++, m++) {
			rows[m].src = &in[i];
			rows[m].row = r;
			rows[m].key = mrow_join(&in[i], r, cols, ncols, 0);
			rows[m].all = mrow_join(&in[i], r, cols, ncols, 1);
			rows[m].order = m;
		}
	qsort(rows, nrows, sizeof *rows, mrow_cmp);
	drop = xcalloc(nrows + 1, 1);
	for (m = 1, kept = 0; m < nrows; m++) {
		int ea, eb;

		if (strcmp(rows[m].key, rows[kept].key)) {
			kept = m; /* a new configuration */
			continue;
		}
		if (strcmp(rows[m].all, rows[kept].all) == 0) {
			drop[m] = 1;
			continue;
		}
		/* equal but for cells one of them left empty (one-pass OPT rows have
		 * no writebacks, per-size ones do): keep the fuller one */
		if (mrow_compatible(&rows[kept], &rows[m], cols, ncols, &ea, &eb)) {
			if (eb < ea) {
				drop[kept] = 1;
				kept = m;
			} else {
				drop[m] = 1;
			}
			continue;
		}
		{
			const struct mrow *x = &rows[kept], *y = &rows[m];
			size_t nk = csv_cols_by_role(x->src, RESULT_KEY, kc);
			char *desc = csv_row_key(x->src, x->row, kc, nk, " ", 1);

			rc = vm_fail(d, VM_ERR_FORMAT,
				     "%s:%llu and %s:%llu: the same configuration (%s) with "
				     "different results", x->src->name,
				     (unsigned long long)x->src->line[x->row], y->src->name,
				     (unsigned long long)y->src->line[y->row], desc);
			free(desc);
			goto out;
		}
	}
	/* the kept rows, in input order */
	order = xcalloc(nrows + 1, sizeof *order);
	for (m = 0; m < nrows; m++)
		if (!drop[m])
			order[rows[m].order] = &rows[m];
	for (k = 0; k < ncols; k++)
		bytes += strlen(cols[k]) + 1;
	for (m = 0; m < nrows; m++)
		if (order[m]) {
			const struct mrow *x = order[m];

			nkept++;
			for (k = 0; k < ncols; k++)
				bytes += strlen(csv_cell(x->src, x->row,
							 csv_col(x->src, cols[k]))) + 1;
		}
	out->name = xstrdup("merged");
	out->ncols = ncols;
	out->nrows = nkept;
	out->cols = xmalloc((ncols + 1) * sizeof *out->cols);
	out->cells = xmalloc((nkept * ncols + 1) * sizeof *out->cells);
	out->line = xmalloc((nkept + 1) * sizeof *out->line);
	st = out->store = xmalloc(bytes + 1);
	for (k = 0; k < ncols; k++) {
		out->cols[k] = strcpy(st, cols[k]);
		st += strlen(st) + 1;
	}
	for (m = 0, r = 0; m < nrows; m++) {
		const struct mrow *x = order[m];

		if (!x)
			continue;
		out->line[r] = x->src->line[x->row];
		for (k = 0; k < ncols; k++) {
			out->cells[r * ncols + k] =
				strcpy(st, csv_cell(x->src, x->row, csv_col(x->src, cols[k])));
			st += strlen(st) + 1;
		}
		r++;
	}
out:
	for (m = 0; m < nrows; m++) {
		free(rows[m].key);
		free(rows[m].all);
	}
	free(rows);
	free(drop);
	free(order);
	free(cols);
	return rc;
}
