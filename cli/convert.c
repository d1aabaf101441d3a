/*
 * cli/convert.c - vmsim convert: traces from one format to another.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct opt convert_opts[] = {
	{ "output", 'o', "FILE", NULL, "the converted trace (required); - is stdout, with --to", NULL },
	{ "to", 't', "FMT", "auto",
	  "output format; auto picks it from FILE's extension:", cli_writable_choices },
	{ "gzip", 'z', NULL, NULL,
	  "gzip a text output (implied by a .gz extension)", NULL },
	OPT_INPUT_FORMAT,
	{ "quiet", 'q', NULL, NULL, "no progress line or summary on stderr", NULL },
	OPT_HELP,
	OPT_END,
};


static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int convert_run(struct args *a)
{
	enum { BATCH = 4096 };
	const struct trace_format *in_fmt, *out_fmt;
	const char *out_path = cli_arg(a, "output"), *to = cli_arg(a, "to");
	struct trace_reader *r = NULL;
	struct trace_writer *w = NULL;
	struct vm_diag d = { 0 };
	struct ref *buf;
	char names[256];
	long got;
	int rc, gz;

	if (!out_path)
		return cli_usage("--output FILE is required");
	if ((rc = cli_input_format(a, &in_fmt)))
		return rc;
	if (strcmp(to, "auto") == 0) {
		out_fmt = cli_format_from_name(out_path);
		if (!out_fmt)
			return cli_usage("cannot tell the output format from '%s'; "
					   "use --to with one of: %s", out_path,
					   cli_writable_choices(names, sizeof names));
	} else {
		out_fmt = trace_format_find(to);
		if (!out_fmt || !out_fmt->wopen)
			return cli_usage("--to '%s' is not a writable format; use one of: %s",
					   to, cli_writable_choices(names, sizeof names));
	}
	gz = cli_flag(a, "gzip") || ends_with(out_path, ".gz");

	buf = xmalloc(BATCH * sizeof *buf);
	rc = trace_open(&r, a->pos[0], in_fmt, &d);
	if (!rc)
		rc = trace_writer_open(&w, out_path, out_fmt, gz, &d);
	if (rc)
		goto out;
	cli_progress_start(a->pos[0], cli_flag(a, "quiet"));
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		rc = trace_writer_write(w, buf, (size_t)got);
		if (rc)
			goto out;
		cli_progress_refs(r->nread);
	}
	cli_progress_done();
	if (got < 0) {
		rc = (int)got;
		goto out;
	}
	rc = trace_writer_close(w);
	w = NULL;
	if (!rc && !cli_flag(a, "quiet"))
		fprintf(stderr, "%s: %llu references, %s -> %s%s\n", cli_cmd_name,
			(unsigned long long)r->nread, r->fmt->name, out_fmt->name,
			gz && out_fmt->wopen && !(out_fmt->flags & TRACE_FMT_COMPRESSED) ? " (gzip)" : "");
out:
	cli_progress_done();
	if (w)
		trace_writer_abort(w);
	trace_close(r);
	free(buf);
	return rc ? cli_fail(&d) : 0;
}

const struct cmd convert_cmd = {
	.name = "convert",
	.usage = "IN -o OUT [options]",
	.summary = "convert a trace between formats (lackey, text, native; gzip or not)",
	.details = "The input format is detected from the content (gzip or plain).  The output\n"
		"appears only when complete.",
	.opts = convert_opts,
	.min_pos = 1,
	.max_pos = 1,
	.run = convert_run,
};
