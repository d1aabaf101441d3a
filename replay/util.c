/*
 * util.c - diagnostics, the one allocation path allowed to give up, and the
 * number parsers every command-line option and text format shares.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay.h"

int vm_fail(struct vm_diag *d, int code, const char *fmt, ...)
{
	va_list ap;

	if (d) {
		d->code = code;
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof d->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

static void oom(size_t n)
{
	fprintf(stderr, "vmsim: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

const char *ref_kind_name(int kind)
{
	static const char *const names[REF_NKINDS] = { "instr", "load", "store", "modify" };

	return kind >= 0 && kind < REF_NKINDS ? names[kind] : "?";
}

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10, dig;

	if (!s || !*s)
		return VM_ERR_USAGE;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return VM_ERR_USAGE;
	}
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			dig = (unsigned)(*s - '0');
		else if (base == 16 && isxdigit((unsigned char)*s))
			dig = (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		else
			return VM_ERR_USAGE;
		if (v > (UINT64_MAX - dig) / base)
			return VM_ERR_LIMIT;
		v = v * base + dig;
	}
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = 0;
	uint64_t v, mult = 1;
	const char *suf;

	while (s[n] && (isdigit((unsigned char)s[n]) || s[n] == 'x' || s[n] == 'X' ||
			(n > 1 && isxdigit((unsigned char)s[n]) && (s[1] == 'x' || s[1] == 'X'))))
		n++;
	if (n == 0 || n >= sizeof num)
		return VM_ERR_USAGE;
	memcpy(num, s, n);
	num[n] = 0;
	if (parse_u64(num, &v))
		return VM_ERR_USAGE;
	suf = s + n;
	switch (toupper((unsigned char)*suf)) {
	case 0: break;
	case 'K': mult = 1ull << 10; suf++; break;
	case 'M': mult = 1ull << 20; suf++; break;
	case 'G': mult = 1ull << 30; suf++; break;
	case 'T': mult = 1ull << 40; suf++; break;
	case 'B': break;
	default: return VM_ERR_USAGE;
	}
	if (mult > 1 && (suf[0] == 'i' || suf[0] == 'I'))
		suf++;
	if (suf[0] == 'B' || suf[0] == 'b')
		suf++;
	if (*suf)
		return VM_ERR_USAGE;
	if (v > UINT64_MAX / mult)
		return VM_ERR_LIMIT;
	*out = v * mult;
	return 0;
}

int ilog2_exact(uint64_t v)
{
	if (v == 0 || (v & (v - 1)))
		return -1;
	return __builtin_ctzll(v);
}

/* 8 hex digits for this host (FNV-1a of its name), so a shared disk keeps
 * another machine's temporaries: their pids mean nothing here. */
static uint32_t host_hash(void)
{
	char h[256] = "";
	uint32_t x = 2166136261u;
	const char *p;

	gethostname(h, sizeof h - 1);
	for (p = h; *p; p++)
		x = (x ^ (unsigned char)*p) * 16777619u;
	return x;
}

char *vm_temp_template(const char *path)
{
	size_t n = strlen(path) + sizeof ".tmp.4294967295.ffffffff.XXXXXX";
	char *t = xmalloc(n);

	snprintf(t, n, "%s.tmp.%ld.%08x.XXXXXX", path, (long)getpid(), host_hash());
	return t;
}

/* The pid in NAME if it is exactly BASE.tmp.PID.HOST.XXXXXX for this host. */
static long stale_pid(const char *name, const char *base, size_t blen, uint32_t host)
{
	const char *p = name + blen;
	char hex[9];
	long pid = 0;
	int i;

	if (strncmp(name, base, blen) != 0 || strncmp(p, ".tmp.", 5) != 0)
		return 0;
	for (p += 5; *p >= '0' && *p <= '9' && pid < 100000000; p++)
		pid = pid * 10 + (*p - '0');
	if (pid <= 0 || *p++ != '.')
		return 0;
	snprintf(hex, sizeof hex, "%08x", host);
	if (strncmp(p, hex, 8) != 0 || p[8] != '.')
		return 0;
	for (p += 9, i = 0; i < 6; i++, p++)
		if (!isalnum((unsigned char)*p))
			return 0;
	return *p ? 0 : pid;
}

