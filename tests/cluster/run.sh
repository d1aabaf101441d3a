#!/bin/sh
# tests/cluster/run.sh - `make test-cluster`: vmsim batch plans run for real, through a
# private single-node Slurm (munged, slurmctld, slurmd on this machine) and through GNU
# Parallel, with and without a shared disk, each checked against a local `vmsim batch`.
# SPDX-License-Identifier: BSD-2-Clause
#
# Needs root (CI is): it installs what is missing with `./deps.sh cluster`, starts the
# daemons from tests/cluster/daemons.sh in its scratch folder, and stops them by PID on
# any exit.  It ends with the per-cell cost of each engine, measured here (no test
# depends on a time; tests/cluster/README.md has the figures of a run).
#
# What it checks:
#   slurm     `--plan=slurm` one cell a task: the script prints the array's id then the
#             join's; a re-plan and a cell run by hand (--cell) while the array waits
#             change nothing; every task and the join complete; DIR/results.csv equals
#             the local one byte for byte
#   bundle    `--bundle 4`: 6 cells in 2 tasks; same results
#   chunks    MaxArraySize=5 and 12 cells: at least three arrays (the plan learns the
#             limit from --max-array when it has one, else its script must ask Slurm),
#             12 tasks, no cell lost
#   failure   a corrupt trace: its task fails, the join never runs; `--join` exits 1
#             naming the cell
#   parallel  `--plan=parallel` through GNU Parallel on the shared disk, then `--join`
#   no-share  `--plan=tsv` through GNU Parallel over ssh to 127.0.0.1 (the README's
#             recipe), the jobs running in a worker folder that starts empty: vmsim
#             and the spec go there as --basefile, each trace with --transferfile, each
#             cell's CSV comes back with --return
#
# VMSIM is the vmsim binary (make passes it), TRACES the shipped traces.
# CLUSTER_KEEP=1 keeps the scratch folder.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
"$top/deps.sh" cluster || exit 1
VMSIM=${VMSIM:-$top/build/vmsim}
TRACES=${TRACES:-$top/traces}
export VMSIM
. "$here/../lib.sh"
. "$here/daemons.sh"
# CLUSTER_KEEP=1 keeps the scratch folder (plans, logs, results) for a look afterwards
trap 'cluster_stop; if [ -n "${CLUSTER_KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi' EXIT
trap 'exit 130' INT TERM HUP
PARALLEL_HOME=$T/parallel-home
export PARALLEL_HOME
mkdir -p "$PARALLEL_HOME"

batch() { "$VMSIM" batch "$@"; }
# what plans name as the program: here, and on a worker without a shared disk
plan_vmsim=$VMSIM remote_vmsim=./vmsim remote_batch="./vmsim batch"

# now: seconds since the epoch, to the nanosecond
now() { date +%s.%N; }
# per_cell START END CELLS: (END - START) / CELLS in seconds, 3 decimals
per_cell() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.3f", (b - a) / n }'; }

# job_states ID: "STATE REASON EXIT" for each record of job ID (array tasks: one each)
job_states() {
	scontrol -o show job "$1" 2>/dev/null |
		sed -n 's/.*JobState=\([^ ]*\) Reason=\([^ ]*\).* ExitCode=\([^ ]*\).*/\1 \2 \3/p'
}

# wait_job ID: until job ID is over; sets $state (COMPLETED, FAILED, ...,
# NEVER when it waits on a dependency that failed, HUNG past a guard of 10 minutes,
# where a normal wait is under 30 s)
wait_job() {
	local n=3000 s
	state=HUNG
	while [ "$n" -gt 0 ]; do
		if ! alive "$SLURMCTLD_PID"; then
			state=NO-SLURMCTLD
			echo "cluster: slurmctld died; its log: $CLUSTER_DIR/log/slurmctld.log" >&2
			tail -5 "$CLUSTER_DIR/log/slurmctld.log" >&2
			return
		fi
		s=$(job_states "$1" | head -1)
		case $s in
		"PENDING DependencyNeverSatisfied"*) state=NEVER; return ;;
		PENDING* | RUNNING* | CONFIGURING* | COMPLETING* | "") ;;
		*) state=${s%% *}; return ;;
		esac
		sleep 0.2
		n=$((n - 1))
	done
	echo "cluster: job $1 not over after 10 minutes: $s" >&2
}

