"""Per-round ratios of every contender to one (default net-server) from a harness measurements.csv:
   python3 ratios.py run-engine/measurements.csv [REFERENCE]. Each round measures all contenders, so the
   ratio within a round is what the noisy machine leaves comparable."""
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1])))
ref = sys.argv[2] if len(sys.argv) > 2 else "net-server"
for sc in dict.fromkeys(r["scenario"] for r in rows):
    rs = [r for r in rows if r["scenario"] == sc]
    base = {r["round"]: r for r in rs if r["contender"] == ref}
    print(f"## {sc} (ratios to {ref}, per round; median)")
    for c in dict.fromkeys(r["contender"] for r in rs):
        if c == ref: continue
        rr = [r for r in rs if r["contender"] == c and r["round"] in base]
        tp = [float(r["req_per_s"]) / float(base[r["round"]]["req_per_s"]) for r in rr]
        cpu = [float(r["cpu_us_per_req"]) / float(base[r["round"]]["cpu_us_per_req"]) for r in rr]
        print(f"{c:32s} req/s x {' '.join(f'{x:.2f}' for x in tp)} (median {statistics.median(tp):.2f}); CPU/req x {' '.join(f'{x:.2f}' for x in cpu)} (median {statistics.median(cpu):.2f}); own CPU/req {' '.join(r['cpu_us_per_req'] for r in rr)}")
