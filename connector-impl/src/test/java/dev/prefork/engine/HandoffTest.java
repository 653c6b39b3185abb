package dev.prefork.engine;

import dev.prefork.bridge.LinkExecutor;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import dev.prefork.standalone.BuiltinHandlers;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
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
            CountDownLatch linksLent = new CountDownLatch(2);
            AtomicInteger dispatched = new AtomicInteger();
            LinkExecutor executor = new LinkExecutor() {
                @Override
                public boolean startLinkLoop(Runnable linkLoop, String name) {
                    if (!lends) {
                        return false;
                    }
                    loops.incrementAndGet();
                    linksLent.countDown();
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
                // Link loops on lent threads belong to one client per worker (max_clients 0).
                PreforkEngine engine = PreforkEngine.start(config(2).name("lent").set(EngineConfig.MAX_CLIENTS, "0").build(),
                        connection -> connection.getWriter().println(Thread.currentThread().getName()), executor);
                try {
                    assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)));
                    if (lends) {
                        // A worker says hello to the supervisor before its link reaches this JVM: without this
                        // wait one worker could serve all six clients before the other's link is accepted.
                        assertTrue(linksLent.await(30, TimeUnit.SECONDS), "both workers' links arrived");
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

    /**
     * With handlers on an executor, the link's thread receives a worker's next client while the executor's
     * thread may still be finishing the previous one: the instant the worker reads "done" it accepts and
     * passes the next. The link once took that for a protocol breach and dropped the link with the client
     * (the client read end of stream: the flaky failure of the test above). One worker, four clients
     * at a time, every one answered.
     */
    @Test
    void aWorkersNextClientArrivingAsTheExecutorFinishesThePreviousIsServed() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            PreforkEngine engine = PreforkEngine.start(config(1).build(), BuiltinHandlers.ECHO, threads);
            try {
                assertTrue(engine.awaitAccepting(Duration.ofSeconds(60)));
                int port = engine.boundPort(0);
                // Four clients at a time against one worker: its next client is always waiting in the queue.
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    int client = c;
                    clients.add(threads.submit(() -> {
                        for (int i = 0; i < 100; i++) {
                            String line = "client " + client + " request " + i;
                            assertEquals(line, LineClient.echoOnce(port, line));
                        }
                        return null;
                    }));
                }
                for (Future<?> client : clients) {
                    client.get(120, TimeUnit.SECONDS); // rethrows a failed or wrong answer
                }
            } finally {
                engine.stop();
            }
        } finally {
            threads.shutdownNow();
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
