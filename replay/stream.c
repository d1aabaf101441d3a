/*
 * stream.c - buffered input over a file or standard input, inflating gzip on
 * the fly.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * A stream owns one window of decompressed bytes:
 *
 *      buf                pos                len               cap
 *       |<-- consumed --->|<--- available --->|<--- free ------>|
 *       ^ decompressed offset "base"
 *
 * stream_fill(s, want) slides the available bytes to the front of buf and
 * reads (or inflates) into the free part until at least want bytes are
 * available or the input ends.  The window starts at STREAM_BUF bytes and
 * grows only when a caller asks for more contiguous bytes, up to
 * STREAM_BUF + STREAM_MAX_LINE, so memory stays bounded whatever the file
 * size: a 10 GB trace is never held whole.
 *
 * gzip is recognised by its magic bytes 1f 8b at the start of the file, never
 * by its name.  zlib's inflate runs with windowBits 15 + 32 (gzip or zlib
 * header, detected) over a separate buffer of compressed input.  When one
 * gzip member ends and more input follows, the next member must start with
 * the magic again (the output of "cat a.gz b.gz" is one valid gzip file);
 * anything else after a member is reported as trailing garbage.  Errors give
 * the compressed byte offset, which is what a user can check with cmp or od.
 *
 * Errors are sticky: once a read fails every later stream_fill() returns the
 * same status, so readers need not remember it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "replay.h"

#define STREAM_BUF (256u << 10) /* initial window, and the gzip input buffer */
#define STREAM_MAX_CAP (STREAM_BUF + STREAM_MAX_LINE) /* largest window */

struct stream {
	int fd;                 /* the file, or 0 for standard input */
	int own_fd;             /* close fd in stream_close */
	char *path;             /* as given, for messages */
	unsigned char *buf;     /* window of decompressed bytes */
	size_t cap;             /* allocated size of buf */
	size_t pos;             /* first unconsumed byte in buf */
	size_t len;             /* bytes valid in buf */
	uint64_t base;          /* decompressed offset of buf[0] */
	uint64_t lineno;        /* lines returned by stream_getline */
	int eof;                /* no more decompressed bytes will come */
	int err;                /* sticky negative status, 0 if none */
	int gzip;               /* the file is gzip-compressed */
	int z_live;             /* z was initialised by inflateInit2 */
	int member_done;        /* inflate finished a gzip member */
	int in_eof;             /* the compressed file is exhausted */
	z_stream z;             /* inflate state */
	unsigned char *in;      /* compressed input buffer */
	size_t in_cap;          /* allocated size of in */
	uint64_t in_base;       /* compressed offset of in[0] */
	struct vm_diag *diag;   /* where errors go: the caller's or own_diag */
	struct vm_diag own_diag; /* used when stream_open got no diag */
};

/* One read(2), retried on EINTR: bytes read, 0 at end, or < 0. */
static long raw_read(struct stream *s, unsigned char *dst, size_t n)
{
	ssize_t got;

	do
		got = read(s->fd, dst, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return s->err = vm_fail(s->diag, VM_ERR_IO, "%s: read error: %s",
					s->path, strerror(errno));
	return (long)got;
}

/* Compressed offset of the next byte inflate will look at. */
static uint64_t gz_pos(const struct stream *s)
{
	return s->in_base + (uint64_t)(s->z.next_in - s->in);
}

/* Keep the unread compressed bytes, move them to the front of in and read
 * more behind them.  Returns 0 or < 0. */
static int gz_refill(struct stream *s)
{
	size_t keep = s->z.avail_in;
	long got;

	if (s->in_eof)
		return 0;
	s->in_base = gz_pos(s);
	if (keep)
		memmove(s->in, s->z.next_in, keep);
	got = raw_read(s, s->in + keep, s->in_cap - keep);
	if (got < 0)
		return (int)got;
	if (got == 0)
		s->in_eof = 1;
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)(keep + (size_t)got);
	return 0;
}

/*
 * Inflate into the free part of buf.  Returns 0 once some bytes were added
 * or the input ended cleanly (s->eof), else < 0.  The caller guarantees free
 * room (len < cap).
 */
