#!/usr/bin/env python3
"""A/B of two builds: each role's own CPU (worker, supervisor, launcher) once the first client is answered,
pools of 1 at max_requests 100000 (compiled workers) and 100 (interpreted), interleaved; archives primed first.
Usage: ab.py PORT REPS TREE_A TREE_B   (JAVA_HOME set; each tree built)"""
import os, signal, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pools import JAVA, cpu_ms, children, echo
def run(tree, mr, port, connections=1, n=1):
    cp = f"{tree}/connector-impl/target/classes:{tree}/connector-api/target/classes"
    launcher = subprocess.Popen([JAVA, "-cp", cp, "dev.prefork.standalone.StandaloneMain", "--handler", "echo",
        "--port", f"127.0.0.1:{port}", "--max_servers", str(n), "--max_requests", str(mr), "--max_requests_jitter", "0",
        "--name", "ab"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        ok = echo(port, time.time() + 120)
        for _ in range(connections - 1): echo(port, time.time() + 30)
        sups = children(launcher.pid)
        return ok, [cpu_ms(w) for s in sups for w in children(s)], [cpu_ms(s) for s in sups], cpu_ms(launcher.pid)
    finally:
        os.killpg(launcher.pid, signal.SIGTERM); launcher.wait(30)
port, reps, trees = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:5]
for t in trees:
    for mr in (100000, 100): run(t, mr, port, 101); time.sleep(1)
res = {}
for r in range(reps):
    for t in (trees if r % 2 == 0 else trees[::-1]):
        for mr in (100000, 100):
            ok, w, s, l = run(t, mr, port)
            for k, v in (("worker", w), ("supervisor", s), ("launcher", [l])):
                res.setdefault((t, mr, k), []).extend(v)
            print(f"rep {r} {t} mr={mr}: ok {ok} worker {w} supervisor {s} launcher {l} load {os.getloadavg()[0]:.1f}", flush=True)
for key in sorted(res): print(key, sorted(res[key]), flush=True)
