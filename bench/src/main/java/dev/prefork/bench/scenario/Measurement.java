package dev.prefork.bench.scenario;

import dev.prefork.bench.load.LoadResult;
import dev.prefork.bench.proc.Proc;

import java.util.Map;

/**
 * One measured run of one contender: what the clients saw and what the server's processes spent.
 * {@code minSettledWorkers} is the fewest workers past start-up seen during the run (-1: no workers),
 * {@code belowHalfShare} the share of the run with fewer than half of them (see WorkerCensus).
 */
public record Measurement(String scenario, String contender, int round, LoadResult result, long serverTicks,
                          Map<String, Long> ticksByRole, int minSettledWorkers, double belowHalfShare) {

    /** Server CPU (every process of the server) per successful request, in microseconds. */
    public double cpuMicrosPerRequest() {
        return result.successes() == 0 ? Double.NaN : serverTicks * (1e6 / Proc.TICKS_PER_SECOND) / result.successes();
    }

    public double cpuMicrosPerRequest(String role) {
        return result.successes() == 0 ? Double.NaN
                : ticksByRole.getOrDefault(role, 0L) * (1e6 / Proc.TICKS_PER_SECOND) / result.successes();
    }
}
