/*
 * cli/collect.c - vmsim collect: record a program's memory references with
 * Valgrind's Lackey, streamed into a compact trace (collect/collector.c).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "collect.h"

static const struct opt collect_opts[] = {
	{ "output", 'o', "FILE", NULL,
	  "the trace, written atomically [default: PROGRAM.vmt here]; its extension "
	  "picks the format:", cli_writable_choices },
	{ "data-only", 0, NULL, NULL, "drop instruction fetches: keep loads, stores, modifies",
	  NULL },
	{ "max-refs", 0, "N", "0",
	  "stop the program after N references are written (0: no limit)", NULL },
	{ "asid", 0, "N", "0", "address-space id given to every reference", NULL },
	{ "valgrind", 0, "PATH", "valgrind", "the valgrind to run (searched in PATH)", NULL },
	{ "quiet", 'q', NULL, NULL, "no progress line and no summary on stderr", NULL },
	OPT_HELP,
	OPT_END,
};

/* --------------------------------------------------------- messages */

/* "1.6 MB" */
static const char *human_bytes(char *buf, size_t n, uint64_t v)
{
	if (v >= 1000000)
		snprintf(buf, n, "%.1f MB", (double)v / 1e6);
	else if (v >= 10000)
		snprintf(buf, n, "%.1f kB", (double)v / 1e3);
	else
		snprintf(buf, n, "%llu bytes", (unsigned long long)v);
	return buf;
}

/* "exited with status 3", "was killed by signal 9 (Killed)" */
static const char *status_text(char *buf, size_t n, int wstatus)
{
	if (WIFEXITED(wstatus))
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		snprintf(buf, n, "was killed by signal %d (%s)", WTERMSIG(wstatus),
			 strsignal(WTERMSIG(wstatus)));
	else
		snprintf(buf, n, "ended with wait status 0x%x", (unsigned)wstatus);
	return buf;
}

struct progress_state {
	int on;                  /* a progress line is being shown */
	const char *prog;        /* the program, for the line */
	const char *out;         /* the trace, for the line */
	char what[512];          /* what the progress line says before the counts */
};

static void on_progress(const struct collect_result *so_far, void *arg)
{
	struct progress_state *ps = arg;
	char b[32];

	if (!ps->on)
		return;
	snprintf(ps->what, sizeof ps->what, "%.200s -> %.200s, %s", ps->prog, ps->out,
		 human_bytes(b, sizeof b, so_far->trace_bytes));
	cli_progress_refs(so_far->refs);
}

/* The summary on stderr: what was written, the ratio to Lackey's text, and
 * how the program ended. */
static void print_summary(const char *out, const char *prog, uint64_t max_refs,
			  const struct collect_result *res)
{
	char a[32], b[32], st[128];

	fprintf(stderr, "%s: wrote %s: %llu references (%llu instr, %llu loads, "
		"%llu stores, %llu modifies), %s\n", cli_cmd_name, out,
		(unsigned long long)res->refs,
		(unsigned long long)res->by_kind[REF_INSTR],
		(unsigned long long)res->by_kind[REF_LOAD],
		(unsigned long long)res->by_kind[REF_STORE],
		(unsigned long long)res->by_kind[REF_MODIFY],
		human_bytes(a, sizeof a, res->trace_bytes));
	if (res->trace_bytes && res->lackey_refs)
		fprintf(stderr, "%s: Lackey's text of the %llu references it printed was %s: "
			"the trace is %.1fx smaller (%.2f bytes per reference); %.1f s\n",
			cli_cmd_name, (unsigned long long)res->lackey_refs,
			human_bytes(b, sizeof b, res->text_bytes),
			(double)res->text_bytes / (double)res->trace_bytes,
			(double)res->trace_bytes / (double)(res->refs ? res->refs : 1),
			res->seconds);
	if (res->stopped)
		fprintf(stderr, "%s: stopped %s after %llu references (--max-refs)\n",
			cli_cmd_name, prog, (unsigned long long)max_refs);
	else
		fprintf(stderr, "%s: %s %s%s\n", cli_cmd_name, prog,
			status_text(st, sizeof st, res->wstatus),
			WIFSIGNALED(res->wstatus) ? "; the trace holds what ran before" : "");
	if (res->dropped_bytes)
		fprintf(stderr, "%s: dropped the last %llu bytes of Lackey's output: a line cut "
			"short when the program was killed\n", cli_cmd_name,
			(unsigned long long)res->dropped_bytes);
}

/* ------------------------------------------------------------- command */

