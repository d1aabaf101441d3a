/*
 * batch_plan.c - the cells of a batch, their identity, and the plans that
 * hand them to other engines (GNU Parallel, Slurm, anything reading TSV or
 * JSON).
 *
 * A cell is one trace at one page size of one group, run as one curve
 * (every policy at every size, the trace decoded once).  The spec defines
 * their order: groups in spec order, each group's patterns in order, each
 * pattern's matches sorted, each match at each page size.  A cell's index in
 * that order (from 1) is what `vmsim batch SPEC -o DIR --cell I` runs, so a
 * plan names cells by index and never by a file name.  A worker without a
 * shared disk holds only the traces of its own cells, so there the order
 * (which counts every file the patterns find) is not the planner's: it runs
 * `--cell NAME`, and files the patterns no longer find are skipped.  Either
 * way a task reads the identity of its own traces only.
 *
 * A cell's result goes to DIR/cells/NAME.csv, written atomically, so a
 * cell's file exists exactly when the cell is done: that is the whole of
 * resumability.  NAME is GROUP-STEM-PAGESIZE-HASH, HASH being FNV-1a of
 * everything that determines the result:
 *
 *     the trace's path relative to the spec's folder   (not the cwd)
 *     its size and the digest of its first and last 64 KiB (trace_ident)
 *     policies, frames, page size, seed, LFU aging, vmsim's version
 *
 * So the same spec planned from any directory sees the same cells done, a
 * regenerated trace reruns its cells, and a changed spec never reuses a stale
 * cell.  (A trace that is not a regular file, a FIFO, has no content
 * identity: its path alone keys it.)  The modification time is deliberately not in the name: a
 * copy (cp, git checkout, GNU Parallel's rsync -rlDzR, a node's staging
 * area) changes it without changing the trace, and a worker without a shared
 * disk must compute the same name as the machine that joins.  It is recorded
 * in status.tsv instead.
 *
 * A cell that fails leaves DIR/cells/NAME.failed (its message, written
 * atomically; removed when the cell later succeeds).  One file per cell, so
 * concurrent array tasks never write the same file.
 *
 * Plans.  Names reach a plan only as the spec, the output folder and the
 * program (trace names never do: a cell is its index), each quoted for a
 * POSIX shell in single quotes, which keep every byte, newlines included; a
 * relative name that starts with '-' gets "./" so it cannot be an option.  A
 * GNU Parallel job file is one command per line, so there a name with a
 * newline is refused.  TSV escapes \ tab newline and CR; JSON escapes control
 * characters and replaces bytes that are not UTF-8 (with the exact bytes in
 * hex beside).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch_int.h"

/* ------------------------------------------------------------ helpers */

int batch_mkdir_p(const char *path, struct vm_diag *d)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1;; s++) {
		if (*s == '/' || !*s) {
			char ch = *s;

			*s = 0;
			if (mkdir(p, 0755) && errno != EEXIST) {
				rc = vm_fail(d, VM_ERR_IO, "%s: cannot create: %s", p, strerror(errno));
				break;
			}
			*s = ch;
			if (!ch)
				break;
		}
	}
	free(p);
	return rc;
}

int batch_prepare_dir(const char *dir, struct vm_diag *d)
{
	struct strbuf b = { 0 };
	int rc;

	if (!dir || !*dir)
		return vm_fail(d, VM_ERR_USAGE, "the output folder is an empty name");
	sb_printf(&b, "%s/cells", dir);
	rc = batch_mkdir_p(b.s, d);
	free(b.s);
	return rc;
}

int batch_write_file(const char *path, const char *text, struct vm_diag *d)
{
	struct outfile of;
	int rc = outfile_open(&of, path, d);

	if (rc)
		return rc;
	if (fputs(text, of.f) == EOF || ferror(of.f)) {
		outfile_abort(&of);
		return vm_fail(d, VM_ERR_IO, "%s: write failed", path);
	}
	return outfile_commit(&of, d);
}

void batch_shift_name(char *buf, size_t n, uint32_t shift)
{
	if (shift >= 30)
		snprintf(buf, n, "%uG", 1u << (shift - 30));
	else if (shift >= 20)
		snprintf(buf, n, "%uM", 1u << (shift - 20));
	else if (shift >= 10)
		snprintf(buf, n, "%uK", 1u << (shift - 10));
	else
		snprintf(buf, n, "%u", 1u << shift);
}

