/*
 * vmsim.c - the command-line front: one binary, subcommands, generated help.
 *
 * Every subcommand is one row of cmds[] below with its own option table;
 * parsing, defaults and `--help` are all generated from those tables, and the
 * lists of policies and trace formats come from their registries, so nothing
 * is typed twice.  This file is the only place that prints diagnostics and
 * chooses exit codes:
 *
 *   0  success
 *   1  the work failed (bad or unreadable input, I/O error)
 *   2  the command line is wrong (unknown option, bad value)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "replay.h"
#include "policy.h"
#include "analysis.h"

#define EXIT_USAGE 2

/* ------------------------------------------------------------- options */

struct opt {
	const char *name;   /* long name, without the dashes */
	char shrt;          /* short letter, 0 if none */
	const char *arg;    /* value placeholder, NULL for a flag */
	const char *def;    /* default as shown in help and used when absent */
	const char *help;   /* one line */
	/* when set, appends the allowed values (from a registry) to the help */
	const char *(*choices)(char *buf, size_t n);
};

struct args {
	const struct cmd *cmd;  /* the subcommand */
	const char *val[32];    /* per option: given value, "1" for flags, or NULL */
	const char *pos[8];     /* positional arguments */
	int npos;               /* how many */
};

struct cmd {
	const char *name;       /* subcommand */
	const char *usage;      /* what follows the name in the synopsis */
	const char *summary;    /* one line for `vmsim --help` */
	const char *details;    /* paragraph for `vmsim CMD --help`, may be NULL */
	const struct opt *opts; /* option table, ends with a NULL name */
	int min_pos, max_pos;   /* positional argument counts */
	int (*run)(struct args *a);
};

static const char *policy_choices(char *buf, size_t n)
{
	return policy_names(buf, (unsigned)n, ", ");
}

static const char *format_choices(char *buf, size_t n)
{
	char names[128], *p;

	trace_format_names(names, sizeof names);
	for (p = names; *p; p++)
		if (*p == ' ')
			*p = ',';
	snprintf(buf, n, "auto,%s", names);
	for (p = buf; *p; p++)
		if (*p == ',')
			*p = '|';
	return buf;
}

#define OPT_INPUT_FORMAT \
	{ "input-format", 0, "FMT", "auto", \
	  "trace format; auto detects it from the content:", format_choices }
#define OPT_PAGE_SIZE \
	{ "page-size", 's', "SIZE", "4K", \
	  "page size, a power of two from 1 to 1G (1, 4096, 4K, 2M, 1G)", NULL }
#define OPT_FORMAT \
	{ "format", 'f', "FMT", "table", "output format: table|csv|json", NULL }
#define OPT_OUTPUT \
	{ "output", 'o', "FILE", "-", \
	  "write results to FILE (atomically: complete or not at all); - is stdout", NULL }
#define OPT_HELP { "help", 'h', NULL, NULL, "show this help", NULL }
#define OPT_END { NULL, 0, NULL, NULL, NULL, NULL }

static const struct opt replay_opts[] = {
	{ "policy", 'p', "P[,P...]", NULL,
	  "replacement policies (required):", policy_choices },
	{ "frames", 'n', "N[,N...]", NULL,
	  "physical memory sizes in page frames, each >= 1 (required)", NULL },
	OPT_PAGE_SIZE,
	{ "seed", 0, "S", "1", "seed for randomized policies (random)", NULL },
	{ "lfu-aging", 0, "K", "0",
	  "LFU halves its counters every K references; 0 = max(1024, 8 x frames)", NULL },
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_INPUT_FORMAT,
	{ "quiet", 'q', NULL, NULL, "no progress line on stderr", NULL },
	OPT_HELP,
	OPT_END,
};

static const struct opt stat_opts[] = {
	OPT_PAGE_SIZE,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_INPUT_FORMAT,
	{ "quiet", 'q', NULL, NULL, "no progress line on stderr", NULL },
	OPT_HELP,
	OPT_END,
};

static const char *writable_choices(char *buf, size_t n)
{
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; trace_formats[i]; i++) {
		if (!trace_formats[i]->wopen)
			continue;
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s (%s)",
					 used ? ", " : "", trace_formats[i]->name,
					 trace_formats[i]->ext);
		if (used >= n)
			break;
	}
	return buf;
}

