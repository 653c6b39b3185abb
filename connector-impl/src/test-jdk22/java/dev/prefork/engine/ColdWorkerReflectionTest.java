package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, fifth pass: a worker started with the default options generates no method-handle class
 * ({@code LambdaForm$MH}) on its way to serving a client. The JDK reflects when a worker takes its inherited
 * socket and maps the scoreboard, and with the method-handle accessors each first call generated classes, which
 * a cold JVM paid for in every worker start (13-14 of them, 20-40 ms of CPU). The supervisor starts workers with
 * the native accessors; the same worker told otherwise in {@code worker_jvm_options} (which comes later on the
 * command line, and so wins) generates them again: the control that shows the check can fail, and that the user's
 * options still decide. Read from each worker's {@code -Xlog:class+load}.
 */
class ColdWorkerReflectionTest extends EngineTestSupport {
    @Test
    void aDefaultWorkerGeneratesNoMethodHandleClass(@TempDir Path dir) throws Exception {
        assertEquals(0, generatedMethodHandleClasses(dir, "default", ""), "method-handle classes a default worker generated");
    }

    @Test
    void theMethodHandleAccessorsGenerateThemAgain(@TempDir Path dir) throws Exception {
        long generated = generatedMethodHandleClasses(dir, "control", " -Djdk.reflect.useNativeAccessorOnly=false");
        assertTrue(generated > 0, "a worker with the method-handle accessors generated " + generated + " method-handle classes");
    }

    /** Starts a pool of one worker with the default options plus {@code extra}, serves one client, and counts. */
    private long generatedMethodHandleClasses(Path dir, String name, String extra) throws Exception {
        Path logs = Files.createDirectory(dir.resolve(name));
        // No class-data-sharing archive: the coldest start, and no archive dumped at the worker's exit (a dump
        // regenerates method-handle classes of its own, after the worker's work).
        List<String> loaded = classLoadLinesOfOneClient(config(1).name("reflect-" + name)
                .set(EngineConfig.WORKER_CDS, "false"), logs, extra);
        assertTrue(loaded.stream().anyMatch(line -> line.contains("dev.prefork.worker.WorkerMain ")),
                "the worker's class log names WorkerMain: " + loaded.size() + " lines");
        return loaded.stream().filter(line -> line.contains("java.lang.invoke.LambdaForm$MH/")).count();
    }
}