/* A comma list with the blanks taken out: "opt,lru". */
static char *squeeze(const char *s)
{
	char *o = xmalloc(strlen(s) + 1), *q = o;

	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			*q++ = *s;
	*q = 0;
	return o;
}

char *batch_trace_stem(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s = xstrdup(b ? b + 1 : path), *dot, *c;
	size_t n = strlen(s);

	if (n > 3 && strcmp(s + n - 3, ".gz") == 0)
		s[n - 3] = 0;
	dot = strrchr(s, '.');
	if (dot && dot != s)
		*dot = 0;
	for (c = s; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *c))
			*c = '_';
	return s;
}

size_t batch_utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void sb_markdown(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	while (*p) {
		k = batch_utf8_len(p);
		if (k == 1 && *p >= 0x20 && *p < 0x7f) {
			if (strchr("\\`*_{}[]()#+-.!|<>~&\"'$:;=", *p))
				sb_add(b, "\\", 1);
			sb_add(b, (const char *)p, 1);
		} else if (k > 1) {
			sb_add(b, (const char *)p, k);
		} else {
			sb_printf(b, "\\\\x%02x", *p);
			k = 1;
		}
		p += k;
	}
}

void sb_json_string(struct strbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k;

	sb_add(b, "\"", 1);
	while (*p) {
		k = batch_utf8_len(p);
		if (k == 0) {
			sb_puts(b, "\\ufffd");
			k = 1;
		} else if (*p == '"' || *p == '\\') {
			sb_add(b, "\\", 1);
			sb_add(b, (const char *)p, 1);
		} else if (*p < 0x20 || *p == 0x7f) {
			sb_printf(b, "\\u%04x", *p);
		} else {
			sb_add(b, (const char *)p, k);
		}
		p += k;
	}
	sb_add(b, "\"", 1);
}

void sb_tsv_field(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': sb_puts(b, "\\\\"); break;
		case '\t': sb_puts(b, "\\t"); break;
		case '\n': sb_puts(b, "\\n"); break;
		case '\r': sb_puts(b, "\\r"); break;
		default: sb_add(b, s, 1);
		}
	}
}

void sb_hex(struct strbuf *b, const char *s)
{
	for (; *s; s++)
		sb_printf(b, "%02x", (unsigned char)*s);
}

/* ------------------------------------------------------------ the cells */

/* What determines a cell's result, as text (hashed into its name). */
static void cell_key(const struct batch_cell *c, struct strbuf *b)
{
	char ps[16];
	char *pol = squeeze(c->group->policies), *fr = squeeze(c->group->frames);

	batch_shift_name(ps, sizeof ps, c->page_shift);
	sb_puts(b, c->label);
	sb_printf(b, "\n%llu %s\n", (unsigned long long)c->ident.size, c->ident.id);
	sb_printf(b, "--policies %s --frames %s --page-size %s --seed %llu --lfu-aging %llu\n%s",
		  pol, fr, ps, (unsigned long long)c->group->seed,
		  (unsigned long long)c->group->lfu_aging, VMSIM_VERSION);
	free(pol);
	free(fr);
}

/* Read DIR/cells/NAME.failed, if it is there. */
static void read_failure(struct batch_cell *c)
{
	FILE *f = fopen(c->fail_path, "rb");
	char buf[4096];
	size_t n;

	if (!f)
		return;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	c->failed = 1;
	c->message = xstrdup(n ? buf : "failed (no message)");
}

void batch_cells_free(struct batch_cell *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cells[i].trace);
		free(cells[i].label);
		free(cells[i].name);
		free(cells[i].out);
		free(cells[i].fail_path);
		free(cells[i].message);
	}
	free(cells);
}

/* The page shifts of a group's checked page-sizes list. */
static size_t group_shifts(const struct batch_group *g, uint32_t *shifts, size_t max)
{
	char *ps = xstrdup(g->page_sizes), *tok, *save = NULL;
	size_t nps = 0, k;

	for (tok = strtok_r(ps, ",", &save); tok && nps < max; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v = 0;
		uint32_t sh;

		parse_size(batch_trim(tok), &v); /* checked by the parser */
		sh = (uint32_t)ilog2_exact(v ? v : 4096);
		for (k = 0; k < nps && shifts[k] != sh; k++)
			;
		if (k == nps)
			shifts[nps++] = sh;
	}
	free(ps);
	return nps;
}

