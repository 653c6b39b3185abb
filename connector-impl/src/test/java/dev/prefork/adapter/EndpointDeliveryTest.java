package dev.prefork.adapter;

import dev.prefork.bridge.ActiveConnections;
import dev.prefork.bridge.BusyMessage;
import dev.prefork.engine.config.ConfigException;
import dev.prefork.engine.config.EngineConfig;
import dev.prefork.bridge.ServedConnection;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;
import java.lang.reflect.Proxy;
import java.util.concurrent.RejectedExecutionException;

import dev.prefork.api.PreforkConnection;
import dev.prefork.api.PreforkListener;
import dev.prefork.api.WorkerInfo;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAResource;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointDeliveryTest {

    /** A container's factory, recording the calls the adapter makes on it and its endpoints. */
    static final class FakeFactory implements MessageEndpointFactory {
        final List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final boolean transacted;
        final boolean unavailable;
        /** The MDB's listener interface: its endpoints implement it, and it stands for the MDB's class. */
        final Class<? extends PreforkListener> listener;
        /** By the name of an endpoint method: what it throws instead of running (a container's rejection, a failed transaction). */
        final Map<String, Exception> failures = new java.util.concurrent.ConcurrentHashMap<>();

        FakeFactory(boolean transacted, boolean unavailable) {
            this(transacted, unavailable, PreforkListener.class);
        }

        FakeFactory(boolean transacted, boolean unavailable, Class<? extends PreforkListener> listener) {
            this.transacted = transacted;
            this.unavailable = unavailable;
            this.listener = listener;
        }

        @Override
        public MessageEndpoint createEndpoint(XAResource xaResource) throws UnavailableException {
            calls.add("createEndpoint");
            if (unavailable) {
                throw new UnavailableException("pool exhausted");
            }
            return (MessageEndpoint) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {MessageEndpoint.class, listener}, (proxy, method, args) -> {
                        calls.add(method.getName());
                        Exception failure = failures.get(method.getName());
                        if (failure != null) {
                            throw failure;
                        }
                        if (method.getName().equals("processRequest")) {
                            PreforkConnection connection = (PreforkConnection) args[0];
                            connection.getOutputStream().write("served\n".getBytes(StandardCharsets.UTF_8));
                        }
                        return null;
                    });
        }

        @Override
        public MessageEndpoint createEndpoint(XAResource xaResource, long timeout) throws UnavailableException {
            return createEndpoint(xaResource);
        }

        @Override
        public boolean isDeliveryTransacted(Method method) {
            return transacted;
        }

        @Override
        public String getActivationName() {
            return "test";
        }

        @Override
        public Class<?> getEndpointClass() {
            return listener;
        }
    }

    /** A client connection whose output is captured. */
    static final class FakeConnection implements ServedConnection {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final InputStream in = new ByteArrayInputStream(new byte[0]);
        BusyMessage busyMessage = BusyMessage.DEFAULT;

        String written() {
            return out.toString(StandardCharsets.UTF_8);
        }

        @Override public InputStream getInputStream() { return in; }
        @Override public OutputStream getOutputStream() { return out; }
        @Override public BufferedReader getReader() { return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)); }
        @Override public PrintWriter getWriter() { return new PrintWriter(out, true); }
        @Override public void shutdownOutput() { }
        @Override public SocketAddress getPeerAddress() { return new InetSocketAddress("127.0.0.1", 40000); }
        @Override public SocketAddress getLocalAddress() { return new InetSocketAddress("127.0.0.1", 20204); }
        @Override public WorkerInfo getWorker() { return new WorkerInfo(1, 0, 1, Instant.EPOCH); }
        @Override public void finish() { }
        @Override public void abort() { }
        @Override public BusyMessage busyMessage() { return busyMessage; }
        @Override public void useBusyMessage(BusyMessage message) { busyMessage = message; }
    }

    @Test
    void aDeliveryCreatesCallsAndReleasesAnEndpoint() throws Exception {
        FakeFactory factory = new FakeFactory(false, false);
        FakeConnection connection = new FakeConnection();
        new EndpointDelivery("test", factory, () -> { }).handle(connection);
        assertEquals(List.of("createEndpoint", "processRequest", "release"), factory.calls);
        assertEquals("served\n", connection.written());
    }

    @Test
    void aTransactedDeliveryIsBracketedByBeforeAndAfterDelivery() throws Exception {
        FakeFactory factory = new FakeFactory(true, false);
        new EndpointDelivery("test", factory, () -> { }).handle(new FakeConnection());
        assertEquals(List.of("createEndpoint", "beforeDelivery", "processRequest", "afterDelivery", "release"), factory.calls);
    }

    @Test
    void withoutAnEndpointTheClientReadsTheBusyLine() throws Exception {
        FakeFactory factory = new FakeFactory(false, true);
        FakeConnection connection = new FakeConnection();
        new EndpointDelivery("test", factory, () -> { }).handle(connection);
        assertEquals("busy: no test bean is available, try again later\n", connection.written());
    }

    @Test
    void aConfiguredBusyMessageIsWhatATurnedAwayClientReads() throws Exception {
        EngineConfig config = EngineConfig.fromMap(Map.of("busy_message", "503 {reason} - retry in a minute"));
        ActiveConnections connections = new ActiveConnections();
        connections.useBusyMessage(new BusyMessage(config.busyMessage()));
        // Refused by the bridge (no thread) and by the delivery itself (no bean instance): both read the setting's text.
        FakeConnection noThread = new FakeConnection();
        connections.refuse(noThread, "no thread is free");
        assertEquals("503 no thread is free - retry in a minute\n", noThread.written());
        FakeConnection noBean = new FakeConnection();
        connections.serve(new EndpointDelivery("test", new FakeFactory(false, true), () -> { }), noBean, false);
        assertEquals("503 no test bean is available - retry in a minute\n", noBean.written());
        assertThrows(ConfigException.class, () -> EngineConfig.fromMap(Map.of("busy_message", "two\nlines")));
    }

    /** Named like WildFly's: what it throws for new invocations while it waits to stop an MDB. */
    static final class EJBComponentUnavailableException extends RuntimeException {
        EJBComponentUnavailableException(String message) {
            super(message);
        }
    }

    @Test
    void whenTheContainerSaysTheMdbIsShuttingDownTheClientIsBusyAndTheEndpointStops() throws Exception {
        FakeFactory factory = new FakeFactory(false, false);
        factory.failures.put("processRequest", new RuntimeException("wrapped", new EJBComponentUnavailableException("WFLYEJB0421: component is shutting down")));
        FakeConnection connection = new FakeConnection();
        List<String> stops = new ArrayList<>();
        new EndpointDelivery("test", factory, () -> stops.add("stop")).handle(connection);
        assertEquals("busy: test is shutting down, try again later\n", connection.written());
        assertEquals(List.of("stop"), stops);
        assertEquals(List.of("createEndpoint", "processRequest", "release"), factory.calls);
    }

    @Test
    void otherFailuresOfTheBeanPropagateToTheEngineWhichLogsThem() {
        FakeFactory factory = new FakeFactory(false, false);
        factory.failures.put("processRequest", new IllegalStateException("bean bug"));
        List<String> stops = new ArrayList<>();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new EndpointDelivery("test", factory, () -> stops.add("stop")).handle(new FakeConnection()));
        assertEquals("bean bug", e.getMessage());
        assertTrue(stops.isEmpty());
        assertEquals(List.of("createEndpoint", "processRequest", "release"), factory.calls);
    }

    @Test
    void aDeliveryTheWorkManagerRejectedOnlyAnswersBusy() throws Exception {
        FakeFactory factory = new FakeFactory(false, false);
        FakeConnection connection = new FakeConnection();
        EndpointDelivery delivery = new EndpointDelivery("test", factory, () -> { });
        WorkManager full = (WorkManager) Proxy.newProxyInstance(WorkManager.class.getClassLoader(),
                new Class<?>[] {WorkManager.class}, (proxy, method, args) -> {
                    throw new WorkRejectedException("threads and queue are full");
                });
        WorkManagerExecutor executor = new WorkManagerExecutor(full, true, "test");
        RejectedExecutionException rejected = org.junit.jupiter.api.Assertions.assertThrows(RejectedExecutionException.class,
                () -> executor.execute(() -> {
                    throw new AssertionError("a rejected delivery must not run");
                }));
        new ActiveConnections().refuse(connection, rejected.getMessage());
        assertTrue(factory.calls.isEmpty(), "no endpoint is taken: " + factory.calls);
        assertEquals("busy: the server has no thread free, try again later\n", connection.written());
        assertTrue(delivery.awaitIdle(Duration.ofSeconds(1)));
    }
}
