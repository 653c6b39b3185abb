import sys, glob, bisect, collections
d = sys.argv[1]
ev = collections.defaultdict(list)  # key port -> list of (t, event, thread, file)
for f in glob.glob(d + '/trace-*.txt'):
    pid = f.split('-')[-1][:-4]
    for line in open(f):
        p = line.split()
        if len(p) < 3: continue
        t = int(p[0]); e = p[1]; key = p[2]
        port = key.rsplit(':', 1)[-1]
        ev[port].append((t, e, p[3] if len(p) > 3 else '', pid))
for k in ev: ev[k].sort()
gc = []
for line in open(d + '/gc.log'):
    if 'Safepoint' in line:
        t = int(line[1:line.index('ns]')])
        tot = int(line.split('Total: ')[1].split(' ')[0])
        gc.append((t - tot, t, line.split('"')[1]))
recs = []
for line in open(d + '/client.txt'):
    t0, t1, t2, t3, t4, lp, cid = line.split()
    t0, t1, t2, t3, t4 = map(int, (t0, t1, t2, t3, t4))
    es = [x for x in ev.get(lp, []) if t0 - 1000000 <= x[0] <= t4 + 1000000]
    m = {}
    for t, e, th, pid in es:
        m.setdefault(e, (t, th, pid))
    recs.append((t3 - t0, t0, t1, t2, t3, t4, lp, m))
recs.sort(key=lambda r: r[0])
n = len(recs)
SEG = [('connect', 't0', 't1'), ('backlog->wacc', 't1', 'wacc'), ('wacc->wpass', 'wacc', 'wpass'), ('wpass->recv', 'wpass', 'recv'),
       ('recv->released', 'recv', 'released'), ('released->peek', 'released', 'peek'), ('peek->exec', 'peek', 'exec'),
       ('polled', 'peek', 'polled'), ('exec->hstart', 'exec', 'hstart'), ('hstart->reply', 'hstart', 't3')]
def tv(r, name):
    _, t0, t1, t2, t3, t4, lp, m = r
    if name in ('t0', 't1', 't2', 't3', 't4'):
        return {'t0': t0, 't1': t1, 't2': t2, 't3': t3, 't4': t4}[name]
    if name == 'peek':
        for k in ('peek1', 'peek-1', 'peek0'):
            if k in m: return m[k][0]
        return None
    return m[name][0] if name in m else None
def segs(r):
    out = {}
    for s, a, b in SEG:
        x, y = tv(r, a), tv(r, b)
        if s == 'polled' and x is not None and y is not None:
            out[s] = y - x
        elif s == 'peek->exec' and tv(r, 'polled') is not None:
            out[s] = tv(r, 'exec') - tv(r, 'polled')
        elif x is not None and y is not None and s != 'polled':
            out[s] = y - x
    return out
matched = sum(1 for r in recs if 'hstart' in r[7] and 'wacc' in r[7])
print('requests', n, 'matched fully', matched, 'polled', sum(1 for r in recs if 'polled' in r[7]))
def pct(v, q): return v[min(len(v) - 1, int(q * len(v)))]
allseg = collections.defaultdict(list)
for r in recs:
    for s, v in segs(r).items(): allseg[s].append(v)
print('%-16s %8s %8s %8s %8s   (µs)' % ('segment', 'p50', 'p90', 'p99', 'max'))
for s, _, _ in SEG:
    v = sorted(allseg[s])
    if v: print('%-16s %8d %8d %8d %8d' % (s, pct(v, .5) / 1000, pct(v, .9) / 1000, pct(v, .99) / 1000, v[-1] / 1000))
tot = sorted(r[0] for r in recs)
print('total p50 %d p90 %d p99 %d max %d' % (pct(tot, .5) / 1000, pct(tot, .9) / 1000, pct(tot, .99) / 1000, tot[-1] / 1000))
slow = recs[int(0.99 * n):]
print('\nslowest 1%%: %d requests; mean µs per segment, and the dominant segment' % len(slow))
dom = collections.Counter(); sums = collections.defaultdict(int)
ingc = 0
for r in slow:
    sg = segs(r)
    for k, v in sg.items(): sums[k] += v
    if sg: dom[max(sg, key=sg.get)] += 1
    if any(a < r[4] and b > r[1] for a, b, _ in gc): ingc += 1
for s, _, _ in SEG:
    if s in sums: print('  %-16s %8d' % (s, sums[s] / len(slow) / 1000))
print('  dominant:', dict(dom))
print('  overlapping a safepoint:', ingc, 'of', len(slow), '; all requests overlapping one:', sum(1 for r in recs if any(a < r[4] and b > r[1] for a, b, _ in gc)))
print('\n20 slowest:')
for r in recs[-20:]:
    sg = segs(r)
    print('%7d µs port %s ' % (r[0] / 1000, r[6]) + ' '.join('%s=%d' % (k, v / 1000) for k, v in sg.items()) + ' wt=%s ht=%s' % (r[7].get('wacc', ('', '', '?'))[2], r[7].get('hstart', ('', '?'))[1]))

print('\npolled requests: client write done (t2) -> polled, and t1 -> t2 (client connect->write)')
pw = sorted((r[7]['polled'][0] - r[3]) for r in recs if 'polled' in r[7])
cw = sorted((r[3] - r[2]) for r in recs if 'polled' in r[7])
if pw:
    print('  t2->polled p50 %d p90 %d p99 %d max %d µs' % (pct(pw,.5)/1000, pct(pw,.9)/1000, pct(pw,.99)/1000, pw[-1]/1000))
    print('  t1->t2     p50 %d p90 %d p99 %d max %d µs' % (pct(cw,.5)/1000, pct(cw,.9)/1000, pct(cw,.99)/1000, cw[-1]/1000))
he = sorted((r[4] - r[7]['hend'][0]) for r in recs if 'hend' in r[7])
hs = sorted((r[7]['hend'][0] - r[7]['hstart'][0]) for r in recs if 'hend' in r[7])
print('hstart->hend p50 %d p99 %d; hend->t3(reply seen) p50 %d p99 %d (hend after the client closed: negative means reply before hend)' % (pct(hs,.5)/1000, pct(hs,.99)/1000, pct(he,.5)/1000, pct(he,.99)/1000))