static const struct opt convert_opts[] = {
	{ "output", 'o', "FILE", NULL, "the converted trace (required); - is stdout", NULL },
	{ "to", 't', "FMT", "auto",
	  "output format; auto picks it from FILE's extension:", writable_choices },
	{ "gzip", 'z', NULL, NULL,
	  "gzip a text output (implied by a .gz extension)", NULL },
	OPT_INPUT_FORMAT,
	{ "quiet", 'q', NULL, NULL, "no progress line or summary on stderr", NULL },
	OPT_HELP,
	OPT_END,
};

static const struct opt help_opts[] = { OPT_HELP, OPT_END };

static int cmd_replay(struct args *a);
static int cmd_stat(struct args *a);
static int cmd_convert(struct args *a);
static int cmd_help(struct args *a);
static int cmd_version(struct args *a);

static const struct cmd cmds[] = {
	{ "replay", "TRACE --policy P --frames N [options]",
	  "replay a trace through physical memory with a replacement policy",
	  "One row per (policy, frames).  A single streaming policy at a single size\n"
	  "reads the trace as a stream (memory bounded by its distinct pages); several\n"
	  "configurations, or OPT (which needs each reference's next use), decode the\n"
	  "trace once into page ids (4 bytes per reference, 4 more for OPT) and replay\n"
	  "every configuration over that.  A reference counts against the page of its\n"
	  "first byte; a store or modify makes its page dirty, and evicting a dirty\n"
	  "page counts a write-back.",
	  replay_opts, 1, 1, cmd_replay },
	{ "stat", "TRACE [options]",
	  "references by kind, distinct pages, footprint and address range",
	  NULL, stat_opts, 1, 1, cmd_stat },
	{ "convert", "IN -o OUT [options]",
	  "convert a trace between formats (lackey, text, native; gzip or not)",
	  "The input format is detected from the content (gzip or plain).  The output\n"
	  "appears only when complete.",
	  convert_opts, 1, 1, cmd_convert },
	{ "help", "[COMMAND]", "show help for vmsim or one command",
	  NULL, help_opts, 0, 1, cmd_help },
	{ "version", "", "print the version", NULL, help_opts, 0, 0, cmd_version },
	{ NULL, NULL, NULL, NULL, NULL, 0, 0, NULL },
};

/* -------------------------------------------------------------- messages */

static const char *g_cmd = "vmsim"; /* for messages: "vmsim replay" */
static char g_cmdbuf[64];

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", g_cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see '%s --help')\n", g_cmd);
	return EXIT_USAGE;
}

static int fail(const struct vm_diag *d)
{
	fprintf(stderr, "%s: %s\n", g_cmd, d->msg[0] ? d->msg : "failed");
	return d->code == VM_ERR_USAGE ? EXIT_USAGE : EXIT_FAILURE;
}

/* ------------------------------------------------------------------ help */

