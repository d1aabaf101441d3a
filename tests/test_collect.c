/*
 * test_collect.c - the collector, the counters and the synthetic workloads.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 *   collector  differential: the trace vmsim collect streams equals, reference
 *              for reference, the text Lackey itself writes for the same
 *              program; a program that exits non-zero, crashes (SIGSEGV) or
 *              is killed (SIGKILL) still gives a closed, readable trace and
 *              its status; --max-refs, --data-only, --asid; a fake valgrind
 *              whose output is cut mid-line (the tail is dropped) or
 *              malformed (an error naming the line, earlier references kept)
 *   counters   the software events count without a PMU (faults grow with
 *              the pages a program touches); hardware events are counted or
 *              say why not; unknown names fail naming the event
 *   gen        the same seed gives the same references and the same file
 *              bytes; each workload's promised statistics (distinct pages,
 *              hot fraction, loop order, zipf frequencies, scan order,
 *              stride addresses worked by hand, zipfrun's runs and their
 *              zipf starts, store fraction); bad values
 *
 * The valgrind cases run /bin/true and /bin/sh (about half a second each
 * under Lackey) and are skipped when valgrind is not installed.  Scratch
 * files live in a mkdtemp directory, removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect.h"
#include "replay.h"

static char tmpdir[64];      /* the scratch directory */
static char valgrind[4096];  /* valgrind's path, "" when not installed */
static char self[4096];      /* this test binary, for the page-touching child */

/* ------------------------------------------------------------ helpers */

static const char *P(const char *name)
{
	static char bufs[8][512];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
	return b;
}

static int setup(void **state)
{
	struct vm_diag d = { 0 };
	ssize_t n;

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/vmsim-test-collect.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	if (collect_which("valgrind", valgrind, sizeof valgrind, &d))
		valgrind[0] = 0;
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return -1;
	self[n] = 0;
	return 0;
}

static int teardown(void **state)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *e;

	(void)state;
	while (dir && (e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			unlink(P(e->d_name));
	if (dir)
		closedir(dir);
	rmdir(tmpdir);
	return 0;
}

#define NEED_VALGRIND() do { \
		if (!valgrind[0]) { \
			print_message("valgrind is not installed: skipped\n"); \
			skip(); \
		} \
	} while (0)

/* Run a collection; the program's argv is given as a NULL-ended list. */
static int collect(const char *out, struct collect_result *res, struct vm_diag *d,
		   uint64_t max_refs, int data_only, uint32_t asid, const char *vg,
		   const char **argv)
{
	struct collect_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.argv = (char *const *)argv;
	cfg.output = out;
	cfg.valgrind = vg ? vg : valgrind;
	cfg.max_refs = max_refs;
	cfg.data_only = data_only;
	cfg.asid = asid;
	return collect_run(&cfg, res, d);
}

/*
 * Run valgrind lackey ourselves, its log to a text file.  The command line is
 * the collector's, byte for byte: Valgrind builds the program's stack below
 * its own, so even the length of its options can move the program's stack
 * addresses by 16 bytes.  Only where the log goes differs: a file on fd 99.
 */
static void lackey_to_file(const char **prog, const char *log)
{
	const char *argv[16];
	int n = 0, i, st, fd;
	pid_t pid;

	argv[n++] = valgrind;
	argv[n++] = "--tool=lackey";
	argv[n++] = "--trace-mem=yes";
	argv[n++] = "--basic-counts=no";
	argv[n++] = "--trace-children=no";
	argv[n++] = "--log-fd=99";
	for (i = 0; prog[i] && n < 15; i++)
		argv[n++] = prog[i];
	argv[n] = NULL;
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (dup2(fd, 99) < 0)
			_exit(126);
		execv(valgrind, (char *const *)argv);
		_exit(127);
	}
	close(fd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
}

static void stat_trace(const char *path, struct trace_stats *st)
{
	struct vm_diag d = { 0 };
	int rc = trace_stat(path, NULL, 12, st, NULL, &d);

	if (rc)
		print_error("%s\n", d.msg);
	assert_int_equal(rc, 0);
}

