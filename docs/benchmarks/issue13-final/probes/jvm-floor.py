import os,subprocess,sys,resource
def cpu(cmd,n=7):
    r=[]
    for i in range(n):
        b=resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
        a=resource.getrusage(resource.RUSAGE_CHILDREN)
        r.append(round((a.ru_utime-b.ru_utime+a.ru_stime-b.ru_stime)*1000))
    return sorted(r)
J="/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
MEM="-XX:+UseSerialGC -Xmx16m -Xmn1m -Xss256k".split()
PROC="-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -XX:-UsePerfData -XX:TrimNativeHeapInterval=1000".split()
C1=["-XX:TieredStopAtLevel=1"]+MEM+"-XX:CICompilerCount=1 -XX:CompileThresholdScaling=3 -XX:ReservedCodeCacheSize=16m".split()+PROC
XI=["-Xint"]+MEM+PROC
for name,cmd in [("version default",[J,"-version"]),("hello default",[J,"-cp","/tmp/p9/h","Hello"]),
  ("hello xint",[J,*XI,"-cp","/tmp/p9/h","Hello"]),("hello c1",[J,*C1,"-cp","/tmp/p9/h","Hello"]),
  ("hello xint addexports",[J,*XI,"--add-exports","java.base/sun.nio.ch=ALL-UNNAMED","-cp","/tmp/p9/h","Hello"]),
  ("hello xint Xshare:off",[J,*XI,"-Xshare:off","-cp","/tmp/p9/h","Hello"])]:
    print(name,cpu(cmd),flush=True)