/*
 * A set of (group, page shift, path) seen, so that a file two patterns match
 * is one cell: open addressing on FNV-1a, grown at half full.
 */
struct seen {
	struct seen_slot {
		size_t group;       /* group index */
		uint32_t shift;     /* page shift */
		char *path;         /* NULL: an empty slot */
	} *slot;                    /* the table */
	size_t cap, n;              /* slots, used */
};

static size_t seen_hash(size_t group, uint32_t shift, const char *path, size_t cap)
{
	char pre[32];

	snprintf(pre, sizeof pre, "%zu/%u/", group, shift);
	return fnv1a(path, fnv1a(pre, FNV1A_INIT)) & (cap - 1);
}

/* Put an entry into a table known to have room and not to hold it. */
static void seen_put(struct seen *t, const struct seen_slot *e)
{
	size_t h = seen_hash(e->group, e->shift, e->path, t->cap);

	while (t->slot[h].path)
		h = (h + 1) & (t->cap - 1);
	t->slot[h] = *e;
	t->n++;
}

/* 1 if it was there already; else add a copy of it. */
static int seen_add(struct seen *t, size_t group, uint32_t shift, const char *path)
{
	struct seen_slot e;
	size_t h, i;

	if (2 * (t->n + 1) > t->cap) {
		struct seen old = *t;

		t->cap = old.cap ? old.cap * 2 : 64;
		t->slot = xcalloc(t->cap, sizeof *t->slot);
		t->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.slot[i].path)
				seen_put(t, &old.slot[i]);
		free(old.slot);
	}
	for (h = seen_hash(group, shift, path, t->cap); t->slot[h].path;
	     h = (h + 1) & (t->cap - 1))
		if (t->slot[h].group == group && t->slot[h].shift == shift &&
		    strcmp(t->slot[h].path, path) == 0)
			return 1;
	e.group = group;
	e.shift = shift;
	e.path = xstrdup(path);
	seen_put(t, &e);
	return 0;
}

static void seen_free(struct seen *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->slot[i].path);
	free(t->slot);
}

int batch_plan(const struct batch_spec *s, const char *dir, struct batch_cell **out,
	       size_t *nout, struct vm_diag *d)
{
	return batch_plan_some(s, dir, NULL, out, nout, d);
}

/* Could the cell named want be group g's cell of this trace stem at this
 * page size?  (Its name starts GROUP-STEM-PAGESIZE-; only then is the
 * trace's identity worth reading.) */
static int name_may_match(const char *want, const char *group, const char *stem,
			  const char *psn)
{
	size_t a = strlen(group), b = strlen(stem), c = strlen(psn);

	return strlen(want) == a + b + c + 3 + 8 && strncmp(want, group, a) == 0 &&
	       want[a] == '-' && strncmp(want + a + 1, stem, b) == 0 && want[a + 1 + b] == '-' &&
	       strncmp(want + a + b + 2, psn, c) == 0 && want[a + b + c + 2] == '-';
}

int batch_plan_some(const struct batch_spec *s, const char *dir, const struct batch_select *sel,
		    struct batch_cell **out, size_t *nout, struct vm_diag *d)
{
	size_t first = sel ? sel->first : 0, last = sel ? sel->last : 0;
	const char *want = sel ? sel->name : NULL;
	struct seen seen = { 0 };
	struct batch_cell *cells = NULL;
	size_t n = 0, gi, ti, pi, i, prefix, dl;
	int rc = 0, have_ident;