static void put_script(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(body, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

/* ---------------------------------------------------------- collector */

/*
 * The streamed trace is Lackey's own text, reference for reference: the same
 * count of each kind, and at every position the same kind and size.  The
 * addresses are the same too except for a handful of one-byte loads: the
 * loader reads at offsets that depend on the random bytes every process gets
 * at exec (AT_RANDOM), which differ from run to run (two plain valgrind runs
 * differ in the same places).
 */
static void test_collect_equals_lackey(void **state)
{
	const char *prog[] = { "/bin/true", NULL };
	struct trace_reader *a = NULL, *b = NULL;
	struct collect_result res;
	struct vm_diag d = { 0 };
	struct ref ra[1000], rb[1000];
	uint64_t total = 0, by_kind[REF_NKINDS] = { 0 }, moved = 0;
	long na, nb, i;

	(void)state;
	NEED_VALGRIND();
	assert_int_equal(collect(P("true.vmt"), &res, &d, 0, 0, 0, NULL, prog), 0);
	assert_true(WIFEXITED(res.wstatus) && WEXITSTATUS(res.wstatus) == 0);
	lackey_to_file(prog, P("true.lackey"));
	assert_int_equal(trace_open(&a, P("true.vmt"), NULL, &d), 0);
	assert_int_equal(trace_open(&b, P("true.lackey"), NULL, &d), 0);
	assert_string_equal(a->fmt->name, "native");
	assert_string_equal(b->fmt->name, "lackey");
	for (;;) {
		na = trace_read(a, ra, 1000);
		nb = trace_read(b, rb, 1000);
		assert_int_equal(na, nb);
		if (na <= 0)
			break;
		for (i = 0; i < na; i++) {
			assert_int_equal(ra[i].kind, rb[i].kind);
			assert_int_equal(ra[i].size, rb[i].size);
			moved += ra[i].addr != rb[i].addr;
			by_kind[rb[i].kind]++;
		}
		total += (uint64_t)na;
	}
	assert_int_equal(na, 0);
	trace_close(a);
	trace_close(b);
	print_message("%llu references, %llu addresses differ\n", (unsigned long long)total,
		      (unsigned long long)moved);
	assert_true(moved <= 64);
	assert_memory_equal(by_kind, res.by_kind, sizeof by_kind);
	/* a dynamically linked program: the loader alone makes ~10^5 references */
	assert_true(total > 10000);
	assert_int_equal(res.refs, total);
	assert_int_equal(res.lackey_refs, total);
	assert_int_equal(res.by_kind[REF_INSTR] + res.by_kind[REF_LOAD] +
			 res.by_kind[REF_STORE] + res.by_kind[REF_MODIFY], total);
	/* every byte of Lackey's text went through the reader */
	{
		struct stat st;

		assert_int_equal(stat(P("true.lackey"), &st), 0);
		assert_true(res.text_bytes > 0);
		assert_true(res.text_bytes <= (uint64_t)st.st_size + 4096);
		assert_true(res.text_bytes + 4096 >= (uint64_t)st.st_size);
		assert_int_equal(stat(P("true.vmt"), &st), 0);
		assert_int_equal(res.trace_bytes, (uint64_t)st.st_size);
		assert_true(res.trace_bytes * 5 < res.text_bytes);
	}
	assert_int_equal(res.dropped_bytes, 0);
	assert_int_equal(res.stopped, 0);
}

/* Exit status, SIGKILL and SIGSEGV: always a readable trace. */
static void test_collect_status_and_kills(void **state)
{
	const char *ex[] = { "/bin/sh", "-c", "exit 7", NULL };
	const char *killed[] = { "/bin/sh", "-c",
		"i=0; while [ $i -lt 200 ]; do i=$((i+1)); done; kill -KILL $$", NULL };
	const char *segv[] = { "/bin/sh", "-c", "kill -SEGV $$", NULL };
	struct collect_result res;
	struct trace_stats st;
	struct vm_diag d = { 0 };

	(void)state;
	NEED_VALGRIND();
	assert_int_equal(collect(P("exit.vmt"), &res, &d, 0, 0, 0, NULL, ex), 0);
	assert_true(WIFEXITED(res.wstatus));
	assert_int_equal(WEXITSTATUS(res.wstatus), 7);
	assert_int_equal(collect_exit_code(res.wstatus), 7);
	stat_trace(P("exit.vmt"), &st);
	assert_int_equal(st.refs, res.refs);

	assert_int_equal(collect(P("killed.vmt"), &res, &d, 0, 0, 0, NULL, killed), 0);
	assert_true(WIFSIGNALED(res.wstatus));
	assert_int_equal(WTERMSIG(res.wstatus), SIGKILL);
	assert_int_equal(collect_exit_code(res.wstatus), 128 + SIGKILL);
	stat_trace(P("killed.vmt"), &st);
	assert_true(st.refs > 10000);
	assert_int_equal(st.refs, res.refs);

	assert_int_equal(collect(P("segv.vmt"), &res, &d, 0, 0, 0, NULL, segv), 0);
	assert_true(WIFSIGNALED(res.wstatus));
	assert_int_equal(WTERMSIG(res.wstatus), SIGSEGV);
	stat_trace(P("segv.vmt"), &st);
	assert_true(st.refs > 1000);
	/* nothing but the trace is left in the directory: no temporaries */
	assert_int_equal(access(P("segv.vmt"), R_OK), 0);
}

/* --max-refs stops the program; --data-only and --asid shape the refs. */
static void test_collect_filters(void **state)
{
	const char *prog[] = { "/bin/sh", "-c", "i=0; while :; do i=$((i+1)); done", NULL };
	struct trace_reader *r = NULL;
	struct collect_result res;
	struct trace_stats st;
	struct vm_diag d = { 0 };
	struct ref buf[512];
	long n, i;

	(void)state;
	NEED_VALGRIND();
	/* an endless loop: only --max-refs ends it */
	assert_int_equal(collect(P("max.vmt"), &res, &d, 5000, 1, 3, NULL, prog), 0);
	assert_int_equal(res.stopped, 1);
	assert_int_equal(res.refs, 5000);
	assert_int_equal(res.by_kind[REF_INSTR], 0);
	assert_true(res.lackey_refs > 5000); /* instruction fetches were dropped */
	assert_true(WIFSIGNALED(res.wstatus));
	stat_trace(P("max.vmt"), &st);
	assert_int_equal(st.refs, 5000);
	assert_int_equal(st.by_kind[REF_INSTR], 0);
	assert_int_equal(trace_open(&r, P("max.vmt"), NULL, &d), 0);
	while ((n = trace_read(r, buf, 512)) > 0)
		for (i = 0; i < n; i++)
			assert_int_equal(buf[i].asid, 3);
	assert_int_equal(n, 0);
	trace_close(r);
}

/* A fake valgrind: whole lines kept, a cut last line dropped, bad lines
 * reported with the line number and the references before them kept. */
static void test_collect_fake_valgrind(void **state)
{
	const char *prog[] = { "anything", NULL };
	struct collect_result res;
	struct trace_stats st;
	struct vm_diag d = { 0 };
	int rc;

	(void)state;
	/* the log descriptor is reached as /proc/self/fd/99 (sh knows only 0-9) */
	put_script(P("cut-valgrind"),
		   "#!/bin/sh\n"
		   "printf '==1== Lackey, an example Valgrind tool\\n"
		   "I  04000000,3\\n L 1ffefff000,8\\n S 0060a010,4\\n M 0060a0' "
		   ">/proc/self/fd/99\n"
		   "kill -KILL $$\n");
	rc = collect(P("cut.vmt"), &res, &d, 0, 0, 0, P("cut-valgrind"), prog);
	assert_int_equal(rc, 0);
	assert_int_equal(res.refs, 3);
	assert_int_equal(res.dropped_bytes, strlen(" M 0060a0"));
	assert_true(WIFSIGNALED(res.wstatus));
	stat_trace(P("cut.vmt"), &st);
	assert_int_equal(st.refs, 3);
	assert_int_equal(st.by_kind[REF_STORE], 1);

	put_script(P("bad-valgrind"),
		   "#!/bin/sh\n"
		   "printf 'I  04000000,3\\nvalgrind: something odd\\nI  04000003,2\\n' "
		   ">/proc/self/fd/99\n"
		   "exit 3\n");
	rc = collect(P("bad.vmt"), &res, &d, 0, 0, 0, P("bad-valgrind"), prog);
	assert_int_equal(rc, VM_ERR_FORMAT);
	assert_non_null(strstr(d.msg, "Lackey's output:2:"));
	assert_int_equal(WEXITSTATUS(res.wstatus), 3);
	stat_trace(P("bad.vmt"), &st);
	/* a batch is all or nothing: what came before the bad line's batch */
	assert_true(st.refs <= 1);

	/* a valgrind that cannot be run: status 127, an empty closed trace */
	rc = collect(P("none.vmt"), &res, &d, 0, 0, 0, P("no-such-valgrind"), prog);
	assert_int_equal(rc, 0);
	assert_int_equal(collect_exit_code(res.wstatus), 127);
	assert_int_equal(res.refs, 0);
}

static void test_collect_which(void **state)
{
	struct vm_diag d = { 0 };
	char path[4096];

	(void)state;
	assert_int_equal(collect_which("sh", path, sizeof path, &d), 0);
	assert_true(path[0] == '/' || path[0] == '.');
	assert_int_equal(collect_which("/bin/sh", path, sizeof path, &d), 0);
	assert_string_equal(path, "/bin/sh");
	assert_int_equal(collect_which("no-such-program-xq7", path, sizeof path, &d),
			 VM_ERR_IO);
	assert_non_null(strstr(d.msg, "no-such-program-xq7: not found in PATH"));
	assert_int_equal(collect_which("/nonexistent/prog", path, sizeof path, &d), VM_ERR_IO);
	assert_non_null(strstr(d.msg, "/nonexistent/prog"));
	assert_int_equal(collect_which("/etc/passwd", path, sizeof path, &d), VM_ERR_IO);
	assert_int_equal(collect_which("", path, sizeof path, &d), VM_ERR_USAGE);
	assert_int_equal(collect_exit_code(0), 0);
	assert_int_equal(collect_exit_code(3 << 8), 3);
	assert_int_equal(collect_exit_code(SIGKILL), 128 + SIGKILL);
}

/* ----------------------------------------------------------- counters */

static const struct ctr_event *event(const struct ctr_set *s, const char *name)
{
	size_t i;

	for (i = 0; i < ctr_count(s); i++)
		if (strcmp(ctr_get(s, i)->name, name) == 0)
			return ctr_get(s, i);
	fail_msg("no event %s", name);
	return NULL;
}

static int thp_always(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (f) {
		if (!fgets(buf, sizeof buf, f))
			buf[0] = 0;
		fclose(f);
	}
	return strstr(buf, "[always]") != NULL;
}

/* page faults of this binary touching n fresh pages (see main) */
static uint64_t faults_touching(const char *n)
{
	const char *argv[] = { self, "--touch-pages", n, NULL };
	struct ctr_set *s = NULL;
	struct vm_diag d = { 0 };
	const struct ctr_event *pf, *mi, *ma;
	int wstatus;
	uint64_t v;

	assert_int_equal(ctr_new(&s, "page-faults,minor-faults,major-faults", 0, &d), 0);
	assert_int_equal(ctr_run(s, (char *const *)argv, &wstatus, &d), 0);
	assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
	pf = event(s, "page-faults");
	mi = event(s, "minor-faults");
	ma = event(s, "major-faults");
	/* software events need no PMU: they count everywhere */
	assert_int_equal(pf->counted, 1);
	assert_int_equal(mi->counted, 1);
	assert_int_equal(ma->counted, 1);
	assert_string_equal(pf->why, "");
	assert_string_equal(pf->encoding, "software:page-faults");
	assert_true(pf->value > 0);
	assert_true(mi->value <= pf->value);
	assert_true(ma->value <= pf->value);
	assert_true(mi->value + ma->value <= pf->value + 2);
	v = pf->value;
	ctr_free(s);
	return v;
}

static void test_counters_software(void **state)
{
	uint64_t base, more;

	(void)state;
	base = faults_touching("0");
	more = faults_touching("4096");
	print_message("page faults: %llu touching nothing, %llu touching 4096 pages\n",
		      (unsigned long long)base, (unsigned long long)more);
	/* 16 MiB of fresh 4 KiB pages: one fault each, unless THP maps 2M pages */
	if (thp_always())
		assert_true(more > base);
	else
		assert_true(more >= base + 4096 * 9 / 10);
}

static void test_counters_exit_status(void **state)
{
	const char *argv[] = { "/bin/sh", "-c", "exit 5", NULL };
	const char *missing[] = { "/nonexistent/prog", NULL };
	struct ctr_set *s = NULL;
	struct vm_diag d = { 0 };
	int wstatus;

	(void)state;
	assert_int_equal(ctr_new(&s, "page-faults", 0, &d), 0);
	assert_int_equal(ctr_run(s, (char *const *)argv, &wstatus, &d), 0);
	assert_int_equal(collect_exit_code(wstatus), 5);
	assert_int_equal(ctr_run(s, (char *const *)missing, &wstatus, &d), VM_ERR_IO);
	assert_non_null(strstr(d.msg, "/nonexistent/prog"));
	ctr_free(s);
}

/* Hardware events: counted, or a reason; never a silent zero. */
static void test_counters_hardware(void **state)
{
	const char *argv[] = { "/bin/true", NULL };
	struct ctr_set *s = NULL;
	struct vm_diag d = { 0 };
	size_t i;
	int wstatus;

	(void)state;
	assert_int_equal(ctr_new(&s, ctr_default_events, 0, &d), 0);
	assert_int_equal(ctr_count(s), 8);
	assert_int_equal(ctr_run(s, (char *const *)argv, &wstatus, &d), 0);
	for (i = 0; i < ctr_count(s); i++) {
		const struct ctr_event *ev = ctr_get(s, i);

		if (ev->counted)
			assert_string_equal(ev->why, "");
		else
			assert_true(strlen(ev->why) > 10);
		if (strstr(ev->name, "faults"))
			assert_int_equal(ev->counted, 1);
	}
	/* a machine without a CPU PMU (this VM, CI) names the reason */
	if (access("/sys/bus/event_source/devices/cpu", F_OK) != 0 &&
	    access("/sys/bus/event_source/devices/cpu_core", F_OK) != 0) {
		assert_int_equal(event(s, "instructions")->counted, 0);
		assert_non_null(strstr(event(s, "instructions")->why, "PMU"));
	}
	ctr_free(s);

	/* --list's probe opens without running anything */
	assert_int_equal(ctr_new(&s, "page-faults,instructions", 1, &d), 0);
	ctr_probe(s);
	assert_string_equal(ctr_get(s, 0)->why, "");
	assert_int_equal(ctr_get(s, 0)->user_only, 1);
	ctr_free(s);
}

static void test_counters_names(void **state)
{
	struct ctr_set *s = NULL;
	struct vm_diag d = { 0 };
	char buf[256];

	(void)state;
	assert_int_equal(ctr_new(&s, "page-faults,frobnicate-misses", 0, &d), VM_ERR_USAGE);
	assert_null(s);
	assert_non_null(strstr(d.msg, "unknown event 'frobnicate-misses'"));
	assert_non_null(strstr(d.msg, "page-faults")); /* the known names are listed */
	assert_int_equal(ctr_new(&s, " , ,", 0, &d), VM_ERR_USAGE);
	assert_non_null(strstr(d.msg, "no event"));
	/* portable names are case-blind; libpfm4's generic names pass through */
	assert_int_equal(ctr_new(&s, "Page-Faults, dTLB-load-misses ,perf::PERF_COUNT_SW_CPU_CLOCK",
				 0, &d), 0);
	assert_int_equal(ctr_count(s), 3);
	assert_string_equal(ctr_get(s, 1)->name, "dTLB-load-misses");
	ctr_free(s);
	/* an event of some other CPU is known: unavailable here, not an error */
	assert_int_equal(ctr_new(&s, "DTLB_LOAD_MISSES.WALK_COMPLETED", 0, &d), 0);
	ctr_free(s);
	assert_non_null(ctr_describe("dtlb-walks"));
	assert_null(ctr_describe("nope"));
	ctr_names(buf, sizeof buf, " ");
	assert_string_equal(buf, "instructions dtlb-misses itlb-misses dtlb-walks itlb-walks "
			    "page-faults minor-faults major-faults");
}

/* ---------------------------------------------------------------- gen */

static struct gen_config gcfg(const char *w, uint64_t pages, uint64_t refs, uint64_t seed)
{
	struct gen_config c;

	memset(&c, 0, sizeof c);
	c.workload = w;
	c.pages = pages;
	c.refs = refs;
	c.seed = seed;
	c.page_shift = 12;
	c.hot_frac = 0.2;
	c.hot_refs = 0.8;
	c.zipf_exp = 1.0;
	c.stride = 4096 + 64;
	c.run_len = 8;
	return c;
}

/* All n references of a configuration (caller frees). */
static struct ref *gen_all(const struct gen_config *c)
{
	struct ref *v = calloc(c->refs ? c->refs : 1, sizeof *v);
	struct vm_diag d = { 0 };
	struct gen *g = NULL;
	size_t got = 0, n;

	assert_non_null(v);
	assert_int_equal(gen_new(&g, c, &d), 0);
	/* odd batch sizes: the stream must not depend on them */
	while ((n = gen_read(g, v + got, got % 2 ? 777 : 1000)) > 0)
		got += n;
	assert_int_equal(got, c->refs);
	assert_int_equal(gen_read(g, v, 10), 0);
	gen_free(g);
	return v;
}

static void write_native(const struct gen_config *c, const char *path)
{
	struct ref *v = gen_all(c);
	struct trace_writer *w = NULL;
	struct vm_diag d = { 0 };

	assert_int_equal(trace_writer_open(&w, path, trace_format_find("native"), 0, &d), 0);
	assert_int_equal(trace_writer_write(w, v, c->refs), 0);
	assert_int_equal(trace_writer_close(w), 0);
	free(v);
}

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

static void test_gen_reproducible(void **state)
{
	size_t i, na, nb, k;
	const char *w[] = { "uniform", "hotcold", "loop", "zipf", "scan", "stride", "zipfrun" };

	(void)state;
	for (k = 0; k < sizeof w / sizeof w[0]; k++) {
		struct gen_config c = gcfg(w[k], 500, 20000, 42);
		struct gen_config c2 = gcfg(w[k], 500, 20000, 43);
		struct ref *a = gen_all(&c), *b = gen_all(&c), *e = gen_all(&c2);
		size_t diff = 0;

		assert_memory_equal(a, b, c.refs * sizeof *a);
		for (i = 0; i < c.refs; i++)
			diff += a[i].addr != e[i].addr;
		/* another seed changes the random workloads, not the fixed ones */
		if (!strcmp(w[k], "loop") || !strcmp(w[k], "stride"))
			assert_int_equal(diff, 0);
		else
			assert_true(diff > c.refs / 2);
		/* the store fraction draws from its own stream: pages unchanged */
		c2 = c;
		c2.write_frac = 0.5;
		free(e);
		e = gen_all(&c2);
		for (i = 0; i < c.refs; i++)
			assert_int_equal(a[i].addr, e[i].addr);
		free(a);
		free(b);
		free(e);
	}
	/* and the files are byte-identical */
	{
		struct gen_config c = gcfg("zipf", 1000, 50000, 7);
		unsigned char *fa, *fb;

		write_native(&c, P("z1.vmt"));
		write_native(&c, P("z2.vmt"));
		fa = slurp(P("z1.vmt"), &na);
		fb = slurp(P("z2.vmt"), &nb);
		assert_int_equal(na, nb);
		assert_memory_equal(fa, fb, na);
		free(fa);
		free(fb);
	}
}

/* counts per page of a page workload over `pages` pages */
static uint64_t *page_counts(const struct ref *v, size_t n, uint64_t pages)
{
	uint64_t *cnt = calloc(pages, sizeof *cnt);
	size_t i;

	assert_non_null(cnt);
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].addr & 4095, 0);
		assert_true((v[i].addr >> 12) < pages);
		cnt[v[i].addr >> 12]++;
	}
	return cnt;
}

