/*
 * test_trace.c - trace streams, readers and writers.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   round trips   random refs (every kind, sizes, asids, addresses 0 and
 *                 UINT64_MAX, jumps both ways) through native (one block,
 *                 many blocks, 0 refs), lackey and text, plain and gzip'd,
 *                 read back in odd batch sizes
 *   golden        a real Lackey log excerpt, text syntax variants, a native
 *                 block assembled by hand from the layout in native.h
 *   detection     from content, never the name; concatenated gzip members;
 *                 standard input
 *   bad inputs    each asserting the status and that the message names the
 *                 file and the line or byte: missing, unknown, empty,
 *                 malformed lines, 64-bit overflow, huge lines, NUL bytes,
 *                 truncated and corrupt gzip, and native files truncated,
 *                 flipped, or with absurd lengths, counts and varints
 *   writers       atomic: no file after abort, no temporary after close
 *
 * Scratch files live in a mkdtemp directory under /tmp, removed at the end.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "collect.h"
#include "native.h"
#include "replay.h"

static char tmpdir[64]; /* the scratch directory */

/* ------------------------------------------------------------ helpers */

/* tmpdir/name in one of a few rotating buffers */
static const char *P(const char *name)
{
	static char bufs[8][256];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
	return b;
}

static void put_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (n)
		assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void put_str(const char *path, const char *s)
{
	put_file(path, s, strlen(s));
}

static unsigned char *get_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* gzip p into path as one member */
static void put_gz(const char *path, const void *p, size_t n, const char *mode)
{
	gzFile g = gzopen(path, mode);

	assert_non_null(g);
	if (n)
		assert_int_equal(gzwrite(g, p, (unsigned)n), (int)n);
	assert_int_equal(gzclose(g), Z_OK);
}

static uint64_t trng(uint64_t *x)
{
	uint64_t z;

	*x += UINT64_C(0x9e3779b97f4a7c15);
	z = *x;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * n refs meant to stress delta coding: runs of small strides in either
 * direction, jumps anywhere in 64 bits, 0 and UINT64_MAX, sizes and asids
 * that mostly repeat and sometimes change to anything.
 */
static struct ref *random_refs(size_t n, uint64_t seed)
{
	struct ref *v = calloc(n ? n : 1, sizeof *v);
	uint64_t x = seed, a[2] = { 0x400000, 0x7ffc0000 }, r;
	uint16_t size = 4;
	uint32_t asid = 0;
	size_t i;
	unsigned c;

	assert_non_null(v);
	for (i = 0; i < n; i++) {
		r = trng(&x);
		v[i].kind = (uint8_t)(r & 3);
		c = v[i].kind != REF_INSTR;
		switch ((r >> 2) % 16) {
		case 0: a[c] = trng(&x); break;               /* anywhere */
		case 1: a[c] = 0; break;
		case 2: a[c] = UINT64_MAX; break;
		case 3: a[c] -= trng(&x) % 100000; break;     /* back */
		case 4: a[c] += UINT64_C(1) << (r >> 8) % 64; break;
		case 5: a[c] -= UINT64_C(1) << (r >> 8) % 64; break;
		default: a[c] += (r >> 8) % 16 - 4; break;   /* small strides */
		}
		if ((r >> 20) % 50 == 0)
			size = (uint16_t)trng(&x);
		if ((r >> 20) % 50 == 1)
			size = (r >> 30) % 2 ? UINT16_MAX : 0;
		if ((r >> 27) % 100 == 0)
			asid = (uint32_t)trng(&x);
		if ((r >> 27) % 100 == 1)
			asid = (r >> 40) % 2 ? UINT32_MAX : 0;
		v[i].addr = a[c];
		v[i].size = size;
		v[i].asid = asid;
	}
	return v;
}

static void write_trace(const char *path, const struct trace_format *fmt,
			int gz, const struct ref *refs, size_t n,
			uint32_t block_refs)
{
	struct trace_writer *w;
	struct vm_diag d = { 0 };
	size_t i, k;

	assert_int_equal(trace_writer_open(&w, path, fmt, gz, &d), 0);
	if (block_refs)
		assert_int_equal(native_writer_set_block_refs(w, block_refs), 0);
	/* in uneven pieces, so blocks straddle calls */
	for (i = 0; i < n; i += k) {
		k = (i * 7 + 13) % 5000 + 1;
		if (k > n - i)
			k = n - i;
		if (trace_writer_write(w, refs + i, k) != 0)
			fail_msg("write: %s", d.msg);
	}
	if (trace_writer_close(w) != 0)
		fail_msg("close: %s", d.msg);
}

/*
 * Read a whole trace (fmt NULL: detect) in batches of varied size.  Returns
 * the refs, *n, and the status (0, or the first error) in *rc; d holds the
 * message.
 */
static struct ref *read_trace(const char *path, const struct trace_format *fmt,
			      size_t *n, int *rc, struct vm_diag *d,
			      const struct trace_format **found)
{
	struct trace_reader *r;
	struct ref *v = NULL;
	size_t cap = 0, len = 0, batch = 1;
	long got;

	memset(d, 0, sizeof *d);
	*n = 0;
	*rc = trace_open(&r, path, fmt, d);
	if (*rc != 0)
		return NULL;
	if (found)
		*found = r->fmt;
	for (;;) {
		if (len + batch > cap) {
			cap = (len + batch) * 2;
			v = realloc(v, cap * sizeof *v);
			assert_non_null(v);
		}
		got = trace_read(r, v + len, batch);
		if (got < 0) {
			*rc = (int)got;
			break;
		}
		if (got == 0)
			break;
		assert_true((size_t)got <= batch);
		len += (size_t)got;
		batch = batch * 3 % 9001 + 1; /* 1, 4, 13, 40, ... */
	}
	if (*rc == 0)
		assert_int_equal(r->nread, len);
	trace_close(r);
	*n = len;
	return v;
}

/* Fields each format carries. */
enum { F_ADDR = 1, F_KIND = 2, F_SIZE = 4, F_ASID = 8, F_ALL = 15 };

static void compare(const struct ref *want, const struct ref *got, size_t n,
		    unsigned fields)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (((fields & F_ADDR) && want[i].addr != got[i].addr) ||
		    ((fields & F_KIND) && want[i].kind != got[i].kind) ||
		    ((fields & F_SIZE) && want[i].size != got[i].size) ||
		    ((fields & F_ASID) && want[i].asid != got[i].asid) ||
		    (!(fields & F_SIZE) && got[i].size != 0) ||
		    (!(fields & F_ASID) && got[i].asid != 0) || got[i].pad != 0)
			fail_msg("ref %zu: want %llx/%u/%u/%u got %llx/%u/%u/%u", i,
				 (unsigned long long)want[i].addr, want[i].kind,
				 want[i].size, want[i].asid,
				 (unsigned long long)got[i].addr, got[i].kind,
				 got[i].size, got[i].asid);
	}
}

/* Reading path (fmt NULL: detect) must fail with code, and the message must
 * name the file and contain each of the given fragments (NULL-terminated). */
