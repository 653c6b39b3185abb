import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/** holders + normal clients like bench holders-20; per-request timestamps of the normal clients. */
public class Probe {
    static final byte[] REQ = "prefork-bench 0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
    static volatile boolean stop;

    static void readFully(InputStream in, byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) throw new EOFException();
            off += n;
        }
    }

    static void rst(Socket s) {
        try { s.setSoLinger(true, 0); s.close(); } catch (IOException e) { }
    }

    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        int holders = Integer.parseInt(a[1]);
        int normals = Integer.parseInt(a[2]);
        long holdMs = Long.parseLong(a[3]);
        double warm = Double.parseDouble(a[4]);
        double measure = Double.parseDouble(a[5]);
        String out = a[6];
        InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
        List<Thread> threads = new ArrayList<>();
        AtomicLong holderDone = new AtomicLong();
        for (int i = 0; i < holders; i++) {
            Thread t = new Thread(() -> {
                byte[] r = new byte[REQ.length];
                while (!stop) {
                    Socket s = new Socket();
                    try {
                        s.setTcpNoDelay(true);
                        s.connect(addr, 5000);
                        s.setSoTimeout(5000);
                        if (holdMs < 0) {
                            s.setSoTimeout(100);
                            while (!stop) {
                                try {
                                    if (s.getInputStream().read() < 0) break;
                                } catch (SocketTimeoutException e) {
                                    // still silent
                                }
                            }
                            holderDone.incrementAndGet();
                            continue;
                        }
                        s.getOutputStream().write(REQ);
                        Thread.sleep(holdMs);
                        readFully(s.getInputStream(), r);
                        holderDone.incrementAndGet();
                    } catch (Exception e) {
                        System.err.println("holder: " + e);
                    } finally { rst(s); }
                }
            }, "holder-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        long start = System.nanoTime();
        long measureFrom = start + (long) (warm * 1e9);
        long measureTo = measureFrom + (long) (measure * 1e9);
        ConcurrentLinkedQueue<String> records = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        for (int i = 0; i < normals; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                byte[] r = new byte[REQ.length];
                while (System.nanoTime() < measureTo) {
                    long t0 = System.nanoTime(), t1 = 0, t2 = 0, t3 = 0;
                    int lp = -1;
                    Socket s = new Socket();
                    try {
                        s.setTcpNoDelay(true);
                        s.connect(addr, 5000);
                        t1 = System.nanoTime();
                        lp = s.getLocalPort();
                        s.setSoTimeout(5000);
                        s.getOutputStream().write(REQ);
                        t2 = System.nanoTime();
                        readFully(s.getInputStream(), r);
                        t3 = System.nanoTime();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        System.err.println("normal: " + e);
                    } finally { rst(s); }
                    long t4 = System.nanoTime();
                    if (t0 >= measureFrom && t3 > 0) {
                        records.add(t0 + " " + t1 + " " + t2 + " " + t3 + " " + t4 + " " + lp + " " + id);
                    }
                }
            }, "normal-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            if (t.getName().startsWith("normal")) t.join();
        }
        stop = true;
        try (PrintWriter w = new PrintWriter(out)) {
            for (String r : records) w.println(r);
        }
        long[] lat = records.stream().mapToLong(s -> { String[] f = s.split(" "); return (Long.parseLong(f[3]) - Long.parseLong(f[0])) / 1000; }).sorted().toArray();
        System.out.printf("normal requests %d, errors %d, holders done %d, p50 %d µs p90 %d p99 %d max %d µs, %.0f req/s%n", lat.length, errors.get(), holderDone.get(),
                lat[lat.length / 2], lat[(int) (lat.length * 0.9)], lat[(int) Math.ceil(lat.length * 0.99) - 1], lat[lat.length - 1], lat.length / measure);
    }
}
