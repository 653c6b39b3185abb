package dev.prefork.bench.report;

import dev.prefork.bench.scenario.Measurement;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** One contender's rounds in one scenario, reduced to medians (errors are summed: any error counts). */
public record ContenderSummary(String label, int rounds, double requestsPerSecond, double minRps, double maxRps,
                               double cpuMicrosPerRequest, Map<String, Double> cpuMicrosByRole, double p50, double p90,
                               double p99, double max, long errors, String errorKinds, long requests,
                               int minSettledWorkers, double belowHalfShare) {

    public static ContenderSummary of(String label, List<Measurement> rounds) {
        Set<String> roles = new TreeSet<>();
        rounds.forEach(m -> roles.addAll(m.ticksByRole().keySet()));
        Map<String, Double> byRole = new TreeMap<>();
        for (String role : roles) {
            byRole.put(role, Stats.median(rounds.stream().map(m -> m.cpuMicrosPerRequest(role)).toList()));
        }
        List<Double> rps = rounds.stream().map(m -> m.result().requestsPerSecond()).toList();
        return new ContenderSummary(label, rounds.size(),
                Stats.median(rps), Stats.min(rps), Stats.max(rps),
                Stats.median(rounds.stream().map(Measurement::cpuMicrosPerRequest).toList()),
                byRole,
                Stats.median(rounds.stream().map(m -> latency(m, 50)).toList()),
                Stats.median(rounds.stream().map(m -> latency(m, 90)).toList()),
                Stats.median(rounds.stream().map(m -> latency(m, 99)).toList()),
                Stats.max(rounds.stream().filter(m -> m.result().successes() > 0).map(m -> m.result().maxMicros()).toList()),
                rounds.stream().mapToLong(m -> m.result().errorCount()).sum(),
                String.join(" ", rounds.stream().map(m -> m.result().errorSummary()).filter(s -> !s.equals("none")).toList()),
                rounds.stream().mapToLong(m -> m.result().successes()).sum(),
                rounds.stream().mapToInt(Measurement::minSettledWorkers).min().orElse(-1),
                Stats.median(rounds.stream().map(Measurement::belowHalfShare).toList()));
    }

    /**
     * A round's latency percentile, or NaN when no request was answered in it: a round in which every
     * client timed out has no latency to show, and 0 would read as the best one (medians skip NaN).
     */
    private static double latency(Measurement m, double percentile) {
        return m.result().successes() == 0 ? Double.NaN : m.result().percentileMicros(percentile);
    }
}
