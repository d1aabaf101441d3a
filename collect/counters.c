/*
 * counters.c - what the hardware and the kernel count while a program runs:
 * TLB misses and page walks through libpfm4 and perf_event_open, page faults
 * as perf software events (vmsim counters, vmsim validate).
 *
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * EVENT NAMES
 *
 * The CPU's own event names differ by vendor and generation, so vmsim has a
 * few portable names, each a list of alternatives tried in order; the first
 * that libpfm4 can encode for this machine and the kernel accepts wins, and
 * what it was is reported.  An alternative may be a sum of events
 * ("A+B", e.g. page walks for loads plus those for stores):
 *
 *   name          alternatives (libpfm4 event strings)
 *   instructions  perf::PERF_COUNT_HW_INSTRUCTIONS
 *   dtlb-misses   AMD L1_DTLB_MISS (all reloads) | generic dTLB-load-misses
 *   itlb-misses   AMD L1_ITLB_MISS_L2_ITLB_HIT + L1_ITLB_MISS_L2_ITLB_MISS
 *                 | generic iTLB-load-misses
 *   dtlb-walks    Intel DTLB_LOAD_MISSES:WALK_COMPLETED + DTLB_STORE_MISSES:
 *                 WALK_COMPLETED | Intel loads only | AMD L1_DTLB_MISS with
 *                 the L2-miss unit masks (a walk follows every L2 DTLB miss)
 *   itlb-walks    Intel ITLB_MISSES:WALK_COMPLETED | AMD L1_ITLB_MISS_L2_ITLB_MISS
 *   page-faults   software event PERF_COUNT_SW_PAGE_FAULTS
 *   minor-faults  software event PERF_COUNT_SW_PAGE_FAULTS_MIN
 *   major-faults  software event PERF_COUNT_SW_PAGE_FAULTS_MAJ
 *
 * Any other name is handed to libpfm4 as it is (INST_RETIRED:ANY_P,
 * perf::PERF_COUNT_HW_CACHE_L1D:READ:MISS, dTLB-store-misses, ...; perf's
 * dotted spelling DTLB_LOAD_MISSES.WALK_COMPLETED is accepted too).  A name
 * neither vmsim nor libpfm4 knows is an error.  A name that is known but
 * cannot be counted here is not: it is reported with the reason.
 *
 * COUNTING
 *
 * The program is forked and waits on a pipe while every event is opened on
 * its pid, disabled, with enable_on_exec (so counting starts exactly at its
 * exec, loader included) and inherit (its children are counted too, as
 * perf stat does).  Each counter is read once after the program has been
 * reaped, with the times it was enabled and running: when the PMU had to
 * multiplex, the count is scaled by enabled / running, and the fraction is
 * reported.  Counting is user and kernel where allowed; when
 * perf_event_paranoid forbids the kernel part (EACCES), the event is opened
 * again for user space only and marked so.
 *
 * WHY AN EVENT IS UNAVAILABLE
 *
 * No hardware PMU (most virtual machines, CI runners): perf_event_open
 * returns ENOENT or EOPNOTSUPP for every hardware event; the software events
 * still work, and are the tested path.  Not permitted: perf_event_paranoid
 * is too high (3 on some distributions forbids everything to non-root
 * users).  Not on this CPU: libpfm4 knows no PMU here that names the event.
 */
#define _DEFAULT_SOURCE /* syscall(2), for perf_event_open */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <perfmon/pfmlib_perf_event.h>

#include "collect.h"

#define CTR_MAX_EVENTS 32   /* events in one run */
#define CTR_MAX_ALTS 4      /* alternatives per portable name */
#define CTR_MAX_PARTS 4     /* events summed in one alternative */

struct ctr_alias {
	const char *name;          /* vmsim's portable name */
	const char *what;          /* one line for --list and help */
	int sw;                    /* 1: a perf software event (sw_config) */
	uint64_t sw_config;        /* PERF_COUNT_SW_* when sw */
	const char *alts[CTR_MAX_ALTS]; /* libpfm4 alternatives; "A+B" sums */
};

#define AMD_DTLB_L2_MISS "L1_DTLB_MISS:TLB_RELOAD_4K_L2_MISS:TLB_RELOAD_2M_L2_MISS:" \
	"TLB_RELOAD_1G_L2_MISS:TLB_RELOAD_COALESCED_PAGE_MISS"
