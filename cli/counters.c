/*
 * cli/counters.c - vmsim counters: count TLB misses, page walks, instructions
 * and page faults over one run of a program (collect/counters.c).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "collect.h"

static const struct opt counters_opts[] = {
	{ "events", 'e', "LIST", ctr_default_events,
	  "events to count: vmsim's names (see --list) or libpfm4 event strings", NULL },
	{ "user-only", 0, NULL, NULL, "count user mode only (as a Lackey trace sees it)", NULL },
	{ "list", 0, NULL, NULL,
	  "list vmsim's event names and what each counts on this machine; run nothing", NULL },
	OPT_FORMAT,
	{ "output", 'o', "FILE", NULL,
	  "write the table to FILE (- is stdout) [default: stderr, the program keeps stdout]",
	  NULL },
	OPT_HELP,
	OPT_END,
};

static const struct col counters_cols[] = {
	{ "program", COL_STR },
	{ "event", COL_STR },
	{ "value", COL_U64 },
	{ "status", COL_STR },
	{ "scope", COL_STR },
	{ "running", COL_F64 },
	{ "encoding", COL_STR },
	{ "why", COL_STR },
	{ "version", COL_STR },
};

static const struct col list_cols[] = {
	{ "event", COL_STR },
	{ "status", COL_STR },
	{ "scope", COL_STR },
	{ "encoding", COL_STR },
	{ "why", COL_STR },
	{ "description", COL_STR },
};

int cli_write_table_or_stderr(const struct args *a, const struct table *t, enum report_format rf)
{
	if (cli_arg(a, "output"))
		return cli_write_table(a, t, rf);
	fflush(stdout);
	if (table_write(t, stderr, rf)) {
		fprintf(stderr, "%s: cannot write to stderr\n", cli_cmd_name);
		return EXIT_FAILURE;
	}
	return 0;
}

static const char *scope_name(const struct ctr_event *ev)
{
	return ev->user_only ? "user" : "user+kernel";
}

/* Say so when perf_event_paranoid confined the counts to user mode. */
static void note_user_only(const struct ctr_set *s)
{
	FILE *f;
	size_t i;
	int par = -1;

	for (i = 0; i < ctr_count(s); i++)
		if (ctr_get(s, i)->counted && ctr_get(s, i)->user_only)
			break;
	if (i == ctr_count(s))
		return;
	f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	if (f) {
		if (fscanf(f, "%d", &par) != 1)
			par = -1;
		fclose(f);
	}
	fprintf(stderr, "%s: note: kernel.perf_event_paranoid is %d, which lets this user count "
		"user mode only (scope 'user'); run as root, or lower it "
		"(sysctl kernel.perf_event_paranoid=1), to count the kernel's part too\n",
		cli_cmd_name, par);
}

static int counters_list(const struct args *a, enum report_format rf)
{
	struct ctr_set *s = NULL;
	struct vm_diag d = { 0 };
	struct table t;
	size_t i, r;
	char names[256];
	int rc, k = cli_opt_index(counters_opts, "events", 6, 0);

	/* the events asked for, or every portable name */
	if (ctr_new(&s, a->val[k] ? a->val[k] : ctr_names(names, sizeof names, ","),
		    cli_flag(a, "user-only"), &d))
		return cli_fail(&d);
	ctr_probe(s);
	table_init(&t, list_cols, sizeof list_cols / sizeof list_cols[0]);
	for (i = 0; i < ctr_count(s); i++) {
		const struct ctr_event *ev = ctr_get(s, i);
		const char *what = ctr_describe(ev->name);

		r = table_add_row(&t);
		table_set_str(&t, r, "event", ev->name);
		table_set_str(&t, r, "status", ev->why[0] ? "unavailable" : "available");
		table_set_str(&t, r, "scope", scope_name(ev));
		table_set_str(&t, r, "encoding", ev->encoding);
		table_set_str(&t, r, "why", ev->why);
		table_set_str(&t, r, "description", what ? what : "libpfm4 event");
	}
	/* a listing is what the user asked for: stdout unless -o */
	rc = cli_write_table(a, &t, rf);
	table_free(&t);
	ctr_free(s);
	return rc;
}

static int counters_run(struct args *a)
{
	enum report_format rf = REPORT_TABLE;
	struct ctr_set *s = NULL;
	struct vm_diag d = { 0 };
	struct table t;
	char prog[4096];
	int rc, wstatus;
	size_t i, r;

	if ((rc = cli_report_format(a, &rf)))
		return rc;
	if (cli_flag(a, "list"))
		return counters_list(a, rf);
	if (a->nrest == 0)
		return cli_usage("no program given: vmsim counters [options] [--] PROGRAM [ARGS...]");
	if (collect_which(a->rest[0], prog, sizeof prog, &d)) {
		fprintf(stderr, "%s: cannot run the program: %s\n", cli_cmd_name, d.msg);
		return 127;
	}
	if (ctr_new(&s, cli_arg(a, "events"), cli_flag(a, "user-only"), &d))
		return cli_fail(&d);
	rc = ctr_run(s, a->rest, &wstatus, &d);
	if (rc) {
		ctr_free(s);
		return cli_fail(&d);
	}
	table_init(&t, counters_cols, sizeof counters_cols / sizeof counters_cols[0]);
	for (i = 0; i < ctr_count(s); i++) {
		const struct ctr_event *ev = ctr_get(s, i);

		r = table_add_row(&t);
		table_set_str(&t, r, "program", a->rest[0]);
		table_set_str(&t, r, "event", ev->name);
		table_set_str(&t, r, "status", ev->counted ? "counted" : "unavailable");
		if (ev->counted) {
			table_set_u64(&t, r, "value", ev->value);
			table_set_f64(&t, r, "running", ev->running);
		}
		table_set_str(&t, r, "scope", scope_name(ev));
		table_set_str(&t, r, "encoding", ev->encoding);
		table_set_str(&t, r, "why", ev->why);
		table_set_str(&t, r, "version", VMSIM_VERSION);
	}
	rc = cli_write_table_or_stderr(a, &t, rf);
	table_free(&t);
	if (!rc && !cli_flag(a, "user-only"))
		note_user_only(s);
	ctr_free(s);
	return rc ? rc : collect_exit_code(wstatus);
}

const struct cmd counters_cmd = {
	.name = "counters",
	.usage = "[options] [--] PROGRAM [ARGS...]",
	.summary = "count TLB misses, page walks and page faults over a run of a program",
	.details = "Counts with perf_event_open, hardware events named through libpfm4, from\n"
		"the program's exec to its end (its children included).  An event this machine\n"
		"cannot count is listed as unavailable with the reason (no hardware PMU in most\n"
		"virtual machines: the software page-fault events still count); an event name\n"
		"nobody knows is an error.  The table goes to stderr unless -o is given, and\n"
		"vmsim exits with the program's status.",
	.opts = counters_opts,
	.command = 1,
	.run = counters_run,
};
