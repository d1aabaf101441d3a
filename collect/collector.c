/*
 * collector.c - vmsim collect: a program run under Valgrind's Lackey tool,
 * its memory references streamed straight into a trace file.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * THE PLUMBING
 *
 *   traced process: valgrind --tool=lackey --trace-mem=yes --log-fd=99 PROG
 *        |  fd 99: "I  0401ab70,3\n S 1fff000608,8\n ..."  (plus ==pid== banners)
 *        v
 *   log pipe ---> relay thread ---> relay pipe ---> lackey reader ---> trace writer
 *                 (whole lines,      "/dev/fd/N"    (collect/lackey.c)  (native .vmt)
 *                  counts, reaps
 *                  valgrind)
 *
 * Lackey writes one text line per reference to its log descriptor.  That
 * descriptor is one end of a pipe; vmsim's existing lackey reader parses the
 * other end, opened by path as /dev/fd/N, and the records go to the trace
 * writer in batches.  Nothing touches the disk but the compressed trace, and
 * memory is bounded by the two pipe buffers, one relay buffer and one batch.
 * The program's own stdin, stdout and stderr are those of vmsim, untouched.
 *
 * Why a relay thread rather than the reader on the log pipe directly:
 *
 *   - Lines.  A program killed by SIGKILL (or valgrind killed outright) may
 *     leave Lackey's output cut in the middle of a line.  The relay forwards
 *     whole lines only and drops an unterminated tail, so such a run still
 *     gives a clean, closed trace of everything before the kill.
 *   - The end.  The log descriptor is inherited by whatever the program
 *     executes (Valgrind does not hide it), so a background child that
 *     outlives the program keeps the pipe open and no end-of-file would come.
 *     The relay reaps valgrind, and once valgrind is gone it drains what is
 *     buffered and ends the stream itself.
 *   - Stopping.  After --max-refs, or when the trace cannot be written, the
 *     reader stops; the relay then discards the rest of the log (so valgrind
 *     never blocks on a full pipe), asks the program to end with SIGTERM and,
 *     if it is still there two seconds later, SIGKILLs it.
 *
 * Signals.  SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to vmsim are forwarded
 * to valgrind (which passes them to the program), and vmsim carries on
 * reading until valgrind has gone, so the trace is closed properly.  Signals
 * the terminal generates (Ctrl-C) already reach the whole foreground process
 * group, valgrind included, and are not sent a second time: the handler
 * tells them apart by si_code == SI_KERNEL.  A signal ignored when
 * forwarding starts stays ignored.  SIGPIPE is ignored while the relay runs
 * (a write to a reader that has gone must fail with EPIPE, not kill vmsim),
 * and SIGCHLD is set to its default so valgrind stays ours to reap.  The
 * child puts every handler back to its default before it executes
 * valgrind.  The exit status is the
 * program's (valgrind exits with its client's status and re-raises a fatal
 * signal on itself), which the command line passes on.
 *
 * Costs.  Valgrind runs the program 50-200x slower than natively and Lackey
 * prints about 14 bytes per reference; parsing and compressing is a small
 * fraction of that.  The native trace takes 0.3-1 byte per reference.
 *
 * What is approximated: nothing is changed in the references themselves;
 * what Lackey cannot see (the kernel, the loader's layout under Valgrind,
 * ...) is listed in lackey.c.  A program that forks keeps its child under
 * Valgrind, writing to the same log: the two streams interleave line by line
 * and the trace ends when the program (not the child) has ended.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "native.h"

#define RELAY_BUF (64u << 10)  /* relay read buffer: longest line held back */
#define RELAY_POLL_MS 50       /* how often the relay checks on valgrind */
#define STOP_GRACE_S 2.0       /* SIGTERM, then SIGKILL after this long */
#define COLLECT_BATCH 4096     /* references per read/write */
#define COLLECT_XSTR(x) #x
#define COLLECT_STR(x) COLLECT_XSTR(x)

/* ------------------------------------------------------------ helpers */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int collect_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

static int is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int collect_which(const char *name, char *out, size_t n, struct vm_diag *d)
{
	const char *path = getenv("PATH"), *p, *end;
	size_t len;
	int w;

	if (!name || !*name)
		return vm_fail(d, VM_ERR_USAGE, "no program given");
	if (strchr(name, '/')) {
		if (!is_executable(name))
			return vm_fail(d, VM_ERR_IO, "%s: %s", name, access(name, F_OK) ?
				       strerror(errno) : "not an executable file");
		if ((size_t)snprintf(out, n, "%s", name) >= n)
			return vm_fail(d, VM_ERR_LIMIT, "%s: path too long", name);
		return 0;
	}
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		len = end ? (size_t)(end - p) : strlen(p);
		/* an empty PATH entry means the current directory */
		w = len ? snprintf(out, n, "%.*s/%s", (int)len, p, name)
			: snprintf(out, n, "./%s", name);
		if (w > 0 && (size_t)w < n && is_executable(out))
			return 0;
		if (!end)
			break;
	}
	return vm_fail(d, VM_ERR_IO, "%s: not found in PATH", name);
}

