/*
 * cli.c - what every subcommand shares: option parsing driven by the option
 * tables, typed option values with clear errors, the progress line, and
 * atomic result output.  Only the CLI prints; library code returns errors.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char *cli_policy_choices(char *buf, size_t n)
{
	return policy_names(buf, (unsigned)n, ", ");
}

const char *cli_format_choices(char *buf, size_t n)
{
	char names[128], *p;

	trace_format_names(names, sizeof names);
	for (p = names; *p; p++)
		if (*p == ' ')
			*p = '|';
	snprintf(buf, n, "auto|%s", names);
	return buf;
}

const char *cli_writable_choices(char *buf, size_t n)
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

/* -------------------------------------------------------------- messages */

const char *cli_cmd_name = "vmsim"; /* for messages: "vmsim replay" */

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see '%s --help')\n", cli_cmd_name);
	return EXIT_USAGE;
}

int cli_fail(const struct vm_diag *d)
{
	fprintf(stderr, "%s: %s\n", cli_cmd_name, d->msg[0] ? d->msg : "failed");
	return d->code == VM_ERR_USAGE ? EXIT_USAGE : EXIT_FAILURE;
}

/* ------------------------------------------------------------------ help */

/* Print text wrapped at HELP_WIDTH columns, continuation lines indented by
 * indent; the first line starts at column col. */
