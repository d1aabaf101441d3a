/*
 * native.c - reader and writer of vmsim's native binary trace format.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * The layout is documented, table by table, in native.h.  This file is the
 * code behind it:
 *
 *   reader:  header -> [ block header -> inflate -> CRC -> decode records ]*
 *            -> index check.  One block's raw and compressed bytes are held
 *            at a time (at most 16 MiB each, and only as large as the blocks
 *            really met), so memory does not depend on the trace length or on
 *            anything the header claims.  Records are decoded straight into
 *            the caller's batch; a batch may end in the middle of a block and
 *            the next one resumes there.
 *
 *   writer:  refs are encoded into the current block's raw buffer as they
 *            arrive; a full block is compressed (a zlib stream, as compress2
 *            would make it) and written with its header, and its
 *            (offset, refs) pair is kept for the index.
 *            Close writes the last block and the index, then rewrites the
 *            header with COMPLETE set.
 *
 * Speed.  One z_stream per reader or writer is reset for each block rather
 * than set up anew (as uncompress() and compress2() would); the reader turns
 * off zlib's Adler-32 check (inflateValidate), which would only repeat the
 * block's CRC-32 at twice its cost; and decoding keeps its delta state in
 * locals so it stays in registers.  Decoding then takes about as long as
 * inflating.
 *
 * Every byte of a block is bounds-checked while decoding, since the payload
 * is only as trustworthy as its CRC-32 (which a crafted file can match).
 * The index is checked without storing it: a running CRC-32 of the
 * (offset, refs) entries implied by the blocks read is compared with the
 * CRC-32 of the entries in the file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "native.h"

#define IDX_CHUNK 256 /* index entries read or written per call */

/* ------------------------------------------------- little-endian helpers */

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t zigzag(uint64_t d)
{
	return (d << 1) ^ (0 - (d >> 63));
}

static uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

