/*
 * cli/gen.c - vmsim gen: synthetic workloads written as traces (collect/gen.c).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "collect.h"
#include "native.h"

static const char *workload_choices(char *buf, size_t n)
{
	return gen_names(buf, n, "|");
}

static const struct opt gen_opts[] = {
	{ "workload", 'w', "W", NULL, "the workload (required):", workload_choices },
	{ "pages", 0, "P", "100", "pages the workload spreads over", NULL },
	{ "refs", 0, "N", "10000", "references to generate", NULL },
	{ "seed", 0, "S", "1", "seed; the same seed gives the same trace, byte for byte", NULL },
	OPT_PAGE_SIZE,
	{ "write-frac", 0, "F", "0", "fraction of references that are stores", NULL },
	{ "hot-frac", 0, "F", "0.2", "hotcold, scan: fraction of the pages that are hot", NULL },
	{ "hot-refs", 0, "F", "0.8", "hotcold, scan: fraction of references to hot pages", NULL },
	{ "zipf-exp", 0, "S", "1", "zipf, zipfrun: exponent s, P(rank k) ~ 1/k^s", NULL },
	{ "run-len", 0, "R", "8", "zipfrun: mean length of a sequential run, in pages", NULL },
	{ "stride", 0, "BYTES", "0", "stride: bytes between references; 0 = a page + 64", NULL },
	{ "output", 'o', "FILE", NULL, "the trace (required); - writes text to stdout", NULL },
	{ "to", 't', "FMT", "auto",
	  "output format; auto picks it from FILE's extension:", cli_writable_choices },
	{ "gzip", 'z', NULL, NULL, "gzip a text output (implied by a .gz extension)", NULL },
	{ "quiet", 'q', NULL, NULL, "no summary on stderr", NULL },
	OPT_HELP,
	OPT_END,
};

/* A real option value, the whole string; 0 or an exit code. */
static int cli_real(const struct args *a, const char *name, double *out)
{
	const char *s = cli_arg(a, name);
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(*out))
		return cli_usage("--%s '%s' is not a number", name, s);
	return 0;
}

static int gen_run(struct args *a)
{
	enum { BATCH = 4096 };
	const char *out = cli_arg(a, "output"), *to = cli_arg(a, "to");
	const struct trace_format *fmt;
	struct trace_writer *w = NULL;
	struct gen_config cfg;
	struct gen *g = NULL;
	struct vm_diag d = { 0 };
	struct ref *buf = NULL;
	char names[256];
	size_t n, len;
	int rc, gz;

	memset(&cfg, 0, sizeof cfg);
	cfg.workload = cli_arg(a, "workload");
	if (!cfg.workload)
		return cli_usage("--workload is required; one of: %s",
				   gen_names(names, sizeof names, " "));
	if (!out)
		return cli_usage("--output FILE is required (- writes text to stdout)");
	if ((rc = cli_u64(a, "pages", &cfg.pages)) || (rc = cli_u64(a, "refs", &cfg.refs)) ||
	    (rc = cli_u64(a, "seed", &cfg.seed)) || (rc = cli_page_shift(a, &cfg.page_shift)) ||
	    (rc = cli_real(a, "write-frac", &cfg.write_frac)) ||
	    (rc = cli_real(a, "hot-frac", &cfg.hot_frac)) ||
	    (rc = cli_real(a, "hot-refs", &cfg.hot_refs)) ||
	    (rc = cli_real(a, "zipf-exp", &cfg.zipf_exp)) ||
	    (rc = cli_u64(a, "run-len", &cfg.run_len)))
		return rc;
	if (parse_size(cli_arg(a, "stride"), &cfg.stride))
		return cli_usage("--stride '%s' is not a size in bytes", cli_arg(a, "stride"));
	if (cfg.stride == 0)
		cfg.stride = (1ull << cfg.page_shift) + 64;

	if (strcmp(to, "auto") == 0) {
		fmt = strcmp(out, "-") == 0 ? &text_format : cli_format_from_name(out);
		if (!fmt)
			return cli_usage("cannot tell the output format from '%s'; use --to with "
					   "one of: %s", out, cli_writable_choices(names, sizeof names));
	} else {
		fmt = trace_format_find(to);
		if (!fmt || !fmt->wopen)
			return cli_usage("--to '%s' is not a writable format; use one of: %s",
					   to, cli_writable_choices(names, sizeof names));
	}
	len = strlen(out);
	gz = cli_flag(a, "gzip") || (len > 3 && strcmp(out + len - 3, ".gz") == 0);

	rc = gen_new(&g, &cfg, &d);
	if (rc)
		return cli_fail(&d);
	rc = trace_writer_open(&w, out, fmt, gz, &d);
	if (rc)
		goto out;
	if (fmt == &native_format)
		native_writer_set_page_shift(w, cfg.page_shift);
	buf = xmalloc(BATCH * sizeof *buf);
	while ((n = gen_read(g, buf, BATCH)) > 0) {
		rc = trace_writer_write(w, buf, n);
		if (rc)
			goto out;
	}
	rc = trace_writer_close(w);
	w = NULL;
	if (!rc && !cli_flag(a, "quiet"))
		fprintf(stderr, "%s: wrote %s: %llu references, workload %s over %llu pages "
			"of %llu bytes, seed %llu\n", cli_cmd_name, strcmp(out, "-") ? out : "stdout",
			(unsigned long long)cfg.refs, cfg.workload,
			(unsigned long long)cfg.pages, 1ull << cfg.page_shift,
			(unsigned long long)cfg.seed);
out:
	if (w)
		trace_writer_abort(w);
	gen_free(g);
	free(buf);
	return rc ? cli_fail(&d) : 0;
}

const struct cmd gen_cmd = {
	.name = "gen",
	.usage = "--workload W -o FILE [options]",
	.summary = "generate a synthetic trace (uniform, hotcold, loop, zipf, scan, stride, zipfrun)",
	.details = "Page k is at address k x page size; each reference is an 8-byte load, or a\n"
		"store with probability --write-frac.  The same options and seed give the same\n"
		"trace, byte for byte.  OSTEP's paging-policy workloads (10,000 references):\n"
		"  vmsim gen -w uniform --pages 100 -o noloc.txt\n"
		"  vmsim gen -w hotcold --pages 100 --hot-frac 0.2 --hot-refs 0.8 -o 80-20.txt\n"
		"  vmsim gen -w loop --pages 50 -o looping.txt",
	.opts = gen_opts,
	.run = gen_run,
};
