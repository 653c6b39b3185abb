#!/usr/bin/env python3
"""Issue 13, quiet run: each role's own CPU (worker, supervisor, launcher) once the first client is answered, for
compiled (max_requests 100000) and interpreted (100) pools of 1 and a compiled pool of 8. Reuses the helpers of
the pidfd pass's startcpu.py. Run from the repository root after a build, JAVA_HOME set, port 28320 free."""
import os, signal, subprocess, sys, time
sys.argv = [sys.argv[0], "28320", "0"]
exec(open("docs/benchmarks/issue13-pidfd/probes/startcpu.py").read().split("port, reps =")[0])
def run2(mr, port, n, extra=()):
    launcher = subprocess.Popen([JAVA, "-cp", CP, "dev.prefork.standalone.StandaloneMain", "--handler", "echo",
        "--port", f"127.0.0.1:{port}", "--max_servers", str(n), "--max_requests", str(mr), "--name", f"p2-{mr}-{n}", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        ok = echo(port, time.time()+120)
        deadline=time.time()+120
        while time.time()<deadline:
            ws=[w for s in children(launcher.pid) for w in children(s)]
            if len(ws)>=n: break
            time.sleep(0.2)
        time.sleep(3)
        ws=[w for s in children(launcher.pid) for w in children(s)]
        sups=children(launcher.pid)
        return ok, sorted(cpu_ms(w) for w in ws), [cpu_ms(s) for s in sups], cpu_ms(launcher.pid)
    finally:
        os.killpg(launcher.pid, signal.SIGTERM); launcher.wait(30)
for mr in (100000, 100):
    run2(mr, 28320, 1)
for r in range(2):
    for mr in (100000, 100):
        print(mr, 1, run2(mr, 28320, 1), flush=True)
print("8 workers", run2(100000, 28320, 8), flush=True)
