package dev.prefork.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared scenarios on WildFly 39, on {@code server.java.home} (the build runs them twice: on JDK 17,
 * where the workers relay and run on the build's JDK through prefork.java_home, and on the build's JDK
 * 22+, where descriptors are passed), plus what only WildFly has: a system property applied to the running
 * pool without a redeploy, watched through the pool's MXBean over WildFly's remote JMX, 64 keep-alive
 * clients served at once with the sample server's thread and instance pools, and issue 10's slow clients
 * on the calculator MDB (with handoff descriptor).
 */
class WildFlyIT extends SampleScenarios {
    private static final ObjectName ECHO_POOL = objectName("dev.prefork:type=Pool,name=echo");
    private static final String ECHO_MAX_SERVERS = "prefork.echo.max_servers";
    private static final String CALCULATOR_FIRST_BYTE_TIMEOUT = "prefork.calculator.first_byte_timeout";
    private WildFlyServer wildfly;

    @Override
    protected AppServer createServer() {
        Path javaHome = Path.of(System.getProperty("server.java.home"));
        wildfly = new WildFlyServer(
                Path.of(System.getProperty("wildfly.home")),
                javaHome,
                Path.of(System.getProperty("wildfly.base.dir")).resolve("jdk" + featureVersion(javaHome)),
                Integer.getInteger("it.port.offset"),
                Path.of(System.getProperty("sample.ear")),
                serverJvmOptionsWithTestSettings(javaHome));
        return wildfly;
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Issue 10 on the MDB path: 200 connections that say nothing do not starve a normal client (they wait
     * in the first-byte poller, costing no WorkManager thread and no MDB), and are closed after
     * first_byte_timeout, here lowered to 3 s through a system property on the running pool (a live setting).
     */
    @Test
    @Order(32)
    void twoHundredSilentConnectionsStarveNoCalculatorClientAndAreClosedAfterFirstByteTimeout() throws Exception {
        Assumptions.assumeTrue(featureVersion(server.javaHome()) >= 22,
                "relay (WildFly on JDK 17) keeps one client per worker: max_clients needs handoff descriptor");
        long supervisor = supervisors().get("calculator").pid();
        wildfly.systemProperty(CALCULATOR_FIRST_BYTE_TIMEOUT, "3");
        try {
            Await.until("the calculator pool to take first_byte_timeout 3 (config_refresh)", PROCESS_WAIT,
                    () -> logText().contains("calculator: first_byte_timeout changed from 60 to 3"), () -> "no such log line");
            // Bounds: ten times the p99 target (50 ms) for a loaded 2-core machine; before max_clients
            // the normal client was never served at all.
            SlowClients.silentConnectionsBesideANormalClient(CALCULATOR_PORT, "6*7", "42", 200, 50, Duration.ofMillis(500),
                    Duration.ofSeconds(3), Duration.ofSeconds(60));
        } finally {
            wildfly.systemProperty(CALCULATOR_FIRST_BYTE_TIMEOUT, null);
        }
        assertEquals(supervisor, supervisors().get("calculator").pid(), "the same pool throughout: no redeploy");
        assertTrue(logText().contains("closed the connection from 127.0.0.1:"), "first-byte timeouts are logged");
    }

    /** Issue 10 on the MDB path: 20 clients holding their connection 2 s beside 4 normal clients. */
    @Test
    @Order(33)
    void twentyHoldersBesideFourNormalCalculatorClients() throws Exception {
        Assumptions.assumeTrue(featureVersion(server.javaHome()) >= 22,
                "relay (WildFly on JDK 17) keeps one client per worker: max_clients needs handoff descriptor");
        // Ten times the p99 target (20 ms); with one client per worker it was about 2 s.
        SlowClients.holdersBesideNormalClients(CALCULATOR_PORT, "6*7", "42", 20, Duration.ofSeconds(2), 4, 25,
                Duration.ofMillis(1000));
    }

    @Test
    @Order(34)
    void aSystemPropertyChangeResizesTheRunningPoolWithoutARedeploy() throws Exception {
        // The same supervisor before and after is what shows there was no redeploy. Worker pids are no
        // evidence either way here: this suite's echo endpoint recycles workers after 5 connections, so
        // one may be leaving from the previous test when this one starts.
        long supervisor = supervisors().get("echo").pid();
        try (JMXConnector jmx = jmx()) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            assertTrue(mbeans.isRegistered(ECHO_POOL), "the echo pool's MXBean is in WildFly's platform MBeanServer");
            assertEquals(2, mbeans.getAttribute(ECHO_POOL, "MaxServers"));
            // An operator sets the system property in the management model (CLI or console) and does
            // not redeploy: within config_refresh (default 5 s) the running pool grows to it.
            wildfly.systemProperty(ECHO_MAX_SERVERS, "3");
            try {
                awaitLivePool(mbeans, supervisor, 3, Duration.ofSeconds(30));
                try (LineClient client = new LineClient(ECHO_PORT)) {
                    assertEquals("resized", client.ask("resized"));
                }
            } finally {
                wildfly.systemProperty(ECHO_MAX_SERVERS, null);
            }
            // Without the property the MDB's own activation config (max_servers=4) applies again, live too.
            awaitLivePool(mbeans, supervisor, 4, Duration.ofSeconds(30));
            assertEquals(supervisor, supervisors().get("echo").pid(), "the same supervisor: no redeploy");
            assertTrue(logText().contains("echo: max_servers changed from 2 to 3 (MicroProfile Config prefork.echo.max_servers"),
                    "the log says what changed, old and new value, and where it came from");
        }
    }

