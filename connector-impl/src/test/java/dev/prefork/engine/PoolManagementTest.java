package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.management.PoolManagement;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pool's MXBean against real processes: it shows the status figures, its writable MaxServers and
 * its restart change a pool under load without a failed connection, drain and resume keep the port,
 * and it is gone once the pool stops.
 */
class PoolManagementTest extends EngineTestSupport {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20); // the scoreboard announces nothing: poll it, bounded
        }
    }

    private static Set<Long> pids(PreforkEngine engine) {
        try {
            return engine.snapshot().workers().stream().map(WorkerSnapshot::pid).collect(Collectors.toSet());
        } catch (EngineException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long idle(PreforkEngine engine) {
        try {
            return engine.snapshot().idle();
        } catch (EngineException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theMXBeanShowsTheStatusFiguresAndIsGoneAfterStop() throws Exception {
        PreforkEngine engine = start(config(2).name("jmx-figures"));
        ObjectName name = engine.managementName().orElseThrow();
        assertEquals(PoolManagement.objectName("jmx-figures"), name);
        assertTrue(server.isRegistered(name));
        assertEquals("x", LineClient.echoOnce(engine.boundPort(0), "x"));

        assertEquals(2, server.getAttribute(name, "MaxServers"));
        assertEquals("serving", server.getAttribute(name, "Phase"));
        assertEquals("flock", server.getAttribute(name, "Serialize"));
        await(() -> attribute(name, "AcceptedConnections").equals(1L), "the connection to be counted");
        CompositeData[] workers = (CompositeData[]) server.getAttribute(name, "Workers");
        assertEquals(2, workers.length);
        assertEquals(pids(engine), Set.of((Long) workers[0].get("pid"), (Long) workers[1].get("pid")));
        TabularData replaced = (TabularData) server.getAttribute(name, "ReplacedWorkers");
        assertEquals(PoolStatus.REPLACEMENT_REASONS.length, replaced.size(), "one row per reason");
        String scoreboard = (String) server.getAttribute(name, "Scoreboard");
        assertEquals(4, scoreboard.length(), scoreboard);
        TabularData clients = (TabularData) server.getAttribute(name, "Clients");
        assertEquals(7, clients.size(), "max_clients, three gauges and three counters");
        assertEquals(1000L, clients.get(new Object[] {"max_clients"}).get("value"));
        assertEquals(0L, clients.get(new Object[] {"busy_refusals_max_wait"}).get("value"));

        assertThrows(Exception.class, () -> server.setAttribute(name, new Attribute("MaxServers", 0)));
        engine.stop();
        assertFalse(server.isRegistered(name), "unregistered at stop");
        assertTrue(server.queryNames(new ObjectName("dev.prefork:type=Pool,name=jmx-figures*"), null).isEmpty());
    }

    private Object attribute(ObjectName name, String attribute) {
        try {
            return server.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void writableMaxServersGrowsAndShrinksAPoolUnderLoadWithoutAFailedConnection() throws Exception {
        PreforkEngine engine = start(config(2).name("jmx-resize"));
        ObjectName name = engine.managementName().orElseThrow();
        try (SteadyLoad load = new SteadyLoad(engine.boundPort(0), 4)) {
            load.awaitAnswers(50, 30);
            server.setAttribute(name, new Attribute("MaxServers", 5));
            assertEquals(5, server.getAttribute(name, "MaxServers"));
            await(() -> pids(engine).size() == 5 && engine.acceptingWorkers() == 5, "five workers");
            load.awaitAnswers(50, 30);
            server.setAttribute(name, new Attribute("MaxServers", 1));
            await(() -> pids(engine).size() == 1, "one worker left");
            load.awaitAnswers(50, 30);
            server.invoke(name, "addWorkers", new Object[] {2}, new String[] {"int"});
            await(() -> pids(engine).size() == 3, "two workers added");
            server.invoke(name, "removeWorkers", new Object[] {1}, new String[] {"int"});
            await(() -> pids(engine).size() == 2, "one worker removed");
            load.awaitAnswers(50, 30);
            List<String> failures = load.stop();
            assertEquals(List.of(), failures, "no connection failed while the pool was resized");
            assertTrue(load.answered() >= 200, "answered " + load.answered());
        }
        TabularData replaced = (TabularData) server.getAttribute(name, "ReplacedWorkers");
        CompositeData removed = replaced.get(new Object[] {"removed"});
        assertTrue((Long) removed.get("value") >= 4, "workers let go counted as removed: " + replaced);
    }

    @Test
    void restartUnderLoadReplacesEveryWorkerWithoutAFailedConnectionAndNewLimitsApplyToNewWorkers() throws Exception {
        PreforkEngine engine = start(config(3).name("jmx-restart"));
        ObjectName name = engine.managementName().orElseThrow();
        Set<Long> before = pids(engine);
        try (SteadyLoad load = new SteadyLoad(engine.boundPort(0), 4)) {
            load.awaitAnswers(50, 30);
            server.setAttribute(name, new Attribute("MaxRequestsJitter", 0));
            server.setAttribute(name, new Attribute("MaxRequests", 40));
            assertEquals(40, server.getAttribute(name, "MaxRequests"));
            assertEquals(0, server.getAttribute(name, "MaxRequestsJitter"));
            server.invoke(name, "restart", new Object[0], new String[0]);
            await(() -> {
                Set<Long> now = pids(engine);
                return now.size() == 3 && now.stream().noneMatch(before::contains);
            }, "every worker replaced");
            // The new workers leave after 40 connections each: replacements by max_requests follow.
            await(() -> ((Long) ((TabularData) attribute(name, "ReplacedWorkers")).get(new Object[] {"max_requests"}).get("value")) >= 1,
                    "a new worker to reach its new max_requests");
            // Under steady load a worker's successor starts before its last connection; JMX shows it.
            await(() -> (Long) attribute(name, "SuccessorsStartedEarly") >= 1, "a successor started early, in JMX");
            assertTrue((Long) attribute(name, "WorkersHeldPastMaxRequests") >= 0 && (Long) attribute(name, "HeldWorkers") >= 0
                    && (Long) attribute(name, "SuccessorsAhead") >= 0);
            List<String> failures = load.stop();
            assertEquals(List.of(), failures, "no connection failed during the rolling restart");
        }
        TabularData replaced = (TabularData) server.getAttribute(name, "ReplacedWorkers");
        assertEquals(3L, replaced.get(new Object[] {"restart"}).get("value"), replaced.toString());
    }

    @Test
    void drainKeepsThePortAndQueuesClientsUntilResume() throws Exception {
        PreforkEngine engine = start(config(2).name("jmx-drain").set(EngineConfig.STATUS_PORT, "0"));
        ObjectName name = engine.managementName().orElseThrow();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI health = URI.create("http://" + engine.statusAddress().orElseThrow() + "/health");
        assertEquals(200, http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        server.invoke(name, "drain", new Object[0], new String[0]);
        assertEquals("draining", server.getAttribute(name, "Phase"));
        await(() -> pids(engine).isEmpty(), "every worker gone");
        HttpResponse<String> drained = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, drained.statusCode());
        assertEquals("draining\n", drained.body());

        try (LineClient waiting = new LineClient(engine.boundPort(0))) {
            waiting.send("queued while draining");
            await(() -> ((Long) attribute(name, "ListenQueue")) == 1L, "the client to wait in the listen queue");
            server.invoke(name, "resume", new Object[0], new String[0]);
            assertEquals("queued while draining", waiting.readLine(), "served once resumed");
        }
        assertEquals("serving", server.getAttribute(name, "Phase"));
        await(() -> idle(engine) == 2, "both workers back");
        assertEquals(200, http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    /**
     * drain() with drain_timeout, as every stop: the agent says drain and /health draining at once while
     * the pool keeps serving for drain_timeout; only then do the workers leave and clients queue.
     */
    @Test
    void drainWithDrainTimeoutTellsBalancersFirstAndKeepsServingThatLong() throws Exception {
        PreforkEngine engine = start(config(2).name("jmx-drain-timeout").set(EngineConfig.STATUS_PORT, "0")
                .set(EngineConfig.AGENT_PORT, "0").set(EngineConfig.DRAIN_TIMEOUT, "6"));
        ObjectName name = engine.managementName().orElseThrow();
        String agent = engine.agentAddress().orElseThrow();
        await(() -> AgentCheck.lineOrEmpty(agent).startsWith("up ready"), "the agent to say up");
        Set<Long> before = pids(engine);

        long drainStarted = System.nanoTime();
        server.invoke(name, "drain", new Object[0], new String[0]);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStarted) < 3_000, "drain() returns at once");
        assertEquals("draining", server.getAttribute(name, "Phase"));
        assertEquals("drain", AgentCheck.line(agent));
        assertEquals("served while balancers are told", LineClient.echoOnce(engine.boundPort(0), "served while balancers are told"));
        assertEquals(before, pids(engine), "no worker left during drain_timeout");

        await(() -> pids(engine).isEmpty(), "every worker gone after drain_timeout");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStarted);
        assertTrue(millis >= 5_500, "the workers left after drain_timeout, not at once: " + millis + " ms");
        assertEquals("drain", AgentCheck.line(agent), "still drain once drained");

        server.invoke(name, "resume", new Object[0], new String[0]);
        await(() -> idle(engine) == 2, "both workers back");
        await(() -> AgentCheck.lineOrEmpty(agent).startsWith("up ready"), "the agent to say up again");
    }
}
