/*
 * text.c - plain text traces, one reference per line ("text", .txt).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The format of textbook exercises and of quick experiments:
 *
 *     # a comment, to the end of the line
 *     0x7ffc1000              ADDRESS alone: a load
 *     R 0x7ffc1008            KIND ADDRESS
 *     w 4096                  (kind letters in either case)
 *     I 0x400123  7           KIND ADDRESS ASID
 *
 *     line    := blank* [ [kind blank+] addr [blank+ asid] ] blank* [ "#" ... ]
 *     kind    := R | W | I | M   (and r w i m): load, store, instruction
 *                                fetch, modify (load and store, as lackey's M)
 *     addr    := decimal | "0x" hex    at most 2^64-1
 *     asid    := decimal | "0x" hex    at most 2^32-1 (default 0)
 *     blank   := space, tab, '\r', '\v' or '\f'
 *
 * Blank and comment-only lines are skipped.  A text trace carries no access
 * sizes, so refs read from it have size 0.  Errors name the file, line and
 * column: "t.txt:7:3: malformed text line: 'R 12z'".
 *
 * The writer prints "R 0x1234", adding " ASID" when the asid is nonzero;
 * hex keeps every address exact, so kind, address and asid round-trip.
 * Like the lackey reader, this one parses the stream's buffer in place, with
 * no scanf and no allocation per line.
 */
#include <stdlib.h>
#include <string.h>

#include "collect.h"

#define TEXT_WBUF (64u << 10)    /* writer's line buffer */
#define TEXT_PROBE_LINES 32      /* references a probe looks at */

enum text_line {
	TX_REF,      /* a reference, stored in *out */
	TX_SKIP,     /* blank or comment */
	TX_BAD,      /* malformed at *col */
	TX_WIDE,     /* address beyond 64 bits */
	TX_BIGASID,  /* asid beyond 32 bits */
};

/* byte classes: hex digit value + 1 (low 5 bits), blank, comment */
#define C_BLANK 0x20
#define C_HASH 0x40
static const unsigned char cls[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	[' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK, ['\v'] = C_BLANK,
	['\f'] = C_BLANK, ['#'] = C_HASH,
};

/*
 * A number at p[0..len): decimal or 0x-hex, the whole token.  0 on success,
 * 1 if malformed, 2 if it does not fit in 64 bits.
 */
static int text_number(const unsigned char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0, sig = 0;
	unsigned d;
	int wide = 0;

	if (len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (i = 2; i < len && p[i] == '0'; i++)
			;
		sig = len - i;
		for (; i < len; i++) {
			d = cls[p[i]] & 0x1f;
			if (d == 0)
				return 1;
			v = v << 4 | (d - 1);
		}
		wide = sig > 16;
	} else {
		if (len == 0)
			return 1;
		for (i = 0; i < len; i++) {
			if (p[i] < '0' || p[i] > '9')
				return 1;
			d = p[i] - '0';
			if (v > (UINT64_MAX - d) / 10)
				wide = 1;
			v = v * 10 + d;
		}
	}
	if (wide)
		return 2;
	*out = v;
	return 0;
}

/* Parse one line (without '\n').  *col is the 1-based column of a fault. */
static enum text_line text_parse(const unsigned char *p, size_t len,
				 struct ref *out, size_t *col)
{
	size_t tok[3], tlen[3], i = 0, nt = 0, a;
	uint64_t addr, asid = 0;
	unsigned kind = REF_LOAD;
	int rc;

	/* split into at most three tokens; '#' ends the line */
	for (;;) {
		while (i < len && (cls[p[i]] & C_BLANK))
			i++;
		if (i == len || p[i] == '#')
			break;
		if (nt == 3) {
			*col = i + 1;
			return TX_BAD;
		}
		tok[nt] = i;
		while (i < len && !(cls[p[i]] & (C_BLANK | C_HASH)))
			i++;
		tlen[nt] = i - tok[nt];
		nt++;
	}
	if (nt == 0)
		return TX_SKIP;
	a = 0;
	if (nt >= 2) {
		*col = tok[0] + 1;
		if (tlen[0] != 1)
			return TX_BAD;
		switch (p[tok[0]] | 0x20) {
		case 'r': kind = REF_LOAD; break;
		case 'w': kind = REF_STORE; break;
		case 'i': kind = REF_INSTR; break;
		case 'm': kind = REF_MODIFY; break;
		default: return TX_BAD;
		}
		a = 1;
	}
	*col = tok[a] + 1;
	rc = text_number(p + tok[a], tlen[a], &addr);
	if (rc)
		return rc == 2 ? TX_WIDE : TX_BAD;
	if (nt == 3) {
		*col = tok[2] + 1;
		rc = text_number(p + tok[2], tlen[2], &asid);
		if (rc == 1)
			return TX_BAD;
		if (rc == 2 || asid > UINT32_MAX)
			return TX_BIGASID;
	}
	out->addr = addr;
	out->asid = (uint32_t)asid;
	out->size = 0;
	out->kind = (uint8_t)kind;
	out->pad = 0;
	return TX_REF;
}

/*
 * Text if the file starts like a text trace: at least one reference line
 * before the first line that is neither a reference, a comment nor blank
 * (looking at no more than TEXT_PROBE_LINES references).  A later bad line
 * is left for the reader, whose error names its line number.  Text is last
 * in the registry, so this loose test only decides between "unknown format"
 * and a line-numbered error.
 */
static int text_probe(const unsigned char *head, size_t n)
{
	const unsigned char *p = head, *end = head + n, *nl;
	enum text_line res;
	struct ref ref;
	size_t len, col;
	int refs = 0;

	while (p < end && refs < TEXT_PROBE_LINES) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (memchr(p, 0, len))
			break;
		res = text_parse(p, len, &ref, &col);
		if (res == TX_REF || res == TX_WIDE || res == TX_BIGASID)
			refs++;
		else if (res != TX_SKIP)
			break;
		if (!nl)
			break;
		p = nl + 1;
	}
	return refs > 0;
}