# submit NAME SPEC DIR PLAN-OPTIONS...: plan for Slurm and run the script; sets $ids
# (the ids printed, one a line), $join (the last) and $t0; 1 (a failure counted) if
# the plan or the script failed
submit() {
	local name=$1 spec=$2 dir=$3
	shift 3
	ids= join= state=
	t0=$(now)
	if ! batch "$spec" -o "$dir" --plan=slurm --vmsim "$plan_vmsim" --log-dir "$T/logs/$name" "$@" \
		>"$T/$name.submit.sh" 2>"$T/err"; then
		bad "$name: --plan=slurm: $(head -3 "$T/err")"
		return 1
	fi
	if ! sh "$T/$name.submit.sh" >"$T/$name.ids" 2>"$T/err"; then
		bad "$name: the submit script failed: $(head -3 "$T/err")"
		return 1
	fi
	ids=$(sed 's/;.*//' "$T/$name.ids")
	join=$(echo "$ids" | tail -1)
	case $join in
	*[!0-9]* | "") bad "$name: the submit script printed '$join' as the join's id"; return 1 ;;
	esac
}

# run_slurm NAME SPEC DIR PLAN-OPTIONS...: submit, then wait for the join; sets
# $state (the join's) and $t1 as well
run_slurm() {
	submit "$@" || return 1
	wait_job "$join"
	t1=$(now)
}

# same_results NAME DIR REF: DIR/results.csv is byte for byte REF/results.csv
same_results() {
	if [ ! -f "$2/results.csv" ]; then
		bad "$1: no $2/results.csv"
	elif cmp -s "$2/results.csv" "$3/results.csv"; then
		ok
	else
		bad "$1: $2/results.csv differs from a local batch's, $3/results.csv:"
		diff "$3/results.csv" "$2/results.csv" | head -6
	fi
}

# array_tasks IDS: how many tasks the array jobs among IDS (all lines but the last)
# had, and how many of them did not complete with status 0, as "N BAD"
array_tasks() {
	local id all=0 notok=0
	for id in $(echo "$1" | sed '$d'); do
		job_states "$id" >"$T/states"
		all=$((all + $(wc -l <"$T/states")))
		notok=$((notok + $(grep -vc '^COMPLETED None 0:0' "$T/states")))
	done
	echo "$all $notok"
}

# -------------------------------------------------------------- the experiments
# In $T/exp, the traces copied beside the specs (relative paths, as a user has them;
# the run without a shared disk sends them over by those paths).
mkdir -p "$T/exp/traces" && cd "$T/exp" || exit 1
for t in matmul-blocked sort-merge sort-heap hashtab matmul compress; do
	cp "$TRACES/$t.vmt" traces/ || exit 1
done
cp "$VMSIM" vmsim
# 3 traces x 2 page sizes = 6 cells
cat >six.ini <<'EOF'
traces = traces/matmul-blocked.vmt traces/sort-merge.vmt traces/sort-heap.vmt
policies = lru, fifo, clock
frames = 8:128:x2
page-sizes = 4K, 16K
figures = none
EOF
# 6 traces x 2 page sizes = 12 cells, for the chunked arrays
sed 's#^traces = .*#traces = traces/*.vmt#' six.ini >twelve.ini
# 6 tiny traces (20,000 references each) x 4 page sizes = 24 cells of a few
# milliseconds, for the per-cell cost of each engine
mkdir -p tiny
for w in uniform hotcold loop zipf scan zipfrun; do
	"$VMSIM" gen -w $w --pages 300 --refs 20000 -o tiny/$w.vmt 2>"$T/err" ||
		{ cat "$T/err"; exit 1; }
