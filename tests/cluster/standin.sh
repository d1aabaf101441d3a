#!/bin/sh
# tests/cluster/standin.sh - a stand-in for `vmsim batch`'s cluster interface, for
# trying the harness (tests/cluster/run.sh) against a vmsim that does not have it yet.
# SPDX-License-Identifier: BSD-2-Clause
#
# It does what the interface promises, on top of the older `vmsim batch --plan`
# (one `vmsim curve` line per pending cell) and `vmsim batch` (join + figures):
#
#   standin.sh SPEC -o DIR --cell I[-J]     run cells I..J (1-based, stable order);
#                                           a done cell is skipped; exit 1 on failure
#   standin.sh SPEC -o DIR --join           DIR/results.csv from the done cells; exit 1
#                                           naming the missing ones, computing nothing
#   standin.sh SPEC -o DIR --plan=slurm [--bundle N] [--cpus-per-task N] [--mem M]
#              [--time T] [--partition P] [--vmsim PATH] [--log-dir D]
#                                           a sh script that submits the array(s),
#                                           chunked below MaxArraySize, and a join job;
#                                           it prints one job id a line, the join's last
#   standin.sh SPEC -o DIR --plan=parallel [--vmsim PATH]
#                                           one `--cell I` line per pending cell
#   standin.sh SPEC -o DIR --plan=tsv       index, trace, cell name and output of every cell
#
# -j N, --threads N and -q are taken and ignored.  A --cell task needs every trace of
# the spec, not only its own (the older --plan it runs wants them all).
#
# VMSIM names the real vmsim binary the work is done with (default: vmsim beside this
# script, as on a worker without a shared disk).  The cell order is the
# order of `vmsim batch --plan` on an empty folder, which depends on the spec only.
set -u
VMSIM=${VMSIM:-$(dirname "$0")/vmsim}
me=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

spec= dir= cell= join=0 plan= bundle=1 cpus=1 mem= time= part= vm=$me logdir=
while [ $# -gt 0 ]; do
	case $1 in
	-o) dir=$2; shift ;;
	--cell) cell=$2; shift ;;
	--join) join=1 ;;
	--plan=*) plan=${1#--plan=} ;;
	--bundle) bundle=$2; shift ;;
	--cpus-per-task) cpus=$2; shift ;;
	--mem) mem=$2; shift ;;
	--time) time=$2; shift ;;
	--partition) part=$2; shift ;;
	--vmsim) vm=$2; shift ;;
	--log-dir) logdir=$2; shift ;;
	-j | --threads) shift ;;
	-q | --quiet) ;;
	-*) echo "standin: unknown option $1" >&2; exit 2 ;;
	*) spec=$1 ;;
	esac
	shift
done
[ -n "$spec" ] && [ -n "$dir" ] || { echo "standin: usage: SPEC -o DIR ..." >&2; exit 2; }

# all cells, one `vmsim curve` line each, with outputs under $dir
cells() {
	local s
	s=$(mktemp -d /tmp/standin.XXXXXX) || exit 1
	"$VMSIM" batch "$spec" -o "$s" --plan --quiet 2>/dev/null | sed "s#$s/#$dir/#g"
	rm -rf "$s"
}

ncells=$(cells | wc -l)

if [ -n "$cell" ]; then
	i=${cell%-*} j=${cell#*-}
	if [ "$i" -lt 1 ] || [ "$j" -gt "$ncells" ] || [ "$i" -gt "$j" ]; then
		echo "standin: --cell $cell: the spec has cells 1-$ncells" >&2
		exit 2
	fi
	mkdir -p "$dir/cells" || exit 1
	rc=0
	cells | sed -n "${i},${j}p" | while read -r _ cmd; do
		out=${cmd##* }
		[ -f "$out" ] && continue
		# shellcheck disable=SC2086 # the plan line is a word list without quoting
		"$VMSIM" $cmd || exit 1
	done || rc=1
	exit $rc
fi

if [ "$join" -eq 1 ]; then
	missing=$(cells | while read -r line; do
		out=${line##* }
		[ -f "$out" ] || basename "$out" .csv
	done)
	if [ -n "$missing" ]; then
		echo "standin: --join: cells not done:" $missing >&2
		exit 1
	fi
	exec "$VMSIM" batch "$spec" -o "$dir" --quiet
fi

abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
case $plan in
slurm)
	# the tasks run where the script is planned, with the paths as given, so the
	# results name the traces as a local batch does
	s=$spec d=$dir l=$(abs "${logdir:-$dir/logs}")
	opts="--cpus-per-task=$cpus${mem:+ --mem=$mem}${time:+ --time=$time}${part:+ --partition=$part}"
	cat <<EOF
#!/bin/sh
# submit $ncells cells of $s, $bundle a task, and a join job after them
set -eu
mkdir -p '$l' '$d/cells'
max=\$(scontrol show config | awk '\$1 == "MaxArraySize" { print \$3 }')
tasks=\$(( ($ncells + $bundle - 1) / $bundle ))
per=\$(( \${max:-1001} - 1 ))
first=1 deps=
while [ "\$first" -le "\$tasks" ]; do
	n=\$(( tasks - first + 1 )); [ "\$n" -gt "\$per" ] && n=\$per
	id=\$(sbatch --parsable --job-name=vmsim-cells $opts --output='$l/%A_%a.out' --array=1-\$n \\
		--chdir='$PWD' --wrap="t=\\\$(( (SLURM_ARRAY_TASK_ID + \$first - 2) * $bundle + 1 )); u=\\\$(( t + $bundle - 1 )); [ \\\$u -gt $ncells ] && u=$ncells; exec '$vm' '$s' -o '$d' --cell \\\$t-\\\$u")
	echo "\$id"
	deps=\$deps:\$id
	first=\$(( first + n ))
done
sbatch --parsable --job-name=vmsim-join --dependency=afterok\$deps --output='$l/join-%j.out' \\
	--chdir='$PWD' --wrap="exec '$vm' '$s' -o '$d' --join"
EOF
	;;
parallel)
	i=0
	cells | while read -r line; do
		i=$((i + 1))
		[ -f "${line##* }" ] || echo "$vm $spec -o $dir --cell $i"
	done
	;;
tsv)
	printf 'index\ttrace\tcell\toutput\n'
	i=0
	cells | while read -r _ _ trace line; do
		i=$((i + 1))
		out=${line##* }
		printf '%s\t%s\t%s\t%s\n' "$i" "$trace" "$(basename "$out" .csv)" "$out"
	done
	;;
*)
	echo "standin: --plan=$plan: only slurm, parallel and tsv" >&2
	exit 2
	;;
esac