	*out = NULL;
	*nout = 0;
	dl = strlen(s->dir);
	prefix = strcmp(s->dir, ".") == 0 ? 0 : dl + (s->dir[dl - 1] != '/');
	for (gi = 0; gi < s->ngroups; gi++) {
		const struct batch_group *g = &s->groups[gi];
		uint32_t shifts[64];
		size_t nps = group_shifts(g, shifts, 64);

		for (ti = 0; ti < g->ntraces; ti++) {
			struct strbuf pat = { 0 };
			int absolute = g->traces[ti][0] == '/';
			glob_t gl;
			int grc;

			if (absolute || prefix == 0)
				sb_puts(&pat, g->traces[ti]);
			else
				sb_printf(&pat, "%s%s%s", s->dir, s->dir[dl - 1] == '/' ? "" : "/",
					  g->traces[ti]);
			grc = glob(pat.s, GLOB_NOCHECK, NULL, &gl);
			if (grc) {
				rc = vm_fail(d, VM_ERR_IO, "%s:%u: '%s': cannot expand", s->path,
					     g->trace_line[ti], g->traces[ti]);
				free(pat.s);
				goto fail;
			}
			for (i = 0; i < gl.gl_pathc; i++) {
				struct trace_ident ident;
				struct vm_diag sub = { 0 };
				struct stat sb;
				const char *label;

				if (stat(gl.gl_pathv[i], &sb) || S_ISDIR(sb.st_mode)) {
					if (want)
						continue; /* a worker holds only some traces */
					rc = vm_fail(d, VM_ERR_IO, "%s:%u: '%s' %s", s->path,
						     g->trace_line[ti], g->traces[ti],
						     strpbrk(g->traces[ti], "*?[") ? "matches no file"
						     : errno == ENOENT ? "does not exist"
						     : "is not a readable file");
					globfree(&gl);
					free(pat.s);
					goto fail;
				}
				label = absolute || prefix == 0 ? gl.gl_pathv[i] : gl.gl_pathv[i] + prefix;
				have_ident = 0;
				for (pi = 0; pi < nps; pi++) {
					struct batch_cell *c;
					struct strbuf b = { 0 };
					char psn[16], *stem;

					if (seen_add(&seen, gi, shifts[pi], gl.gl_pathv[i]))
						continue; /* listed twice */
					cells = xrealloc(cells, (n + 1) * sizeof *cells);
					c = &cells[n++];
					memset(c, 0, sizeof *c);
					c->group = g;
					c->index = n;
					c->trace = xstrdup(gl.gl_pathv[i]);
					/* as the rows will name it (result_trace_path) */
					c->label = result_trace_path(label);
					c->page_shift = shifts[pi];
					if (first && (n < first || n > last))
						continue; /* not asked for: no identity, no name */
					stem = batch_trace_stem(c->label);
					batch_shift_name(psn, sizeof psn, c->page_shift);
					if (want && !name_may_match(want, g->name, stem, psn)) {
						free(stem);
						continue;
					}
					/* a FIFO or a device has no content identity (reading
					 * it would consume it): its cell is keyed by its path */
					if (!have_ident) {
						memset(&ident, 0, sizeof ident);
						if (S_ISREG(sb.st_mode) &&
						    trace_ident(gl.gl_pathv[i], &ident, &sub)) {
							rc = vm_fail(d, VM_ERR_IO, "%s:%u: %s", s->path,
								     g->trace_line[ti], sub.msg);
							globfree(&gl);
							free(pat.s);
							goto fail;
						}
						have_ident = 1;
					}
					c->ident = ident;
					cell_key(c, &b);
					{
						uint32_t h = fnv1a(b.s, FNV1A_INIT);

						free(b.s);
						memset(&b, 0, sizeof b);
						sb_printf(&b, "%s-%s-%s-%08x", g->name, stem, psn, h);
					}
					c->name = sb_take(&b);
					free(stem);
					sb_printf(&b, "%s/cells/%s.csv", dir, c->name);
					c->out = sb_take(&b);
					sb_printf(&b, "%s/cells/%s.failed", dir, c->name);
					c->fail_path = sb_take(&b);
					c->done = access(c->out, F_OK) == 0;
					if (!c->done)
						read_failure(c);
				}
			}
			globfree(&gl);
			free(pat.s);
		}
	}
	seen_free(&seen);
	*out = cells;
	*nout = n;
	return 0;
fail:
	seen_free(&seen);
	batch_cells_free(cells, n);
	return rc;
}

int batch_cell_range(const char *s, size_t n, size_t *first, size_t *last,
		     struct vm_diag *d)
{
	const char *dash = strchr(s, '-');
	char a[32], b[32];
	uint64_t x, y;

