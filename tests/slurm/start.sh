#!/usr/bin/env bash
# Start a throw-away single-node SLURM (munged + slurmctld + slurmd) on this host, for
# tests/test_slurm.py and for trying workflow/profiles/slurm by hand.
#
#   sudo tests/slurm/start.sh        # install (Debian, apt) if needed, configure, start, wait for an idle node
#   sudo tests/slurm/stop.sh         # stop exactly the daemons this script started
#
# Root on Debian (12: SLURM 22.05) without systemd (a container): the daemons are started
# directly, in the foreground of their own sessions, and their PIDs are recorded in
# $MFSWEEP_SLURM_DIR/pids (default /var/tmp/mfsweep-slurm). Idempotent: if the recorded
# daemons are alive and the node answers, nothing is done; a half-dead set is stopped and
# started again. It never touches a SLURM it did not configure: an /etc/slurm/slurm.conf
# without this script's marker line, or slurmctld/slurmd/munged processes it did not start,
# make it stop with exit status 3 (the tests then skip).
#
# The cluster: one node (this host, CPUs = nproc, RealMemory from /proc/meminfo), one
# partition `debug` (Default=YES), select/cons_tres with CR_Core_Memory and DefMemPerCPU
# (a job without a memory request would otherwise get the whole node), no accounting (so
# `sacct` fails: use the squeue status command), MinJobAge=600 (finished jobs stay visible
# to `squeue --states=all` for 10 minutes, which the Snakemake executor's status check
# needs), proctrack/linuxproc + task/none (no cgroups needed).
#
# Exit status: 0 ready, 2 not root / not Debian / install failed, 3 foreign SLURM present,
# 4 daemons did not come up in time (their logs are printed).
set -euo pipefail

STATE=${MFSWEEP_SLURM_DIR:-/var/tmp/mfsweep-slurm}
CONF=/etc/slurm/slurm.conf
MARKER="# written by mfsweep tests/slurm/start.sh"
TIMEOUT=${MFSWEEP_SLURM_TIMEOUT:-120}   # seconds to wait for an idle node
PIDS="$STATE/pids"
HERE=$(cd "$(dirname "$0")" && pwd)
t0=$(date +%s.%N)

say() { echo "slurm/start.sh: $*"; }
elapsed() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

[[ $(id -u) == 0 ]] || { say "must run as root"; exit 2; }
[[ -f /etc/debian_version ]] || { say "needs Debian (apt packages slurmctld slurmd slurm-client munge)"; exit 2; }

# --- install -----------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sinfo >/dev/null \
        || ! command -v munged >/dev/null; then
    say "installing slurmctld slurmd slurm-client munge (apt)"
    export DEBIAN_FRONTEND=noninteractive
    # Services must not be started by the packages (no systemd here; we start them below).
    policy_added=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
    fi
    ok=1
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge; } \
        >"/tmp/mfsweep-slurm-apt.log" 2>&1 || ok=
    [[ -n $policy_added ]] && rm -f /usr/sbin/policy-rc.d
    if [[ -z $ok ]]; then
        tail -n 30 /tmp/mfsweep-slurm-apt.log
        say "apt-get install failed (log: /tmp/mfsweep-slurm-apt.log)"
        exit 2
    fi
    say "installed in $(elapsed) s"
fi

# --- the daemons we started, if any ------------------------------------------------------
# $PIDS holds lines "name pid"; a PID counts only while /proc/PID/comm is still that name.
# alive NAME PID: PID runs and is NAME (not a recycled PID, not an unreaped zombie)
alive() { [[ $(cat "/proc/$2/comm" 2>/dev/null) == "$1" ]] && [[ $(awk '{ print $3 }' "/proc/$2/stat" 2>/dev/null) != Z ]]; }
ours_alive=0 ours_total=0
if [[ -f $PIDS ]]; then
    while read -r name pid; do
        ours_total=$((ours_total + 1))
        alive "$name" "$pid" && ours_alive=$((ours_alive + 1))
    done <"$PIDS"