void vm_temp_sweep(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	char *dir = slash ? xstrdup(path) : xstrdup(".");
	uint32_t host = host_hash();
	size_t blen = strlen(base);
	struct dirent *e;
	struct stat st;
	DIR *dp;
	long pid;

	if (slash)
		dir[slash - path ? slash - path : 1] = 0; /* "/x": the root */
	dp = blen ? opendir(dir) : NULL;
	while (dp && (e = readdir(dp)) != NULL) {
		char *full;
		size_t n;

		pid = stale_pid(e->d_name, base, blen, host);
		if (!pid || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		n = strlen(dir) + strlen(e->d_name) + 2;
		full = xmalloc(n);
		snprintf(full, n, "%s/%s", dir, e->d_name);
		if (lstat(full, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid())
			unlink(full);
		free(full);
	}
	if (dp)
		closedir(dp);
	free(dir);
}

int outfile_open(struct outfile *o, const char *path, struct vm_diag *d)
{
	int fd;

	struct stat st;
	mode_t mask;

	memset(o, 0, sizeof *o);
	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		o->f = fopen(path, "w");
		if (!o->f)
			return vm_fail(d, VM_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
		o->owned = 1;
		return 0;
	}
	vm_temp_sweep(path);
	o->path = xstrdup(path);
	o->tmp = vm_temp_template(path);
	fd = vm_temp_create(o->tmp);
	if (fd < 0) {
		int e = errno;

		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof *o);
		return vm_fail(d, VM_ERR_IO, "%s: cannot create: %s", path, strerror(e));
	}
	/* mkstemp makes the file 0600; results are ordinary files, 0666 & ~umask
	 * (reading the umask means setting it, so set it straight back) */
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		vm_temp_unregister(o->tmp);
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof *o);
		return vm_fail(d, VM_ERR_NOMEM, "%s: out of memory", path);
	}
	return 0;
}

int outfile_commit(struct outfile *o, struct vm_diag *d)
{
	int bad;

	if (!o->tmp) {
		bad = fflush(o->f) != 0 || ferror(o->f);
		if (o->owned)
			bad |= fclose(o->f) != 0;
		memset(o, 0, sizeof *o);
		return bad ? vm_fail(d, VM_ERR_IO, "writing the output failed") : 0;
	}
	bad = fflush(o->f) != 0 || ferror(o->f);
	bad |= fclose(o->f) != 0;
	o->f = NULL;
	if (bad || rename(o->tmp, o->path) != 0) {
		int e = errno;

		unlink(o->tmp);
		vm_temp_unregister(o->tmp);
		vm_fail(d, VM_ERR_IO, "%s: cannot write: %s", o->path, strerror(e));
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof *o);
		return VM_ERR_IO;
	}
	vm_temp_unregister(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->owned && o->f)
		fclose(o->f);
	if (o->tmp) {
		if (o->f)
			fclose(o->f);
		unlink(o->tmp);
		vm_temp_unregister(o->tmp);
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
}

/*
 * The registry of temporaries is a fixed array of pointers so the signal
 * handler needs nothing but unlink(), which is async-signal-safe.  Slots are
 * claimed and released with atomic exchanges, as batch runs write from
 * several threads.
 */
static const char *volatile vm_temps[VM_MAX_TEMPS];