static void test_gen_uniform_hotcold(void **state)
{
	struct gen_config c = gcfg("uniform", 100, 100000, 1);
	struct ref *v = gen_all(&c);
	uint64_t *cnt = page_counts(v, c.refs, 100), hot = 0, i;

	(void)state;
	/* 1000 expected per page, sd ~31.5: every page within 6 sd */
	for (i = 0; i < 100; i++)
		assert_true(cnt[i] > 810 && cnt[i] < 1190);
	free(cnt);
	free(v);

	/* OSTEP's 80-20: 20 hot pages get 80% of the references, +-0.01 (8 sd) */
	c = gcfg("hotcold", 100, 100000, 1);
	v = gen_all(&c);
	cnt = page_counts(v, c.refs, 100);
	for (i = 0; i < 20; i++)
		hot += cnt[i];
	assert_true(hot > 79000 && hot < 81000);
	for (i = 0; i < 100; i++)
		assert_true(cnt[i] > 0); /* every page is touched */
	/* within each class, uniform: hot pages ~4000 each, cold ~250 */
	for (i = 0; i < 20; i++)
		assert_true(cnt[i] > 3600 && cnt[i] < 4400);
	for (i = 20; i < 100; i++)
		assert_true(cnt[i] > 160 && cnt[i] < 340);
	free(cnt);
	free(v);

	/* other fractions: 10% of 1000 pages get 95% */
	c = gcfg("hotcold", 1000, 100000, 9);
	c.hot_frac = 0.1;
	c.hot_refs = 0.95;
	v = gen_all(&c);
	cnt = page_counts(v, c.refs, 1000);
	for (hot = 0, i = 0; i < 100; i++)
		hot += cnt[i];
	assert_true(hot > 94300 && hot < 95700);
	free(cnt);
	free(v);
}