static void print_opts(FILE *f, const struct opt *o)
{
	char lhs[64], choices[256];

	for (; o->name; o++) {
		if (o->shrt)
			snprintf(lhs, sizeof lhs, "-%c, --%s%s%s", o->shrt, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(lhs, sizeof lhs, "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-26s %s", lhs, o->help);
		if (o->choices)
			fprintf(f, " %s", o->choices(choices, sizeof choices));
		if (o->def)
			fprintf(f, " [default: %s]", o->def);
		fputc('\n', f);
	}
}

static void print_cmd_help(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: vmsim %s %s\n\n%s.\n", c->name, c->usage, c->summary);
	if (c->details)
		fprintf(f, "\n%s\n", c->details);
	fprintf(f, "\noptions:\n");
	print_opts(f, c->opts);
}

static void print_main_help(FILE *f)
{
	char buf[256];
	const struct cmd *c;

	fprintf(f, "usage: vmsim COMMAND [options] [arguments]\n\n"
		"vmsim %s - trace-driven simulation of virtual memory: replay memory-reference\n"
		"traces through physical memory with a replacement policy.\n\ncommands:\n",
		VMSIM_VERSION);
	for (c = cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\npolicies:  %s\n", policy_names(buf, sizeof buf, " "));
	fprintf(f, "formats:   %s (each plain or gzip'd; detected from content)\n",
		trace_format_names(buf, sizeof buf));
	fprintf(f, "\n'vmsim COMMAND --help' lists a command's options and their defaults.\n"
		"Exit status: 0 success, 1 failure (bad input, I/O), 2 bad command line.\n");
}

/* --------------------------------------------------------------- parsing */

static int opt_index(const struct opt *opts, const char *name, size_t len, char shrt)
{
	int i;

	for (i = 0; opts[i].name; i++) {
		if (shrt ? opts[i].shrt == shrt
			 : strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return i;
	}
	return -1;
}

static int parse_args(struct args *a, const struct cmd *c, int argc, char **argv)
{
	int i, k, only_pos = 0;

	memset(a, 0, sizeof *a);
	a->cmd = c;
	for (i = 0; i < argc; i++) {
		const char *s = argv[i], *eq = NULL, *val = NULL;

		if (only_pos || s[0] != '-' || s[1] == 0) {
			if (a->npos >= (int)(sizeof a->pos / sizeof a->pos[0]) ||
			    a->npos >= c->max_pos)
				return usage_error("unexpected argument '%s'", s);
			a->pos[a->npos++] = s;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (s[1] == '-') {
			eq = strchr(s + 2, '=');
			k = opt_index(c->opts, s + 2, eq ? (size_t)(eq - s - 2) : strlen(s + 2), 0);
			if (k < 0)
				return usage_error("unknown option '%.*s'",
						   eq ? (int)(eq - s) : (int)strlen(s), s);
			if (eq)
				val = eq + 1;
		} else {
			k = opt_index(c->opts, NULL, 0, s[1]);
			if (k < 0)
				return usage_error("unknown option '-%c'", s[1]);
			if (s[2])
				val = s + 2;
		}
		if (!c->opts[k].arg) {
			if (val)
				return usage_error("option --%s takes no value", c->opts[k].name);
			a->val[k] = "1";
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				return usage_error("option --%s needs a value (%s)",
						   c->opts[k].name, c->opts[k].arg);
			val = argv[++i];
		}
		a->val[k] = val;
	}
	return 0;
}

/* An option's value, or its default from the table (NULL if neither). */
static const char *arg(const struct args *a, const char *name)
{
	int k = opt_index(a->cmd->opts, name, strlen(name), 0);

	if (k < 0) {
		fprintf(stderr, "vmsim: internal error: no option --%s\n", name);
		abort();
	}
	return a->val[k] ? a->val[k] : a->cmd->opts[k].def;
}

static int flag(const struct args *a, const char *name)
{
	return arg(a, name) != NULL;
}

static int arg_page_shift(const struct args *a, uint32_t *shift)
{
	const char *s = arg(a, "page-size");
	uint64_t v;
	int l;

	if (parse_size(s, &v) || v == 0)
		return usage_error("--page-size '%s' is not a size (examples: 1, 4096, 4K, 2M, 1G)", s);
	l = ilog2_exact(v);
	if (l < 0)
		return usage_error("--page-size %s is not a power of two", s);
	if (l > 30)
		return usage_error("--page-size %s is larger than the 1G maximum", s);
	*shift = (uint32_t)l;
	return 0;
}

static int arg_u64(const struct args *a, const char *name, uint64_t *out)
{
	const char *s = arg(a, name);
	int rc = parse_u64(s, out);

	if (rc == VM_ERR_LIMIT)
		return usage_error("--%s %s is too large", name, s);
	if (rc)
		return usage_error("--%s '%s' is not a non-negative integer", name, s);
	return 0;
}

static int arg_report_format(const struct args *a, enum report_format *out)
{
	int f = report_format_parse(arg(a, "format"));

	if (f < 0)
		return usage_error("--format '%s' is not one of table, csv, json", arg(a, "format"));
	*out = (enum report_format)f;
	return 0;
}

static int arg_input_format(const struct args *a, const struct trace_format **out)
{
	const char *s = arg(a, "input-format");
	char names[128];

	*out = NULL;
	if (strcmp(s, "auto") == 0)
		return 0;
	*out = trace_format_find(s);
	if (!*out)
		return usage_error("unknown trace format '%s'; known: auto %s", s,
				   trace_format_names(names, sizeof names));
	return 0;
}

/* ------------------------------------------------------------- progress */

/*
 * A progress line on stderr for long work, only when stderr is a terminal
 * (never in logs or CI), at most every half second, erased when done.
 */
static struct {
	int on;               /* stderr is a tty and not --quiet */
	const char *what;     /* "replaying FILE" */
	struct timespec t0;   /* start */
	double last;          /* seconds at the last print */
	int shown;            /* something is on the line */
} g_progress;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - g_progress.t0.tv_sec) +
	       (double)(t.tv_nsec - g_progress.t0.tv_nsec) * 1e-9;
}

static void progress_start(const char *what, int quiet)
{
	g_progress.on = !quiet && isatty(STDERR_FILENO);
	g_progress.what = what;
	g_progress.last = 0;
	g_progress.shown = 0;
	clock_gettime(CLOCK_MONOTONIC, &g_progress.t0);
}

static void progress_refs(uint64_t refs)
{
	double t;

	if (!g_progress.on)
		return;
	t = now_s();
	if (t - g_progress.last < 0.5)
		return;
	g_progress.last = t;
	g_progress.shown = 1;
	fprintf(stderr, "\r%s: %s: %.1f M refs, %.1f M refs/s   ", g_cmd, g_progress.what,
		(double)refs / 1e6, t > 0 ? (double)refs / 1e6 / t : 0.0);
}

static void progress_done(void)
{
	if (g_progress.shown)
		fprintf(stderr, "\r%*s\r", 72, "");
	g_progress.shown = 0;
}

/* Write a results table to --output (atomically) in format rf; exit code. */
static int write_table(const struct args *a, const struct table *t, enum report_format rf)
{
	const char *path = arg(a, "output");
	struct vm_diag d = { 0 };
	struct outfile out;

	if (outfile_open(&out, path, &d))
		return fail(&d);
	if (table_write(t, out.f, rf)) {
		outfile_abort(&out);
		vm_fail(&d, VM_ERR_IO, "%s: write failed", path);
		return fail(&d);
	}
	if (outfile_commit(&out, &d))
		return fail(&d);
	return 0;
}

/* ---------------------------------------------------------------- replay */

static const struct col replay_cols[] = {
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
};

/* Split a comma list into at most max items (modifies s). */
static int split_list(char *s, char **items, int max)
{
	int n = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -1;
		items[n++] = tok;
	}
	return n;
}

static void replay_row(struct table *t, const char *trace, const struct engine_config *cfg,
		       const struct engine_stats *st, const char *mode)
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
	table_set_u64(t, r, "writebacks", st->writebacks);
	table_set_u64(t, r, "distinct_pages", st->distinct_pages);
	table_set_u64(t, r, "seed", cfg->seed);
	if (cfg->policy->flags & POLICY_AGING)
		table_set_u64(t, r, "lfu_aging", cfg->lfu_aging ? cfg->lfu_aging
					       : lfu_default_aging(cfg->frames));
	table_set_str(t, r, "mode", mode);
	table_set_str(t, r, "version", VMSIM_VERSION);
}

