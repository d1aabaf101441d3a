/*
 * batch.c - a matrix of curves over many traces: the spec file, the plan,
 * the cell runner and the results folder.
 *
 * The spec is a small INI file.  Keys before the first [section] are the
 * defaults; each [section] is one group of cells and may override them; a
 * spec without sections is one group named "main".
 *
 *     # vmsim batch spec
 *     title     = Replacement policies on the course traces
 *     traces    = traces/[a-m]*.vmt other/big.vmt.gz  # globs, relative to this file
 *     policies  = opt, lru, clock, fifo, random, lfu   # or all
 *     frames    = 4:256:x2                           # as vmsim curve --frames
 *     page-sizes = 4K                                # comma list
 *     seed      = 1
 *     lfu-aging = 0
 *     figures   = hit-rate, faults                   # or none
 *     figure-format = png                            # png, svg or pdf
 *     log-x     = yes
 *
 *     [huge-pages]
 *     page-sizes = 2M
 *
 *   line      = blank / comment / "[" NAME "]" / KEY "=" VALUE
 *   comment   = "#" or ";" at the start of a line or after a blank
 *   NAME      = letters, digits, "." "_" "-"
 *   traces    = may repeat (patterns accumulate); a pattern with blanks
 *               is written in double quotes
 *   title, figures, figure-format and log-x belong before any section.
 *
 * Every error names the spec and line: unknown keys (with the list of known
 * ones), a key given twice, a bad value (an unknown policy, a bad size list),
 * a section with no traces, a pattern that matches no file.
 *
 * A cell is one trace at one page size of one group, run as one `vmsim curve`
 * (every policy at every size, the trace decoded once).  Its result goes to
 * DIR/cells/NAME.csv, written atomically, so a cell's file exists exactly
 * when the cell is done: that is the whole of resumability.  NAME is
 * GROUP-TRACESTEM-PAGESIZE-HASH, where HASH is FNV-1a of everything that
 * determines the result (trace path, policies, frames, page size, seed, LFU
 * aging), so changing the spec never reuses a stale cell.  A rerun skips the
 * done cells; --plan prints the pending ones as standalone `vmsim curve`
 * command lines (for GNU Parallel or a Slurm array), whose outputs land in
 * the same DIR/cells; and a last local run, or `vmsim merge`, joins them.
 *
 * Cells run on a pool of jobs threads (each cell's curve uses its own
 * threads); a stop request (SIGINT) makes running cells abandon their work
 * (nothing is written for them) and starts no new ones.  After the cells:
 * DIR/results.csv (the cells merged, in plan order), DIR/figures/ (one per
 * trace and metric, through plot.c) and DIR/index.md (figures, the best
 * policy per trace and page size, the cells and their state).
 */
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis_int.h"
#include "policy.h"

#define BATCH_DEFAULT_POLICIES "all"
#define BATCH_DEFAULT_FRAMES "auto"
#define BATCH_DEFAULT_PAGE_SIZES "4K"

/* ------------------------------------------------------------ the spec */

enum key_scope { SCOPE_GLOBAL, SCOPE_GROUP };

static const struct spec_key {
	const char *name;      /* as written ('_' is accepted for '-') */
	enum key_scope scope;  /* where it may appear */
} spec_keys[] = {
	{ "traces", SCOPE_GROUP },
	{ "policies", SCOPE_GROUP },
	{ "frames", SCOPE_GROUP },
	{ "page-sizes", SCOPE_GROUP },
	{ "seed", SCOPE_GROUP },
	{ "lfu-aging", SCOPE_GROUP },
	{ "title", SCOPE_GLOBAL },
	{ "figures", SCOPE_GLOBAL },
	{ "figure-format", SCOPE_GLOBAL },
	{ "log-x", SCOPE_GLOBAL },
};
#define NKEYS (sizeof spec_keys / sizeof spec_keys[0])

/* Aliases a user is likely to type. */
static const struct spec_alias {
	const char *alias; /* what a user may write */
	const char *key;   /* the key it means */
} spec_aliases[] = {
	{ "trace", "traces" }, { "policy", "policies" }, { "page-size", "page-sizes" },
};

/* The values of one scope (the top, or one section) while parsing. */
struct scope {
	char *name;               /* section name, NULL for the top */
	unsigned line;            /* its [line] */
	char *val[NKEYS];         /* the value of each key, or NULL */
	unsigned vline[NKEYS];    /* where it was given */
	char **traces;            /* trace patterns */
	unsigned *tline;          /* their lines */
	size_t ntraces;           /* how many */
};

