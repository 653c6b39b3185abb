#!/usr/bin/env bash
D="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -Xss256k -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
NOC="-XX:+UseSerialGC -Xmx16m -Xss256k -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
port=23480
for r in 1 2 3; do
  echo "default: $(LONG=1500 python3 one.py $port runtime_dir=/tmp/startup-rt 2>&1 | tail -1 | sed 's/.*hello//')"; port=$((port+1))
  echo "scale10: $(LONG=1500 python3 one.py $port runtime_dir=/tmp/startup-rt "worker_jvm_options=$D -XX:CompileThresholdScaling=10" 2>&1 | tail -1 | sed "s/.*hello//")"; port=$((port+1))
done