    /**
     * Issue 9, fault 9: with 64 workers WildFly's defaults starved 29 of 64 keep-alive clients (50
     * long-running WorkManager threads, an MDB pool sized from the CPU count). With the sample server's
     * settings (long-running threads and mdb-strict-max-pool raised, see the pom) every worker serves one
     * of 64 clients that all stay connected.
     */
    @Test
    @Order(36)
    void sixtyFourKeepAliveClientsAreServedAtOnceBySixtyFourWorkers() throws Exception {
        int workers = 64;
        long supervisor = supervisors().get("echo").pid();
        List<LineClient> clients = new CopyOnWriteArrayList<>();
        try (JMXConnector jmx = jmx()) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            wildfly.systemProperty(ECHO_MAX_SERVERS, Integer.toString(workers));
            try {
                // 64 worker JVMs starting on two cores shared with the server: minutes, not seconds.
                awaitLivePool(mbeans, supervisor, workers, Duration.ofMinutes(8));
                AtomicLong slowest = new AtomicLong();
                List<Callable<String>> connect = new ArrayList<>();
                for (int c = 0; c < workers; c++) {
                    int n = c;
                    connect.add(() -> {
                        // A worker's first connection loads its classes: 64 at once on two busy cores take long.
                        LineClient client = new LineClient(ECHO_PORT).patient(Duration.ofSeconds(100));
                        clients.add(client);
                        long asked = System.nanoTime();
                        String answer = client.ask("client " + n);
                        slowest.accumulateAndGet(System.nanoTime() - asked, Math::max);
                        return answer;
                    });
                }
                List<String> answers = runAll(connect);
                System.out.printf("64 keep-alive clients at once: the slowest first answer took %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(slowest.get()));
                for (int c = 0; c < workers; c++) {
                    assertEquals("client " + c, answers.get(c), "client " + c + " of " + workers + ", all connected at once");
                }
                // Still every one of them, with all the others connected.
                for (int c = 0; c < clients.size(); c++) {
                    assertEquals("again " + c, clients.get(c).ask("again " + c));
                }
            } finally {
                for (LineClient client : clients) {
                    client.close();
                }
                wildfly.systemProperty(ECHO_MAX_SERVERS, null);
            }
            awaitLivePool(mbeans, supervisor, 4, Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(65)
    void noPoolMXBeanIsLeftAfterTheUndeploy() throws Exception {
        try (JMXConnector jmx = jmx()) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            assertFalse(mbeans.isRegistered(ECHO_POOL), "no echo MXBean after undeploy");
            assertTrue(mbeans.queryNames(new ObjectName("dev.prefork:type=Pool,*"), null).isEmpty(),
                    "no Prefork MXBean at all after undeploy");
        }
    }

    /** Waits (bounded) until the MXBean reports {@code maxServers} and the supervisor has that many workers. */
    private void awaitLivePool(MBeanServerConnection mbeans, long supervisor, int maxServers, Duration wait) {
        long started = System.nanoTime();
        Await.until("the echo pool at " + maxServers + " workers without a redeploy", wait, () ->
                        Integer.valueOf(maxServers).equals(attribute(mbeans, "MaxServers"))
                                && ProcessTable.workers(supervisor).size() == maxServers,
                () -> "MaxServers " + attribute(mbeans, "MaxServers") + ", workers " + pids(ProcessTable.workers(supervisor)));
        System.out.printf("the echo pool reached %d workers %d ms after the change%n", maxServers, millisSince(started));
    }

    private static Object attribute(MBeanServerConnection mbeans, String name) {
        try {
            return mbeans.getAttribute(ECHO_POOL, name);
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** WildFly's platform MBeanServer over remoting (remoting-jmx on the test's class path), as jconsole reaches it. */
    private JMXConnector jmx() throws IOException {
        return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:remote+http://127.0.0.1:" + wildfly.managementPort()));
    }
}
