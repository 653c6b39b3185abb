package dev.prefork.adapter;

import dev.prefork.engine.LineClient;
import dev.prefork.it.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WildFly 39 activates, on every resume (the boot after a {@code :reload} included), an MDB whose
 * activation once failed, on the adapter instance of the deployment that was rolled back then: an
 * instance already stopped. Such an activation starts no pool and throws nothing (WildFly would fail its
 * boot), so the MDB's port stays free for its live activation on the running instance. Real pool
 * processes; the container is a fake that calls what WildFly called, in that order.
 */
@Timeout(180)
class StaleActivationTest {

    @Test
    void anActivationOnAStoppedInstanceStartsNoPoolAndTheLiveActivationGetsThePort() throws Exception {
        int port = FreePorts.one("127.0.0.1");
        LogCapture capture = LogCapture.of(PreforkResourceAdapter.class);
        List<String> logged = capture.messages();
        PreforkResourceAdapter rolledBack = new PreforkResourceAdapter();
        PreforkResourceAdapter live = new PreforkResourceAdapter();
        PreforkActivationSpec staleSpec = spec(port);
        PreforkActivationSpec liveSpec = spec(port);
        EndpointDeliveryTest.FakeFactory staleFactory = new EndpointDeliveryTest.FakeFactory(false, false);
        EndpointDeliveryTest.FakeFactory liveFactory = new EndpointDeliveryTest.FakeFactory(false, false);
        try {
            rolledBack.start(ConfigRefreshTest.bootstrap());
            rolledBack.stop();
            live.start(ConfigRefreshTest.bootstrap());

            rolledBack.endpointActivation(staleFactory, staleSpec); // WildFly's resume: the dead component first
            assertTrue(logged.stream().anyMatch(line -> line.contains("stale-test: not activated: this resource adapter instance was stopped")),
                    logged.toString());
            try (ServerSocket free = new ServerSocket()) {
                free.bind(new InetSocketAddress("127.0.0.1", port)); // no pool holds the port
            }

            live.endpointActivation(liveFactory, liveSpec); // failed with "Address already in use" before
            assertEquals("served", LineClient.echoOnce(port, "hello"));
            assertTrue(staleFactory.calls.isEmpty(), "nothing reaches the dead component: " + staleFactory.calls);

            rolledBack.endpointDeactivation(staleFactory, staleSpec); // WildFly's next suspend: nothing to stop
            assertEquals("served", LineClient.echoOnce(port, "still"), "the live pool is untouched");
        } finally {
            live.endpointDeactivation(liveFactory, liveSpec);
            live.stop();
            capture.close();
        }
    }

    private static PreforkActivationSpec spec(int port) {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setName("stale-test");
        spec.setPort("127.0.0.1:" + port);
        spec.setMax_servers("1");
        return spec;
    }
}