int cli_collect_check_tools(const char *valgrind, char *vpath, size_t n, const char *prog)
{
	struct vm_diag d = { 0 };
	char ppath[4096];

	if (collect_which(valgrind, vpath, n, &d)) {
		fprintf(stderr, "%s: cannot run valgrind (%s).\n"
			"%s runs the program under Valgrind's Lackey tool: install the Debian "
			"package 'valgrind' (sudo apt-get install valgrind, or ./deps.sh demo).\n",
			cli_cmd_name, d.msg, cli_cmd_name);
		return EXIT_FAILURE;
	}
	if (collect_which(prog, ppath, sizeof ppath, &d)) {
		fprintf(stderr, "%s: cannot run the program: %s\n", cli_cmd_name, d.msg);
		return 127; /* as a shell says "command not found" */
	}
	return 0;
}

static int collect_run_cmd(struct args *a)
{
	struct collect_config cfg;
	struct collect_result res;
	struct progress_state ps;
	struct vm_diag d = { 0 };
	const char *out = cli_arg(a, "output");
	char vpath[4096], defname[4096], prog[4096], names[256];
	uint64_t asid;
	size_t n;
	int rc;

	if (a->nrest == 0)
		return cli_usage("no program given: vmsim collect [options] [--] PROGRAM [ARGS...]");
	memset(&cfg, 0, sizeof cfg);
	if ((rc = cli_u64(a, "max-refs", &cfg.max_refs)) || (rc = cli_u64(a, "asid", &asid)))
		return rc;
	if (asid > UINT32_MAX)
		return cli_usage("--asid %s is larger than %u", cli_arg(a, "asid"), UINT32_MAX);
	cfg.asid = (uint32_t)asid;
	snprintf(prog, sizeof prog, "%s", a->rest[0]);
	if (!out) {
		snprintf(defname, sizeof defname, "%s.vmt", basename(prog));
		out = defname;
		snprintf(prog, sizeof prog, "%s", a->rest[0]);
	}
	cfg.fmt = cli_format_from_name(out);
	if (!cfg.fmt)
		return cli_usage("cannot tell the trace format from '%s'; name it with one of: %s "
				   "(.gz compresses text)", out,
				   cli_writable_choices(names, sizeof names));
	n = strlen(out);
	cfg.gzip = n > 3 && strcmp(out + n - 3, ".gz") == 0;
	if ((rc = cli_collect_check_tools(cli_arg(a, "valgrind"), vpath, sizeof vpath, prog)))
		return rc;
	cfg.argv = a->rest;
	cfg.output = out;
	cfg.valgrind = vpath;
	cfg.data_only = cli_flag(a, "data-only");

	memset(&ps, 0, sizeof ps);
	ps.on = !cli_flag(a, "quiet") && isatty(STDERR_FILENO);
	ps.prog = prog;
	ps.out = out;
	snprintf(ps.what, sizeof ps.what, "%.200s -> %.200s", prog, out);
	cfg.progress = on_progress;
	cfg.progress_arg = &ps;
	cli_progress_start(ps.what, cli_flag(a, "quiet"));
	rc = collect_run(&cfg, &res, &d);
	cli_progress_done();
	if (rc) {
		fprintf(stderr, "%s: %s\n", cli_cmd_name, d.msg);
		if (res.refs && res.kept)
			fprintf(stderr, "%s: %s keeps the %llu references before the fault\n",
				cli_cmd_name, out, (unsigned long long)res.refs);
		else if (res.refs)
			fprintf(stderr, "%s: nothing of this run was kept in %s (%llu references "
				"were read before the fault)\n", cli_cmd_name, out,
				(unsigned long long)res.refs);
		return EXIT_FAILURE;
	}
	if (!cli_flag(a, "quiet"))
		print_summary(out, prog, cfg.max_refs, &res);
	return res.stopped ? 0 : collect_exit_code(res.wstatus);
}

const struct cmd collect_cmd = {
	.name = "collect",
	.usage = "[options] [--] PROGRAM [ARGS...]",
	.summary = "run a program under valgrind lackey and record its references as a trace",
	.details = "Runs valgrind --tool=lackey --trace-mem=yes PROGRAM ARGS and streams Lackey's\n"
		"output through a pipe straight into the trace (no text file on disk).  The\n"
		"program keeps its stdin, stdout and stderr.  vmsim exits with the program's\n"
		"status (128 + N if signal N killed it; 0 when --max-refs stopped it), and a\n"
		"program that crashes or is killed still leaves a closed, readable trace of\n"
		"what ran.  SIGINT and SIGTERM are passed on to the program.  A summary with\n"
		"the compression against Lackey's text goes to stderr.  Needs valgrind\n"
		"(Debian package 'valgrind').",
	.opts = collect_opts,
	.command = 1,
	.run = collect_run_cmd,
};
