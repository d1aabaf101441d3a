# tests/cluster/daemons.sh - a private single-node Slurm cluster for the cluster tests:
# munged with its own key and socket, slurmctld and slurmd for this one machine, all
# in one scratch folder, started as children of the calling shell and stopped by PID.
# SPDX-License-Identifier: BSD-2-Clause
#
# Source it, then:
#   cluster_start DIR    start munged, slurmctld, slurmd with DIR/slurm.conf; exports
#                        SLURM_CONF; returns 1 with the daemon's log on stderr if one
#                        does not come up
#   cluster_stop         cancel our jobs, wait for them to go, stop the daemons (sshd too) by
#                        the PIDs recorded at start (TERM, then KILL after a while)
#   cluster_config KEY=VALUE  change slurm.conf and restart slurmctld with it
#   ssh_start DIR        (optional) sshd on 127.0.0.1 with its own host key and a client
#                        key, root login by key only; sets SSH_CMD for `parallel --ssh`
#
# It needs root (as CI is): slurmd runs jobs as their owner, and munged, slurmctld and
# slurmd all run as root here.  Nothing outside DIR is written except what sshd insists
# on (/run/sshd, its privilege-separation folder).  The daemons never use systemd or
# cgroups: proctrack/linuxproc finds a job's processes through /proc, task/none binds
# nothing, so this works in a container where the cgroup tree is not ours.
#
# Ports: the first free pair from 16817/16818 upwards (slurmctld, slurmd), and 16822
# upwards for sshd, so a machine's own Slurm on 6817/6818 is left alone.

CLUSTER_DIR=
MUNGED_PID=
SLURMCTLD_PID=
SLURMD_PID=
SSHD_PID=

# port_busy N: is some socket listening on TCP port N (IPv4 or IPv6)?
port_busy() {
	local hex
	hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'
}

# wait_for SECONDS CMD...: run CMD every half second until it succeeds; 1 on timeout
wait_for() {
	local n=$(($1 * 2))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.5
		n=$((n - 1))
	done
	return 1
}

# alive PID: is the process still there (and not a zombie of ours)?
alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null &&
		! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# stop_pid NAME PID: SIGTERM, up to 20 s, then SIGKILL
stop_pid() {
	local n=40
	alive "$2" || return 0
	kill -TERM "$2" 2>/dev/null
	while [ "$n" -gt 0 ] && alive "$2"; do sleep 0.5; n=$((n - 1)); done
	if alive "$2"; then
		echo "cluster: $1 (pid $2) ignored SIGTERM for 20 s; killing it" >&2
		kill -KILL "$2" 2>/dev/null
	fi
	wait "$2" 2>/dev/null
	return 0
}

# daemon_failed NAME LOG: say which daemon did not come up and show its log
daemon_failed() {
	echo "cluster: $1 did not come up; the end of its log, $2:" >&2
	tail -25 "$2" >&2
	return 1
}

# node_idle: sinfo shows our node idle and responding ("idle*" is not responding)
node_idle() {
	[ "$(sinfo -h -N -o %t 2>/dev/null)" = idle ]
}

