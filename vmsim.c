/*
 * vmsim.c - the command-line front: one binary, subcommands, generated help.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Every subcommand is one `const struct cmd` in cli/NAME.c, listed once in
 * cmds[] below.  Parsing, defaults and --help are generated from each
 * command's option table (cli/cli.c), and the lists of policies and trace
 * formats come from their registries, so nothing is typed twice.  Adding a
 * command: its file, one line here.  The man page and the bash completion
 * are generated from the same tables (cli/docgen.c): `vmsim help --man` and
 * `vmsim help --bash-completion`, hidden, are what `make man` and `make
 * completion` run.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct opt help_opts[] = { OPT_HELP, OPT_END };

static int help_run(struct args *a);
static int version_run(struct args *a);

static const struct cmd help_cmd = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "show help for vmsim or one command",
	.opts = help_opts,
	.max_pos = 1,
	.run = help_run,
};

static const struct cmd version_cmd = {
	.name = "version",
	.usage = "",
	.summary = "print the version",
	.opts = help_opts,
	.run = version_run,
};

static const struct cmd *const cmds[] = {
	&replay_cmd,
	&stat_cmd,
	&convert_cmd,
	&tlbcurve_cmd,
	&collect_cmd,
	&counters_cmd,
	&validate_cmd,
	&gen_cmd,
	&curve_cmd,
	&plot_cmd,
	&batch_cmd,
	&merge_cmd,
	&check_cmd,
	&help_cmd,
	&version_cmd,
	NULL,
};

/* what vmsim is, for --help and the man page's NAME and DESCRIPTION */
static const char about[] =
	"trace-driven simulation of virtual memory: replay memory-reference\n"
	"traces through physical memory with a replacement policy.";

static void print_main_help(FILE *f)
{
	char buf[256];
	size_t i;

	fprintf(f, "usage: vmsim COMMAND [options] [arguments]\n\n"
		"vmsim %s - %s\n\ncommands:\n", VMSIM_VERSION, about);
	for (i = 0; cmds[i]; i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f, "\npolicies:  %s\n", policy_names(buf, sizeof buf, " "));
	fprintf(f, "formats:   %s (each plain or gzip'd; detected from content)\n",
		trace_format_names(buf, sizeof buf));
	fprintf(f, "\n'vmsim COMMAND --help' lists a command's options and their defaults;\n"
		"'vmsim --version' (or -V) prints the version.\n"
		"Exit status: 0 success, 1 failure (bad input, I/O), 2 bad command line.\n");
}

/* ------------------------------------------------------------ help, main */

static const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; cmds[i]; i++)
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
	return NULL;
}

static int help_run(struct args *a)
{
	const struct cmd *c;

	if (a->npos == 0) {
		print_main_help(stdout);
		return 0;
	}
	c = cmd_find(a->pos[0]);
	if (!c)
		return cli_usage("no command '%s'", a->pos[0]);
	cli_print_cmd_help(stdout, c);
	return 0;
}

static int version_run(struct args *a)
{
	(void)a;
	printf("vmsim %s\n", VMSIM_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	static char name[64];
	const struct cmd *c;
	struct args a;
	size_t i;
	int rc;

	if (argc < 2) {
		print_main_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_main_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		return version_run(NULL);
	/* hidden: the man page and the completion script, for the Makefile */
	if (argc == 3 && strcmp(argv[1], "help") == 0 && strcmp(argv[2], "--man") == 0)
		return cli_print_man(stdout, cmds, about);
	if (argc == 3 && strcmp(argv[1], "help") == 0 &&
	    strcmp(argv[2], "--bash-completion") == 0)
		return cli_print_bash_completion(stdout, cmds);
	c = cmd_find(argv[1]);
	if (!c) {
		fprintf(stderr, "vmsim: unknown command '%s'; commands:", argv[1]);
		for (i = 0; cmds[i]; i++)
			fprintf(stderr, " %s", cmds[i]->name);
		fprintf(stderr, "\n(see 'vmsim --help')\n");
		return EXIT_USAGE;
	}
	vm_cleanup_on_signals();
	snprintf(name, sizeof name, "vmsim %s", c->name);
	cli_cmd_name = name;
	rc = cli_parse_args(&a, c, argc - 2, argv + 2);
	if (rc)
		return rc;
	if (a.val[cli_opt_index(c->opts, "help", 4, 0)]) {
		cli_print_cmd_help(stdout, c);
		return 0;
	}
	if (a.npos < c->min_pos)
		return cli_usage("missing argument: %s", c->usage);
	return c->run(&a);
}