static void scope_free(struct scope *s)
{
	size_t i;

	free(s->name);
	for (i = 0; i < NKEYS; i++)
		free(s->val[i]);
	for (i = 0; i < s->ntraces; i++)
		free(s->traces[i]);
	free(s->traces);
	free(s->tline);
	memset(s, 0, sizeof *s);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* Split a traces value into patterns ("quoted" ones may hold blanks). */
static int add_patterns(struct scope *sc, const char *v, unsigned line, const char *name,
			struct vm_diag *d)
{
	const char *p = v, *e;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (*p == '"') {
			e = strchr(p + 1, '"');
			if (!e)
				return vm_fail(d, VM_ERR_FORMAT, "%s:%u: a quoted pattern is not "
					       "closed", name, line);
			p++;
		} else {
			e = p + strcspn(p, " \t");
		}
		if (e == p)
			return vm_fail(d, VM_ERR_FORMAT, "%s:%u: an empty pattern", name, line);
		sc->traces = xrealloc(sc->traces, (sc->ntraces + 1) * sizeof *sc->traces);
		sc->tline = xrealloc(sc->tline, (sc->ntraces + 1) * sizeof *sc->tline);
		sc->traces[sc->ntraces] = xmalloc((size_t)(e - p) + 1);
		memcpy(sc->traces[sc->ntraces], p, (size_t)(e - p));
		sc->traces[sc->ntraces][e - p] = 0;
		sc->tline[sc->ntraces++] = line;
		p = *e == '"' ? e + 1 : e;
	}
}

static const char *const spec_metrics[] = { "hit-rate", "faults", "miss-ratio", NULL };

/* Check one value where it is written, so the error has its line. */
static int check_value(const char *key, const char *v, unsigned line, const char *name,
		       struct vm_diag *d)
{
	const struct policy_ops *pols[CURVE_MAX_POLICIES];
	struct vm_diag sub = { 0 };
	uint32_t *sizes = NULL;
	uint64_t u;
	size_t n, i;
	int rc = 0;

