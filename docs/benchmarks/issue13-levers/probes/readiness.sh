#!/usr/bin/env bash
# bin/sample embedded readiness, first worker alone (default) vs max_starting 4 (the old default pacing on 2 CPUs), interleaved.
cd /tmp/startup-probe
export PREFORK_RUNTIME_DIR=/tmp/startup-rt-emb2
./embedded.sh > /dev/null 2>&1   # warm-up: makes this build's archives
for i in 1 2 3 4; do
  for v in "" "PREFORK_MAX_STARTING=4"; do
    out=$(env $v ./embedded.sh 2>&1)
    echo "${v:-first-alone (default)}: $(echo "$out" | grep -o 'ready in.*started)') $(echo "$out" | grep -o 'total CPU.*')"
  done
done
