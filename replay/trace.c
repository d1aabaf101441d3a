/*
 * trace.c - the trace format registry, format detection, and the plumbing
 * every reader and writer shares.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Formats are listed once, in trace_formats[]; help text, error messages and
 * detection are all generated from that list.  Detection looks only at
 * content: the first TRACE_PROBE_BYTES decompressed bytes are offered to each
 * format's probe in registry order and the first that says yes wins, so
 * formats with exact magic come first and the loosest probe (plain text)
 * comes last.  File names are never consulted: a lackey log called x.txt and
 * a gzip'd trace called x.dat are both read correctly.
 *
 * Empty input.  A file that is empty after decompression is an error
 * ("FILE: empty trace") when the format is detected: an empty file is far
 * more often a failed collection than an intended trace, and there is no
 * content to detect from.  When the caller forces a text format (lackey or
 * text) an empty file is a valid trace of 0 references, as is any text file
 * holding only comments or banners.  The native format always needs its
 * header, so an empty file forced to native is an error too.  A native trace
 * of 0 references (header and empty index) is of course valid.
 *
 * Writers write to PATH.tmp.PID.HOST.XXXXXX (mkstemp, same directory, so rename() is
 * atomic) and rename it onto PATH only in trace_writer_close(), after a
 * successful flush and fsync; trace_writer_abort() unlinks it.  Two
 * exceptions: when PATH exists and is not a regular file (/dev/null, a FIFO)
 * it is written in place, and when PATH is a symbolic link the file it points
 * to is replaced, so the link survives.  A crashed or
 * killed run therefore never leaves a half-written PATH, only a temporary
 * (which, for native traces, is itself a readable partial trace).  After
 * trace_writer_abort() has closed the file, w->f and w->gz are NULL: a format's
 * wclose() must then only free its state, and trace_sink_write() drops bytes.
 */
#define _XOPEN_SOURCE 700 /* realpath(3), beside the Makefile's POSIX 2008 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "replay.h"
#include "native.h"
#include "collect.h"

#define TRACE_PROBE_BYTES (64u << 10) /* decompressed head offered to probes */

const struct trace_format *const trace_formats[] = {
	&native_format, /* exact magic: first */
	&lackey_format, /* fixed line grammar */
	&text_format,   /* loosest probe: last */
	NULL,
};

const struct trace_format *trace_format_find(const char *name)
{
	int i;

	for (i = 0; trace_formats[i]; i++)
		if (strcmp(trace_formats[i]->name, name) == 0)
			return trace_formats[i];
	return NULL;
}

const char *trace_format_names(char *buf, size_t n)
{
	size_t o = 0, k;
	int i;

	if (n == 0)
		return buf;
	buf[0] = 0;
	for (i = 0; trace_formats[i]; i++) {
		k = strlen(trace_formats[i]->name);
		if (o + k + (i > 0) + 1 > n)
			break;
		if (i > 0)
			buf[o++] = ' ';
		memcpy(buf + o, trace_formats[i]->name, k + 1);
		o += k;
	}
	return buf;
}

/* "7f 45 4c 46 ..." of the first bytes, for the unknown-format message */
static const char *hex_head(char *buf, size_t n, const unsigned char *p,
			    size_t len)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < len && i < 8 && o + 4 < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%02x", i ? " " : "", p[i]);
	if (i < len && o + 4 < n)
		snprintf(buf + o, n - o, " ...");
	return buf;
}