static unsigned char *put_varint(unsigned char *q, uint64_t v)
{
	while (v >= 0x80) {
		*q++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*q++ = (unsigned char)v;
	return q;
}

enum varint_status {
	VARINT_OK = 0,       /* decoded */
	VARINT_SHORT = 1,    /* ran past the end of the block */
	VARINT_OVERFLOW = 2, /* more than 64 bits (or more than 10 bytes) */
};

/* Decode a LEB128 varint at *pp (not past end) into *v. */
static enum varint_status get_varint(const unsigned char **pp,
				     const unsigned char *end, uint64_t *v)
{
	const unsigned char *p = *pp;
	uint64_t x = 0;
	unsigned shift = 0;
	unsigned char b;

	do {
		if (p >= end)
			return VARINT_SHORT;
		b = *p++;
		if (shift == 63 && b > 1)
			return VARINT_OVERFLOW;
		x |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	*v = x;
	*pp = p;
	return VARINT_OK;
}

/* ------------------------------------------------------------- reader */

struct native_rd {
	uint32_t flags;            /* header flags */
	uint32_t block_max;        /* header refs per block */
	uint64_t total_refs;       /* header: promised refs (if COMPLETE) */
	uint64_t nblocks;          /* header: promised blocks (if COMPLETE) */
	uint64_t index_off;        /* header: index offset (if COMPLETE) */
	uint64_t blocks;           /* blocks met so far */
	uint64_t refs;             /* refs in the blocks met so far */
	uint32_t idx_crc;          /* crc32 of the index entries those imply */
	unsigned char *comp;       /* compressed payload of the current block */
	size_t comp_cap;           /* allocated size of comp */
	unsigned char *raw;        /* inflated records of the current block */
	size_t raw_cap;            /* allocated size of raw */
	z_stream z;                /* inflate, reset for each block */
	int z_live;                /* z was set up by inflateInit */
	const unsigned char *p;    /* next record to decode */
	const unsigned char *end;  /* end of the records */
	uint32_t left;             /* refs of the block still to decode */
	uint32_t nrefs;            /* refs in the current block */
	uint64_t block_off;        /* file offset of the current block */
	uint64_t prev[2];          /* previous address: instr, data */
	uint32_t asid;             /* previous record's asid */
	uint16_t size;             /* previous record's size */
	int done;                  /* the index or the end was reached */
	int err;                   /* sticky error status */
};

static int native_probe(const unsigned char *head, size_t n)
{
	return n >= 8 && memcmp(head, NATIVE_MAGIC, 8) == 0;
}

static int native_open(struct trace_reader *r)
{
	const char *path = stream_path(r->s);
	struct native_rd *st;
	unsigned char h[NATIVE_HEADER_SIZE];
	uint32_t version, bom, shift;
	long got;

	got = stream_read(r->s, h, sizeof h);
	if (got < 0)
		return (int)got;
	if (got == 0)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s: empty trace (a native trace starts with a %u-byte header)",
			       path, NATIVE_HEADER_SIZE);
	if (memcmp(h, NATIVE_MAGIC, (size_t)got < 8 ? (size_t)got : 8) != 0)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s: not a vmsim native trace (bad magic at byte 0)",
			       path);
	if ((size_t)got < sizeof h)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s: truncated native header at byte %ld (a header has %u bytes)",
			       path, got, NATIVE_HEADER_SIZE);
	version = get32(h + 8);
	if (version != NATIVE_VERSION)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s: unsupported native trace version %u at byte 8 "
			       "(this vmsim reads version %u)", path, version,
			       NATIVE_VERSION);
	bom = get32(h + 12);
	if (bom != NATIVE_BOM)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s: bad byte-order mark 0x%08x at byte 12 (expected 0x%08x)",
			       path, bom, NATIVE_BOM);
	st = calloc(1, sizeof *st);
	if (!st)
		return vm_fail(r->diag, VM_ERR_NOMEM, "%s: out of memory", path);
	r->state = st;
	st->flags = get32(h + 16);
	if (st->flags & ~(NATIVE_F_COMPLETE | NATIVE_F_HAS_ASID))
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s: unknown native header flags 0x%x at byte 16", path,
			       st->flags);
	shift = get32(h + 20);
	if (shift > 63)
		return vm_fail(r->diag, VM_ERR_FORMAT,
			       "%s: page-shift hint %u at byte 20 is beyond 63", path,
			       shift);
	st->total_refs = get64(h + 24);
	st->nblocks = get64(h + 32);
	st->index_off = get64(h + 40);
	st->block_max = get32(h + 48);
	r->hint_page_shift = shift;
	if (st->flags & NATIVE_F_COMPLETE)
		r->hint_refs = st->total_refs; /* a promise, checked at the end */
	return 0;
}

/* The file ended (or tore) at the current offset; where says where. */
static int native_torn(struct trace_reader *r, struct native_rd *st,
		       const char *where)
{
	if (!(st->flags & NATIVE_F_COMPLETE)) {
		/* an unfinished trace: what was whole has been delivered */
		st->done = 1;
		return 0;
	}
	return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
		"%s: truncated native trace at byte %llu (%s; the header promises "
		"%llu refs in %llu blocks, %llu blocks were read)",
		stream_path(r->s), (unsigned long long)stream_offset(r->s), where,
		(unsigned long long)st->total_refs,
		(unsigned long long)st->nblocks, (unsigned long long)st->blocks);
}

static int grow(unsigned char **buf, size_t *cap, size_t need)
{
	unsigned char *p;

	if (need <= *cap)
		return 0;
	p = realloc(*buf, need);
	if (!p)
		return VM_ERR_NOMEM;
	*buf = p;
	*cap = need;
	return 0;
}

static void index_entry(unsigned char e[16], uint64_t off, uint64_t refs)
{
	put64(e, off);
	put64(e + 8, refs);
}

