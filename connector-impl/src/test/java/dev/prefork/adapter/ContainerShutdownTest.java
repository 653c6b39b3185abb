package dev.prefork.adapter;

import dev.prefork.engine.LineClient;
import dev.prefork.it.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WildFly refuses an MDB's deliveries as soon as an undeploy begins, before it deactivates the endpoint.
 * A drain_timeout window then could only answer every client busy, so the adapter stops the pool at
 * once: its ports close, and a balancer sends the next clients to another node (HAProxy's redispatch
 * of a refused connection). Real pool processes; the container is a fake that refuses as WildFly does.
 */
@Timeout(180)
class ContainerShutdownTest {
    private static final int DRAIN_SECONDS = 60;

    @Test
    void aPoolWhoseDeliveriesTheContainerRefusesClosesItsPortsWithoutWaitingOutDrainTimeout() throws Exception {
        int port = FreePorts.one("127.0.0.1");
        PreforkResourceAdapter adapter = new PreforkResourceAdapter();
        PreforkActivationSpec spec = spec("refused-test", port);
        EndpointDeliveryTest.FakeFactory factory = new EndpointDeliveryTest.FakeFactory(false, false);
        try {
            adapter.start(ConfigRefreshTest.bootstrap());
            adapter.endpointActivation(factory, spec);
            assertEquals("served", LineClient.echoOnce(port, "hello"), "the MDB serves while the container delivers");

            factory.failures.put("processRequest", new RuntimeException("wrapped",
                    new EndpointDeliveryTest.EJBComponentUnavailableException("WFLYEJB0421: component is shutting down")));
            long refused = System.nanoTime();
            assertEquals("busy: refused-test is shutting down, try again later", LineClient.echoOnce(port, "hello"));

            long deadline = refused + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS / 2);
            while (dev.prefork.it.LineClient.accepting(port)) {
                assertTrue(System.nanoTime() < deadline, "the port is still open " + DRAIN_SECONDS / 2 + " s after the refusal");
                Thread.sleep(100); // the stop runs on a thread of its own and announces nothing here: poll, bounded
            }
            System.out.printf("the port closed %d ms after the container's refusal (drain_timeout %d s)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refused), DRAIN_SECONDS);
        } finally {
            adapter.endpointDeactivation(factory, spec);
            adapter.stop();
        }
    }

    /**
     * The other order: the container deactivates the endpoint first (the pool drains and still serves),
     * then refuses a delivery. The refusal ends the drain window at once.
     */
    @Test
    void aRefusalDuringTheDrainOfADeactivationEndsTheDrain() throws Exception {
        int port = FreePorts.one("127.0.0.1");
        PreforkResourceAdapter adapter = new PreforkResourceAdapter();
        PreforkActivationSpec spec = spec("refused-drain-test", port);
        EndpointDeliveryTest.FakeFactory factory = new EndpointDeliveryTest.FakeFactory(false, false);
        LogCapture engineLog = LogCapture.of(dev.prefork.engine.PreforkEngine.class);
        Thread deactivation = new Thread(() -> adapter.endpointDeactivation(factory, spec), "deactivation");
        try {
            adapter.start(ConfigRefreshTest.bootstrap());
            adapter.endpointActivation(factory, spec);
            long started = System.nanoTime();
            deactivation.start();
            long deadline = started + TimeUnit.SECONDS.toNanos(30);
            while (engineLog.messages().stream().noneMatch(message -> message.contains("draining for drain_timeout"))) {
                assertTrue(System.nanoTime() < deadline, "the deactivation drains: " + engineLog.messages());
                Thread.sleep(50); // the log line is the only sign: poll, bounded
            }
            assertEquals("served", LineClient.echoOnce(port, "hello"), "the draining pool serves");

            factory.failures.put("processRequest", new RuntimeException("wrapped",
                    new EndpointDeliveryTest.EJBComponentUnavailableException("WFLYEJB0421: component is shutting down")));
            assertEquals("busy: refused-drain-test is shutting down, try again later", LineClient.echoOnce(port, "hello"));
            deactivation.join(TimeUnit.SECONDS.toMillis(DRAIN_SECONDS / 2));
            assertTrue(!deactivation.isAlive(), "the deactivation returned long before drain_timeout");
            assertTrue(engineLog.messages().stream().anyMatch(message -> message.contains("drain cut short")), engineLog.messages().toString());
        } finally {
            deactivation.join(TimeUnit.SECONDS.toMillis(120));
            adapter.stop();
            engineLog.close();
        }
    }

    /** One worker on {@code port}, with a drain_timeout far longer than any of the test's waits. */
    private static PreforkActivationSpec spec(String name, int port) {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setName(name);
        spec.setPort("127.0.0.1:" + port);
        spec.setMax_servers("1");
        spec.setDrain_timeout(Integer.toString(DRAIN_SECONDS));
        return spec;
    }
}
