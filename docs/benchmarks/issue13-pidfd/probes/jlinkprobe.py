#!/usr/bin/env python3
"""Issue 13, pidfd pass, probe only: workers (and their supervisor) on a jlink'ed runtime against the full JDK.
One pool of 4 workers each (max_requests 100, interpreted by default), 200 connections, then every worker's
PSS and the CPU of the worker that served the first connection; interleaved.
Usage: jlinkprobe.py PORT REPS JLINKED_HOME   (from the repository root after a build; JAVA_HOME set)"""
import os, signal, socket, subprocess, sys, time

JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
CP = "connector-impl/target/classes:connector-api/target/classes"
HZ = os.sysconf("SC_CLK_TCK")

def cpu_ms(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 // HZ

def pss_mb(pid):
    for line in open(f"/proc/{pid}/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0

def children(pid):
    return [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()]

def echo(port, deadline):
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(b"x\n")
                if s.recv(16):
                    return True
        except OSError:
            time.sleep(0.05)
    return False

def run(home, port, connections):
    args = [JAVA, "-cp", CP, "dev.prefork.standalone.StandaloneMain", "--handler", "echo", "--port", f"127.0.0.1:{port}",
            "--max_servers", "4", "--max_requests", "100", "--max_requests_jitter", "0", "--name", "jlinkprobe"]
    if home:
        args += ["--java_home", home]
    launcher = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        echo(port, time.time() + 120)
        for _ in range(connections - 1):
            echo(port, time.time() + 30)
        time.sleep(3)  # replacements settle
        workers = [w for s in children(launcher.pid) for w in children(s)]
        return sorted(round(pss_mb(w), 1) for w in workers), sorted(cpu_ms(w) for w in workers)
    finally:
        os.killpg(launcher.pid, signal.SIGTERM)
        launcher.wait(30)

port, reps, jlinked = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for home in ("", jlinked):  # prime each runtime's worker archive
    run(home, port, 150)
for r in range(reps):
    for home in (("", jlinked) if r % 2 == 0 else (jlinked, "")):
        pss, cpu = run(home, port, 200)
        print(f"rep {r} {'jlinked' if home else 'full JDK'}: worker PSS {pss} MB, worker CPU {cpu} ms, load {os.getloadavg()[0]:.1f}", flush=True)