static int gz_produce(struct stream *s)
{
	size_t room, made;
	int ret, rc;

	for (;;) {
		if (s->z.avail_in < 2 && !s->in_eof) {
			rc = gz_refill(s);
			if (rc < 0)
				return rc;
			continue;
		}
		if (s->member_done) {
			if (s->z.avail_in == 0) {
				s->eof = 1;
				return 0;
			}
			if (s->z.avail_in < 2 || s->z.next_in[0] != 0x1f ||
			    s->z.next_in[1] != 0x8b)
				return s->err = vm_fail(s->diag, VM_ERR_FORMAT,
					"%s: trailing garbage after gzip data at compressed byte %llu",
					s->path, (unsigned long long)gz_pos(s));
			if (inflateReset(&s->z) != Z_OK)
				return s->err = vm_fail(s->diag, VM_ERR_FORMAT,
					"%s: cannot restart inflate at compressed byte %llu",
					s->path, (unsigned long long)gz_pos(s));
			s->member_done = 0;
		}
		room = s->cap - s->len;
		s->z.next_out = s->buf + s->len;
		s->z.avail_out = (uInt)room;
		ret = inflate(&s->z, Z_NO_FLUSH);
		made = room - s->z.avail_out;
		s->len += made;
		switch (ret) {
		case Z_STREAM_END:
			s->member_done = 1;
			break;
		case Z_OK:
			break;
		case Z_BUF_ERROR:
			/* no progress: only more input can help */
			if (s->z.avail_in == 0 && s->in_eof)
				return s->err = vm_fail(s->diag, VM_ERR_FORMAT,
					"%s: truncated gzip stream at compressed byte %llu",
					s->path, (unsigned long long)gz_pos(s));
			if (s->in_eof || s->z.avail_in == s->in_cap)
				return s->err = vm_fail(s->diag, VM_ERR_FORMAT,
					"%s: gzip stream stalled at compressed byte %llu",
					s->path, (unsigned long long)gz_pos(s));
			rc = gz_refill(s);
			if (rc < 0)
				return rc;
			break;
		case Z_MEM_ERROR:
			return s->err = vm_fail(s->diag, VM_ERR_NOMEM,
						"%s: out of memory inflating", s->path);
		default: /* Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR */
			return s->err = vm_fail(s->diag, VM_ERR_FORMAT,
				"%s: corrupt gzip data at compressed byte %llu: %s",
				s->path, (unsigned long long)gz_pos(s),
				s->z.msg ? s->z.msg : "inflate failed");
		}
		if (made)
			return 0;
		/* a member ended exactly here, or inflate only ate a header */
		if (s->z.avail_in == 0 && s->in_eof && !s->member_done)
			return s->err = vm_fail(s->diag, VM_ERR_FORMAT,
				"%s: truncated gzip stream at compressed byte %llu",
				s->path, (unsigned long long)gz_pos(s));
	}
}

/* Add bytes to the free part of buf: 0 (possibly setting eof) or < 0. */
static int produce(struct stream *s)
{
	long got;

	if (s->gzip)
		return gz_produce(s);
	got = raw_read(s, s->buf + s->len, s->cap - s->len);
	if (got < 0)
		return (int)got;
	if (got == 0)
		s->eof = 1;
	s->len += (size_t)got;
	return 0;
}

