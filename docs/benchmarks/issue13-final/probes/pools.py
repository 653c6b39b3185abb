"""What the pool probes here share: a process's own CPU, its children, and one echoed line as a client."""
import os, socket, subprocess, time

JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
HZ = os.sysconf("SC_CLK_TCK")

def cpu_ms(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000 // HZ

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