static void test_gen_loop_scan_stride(void **state)
{
	struct gen_config c = gcfg("loop", 50, 10000, 1);
	struct ref *v = gen_all(&c);
	uint64_t i, hot = 0, next_cold = 20, ncold = 0;

	(void)state;
	for (i = 0; i < c.refs; i++)
		assert_int_equal(v[i].addr, (i % 50) << 12);
	free(v);

	/* scan: cold references walk pages 20, 21, ..., 99, 20, ... in order */
	c = gcfg("scan", 100, 50000, 3);
	v = gen_all(&c);
	for (i = 0; i < c.refs; i++) {
		uint64_t p = v[i].addr >> 12;

		if (p < 20) {
			hot++;
			continue;
		}
		assert_int_equal(p, next_cold);
		next_cold = next_cold == 99 ? 20 : next_cold + 1;
		ncold++;
	}
	assert_true(hot > 39200 && hot < 40800);
	assert_true(ncold > 80); /* the scan wrapped at least once */
	free(v);

	/*
	 * stride 6 KiB over 4 pages of 4 KiB (a 16 KiB span), by hand:
	 * 0, 6K, 12K, 18K-16K = 2K, 8K, 14K, 20K-16K = 4K, 10K, 16K-16K = 0, ...
	 */
	c = gcfg("stride", 4, 10, 1);
	c.stride = 6144;
	v = gen_all(&c);
	{
		const uint64_t want[10] = { 0, 6144, 12288, 2048, 8192, 14336, 4096, 10240,
					    0, 6144 };

		for (i = 0; i < 10; i++)
			assert_int_equal(v[i].addr, want[i]);
	}
	free(v);
	/* a stride of whole pages with gcd(P, k) > 1 touches P / gcd pages */
	c = gcfg("stride", 100, 1000, 1);
	c.stride = 4 * 4096;
	v = gen_all(&c);
	{
		uint64_t *cnt = page_counts(v, c.refs, 100), distinct = 0;

		for (i = 0; i < 100; i++)
			distinct += cnt[i] > 0;
		assert_int_equal(distinct, 25);
		free(cnt);
	}
	free(v);
}