/* Stream one configuration through the trace, with a progress line. */
static int replay_stream(const char *path, const struct trace_format *fmt,
			 const struct engine_config *cfg, struct engine_stats *st,
			 struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct sim *s = NULL;
	struct ref *buf = xmalloc(BATCH * sizeof *buf);
	long got;
	int rc;

	rc = sim_new(&s, cfg, d);
	if (!rc)
		rc = trace_open(&r, path, fmt, d);
	if (rc)
		goto out;
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = sim_refs(s, buf, (size_t)got);
		if (rc) {
			rc = vm_fail(d, rc, "%s: %s", path, rc == VM_ERR_LIMIT ?
				     "more than 2^31 distinct pages" : "out of memory");
			goto out;
		}
		progress_refs(r->nread);
	}
	rc = got < 0 ? (int)got : 0;
	if (!rc)
		sim_result(s, st);
out:
	progress_done();
	trace_close(r);
	sim_free(s);
	free(buf);
	return rc;
}

/* Decode the whole trace into page ids (loaded mode), with a progress line. */
static int replay_load(const char *path, const struct trace_format *fmt,
		       uint32_t shift, struct loaded_trace *lt, struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct ref *buf = xmalloc(BATCH * sizeof *buf);
	long got;
	int rc;

	rc = loaded_init(lt, shift, d);
	if (rc)
		goto out;
	rc = trace_open(&r, path, fmt, d);
	if (rc)
		goto out;
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = loaded_add(lt, buf, (size_t)got, d);
		if (rc)
			goto out;
		progress_refs(r->nread);
	}
	rc = got < 0 ? (int)got : 0;
out:
	progress_done();
	trace_close(r);
	free(buf);
	loaded_finish(lt);
	return rc;
}