int stream_open(struct stream **out, const char *path, struct vm_diag *d)
{
	struct stream *s;
	long got;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return vm_fail(d, VM_ERR_NOMEM, "%s: out of memory", path);
	s->diag = d ? d : &s->own_diag;
	s->path = strdup(path);
	s->cap = STREAM_BUF;
	s->buf = malloc(s->cap);
	if (!s->path || !s->buf) {
		rc = vm_fail(s->diag, VM_ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	if (strcmp(path, "-") == 0) {
		s->fd = 0;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			rc = vm_fail(s->diag, VM_ERR_IO, "%s: cannot open: %s", path,
				     strerror(errno));
			goto fail;
		}
		s->own_fd = 1;
	}

	/* Two bytes decide between plain and gzip. */
	while (s->len < 2) {
		got = raw_read(s, s->buf + s->len, s->cap - s->len);
		if (got < 0) {
			rc = (int)got;
			goto fail;
		}
		if (got == 0) {
			s->eof = 1;
			break;
		}
		s->len += (size_t)got;
	}
	if (s->len >= 2 && s->buf[0] == 0x1f && s->buf[1] == 0x8b) {
		/* what was read is compressed input: it becomes in */
		s->gzip = 1;
		s->in = s->buf;
		s->in_cap = s->cap;
		s->in_eof = s->eof;
		s->z.next_in = s->in;
		s->z.avail_in = (uInt)s->len;
		s->eof = 0;
		s->len = 0;
		s->buf = malloc(s->cap);
		if (!s->buf) {
			rc = vm_fail(s->diag, VM_ERR_NOMEM, "%s: out of memory", path);
			goto fail;
		}
		if (inflateInit2(&s->z, 15 + 32) != Z_OK) {
			rc = vm_fail(s->diag, VM_ERR_NOMEM, "%s: cannot start inflate",
				     path);
			goto fail;
		}
		s->z_live = 1;
	}
	*out = s;
	return 0;
fail:
	stream_close(s);
	return rc;
}

void stream_close(struct stream *s)
{
	if (!s)
		return;
	if (s->z_live)
		inflateEnd(&s->z);
	if (s->own_fd)
		close(s->fd);
	free(s->in);
	free(s->buf);
	free(s->path);
	free(s);
}

long stream_fill(struct stream *s, size_t want, const unsigned char **p)
{
	size_t avail = s->len - s->pos, ncap;
	unsigned char *nbuf;
	int rc;

	if (avail >= want || s->eof || s->err) {
		*p = s->buf + s->pos;
		return s->err && avail < want ? s->err : (long)avail;
	}
	if (want > STREAM_MAX_CAP)
		return vm_fail(s->diag, VM_ERR_USAGE,
			       "%s: internal error: %zu contiguous bytes asked of a stream",
			       s->path, want);
	if (s->pos) {
		memmove(s->buf, s->buf + s->pos, avail);
		s->base += s->pos;
		s->len = avail;
		s->pos = 0;
	}
	if (want > s->cap) {
		ncap = s->cap * 2 > want ? s->cap * 2 : want;
		if (ncap > STREAM_MAX_CAP)
			ncap = STREAM_MAX_CAP;
		nbuf = realloc(s->buf, ncap);
		if (!nbuf)
			return s->err = vm_fail(s->diag, VM_ERR_NOMEM,
						"%s: out of memory", s->path);
		s->buf = nbuf;
		s->cap = ncap;
	}
	while (s->len < want && !s->eof) {
		rc = produce(s);
		if (rc < 0)
			return rc;
	}
	*p = s->buf;
	return (long)s->len;
}

void stream_consume(struct stream *s, size_t n)
{
	if (n > s->len - s->pos)
		n = s->len - s->pos;
	s->pos += n;
}

long stream_read(struct stream *s, void *buf, size_t n)
{
	unsigned char *dst = buf;
	const unsigned char *p;
	size_t done = 0, step;
	long got;

	while (done < n) {
		step = n - done < STREAM_BUF ? n - done : STREAM_BUF;
		got = stream_fill(s, step, &p);
		if (got < 0)
			return got;
		if (got == 0)
			break;
		if ((size_t)got < step)
			step = (size_t)got;
		memcpy(dst + done, p, step);
		stream_consume(s, step);
		done += step;
	}
	return (long)done;
}

int stream_getline(struct stream *s, const unsigned char **line, size_t *len)
{
	const unsigned char *p, *nl;
	size_t avail = s->len - s->pos, scanned = 0, n;
	long got;

	/* fast path: the whole line is already in the window */
	p = s->buf + s->pos;
	nl = avail ? memchr(p, '\n', avail) : NULL;
	if (!nl) {
		scanned = avail;
		for (;;) {
			if (scanned > STREAM_MAX_LINE)
				goto too_long;
			got = stream_fill(s, scanned + 1, &p);
			if (got < 0)
				return (int)got;
			if ((size_t)got <= scanned) {
				/* end of input: a last line without '\n' */
				if (got == 0)
					return 0;
				*line = p;
				*len = (size_t)got;
				s->pos += (size_t)got;
				s->lineno++;
				return 1;
			}
			nl = memchr(p + scanned, '\n', (size_t)got - scanned);
			if (nl)
				break;
			scanned = (size_t)got;
		}
	}
	n = (size_t)(nl - p);
	if (n > STREAM_MAX_LINE)
		goto too_long;
	*line = p;
	*len = n;
	s->pos += n + 1;
	s->lineno++;
	return 1;
too_long:
	return s->err = vm_fail(s->diag, VM_ERR_LIMIT,
		"%s:%llu: line longer than %u bytes (is this a text trace?)",
		s->path, (unsigned long long)s->lineno + 1, STREAM_MAX_LINE);
}

uint64_t stream_lineno(const struct stream *s)
{
	return s->lineno;
}

uint64_t stream_offset(const struct stream *s)
{
	return s->base + s->pos;
}

const char *stream_path(const struct stream *s)
{
	return s->path;
}

int stream_is_gzip(const struct stream *s)
{
	return s->gzip;
}

struct vm_diag *stream_diag(struct stream *s)
{
	return s->diag;
}

const char *stream_quote(char *buf, size_t n, const unsigned char *line,
			 size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0, show = len > 60 ? 60 : len;
	unsigned char c;

	if (n == 0)
		return buf;
	for (i = 0; i < show && o + 5 < n; i++) {
		c = line[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
			buf[o++] = (char)c;
		} else if (c == 0) {
			buf[o++] = '\\';
			buf[o++] = '0';
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	if (i < len && o + 4 < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}