#define AMD_DTLB_ALL AMD_DTLB_L2_MISS ":TLB_RELOAD_4K_L2_HIT:TLB_RELOAD_2M_L2_HIT:" \
	"TLB_RELOAD_1G_L2_HIT:TLB_RELOAD_COALESCED_PAGE_HIT"
#define AMD_ITLB_L2_MISS "L1_ITLB_MISS_L2_ITLB_MISS:IF1G:IF2M:IF4K"

static const struct ctr_alias aliases[] = {
	{ "instructions", "instructions retired", 0, 0,
	  { "perf::PERF_COUNT_HW_INSTRUCTIONS" } },
	{ "dtlb-misses", "first-level data TLB misses (generic: loads only)", 0, 0,
	  { AMD_DTLB_ALL, "perf::PERF_COUNT_HW_CACHE_DTLB:READ:MISS" } },
	{ "itlb-misses", "first-level instruction TLB misses", 0, 0,
	  { "L1_ITLB_MISS_L2_ITLB_HIT+" AMD_ITLB_L2_MISS,
	    "perf::PERF_COUNT_HW_CACHE_ITLB:READ:MISS" } },
	{ "dtlb-walks", "page walks completed for data (Intel, AMD only)", 0, 0,
	  { "DTLB_LOAD_MISSES:WALK_COMPLETED+DTLB_STORE_MISSES:WALK_COMPLETED",
	    "DTLB_LOAD_MISSES:WALK_COMPLETED", AMD_DTLB_L2_MISS } },
	{ "itlb-walks", "page walks completed for instruction fetches (Intel, AMD only)", 0, 0,
	  { "ITLB_MISSES:WALK_COMPLETED", AMD_ITLB_L2_MISS } },
	{ "page-faults", "page faults, minor and major (software event)", 1,
	  PERF_COUNT_SW_PAGE_FAULTS, { NULL } },
	{ "minor-faults", "page faults served without I/O (software event)", 1,
	  PERF_COUNT_SW_PAGE_FAULTS_MIN, { NULL } },
	{ "major-faults", "page faults that needed I/O (software event)", 1,
	  PERF_COUNT_SW_PAGE_FAULTS_MAJ, { NULL } },
};
#define NALIASES (sizeof aliases / sizeof aliases[0])

const char ctr_default_events[] = "instructions,dtlb-misses,itlb-misses,dtlb-walks,"
				  "itlb-walks,page-faults,minor-faults,major-faults";

struct ctr_slot {
	struct ctr_event ev;           /* what is reported */
	const struct ctr_alias *alias; /* a portable name, or NULL */
	char *user;                    /* NULL, or the libpfm4 string to use */
	char elsewhere[128];           /* absent PMUs that name the event, if so */
	int fd[CTR_MAX_PARTS];         /* open counters, summed */
	int nfd;                       /* how many are open */
};

struct ctr_set {
	struct ctr_slot slot[CTR_MAX_EVENTS]; /* the events, in the order asked */
	size_t n;                      /* how many */
	int user_only;                 /* never count the kernel */
	int pfm_rc;                    /* pfm_initialize's result */
};

const char *ctr_names(char *buf, size_t n, const char *sep)
{
	size_t i, used = 0;

	if (n)
		buf[0] = 0;
	for (i = 0; i < NALIASES && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? sep : "",
					 aliases[i].name);
	return buf;
}

static const struct ctr_alias *alias_find(const char *name)
{
	size_t i;

	for (i = 0; i < NALIASES; i++)
		if (strcasecmp(aliases[i].name, name) == 0)
			return &aliases[i];
	return NULL;
}

const char *ctr_describe(const char *name)
{
	const struct ctr_alias *al = alias_find(name);

	return al ? al->what : NULL;
}

/* ------------------------------------------------------------ machine */

static int read_paranoid(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int v = -100;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -100;
		fclose(f);
	}
	return v;
}

/* Does the kernel expose a CPU PMU (x86 "cpu", hybrid "cpu_core", arm)? */
static int hw_pmu_present(void)
{
	DIR *dir = opendir("/sys/bus/event_source/devices");
	struct dirent *e;
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (e = readdir(dir)) != NULL)
		found = strcmp(e->d_name, "cpu") == 0 || strncmp(e->d_name, "cpu_", 4) == 0 ||
			strncmp(e->d_name, "armv", 4) == 0;
	closedir(dir);
	return found;
}