/* ------------------------------------------------- signal forwarding */

static const int fwd_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define NFWD (sizeof fwd_sigs / sizeof fwd_sigs[0])
static volatile sig_atomic_t fwd_pid;  /* where to forward, 0 = nowhere */
static struct sigaction fwd_old[NFWD]; /* the handlers to restore */
static int fwd_on;                     /* handlers are installed */

static void fwd_handler(int sig, siginfo_t *si, void *uc)
{
	pid_t p = (pid_t)fwd_pid;
	int saved = errno;

	(void)uc;
	/* the terminal sent it to the whole process group: the child has it */
	if (p > 0 && (!si || si->si_code != SI_KERNEL))
		kill(p, sig);
	errno = saved;
}

void collect_forward_start(pid_t pid)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fwd_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	fwd_pid = (sig_atomic_t)pid;
	if (fwd_on)
		return;
	for (i = 0; i < NFWD; i++) {
		sigaction(fwd_sigs[i], NULL, &fwd_old[i]);
		/* a signal ignored on entry (nohup, a background job) stays so */
		if (fwd_old[i].sa_handler != SIG_IGN)
			sigaction(fwd_sigs[i], &sa, NULL);
	}
	fwd_on = 1;
}

void collect_child_signals(void)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NFWD; i++) {
		sigaction(fwd_sigs[i], NULL, &old);
		if (old.sa_handler != SIG_IGN)
			sigaction(fwd_sigs[i], &sa, NULL);
	}
}

void collect_forward_stop(void)
{
	size_t i;

	fwd_pid = 0;
	if (!fwd_on)
		return;
	for (i = 0; i < NFWD; i++)
		sigaction(fwd_sigs[i], &fwd_old[i], NULL);
	fwd_on = 0;
}

/* -------------------------------------------------------------- relay */

struct relay {
	int in;              /* read end of valgrind's log pipe */
	int out;             /* write end of the reader's pipe, -1 once closed */
	pid_t pid;           /* valgrind */
	atomic_int stop;     /* set by the reader side: the rest is not wanted */
	int discard;         /* drop what is read (stopped, or the reader left) */
	int wstatus;         /* valgrind's wait status, once reaped */
	int reaped;          /* wstatus is valid */
	int termed;          /* SIGTERM sent for a stop */
	int killed;          /* SIGKILL sent after the grace period */
	double t_stop;       /* when the stop was first seen */
	uint64_t dropped;    /* bytes of an unterminated last line */
	size_t keep;         /* bytes in buf after the last newline */
	unsigned char buf[RELAY_BUF]; /* what was read and not yet forwarded */
};

static void relay_close_out(struct relay *rl)
{
	if (rl->out >= 0)
		close(rl->out);
	rl->out = -1;
}

