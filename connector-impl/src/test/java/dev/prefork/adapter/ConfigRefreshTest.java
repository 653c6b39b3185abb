package dev.prefork.adapter;

import dev.prefork.engine.LiveRetune;
import dev.prefork.engine.management.PoolManagement;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The adapter, outside a container but with real pool processes, reads an endpoint's settings again
 * every config_refresh seconds: a system property set by an operator resizes the running pool, and a
 * setting that cannot change live is logged as waiting for the next activation.
 */
@Timeout(180)
class ConfigRefreshTest {
    private static final String ENDPOINT = "refresh-test";
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** A container's bootstrap context: work on threads of its own, and a timer. */
    static BootstrapContext bootstrap() {
        return bootstrap(new AtomicInteger());
    }

    /**
     * The same, counting the timers it hands out in {@code timers}; the first is cancelled before the
     * adapter can use it when {@code timers} starts below 0 (a container may cancel a timer it gave).
     */
    private static BootstrapContext bootstrap(AtomicInteger timers) {
        WorkManager workManager = (WorkManager) Proxy.newProxyInstance(WorkManager.class.getClassLoader(),
                new Class<?>[] {WorkManager.class}, (proxy, method, args) -> {
                    Thread thread = new Thread((Work) args[0], "fake-work");
                    thread.setDaemon(true);
                    thread.start();
                    return method.getReturnType() == long.class ? 0L : null;
                });
        return (BootstrapContext) Proxy.newProxyInstance(BootstrapContext.class.getClassLoader(),
                new Class<?>[] {BootstrapContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getWorkManager" -> workManager;
                    case "createTimer" -> {
                        Timer timer = new Timer("fake-container-timer", true);
                        if (timers.getAndIncrement() < 0) {
                            timer.cancel();
                        }
                        yield timer;
                    }
                    case "isContextSupported" -> false;
                    default -> null;
                });
    }

    private long target(ObjectName name) throws Exception {
        return (Long) server.getAttribute(name, "TargetWorkers");
    }

    /** The test endpoint on a free port, refreshing its settings every second. */
    private static PreforkActivationSpec spec(int maxServers) {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setName(ENDPOINT);
        spec.setPort("127.0.0.1:0");
        spec.setMax_servers(Integer.toString(maxServers));
        spec.setConfig_refresh("1");
        return spec;
    }

    /** Waits (30 s at most) for the running pool's target to become {@code workers}. */
    private void awaitTarget(ObjectName name, long workers, List<String> logged) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (target(name) != workers) {
            if (System.nanoTime() > deadline) {
                fail("the pool was not resized to " + workers + "; logged: " + logged);
            }
            Thread.sleep(50); // the refresh runs on its own period: poll, bounded
        }
    }

    @Test
    void aSystemPropertyResizesTheRunningPoolAndAStaticSettingWaitsForTheNextActivation() throws Exception {
        LogCapture capture = LogCapture.of(LiveRetune.class);
        List<String> logged = capture.messages();
        PreforkResourceAdapter adapter = new PreforkResourceAdapter();
        PreforkActivationSpec spec = spec(2);
        EndpointDeliveryTest.FakeFactory factory = new EndpointDeliveryTest.FakeFactory(false, false);
        try {
            adapter.start(bootstrap());
            adapter.endpointActivation(factory, spec);
            ObjectName name = PoolManagement.objectName(ENDPOINT);
            assertEquals(2, target(name));

            System.setProperty("prefork." + ENDPOINT + ".max_servers", "3");
            System.setProperty("prefork." + ENDPOINT + ".serialize", "none");
            awaitTarget(name, 3, logged);
            assertTrue(logged.stream().anyMatch(line -> line.contains("max_servers changed from 2 to 3 (MicroProfile Config prefork."
                    + ENDPOINT + ".max_servers from SysPropConfigSource)")), logged.toString());
            assertTrue(logged.stream().anyMatch(line -> line.contains("serialize changed from flock to none")
                    && line.contains("applies at the next start")), logged.toString());
            Thread.sleep(2_500); // two more periods: the static change must not be logged again
            assertEquals(1, logged.stream().filter(line -> line.contains("serialize changed")).count(), logged.toString());
            assertEquals("flock", server.getAttribute(name, "Serialize"));

            adapter.endpointDeactivation(factory, spec);
            assertFalse(server.isRegistered(name), "the MXBean is gone after deactivation");
        } finally {
            System.clearProperty("prefork." + ENDPOINT + ".max_servers");
            System.clearProperty("prefork." + ENDPOINT + ".serialize");
            adapter.endpointDeactivation(factory, spec);
            adapter.stop();
            capture.close();
        }
    }

    @Test
    void aTimerTheContainerCancelledIsReplacedAndTheRunningPoolStillRefreshes() throws Exception {
        LogCapture capture = LogCapture.of(PreforkResourceAdapter.class);
        List<String> logged = capture.messages();
        PreforkResourceAdapter adapter = new PreforkResourceAdapter();
        PreforkActivationSpec spec = spec(1);
        EndpointDeliveryTest.FakeFactory factory = new EndpointDeliveryTest.FakeFactory(false, false);
        AtomicInteger timers = new AtomicInteger(-1);
        try {
            adapter.start(bootstrap(timers));
            adapter.endpointActivation(factory, spec); // failed with "Timer already cancelled" before
            assertEquals(1, timers.get(), "one more timer taken from the container");
            assertTrue(logged.stream().anyMatch(line -> line.contains(ENDPOINT + ": the container's timer was cancelled")), logged.toString());
            ObjectName name = PoolManagement.objectName(ENDPOINT);
            System.setProperty("prefork." + ENDPOINT + ".max_servers", "2");
            awaitTarget(name, 2, logged); // on the new timer
        } finally {
            System.clearProperty("prefork." + ENDPOINT + ".max_servers");
            adapter.endpointDeactivation(factory, spec);
            adapter.stop();
            capture.close();
        }
    }
}
