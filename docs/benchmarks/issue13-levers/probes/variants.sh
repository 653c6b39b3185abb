#!/usr/bin/env bash
# Interleaved single-worker start-up CPU (ms, schedstat) for worker variants.
D="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -Xss256k -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
NOC="-XX:+UseSerialGC -Xmx16m -Xss256k -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
SMALL="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx8m -Xss192k -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=8m -XX:MaxMetaspaceSize=32m -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
declare -a V=(
 "default|"
 "relay|handoff=relay"
 "xint|worker_jvm_options=-Xint $NOC"
 "scale10|worker_jvm_options=$D -XX:CompileThresholdScaling=10"
 "small|worker_jvm_options=$SMALL"
)
[[ -n "${ONLY:-}" ]] && V=("${V[@]:0:$ONLY}")
port=${PORT:-23440}
for r in $(seq 1 ${ROUNDS:-2}); do
  for v in "${V[@]}"; do
    name=${v%%|*}; set=${v#*|}
    if [[ -n "$set" ]]; then
      out=$(python3 one.py $port runtime_dir=/tmp/startup-rt "$set" 2>&1 | tail -1)
    else
      out=$(python3 one.py $port runtime_dir=/tmp/startup-rt 2>&1 | tail -1)
    fi
    echo "$name: ${out#*hello}"
    port=$((port+1))
  done
done