/* Write n bytes to the reader; on EPIPE (it has gone) switch to discard. */
static void relay_write(struct relay *rl, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n && !rl->discard) {
		w = write(rl->out, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rl->discard = 1;
			relay_close_out(rl);
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* n new bytes arrived behind rl->keep held ones: forward the whole lines. */
static void relay_push(struct relay *rl, size_t n)
{
	size_t total = rl->keep + n, j = total;

	if (rl->discard) {
		rl->keep = 0;
		return;
	}
	while (j > 0 && rl->buf[j - 1] != '\n')
		j--;
	if (j == 0 && total == sizeof rl->buf)
		j = total; /* no newline in 64 KiB: not Lackey; let the reader say so */
	relay_write(rl, rl->buf, j);
	rl->keep = total - j;
	if (rl->keep)
		memmove(rl->buf, rl->buf + j, rl->keep);
}

/* Reap valgrind if it has ended; handle a requested stop.  1 once reaped. */
static int relay_check(struct relay *rl)
{
	pid_t w;

	if (rl->reaped)
		return 1;
	if (atomic_load(&rl->stop)) {
		rl->discard = 1;
		if (!rl->termed) {
			kill(rl->pid, SIGTERM);
			rl->termed = 1;
			rl->t_stop = now_s();
		} else if (!rl->killed && now_s() - rl->t_stop > STOP_GRACE_S) {
			kill(rl->pid, SIGKILL);
			rl->killed = 1;
		}
	}
	do
		w = waitpid(rl->pid, &rl->wstatus, WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == rl->pid || (w < 0 && errno == ECHILD)) {
		if (w < 0)
			rl->wstatus = 0;
		rl->reaped = 1;
		fwd_pid = 0; /* the pid may be reused from now on */
	}
	return rl->reaped;
}

static void *relay_main(void *arg)
{
	struct relay *rl = arg;
	struct pollfd pfd;
	ssize_t n;
	int rc, gone = 0;

	for (;;) {
		pfd.fd = rl->in;
		pfd.events = POLLIN;
		pfd.revents = 0;
		/* once valgrind has gone, take what is buffered and finish */
		rc = poll(&pfd, 1, gone ? 0 : RELAY_POLL_MS);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0) {
			n = read(rl->in, rl->buf + rl->keep, sizeof rl->buf - rl->keep);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break; /* end of file: every writer has closed */
			relay_push(rl, (size_t)n);
			if (atomic_load(&rl->stop))
				gone = relay_check(rl);
			continue;
		}
		if (gone)
			break;
		gone = relay_check(rl);
	}
	rl->dropped = rl->discard ? 0 : rl->keep;
	relay_close_out(rl);
	/* the log is closed or abandoned; wait for valgrind itself */
	while (!relay_check(rl)) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return NULL;
}

/* ----------------------------------------------------------- collect */

/* The reader names the pipe /dev/fd/N; say "Lackey's output" instead. */
static void rename_source(struct vm_diag *d, const char *path)
{
	char msg[sizeof d->msg];
	size_t n = strlen(path);

	if (d && strncmp(d->msg, path, n) == 0) {
		snprintf(msg, sizeof msg, "Lackey's output%s", d->msg + n);
		memcpy(d->msg, msg, sizeof msg);
	}
}

static int cloexec_pipe(int p[2])
{
	if (pipe(p) < 0)
		return -1;
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

/* valgrind's command line: its options, then the program's argv. */
static char **valgrind_argv(const struct collect_config *cfg)
{
	static const char *const opts[] = {
		"--tool=lackey", "--trace-mem=yes", "--basic-counts=no",
		"--trace-children=no", "--log-fd=" COLLECT_STR(COLLECT_LOG_FD),
	};
	enum { NOPTS = sizeof opts / sizeof opts[0] };
	size_t i, n = 0, nargs = 0;
	char **argv;

	while (cfg->argv[nargs])
		nargs++;
	argv = xmalloc((NOPTS + nargs + 2) * sizeof *argv);
	argv[n++] = (char *)cfg->valgrind;
	for (i = 0; i < NOPTS; i++)
		argv[n++] = (char *)opts[i];
	for (i = 0; i < nargs; i++)
		argv[n++] = cfg->argv[i];
	argv[n] = NULL;
	return argv;
}

/* In the child: become valgrind, logging to COLLECT_LOG_FD.  Never returns. */
static void exec_valgrind(char **argv, int logw, const struct sigaction *old_pipe)
{
	char msg[512];
	int len;

	collect_child_signals();
	sigaction(SIGPIPE, old_pipe, NULL);
	if (logw == COLLECT_LOG_FD)
		fcntl(logw, F_SETFD, 0);
	else if (dup2(logw, COLLECT_LOG_FD) < 0)
		_exit(127);
	execv(argv[0], argv);
	len = snprintf(msg, sizeof msg, "vmsim collect: cannot run %s: %s\n",
		       argv[0], strerror(errno));
	if (len > 0 && write(2, msg, (size_t)len) < 0)
		_exit(127);
	_exit(127);
}

/* Keep the references cfg wants, tagged with its asid; the new count. */
static size_t filter(const struct collect_config *cfg, struct ref *buf, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (cfg->data_only && buf[i].kind == REF_INSTR)
			continue;
		buf[k] = buf[i];
		buf[k].asid = cfg->asid;
		k++;
	}
	return k;
}

static uint64_t file_bytes(FILE *f)
{
	struct stat st;

	return f && fstat(fileno(f), &st) == 0 ? (uint64_t)st.st_size : 0;
}

int collect_run(const struct collect_config *cfg, struct collect_result *res,
		struct vm_diag *d)
{
	const struct trace_format *fmt = cfg->fmt ? cfg->fmt : &native_format;
	struct trace_writer *w = NULL;
	struct trace_reader *r = NULL;
	struct sigaction ign, dfl, old_pipe, old_chld;
	struct relay *rl = NULL;
	struct ref *buf = NULL;
	char **vargv = NULL;
	struct stat st;
	pthread_t th;
	char path[64];
	int logp[2] = { -1, -1 }, relp[2] = { -1, -1 };
	int rc, read_rc = 0, write_rc = 0, stop = 0, started = 0;
	double t0 = now_s();
	long page, got;
	size_t i, n;
	pid_t pid;

	memset(res, 0, sizeof *res);
	if (!cfg->argv || !cfg->argv[0])
		return vm_fail(d, VM_ERR_USAGE, "no program given");
	rc = trace_writer_open(&w, cfg->output, fmt, cfg->gzip, d);
	if (rc)
		return rc;
	page = sysconf(_SC_PAGESIZE);
	if (fmt == &native_format && page > 0 && ilog2_exact((uint64_t)page) > 0)
		native_writer_set_page_shift(w, (uint32_t)ilog2_exact((uint64_t)page));
	if (cloexec_pipe(logp) < 0 || cloexec_pipe(relp) < 0) {
		rc = vm_fail(d, VM_ERR_IO, "pipe: %s", strerror(errno));
		goto out;
	}
	rl = xcalloc(1, sizeof *rl);
	buf = xmalloc(COLLECT_BATCH * sizeof *buf);
	vargv = valgrind_argv(cfg);

	/* a write to the relay pipe after the reader left must fail, not kill;
	 * and valgrind must stay ours to reap even if SIGCHLD was ignored */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	dfl = ign;
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGCHLD, &dfl, &old_chld);
	pid = fork();
	if (pid < 0) {
		rc = vm_fail(d, VM_ERR_IO, "fork: %s", strerror(errno));
		sigaction(SIGPIPE, &old_pipe, NULL);
		sigaction(SIGCHLD, &old_chld, NULL);
		goto out;
	}
	if (pid == 0)
		exec_valgrind(vargv, logp[1], &old_pipe);
	close(logp[1]);
	logp[1] = -1;
	collect_forward_start(pid);

	rl->in = logp[0];
	rl->out = relp[1];
	rl->pid = pid;
	atomic_init(&rl->stop, 0);
	rc = pthread_create(&th, NULL, relay_main, rl);
	if (rc) {
		/* without a relay nothing reads the log: stop the program */
		kill(pid, SIGKILL);
		while (waitpid(pid, &res->wstatus, 0) < 0 && errno == EINTR)
			;
		rc = vm_fail(d, VM_ERR_IO, "cannot start a thread: %s", strerror(rc));
		goto done;
	}
	started = 1;
	relp[1] = -1; /* the relay owns it now */

	snprintf(path, sizeof path, "/dev/fd/%d", relp[0]);
	read_rc = trace_open(&r, path, &lackey_format, d);
	close(relp[0]);
	relp[0] = -1;
	while (!read_rc && !stop) {
		got = trace_read(r, buf, COLLECT_BATCH);
		if (got <= 0) {
			read_rc = (int)got;
			break;
		}
		res->lackey_refs += (uint64_t)got;
		n = filter(cfg, buf, (size_t)got);
		if (cfg->max_refs && res->refs + n >= cfg->max_refs) {
			n = (size_t)(cfg->max_refs - res->refs);
			stop = 1;
		}
		for (i = 0; i < n; i++)
			res->by_kind[buf[i].kind]++;
		write_rc = trace_writer_write(w, buf, n);
		if (write_rc) {
			stop = 1;
			break;
		}
		res->refs += n;
		res->text_bytes = stream_offset(r->s);
		if (cfg->progress) {
			res->trace_bytes = file_bytes(w->f);
			res->seconds = now_s() - t0;
			cfg->progress(res, cfg->progress_arg);
		}
	}
	if (r)
		res->text_bytes = stream_offset(r->s);
	if (read_rc)
		rename_source(d, path);
	if (stop) {
		res->stopped = !write_rc;
		atomic_store(&rl->stop, 1);
	}
	/* closing the reader's end makes the relay discard what is left */
	trace_close(r);
	r = NULL;
	pthread_join(th, NULL);
	res->wstatus = rl->wstatus;
	res->dropped_bytes = rl->dropped;
	rc = write_rc ? write_rc : read_rc;
done:
	collect_forward_stop();
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	if (write_rc || !started) {
		trace_writer_abort(w);
	} else {
		/* a read error keeps the references before it, in a closed trace */
		int close_rc = trace_writer_close(w);

		if (close_rc) {
			rc = close_rc;
		} else {
			res->kept = 1;
			if (stat(cfg->output, &st) == 0)
				res->trace_bytes = (uint64_t)st.st_size;
		}
	}
	w = NULL;
out:
	res->seconds = now_s() - t0;
	if (w)
		trace_writer_abort(w);
	for (i = 0; i < 2; i++) {
		if (logp[i] >= 0)
			close(logp[i]);
		if (relp[i] >= 0)
			close(relp[i]);
	}
	free(rl);
	free(buf);
	free(vargv);
	return rc;
}