int vm_temp_create(char *tmpl)
{
	sigset_t block, old;
	int fd, e;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	fd = mkstemp(tmpl);
	e = errno;
	if (fd >= 0)
		vm_temp_register(tmpl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return fd;
}

void vm_temp_register(const char *path)
{
	size_t i;

	for (i = 0; i < VM_MAX_TEMPS; i++) {
		const char *expected = NULL;

		if (__atomic_compare_exchange_n(&vm_temps[i], &expected, path, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return;
	}
}

void vm_temp_unregister(const char *path)
{
	size_t i;

	for (i = 0; i < VM_MAX_TEMPS; i++) {
		const char *expected = path;

		if (__atomic_compare_exchange_n(&vm_temps[i], &expected, NULL, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return;
	}
}

void vm_cleanup_and_die(int sig)
{
	size_t i;

	/* files first, then the (now empty) directories registered for them */
	for (i = 0; i < VM_MAX_TEMPS; i++) {
		const char *p = __atomic_load_n(&vm_temps[i], __ATOMIC_SEQ_CST);

		if (p)
			unlink(p);
	}
	for (i = 0; i < VM_MAX_TEMPS; i++) {
		const char *p = __atomic_load_n(&vm_temps[i], __ATOMIC_SEQ_CST);

		if (p)
			rmdir(p);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void vm_cleanup_on_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = vm_cleanup_and_die;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;

		/* a signal ignored on entry (nohup, a shell's background job)
		 * stays ignored, as the user asked */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* The --mem-limit of this run, 0 when none was given.  Set once by the
 * command line before any work starts, read by loaded_init(). */
static uint64_t vm_mem_limit_bytes;
static uint64_t vm_mem_budget;  /* the limit vm_mem_charge() keeps; 0 = not read yet */

void vm_mem_limit_set(uint64_t bytes)
{
	vm_mem_limit_bytes = bytes;
	vm_mem_budget = bytes; /* 0: MemAvailable, read again at the next charge */
}

static uint64_t vm_mem_used;    /* bytes charged now, all threads */
static _Thread_local struct {
	const char *what;  /* the last refused charge: what asked */
	uint64_t bytes;    /* and how much */
} vm_mem_last;

int vm_mem_charge(uint64_t bytes, const char *what)
{
	uint64_t lim = __atomic_load_n(&vm_mem_budget, __ATOMIC_RELAXED), used;

	if (!lim) {
		lim = vm_mem_available();
		__atomic_store_n(&vm_mem_budget, lim, __ATOMIC_RELAXED);
	}
	used = __atomic_add_fetch(&vm_mem_used, bytes, __ATOMIC_RELAXED);
	if (used < bytes || used > lim) {
		__atomic_sub_fetch(&vm_mem_used, bytes, __ATOMIC_RELAXED);
		vm_mem_last.what = what;
		vm_mem_last.bytes = bytes;
		return VM_ERR_MEMLIMIT;
	}
	return 0;
}

void vm_mem_release(uint64_t bytes)
{
	__atomic_sub_fetch(&vm_mem_used, bytes, __ATOMIC_RELAXED);
}

uint64_t vm_mem_in_use(void)
{
	return __atomic_load_n(&vm_mem_used, __ATOMIC_RELAXED);
}

static unsigned long long mib_up(uint64_t b)
{
	return (unsigned long long)((b >> 20) + ((b & ((1u << 20) - 1)) != 0));
}

const char *vm_mem_limit_name(char *buf, size_t n)
{
	uint64_t v = vm_mem_limit_bytes, b = __atomic_load_n(&vm_mem_budget, __ATOMIC_RELAXED);

	if (!v)
		snprintf(buf, n, "the %llu MiB available (MemAvailable; see --mem-limit)",
			 (unsigned long long)((b ? b : vm_mem_available()) >> 20));
	else if (v % (1ull << 30) == 0)
		snprintf(buf, n, "--mem-limit %lluG", (unsigned long long)(v >> 30));
	else if (v % (1ull << 20) == 0)
		snprintf(buf, n, "--mem-limit %lluM", (unsigned long long)(v >> 20));
	else if (v % (1ull << 10) == 0)
		snprintf(buf, n, "--mem-limit %lluK", (unsigned long long)(v >> 10));
	else
		snprintf(buf, n, "--mem-limit %llu", (unsigned long long)v);
	return buf;
}

int vm_mem_report(struct vm_diag *d, const char *prefix)
{
	char lim[96];

	return vm_fail(d, VM_ERR_MEMLIMIT, "%s%s%s needs %llu MiB more than %s allows "
		       "(%llu MiB of per-page state in use)",
		       prefix ? prefix : "", prefix ? ": " : "",
		       vm_mem_last.what ? vm_mem_last.what : "the trace's per-page state",
		       mib_up(vm_mem_last.bytes), vm_mem_limit_name(lim, sizeof lim),
		       mib_up(vm_mem_in_use()));
}

uint64_t vm_mem_available(void)
{
	char line[256];
	unsigned long long kb;
	FILE *f;
	uint64_t avail = UINT64_MAX;

	if (vm_mem_limit_bytes)
		return vm_mem_limit_bytes;
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return avail;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
			avail = (uint64_t)kb * 1024;
			break;
		}
	fclose(f);
	return avail;
}
