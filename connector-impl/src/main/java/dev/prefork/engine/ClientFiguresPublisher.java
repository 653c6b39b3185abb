package dev.prefork.engine;

import dev.prefork.bridge.Receiver;
import dev.prefork.engine.protocol.Scoreboard;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Copies the bridge's client figures (in service, waiting for first bytes or a slot, closed or refused
 * unserved) into the supervisor's scoreboard a few times a second, where its status port reads them: the
 * supervisor cannot ask this JVM, and a counter per connection across processes would cost every client.
 * A successor supervisor makes a new scoreboard; the next tick opens that one.
 */
public final class ClientFiguresPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientFiguresPublisher.class.getName());
    /** Figures on the status port are at most this old. */
    public static final long PERIOD_MILLIS = 250;

    private final Receiver bridge;
    private final Path scoreboardFile;
    private final Supplier<Object> supervisor;
    private final Thread thread;
    private volatile boolean closed;
    private Scoreboard scoreboard;
    private Object openedFor;

    /** {@code supervisor} says which supervisor runs now; its scoreboard is {@code scoreboardFile}. */
    ClientFiguresPublisher(Receiver bridge, Path scoreboardFile, Supplier<Object> supervisor, String name) {
        this.bridge = bridge;
        this.scoreboardFile = scoreboardFile;
        this.supervisor = supervisor;
        this.thread = new Thread(this::run, "prefork-client-figures-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                publishOnce();
                Thread.sleep(PERIOD_MILLIS);
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            closeScoreboard();
        }
    }

    private void publishOnce() {
        Object current = supervisor.get();
        if (current != openedFor) {
            closeScoreboard();
            try {
                scoreboard = Scoreboard.open(scoreboardFile);
                openedFor = current;
            } catch (IOException e) {
                // Between two supervisors, or this one has not made it yet: the next tick tries again.
                LOG.log(Level.FINE, "no scoreboard to publish the client figures to yet", e);
                return;
            }
        }
        scoreboard.publishClients(bridge.clientFigures());
    }

    private void closeScoreboard() {
        if (scoreboard != null) {
            try {
                scoreboard.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the scoreboard", e);
            }
            scoreboard = null;
            openedFor = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
