#!/usr/bin/env bash
# The 0.4-CPU cgroup probe of issue 9, fault 8: the soak's own command (bench/soak's SoakMain, 4 workers,
# max_requests 200) inside a CPU-limited cgroup (v1 cpu controller, cfs quota), which makes a JVM start
# take seconds without loading the machine for others. Every 0.5 s it writes the supervisor's /status
# (accepted count, listen queue, scoreboard), the load average, the cgroup's throttling, and each worker's
# /proc/PID/schedstat (CPU time and time waiting for a CPU, both in ms): whether a worker that waits for the
# accept turn while the accepted count stands still is starved of CPU or blocked on the turn (summed over the
# worker's threads), and which process holds the accept lock and which wait for it (/proc/locks).
#
#   docs/benchmarks/recycling/cgroup-probe.sh NAME PORT OUT_DIR [MINUTES] [QUOTA_US]
#
# Needs root (the cgroup), a built bench/target/bench.jar and connector-impl (bench/soak builds both).
# Removes its cgroup at the end, also when interrupted.
set -euo pipefail
name=$1 port=$2 out=$3 minutes=${4:-3} quota=${5:-40000}
cd "$(dirname "$0")/../../.."
cg=/sys/fs/cgroup/cpu/$name
mkdir -p "$out" "$cg"
echo "$quota" > "$cg/cpu.cfs_quota_us"
soak_pid=
cleanup() {
  set +e
  [[ -n $soak_pid ]] && kill "$soak_pid" 2>/dev/null && wait "$soak_pid" 2>/dev/null
  # a cgroup is removed once empty; its processes are gone with the soak (it stops its server's tree)
  for _ in $(seq 50); do [[ -s $cg/cgroup.procs ]] || break; sleep 0.2; done
  rmdir "$cg" 2>/dev/null || echo "cgroup $cg not empty: $(cat "$cg/cgroup.procs" | tr '\n' ' ')" >&2
}
trap cleanup EXIT
JAVA_HOME=$(bin/jdk)
sh -c "echo \$\$ > $cg/cgroup.procs; exec $JAVA_HOME/bin/java -Djava.awt.headless=true -cp bench/target/bench.jar \
  dev.prefork.bench.soak.SoakMain --repo . --minutes $minutes --port $port --out $out \
  --setting log_level=4 --setting status_port=127.0.0.1:$((port + 1))" > "$out/soak-output.txt" 2>&1 &
soak_pid=$!
samples=$out/status-samples.txt
echo "# time | /status | load | cgroup nr_throttled throttled_ms | worker pid:cpu_ms/wait_ms ... | lock holder, ->waiters" > "$samples"
while kill -0 "$soak_pid" 2>/dev/null; do
  status=$(curl -s -m 1 "http://127.0.0.1:$((port + 1))/status" | grep -E '^(accepted connections|listen queue|starting workers|scoreboard):' | tr '\n' '|' || true)
  throttled=$(awk '/nr_throttled|throttled_time/ {printf "%s ", ($1=="throttled_time") ? int($2/1e6) : $2}' "$cg/cpu.stat")
  workers=
  for pid in $(cat "$cg/cgroup.procs"); do
    if grep -qa WorkerMain "/proc/$pid/cmdline" 2>/dev/null; then
      # all the worker's threads: the accepting thread is not the process's first
      # (a worker may exit meanwhile: then nothing, rather than the end of the probe)
      sums=$(cat /proc/$pid/task/*/schedstat 2>/dev/null | awk '{r += $1; w += $2} END {printf "%d/%d", r / 1e6, w / 1e6}') || continue
      workers+="$pid:$sums "
    fi
  done
  # the accept lock (serialize flock): which of our processes holds it and which wait, from the kernel's table
  procs=" $(tr '\n' ' ' < "$cg/cgroup.procs")"
  locks=$(awk -v procs="$procs" '$2 == "->" && $3 == "POSIX" && index(procs, " " $6 " ") {w = w " ->" $6; next}
                                   $2 == "POSIX" && index(procs, " " $5 " ") {h = h " " $5} END {print h w}' /proc/locks)
  echo "$(date -u +%H:%M:%S.%3N) $status $(cut -d' ' -f1-3 /proc/loadavg) | $throttled| $workers|$locks" >> "$samples"
  sleep 0.5
done
wait "$soak_pid" && rc=0 || rc=$?
soak_pid=
echo "soak exit status $rc" >> "$out/soak-output.txt"
