package dev.prefork.worker;

import dev.prefork.posix.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serialize pipe's one token, on a real FIFO held open by the test as the supervisor holds it: a
 * worker that leaves, on whatever thread and whatever it was doing, neither keeps the token nor
 * makes a second one.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PipeTokenTurnTest {
    @TempDir
    Path dir;

    private Path fifo;
    /** The supervisor's end: keeps the FIFO open and puts the first token in. */
    private RandomAccessFile supervisor;
    /** Counts the bytes waiting in the FIFO (FIONREAD) without taking any. */
    private FileInputStream counter;

    @BeforeEach
    void makeTheFifo() throws IOException {
        fifo = dir.resolve("accept.fifo");
        Posix.mkfifo(fifo.toString(), 0600);
        supervisor = new RandomAccessFile(fifo.toFile(), "rw");
        counter = new FileInputStream(fifo.toFile());
    }

    @AfterEach
    void closeTheFifo() throws IOException {
        counter.close();
        supervisor.close();
    }

    private int tokensInTheFifo() throws IOException {
        return counter.available();
    }

    @Test
    void aHolderThatLeavesGivesTheTokenBackAndNeverTakesItAgain() throws IOException {
        supervisor.write('T');
        try (AcceptLock.PipeTokenTurn turn = new AcceptLock.PipeTokenTurn(fifo.toString())) {
            assertTrue(turn.acquire());
            assertEquals(0, tokensInTheFifo(), "the holder has it");

            assertTrue(turn.leave(), "a holder that is not taking the turn can exit at once");

            assertEquals(1, tokensInTheFifo(), "given back on the way out");
            assertFalse(turn.acquire(), "a leaving worker takes no turn");
            turn.release();
            assertEquals(1, tokensInTheFifo(), "and gives back nothing more");
        }
    }

    @Test
    void aWorkerThatReleasedAndThenLeavesAddsNoToken() throws IOException {
        supervisor.write('T');
        try (AcceptLock.PipeTokenTurn turn = new AcceptLock.PipeTokenTurn(fifo.toString())) {
            assertTrue(turn.acquire());
            turn.release();
            assertEquals(1, tokensInTheFifo());
            assertTrue(turn.leave());
            assertEquals(1, tokensInTheFifo());
        }
    }

    @Test
    void aWorkerWaitingForTheTokenIsWokenWhenItLeavesAndTakesNone() throws Exception {
        // Another worker holds the token: the FIFO is empty.
        try (AcceptLock.PipeTokenTurn turn = new AcceptLock.PipeTokenTurn(fifo.toString())) {
            CompletableFuture<Boolean> taking = TurnTaking.acquireOnItsOwnThread(turn);
            assertTrue(TurnTaking.within5Seconds(PipeTokenTurnTest::aThreadReadsTheFifo), "the accepting thread waits in read() for the token");

            assertFalse(turn.leave(), "it is taking the turn: it must leave by itself");

            assertFalse(taking.get(5, TimeUnit.SECONDS), "woken, it takes no turn");
            supervisor.write('T'); // the holder passes the token on
            assertEquals(1, tokensInTheFifo(), "nobody took it: the leaving worker reads no more");
        }
    }

    /** Whether the accepting thread is inside a FileChannel read (its stack says so). */
    private static boolean aThreadReadsTheFifo() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("accepting")) {
                for (StackTraceElement frame : thread.getStackTrace()) {
                    if (frame.getClassName().endsWith("FileChannelImpl") && frame.getMethodName().equals("read")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void aTokenArrivingJustAsTheWaitingWorkerLeavesIsNeitherLostNorDoubled() throws Exception {
        for (int round = 0; round < 200; round++) {
            try (AcceptLock.PipeTokenTurn turn = new AcceptLock.PipeTokenTurn(fifo.toString())) {
                CompletableFuture<Boolean> taking = CompletableFuture.supplyAsync(() -> {
                    try {
                        return turn.acquire();
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }, runnable -> new Thread(runnable, "accepting").start());
                supervisor.write('T'); // the holder, elsewhere, passes the token on ...
                turn.leave();          // ... as this worker is told to quit

                taking.get(5, TimeUnit.SECONDS);
                turn.leave(); // had the accepting thread taken the turn before being told, it gives it back now
                assertEquals(1, tokensInTheFifo(), "round " + round + ": exactly one token");
                assertEquals('T', (char) counter.read(), "take it out for the next round");
            }
        }
    }
}