static void expect_fail(const char *path, const struct trace_format *fmt,
			int code, ...)
{
	struct vm_diag d;
	struct ref *v;
	const char *frag;
	size_t n;
	int rc;
	va_list ap;

	v = read_trace(path, fmt, &n, &rc, &d, NULL);
	free(v);
	if (rc != code)
		fail_msg("%s: status %d, want %d (%s)", path, rc, code, d.msg);
	assert_int_equal(d.code, code);
	if (!strstr(d.msg, path))
		fail_msg("message does not name the file: %s", d.msg);
	va_start(ap, code);
	while ((frag = va_arg(ap, const char *)) != NULL)
		if (!strstr(d.msg, frag))
			fail_msg("message lacks '%s': %s", frag, d.msg);
	va_end(ap);
}

/* Names in tmpdir that start with prefix. */
static int count_prefixed(const char *prefix)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(dir);
	return n;
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/vmsim-test-trace.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *e;
	char path[512];

	(void)state;
	if (!dir)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(dir);
	return rmdir(tmpdir);
}

/* --------------------------------------------------------- registry */

static void test_registry(void **state)
{
	char buf[64];

	(void)state;
	assert_ptr_equal(trace_format_find("native"), &native_format);
	assert_ptr_equal(trace_format_find("lackey"), &lackey_format);
	assert_ptr_equal(trace_format_find("text"), &text_format);
	assert_null(trace_format_find("din"));
	assert_string_equal(trace_format_names(buf, sizeof buf), "native lackey text");
	assert_string_equal(trace_format_names(buf, 10), "native");
}

/* ------------------------------------------------------- round trips */

