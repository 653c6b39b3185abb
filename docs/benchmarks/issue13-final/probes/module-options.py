exec(open("/tmp/p9/cpu.py").read().split("for name,cmd")[0])
H="/tmp/p9/h"
V=[("xint cp",[J,*XI,"-cp",H,"Hello"]),
 ("xint ina",[J,*XI,"--illegal-native-access=allow","-cp",H,"Hello"]),
 ("xint ina+ae",[J,*XI,"--illegal-native-access=allow","--add-exports=java.base/sun.nio.ch=ALL-UNNAMED","-cp",H,"Hello"]),
 ("xint jar",[J,*XI,"-jar",H+"/hello.jar"]),
 ("xint jar-ae",[J,*XI,"-jar",H+"/hello-ae.jar"]),
]
import random
res={n:[] for n,_ in V}
for r in range(8):
    for n,c in V: res[n]+=cpu(c,1)
for n,_ in V: print(n,sorted(res[n]))