	if (strlen(s) >= sizeof a)
		return vm_fail(d, VM_ERR_USAGE, "--cell '%s' is not I or I-J", s);
	if (dash) {
		snprintf(a, sizeof a, "%.*s", (int)(dash - s), s);
		snprintf(b, sizeof b, "%s", dash + 1);
	} else {
		snprintf(a, sizeof a, "%s", s);
		snprintf(b, sizeof b, "%s", s);
	}
	if (parse_u64(a, &x) || parse_u64(b, &y) || x == 0 || y < x)
		return vm_fail(d, VM_ERR_USAGE, "--cell '%s' is not I or I-J (1 <= I <= J)", s);
	if (y > n)
		return vm_fail(d, VM_ERR_FORMAT, "--cell %s: the spec has %zu cells (1..%zu); was "
			       "it planned from another version of the spec or its traces?", s, n, n);
	*first = (size_t)x;
	*last = (size_t)y;
	return 0;
}

/* ------------------------------------------------------------ plans */

/* A path as one shell word that is never an option. */
static void shell_path(struct strbuf *b, const char *s)
{
	if (s[0] == '-') {
		struct strbuf t = { 0 };

		sb_printf(&t, "./%s", s);
		sb_shell_word(b, t.s);
		free(t.s);
	} else {
		sb_shell_word(b, s);
	}
}

/* vmsim batch SPEC -o DIR (the common head of a cell's command). */
static void batch_head(struct strbuf *b, const struct batch_plan_opts *o)
{
	shell_path(b, o->vmsim ? o->vmsim : "vmsim");
	sb_puts(b, " batch ");
	shell_path(b, o->spec);
	sb_puts(b, " -o ");
	shell_path(b, o->dir);
}

static int plan_parallel(FILE *f, const struct batch_cell *cells, size_t n,
			 const struct batch_plan_opts *o, struct vm_diag *d)
{
	const char *names[3] = { o->vmsim ? o->vmsim : "vmsim", o->spec, o->dir };
	struct strbuf head = { 0 };
	size_t i;

	for (i = 0; i < 3; i++)
		if (strpbrk(names[i], "\n\r")) {
			struct strbuf shown = { 0 };
			int rc;

			sb_tsv_field(&shown, names[i]); /* the line break as \n */
			rc = vm_fail(d, VM_ERR_USAGE, "'%s' has a line break: a GNU Parallel job "
				     "file is one command per line; rename it, or use "
				     "--plan=slurm, --plan=tsv or --plan=json", shown.s);
			free(shown.s);
			return rc;
		}
	batch_head(&head, o);
	for (i = 0; i < n; i++)
		if (!cells[i].done)
			fprintf(f, "%s --cell %zu -j 1 --threads %u -q\n", head.s, cells[i].index,
				o->threads ? o->threads : 1);
	free(head.s);
	return 0;
}

static int plan_tsv(FILE *f, const struct batch_cell *cells, size_t n)
{
	struct strbuf b = { 0 };
	char ps[16];
	size_t i;

	sb_puts(&b, "index\tgroup\ttrace\tlabel\ttrace_id\ttrace_bytes\tpage_size\tcell\t"
		"output\tfailure_file\tstate\tdone\n");
	for (i = 0; i < n; i++) {
		const struct batch_cell *c = &cells[i];

		batch_shift_name(ps, sizeof ps, c->page_shift);
		sb_printf(&b, "%zu\t%s\t", c->index, c->group->name);
		sb_tsv_field(&b, c->trace);
		sb_add(&b, "\t", 1);
		sb_tsv_field(&b, c->label);
		sb_printf(&b, "\t%s\t%llu\t%s\t%s\t", c->ident.id,
			  (unsigned long long)c->ident.size, ps, c->name);
		sb_tsv_field(&b, c->out);
		sb_add(&b, "\t", 1);
		sb_tsv_field(&b, c->fail_path);
		sb_printf(&b, "\t%s\t%d\n", c->done ? "done" : c->failed ? "failed" : "pending",
			  c->done);
	}
	fputs(b.s, f);
	free(b.s);
	return 0;
}