/* Check the index at off against the header and the blocks read. */
static int native_index(struct trace_reader *r, struct native_rd *st,
			uint64_t off)
{
	const char *path = stream_path(r->s);
	unsigned char buf[16 * IDX_CHUNK];
	const unsigned char *p;
	uint64_t count, i, k;
	uint32_t crc = (uint32_t)crc32(0, NULL, 0);
	long got;

	st->done = 1;
	if (!(st->flags & NATIVE_F_COMPLETE))
		return 0; /* the writer died between index and header */
	if (off != st->index_off)
		return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
			"%s: corrupt native trace: index at byte %llu, but the header says %llu",
			path, (unsigned long long)off,
			(unsigned long long)st->index_off);
	got = stream_read(r->s, buf, 8);
	if (got < 0)
		return st->err = (int)got;
	if (got < 8)
		return native_torn(r, st, "in the index");
	count = get64(buf);
	if (count != st->nblocks || st->blocks != st->nblocks)
		return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
			"%s: corrupt native trace: the index at byte %llu lists %llu blocks, "
			"the header %llu, the file has %llu", path,
			(unsigned long long)off, (unsigned long long)count,
			(unsigned long long)st->nblocks, (unsigned long long)st->blocks);
	if (st->refs != st->total_refs)
		return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
			"%s: corrupt native trace: the header promises %llu refs at byte 24, "
			"the blocks hold %llu",
			path, (unsigned long long)st->total_refs,
			(unsigned long long)st->refs);
	/* count equals the blocks really read, so this loop is bounded by the
	 * file's own size, not by a claim */
	for (i = 0; i < count; i += k) {
		k = count - i < IDX_CHUNK ? count - i : IDX_CHUNK;
		got = stream_read(r->s, buf, (size_t)k * 16);
		if (got < 0)
			return st->err = (int)got;
		if ((uint64_t)got < k * 16)
			return native_torn(r, st, "in the index");
		crc = (uint32_t)crc32(crc, buf, (uInt)got);
	}
	if (crc != st->idx_crc)
		return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
			"%s: corrupt native trace: the index at byte %llu does not match the blocks",
			path, (unsigned long long)off);
	got = stream_fill(r->s, 1, &p);
	if (got < 0)
		return st->err = (int)got;
	if (got > 0)
		return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
			"%s: corrupt native trace: unexpected data after the index at byte %llu",
			path, (unsigned long long)stream_offset(r->s));
	return 0;
}

#define BLOCK_FAIL(...)                                                   \
	(st->err = vm_fail(r->diag, VM_ERR_FORMAT, __VA_ARGS__))

