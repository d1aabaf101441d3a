/*
 * lackey.c - traces from Valgrind's Lackey tool ("lackey", .lackey).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * valgrind --tool=lackey --trace-mem=yes PROG prints one line per memory
 * event to its log (standard error, or --log-file).  Lackey's own source
 * (lackey/lk_main.c) prints them with
 *
 *     "I  %08lx,%lu\n"    instruction fetch: 'I', two spaces
 *     " L %08lx,%lu\n"    data load:   space, letter, space
 *     " S %08lx,%lu\n"    data store
 *     " M %08lx,%lu\n"    data modify: a load and a store of the same
 *                         datum by one instruction (e.g. incl (%ecx))
 *
 * so the grammar read here is, per line:
 *
 *     line    := record | banner | superblock | empty
 *     record  := ( "I  " | " L " | " S " | " M " ) hex "," dec
 *     hex     := 1*HEXDIG              virtual address, at most 64 bits
 *     dec     := 1*DIGIT               size in bytes, at most 65535
 *     banner  := "==" ...  |  "--" ...  Valgrind's commentary and summary
 *                                      ("==12345== Lackey, ..."), ignored
 *     superblock := "SB " hex          --trace-superblocks=yes, ignored
 *
 * A trailing '\r' and trailing blanks are tolerated, as is a last line with
 * no newline.  Anything else is an error naming the file, the line and the
 * column: "t.lackey:3:2: malformed lackey line: ' X 1234,4'".  Hex digits may
 * be either case (Lackey prints lower case; its documentation upper case).
 *
 * What a Lackey trace does not show (lk_main.c lists these):
 *   - nothing inside the kernel: system calls and other kernel work
 *     (buffers filled by read(), page-table walks, ...) are invisible;
 *   - addresses are virtual only, with no virtual-to-physical mapping, and
 *     Valgrind lays memory out differently from a native run, so absolute
 *     addresses are not typical (relative locality is what is good);
 *   - code Valgrind replaces with its own (parts of scheduling and signal
 *     handling) is not traced;
 *   - everything from the first instruction is traced, so the dynamic
 *     loader's own references (ld.so relocating and binding libraries) come
 *     first, before main();
 *   - an I record's size is the instruction's length (1..15 bytes on x86-64;
 *     a Valgrind client-request preamble appears as one longer
 *     "instruction"); L/S/M sizes are the datum's, 1..512; "rep" string
 *     instructions appear as if repeated N times.
 *   - M is one record for what was a load and a store: the engine counts it
 *     once, as a write.
 *
 * Sizes: Lackey itself never prints size 0 (it asserts 1 <= size), but this
 * reader accepts 0, and the writer prints a struct ref's size as it is, 0
 * included: size 0 means "unknown" (a text trace converted to lackey), and
 * writing it as 1 would invent data.  Round trips are therefore exact for
 * addr, size and kind.  Lackey has no address-space id; the writer drops it.
 *
 * The reader parses the stream's buffer in place (stream_getline finds the
 * newline with memchr); there is no scanf and no allocation per line.
 */
#include <stdlib.h>
#include <string.h>

#include "collect.h"

#define LACKEY_WBUF (64u << 10) /* writer's line buffer */
#define LACKEY_PROBE_LINES 32   /* records a probe looks at */

enum lackey_line {
	LK_REF,      /* a record, stored in *out */
	LK_SKIP,     /* banner, superblock or empty line */
	LK_BAD,      /* malformed at *col */
	LK_WIDE,     /* address beyond 64 bits */
	LK_BIGSIZE,  /* size beyond 65535 */
};

/* hex digit value + 1, or 0 for a non-hex byte */
static const unsigned char hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Parse one line (without '\n').  *col is the 1-based column of a fault. */
static enum lackey_line lackey_parse(const unsigned char *p, size_t len,
				     struct ref *out, size_t *col)
{
	uint64_t addr = 0;
	uint32_t size = 0;
	size_t i, start, sig;
	unsigned kind, v;

