#!/usr/bin/env bash
# Stop the single-node SLURM that tests/slurm/start.sh started: exactly the daemons whose
# PIDs it recorded in $MFSWEEP_SLURM_DIR/pids (a PID counts only while /proc/PID/comm still
# names that daemon, so a recycled PID is never signalled). Jobs still in that cluster are
# cancelled first. Idempotent: without a PID file, or with every recorded daemon gone, it
# only says so. Its /etc/slurm/slurm.conf and state folder stay (start.sh rewrites both).
set -uo pipefail

STATE=${MFSWEEP_SLURM_DIR:-/var/tmp/mfsweep-slurm}
PIDS="$STATE/pids"
say() { echo "slurm/stop.sh: $*"; }
# alive NAME PID: PID runs and is NAME (not a recycled PID, not an unreaped zombie)
alive() { [[ $(cat "/proc/$2/comm" 2>/dev/null) == "$1" ]] && [[ $(awk '{ print $3 }' "/proc/$2/stat" 2>/dev/null) != Z ]]; }
pid_of() { awk -v n="$1" '$1 == n { print $2 }' "$PIDS"; }

if [[ ! -f $PIDS ]]; then
    say "nothing to stop (no $PIDS)"
    exit 0
fi

ctld=$(pid_of slurmctld)
if [[ -n $ctld ]] && alive slurmctld "$ctld"; then
    jobs=$(timeout 10 squeue --noheader --format %A --states=PENDING,RUNNING,SUSPENDED,COMPLETING 2>/dev/null | tr '\n' ' ')
    if [[ -n ${jobs// /} ]]; then
        say "cancelling jobs $jobs"
        # shellcheck disable=SC2086
        timeout 10 scancel $jobs 2>/dev/null || true
        for _ in $(seq 40); do   # up to 10 s for the job steps to end
            [[ -z $(timeout 5 squeue --noheader --format %A --states=RUNNING,COMPLETING 2>/dev/null) ]] && break
            sleep 0.25
        done
    fi
fi

# slurmd first (it talks to slurmctld), munged last (both authenticate through it).
status=0
for name in slurmd slurmctld munged; do
    pid=$(pid_of "$name")
    [[ -n $pid ]] || continue
    if ! alive "$name" "$pid"; then
        say "$name ($pid) already gone"
        continue
    fi
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do alive "$name" "$pid" || break; sleep 0.1; done
    if alive "$name" "$pid"; then
        say "$name ($pid) ignored SIGTERM for 10 s; SIGKILL"
        kill -KILL "$pid" 2>/dev/null
        sleep 0.5
    fi
    if alive "$name" "$pid"; then
        say "could not stop $name ($pid)"
        status=1
    else
        say "stopped $name ($pid)"
    fi
done
[[ $status == 0 ]] && rm -f "$PIDS"
exit $status
