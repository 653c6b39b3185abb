package dev.prefork.bench;

import dev.prefork.bench.load.LoadSpec;
import dev.prefork.bench.load.Mode;
import dev.prefork.bench.report.BenchResults;
import dev.prefork.bench.report.MarkdownReport;
import dev.prefork.bench.report.RecyclingLabels;
import dev.prefork.bench.report.ReplacementTargets;
import dev.prefork.bench.scenario.Contender;
import dev.prefork.bench.scenario.PerfProfile;
import dev.prefork.bench.scenario.StartupScenario;
import dev.prefork.bench.scenario.ThroughputScenario;
import dev.prefork.bench.scenario.WorkerArchives;
import dev.prefork.bench.server.DirectJavaTarget;
import dev.prefork.bench.server.PerlPreforkTarget;
import dev.prefork.bench.server.PreforkTarget;
import dev.prefork.bench.server.ProcessCleaner;
import dev.prefork.bench.server.ServerSpec;
import dev.prefork.bench.server.Target;
import dev.prefork.bench.server.WildFlyTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs every benchmark scenario and writes the report: {@code bench/run} (see there for options).
 * Scenarios: connection-per-request with RST and FIN close, keep-alive, slow (holding) clients, recycling
 * with worker start-up variants, and pool start-up; each compares servers interleaved in one run.
 */
