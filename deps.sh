#!/bin/sh
# deps.sh - install the Debian packages vmsim needs, and nothing that is already there.
#
# SPDX-License-Identifier: BSD-2-Clause
#
#   ./deps.sh [build|test|demo|all|cluster]      (default: all)
#
# build: gcc, make, zlib, libpfm4
# test:  + cmocka, clang (libFuzzer), gnuplot, pdftoppm (figure tests),
#        jq, xmllint and git (check tests),
#        man-db and groff (the man page test)
# demo:  + valgrind (lackey), gnuplot (the figure), awk: every command traces/demo.sh
#        runs (tests/cli_install.sh checks that against the script)
# all:   everything above
# make calls this when a header or tool it needs is missing; it is safe to run again.
set -eu

what=${1:-all}
# cluster (not in all): Slurm (slurmctld, slurmd, clients), munge, GNU Parallel, and the ssh
# server and rsync of its no-shared-disk recipe, for `make test-cluster` (tests/cluster)
cluster="slurm-wlm munge parallel openssh-server openssh-client rsync"
build="gcc make libc6-dev zlib1g-dev libpfm4-dev"
test="$build libcmocka-dev gzip gnuplot-nox poppler-utils valgrind clang libclang-rt-14-dev man-db groff-base jq libxml2-utils git"
demo="$build valgrind gzip gnuplot-nox mawk"
case $what in
build) want=$build ;;
cluster) want=$cluster ;;
test)  want=$test ;;
demo)  want=$demo ;;
all)   want="$test $demo" ;;
*) echo "deps.sh: unknown set '$what'; use build, test, demo or all" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	# triggers-pending/-awaited: installed, with a trigger (man-db's) still to run
	case $st in *"install ok installed"* | *"install ok triggers-"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps.sh: need root to install:$missing (run: apt-get install$missing)" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first; refresh once if that fails.
if ! $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	$SUDO apt-get update -q >/dev/null
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi
