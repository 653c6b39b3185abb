package dev.prefork.bench.report;

import dev.prefork.bench.scenario.Measurement;
import dev.prefork.bench.scenario.StartupScenario;
import dev.prefork.bench.scenario.ThroughputScenario;
import dev.prefork.bench.server.RoleMemory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The targets, checked against one run's medians. Every ratio compares contenders measured in the
 * same scenario, interleaved. The full MDB path is "wildfly-mdb" when it ran; the standalone engine
 * ("prefork") is checked against the same thresholds as its stand-in and lower bound of cost.
 */
final class TargetCheck {
    static final String NET_SERVER = "net-server";

    record Row(String target, String contender, String measured, String verdict) {
    }

    private TargetCheck() {
    }

    static List<Row> evaluate(BenchResults results, List<String> enginePaths) {
        List<Row> rows = new ArrayList<>();
        ThroughputScenario.Result conn = results.scenario("conn-rst");
        ThroughputScenario.Result keep = results.scenario("keepalive");
        for (String path : enginePaths) {
            if (conn != null && has(conn, path) && has(conn, NET_SERVER)) {
                ContenderSummary ours = summary(conn, path);
                ContenderSummary theirs = summary(conn, NET_SERVER);
                double cpuRatio = ours.cpuMicrosPerRequest() / theirs.cpuMicrosPerRequest();
                rows.add(new Row("conn RST, 16 clients: server CPU/conn ≤ 0.5 × Net::Server", path,
                        f("%.1f vs %.1f µs = %.2f×", ours.cpuMicrosPerRequest(), theirs.cpuMicrosPerRequest(), cpuRatio),
                        verdict(cpuRatio <= 0.5)));
                double rateRatio = ours.requestsPerSecond() / theirs.requestsPerSecond();
                rows.add(new Row("conn RST, 16 clients: conn/s ≥ Net::Server", path,
                        f("%.0f vs %.0f = %.2f×", ours.requestsPerSecond(), theirs.requestsPerSecond(), rateRatio),
                        verdict(rateRatio >= 1.0)));
                double p99 = ours.p99() / theirs.p99();
                rows.add(new Row("conn RST, 16 clients: p99 ≤ 1.5 × Net::Server", path,
                        f("%.0f vs %.0f µs = %.2f×", ours.p99(), theirs.p99(), p99), verdict(p99 <= 1.5)));
            }
            if (keep != null && has(keep, path) && has(keep, NET_SERVER)) {
                ContenderSummary ours = summary(keep, path);
                ContenderSummary theirs = summary(keep, NET_SERVER);
                double ratio = ours.requestsPerSecond() / theirs.requestsPerSecond();
                rows.add(new Row("keepalive, workers = clients = 16: req/s ≥ 0.5 × Net::Server", path,
                        f("%.0f vs %.0f = %.2f×", ours.requestsPerSecond(), theirs.requestsPerSecond(), ratio),
                        verdict(ratio >= 0.5)));
                double p99 = ours.p99() / theirs.p99();
                rows.add(new Row("keepalive, 16 clients: p99 ≤ 1.5 × Net::Server", path,
                        f("%.0f vs %.0f µs = %.2f×", ours.p99(), theirs.p99(), p99), verdict(p99 <= 1.5)));
            }
        }
        List<StartupScenario.Sample> fifty = results.startup().stream()
                .filter(s -> s.maxServers() == 50 && s.contender().startsWith("prefork")).toList();
        for (String label : fifty.stream().map(StartupScenario.Sample::contender).distinct().toList()) {
            double ms = Stats.median(fifty.stream().filter(s -> s.contender().equals(label)).map(StartupScenario.Sample::startupMillis).toList());
            rows.add(new Row("50 workers accepting within 5 s", label, f("%.0f ms", ms), verdict(ms <= 5000)));
        }
        List<StartupScenario.Sample> eight = results.startup().stream()
                .filter(s -> s.maxServers() == 8 && s.contender().startsWith("prefork")).toList();
        for (String label : eight.stream().map(StartupScenario.Sample::contender).distinct().toList()) {
            double pss = Stats.median(eight.stream().filter(s -> s.contender().equals(label))
                    .map(s -> s.memory().getOrDefault("worker", new RoleMemory("worker", 0, 0, 0, 0, 0)).medianPssKb() / 1024.0).toList());
            rows.add(new Row("worker PSS ≤ 25 MB (idle pool of 8)", label, f("%.1f MB", pss), verdict(pss <= 25)));
        }
        if (conn != null) {
            for (String label : List.of("prefork", "wildfly-mdb")) {
                Map<String, RoleMemory> m = conn.memory().get(label);
                if (m != null && m.containsKey("worker")) {
                    double pss = m.get("worker").medianPssKb() / 1024.0;
                    rows.add(new Row("worker PSS ≤ 25 MB (after the conn-rst rounds)", label, f("%.1f MB", pss), verdict(pss <= 25)));
                }
            }
        }
        slowClientTarget(results.scenario("holders-20"), 20, "20 clients holding 2 s beside 4 ordinary ones").ifPresent(rows::addAll);
        slowClientTarget(results.scenario("silent-200"), 50, "200 silent connections beside 1 ordinary client").ifPresent(rows::addAll);
        ThroughputScenario.Result recycling = results.scenario("recycling");
        if (recycling != null) {
            long errors = recycling.measurements().stream().mapToLong(m -> m.result().errorCount()).sum();
            rows.add(new Row("recycling never fails a request", "every recycling contender",
                    errors + " failed of " + recycling.measurements().stream().mapToLong(m -> m.result().successes()).sum(),
                    verdict(errors == 0)));
            if (has(recycling, RecyclingLabels.UNLIMITED)) {
                double unlimited = summary(recycling, RecyclingLabels.UNLIMITED).requestsPerSecond();
                for (String label : recycling.contenders().stream().map(c -> c.label()).toList()) {
                    if (label.equals(RecyclingLabels.UNLIMITED)) {
                        continue;
                    }
                    double rate = summary(recycling, label).requestsPerSecond();
                    double loss = 1 - rate / unlimited;
                    rows.add(new Row("< 5% throughput lost to recycling", label,
                            f("%.0f vs %.0f conn/s unlimited: %+.1f%%", rate, unlimited, -loss * 100), verdict(loss < 0.05)));
                }
                predictedLossAtDefault(recycling).ifPresent(rows::add);
            }
        }
        return rows;
    }

