"""Turns bench/run's per-round log lines into a CSV when a run ended before writing its report:
   python3 fromlog.py LOG > measurements-from-log.csv (the columns ratios.py reads)."""
import re, sys, statistics
pat = re.compile(r"\[bench (\S+)\] (\S+) round (\d+) (.+?)\s+(\d+) ok, errors (\S+), (\d+) req/s, p50 (\d+) µs, p90 (\d+) µs, p99 (\d+) µs, max (\d+) µs, server CPU ([\d.]+) µs/req (\{[^}]*\})")
rows = []
for line in open(sys.argv[1]):
    m = pat.search(line)
    if m:
        rows.append(dict(time=m[1], scenario=m[2], round=int(m[3]), contender=m[4].strip(), ok=int(m[5]), errors=m[6], rps=float(m[7]), p99=int(m[10]), cpu=float(m[12]), roles=m[13]))
print("scenario,contender,round,requests,errors,req_per_s,cpu_us_per_req,p99_us,roles,time")
for r in rows:
    print(f'{r["scenario"]},{r["contender"]},{r["round"]},{r["ok"]},{r["errors"]},{r["rps"]},{r["cpu"]},{r["p99"]},"{r["roles"]}",{r["time"]}')
