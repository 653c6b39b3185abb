#!/bin/bash
# A worker's own CPU (utime+stime) at hello and after 100 / 1000 connections, its PSS; interleaved rounds.
# REPO (default /work/wt-startup in one.py) names the checkout whose connector-impl/target/classes are started.
DEF="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -Xmn1m -Xss256k -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
INT="-Xint -XX:+UseSerialGC -Xmx16m -Xmn1m -Xss256k -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for r in 1 2 3; do
  REPO=/work/wt-workers python3 "$(dirname "$0")/../../issue13-levers/probes/one.py" 27061 "worker_jvm_options=$DEF"
  REPO=/work/wt-workers python3 "$(dirname "$0")/../../issue13-levers/probes/one.py" 27062 "worker_jvm_options=$INT"
  REPO=/work/wt-workers python3 "$(dirname "$0")/../../issue13-levers/probes/one.py" 27063 "worker_jvm_options=$DEF" handoff=relay
  REPO=/work/wt-workers python3 "$(dirname "$0")/../../issue13-levers/probes/one.py" 27064 "worker_jvm_options=$INT" handoff=relay
  /usr/bin/time -f "java -version with worker flags (CDS of the JDK): %U user %S sys" $J $DEF -version 2>&1 | tail -1
  /usr/bin/time -f "java -Xint -version: %U user %S sys" $J $INT -version 2>&1 | tail -1
done
