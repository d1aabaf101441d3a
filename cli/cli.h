/*
 * cli.h - the command-line front's shared parts.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A subcommand is one `const struct cmd` (in its own file under cli/) listed once
 * in vmsim.c's registry.  Its option table drives parsing, defaults and the
 * generated --help; cli_arg() returns an option's value or the table's
 * default, so a default is written exactly once.  Exit codes:
 *
 *   0  success
 *   1  the work failed (bad or unreadable input, I/O error)
 *   2  the command line is wrong (unknown option, bad value)
 */
#ifndef VMSIM_CLI_H
#define VMSIM_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"
#include "policy.h"
#include "analysis.h"

#define EXIT_USAGE 2

struct cmd;

struct opt {
	const char *name;   /* long name, without the dashes */
	char shrt;          /* short letter, 0 if none */
	const char *arg;    /* value placeholder, NULL for a flag */
	const char *def;    /* default as shown in help and used when absent */
	const char *help;   /* one line */
	/* when set, appends the allowed values (from a registry) to the help */
	const char *(*choices)(char *buf, size_t n);
};

#define CLI_MAX_OPTS 64         /* options in one command's table */

struct args {
	const struct cmd *cmd;  /* the subcommand */
	const char *val[CLI_MAX_OPTS]; /* per option: given value, "1" for flags, or NULL */
	const char **pos;       /* positional arguments (as many as max_pos) */
	int npos;               /* how many */
	char **rest;            /* with cmd->command: the program and its arguments */
	int nrest;              /* how many (0: no program given) */
};

struct cmd {
	const char *name;       /* subcommand */
	const char *usage;      /* what follows the name in the synopsis */
	const char *summary;    /* one line for `vmsim --help` */
	const char *details;    /* paragraph for `vmsim CMD --help`, may be NULL */
	const struct opt *opts; /* option table, ends with a NULL name */
	int min_pos, max_pos;   /* positional argument counts */
	/* 1: the command runs a program: options end at `--` or at the first
	 * argument that is not an option, and the rest is the program's argv */
	int command;
	int (*run)(struct args *a);
};

#define OPT_INPUT_FORMAT \
	{ "input-format", 0, "FMT", "auto", \
	  "trace format; auto detects it from the content:", cli_format_choices }
#define OPT_PAGE_SIZE \
	{ "page-size", 's', "SIZE", "4K", \
	  "page size, a power of two from 1 to 1G (1, 4096, 4K, 2M, 1G)", NULL }
#define OPT_FORMAT \
	{ "format", 'f', "FMT", "table", "output format: table|csv|json", NULL }
#define OPT_OUTPUT \
	{ "output", 'o', "FILE", "-", \
	  "write results to FILE (atomically: complete or not at all); - is stdout", NULL }
#define OPT_LABEL \
	{ "label", 0, "NAME", NULL, \
	  "the name in the trace column instead of the path; names a trace read " \
	  "from - (which has no trace_id)", NULL }
#define OPT_QUIET { "quiet", 'q', NULL, NULL, "no progress line on stderr", NULL }
#define OPT_MEM_LIMIT \
	{ "mem-limit", 0, "SIZE", NULL, \
	  "memory vmsim's per-page state may take (page map, page ids, next-use times, " \
	  "frames, policy state; 512M, 4G); a trace needing more is refused, naming what " \
	  "needed it, not swapped or killed [default: the memory available]", NULL }
#define OPT_HELP { "help", 'h', NULL, NULL, "show this help", NULL }
#define OPT_END { NULL, 0, NULL, NULL, NULL, NULL }

/* the subcommands, each in cli/NAME.c */
extern const struct cmd replay_cmd, stat_cmd, convert_cmd;

/* curves, figures, batches and checks (cli/{curve,plot,batch,merge,check}.c) */
extern const struct cmd curve_cmd, plot_cmd, batch_cmd, merge_cmd, check_cmd;

/* the subcommands that run programs or make traces (collect/ and cli/) */
extern const struct cmd collect_cmd, counters_cmd, validate_cmd, gen_cmd;

/* address translation (issue 3): cli/tlbcurve.c */
extern const struct cmd tlbcurve_cmd;
/* collect, validate: find valgrind (into vpath) and the program; 0, or the
 * exit code after saying which is missing (valgrind: its Debian package) */
int cli_collect_check_tools(const char *valgrind, char *vpath, size_t n, const char *prog);
/* counters, validate: the table to --output if given, else to stderr (the
 * program they ran owns stdout); exit code */
int cli_write_table_or_stderr(const struct args *a, const struct table *t,
			      enum report_format rf);

/* "vmsim replay", for messages */
extern const char *cli_cmd_name;

/* choices callbacks for option help, generated from the registries */
const char *cli_policy_choices(char *buf, size_t n);
const char *cli_format_choices(char *buf, size_t n);
const char *cli_writable_choices(char *buf, size_t n);

/* Print "vmsim CMD: message (see 'vmsim CMD --help')"; returns EXIT_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print d's message; returns 2 for VM_ERR_USAGE, else 1. */
int cli_fail(const struct vm_diag *d);

void cli_print_cmd_help(FILE *f, const struct cmd *c);
/* vmsim(1) in roff, and the bash completion script, generated from the
 * command registry cmds (NULL-terminated) and its option tables
 * (cli/docgen.c); about: what vmsim is, one sentence.  0, or 1 on a write
 * error. */
int cli_print_man(FILE *f, const struct cmd *const *cmds, const char *about);
int cli_print_bash_completion(FILE *f, const struct cmd *const *cmds);
int cli_opt_index(const struct opt *opts, const char *name, size_t len, char shrt);
int cli_parse_args(struct args *a, const struct cmd *c, int argc, char **argv);

/* An option's value, or its table default (NULL if neither). */
const char *cli_arg(const struct args *a, const char *name);
int cli_flag(const struct args *a, const char *name);
/* Typed options: 0, or an exit code after printing the error. */
int cli_page_shift(const struct args *a, uint32_t *shift);
int cli_u64(const struct args *a, const char *name, uint64_t *out);
/* Install sa for SIGINT and SIGTERM (curve and batch stop cleanly on them),
 * except where the signal was ignored on entry (nohup, a background job
 * without job control), which stays ignored as for every other command. */
struct sigaction;
void cli_catch_stop_signals(const struct sigaction *sa);
/* --mem-limit SIZE, when given, into vm_mem_limit_set(); 0 or an exit code. */
int cli_mem_limit(const struct args *a);
int cli_report_format(const struct args *a, enum report_format *out);
int cli_input_format(const struct args *a, const struct trace_format **out);
/* The writable trace format named by path's extension (a trailing .gz
 * ignored: .vmt native, .lackey, .txt), or NULL. */
const struct trace_format *cli_format_from_name(const char *path);

/* Split a comma list in place into at most max items; count or -1. */
int cli_split_list(char *s, char **items, int max);

/* A progress line on stderr when it is a terminal; at most twice a second. */
void cli_progress_start(const char *what, int quiet);
void cli_progress_refs(uint64_t refs);
void cli_progress_done(void);

/* Write a results table to --output atomically in format rf; exit code. */
int cli_write_table(const struct args *a, const struct table *t, enum report_format rf);

#endif
