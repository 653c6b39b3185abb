package dev.prefork.it;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample EAR on a real WildFly (provisioned by the build, on JDK 17 when the machine has one), talked
 * to over real TCP. The server gets its test settings as MicroProfile Config system properties (see
 * arquillian.xml): the MDBs on ports {@code it.calculator.port} / {@code it.echo.port}, the echo pool at
 * 2 workers of {@code max_requests} 5, and the workers' JDK as {@code prefork.java_home}.
 *
 * <p>The tests run in order on one deployment; the last undeploys it. Whatever happens, {@link #cleanUp()}
 * undeploys and kills every supervisor and worker process any test saw.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleEarIT {
    private static final String DEPLOYMENT = "sample";
    private static final Path WILDFLY_HOME = Path.of(System.getProperty("wildfly.home"));
    private static final Path WILDFLY_JAVA_HOME = Path.of(System.getProperty("wildfly.java.home"));
    private static final Path WORKERS_JAVA_HOME = Path.of(System.getProperty("workers.java.home"));
    /** handoff auto: the server passes descriptors when it runs on JDK 22+, else the workers relay. */
    private static final String EXPECTED_HANDOFF = featureVersion(WILDFLY_JAVA_HOME) >= 22 ? "descriptor" : "relay";
    private static final int CALCULATOR_PORT = Integer.getInteger("it.calculator.port");
    private static final int ECHO_PORT = Integer.getInteger("it.echo.port");
    private static final Duration PROCESS_WAIT = Duration.ofSeconds(60);
    private static final ObjectName ECHO_POOL = objectName("dev.prefork:type=Pool,name=echo");

    /** Every supervisor and worker pid seen, so that clean-up can kill what an undeploy left. */
    private static final Set<Long> SEEN_PIDS = ConcurrentSet.create();
    private static Set<Path> runtimeDirsBefore;
    /** Where this run's part of server.log starts: the file grows across runs of the same server directory. */
    private static long logStart;
    private static volatile Deployer lastDeployer;
    private static volatile boolean deployed;

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @Deployment(name = DEPLOYMENT, managed = false, testable = false)
    static EnterpriseArchive sampleEar() {
        return ShrinkWrap.createFromZipFile(EnterpriseArchive.class, new File(System.getProperty("sample.ear")));
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The feature version of the JDK at {@code javaHome}, from its release file. */
    private static int featureVersion(Path javaHome) {
        try {
            for (String line : Files.readAllLines(javaHome.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=\"")) {
                    String version = line.substring("JAVA_VERSION=\"".length());
                    return Integer.parseInt(version.split("[.\"]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the JDK version of " + javaHome, e);
        }
        throw new IllegalStateException("no JAVA_VERSION in " + javaHome.resolve("release"));
    }

    @Test
    @Order(1)
    void deployStartsOneSupervisorPerMdbWithItsWorkersOnTheWorkerJdk() throws Exception {
        runtimeDirsBefore = runtimeDirs();
        logStart = Files.size(WILDFLY_HOME.resolve("standalone/log/server.log"));
        deploy();
        ProcessTable.Proc server = wildfly();
        assertEquals(WILDFLY_JAVA_HOME.resolve("bin/java").toRealPath(), server.exe().toRealPath(),
                "WildFly runs on the JDK the build chose for it (JDK 17 when the machine has one)");

        Map<String, ProcessTable.Proc> supervisors = awaitPools(server.pid(), Map.of("calculator", 4, "echo", 2));
        for (ProcessTable.Proc supervisor : supervisors.values()) {
            assertEquals(WORKERS_JAVA_HOME.resolve("bin/java").toRealPath(), supervisor.exe().toRealPath(),
                    "the supervisor runs on java_home (prefork.java_home), not on the server's JDK");
            for (ProcessTable.Proc worker : ProcessTable.workers(supervisor.pid())) {
                assertEquals(WORKERS_JAVA_HOME.resolve("bin/java").toRealPath(), worker.exe().toRealPath());
                // Descriptor-passing workers are the ones allowed native calls without a warning.
                assertEquals(EXPECTED_HANDOFF.equals("descriptor"), worker.cmdline().contains("--illegal-native-access=allow"),
                        "handoff " + EXPECTED_HANDOFF + " on a server on JDK " + featureVersion(WILDFLY_JAVA_HOME) + ": " + worker.cmdline());
            }
        }
        String log = serverLog();
        assertTrue(log.contains("handoff " + EXPECTED_HANDOFF), "the server log names handoff " + EXPECTED_HANDOFF);
        assertTrue(log.contains("[supervisor " + supervisors.get("echo").pid() + " echo]"),
                "supervisor output reaches the server log tagged with its pid");
    }

    @Test
    @Order(2)
    void calculatorAnswersConcurrentClientsAndSurvivesBadInput() throws Exception {
        List<Callable<List<String>>> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int n = c;
            clients.add(() -> {
                try (LineClient client = new LineClient(CALCULATOR_PORT)) {
                    return List.of(
                            client.ask("6*7"),
                            client.ask(n + " * (2 + 3) ** 2"),
                            client.ask("2 +"),
                            client.ask("system('rm -rf /')"),
                            client.ask("1/0"),
                            client.ask("7/2*2"),
                            client.ask("0x10 + 010 - 0b11"));
                }
            });
        }
        List<List<String>> answers = runAll(clients);
        for (int c = 0; c < answers.size(); c++) {
            List<String> a = answers.get(c);
            assertEquals("42", a.get(0));
            assertEquals(Integer.toString(c * 25), a.get(1));
            assertTrue(a.get(2).startsWith("error: "), a.get(2));
            assertTrue(a.get(3).startsWith("error: "), a.get(3));
            assertEquals("error: Illegal division by zero", a.get(4));
            assertEquals("7", a.get(5), "the connection stays usable after errors");
            assertEquals("21", a.get(6));
        }
    }

    @Test
    @Order(3)
    void echoServesConcurrentClientsAndRecyclesWorkersAfterMaxRequests() throws Exception {
        long supervisor = supervisors().get("echo").pid();
        Set<Long> first = pids(ProcessTable.workers(supervisor));
        assertEquals(2, first.size(), "prefork.echo.max_servers=2 overrides the MDB's max_servers=4");

        List<Callable<List<String>>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int n = c;
            clients.add(() -> {
                List<String> echoed = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    try (LineClient client = new LineClient(ECHO_PORT)) {
                        echoed.add(client.ask("client " + n + " line " + i));
                        echoed.add(client.ask("second line " + i));
                    }
                }
                return echoed;
            });
        }
        List<List<String>> answers = runAll(clients);
        for (int c = 0; c < answers.size(); c++) {
            for (int i = 0; i < 10; i++) {
                assertEquals("client " + c + " line " + i, answers.get(c).get(2 * i));
                assertEquals("second line " + i, answers.get(c).get(2 * i + 1));
            }
        }
        // 40 connections on 2 workers of max_requests 5: each first worker left long ago and was replaced.
        Await.until("the first echo workers to exit and the pool to refill to 2", PROCESS_WAIT,
                () -> first.stream().noneMatch(ProcessTable::alive) && ProcessTable.workers(supervisor).size() == 2,
                () -> "first " + first + ", now " + pids(ProcessTable.workers(supervisor)));
        Set<Long> now = pids(ProcessTable.workers(supervisor));
        assertTrue(now.stream().noneMatch(first::contains), "recycled workers are new processes: " + first + " -> " + now);
    }

    /**
     * Issue 10 on the MDB path: 200 connections that say nothing do not starve a normal client (they wait
     * in the first-byte poller, costing no WorkManager thread and no MDB), and are closed after
     * first_byte_timeout, here lowered to 3 s through a system property on the running pool (a live setting).
     */
    @Test
    @Order(4)
    void twoHundredSilentConnectionsStarveNoCalculatorClientAndAreClosedAfterFirstByteTimeout() throws Exception {
        Assumptions.assumeTrue(EXPECTED_HANDOFF.equals("descriptor"),
                "relay (WildFly on JDK 17) keeps one client per worker: max_clients needs handoff descriptor");
        long supervisor = supervisors().get("calculator").pid();
        execute(systemProperty("prefork.calculator.first_byte_timeout", "add", "3"));
        try {
            Await.until("the calculator pool to take first_byte_timeout 3 (config_refresh)", PROCESS_WAIT,
                    () -> logContains("calculator: first_byte_timeout changed from 60 to 3"), () -> "no such log line");
            // Bounds: ten times the p99 target (50 ms) for a loaded 2-core machine; before max_clients
            // the normal client was never served at all.
            SlowClients.silentConnectionsBesideANormalClient(CALCULATOR_PORT, "6*7", "42", 200, 50, Duration.ofMillis(500),
                    Duration.ofSeconds(3), Duration.ofSeconds(60));
        } finally {
            execute(systemProperty("prefork.calculator.first_byte_timeout", "remove", null));
        }
        assertEquals(supervisor, supervisors().get("calculator").pid(), "the same pool throughout: no redeploy");
        assertTrue(serverLog().contains("closed the connection from 127.0.0.1:"), "first-byte timeouts are logged");
    }

    /** Issue 10 on the MDB path: 20 clients holding their connection 2 s beside 4 normal clients. */
    @Test
    @Order(5)
    void twentyHoldersBesideFourNormalCalculatorClients() throws Exception {
        Assumptions.assumeTrue(EXPECTED_HANDOFF.equals("descriptor"),
                "relay (WildFly on JDK 17) keeps one client per worker: max_clients needs handoff descriptor");
        // Ten times the p99 target (20 ms); with one client per worker it was about 2 s.
        SlowClients.holdersBesideNormalClients(CALCULATOR_PORT, "6*7", "42", 20, Duration.ofSeconds(2), 4, 25,
                Duration.ofMillis(1000));
    }

    @Test
    @Order(6)
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
            execute(systemProperty("add", "3"));
            try {
                awaitLivePool(mbeans, supervisor, 3, Duration.ofSeconds(30));
                try (LineClient client = new LineClient(ECHO_PORT)) {
                    assertEquals("resized", client.ask("resized"));
                }
            } finally {
                execute(systemProperty("remove", null));
            }
            // Without the property the MDB's own activation config (max_servers=4) applies again, live too.
            awaitLivePool(mbeans, supervisor, 4, Duration.ofSeconds(30));
            assertEquals(supervisor, supervisors().get("echo").pid(), "the same supervisor: no redeploy");
            assertTrue(serverLog().contains("echo: max_servers changed from 2 to 3 (MicroProfile Config prefork.echo.max_servers"),
                    "the log says what changed, old and new value, and where it came from");
        }
    }

    /** Waits (bounded) until the MXBean reports {@code maxServers} and the supervisor has that many workers. */
    private static void awaitLivePool(MBeanServerConnection mbeans, long supervisor, int maxServers, Duration wait) {
        long started = System.nanoTime();
        Await.until("the echo pool at " + maxServers + " workers without a redeploy", wait, () ->
                        Integer.valueOf(maxServers).equals(attribute(mbeans, "MaxServers"))
                                && ProcessTable.workers(supervisor).size() == maxServers,
                () -> "MaxServers " + attribute(mbeans, "MaxServers") + ", workers " + pids(ProcessTable.workers(supervisor)));
        System.out.printf("the echo pool reached %d workers %d ms after the change%n", maxServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private static Object attribute(MBeanServerConnection mbeans, String name) {
        try {
            return mbeans.getAttribute(ECHO_POOL, name);
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** WildFly's platform MBeanServer over remoting (service:jmx:remote+http on the management port). */
    private JMXConnector jmx() throws IOException {
        return JMXConnectorFactory.connect(management.getRemoteJMXURL());
    }

    /**
     * Issue 9, fault 9: with 64 workers WildFly's defaults starved 29 of 64 keep-alive clients (50
     * long-running WorkManager threads, an MDB pool sized from the CPU count). With the sample server's
     * settings (long-running threads and mdb-strict-max-pool raised, see the pom) every worker serves one
     * of 64 clients that all stay connected.
     */
    @Test
    @Order(7)
    void sixtyFourKeepAliveClientsAreServedAtOnceBySixtyFourWorkers() throws Exception {
        int workers = 64;
        long supervisor = supervisors().get("echo").pid();
        List<LineClient> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (JMXConnector jmx = jmx()) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            execute(systemProperty("add", Integer.toString(workers)));
            try {
                // 64 worker JVMs starting on two cores shared with the server: minutes, not seconds.
                awaitLivePool(mbeans, supervisor, workers, Duration.ofMinutes(8));
                java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
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
                execute(systemProperty("remove", null));
            }
            awaitLivePool(mbeans, supervisor, 4, Duration.ofMinutes(2));
        }
    }

    @Test
    @Order(8)
    void aSettingChangedThroughMicroProfileConfigAppliesAtTheNextDeployment() throws Exception {
        String log = serverLog();
        assertTrue(log.contains("max_requests=500 (MicroProfile Config prefork.calculator.max_requests from PropertiesConfigSource"),
                "the EJB jar's META-INF/microprofile-config.properties is read");
        assertTrue(log.contains("max_servers=4 (activation config property max_servers)"), "calculator keeps its activation config");
        assertTrue(log.contains("max_servers=2 (MicroProfile Config prefork.echo.max_servers from SysPropConfigSource)"));
        assertTrue(log.matches("(?s).*MicroProfile Config: smallrye-config-core \\S+ from \\S*prefork-connector\\.rar/smallrye-config-core-.*"),
                "the adapter runs with the SmallRye Config inside the .rar, not the server's");

        // An operator changes the system property in the management model and redeploys.
        execute(systemProperty("add", "3"));
        try {
            // A client still connected: its delivery (one MDB invocation per connection) is in flight, and
            // WildFly's undeploy waits for MDB invocations before it deactivates the endpoint. The
            // documented way: stop-delivery first, which deactivates at once; the worker may finish the
            // connection for graceful_shutdown_timeout (3 s here), then it is cut off.
            try (LineClient connected = new LineClient(CALCULATOR_PORT)) {
                assertEquals("2", connected.ask("1+1"));
                long started = System.nanoTime();
                for (String bean : List.of("CalculatorBean", "EchoBean")) {
                    execute(stopDelivery(bean));
                }
                assertTrue(connected.closedByServer(), "the server closed the connected client");
                undeploy();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                System.out.printf("stop-delivery and undeploy with a connected client took %d ms%n", millis);
                assertTrue(millis < 30_000, "stop-delivery and undeploy took " + millis + " ms");
            }
            // A bad value fails the deployment, naming the setting, the value and where it came from, and
            // leaves no process behind (the calculator's pool, started alongside, is stopped again).
            execute(systemProperty("write-attribute", "0"));
            Exception refused = assertThrows(Exception.class, this::deploy);
            deployed = false;
            String failure = serverLog();
            assertTrue(failure.contains("max_servers='0' is not valid: must be a whole number from 1 to 1024"
                    + " [set by MicroProfile Config prefork.echo.max_servers from SysPropConfigSource]"), String.valueOf(refused));
            Await.until("no supervisor after the failed deployment", PROCESS_WAIT,
                    () -> ProcessTable.supervisors(wildfly().pid()).isEmpty(), () -> ProcessTable.supervisors(wildfly().pid()).keySet());

            execute(systemProperty("write-attribute", "3"));
            deploy();
            Map<String, ProcessTable.Proc> supervisors = awaitPools(wildfly().pid(), Map.of("calculator", 4, "echo", 3));
            assertEquals(3, ProcessTable.workers(supervisors.get("echo").pid()).size());
            try (LineClient client = new LineClient(ECHO_PORT)) {
                assertEquals("still echoing", client.ask("still echoing"));
            }
        } finally {
            execute(systemProperty("remove", null));
        }
    }

    @Test
    @Order(9)
    void undeployEndsEveryProcessAndClosesEveryPort() throws Exception {
        Map<String, ProcessTable.Proc> supervisors = supervisors();
        Set<Long> pids = new HashSet<>();
        for (ProcessTable.Proc supervisor : supervisors.values()) {
            pids.add(supervisor.pid());
            pids.addAll(pids(ProcessTable.workers(supervisor.pid())));
        }
        Set<Path> ours = new HashSet<>(runtimeDirs());
        ours.removeAll(runtimeDirsBefore);
        assertFalse(ours.isEmpty(), "each endpoint made a private directory");
        assertTrue(pids.size() >= 2 + 4 + 3, "supervisors and workers before undeploy: " + pids);

        // A plain undeploy with a client connected: WildFly waits for the connection's MDB invocation and
        // meanwhile rejects new ones. The next client to arrive is answered busy, and the adapter takes
        // the rejection as the sign to stop the pool, which ends the connection and lets the undeploy go on.
        try (LineClient connected = new LineClient(CALCULATOR_PORT)) {
            assertEquals("2", connected.ask("1+1"));
            ExecutorService poller = Executors.newSingleThreadExecutor();
            try {
                Future<String> busy = poller.submit(SampleEarIT::awaitBusyAnswer);
                long started = System.nanoTime();
                undeploy();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                System.out.printf("undeploy with a connected client took %d ms%n", millis);
                assertTrue(busy.get(60, TimeUnit.SECONDS).startsWith("busy: calculator is shutting down"), busy.get());
                assertTrue(millis < 60_000, "undeploy took " + millis + " ms");
            } finally {
                poller.shutdownNow();
            }
            assertTrue(connected.closedByServer(), "the server closed the connected client");
        }

        Await.until("every supervisor and worker to exit", PROCESS_WAIT,
                () -> pids.stream().noneMatch(ProcessTable::alive),
                () -> pids.stream().filter(ProcessTable::alive).toList());
        assertTrue(ProcessTable.supervisors(wildfly().pid()).isEmpty());
        assertFalse(LineClient.accepting(CALCULATOR_PORT), "calculator port closed");
        assertFalse(LineClient.accepting(ECHO_PORT), "echo port closed");
        Set<Path> left = new HashSet<>(ours);
        left.retainAll(runtimeDirs());
        assertTrue(left.isEmpty(), "private directories removed: " + left);
        try (JMXConnector jmx = jmx()) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            assertFalse(mbeans.isRegistered(ECHO_POOL), "no echo MXBean after undeploy");
            assertTrue(mbeans.queryNames(new ObjectName("dev.prefork:type=Pool,*"), null).isEmpty(),
                    "no Prefork MXBean at all after undeploy");
        }
    }

    @AfterAll
    static void cleanUp() {
        if (deployed && lastDeployer != null) {
            try {
                lastDeployer.undeploy(DEPLOYMENT);
            } catch (RuntimeException e) {
                System.err.println("clean-up: undeploy failed: " + e);
            }
        }
        for (long pid : SEEN_PIDS) {
            ProcessHandle.of(pid).ifPresent(p -> {
                System.err.println("clean-up: killing leftover process " + pid);
                p.destroyForcibly();
            });
        }
    }

    // --- helpers ---

    private void deploy() {
        lastDeployer = deployer;
        long started = System.nanoTime();
        deployer.deploy(DEPLOYMENT);
        deployed = true;
        System.out.printf("deploy took %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void undeploy() {
        deployer.undeploy(DEPLOYMENT);
        deployed = false;
    }

    private static ProcessTable.Proc wildfly() {
        return ProcessTable.wildfly(WILDFLY_HOME).orElseThrow(() -> new AssertionError("no WildFly process from " + WILDFLY_HOME));
    }

    private static Map<String, ProcessTable.Proc> supervisors() {
        Map<String, ProcessTable.Proc> supervisors = ProcessTable.supervisors(wildfly().pid());
        for (ProcessTable.Proc s : supervisors.values()) {
            SEEN_PIDS.add(s.pid());
            ProcessTable.workers(s.pid()).forEach(w -> SEEN_PIDS.add(w.pid()));
        }
        return supervisors;
    }

    /** Waits until each named endpoint has a supervisor under the server with the given number of workers. */
    private static Map<String, ProcessTable.Proc> awaitPools(long serverPid, Map<String, Integer> workersByName) {
        Await.until("supervisors " + workersByName.keySet() + " with " + workersByName.values() + " workers", PROCESS_WAIT, () -> {
            Map<String, ProcessTable.Proc> now = supervisors();
            return now.keySet().equals(workersByName.keySet()) && workersByName.entrySet().stream()
                    .allMatch(e -> ProcessTable.workers(now.get(e.getKey()).pid()).size() == e.getValue());
        }, () -> supervisors().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> pids(ProcessTable.workers(e.getValue().pid())))));
        return supervisors();
    }

    private static Set<Long> pids(List<ProcessTable.Proc> procs) {
        Set<Long> pids = procs.stream().map(ProcessTable.Proc::pid).collect(Collectors.toSet());
        SEEN_PIDS.addAll(pids);
        return pids;
    }

    private static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = pool.invokeAll(tasks, 120, TimeUnit.SECONDS);
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The endpoints' private directories, in this test server's own runtime_dir. */
    private static Set<Path> runtimeDirs() throws IOException {
        Path runtimeDir = Path.of(System.getProperty("it.runtime.dir"));
        if (!Files.isDirectory(runtimeDir)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(runtimeDir)) {
            return dirs.filter(p -> p.getFileName().toString().matches("prefork-(calculator|echo)-\\d+")).collect(Collectors.toSet());
        }
    }

    /** Whether the server has logged {@code text} since the sample was deployed (an unreadable log says no). */
    private static boolean logContains(String text) {
        try {
            return serverLog().contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** What the server logged since this test class deployed the sample. */
    private static String serverLog() throws IOException {
        byte[] log = Files.readAllBytes(WILDFLY_HOME.resolve("standalone/log/server.log"));
        int from = (int) Math.min(logStart, log.length);
        return new String(log, from, log.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static ModelNode systemProperty(String operation, String value) {
        return systemProperty("prefork.echo.max_servers", operation, value);
    }

    private static ModelNode systemProperty(String key, String operation, String value) {
        ModelNode op = new ModelNode();
        op.get("operation").set(operation);
        op.get("address").add("system-property", key);
        if (operation.equals("write-attribute")) {
            op.get("name").set("value");
        }
        if (value != null) {
            op.get("value").set(value);
        }
        return op;
    }

    /** Connects to the calculator again and again until it answers busy (the first answer that is not "2"). */
    private static String awaitBusyAnswer() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (LineClient client = new LineClient(CALCULATOR_PORT)) {
                String answer = client.ask("1+1");
                if (!answer.equals("2")) {
                    return answer;
                }
            } catch (IOException e) {
                return "no answer: " + e;
            }
            Thread.sleep(200); // the undeploy has not reached the MDB yet: nothing to wait on but time
        }
        return "still answering after 60 s";
    }

    private static ModelNode stopDelivery(String bean) {
        ModelNode op = new ModelNode();
        op.get("operation").set("stop-delivery");
        ModelNode address = op.get("address");
        address.add("deployment", "prefork-sample.ear");
        address.add("subdeployment", "prefork-sample-ejb.jar");
        address.add("subsystem", "ejb3");
        address.add("message-driven-bean", bean);
        return op;
    }

    private void execute(ModelNode op) throws IOException {
        ModelNode result = management.getControllerClient().execute(op);
        assertEquals("success", result.get("outcome").asString(), result.toString());
    }

    /** A thread-safe set (the tests' client threads record pids too). */
    private static final class ConcurrentSet {
        static <T> Set<T> create() {
            return java.util.concurrent.ConcurrentHashMap.newKeySet();
        }
    }
}