struct text_rd {
	int err; /* sticky error status */
};

static int text_open(struct trace_reader *r)
{
	r->state = calloc(1, sizeof(struct text_rd));
	if (!r->state)
		return vm_fail(r->diag, VM_ERR_NOMEM, "%s: out of memory",
			       stream_path(r->s));
	return 0;
}

static int text_error(struct trace_reader *r, const unsigned char *line,
		      size_t len, enum text_line res, size_t col)
{
	const char *path = stream_path(r->s);
	unsigned long long ln = (unsigned long long)stream_lineno(r->s);
	const unsigned char *nul = memchr(line, 0, len);
	char q[300];

	stream_quote(q, sizeof q, line, len);
	if (nul)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s:%llu:%zu: malformed text line (NUL byte): '%s'",
			       path, ln, (size_t)(nul - line) + 1, q);
	if (res == TX_WIDE)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s:%llu:%zu: address beyond 64 bits in text line: '%s'",
			       path, ln, col, q);
	if (res == TX_BIGASID)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s:%llu:%zu: asid beyond 32 bits in text line: '%s'",
			       path, ln, col, q);
	return vm_fail(r->diag, VM_ERR_FORMAT,
		       "%s:%llu:%zu: malformed text line (want [R|W|I|M] ADDRESS [ASID]): '%s'",
		       path, ln, col, q);
}

static long text_read(struct trace_reader *r, struct ref *buf, size_t cap)
{
	struct text_rd *st = r->state;
	const unsigned char *line;
	enum text_line res;
	size_t n = 0, len, col;
	int rc;

	if (st->err)
		return st->err;
	while (n < cap) {
		rc = stream_getline(r->s, &line, &len);
		if (rc == 0)
			break;
		if (rc < 0)
			return st->err = rc;
		res = text_parse(line, len, &buf[n], &col);
		if (res == TX_REF)
			n++;
		else if (res != TX_SKIP)
			return st->err = text_error(r, line, len, res, col);
	}
	return (long)n;
}

static void text_close(struct trace_reader *r)
{
	free(r->state);
	r->state = NULL;
}

/* ------------------------------------------------------------- writer */

struct text_wr {
	size_t len;              /* bytes waiting in buf */
	char buf[TEXT_WBUF];     /* lines not yet handed to the sink */
};

static int text_wopen(struct trace_writer *w)
{
	w->state = calloc(1, sizeof(struct text_wr));
	if (!w->state)
		return vm_fail(w->diag, VM_ERR_NOMEM, "%s: out of memory", w->path);
	return 0;
}

static int text_write(struct trace_writer *w, const struct ref *refs, size_t n)
{
	static const char letter[REF_NKINDS] = { 'I', 'R', 'W', 'M' };
	static const char hex[] = "0123456789abcdef";
	struct text_wr *st = w->state;
	char *q, dec[12];
	uint64_t a;
	uint32_t s;
	size_t i;
	int nd, k, rc;

	for (i = 0; i < n; i++) {
		if (refs[i].kind >= REF_NKINDS)
			return vm_fail(w->diag, VM_ERR_USAGE,
				       "%s: reference %llu has invalid kind %u", w->path,
				       (unsigned long long)(w->nwritten + i), refs[i].kind);
		/* a line is at most 2 + 18 + 1 + 10 + 1 = 32 bytes */
		if (st->len + 40 > sizeof st->buf) {
			rc = trace_sink_write(w, st->buf, st->len);
			if (rc < 0)
				return rc;
			st->len = 0;
		}
		q = st->buf + st->len;
		*q++ = letter[refs[i].kind];
		*q++ = ' ';
		*q++ = '0';
		*q++ = 'x';
		a = refs[i].addr;
		for (nd = 1; nd < 16 && (a >> (4 * nd)) != 0; nd++)
			;
		for (k = nd - 1; k >= 0; k--, a >>= 4)
			q[k] = hex[a & 15];
		q += nd;
		if (refs[i].asid) {
			*q++ = ' ';
			s = refs[i].asid;
			k = 0;
			do
				dec[k++] = (char)('0' + s % 10);
			while ((s /= 10) != 0);
			while (k)
				*q++ = dec[--k];
		}
		*q++ = '\n';
		st->len = (size_t)(q - st->buf);
	}
	return 0;
}

static int text_wclose(struct trace_writer *w)
{
	struct text_wr *st = w->state;
	int rc = 0;

	if (!st)
		return 0;
	if (st->len)
		rc = trace_sink_write(w, st->buf, st->len);
	free(st);
	w->state = NULL;
	return rc;
}

const struct trace_format text_format = {
	.name = "text",
	.summary = "one reference per line: [R|W|I|M] ADDRESS [ASID], # comments",
	.ext = ".txt",
	.probe = text_probe,
	.open = text_open,
	.read = text_read,
	.close = text_close,
	.wopen = text_wopen,
	.write = text_write,
	.wclose = text_wclose,
};
