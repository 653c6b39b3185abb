package dev.prefork.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients behind a balancer: each thread opens a connection from {@code clientHost} to the balancer's
 * frontend, sends one line, reads one answer line and closes, again and again until stopped. Every
 * answer and every failure is kept with the instant its connection started, so that a test can ask what
 * happened to the clients that started after some event. Loopback only; bounded by {@link #MAX_KEPT}.
 */
public final class BalancerClients implements AutoCloseable {
    /** Answers and failures kept at most: a load of a few seconds makes far fewer. */
    static final int MAX_KEPT = 100_000;

    /** One connection that got its answer: when it started and the line that came back. */
    public record Answer(long startedNanos, String line) {
    }

    /** One connection that did not: when it started and what went wrong. */
    public record Failure(long startedNanos, String what) {
    }

    private final String clientHost;
    private final int frontendPort;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    private BalancerClients(String clientHost, int frontendPort) {
        this.clientHost = clientHost;
        this.frontendPort = frontendPort;
    }

    /** Starts {@code clients} threads from {@code clientHost} to 127.0.0.1:{@code frontendPort}. */
    public static BalancerClients start(String clientHost, int frontendPort, int clients) {
        BalancerClients load = new BalancerClients(clientHost, frontendPort);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> load.connectUntilStopped(client), "balancer-client-" + c);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    private void connectUntilStopped(int client) {
        for (long i = 0; running.get(); i++) {
            long started = System.nanoTime();
            try {
                Answer answer = ask(clientHost, frontendPort, "client " + client + " connection " + i);
                if (answers.size() < MAX_KEPT) {
                    answers.add(answer);
                }
            } catch (IOException e) {
                if (failures.size() < MAX_KEPT) {
                    failures.add(new Failure(started, "client " + client + " connection " + i + ": " + e));
                }
                pause(); // a refusing node answers at once: do not spin
            }
        }
    }

    /**
     * One connection from {@code clientHost} through the balancer: sends {@code line}, returns the answer,
     * which must end with the line (an echo, or a node's report that names it); anything else is an
     * IOException saying what came.
     */
    public static Answer ask(String clientHost, int frontendPort, String line) throws IOException {
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(clientHost, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", frontendPort), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            String answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (answer == null || !answer.endsWith(line)) {
                throw new IOException("answered " + answer);
            }
            return new Answer(started, answer);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits (bounded) for {@code more} answers than there are now; fails saying what failed meanwhile. */
    public void awaitMoreAnswers(int more, Duration timeout) {
        int target = answers.size() + more;
        Await.until(more + " more answers through the balancer", timeout, () -> answers.size() >= target,
                () -> answers.size() + " answers, failures " + failures());
    }

    public List<Answer> answers() {
        return List.copyOf(answers);
    }

    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Answers to connections that started after {@code nanos} (System.nanoTime). */
    public List<Answer> answersStartedAfter(long nanos) {
        return answers.stream().filter(answer -> answer.startedNanos() > nanos).toList();
    }

    /** Stops every client thread after its current connection; waits for them (bounded). */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }
}
