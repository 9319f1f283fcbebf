#!/usr/bin/env bash
# local-slurm.sh - a real single-node Slurm cluster on this Debian 12 machine,
# for omniopt-slurm's tests, benchmarks and CI.
#
#   local-slurm.sh start [--accounting|--no-accounting] [--cpus N]
#   local-slurm.sh stop
#   local-slurm.sh status          exit 0 if the cluster answers and the node is usable
#
# start installs the Debian packages if missing (munge slurmctld slurmd
# slurm-client; with accounting also slurmdbd mariadb-server), writes
# /etc/slurm/slurm.conf, starts the daemons and waits (bounded) until the node
# takes jobs. It is idempotent: healthy daemons are left alone; a changed
# configuration (e.g. switching accounting) restarts only slurmctld/slurmd.
# stop cancels the jobs still queued, then stops only the daemons this script
# started (PIDs kept in $STATE_DIR and checked against /proc/PID/comm).
#
# Environment (flags win):
#   SLURM_LOCAL_ACCOUNTING=1   1: MariaDB + slurmdbd so sacct works; 0: none
#   SLURM_LOCAL_CPUS=N         CPUs advertised; more than the real count
#                              oversubscribes the node (many short jobs at once)
#   SLURM_LOCAL_KILLWAIT=5     seconds between SIGTERM and SIGKILL (Slurm: 30)
#   SLURM_LOCAL_WAIT=60        bound (s) for each daemon and the node
#   SLURM_LOCAL_PARTITION=debug, SLURM_LOCAL_CLUSTER=localcluster
#   SLURM_LOCAL_NO_INSTALL=1   fail instead of calling apt-get
#
# Needs root. Exit status: 0 ok, 1 failure (the daemons' log tails are printed).
set -euo pipefail

ACCOUNTING="${SLURM_LOCAL_ACCOUNTING:-1}"
CPUS_WANTED="${SLURM_LOCAL_CPUS:-}"
KILLWAIT="${SLURM_LOCAL_KILLWAIT:-5}"
WAIT="${SLURM_LOCAL_WAIT:-60}"
PARTITION="${SLURM_LOCAL_PARTITION:-debug}"
CLUSTER="${SLURM_LOCAL_CLUSTER:-localcluster}"
STATE_DIR=/run/omniopt-local-slurm
CONF=/etc/slurm/slurm.conf
DBD_CONF=/etc/slurm/slurmdbd.conf
LOGS=/var/log/slurm
DB=slurm_acct_db
DB_USER=slurm
DB_PASS=slurm   # MariaDB listens on its unix socket only