	if (strcmp(key, "policies") == 0) {
		rc = curve_policies_parse(v, pols, CURVE_MAX_POLICIES, &n, &sub);
	} else if (strcmp(key, "frames") == 0) {
		rc = curve_frames_parse(v, 0, &sizes, &n, &sub);
		free(sizes);
	} else if (strcmp(key, "page-sizes") == 0) {
		char *dup = xstrdup(v), *tok, *save = NULL;

		for (tok = strtok_r(dup, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
			tok = trim(tok);
			if (parse_size(tok, &u) || u == 0 || ilog2_exact(u) < 0 || u > (1u << 30))
				rc = vm_fail(&sub, VM_ERR_USAGE, "page size '%s' is not a power of "
					     "two from 1 to 1G (1, 4096, 4K, 2M, 1G)", tok);
		}
		if (!rc && !strtok_r(strcpy(dup, v), ", \t", &save))
			rc = vm_fail(&sub, VM_ERR_USAGE, "no page size given");
		free(dup);
	} else if (strcmp(key, "seed") == 0 || strcmp(key, "lfu-aging") == 0) {
		if (parse_u64(v, &u))
			rc = vm_fail(&sub, VM_ERR_USAGE, "'%s' is not a non-negative integer", v);
	} else if (strcmp(key, "figures") == 0) {
		char *dup = xstrdup(v), *tok, *save = NULL;

		if (strcmp(v, "none") != 0)
			for (tok = strtok_r(dup, ",", &save); tok && !rc;
			     tok = strtok_r(NULL, ",", &save)) {
				tok = trim(tok);
				for (i = 0; spec_metrics[i] && strcmp(spec_metrics[i], tok); i++)
					;
				if (!spec_metrics[i])
					rc = vm_fail(&sub, VM_ERR_USAGE, "unknown metric '%s' (known: "
						     "hit-rate, faults, miss-ratio, or none)", tok);
			}
		free(dup);
	} else if (strcmp(key, "figure-format") == 0) {
		if (strcmp(v, "png") && strcmp(v, "svg") && strcmp(v, "pdf"))
			rc = vm_fail(&sub, VM_ERR_USAGE, "'%s' is not png, svg or pdf", v);
	} else if (strcmp(key, "log-x") == 0) {
		if (strcmp(v, "yes") && strcmp(v, "no") && strcmp(v, "true") &&
		    strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0"))
			rc = vm_fail(&sub, VM_ERR_USAGE, "'%s' is not yes or no", v);
	}
	if (rc)
		return vm_fail(d, VM_ERR_FORMAT, "%s:%u: %s: %s", name, line, key, sub.msg);
	return 0;
}

static const char *scope_get(const struct scope *sc, const struct scope *top, size_t k,
			     unsigned *line)
{
	if (sc->val[k]) {
		*line = sc->vline[k];
		return sc->val[k];
	}
	*line = top->vline[k];
	return top->val[k];
}

static size_t key_index(const char *name)
{
	size_t k;

	for (k = 0; k < NKEYS; k++)
		if (strcmp(spec_keys[k].name, name) == 0)
			return k;
	return NKEYS;
}

void batch_spec_free(struct batch_spec *s)
{
	size_t i, j;

	for (i = 0; i < s->ngroups; i++) {
		struct batch_group *g = &s->groups[i];

		free(g->name);
		for (j = 0; j < g->ntraces; j++)
			free(g->traces[j]);
		free(g->traces);
		free(g->trace_line);
		free(g->policies);
		free(g->frames);
		free(g->page_sizes);
	}
	free(s->groups);
	free(s->path);
	free(s->dir);
	free(s->title);
	free(s->figures);
	free(s->figure_format);
	memset(s, 0, sizeof *s);
}

/* Turn the top scope and the sections into groups. */
static int make_groups(struct batch_spec *s, struct scope *top, struct scope *secs,
		       size_t nsec, const char *name, struct vm_diag *d)
{
	size_t i, j, n = nsec ? nsec : 1;
	unsigned line;
	const char *v;

	s->groups = xcalloc(n, sizeof *s->groups);
	for (i = 0; i < n; i++) {
		struct scope *sc = nsec ? &secs[i] : top;
		struct batch_group *g = &s->groups[s->ngroups++];
		/* a section's own patterns replace the defaults' */
		struct scope *ts = sc->ntraces ? sc : top;

		g->name = xstrdup(nsec ? sc->name : "main");
		g->line = nsec ? sc->line : 0;
		if (ts->ntraces == 0) {
			if (nsec)
				return vm_fail(d, VM_ERR_FORMAT, "%s:%u: section [%s] names no "
					       "traces (traces = FILE-OR-GLOB ...)", name, sc->line,
					       sc->name);
			return vm_fail(d, VM_ERR_FORMAT, "%s: names no traces "
				       "(traces = FILE-OR-GLOB ...)", name);
		}
		g->ntraces = ts->ntraces;
		g->traces = xcalloc(ts->ntraces, sizeof *g->traces);
		g->trace_line = xcalloc(ts->ntraces, sizeof *g->trace_line);
		for (j = 0; j < ts->ntraces; j++) {
			g->traces[j] = xstrdup(ts->traces[j]);
			g->trace_line[j] = ts->tline[j];
		}
		v = scope_get(sc, top, key_index("policies"), &line);
		g->policies = xstrdup(v ? v : BATCH_DEFAULT_POLICIES);
		v = scope_get(sc, top, key_index("frames"), &line);
		g->frames = xstrdup(v ? v : BATCH_DEFAULT_FRAMES);
		v = scope_get(sc, top, key_index("page-sizes"), &line);
		g->page_sizes = xstrdup(v ? v : BATCH_DEFAULT_PAGE_SIZES);
		v = scope_get(sc, top, key_index("seed"), &line);
		if (v)
			parse_u64(v, &g->seed);
		else
			g->seed = 1;
		v = scope_get(sc, top, key_index("lfu-aging"), &line);
		if (v)
			parse_u64(v, &g->lfu_aging);
	}
	return 0;
}

int batch_spec_parse(struct batch_spec *s, const char *name, const char *text,
		     size_t len, struct vm_diag *d)
{
	struct scope top, *secs = NULL, *cur;
	size_t nsec = 0, i, k, ln;
	const char *p = text, *end = text + len, *nl;
	char *line = NULL, *l, *eq, *val, *c;
	const char *key;
	unsigned lineno = 0;
	int rc = 0;

	memset(s, 0, sizeof *s);
	memset(&top, 0, sizeof top);
	cur = &top;
	s->path = xstrdup(name);
	{
		const char *slash = strrchr(name, '/');

		s->dir = slash ? strndup(name, (size_t)(slash - name) + (slash == name)) : xstrdup(".");
		if (!s->dir)
			s->dir = xstrdup(".");
	}
	if ((nl = memchr(text, 0, len)) != NULL) {
		for (lineno = 1; p < nl; p++)
			lineno += *p == '\n';
		rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: a NUL byte (not a text file)", name,
			     lineno);
		goto out;
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
		lineno++;
		if (ln > 65536) {
			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: a line longer than 64 KiB", name, lineno);
			goto out;
		}
		free(line);
		line = xmalloc(ln + 1);
		memcpy(line, p, ln);
		line[ln] = 0;
		p = nl ? nl + 1 : end;
		/* comments: # or ; at the start or after a blank */
		for (c = line; *c; c++)
			if ((*c == '#' || *c == ';') && (c == line || c[-1] == ' ' || c[-1] == '\t')) {
				*c = 0;
				break;
			}
		l = trim(line);
		if (!*l)
			continue;
		if (*l == '[') {
			size_t nlen = strlen(l);

			if (l[nlen - 1] != ']' || nlen < 3 ||
			    strspn(l + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789._-") != nlen - 2) {
				rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: a section is [NAME], NAME of "
					     "letters, digits, '.', '_' and '-'", name, lineno);
				goto out;
			}
			l[nlen - 1] = 0;
			for (i = 0; i < nsec; i++)
				if (strcmp(secs[i].name, l + 1) == 0) {
					rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: section [%s] again "
						     "(first at line %u)", name, lineno, l + 1,
						     secs[i].line);
					goto out;
				}
			secs = xrealloc(secs, (nsec + 1) * sizeof *secs);
			cur = &secs[nsec++];
			memset(cur, 0, sizeof *cur);
			cur->name = xstrdup(l + 1);
			cur->line = lineno;
			continue;
		}
		eq = strchr(l, '=');
		if (!eq) {
			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: expected 'key = value' or [section]",
				     name, lineno);
			goto out;
		}
		*eq = 0;
		l = trim(l);
		val = trim(eq + 1);
		for (c = l; *c; c++)
			if (*c == '_')
				*c = '-';
		key = l;
		for (i = 0; i < sizeof spec_aliases / sizeof spec_aliases[0]; i++)
			if (strcmp(key, spec_aliases[i].alias) == 0)
				key = spec_aliases[i].key;
		k = key_index(key);
		if (k == NKEYS) {
			struct strbuf b = { 0 };

			for (i = 0; i < NKEYS; i++)
				sb_printf(&b, "%s%s", i ? ", " : "", spec_keys[i].name);
			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: unknown key '%s' (known: %s)", name,
				     lineno, key, b.s);
			free(b.s);
			goto out;
		}
		if (!*val) {
			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: %s has no value", name, lineno, key);
			goto out;
		}
		if (spec_keys[k].scope == SCOPE_GLOBAL && cur != &top) {
			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: %s applies to the whole batch: put it "
				     "before the first [section]", name, lineno, key);
			goto out;
		}
		if (strcmp(key, "traces") == 0) {
			if ((rc = add_patterns(cur, val, lineno, name, d)))
				goto out;
			continue;
		}
		if (cur->val[k]) {
			rc = vm_fail(d, VM_ERR_FORMAT, "%s:%u: %s is given twice (first at line %u)",
				     name, lineno, key, cur->vline[k]);
			goto out;
		}
		if ((rc = check_value(key, val, lineno, name, d)))
			goto out;
		cur->val[k] = xstrdup(val);
		cur->vline[k] = lineno;
	}
	if ((rc = make_groups(s, &top, secs, nsec, name, d)))
		goto out;
	k = key_index("title");
	s->title = xstrdup(top.val[k] ? top.val[k] : "vmsim batch");
	k = key_index("figures");
	s->figures = xstrdup(top.val[k] ? strcmp(top.val[k], "none") ? top.val[k] : ""
				       : "hit-rate, faults");
	k = key_index("figure-format");
	s->figure_format = xstrdup(top.val[k] ? top.val[k] : "png");
	k = key_index("log-x");
	s->log_x = top.val[k] && (!strcmp(top.val[k], "yes") || !strcmp(top.val[k], "true") ||
				  !strcmp(top.val[k], "1"));
