#!/bin/bash
# one pool, given worker_jvm_options; prime the archive (a worker that exits), load, then NMT + smaps of a worker
PORT=$1; OPTS=$2; OUT=$3; MR=${MR:-0}
R=/work/wt-workers; J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; CP=$R/connector-impl/target/classes:$R/connector-api/target/classes
run() { setsid $J -cp $CP dev.prefork.standalone.StandaloneMain --port 127.0.0.1:$PORT --max_servers $1 --max_requests $2 --listen 1024 --name one$PORT --worker_jvm_options "$OPTS" --handler echo > $OUT.$1.log 2>&1 & echo $!; }
P=$(run 1 1); for i in $(seq 1 120); do grep -q "workers accepting" $OUT.1.log && break; sleep 0.5; done
echo hi | timeout 5 nc -N 127.0.0.1 $PORT >/dev/null; for i in $(seq 1 60); do grep -q "class-data-sharing archive" $OUT.1.log && break; sleep 0.5; done
kill -TERM -$P; wait $P 2>/dev/null
P=$(run ${W:-8} $MR); for i in $(seq 1 240); do grep -q "workers accepting" $OUT.${W:-8}.log && break; sleep 0.5; done
$J -cp $R/bench/target/bench.jar dev.prefork.bench.load.LoadMain --port $PORT --mode conn --clients 16 --seconds ${SECS:-8} --rst > $OUT.load 2>&1
sleep 2.5
SUP=$(pgrep -f "SupervisorMain" -P $P | head -1); [ -z "$SUP" ] && SUP=$(for c in $(cat /proc/$P/task/*/children); do grep -q SupervisorMain /proc/$c/cmdline && echo $c; done | head -1)
WS=$(cat /proc/$SUP/task/*/children)
for w in $WS; do awk '/^Pss:/{print $2}' /proc/$w/smaps_rollup; done | sort -n | awk '{a[NR]=$1}END{print "PSS median KB", a[int((NR+1)/2)], "n", NR}' > $OUT.summary
W1=$(echo $WS | awk '{print $1}')
tr '\0' ' ' < /proc/$W1/cmdline >> $OUT.summary; echo >> $OUT.summary
cat /proc/$W1/smaps_rollup >> $OUT.summary
for t in /proc/$W1/task/*; do cat $t/comm; done | sort | uniq -c >> $OUT.summary
cp /proc/$W1/smaps $OUT.smaps
[ -n "$NMT" ] && $(dirname $J)/jcmd $W1 VM.native_memory summary > $OUT.nmt 2>&1
cat $OUT.load | tail -3 >> $OUT.summary; cat /proc/loadavg >> $OUT.summary
kill -TERM -$P; wait $P 2>/dev/null