static void test_gen_zipf(void **state)
{
	struct gen_config c = gcfg("zipf", 1000, 200000, 5);
	struct ref *v = gen_all(&c);
	uint64_t *cnt = page_counts(v, c.refs, 1000), i;
	double h = 0, p1, top10 = 0, want10 = 0;

	(void)state;
	for (i = 1; i <= 1000; i++)
		h += 1.0 / (double)i;
	/* P(rank 1) = 1 / H_1000 = 0.1336: 26718 expected, sd ~152 */
	p1 = (double)cnt[0] / (double)c.refs;
	assert_true(p1 > 1.0 / h - 0.005 && p1 < 1.0 / h + 0.005);
	/* rank k is about k times rarer than rank 1 */
	assert_true((double)cnt[0] / (double)cnt[1] > 1.85 && (double)cnt[0] / (double)cnt[1] < 2.15);
	for (i = 0; i < 10; i++) {
		top10 += (double)cnt[i];
		want10 += 1.0 / ((double)(i + 1) * h);
	}
	assert_true(top10 / (double)c.refs > want10 - 0.01 && top10 / (double)c.refs < want10 + 0.01);
	free(cnt);
	free(v);

	/* s = 0 is uniform */
	c = gcfg("zipf", 100, 100000, 5);
	c.zipf_exp = 0;
	v = gen_all(&c);
	cnt = page_counts(v, c.refs, 100);
	for (i = 0; i < 100; i++)
		assert_true(cnt[i] > 810 && cnt[i] < 1190);
	free(cnt);
	free(v);

	/* a steep exponent still lands every draw on a page */
	c = gcfg("zipf", 100, 10000, 5);
	c.zipf_exp = 50;
	v = gen_all(&c);
	cnt = page_counts(v, c.refs, 100);
	assert_true(cnt[0] > 9990);
	free(cnt);
	free(v);
}

