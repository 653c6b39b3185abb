import os, signal, subprocess, sys, time, re
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pools import JAVA, cpu_ms
CP = "connector-impl/target/classes:connector-api/target/classes"
def run(extra, port):
    t0 = time.time()
    p = subprocess.Popen([JAVA, "-cp", CP, "dev.prefork.standalone.StandaloneMain", "--handler", "echo", "--port", f"127.0.0.1:{port}",
        "--max_servers", "50", "--name", "s50", *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        for line in p.stdout:
            if "workers accepting" in line:
                return round(time.time() - t0, 2)
        return None
    finally:
        os.killpg(p.pid, signal.SIGTERM); p.wait(30)
V = {"default (max_starting 4)": [], "max_starting 2": ["--max_starting", "2"], "max_starting 8": ["--max_starting", "8"]}
res = {k: [] for k in V}
for r in range(3):
    for k in (list(V) if r % 2 == 0 else list(V)[::-1]):
        res[k].append(run(V[k], 28460)); time.sleep(1)
for k in V: print(k, sorted(res[k]), flush=True)