static int cmd_replay(struct args *a)
{
	char *pol_s = NULL, *fr_s = NULL, *pol_v[64], *fr_v[256], names[128];
	const struct policy_ops *pols[64];
	uint32_t frames[256], shift;
	const struct trace_format *fmt;
	const char *path = a->pos[0];
	struct engine_config cfg = { 0 };
	struct engine_stats st;
	struct loaded_trace lt = { 0 };
	struct vm_diag d = { 0 };
	struct table t;
	enum report_format rf = REPORT_TABLE;
	uint64_t v;
	int np, nf, i, j, rc, need_future = 0, loaded;

	if (!arg(a, "policy"))
		return usage_error("--policy is required (one of: %s)",
				   policy_names(names, sizeof names, ", "));
	if (!arg(a, "frames"))
		return usage_error("--frames is required (a number of page frames >= 1)");
	if ((rc = arg_page_shift(a, &shift)) || (rc = arg_report_format(a, &rf)) ||
	    (rc = arg_input_format(a, &fmt)) || (rc = arg_u64(a, "seed", &cfg.seed)) ||
	    (rc = arg_u64(a, "lfu-aging", &cfg.lfu_aging)))
		return rc;

	pol_s = xstrdup(arg(a, "policy"));
	fr_s = xstrdup(arg(a, "frames"));
	rc = EXIT_USAGE;
	np = split_list(pol_s, pol_v, 64);
	nf = split_list(fr_s, fr_v, 256);
	if (np <= 0) {
		usage_error("--policy needs at least one policy (at most 64)");
		goto done;
	}
	if (nf <= 0) {
		usage_error("--frames needs at least one size (at most 256)");
		goto done;
	}
	for (i = 0; i < np; i++) {
		pols[i] = policy_find(pol_v[i]);
		if (!pols[i]) {
			usage_error("unknown policy '%s'; known: %s", pol_v[i],
				    policy_names(names, sizeof names, " "));
			goto done;
		}
		need_future |= (pols[i]->flags & POLICY_NEEDS_FUTURE) != 0;
	}
	for (j = 0; j < nf; j++) {
		int prc = parse_u64(fr_v[j], &v);

		if (fr_v[j][0] == '-' || prc || v == 0 || v > 0x7fffffffu) {
			usage_error("--frames '%s' must be a whole number from 1 to 2147483647",
				    fr_v[j]);
			goto done;
		}
		frames[j] = (uint32_t)v;
	}

	rc = EXIT_FAILURE;
	cfg.page_shift = shift;
	loaded = need_future || np * nf > 1;
	progress_start(path, flag(a, "quiet"));
	if (loaded) {
		if (replay_load(path, fmt, shift, &lt, &d) ||
		    (need_future && loaded_compute_next(&lt, &d))) {
			rc = fail(&d);
			goto done;
		}
	}
	table_init(&t, replay_cols, sizeof replay_cols / sizeof replay_cols[0]);
	for (i = 0; i < np; i++) {
		for (j = 0; j < nf; j++) {
			cfg.policy = pols[i];
			cfg.frames = frames[j];
			if (loaded)
				rc = sim_run_loaded(&lt, &cfg, &st, &d);
			else
				rc = replay_stream(path, fmt, &cfg, &st, &d);
			if (rc) {
				rc = fail(&d);
				table_free(&t);
				goto done;
			}
			replay_row(&t, path, &cfg, &st, loaded ? "loaded" : "stream");
		}
	}
	rc = write_table(a, &t, rf);
	table_free(&t);
done:
	loaded_free(&lt);
	free(pol_s);
	free(fr_s);
	return rc;
}

/* ------------------------------------------------------------------ stat */

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
};

static int cmd_stat(struct args *a)
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

	if ((rc = arg_page_shift(a, &shift)) || (rc = arg_report_format(a, &rf)) ||
	    (rc = arg_input_format(a, &fmt)))
		return rc;
	progress_start(a->pos[0], flag(a, "quiet"));
	rc = trace_stat(a->pos[0], fmt, shift, &st, progress_refs, &d);
	progress_done();
	if (rc)
		return fail(&d);
	table_init(&t, stat_cols, sizeof stat_cols / sizeof stat_cols[0]);
	r = table_add_row(&t);
	table_set_str(&t, r, "trace", a->pos[0]);
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
		table_set_u64(&t, r, "asids", st.max_asid + 1);
	}
	rc = write_table(a, &t, rf);
	table_free(&t);
	return rc;
}