/* zipfrun: runs of consecutive pages, mean length R, starting where zipf
 * would put a single reference; with R = 1 it is zipf, reference for
 * reference. */
static void test_gen_zipfrun(void **state)
{
	struct gen_config c = gcfg("zipfrun", 1000, 200000, 9);
	struct gen_config z = gcfg("zipf", 1000, 200000, 9);
	struct ref *v = gen_all(&c), *w;
	uint64_t runs = 0, at0 = 0, page, prev = 0, len = 0, longest = 0, i;
	double h = 0;

	(void)state;
	for (i = 1; i <= 1000; i++)
		h += 1.0 / (double)i;
	for (i = 0; i < c.refs; i++) {
		assert_int_equal(v[i].addr & 4095, 0);
		page = v[i].addr >> 12;
		assert_true(page < 1000);
		if (i == 0 || page != (prev + 1) % 1000) {
			/* a run starts (two runs that happen to join count once) */
			runs++;
			at0 += page == 0;
			len = 0;
		}
		if (++len > longest)
			longest = len;
		prev = page;
	}
	/* 25000 runs of mean 8 expected (sd ~90); joined runs only lower it */
	assert_true(runs > 23500 && runs < 25300);
	/* runs start at page 0 (rank 1) with probability 1 / H_1000 = 0.1336 */
	assert_true((double)at0 / (double)runs > 1.0 / h - 0.01);
	assert_true((double)at0 / (double)runs < 1.0 / h + 0.01);
	/* a run is at most 2R - 1 = 15 long, so only joined runs are longer,
	 * and runs do join, the wrap at page 999 included */
	assert_true(longest >= 15);
	free(v);

	/* R = 1: every reference starts a run, exactly the zipf sequence */
	c.run_len = 1;
	v = gen_all(&c);
	w = gen_all(&z);
	assert_memory_equal(v, w, c.refs * sizeof *v);
	free(v);
	free(w);
}

