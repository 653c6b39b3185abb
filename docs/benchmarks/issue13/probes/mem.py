#!/usr/bin/env python3
"""Worker memory per option variant: start one pool per variant (same time), load each in turn (conn RST),
then report median worker PSS and a breakdown of one worker's smaps (heap, CDS, libjvm, anon malloc, ...)."""
import os, sys, subprocess, threading, time, statistics, json
JAVA = '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java'
repo = os.environ.get('REPO', '/work/wt-workers')
cp = f"{repo}/connector-impl/target/classes:{repo}/connector-api/target/classes"
BENCH = f"{repo}/bench/target/bench.jar"
DEF = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -Xss256k -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
variants = json.loads(open(sys.argv[1]).read())  # [[label, {settings}, {env}], ...]
base = int(sys.argv[2]); workers = int(os.environ.get('WORKERS', '8')); secs = os.environ.get('SECS', '6')
procs = []
def start(i, label, settings, env):
    port = base + i
    cmd = [JAVA, '-cp', cp, 'dev.prefork.standalone.StandaloneMain', '--port', f'127.0.0.1:{port}', '--max_servers', str(workers),
           '--max_requests', settings.pop('max_requests', '0'), '--listen', '1024', '--name', f'm{port}']
    for k, v in settings.items():
        cmd += ['--' + k, v.replace('$DEF', DEF)]
    cmd += ['--handler', 'echo']
    e = dict(os.environ); e.update(env)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True, env=e)
    ready = threading.Event(); lines = []
    def pump():
        for line in p.stdout:
            lines.append(line)
            if 'workers accepting' in line: ready.set()
    threading.Thread(target=pump, daemon=True).start()
    return dict(label=label, port=port, p=p, ready=ready, lines=lines)
def children(pid):
    out = []
    for t in os.listdir(f'/proc/{pid}/task'):
        try: out += [int(x) for x in open(f'/proc/{pid}/task/{t}/children').read().split()]
        except OSError: pass
    return out
def workers_of(pr):
    sups = [c for c in children(pr['p'].pid) if 'SupervisorMain' in open(f'/proc/{c}/cmdline').read()]
    return [w for s in sups for w in children(s) if 'WorkerMain' in open(f'/proc/{w}/cmdline').read()], sups
def pss(pid):
    return sum(int(l.split()[1]) for l in open(f'/proc/{pid}/smaps_rollup') if l.startswith('Pss:'))
def breakdown(pid):
    cats = {}; cur = None
    for l in open(f'/proc/{pid}/smaps'):
        f = l.split()
        if not f[0].endswith(':') or (len(f) > 1 and '-' in f[0]):
            name = f[5] if len(f) > 5 else '[anon]'
            cur = os.path.basename(name) if name.startswith('/') else name
            if cur.endswith('.jsa'): cur = 'CDS:' + cur[-20:]
            continue
        if f[0] == 'Pss:': cats[cur] = cats.get(cur, 0) + int(f[1])
    top = sorted(cats.items(), key=lambda x: -x[1])[:8]
    return ' '.join(f"{k}={v/1024:.1f}" for k, v in top)
try:
    for i, (label, settings, env) in enumerate(variants):
        # prime: a pool of one whose worker exits cleanly leaves the archive for these options

        keep = workers; workers = 1
        pr = start(i, label, dict(settings), env); pr['ready'].wait(180); time.sleep(1)
        os.killpg(pr['p'].pid, 15); pr['p'].wait(30); workers = keep
    for i, (label, settings, env) in enumerate(variants):
        procs.append(start(i, label, dict(settings), env))
        procs[-1]['ready'].wait(180)
    for pr in procs:
        if not pr['ready'].wait(180): print(pr['label'], 'not ready', ''.join(pr['lines'][-5:])); continue
    for rnd in range(int(os.environ.get('ROUNDS', '2'))):
        for pr in procs:
            subprocess.run([JAVA, '-cp', BENCH, 'dev.prefork.bench.load.LoadMain', '--port', str(pr['port']), '--mode', 'conn',
                            '--clients', '16', '--seconds', secs, '--rst'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    for pr in procs:
        ws, sups = workers_of(pr)
        ps = [pss(w) for w in ws]
        thr = [len(os.listdir(f'/proc/{w}/task')) for w in ws]
        print(f"{pr['label']:28s} workers {len(ws)} PSS median {statistics.median(ps)/1024:5.1f} MB min {min(ps)/1024:5.1f} max {max(ps)/1024:5.1f}"
              f" threads {thr[0]} sup {pss(sups[0])/1024:.1f} | {breakdown(ws[0])}", flush=True)
    print('load', open('/proc/loadavg').read().strip())
finally:
    for pr in procs:
        try: os.killpg(pr['p'].pid, 15)
        except ProcessLookupError: pass
    for pr in procs:
        try: pr['p'].wait(20)
        except subprocess.TimeoutExpired: os.killpg(pr['p'].pid, 9)