public final class BenchMain {
    /** Net::Server::PreForkSimple's default max_requests; the engine's own default is read from its build. */
    private static final int NET_SERVER_MAX_REQUESTS = 1000;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Consumer<String> progress = line -> System.out.println("[bench " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
        BenchEnv env = new BenchEnv(o.repo, Path.of(System.getProperty("java.home")), o.repo.resolve("bench/target/work"));
        env.check();
        Path logDir = env.workDir().resolve("logs");
        Files.createDirectories(logDir);
        progress.accept("logs of every server started: " + logDir);
        String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            run(o, env, logDir, progress, startedAt);
        } finally {
            ProcessCleaner.stopAll();
        }
    }

    private static void run(Options o, BenchEnv env, Path logDir, Consumer<String> progress, String startedAt) throws Exception {
        Target direct = new DirectJavaTarget(env);
        Target perl = new PerlPreforkTarget(env);
        PreforkTarget prefork = PreforkTarget.standard(env);
        // The engine as a JDK 17 application server runs it: every byte relayed through the worker.
        PreforkTarget relay = PreforkTarget.variant(env, "prefork-relay", Map.of("handoff", "relay"));
        WildFlyTarget wildfly = o.wildflyCheckout == null ? null
                : new WildFlyTarget(env, o.wildflyCheckout, o.wildflyCommand);
        WildFlyTarget embedded = o.wildflyCheckout == null || o.noEmbedded
                || !java.nio.file.Files.isExecutable(o.wildflyCheckout.resolve("bin/sample-embedded")) ? null
                : new WildFlyTarget(env, o.wildflyCheckout, o.embeddedCommand, "embedded-mdb");
        // The same sample on the other application servers (--app-servers), each through bin/sample SERVER.
        Path sampleCheckout = o.wildflyCheckout != null ? o.wildflyCheckout : o.repo;
        Map<String, Target> otherServers = new LinkedHashMap<>();
        for (String server : List.of("glassfish", "liberty")) {
            if (o.appServers.contains(server)) {
                otherServers.put(server + "-mdb", new WildFlyTarget(env, sampleCheckout, WildFlyTarget.sampleCommand(server),
                        server + "-mdb"));
            }
        }
        List<String> notes = new ArrayList<>();
        otherServers.forEach((label, target) -> notes.add("`" + label + "` is the same echo MDB in " + label.replace("-mdb", "")
                + " through `" + WildFlyTarget.sampleCommand(label.replace("-mdb", "")) + "`, in a PID namespace of its own so"
                + " that the server the admin tool starts in the background counts as part of its process tree."));
        if (embedded != null) {
            notes.add("`embedded-mdb` is the same echo MDB class without an application server: Weld SE through `"
                    + o.embeddedCommand + "` (placeholders filled per scenario); its process tree also holds the"
                    + " calculator pool, cut to one idle worker.");
        }
        if (wildfly == null) {
            notes.add("The full MDB path (`wildfly-mdb`) was not part of this run (`--no-wildfly`, or no `bin/sample` in the"
                    + " checkout; `--wildfly-checkout DIR` names another checkout with the resource adapter and its sample EAR).");
        } else {
            notes.add("`wildfly-mdb` is the sample EAR's echo MDB in WildFly 39 (JDK of the run), started from "
                    + (o.wildflyCheckout.equals(o.repo) ? "this checkout" : o.wildflyCheckout.toString()) + " with `"
                    + o.wildflyCommand + "` (placeholders filled per scenario); its process tree also holds the sample's"
                    + " calculator pool, cut to one idle worker.");
        }
        notes.add("The engine runs as `java -cp connector-impl/target/classes:connector-api/target/classes"
                + " dev.prefork.standalone.StandaloneMain --handler echo ...` (what `java -jar prefork.jar` runs), with its default"
                + " settings but for port, max_servers, max_requests and listen 1024 (Net::Server gets the same listen backlog).");

        // Worker start-up variants: the engine's defaults (its own archive: from JDK 25 an AOT cache it makes
        // itself, which the harness once made by hand as a variant of its own), no archive, and leaner flags on top.
        String defaults = env.engineDefaultWorkerOptions();
        String interpreted = env.engineInterpretedWorkerOptions();
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        variants.put("prefork", Map.of());
        variants.put("prefork no-cds", Map.of("worker_cds", "false"));
        variants.put("prefork lean", Map.of("worker_jvm_options", defaults + " " + LEAN_EXTRA));
        // Interpreted relaying workers, primed and measured in relay-replacement.
        PreforkTarget relayXint = PreforkTarget.variant(env, "prefork-relay xint",
                Map.of("handoff", "relay", "worker_jvm_options", interpreted));
        // Every archive the selected sections' pools start from, made before anything is measured: a pool that never
        // recycles (max_requests 100000 or 0) has no worker exit to train one during a run, and a pool that does
        // would otherwise pay for the training in its first measured round.
        WorkerArchives archives = archives(o, env, logDir, progress);
        archives.prime(PreforkTarget.standard(env));
        if (o.sections.contains("recycling") || o.sections.contains("startup")) {
            archives.prime(PreforkTarget.variant(env, "prefork lean", variants.get("prefork lean")));
        }
        if (o.sections.contains("replacement") || o.sections.contains("memory")) {
            // Interpreted workers, and workers that send their sockets by SCM_RIGHTS (FFM linked at start), have other
            // options, so archives of their own.
            archives.prime(PreforkTarget.variant(env, "prefork xint", Map.of("worker_jvm_options", interpreted)));
            archives.prime(PreforkTarget.variant(env, "prefork transfer-message", Map.of("descriptor_transfer", "message")));
        }
        if (Stream.of("relay-replacement", "conn", "keepalive", "hold").anyMatch(o.sections::contains)) {
            // Relaying workers take no descriptor and so have options, and archives, of their own.
            archives.prime(relay);
        }
        if (o.sections.contains("relay-replacement")) {
            archives.prime(relayXint);
        }
        if (o.sections.contains("memory")) {
            archives.prime(PreforkTarget.variant(env, "prefork worker-young-unsized",
                    Map.of("worker_jvm_options", defaults.replace("-Xmn1m ", ""))));
        }
        Map<String, String> variantText = new LinkedHashMap<>();
        variants.forEach((label, settings) -> variantText.put(label, settings.isEmpty() ? "engine defaults (worker_jvm_options "
                + defaults + ", worker_cds true)" : settings.toString()));

        // Each server runs with its own default max_requests (the engine's may differ from Net::Server's 1000).
        final int engineMaxRequests = Integer.parseInt(env.engineDefault("max_requests"));
        notes.add("max_requests: every server keeps its own default unless a table says otherwise: the engine's is "
                + engineMaxRequests + " (with its default max_requests_jitter), Net::Server's " + NET_SERVER_MAX_REQUESTS + ".");
        List<ThroughputScenario.Result> results = new ArrayList<>();
        Map<String, String> profileFiles = new LinkedHashMap<>();
        Duration seconds = Duration.ofMillis((long) (o.seconds * 1000));
        Duration warmup = Duration.ofMillis((long) (o.warmup * 1000));
        int port = o.basePort;

        if (o.sections.contains("conn")) {
            List<Contender> cs = sideBySide(direct, prefork, relay, perl, wildfly, embedded, otherServers, port, 8, engineMaxRequests);
            cs.add(2, unsizedLauncher(env, port, 8, engineMaxRequests));
            results.add(new ThroughputScenario("conn-rst", "a new connection per request, closed with RST" + SETTLED,
                    LoadSpec.of(port, Mode.CONN, o.clients, seconds, true), cs, o.rounds, warmup).withSettle(SETTLE)
                    .run(logDir, progress, null));
            if (o.sections.contains("fin")) {
                results.add(new ThroughputScenario("conn-fin", "a new connection per request, closed with FIN (client TIME_WAIT caps the rate)",
                        LoadSpec.of(port, Mode.CONN, o.clients, seconds, false), cs, o.rounds, warmup).run(logDir, progress, null));
            }
        }
        if (o.sections.contains("keepalive")) {
            List<Contender> cs = sideBySide(direct, prefork, relay, perl, wildfly, embedded, otherServers, port, o.clients, engineMaxRequests);
            cs.add(2, unsizedLauncher(env, port, o.clients, engineMaxRequests));
            results.add(new ThroughputScenario("keepalive", "request/response on one connection per client, as many workers as clients"
                    + SETTLED, LoadSpec.of(port, Mode.KEEPALIVE, o.clients, seconds, true), cs, o.rounds, warmup).withSettle(SETTLE)
                    .run(logDir, progress, null));
        }
        if (o.sections.contains("hold")) {
            List<Contender> cs = sideBySide(direct, prefork, relay, perl, wildfly, embedded, otherServers, port, 8, engineMaxRequests);
            // Slow clients tie up workers: 6 clients hold their connection 200 ms before reading while 8
            // clients make ordinary requests (keep-alive would pin workers; a new connection each time
            // shows what a slow client does to everyone else's latency).
            LoadSpec measured = LoadSpec.of(port, Mode.CONN, 8, seconds, true);
            LoadSpec slow = LoadSpec.of(port, Mode.HOLD, 6, seconds, true).withHold(Duration.ofMillis(200));
            results.add(new ThroughputScenario("hold", "8 ordinary clients (conn, RST) beside 6 slow clients that hold a connection 200 ms before reading, 8 workers; figures are the ordinary clients'",
                    measured, cs, o.rounds, warmup).withBackground(slow).run(logDir, progress, null));
            // Issue 10's two rows: 200 connections that say nothing beside one normal client, and 20 clients
            // that hold their connection 2 s (send, wait, read) beside 4 normal clients; 8 workers, defaults.
            LoadSpec silent = LoadSpec.of(port, Mode.SILENT, 200, seconds, true);
            results.add(new ThroughputScenario("silent-200", "1 ordinary client (conn, RST) beside 200 connections that send nothing, 8 workers, default settings; figures are the ordinary client's"
                    + SETTLED, LoadSpec.of(port, Mode.CONN, 1, seconds, true), cs, o.rounds, warmup).withBackground(silent)
                    .withSettle(SETTLE).run(logDir, progress, null));
            LoadSpec holders = LoadSpec.of(port, Mode.HOLD, 20, seconds, true).withHold(Duration.ofSeconds(2));
            results.add(new ThroughputScenario("holders-20", "4 ordinary clients (conn, RST) beside 20 clients that hold a connection 2 s before reading, 8 workers, default settings; figures are the ordinary clients'"
                    + SETTLED, LoadSpec.of(port, Mode.CONN, 4, seconds, true), cs, o.rounds, warmup).withBackground(holders)
                    .withSettle(SETTLE).run(logDir, progress, null));
        }
        if (o.sections.contains("recycling")) {
            List<Contender> cs = List.of(
                    new Contender(defaultMark(RecyclingLabels.of(1000, ""), 1000, engineMaxRequests), prefork, new ServerSpec(port, 8, 1000)),
                    new Contender(defaultMark(RecyclingLabels.of(10000, ""), 10000, engineMaxRequests), prefork, new ServerSpec(port + 1, 8, 10000)),
                    new Contender(defaultMark(RecyclingLabels.of(100000, ""), 100000, engineMaxRequests), prefork, new ServerSpec(port + 9, 8, 100000)),
                    new Contender(RecyclingLabels.UNLIMITED, prefork, new ServerSpec(port + 2, 8, 0)),
                    new Contender(RecyclingLabels.of(1000, "no-cds"), variant(env, variants, "prefork no-cds"), new ServerSpec(port + 3, 8, 1000)),
                    // max_requests_jitter: the engine's default (half of max_requests), none, and half.
                    new Contender(RecyclingLabels.of(1000, "jitter=0"), PreforkTarget.variant(env, "prefork jitter=0",
                            Map.of("max_requests_jitter", "0")), new ServerSpec(port + 5, 8, 1000)),
                    new Contender(RecyclingLabels.of(1000, "jitter=500"), PreforkTarget.variant(env, "prefork jitter=500",
                            Map.of("max_requests_jitter", "500")), new ServerSpec(port + 8, 8, 1000)),
                    // Two cheap changes to the per-connection path, on unrecycled workers:
                    new Contender(RecyclingLabels.of(0, "serialize-none"), PreforkTarget.variant(env, "prefork serialize-none",
                            Map.of("serialize", "none")), new ServerSpec(port + 6, 8, 0)),
                    new Contender(RecyclingLabels.of(0, "no-stacktrace"), PreforkTarget.variant(env, "prefork no-stacktrace",
                            Map.of("worker_jvm_options", defaults + " -XX:-StackTraceInThrowable")), new ServerSpec(port + 7, 8, 0)));
            PerfProfile perf = o.perf && PerfProfile.available()
                    ? new PerfProfile(env, RecyclingLabels.UNLIMITED, o.out, env.workDir(), progress) : null;
            results.add(new ThroughputScenario("recycling", "conn RST, 16 clients, 8 workers: max_requests 1000, 10000, 100000, unlimited (0), max_requests_jitter, worker start-up variants, and two per-connection variants",
                    LoadSpec.of(port, Mode.CONN, o.clients, seconds, true), cs, o.rounds, warmup).run(logDir, progress, perf));
            if (perf != null) {
                profileFiles.putAll(perf.written());
            }
        }
        if (o.sections.contains("replacement")) {
            // Issue 13: what replacing a worker costs, beside Net::Server recycling as often (it forks a child;
            // its "unlimited" is a max_requests no child reaches in a run). The engine keeps its default
            // jitter (half of max_requests: a worker serves 1.25 × max_requests on average), Net::Server has none.
            List<Contender> cs = new ArrayList<>(List.of(
                    new Contender(RecyclingLabels.of(100, ""), prefork, new ServerSpec(port + 10, 8, 100)),
                    new Contender(RecyclingLabels.of(1000, ""), prefork, new ServerSpec(port + 11, 8, 1000)),
                    new Contender(RecyclingLabels.UNLIMITED, prefork, new ServerSpec(port + 12, 8, 0)),
                    new Contender(ReplacementTargets.netServer(100), perl, new ServerSpec(port + 13, 8, 100)),
                    new Contender(ReplacementTargets.netServer(1000), perl, new ServerSpec(port + 14, 8, 1000)),
                    new Contender(ReplacementTargets.NET_SERVER_UNLIMITED, perl, new ServerSpec(port + 15, 8, NET_SERVER_NEVER))));
            for (ReplacementVariant v : replacementVariants(defaults, interpreted)) {
                // Ports after the six above; the scrape and proxy sections reuse some of them, never at the same time.
                cs.add(new Contender(RecyclingLabels.of(v.maxRequests(), v.name()), PreforkTarget.variant(env,
                        "prefork " + v.name() + " mr=" + v.maxRequests(), v.settings()), new ServerSpec(port + 16 + cs.size() - 6, 8, v.maxRequests())));
            }
            results.add(new ThroughputScenario("replacement", "conn RST, 16 clients, 8 workers: worker replacement at max_requests 100 and"
                    + " 1000 against unlimited, the engine beside Net::Server::PreForkSimple recycling as often",
                    LoadSpec.of(port, Mode.CONN, o.clients, seconds, true), cs, o.rounds, warmup).run(logDir, progress, null));
        }
        if (o.sections.contains("relay-replacement")) {
            // Compiled or interpreted short-lived workers where every byte passes through them (handoff relay, what a
            // JDK 17 application server runs): the descriptor path's workers only accept, so its replacement rows
            // say little about a worker whose every connection is its own work.
            // Both choices given explicitly: which of them the engine makes depends on max_requests.
            PreforkTarget relayC1 = PreforkTarget.variant(env, "prefork-relay c1",
                    Map.of("handoff", "relay", "worker_jvm_options", defaults));
            List<Contender> cs = List.of(
                    new Contender("prefork-relay mr=100 c1", relayC1, new ServerSpec(port + 38, 8, 100)),
                    new Contender("prefork-relay mr=100 xint", relayXint, new ServerSpec(port + 39, 8, 100)),
                    new Contender("prefork-relay mr=1000 c1", relayC1, new ServerSpec(port + 40, 8, 1000)),
                    new Contender("prefork-relay mr=1000 xint", relayXint, new ServerSpec(port + 41, 8, 1000)));
            results.add(new ThroughputScenario("relay-replacement", "conn RST, 16 clients, 8 relaying workers (handoff relay):"
                    + " compiled (c1) against interpreted (xint) workers at max_requests 100 and 1000",
                    LoadSpec.of(port, Mode.CONN, o.clients, seconds, true), cs, o.rounds, warmup).run(logDir, progress, null));
        }
        if (o.sections.contains("maxwait")) {
            // What max_wait does at the limit: max_clients 16 below 20 clients holding 2 s, so the 4 ordinary
            // clients wait for a slot; without max_wait they are served when one frees, with max_wait 1 they
            // read the busy line (counted as mismatches) after 1 s instead.
            List<Contender> cs = List.of(
                    new Contender("prefork max_clients=16", PreforkTarget.variant(env, "prefork max_clients=16",
                            Map.of("max_clients", "16")), new ServerSpec(port + 30, 8, engineMaxRequests)),
                    new Contender("prefork max_clients=16 max_wait=1", PreforkTarget.variant(env, "prefork max_wait=1",
                            Map.of("max_clients", "16", "max_wait", "1")), new ServerSpec(port + 31, 8, engineMaxRequests)));
            LoadSpec holders = LoadSpec.of(port, Mode.HOLD, 20, seconds, true).withHold(Duration.ofSeconds(2));
            results.add(new ThroughputScenario("maxwait", "4 ordinary clients (conn, RST) beside 20 clients that hold a connection 2 s before reading, 8 workers, max_clients 16 (below the holders), without and with max_wait 1; busy answers count as mismatches",
                    LoadSpec.of(port, Mode.CONN, 4, seconds, true), cs, o.rounds, warmup).withBackground(holders)
                    .run(logDir, progress, null));
        }
        if (o.sections.contains("scrape")) {
            // The cost of being watched: two engines alike, both with a status port, one of them scraped
            // (GET /status?openmetrics once a second, as Prometheus would) through warm-up and measurement.
            int quiet = port + 22;
            int watched = port + 23;
            List<Contender> cs = List.of(
                    new Contender("prefork status-port", PreforkTarget.variant(env, "prefork status-port",
                            Map.of("status_port", Integer.toString(quiet))), new ServerSpec(port + 20, 8, engineMaxRequests)),
                    new Contender("prefork scraped 1/s", PreforkTarget.variant(env, "prefork scraped",
                            Map.of("status_port", Integer.toString(watched))), new ServerSpec(port + 21, 8, engineMaxRequests)));
            ThroughputScenario.Result scrape = new ThroughputScenario("scrape",
                    "conn RST, 8 workers, both with a status port; the second's /status?openmetrics scraped every second",
                    LoadSpec.of(port, Mode.CONN, o.clients, seconds, true), cs, o.rounds, warmup)
                    .withScraping(Map.of("prefork scraped 1/s", java.net.URI.create("http://127.0.0.1:" + watched + "/status?openmetrics")))
                    .run(logDir, progress, null);
            results.add(scrape);
            String ratio = scrapeRatio(scrape);
            progress.accept("scrape: " + ratio);
            notes.add("Status port scraped every second (`scrape`): " + ratio + ".");
        }
        if (o.sections.contains("proxy")) {
            // What reading a PROXY v2 header costs per connection: two engines alike, the second with
            // proxy_protocol v2, whose clients send HAProxy's 28-byte TCP4 header before their request;
            // Net::Server beside them for the usual ratio.
            List<Contender> cs = List.of(
                    new Contender("prefork plain", PreforkTarget.variant(env, "prefork plain", Map.of()),
                            new ServerSpec(port + 24, 8, engineMaxRequests)),
                    new Contender("prefork proxy-v2", PreforkTarget.variant(env, "prefork proxy-v2",
                            Map.of("proxy_protocol", "v2", "proxy_allow", "127.0.0.1")), new ServerSpec(port + 25, 8, engineMaxRequests)),
                    new Contender("net-server", perl, new ServerSpec(port + 26, 8, NET_SERVER_MAX_REQUESTS)));
            ThroughputScenario.Result proxy = new ThroughputScenario("proxy",
                    "conn RST, 8 workers; the second engine reads a PROXY v2 header (TCP4, 28 bytes) on every connection",
                    LoadSpec.of(port, Mode.CONN, o.clients, seconds, true), cs, o.rounds, warmup)
                    .withPrefixes(Map.of("prefork proxy-v2", PROXY_V2_TCP4))
                    .run(logDir, progress, null);
            results.add(proxy);
            String cost = proxyCost(proxy);
            progress.accept("proxy: " + cost);
            notes.add("PROXY v2 header per connection (`proxy`): " + cost + ".");
        }
        if (o.sections.contains("memory")) {
            // Memory per role after load (issue 13): the engine as it starts by default (the launcher restarts
            // itself with launcher_jvm_options), the same engine with its launcher's JVM left at the JVM's
            // defaults (what it was before), and Net::Server; the memory table after the last round is the result.
            List<Contender> cs = List.of(
                    new Contender("prefork", PreforkTarget.variant(env, "prefork", Map.of()), new ServerSpec(port + 27, 8, engineMaxRequests)),
                    new Contender("prefork launcher-jvm-defaults", PreforkTarget.variant(env, "prefork launcher-jvm-defaults",
                            Map.of("launcher_jvm_options", "")), new ServerSpec(port + 28, 8, engineMaxRequests)),
                    new Contender("net-server", perl, new ServerSpec(port + 29, 8, NET_SERVER_MAX_REQUESTS)),
                    // Issue 13's worker levers, one at a time: the young generation the serial collector picks by
                    // itself (a third of the heap; the defaults had no -Xmn before), and interpreted workers.
                    new Contender("prefork worker-young-unsized", PreforkTarget.variant(env, "prefork worker-young-unsized",
                            Map.of("worker_jvm_options", defaults.replace("-Xmn1m ", ""))), new ServerSpec(port + 31, 8, engineMaxRequests)),
                    new Contender("prefork worker-xint", PreforkTarget.variant(env, "prefork worker-xint",
                            Map.of("worker_jvm_options", interpreted)), new ServerSpec(port + 32, 8, engineMaxRequests)),
                    // The default workers, but sending their sockets in SCM_RIGHTS messages (FFM in the worker), as before pidfd.
                    new Contender("prefork transfer-message", PreforkTarget.variant(env, "prefork transfer-message",
                            Map.of("descriptor_transfer", "message")), new ServerSpec(port + 33, 8, engineMaxRequests)));
            ThroughputScenario.Result memory = new ThroughputScenario("memory",
                    "conn RST, 8 workers: memory of each role after load; the second engine's launcher keeps the JVM's default"
                            + " heap and collector (launcher_jvm_options empty); the last two engines' workers have the default options"
                            + " without -Xmn1m (young generation a third of the heap), and the interpreted ones; the last sends its"
                            + " sockets by SCM_RIGHTS (descriptor_transfer message: FFM in the worker) instead of pidfd_getfd",
                    LoadSpec.of(port, Mode.CONN, o.clients, seconds, true), cs, o.rounds, warmup).run(logDir, progress, null);
            results.add(memory);
            String pss = memoryByRole(memory);
            progress.accept("memory: " + pss);
            notes.add("Memory per role after load (`memory`, median PSS per process): " + pss + ".");
        }
        List<StartupScenario.Sample> startup = new ArrayList<>();
        if (o.sections.contains("startup")) {
            List<Contender> cs = new ArrayList<>();
            int p = port + 30;
            for (int size : new int[] {8, 50}) {
                for (String label : variants.keySet()) {
                    cs.add(new Contender(label, variant(env, variants, label), new ServerSpec(p++, size, engineMaxRequests)));
                }
                cs.add(new Contender("net-server", perl, new ServerSpec(p++, size, NET_SERVER_MAX_REQUESTS)));
            }
            startup.addAll(new StartupScenario(cs, o.startupRepetitions).run(logDir, progress));
        }

        String settings = String.format(java.util.Locale.ROOT, "Settings: %d clients, %.0f s per measured round after %.0f s warm-up, %d rounds; start-up %d repetitions.",
                o.clients, o.seconds, o.warmup, o.rounds, o.startupRepetitions);
        BenchResults all = new BenchResults(o.commandLine(), startedAt, Machine.describe(), settings, results, startup,
                variantText, profileFiles, notes);
        Path report = new MarkdownReport(o.out).write(all);
        progress.accept("report: " + report);
    }

    /**
     * "Lean" flags on top of the (already lean) defaults: no hsperfdata file (a mapped shared-memory
     * file per JVM that start-up creates and fills), and a small initial heap, so less memory is touched.
     */
    static final String LEAN_EXTRA = "-XX:-UsePerfData -Xms4m";
    /**
     * Issue 10's rows are about a pool that serves, not one that has just started: each server first serves
     * the scenario's load this long, unrecorded (see {@link ThroughputScenario#withSettle}).
     */
    static final Duration SETTLE = Duration.ofSeconds(10);
    static final String SETTLED = "; each server first served the same load 10 s unrecorded after its start (a fresh pool's"
            + " JIT warm-up is not what these rows ask about)";

    /** Net::Server's max_requests for "never recycled" (0 would make every child leave after one connection). */
    static final int NET_SERVER_NEVER = 1_000_000_000;

    /** An engine settings variant of the replacement section, at one max_requests. */
    record ReplacementVariant(String name, int maxRequests, Map<String, String> settings) {
    }

    /**
     * Worker start-up levers of issue 13 (flags only; what taking FFM out of the worker would save is measured
     * by a prototype, see ANALYSIS.md): the other choice beside each of the engine's defaults — compiled workers at
     * max_requests 100, where the engine interprets, interpreted ones at 1000 and unlimited (0), where it compiles,
     * so that the interpreted cost per replacement is also read against an interpreted unrecycled pool; at most 8
     * (ports).
     */
    static List<ReplacementVariant> replacementVariants(String defaults, String interpreted) {
        List<ReplacementVariant> variants = new ArrayList<>();
        // The engine interprets by default up to max_requests 100 (EngineConfig.INTERPRETED_MAX_REQUESTS).
        variants.add(new ReplacementVariant("c1", 100, Map.of("worker_jvm_options", defaults)));
        for (int mr : new int[] {1000, 0}) {
            variants.add(new ReplacementVariant("xint", mr, Map.of("worker_jvm_options", interpreted)));
        }
        // The default workers at max_requests 100 sending their sockets by SCM_RIGHTS, FFM linked at every start (before pidfd).
        variants.add(new ReplacementVariant("message", 100, Map.of("descriptor_transfer", "message")));
        return variants;
    }

    /**
     * The contenders of the side-by-side scenarios on consecutive ports: the direct JVM (one thread
     * pool, never recycled), the engine (descriptor handoff, its default here, and relay) and Net::Server
     * with {@code workers} each, and the MDB path when it takes part.
     */
    private static List<Contender> sideBySide(Target direct, Target prefork, Target relay, Target perl, Target wildfly,
                                              Target embedded, Map<String, Target> otherServers, int port, int workers,
                                              int engineMaxRequests) {
        List<Contender> contenders = new ArrayList<>(List.of(
                new Contender("direct-jvm", direct, new ServerSpec(port, 1, 0)),
                new Contender("prefork", prefork, new ServerSpec(port + 1, workers, engineMaxRequests)),
                new Contender("prefork-relay", relay, new ServerSpec(port + 4, workers, engineMaxRequests)),
                new Contender("net-server", perl, new ServerSpec(port + 2, workers, NET_SERVER_MAX_REQUESTS))));
        if (wildfly != null) {
            contenders.add(new Contender("wildfly-mdb", wildfly, new ServerSpec(port + 3, workers, engineMaxRequests)));
        }
        if (embedded != null) {
            contenders.add(new Contender("embedded-mdb", embedded, new ServerSpec(port + 5, workers, engineMaxRequests)));
        }
        int next = port + 6;
        for (Map.Entry<String, Target> other : otherServers.entrySet()) {
            contenders.add(new Contender(other.getKey(), other.getValue(), new ServerSpec(next++, workers, engineMaxRequests)));
        }
        return contenders;
    }

    /**
     * The engine with its launcher's JVM at the JVM's defaults (G1, a quarter of the machine;
     * {@code launcher_jvm_options} empty), beside the default engine whose launcher restarts itself sized
     * (SerialGC, -Xmx64m): whether sizing the launcher costs CPU per connection (issue 10's "no worse than
     * today"). Port: after {@link #sideBySide}'s, which use at most {@code port + 7} (two other servers). Placed
     * right after the default engine, so that it starts before an application server loads the machine.
     */
    private static Contender unsizedLauncher(BenchEnv env, int port, int workers, int engineMaxRequests) {
        return new Contender("prefork launcher-jvm-defaults", PreforkTarget.variant(env, "prefork launcher-jvm-defaults",
                Map.of("launcher_jvm_options", "")), new ServerSpec(port + 8, workers, engineMaxRequests));
    }

    /** The engine with a variant's settings. */
    private static Target variant(BenchEnv env, Map<String, Map<String, String>> variants, String label) {
        return label.equals("prefork") ? PreforkTarget.standard(env) : PreforkTarget.variant(env, label, variants.get(label));
    }

    /**
     * conn/s of the scraped engine over the unscraped one: the ratio of their medians over the rounds,
     * and the per-round ratios (each round measures both, back to back).
     */
    /** HAProxy's send-proxy-v2 header for a TCP4 client 192.0.2.10:40000 of 198.51.100.1:443. */
    static final byte[] PROXY_V2_TCP4 = java.util.HexFormat.of().parseHex(
            "0d0a0d0a000d0a515549540a" + "2111000c" + "c000020a" + "c6336401" + "9c40" + "01bb");

    /** Server CPU per connection with and without the header, medians over the rounds, and conn/s. */
    /** Each contender's median PSS per process by role after its last round, e.g. "prefork: launcher 45.1 MB, ...". */
    static String memoryByRole(ThroughputScenario.Result memory) {
        List<String> parts = new ArrayList<>();
        memory.memory().forEach((contender, roles) -> parts.add(contender + ": " + roles.values().stream()
                .map(m -> String.format(java.util.Locale.ROOT, "%s %.1f MB", m.role(), m.medianPssKb() / 1024.0))
                .collect(java.util.stream.Collectors.joining(", "))));
        return String.join("; ", parts);
    }

    static String proxyCost(ThroughputScenario.Result proxy) {
        List<Double> plainCpu = new ArrayList<>();
        List<Double> proxiedCpu = new ArrayList<>();
        List<Double> plainRate = new ArrayList<>();
        List<Double> proxiedRate = new ArrayList<>();
        List<Double> netServerCpu = new ArrayList<>();
        for (var m : proxy.measurements()) {
            switch (m.contender()) {
                case "prefork plain" -> {
                    plainCpu.add(m.cpuMicrosPerRequest());
                    plainRate.add(m.result().requestsPerSecond());
                }
                case "prefork proxy-v2" -> {
                    proxiedCpu.add(m.cpuMicrosPerRequest());
                    proxiedRate.add(m.result().requestsPerSecond());
                }
                default -> netServerCpu.add(m.cpuMicrosPerRequest());
            }
        }
        double plain = median(plainCpu);
        double proxied = median(proxiedCpu);
        return String.format(java.util.Locale.ROOT, "server CPU %.1f µs/conn with the header against %.1f without"
                        + " (+%.1f µs, ratio %.3f; Net::Server %.1f µs/conn), conn/s ratio %.3f (medians %.0f / %.0f)",
                proxied, plain, proxied - plain, proxied / plain, median(netServerCpu),
                median(proxiedRate) / median(plainRate), median(proxiedRate), median(plainRate));
    }

    static String scrapeRatio(ThroughputScenario.Result scrape) {
        List<Double> quiet = new ArrayList<>();
        List<Double> watched = new ArrayList<>();
        for (var m : scrape.measurements()) {
            (m.contender().startsWith("prefork scraped") ? watched : quiet).add(m.result().requestsPerSecond());
        }
        List<String> perRound = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(quiet.size(), watched.size()); i++) {
            ratios.add(watched.get(i) / quiet.get(i));
            perRound.add(String.format(java.util.Locale.ROOT, "%.3f", watched.get(i) / quiet.get(i)));
        }
        return String.format(java.util.Locale.ROOT, "scraped/unscraped conn/s = %.3f (medians %.0f / %.0f);"
                        + " median of the per-round ratios %.3f, per round %s",
                median(watched) / median(quiet), median(watched), median(quiet), median(ratios), perRound);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Marks the engine's default max_requests in a recycling label. */
    private static String defaultMark(String label, int maxRequests, int engineDefault) {
        return maxRequests == engineDefault ? label + " (default)" : label;
    }

    private static WorkerArchives archives(Options o, BenchEnv env, Path logDir, Consumer<String> progress) {
        return new WorkerArchives(logDir, o.basePort + 29, env.engineInterpretedMaxRequests(), progress);
    }

    /** Command-line options; see bench/run. */
    static final class Options {
        Path repo = Path.of(".").toAbsolutePath().normalize();
        Path out;
        double seconds = 8;
        double warmup = 2;
        int rounds = 4;
        int clients = 16;
        int startupRepetitions = 4;
        int basePort = 21300;
        boolean perf = true;
        Set<String> sections = Set.of("conn", "fin", "keepalive", "hold", "maxwait", "recycling", "replacement", "relay-replacement",
                "scrape", "proxy", "memory", "startup");
        Path wildflyCheckout;
        boolean noWildfly;
        /** The application servers whose echo MDB takes part: wildfly, glassfish, liberty. */
        Set<String> appServers = Set.of("wildfly");
        String wildflyCommand = WildFlyTarget.DEFAULT_COMMAND;
        boolean noEmbedded;
        String embeddedCommand = WildFlyTarget.EMBEDDED_COMMAND;
        final List<String> raw = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            o.raw.addAll(List.of(args));
            for (int i = 0; i < args.length; i++) {
                String v = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--repo" -> { o.repo = Path.of(v).toAbsolutePath().normalize(); i++; }
                    case "--out" -> { o.out = Path.of(v).toAbsolutePath().normalize(); i++; }
                    case "--quick" -> { o.seconds = 3; o.warmup = 1; o.rounds = 2; o.startupRepetitions = 2; }
                    case "--seconds" -> { o.seconds = Double.parseDouble(v); i++; }
                    case "--warmup" -> { o.warmup = Double.parseDouble(v); i++; }
                    case "--rounds" -> { o.rounds = Integer.parseInt(v); i++; }
                    case "--clients" -> { o.clients = Integer.parseInt(v); i++; }
                    case "--startup-repetitions" -> { o.startupRepetitions = Integer.parseInt(v); i++; }
                    case "--base-port" -> { o.basePort = Integer.parseInt(v); i++; }
                    case "--no-perf" -> o.perf = false;
                    case "--sections" -> { o.sections = Set.of(v.split(",")); i++; }
                    case "--wildfly-checkout" -> { o.wildflyCheckout = Path.of(v).toAbsolutePath().normalize(); i++; }
                    case "--no-wildfly" -> o.noWildfly = true;
                    case "--app-servers" -> { o.appServers = Set.of(v.split(",")); i++; }
                    case "--wildfly-command" -> { o.wildflyCommand = v; i++; }
                    case "--no-embedded" -> o.noEmbedded = true;
                    case "--embedded-command" -> { o.embeddedCommand = v; i++; }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; see bench/run --help");
                }
            }
            if (o.out == null) {
                o.out = o.repo.resolve("docs/benchmarks");
            }
            for (String server : o.appServers) {
                if (!List.of("wildfly", "glassfish", "liberty").contains(server)) {
                    throw new IllegalArgumentException("--app-servers: unknown server '" + server + "' (wildfly, glassfish, liberty)");
                }
            }
            if (!o.appServers.contains("wildfly")) {
                o.noWildfly = true;
            }
            // The full MDB path comes from this checkout when it has the sample (bin/sample), unless told otherwise.
            if (o.noWildfly) {
                o.wildflyCheckout = null;
            } else if (o.wildflyCheckout == null && java.nio.file.Files.isExecutable(o.repo.resolve("bin/sample"))) {
                o.wildflyCheckout = o.repo;
            }
            if (o.seconds <= 0 || o.seconds > 120 || o.rounds < 1 || o.rounds > 20 || o.clients < 1 || o.clients > 256) {
                throw new IllegalArgumentException("bounds: 0 < seconds <= 120, 1 <= rounds <= 20, 1 <= clients <= 256");
            }
            return o;
        }

        /** The command as a user types it: bench/run passes --repo itself. */
        String commandLine() {
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < raw.size(); i++) {
                if (raw.get(i).equals("--repo")) {
                    i++;
                } else {
                    shown.add(raw.get(i));
                }
            }
            return ("bench/run " + String.join(" ", shown)).trim();
        }
    }
}
