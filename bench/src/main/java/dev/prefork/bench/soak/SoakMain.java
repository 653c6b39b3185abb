package dev.prefork.bench.soak;

import dev.prefork.bench.BenchEnv;
import dev.prefork.bench.server.PreforkTarget;
import dev.prefork.bench.server.ProcessCleaner;
import dev.prefork.bench.server.RunningServer;
import dev.prefork.bench.server.ServerSpec;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/soak}: the standalone engine with a recycling pool (default 4 workers, {@code max_requests
 * 200}) under paced connection-per-request and keep-alive clients for {@code --minutes}; samples the process
 * tree every {@code --sample-seconds}; writes samples.csv, failures.csv, plots and README.md to {@code --out}.
 * Exits 1 when a request failed or a role drifted, so that it can gate a release by hand.
 */
public final class SoakMain {

    private SoakMain() {
    }

    public static void main(String[] args) throws Exception {
        SoakOptions o = SoakOptions.parse(args);
        BenchEnv env = new BenchEnv(o.repo(), Path.of(System.getProperty("java.home")), o.repo().resolve("bench/target/work"));
        env.check();
        Path logDir = env.workDir().resolve("logs");
        Files.createDirectories(logDir);
        Files.createDirectories(o.out());
        boolean clean;
        try {
            clean = run(o, env, logDir);
        } finally {
            ProcessCleaner.stopAll();
        }
        System.exit(clean ? 0 : 1);
    }

    private static boolean run(SoakOptions o, BenchEnv env, Path logDir) throws Exception {
        PreforkTarget target = PreforkTarget.variant(env, "soak", o.settings());
        String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        try (RunningServer server = target.start(new ServerSpec(o.port(), o.workers(), o.maxRequests()), logDir)) {
            progress("pool up (pid " + server.rootPid() + "); soaking " + o.minutes() + " min; log in " + logDir);
            FailureLog failures = new FailureLog();
            long start = System.nanoTime();
            long deadline = start + TimeUnit.MINUTES.toNanos(o.minutes());
            List<PacedClient> clients = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < o.connClients() + o.keepAliveClients(); i++) {
                boolean keepAlive = i >= o.connClients();
                PacedClient client = new PacedClient(i, o.port(), keepAlive, keepAlive ? o.keepAliveRate() : o.connRate(), deadline, failures);
                clients.add(client);
                Thread thread = new Thread(client, "soak-client-" + i);
                thread.setDaemon(true);
                threads.add(thread);
            }
            threads.forEach(Thread::start);
            TreeSampler sampler = new TreeSampler(server);
            List<RoleSample> samples = new ArrayList<>();
            try (BufferedWriter csv = Files.newBufferedWriter(o.out().resolve("samples.csv"))) {
                csv.write(RoleSample.csvHeader());
                csv.newLine();
                long nextSample = start;
                while (nextSample < deadline && server.isAlive()) {
                    long wait = nextSample - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    long secondsIn = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
                    for (RoleSample sample : sampler.sample(secondsIn)) {
                        samples.add(sample);
                        csv.write(sample.csv());
                        csv.newLine();
                    }
                    csv.flush();
                    if (secondsIn % 60 < o.sampleSeconds()) {
                        progress(secondsIn + " s: " + clients.stream().mapToLong(c -> c.successes.get()).sum()
                                + " requests answered, " + failures.total() + " failed; load " + Files.readString(Path.of("/proc/loadavg")).trim());
                    }
                    nextSample += TimeUnit.SECONDS.toNanos(o.sampleSeconds());
                }
            }
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(15)); // at most one 5-s connect plus one 5-s read past the deadline
            }
            long answered = clients.stream().mapToLong(c -> c.successes.get()).sum();
            String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
            SoakReport report = new SoakReport(o, startedAt, loadBefore, loadAfter, answered, failures, samples, server.isAlive());
            report.write(o.out());
            progress(report.verdict() + "; written to " + o.out());
            return report.clean();
        }
    }

    static void progress(String line) {
        System.out.println("[soak " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
    }

    /** Command-line options; every one has a default that reproduces the committed run. */
    record SoakOptions(Path repo, Path out, int port, int minutes, int sampleSeconds, int workers, int maxRequests,
                       int connClients, double connRate, int keepAliveClients, double keepAliveRate, Map<String, String> settings) {

        static SoakOptions parse(String[] args) {
            Path repo = Path.of(".");
            Path out = null;
            int port = 21290;
            int minutes = 10;
            int sampleSeconds = 5;
            int workers = 4;
            int maxRequests = 200;
            int connClients = 4;
            double connRate = 25;
            int keepAliveClients = 4;
            double keepAliveRate = 20;
            Map<String, String> settings = new java.util.LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--repo" -> repo = Path.of(value);
                    case "--out" -> out = Path.of(value);
                    case "--port" -> port = Integer.parseInt(value);
                    case "--minutes" -> minutes = Integer.parseInt(value);
                    case "--sample-seconds" -> sampleSeconds = Integer.parseInt(value);
                    case "--workers" -> workers = Integer.parseInt(value);
                    case "--max-requests" -> maxRequests = Integer.parseInt(value);
                    case "--conn-clients" -> connClients = Integer.parseInt(value);
                    case "--conn-rate" -> connRate = Double.parseDouble(value);
                    case "--keepalive-clients" -> keepAliveClients = Integer.parseInt(value);
                    case "--keepalive-rate" -> keepAliveRate = Double.parseDouble(value);
                    case "--setting" -> { // another engine setting, key=value (e.g. launcher_jvm_options= for the JVM's defaults)
                        int eq = value == null ? -1 : value.indexOf('=');
                        if (eq < 1) {
                            throw new IllegalArgumentException("--setting takes key=value, got " + value);
                        }
                        settings.put(value.substring(0, eq), value.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see bench/soak --help");
                }
                i++;
            }
            if (minutes < 1 || sampleSeconds < 1 || workers < 1 || connClients + keepAliveClients < 1 || connRate <= 0 || keepAliveRate <= 0) {
                throw new IllegalArgumentException("--minutes, --sample-seconds, --workers and the rates must be positive, and there must be a client");
            }
            return new SoakOptions(repo, out != null ? out : repo.resolve("docs/benchmarks/soak"), port, minutes, sampleSeconds, workers,
                    maxRequests, connClients, connRate, keepAliveClients, keepAliveRate, Map.copyOf(settings));
        }
    }
}
