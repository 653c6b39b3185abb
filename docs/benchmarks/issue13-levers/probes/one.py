#!/usr/bin/env python3
"""One worker's CPU: at hello, after 1, 10, 100, 1000 connections (max_requests 0)."""
import os, sys, socket, struct, subprocess, threading, time
port = int(sys.argv[1]); sets = sys.argv[2:]
JAVA = '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java'
repo = os.environ.get('REPO', '/work/wt-startup')
cp = f"{repo}/connector-impl/target/classes:{repo}/connector-api/target/classes"
cmd = [JAVA, '--enable-native-access=ALL-UNNAMED', '-cp', cp, 'dev.prefork.standalone.StandaloneMain',
       '--port', f'127.0.0.1:{port}', '--max_servers', '1', '--max_requests', '0', '--listen', '1024', '--name', f'one{port}']
for kv in sets:
    k, v = kv.split('=', 1); cmd += ['--' + k, v]
cmd += ['--handler', 'echo']
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
ready = threading.Event(); lines = []
def pump():
    for line in p.stdout:
        lines.append(line)
        if 'workers accepting' in line: ready.set()
threading.Thread(target=pump, daemon=True).start()
TCK = os.sysconf('SC_CLK_TCK')
def children(pid):
    out = []
    for t in os.listdir(f'/proc/{pid}/task'):
        try: out += [int(x) for x in open(f'/proc/{pid}/task/{t}/children').read().split()]
        except OSError: pass
    return out
def cpu(pid):
    s = open(f'/proc/{pid}/stat').read(); f = s[s.rindex(')') + 2:].split()
    return (int(f[11]) + int(f[12])) * 1000 / TCK
def ucpu(pid):
    s = open(f'/proc/{pid}/stat').read(); f = s[s.rindex(')') + 2:].split()
    return int(f[11]) * 1000 / TCK
def conn():
    s = socket.create_connection(('127.0.0.1', port), timeout=30); s.sendall(b'hello\n'); buf = b''
    while not buf.endswith(b'\n'):
        d = s.recv(100)
        if not d: break
        buf += d
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); s.close()
try:
    if not ready.wait(120): print(''.join(lines)); raise SystemExit('not ready')
    sup = [c for c in children(p.pid) if 'SupervisorMain' in open(f'/proc/{c}/cmdline').read()][0]
    time.sleep(0.3)
    w = children(sup)[0]
    if os.environ.get('SHOWCMD'): print(open(f'/proc/{w}/cmdline').read().replace('\0', ' '))
    smaps = lambda: sum(int(l.split()[1]) for l in open(f'/proc/{w}/smaps_rollup') if l.startswith('Pss:'))
    out = [f"hello {cpu(w):.0f}ms pss {smaps()/1024:.1f}MB"]
    n = 0
    for target in (1, 10, 100, 1000):
        while n < target: conn(); n += 1
        out.append(f"{target}: {cpu(w):.0f}")
    if os.environ.get('LONG'):
        u0, c0 = ucpu(w), cpu(w)
        import threading as th
        def many():
            for i in range(int(os.environ['LONG'])): conn()
        ts = [th.Thread(target=many) for _ in range(4)]; [t.start() for t in ts]; [t.join() for t in ts]
        k = 4 * int(os.environ['LONG'])
        out.append(f"per-conn over {k}: user {(ucpu(w)-u0)*1000/k:.0f} us total {(cpu(w)-c0)*1000/k:.0f} us")
    time.sleep(1.2)
    out.append(f"pss {smaps()/1024:.1f}MB")
    print(f"{' '.join(sets) or 'default':50s}", ' '.join(out), 'load', open('/proc/loadavg').read().split()[0])
finally:
    os.killpg(p.pid, 15)
    try: p.wait(20)
    except subprocess.TimeoutExpired: os.killpg(p.pid, 9)