out:
	free(line);
	scope_free(&top);
	for (i = 0; i < nsec; i++)
		scope_free(&secs[i]);
	free(secs);
	if (rc)
		batch_spec_free(s);
	return rc;
}

int batch_spec_read(struct batch_spec *s, const char *path, struct vm_diag *d)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;
	int rc;

	memset(s, 0, sizeof *s);
	if (!f)
		return vm_fail(d, VM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			if (cap > (16u << 20)) {
				fclose(f);
				free(buf);
				return vm_fail(d, VM_ERR_LIMIT, "%s: larger than 16 MiB; not a spec",
					       path);
			}
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(buf);
		return vm_fail(d, VM_ERR_IO, "%s: read error: %s", path, strerror(e));
	}
	fclose(f);
	rc = batch_spec_parse(s, path, buf ? buf : "", n, d);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------- the plan */

static int mkdir_p(const char *path, struct vm_diag *d)
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

	sb_printf(&b, "%s/cells", dir);
	rc = mkdir_p(b.s, d);
	free(b.s);
	return rc;
}

/* "4K" for a page shift, as --page-size takes it. */
static void shift_name(char *buf, size_t n, uint32_t shift)
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

/* The file stem of a trace: its base name without .gz and one extension. */
static char *trace_stem(const char *path)
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

static void cell_args(const struct batch_cell *c, struct strbuf *b, int quote)
{
	char ps[16];
	char *pol = squeeze(c->group->policies), *fr = squeeze(c->group->frames);

	shift_name(ps, sizeof ps, c->page_shift);
	if (quote)
		sb_shell_word(b, c->trace);
	else
		sb_puts(b, c->trace);
	sb_puts(b, " --policies ");
	sb_puts(b, pol);
	sb_puts(b, " --frames ");
	sb_puts(b, fr);
	sb_printf(b, " --page-size %s --seed %llu --lfu-aging %llu", ps,
		  (unsigned long long)c->group->seed, (unsigned long long)c->group->lfu_aging);
	free(pol);
	free(fr);
}