int trace_open(struct trace_reader **out, const char *path,
	       const struct trace_format *fmt, struct vm_diag *d)
{
	struct trace_reader *r = NULL;
	struct stream *s = NULL;
	const unsigned char *head;
	char names[128], hex[64];
	long n;
	int rc, i;

	*out = NULL;
	rc = stream_open(&s, path, d);
	if (rc < 0)
		return rc;
	d = stream_diag(s);
	if (!fmt) {
		n = stream_fill(s, TRACE_PROBE_BYTES, &head);
		if (n < 0) {
			rc = (int)n;
			goto fail;
		}
		if (n == 0) {
			rc = vm_fail(d, VM_ERR_FORMAT, "%s: empty trace%s", path,
				     stream_is_gzip(s) ?
				     " (its gzip data decompresses to nothing)" : "");
			goto fail;
		}
		for (i = 0; trace_formats[i]; i++) {
			if (trace_formats[i]->probe((const unsigned char *)head,
						    (size_t)n)) {
				fmt = trace_formats[i];
				break;
			}
		}
		if (!fmt) {
			rc = vm_fail(d, VM_ERR_FORMAT,
				     "%s: unknown trace format (known: %s); it starts with %s%s",
				     path, trace_format_names(names, sizeof names),
				     hex_head(hex, sizeof hex, head, (size_t)n),
				     stream_is_gzip(s) ? " after gunzip" : "");
			goto fail;
		}
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		rc = vm_fail(d, VM_ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	r->fmt = fmt;
	r->s = s;
	r->diag = d;
	rc = fmt->open(r);
	if (rc < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	if (r) {
		fmt->close(r);
		free(r);
	}
	stream_close(s);
	return rc;
}

long trace_read(struct trace_reader *r, struct ref *buf, size_t cap)
{
	long n;

	if (cap == 0)
		return 0;
	n = r->fmt->read(r, buf, cap);
	if (n > 0)
		r->nread += (uint64_t)n;
	return n;
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	r->fmt->close(r);
	stream_close(r->s);
	free(r);
}

/* ------------------------------------------------------------- writers */

int trace_sink_write(struct trace_writer *w, const void *p, size_t n)
{
	const char *c = p;
	unsigned step;
	int got, errnum;

	if (w->gz) {
		while (n) {
			step = n > (1u << 30) ? 1u << 30 : (unsigned)n;
			got = gzwrite((gzFile)w->gz, c, step);
			if (got <= 0) {
				const char *why = gzerror((gzFile)w->gz, &errnum);

				return vm_fail(w->diag, VM_ERR_IO, "%s: write error: %s",
					       w->path, errnum == Z_ERRNO ?
					       strerror(errno) : why);
			}
			c += got;
			n -= (size_t)got;
		}
		return 0;
	}
	if (!w->f)
		return 0; /* aborted: discard */
	if (n && fwrite(p, 1, n, w->f) != n)
		return vm_fail(w->diag, VM_ERR_IO, "%s: write error: %s", w->path,
			       strerror(errno));
	return 0;
}

/* Close the gzip layer and the file; 0 or < 0.  Leaves both NULL. */
static int writer_finish_file(struct trace_writer *w)
{
	int rc = 0, zrc;

	if (w->gz) {
		zrc = gzclose((gzFile)w->gz);
		w->gz = NULL;
		if (zrc != Z_OK)
			rc = vm_fail(w->diag, VM_ERR_IO, "%s: write error closing gzip: %s",
				     w->path, zrc == Z_ERRNO ? strerror(errno) :
				     "zlib error");
	}
	if (!w->f)
		return rc;
	if (fflush(w->f) != 0 && rc == 0)
		rc = vm_fail(w->diag, VM_ERR_IO, "%s: write error: %s", w->path,
			     strerror(errno));
	if (w->tmp && rc == 0 && fsync(fileno(w->f)) != 0 && errno != EINVAL)
		rc = vm_fail(w->diag, VM_ERR_IO, "%s: fsync: %s", w->path,
			     strerror(errno));
	if (w->f != stdout && fclose(w->f) != 0 && rc == 0)
		rc = vm_fail(w->diag, VM_ERR_IO, "%s: write error: %s", w->path,
			     strerror(errno));
	w->f = NULL;
	return rc;
}

static void writer_free(struct trace_writer *w)
{
	if (w->tmp)
		vm_temp_unregister(w->tmp);
	free(w->path);
	free(w->tmp);
	free(w);
}

int trace_writer_open(struct trace_writer **out, const char *path,
		      const struct trace_format *fmt, int gzip, struct vm_diag *d)
{
	struct trace_writer *w;
	struct stat sb;
	mode_t mask;
	char *real;
	int fd = -1, gzfd, rc;

	*out = NULL;
	if (!fmt->wopen)
		return vm_fail(d, VM_ERR_USAGE, "%s: the %s format cannot be written",
			       path, fmt->name);
	if (fmt->flags & TRACE_FMT_COMPRESSED)
		gzip = 0; /* native is compressed already */
	if (strcmp(path, "-") == 0 && (fmt->flags & TRACE_FMT_SEEKS))
		return vm_fail(d, VM_ERR_USAGE,
			       "native traces cannot be written to standard output "
			       "(the header is completed at the end); name a file");
	w = calloc(1, sizeof *w);
	if (!w)
		return vm_fail(d, VM_ERR_NOMEM, "%s: out of memory", path);
	w->fmt = fmt;
	w->diag = d;
	w->path = strdup(path);
	if (!w->path) {
		rc = vm_fail(d, VM_ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	if (strcmp(path, "-") == 0) {
		w->f = stdout;
		fd = 1;
	} else if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* a device or FIFO ("-o /dev/null"): write in place, as renaming
		 * a temporary onto it would replace the device node itself */
		w->f = fopen(path, "wb");
		if (!w->f) {
			rc = vm_fail(d, VM_ERR_IO, "%s: cannot open: %s", path,
				     strerror(errno));
			goto fail;
		}
		fd = fileno(w->f);
	} else {
		/* through a symbolic link, replace the file it names, not the
		 * link; messages then name that file */
		if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) &&
		    (real = realpath(path, NULL)) != NULL) {
			free(w->path);
			w->path = real;
			path = real;
		}
		vm_temp_sweep(path); /* a killed run's leftovers (replay.h) */
		w->tmp = vm_temp_template(path);
		fd = vm_temp_create(w->tmp);
		if (fd < 0) {
			rc = vm_fail(d, VM_ERR_IO, "%s: cannot create %s: %s", path,
				     w->tmp, strerror(errno));
			free(w->tmp);
			w->tmp = NULL;
			goto fail;
		}
		/* mkstemp makes 0600; give the output the usual 0666 & ~umask
		 * (reading the umask means setting it back at once) */
		mask = umask(0);
		umask(mask);
		if (fchmod(fd, 0666 & ~mask) != 0) {
			rc = vm_fail(d, VM_ERR_IO, "%s: chmod %s: %s", path, w->tmp,
				     strerror(errno));
			close(fd);
			goto fail;
		}
		w->f = fdopen(fd, "wb");
		if (!w->f) {
			rc = vm_fail(d, VM_ERR_IO, "%s: %s", path, strerror(errno));
			close(fd);
			goto fail;
		}
	}
	if (gzip) {
		if (fflush(w->f) != 0) {
			rc = vm_fail(d, VM_ERR_IO, "%s: write error: %s", path,
				     strerror(errno));
			goto fail;
		}
		gzfd = dup(fd);
		w->gz = gzfd < 0 ? NULL : gzdopen(gzfd, "wb6");
		if (!w->gz) {
			if (gzfd >= 0)
				close(gzfd);
			rc = vm_fail(d, VM_ERR_NOMEM, "%s: cannot start gzip", path);
			goto fail;
		}
		gzbuffer((gzFile)w->gz, 256u << 10);
	}
	rc = fmt->wopen(w);
	if (rc < 0)
		goto fail_opened;
	*out = w;
	return 0;
fail_opened:
	/* wopen failed and freed its state; throw the file away */
	writer_finish_file(w);
	if (w->tmp)
		unlink(w->tmp);
	writer_free(w);
	return rc;
fail:
	if (w->gz)
		gzclose((gzFile)w->gz);
	if (w->f && w->f != stdout)
		fclose(w->f);
	if (w->tmp)
		unlink(w->tmp);
	writer_free(w);
	return rc;
}

int trace_writer_write(struct trace_writer *w, const struct ref *refs, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	rc = w->fmt->write(w, refs, n);
	if (rc < 0)
		return rc;
	w->nwritten += n;
	return 0;
}

int trace_writer_close(struct trace_writer *w)
{
	int rc, rc2;

	if (!w)
		return 0;
	rc = w->fmt->wclose(w);
	rc2 = writer_finish_file(w);
	if (rc == 0)
		rc = rc2;
	if (w->tmp) {
		if (rc == 0 && rename(w->tmp, w->path) != 0)
			rc = vm_fail(w->diag, VM_ERR_IO, "%s: cannot rename %s into place: %s",
				     w->path, w->tmp, strerror(errno));
		if (rc < 0)
			unlink(w->tmp);
	}
	writer_free(w);
	return rc;
}

void trace_writer_abort(struct trace_writer *w)
{
	struct vm_diag keep = { 0 };

	if (!w)
		return;
	/* close first so wclose writes nothing; keep the caller's message */
	if (w->diag)
		keep = *w->diag;
	writer_finish_file(w);
	w->fmt->wclose(w);
	if (w->diag)
		*w->diag = keep;
	if (w->tmp)
		unlink(w->tmp);
	writer_free(w);
}
