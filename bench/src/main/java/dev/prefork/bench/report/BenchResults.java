package dev.prefork.bench.report;

import dev.prefork.bench.scenario.StartupScenario;
import dev.prefork.bench.scenario.ThroughputScenario;

import java.util.List;
import java.util.Map;

/**
 * Everything one harness run measured, for the report.
 *
 * @param workerVariants worker start-up variants measured: label → worker_jvm_options
 * @param profileFiles   extra profile outputs written next to the report: title → file name
 */
public record BenchResults(String command, String startedAt, String machine, String settings,
                           List<ThroughputScenario.Result> scenarios, List<StartupScenario.Sample> startup,
                           Map<String, String> workerVariants, Map<String, String> profileFiles, List<String> notes) {

    public ThroughputScenario.Result scenario(String name) {
        return scenarios.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
}