	while (len && (p[len - 1] == '\r' || p[len - 1] == ' ' ||
		       p[len - 1] == '\t'))
		len--;
	if (len == 0)
		return LK_SKIP;
	if (len >= 2 && ((p[0] == '=' && p[1] == '=') ||
			 (p[0] == '-' && p[1] == '-')))
		return LK_SKIP;
	*col = 1;
	if (len < 3)
		return LK_BAD;
	if (p[0] == 'I') {
		kind = REF_INSTR;
		*col = p[1] != ' ' ? 2 : 3;
		if (p[1] != ' ' || p[2] != ' ')
			return LK_BAD;
	} else if (p[0] == ' ') {
		*col = 2;
		switch (p[1]) {
		case 'L': kind = REF_LOAD; break;
		case 'S': kind = REF_STORE; break;
		case 'M': kind = REF_MODIFY; break;
		default: return LK_BAD;
		}
		*col = 3;
		if (p[2] != ' ')
			return LK_BAD;
	} else if (p[0] == 'S' && p[1] == 'B' && p[2] == ' ') {
		for (i = 3; i < len && hexval[p[i]]; i++)
			;
		*col = i + 1;
		return i > 3 && i == len ? LK_SKIP : LK_BAD;
	} else {
		return LK_BAD;
	}

	/* address: hex digits; more than 16 significant ones overflow */
	start = i = 3;
	while (i < len && p[i] == '0')
		i++;
	sig = i;
	for (; i < len && (v = hexval[p[i]]) != 0; i++)
		addr = addr << 4 | (v - 1);
	*col = i + 1;
	if (i == start || i == len || p[i] != ',')
		return LK_BAD;
	sig = i - sig;
	i++;

	/* size: decimal */
	start = i;
	for (; i < len && p[i] >= '0' && p[i] <= '9'; i++) {
		size = size * 10 + (uint32_t)(p[i] - '0');
		if (size > UINT16_MAX) {
			*col = start + 1;
			return LK_BIGSIZE;
		}
	}
	*col = i + 1;
	if (i == start || i != len)
		return LK_BAD;
	if (sig > 16) {
		*col = 4;
		return LK_WIDE;
	}
	out->addr = addr;
	out->asid = 0;
	out->size = (uint16_t)size;
	out->kind = (uint8_t)kind;
	out->pad = 0;
	return LK_REF;
}

/* Does a banner line mention "Lackey"? */
static int names_lackey(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 6 <= len; i++)
		if (p[i] == 'L' && memcmp(p + i, "Lackey", 6) == 0)
			return 1;
	return 0;
}

/*
 * Lackey if the file starts like a Lackey log: at least one record before
 * the first line that is neither a record nor a banner (looking at no more
 * than LACKEY_PROBE_LINES records), or a banner naming Lackey.  A later bad
 * line is left for the reader, whose error names its line number.
 */
static int lackey_probe(const unsigned char *head, size_t n)
{
	const unsigned char *p = head, *end = head + n, *nl;
	int records = 0, lackey_banner = 0;
	enum lackey_line res;
	struct ref ref;
	size_t len, col;

	while (p < end && records < LACKEY_PROBE_LINES) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		res = lackey_parse(p, len, &ref, &col);
		if (res == LK_REF || res == LK_WIDE)
			records++;
		else if (res == LK_SKIP && len >= 2 && p[0] == '=' &&
			 names_lackey(p, len))
			lackey_banner = 1;
		else if (res != LK_SKIP)
			break;
		if (!nl)
			break;
		p = nl + 1;
	}
	return records > 0 || lackey_banner;
}

struct lackey_rd {
	int err; /* sticky error status */
};

static int lackey_open(struct trace_reader *r)
{
	r->state = calloc(1, sizeof(struct lackey_rd));
	if (!r->state)
		return vm_fail(r->diag, VM_ERR_NOMEM, "%s: out of memory",
			       stream_path(r->s));
	return 0;
}