/* Load the next block: 1, 0 at the end of the trace, or < 0. */
static int native_next_block(struct trace_reader *r, struct native_rd *st)
{
	const char *path = stream_path(r->s);
	unsigned char bh[NATIVE_BLOCK_HEADER_SIZE], e[16];
	uint64_t off = stream_offset(r->s);
	unsigned long long boff = (unsigned long long)off;
	uint32_t rawlen, clen, nrefs;
	const char *why;
	long got;
	int zr;

	got = stream_read(r->s, bh, 4);
	if (got < 0)
		return st->err = (int)got;
	if (got == 0)
		return native_torn(r, st, "the index is missing");
	if (got < 4)
		return native_torn(r, st, "in a block header");
	if (memcmp(bh, NATIVE_INDEX_MAGIC, 4) == 0)
		return native_index(r, st, off);
	if (memcmp(bh, NATIVE_BLOCK_MAGIC, 4) != 0)
		return BLOCK_FAIL("%s: corrupt native trace at byte %llu: expected a block "
				  "(VBLK) or the index (VIDX), found %02x %02x %02x %02x",
				  path, boff, bh[0], bh[1], bh[2], bh[3]);
	got = stream_read(r->s, bh + 4, sizeof bh - 4);
	if (got < 0)
		return st->err = (int)got;
	if ((size_t)got < sizeof bh - 4)
		return native_torn(r, st, "in a block header");
	rawlen = get32(bh + 4);
	clen = get32(bh + 8);
	nrefs = get32(bh + 12);
	if (rawlen == 0 || rawlen > NATIVE_MAX_RAW)
		return BLOCK_FAIL("%s: corrupt native block at byte %llu: raw length %u "
				  "is outside 1..%u", path, boff, rawlen, NATIVE_MAX_RAW);
	if (clen == 0 || clen > compressBound(rawlen))
		return BLOCK_FAIL("%s: corrupt native block at byte %llu: compressed length "
				  "%u is impossible for raw length %u", path, boff, clen,
				  rawlen);
	if (nrefs == 0 || nrefs > rawlen)
		return BLOCK_FAIL("%s: corrupt native block at byte %llu: %u refs cannot "
				  "fill %u raw bytes", path, boff, nrefs, rawlen);
	if (st->block_max && nrefs > st->block_max)
		return BLOCK_FAIL("%s: corrupt native block at byte %llu: %u refs, more "
				  "than the header's %u per block", path, boff, nrefs,
				  st->block_max);
	if ((st->flags & NATIVE_F_COMPLETE) && st->blocks >= st->nblocks)
		return BLOCK_FAIL("%s: corrupt native trace at byte %llu: more blocks than "
				  "the header's %llu", path, boff,
				  (unsigned long long)st->nblocks);
	if (grow(&st->comp, &st->comp_cap, clen) < 0 ||
	    grow(&st->raw, &st->raw_cap, rawlen) < 0)
		return st->err = vm_fail(r->diag, VM_ERR_NOMEM, "%s: out of memory", path);
	got = stream_read(r->s, st->comp, clen);
	if (got < 0)
		return st->err = (int)got;
	if ((uint64_t)got < clen)
		return native_torn(r, st, "in a block's payload");
	if (!st->z_live) {
		if (inflateInit(&st->z) != Z_OK)
			return st->err = vm_fail(r->diag, VM_ERR_NOMEM,
						 "%s: out of memory", path);
		st->z_live = 1;
	} else if (inflateReset(&st->z) != Z_OK) {
		return BLOCK_FAIL("%s: cannot reset inflate at byte %llu", path, boff);
	}
	inflateValidate(&st->z, 0); /* the CRC-32 below checks these bytes */
	st->z.next_in = st->comp;
	st->z.avail_in = clen;
	st->z.next_out = st->raw;
	st->z.avail_out = rawlen;
	zr = inflate(&st->z, Z_FINISH);
	if (zr != Z_STREAM_END || st->z.avail_out || st->z.avail_in) {
		if (zr == Z_STREAM_END)
			why = st->z.avail_out ? "it inflates to fewer bytes" :
						"bytes follow its end";
		else if (zr == Z_BUF_ERROR)
			why = st->z.avail_out ? "it is cut short" :
						"it inflates to more bytes";
		else
			why = st->z.msg ? st->z.msg : "invalid deflate data";
		return BLOCK_FAIL("%s: corrupt native block at byte %llu: payload of %u "
				  "bytes does not inflate to %u: %s", path, boff, clen,
				  rawlen, why);
	}
	if ((uint32_t)crc32(0, st->raw, rawlen) != get32(bh + 16))
		return BLOCK_FAIL("%s: corrupt native block at byte %llu: CRC-32 mismatch",
				  path, boff);
	st->p = st->raw;
	st->end = st->raw + rawlen;
	st->left = st->nrefs = nrefs;
	st->block_off = off;
	st->prev[0] = st->prev[1] = 0;
	st->asid = 0;
	st->size = 0;
	st->blocks++;
	st->refs += nrefs;
	index_entry(e, off, nrefs);
	st->idx_crc = (uint32_t)crc32(st->idx_crc, e, sizeof e);
	return 1;
}

/* Decode up to want (<= st->left) records into out: count or < 0. */
static long native_decode(struct trace_reader *r, struct native_rd *st,
			  struct ref *out, size_t want)
{
	const unsigned char *p = st->p, *end = st->end, *rec;
	uint64_t ip = st->prev[0], dp = st->prev[1], a, z, v;
	uint32_t asid = st->asid;
	uint16_t size = st->size;
	enum varint_status vs = VARINT_OK;
	const char *why;
	unsigned tag, kind;
	size_t i;

