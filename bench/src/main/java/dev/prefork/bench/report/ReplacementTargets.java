package dev.prefork.bench.report;

import dev.prefork.bench.scenario.StartupScenario;
import dev.prefork.bench.scenario.ThroughputScenario;
import dev.prefork.bench.server.RoleMemory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 13's targets (worker start-up, replacement and memory), checked against one run: the
 * {@code replacement} scenario (the engine and Net::Server at max_requests 100, 1000 and unlimited) and
 * the start-up scenario at 50 workers.
 */
public final class ReplacementTargets {
    public static final String NET_SERVER_UNLIMITED = "net-server mr=unlimited";
    /** The engine's default max_requests_jitter is half of max_requests: a worker's life averages 1.25 × it. */
    private static final double ENGINE_MEAN_LIFE = 1.25;

    private ReplacementTargets() {
    }

    public static String netServer(int maxRequests) {
        return "net-server mr=" + maxRequests;
    }

    static List<TargetCheck.Row> evaluate(BenchResults results) {
        List<TargetCheck.Row> rows = new ArrayList<>();
        ThroughputScenario.Result r = results.scenario("replacement");
        if (r != null && TargetCheck.has(r, RecyclingLabels.UNLIMITED) && TargetCheck.has(r, NET_SERVER_UNLIMITED)) {
            ContenderSummary ours = TargetCheck.summary(r, RecyclingLabels.UNLIMITED);
            ContenderSummary theirs = TargetCheck.summary(r, NET_SERVER_UNLIMITED);
            for (int mr : new int[] {100, 1000}) {
                String label = RecyclingLabels.of(mr, "");
                String perl = netServer(mr);
                if (!TargetCheck.has(r, label) || !TargetCheck.has(r, perl)) {
                    continue;
                }
                ContenderSummary o = TargetCheck.summary(r, label);
                ContenderSummary t = TargetCheck.summary(r, perl);
                double oursMs = replacementMillis(o, ours, mr * ENGINE_MEAN_LIFE);
                double theirsMs = replacementMillis(t, theirs, mr);
                rows.add(new TargetCheck.Row("a worker replacement under load costs ≤ 60 ms of CPU", label,
                        f("%.0f ms (%.0f vs %.0f µs/conn unlimited, × %.0f conn per worker); Net::Server %.1f ms",
                                oursMs, o.cpuMicrosPerRequest(), ours.cpuMicrosPerRequest(), mr * ENGINE_MEAN_LIFE, theirsMs),
                        verdict(oursMs <= 60)));
                double loss = 1 - o.requestsPerSecond() / ours.requestsPerSecond();
                if (mr == 1000) {
                    rows.add(new TargetCheck.Row("max_requests 1000 loses ≤ 15% of the unlimited pool's conn/s", label,
                            f("%.0f vs %.0f conn/s: %+.1f%% (Net::Server %+.1f%%)", o.requestsPerSecond(), ours.requestsPerSecond(),
                                    -loss * 100, -(1 - t.requestsPerSecond() / theirs.requestsPerSecond()) * 100),
                            verdict(loss <= 0.15)));
                } else {
                    double ratio = o.requestsPerSecond() / t.requestsPerSecond();
                    rows.add(new TargetCheck.Row("max_requests 100: conn/s ≥ 0.5 × Net::Server's", label,
                            f("%.0f vs %.0f = %.2f×", o.requestsPerSecond(), t.requestsPerSecond(), ratio), verdict(ratio >= 0.5)));
                }
            }
            double rate = ours.requestsPerSecond() / theirs.requestsPerSecond();
            double cpu = ours.cpuMicrosPerRequest() / theirs.cpuMicrosPerRequest();
            rows.add(new TargetCheck.Row("unrecycled connection path keeps its lead (conn/s, CPU per connection)",
                    RecyclingLabels.UNLIMITED, f("%.0f vs %.0f conn/s = %.2f×; %.1f vs %.1f µs/conn = %.2f×", ours.requestsPerSecond(),
                    theirs.requestsPerSecond(), rate, ours.cpuMicrosPerRequest(), theirs.cpuMicrosPerRequest(), cpu),
                    verdict(rate >= 1 && cpu <= 1)));
            memory(rows, r.memory().get(RecyclingLabels.UNLIMITED));
        }
        startup(rows, results.startup());
        return rows;
    }

    /** Extra CPU per connection over the unrecycled pool, times the connections a worker serves: one replacement. */
    private static double replacementMillis(ContenderSummary recycled, ContenderSummary unlimited, double life) {
        return Math.max(0, recycled.cpuMicrosPerRequest() - unlimited.cpuMicrosPerRequest()) * life / 1000;
    }

    private static void memory(List<TargetCheck.Row> rows, Map<String, RoleMemory> m) {
        if (m == null) {
            return;
        }
        check(rows, m, "worker", "worker PSS ≤ 12 MB after load (median)", 12, true);
        check(rows, m, "launcher", "standalone launcher PSS ≤ 64 MB after load", 64, false);
        check(rows, m, "supervisor", "supervisor PSS ≤ 24 MB after load", 24, false);
    }

    private static void check(List<TargetCheck.Row> rows, Map<String, RoleMemory> m, String role, String target, double limitMb,
                              boolean median) {
        RoleMemory rm = m.get(role);
        if (rm != null) {
            double mb = (median ? rm.medianPssKb() : rm.pssKb()) / 1024.0;
            rows.add(new TargetCheck.Row(target, RecyclingLabels.UNLIMITED, f("%.1f MB", mb), verdict(mb <= limitMb)));
        }
    }

    private static void startup(List<TargetCheck.Row> rows, List<StartupScenario.Sample> samples) {
        List<StartupScenario.Sample> perl = samples.stream().filter(s -> s.maxServers() == 50 && s.contender().equals(TargetCheck.NET_SERVER)).toList();
        List<StartupScenario.Sample> ours = samples.stream().filter(s -> s.maxServers() == 50 && s.contender().equals("prefork")).toList();
        if (ours.isEmpty()) {
            return;
        }
        double accepting = Stats.median(ours.stream().map(StartupScenario.Sample::startupMillis).toList());
        double answered = Stats.median(ours.stream().map(StartupScenario.Sample::firstAnswerMillis).toList());
        double both = Math.max(accepting, answered);
        rows.add(new TargetCheck.Row("50 workers all accepting and a client answered within 3 s", "prefork",
                f("all accepting %.0f ms, first answer %.0f ms", accepting, answered), verdict(both <= 3000)));
        if (!perl.isEmpty()) {
            double theirs = Stats.median(perl.stream().map(StartupScenario.Sample::startupMillis).toList());
            rows.add(new TargetCheck.Row("50 workers: within 5 × Net::Server's time", "prefork",
                    f("%.0f vs %.0f ms = %.1f×", both, theirs, both / theirs), verdict(both <= 5 * theirs)));
        }
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**missed**";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