say() { printf '[local-slurm] %s\n' "$*" >&2; }
fail() { printf '[local-slurm] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '3,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# ------------------------------------------------------------ daemons ------
# ours NAME: the PID of a live daemon NAME that this script started, if any.
ours() {
  local pid state
  pid=$(cat "$STATE_DIR/$1.pid" 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || return 1   # PID reused?
  state=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${state##*) }
  [ "${state%% *}" != Z ] || return 1
  echo "$pid"
}
# remember NAME PIDFILE: record the PID a daemon wrote as one of ours.
remember() {
  for _ in $(seq 50); do
    if [ -s "$2" ]; then cp "$2" "$STATE_DIR/$1.pid"; ours "$1" >/dev/null && return 0; fi
    sleep 0.1
  done
  return 1
}
# halt NAME: SIGTERM our daemon NAME, SIGKILL after 15 s.
halt() {
  local pid
  pid=$(ours "$1") || { rm -f "$STATE_DIR/$1.pid"; return 0; }
  say "stopping $1 (PID $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 150); do ours "$1" >/dev/null || break; sleep 0.1; done
  if ours "$1" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.3; fi
  rm -f "$STATE_DIR/$1.pid"
}
# poll SECONDS CMD...: retry CMD until it succeeds or SECONDS pass.
poll() {
  local end=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.2
  done
}
# launch NAME: start Slurm daemon NAME (it detaches itself) and record its PID.
launch() {
  say "starting $1"
  rm -f "/run/slurm/$1.pid"
  "/usr/sbin/$1" || { tails "$LOGS/$1.log"; fail "$1 did not start"; }
  remember "$1" "/run/slurm/$1.pid" || { tails "$LOGS/$1.log"; fail "$1 exited"; }
}
tails() { for f in "$@"; do [ -r "$f" ] && { echo "---- $f" >&2; tail -15 "$f" >&2; }; done; return 0; }

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
db_ok() { mariadb-admin --protocol=socket -uroot ping; }
dbd_ok() { sacctmgr -n -P show cluster format=cluster; }
ctld_ok() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_state() { sinfo -h -N -n "$(hostname -s)" -o '%T' 2>/dev/null | head -1; }

# ------------------------------------------------------------ install ------
install_missing() {
  local missing=() pair
  for pair in munged:munge slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || missing+=("${pair#*:}")
  done
  if [ "$ACCOUNTING" = 1 ]; then
    [ -x /usr/sbin/slurmdbd ] || missing+=(slurmdbd)
    [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  fi
  [ "${#missing[@]}" = 0 ] && return 0
  [ "${SLURM_LOCAL_NO_INSTALL:-0}" = 1 ] && fail "missing Debian packages: ${missing[*]}"
  say "installing ${missing[*]}"
  # The packages' maintainer scripts would start daemons on their own; a
  # policy-rc.d that says "no" prevents that (unless the image has one).
  local policy="" rc=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d; printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"
  fi
  { apt-get update -q >/dev/null &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
      >/tmp/local-slurm-apt.log 2>&1; } || rc=$?
  [ -n "$policy" ] && rm -f "$policy"
  [ "$rc" = 0 ] || { tail -20 /tmp/local-slurm-apt.log >&2; fail "apt-get install failed ($rc)"; }
}

# ------------------------------------------------------------- config ------
write_configs() {
  local host hw real_cpus mem cpus node overrides acct
  host=$(hostname -s)
  hw=$(/usr/sbin/slurmd -C | head -1)
  real_cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")
  mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
  [ -n "$real_cpus" ] && [ -n "$mem" ] || fail "cannot read CPUs/memory from 'slurmd -C': $hw"
  cpus=${CPUS_WANTED:-$real_cpus}
  [[ "$cpus" =~ ^[1-9][0-9]*$ ]] || fail "--cpus must be a positive integer, got '$cpus'"
  if [ "$cpus" = "$real_cpus" ]; then
    node=$(sed 's/^NodeName=[^ ]* //; s/ *UpTime=.*//' <<<"$hw"); overrides=""
  else
    # Advertise more CPUs than exist: slurmd must accept the configured count.
    node="CPUs=$cpus RealMemory=$mem"; overrides="SlurmdParameters=config_overrides"
  fi
  if [ "$ACCOUNTING" = 1 ]; then
    acct="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30"
  else
    acct="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
  fi
  # Why the less obvious settings:
  #  - linuxproc/task none: cgroups are not usable in most containers.
  #  - batch_sched_delay=0: the default 3 s delays every back-to-back sbatch.
  #  - DefMemPerCPU: without it a job gets the whole node's memory, so jobs
  #    would run one at a time.
  #  - KillWait: a single node takes no new job while a killed one completes.
  #  - MinJobAge=300: finished jobs stay visible to scontrol without sacct.
  local conf
  conf=$(cat <<CONF
# Written by omniopt-slurm's local-slurm.sh: single-node test cluster.
ClusterName=$CLUSTER
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$(( mem / cpus ))
ReturnToService=2
KillWait=$KILLWAIT
MinJobAge=300
MailProg=/bin/true
$acct
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
$overrides
NodeName=$host NodeAddr=127.0.0.1 $node State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)
  CONF_CHANGED=0
  if [ "$(cat "$CONF" 2>/dev/null)" != "$conf" ]; then
    printf '%s\n' "$conf" >"$CONF"; chmod 644 "$CONF"; CONF_CHANGED=1
  fi
  if [ "$ACCOUNTING" = 1 ]; then
    cat >"$DBD_CONF" <<DBD
# Written by omniopt-slurm's local-slurm.sh.
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
LogFile=$LOGS/slurmdbd.log
PidFile=/run/slurm/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=$DB_USER
StoragePass=$DB_PASS
StorageLoc=$DB
DBD
    chmod 600 "$DBD_CONF"
  fi
}

# -------------------------------------------------------------- start ------
start() {
  [ "$(id -u)" = 0 ] || fail "must run as root"
  local t0 state resumed=0 slurmd_since=0 end
  t0=$(date +%s.%N)
  install_missing
  mkdir -p "$STATE_DIR" /var/spool/slurmctld /var/spool/slurmd "$LOGS" /run/slurm \
           /run/munge /var/log/munge /var/lib/munge /etc/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
  chmod 0755 /run/munge; chmod 0700 /var/log/munge /var/lib/munge /etc/munge

  [ -s /etc/munge/munge.key ] || runuser -u munge -- /usr/sbin/mungekey --create --keyfile=/etc/munge/munge.key
  if ! munge_ok; then
    say "starting munged"
    # --force: a dead munged may have left its socket behind.
    runuser -u munge -- /usr/sbin/munged --force --pid-file=/run/munge/munged.pid \
      || { tails /var/log/munge/munged.log; fail "munged did not start"; }
    remember munged /run/munge/munged.pid || fail "munged wrote no PID file"
    poll "$WAIT" munge_ok || { tails /var/log/munge/munged.log; fail "munge does not answer"; }
  fi

  # A cluster started by someone else (another script, the system): use it as
  # it is; its configuration and daemons are not ours to change.
  if ! ours slurmctld >/dev/null && ctld_ok; then
    say "using the running cluster that this script did not start (configuration left alone)"
    status || fail "the running cluster's node is not usable"
    return 0
  fi

  write_configs
  if [ "$CONF_CHANGED" = 1 ]; then
    for d in slurmd slurmctld; do
      ours "$d" >/dev/null && { say "configuration changed: restarting $d"; halt "$d"; }
    done
    if [ "$ACCOUNTING" = 0 ]; then halt slurmdbd; fi
  fi

  if [ "$ACCOUNTING" = 1 ]; then
    mkdir -p /run/mysqld; chown mysql:mysql /run/mysqld
    if ! db_ok >/dev/null 2>&1; then
      [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
      say "starting MariaDB (unix socket only)"
      rm -f /run/mysqld/mysqld.pid
      setsid /usr/sbin/mariadbd --user=mysql --skip-networking --pid-file=/run/mysqld/mysqld.pid \
        </dev/null >>"$LOGS/mariadb.log" 2>&1 &
      poll "$WAIT" db_ok || { tails "$LOGS/mariadb.log"; fail "MariaDB did not come up"; }
      remember mariadbd /run/mysqld/mysqld.pid || fail "MariaDB wrote no PID file"
    fi
    mariadb --protocol=socket -uroot -e "CREATE DATABASE IF NOT EXISTS $DB;
      CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
      GRANT ALL ON $DB.* TO '$DB_USER'@'localhost';" || fail "cannot prepare the accounting database"
    if ! ours slurmdbd >/dev/null && ! dbd_ok >/dev/null 2>&1; then
      launch slurmdbd
    fi
    poll "$WAIT" dbd_ok || { tails "$LOGS/slurmdbd.log"; fail "slurmdbd does not answer"; }
  fi

  if ! ours slurmctld >/dev/null; then
    ctld_ok && fail "a slurmctld this script did not start is running; stop it first"
    launch slurmctld
  fi
  poll "$WAIT" ctld_ok || { tails "$LOGS/slurmctld.log"; fail "slurmctld does not answer"; }
  if ! ours slurmd >/dev/null; then
    slurmd_since=$(( $(date +%s) - 1 ))
    launch slurmd
  fi

  # slurmctld restores the node's old state from disk: "idle" is only true
  # once the new slurmd has registered (SlurmdStartTime after its start).
  end=$(( $(date +%s) + WAIT ))
  while :; do
    state=$(node_state)
    case "$state" in
      idle|mixed|allocated|completing) registered "$slurmd_since" && break ;;
      *drain*|down*|*fail*)
        if [ "$resumed" = 0 ]; then
          say "node is $state: resuming it"
          scontrol update nodename="$(hostname -s)" state=resume >/dev/null 2>&1 || true
          resumed=1
        fi ;;
    esac
    if [ "$(date +%s)" -ge "$end" ]; then
      tails "$LOGS/slurmctld.log" "$LOGS/slurmd.log"; fail "node not usable after ${WAIT}s (state '$state')"
    fi
    sleep 0.2
  done
  say "cluster $CLUSTER ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s: $(hostname -s) $state, accounting=$ACCOUNTING"
}
registered() {
  local t
  t=$(scontrol show node "$(hostname -s)" 2>/dev/null | sed -n 's/.*SlurmdStartTime=\([^ ]*\).*/\1/p')
  [ -n "$t" ] && [ "$t" != None ] && [ "$(date -d "$t" +%s 2>/dev/null || echo 0)" -ge "$1" ]
}

# --------------------------------------------------------------- stop ------
stop() {
  [ "$(id -u)" = 0 ] || fail "must run as root"
  local jobs
  if ours slurmctld >/dev/null && ours slurmd >/dev/null; then
    jobs=$(squeue -h -o '%A' 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      say "cancelling jobs $jobs"
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      poll 30 test -z "$(squeue -h -o '%A' 2>/dev/null)" || true
    fi
  fi
  for d in slurmd slurmctld slurmdbd mariadbd munged; do halt "$d"; done
  say "stopped"
}

status() {
  ctld_ok || { say "slurmctld does not answer"; return 1; }
  local state; state=$(node_state)
  say "node $(hostname -s): $state; accounting: $(scontrol show config | sed -n 's/^AccountingStorageType *= *//p')"
  [[ "$state" =~ ^(idle|mixed|allocated|completing)$ ]]
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --accounting) ACCOUNTING=1 ;;
    --no-accounting) ACCOUNTING=0 ;;
    --cpus) CPUS_WANTED="${2:?--cpus needs a number}"; shift ;;
    --cpus=*) CPUS_WANTED="${1#*=}" ;;
    *) usage ;;
  esac
  shift
done
case "$ACCOUNTING" in 0|1) ;; *) fail "SLURM_LOCAL_ACCOUNTING must be 0 or 1" ;; esac
case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