static int plan_json(FILE *f, const struct batch_spec *s, const struct batch_cell *cells,
		     size_t n, const struct batch_plan_opts *o)
{
	struct strbuf b = { 0 };
	char ps[16];
	size_t i;

	sb_puts(&b, "{\"spec\": ");
	sb_json_string(&b, o->spec);
	sb_puts(&b, ", \"output\": ");
	sb_json_string(&b, o->dir);
	sb_printf(&b, ", \"version\": \"%s\", \"groups\": [", VMSIM_VERSION);
	for (i = 0; i < s->ngroups; i++) {
		sb_puts(&b, i ? ", " : "");
		sb_json_string(&b, s->groups[i].name);
	}
	sb_puts(&b, "],\n \"cells\": [");
	for (i = 0; i < n; i++) {
		const struct batch_cell *c = &cells[i];

		batch_shift_name(ps, sizeof ps, c->page_shift);
		sb_printf(&b, "%s\n  {\"index\": %zu, \"group\": ", i ? "," : "", c->index);
		sb_json_string(&b, c->group->name);
		sb_puts(&b, ", \"trace\": ");
		sb_json_string(&b, c->trace);
		sb_puts(&b, ", \"trace_hex\": \"");
		sb_hex(&b, c->trace);
		sb_puts(&b, "\", \"label\": ");
		sb_json_string(&b, c->label);
		sb_printf(&b, ", \"trace_id\": \"%s\", \"trace_bytes\": %llu, \"page_size\": "
			  "\"%s\", \"cell\": \"%s\", \"output\": ", c->ident.id,
			  (unsigned long long)c->ident.size, ps, c->name);
		sb_json_string(&b, c->out);
		sb_puts(&b, ", \"state\": ");
		sb_puts(&b, c->done ? "\"done\"" : c->failed ? "\"failed\"" : "\"pending\"");
		sb_printf(&b, ", \"done\": %s", c->done ? "true" : "false");
		if (c->failed && c->message) {
			sb_puts(&b, ", \"message\": ");
			sb_json_string(&b, c->message);
		}
		sb_puts(&b, "}");
	}
	sb_puts(&b, "\n ]}\n");
	fputs(b.s, f);
	free(b.s);
	return 0;
}

/* The task script every array task runs: no names in it, only $1..$8. */
static const char slurm_task[] =
	"#!/bin/sh\n"
	"# one task of a vmsim batch array: cells (OFFSET + task) * BUNDLE + 1 ...\n"
	"# arguments: VMSIM SPEC DIR OFFSET BUNDLE CELLS JOBS THREADS\n"
	"t=$(( $4 + ${SLURM_ARRAY_TASK_ID:?not a Slurm array task} ))\n"
	"first=$(( t * $5 + 1 ))\n"
	"last=$(( first + $5 - 1 ))\n"
	"[ \"$last\" -le \"$6\" ] || last=$6\n"
	"exec \"$1\" batch \"$2\" -o \"$3\" --cell \"$first-$last\" -j \"$7\" --threads \"$8\" -q\n";

static const char slurm_join[] =
	"#!/bin/sh\n"
	"# the join of a vmsim batch: merges the cells, never computes one\n"
	"# arguments: VMSIM SPEC DIR\n"
	"exec \"$1\" batch \"$2\" -o \"$3\" --join\n";

/* " '--mem=4G'": one option for sbatch, quoted for the shell. */
static void res_word(struct strbuf *b, const char *opt, const char *v)
{
	struct strbuf t = { 0 };

	sb_printf(&t, "%s%s", opt, v);
	sb_add(b, " ", 1);
	sb_shell_word(b, t.s);
	free(t.s);
}

/* The two scripts go through quoted heredocs: fixed text, never a name, so
 * no line of theirs can end the heredoc early. */
