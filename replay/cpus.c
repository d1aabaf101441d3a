/*
 * cpus.c - how many CPUs this process may use, for `-j 0`.
 *
 * Not the CPUs the machine has (sysconf(_SC_NPROCESSORS_ONLN)): a Slurm task
 * of one CPU on a 64-core node, a container limited to two, or a run under
 * `taskset` may use fewer.  Two limits apply, and the smaller wins:
 *
 *   - the affinity mask (sched_getaffinity): the CPUs the scheduler may put
 *     this process on (Slurm's task/affinity and cgroup cpusets, taskset);
 *   - the cgroup v2 CPU bandwidth (cpu.max "QUOTA PERIOD" of this process's
 *     cgroup, from /proc/self/cgroup): QUOTA/PERIOD CPUs' worth of time,
 *     rounded up (Docker's --cpus, systemd's CPUQuota).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"

/* The cgroup v2 CPU quota in CPUs (rounded up), 0 if there is none. */
static unsigned cgroup_cpus(void)
{
	char line[4096], path[4200];
	unsigned long long quota, period;
	FILE *f = fopen("/proc/self/cgroup", "r");
	char *rel = NULL;
	unsigned cpus = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "0::", 3) == 0) {
			rel = line + 3;
			rel[strcspn(rel, "\n")] = 0;
			break;
		}
	fclose(f);
	if (!rel)
		return 0;
	/* the limit may sit on this cgroup or any parent: the smallest counts */
	for (;;) {
		snprintf(path, sizeof path, "/sys/fs/cgroup%s/cpu.max", strcmp(rel, "/") ? rel : "");
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%llu %llu", &quota, &period) == 2 && period > 0) {
				unsigned c = (unsigned)((quota + period - 1) / period);

				if (c && (!cpus || c < cpus))
					cpus = c;
			}
			fclose(f);
		}
		{
			char *slash = strrchr(rel, '/');

			if (!slash || slash == rel)
				break;
			*slash = 0;
		}
	}
	return cpus;
}

unsigned vm_cpus_available(void)
{
	unsigned n = 0, q;
	cpu_set_t set;
	long online;

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		n = (unsigned)CPU_COUNT(&set);
	if (n == 0) {
		online = sysconf(_SC_NPROCESSORS_ONLN);
		n = online > 0 ? (unsigned)online : 1;
	}
	q = cgroup_cpus();
	if (q && q < n)
		n = q;
	return n ? n : 1;
}