void batch_cells_free(struct batch_cell *cells, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cells[i].trace);
		free(cells[i].name);
		free(cells[i].out);
	}
	free(cells);
}

int batch_plan(const struct batch_spec *s, const char *dir, struct batch_cell **out,
	       size_t *nout, struct vm_diag *d)
{
	struct batch_cell *cells = NULL;
	size_t n = 0, gi, ti, pi, i;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	for (gi = 0; gi < s->ngroups; gi++) {
		const struct batch_group *g = &s->groups[gi];
		char *ps = xstrdup(g->page_sizes), *tok, *save = NULL;
		uint32_t shifts[64];
		size_t nps = 0;

		for (tok = strtok_r(ps, ",", &save); tok && nps < 64; tok = strtok_r(NULL, ",", &save)) {
			uint64_t v = 0;

			parse_size(trim(tok), &v); /* checked by the parser */
			shifts[nps++] = (uint32_t)ilog2_exact(v ? v : 4096);
		}
		free(ps);
		for (ti = 0; ti < g->ntraces; ti++) {
			struct strbuf pat = { 0 };
			glob_t gl;
			int grc;

			if (g->traces[ti][0] == '/' || strcmp(s->dir, ".") == 0)
				sb_puts(&pat, g->traces[ti]);
			else
				sb_printf(&pat, "%s/%s", s->dir, g->traces[ti]);
			grc = glob(pat.s, GLOB_NOCHECK, NULL, &gl);
			if (grc) {
				rc = vm_fail(d, VM_ERR_IO, "%s:%u: '%s': cannot expand", s->path,
					     g->trace_line[ti], g->traces[ti]);
				free(pat.s);
				goto fail;
			}
			for (i = 0; i < gl.gl_pathc; i++) {
				struct stat sb;

				if (stat(gl.gl_pathv[i], &sb) || S_ISDIR(sb.st_mode)) {
					rc = vm_fail(d, VM_ERR_IO, "%s:%u: '%s' %s", s->path,
						     g->trace_line[ti], g->traces[ti],
						     strpbrk(g->traces[ti], "*?[") ? "matches no file"
						     : errno == ENOENT ? "does not exist"
						     : "is not a readable file");
					globfree(&gl);
					free(pat.s);
					goto fail;
				}
				for (pi = 0; pi < nps; pi++) {
					struct batch_cell *c;
					struct strbuf b = { 0 };
					char psn[16], *stem;
					uint32_t h;
					size_t k;

					for (k = 0; k < n; k++)
						if (cells[k].group == g && cells[k].page_shift == shifts[pi] &&
						    strcmp(cells[k].trace, gl.gl_pathv[i]) == 0)
							break;
					if (k < n)
						continue; /* listed twice */
					cells = xrealloc(cells, (n + 1) * sizeof *cells);
					c = &cells[n++];
					memset(c, 0, sizeof *c);
					c->group = g;
					c->trace = xstrdup(gl.gl_pathv[i]);
					c->page_shift = shifts[pi];
					/* the name: what determines the result, hashed */
					cell_args(c, &b, 0);
					sb_printf(&b, "\n%s", VMSIM_VERSION);
					h = fnv1a(b.s, FNV1A_INIT);
					free(b.s);
					memset(&b, 0, sizeof b);
					stem = trace_stem(c->trace);
					shift_name(psn, sizeof psn, c->page_shift);
					sb_printf(&b, "%s-%s-%s-%08x", g->name, stem, psn, h);
					c->name = sb_take(&b);
					free(stem);
					sb_printf(&b, "%s/cells/%s.csv", dir, c->name);
					c->out = sb_take(&b);
					c->done = access(c->out, F_OK) == 0;
				}
			}
			globfree(&gl);
			free(pat.s);
		}
	}
	*out = cells;
	*nout = n;
	return 0;
fail:
	batch_cells_free(cells, n);
	return rc;
}

char *batch_cell_command(const struct batch_cell *c, const char *vmsim)
{
	struct strbuf b = { 0 };

	sb_shell_word(&b, vmsim ? vmsim : "vmsim");
	sb_puts(&b, " curve ");
	cell_args(c, &b, 1);
	sb_puts(&b, " --format csv --quiet --output ");
	sb_shell_word(&b, c->out);
	return sb_take(&b);
}

/* ------------------------------------------------------------ running */

int batch_run_cell(const struct batch_cell *c, unsigned threads, atomic_int *stop,
		   struct vm_diag *d)
{
	struct curve_job j = { 0 };
	struct outfile of;
	struct table t;
	int rc;

