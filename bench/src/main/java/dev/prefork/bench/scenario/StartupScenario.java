package dev.prefork.bench.scenario;

import dev.prefork.bench.server.RoleMemory;
import dev.prefork.bench.server.RunningServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Pool start-up: from creating the server's first process to every worker accepting, and the CPU the
 * whole tree spent getting there; then the idle pool's memory. Each contender is started and stopped
 * {@code repetitions} times, interleaved.
 */
public final class StartupScenario {
    private final List<Contender> contenders;
    private final int repetitions;

    public StartupScenario(List<Contender> contenders, int repetitions) {
        this.contenders = List.copyOf(contenders);
        this.repetitions = repetitions;
    }

    /**
     * @param firstAnswerMillis from just before the start to the first line echoed (see {@link FirstAnswer})
     */
    public record Sample(String contender, int maxServers, int repetition, double startupMillis, double firstAnswerMillis,
                         double cpuSeconds, Map<String, RoleMemory> memory) {
    }

    public List<Sample> run(Path logDir, Consumer<String> progress) throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int rep = 1; rep <= repetitions; rep++) {
            for (int i = 0; i < contenders.size(); i++) {
                Contender c = contenders.get((i + rep - 1) % contenders.size());
                try (FirstAnswer answer = FirstAnswer.probe(c.spec().port());
                     RunningServer server = start(c, logDir, progress)) {
                    if (server == null) {
                        samples.add(new Sample(c.label(), c.spec().maxServers(), rep, Double.NaN, Double.NaN, Double.NaN, Map.of()));
                        continue;
                    }
                    double millis = server.startupMillis();
                    double cpu = server.startupCpuSeconds();
                    double answered = answer.millis(30_000);
                    // Let the last workers finish their start-up work before sampling an idle pool's memory.
                    Thread.sleep(1000);
                    Map<String, RoleMemory> memory = server.memoryByRole();
                    samples.add(new Sample(c.label(), c.spec().maxServers(), rep, millis, answered, cpu, memory));
                    progress.accept(String.format(java.util.Locale.ROOT, "startup %-26s max_servers %3d: %6.0f ms, first answer %6.0f ms, %.2f CPU-s, %s",
                            c.label(), c.spec().maxServers(), millis, answered, cpu, memory.values()));
                }
            }
        }
        return samples;
    }

    /**
     * The server started, or null when it did not come up in its launcher's time (a loaded machine can
     * keep 50 JVM workers from accepting for a minute): recorded as a failed start, and the run goes on.
     */
    private static RunningServer start(Contender c, Path logDir, Consumer<String> progress) throws Exception {
        try {
            return c.target().start(c.spec(), logDir);
        } catch (java.io.IOException | IllegalStateException e) {
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            progress.accept("startup " + c.label() + " max_servers " + c.spec().maxServers() + " did not start: " + first);
            return null;
        }
    }
}
