package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: a worker on the default path (handoff descriptor, descriptor_transfer pidfd, serialize flock)
 * loads no class of the Foreign Function &amp; Memory API, which is what pidfd_getfd is for (linking FFM's
 * downcalls spun ~170 hidden classes in every worker start); a worker sending its sockets in SCM_RIGHTS
 * messages does load them, which shows the check can fail. Read from each worker's {@code -Xlog:class+load}.
 */
class WorkerWithoutFfmTest extends EngineTestSupport {
    @Test
    void aDefaultWorkerLoadsNoFfmClass(@TempDir Path dir) throws Exception {
        // The VM itself loads a few FFM classes at boot in every JVM (jdk.internal.foreign.abi.NativeEntryPoint and
        // others it knows by name): what `java -version` loads is not the worker's doing.
        List<String> baseline = new ArrayList<>(ffmClasses(runVersion(dir)));
        // And the JDK's FileChannel.map (the scoreboard) loads the MemorySegment interface, a parameter type of the
        // direct buffers' constructor (-XX:LogClassLoadingCauseFor showed it): an interface loaded, nothing linked.
        baseline.add("java.lang.foreign.MemorySegment");
        for (String transfer : new String[] {"pidfd", "message"}) {
            Path logs = Files.createDirectory(dir.resolve(transfer));
            List<String> loaded = classLoadLinesOfOneClient(config(1).name("ffm-" + transfer)
                    .set(EngineConfig.DESCRIPTOR_TRANSFER, transfer), logs, "");
            String handover = transfer.equals("pidfd") ? "dev.prefork.bridge.handover.PidfdHandover "
                    : "dev.prefork.bridge.handover.DescriptorHandover ";
            assertTrue(loaded.stream().anyMatch(line -> line.contains(handover)), "the worker's class log has its " + handover);
            List<String> ffm = new ArrayList<>(ffmClasses(loaded));
            ffm.removeAll(baseline);
            if (transfer.equals("pidfd")) {
                assertTrue(ffm.isEmpty(), "a pidfd worker loaded FFM classes: " + ffm.stream().limit(10).toList());
            } else {
                assertFalse(ffm.isEmpty(), "a message worker links FFM (the control)");
            }
        }
    }

    /** The FFM classes named in {@code -Xlog:class+load} lines. */
    private static List<String> ffmClasses(List<String> lines) {
        return lines.stream().map(line -> line.replaceFirst("^\\[[^]]*\\]\\[info\\]\\[class,load\\] ", ""))
                .map(line -> line.split(" ")[0])
                .filter(name -> name.startsWith("java.lang.foreign.") || name.startsWith("jdk.internal.foreign."))
                .distinct().toList();
    }

    /** The class-load lines of {@code java -version} on the workers' JDK (this one). */
    private static List<String> runVersion(Path dir) throws Exception {
        Path log = dir.resolve("version-classes.log");
        Process version = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log, "-version").redirectErrorStream(true)
                .redirectOutput(dir.resolve("version.out").toFile()).start();
        assertTrue(version.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "java -version ended");
        return Files.readAllLines(log);
    }
}