	j.trace = c->trace;
	j.page_shift = c->page_shift;
	j.policies = c->group->policies;
	j.frames = c->group->frames;
	j.seed = c->group->seed;
	j.lfu_aging = c->group->lfu_aging;
	j.threads = threads ? threads : 1;
	j.stop = stop;
	rc = curve_job_run(&j, &t, d);
	if (rc)
		return rc;
	rc = outfile_open(&of, c->out, d);
	if (!rc) {
		if (table_write(&t, of.f, REPORT_CSV)) {
			outfile_abort(&of);
			rc = vm_fail(d, VM_ERR_IO, "%s: write failed", c->out);
		} else if (stop && atomic_load(stop)) {
			outfile_abort(&of);
			rc = vm_fail(d, VM_ERR_IO, "interrupted");
		} else {
			rc = outfile_commit(&of, d);
		}
	}
	table_free(&t);
	return rc;
}

struct batch_pool {
	struct batch_cell *cells;        /* all cells */
	size_t n;                        /* how many */
	const struct batch_run_opts *o;  /* options */
	size_t next;                     /* next cell to look at */
	size_t started;                  /* cells started */
	size_t done;                     /* cells finished (well or not) */
	size_t todo;                     /* cells this run will do */
	size_t failed;                   /* cells that failed */
	pthread_mutex_t mu;              /* guards the counters and events */
};

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *batch_worker(void *arg)
{
	struct batch_pool *pl = arg;
	const struct batch_run_opts *o = pl->o;
	struct vm_diag d;
	struct batch_cell *c;
	double t0;
	int rc;

	for (;;) {
		c = NULL;
		pthread_mutex_lock(&pl->mu);
		while (pl->next < pl->n && !(o->stop && atomic_load(o->stop)) &&
		       pl->started < pl->todo) {
			struct batch_cell *x = &pl->cells[pl->next++];

			if (!x->done) {
				c = x;
				pl->started++;
				if (o->event)
					o->event(o->ctx, c, BATCH_START, NULL, pl->done, pl->todo);
				break;
			}
		}
		pthread_mutex_unlock(&pl->mu);
		if (!c)
			return NULL;
		memset(&d, 0, sizeof d);
		t0 = now_seconds();
		rc = batch_run_cell(c, o->threads, o->stop, &d);
		pthread_mutex_lock(&pl->mu);
		c->seconds = now_seconds() - t0;
		pl->done++;
		if (rc && !(o->stop && atomic_load(o->stop))) {
			c->failed = 1;
			pl->failed++;
			if (o->event)
				o->event(o->ctx, c, BATCH_FAILED, &d, pl->done, pl->todo);
		} else if (!rc) {
			c->done = 1;
			if (o->event)
				o->event(o->ctx, c, BATCH_DONE, NULL, pl->done, pl->todo);
		}
		pthread_mutex_unlock(&pl->mu);
	}
}

int batch_run(struct batch_cell *cells, size_t n, const struct batch_run_opts *o,
	      struct vm_diag *d)
{
	struct batch_pool pl;
	pthread_t *th;
	size_t i, started = 0, pending = 0, jobs = o->jobs ? o->jobs : 1;

	memset(&pl, 0, sizeof pl);
	for (i = 0; i < n; i++)
		pending += !cells[i].done;
	pl.cells = cells;
	pl.n = n;
	pl.o = o;
	pl.todo = o->max_cells && o->max_cells < pending ? o->max_cells : pending;
	pthread_mutex_init(&pl.mu, NULL);
	if (jobs > pl.todo)
		jobs = pl.todo ? pl.todo : 1;
	th = xcalloc(jobs, sizeof *th);
	for (i = 1; i < jobs; i++, started++)
		if (pthread_create(&th[i - 1], NULL, batch_worker, &pl))
			break;
	batch_worker(&pl);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&pl.mu);
	if (o->stop && atomic_load(o->stop))
		return vm_fail(d, VM_ERR_IO, "interrupted");
	if (pl.failed)
		return vm_fail(d, VM_ERR_FORMAT, "%zu of %zu cells failed", pl.failed, pl.todo);
	return 0;
}

/* ------------------------------------------------------------ results */

/* Best policies of one done cell, for index.md. */
struct best {
	const char *best;     /* policy with the fewest faults summed over sizes */
	double best_rate;     /* its mean hit rate */
	const char *second;   /* the runner-up, or NULL */
	double second_rate;   /* its mean hit rate */
	double opt_rate;      /* OPT's mean hit rate, < 0 if not run */
	size_t sizes;         /* memory sizes */
};