/* The PMUs libpfm4 sees here, "perf, perf_raw" */
static const char *pfm_pmus(char *buf, size_t n)
{
	pfm_pmu_info_t info;
	size_t used = 0;
	int p;

	buf[0] = 0;
	for (p = PFM_PMU_NONE; p < PFM_PMU_MAX && used < n; p++) {
		memset(&info, 0, sizeof info);
		info.size = sizeof info;
		if (pfm_get_pmu_info((pfm_pmu_t)p, &info) != PFM_SUCCESS || !info.is_present)
			continue;
		used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "",
					 info.name);
	}
	return buf;
}

/* Why perf_event_open failed with err, for a person. */
static void open_reason(char *why, size_t n, int err, int sw)
{
	int par;

	switch (err) {
	case EACCES:
	case EPERM:
		par = read_paranoid();
		snprintf(why, n, "not permitted: kernel.perf_event_paranoid is %d (run as root, "
			 "or lower it: sysctl kernel.perf_event_paranoid=1)", par);
		break;
	case ENOENT:
	case ENODEV:
	case EOPNOTSUPP:
		if (!sw && !hw_pmu_present())
			snprintf(why, n, "not supported: the kernel exposes no hardware PMU "
				 "(usual in a virtual machine; perf_event_open: %s)", strerror(err));
		else
			snprintf(why, n, "not supported by this CPU or kernel (perf_event_open: %s)",
				 strerror(err));
		break;
	default:
		snprintf(why, n, "the kernel refused it (perf_event_open: %s)", strerror(err));
	}
}

/* ------------------------------------------------------------ opening */

