package dev.prefork.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample EAR's integration scenarios, written once and run against every server (a subclass per
 * server supplies the {@link AppServer}). Talks to the MDBs over real TCP and checks the processes in
 * /proc. The server gets its test settings as MicroProfile Config system properties: the MDBs on
 * {@code it.calculator.port} / {@code it.echo.port}, the echo pool at 2 workers of {@code max_requests}
 * 5, the calculator's dequeue report every second, {@code graceful_shutdown_timeout} 3, the private directories under {@code it.runtime.dir}, and the
 * workers' JDK as {@code prefork.java_home}.
 *
 * <p>The tests run in order on one server; the last undeploys. Whatever happens, {@link #stopServer()}
 * stops the server and kills every supervisor and worker process any test saw.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class SampleScenarios {
    protected static final int CALCULATOR_PORT = Integer.getInteger("it.calculator.port");
    protected static final int ECHO_PORT = Integer.getInteger("it.echo.port");
    protected static final Path WORKERS_JAVA_HOME = Path.of(System.getProperty("workers.java.home"));
    protected static final Path RUNTIME_DIR = Path.of(System.getProperty("it.runtime.dir"));
    protected static final Duration PROCESS_WAIT = Duration.ofSeconds(60);
    /** Scenarios that exercise the server's configuration tools rather than the delivery path. */
    public static final String SERVER_CONFIG = "server-config";

    /** Every supervisor and worker pid seen, so that clean-up can kill what an undeploy left. */
    private final Set<Long> seenPids = ConcurrentHashMap.newKeySet();
    private Set<Path> runtimeDirsBefore;
    protected AppServer server;
    /** The echo pool's size: 2 from the suite's settings, 3 once the MicroProfile Config scenario ran. */
    protected int echoWorkers = 2;
    private Thread shutdownHook;

    /** The server under test, not started yet. */
    protected abstract AppServer createServer() throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        runtimeDirsBefore = runtimeDirs();
        server = createServer();
        // Should this JVM be stopped (a forked-process timeout, Ctrl-C), the server goes with it: SIGTERM,
        // which both servers take as a shutdown (endpoints deactivated, so the supervisors stop too). Quick,
        // as a hook must be: a stop command could be cut short along with this JVM.
        AppServer started0 = server;
        shutdownHook = new Thread(() -> {
            try {
                ProcessHandle.of(started0.pid()).ifPresent(ProcessHandle::destroy);
            } catch (RuntimeException e) {
                // not started yet
            }
        }, "stop " + server.name());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        long started = System.nanoTime();
        server.start();
        System.out.printf("[%s] boot took %d ms%n", server.name(), millisSince(started));
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        for (long pid : seenPids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                System.err.println("clean-up: killing leftover process " + pid);
                p.destroyForcibly();
            });
        }
    }

    /**
     * The suite's settings, given to the server as MicroProfile Config system properties, the way an
     * operator would retune the sample without rebuilding it: per endpoint ({@code prefork.echo.*}, over
     * the MDBs' activation config) and global ({@code prefork.java_home} for the workers' JDK).
     */
    protected static Map<String, String> testSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("prefork.java_home", WORKERS_JAVA_HOME.toString());
        settings.put("prefork.calculator.port", "127.0.0.1:" + CALCULATOR_PORT);
        settings.put("prefork.echo.port", "127.0.0.1:" + ECHO_PORT);
        settings.put("prefork.echo.max_servers", "2");
        settings.put("prefork.echo.max_requests", "5");
        settings.put("prefork.calculator.check_for_dequeue", "1"); // its reports every second instead of every minute
        settings.put("prefork.graceful_shutdown_timeout", "3");
        settings.put("prefork.runtime_dir", RUNTIME_DIR.toString());
        return settings;
    }

    /**
     * JVM options for a test server on {@code javaHome}: a small heap, C1 only and the serial GC (the suite
     * boots and deploys on two shared cores), and on JDK 22+ native access for the descriptor bridge
     * (FFM), allowed without a warning.
     */
    protected static List<String> serverJvmOptions(Path javaHome) {
        List<String> options = new ArrayList<>(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (featureVersion(javaHome) >= 22) {
            options.add("--enable-native-access=ALL-UNNAMED");
        }
        return options;
    }

    /** {@link #serverJvmOptions} followed by {@link #testSettings()} as {@code -D} options. */
    protected static List<String> serverJvmOptionsWithTestSettings(Path javaHome) {
        List<String> options = serverJvmOptions(javaHome);
        testSettings().forEach((key, value) -> options.add("-D" + key + "=" + value));
        return options;
    }

    /** The feature version of the JDK at {@code javaHome}, from its release file. */
    public static int featureVersion(Path javaHome) {
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

    /**
     * How the supervisor of {@code supervisorPid} passes descriptors, as the adapter announced it in the server log:
     * {@code message}, {@code pidfd}, or {@code none} for a relaying pool.
     */
    private String announcedTransfer(long supervisorPid) {
        Pattern started = Pattern.compile("supervisor pid " + supervisorPid
                + " listening on .*?handoff \\w+(?: \\(descriptor transfer (\\w+)\\))?");
        Await.until("the server log to announce supervisor " + supervisorPid, PROCESS_WAIT,
                () -> started.matcher(logText()).find(), () -> "no such log line");
        Matcher announced = started.matcher(logText());
        assertTrue(announced.find());
        return announced.group(1) != null ? announced.group(1) : "none";
    }

    @Test
    @Order(10)
    void deployStartsOneSupervisorPerMdbWithItsWorkersOnTheWorkerJdkAndTheExpectedHandoff() throws Exception {
        deploy();
        ProcessTable.Proc proc = ProcessTable.all().stream().filter(p -> p.pid() == server.pid()).findFirst().orElseThrow();
        assertEquals(server.javaHome().resolve("bin/java").toRealPath(), proc.exe().toRealPath(),
                server.name() + " runs on the JDK the build chose for it");
        // handoff auto: descriptors are passed where the server runs on JDK 22+, else the workers relay.
        String expectedHandoff = featureVersion(server.javaHome()) >= 22 ? "descriptor" : "relay";
        System.out.printf("[%s] expecting handoff %s%n", server.name(), expectedHandoff);

        Map<String, ProcessTable.Proc> supervisors = awaitPools(Map.of("calculator", 4, "echo", 2));
        for (ProcessTable.Proc supervisor : supervisors.values()) {
            assertEquals(WORKERS_JAVA_HOME.resolve("bin/java").toRealPath(), supervisor.exe().toRealPath(),
                    "the supervisor runs on java_home (prefork.java_home or the server's own JDK 22+)");
            String transfer = announcedTransfer(supervisor.pid());
            for (ProcessTable.Proc worker : ProcessTable.workers(supervisor.pid())) {
                assertEquals(WORKERS_JAVA_HOME.resolve("bin/java").toRealPath(), worker.exe().toRealPath());
                // Only a worker that receives descriptors in messages makes native calls and is allowed them;
                // a pidfd worker names its socket's descriptor through sun.nio.ch instead; a relay worker needs neither.
                String cmdline = worker.cmdline();
                String what = "handoff " + expectedHandoff + " (transfer " + transfer + ") on " + server.name() + ": " + cmdline;
                assertEquals(expectedHandoff.equals("descriptor") && transfer.equals("message"),
                        cmdline.contains("native-access="), what);
                assertEquals(expectedHandoff.equals("descriptor") && transfer.equals("pidfd"),
                        cmdline.contains("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED"), what);
            }
        }
        String log = server.log();
        assertTrue(log.contains("handoff " + expectedHandoff), "the server log names handoff " + expectedHandoff);
        assertTrue(log.contains("[supervisor " + supervisors.get("echo").pid() + " echo]"),
                "supervisor output reaches the server log tagged with its pid");
    }

    @Test
    @Order(20)
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

    /**
     * The calculator implements PreforkDequeue: the adapter calls its runDequeue() through the WorkManager
     * every check_for_dequeue seconds (1 here, through MicroProfile Config), and each call logs a report.
     */
    @Test
    @Order(25)
    void calculatorsDequeueJobReportsEverySecondThroughTheWorkManager() {
        Await.until("two of the calculator's dequeue reports", PROCESS_WAIT,
                () -> count(logText(), "calculator: report #") >= 2, () -> count(logText(), "calculator: report #") + " so far");
        String log = logText();
        assertTrue(log.contains("check_for_dequeue=1 (MicroProfile Config prefork.calculator.check_for_dequeue from SysPropConfigSource"),
                "the system property overrides the MDB's check_for_dequeue=60");
        assertTrue(log.contains("calculator: dequeue: runDequeue() every 1 s on a WorkManager thread, at most 1 at once"));
        assertTrue(log.contains("expressions answered"), "a report counts the expressions answered");
    }

    @Test
    @Order(30)
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
     * Tagged {@value #SERVER_CONFIG}: where the server's JDK makes no difference to it and a server restart
     * makes it costly (Liberty), the build runs it on one JDK only (see liberty-it's pom).
     */
    @Test
    @Order(40)
    @Tag(SERVER_CONFIG)
    void aSettingChangedThroughMicroProfileConfigAppliesAndABadValueFailsTheDeployment() throws Exception {
        String log = server.log();
        assertTrue(log.contains("max_requests=500 (MicroProfile Config prefork.calculator.max_requests from PropertiesConfigSource"),
                "the EJB jar's META-INF/microprofile-config.properties is read");
        assertTrue(log.contains("max_servers=4 (activation config property max_servers)"), "calculator keeps its activation config");
        assertTrue(log.contains("max_servers=2 (MicroProfile Config prefork.echo.max_servers from SysPropConfigSource)"));
        assertTrue(log.contains("MicroProfile Config: smallrye-config-core") && log.matches("(?s).*prefork-connector[._]rar.*"),
                "the adapter runs with the SmallRye Config inside the .rar, not the server's");

        // An operator changes the system property with the server's admin tool and redeploys. A client is
        // still connected during the undeploy: the server deactivates the endpoint, which ends the
        // connection after graceful_shutdown_timeout (3 s), and the undeploy does not wait for the client.
        server.systemProperty("prefork.echo.max_servers", "3");
        try (LineClient connected = new LineClient(CALCULATOR_PORT)) {
            assertEquals("2", connected.ask("1+1"));
            long started = System.nanoTime();
            server.undeploySampleWithClientsConnected();
            long millis = millisSince(started);
            System.out.printf("[%s] undeploy with a connected client took %d ms%n", server.name(), millis);
            assertTrue(connected.closedByServer(), "the server closed the connected client");
            // An undeploy that waited for the client would give up after 300 s (WildFly's management
            // timeout): the bound stays well below that, and generous for a loaded machine (GlassFish's
            // took 35 s and 63 s at load average 40-50, its deploys three minutes).
            assertTrue(millis < 150_000, "undeploy took " + millis + " ms");
        }
        awaitNoSupervisor();

        // A bad value fails the MDB's activation, naming the setting, the value and where it came from,
        // and leaves no process behind (the calculator's pool, started alongside, is stopped again).
        server.systemProperty("prefork.echo.max_servers", "0");
        String message = "max_servers='0' is not valid: must be a whole number from 1 to 1024"
                + " [set by MicroProfile Config prefork.echo.max_servers from SysPropConfigSource]";
        if (server.endpointFailureFailsDeployment()) {
            assertThrows(Exception.class, server::deploySample, "a bad max_servers fails the deployment");
        } else {
            server.deploySample();
            Await.until("the echo MDB's activation to fail", PROCESS_WAIT, () -> logContains(message), () -> "no such log line");
        }
        assertTrue(server.log().contains(message), "the server log names key, value and source: " + message);
        if (server.endpointFailureFailsDeployment()) {
            awaitNoSupervisor();
        } else {
            undeploy();
            awaitNoSupervisor();
        }

        server.systemProperty("prefork.echo.max_servers", "3");
        deploy();
        Map<String, ProcessTable.Proc> supervisors = awaitPools(Map.of("calculator", 4, "echo", 3));
        assertEquals(3, ProcessTable.workers(supervisors.get("echo").pid()).size());
        try (LineClient client = new LineClient(ECHO_PORT)) {
            assertEquals("still echoing", client.ask("still echoing"));
        }
        echoWorkers = 3; // from here on
    }

    @Test
    @Order(50)
    void anAdapterPropertyChangedWithTheServersAdminToolApplies() throws Exception {
        long started = System.nanoTime();
        server.adapterProperty("checkForDead", "7");
        System.out.printf("[%s] adapter property change applied in %d ms%n", server.name(), millisSince(started));
        awaitPools(Map.of("calculator", 4, "echo", echoWorkers));
        // Liberty also hands an adapter property to every activation spec with a property of that name,
        // so there the settings log names it as activation config; the value is the adapter's all the same.
        Await.until("both endpoints to report check_for_dead from the adapter's config property", PROCESS_WAIT,
                () -> count(logText(), "check_for_dead=7 (resource adapter config property checkForDead)")
                        + count(logText(), "check_for_dead=7 (activation config property check_for_dead)") >= 2,
                () -> "no such log line");
        assertTrue(logText().contains("Prefork Connector started; adapter config properties {check_for_dead=7}"),
                "the adapter itself got the property");
        try (LineClient client = new LineClient(CALCULATOR_PORT)) {
            assertEquals("42", client.ask("6*7"));
        }
    }

    @Test
    @Order(60)
    void undeployWithAClientConnectedEndsEveryProcessAndClosesEveryPort() throws Exception {
        Map<String, ProcessTable.Proc> supervisors = supervisors();
        Set<Long> pids = new HashSet<>();
        for (ProcessTable.Proc supervisor : supervisors.values()) {
            pids.add(supervisor.pid());
            pids.addAll(pids(ProcessTable.workers(supervisor.pid())));
        }
        Set<Path> ours = new HashSet<>(runtimeDirs());
        ours.removeAll(runtimeDirsBefore);
        assertFalse(ours.isEmpty(), "each endpoint made a private directory");
        assertTrue(pids.size() >= 2 + 4 + echoWorkers, "supervisors and workers before undeploy: " + pids);

        // A plain undeploy with a client connected. Where the server's undeploy waits for the connection's
        // MDB invocation (WildFly), it meanwhile rejects new ones: the next client to arrive is answered
        // busy, and the adapter takes the rejection as the sign to stop the pool, which ends the connection
        // and lets the undeploy go on.
        try (LineClient connected = new LineClient(CALCULATOR_PORT)) {
            assertEquals("2", connected.ask("1+1"));
            ExecutorService poller = Executors.newSingleThreadExecutor();
            try {
                Future<String> busy = server.undeployWaitsForConnectedClients() ? poller.submit(SampleScenarios::awaitBusyAnswer) : null;
                long started = System.nanoTime();
                undeploy();
                long millis = millisSince(started);
                System.out.printf("[%s] undeploy with a connected client took %d ms%n", server.name(), millis);
                if (busy != null) {
                    String answer = busy.get(60, TimeUnit.SECONDS);
                    assertTrue(answer.startsWith("busy: calculator is shutting down"), answer);
                }
                assertTrue(millis < 150_000, "undeploy took " + millis + " ms");
            } finally {
                poller.shutdownNow();
            }
            assertTrue(connected.closedByServer(), "the server closed the connected client");
        }

        Await.until("every supervisor and worker to exit", PROCESS_WAIT,
                () -> pids.stream().noneMatch(ProcessTable::alive),
                () -> pids.stream().filter(ProcessTable::alive).toList());
        assertTrue(ProcessTable.supervisors(server.pid()).isEmpty());
        assertFalse(LineClient.accepting(CALCULATOR_PORT), "calculator port closed");
        assertFalse(LineClient.accepting(ECHO_PORT), "echo port closed");
        Set<Path> left = new HashSet<>(ours);
        left.retainAll(runtimeDirs());
        assertTrue(left.isEmpty(), "private directories removed: " + left);
        assertTrue(socketFiles().isEmpty(), "no socket file left under " + RUNTIME_DIR + ": " + socketFiles());
    }

    /**
     * The .rar deployed on its own, shared by applications, and the MDBs in an EJB jar of their own bound
     * to it: both pools run and answer, and undeploying the jar stops them while the adapter stays.
     */
    @Test
    @Order(70)
    void theRarOnItsOwnWithASeparateMdbJarBoundToIt() throws Exception {
        Path deployments = Path.of(System.getProperty("deployments.dir"));
        long started = System.nanoTime();
        server.deployAdapterAlone(deployments);
        try {
            server.deployMdbJar(deployments);
            System.out.printf("[%s] the .rar and the MDB jar deployed in %d ms%n", server.name(), millisSince(started));
            try {
                awaitPools(Map.of("calculator", 4, "echo", echoWorkers));
                try (LineClient client = new LineClient(CALCULATOR_PORT)) {
                    assertEquals("42", client.ask("6*7"));
                }
                try (LineClient client = new LineClient(ECHO_PORT)) {
                    assertEquals("standalone", client.ask("standalone"));
                }
            } finally {
                server.undeployMdbJar();
            }
            awaitNoSupervisor();
            assertFalse(LineClient.accepting(CALCULATOR_PORT), "calculator port closed");
            assertFalse(LineClient.accepting(ECHO_PORT), "echo port closed");
        } finally {
            server.undeployAdapterAlone();
        }
    }

    // --- helpers for subclasses and scenarios ---

    protected void deploy() throws Exception {
        long started = System.nanoTime();
        server.deploySample();
        System.out.printf("[%s] deploy took %d ms%n", server.name(), millisSince(started));
    }

    protected void undeploy() throws Exception {
        long started = System.nanoTime();
        server.undeploySample();
        System.out.printf("[%s] undeploy took %d ms%n", server.name(), millisSince(started));
    }

    protected static long millisSince(long nanoTime) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    protected Map<String, ProcessTable.Proc> supervisors() {
        Map<String, ProcessTable.Proc> supervisors = ProcessTable.supervisors(server.pid());
        for (ProcessTable.Proc s : supervisors.values()) {
            seenPids.add(s.pid());
            ProcessTable.workers(s.pid()).forEach(w -> seenPids.add(w.pid()));
        }
        return supervisors;
    }

    protected void awaitNoSupervisor() {
        Await.until("no supervisor under " + server.name(), PROCESS_WAIT,
                () -> supervisors().isEmpty(), () -> supervisors().keySet());
    }

    /** Waits until exactly the named endpoints have a supervisor under the server, with the given number of workers. */
    protected Map<String, ProcessTable.Proc> awaitPools(Map<String, Integer> workersByName) {
        Await.until("supervisors " + workersByName.keySet() + " with " + workersByName.values() + " workers", PROCESS_WAIT, () -> {
            Map<String, ProcessTable.Proc> now = supervisors();
            return now.keySet().equals(workersByName.keySet()) && workersByName.entrySet().stream()
                    .allMatch(e -> ProcessTable.workers(now.get(e.getKey()).pid()).size() == e.getValue());
        }, () -> supervisors().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> pids(ProcessTable.workers(e.getValue().pid())))));
        return supervisors();
    }

    protected Set<Long> pids(List<ProcessTable.Proc> procs) {
        Set<Long> pids = procs.stream().map(ProcessTable.Proc::pid).collect(Collectors.toSet());
        seenPids.addAll(pids);
        return pids;
    }

    private boolean logContains(String text) {
        return logText().contains(text);
    }

    /** The server's log, or "" when it cannot be read right now. */
    protected String logText() {
        try {
            return server.log();
        } catch (IOException e) {
            return "";
        }
    }

    protected static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    protected static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
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

    /** The endpoints' private directories, in this test server's own runtime_dir. */
    protected static Set<Path> runtimeDirs() throws IOException {
        if (!Files.isDirectory(RUNTIME_DIR)) {
            return Set.of();
        }
        try (Stream<Path> dirs = Files.list(RUNTIME_DIR)) {
            return dirs.filter(p -> p.getFileName().toString().matches("prefork-(calculator|echo)-\\d+")).collect(Collectors.toSet());
        }
    }

    /** Unix socket files anywhere under this test server's runtime_dir. */
    protected static List<Path> socketFiles() throws IOException {
        if (!Files.isDirectory(RUNTIME_DIR)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(RUNTIME_DIR)) {
            return files.filter(p -> {
                try {
                    return (((Integer) Files.getAttribute(p, "unix:mode")) & 0170000) == 0140000; // S_IFSOCK
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                    return false;
                }
            }).toList();
        }
    }
}
