package dev.prefork.bench.scenario;

import dev.prefork.bench.load.LoadGenerator;
import dev.prefork.bench.load.LoadResult;
import dev.prefork.bench.load.LoadSpec;
import dev.prefork.bench.server.RoleMemory;
import dev.prefork.bench.server.RunningServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Several servers under the same load, interleaved: all are started, then each round measures every
 * server once, in an order rotated per round, so that the machine's noise spreads over all of them
 * alike. Ratios between servers of one scenario are what to trust; absolute figures move with the load
 * of the machine.
 */
public final class ThroughputScenario {
    private final String name;
    private final String description;
    private final LoadSpec load;
    private final List<Contender> contenders;
    private final int rounds;
    private final Duration warmup;
    private LoadSpec background;
    private Duration settle = Duration.ZERO;
    private Map<String, java.net.URI> scraped = Map.of();
    private Map<String, byte[]> prefixes = Map.of();

    public ThroughputScenario(String name, String description, LoadSpec load, List<Contender> contenders, int rounds,
                              Duration warmup) {
        this.name = name;
        this.description = description;
        this.load = load;
        this.contenders = List.copyOf(contenders);
        this.rounds = rounds;
        this.warmup = warmup;
    }

    /**
     * Adds clients that run beside the measured ones, through warm-up and measurement, and are not
     * reported: e.g. slow clients that hold workers while the measured clients' latency is watched.
     */
    public ThroughputScenario withBackground(LoadSpec background) {
        this.background = background;
        return this;
    }

    /**
     * Lets every server serve the load (and the background) for {@code length} once after it started,
     * unrecorded, before the first round: a pool that has just started serves its first thousands of
     * connections with workers and a launcher the JIT has not compiled yet (3-4 times the worker CPU per
     * connection in the first round of holders-20, 2026-12-02), which the per-round warm-up does not cover
     * for the contender measured first.
     */
    public ThroughputScenario withSettle(Duration length) {
        this.settle = length;
        return this;
    }

    /**
     * Scrapes the status port of the named contenders every second (see {@link StatusScraper}) through
     * warm-up and measurement, as Prometheus would: the cost of being watched.
     */
    public ThroughputScenario withScraping(Map<String, java.net.URI> statusByLabel) {
        this.scraped = Map.copyOf(statusByLabel);
        return this;
    }

    /** Makes every new connection to the named contenders send these bytes first (a PROXY header). */
    public ThroughputScenario withPrefixes(Map<String, byte[]> prefixByLabel) {
        this.prefixes = Map.copyOf(prefixByLabel);
        return this;
    }

    public String name() {
        return name;
    }

    /** Results of one scenario: every measurement, and each server's memory after its last round. */
    public record Result(String name, String description, LoadSpec load, List<Contender> contenders,
                         List<Measurement> measurements, Map<String, Map<String, RoleMemory>> memory,
                         Map<String, Map<String, long[]>> threadTicks) {
    }