static void cell_best(const struct csv *c, struct best *b)
{
	int pc = csv_col(c, "policy"), fc = csv_col(c, "faults"), hc = csv_col(c, "hit_rate");
	const char *names[CURVE_MAX_POLICIES];
	double faults[CURVE_MAX_POLICIES], rate[CURVE_MAX_POLICIES];
	size_t cnt[CURVE_MAX_POLICIES], np = 0, r, i, best = SIZE_MAX, second = SIZE_MAX;

	memset(b, 0, sizeof *b);
	b->opt_rate = -1;
	for (r = 0; r < c->nrows; r++) {
		const char *p = csv_cell(c, r, pc);
		double f = 0, h = 0;

		for (i = 0; i < np && strcmp(names[i], p); i++)
			;
		if (i == np) {
			if (np == CURVE_MAX_POLICIES)
				continue;
			names[np] = p;
			faults[np] = rate[np] = 0;
			cnt[np++] = 0;
		}
		csv_cell_f64(c, r, fc, &f);
		csv_cell_f64(c, r, hc, &h);
		faults[i] += f;
		rate[i] += h;
		cnt[i]++;
	}
	/* rank by total faults (ties: the order the cell lists them); OPT
	 * needs the future, so it is the bound, not a contender */
	for (i = 0; i < np; i++) {
		const struct policy_ops *ops = policy_find(names[i]);
		double mean = cnt[i] ? rate[i] / (double)cnt[i] : 0;

		b->sizes = cnt[i];
		if (ops && (ops->flags & POLICY_NEEDS_FUTURE)) {
			b->opt_rate = mean;
		} else if (best == SIZE_MAX || faults[i] < faults[best]) {
			second = best;
			best = i;
		} else if (second == SIZE_MAX || faults[i] < faults[second]) {
			second = i;
		}
	}
	if (best != SIZE_MAX) {
		b->best = names[best];
		b->best_rate = cnt[best] ? rate[best] / (double)cnt[best] : 0;
	}
	if (second != SIZE_MAX) {
		b->second = names[second];
		b->second_rate = cnt[second] ? rate[second] / (double)cnt[second] : 0;
	}
}

static int write_index(const struct batch_spec *s, const struct batch_cell *cells, size_t n,
		       const struct csv *cellcsv, const char *dir, char **fig_names,
		       char **fig_traces, size_t nfig, struct vm_diag *d)
{
	struct strbuf path = { 0 };
	struct outfile of;
	size_t i, ndone = 0, nfail = 0;
	char ps[16];
	int rc;

	for (i = 0; i < n; i++) {
		ndone += cells[i].done;
		nfail += cells[i].failed;
	}
	sb_printf(&path, "%s/index.md", dir);
	rc = outfile_open(&of, path.s, d);
	free(path.s);
	if (rc)
		return rc;
	fprintf(of.f, "# %s\n\n", s->title);
	fprintf(of.f, "Made by vmsim %s from `%s`: %zu of %zu cells done%s%s. "
		"All rows: [results.csv](results.csv).\n\n", VMSIM_VERSION, s->path, ndone, n,
		nfail ? ", some failed (see below)" : "",
		ndone < n ? "; run the batch again to finish the rest" : "");
	fputs("## Best policy per trace\n\n"
	      "Policies ranked by page faults summed over the memory sizes (the same sizes "
	      "for every policy of a cell); hit rates are means over those sizes. OPT needs "
	      "the future, so it is shown as the bound, not ranked.\n\n"
	      "| trace | group | page size | sizes | best policy | mean hit rate | runner-up "
	      "| mean hit rate | OPT (bound) |\n|---|---|---|---:|---|---:|---|---:|---:|\n", of.f);
	for (i = 0; i < n; i++) {
		struct best b;

		if (!cells[i].done)
			continue;
		cell_best(&cellcsv[i], &b);
		shift_name(ps, sizeof ps, cells[i].page_shift);
		fprintf(of.f, "| `%s` | %s | %s | %zu | **%s** | %.6f | %s | ", cells[i].trace,
			cells[i].group->name, ps, b.sizes, b.best ? b.best : "-", b.best_rate,
			b.second ? b.second : "-");
		if (b.second)
			fprintf(of.f, "%.6f | ", b.second_rate);
		else
			fputs("- | ", of.f);
		if (b.opt_rate >= 0)
			fprintf(of.f, "%.6f |\n", b.opt_rate);
		else
			fputs("- |\n", of.f);
	}
	if (nfig) {
		fputs("\n## Figures\n", of.f);
		for (i = 0; i < nfig; i++) {
			if (i == 0 || strcmp(fig_traces[i], fig_traces[i - 1]))
				fprintf(of.f, "\n### `%s`\n\n", fig_traces[i]);
			if (strcmp(s->figure_format, "pdf") == 0)
				fprintf(of.f, "- [%s](figures/%s)\n", fig_names[i], fig_names[i]);
			else
				fprintf(of.f, "![%s](figures/%s)\n", fig_names[i], fig_names[i]);
		}
	}
	fputs("\n## Cells\n\n| cell | trace | page size | state |\n|---|---|---|---|\n", of.f);
	for (i = 0; i < n; i++) {
		shift_name(ps, sizeof ps, cells[i].page_shift);
		fprintf(of.f, "| [%s](cells/%s.csv) | `%s` | %s | %s |\n", cells[i].name,
			cells[i].name, cells[i].trace, ps,
			cells[i].done ? "done" : cells[i].failed ? "**failed**" : "pending");
	}
	fputs("\nEach cell is one `vmsim curve` run; `vmsim batch SPEC --plan` prints "
		      "the pending ones as command lines.\n", of.f);
	if (ferror(of.f)) {
		outfile_abort(&of);
		return vm_fail(d, VM_ERR_IO, "%s/index.md: write failed", dir);
	}
	return outfile_commit(&of, d);
}

