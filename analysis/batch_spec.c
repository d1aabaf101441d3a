/*
 * batch_spec.c - the spec file of vmsim batch: a small INI file naming the
 * traces, the configurations and the figures of a batch.
 *
 * Keys before the first [section] are the defaults of every section.  When
 * they name traces, those traces form a group of their own, "main", run with
 * the defaults; each [section] is one more group that overrides what it names
 * and runs the defaults' traces unless it names its own.
 *
 *     # vmsim batch spec
 *     title     = Replacement policies on the course traces
 *     traces    = traces/[a-m]*.vmt other/big.vmt.gz  # globs, relative to this file
 *     policies  = opt, lru, clock, fifo, random, lfu   # or all
 *     frames    = 4:256:x2                           # as vmsim curve --frames
 *     page-sizes = 4K                                # comma list
 *     seed      = 1
 *     lfu-aging = 0
 *     metrics   = hit-rate, faults                   # figures drawn (or none)
 *     figure-format = png, pdf                       # png, svg, pdf: a list
 *     log-x     = yes
 *     log-y     = no
 *     cpus = 2    mem = 4G    time = 1:00:00         # per cluster task (--plan=slurm)
 *
 *     [huge-pages]                                   # the same traces at 2M
 *     page-sizes = 2M
 *
 *   line      = blank / comment / "[" NAME "]" / KEY "=" VALUE
 *   comment   = "#" or ";" at the start of a line or after a blank
 *   NAME      = letters, digits, "." "_" "-"
 *   traces    = may repeat (patterns accumulate); a pattern with blanks
 *               is written in double quotes
 *   title, metrics (figures), figure-format, log-x, log-y, cpus, mem, time,
 *   partition and bundle belong before any section.
 *
 * Every error names the spec and line: unknown keys (with the list of known
 * ones), a key given twice, a bad value (an unknown policy, a bad size list),
 * a section with no traces, a pattern that matches no file (batch_plan.c).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "batch_int.h"
#include "policy.h"

#define BATCH_DEFAULT_POLICIES "all"
#define BATCH_DEFAULT_FRAMES "auto"
#define BATCH_DEFAULT_PAGE_SIZES "4K"

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
	{ "metrics", SCOPE_GLOBAL },
	{ "figure-format", SCOPE_GLOBAL },
	{ "log-x", SCOPE_GLOBAL },
	{ "log-y", SCOPE_GLOBAL },
	{ "cpus", SCOPE_GLOBAL },
	{ "mem", SCOPE_GLOBAL },
	{ "time", SCOPE_GLOBAL },
	{ "partition", SCOPE_GLOBAL },
	{ "bundle", SCOPE_GLOBAL },
};
#define NKEYS (sizeof spec_keys / sizeof spec_keys[0])

/* Aliases a user is likely to type (figures: the name before metrics). */
static const struct spec_alias {
	const char *alias; /* what a user may write */
	const char *key;   /* the key it means */
} spec_aliases[] = {
	{ "trace", "traces" }, { "policy", "policies" }, { "page-size", "page-sizes" },
	{ "figures", "metrics" }, { "figure-formats", "figure-format" },
	{ "cpus-per-task", "cpus" },
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

char *batch_trim(char *s)
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

/* The named figures; any other metric column of the results may be drawn. */
static const char *const spec_metrics[] = { "hit-rate", "faults", "miss-ratio", NULL };

static int is_yes_no(const char *v)
{
	static const char *const words[] = { "yes", "no", "true", "false", "1", "0", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0)
			return 1;
	return 0;
}

static int is_yes(const char *v)
{
	return v && (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"));
}

/* Check each item of a comma list with ok(); an empty list is an error. */
static int check_list(const char *v, int (*ok)(const char *item), const char *what,
		      struct vm_diag *sub)
{
	char *dup = xstrdup(v), *p = dup, *comma, *tok;
	int rc = 0;

	/* split by hand: strtok would skip the empty item of "png,,pdf" */
	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = 0;
		tok = batch_trim(p);
		if (!ok(tok)) {
			rc = vm_fail(sub, VM_ERR_USAGE, "%s%s'%s'", what, *what ? " " : "", tok);
			break;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	free(dup);
	return rc;
}

static int metric_ok(const char *m)
{
	size_t i;

	for (i = 0; spec_metrics[i]; i++)
		if (strcmp(spec_metrics[i], m) == 0)
			return 1;
	return result_col_role(m) == RESULT_METRIC && strspn(m, "abcdefghijklmnopqrstuvwxyz"
							     "0123456789_") == strlen(m);
}

static int format_ok(const char *f)
{
	return !strcmp(f, "png") || !strcmp(f, "svg") || !strcmp(f, "pdf");
}

static int page_size_ok(const char *t)
{
	uint64_t u;

	return !parse_size(t, &u) && u && ilog2_exact(u) >= 0 && u <= (1u << VM_MAX_PAGE_SHIFT);
}

/* A Slurm-style value: no blanks, no quotes, printable. */
static int slurm_word_ok(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v <= ' ' || *v == '\'' || *v == '"' || *v == '\\' ||
		    (unsigned char)*v >= 0x7f)
			return 0;
	return 1;
}

/* Check one value where it is written, so the error has its line. */
static int check_value(const char *key, const char *v, unsigned line, const char *name,
		       struct vm_diag *d)
{
	const struct policy_ops *pols[CURVE_MAX_POLICIES];
	struct vm_diag sub = { 0 };
	uint32_t *sizes = NULL;
	const char *hint = "";
	uint64_t u;
	size_t n;
	int rc = 0;

	if (strcmp(key, "policies") == 0) {
		rc = curve_policies_parse(v, pols, CURVE_MAX_POLICIES, &n, &sub);
	} else if (strcmp(key, "frames") == 0) {
		rc = curve_frames_parse(v, 0, &sizes, &n, &sub);
		free(sizes);
	} else if (strcmp(key, "page-sizes") == 0) {
		rc = check_list(v, page_size_ok, "page size", &sub);
		hint = " is not a power of two from 1 to 1G (1, 4096, 4K, 2M, 1G)";
	} else if (strcmp(key, "seed") == 0 || strcmp(key, "lfu-aging") == 0) {
		if (parse_u64(v, &u))
			rc = vm_fail(&sub, VM_ERR_USAGE, "'%s' is not a non-negative integer", v);
	} else if (strcmp(key, "cpus") == 0 || strcmp(key, "bundle") == 0) {
		if (parse_u64(v, &u) || u == 0 || u > 100000)
			rc = vm_fail(&sub, VM_ERR_USAGE, "'%s' is not a whole number from 1 to "
				     "100000", v);
	} else if (strcmp(key, "mem") == 0 || strcmp(key, "time") == 0 ||
		   strcmp(key, "partition") == 0) {
		if (!slurm_word_ok(v))
			rc = vm_fail(&sub, VM_ERR_USAGE, "'%s' has a blank, a quote or a control "
				     "character", v);
	} else if (strcmp(key, "metrics") == 0) {
		if (strcmp(v, "none"))
			rc = check_list(v, metric_ok, "unknown metric", &sub);
		hint = " (known: hit-rate, faults, miss-ratio, a metric column such as "
		       "tlb_misses, or none)";
	} else if (strcmp(key, "figure-format") == 0) {
		rc = check_list(v, format_ok, "", &sub);
		hint = " is not png, svg or pdf";
	} else if (strcmp(key, "log-x") == 0 || strcmp(key, "log-y") == 0) {
		if (!is_yes_no(v))
			rc = vm_fail(&sub, VM_ERR_USAGE, "'%s' is not yes or no", v);
	}
	if (rc)
		return vm_fail(d, VM_ERR_FORMAT, "%s:%u: %s: %s%s", name, line, key, sub.msg, hint);
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
	free(s->mem);
	free(s->time);
	free(s->partition);
	memset(s, 0, sizeof *s);
}

/* Fill one group from its scope, the defaults filling what it leaves out. */
static void fill_group(struct batch_group *g, const char *gname, unsigned gline,
		       const struct scope *sc, const struct scope *top, const struct scope *ts)
{
	unsigned line;
	const char *v;
	size_t j;

	g->name = xstrdup(gname);
	g->line = gline;
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
	g->seed = 1;
	if (v)
		parse_u64(v, &g->seed);
	v = scope_get(sc, top, key_index("lfu-aging"), &line);
	if (v)
		parse_u64(v, &g->lfu_aging);
}

/*
 * Turn the top scope and the sections into groups: the top's traces, when it
 * names any, are the group "main" (first); every section is a group, running
 * the top's traces unless it names its own.
 */
static int make_groups(struct batch_spec *s, struct scope *top, struct scope *secs,
		       size_t nsec, const char *name, struct vm_diag *d)
{
	size_t i;

	s->groups = xcalloc(nsec + 1, sizeof *s->groups);
	if (top->ntraces) {
		for (i = 0; i < nsec; i++)
			if (strcmp(secs[i].name, "main") == 0)
				return vm_fail(d, VM_ERR_FORMAT, "%s:%u: section [main] would clash "
					       "with the group 'main' that the traces named before "
					       "the first section make; rename it", name,
					       secs[i].line);
		fill_group(&s->groups[s->ngroups++], "main", 0, top, top, top);
	}
	for (i = 0; i < nsec; i++) {
		struct scope *sc = &secs[i];

		if (!sc->ntraces && !top->ntraces)
			return vm_fail(d, VM_ERR_FORMAT, "%s:%u: section [%s] names no traces "
				       "(traces = FILE-OR-GLOB ..., in it or before the first "
				       "section)", name, sc->line, sc->name);
		fill_group(&s->groups[s->ngroups++], sc->name, sc->line, sc, top,
			   sc->ntraces ? sc : top);
	}
	if (!s->ngroups)
		return vm_fail(d, VM_ERR_FORMAT, "%s: names no traces (traces = FILE-OR-GLOB ...)",
			       name);
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
		l = batch_trim(line);
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
		l = batch_trim(l);
		val = batch_trim(eq + 1);
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
	k = key_index("metrics");
	s->figures = xstrdup(top.val[k] ? strcmp(top.val[k], "none") ? top.val[k] : ""
				       : "hit-rate, faults");
	k = key_index("figure-format");
	s->figure_format = xstrdup(top.val[k] ? top.val[k] : "png");
	s->log_x = is_yes(top.val[key_index("log-x")]);
	s->log_y = is_yes(top.val[key_index("log-y")]);
	k = key_index("cpus");
	if (top.val[k])
		parse_u64(top.val[k], &s->cpus);
	k = key_index("bundle");
	if (top.val[k])
		parse_u64(top.val[k], &s->bundle);
	k = key_index("mem");
	s->mem = top.val[k] ? xstrdup(top.val[k]) : NULL;
	k = key_index("time");
	s->time = top.val[k] ? xstrdup(top.val[k]) : NULL;
	k = key_index("partition");
	s->partition = top.val[k] ? xstrdup(top.val[k]) : NULL;
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