    /**
     * @param profile runs an extra round, not recorded, for the servers it wants; may be null
     */
    public Result run(Path logDir, Consumer<String> progress, ProfileHook profile) throws Exception {
        Map<String, RunningServer> running = new LinkedHashMap<>();
        List<Measurement> measurements = new ArrayList<>();
        Map<String, Map<String, RoleMemory>> memory = new LinkedHashMap<>();
        Map<String, Map<String, long[]>> threadTicks = new LinkedHashMap<>();
        try {
            for (Contender c : contenders) {
                progress.accept(name + ": starting " + c.label() + " (" + c.spec() + ")");
                running.put(c.label(), c.target().start(c.spec(), logDir));
            }
            if (!settle.isZero()) {
                for (Contender c : contenders) {
                    RunningServer server = running.get(c.label());
                    Background behind = startBackground(server.port());
                    LoadResult settled = LoadGenerator.run(load.withPort(server.port()).withDuration(settle));
                    if (behind != null) {
                        behind.stop().set(true);
                        behind.thread().join(load.ioTimeout().toMillis() * 3 + background.hold().toMillis() + 2000);
                    }
                    progress.accept(name + " settling " + c.label() + " (not recorded): " + settled);
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < contenders.size(); i++) {
                    Contender c = contenders.get((i + round - 1) % contenders.size());
                    RunningServer server = running.get(c.label());
                    LoadSpec spec = load.withPort(server.port());
                    if (prefixes.containsKey(c.label())) {
                        spec = spec.withPrefix(prefixes.get(c.label()));
                    }
                    Background behind = startBackground(server.port());
                    StatusScraper scraper = scraped.containsKey(c.label()) ? StatusScraper.start(scraped.get(c.label())) : null;
                    LoadGenerator.run(spec.withDuration(warmup));
                    boolean last = round == rounds;
                    ThreadBreakdown threads = last ? ThreadBreakdown.begin(server) : null;
                    Map<String, Long> rolesBefore = server.ticksByRole();
                    long before = server.totalTicks();
                    WorkerCensus census = WorkerCensus.start(server, c.spec().maxServers());
                    LoadResult result = LoadGenerator.run(spec);
                    census.close();
                    if (behind != null && !behind.thread().isAlive()) {
                        progress.accept(name + " round " + round + " " + c.label() + ": the background load ended before the measured run did");
                    }
                    if (scraper != null) {
                        scraper.close();
                        progress.accept(name + " round " + round + " " + c.label() + ": " + scraper);
                    }
                    long after = server.totalTicks();
                    Map<String, Long> rolesAfter = server.ticksByRole();
                    if (behind != null) {
                        behind.stop().set(true);
                        behind.thread().join(load.ioTimeout().toMillis() * 3 + background.hold().toMillis() + 2000);
                    }
                    if (threads != null) {
                        threadTicks.put(c.label(), threads.end());
                    }
                    Map<String, Long> roleDelta = new LinkedHashMap<>();
                    rolesAfter.forEach((role, t) -> roleDelta.put(role, t - rolesBefore.getOrDefault(role, 0L)));
                    Measurement m = new Measurement(name, c.label(), round, result, after - before, roleDelta,
                            census.minimum(), census.belowHalfShare());
                    measurements.add(m);
                    progress.accept(String.format(java.util.Locale.ROOT, "%s round %d %-22s %s, server CPU %.1f µs/req %s, settled workers min %d",
                            name, round, c.label(), result, m.cpuMicrosPerRequest(), roleDelta, m.minSettledWorkers()));
                    if (!server.isAlive()) {
                        throw new IllegalStateException(c.label() + " died during " + name);
                    }
                }
            }
            running.forEach((label, server) -> memory.put(label, server.memoryByRole()));
            if (profile != null) {
                // An extra round under the profiler, not counted: sampling costs CPU of its own.
                for (Contender c : contenders) {
                    if (profile.wants(c.label())) {
                        RunningServer server = running.get(c.label());
                        LoadSpec spec = load.withPort(server.port());
                    if (prefixes.containsKey(c.label())) {
                        spec = spec.withPrefix(prefixes.get(c.label()));
                    }
                        LoadGenerator.run(spec.withDuration(warmup));
                        profile.before(c.label(), server);
                        LoadResult result = LoadGenerator.run(spec);
                        profile.after(c.label(), server);
                        progress.accept(name + " profiled round " + c.label() + ": " + result);
                    }
                }
            }
        } finally {
            for (RunningServer server : running.values()) {
                server.close();
            }
        }
        return new Result(name, description, load, contenders, measurements, memory, threadTicks);
    }

    /** A background load running, and the flag that ends it. */
    private record Background(Thread thread, AtomicBoolean stop) {
    }

    /**
     * Starts the background load, which runs until {@link Background#stop} is set after the measured run.
     * Its own deadline is only a bound: the warm-up and the measured run each end at their deadline plus
     * the request in flight then, up to two I/O timeouts and a hold, so a background load that ended at
     * warm-up plus measurement could leave while the measured clients still run. It did: Net::Server's
     * first warm-up request waited 5 s behind the silent connections, so they were closed at 8 s, in the
     * middle of the measured run, and the rest of it measured a server with no silent connections
     * (silent-200, 2026-12-02 07:23).
     */
    private Background startBackground(int port) {
        if (background == null) {
            return null;
        }
        Duration overrun = load.ioTimeout().multipliedBy(2).plus(load.hold()).plusSeconds(1);
        Duration bound = warmup.plus(load.duration()).plus(overrun.multipliedBy(2)).plusSeconds(10);
        LoadSpec spec = background.withPort(port).withDuration(bound);
        AtomicBoolean stop = new AtomicBoolean();
        Thread thread = new Thread(() -> {
            try {
                LoadGenerator.run(spec, stop::get);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-background-load");
        thread.setDaemon(true);
        thread.start();
        return new Background(thread, stop);
    }

    /** Lets an external profiler follow an extra, unrecorded round of the servers it wants. */
    public interface ProfileHook {
        boolean wants(String label);

        void before(String label, RunningServer server) throws Exception;

        void after(String label, RunningServer server) throws Exception;
    }
}