	for (i = 0; i < want; i++) {
		rec = p;
		if (p >= end) {
			why = "the block ends early";
			goto bad;
		}
		tag = *p++;
		z = tag >> 4;
		if (z == 15 && (vs = get_varint(&p, end, &z)) != VARINT_OK)
			goto bad_varint;
		kind = tag & 3;
		/* two named locals, not prev[kind != REF_INSTR]: an indexed
		 * array would live in memory, one store-load chain per ref */
		a = (kind == REF_INSTR ? ip : dp) + unzigzag(z);
		if (kind == REF_INSTR)
			ip = a;
		else
			dp = a;
		if (tag & 4) {
			if ((vs = get_varint(&p, end, &v)) != VARINT_OK)
				goto bad_varint;
			if (v > UINT16_MAX) {
				why = "size beyond 65535";
				goto bad;
			}
			size = (uint16_t)v;
		}
		if (tag & 8) {
			if ((vs = get_varint(&p, end, &v)) != VARINT_OK)
				goto bad_varint;
			if (v > UINT32_MAX) {
				why = "asid beyond 2^32-1";
				goto bad;
			}
			asid = (uint32_t)v;
		}
		out[i].addr = a;
		out[i].asid = asid;
		out[i].size = size;
		out[i].kind = (uint8_t)kind;
		out[i].pad = 0;
	}
	st->p = p;
	st->prev[0] = ip;
	st->prev[1] = dp;
	st->asid = asid;
	st->size = size;
	st->left -= (uint32_t)want;
	if (st->left == 0 && p != end)
		return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
			"%s: corrupt native block at byte %llu: %zu bytes left over "
			"after its %u records (raw byte %zu)", stream_path(r->s),
			(unsigned long long)st->block_off, (size_t)(end - p),
			st->nrefs, (size_t)(p - st->raw));
	return (long)want;
bad_varint:
	why = vs == VARINT_SHORT ? "a varint runs past the end of the block" :
				   "a varint overflows 64 bits";
bad:
	return st->err = vm_fail(r->diag, VM_ERR_FORMAT,
		"%s: corrupt native block at byte %llu: record %llu of %u "
		"(raw byte %zu): %s", stream_path(r->s),
		(unsigned long long)st->block_off,
		(unsigned long long)(st->nrefs - st->left + i + 1), st->nrefs,
		(size_t)(rec - st->raw), why);
}

static long native_read(struct trace_reader *r, struct ref *buf, size_t cap)
{
	struct native_rd *st = r->state;
	size_t n = 0, want;
	long got;
	int rc;

	if (st->err)
		return st->err;
	while (n < cap) {
		if (st->left == 0) {
			if (st->done)
				break;
			rc = native_next_block(r, st);
			if (rc < 0)
				return rc;
			if (rc == 0)
				break;
		}
		want = cap - n < st->left ? cap - n : st->left;
		got = native_decode(r, st, buf + n, want);
		if (got < 0)
			return got;
		n += (size_t)got;
	}
	return (long)n;
}

static void native_close(struct trace_reader *r)
{
	struct native_rd *st = r->state;

	if (!st)
		return;
	if (st->z_live)
		inflateEnd(&st->z);
	free(st->comp);
	free(st->raw);
	free(st);
	r->state = NULL;
}

/* ------------------------------------------------------------- writer */

struct native_wr {
	unsigned char *raw;    /* records of the block being built */
	size_t raw_len;        /* bytes used in raw */
	size_t raw_cap;        /* block_refs * NATIVE_MAX_RECORD */
	unsigned char *comp;   /* compressed payload */
	size_t comp_cap;       /* compressBound(raw_cap) */
	uint32_t block_refs;   /* refs per block */
	uint32_t nrefs;        /* refs in the block being built */
	uint64_t prev[2];      /* previous address: instr, data */
	uint32_t asid;         /* previous record's asid */
	uint16_t size;         /* previous record's size */
	uint64_t off;          /* bytes written to the file so far */
	uint64_t total;        /* refs in finished blocks */
	uint64_t *index;       /* offset, refs of each finished block */
	size_t nblocks;        /* finished blocks */
	size_t index_cap;      /* allocated entries of index (pairs) */
	uint32_t flags;        /* NATIVE_F_HAS_ASID once seen */
	uint32_t page_shift;   /* hint for the header */
	int level;             /* zlib level for the next block */
	z_stream z;            /* deflate, reset for each block */
	int z_level;           /* the level z was set up with */
	int z_live;            /* z was set up by deflateInit */
};

static void native_header(unsigned char h[NATIVE_HEADER_SIZE],
			  const struct native_wr *st, uint32_t flags,
			  uint64_t index_off)
{
	memset(h, 0, NATIVE_HEADER_SIZE);
	memcpy(h, NATIVE_MAGIC, 8);
	put32(h + 8, NATIVE_VERSION);
	put32(h + 12, NATIVE_BOM);
	put32(h + 16, flags);
	put32(h + 20, st->page_shift);
	put64(h + 24, st->total);
	put64(h + 32, st->nblocks);
	put64(h + 40, index_off);
	put32(h + 48, st->block_refs);
}

