package dev.prefork.adapter;

import dev.prefork.api.PreforkDequeue;
import dev.prefork.api.PreforkListener;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The order of the container's calls around one listener call, and which of them still happen when one
 * fails: release always once an endpoint was created, afterDelivery after a failed body but not after a
 * failed beforeDelivery, nothing after createEndpoint when the container has no endpoint.
 */
class EndpointCallTest {

    private static EndpointDeliveryTest.FakeFactory container(Class<? extends PreforkListener> listener) {
        return new EndpointDeliveryTest.FakeFactory(true, false, listener);
    }

    private static EndpointDeliveryTest.FakeFactory containerWithoutEndpoints() {
        return new EndpointDeliveryTest.FakeFactory(true, true, PreforkDequeue.class);
    }

    /** A dequeue call, the one listener call whose body may throw a checked exception. */
    private static EndpointCall<PreforkDequeue> call(EndpointDeliveryTest.FakeFactory container, boolean transacted) {
        return new EndpointCall<>(container, PreforkDequeue.class, EndpointDequeue.RUN_DEQUEUE, transacted);
    }

    private static final Runnable NOT_EXPECTED = () -> {
        throw new AssertionError("the endpoint implements the listener interface");
    };

    private static void noUnavailable(UnavailableException e) {
        throw new AssertionError("the container has an endpoint", e);
    }

    @Test
    void aTransactedCallIsBracketedAndReleased() throws Exception {
        EndpointDeliveryTest.FakeFactory container = container(PreforkDequeue.class);
        call(container, true).make(PreforkDequeue::runDequeue, EndpointCallTest::noUnavailable, NOT_EXPECTED);
        assertEquals(List.of("createEndpoint", "beforeDelivery", "runDequeue", "afterDelivery", "release"), container.calls);
    }

    @Test
    void aCallNotTransactedHasNoBracket() throws Exception {
        EndpointDeliveryTest.FakeFactory container = container(PreforkDequeue.class);
        call(container, false).make(PreforkDequeue::runDequeue, EndpointCallTest::noUnavailable, NOT_EXPECTED);
        assertEquals(List.of("createEndpoint", "runDequeue", "release"), container.calls);
    }

    @Test
    void aFailedBodyStillEndsTheDeliveryAndReleasesAndItsFailureReachesTheCaller() {
        EndpointDeliveryTest.FakeFactory container = container(PreforkDequeue.class);
        Exception failure = new Exception("the queue is down");
        container.failures.put("runDequeue", failure);
        Exception thrown = assertThrows(Exception.class,
                () -> call(container, true).make(PreforkDequeue::runDequeue, EndpointCallTest::noUnavailable, NOT_EXPECTED));
        assertSame(failure, thrown);
        assertEquals(List.of("createEndpoint", "beforeDelivery", "runDequeue", "afterDelivery", "release"), container.calls);
    }

    @Test
    void aFailedBeforeDeliveryCallsNeitherTheBodyNorAfterDeliveryButReleases() {
        EndpointDeliveryTest.FakeFactory container = container(PreforkDequeue.class);
        ResourceException failure = new ResourceException("no transaction");
        container.failures.put("beforeDelivery", failure);
        assertSame(failure, assertThrows(ResourceException.class,
                () -> call(container, true).make(PreforkDequeue::runDequeue, EndpointCallTest::noUnavailable, NOT_EXPECTED)));
        assertEquals(List.of("createEndpoint", "beforeDelivery", "release"), container.calls);
    }

    @Test
    void aFailedAfterDeliveryIsWhatTheCallerSeesAndTheEndpointIsReleased() {
        EndpointDeliveryTest.FakeFactory container = container(PreforkDequeue.class);
        ResourceException failure = new ResourceException("rollback failed");
        container.failures.put("runDequeue", new Exception("the queue is down"));
        container.failures.put("afterDelivery", failure);
        assertSame(failure, assertThrows(ResourceException.class,
                () -> call(container, true).make(PreforkDequeue::runDequeue, EndpointCallTest::noUnavailable, NOT_EXPECTED)));
        assertEquals(List.of("createEndpoint", "beforeDelivery", "runDequeue", "afterDelivery", "release"), container.calls);
    }

    @Test
    void withoutAnEndpointOnlyTheCallerIsTold() throws Exception {
        EndpointDeliveryTest.FakeFactory container = containerWithoutEndpoints();
        List<UnavailableException> told = new ArrayList<>();
        call(container, true).make(PreforkDequeue::runDequeue, told::add, NOT_EXPECTED);
        assertEquals(List.of("pool exhausted"), told.stream().map(Exception::getMessage).toList());
        assertEquals(List.of("createEndpoint"), container.calls, "nothing to release");
    }

    @Test
    void anEndpointOfAnotherListenerInterfaceIsReleasedUncalled() throws Exception {
        EndpointDeliveryTest.FakeFactory container = container(PreforkListener.class);
        List<String> told = new ArrayList<>();
        call(container, true).make(PreforkDequeue::runDequeue, EndpointCallTest::noUnavailable, () -> told.add("not a PreforkDequeue"));
        assertEquals(List.of("not a PreforkDequeue"), told);
        assertEquals(List.of("createEndpoint", "release"), container.calls, "no delivery begun on it");
    }
}
