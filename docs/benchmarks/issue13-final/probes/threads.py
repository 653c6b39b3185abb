import os,sys,collections,re
pid=sys.argv[1]; agg=collections.Counter()
for t in os.listdir(f"/proc/{pid}/task"):
    try:
        s=open(f"/proc/{pid}/task/{t}/stat").read(); name=s[s.index("(")+1:s.rindex(")")]; f=s.rsplit(")",1)[1].split()
        agg[re.sub(r"\d+","N",name)]+=int(f[11])+int(f[12])
    except OSError: pass
for k,v in agg.most_common(15): print(f"{v*10:6d} ms  {k}")
