#!/usr/bin/env python3
"""Worker PSS after load and whether workers map the archive; pools of 4, per tree, interleaved.
Usage: pss.py PORT REPS MR TREE...  (JAVA_HOME set)"""
import os, signal, subprocess, sys, time, socket
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "issue13-final", "probes"))
from pools import JAVA, cpu_ms, children, echo
def pss(pid):
    for l in open(f"/proc/{pid}/smaps_rollup"):
        if l.startswith("Pss:"): return int(l.split()[1])/1024
def maps(pid):
    m=open(f"/proc/{pid}/maps").read()
    return "aot" if ".aot" in m else ("jsa" if "worker-" in m else "none")
def run(tree, mr, port, conns):
    cp = f"{tree}/connector-impl/target/classes:{tree}/connector-api/target/classes"
    launcher = subprocess.Popen([JAVA, "-cp", cp, "dev.prefork.standalone.StandaloneMain", "--handler", "echo",
        "--port", f"127.0.0.1:{port}", "--max_servers", "4", "--max_requests", str(mr), "--max_requests_jitter", "0",
        "--name", "pss"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        echo(port, time.time()+120)
        for _ in range(conns): echo(port, time.time()+30)
        time.sleep(1)
        ws=[w for s in children(launcher.pid) for w in children(s)]
        return [(round(pss(w),1), maps(w)) for w in ws]
    finally:
        os.killpg(launcher.pid, signal.SIGTERM); launcher.wait(30)
port, reps, mr, trees = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
for t in trees: run(t, mr, port, 20)
for r in range(reps):
    for t in (trees if r%2==0 else trees[::-1]):
        print(r, t, run(t, mr, port, 400), flush=True)