cluster_start() {
	local d=$1 ctl=16817 host node_line mem
	CLUSTER_DIR=$d
	mkdir -p "$d/state" "$d/spool" "$d/log" || return 1
	# munged refuses a socket whose folder others may not search
	chmod 755 "$d"

	# munge: a key of our own, a socket of our own
	head -c 1024 /dev/urandom >"$d/munge.key" && chmod 600 "$d/munge.key" || return 1
	/usr/sbin/munged -F --socket="$d/munge.sock" --key-file="$d/munge.key" \
		--pid-file="$d/munged.pid" --seed-file="$d/munged.seed" \
		--log-file="$d/log/munged.log" </dev/null >"$d/log/munged.log" 2>&1 &
	MUNGED_PID=$!
	if ! wait_for 30 sh -c "munge -S '$d/munge.sock' -n | unmunge -S '$d/munge.sock'"; then
		daemon_failed munged "$d/log/munged.log"
		return 1
	fi

	while port_busy "$ctl" || port_busy $((ctl + 1)); do ctl=$((ctl + 2)); done
	# this machine as slurmd sees it: its name, CPUs, sockets, cores, threads, memory
	node_line=$(slurmd -C | sed -n 's/^\(NodeName=.*\)/\1/p')
	host=$(echo "$node_line" | sed 's/^NodeName=\([^ ]*\).*/\1/')
	if [ -z "$host" ]; then
		echo "cluster: 'slurmd -C' printed no NodeName line" >&2
		return 1
	fi
	# a little below what slurmd measures, or a busy moment drains the node as "Low RealMemory"
	mem=$(echo "$node_line" | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
	node_line=$(echo "$node_line" | sed "s/RealMemory=[0-9]*/RealMemory=$((mem * 9 / 10))/")
	cat >"$d/slurm.conf" <<EOF
# written by tests/cluster/daemons.sh for one test run
ClusterName=vmsimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctl
SlurmdPort=$((ctl + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge.sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=600
KillWait=5
MaxArraySize=1001
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
	SLURM_CONF=$d/slurm.conf
	export SLURM_CONF

	/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" </dev/null >"$d/log/slurmctld.out" 2>&1 &
	SLURMCTLD_PID=$!
	if ! wait_for 60 scontrol ping || ! alive "$SLURMCTLD_PID"; then
		cat "$d/log/slurmctld.out" >&2
		daemon_failed slurmctld "$d/log/slurmctld.log"
		return 1
	fi
	/usr/sbin/slurmd -D -f "$SLURM_CONF" -N "$host" </dev/null >"$d/log/slurmd.out" 2>&1 &
	SLURMD_PID=$!
	if ! wait_for 120 node_idle; then
		cat "$d/log/slurmd.out" >&2
		sinfo -N -l >&2
		daemon_failed slurmd "$d/log/slurmd.log"
		return 1
	fi
	echo "cluster: munged $MUNGED_PID, slurmctld $SLURMCTLD_PID (port $ctl)," \
		"slurmd $SLURMD_PID (port $((ctl + 1))); node $host idle; logs in $d/log" >&2
}

# cluster_config KEY=VALUE: set one slurm.conf key and restart slurmctld (its state is
# kept in StateSaveLocation).  `scontrol reconfigure` is not enough for every key:
# slurmctld 22.05 keeps MaxArraySize in a static variable from the first array job
# on, so a reconfigured MaxArraySize=5 still took --array=0-11.
cluster_config() {
	local key=${1%%=*}
	sed -i "s|^$key=.*|$1|" "$SLURM_CONF" || return 1
	grep -q "^$1\$" "$SLURM_CONF" || echo "$1" >>"$SLURM_CONF"
	stop_pid slurmctld "$SLURMCTLD_PID"
	/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$CLUSTER_DIR/log/slurmctld.out" 2>&1 &
	SLURMCTLD_PID=$!
	if ! wait_for 60 scontrol ping || ! wait_for 120 node_idle; then
		daemon_failed slurmctld "$CLUSTER_DIR/log/slurmctld.log"
		return 1
	fi
	scontrol show config | grep -q "^$key *= *${1#*=}\$"
}

cluster_stop() {
	if alive "$SLURMCTLD_PID"; then
		# jobs first, so no slurmstepd outlives its slurmd
		scancel --full --quiet --user="$(id -un)" 2>/dev/null
		wait_for 60 sh -c '[ -z "$(squeue -h -o %i 2>/dev/null)" ]' ||
			echo "cluster: jobs still listed after scancel: $(squeue -h -o %i | tr '\n' ' ')" >&2
	fi
	stop_pid slurmd "$SLURMD_PID"
	stop_pid slurmctld "$SLURMCTLD_PID"
	stop_pid munged "$MUNGED_PID"
	stop_pid sshd "$SSHD_PID"
	SLURMD_PID= SLURMCTLD_PID= MUNGED_PID= SSHD_PID=
}

# ssh_start DIR: sshd on 127.0.0.1 for root by key, all its files in DIR/ssh
ssh_start() {
	local s=$1/ssh port=16822
	SSH_CMD=
	[ -x /usr/sbin/sshd ] || { echo "cluster: no /usr/sbin/sshd" >&2; return 1; }
	mkdir -p "$s" /run/sshd && chmod 700 "$s" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$s/host_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$s/id" || return 1
	cp "$s/id.pub" "$s/authorized_keys"
	while port_busy "$port"; do port=$((port + 1)); done
	cat >"$s/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $s/host_key
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
MaxStartups 100
MaxSessions 100
EOF
	/usr/sbin/sshd -D -e -f "$s/sshd_config" </dev/null >"$s/sshd.log" 2>&1 &
	SSHD_PID=$!
	SSH_CMD="ssh -p $port -i $s/id -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=$s/known_hosts -o LogLevel=ERROR"
	if ! wait_for 30 $SSH_CMD root@127.0.0.1 true; then
		SSH_CMD=
		daemon_failed sshd "$s/sshd.log"
		return 1
	fi
}