int batch_finish(const struct batch_spec *s, const struct batch_cell *cells, size_t n,
		 const char *dir, int render, struct vm_diag *d)
{
	struct csv *cellcsv = xcalloc(n + 1, sizeof *cellcsv), *ins = xcalloc(n + 1, sizeof *ins);
	struct csv merged = { 0 };
	char **fig_names = NULL, **fig_traces = NULL, **stems = NULL;
	size_t i, j, nin = 0, nfig = 0, nstems = 0;
	struct strbuf b = { 0 };
	struct outfile of;
	int rc = 0, have_merged = 0;

	for (i = 0; i < n; i++) {
		if (!cells[i].done)
			continue;
		if ((rc = csv_read(&cellcsv[i], cells[i].out, d)))
			goto out;
		ins[nin++] = cellcsv[i];
	}
	if ((rc = csv_merge(&merged, ins, nin, d)))
		goto out;
	have_merged = 1;
	sb_printf(&b, "%s/results.csv", dir);
	if ((rc = outfile_open(&of, b.s, d)))
		goto out;
	if (csv_write(&merged, of.f)) {
		outfile_abort(&of);
		rc = vm_fail(d, VM_ERR_IO, "%s: write failed", b.s);
		goto out;
	}
	if ((rc = outfile_commit(&of, d)))
		goto out;
	/* one figure per trace and metric */
	if (*s->figures && nin) {
		free(b.s);
		b.s = NULL;
		b.n = b.cap = 0;
		sb_printf(&b, "%s/figures", dir);
		if ((rc = mkdir_p(b.s, d)))
			goto out;
		for (i = 0; i < n; i++) {
			char *fig = xstrdup(s->figures), *tok, *save = NULL, *stem;
			/* as result_row names it in the trace column */
			char *tname = result_trace_path(cells[i].trace);
			size_t k;

			if (!cells[i].done)
				goto next;
			for (j = 0; j < i; j++)
				if (cells[j].done && strcmp(cells[j].trace, cells[i].trace) == 0)
					break;
			if (j < i)
				goto next; /* this trace is drawn already */
			stem = trace_stem(cells[i].trace);
			for (k = 0; k < nstems; k++)
				if (strcmp(stems[k], stem) == 0)
					break;
			stems = xrealloc(stems, (nstems + 1) * sizeof *stems);
			if (k < nstems) { /* two traces with one name: number them */
				struct strbuf u = { 0 };

				sb_printf(&u, "%s-%zu", stem, nstems + 1);
				free(stem);
				stem = sb_take(&u);
			}
			stems[nstems++] = stem;
			for (tok = strtok_r(fig, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				struct plot_opts po = { 0 };
				struct strbuf fn = { 0 }, fp = { 0 };

				tok = trim(tok);
				sb_printf(&fn, "%s-%s.%s", stem, tok, s->figure_format);
				sb_printf(&fp, "%s/figures/%s", dir, fn.s);
				po.metric = tok;
				po.only_trace = tname;
				po.log_x = s->log_x;
				po.render = render;
				rc = plot_write(&merged, &po, fp.s, d);
				free(fp.s);
				if (rc) {
					free(fn.s);
					free(fig);
					free(tname);
					goto out;
				}
				fig_names = xrealloc(fig_names, (nfig + 1) * sizeof *fig_names);
				fig_traces = xrealloc(fig_traces, (nfig + 1) * sizeof *fig_traces);
				fig_names[nfig] = sb_take(&fn);
				fig_traces[nfig++] = cells[i].trace;
			}
next:
			free(tname);
			free(fig);
		}
	}
	rc = write_index(s, cells, n, cellcsv, dir, fig_names, fig_traces, nfig, d);
out:
	free(b.s);
	for (i = 0; i < n; i++)
		if (cellcsv[i].name)
			csv_free(&cellcsv[i]);
	free(cellcsv);
	free(ins);
	if (have_merged)
		csv_free(&merged);
	for (i = 0; i < nfig; i++)
		free(fig_names[i]);
	free(fig_names);
	free(fig_traces);
	for (i = 0; i < nstems; i++)
		free(stems[i]);
	free(stems);
	return rc;
}
