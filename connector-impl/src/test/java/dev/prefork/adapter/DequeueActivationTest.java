package dev.prefork.adapter;

import dev.prefork.api.PreforkDequeue;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter's side of PreforkDequeue, with a fake container (its WorkManager a thread per Work) and a
 * real pool: an MDB that implements it gets runDequeue() through a message endpoint of its own per call,
 * wrapped in beforeDelivery/afterDelivery when transacted, every check_for_dequeue second, and none after
 * its deactivation; check_for_dequeue on an MDB that does not implement it, or without max_dequeue, fails
 * the activation naming key, value and source, before any pool starts.
 */
@Timeout(120)
class DequeueActivationTest {

    @Test
    void anMdbImplementingPreforkDequeueGetsRunDequeueThroughAnEndpointOfItsOwnUntilDeactivated() throws Exception {
        PreforkResourceAdapter adapter = new PreforkResourceAdapter();
        EndpointDeliveryTest.FakeFactory factory = new EndpointDeliveryTest.FakeFactory(true, false, PreforkDequeue.class);
        PreforkActivationSpec spec = spec("dequeue-test");
        spec.setMax_dequeue("1");
        adapter.start(ConfigRefreshTest.bootstrap());
        try {
            adapter.endpointActivation(factory, spec);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (runs(factory) < 2) {
                assertTrue(System.nanoTime() < deadline, "two runDequeue() calls within 60 s: " + factory.calls);
                Thread.sleep(50); // polling the fake container's record: it signals nothing
            }
        } finally {
            adapter.endpointDeactivation(factory, spec);
            adapter.stop();
        }
        List<String> calls = List.copyOf(factory.calls);
        int first = calls.indexOf("runDequeue");
        assertEquals(List.of("createEndpoint", "beforeDelivery", "runDequeue", "afterDelivery", "release"),
                calls.subList(first - 2, first + 3), "a transacted call on an endpoint of its own: " + calls);
        assertEquals(calls, List.copyOf(factory.calls), "no call after the deactivation");
    }

    private static long runs(EndpointDeliveryTest.FakeFactory factory) {
        return factory.calls.stream().filter("runDequeue"::equals).count();
    }

    @Test
    void checkForDequeueOnAnMdbWithoutRunDequeueFailsTheActivationNamingKeyValueAndSource() throws Exception {
        PreforkResourceAdapter adapter = new PreforkResourceAdapter();
        adapter.start(ConfigRefreshTest.bootstrap());
        try {
            PreforkActivationSpec spec = spec("plain-test");
            spec.setMax_dequeue("1");
            ResourceException e = assertThrows(ResourceException.class,
                    () -> adapter.endpointActivation(new EndpointDeliveryTest.FakeFactory(false, false), spec));
            assertEquals("plain-test: check_for_dequeue='1' is not valid: dev.prefork.api.PreforkListener does not implement"
                    + " dev.prefork.api.PreforkDequeue, whose runDequeue() the jobs call; implement it or remove the setting"
                    + " [set by activation config property check_for_dequeue]", e.getMessage());

            PreforkActivationSpec withoutMax = spec("nomax-test");
            ResourceException noMax = assertThrows(ResourceException.class, () -> adapter.endpointActivation(
                    new EndpointDeliveryTest.FakeFactory(false, false, PreforkDequeue.class), withoutMax));
            assertTrue(noMax.getMessage().startsWith("nomax-test: max_dequeue='0' is not valid: dequeue jobs need at least 1 with"
                    + " check_for_dequeue='1' (from activation config property check_for_dequeue); max_dequeue is from default"),
                    noMax.getMessage());
        } finally {
            adapter.stop();
        }
    }

    private static PreforkActivationSpec spec(String name) {
        PreforkActivationSpec spec = new PreforkActivationSpec();
        spec.setName(name);
        spec.setPort("127.0.0.1:0");
        spec.setMax_servers("1");
        spec.setCheck_for_dequeue("1");
        return spec;
    }
}