#define HELP_WIDTH 92
static void print_wrapped(FILE *f, const char *text, size_t col, size_t indent)
{
	const char *p = text;

	while (*p) {
		size_t word = strcspn(p, " ");

		if (col > indent && col + 1 + word > HELP_WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		col += word;
		for (; word; word--, p++)
			fputc(*p == '\001' ? ' ' : *p, f);
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void print_opts(FILE *f, const struct opt *o)
{
	char lhs[64], choices[256], text[1024];
	size_t n;

	for (; o->name; o++) {
		if (o->shrt)
			snprintf(lhs, sizeof lhs, "-%c, --%s%s%s", o->shrt, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(lhs, sizeof lhs, "    --%s%s%s", o->name,
				 o->arg && o->arg[0] != '[' ? " " : "", o->arg ? o->arg : "");
		n = (size_t)snprintf(text, sizeof text, "%s", o->help);
		if (o->choices && n < sizeof text)
			n += (size_t)snprintf(text + n, sizeof text - n, " %s",
					      o->choices(choices, sizeof choices));
		if (o->def && n < sizeof text)
			/* \001 is a space the wrap never breaks at */
			snprintf(text + n, sizeof text - n, " [default:\001%s]", o->def);
		fprintf(f, "  %-26s", lhs);
		/* an option name longer than its column pushes the text along */
		print_wrapped(f, text, 2 + (strlen(lhs) > 26 ? strlen(lhs) : 26), 28);
	}
}

void cli_print_cmd_help(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: vmsim %s%s%s\n\n%s.\n", c->name, *c->usage ? " " : "", c->usage,
		c->summary);
	if (c->details)
		fprintf(f, "\n%s\n", c->details);
	fprintf(f, "\noptions:\n");
	print_opts(f, c->opts);
}


/* --------------------------------------------------------------- parsing */

int cli_opt_index(const struct opt *opts, const char *name, size_t len, char shrt)
{
	int i;

	for (i = 0; opts[i].name; i++) {
		if (shrt ? opts[i].shrt == shrt
			 : strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return i;
	}
	return -1;
}

static const char **pos_store; /* the positional arguments of the parse */

int cli_parse_args(struct args *a, const struct cmd *c, int argc, char **argv)
{
	int i, k, only_pos = 0;

	memset(a, 0, sizeof *a);
	a->cmd = c;
	for (k = 0; c->opts[k].name; k++)
		if (k + 1 >= CLI_MAX_OPTS) {
			fprintf(stderr, "vmsim %s: more than %d options in its table; raise "
				"CLI_MAX_OPTS in cli/cli.h\n", c->name, CLI_MAX_OPTS - 1);
			return 1;
		}
	/* one parse per process: the array lives as long as it (a global
	 * keeps it reachable, so leak checkers do not count it) */
	free(pos_store);
	pos_store = xcalloc((size_t)argc + 1, sizeof *pos_store);
	a->pos = pos_store;
	for (i = 0; i < argc; i++) {
		const char *s = argv[i], *eq = NULL, *val = NULL;

		if (c->command && (only_pos || s[0] != '-' || s[1] == 0)) {
			a->rest = argv + i;
			a->nrest = argc - i;
			return 0;
		}
		if (only_pos || s[0] != '-' || s[1] == 0) {
			if (a->npos >= c->max_pos)
				return cli_usage("unexpected argument '%s'", s);
			a->pos[a->npos++] = s;
			continue;
		}
		if (strcmp(s, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (s[1] == '-') {
			eq = strchr(s + 2, '=');
			k = cli_opt_index(c->opts, s + 2, eq ? (size_t)(eq - s - 2) : strlen(s + 2), 0);
			if (k < 0)
				return cli_usage("unknown option '%.*s'",
						   eq ? (int)(eq - s) : (int)strlen(s), s);
			if (eq)
				val = eq + 1;
		} else {
			k = cli_opt_index(c->opts, NULL, 0, s[1]);
			if (k < 0)
				return cli_usage("unknown option '-%c'", s[1]);
			if (s[2])
				val = s + 2;
		}
		if (!c->opts[k].arg) {
			if (val)
				return cli_usage("option --%s takes no value", c->opts[k].name);
			a->val[k] = "1";
			continue;
		}
		if (!val && c->opts[k].arg[0] == '[') {
			a->val[k] = ""; /* "[=X]": the value is optional, and only after '=' */
			continue;
		}
		if (!val) {
			if (i + 1 >= argc)
				return cli_usage("option --%s needs a value (%s)",
						   c->opts[k].name, c->opts[k].arg);
			val = argv[++i];
		}
		a->val[k] = val;
	}
	return 0;
}

/* An option's value, or its default from the table (NULL if neither). */
const char *cli_arg(const struct args *a, const char *name)
{
	int k = cli_opt_index(a->cmd->opts, name, strlen(name), 0);

	if (k < 0) {
		fprintf(stderr, "vmsim: internal error: no option --%s\n", name);
		abort();
	}
	return a->val[k] ? a->val[k] : a->cmd->opts[k].def;
}

int cli_flag(const struct args *a, const char *name)
{
	return cli_arg(a, name) != NULL;
}

int cli_page_shift(const struct args *a, uint32_t *shift)
{
	const char *s = cli_arg(a, "page-size");
	uint64_t v;
	int l;

	if (parse_size(s, &v) || v == 0)
		return cli_usage("--page-size '%s' is not a size (examples: 1, 4096, 4K, 2M, 1G)", s);
	l = ilog2_exact(v);
	if (l < 0)
		return cli_usage("--page-size %s is not a power of two", s);
	if (l > VM_MAX_PAGE_SHIFT)
		return cli_usage("--page-size %s is larger than the 1G maximum", s);
	*shift = (uint32_t)l;
	return 0;
}

int cli_u64(const struct args *a, const char *name, uint64_t *out)
{
	const char *s = cli_arg(a, name);
	int rc = parse_u64(s, out);

	if (rc == VM_ERR_LIMIT)
		return cli_usage("--%s %s is too large", name, s);
	if (rc)
		return cli_usage("--%s '%s' is not a non-negative integer", name, s);
	return 0;
}

void cli_catch_stop_signals(const struct sigaction *sa)
{
	static const int sigs[] = { SIGINT, SIGTERM };
	struct sigaction old;
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], sa, NULL);
}

int cli_mem_limit(const struct args *a)
{
	const char *s = cli_arg(a, "mem-limit");
	uint64_t v;

	if (!s)
		return 0;
	if (parse_size(s, &v) || v == 0)
		return cli_usage("--mem-limit '%s' is not a size of at least 1 byte "
				 "(examples: 512M, 4G)", s);
	vm_mem_limit_set(v);
	return 0;
}

int cli_report_format(const struct args *a, enum report_format *out)
{
	int f = report_format_parse(cli_arg(a, "format"));

	if (f < 0)
		return cli_usage("--format '%s' is not one of table, csv, json", cli_arg(a, "format"));
	*out = (enum report_format)f;
	return 0;
}

int cli_input_format(const struct args *a, const struct trace_format **out)
{
	const char *s = cli_arg(a, "input-format");
	char names[128];

	*out = NULL;
	if (strcmp(s, "auto") == 0)
		return 0;
	*out = trace_format_find(s);
	if (!*out)
		return cli_usage("unknown trace format '%s'; known: auto %s", s,
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

void cli_progress_start(const char *what, int quiet)
{
	g_progress.on = !quiet && isatty(STDERR_FILENO);
	g_progress.what = what;
	g_progress.last = 0;
	g_progress.shown = 0;
	clock_gettime(CLOCK_MONOTONIC, &g_progress.t0);
}

void cli_progress_refs(uint64_t refs)
{
	double t;

	if (!g_progress.on)
		return;
	t = now_s();
	if (t - g_progress.last < 0.5)
		return;
	g_progress.last = t;
	g_progress.shown = 1;
	fprintf(stderr, "\r%s: %s: %.1f M refs, %.1f M refs/s   ", cli_cmd_name, g_progress.what,
		(double)refs / 1e6, t > 0 ? (double)refs / 1e6 / t : 0.0);
}

void cli_progress_done(void)
{
	if (g_progress.shown)
		fprintf(stderr, "\r%*s\r", 72, "");
	g_progress.shown = 0;
}

/* Write a results table to --output (atomically) in format rf; exit code. */
int cli_write_table(const struct args *a, const struct table *t, enum report_format rf)
{
	const char *path = cli_arg(a, "output");
	struct vm_diag d = { 0 };
	struct outfile out;

	if (outfile_open(&out, path, &d))
		return cli_fail(&d);
	if (table_write(t, out.f, rf)) {
		outfile_abort(&out);
		vm_fail(&d, VM_ERR_IO, "%s: write failed", path);
		return cli_fail(&d);
	}
	if (outfile_commit(&out, &d))
		return cli_fail(&d);
	return 0;
}


static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The output format named by path's extension (ignoring a trailing .gz). */
const struct trace_format *cli_format_from_name(const char *path)
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

/* Split a comma list into at most max items (modifies s). */
int cli_split_list(char *s, char **items, int max)
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
