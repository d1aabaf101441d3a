/*
 * stat.c - what is in a trace: references by kind, distinct pages at a page
 * size, the footprint and the address range, in one streaming pass.
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "replay_int.h"

int trace_stat(const char *path, const struct trace_format *fmt, uint32_t page_shift,
	       struct trace_stats *st, void (*progress)(uint64_t refs),
	       struct vm_diag *d)
{
	enum { BATCH = 4096 };
	struct trace_reader *r = NULL;
	struct pagemap map = { 0 }, asids = { 0 };
	uint32_t last_asid = 0;
	struct ref *buf = NULL;
	uint32_t id;
	int is_new, rc;
	long got, i;

	memset(st, 0, sizeof *st);
	st->min_addr = UINT64_MAX;
	if (page_shift > VM_MAX_PAGE_SHIFT)
		return vm_fail(d, VM_ERR_USAGE, "page size must be at most 1 GiB");
	rc = trace_open(&r, path, fmt, d);
	if (rc)
		return rc;
	st->format = r->fmt->name;
	st->gzip = stream_is_gzip(r->s);
	buf = malloc(BATCH * sizeof *buf);
	if (!buf || (rc = pagemap_init(&map)) || (rc = pagemap_init(&asids))) {
		rc = rc == VM_ERR_MEMLIMIT ? vm_mem_report(d, path) :
			vm_fail(d, VM_ERR_NOMEM, "out of memory");
		goto out;
	}
	while ((got = trace_read(r, buf, BATCH)) > 0) {
		if (st->refs == 0)
			st->first_addr = buf[0].addr;
		for (i = 0; i < got; i++) {
			const struct ref *x = &buf[i];

			st->by_kind[x->kind & 3]++;
			if (x->addr < st->min_addr)
				st->min_addr = x->addr;
			if (x->addr > st->max_addr)
				st->max_addr = x->addr;
			if (x->asid > st->max_asid)
				st->max_asid = x->asid;
			/* distinct ids, not the highest + 1 ({0, 7} are 2); the
			 * same id as the reference before costs no probe */
			if ((x->asid != last_asid || st->refs + (uint64_t)i == 0) &&
			    (rc = pagemap_get(&asids, x->asid, &id, &is_new))) {
				rc = rc == VM_ERR_MEMLIMIT ? vm_mem_report(d, path) :
					vm_fail(d, rc, "%s: out of memory", path);
				goto out;
			}
			last_asid = x->asid;
			rc = pagemap_get(&map, x->addr >> page_shift, &id, &is_new);
			if (rc) {
				rc = rc == VM_ERR_MEMLIMIT ? vm_mem_report(d, path) :
					vm_fail(d, rc, "%s: %s", path, rc == VM_ERR_LIMIT ?
						"more than 2^31 distinct pages" : "out of memory");
				goto out;
			}
		}
		st->refs += (uint64_t)got;
		st->last_addr = buf[got - 1].addr;
		if (progress)
			progress(st->refs);
	}
	if (got < 0) {
		rc = (int)got;
		goto out;
	}
	if (st->refs == 0)
		st->min_addr = 0;
	st->distinct_pages = map.count;
	st->asids = asids.count;
	rc = 0;
out:
	pagemap_free(&map);
	pagemap_free(&asids);
	free(buf);
	trace_close(r);
	return rc;
}