static int plan_slurm(FILE *f, const struct batch_spec *s, size_t n,
		      const struct batch_plan_opts *o, struct vm_diag *d)
{
	struct strbuf b = { 0 }, res = { 0 }, part = { 0 };
	uint64_t bundle = o->bundle ? o->bundle : 1, tasks, per, first;
	unsigned max = o->max_array ? o->max_array : 1000;
	size_t arrays;

	(void)d;
	if (n == 0)
		return vm_fail(d, VM_ERR_USAGE, "no cells to plan");
	tasks = (n + bundle - 1) / bundle;
	arrays = (size_t)((tasks + max - 1) / max);
	if (o->cpus)
		sb_printf(&res, " --cpus-per-task=%llu", (unsigned long long)o->cpus);
	if (o->mem)
		res_word(&res, "--mem=", o->mem);
	if (o->time)
		res_word(&res, "--time=", o->time);
	if (o->partition) {
		res_word(&res, "--partition=", o->partition);
		res_word(&part, "--partition=", o->partition);
	}
	sb_printf(&b, "#!/bin/sh\n"
		  "# vmsim %s batch plan for Slurm: %zu cells in %llu tasks of %llu cells,\n"
		  "# %zu array job(s) of at most %u tasks, then a join job that runs when\n"
		  "# every task succeeded.  Submit it with: sh THIS-FILE\n"
		  "# It prints each job id on its own line, the join's last.  A task whose\n"
		  "# cells are done does nothing, so submitting again is safe.\n"
		  "set -eu\n", VMSIM_VERSION, n, (unsigned long long)tasks,
		  (unsigned long long)bundle, arrays, max);
	sb_puts(&b, "VMSIM=");
	shell_path(&b, o->vmsim ? o->vmsim : "vmsim");
	sb_puts(&b, "\nSPEC=");
	shell_path(&b, o->spec);
	sb_puts(&b, "\nOUT=");
	shell_path(&b, o->dir);
	sb_puts(&b, "\nLOGS=");
	shell_path(&b, o->log_dir);
	sb_puts(&b, "\nWORKDIR=");
	sb_shell_word(&b, o->cwd);
	sb_puts(&b, "\ncase $LOGS in /*) ;; *) LOGS=$WORKDIR/$LOGS ;; esac\n"
		"mkdir -p -- \"$LOGS\"\n"
		"cat >\"$LOGS/vmsim-task.sh\" <<'VMSIM_TASK_END'\n");
	sb_puts(&b, slurm_task);
	sb_puts(&b, "VMSIM_TASK_END\n"
		"cat >\"$LOGS/vmsim-join.sh\" <<'VMSIM_JOIN_END'\n");
	sb_puts(&b, slurm_join);
	sb_puts(&b, "VMSIM_JOIN_END\n"
		"ids=\n");
	for (first = 0; first < tasks; first += per) {
		per = tasks - first < max ? tasks - first : max;
		sb_printf(&b, "# tasks %llu-%llu: cells %llu-%llu\n"
			  "id=$(sbatch --parsable --job-name=vmsim-cells --chdir=\"$WORKDIR\" "
			  "--array=0-%llu%s \\\n"
			  "\t--output=\"$LOGS/cells-%%A_%%a.out\" \"$LOGS/vmsim-task.sh\" \\\n"
			  "\t\"$VMSIM\" \"$SPEC\" \"$OUT\" %llu %llu %zu %u %u)\n"
			  "id=${id%%%%;*}\n"
			  "echo \"$id\"\n"
			  "ids=$ids:$id\n",
			  (unsigned long long)first, (unsigned long long)(first + per - 1),
			  (unsigned long long)(first * bundle + 1),
			  (unsigned long long)((first + per) * bundle < n ? (first + per) * bundle : n),
			  (unsigned long long)(per - 1), res.s ? res.s : "", (unsigned long long)first,
			  (unsigned long long)bundle, n, o->jobs, o->threads);
	}
	sb_printf(&b, "id=$(sbatch --parsable --job-name=vmsim-join --chdir=\"$WORKDIR\" "
		  "--dependency=afterok$ids \\\n"
		  "\t--kill-on-invalid-dep=yes%s --output=\"$LOGS/join-%%j.out\" "
		  "\"$LOGS/vmsim-join.sh\" \\\n"
		  "\t\"$VMSIM\" \"$SPEC\" \"$OUT\")\n"
		  "echo \"${id%%%%;*}\"\n", part.s ? part.s : "");
	fputs(b.s, f);
	free(b.s);
	free(res.s);
	free(part.s);
	(void)s;
	return 0;
}

int batch_write_plan(FILE *f, const struct batch_spec *s, const struct batch_cell *cells,
		     size_t n, const struct batch_plan_opts *o, struct vm_diag *d)
{
	switch (o->kind) {
	case BATCH_PLAN_PARALLEL:
		return plan_parallel(f, cells, n, o, d);
	case BATCH_PLAN_SLURM:
		return plan_slurm(f, s, n, o, d);
	case BATCH_PLAN_TSV:
		return plan_tsv(f, cells, n);
	case BATCH_PLAN_JSON:
		return plan_json(f, s, cells, n, o);
	}
	return vm_fail(d, VM_ERR_USAGE, "unknown plan kind");
}