static int lackey_error(struct trace_reader *r, const unsigned char *line,
			size_t len, enum lackey_line res, size_t col)
{
	const char *path = stream_path(r->s);
	unsigned long long ln = (unsigned long long)stream_lineno(r->s);
	const unsigned char *nul = memchr(line, 0, len);
	char q[300];

	stream_quote(q, sizeof q, line, len);
	if (nul)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s:%llu:%zu: malformed lackey line (NUL byte): '%s'",
			       path, ln, (size_t)(nul - line) + 1, q);
	if (res == LK_WIDE)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s:%llu:%zu: address beyond 64 bits in lackey line: '%s'",
			       path, ln, col, q);
	if (res == LK_BIGSIZE)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s:%llu:%zu: size beyond 65535 in lackey line: '%s'",
			       path, ln, col, q);
	return vm_fail(r->diag, VM_ERR_FORMAT,
		       "%s:%llu:%zu: malformed lackey line: '%s'", path, ln, col, q);
}

static long lackey_read(struct trace_reader *r, struct ref *buf, size_t cap)
{
	struct lackey_rd *st = r->state;
	const unsigned char *line;
	enum lackey_line res;
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
		res = lackey_parse(line, len, &buf[n], &col);
		if (res == LK_REF)
			n++;
		else if (res != LK_SKIP)
			return st->err = lackey_error(r, line, len, res, col);
	}
	return (long)n;
}

static void lackey_close(struct trace_reader *r)
{
	free(r->state);
	r->state = NULL;
}

/* ------------------------------------------------------------- writer */

struct lackey_wr {
	size_t len;                    /* bytes waiting in buf */
	char buf[LACKEY_WBUF];         /* lines not yet handed to the sink */
};

static int lackey_wopen(struct trace_writer *w)
{
	w->state = calloc(1, sizeof(struct lackey_wr));
	if (!w->state)
		return vm_fail(w->diag, VM_ERR_NOMEM, "%s: out of memory", w->path);
	return 0;
}

static int lackey_write(struct trace_writer *w, const struct ref *refs, size_t n)
{
	static const char prefix[REF_NKINDS][4] = { "I  ", " L ", " S ", " M " };
	static const char hex[] = "0123456789abcdef";
	struct lackey_wr *st = w->state;
	char *q, dec[8];
	uint64_t a;
	unsigned s;
	size_t i;
	int nd, k, rc;

	for (i = 0; i < n; i++) {
		if (refs[i].kind >= REF_NKINDS)
			return vm_fail(w->diag, VM_ERR_USAGE,
				       "%s: reference %llu has invalid kind %u", w->path,
				       (unsigned long long)(w->nwritten + i), refs[i].kind);
		/* a line is at most 3 + 16 + 1 + 5 + 1 = 26 bytes */
		if (st->len + 32 > sizeof st->buf) {
			rc = trace_sink_write(w, st->buf, st->len);
			if (rc < 0)
				return rc;
			st->len = 0;
		}
		q = st->buf + st->len;
		memcpy(q, prefix[refs[i].kind], 3);
		q += 3;
		/* "%08lx": at least 8 digits, as Lackey prints them */
		a = refs[i].addr;
		for (nd = 8; nd < 16 && (a >> (4 * nd)) != 0; nd++)
			;
		for (k = nd - 1; k >= 0; k--, a >>= 4)
			q[k] = hex[a & 15];
		q += nd;
		*q++ = ',';
		s = refs[i].size;
		k = 0;
		do
			dec[k++] = (char)('0' + s % 10);
		while ((s /= 10) != 0);
		while (k)
			*q++ = dec[--k];
		*q++ = '\n';
		st->len = (size_t)(q - st->buf);
	}
	return 0;
}

static int lackey_wclose(struct trace_writer *w)
{
	struct lackey_wr *st = w->state;
	int rc = 0;

	if (!st)
		return 0;
	if (st->len)
		rc = trace_sink_write(w, st->buf, st->len);
	free(st);
	w->state = NULL;
	return rc;
}

const struct trace_format lackey_format = {
	.name = "lackey",
	.summary = "valgrind --tool=lackey --trace-mem=yes output (I/L/S/M lines)",
	.ext = ".lackey",
	.probe = lackey_probe,
	.open = lackey_open,
	.read = lackey_read,
	.close = lackey_close,
	.wopen = lackey_wopen,
	.write = lackey_write,
	.wclose = lackey_wclose,
};