fi
node_ready() { sinfo --noheader --partition debug --states idle,mixed,allocated,completing --format %N 2>/dev/null | grep -q .; }
if [[ $ours_total == 3 && $ours_alive == 3 ]] && node_ready; then
    say "already running (PIDs in $PIDS); node ready"
    exit 0
fi
if [[ $ours_total -gt 0 ]]; then
    say "restarting: $ours_alive of $ours_total recorded daemons alive"
    "$HERE/stop.sh"
fi
for daemon in slurmctld slurmd munged; do
    # (zombies excluded: a daemon just stopped may stay unreaped for a moment where PID 1 is no init)
    others=$( (ps -C "$daemon" -o pid=,stat= || true) | awk '$2 !~ /^Z/ { printf "%s ", $1 }')
    if [[ -n $others ]]; then
        say "a $daemon not started by this script is running (PIDs $others); not touching it"
        exit 3
    fi
done
if [[ -e $CONF ]] && ! grep -qxF "$MARKER" "$CONF"; then
    say "$CONF exists and was not written by this script; not touching it"
    exit 3
fi

# --- configuration -----------------------------------------------------------------------
host=$(hostname -s)
cpus=$(nproc)
mem_total=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
real_memory=$((mem_total * 9 / 10))                       # slurmd drains a node that has less than it claims
def_mem_per_cpu=$((real_memory / cpus / 2 < 2000 ? real_memory / cpus / 2 : 2000))
rm -rf "$STATE" && mkdir -p "$STATE/ctld" "$STATE/slurmd" "$STATE/log" "$STATE/run"
mkdir -p /etc/slurm
cat >"$CONF" <<EOF
$MARKER
# a single-node test cluster; stop it with tests/slurm/stop.sh
ClusterName=mfsweep
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$def_mem_per_cpu
# no accounting storage: sacct fails; squeue shows finished jobs for MinJobAge seconds
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=600
KillWait=5
InactiveLimit=0
Waittime=0
SlurmctldTimeout=60
SlurmdTimeout=60
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_memory State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

# --- munge -------------------------------------------------------------------------------
if [[ ! -s /etc/munge/munge.key ]]; then
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null; then
        mungekey --create --keyfile /etc/munge/munge.key
    else
        dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    fi
fi
chown munge:munge /etc/munge /etc/munge/munge.key && chmod 0700 /etc/munge && chmod 0400 /etc/munge/munge.key
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge && chmod 0755 /run/munge

# Start NAME CMD...: in its own session, stdio to a log file, PID recorded. `setsid` and
# `setpriv` exec in place (a background job of a non-interactive shell is no group
# leader), so $! is the daemon itself; checked via /proc/PID/comm below.
: >"$PIDS"
start() {
    local name=$1; shift
    setsid "$@" </dev/null >"$STATE/log/$name.out" 2>&1 &
    echo "$name $!" >>"$PIDS"
}
rm -f /run/munge/munge.socket.2   # a stale socket of an earlier munged would pass for a ready one
start munged setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground
for _ in $(seq 100); do   # up to 10 s until a credential round-trips
    munge --no-input 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
done
start slurmctld /usr/sbin/slurmctld -D -c -f "$CONF"
start slurmd /usr/sbin/slurmd -D -f "$CONF"

# --- wait for the node to answer (time-bounded) ------------------------------------------------
deadline=$(( $(date +%s) + TIMEOUT ))
while ! node_ready; do
    sleep 0.5
    failed=
    while read -r name pid; do alive "$name" "$pid" || failed="$failed $name"; done <"$PIDS"
    if [[ -n $failed || $(date +%s) -ge $deadline ]]; then
        say "not ready after $(elapsed) s${failed:+; died:$failed}"
        sinfo 2>&1 || true
        for f in "$STATE"/log/*; do echo "== $f"; tail -n 20 "$f"; done
        "$HERE/stop.sh" || true
        exit 4
    fi
done
sinfo
say "ready in $(elapsed) s (PIDs in $PIDS: $(awk '{ printf "%s=%s ", $1, $2 }' "$PIDS"))"