static int perf_open(struct perf_event_attr *attr, pid_t pid, int on_exec)
{
	attr->size = sizeof *attr;
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	attr->disabled = 1;
	attr->enable_on_exec = on_exec ? 1 : 0;
	attr->inherit = 1;
	return (int)syscall(__NR_perf_event_open, attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* libpfm4's encoding of str at privilege levels plm; PFM_SUCCESS or an error. */
static int pfm_encode(const char *str, int plm, struct perf_event_attr *attr,
		      char *fstr, size_t n)
{
	pfm_perf_encode_arg_t arg;
	char *f = NULL;
	int rc;

	memset(attr, 0, sizeof *attr);
	memset(&arg, 0, sizeof arg);
	arg.attr = attr;
	arg.fstr = &f;
	arg.size = sizeof arg;
	rc = pfm_get_os_event_encoding(str, plm, PFM_OS_PERF_EVENT_EXT, &arg);
	if (rc == PFM_SUCCESS && fstr) {
		char *seg, *colon;

		snprintf(fstr, n, "%s", f ? f : str);
		/* drop the modifiers libpfm4 appends (":u=1:k=1:h=0..."): the
		 * privilege levels are reported as the scope */
		for (seg = fstr; (colon = strchr(seg, ':')) != NULL; seg = colon + 1) {
			char *next = strchr(colon + 1, ':');
			char *eq = strchr(colon + 1, '=');

			if (eq && (!next || eq < next)) {
				*colon = 0;
				break;
			}
		}
	}
	free(f);
	return rc;
}

static void slot_close(struct ctr_slot *sl)
{
	int i;

	for (i = 0; i < sl->nfd; i++)
		close(sl->fd[i]);
	sl->nfd = 0;
}

enum open_result {
	OPEN_OK,       /* counting */
	OPEN_DENIED,   /* refused with EACCES/EPERM: worth a user-only retry */
	OPEN_FAILED,   /* anything else; ev.why says what */
};

/* Open one alternative ("A+B") on pid, all parts or none; *encodable is set
 * once libpfm4 could encode a part.  A failed open leaves its reason in why. */
static enum open_result open_alt(struct ctr_slot *sl, const char *alt, pid_t pid,
				 int plm, int on_exec, int *encodable)
{
	struct perf_event_attr attr;
	char parts[1024], *part, *save = NULL, fstr[512];
	size_t used = 0;
	int fd;

	snprintf(parts, sizeof parts, "%s", alt);
	for (part = strtok_r(parts, "+", &save); part; part = strtok_r(NULL, "+", &save)) {
		if (sl->nfd == CTR_MAX_PARTS ||
		    pfm_encode(part, plm, &attr, fstr, sizeof fstr) != PFM_SUCCESS) {
			slot_close(sl);
			return OPEN_FAILED;
		}
		if (!used)
			sl->ev.encoding[0] = 0; /* forget what an earlier alternative tried */
		*encodable = 1;
		fd = perf_open(&attr, pid, on_exec);
		if (fd < 0) {
			int err = errno;

			slot_close(sl);
			open_reason(sl->ev.why, sizeof sl->ev.why, err, 0);
			snprintf(sl->ev.encoding, sizeof sl->ev.encoding, "%s", fstr);
			return err == EACCES || err == EPERM ? OPEN_DENIED : OPEN_FAILED;
		}
		sl->fd[sl->nfd++] = fd;
		used += (size_t)snprintf(sl->ev.encoding + used,
					 used < sizeof sl->ev.encoding ?
					 sizeof sl->ev.encoding - used : 0,
					 "%s%s", used ? " + " : "", fstr);
	}
	return sl->nfd ? OPEN_OK : OPEN_FAILED;
}

/* Open a slot at privilege levels plm, trying its alternatives in order. */
static enum open_result open_slot_plm(struct ctr_slot *sl, pid_t pid, int plm, int on_exec,
				      int pfm_ok)
{
	const struct ctr_alias *al = sl->alias;
	struct perf_event_attr attr;
	enum open_result res = OPEN_FAILED, r;
	char pmus[256];
	int i, fd, err, encodable = 0, why_set = 0;

	sl->ev.why[0] = 0;
	if (al && al->sw) {
		memset(&attr, 0, sizeof attr);
		attr.type = PERF_TYPE_SOFTWARE;
		attr.config = al->sw_config;
		attr.exclude_kernel = !(plm & PFM_PLM0);
		attr.exclude_hv = 1;
		snprintf(sl->ev.encoding, sizeof sl->ev.encoding, "software:%s", al->name);
		fd = perf_open(&attr, pid, on_exec);
		if (fd >= 0) {
			sl->fd[sl->nfd++] = fd;
			return OPEN_OK;
		}
		err = errno;
		open_reason(sl->ev.why, sizeof sl->ev.why, err, 1);
		return err == EACCES || err == EPERM ? OPEN_DENIED : OPEN_FAILED;
	}
	if (!pfm_ok) {
		snprintf(sl->ev.why, sizeof sl->ev.why, "libpfm4 could not start");
		return OPEN_FAILED;
	}
	for (i = 0; i < CTR_MAX_ALTS; i++) {
		const char *alt = al ? al->alts[i] : i == 0 ? sl->user : NULL;

		if (!alt)
			break;
		r = open_alt(sl, alt, pid, plm, on_exec, &encodable);
		if (r == OPEN_OK)
			return OPEN_OK;
		if (sl->ev.why[0])
			why_set = 1;
		if (r == OPEN_DENIED)
			res = OPEN_DENIED;
	}
	if (!encodable && sl->elsewhere[0])
		snprintf(sl->ev.why, sizeof sl->ev.why, "not on this machine: an event of other "
			 "CPUs (%s); libpfm4 sees only %s here", sl->elsewhere,
			 pfm_pmus(pmus, sizeof pmus));
	else if (!encodable)
		snprintf(sl->ev.why, sizeof sl->ev.why, "not on this machine: none of the PMUs "
			 "libpfm4 sees here (%s) names such an event",
			 pfm_pmus(pmus, sizeof pmus));
	else if (!why_set)
		snprintf(sl->ev.why, sizeof sl->ev.why, "could not be opened");
	return res;
}

/* Open a slot: user and kernel when allowed, else user only. */
static void open_slot(struct ctr_set *s, struct ctr_slot *sl, pid_t pid, int on_exec)
{
	int pfm_ok = s->pfm_rc == PFM_SUCCESS;
	enum open_result r = OPEN_DENIED;

	sl->nfd = 0;
	sl->ev.counted = 0;
	sl->ev.user_only = s->user_only;
	if (!s->user_only)
		r = open_slot_plm(sl, pid, PFM_PLM0 | PFM_PLM3, on_exec, pfm_ok);
	if (r == OPEN_DENIED) {
		sl->ev.user_only = 1;
		open_slot_plm(sl, pid, PFM_PLM3, on_exec, pfm_ok);
	}
	if (sl->nfd)
		sl->ev.why[0] = 0;
}

/* ------------------------------------------------------------- public */

/*
 * Is str ("[pmu::]EVENT[:umask...]") an event of some PMU libpfm4 knows but
 * this machine does not have?  Their names into out (a few, then "..."); the
 * number of such PMUs.
 */
static int pfm_elsewhere(const char *str, char *out, size_t n)
{
	pfm_event_info_t ev;
	pfm_pmu_info_t info;
	const char *p = strstr(str, "::");
	char name[128];
	size_t len, used = 0;
	int pmu, i, found = 0;

	p = p ? p + 2 : str;
	len = strcspn(p, ":.");
	out[0] = 0;
	if (len == 0 || len >= sizeof name)
		return 0;
	memcpy(name, p, len);
	name[len] = 0;
	for (pmu = PFM_PMU_NONE; pmu < PFM_PMU_MAX; pmu++) {
		memset(&info, 0, sizeof info);
		info.size = sizeof info;
		if (pfm_get_pmu_info((pfm_pmu_t)pmu, &info) != PFM_SUCCESS || info.is_present)
			continue;
		for (i = info.first_event; i != -1; i = pfm_get_event_next(i)) {
			memset(&ev, 0, sizeof ev);
			ev.size = sizeof ev;
			if (pfm_get_event_info(i, PFM_OS_NONE, &ev) != PFM_SUCCESS ||
			    strcasecmp(ev.name, name) != 0)
				continue;
			if (found < 4)
				used += (size_t)snprintf(out + used, used < n ? n - used : 0,
							 "%s%s", found ? ", " : "", info.name);
			else if (found == 4)
				used += (size_t)snprintf(out + used, used < n ? n - used : 0, ", ...");
			found++;
			break;
		}
	}
	return found;
}

static int check_name(struct ctr_set *s, struct ctr_slot *sl, const char *name,
		      struct vm_diag *d)
{
	struct perf_event_attr attr;
	char buf[256], names[256], *p;
	int rc;

	snprintf(sl->ev.name, sizeof sl->ev.name, "%s", name);
	sl->alias = alias_find(name);
	if (sl->alias)
		return 0;
	if (s->pfm_rc != PFM_SUCCESS)
		return vm_fail(d, VM_ERR_USAGE, "unknown event '%s': not one of vmsim's event names "
			       "(%s), and libpfm4 could not start to look it up (%s)", name,
			       ctr_names(names, sizeof names, ", "), pfm_strerror(s->pfm_rc));
	snprintf(buf, sizeof buf, "%s", name);
	rc = pfm_encode(buf, PFM_PLM3, &attr, NULL, 0);
	if (rc != PFM_SUCCESS && strchr(buf, '.')) {
		/* perf's spelling: EVENT.UMASK */
		for (p = buf; *p; p++)
			if (*p == '.')
				*p = ':';
		if (pfm_encode(buf, PFM_PLM3, &attr, NULL, 0) == PFM_SUCCESS)
			rc = PFM_SUCCESS;
	}
	if (rc == PFM_ERR_NOTFOUND &&
	    pfm_elsewhere(name, sl->elsewhere, sizeof sl->elsewhere) > 0)
		rc = PFM_SUCCESS; /* a real event of another CPU: unavailable, not unknown */
	if (rc != PFM_SUCCESS)
		return vm_fail(d, VM_ERR_USAGE, "unknown event '%s': not one of vmsim's event names "
			       "(%s), and libpfm4 says: %s (see 'vmsim counters --list'; libpfm4's "
			       "showevtinfo lists this CPU's events)", name,
			       ctr_names(names, sizeof names, ", "), pfm_strerror(rc));
	sl->user = xstrdup(buf);
	return 0;
}

int ctr_new(struct ctr_set **out, const char *list, int user_only, struct vm_diag *d)
{
	struct ctr_set *s;
	char *copy, *item, *save = NULL, *e;
	int rc = 0;

	*out = NULL;
	s = xcalloc(1, sizeof *s);
	s->user_only = user_only;
	s->pfm_rc = pfm_initialize();
	copy = xstrdup(list ? list : ctr_default_events);
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ')
			item++;
		for (e = item + strlen(item); e > item && e[-1] == ' '; e--)
			e[-1] = 0;
		if (!*item)
			continue;
		if (s->n == CTR_MAX_EVENTS) {
			rc = vm_fail(d, VM_ERR_USAGE, "at most %d events at once", CTR_MAX_EVENTS);
			break;
		}
		rc = check_name(s, &s->slot[s->n], item, d);
		if (rc)
			break;
		s->n++;
	}
	if (!rc && s->n == 0)
		rc = vm_fail(d, VM_ERR_USAGE, "no event given");
	free(copy);
	if (rc) {
		ctr_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

size_t ctr_count(const struct ctr_set *s)
{
	return s->n;
}

const struct ctr_event *ctr_get(const struct ctr_set *s, size_t i)
{
	return i < s->n ? &s->slot[i].ev : NULL;
}

void ctr_free(struct ctr_set *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		slot_close(&s->slot[i]);
		free(s->slot[i].user);
	}
	if (s->pfm_rc == PFM_SUCCESS)
		pfm_terminate();
	free(s);
}

void ctr_probe(struct ctr_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		open_slot(s, &s->slot[i], 0, 0);
		slot_close(&s->slot[i]);
	}
}

/* Sum a slot's counters, scaled for multiplexing. */
static void slot_read(struct ctr_slot *sl)
{
	uint64_t v[3];
	double total = 0, frac = 1;
	int i;

	if (sl->nfd == 0)
		return; /* never opened: ev.why says why */
	for (i = 0; i < sl->nfd; i++) {
		if (read(sl->fd[i], v, sizeof v) != (ssize_t)sizeof v) {
			snprintf(sl->ev.why, sizeof sl->ev.why, "could not read the counter: %s",
				 strerror(errno));
			return;
		}
		if (v[2] == 0) {
			if (v[0] == 0 && v[1] == 0) {
				/* never enabled: the program never ran */
				continue;
			}
			snprintf(sl->ev.why, sizeof sl->ev.why, "never scheduled: no free hardware "
				 "counter (too many events at once; ask for fewer)");
			return;
		}
		total += v[2] < v[1] ? (double)v[0] * (double)v[1] / (double)v[2] : (double)v[0];
		if (v[2] < v[1] && (double)v[2] / (double)v[1] < frac)
			frac = (double)v[2] / (double)v[1];
	}
	sl->ev.value = (uint64_t)(total + 0.5);
	sl->ev.running = frac;
	sl->ev.counted = 1;
}

int ctr_run(struct ctr_set *s, char *const argv[], int *wstatus, struct vm_diag *d)
{
	struct sigaction dfl, old_chld;
	char path[4096], msg[512];
	int sync[2], opened = 0, len;
	size_t i;
	pid_t pid;
	char go = 'g';

	*wstatus = 0;
	if (collect_which(argv[0], path, sizeof path, d))
		return VM_ERR_IO;
	if (pipe(sync) < 0)
		return vm_fail(d, VM_ERR_IO, "pipe: %s", strerror(errno));
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old_chld);
	pid = fork();
	if (pid < 0) {
		close(sync[0]);
		close(sync[1]);
		sigaction(SIGCHLD, &old_chld, NULL);
		return vm_fail(d, VM_ERR_IO, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		/* wait until the counters are attached, then become the program */
		collect_child_signals();
		close(sync[1]);
		if (read(sync[0], &go, 1) != 1)
			_exit(127);
		close(sync[0]);
		execv(path, argv);
		len = snprintf(msg, sizeof msg, "vmsim: cannot run %s: %s\n", path,
			       strerror(errno));
		if (len > 0 && write(2, msg, (size_t)len) < 0)
			_exit(127);
		_exit(127);
	}
	close(sync[0]);
	for (i = 0; i < s->n; i++) {
		open_slot(s, &s->slot[i], pid, 1);
		opened += s->slot[i].nfd > 0;
	}
	if (!opened) {
		/* the child sees end-of-file and leaves without running anything */
		close(sync[1]);
		while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
			;
		sigaction(SIGCHLD, &old_chld, NULL);
		return vm_fail(d, VM_ERR_IO, "no event can be counted here: %s: %s",
			       s->slot[0].ev.name, s->slot[0].ev.why);
	}
	collect_forward_start(pid);
	if (write(sync[1], &go, 1) != 1)
		kill(pid, SIGKILL);
	close(sync[1]);
	while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
		;
	collect_forward_stop();
	sigaction(SIGCHLD, &old_chld, NULL);
	for (i = 0; i < s->n; i++) {
		slot_read(&s->slot[i]);
		slot_close(&s->slot[i]);
	}
	return 0;
}
