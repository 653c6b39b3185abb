#!/bin/bash
# usage: run.sh OUTDIR HOLDERS NORMALS HOLDMS WARM MEASURE [extra engine args...]
set -u
OUT=$1; H=$2; N=$3; HOLD=$4; WARM=$5; MEAS=$6; shift 6
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
R=/work/wt-slow
mkdir -p $OUT; rm -f $OUT/*
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
LOPTS="-XX:+UseSerialGC -Xmx64m -Xmn8m -Xss512k -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:TrimNativeHeapInterval=1000 -Xlog:gc,safepoint:file=$OUT/gc.log:tn"
cd $R
if [ -n "${NOTRACE:-}" ]; then TR="-u SLOWTRACE_DIR"; else TR="SLOWTRACE_DIR=$OUT"; fi
env $TR $J --enable-native-access=ALL-UNNAMED -cp connector-impl/target/classes:connector-api/target/classes dev.prefork.standalone.StandaloneMain \
  --port 127.0.0.1:$PORT --max_servers 8 --max_requests 100000 --listen 1024 --name probe --launcher_jvm_options "$LOPTS" "$@" --handler echo > $OUT/engine.log 2>&1 &
EPID=$!
for i in $(seq 1 180); do grep -q "workers accepting" $OUT/engine.log && break; sleep 0.5; done
grep "workers accepting" $OUT/engine.log | head -1
SUP=$(grep -o "supervisor pid [0-9]*" $OUT/engine.log | head -1 | awk '{print $3}')
wcpu() { local t=0; for w in $(pgrep -P $SUP); do t=$((t + $(awk '{print $14+$15}' /proc/$w/stat))); done; echo $t; }
LCPU() { awk '{print $14+$15}' /proc/$EPID/stat; }
W0=$(wcpu); L0=$(LCPU)
echo "load before: $(cat /proc/loadavg)" | tee $OUT/load.txt
$J -cp /tmp/slow/cls Probe $PORT $H $N $HOLD $WARM $MEAS $OUT/client.txt 2> $OUT/client.err | tee $OUT/summary.txt
W1=$(wcpu); L1=$(LCPU)
echo "load after: $(cat /proc/loadavg); worker ticks $((W1-W0)), launcher ticks $((L1-L0))" | tee -a $OUT/load.txt
kill -TERM $EPID; wait $EPID
sleep 1
