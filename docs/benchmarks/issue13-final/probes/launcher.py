#!/usr/bin/env python3
"""The standalone launcher's own CPU once its first client is answered (pool of 1), per way of starting it,
interleaved. Usage: launcher.py PORT REPS  (repository root after a build; JAVA_HOME set)"""
import os, signal, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pools import JAVA, cpu_ms, echo
CP = "connector-impl/target/classes:connector-api/target/classes"
SIZED = "-XX:+UseSerialGC -Xmx64m -Xmn8m -Xss512k -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:TrimNativeHeapInterval=1000".split()
V = {"default (restarts sized)": [],
     "sized on the command line": SIZED,
     "sized + native accessors": SIZED + ["-Djdk.reflect.useNativeAccessorOnly=true"],
     "sized + AppCDS": SIZED + ["-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=/tmp/p9/launcher.jsa"],
     "sized + AppCDS + native": SIZED + ["-Djdk.reflect.useNativeAccessorOnly=true", "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=/tmp/p9/launcher-n.jsa"]}
def run(opts, port, mr=100000):
    launcher = subprocess.Popen([JAVA, *opts, "-cp", CP, "dev.prefork.standalone.StandaloneMain", "--handler", "echo",
        "--port", f"127.0.0.1:{port}", "--max_servers", "1", "--max_requests", str(mr), "--name", "lp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        ok = echo(port, time.time() + 120)
        return ok, cpu_ms(launcher.pid)
    finally:
        os.killpg(launcher.pid, signal.SIGTERM); launcher.wait(30)
port, reps = int(sys.argv[1]), int(sys.argv[2])
for o in V.values(): run(o, port)
res = {k: [] for k in V}
for r in range(reps):
    for k in (list(V) if r % 2 == 0 else list(V)[::-1]):
        ok, c = run(V[k], port); res[k].append(c)
for k in V: print(k, sorted(res[k]), flush=True)
