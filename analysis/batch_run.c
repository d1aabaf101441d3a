/*
 * batch_run.c - running the cells of a batch in this process: a pool of jobs
 * threads, each cell one curve with its own threads, and the record a failed
 * cell leaves behind.
 *
 * A stop request (SIGINT) makes running cells abandon their work (nothing is
 * written for them) and starts no new ones.  A cell that fails (a corrupt
 * trace) writes DIR/cells/NAME.failed with its message and the others go on;
 * a later run retries it, and removes the record when it succeeds.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch_int.h"

int batch_run_cell(const struct batch_cell *c, unsigned threads, atomic_int *stop,
		   struct vm_diag *d)
{
	struct curve_job j = { 0 };
	struct outfile of;
	struct table t;
	int rc;

	j.trace = c->trace;
	j.page_shift = c->page_shift;
	j.policies = c->group->policies;
	j.frames = c->group->frames;
	j.seed = c->group->seed;
	j.lfu_aging = c->group->lfu_aging;
	j.threads = threads ? threads : 1;
	j.stop = stop;
	/* the rows name the trace as the spec does, whatever the cwd; the
	 * trace_id column still comes from the file opened */
	j.label = c->label;
	rc = curve_job_run(&j, &t, d);
	if (rc)
		return rc;
	rc = outfile_open(&of, c->out, d);
	if (!rc) {
		if (table_write(&t, of.f, REPORT_CSV)) {
			outfile_abort(&of);
			rc = vm_fail(d, VM_ERR_IO, "%s: write failed", c->out);
		} else if (stop && atomic_load(stop)) {
			outfile_abort(&of);
			rc = vm_fail(d, VM_ERR_IO, "interrupted");
		} else {
			rc = outfile_commit(&of, d);
		}
	}
	table_free(&t);
	return rc;
}

struct batch_pool {
	struct batch_cell *cells;        /* all cells */
	size_t n;                        /* how many */
	const struct batch_run_opts *o;  /* options */
	size_t next;                     /* next cell to look at */
	size_t started;                  /* cells started */
	size_t done;                     /* cells finished (well or not) */
	size_t todo;                     /* cells this run will do */
	size_t failed;                   /* cells that failed */
	pthread_mutex_t mu;              /* guards the counters and events */
};

static int in_range(const struct batch_run_opts *o, const struct batch_cell *c)
{
	return !o->first || (c->index >= o->first && c->index <= o->last);
}

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *batch_worker(void *arg)
{
	struct batch_pool *pl = arg;
	const struct batch_run_opts *o = pl->o;
	struct vm_diag d;
	struct batch_cell *c;
	double t0;
	int rc;

	for (;;) {
		c = NULL;
		pthread_mutex_lock(&pl->mu);
		while (pl->next < pl->n && !(o->stop && atomic_load(o->stop)) &&
		       pl->started < pl->todo) {
			struct batch_cell *x = &pl->cells[pl->next++];

			if (!x->done && in_range(o, x)) {
				c = x;
				pl->started++;
				if (o->event)
					o->event(o->ctx, c, BATCH_START, NULL, pl->done, pl->todo);
				break;
			}
		}
		pthread_mutex_unlock(&pl->mu);
		if (!c)
			return NULL;
		memset(&d, 0, sizeof d);
		t0 = now_seconds();
		rc = batch_run_cell(c, o->threads, o->stop, &d);
		pthread_mutex_lock(&pl->mu);
		c->seconds = now_seconds() - t0;
		pl->done++;
		if (rc && !(o->stop && atomic_load(o->stop))) {
			struct vm_diag rd = { 0 };

			pl->failed++;
			/* the cell's own message is what matters; a record that
			 * cannot be written shows as a missing cell at the join */
			batch_record_failure(c, d.msg, &rd);
			if (o->event)
				o->event(o->ctx, c, BATCH_FAILED, &d, pl->done, pl->todo);
		} else if (!rc) {
			struct vm_diag rd = { 0 };

			c->done = 1;
			if (c->failed)
				batch_record_failure(c, NULL, &rd); /* a stale record is harmless */
			if (o->event)
				o->event(o->ctx, c, BATCH_DONE, NULL, pl->done, pl->todo);
		}
		pthread_mutex_unlock(&pl->mu);
	}
}

int batch_run(struct batch_cell *cells, size_t n, const struct batch_run_opts *o,
	      struct vm_diag *d)
{
	struct batch_pool pl;
	pthread_t *th;
	size_t i, started = 0, pending = 0, jobs = o->jobs ? o->jobs : 1;

	memset(&pl, 0, sizeof pl);
	for (i = 0; i < n; i++)
		pending += !cells[i].done && in_range(o, &cells[i]);
	pl.cells = cells;
	pl.n = n;
	pl.o = o;
	pl.todo = o->max_cells && o->max_cells < pending ? o->max_cells : pending;
	pthread_mutex_init(&pl.mu, NULL);
	if (jobs > pl.todo)
		jobs = pl.todo ? pl.todo : 1;
	th = xcalloc(jobs, sizeof *th);
	for (i = 1; i < jobs; i++, started++)
		if (pthread_create(&th[i - 1], NULL, batch_worker, &pl))
			break;
	batch_worker(&pl);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	pthread_mutex_destroy(&pl.mu);
	if (o->stop && atomic_load(o->stop))
		return vm_fail(d, VM_ERR_IO, "interrupted");
	if (pl.failed)
		return vm_fail(d, VM_ERR_FORMAT, "%zu of %zu cells failed", pl.failed, pl.todo);
	return 0;
}

int batch_record_failure(struct batch_cell *c, const char *msg, struct vm_diag *d)
{
	struct strbuf b = { 0 };
	int rc;

	if (!msg) {
		if (unlink(c->fail_path) && errno != ENOENT)
			return vm_fail(d, VM_ERR_IO, "%s: cannot remove: %s", c->fail_path,
				       strerror(errno));
		c->failed = 0;
		free(c->message);
		c->message = NULL;
		return 0;
	}
	c->failed = 1;
	if (c->message != msg) {
		free(c->message);
		c->message = xstrdup(msg);
	}
	sb_printf(&b, "%s\n", msg);
	rc = batch_write_file(c->fail_path, b.s, d);
	free(b.s);
	return rc;
}

int batch_check_complete(const struct batch_cell *cells, size_t n, struct vm_diag *d)
{
	struct strbuf b = { 0 };
	size_t i, missing = 0, failed = 0, shown = 0;
	const struct batch_cell *first_fail = NULL;
	int rc;

	for (i = 0; i < n; i++) {
		if (cells[i].done)
			continue;
		if (cells[i].failed) {
			failed++;
			if (!first_fail)
				first_fail = &cells[i];
		} else {
			missing++;
		}
	}
	if (!missing && !failed)
		return 0;
	for (i = 0; i < n && shown < 10; i++) {
		if (cells[i].done)
			continue;
		sb_printf(&b, "%s%zu (%s%s)", shown ? ", " : "", cells[i].index, cells[i].name,
			  cells[i].failed ? ", failed" : "");
		shown++;
	}
	if (shown < missing + failed)
		sb_printf(&b, " and %zu more", missing + failed - shown);
	rc = vm_fail(d, VM_ERR_FORMAT, "not joined: %zu of %zu cells missing, %zu failed: %s%s%s",
		     missing, n, failed, b.s, first_fail ? "; first failure: " : "",
		     first_fail ? first_fail->message : "");
	free(b.s);
	return rc;
}