static int native_wopen(struct trace_writer *w)
{
	struct native_wr *st;
	unsigned char h[NATIVE_HEADER_SIZE];
	int rc;

	st = calloc(1, sizeof *st);
	if (!st)
		return vm_fail(w->diag, VM_ERR_NOMEM, "%s: out of memory", w->path);
	st->block_refs = NATIVE_BLOCK_REFS;
	st->level = 6;
	native_header(h, st, 0, 0);
	rc = trace_sink_write(w, h, sizeof h);
	if (rc < 0) {
		free(st);
		return rc;
	}
	st->off = sizeof h;
	w->state = st;
	return 0;
}

static int native_flush_block(struct trace_writer *w, struct native_wr *st)
{
	unsigned char bh[NATIVE_BLOCK_HEADER_SIZE];
	size_t clen;
	uint64_t *ni;
	size_t ncap;
	int rc;

	if (st->nrefs == 0)
		return 0;
	if (st->nblocks == st->index_cap) {
		ncap = st->index_cap ? st->index_cap * 2 : 64;
		ni = realloc(st->index, ncap * 2 * sizeof *ni);
		if (!ni)
			return vm_fail(w->diag, VM_ERR_NOMEM, "%s: out of memory", w->path);
		st->index = ni;
		st->index_cap = ncap;
	}
	if (st->z_live && st->z_level != st->level) {
		deflateEnd(&st->z);
		st->z_live = 0;
	}
	if (!st->z_live) {
		if (deflateInit(&st->z, st->level) != Z_OK)
			return vm_fail(w->diag, VM_ERR_NOMEM, "%s: out of memory",
				       w->path);
		st->z_live = 1;
		st->z_level = st->level;
	} else if (deflateReset(&st->z) != Z_OK) {
		return vm_fail(w->diag, VM_ERR_NOMEM, "%s: cannot reset deflate",
			       w->path);
	}
	st->z.next_in = st->raw;
	st->z.avail_in = (uInt)st->raw_len;
	st->z.next_out = st->comp;
	st->z.avail_out = (uInt)st->comp_cap;
	if (deflate(&st->z, Z_FINISH) != Z_STREAM_END)
		return vm_fail(w->diag, VM_ERR_NOMEM, "%s: deflate failed", w->path);
	clen = st->comp_cap - st->z.avail_out;
	memcpy(bh, NATIVE_BLOCK_MAGIC, 4);
	put32(bh + 4, (uint32_t)st->raw_len);
	put32(bh + 8, (uint32_t)clen);
	put32(bh + 12, st->nrefs);
	put32(bh + 16, (uint32_t)crc32(0, st->raw, (uInt)st->raw_len));
	rc = trace_sink_write(w, bh, sizeof bh);
	if (rc == 0)
		rc = trace_sink_write(w, st->comp, clen);
	if (rc < 0)
		return rc;
	st->index[2 * st->nblocks] = st->off;
	st->index[2 * st->nblocks + 1] = st->nrefs;
	st->nblocks++;
	st->off += sizeof bh + clen;
	st->total += st->nrefs;
	st->nrefs = 0;
	st->raw_len = 0;
	st->prev[0] = st->prev[1] = 0;
	st->asid = 0;
	st->size = 0;
	return 0;
}

