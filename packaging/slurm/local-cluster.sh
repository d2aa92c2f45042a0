#!/usr/bin/env bash
# A throwaway one-node Slurm cluster on this machine, for trying the job scripts and for the test
# suite: its own config, state and ports under DIR, daemons started directly (no systemd), local
# authentication only (auth/none: nothing listens beyond 127.0.0.1's users). Needs root and
# Debian's slurmctld + slurmd (packaging/setup-debian.sh installs them).
#
#   eval "$(packaging/slurm/local-cluster.sh start /tmp/cluster)"   # exports SLURM_CONF
#   sbatch ... ; squeue
#   packaging/slurm/local-cluster.sh stop /tmp/cluster
set -euo pipefail
cmd=${1:-} dir=${2:-}
if [[ -z $cmd || -z $dir ]]; then
  echo "usage: local-cluster.sh start|stop DIR" >&2
  exit 2
fi
dir=$(realpath -m "$dir")
conf=$dir/slurm.conf

stop() {
  for d in slurmd slurmctld; do
    if [[ -f $dir/$d.pid ]]; then
      pid=$(cat "$dir/$d.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/$d.pid"
    fi
  done
}

case $cmd in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "local-cluster.sh: unknown command $cmd" >&2; exit 2 ;;
esac

[[ $(id -u) -eq 0 ]] || { echo "local-cluster.sh: run as root (slurmd starts jobs as their users)" >&2; exit 1; }
for b in slurmctld slurmd sbatch sinfo; do
  command -v "$b" >/dev/null || [[ -x /usr/sbin/$b ]] || { echo "local-cluster.sh: $b is not installed" >&2; exit 1; }
done
export PATH=$PATH:/usr/sbin
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
host=$(hostname -s)
# Free ports near Slurm's defaults, so a real slurmctld on this machine is left alone.
port=$((16817 + RANDOM % 1000))
cat > "$conf" <<CONF
ClusterName=crowlingo-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MinJobAge=600
InactiveLimit=0
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf
slurmctld -c -f "$conf" -L "$dir/log/slurmctld.log"   # -c: a fresh state, no old jobs
slurmd -f "$conf" -L "$dir/log/slurmd.log"
for _ in $(seq 100); do
  if sinfo -h -o %T 2>/dev/null | grep -qx idle; then
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 0.2
done
echo "local-cluster.sh: the node did not come up; logs:" >&2
tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
stop
exit 1