done
cat >many.ini <<'EOF'
traces = tiny/*.vmt
policies = lru
frames = 16
page-sizes = 4K, 8K, 16K, 64K
figures = none
EOF
# one good trace and one cut short
mkdir -p bad && head -c 4000 traces/sort-merge.vmt >bad/corrupt.vmt
printf 'traces = traces/matmul-blocked.vmt bad/corrupt.vmt\npolicies = lru\nframes = 16\nfigures = none\n' >bad.ini

# the local reference for each spec
for s in six twelve many; do
	t0=$(now)
	expect_ok "local batch $s" "$VMSIM" batch $s.ini -o local-$s -j 2 --quiet
	t1=$(now)
	eval "cost_local_$s=\$(per_cell $t0 $t1 \$(ls local-$s/cells | wc -l))"
done

# ------------------------------------------------------------------------ Slurm
# munged wants every folder above its socket searchable by all
chmod 711 "$T"
if ! cluster_start "$T/cluster"; then
	bad "slurm: the daemons did not start (logs above)"
	finish
	exit
fi
ok

# one cell a task; while the array waits, a re-plan and a cell done by hand change
# nothing (the README's old recipe lost cells this way)
if submit slurm six.ini slurm; then
	check "slurm: ids printed (array, join)" "$(echo "$ids" | wc -l)" 2
	batch six.ini -o slurm --plan=slurm --vmsim "$plan_vmsim" >/dev/null 2>&1
	expect_ok "slurm: a cell by hand meanwhile" batch six.ini -o slurm --cell 6
	wait_job "$join"
	check "slurm: join job" "$state" COMPLETED
	check "slurm: array tasks, not completed" "$(array_tasks "$ids")" "6 0"
	check "slurm: cells" "$(ls slurm/cells/*.csv 2>/dev/null | wc -l)" 6
	same_results slurm slurm local-six
fi

if run_slurm bundle six.ini bundle --bundle 4; then
	check "bundle: join job" "$state" COMPLETED
	check "bundle: array tasks, not completed" "$(array_tasks "$ids")" "2 0"
	same_results bundle bundle local-six
fi

# arrays kept below MaxArraySize: the plan is told it with --max-array
if cluster_config MaxArraySize=5; then ok; else bad "chunks: could not set MaxArraySize=5"; fi
chunk_opts="--max-array 5"
if run_slurm chunks twelve.ini chunks $chunk_opts; then
	check "chunks: join job" "$state" COMPLETED
	narrays=$(($(echo "$ids" | wc -l) - 1))
	if [ "$narrays" -ge 3 ]; then ok; else
		bad "chunks: 12 cells under MaxArraySize=5 in $narrays arrays"
	fi
	check "chunks: tasks, not completed" "$(array_tasks "$ids")" "12 0"
	check "chunks: cells" "$(ls chunks/cells/*.csv 2>/dev/null | wc -l)" 12
	same_results chunks chunks local-twelve
fi
cluster_config MaxArraySize=1001 || bad "could not set MaxArraySize back to 1001"

# a corrupt trace: its task fails, the join never runs, --join names the cell
if run_slurm failure bad.ini failure; then
	# waiting on a dependency never satisfied, or cancelled by Slurm for that
	case $state in NEVER | CANCELLED) ok ;; *) bad "failure: the join job is $state" ;; esac
	check "failure: tasks, not completed" "$(array_tasks "$ids")" "2 1"
	[ "$state" = NEVER ] && scancel "$join"
	expect_fail "failure: --join names the cell" 1 corrupt batch bad.ini -o failure --join
	if [ -f failure/results.csv ]; then bad "failure: --join wrote results.csv"; else ok; fi
fi

# ----------------------------------------------------------------- GNU Parallel
if batch six.ini -o parallel --plan=parallel --vmsim "$plan_vmsim" >parallel.jobs 2>"$T/err"; then
	check "parallel: job lines" "$(wc -l <parallel.jobs)" 6
	expect_ok "parallel: run" parallel --will-cite --halt now,fail=1 --jobs 2 <parallel.jobs
	expect_ok "parallel: join" batch six.ini -o parallel --join
	same_results parallel parallel local-six
else
	bad "parallel: --plan=parallel: $(head -3 "$T/err")"
fi

# parallel_noshare SPEC DIR TSV [OPTION...]: the README's GNU Parallel recipe without
# a shared disk, through our sshd, the worker's folder $T/worker; OPTIONs go to parallel
parallel_noshare() {
	local spec=$1 dir=$2 tsv=$3
	shift 3
	parallel --will-cite --halt now,fail=1 "$@" --ssh "$SSH_CMD" --sshlogin 2/root@127.0.0.1 \
		--colsep '\t' --header : --workdir "$T/worker" --basefile vmsim --basefile "$spec" \
		--transferfile {trace} --return {output} --cleanup \
		$remote_batch "$spec" -o "$dir" --cell {cell} -j 1 --threads 1 -q :::: "$tsv"
}

# no shared disk, the README's recipe: ssh to 127.0.0.1, the jobs run in a worker
# folder that starts empty; vmsim and the spec go there once (--basefile), each cell's
# trace with its job (--transferfile, at the same path relative to the spec), and the
# cell comes back (--return); --cleanup leaves the worker folder empty of files
if ssh_start "$T/cluster"; then
	ok
	mkdir -p "$T/worker"
	batch six.ini -o noshare --plan=tsv >cells.tsv 2>"$T/err" ||
		bad "no-share: --plan=tsv: $(head -3 "$T/err")"
	if grep -q "$T" cells.tsv; then
		bad "no-share: the plan names local absolute paths: $(sed -n 2p cells.tsv)"
	else
		ok
	fi
	expect_ok "no-share: parallel over ssh" parallel_noshare six.ini noshare cells.tsv
	check "no-share: cells back" "$(ls noshare/cells/*.csv 2>/dev/null | wc -l)" 6
	check "no-share: files left on the worker" "$(find "$T/worker" -type f 2>/dev/null | wc -l)" 0
	expect_ok "no-share: join" batch six.ini -o noshare --join
	same_results no-share noshare local-six
else
	bad "no-share: sshd on 127.0.0.1 did not start (log above)"
fi

# ------------------------------------------------- per-cell cost of each engine
# 24 tiny cells; each engine may use both CPUs of this machine (local -j 2,
# parallel --jobs 2, 2 jobs at a time over ssh, a 2-CPU Slurm node); cost = wall time from the plan to the
# joined results.csv, over the cells.  Only printed: no test depends on a time.
n=$(ls local-many/cells | wc -l)
cost_parallel=- cost_slurm1=- cost_slurm10=-
t0=$(now)
if batch many.ini -o par-many --plan=parallel --vmsim "$plan_vmsim" >many.jobs 2>"$T/err" &&
	parallel --will-cite --jobs 2 <many.jobs && batch many.ini -o par-many --join 2>"$T/err"; then
	t1=$(now)
	cost_parallel=$(per_cell $t0 $t1 "$n")
	same_results "cost: parallel" par-many local-many
else
	bad "cost: parallel failed: $(head -3 "$T/err")"
fi
# without a shared disk: each job opens several ssh connections (the trace over, the
# command, the cell back, the clean-up).  (-M, one shared connection, would save most of
# that, but Parallel 20221122 then runs the command outside --workdir: ./vmsim not found.)
cost_ssh=-
if [ -n "${SSH_CMD:-}" ]; then
	t0=$(now)
	if batch many.ini -o ssh-many --plan=tsv >many.tsv 2>"$T/err" &&
		parallel_noshare many.ini ssh-many many.tsv &&
		batch many.ini -o ssh-many --join 2>"$T/err"; then
		t1=$(now)
		cost_ssh=$(per_cell $t0 $t1 "$n")
		same_results "cost: parallel over ssh" ssh-many local-many
	else
		bad "cost: parallel over ssh failed: $(head -3 "$T/err")"
	fi
fi
if run_slurm slurm-many many.ini slurm-many; then
	check "cost: slurm join" "$state" COMPLETED
	cost_slurm1=$(per_cell $t0 $t1 "$n")
	same_results "cost: slurm" slurm-many local-many
fi
if run_slurm slurm-many10 many.ini slurm-many10 --bundle 10; then
	check "cost: slurm --bundle 10 join" "$state" COMPLETED
	cost_slurm10=$(per_cell $t0 $t1 "$n")
	same_results "cost: slurm --bundle 10" slurm-many10 local-many
fi

echo "per-cell cost over $n cells (seconds: wall time / cells, 2 CPUs; and minus local):"
for e in local_many parallel ssh slurm1 slurm10; do
	eval "c=\$cost_$e"
	case $e in
	local_many) what="local batch -j 2" ;;
	parallel) what="GNU Parallel --jobs 2" ;;
	ssh) what="Parallel, ssh, no share" ;;
	slurm1) what="Slurm, one cell a task" ;;
	*) what="Slurm, --bundle 10" ;;
	esac
	printf '  %-24s %6s  %s\n' "$what" "$c" \
		"$(awk -v a="$c" -v b="$cost_local_many" 'BEGIN { if (a != "-") printf "%+.3f", a - b }')"
done

cluster_stop
finish