static void roundtrip(const char *name, const struct trace_format *fmt, int gz,
		      size_t n, uint32_t block_refs, unsigned fields, uint64_t seed)
{
	const struct trace_format *found = NULL;
	struct ref *want = random_refs(n, seed), *got;
	struct vm_diag d;
	size_t m;
	int rc;

	write_trace(P(name), fmt, gz, want, n, block_refs);
	got = read_trace(P(name), NULL, &m, &rc, &d, &found);
	if (rc != 0)
		fail_msg("%s: %s", name, d.msg);
	assert_ptr_equal(found, fmt);
	assert_int_equal(m, n);
	compare(want, got, n, fields);
	/* and forced */
	free(got);
	got = read_trace(P(name), fmt, &m, &rc, &d, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(m, n);
	compare(want, got, n, fields);
	free(got);
	free(want);
}

static void test_roundtrip_native(void **state)
{
	struct trace_reader *r;
	struct vm_diag d = { 0 };

	(void)state;
	/* > 65536 refs: several default blocks, the last one short */
	roundtrip("rt.vmt", &native_format, 0, 3 * NATIVE_BLOCK_REFS + 1234, 0,
		  F_ALL, 1);
	assert_int_equal(trace_open(&r, P("rt.vmt"), NULL, &d), 0);
	assert_int_equal(r->hint_refs, 3 * NATIVE_BLOCK_REFS + 1234);
	trace_close(r);
	/* exactly one full block, and tiny blocks */
	roundtrip("rt1.vmt", &native_format, 0, NATIVE_BLOCK_REFS, 0, F_ALL, 2);
	roundtrip("rt2.vmt", &native_format, 0, 5000, 7, F_ALL, 3);
	roundtrip("rt3.vmt", &native_format, 0, 300, 1, F_ALL, 4);
	roundtrip("rt4.vmt", &native_format, 1, 1, 0, F_ALL, 5); /* gzip ignored */
}

static void test_native_zero_refs(void **state)
{
	struct trace_reader *r;
	struct vm_diag d = { 0 };
	struct ref buf[4];
	unsigned char *p;
	size_t n;

	(void)state;
	write_trace(P("zero.vmt"), &native_format, 0, NULL, 0, 0);
	p = get_file(P("zero.vmt"), &n);
	assert_int_equal(n, NATIVE_HEADER_SIZE + 12);
	assert_memory_equal(p, "VMSIMTRC", 8);
	assert_int_equal(p[16], NATIVE_F_COMPLETE);
	assert_memory_equal(p + 64, "VIDX", 4);
	free(p);
	assert_int_equal(trace_open(&r, P("zero.vmt"), NULL, &d), 0);
	assert_ptr_equal(r->fmt, &native_format);
	assert_int_equal(trace_read(r, buf, 4), 0);
	assert_int_equal(trace_read(r, buf, 4), 0);
	trace_close(r);
}

static void test_native_writer_settings(void **state)
{
	struct trace_writer *w;
	struct trace_reader *r;
	struct vm_diag d = { 0 };
	struct ref *v = random_refs(1000, 9), buf[8];

	(void)state;
	assert_int_equal(trace_writer_open(&w, P("set.vmt"), &native_format, 0, &d), 0);
	assert_int_equal(native_writer_set_level(w, 10), VM_ERR_USAGE);
	assert_int_equal(native_writer_set_level(w, 0), 0);
	assert_int_equal(native_writer_set_page_shift(w, 64), VM_ERR_USAGE);
	assert_int_equal(native_writer_set_page_shift(w, 12), 0);
	assert_int_equal(native_writer_set_block_refs(w, 0), VM_ERR_USAGE);
	assert_int_equal(native_writer_set_block_refs(w, NATIVE_MAX_BLOCK_REFS + 1),
			 VM_ERR_USAGE);
	assert_int_equal(native_writer_set_block_refs(w, 100), 0);
	assert_int_equal(trace_writer_write(w, v, 1000), 0);
	assert_int_equal(native_writer_set_block_refs(w, 50), VM_ERR_USAGE);
	assert_int_equal(trace_writer_close(w), 0);
	assert_int_equal(trace_open(&r, P("set.vmt"), NULL, &d), 0);
	assert_int_equal(r->hint_page_shift, 12);
	assert_int_equal(trace_read(r, buf, 8), 8);
	compare(v, buf, 8, F_ALL);
	trace_close(r);
	free(v);

	/* not a native writer */
	assert_int_equal(trace_writer_open(&w, P("set.txt"), &text_format, 0, &d), 0);
	assert_int_equal(native_writer_set_level(w, 1), VM_ERR_USAGE);
	trace_writer_abort(w);
}

static void test_roundtrip_lackey(void **state)
{
	(void)state;
	roundtrip("rt.lackey", &lackey_format, 0, 70000, 0,
		  F_ADDR | F_KIND | F_SIZE, 11);
	roundtrip("rt.lackey.gz", &lackey_format, 1, 70000, 0,
		  F_ADDR | F_KIND | F_SIZE, 12);
}

static void test_roundtrip_text(void **state)
{
	(void)state;
	roundtrip("rt.txt", &text_format, 0, 70000, 0, F_ADDR | F_KIND | F_ASID, 21);
	roundtrip("rt.txt.gz", &text_format, 1, 70000, 0, F_ADDR | F_KIND | F_ASID, 22);
}

static void test_writer_output_text(void **state)
{
	static const struct ref v[] = {
		{ .addr = 0x0023c790, .size = 2, .kind = REF_INSTR },
		{ .addr = 0xbe80199c, .size = 4, .kind = REF_STORE },
		{ .addr = 0x1fff000628, .size = 8, .kind = REF_LOAD, .asid = 7 },
		{ .addr = UINT64_MAX, .size = 0, .kind = REF_MODIFY },
		{ .addr = 0, .size = 65535, .kind = REF_LOAD },
	};
	struct trace_writer *w;
	struct vm_diag d = { 0 };
	unsigned char *p;
	size_t n;

	(void)state;
	write_trace(P("out.lackey"), &lackey_format, 0, v, 5, 0);
	p = get_file(P("out.lackey"), &n);
	p[n] = 0;
	assert_string_equal((char *)p,
			    "I  0023c790,2\n"
			    " S be80199c,4\n"
			    " L 1fff000628,8\n"
			    " M ffffffffffffffff,0\n"
			    " L 00000000,65535\n");
	free(p);
	write_trace(P("out.txt"), &text_format, 0, v, 5, 0);
	p = get_file(P("out.txt"), &n);
	p[n] = 0;
	assert_string_equal((char *)p,
			    "I 0x23c790\n"
			    "W 0xbe80199c\n"
			    "R 0x1fff000628 7\n"
			    "M 0xffffffffffffffff\n"
			    "R 0x0\n");
	free(p);

	/* an invalid kind is refused, and nothing is left behind */
	{
		struct ref bad = { .addr = 1, .kind = 9 };

		assert_int_equal(trace_writer_open(&w, P("badkind.txt"), &text_format,
						   0, &d), 0);
		assert_int_equal(trace_writer_write(w, &bad, 1), VM_ERR_USAGE);
		trace_writer_abort(w);
		assert_int_equal(count_prefixed("badkind"), 0);
	}
}

/* ------------------------------------------------------------ golden */

static void test_lackey_golden(void **state)
{
	/* an excerpt of a real log (valgrind-3.19 on /bin/true), with a
	 * superblock line, upper-case hex, CRLF and no final newline mixed in */
	static const char log[] =
		"==3438== Lackey, an example Valgrind tool\n"
		"==3438== Copyright (C) 2002-2017, and GNU GPL'd, by Nicholas Nethercote.\n"
		"==3438== Command: /bin/true\n"
		"==3438== \n"
		"I  0401ab70,3\n"
		" S 1fff000628,8\n"
		"SB 0401B770\n"
		"I  0401B770,1\r\n"
		" L 7FF000298,16\n"
		"\n"
		" M 0025747c,1\n"
		"--3438-- a verbose message\n"
		"==3438==   total:         26,749\n"
		"I  ffffffffffffffff,15";
	static const struct ref want[] = {
		{ .addr = 0x0401ab70, .size = 3, .kind = REF_INSTR },
		{ .addr = 0x1fff000628, .size = 8, .kind = REF_STORE },
		{ .addr = 0x0401b770, .size = 1, .kind = REF_INSTR },
		{ .addr = 0x7ff000298, .size = 16, .kind = REF_LOAD },
		{ .addr = 0x0025747c, .size = 1, .kind = REF_MODIFY },
		{ .addr = UINT64_MAX, .size = 15, .kind = REF_INSTR },
	};
	const struct trace_format *found;
	struct vm_diag d;
	struct ref *v;
	size_t n;
	int rc;

	(void)state;
	put_str(P("golden.lackey"), log);
	v = read_trace(P("golden.lackey"), NULL, &n, &rc, &d, &found);
	if (rc)
		fail_msg("%s", d.msg);
	assert_ptr_equal(found, &lackey_format);
	assert_int_equal(n, 6);
	compare(want, v, n, F_ALL);
	free(v);

	/* a log holding only the banner is lackey, with no refs */
	put_str(P("banner.lackey"), "==1== Lackey, an example Valgrind tool\n==1== \n");
	v = read_trace(P("banner.lackey"), NULL, &n, &rc, &d, &found);
	assert_int_equal(rc, 0);
	assert_ptr_equal(found, &lackey_format);
	assert_int_equal(n, 0);
	free(v);

	/* 16 hex digits after leading zeros still fit */
	put_str(P("zeros.lackey"), "I  0000ffffffffffffffff,4\n");
	v = read_trace(P("zeros.lackey"), NULL, &n, &rc, &d, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 1);
	assert_true(v[0].addr == UINT64_MAX);
	free(v);
}

static void test_text_golden(void **state)
{
	static const char txt[] =
		"# a text trace\n"
		"\n"
		"4096\n"
		"  R 0x1000   # trailing comment\n"
		"\tw\t0X2000\r\n"
		"i 0xABCdef 7\n"
		"M 18446744073709551615 4294967295\n"
		"W 0x0000000000000000000001 0x10\n"
		"R 0x20#tight comment\n"
		"   \t  \n"
		"I 12";
	static const struct ref want[] = {
		{ .addr = 4096, .kind = REF_LOAD },
		{ .addr = 0x1000, .kind = REF_LOAD },
		{ .addr = 0x2000, .kind = REF_STORE },
		{ .addr = 0xabcdef, .kind = REF_INSTR, .asid = 7 },
		{ .addr = UINT64_MAX, .kind = REF_MODIFY, .asid = UINT32_MAX },
		{ .addr = 1, .kind = REF_STORE, .asid = 16 },
		{ .addr = 0x20, .kind = REF_LOAD },
		{ .addr = 12, .kind = REF_INSTR },
	};
	const struct trace_format *found;
	struct vm_diag d;
	struct ref *v;
	size_t n;
	int rc;

	(void)state;
	put_str(P("golden.txt"), txt);
	v = read_trace(P("golden.txt"), NULL, &n, &rc, &d, &found);
	if (rc)
		fail_msg("%s", d.msg);
	assert_ptr_equal(found, &text_format);
	assert_int_equal(n, 8);
	compare(want, v, n, F_ALL);
	free(v);
}

/* Little-endian stores for hand-made native files. */
static void le32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void le64(unsigned char *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

/*
 * A native file with one block of the given raw records, claiming nrefs
 * refs, complete with its index.  Returns the file size.
 */
static size_t make_native(const char *path, const unsigned char *raw,
			  size_t rawlen, uint32_t nrefs)
{
	unsigned char buf[4096];
	uLongf clen = sizeof buf - 200;
	size_t o;

	memset(buf, 0, 64);
	memcpy(buf, "VMSIMTRC", 8);
	le32(buf + 8, 1);
	le32(buf + 12, 0x01020304);
	le32(buf + 16, NATIVE_F_COMPLETE);
	le64(buf + 24, nrefs);
	le64(buf + 32, 1);
	le32(buf + 48, 65536);
	assert_int_equal(compress2(buf + 84, &clen, raw, rawlen, 6), Z_OK);
	memcpy(buf + 64, "VBLK", 4);
	le32(buf + 68, (uint32_t)rawlen);
	le32(buf + 72, (uint32_t)clen);
	le32(buf + 76, nrefs);
	le32(buf + 80, (uint32_t)crc32(0, raw, (uInt)rawlen));
	o = 84 + clen;
	le64(buf + 40, o);
	memcpy(buf + o, "VIDX", 4);
	le64(buf + o + 4, 1);
	le64(buf + o + 12, 64);
	le64(buf + o + 20, nrefs);
	o += 28;
	put_file(path, buf, o);
	return o;
}

static void test_native_golden(void **state)
{
	/*
	 * I 0x1000 size 4: tag f4 (kind 0, SIZE, delta in a varint),
	 *                  zigzag(0x1000) = 0x2000 = varint 80 40, size 04
	 * L 0x10 size 4:   tag f1, zigzag(0x10) = 0x20 = varint 20 (same size)
	 * I 0x1003:        delta 3, zigzag 6 below 15: tag 60
	 * S 0x8 asid 5:    delta -8, zigzag 15: tag fa (kind 2, ASID), varint
	 *                  0f, asid 05
	 */
	static const unsigned char raw[] = {
		0xf4, 0x80, 0x40, 0x04,
		0xf1, 0x20,
		0x60,
		0xfa, 0x0f, 0x05,
	};
	static const struct ref want[] = {
		{ .addr = 0x1000, .size = 4, .kind = REF_INSTR },
		{ .addr = 0x10, .size = 4, .kind = REF_LOAD },
		{ .addr = 0x1003, .size = 4, .kind = REF_INSTR },
		{ .addr = 0x8, .size = 4, .kind = REF_STORE, .asid = 5 },
	};
	struct vm_diag d;
	struct ref *v;
	size_t n;
	int rc;

	(void)state;
	make_native(P("golden.vmt"), raw, sizeof raw, 4);
	v = read_trace(P("golden.vmt"), NULL, &n, &rc, &d, NULL);
	if (rc)
		fail_msg("%s", d.msg);
	assert_int_equal(n, 4);
	compare(want, v, n, F_ALL);
	free(v);

	/* and the writer produces exactly these records */
	{
		unsigned char *p;
		size_t len;
		uLongf rl = 64;
		unsigned char out[64];

		write_trace(P("golden2.vmt"), &native_format, 0, want, 4, 0);
		p = get_file(P("golden2.vmt"), &len);
		assert_memory_equal(p + 64, "VBLK", 4);
		assert_int_equal(p[68], sizeof raw);
		assert_int_equal(uncompress(out, &rl, p + 84, p[72] | p[73] << 8), Z_OK);
		assert_int_equal(rl, sizeof raw);
		assert_memory_equal(out, raw, sizeof raw);
		free(p);
	}
}

/* -------------------------------------------------------- detection */

static void test_detect_by_content(void **state)
{
	const struct trace_format *found;
	struct ref *want = random_refs(3000, 31), *v;
	struct vm_diag d;
	unsigned char *p;
	size_t n, len;
	int rc;

	(void)state;
	/* a lackey trace named .txt */
	write_trace(P("lk.txt"), &lackey_format, 0, want, 3000, 0);
	v = read_trace(P("lk.txt"), NULL, &n, &rc, &d, &found);
	assert_int_equal(rc, 0);
	assert_ptr_equal(found, &lackey_format);
	assert_int_equal(n, 3000);
	free(v);
	/* a gzip'd text trace named .dat */
	write_trace(P("tx.dat"), &text_format, 1, want, 3000, 0);
	p = get_file(P("tx.dat"), &len);
	assert_true(p[0] == 0x1f && p[1] == 0x8b);
	free(p);
	v = read_trace(P("tx.dat"), NULL, &n, &rc, &d, &found);
	assert_int_equal(rc, 0);
	assert_ptr_equal(found, &text_format);
	compare(want, v, 3000, F_ADDR | F_KIND | F_ASID);
	free(v);
	/* a native trace named .lackey */
	write_trace(P("nt.lackey"), &native_format, 0, want, 3000, 0);
	v = read_trace(P("nt.lackey"), NULL, &n, &rc, &d, &found);
	assert_int_equal(rc, 0);
	assert_ptr_equal(found, &native_format);
	compare(want, v, 3000, F_ALL);
	free(v);
	/* a gzip'd native trace: odd, but it is just bytes */
	p = get_file(P("nt.lackey"), &len);
	put_gz(P("nt.gz"), p, len, "wb9");
	free(p);
	v = read_trace(P("nt.gz"), NULL, &n, &rc, &d, &found);
	assert_int_equal(rc, 0);
	assert_ptr_equal(found, &native_format);
	compare(want, v, 3000, F_ALL);
	free(v);
	free(want);
}

static void test_gzip_members_and_stdin(void **state)
{
	const struct trace_format *found;
	struct vm_diag d;
	struct ref *v;
	unsigned char *a, *b, *c;
	size_t n, la, lb;
	int rc, saved, fd;

	(void)state;
	/* cat a.gz b.gz is one valid gzip file */
	put_gz(P("m1.gz"), "R 0x1\nW 0x2\n", 12, "wb");
	put_gz(P("m2.gz"), "I 0x3\n", 6, "wb");
	a = get_file(P("m1.gz"), &la);
	b = get_file(P("m2.gz"), &lb);
	c = malloc(la + lb);
	assert_non_null(c);
	memcpy(c, a, la);
	memcpy(c + la, b, lb);
	put_file(P("m12.gz"), c, la + lb);
	v = read_trace(P("m12.gz"), NULL, &n, &rc, &d, &found);
	if (rc)
		fail_msg("%s", d.msg);
	assert_int_equal(n, 3);
	assert_true(v[2].addr == 3 && v[2].kind == REF_INSTR);
	free(v);
	/* garbage after a member is an error with its offset */
	memcpy(c + la, "junk", 4);
	put_file(P("mjunk.gz"), c, la + 4);
	expect_fail(P("mjunk.gz"), NULL, VM_ERR_FORMAT, "trailing garbage",
		    "compressed byte", NULL);
	free(a);
	free(b);
	free(c);

	/* "-" reads standard input */
	saved = dup(0);
	assert_true(saved >= 0);
	fd = open(P("m12.gz"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	v = read_trace("-", NULL, &n, &rc, &d, &found);
	dup2(saved, 0);
	close(saved);
	if (rc)
		fail_msg("%s", d.msg);
	assert_int_equal(n, 3);
	free(v);
}

static void test_stream(void **state)
{
	struct stream *s;
	struct vm_diag d = { 0 };
	const unsigned char *p;
	unsigned char *data, *back;
	size_t n = 3u << 20, i, k, o = 0;
	uint64_t x = 5;
	long got;

	(void)state;
	data = malloc(n);
	back = malloc(n);
	assert_non_null(data);
	assert_non_null(back);
	for (i = 0; i < n; i++)
		data[i] = (unsigned char)(i % 251 ^ (i >> 12));
	put_gz(P("s.gz"), data, n, "wb1");
	assert_int_equal(stream_open(&s, P("s.gz"), &d), 0);
	assert_true(stream_is_gzip(s));
	assert_ptr_equal(stream_diag(s), &d);
	while (o < n) {
		k = trng(&x) % 400000 + 1;
		if (trng(&x) % 2) {
			got = stream_read(s, back + o, k);
		} else {
			got = stream_fill(s, k > STREAM_MAX_LINE ? STREAM_MAX_LINE : k, &p);
			assert_true(got >= 0);
			if ((size_t)got > k)
				got = (long)k;
			memcpy(back + o, p, (size_t)got);
			stream_consume(s, (size_t)got);
		}
		assert_true(got > 0 || o == n);
		o += (size_t)got;
		assert_int_equal(stream_offset(s), o);
	}
	assert_memory_equal(data, back, n);
	assert_int_equal(stream_read(s, back, 10), 0);
	assert_int_equal(stream_fill(s, 10, &p), 0);
	stream_close(s);

	/* plain; without a diag the stream keeps its own */
	put_file(P("s.bin"), data, 100);
	assert_int_equal(stream_open(&s, P("s.bin"), NULL), 0);
	assert_false(stream_is_gzip(s));
	assert_string_equal(stream_path(s), P("s.bin"));
	assert_int_equal(stream_read(s, back, 1000), 100);
	assert_memory_equal(data, back, 100);
	stream_close(s);
	assert_int_equal(stream_open(&s, P("nothere"), NULL), VM_ERR_IO);
	assert_null(s);
	free(data);
	free(back);
}

/* ------------------------------------------------------ bad inputs */

static void test_missing_unknown_empty(void **state)
{
	static const unsigned char junk[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0,
					      0, 0, 0, 0, 0xff, 0xfe, 0, 1 };
	struct vm_diag d;
	struct ref *v;
	size_t n;
	int rc;

	(void)state;
	expect_fail(P("no-such-file"), NULL, VM_ERR_IO, "cannot open", NULL);
	put_file(P("junk.bin"), junk, sizeof junk);
	expect_fail(P("junk.bin"), NULL, VM_ERR_FORMAT, "unknown trace format",
		    "native lackey text", "7f 45 4c 46", NULL);
	put_str(P("prose.txt"), "Dear reader,\nthis is not a trace.\n");
	expect_fail(P("prose.txt"), NULL, VM_ERR_FORMAT, "unknown trace format", NULL);

	/* empty: an error when detecting, and for native; 0 refs when a text
	 * format is forced */
	put_file(P("empty"), NULL, 0);
	expect_fail(P("empty"), NULL, VM_ERR_FORMAT, "empty trace", NULL);
	expect_fail(P("empty"), &native_format, VM_ERR_FORMAT, "empty trace", NULL);
	v = read_trace(P("empty"), &lackey_format, &n, &rc, &d, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 0);
	free(v);
	v = read_trace(P("empty"), &text_format, &n, &rc, &d, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 0);
	free(v);
	put_gz(P("empty.gz"), NULL, 0, "wb");
	expect_fail(P("empty.gz"), NULL, VM_ERR_FORMAT, "empty trace", "gzip", NULL);
	/* a directory */
	expect_fail(tmpdir, NULL, VM_ERR_IO, NULL);
}

static void test_malformed_lines(void **state)
{
	static const char nul[] = "I  0400,3\n L 10\0 00,8\n";

	(void)state;
	put_str(P("bad3.lackey"), "I  0400,3\n L 1000,8\n X 12,4\n I  0401,3\n");
	expect_fail(P("bad3.lackey"), NULL, VM_ERR_FORMAT, ":3:2: malformed lackey line",
		    "' X 12,4'", NULL);
	put_str(P("badsz.lackey"), "I  0400,3\n L 1000,\n");
	expect_fail(P("badsz.lackey"), NULL, VM_ERR_FORMAT, ":2:9: malformed lackey", NULL);
	put_str(P("bigsz.lackey"), "I  0400,3\n L 1000,65536\n");
	expect_fail(P("bigsz.lackey"), NULL, VM_ERR_FORMAT, ":2:", "size beyond", NULL);
	put_str(P("trail.lackey"), "I  0400,3\nI  0400,3 x\n");
	expect_fail(P("trail.lackey"), NULL, VM_ERR_FORMAT, ":2:", NULL);
	put_file(P("nul.lackey"), nul, sizeof nul - 1);
	expect_fail(P("nul.lackey"), NULL, VM_ERR_FORMAT, ":2:", "NUL", "\\0", NULL);

	put_str(P("bad4.txt"), "# x\nR 0x10\nW 20\nQ 0x30\n");
	expect_fail(P("bad4.txt"), NULL, VM_ERR_FORMAT, ":4:1: malformed text line",
		    "'Q 0x30'", NULL);
	put_str(P("bad2.txt"), "R 0x10\nR 0x1g\n");
	expect_fail(P("bad2.txt"), NULL, VM_ERR_FORMAT, ":2:3: malformed text line", NULL);
	put_str(P("four.txt"), "R 0x10\nR 0x1 2 3\n");
	expect_fail(P("four.txt"), NULL, VM_ERR_FORMAT, ":2:9:", NULL);
	put_str(P("asid.txt"), "R 0x10\nR 0x1 4294967296\n");
	expect_fail(P("asid.txt"), NULL, VM_ERR_FORMAT, ":2:7:", "asid beyond", NULL);
	put_file(P("nul.txt"), "R 0x10\nR 0x20\nR 0\0\n", 18);
	expect_fail(P("nul.txt"), NULL, VM_ERR_FORMAT, ":3:4:", "NUL", NULL);
	/* long lines are quoted short */
	{
		char line[400];

		memset(line, 'z', sizeof line);
		memcpy(line, "R 0x10\n", 7);
		line[sizeof line - 1] = 0;
		put_str(P("longq.txt"), line);
		expect_fail(P("longq.txt"), NULL, VM_ERR_FORMAT, "zzz...'", NULL);
	}
}

static void test_address_beyond_64_bits(void **state)
{
	(void)state;
	put_str(P("wide.lackey"), "I  0400,3\nI  10000000000000000,4\n");
	expect_fail(P("wide.lackey"), NULL, VM_ERR_FORMAT, ":2:",
		    "address beyond 64 bits", NULL);
	put_str(P("wide1.txt"), "R 0x10\nW 0x10000000000000000\n");
	expect_fail(P("wide1.txt"), NULL, VM_ERR_FORMAT, ":2:3:",
		    "address beyond 64 bits", NULL);
	put_str(P("wide2.txt"), "R 0x10\n18446744073709551616\n");
	expect_fail(P("wide2.txt"), NULL, VM_ERR_FORMAT, ":2:1:",
		    "address beyond 64 bits", NULL);
	/* even as the first line, detection still finds the format */
	put_str(P("wide3.txt"), "99999999999999999999999\n");
	expect_fail(P("wide3.txt"), NULL, VM_ERR_FORMAT, ":1:",
		    "address beyond 64 bits", NULL);
}

static void test_huge_lines(void **state)
{
	size_t big = STREAM_MAX_LINE + 4096, i;
	char *p = malloc(big + 64);
	struct vm_diag d;
	struct ref *v;
	size_t n;
	int rc;

	(void)state;
	assert_non_null(p);
	/* no newline at all after the first line */
	memcpy(p, "R 0x10\n", 7);
	memset(p + 7, '1', big);
	put_file(P("huge.txt"), p, big + 7);
	expect_fail(P("huge.txt"), NULL, VM_ERR_LIMIT, ":2:", "longer than", NULL);
	memcpy(p, "I  10,1\n", 8);
	put_file(P("huge.lackey"), p, big + 7);
	expect_fail(P("huge.lackey"), NULL, VM_ERR_LIMIT, ":2:", NULL);
	/* nothing but one huge line of digits (a number too wide for 64 bits,
	 * as far as the probe sees) */
	put_file(P("huge1.txt"), p + 8, big - 1);
	expect_fail(P("huge1.txt"), NULL, VM_ERR_LIMIT, ":1:", NULL);
	expect_fail(P("huge1.txt"), &lackey_format, VM_ERR_LIMIT, ":1:", NULL);
	memcpy(p, "R 0x10\n1", 8);
	/* too long even with its newline */
	p[7 + big] = '\n';
	memcpy(p + 8 + big, "R 0x20\n", 7);
	put_file(P("huge2.txt"), p, big + 15);
	expect_fail(P("huge2.txt"), NULL, VM_ERR_LIMIT, ":2:", NULL);
	/* exactly STREAM_MAX_LINE bytes is fine: blanks, then an address */
	memcpy(p, "R 0x10\n", 7);
	for (i = 7; i < 7 + STREAM_MAX_LINE - 3; i++)
		p[i] = ' ';
	memcpy(p + 7 + STREAM_MAX_LINE - 3, "0x5\nR 0x6\n", 10);
	put_file(P("max.txt"), p, 7 + STREAM_MAX_LINE + 7);
	v = read_trace(P("max.txt"), NULL, &n, &rc, &d, NULL);
	if (rc)
		fail_msg("%s", d.msg);
	assert_int_equal(n, 3);
	assert_true(v[1].addr == 5 && v[2].addr == 6);
	free(v);
	free(p);
}

static void test_bad_gzip(void **state)
{
	static const size_t cuts[] = { 2, 5, 10, 11, 100, 5000 };
	struct ref *want = random_refs(20000, 41);
	unsigned char *p;
	size_t len, i, k;

	(void)state;
	write_trace(P("g.txt.gz"), &text_format, 1, want, 20000, 0);
	free(want);
	p = get_file(P("g.txt.gz"), &len);
	assert_true(len > 20000);
	/* truncated: in the header, in the deflate data, mid-stream, in the
	 * trailer */
	for (i = 0; i < sizeof cuts / sizeof cuts[0] + 4; i++) {
		char name[32], off[48];

		k = i < sizeof cuts / sizeof cuts[0] ? cuts[i] :
		    i == sizeof cuts / sizeof cuts[0] ? len / 2 : len - (i - 5);
		snprintf(name, sizeof name, "gcut%zu.gz", k);
		put_file(P(name), p, k);
		snprintf(off, sizeof off, "at compressed byte %zu", k);
		expect_fail(P(name), NULL, VM_ERR_FORMAT, "truncated gzip stream",
			    off, NULL);
	}
	/* corrupt: a flipped trailer CRC byte, the method byte, a mid byte */
	p[len - 6] ^= 0x40;
	put_file(P("gcrc.gz"), p, len);
	expect_fail(P("gcrc.gz"), NULL, VM_ERR_FORMAT, "corrupt gzip data",
		    "incorrect data check", NULL);
	p[len - 6] ^= 0x40;
	p[2] = 7;
	put_file(P("gmeth.gz"), p, len);
	expect_fail(P("gmeth.gz"), NULL, VM_ERR_FORMAT, "corrupt gzip data",
		    "compressed byte", NULL);
	p[2] = 8;
	p[len / 3] ^= 0x10;
	put_file(P("gmid.gz"), p, len);
	expect_fail(P("gmid.gz"), NULL, VM_ERR_FORMAT, NULL);
	free(p);
}

/* a native file of n refs in blocks of block_refs, read into memory */
static unsigned char *native_bytes(const char *name, size_t nrefs,
				   uint32_t block_refs, size_t *len)
{
	struct ref *v = random_refs(nrefs, 51);

	write_trace(P(name), &native_format, 0, v, nrefs, block_refs);
	free(v);
	return get_file(P(name), len);
}

static void test_native_bad_header(void **state)
{
	unsigned char *p;
	size_t len;

	(void)state;
	p = native_bytes("h.vmt", 100, 0, &len);
	/* bad magic: not detected; forced, named */
	p[3] ^= 1;
	put_file(P("hmagic.vmt"), p, len);
	expect_fail(P("hmagic.vmt"), NULL, VM_ERR_FORMAT, "unknown trace format", NULL);
	expect_fail(P("hmagic.vmt"), &native_format, VM_ERR_FORMAT, "bad magic",
		    "byte 0", NULL);
	p[3] ^= 1;
	/* unknown version */
	p[8] = 2;
	put_file(P("hver.vmt"), p, len);
	expect_fail(P("hver.vmt"), NULL, VM_ERR_FORMAT, "version 2", "byte 8", NULL);
	p[8] = 1;
	/* byte-order mark, unknown flags, page shift */
	p[12] = 1;
	put_file(P("hbom.vmt"), p, len);
	expect_fail(P("hbom.vmt"), NULL, VM_ERR_FORMAT, "byte-order mark", NULL);
	p[12] = 4;
	p[17] = 1;
	put_file(P("hflags.vmt"), p, len);
	expect_fail(P("hflags.vmt"), NULL, VM_ERR_FORMAT, "flags", "byte 16", NULL);
	p[17] = 0;
	p[20] = 64;
	put_file(P("hshift.vmt"), p, len);
	expect_fail(P("hshift.vmt"), NULL, VM_ERR_FORMAT, "page-shift", NULL);
	p[20] = 0;
	/* truncated inside the header */
	put_file(P("h10.vmt"), p, 10);
	expect_fail(P("h10.vmt"), NULL, VM_ERR_FORMAT, "truncated native header",
		    "byte 10", NULL);
	put_file(P("h63.vmt"), p, 63);
	expect_fail(P("h63.vmt"), NULL, VM_ERR_FORMAT, "byte 63", NULL);
	/* 2^60 refs promised by a complete header, then a short file: no huge
	 * allocation, a truncation error */
	le64(p + 24, UINT64_C(1) << 60);
	le64(p + 32, UINT64_C(1) << 40);
	put_file(P("hhuge.vmt"), p, 64 + 20 + 10);
	expect_fail(P("hhuge.vmt"), NULL, VM_ERR_FORMAT, "truncated native trace",
		    "byte 94", NULL);
	put_file(P("hhuge0.vmt"), p, 64);
	expect_fail(P("hhuge0.vmt"), NULL, VM_ERR_FORMAT, "truncated native trace",
		    "byte 64", "index is missing", NULL);
	/* the counts disagree with the blocks */
	put_file(P("hcount.vmt"), p, len);
	expect_fail(P("hcount.vmt"), NULL, VM_ERR_FORMAT, "index", NULL);
	free(p);
}

static void test_native_truncated(void **state)
{
	unsigned char *p;
	size_t len, index_off, clen, i, k;
	uint64_t cuts[8];
	struct vm_diag d;
	struct ref *v;
	size_t n;
	int rc;

	(void)state;
	p = native_bytes("t.vmt", 1000, 100, &len);   /* 10 blocks */
	index_off = p[40] | p[41] << 8 | (size_t)p[42] << 16;
	assert_int_equal(len, index_off + 12 + 10 * 16);
	clen = p[72] | p[73] << 8 | (size_t)p[74] << 16;
	cuts[0] = 64 + 3;                 /* in a block's magic */
	cuts[1] = 64 + 10;                /* in a block header */
	cuts[2] = 64 + 20 + clen / 2;     /* mid-payload */
	cuts[3] = 64 + 20 + clen;         /* between blocks */
	cuts[4] = index_off;              /* before the index */
	cuts[5] = index_off + 6;          /* in the index count */
	cuts[6] = index_off + 12 + 20;    /* in the index entries */
	cuts[7] = len - 1;
	for (i = 0; i < 8; i++) {
		char name[32], off[32];

		snprintf(name, sizeof name, "tcut%zu.vmt", i);
		snprintf(off, sizeof off, "at byte %llu", (unsigned long long)cuts[i]);
		put_file(P(name), p, cuts[i]);
		expect_fail(P(name), NULL, VM_ERR_FORMAT, "truncated native trace",
			    off, NULL);
	}
	/* trailing data after the index */
	p = realloc(p, len + 1);
	assert_non_null(p);
	p[len] = 0;
	put_file(P("ttail.vmt"), p, len + 1);
	expect_fail(P("ttail.vmt"), NULL, VM_ERR_FORMAT, "after the index", NULL);
	/* an index entry that does not match its block */
	p[index_off + 12 + 16 * 3 + 8] ^= 1;
	put_file(P("tidx.vmt"), p, len);
	expect_fail(P("tidx.vmt"), NULL, VM_ERR_FORMAT, "does not match", NULL);
	p[index_off + 12 + 16 * 3 + 8] ^= 1;

	/*
	 * COMPLETE clear (a collector killed mid-run): whole blocks are
	 * delivered wherever the file ends
	 */
	p[16] &= (unsigned char)~NATIVE_F_COMPLETE;
	for (i = 0; i < 8; i++) {
		char name[32];

		snprintf(name, sizeof name, "tpart%zu.vmt", i);
		put_file(P(name), p, cuts[i]);
		v = read_trace(P(name), NULL, &n, &rc, &d, NULL);
		if (rc)
			fail_msg("%s", d.msg);
		k = i < 3 ? 0 : i == 3 ? 100 : 1000;
		assert_int_equal(n, k);
		free(v);
	}
	free(p);
}

static void test_native_corrupt_blocks(void **state)
{
	unsigned char *p, save[4];
	size_t len, clen;

	(void)state;
	p = native_bytes("c.vmt", 1000, 0, &len);
	clen = p[72] | p[73] << 8 | (size_t)p[74] << 16;
	/* a flipped payload byte: inflate or CRC fails */
	p[84 + clen / 2] ^= 0x20;
	put_file(P("cflip.vmt"), p, len);
	expect_fail(P("cflip.vmt"), NULL, VM_ERR_FORMAT, "corrupt native block at byte 64",
		    NULL);
	p[84 + clen / 2] ^= 0x20;
	/* a flipped CRC */
	p[80] ^= 1;
	put_file(P("ccrc.vmt"), p, len);
	expect_fail(P("ccrc.vmt"), NULL, VM_ERR_FORMAT, "at byte 64", "CRC", NULL);
	p[80] ^= 1;
	/* a bad block magic */
	p[65] = 'X';
	put_file(P("cmagic.vmt"), p, len);
	expect_fail(P("cmagic.vmt"), NULL, VM_ERR_FORMAT, "at byte 64", "VBLK", NULL);
	p[65] = 'B';
	/* absurd lengths and counts */
	memcpy(save, p + 68, 4);
	le32(p + 68, UINT32_MAX);
	put_file(P("craw.vmt"), p, len);
	expect_fail(P("craw.vmt"), NULL, VM_ERR_FORMAT, "at byte 64", "raw length", NULL);
	le32(p + 68, 0);
	put_file(P("craw0.vmt"), p, len);
	expect_fail(P("craw0.vmt"), NULL, VM_ERR_FORMAT, "raw length", NULL);
	memcpy(p + 68, save, 4);
	memcpy(save, p + 72, 4);
	le32(p + 72, UINT32_MAX);
	put_file(P("cclen.vmt"), p, len);
	expect_fail(P("cclen.vmt"), NULL, VM_ERR_FORMAT, "at byte 64",
		    "compressed length", NULL);
	le32(p + 72, (uint32_t)clen - 1);
	put_file(P("cclen1.vmt"), p, len);
	expect_fail(P("cclen1.vmt"), NULL, VM_ERR_FORMAT, "at byte 64", NULL);
	memcpy(p + 72, save, 4);
	memcpy(save, p + 76, 4);
	le32(p + 76, 0);
	put_file(P("crefs0.vmt"), p, len);
	expect_fail(P("crefs0.vmt"), NULL, VM_ERR_FORMAT, "at byte 64", "refs", NULL);
	le32(p + 76, UINT32_MAX);
	put_file(P("crefsbig.vmt"), p, len);
	expect_fail(P("crefsbig.vmt"), NULL, VM_ERR_FORMAT, "at byte 64", "refs", NULL);
	le32(p + 76, 999);
	put_file(P("crefs999.vmt"), p, len);
	expect_fail(P("crefs999.vmt"), NULL, VM_ERR_FORMAT, "at byte 64",
		    "left over", NULL);
	memcpy(p + 76, save, 4);
	free(p);
}

static void test_native_bad_records(void **state)
{
	static const unsigned char past_end[] = { 0x00, 0xf0, 0xff };
	static const unsigned char too_long[] = {
		0x00, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0x01,
	};
	static const unsigned char overflow[] = {
		0x00, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x02,
	};
	static const unsigned char big_size[] = { 0x04, 0x80, 0x80, 0x04 };
	static const unsigned char size_end[] = { 0x00, 0x04 };
	static const unsigned char asid_end[] = { 0x00, 0x08, 0x80 };
	static const unsigned char big_asid[] = { 0x08, 0x80, 0x80, 0x80, 0x80, 0x10 };
	static const unsigned char max_ok[] = {
		0x0c, 0xff, 0xff, 0x03, 0xff, 0xff, 0xff, 0xff, 0x0f,   /* sizes */
		0xf1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
	};
	static const unsigned char six[] = { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10 };
	struct vm_diag d;
	struct ref *v;
	size_t n;
	int rc;

	(void)state;
	make_native(P("r1.vmt"), past_end, sizeof past_end, 2);
	expect_fail(P("r1.vmt"), NULL, VM_ERR_FORMAT, "at byte 64", "record 2 of 2",
		    "past the end", NULL);
	make_native(P("r2.vmt"), too_long, sizeof too_long, 2);
	expect_fail(P("r2.vmt"), NULL, VM_ERR_FORMAT, "overflows 64 bits", NULL);
	make_native(P("r3.vmt"), overflow, sizeof overflow, 2);
	expect_fail(P("r3.vmt"), NULL, VM_ERR_FORMAT, "overflows 64 bits", NULL);
	make_native(P("r4.vmt"), big_size, sizeof big_size, 1);
	expect_fail(P("r4.vmt"), NULL, VM_ERR_FORMAT, "size beyond 65535", NULL);
	make_native(P("r5.vmt"), size_end, sizeof size_end, 2);
	expect_fail(P("r5.vmt"), NULL, VM_ERR_FORMAT, "record 2 of 2",
		    "past the end", NULL);
	make_native(P("r6.vmt"), asid_end, sizeof asid_end, 2);
	expect_fail(P("r6.vmt"), NULL, VM_ERR_FORMAT, "past the end", NULL);
	make_native(P("r7.vmt"), big_asid, sizeof big_asid, 1);
	expect_fail(P("r7.vmt"), NULL, VM_ERR_FORMAT, "asid beyond", NULL);
	/* fewer records than claimed, and more */
	make_native(P("r8.vmt"), six, sizeof six, 5);
	expect_fail(P("r8.vmt"), NULL, VM_ERR_FORMAT, "left over", NULL);
	make_native(P("r9.vmt"), too_long, 12, 3);
	expect_fail(P("r9.vmt"), NULL, VM_ERR_FORMAT, "record", NULL);
	make_native(P("r10.vmt"), six, sizeof six, 6);
	v = read_trace(P("r10.vmt"), NULL, &n, &rc, &d, NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 6);
	assert_true(v[0].addr == UINT64_MAX && v[5].addr == UINT64_MAX - 5);
	free(v);
	/* the largest legal values decode */
	make_native(P("r11.vmt"), max_ok, sizeof max_ok, 2);
	v = read_trace(P("r11.vmt"), NULL, &n, &rc, &d, NULL);
	if (rc)
		fail_msg("%s", d.msg);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].size, 65535);
	assert_true(v[0].asid == UINT32_MAX);
	/* unzigzag(2^64-1) = -2^63 */
	assert_true(v[1].addr == UINT64_C(0x8000000000000000));
	assert_int_equal(v[1].size, 65535);
	free(v);
}

/*
 * Random damage to valid files of every kind (flipped bytes, cuts, both):
 * any status is acceptable, but a failure must carry a message naming the
 * file, and nothing may crash (the sanitized build checks the rest).
 */
static void test_random_damage(void **state)
{
	static const struct {
		const char *name;
		const struct trace_format *fmt;
		int gz;
		uint32_t block_refs;
	} kinds[] = {
		{ "dmg.vmt", &native_format, 0, 50 },
		{ "dmg.lackey", &lackey_format, 0, 0 },
		{ "dmg.txt", &text_format, 0, 0 },
		{ "dmg.lackey.gz", &lackey_format, 1, 0 },
	};
	struct ref *v = random_refs(400, 71), *got;
	unsigned char *p, *q;
	struct vm_diag d;
	uint64_t x = 99;
	size_t len, i, k, cut, n;
	int rc, round;

	(void)state;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		write_trace(P(kinds[k].name), kinds[k].fmt, kinds[k].gz, v, 400,
			    kinds[k].block_refs);
		p = get_file(P(kinds[k].name), &len);
		q = malloc(len);
		assert_non_null(q);
		for (round = 0; round < 300; round++) {
			memcpy(q, p, len);
			for (i = trng(&x) % 4; i > 0; i--)
				q[trng(&x) % len] ^= (unsigned char)(1u << trng(&x) % 8);
			cut = round % 3 == 0 ? trng(&x) % len : len;
			put_file(P("dmg.bin"), q, cut);
			got = read_trace(P("dmg.bin"), round % 2 ? kinds[k].fmt : NULL,
					 &n, &rc, &d, NULL);
			free(got);
			if (rc != 0 && !strstr(d.msg, P("dmg.bin")))
				fail_msg("round %d of %s: %s", round, kinds[k].name, d.msg);
		}
		free(q);
		free(p);
	}
	free(v);
}

/* ---------------------------------------------------------- writers */

static void test_writer_atomic(void **state)
{
	struct trace_writer *w;
	struct vm_diag d = { 0 };
	struct ref *v = random_refs(100, 61);
	const struct trace_format *fmts[] = { &native_format, &lackey_format,
					      &text_format };
	size_t i;
	struct stat st;
	mode_t mask = umask(0);

	(void)state;
	umask(mask);
	for (i = 0; i < 3; i++) {
		/* abort: nothing at all remains */
		assert_int_equal(trace_writer_open(&w, P("atom.out"), fmts[i],
						   (int)i == 2, &d), 0);
		assert_int_equal(count_prefixed("atom.out.tmp."), 1);
		assert_int_equal(trace_writer_write(w, v, 100), 0);
		strcpy(d.msg, "kept");
		trace_writer_abort(w);
		assert_string_equal(d.msg, "kept");
		assert_int_equal(count_prefixed("atom.out"), 0);
		/* close: the file and no temporary */
		assert_int_equal(trace_writer_open(&w, P("atom.out"), fmts[i], 0, &d), 0);
		assert_int_equal(stat(P("atom.out"), &st), -1);
		assert_int_equal(trace_writer_write(w, v, 100), 0);
		assert_int_equal(trace_writer_close(w), 0);
		assert_int_equal(stat(P("atom.out"), &st), 0);
		assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
		assert_int_equal(count_prefixed("atom.out"), 1);
		assert_int_equal(unlink(P("atom.out")), 0);
	}
	/* a device is written in place, never replaced by a renamed file */
	for (i = 0; i < 3; i++) {
		assert_int_equal(trace_writer_open(&w, "/dev/null", fmts[i], 1, &d), 0);
		assert_null(w->tmp);
		assert_int_equal(trace_writer_write(w, v, 100), 0);
		assert_int_equal(trace_writer_close(w), 0);
		assert_int_equal(stat("/dev/null", &st), 0);
		assert_true(S_ISCHR(st.st_mode));
	}
	/* through a symbolic link, the target is replaced and the link kept */
	put_str(P("target.txt"), "old\n");
	assert_int_equal(symlink("target.txt", P("link.txt")), 0);
	write_trace(P("link.txt"), &text_format, 0, v, 100, 0);
	assert_int_equal(lstat(P("link.txt"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	{
		size_t n;
		unsigned char *p = get_file(P("target.txt"), &n);

		assert_true(n > 100 && memcmp(p, "old", 3) != 0);
		free(p);
	}
	assert_int_equal(count_prefixed("target.txt.tmp"), 0);
	free(v);
	/* nowhere to write */
	assert_int_equal(trace_writer_open(&w, P("no/such/dir.txt"), &text_format,
					   0, &d), VM_ERR_IO);
	assert_non_null(strstr(d.msg, "no/such/dir.txt"));
	assert_int_equal(trace_writer_open(&w, "-", &native_format, 0, &d),
			 VM_ERR_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_roundtrip_native),
		cmocka_unit_test(test_native_zero_refs),
		cmocka_unit_test(test_native_writer_settings),
		cmocka_unit_test(test_roundtrip_lackey),
		cmocka_unit_test(test_roundtrip_text),
		cmocka_unit_test(test_writer_output_text),
		cmocka_unit_test(test_lackey_golden),
		cmocka_unit_test(test_text_golden),
		cmocka_unit_test(test_native_golden),
		cmocka_unit_test(test_detect_by_content),
		cmocka_unit_test(test_gzip_members_and_stdin),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_missing_unknown_empty),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_address_beyond_64_bits),
		cmocka_unit_test(test_huge_lines),
		cmocka_unit_test(test_bad_gzip),
		cmocka_unit_test(test_native_bad_header),
		cmocka_unit_test(test_native_truncated),
		cmocka_unit_test(test_native_corrupt_blocks),
		cmocka_unit_test(test_native_bad_records),
		cmocka_unit_test(test_random_damage),
		cmocka_unit_test(test_writer_atomic),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