static void test_gen_kinds(void **state)
{
	struct gen_config c = gcfg("uniform", 100, 100000, 2);
	struct ref *v;
	uint64_t stores = 0, i;

	(void)state;
	v = gen_all(&c);
	for (i = 0; i < c.refs; i++) {
		assert_int_equal(v[i].kind, REF_LOAD);
		assert_int_equal(v[i].size, 8);
		assert_int_equal(v[i].asid, 0);
	}
	free(v);
	c.write_frac = 0.25;
	v = gen_all(&c);
	for (i = 0; i < c.refs; i++)
		stores += v[i].kind == REF_STORE;
	assert_true(stores > 24000 && stores < 26000);
	free(v);
	c.write_frac = 1;
	v = gen_all(&c);
	for (i = 0; i < c.refs; i++)
		assert_int_equal(v[i].kind, REF_STORE);
	free(v);
	/* zero references is a valid, empty workload */
	c.refs = 0;
	free(gen_all(&c));
}

static void expect_bad(struct gen_config c, int code, const char *msg)
{
	struct vm_diag d = { 0 };
	struct gen *g = NULL;

	assert_int_equal(gen_new(&g, &c, &d), code);
	assert_null(g);
	if (!strstr(d.msg, msg))
		fail_msg("message '%s' lacks '%s'", d.msg, msg);
}

