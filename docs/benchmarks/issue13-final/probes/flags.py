#!/usr/bin/env python3
"""One worker's own CPU to its first answered connection, per worker_jvm_options variant, interleaved; each
variant's archive primed first. Usage: flags.py PORT REPS  (repository root, after a build, JAVA_HOME set)"""
import os, signal, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pools import JAVA, cpu_ms, children, echo
MEM = "-XX:+UseSerialGC -Xmx16m -Xmn1m -Xss256k"
PROC = "-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
C1 = "-XX:TieredStopAtLevel=1 " + MEM + " -XX:CICompilerCount=1 -XX:CompileThresholdScaling=3 -XX:ReservedCodeCacheSize=16m " + PROC
XI = "-Xint " + MEM + " " + PROC
NA = " -Djdk.reflect.useNativeAccessorOnly=true"
SP = " -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider"
VARIANTS = {"xint": XI, "xint+na": XI + NA, "xint+na+sp": XI + NA + SP, "c1": C1, "c1+na+sp": C1 + NA + SP}
if len(sys.argv) > 3: VARIANTS = {k: v for k, v in VARIANTS.items() if k in sys.argv[3].split(",")}
def run(name, port, connections):
    launcher = subprocess.Popen([JAVA, "-cp", CP, "dev.prefork.standalone.StandaloneMain", "--handler", "echo",
        "--port", f"127.0.0.1:{port}", "--max_servers", "1", "--max_requests", "100", "--max_requests_jitter", "0",
        "--worker_jvm_options", VARIANTS[name], "--name", "flags-" + name.replace("+", "-")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        ok = echo(port, time.time() + 120)
        for _ in range(connections - 1): echo(port, time.time() + 30)
        return ok, [cpu_ms(w) for s in children(launcher.pid) for w in children(s)]
    finally:
        os.killpg(launcher.pid, signal.SIGTERM); launcher.wait(30)
port, reps = int(sys.argv[1]), int(sys.argv[2])
for n in VARIANTS: run(n, port, 101); time.sleep(1)
res = {n: [] for n in VARIANTS}
for r in range(reps):
    order = list(VARIANTS) if r % 2 == 0 else list(reversed(VARIANTS))
    for n in order:
        ok, cpu = run(n, port, 1)
        res[n] += cpu
        print(f"rep {r} {n}: ok {ok} worker CPU {cpu} ms load {os.getloadavg()[0]:.1f}", flush=True)
for n in VARIANTS: print(n, "sorted", sorted(res[n]), flush=True)
