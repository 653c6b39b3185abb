#!/usr/bin/env python3
"""The JVM's floor with a worker's module options, with and without an AOT cache made with the same options:
CPU of a Hello (java -cp JAR Hello) with the interpreted workers' flags, 9 interleaved starts per variant.
Usage: floor2.py JAR   (JAR holds Hello.class, compiled from ../../issue13-final/probes/Hello.java: a jar, because an
AOT cache refuses a non-empty directory on the class path; JAVA_HOME set)"""
import os, random, resource, subprocess, sys, tempfile
JAVA = os.path.join(os.environ["JAVA_HOME"], "bin", "java")
CP = ["-cp", sys.argv[1], "Hello"]
XI = ("-Xint -XX:+UseSerialGC -Xmx16m -Xmn1m -Xss256k -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
      " -XX:-UsePerfData").split()
AE = ["--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"]
IL = ["--illegal-native-access=allow"]
EN = ["--enable-native-access=ALL-UNNAMED"]
BASE = {"plain": XI, "AE+IL": XI + AE + IL, "AE+EN": XI + AE + EN, "AE": XI + AE}
caches = tempfile.mkdtemp(prefix="floor2-")
V = dict(BASE)
for name, options in BASE.items():
    cache = os.path.join(caches, name.replace("+", "-") + ".aot")
    # The cache is made by a training run with the very options it is later used with.
    subprocess.run([JAVA, *options, "-XX:AOTCacheOutput=" + cache, "-Xlog:aot=error", "-Xlog:cds=error", *CP],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    V[name + " aot"] = options + ["-XX:AOTCache=" + cache]
R = {k: [] for k in V}
for i in range(9):
    keys = list(V)
    random.shuffle(keys)
    for k in keys:
        b = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([JAVA, *V[k], *CP], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        a = resource.getrusage(resource.RUSAGE_CHILDREN)
        R[k].append(round((a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime) * 1000))
for k, v in R.items():
    v.sort()
    print(f"{k:12s} median {v[len(v) // 2]:4d}  {v}")
for f in os.listdir(caches):
    os.remove(os.path.join(caches, f))
os.rmdir(caches)
