package dev.prefork.engine;

import dev.prefork.bridge.LinkExecutor;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which handoff a pool uses, and that a JDK 17 controlling JVM (an older application server) still serves. */
class HandoffTest extends EngineTestSupport {
    private static final Path JDK17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    @Test
    void autoPassesDescriptorsWhenThisJvmCan() throws Exception {
        PreforkEngine engine = start(config(1));
        assertEquals(Handoff.DESCRIPTOR, engine.config().handoff(), "JDK " + Runtime.version().feature() + " takes passed descriptors");
        assertEquals("passed", LineClient.echoOnce(engine.boundPort(0), "passed"));
    }

    @Test
    void aLinkExecutorLendsEachWorkerAThreadAndOneThatDeclinesStillGetsEveryConnection() throws Exception {
        for (boolean lends : new boolean[] {true, false}) {
            ExecutorService threads = Executors.newCachedThreadPool(task -> new Thread(task, "lent"));
            AtomicInteger loops = new AtomicInteger();
            AtomicInteger dispatched = new AtomicInteger();
            LinkExecutor executor = new LinkExecutor() {
                @Override
                public boolean startLinkLoop(Runnable linkLoop, String name) {
                    if (!lends) {
                        return false;
                    }
                    loops.incrementAndGet();
                    threads.execute(linkLoop);
                    return true;
                }

                @Override
                public void execute(Runnable task) {
                    dispatched.incrementAndGet();
                    threads.execute(task);
                }
            };
            try {
                PreforkEngine engine = PreforkEngine.start(config(2).name("lent").build(),
                        connection -> connection.getWriter().println(Thread.currentThread().getName()), executor);
                try {
                    assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)));
                    // A worker says hello before it connects its link: on a loaded machine the second link
                    // can come after the six clients, and a stop then ends that worker before it links.
                    long linked = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (lends && loops.get() < 2 && System.nanoTime() < linked) {
                        Thread.sleep(10); // nothing announces a link: poll, bounded
                    }
                    for (int i = 0; i < 6; i++) {
                        try (LineClient client = new LineClient(engine.boundPort(0))) {
                            assertEquals("lent", client.readLine(), "the handler ran on the executor's thread");
                        }
                    }
                } finally {
                    engine.stop();
                }
                if (lends) {
                    assertEquals(2, loops.get(), "one lent thread per worker");
                    assertEquals(0, dispatched.get(), "no connection handed over one by one");
                } else {
                    assertEquals(6, dispatched.get(), "every connection handed over one by one");
                }
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void aBadHandoffNamesKeyAndValue() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> EngineConfig.builder().set(EngineConfig.HANDOFF, "teleport").build());
        assertTrue(e.getMessage().contains("handoff") && e.getMessage().contains("teleport")
                && e.getMessage().contains("descriptor"), e.getMessage());
    }

    @Test
    void aJdk17ControllingJvmRelaysOnAutoAndRefusesDescriptor() throws Exception {
        assumeTrue(Files.isExecutable(JDK17.resolve("bin/java")), "no JDK 17 at " + JDK17);
        assertEquals("relay served jdk17", runOnJdk17("auto"));
        String refused = runOnJdk17("descriptor");
        assertTrue(refused.startsWith("refused ") && refused.contains("handoff") && refused.contains("JDK 22"), refused);
    }

    /** Runs {@link Jdk17Controller} on JDK 17 with workers on this JDK; returns its last line. */
    private static String runOnJdk17(String handoff) throws Exception {
        Process controller = new ProcessBuilder(JDK17.resolve("bin/java").toString(), "-cp", System.getProperty("java.class.path"),
                Jdk17Controller.class.getName(), handoff, System.getProperty("java.home"))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(controller.getInputStream()));
            String last = null;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("relay ") || line.startsWith("descriptor ") || line.startsWith("refused ")) {
                    last = line;
                }
            }
            assertTrue(controller.waitFor(60, TimeUnit.SECONDS), "the JDK 17 controller finished");
            assertTrue(last != null, "the JDK 17 controller reported");
            return last;
        } finally {
            controller.destroyForcibly();
            Processes.killDescendants();
        }
    }

    /** A controlling JVM on JDK 17: starts an echo pool, serves one client, stops. */
    public static final class Jdk17Controller {
        public static void main(String[] args) throws Exception {
            EngineConfig config;
            PreforkEngine engine;
            try {
                config = config(1).set(EngineConfig.HANDOFF, args[0]).javaHome(Path.of(args[1])).name("jdk17").build();
                engine = PreforkEngine.start(config, dev.prefork.standalone.BuiltinHandlers.ECHO);
            } catch (ConfigException e) {
                System.out.println("refused " + e.getMessage());
                return;
            }
            try {
                if (!engine.awaitAccepting(Duration.ofSeconds(60))) {
                    System.exit(3);
                }
                System.out.println(engine.config().handoff().key() + " " + LineClient.echoOnce(engine.boundPort(0), "served jdk17"));
            } finally {
                engine.stop();
            }
        }
    }
}
