package dev.prefork.engine;

import dev.prefork.engine.config.EngineConfig;
import dev.prefork.engine.config.Handoff;
import dev.prefork.engine.config.Serialize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool serves concurrent clients, in every serialize mode, with exactly max_servers workers. */
class ServingTest extends EngineTestSupport {

    private static int serveConcurrently(int port, int clients, int connectionsEach) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger answered = new AtomicInteger();
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < connectionsEach; i++) {
                        String line = "client " + client + " connection " + i + " " + "x".repeat(i * 37);
                        assertEquals(line, LineClient.echoOnce(port, line));
                        answered.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return answered.get();
    }

    @ParameterizedTest
    @EnumSource(Serialize.class)
    void everySerializeModeServesConcurrentClients(Serialize mode) throws Exception {
        PreforkEngine engine = start(config(4).serialize(mode));
        int port = engine.boundPort(0);

        assertEquals(8 * 25, serveConcurrently(port, 8, 25));

        // Many lines over one long connection as well.
        try (LineClient client = new LineClient(port)) {
            for (int i = 0; i < 200; i++) {
                assertEquals("line " + i, client.roundTrip("line " + i));
            }
        }
        // A worker counts a connection as served once it has finished relaying it, which can be just after
        // the client read its last answer and closed: poll the scoreboard (it announces nothing), bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        PoolSnapshot snapshot = engine.snapshot();
        while (snapshot.workers().stream().mapToLong(WorkerSnapshot::served).sum() < 8 * 25 + 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            snapshot = engine.snapshot();
        }
        assertEquals(4, snapshot.workers().size());
        assertEquals(8 * 25 + 1, snapshot.workers().stream().mapToLong(WorkerSnapshot::served).sum());
    }

    @Test
    void exactlyMaxServersWorkersEachHoldingOnlyTheListeningSocketAndWhatItOpened() throws Exception {
        PreforkEngine engine = start(config(3));
        long supervisor = engine.supervisorPid();
        List<Long> workers = Processes.children(supervisor);
        assertEquals(3, workers.size(), "worker processes under the supervisor");
        assertEquals(Set.copyOf(workers), Set.copyOf(engine.snapshot().workers().stream().map(WorkerSnapshot::pid).toList()));

        // Every socket or pipe the supervisor holds, by inode.
        Set<String> supervisorObjects = new HashSet<>();
        for (String target : Processes.descriptorTargets(supervisor)) {
            String object = target.substring(target.indexOf('=') + 1);
            if (object.startsWith("socket:") || object.startsWith("pipe:")) {
                supervisorObjects.add(object);
            }
        }
        String supervisorStderr = Processes.descriptorTarget(supervisor, 2);
        for (long worker : workers) {
            String listening = Processes.descriptorTarget(worker, 0);
            assertTrue(listening.startsWith("socket:") && supervisorObjects.contains(listening),
                    "fd 0 of worker " + worker + " is the supervisor's listening socket: " + listening);
            assertEquals(supervisorStderr, Processes.descriptorTarget(worker, 1), "stdout goes to the log");
            assertEquals(supervisorStderr, Processes.descriptorTarget(worker, 2), "stderr goes to the log");
            for (String target : Processes.descriptorTargets(worker)) {
                String fd = target.substring(0, target.indexOf('='));
                String object = target.substring(target.indexOf('=') + 1);
                if (fd.equals("0") || fd.equals("1") || fd.equals("2")) {
                    continue;
                }
                // The JVM dups fd 0 for System.inheritedChannel(); anything else shared with the supervisor leaked.
                if (!object.equals(listening)) {
                    assertTrue(!supervisorObjects.contains(object),
                            "worker " + worker + " fd " + fd + " -> " + object + " was inherited from the supervisor");
                }
            }
        }
    }

    @Test
    void workersAreRecycledAfterMaxRequestsWithoutFailingAClient() throws Exception {
        PreforkEngine engine = start(config(4).maxRequests(5).set("max_requests_jitter", "0"));
        int port = engine.boundPort(0);
        long firstPid = engine.snapshot().workers().get(0).pid();

        assertEquals(6 * 30, serveConcurrently(port, 6, 30));

        // 180 connections flat out reach max_requests 5 far faster than JVMs start: a worker whose successor is
        // not accepting yet serves on past its limit (held) and leaves once it accepts, so fewer leave than
        // 180 / 5, but the first one does.
        assertTrue(Processes.eventually(java.time.Duration.ofSeconds(60), () -> !Processes.alive(firstPid)),
                "the first worker was recycled");
        PoolSnapshot snapshot = engine.snapshot();
        assertEquals(snapshot.spawned() - snapshot.exited(), snapshot.workers().size());
        if (snapshot.workers().stream().anyMatch(w -> w.served() > 5)) {
            assertTrue(Processes.eventually(java.time.Duration.ofSeconds(10), () -> heldPastMaxRequests(engine) > 0),
                    "a worker served past max_requests only while held for its successor: " + snapshot.workers());
        }

        // The first worker that exited cleanly left a class-data-sharing archive; workers spawned after it map it.
        // Successors started ahead of that exit could not: a second round recycles workers spawned since.
        assertEquals(6 * 30, serveConcurrently(port, 6, 30));
        assertTrue(Processes.eventually(java.time.Duration.ofSeconds(60), () -> workersMappingTheArchive(engine) > 0),
                "recycled workers start from the workers' CDS archive");
    }

    /** Live workers that mapped the workers' class-data-sharing archive. */
    private static long workersMappingTheArchive(PreforkEngine engine) {
        long mapping = 0;
        try {
            for (WorkerSnapshot worker : engine.snapshot().workers()) {
                String maps = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(worker.pid()), "maps"));
                mapping += maps.matches("(?s).*/prefork-cache-[^/]+/worker-[0-9a-f]+\\.(jsa|aot).*") ? 1 : 0;
            }
        } catch (IOException | EngineException e) {
            return mapping; // a worker left meanwhile: look again
        }
        return mapping;
    }

    /** Workers seen past max_requests while held for their successors, from the supervisor's status (-1 when it cannot tell). */
    private static long heldPastMaxRequests(PreforkEngine engine) {
        try {
            return engine.status().number("held_past_max_requests");
        } catch (EngineException e) {
            return -1;
        }
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void peerAndWorkerFactsReachTheHandler(Handoff handoff) throws Exception {
        List<String> seen = new ArrayList<>();
        // The handler speaks first: delivered at once, not on the client's first bytes.
        PreforkEngine engine = start(config(1).handoff(handoff).set(EngineConfig.DELIVER_ON, "accept"), connection -> {
            synchronized (seen) {
                seen.add(connection.getPeerAddress() + " " + connection.getLocalAddress() + " "
                        + connection.getWorker().pid() + " " + connection.getWorker().connectionNumber());
            }
            connection.getWriter().println("hi");
        });
        int port = engine.boundPort(0);
        long worker = engine.snapshot().workers().get(0).pid();
        String firstClient;
        try (LineClient client = new LineClient(port)) {
            firstClient = client.localAddress();
            assertEquals("hi", client.readLine());
        }
        try (LineClient client = new LineClient(port)) {
            assertEquals("hi", client.readLine());
            assertEquals(null, client.readLine(), "closed when the handler returned");
        }
        synchronized (seen) {
            assertEquals("/" + firstClient + " /127.0.0.1:" + port + " " + worker + " 1", seen.get(0));
            assertTrue(seen.get(1).endsWith(" " + worker + " 2"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void halfCloseWorksBothWays(Handoff handoff) throws Exception {
        PreforkEngine engine = start(config(1).handoff(handoff), connection -> {
            // Answer after the client has said everything, then say we are done while still reading.
            String all = new String(connection.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            connection.getWriter().print("got " + all.length());
            connection.shutdownOutput();
        });
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.boundPort(0))) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("0123456789".getBytes());
            socket.shutdownOutput();
            assertEquals("got 10", new String(socket.getInputStream().readAllBytes()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void severalPortsIncludingAUnixSocketEachGetAPoolOfTheirOwn(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path socketFile = dir.resolve("echo.sock");
        PreforkEngine engine = start(EngineConfig.builder().ports("127.0.0.1:0", socketFile.toString()).maxServers(2).name("multi"));
        assertEquals(List.of("unix:" + socketFile), engine.boundAddresses().subList(1, 2));
        PoolSnapshot snapshot = engine.snapshot();
        assertEquals(4, snapshot.workers().size());
        assertEquals(2, snapshot.workers().stream().filter(w -> w.portIndex() == 1).count());

        assertEquals("tcp", LineClient.echoOnce(engine.boundPort(0), "tcp"));
        try (java.nio.channels.SocketChannel unix = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socketFile))) {
            unix.write(java.nio.ByteBuffer.wrap("over unix\n".getBytes()));
            unix.shutdownOutput();
            java.nio.ByteBuffer answer = java.nio.ByteBuffer.allocate(64);
            while (unix.read(answer) >= 0) {
                // until the handler returns and the worker closes
            }
            assertEquals("over unix\n", new String(answer.array(), 0, answer.position()));
        }
        engine.stop();
        assertTrue(!java.nio.file.Files.exists(socketFile), "the UNIX socket file is removed at stop");
    }

    @Test
    void ttinTtouAndHupResizeAndReplaceThePoolWhileItServes() throws Exception {
        PreforkEngine engine = start(config(3));
        long supervisor = engine.supervisorPid();
        engine.addWorker();
        assertTrue(Processes.eventually(java.time.Duration.ofSeconds(30), () -> Processes.children(supervisor).size() == 4), "TTIN added one");
        engine.removeWorker();
        engine.removeWorker();
        assertTrue(Processes.eventually(java.time.Duration.ofSeconds(30), () -> Processes.children(supervisor).size() == 2), "TTOU removed two");

        Set<Long> before = Set.copyOf(Processes.children(supervisor));
        Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(supervisor)).start();
        assertEquals(0, hup.waitFor());
        assertTrue(Processes.eventually(java.time.Duration.ofSeconds(30), () -> {
            List<Long> now = Processes.children(supervisor);
            return now.size() == 2 && now.stream().noneMatch(before::contains);
        }), "HUP replaced every worker");
        assertEquals("after hup", LineClient.echoOnce(engine.boundPort(0), "after hup"));
    }

    @ParameterizedTest
    @EnumSource(value = Handoff.class, names = {"DESCRIPTOR", "RELAY"})
    void largeAndSmallWritesArriveWholeAndInOrder(Handoff handoff) throws Exception {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        PreforkEngine engine = start(config(1).handoff(handoff).set(EngineConfig.DELIVER_ON, "accept"), connection -> {
            java.io.OutputStream out = connection.getOutputStream();
            out.write('<');
            out.write(big);
            for (int i = 0; i < 3000; i++) {
                out.write(i & 0xff);
            }
            out.write('>');
        });
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", engine.boundPort(0))) {
            socket.setSoTimeout(20_000);
            byte[] got = socket.getInputStream().readAllBytes();
            assertEquals(1 + big.length + 3000 + 1, got.length);
            assertEquals('<', got[0]);
            assertTrue(java.util.Arrays.equals(big, 0, big.length, got, 1, 1 + big.length), "the large write arrived intact");
            for (int i = 0; i < 3000; i++) {
                assertEquals((byte) (i & 0xff), got[1 + big.length + i]);
            }
            assertEquals('>', got[got.length - 1]);
        }
    }
}
