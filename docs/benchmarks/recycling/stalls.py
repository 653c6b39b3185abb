#!/usr/bin/env python3
"""Stalls in a cgroup-probe.sh status-samples.txt: spans in which the accepted count stood still while
clients waited in the listen queue, with the scoreboards seen and, per worker, the CPU it got (run) and
the time it spent runnable but waiting for a CPU (wait) during the span, in ms, from /proc/PID/task/*/schedstat,
and (when sampled) which worker held the accept lock and which waited for it.
A worker that waits for the accept turn needs no CPU; one starved of CPU shows wait growing, run not.

    stalls.py status-samples.txt [min_seconds]
"""
import re
import sys
from datetime import datetime


def parse(path):
    samples = []
    for line in open(path):
        m = re.match(r"(\d\d:\d\d:\d\d\.\d+) accepted connections: (\d+)\|listen queue:\s+(\d+)\|"
                     r"starting workers:\s+(\d+)\|scoreboard:\s+(\S+)\|\s+(\S+) .*?\| (\d+) (\d+) \| (.*)", line)
        if not m:
            continue
        workers = {}
        rest = m.group(9).split("|")
        locks = rest[1].split() if len(rest) > 1 else []
        for w in rest[0].split():
            pid, times = w.split(":")
            run, wait = times.split("/")
            workers[pid] = (int(run), int(wait))
        samples.append(dict(t=datetime.strptime(m.group(1), "%H:%M:%S.%f"), clock=m.group(1),
                            accepted=int(m.group(2)), queue=int(m.group(3)), board=m.group(5),
                            load=m.group(6), workers=workers, locks=locks))
    return samples


def main():
    samples = parse(sys.argv[1])
    minimum = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    total = 0.0
    i = 0
    while i < len(samples) - 1:
        a = samples[i]
        j = i
        while j + 1 < len(samples) and samples[j + 1]["accepted"] == a["accepted"]:
            j += 1
        if j > i and a["queue"] > 0 and a["accepted"] > 0:
            end = samples[min(j + 1, len(samples) - 1)]
            seconds = (end["t"] - a["t"]).total_seconds()
            total += seconds
            if seconds >= minimum:
                boards = " ".join(dict.fromkeys(s["board"] for s in samples[i:j + 1]))
                cpu = []
                for pid, (run, wait) in samples[j]["workers"].items():
                    if pid in a["workers"]:
                        r0, w0 = a["workers"][pid]
                        cpu.append(f"{pid}:+{run - r0}/+{wait - w0}")
                locks = " ".join(dict.fromkeys(" ".join(s["locks"]) for s in samples[i:j + 1] if s["locks"]))
                print(f"{a['clock']} {seconds:5.1f} s still at {a['accepted']} (queue {a['queue']}, load {a['load']}):"
                      f" {boards} | run/wait ms {' '.join(cpu)}" + (f" | lock holder ->waiters: {locks}" if locks else ""))
        i = j + 1 if j > i else i + 1
    print(f"{len(samples)} samples, {total:.1f} s in all with the accepted count still and clients queued")


main()
