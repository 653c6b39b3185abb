import os, signal, subprocess, sys, time
sys.argv = [sys.argv[0], "28330", "0"]
exec(open("docs/benchmarks/issue13-pidfd/probes/startcpu.py").read().split("port, reps =")[0])
BASE="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -Xmn1m -Xss256k -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000"
def run3(label, opts, port, conns):
    launcher = subprocess.Popen([JAVA, "-cp", CP, "dev.prefork.standalone.StandaloneMain", "--handler", "echo",
        "--port", f"127.0.0.1:{port}", "--max_servers", "1", "--max_requests", "0", "--name", f"p3-{label}",
        "--worker_jvm_options", opts], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        ok = echo(port, time.time()+120)
        ws=[w for s in children(launcher.pid) for w in children(s)]
        first=[cpu_ms(w) for w in ws]
        t=time.time()
        for _ in range(conns): echo(port, time.time()+30)
        el=time.time()-t
        return ok, first, [cpu_ms(w) for w in ws], round(conns/el)
    finally:
        os.killpg(launcher.pid, signal.SIGTERM); launcher.wait(30)
V={"base":BASE,"cts10":BASE+" -XX:CompileThresholdScaling=10","cts3":BASE+" -XX:CompileThresholdScaling=3"}
for k,v in V.items(): run3(k,v,28330,101)
for r in range(3):
    for k,v in (list(V.items()) if r%2==0 else list(V.items())[::-1]):
        print(r,k,run3(k,v,28330,2000),f"load {os.getloadavg()[0]:.1f}",flush=True)