static int native_write(struct trace_writer *w, const struct ref *refs, size_t n)
{
	struct native_wr *st = w->state;
	unsigned char *q;
	uint64_t z;
	unsigned tag, cls;
	size_t i;
	int rc;

	if (!st->raw) {
		st->raw_cap = (size_t)st->block_refs * NATIVE_MAX_RECORD;
		st->comp_cap = compressBound(st->raw_cap);
		st->raw = malloc(st->raw_cap);
		st->comp = malloc(st->comp_cap);
		if (!st->raw || !st->comp)
			return vm_fail(w->diag, VM_ERR_NOMEM, "%s: out of memory", w->path);
	}
	for (i = 0; i < n; i++) {
		const struct ref *f = &refs[i];

		if (f->kind >= REF_NKINDS)
			return vm_fail(w->diag, VM_ERR_USAGE,
				       "%s: reference %llu has invalid kind %u", w->path,
				       (unsigned long long)(w->nwritten + i), f->kind);
		q = st->raw + st->raw_len;
		cls = f->kind != REF_INSTR;
		z = zigzag(f->addr - st->prev[cls]);
		st->prev[cls] = f->addr;
		tag = f->kind;
		if (f->size != st->size)
			tag |= 4;
		if (f->asid != st->asid)
			tag |= 8;
		if (z < 15) {
			*q++ = (unsigned char)(tag | (unsigned)z << 4);
		} else {
			*q++ = (unsigned char)(tag | 0xf0);
			q = put_varint(q, z);
		}
		if (tag & 4) {
			q = put_varint(q, f->size);
			st->size = f->size;
		}
		if (tag & 8) {
			q = put_varint(q, f->asid);
			st->asid = f->asid;
			st->flags |= NATIVE_F_HAS_ASID;
		}
		st->raw_len = (size_t)(q - st->raw);
		if (++st->nrefs == st->block_refs) {
			rc = native_flush_block(w, st);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int native_wclose(struct trace_writer *w)
{
	struct native_wr *st = w->state;
	unsigned char buf[16 * IDX_CHUNK], h[NATIVE_HEADER_SIZE];
	uint64_t index_off;
	size_t i, k;
	int rc = 0;

	if (!st)
		return 0;
	if (!w->f)
		goto out; /* aborted */
	rc = native_flush_block(w, st);
	if (rc < 0)
		goto out;
	index_off = st->off;
	memcpy(buf, NATIVE_INDEX_MAGIC, 4);
	put64(buf + 4, st->nblocks);
	rc = trace_sink_write(w, buf, 12);
	for (i = 0; rc == 0 && i < st->nblocks; i++) {
		k = i % IDX_CHUNK;
		index_entry(buf + 16 * k, st->index[2 * i], st->index[2 * i + 1]);
		if (k == IDX_CHUNK - 1 || i + 1 == st->nblocks)
			rc = trace_sink_write(w, buf, 16 * (k + 1));
	}
	if (rc < 0)
		goto out;
	native_header(h, st, NATIVE_F_COMPLETE | st->flags, index_off);
	if (fflush(w->f) != 0 || fseek(w->f, 0, SEEK_SET) != 0 ||
	    fwrite(h, 1, sizeof h, w->f) != sizeof h || fflush(w->f) != 0) {
		rc = vm_fail(w->diag, VM_ERR_IO, "%s: cannot complete the header: %s",
			     w->path, strerror(errno));
		goto out;
	}
out:
	if (st->z_live)
		deflateEnd(&st->z);
	free(st->raw);
	free(st->comp);
	free(st->index);
	free(st);
	w->state = NULL;
	return rc;
}

/* The writer state, if w is a native writer. */
static struct native_wr *native_wr_of(struct trace_writer *w)
{
	return w && w->fmt == &native_format ? w->state : NULL;
}

int native_writer_set_level(struct trace_writer *w, int level)
{
	struct native_wr *st = native_wr_of(w);

	if (!st || level < 0 || level > 9)
		return VM_ERR_USAGE;
	st->level = level;
	return 0;
}

int native_writer_set_page_shift(struct trace_writer *w, uint32_t shift)
{
	struct native_wr *st = native_wr_of(w);

	if (!st || shift > 63)
		return VM_ERR_USAGE;
	st->page_shift = shift;
	return 0;
}

int native_writer_set_block_refs(struct trace_writer *w, uint32_t refs)
{
	struct native_wr *st = native_wr_of(w);

	if (!st || st->raw || refs < 1 || refs > NATIVE_MAX_BLOCK_REFS)
		return VM_ERR_USAGE;
	st->block_refs = refs;
	return 0;
}

const struct trace_format native_format = {
	.name = "native",
	.summary = "vmsim's compressed binary trace (.vmt): blocks of delta-coded refs",
	.ext = ".vmt",
	.flags = TRACE_FMT_COMPRESSED | TRACE_FMT_SEEKS, /* its own deflate; header at the end */
	.probe = native_probe,
	.open = native_open,
	.read = native_read,
	.close = native_close,
	.wopen = native_wopen,
	.write = native_write,
	.wclose = native_wclose,
};