static void test_gen_bad(void **state)
{
	struct gen_config c;
	char buf[128];

	(void)state;
	expect_bad(gcfg("random", 10, 10, 1), VM_ERR_USAGE,
		   "unknown workload 'random'; known: uniform hotcold loop zipf scan stride zipfrun");
	expect_bad(gcfg("uniform", 0, 10, 1), VM_ERR_USAGE, "--pages");
	c = gcfg("hotcold", 10, 10, 1);
	c.hot_frac = 0;
	expect_bad(c, VM_ERR_USAGE, "--hot-frac 0 is not a fraction in (0, 1]");
	c.hot_frac = 1.5;
	expect_bad(c, VM_ERR_USAGE, "--hot-frac 1.5");
	c = gcfg("scan", 10, 10, 1);
	c.hot_refs = -0.1;
	expect_bad(c, VM_ERR_USAGE, "--hot-refs -0.1");
	c = gcfg("loop", 10, 10, 1);
	c.write_frac = 2;
	expect_bad(c, VM_ERR_USAGE, "--write-frac 2");
	c = gcfg("zipf", 10, 10, 1);
	c.zipf_exp = -1;
	expect_bad(c, VM_ERR_USAGE, "--zipf-exp -1");
	c.zipf_exp = NAN;
	expect_bad(c, VM_ERR_USAGE, "--zipf-exp");
	c = gcfg("zipf", 1ull << 40, 10, 1);
	expect_bad(c, VM_ERR_LIMIT, "at most"); /* refused before allocating */
	c = gcfg("stride", 10, 10, 1);
	c.stride = 0;
	expect_bad(c, VM_ERR_USAGE, "--stride");
	c = gcfg("uniform", (1ull << 52) + 1, 10, 1);
	expect_bad(c, VM_ERR_USAGE, "do not fit in 64-bit");
	/* the largest space that fits: 2^52 pages of 4 KiB */
	c = gcfg("stride", 1ull << 52, 3, 1);
	c.stride = UINT64_MAX;
	free(gen_all(&c));
	gen_names(buf, sizeof buf, ",");
	assert_string_equal(buf, "uniform,hotcold,loop,zipf,scan,stride,zipfrun");
	c = gcfg("zipfrun", 10, 10, 1);
	c.run_len = 0;
	expect_bad(c, VM_ERR_USAGE, "--run-len 0 must be from 1 to 4294967296");
	c.run_len = (1ull << 32) + 1;
	expect_bad(c, VM_ERR_USAGE, "--run-len");
	c.run_len = 1ull << 32;
	free(gen_all(&c));
}

/* --touch-pages N: the child counters measure (touch N fresh pages, exit) */
static int touch_pages(const char *arg)
{
	long n = atol(arg), i;
	volatile char *p;

	if (n <= 0)
		return 0;
	p = malloc((size_t)n * 4096);
	if (!p)
		return 1;
	for (i = 0; i < n; i++)
		p[i * 4096] = 1;
	free((void *)p);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_equals_lackey),
		cmocka_unit_test(test_collect_status_and_kills),
		cmocka_unit_test(test_collect_filters),
		cmocka_unit_test(test_collect_fake_valgrind),
		cmocka_unit_test(test_collect_which),
		cmocka_unit_test(test_counters_software),
		cmocka_unit_test(test_counters_exit_status),
		cmocka_unit_test(test_counters_hardware),
		cmocka_unit_test(test_counters_names),
		cmocka_unit_test(test_gen_reproducible),
		cmocka_unit_test(test_gen_uniform_hotcold),
		cmocka_unit_test(test_gen_loop_scan_stride),
		cmocka_unit_test(test_gen_zipf),
		cmocka_unit_test(test_gen_zipfrun),
		cmocka_unit_test(test_gen_kinds),
		cmocka_unit_test(test_gen_bad),
	};

	if (argc == 3 && strcmp(argv[1], "--touch-pages") == 0)
		return touch_pages(argv[2]);
	return cmocka_run_group_tests(tests, setup, teardown);
}