    /**
     * A round is too short for workers at a large default max_requests to be replaced even once, so the
     * loss there is also predicted from what a replacement costs: the extra CPU per connection at
     * max_requests 1000 (with the default jitter of half, 1250 connections per worker on average), spread
     * over the default's average life instead, against the unrecycled CPU per connection.
     */
    private static java.util.Optional<Row> predictedLossAtDefault(ThroughputScenario.Result recycling) {
        String thousand = recycling.contenders().stream().map(c -> c.label())
                .filter(l -> l.equals(RecyclingLabels.of(1000, "")) || l.equals(RecyclingLabels.of(1000, "") + " (default)"))
                .findFirst().orElse(null);
        String byDefault = recycling.contenders().stream().map(c -> c.label()).filter(l -> l.endsWith(" (default)"))
                .findFirst().orElse(null);
        if (thousand == null || byDefault == null) {
            return java.util.Optional.empty();
        }
        int defaultMaxRequests = Integer.parseInt(byDefault.replaceAll("^prefork mr=(\\d+).*$", "$1"));
        double unrecycled = summary(recycling, RecyclingLabels.UNLIMITED).cpuMicrosPerRequest();
        double atThousand = summary(recycling, thousand).cpuMicrosPerRequest();
        double replacementMicros = Math.max(0, atThousand - unrecycled) * 1250;
        double loss = replacementMicros / (defaultMaxRequests * 1.25) / unrecycled;
        return java.util.Optional.of(new Row("< 5% throughput lost at the default max_requests (predicted)", byDefault,
                f("a replacement costs %.0f ms of CPU (from mr=1000: %.0f vs %.0f µs/conn); over %d connections: %.1f%%",
                        replacementMicros / 1000, atThousand, unrecycled, (int) (defaultMaxRequests * 1.25), loss * 100),
                verdict(loss < 0.05)));
    }

    /**
     * Issue 10: the ordinary clients' p99 with default settings, for the engine and every contender beside
     * it, with each round's p99 (the median hides a round that missed) and the errors (a client that
     * timed out has no latency).
     */
    private static java.util.Optional<List<Row>> slowClientTarget(ThroughputScenario.Result r, int boundMillis, String what) {
        if (r == null) {
            return java.util.Optional.empty();
        }
        List<Row> rows = new ArrayList<>();
        for (String label : r.contenders().stream().map(c -> c.label()).toList()) {
            List<Measurement> rounds = r.measurements().stream().filter(m -> m.contender().equals(label)).toList();
            ContenderSummary s = ContenderSummary.of(label, rounds);
            List<String> perRound = rounds.stream().map(m -> m.result().successes() == 0 ? "none answered"
                    : f("%.1f", m.result().percentileMicros(99) / 1000.0)).toList();
            long met = rounds.stream().filter(m -> m.result().successes() > 0 && m.result().errorCount() == 0
                    && m.result().percentileMicros(99) < boundMillis * 1000L).count();
            rows.add(new Row(what + ": ordinary p99 < " + boundMillis + " ms (issue 10)", label,
                    f("p99 %s ms (rounds: %s), %d errors; %d of %d rounds under the bound", Double.isNaN(s.p99()) ? "–"
                            : f("%.1f", s.p99() / 1000), String.join(", ", perRound), s.errors(), met, rounds.size()),
                    verdict(met == rounds.size())));
        }
        return java.util.Optional.of(rows);
    }

    static boolean has(ThroughputScenario.Result r, String label) {
        return r.measurements().stream().anyMatch(m -> m.contender().equals(label));
    }

    static ContenderSummary summary(ThroughputScenario.Result r, String label) {
        List<Measurement> rounds = r.measurements().stream().filter(m -> Objects.equals(m.contender(), label)).toList();
        return ContenderSummary.of(label, rounds);
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