/* --------------------------------------------------------------- convert */

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The output format named by OUT's extension (ignoring a trailing .gz). */
static const struct trace_format *format_from_name(const char *path)
{
	char base[4096];
	size_t n = strlen(path), i;

	if (n >= sizeof base)
		return NULL;
	memcpy(base, path, n + 1);
	if (ends_with(base, ".gz"))
		base[n - 3] = 0;
	for (i = 0; trace_formats[i]; i++)
		if (trace_formats[i]->wopen && ends_with(base, trace_formats[i]->ext))
			return trace_formats[i];
	return NULL;
}

static int cmd_convert(struct args *a)
{
	enum { BATCH = 4096 };
	const struct trace_format *in_fmt, *out_fmt;
	const char *out_path = arg(a, "output"), *to = arg(a, "to");
	struct trace_reader *r = NULL;
	struct trace_writer *w = NULL;
	struct vm_diag d = { 0 };
	struct ref *buf;
	char names[256];
	long got;
	int rc, gz;

	if (!out_path)
		return usage_error("--output FILE is required");
	if ((rc = arg_input_format(a, &in_fmt)))
		return rc;
	if (strcmp(to, "auto") == 0) {
		out_fmt = format_from_name(out_path);
		if (!out_fmt)
			return usage_error("cannot tell the output format from '%s'; "
					   "use --to with one of: %s", out_path,
					   writable_choices(names, sizeof names));
	} else {
		out_fmt = trace_format_find(to);
		if (!out_fmt || !out_fmt->wopen)
			return usage_error("--to '%s' is not a writable format; use one of: %s",
					   to, writable_choices(names, sizeof names));
	}
	gz = flag(a, "gzip") || ends_with(out_path, ".gz");

	buf = xmalloc(BATCH * sizeof *buf);
	rc = trace_open(&r, a->pos[0], in_fmt, &d);
	if (!rc)
		rc = trace_writer_open(&w, out_path, out_fmt, gz, &d);
	if (rc)
		goto out;
	progress_start(a->pos[0], flag(a, "quiet"));
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = trace_writer_write(w, buf, (size_t)got);
		if (rc)
			goto out;
		progress_refs(r->nread);
	}
	progress_done();
	if (got < 0) {
		rc = (int)got;
		goto out;
	}
	rc = trace_writer_close(w);
	w = NULL;
	if (!rc && !flag(a, "quiet"))
		fprintf(stderr, "%s: %llu references, %s -> %s%s\n", g_cmd,
			(unsigned long long)r->nread, r->fmt->name, out_fmt->name,
			gz && out_fmt->wopen && strcmp(out_fmt->name, "native") ? " (gzip)" : "");
out:
	progress_done();
	if (w)
		trace_writer_abort(w);
	trace_close(r);
	free(buf);
	return rc ? fail(&d) : 0;
}

/* ------------------------------------------------------------ help, main */

static const struct cmd *cmd_find(const char *name)
{
	const struct cmd *c;

	for (c = cmds; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int cmd_help(struct args *a)
{
	const struct cmd *c;

	if (a->npos == 0) {
		print_main_help(stdout);
		return 0;
	}
	c = cmd_find(a->pos[0]);
	if (!c)
		return usage_error("no command '%s'", a->pos[0]);
	print_cmd_help(stdout, c);
	return 0;
}

static int cmd_version(struct args *a)
{
	(void)a;
	printf("vmsim %s\n", VMSIM_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	struct args a;
	int rc;

	if (argc < 2) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_main_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(NULL);
	c = cmd_find(argv[1]);
	if (!c) {
		fprintf(stderr, "vmsim: unknown command '%s'; commands:", argv[1]);
		for (c = cmds; c->name; c++)
			fprintf(stderr, " %s", c->name);
		fprintf(stderr, "\n(see 'vmsim --help')\n");
		return EXIT_USAGE;
	}
	snprintf(g_cmdbuf, sizeof g_cmdbuf, "vmsim %s", c->name);
	g_cmd = g_cmdbuf;
	rc = parse_args(&a, c, argc - 2, argv + 2);
	if (rc)
		return rc;
	if (a.val[opt_index(c->opts, "help", 4, 0)]) {
		print_cmd_help(stdout, c);
		return 0;
	}
	if (a.npos < c->min_pos)
		return usage_error("missing argument: %s", c->usage);
	return c->run(&a);
}
