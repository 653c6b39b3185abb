#!/usr/bin/env python3
"""Issue 13, pidfd pass: one worker's own CPU (utime+stime from /proc) once it has served its first connection,
descriptor_transfer pidfd against message, interleaved, each variant's worker archive primed first.
Usage: startcpu.py PORT REPS   (run from the repository root after a build; JAVA_HOME set)"""
import os, signal, socket, subprocess, sys, time

JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
CP = "connector-impl/target/classes:connector-api/target/classes"
HZ = os.sysconf("SC_CLK_TCK")

def cpu_ms(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 // HZ

def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]

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

def run(transfer, port, connections):
    launcher = subprocess.Popen([JAVA, "-cp", CP, "dev.prefork.standalone.StandaloneMain", "--handler", "echo",
                                 "--port", f"127.0.0.1:{port}", "--max_servers", "1", "--max_requests", "100",
                                 "--max_requests_jitter", "0", "--descriptor_transfer", transfer, "--name", "probe-" + transfer],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        ok = echo(port, time.time() + 120)
        for _ in range(connections - 1):
            echo(port, time.time() + 30)
        workers = [w for s in children(launcher.pid) for w in children(s)]
        return ok, [cpu_ms(w) for w in workers]
    finally:
        os.killpg(launcher.pid, signal.SIGTERM)
        launcher.wait(30)

port, reps = int(sys.argv[1]), int(sys.argv[2])
for t in ("pidfd", "message"):  # prime: a worker that serves its 100 and exits writes the archive
    run(t, port, 101)
    time.sleep(2)
for r in range(reps):
    for t in (("pidfd", "message") if r % 2 == 0 else ("message", "pidfd")):
        ok, cpu = run(t, port, 1)
        print(f"rep {r} {t}: first connection answered {ok}, worker CPU {cpu} ms, load {os.getloadavg()[0]:.1f}", flush=True)
