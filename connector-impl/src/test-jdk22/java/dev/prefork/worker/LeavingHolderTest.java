package dev.prefork.worker;

import dev.prefork.engine.protocol.ProcessLog;
import dev.prefork.engine.protocol.Scoreboard;
import dev.prefork.posix.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * serialize flock and semaphore, on a real lock file and a real SysV semaphore: a worker told to quit never
 * ends its process holding the accept turn, whatever its accepting thread is doing. Issue 9, fault 8: a
 * worker told to quit just after its accepting thread took the turn, before it entered accept(), halted
 * with the turn held, and the pool's other workers waited for the kernel to tear its JVM down (seconds in
 * a CPU-starved cgroup, with the listen queue full). Ending the process is the test's stand-in, which
 * notes whether this process held the turn at that instant.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeavingHolderTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private Path lockFile;
    private Scoreboard.Slot slot;
    private Integer semaphore;

    @BeforeEach
    void files() throws IOException {
        lockFile = dir.resolve("accept.lock");
        slot = Scoreboard.create(dir.resolve("scoreboard"), 1).slot(0);
    }

    @AfterEach
    void removeTheSemaphore() {
        if (semaphore != null) {
            Posix.removeSemaphore(semaphore);
        }
    }

    /** The worker's control, with an exit that notes whether the turn was still ours when the process would have ended. */
    private static final class Watched {
        final CompletableFuture<Boolean> heldAtExit = new CompletableFuture<>();
        final WorkerControl control;

        Watched(AcceptLock turn, Scoreboard.Slot slot, java.util.function.BooleanSupplier held) {
            control = new WorkerControl(slot, turn, new ProcessLog("worker", "test"), 10_000, status -> heldAtExit.complete(held.getAsBoolean()));
        }
    }

    @Test
    void flockAQuitBetweenTakingTheTurnAndAcceptGivesTheLockBackBeforeTheProcessEnds() throws Exception {
        try (AcceptLock.FileLockTurn turn = new AcceptLock.FileLockTurn(lockFile)) {
            Watched worker = new Watched(turn, slot, () -> lockedByUs(lockFile));
            assertTrue(turn.acquire(), "the accepting thread takes the turn ...");
            assertTrue(lockedByUs(lockFile));

            quitFromTheSupervisorLink(worker.control); // ... and is told to quit before it enters accept()

            assertFalse(worker.heldAtExit.get(5, TimeUnit.SECONDS), "the lock was still ours when the process ended");
            assertFalse(worker.control.enterAccept(), "the accepting thread does not accept once told to quit");
            turn.release(); // what its finally block does: nothing left to give
            assertFalse(lockedByUs(lockFile));
        }
    }

    @Test
    void semaphoreAQuitBetweenTakingTheTurnAndAcceptGivesItBackBeforeTheProcessEnds() throws Exception {
        semaphore = Posix.createSemaphore(1);
        AcceptLock.SemaphoreTurn turn = new AcceptLock.SemaphoreTurn(semaphore);
        Watched worker = new Watched(turn, slot, () -> Posix.semaphoreValue(semaphore) == 0);
        assertTrue(turn.acquire());
        assertEquals(0, Posix.semaphoreValue(semaphore));

        quitFromTheSupervisorLink(worker.control);

        assertFalse(worker.heldAtExit.get(5, TimeUnit.SECONDS), "the semaphore was still taken when the process ended");
        assertFalse(worker.control.enterAccept());
        turn.release();
        assertEquals(1, Posix.semaphoreValue(semaphore), "exactly one turn: given back once");
    }

    @Test
    void flockAWorkerWaitingForTheLockIsWokenWhenItLeavesAndTakesNone() throws Exception {
        Process holder = holdTheLockElsewhere(lockFile);
        try (AcceptLock.FileLockTurn turn = new AcceptLock.FileLockTurn(lockFile)) {
            CompletableFuture<Boolean> taking = TurnTaking.acquireOnItsOwnThread(turn);
            assertTrue(TurnTaking.within5Seconds(() -> locksOn(lockFile, true)), "the accepting thread waits for the lock the other process holds");

            assertFalse(turn.leave(), "it is taking the turn: it must leave by itself");

            assertFalse(taking.get(5, TimeUnit.SECONDS), "woken, it takes no turn");
            holder.getOutputStream().close(); // the other process lets go and exits
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            assertFalse(lockedByUs(lockFile), "the leaving worker was not granted the lock afterwards");
            assertFalse(turn.acquire(), "and takes no turn again");
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void semaphoreAWorkerWaitingForTheTurnLeavesWithinItsWakeSliceAndTakesNone() throws Exception {
        semaphore = Posix.createSemaphore(0); // a sibling holds the turn
        AcceptLock.SemaphoreTurn turn = new AcceptLock.SemaphoreTurn(semaphore);
        CompletableFuture<Boolean> taking = TurnTaking.acquireOnItsOwnThread(turn);
        assertTrue(TurnTaking.within5Seconds(() -> Posix.semaphoreWaiters(semaphore) > 0), "the accepting thread waits in semop for the turn");

        assertFalse(turn.leave(), "it is taking the turn: it must leave by itself");

        assertFalse(taking.get(5, TimeUnit.SECONDS), "it stops waiting and takes no turn");
        Posix.semop(semaphore, (short) 1); // the sibling passes the turn on
        assertEquals(1, Posix.semaphoreValue(semaphore), "nobody took it");
        Posix.semop(semaphore, (short) -1); // the sibling's SEM_UNDO, which is this JVM's, back to zero
    }

    @Test
    void semaphoreATurnArrivingJustAsTheWaitingWorkerLeavesIsNeitherLostNorDoubled() throws Exception {
        semaphore = Posix.createSemaphore(0);
        for (int round = 0; round < 100; round++) {
            AcceptLock.SemaphoreTurn turn = new AcceptLock.SemaphoreTurn(semaphore);
            CompletableFuture<Boolean> taking = TurnTaking.acquireOnItsOwnThread(turn);
            Posix.semop(semaphore, (short) 1); // the holder, elsewhere, passes the turn on ...
            turn.leave();                      // ... as this worker is told to quit

            taking.get(5, TimeUnit.SECONDS);
            assertTrue(turn.leave(), "round " + round + ": once the accepting thread is out, the worker may exit");
            assertEquals(1, Posix.semaphoreValue(semaphore), "round " + round + ": exactly one turn");
            Posix.semop(semaphore, (short) -1); // take it out for the next round
        }
    }

    private static void quitFromTheSupervisorLink(WorkerControl control) throws InterruptedException {
        Thread link = new Thread(() -> control.requestQuit("the supervisor asked us to quit"), "prefork-supervisor-link");
        link.start();
        link.join(TimeUnit.SECONDS.toMillis(5));
        assertFalse(link.isAlive(), "the quit did not return");
    }

    /**
     * Another process takes an fcntl write lock on {@code file} (as a sibling worker's {@code FileChannel.lock}
     * does) and holds it until its standard input closes; returns once it holds it.
     */
    private static Process holdTheLockElsewhere(Path file) throws Exception {
        // struct flock on 64-bit Linux: short l_type, short l_whence, (pad), off_t l_start, off_t l_len, pid_t l_pid, (pad)
        String script = "use Fcntl; open(my $f, '>>', $ARGV[0]) or die $!;"
                + " my $lock = pack('s s x4 q q l x4', F_WRLCK, 0, 0, 0, 0); fcntl($f, F_SETLKW, $lock) or die $!;"
                + " $| = 1; print \"locked\\n\"; while (<STDIN>) {}";
        Process holder = new ProcessBuilder("perl", "-e", script, file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.US_ASCII));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            assertEquals("locked", line.get(10, TimeUnit.SECONDS), "the other process did not take the lock");
        } catch (Exception | AssertionError e) {
            holder.destroyForcibly();
            throw e;
        }
        return holder;
    }

    /** Whether this process holds a POSIX lock on {@code file}, as the kernel's lock table says. */
    private static boolean lockedByUs(Path file) {
        return locksOn(file, false);
    }

    /** Reads /proc/locks: "1: POSIX ADVISORY WRITE pid maj:min:inode start end", "1: -> POSIX ..." for a waiter. */
    private static boolean locksOn(Path file, boolean waiting) {
        try {
            String inode = ":" + Files.getAttribute(file, "unix:ino");
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                String[] f = line.trim().split("\\s+");
                int at = f.length > 1 && f[1].equals("->") ? 2 : 1;
                if ((at == 2) == waiting && f.length > at + 4 && f[at].equals("POSIX")
                        && f[at + 3].equals(Long.toString(PID)) && f[at + 4].endsWith(inode)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new AssertionError("cannot read the kernel's lock table", e);
        }
    }
}
