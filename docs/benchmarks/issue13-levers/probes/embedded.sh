#!/usr/bin/env bash
# Starts the embedded sample like bin/sample embedded (after its build), on probe ports; prints the log with
# millisecond times and the CPU of the host and its descendants at "ready"; then stops it with SIGTERM.
cd /work/wt-startup
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP="$(ls sample-ear/sample-ejb/target/sample-ejb-*.jar | head -1):$(ls connector-embedded/target/prefork-embedded-*.jar | head -1):$(cat connector-embedded/target/runtime-classpath.txt)"
OUT=/tmp/startup-probe/embedded-$$.log
export PREFORK_CALCULATOR_PORT=127.0.0.1:${P1:-23504} PREFORK_ECHO_PORT=127.0.0.1:${P2:-23505}
setsid $J --enable-native-access=ALL-UNNAMED -Xms32m -XX:+UseSerialGC \
  -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=connector-embedded/target/sample-embedded.jsa \
  -Djava.util.logging.SimpleFormatter.format='%1$tT.%1$tL %4$s [%3$s] %5$s%6$s%n' $EXTRA \
  -cp "$CP" dev.prefork.embedded.Main > $OUT 2>&1 &
PID=$!
for i in $(seq 1 600); do grep -q "ready in" $OUT && break; sleep 0.1; done
desc() { for c in $(pgrep -P "$1"); do echo $c; desc $c; done; }
TCK=$(getconf CLK_TCK)
tot=0; for p in $PID $(desc $PID); do s=$(cut -d' ' -f14-17 /proc/$p/stat 2>/dev/null); set -- $s; t=$(( ${1:-0}+${2:-0}+${3:-0}+${4:-0} )); n=$(tr '\0' ' ' < /proc/$p/cmdline | grep -o 'SupervisorMain\|WorkerMain\|embedded.Main\|SharedArchiveFile\|ArchiveClassesAtExit' | tr '\n' ' '); echo "  pid $p $n cpu $((t*1000/TCK)) ms"; tot=$((tot+t)); done
echo "total CPU $((tot*1000/TCK)) ms; load $(cut -d' ' -f1 /proc/loadavg)"
grep -v "^    " $OUT | grep -v "cds\]" | grep -E "ready in|Version|effective|supervising|listening on" | cut -c1-110
kill -TERM $PID; for i in $(seq 1 300); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
